/*
 * DOC: check_common.c - runner for the libcommon unit tests.
 *
 * Adds every suite of tests/common/suites.h to one SRunner and runs them
 * in CK_ENV mode, so CK_TAP_LOG_FILE_NAME=- (set by tests/local.am) makes
 * each test case a TAP line.  Exits non-zero when any test failed.
 */
#include "tests/common/suites.h"

#include <stdlib.h>

#include "common/common.h"

/*
 * The xalloc OOM tests need malloc to return NULL for absurd sizes, as
 * libc does, rather than have ASan stop the process.  Read by ASan at
 * start-up; ASAN_OPTIONS still overrides it.  Harmless without ASan.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* fatalx lines of the abort tests would only clutter the test log. */
void
common_quiet(void)
{
	ck_assert_int_eq(log_open_file("/dev/null"), 0);
}

void
common_unquiet(void)
{
	log_fini();
}

int
main(void)
{
	SRunner *sr;
	int nfailed;

	sr = srunner_create(common_log_suite());
	srunner_add_suite(sr, common_xalloc_suite());
	srunner_add_suite(sr, common_buf_suite());
	srunner_add_suite(sr, common_ht_suite());
	srunner_add_suite(sr, common_arena_suite());
	srunner_add_suite(sr, common_pool_suite());
	srunner_add_suite(sr, common_netaddr_suite());
	srunner_add_suite(sr, common_uvx_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
