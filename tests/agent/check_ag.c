/*
 * check_ag.c - runner for the mirador-agent unit tests.
 */
#include "tests/agent/suites.h"

#include <stdlib.h>

#include "common/common.h"

int
main(void)
{
	SRunner *sr;
	int nfailed;

	log_init("check_ag", LOG_LEVEL_ERR);
	sr = srunner_create(ag_cfg_suite());
	srunner_add_suite(sr, ag_pages_suite());
	srunner_add_suite(sr, ag_mirror_cfg_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
