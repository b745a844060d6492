/*
 * suites.h - the Check suites of libcommon, one per unit, collected by
 * the runner check_common.c (libnl cksuite-all.h).
 */
#ifndef SDN_TESTS_COMMON_SUITES_H
#define SDN_TESTS_COMMON_SUITES_H

#include <check.h>

Suite *common_log_suite(void);
Suite *common_xalloc_suite(void);
Suite *common_buf_suite(void);
Suite *common_ht_suite(void);
Suite *common_arena_suite(void);
Suite *common_pool_suite(void);
Suite *common_netaddr_suite(void);
Suite *common_uvx_suite(void);

/* A fixture silencing the log (abort tests print fatalx lines). */
void common_quiet(void);
void common_unquiet(void);

#endif /* SDN_TESTS_COMMON_SUITES_H */
