/*
 * DOC: check_xmpp_stanza.c - tests of xmpp/xmpp_stanza.c.
 *
 * Trees built with the builders and printed (attributes in order,
 * escaping in text and in attribute values, self-closing and the full
 * form of the root), the printer into every too-small buffer (-ENOSPC,
 * nothing past the end), characters XML cannot carry, and the finders
 * on local names.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/xmpp/suites.h"

static struct arena arena;

static void
setup(void)
{
	arena_init(&arena, 0);
}

static void
teardown(void)
{
	arena_fini(&arena);
}

/* The subscribe IQ of contrail-protocol.md 2.2, built. */
static struct xmpp_node *
build_subscribe(void)
{
	struct xmpp_node *iq, *ps, *sub, *opt;

	iq = xmpp_node_new(&arena, "iq");
	xmpp_node_set_attr(&arena, iq, "type", "set");
	xmpp_node_set_attr(&arena, iq, "from", "compute-7");
	xmpp_node_set_attr(&arena, iq, "to", XMPP_CONTROL_JID "/bgp-peer");
	xmpp_node_set_attr(&arena, iq, "id", "subscribe12");
	ps = xmpp_node_add(&arena, iq, "pubsub");
	xmpp_node_set_attr(&arena, ps, "xmlns", XMPP_PUBSUB_NS);
	sub = xmpp_node_add(&arena, ps, "subscribe");
	xmpp_node_set_attr(&arena, sub, "node", "default-domain:demo:red:red");
	opt = xmpp_node_add(&arena, sub, "options");
	xmpp_node_add_text(&arena, opt, "instance-id", "4");
	return iq;
}

#define SUBSCRIBE_XML                                                          \
	"<iq type=\"set\" from=\"compute-7\" "                                 \
	"to=\"network-control@contrailsystems.com/bgp-peer\" "                 \
	"id=\"subscribe12\"><pubsub "                                          \
	"xmlns=\"http://jabber.org/protocol/pubsub\"><subscribe "              \
	"node=\"default-domain:demo:red:red\"><options><instance-id>4</"       \
	"instance-id></options></subscribe></pubsub></iq>"

START_TEST(test_build_print)
{
	struct xmpp_node *iq = build_subscribe();

	ck_assert_str_eq(xt_print(iq), SUBSCRIBE_XML);
	ck_assert_ptr_null(iq->parent);
	ck_assert_ptr_eq(iq->child->parent, iq);
	ck_assert_str_eq(iq->text, "");
	ck_assert_uint_eq(iq->nattrs, 4);
}
END_TEST

START_TEST(test_attr_replace)
{
	struct xmpp_node *n = xmpp_node_new(&arena, "x");
	char name[8];
	int i;

	/* Enough attributes to grow the array several times. */
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		xmpp_node_set_attr(&arena, n, name, name);
	}
	xmpp_node_set_attr(&arena, n, "a3", "three");
	ck_assert_uint_eq(n->nattrs, 10);
	ck_assert_str_eq(xmpp_node_attr(n, "a3"), "three");
	ck_assert_str_eq(xmpp_node_attr(n, "a9"), "a9");
	ck_assert_ptr_null(xmpp_node_attr(n, "a10"));
	ck_assert_str_eq(xt_print(n),
	    "<x a0=\"a0\" a1=\"a1\" a2=\"a2\" a3=\"three\" a4=\"a4\" "
	    "a5=\"a5\" a6=\"a6\" a7=\"a7\" a8=\"a8\" a9=\"a9\"/>");
	xmpp_node_set_text(&arena, n, "t");
	xmpp_node_set_text(&arena, n, "text");
	ck_assert_uint_eq(n->text_len, 4);
	ck_assert_str_eq(n->text, "text");
}
END_TEST

START_TEST(test_escape)
{
	struct xmpp_node *n = xmpp_node_new(&arena, "m");
	char buf[128];
	struct wbuf w;

	xmpp_node_set_attr(&arena, n, "v", "a&b<c>d\"e'f\tg\nh\ri");
	xmpp_node_add_text(&arena, n, "body", "1 < 2 && 3 > 2 \"q\"\t\n\r.");
	ck_assert_str_eq(xt_print(n),
	    "<m v=\"a&amp;b&lt;c&gt;d&quot;e'f&#9;g&#10;h&#13;i\">"
	    "<body>1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot;\t\n&#13;."
	    "</body></m>");

	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xmpp_escape(&w, "x\x01y"), -EINVAL);
	wbuf_reset(&w);
	ck_assert_int_eq(xmpp_escape(&w, "caf\xc3\xa9 & co"), 0);
	ck_assert_uint_eq(w.len, strlen("caf\xc3\xa9 &amp; co"));
	ck_assert_int_eq(memcmp(buf, "caf\xc3\xa9 &amp; co", w.len), 0);
	xmpp_node_set_text(&arena, n, "bell\a");
	wbuf_reset(&w);
	ck_assert_int_eq(xmpp_node_print(n, &w, false), -EINVAL);
}
END_TEST

START_TEST(test_print_full)
{
	struct xmpp_node *iq = xmpp_node_new(&arena, "iq");
	struct xmpp_node *st;

	xmpp_node_set_attr(&arena, iq, "type", "result");
	ck_assert_str_eq(xt_print(iq), "<iq type=\"result\"/>");
	{
		char buf[64];
		struct wbuf w;

		wbuf_init(&w, buf, sizeof(buf) - 1);
		ck_assert_int_eq(xmpp_node_print(iq, &w, true), 0);
		buf[w.len] = '\0';
		ck_assert_str_eq(buf, "<iq type=\"result\"></iq>");
	}
	/* full is for the root only: children stay self-closed. */
	st = xmpp_node_add(
	    &arena, xmpp_node_add(&arena, iq, "pubsub"), "publish");
	(void)st;
	{
		char buf[64];
		struct wbuf w;

		wbuf_init(&w, buf, sizeof(buf) - 1);
		ck_assert_int_eq(xmpp_node_print(iq, &w, true), 0);
		buf[w.len] = '\0';
		ck_assert_str_eq(buf,
		    "<iq type=\"result\"><pubsub><publish/></pubsub></iq>");
	}
}
END_TEST

/* Every buffer too small by at least a byte: -ENOSPC, no overrun. */
START_TEST(test_print_nospace)
{
	struct xmpp_node *iq = build_subscribe();
	struct wbuf w;
	size_t len, cap;
	char *buf;

	/* Escapes inside, to cut through a reference too. */
	xmpp_node_set_text(&arena, iq->child->child, "a&b");
	len = strlen(xt_print(iq));
	for (cap = 0; cap < len; cap++) {
		buf = malloc(cap == 0 ? 1 : cap);
		wbuf_init(&w, buf, cap);
		XT_ASSERT(xmpp_node_print(iq, &w, true) == -ENOSPC,
		    "a %zu-byte buffer was enough", cap);
		XT_ASSERT(w.len <= cap, "wrote %zu of %zu", w.len, cap);
		free(buf);
	}
	buf = malloc(len);
	wbuf_init(&w, buf, len);
	ck_assert_int_eq(xmpp_node_print(iq, &w, true), 0);
	ck_assert_uint_eq(w.len, len);
	ck_assert_int_eq(memcmp(buf, xt_print(iq), len), 0);
	free(buf);
}
END_TEST

START_TEST(test_find)
{
	struct xmpp_node *m, *ev, *items, *it, *e, *n;

	m = xmpp_node_new(&arena, "message");
	ev = xmpp_node_add(&arena, m, "event");
	items = xmpp_node_add(&arena, ev, "items");
	it = xmpp_node_add(&arena, items, "item");
	xmpp_node_set_attr(&arena, it, "id", "1");
	e = xmpp_node_add(&arena, it, "entry");
	xmpp_node_add_text(&arena, e, "label", "27");
	it = xmpp_node_add(&arena, items, "pfx:item");
	xmpp_node_set_attr(&arena, it, "id", "2");
	xmpp_node_add(&arena, items, "retract");
	it = xmpp_node_add(&arena, items, "item");
	xmpp_node_set_attr(&arena, it, "id", "3");
	xmpp_node_add_text(&arena, m, "label", "top");

	ck_assert_str_eq(xmpp_node_local(it), "item");
	ck_assert_str_eq(xmpp_node_local(items->child->next), "item");
	ck_assert(xmpp_node_is(items->child->next, "item"));
	ck_assert(!xmpp_node_is(items->child->next, "pfx:item"));

	n = xmpp_node_child(items, "item");
	ck_assert_str_eq(xmpp_node_attr(n, "id"), "1");
	n = xmpp_node_next_same(n);
	ck_assert_str_eq(xmpp_node_attr(n, "id"), "2");
	n = xmpp_node_next_same(n);
	ck_assert_str_eq(xmpp_node_attr(n, "id"), "3");
	ck_assert_ptr_null(xmpp_node_next_same(n));
	ck_assert_ptr_null(xmpp_node_child(items, "entry"));

	/* Depth first: the label under the first item, before m's own. */
	n = xmpp_node_find(m, "label");
	ck_assert_str_eq(n->text, "27");
	ck_assert_ptr_eq(
	    xmpp_node_find(m, "retract"), items->child->next->next);
	ck_assert_ptr_null(xmpp_node_find(m, "message"));
	ck_assert_ptr_null(xmpp_node_find(e->child, "label"));
	ck_assert_ptr_null(xmpp_node_find(items->last, "entry"));
	ck_assert_str_eq(xmpp_node_child_text(m, "label"), "top");
	ck_assert_ptr_null(xmpp_node_child_text(m, "none"));
	ck_assert_str_eq(xmpp_node_child_text(ev, "items"), "");
}
END_TEST

Suite *
xmpp_stanza_suite(void)
{
	Suite *s = suite_create("xmpp_stanza");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_build_print);
	tcase_add_test(tc, test_attr_replace);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_print_full);
	tcase_add_test(tc, test_print_nospace);
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	return s;
}
