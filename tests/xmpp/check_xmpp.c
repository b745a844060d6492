/*
 * check_xmpp.c - runner for the libxmpp unit tests (the stanza tree and
 * printer, the framer over expat, the stream FSM, connections, server
 * and client), and the helpers the suites share.
 */
#include "tests/xmpp/suites.h"

#include <stdlib.h>
#include <string.h>

char *
xt_copy(const void *p, size_t n)
{
	char *c = malloc(n == 0 ? 1 : n);

	XT_ASSERT(c != NULL, "out of memory");
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

const char *
xt_print(const struct xmpp_node *n)
{
	static char buf[1 << 16];
	struct wbuf w;
	int rc;

	wbuf_init(&w, buf, sizeof(buf) - 1);
	rc = xmpp_node_print(n, &w, false);
	XT_ASSERT(rc == 0, "xmpp_node_print: %d", rc);
	buf[w.len] = '\0';
	return buf;
}

int
main(void)
{
	SRunner *sr;
	int nfailed;

	sr = srunner_create(xmpp_stanza_suite());
	srunner_add_suite(sr, xmpp_parser_suite());
	srunner_add_suite(sr, xmpp_item_suite());
	srunner_add_suite(sr, xmpp_fsm_suite());
	srunner_add_suite(sr, xmpp_conn_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
