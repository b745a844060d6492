/*
 * check_schema.c - runner for the libschema unit tests: golden files
 * (valid configs -> canonical dump, invalid ones -> exact errors),
 * generations and diffs, and the limits.
 */
#include "tests/schema/suites.h"

#include <stdlib.h>

#include "schema/schema.h"

void
schema_setup(void)
{
	ck_assert_int_eq(schema_init(), 0);
}

void
schema_teardown(void)
{
	schema_fini();
}

int
main(void)
{
	SRunner *sr;
	int nfailed;

	sr = srunner_create(schema_golden_suite());
	srunner_add_suite(sr, schema_config_suite());
	srunner_add_suite(sr, schema_limits_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
