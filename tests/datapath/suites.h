/*
 * suites.h - the Check suites of libdp, collected by check_dp.c, and the
 * helpers they share (defined in check_dp.c).
 */
#ifndef SDN_TESTS_DATAPATH_SUITES_H
#define SDN_TESTS_DATAPATH_SUITES_H

#include <check.h>

#include "datapath/dp.h"

Suite *dp_pkt_suite(void);
Suite *dp_encap_suite(void);
Suite *dp_jhdr_suite(void);
Suite *dp_pcap_suite(void);

/* Fails the test unless cond, without telling Check otherwise. */
#define DT_ASSERT(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/* Bytes from hex text (spaces ignored); fails past cap.  Byte count. */
size_t dt_unhex(const char *s, uint8_t *out, size_t cap);
/* An exact-size heap copy of p (so ASan sees any read past n); free it. */
uint8_t *dt_copy(const void *p, size_t n);

#endif /* SDN_TESTS_DATAPATH_SUITES_H */
