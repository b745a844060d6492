/*
 * check_xmpp_fsm.c - the stream state machine with stub ops: the exact
 * headers and STARTTLS elements of both sides, the timers each state
 * arms, keepalives and the hold timer (re-armed while bytes wait), and a
 * table of what the peer may not do in each state, with the reason and
 * the bytes the FSM says before it goes down.
 */
#include "xmpp/xmpp.h"

#include <stdio.h>
#include <string.h>

#include "tests/xmpp/suites.h"

#define STREAM_ERR                                                             \
	"<stream:error><not-well-formed "                                      \
	"xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>"

/* What the stub ops saw. */
static struct {
	struct wbuf out; /* bytes sent since the last check */
	uint8_t mem[1 << 14];
	uint64_t timers[XMPP_TIMER_MAX]; /* last ms per timer, 0: stopped */
	int starts, downs, opens, established, stanzas;
	bool start_fails;   /* start_tls says no */
	bool pending;       /* rx_pending's answer */
	bool flush;         /* down's */
	const char *refuse; /* open refuses with this */
	char reason[XMPP_REASON_MAX];
} st;

static struct xmpp_fsm f;
static struct arena a;
static char tls_dummy; /* a TLS context the FSM only compares to NULL */

static void
op_send(struct xmpp_fsm *fsm, const void *data, size_t len)
{
	(void)fsm;
	ck_assert_int_eq(wbuf_put_bytes(&st.out, data, len), 0);
}

static void
op_timer(struct xmpp_fsm *fsm, enum xmpp_timer t, uint64_t ms)
{
	(void)fsm;
	ck_assert_int_lt(t, XMPP_TIMER_MAX);
	st.timers[t] = ms;
}

static int
op_start_tls(struct xmpp_fsm *fsm, const char **reason)
{
	(void)fsm;
	st.starts++;
	if (st.start_fails) {
		*reason = "no TLS for you";
		return -1;
	}
	return 0;
}

static bool
op_rx_pending(struct xmpp_fsm *fsm)
{
	(void)fsm;
	return st.pending;
}

static int
op_open(
    struct xmpp_fsm *fsm, const char *from, const char *to, const char **reason)
{
	(void)fsm;
	ck_assert_ptr_nonnull(from);
	ck_assert_ptr_nonnull(to);
	st.opens++;
	if (st.refuse != NULL) {
		*reason = st.refuse;
		return -1;
	}
	return 0;
}

static void
op_established(struct xmpp_fsm *fsm)
{
	ck_assert_int_eq(fsm->state, XMPP_ST_ESTABLISHED);
	st.established++;
}

static void
op_stanza(struct xmpp_fsm *fsm, const struct xmpp_node *n)
{
	(void)fsm;
	(void)n;
	st.stanzas++;
}

static void
op_down(struct xmpp_fsm *fsm, const char *reason, bool flush)
{
	ck_assert_int_eq(fsm->state, XMPP_ST_CLOSED);
	st.downs++;
	st.flush = flush;
	str_lcpy(st.reason, reason, sizeof(st.reason));
}

static const struct xmpp_fsm_ops stub_ops = {
    .send = op_send,
    .timer = op_timer,
    .start_tls = op_start_tls,
    .rx_pending = op_rx_pending,
    .open = op_open,
    .established = op_established,
    .stanza = op_stanza,
    .down = op_down,
};

static void
setup(void)
{
	log_init("check_xmpp", LOG_LEVEL_ERR);
	memset(&st, 0, sizeof(st));
	wbuf_init(&st.out, st.mem, sizeof(st.mem));
	arena_init(&a, 0);
}

static void
teardown(void)
{
	arena_fini(&a);
}

/* The bytes sent since the last call must be exactly s. */
static void
sent(const char *s)
{
	ck_assert_msg(
	    st.out.len == strlen(s) && memcmp(st.out.data, s, st.out.len) == 0,
	    "sent \"%.*s\", not \"%s\"", (int)st.out.len,
	    (const char *)st.out.data, s);
	wbuf_reset(&st.out);
}

static void
init(bool server, bool tls, const char *name, const char *to, const char *xmlns)
{
	struct xmpp_conn_opts o;

	memset(&o, 0, sizeof(o));
	o.name = name;
	o.to = to;
	o.xmlns = xmlns;
	o.tls = tls ? (struct xmpp_tls *)(void *)&tls_dummy : NULL;
	xmpp_fsm_init(&f, &stub_ops, NULL, &o, server);
	ck_assert_int_eq(f.state, XMPP_ST_IDLE);
}

/* A stream header with from and to (NULL: the attribute is missing). */
static const struct xmpp_node *
hdr(const char *from, const char *to)
{
	struct xmpp_node *n = xmpp_node_new(&a, "stream:stream");

	if (from != NULL)
		xmpp_node_set_attr(&a, n, "from", from);
	if (to != NULL)
		xmpp_node_set_attr(&a, n, "to", to);
	xmpp_node_set_attr(&a, n, "xmlns:stream", XMPP_STREAM_NS);
	return n;
}

/* An element; "features+" is <stream:features> with <starttls>. */
static const struct xmpp_node *
elem(const char *name)
{
	struct xmpp_node *n, *s;

	if (strcmp(name, "features+") != 0)
		return xmpp_node_new(&a, name);
	n = xmpp_node_new(&a, "stream:features");
	s = xmpp_node_add(&a, n, "starttls");
	xmpp_node_set_attr(&a, s, "xmlns", XMPP_TLS_NS);
	xmpp_node_add(&a, s, "required");
	return n;
}

static void
ev(enum xmpp_fsm_event e, const void *arg)
{
	xmpp_fsm_event(&f, e, arg);
}

/* How far reach() drives a connection. */
enum stage {
	AT_OPEN,      /* server Active, client OpenSent */
	AT_STARTTLS,  /* OpenConfirm, waiting <starttls/> or features */
	AT_PROCEED,   /* client: waiting <proceed/> */
	AT_HANDSHAKE, /* TLS handshake */
	AT_EST,       /* Established */
};

/* Drives the normal exchange up to stage; nothing sent left over. */
static void
reach(bool server, bool tls, enum stage stage)
{
	init(server, tls, server ? "ctl-node-1" : "compute-7", NULL, NULL);
	if (server)
		ev(XMPP_FEV_TCP_UP, NULL);
	else {
		ev(XMPP_FEV_CONNECT, NULL);
		ev(XMPP_FEV_TCP_UP, NULL);
	}
	if (stage == AT_OPEN)
		goto done;
	ev(XMPP_FEV_OPEN,
	    server ? hdr("compute-7", XMPP_CONTROL_JID)
		   : hdr("ctl-node-1", "compute-7"));
	if (!tls || stage == AT_STARTTLS)
		goto done;
	if (!server) {
		ev(XMPP_FEV_STANZA, elem("features+"));
		if (stage == AT_PROCEED)
			goto done;
	}
	ev(XMPP_FEV_STANZA, elem(server ? "starttls" : "proceed"));
	if (stage == AT_HANDSHAKE)
		goto done;
	ev(XMPP_FEV_TLS_UP, NULL);
	ev(XMPP_FEV_OPEN,
	    server ? hdr("compute-7", XMPP_CONTROL_JID)
		   : hdr("ctl-node-1", "compute-7"));
done:
	wbuf_reset(&st.out);
}

static void
timers_stopped(void)
{
	unsigned t;

	for (t = 0; t < XMPP_TIMER_MAX; t++)
		ck_assert_msg(st.timers[t] == 0, "timer %u still at %llu", t,
		    (unsigned long long)st.timers[t]);
}

/* Server without TLS: the reply of section 1.3, the timers, keepalives,
 * the hold timer. */
START_TEST(server_plain)
{
	init(true, false, "ctl-node-1", NULL, NULL);
	ev(XMPP_FEV_TCP_UP, NULL);
	ck_assert_int_eq(f.state, XMPP_ST_ACTIVE);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_OPEN], 15000);
	sent("");
	ev(XMPP_FEV_RX, NULL);
	ev(XMPP_FEV_KEEPALIVE, NULL);
	ck_assert_int_eq(f.state, XMPP_ST_ACTIVE);
	ev(XMPP_FEV_OPEN, hdr("compute-7", XMPP_CONTROL_JID));
	sent(XT_REPLY);
	ck_assert_int_eq(f.state, XMPP_ST_ESTABLISHED);
	ck_assert_int_eq(st.opens, 1);
	ck_assert_int_eq(st.established, 1);
	ck_assert_str_eq(f.peer, "compute-7");
	ck_assert_uint_eq(st.timers[XMPP_TIMER_OPEN], 0);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_HOLD], 90000);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_KEEPALIVE], 30000);

	/* Any byte restarts the hold timer. */
	st.timers[XMPP_TIMER_HOLD] = 0;
	ev(XMPP_FEV_RX, NULL);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_HOLD], 90000);
	ev(XMPP_FEV_KEEPALIVE, NULL);
	ck_assert_uint_eq(f.stats.rx_keepalives, 2);
	ev(XMPP_FEV_STANZA, elem("iq"));
	ck_assert_int_eq(st.stanzas, 1);
	ck_assert_uint_eq(f.stats.rx_stanzas, 1);
	st.timers[XMPP_TIMER_KEEPALIVE] = 0;
	ev(XMPP_FEV_KEEPALIVE_TIMER, NULL);
	sent(XT_KA);
	ck_assert_uint_eq(f.stats.tx_keepalives, 1);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_KEEPALIVE], 30000);

	xmpp_fsm_set_hold(&f, 3);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_HOLD], 3000);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_KEEPALIVE], 1000);
	xmpp_fsm_set_hold(&f, 0);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_HOLD], 90000);

	/* Bytes wait unread: re-armed, not closed. */
	st.pending = true;
	st.timers[XMPP_TIMER_HOLD] = 0;
	ev(XMPP_FEV_HOLD_TIMER, NULL);
	ck_assert_int_eq(f.state, XMPP_ST_ESTABLISHED);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_HOLD], 90000);
	sent("");
	st.pending = false;
	ev(XMPP_FEV_HOLD_TIMER, NULL);
	ck_assert_int_eq(f.state, XMPP_ST_CLOSED);
	sent(XT_CLOSE);
	ck_assert_str_eq(st.reason, "hold timer expired");
	ck_assert(st.flush);
	timers_stopped();

	/* Closed is final. */
	ev(XMPP_FEV_STANZA, elem("iq"));
	ev(XMPP_FEV_STOP, "again");
	ev(XMPP_FEV_DOWN, "again");
	ck_assert_int_eq(st.downs, 1);
	ck_assert_int_eq(st.stanzas, 1);
	sent("");
}
END_TEST

/* Client without TLS: the open of section 1.3 (xmlns "", the streams
 * namespace last, " >"), a keepalive at once after the reply. */
START_TEST(client_plain)
{
	init(false, false, "compute-7", NULL, NULL);
	ev(XMPP_FEV_TCP_UP, NULL);
	ck_assert_int_eq(f.state, XMPP_ST_IDLE);
	sent("");
	ev(XMPP_FEV_CONNECT, NULL);
	ck_assert_int_eq(f.state, XMPP_ST_CONNECT);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_OPEN], 15000);
	ev(XMPP_FEV_TCP_UP, NULL);
	sent(XT_OPEN);
	ck_assert_int_eq(f.state, XMPP_ST_OPENSENT);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_OPEN], 15000);
	ev(XMPP_FEV_OPEN, hdr("ctl-node-1", "compute-7"));
	sent(XT_KA);
	ck_assert_int_eq(f.state, XMPP_ST_ESTABLISHED);
	ck_assert_int_eq(st.opens, 0);
	ck_assert_int_eq(st.established, 1);
	ck_assert_str_eq(f.peer, "ctl-node-1");
	ck_assert_uint_eq(f.stats.tx_keepalives, 1);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_HOLD], 90000);
	ev(XMPP_FEV_STOP, "bye");
	sent(XT_CLOSE);
	ck_assert_str_eq(st.reason, "bye");
	ck_assert(st.flush);
}
END_TEST

/* Another 'to', a subcluster, and names that need escaping. */
START_TEST(client_open_options)
{
	init(false, false, "a&b\"<c>", "network-control@x.com/bgp-peer",
	    "sub-1");
	ev(XMPP_FEV_CONNECT, NULL);
	ev(XMPP_FEV_TCP_UP, NULL);
	sent("<stream:stream from=\"a&amp;b&quot;&lt;c&gt;\" "
	     "to=\"network-control@x.com/bgp-peer\" version=\"1.0\" "
	     "xml:lang=\"en\" xmlns=\"sub-1\" "
	     "xmlns:stream=\"http://etherx.jabber.org/streams\" >");
}
END_TEST

/* A name XML cannot carry: nothing is sent, the connection closes. */
START_TEST(header_unwritable)
{
	init(false, false, "compute\x01", NULL, NULL);
	ev(XMPP_FEV_CONNECT, NULL);
	ev(XMPP_FEV_TCP_UP, NULL);
	sent("");
	ck_assert_int_eq(f.state, XMPP_ST_CLOSED);
	ck_assert_int_eq(st.downs, 1);
	ck_assert_msg(
	    strstr(st.reason, "cannot be written") != NULL, "%s", st.reason);
	timers_stopped();
}
END_TEST

/* Server with TLS: reply and features, <starttls/> -> <proceed/> and
 * the handshake, the second header (same 'from'), the reply again. */
START_TEST(server_tls)
{
	init(true, true, "ctl-node-1", NULL, NULL);
	ev(XMPP_FEV_TCP_UP, NULL);
	ev(XMPP_FEV_OPEN, hdr("compute-7", XMPP_CONTROL_JID));
	sent(XT_REPLY XT_FEATURES);
	ck_assert_int_eq(f.state, XMPP_ST_OPENCONFIRM);
	ck_assert_int_eq(f.step, XMPP_TLS_STARTTLS);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_OPEN], 15000);
	ev(XMPP_FEV_KEEPALIVE, NULL);
	ev(XMPP_FEV_STANZA, elem("starttls"));
	sent(XT_PROCEED);
	ck_assert_int_eq(st.starts, 1);
	ck_assert_int_eq(f.step, XMPP_TLS_HANDSHAKE);
	ev(XMPP_FEV_TLS_UP, NULL);
	ck_assert(f.tls_up);
	ck_assert_int_eq(f.step, XMPP_TLS_REOPEN);
	sent("");
	ck_assert_int_eq(st.established, 0);
	ev(XMPP_FEV_OPEN, hdr("compute-7", XMPP_CONTROL_JID));
	sent(XT_REPLY);
	ck_assert_int_eq(f.state, XMPP_ST_ESTABLISHED);
	ck_assert_int_eq(st.established, 1);
	ck_assert_int_eq(st.opens, 1);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_OPEN], 0);
	ck_assert_uint_eq(st.timers[XMPP_TIMER_KEEPALIVE], 30000);
}
END_TEST

/* Client with TLS: features -> <starttls/>, <proceed/> -> handshake ->
 * the open again, the reply -> keepalive, Established. */
START_TEST(client_tls)
{
	init(false, true, "compute-7", NULL, NULL);
	ev(XMPP_FEV_CONNECT, NULL);
	ev(XMPP_FEV_TCP_UP, NULL);
	sent(XT_OPEN);
	ev(XMPP_FEV_OPEN, hdr("ctl-node-1", "compute-7"));
	sent("");
	ck_assert_int_eq(f.state, XMPP_ST_OPENCONFIRM);
	ck_assert_int_eq(f.step, XMPP_TLS_STARTTLS);
	ev(XMPP_FEV_STANZA, elem("features+"));
	sent(XT_STARTTLS);
	ck_assert_int_eq(f.step, XMPP_TLS_PROCEED);
	ev(XMPP_FEV_STANZA, elem("proceed"));
	ck_assert_int_eq(st.starts, 1);
	sent("");
	ev(XMPP_FEV_TLS_UP, NULL);
	sent(XT_OPEN);
	ev(XMPP_FEV_OPEN, hdr("ctl-node-1", "compute-7"));
	sent(XT_KA);
	ck_assert_int_eq(f.state, XMPP_ST_ESTABLISHED);
	ck_assert(f.tls_up);
	ck_assert_int_eq(st.established, 1);
}
END_TEST

START_TEST(open_refused)
{
	st.refuse = "unknown agent";
	reach(true, false, AT_OPEN);
	ev(XMPP_FEV_OPEN, hdr("compute-9", XMPP_CONTROL_JID));
	sent("");
	ck_assert_int_eq(f.state, XMPP_ST_CLOSED);
	ck_assert_str_eq(st.reason, "unknown agent");
	ck_assert_int_eq(st.established, 0);
}
END_TEST

START_TEST(start_tls_fails)
{
	st.start_fails = true;
	reach(true, true, AT_STARTTLS);
	ev(XMPP_FEV_STANZA, elem("starttls"));
	sent(XT_PROCEED);
	ck_assert_int_eq(f.state, XMPP_ST_CLOSED);
	ck_assert_str_eq(st.reason, "no TLS for you");
	ck_assert(!st.flush);
}
END_TEST

/* What the peer (or a timer, or the transport) may end, per state. */
static const char long_name[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static const struct {
	bool server, tls;
	enum stage at;
	enum xmpp_fsm_event ev;
	const char *node;      /* element name, "hdr" (from/to below) */
	const char *from, *to; /* of a header */
	const char *arg;       /* the event's reason */
	const char *reason;    /* down's */
	const char *out;       /* what it said first */
	bool flush;
} ends[] = {
    {true, false, AT_OPEN, XMPP_FEV_STANZA, "iq", NULL, NULL, NULL,
	"unexpected <iq> in Active", "", true},
    {false, false, AT_OPEN, XMPP_FEV_STANZA, "message", NULL, NULL, NULL,
	"unexpected <message> in OpenSent", XT_CLOSE, true},
    {true, false, AT_OPEN, XMPP_FEV_OPEN, "hdr", NULL, "cn", NULL,
	"stream header without 'from'", "", true},
    {true, false, AT_OPEN, XMPP_FEV_OPEN, "hdr", "", "cn", NULL,
	"stream header without 'from'", "", true},
    {true, false, AT_OPEN, XMPP_FEV_OPEN, "hdr", "c7", NULL, NULL,
	"stream header without 'to'", "", true},
    {true, false, AT_OPEN, XMPP_FEV_OPEN, "hdr", long_name, "cn", NULL,
	"a name in the stream header is past 256 bytes", "", true},
    {false, false, AT_OPEN, XMPP_FEV_OPEN, "hdr", "cn", long_name, NULL,
	"a name in the stream header is past 256 bytes", XT_CLOSE, true},
    {true, true, AT_STARTTLS, XMPP_FEV_STANZA, "iq", NULL, NULL, NULL,
	"unexpected <iq> in OpenConfirm (STARTTLS)", XT_CLOSE, true},
    {true, true, AT_STARTTLS, XMPP_FEV_OPEN, "hdr", "c7", "cn", NULL,
	"a second stream header in OpenConfirm", XT_CLOSE, true},
    {false, true, AT_STARTTLS, XMPP_FEV_STANZA, "stream:features", NULL, NULL,
	NULL, "unexpected <stream:features> in OpenConfirm (STARTTLS)",
	XT_CLOSE, true},
    {false, true, AT_PROCEED, XMPP_FEV_STANZA, "iq", NULL, NULL, NULL,
	"unexpected <iq> in OpenConfirm (STARTTLS)", XT_CLOSE, true},
    {false, true, AT_PROCEED, XMPP_FEV_STANZA, "failure", NULL, NULL, NULL,
	"the server refused STARTTLS", XT_CLOSE, true},
    {true, true, AT_HANDSHAKE, XMPP_FEV_STOP, NULL, NULL, NULL, "bye", "bye",
	"", true},
    {true, true, AT_HANDSHAKE, XMPP_FEV_DOWN, NULL, NULL, NULL,
	"TLS handshake: bad", "TLS handshake: bad", "", false},
    {true, false, AT_EST, XMPP_FEV_OPEN, "hdr", "c7", "cn", NULL,
	"a second stream header in Established", XT_CLOSE, true},
    {false, false, AT_EST, XMPP_FEV_STANZA, "features+", NULL, NULL, NULL,
	"the server requires STARTTLS", XT_CLOSE, true},
    {true, false, AT_EST, XMPP_FEV_ERROR, NULL, NULL, NULL, "bad xml",
	"bad xml", STREAM_ERR XT_CLOSE, true},
    {true, false, AT_OPEN, XMPP_FEV_ERROR, NULL, NULL, NULL, "bad xml",
	"bad xml", "", true},
    {true, false, AT_EST, XMPP_FEV_DOWN, NULL, NULL, NULL, "read: reset",
	"read: reset", "", false},
    {true, false, AT_EST, XMPP_FEV_SEND_HOLD_TIMER, NULL, NULL, NULL, NULL,
	"send hold timer expired", "", false},
    {true, false, AT_OPEN, XMPP_FEV_OPEN_TIMER, NULL, NULL, NULL, NULL,
	"open timer expired in Active", "", true},
    {false, false, AT_OPEN, XMPP_FEV_OPEN_TIMER, NULL, NULL, NULL, NULL,
	"open timer expired in OpenSent", XT_CLOSE, true},
    {false, true, AT_PROCEED, XMPP_FEV_OPEN_TIMER, NULL, NULL, NULL, NULL,
	"open timer expired in OpenConfirm", XT_CLOSE, true},
    {true, false, AT_EST, XMPP_FEV_CLOSE, NULL, NULL, NULL, NULL,
	"the peer closed the stream", XT_CLOSE, true},
    {false, true, AT_EST, XMPP_FEV_STOP, NULL, NULL, NULL, "bye", "bye",
	XT_CLOSE, true},
};

START_TEST(stream_ends)
{
	const void *arg = ends[_i].arg;
	int est, stanzas;

	reach(ends[_i].server, ends[_i].tls, ends[_i].at);
	est = st.established;
	stanzas = st.stanzas;
	if (ends[_i].node != NULL && strcmp(ends[_i].node, "hdr") == 0)
		arg = hdr(ends[_i].from, ends[_i].to);
	else if (ends[_i].node != NULL)
		arg = elem(ends[_i].node);
	ev(ends[_i].ev, arg);
	ck_assert_int_eq(f.state, XMPP_ST_CLOSED);
	ck_assert_int_eq(st.downs, 1);
	ck_assert_str_eq(st.reason, ends[_i].reason);
	sent(ends[_i].out);
	ck_assert_int_eq(st.flush, ends[_i].flush);
	ck_assert_int_eq(st.established, est);
	ck_assert_int_eq(st.stanzas, stanzas);
	timers_stopped();
}
END_TEST

/* A 'from' that changes over TLS is refused; the user's open is asked
 * once only. */
START_TEST(from_changes_after_tls)
{
	reach(true, true, AT_HANDSHAKE);
	ev(XMPP_FEV_TLS_UP, NULL);
	ev(XMPP_FEV_OPEN, hdr("compute-9", XMPP_CONTROL_JID));
	ck_assert_int_eq(f.state, XMPP_ST_CLOSED);
	ck_assert_str_eq(
	    st.reason, "'from' changed to \"compute-9\" after STARTTLS");
	ck_assert_int_eq(st.opens, 1);
	sent("");
}
END_TEST

Suite *
xmpp_fsm_suite(void)
{
	Suite *s = suite_create("xmpp_fsm");
	TCase *tc = tcase_create("fsm");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, server_plain);
	tcase_add_test(tc, client_plain);
	tcase_add_test(tc, client_open_options);
	tcase_add_test(tc, header_unwritable);
	tcase_add_test(tc, server_tls);
	tcase_add_test(tc, client_tls);
	tcase_add_test(tc, open_refused);
	tcase_add_test(tc, start_tls_fails);
	tcase_add_loop_test(tc, stream_ends, 0, (int)nitems(ends));
	tcase_add_test(tc, from_changes_after_tls);
	suite_add_tcase(s, tc);
	return s;
}
