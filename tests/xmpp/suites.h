/*
 * suites.h - the Check suites of libxmpp, collected by check_xmpp.c, and
 * the helpers they share (defined in check_xmpp.c).
 */
#ifndef SDN_TESTS_XMPP_SUITES_H
#define SDN_TESTS_XMPP_SUITES_H

#include <check.h>

#include "xmpp/xmpp.h"

Suite *xmpp_stanza_suite(void);
Suite *xmpp_parser_suite(void);
Suite *xmpp_item_suite(void);

/*
 * An assertion for loops and helpers: unlike ck_assert it tells Check
 * nothing unless it fails (every ck_assert sends its location to the
 * parent process, which makes tight loops slow).
 */
#define XT_ASSERT(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/* An exact-size heap copy of p (so ASan sees any read past n); free it. */
char *xt_copy(const void *p, size_t n);
/*
 * n printed (xmpp_node_print, not full) into a static buffer: the form
 * the tests compare trees in.
 */
const char *xt_print(const struct xmpp_node *n);

#endif /* SDN_TESTS_XMPP_SUITES_H */
