/*
 * suites.h - the Check suites of libdp, collected by check_dp.c, and the
 * helpers they share (defined in check_dp.c).
 */
#ifndef SDN_TESTS_DATAPATH_SUITES_H
#define SDN_TESTS_DATAPATH_SUITES_H

#include <check.h>

#include "datapath/dp.h"

Suite *dp_tables_obj_suite(void);
Suite *dp_tables_rt_suite(void);
Suite *dp_tables_flow_suite(void);
Suite *dp_pkt_suite(void);
Suite *dp_encap_suite(void);
Suite *dp_jhdr_suite(void);
Suite *dp_pcap_suite(void);
Suite *dp_msg_suite(void);
Suite *dp_io_suite(void);
Suite *dp_fwd_suite(void);
Suite *dp_srv_suite(void);
Suite *dp_text_suite(void);

/*
 * An assertion for loops and helpers: unlike ck_assert it tells Check
 * nothing unless it fails (every ck_assert reports to the parent).
 */
#define DT_ASSERT(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/* A datapath with vif 1 (VM "tap1", VRF 1), vif 0 (fabric "eth0") and
 * nexthops 1 (discard), 2 (encap to vif 1), 3 (MPLSoUDP over vif 0). */
struct dp *dt_dp_new(uint32_t flow_max);
/* Adds a nexthop idx of type DISCARD; fails the test on error. */
void dt_nh_discard(struct dp *dp, uint32_t idx);
/* A prefix from text; fails the test on bad text. */
struct prefix dt_prefix(const char *s);
/* An address from text; fails the test on bad text. */
struct ipaddr dt_ip(const char *s);
/* Bytes from hex text (spaces ignored); fails past cap.  Byte count. */
size_t dt_unhex(const char *s, uint8_t *out, size_t cap);
/* An exact-size heap copy of p (so ASan sees any read past n); free it. */
uint8_t *dt_copy(const void *p, size_t n);

#endif /* SDN_TESTS_DATAPATH_SUITES_H */
