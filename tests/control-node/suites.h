/*
 * suites.h - the Check suites of libcn, collected by check_cn.c.
 */
#ifndef SDN_TESTS_CN_SUITES_H
#define SDN_TESTS_CN_SUITES_H

#include <check.h>

Suite *cn_config_suite(void);
Suite *cn_intro_suite(void);
Suite *cn_node_suite(void);
Suite *cn_rtkey_suite(void);
Suite *cn_attr_suite(void);
Suite *cn_page_suite(void);
Suite *cn_rt_suite(void);
Suite *cn_ri_suite(void);
Suite *cn_mirror_suite(void);
Suite *cn_pages_suite(void);
Suite *cn_xmpp_suite(void);

#endif /* SDN_TESTS_CN_SUITES_H */
