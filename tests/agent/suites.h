/*
 * suites.h - the Check suites of mirador-agent, collected by check_ag.c.
 */
#ifndef SDN_TESTS_AGENT_SUITES_H
#define SDN_TESTS_AGENT_SUITES_H

#include <check.h>

Suite *ag_cfg_suite(void);
Suite *ag_pages_suite(void);
Suite *ag_mirror_cfg_suite(void);

#endif /* SDN_TESTS_AGENT_SUITES_H */
