/*
 * check_cn.c - runner for the control-node unit tests: the config store,
 * the node's life cycle on a private loop, the introspect pages and the
 * REST server on loopback.
 */
#include "tests/control-node/suites.h"

#include <stdlib.h>

int
main(void)
{
	SRunner *sr;
	int nfailed;

	sr = srunner_create(cn_config_suite());
	srunner_add_suite(sr, cn_node_suite());
	srunner_add_suite(sr, cn_rtkey_suite());
	srunner_add_suite(sr, cn_attr_suite());
	srunner_add_suite(sr, cn_page_suite());
	srunner_add_suite(sr, cn_intro_suite());
	srunner_add_suite(sr, cn_rt_suite());
	srunner_add_suite(sr, cn_ri_suite());
	srunner_add_suite(sr, cn_mirror_suite());
	srunner_add_suite(sr, cn_pages_suite());
	srunner_add_suite(sr, cn_xmpp_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
