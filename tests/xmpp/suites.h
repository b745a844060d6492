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
Suite *xmpp_fsm_suite(void);
Suite *xmpp_conn_suite(void);

/* The wire strings of contrail-protocol.md 1.3-1.5, as written by the
 * agent "compute-7" and the control node "ctl-node-1". */
#define XT_OPEN                                                                \
	"<stream:stream from=\"compute-7\" "                                   \
	"to=\"network-control@contrailsystems.com\" version=\"1.0\" "          \
	"xml:lang=\"en\" xmlns=\"\" "                                          \
	"xmlns:stream=\"http://etherx.jabber.org/streams\" >"
#define XT_REPLY                                                               \
	"<stream:stream from=\"ctl-node-1\" to=\"compute-7\" id=\"++123\" "    \
	"version=\"1.0\" xml:lang=\"en\" xmlns=\"jabber:client\" "             \
	"xmlns:stream=\"http://etherx.jabber.org/streams\" >"
#define XT_FEATURES                                                            \
	"<stream:features><starttls "                                          \
	"xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"><required/></starttls>"     \
	"</stream:features>"
#define XT_STARTTLS "<starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>"
#define XT_PROCEED  "<proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>"
#define XT_CLOSE    "</stream:stream>"
#define XT_KA       "\xc8\x80"

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
