/*
 * check_bgp_fsm.c - the FSM of one connection (RFC 4271 8) with stub ops:
 * OPEN exchange and negotiation, the timers it arms, every message in a
 * state where RFC 6608 says it is an error, header and OPEN errors, a
 * NOTIFICATION received, hold and send-hold expiry, stops, and framing of
 * input that arrives a byte at a time.
 */
#include "bgp/bgp.h"

#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

/* What the stub ops saw. */
static struct {
	struct wbuf out; /* every message sent */
	uint8_t mem[1 << 16];
	unsigned timers[BGP_TIMER_MAX]; /* last secs per timer */
	int closed, established, updates, refreshes, downs;
	struct bgp_err down_err;
	bool down_sent, down_rcvd;
	uint8_t rcvd_code, rcvd_subcode;
	struct bgp_refresh refresh;
	int reject_open; /* check_open fails with 2/2 */
	int fail_update; /* update op fails with 3/1 */
	uint16_t hold;   /* our OPEN's hold time */
	uint32_t afs;    /* our OPEN's families */
	bool ext_msg;
} st;

static struct bgp_fsm *c;

static void
op_send(struct bgp_fsm *conn, const uint8_t *msg, size_t len)
{
	(void)conn;
	ck_assert_int_eq(wbuf_put_bytes(&st.out, msg, len), 0);
}

static void
op_close(struct bgp_fsm *conn)
{
	(void)conn;
	st.closed++;
}

static void
op_timer(struct bgp_fsm *conn, enum bgp_timer t, unsigned secs)
{
	(void)conn;
	st.timers[t] = secs;
}

static void
op_make_open(struct bgp_fsm *conn, struct bgp_open *o)
{
	(void)conn;
	o->version = BGP_VERSION;
	o->asn = 64512;
	o->hold_time = st.hold;
	o->bgp_id = 0x7f000001;
	o->as4 = true;
	o->afs = st.afs;
	o->route_refresh = true;
	o->enhanced_refresh = true;
	o->ext_msg = st.ext_msg;
}

static int
op_check_open(
    struct bgp_fsm *conn, const struct bgp_open *o, struct bgp_err *err)
{
	(void)conn;
	if (st.reject_open) {
		memset(err, 0, sizeof(*err));
		err->code = BGP_ERR_OPEN;
		err->subcode = 2;
		snprintf(
		    err->reason, sizeof(err->reason), "peer AS %u", o->asn);
		return -1;
	}
	return 0;
}

static void
op_established(struct bgp_fsm *conn)
{
	(void)conn;
	st.established++;
}

static int
op_update(
    struct bgp_fsm *conn, const uint8_t *body, size_t len, struct bgp_err *err)
{
	(void)conn;
	(void)body;
	(void)len;
	st.updates++;
	if (st.fail_update) {
		memset(err, 0, sizeof(*err));
		err->code = BGP_ERR_UPDATE;
		err->subcode = 1;
		return -1;
	}
	return 0;
}

static void
op_refresh(struct bgp_fsm *conn, const struct bgp_refresh *r)
{
	(void)conn;
	st.refreshes++;
	st.refresh = *r;
}

static void
op_down(struct bgp_fsm *conn, const struct bgp_err *err, bool sent,
    const struct bgp_notification *rcvd)
{
	(void)conn;
	st.downs++;
	if (err != NULL)
		st.down_err = *err;
	st.down_sent = sent;
	st.down_rcvd = rcvd != NULL;
	if (rcvd != NULL) {
		st.rcvd_code = rcvd->code;
		st.rcvd_subcode = rcvd->subcode;
	}
}

static const struct bgp_fsm_ops ops = {
    .send = op_send,
    .close = op_close,
    .timer = op_timer,
    .make_open = op_make_open,
    .check_open = op_check_open,
    .established = op_established,
    .update = op_update,
    .refresh = op_refresh,
    .down = op_down,
};

static void
setup(void)
{
	log_init("check_bgp", LOG_LEVEL_ERR);
	memset(&st, 0, sizeof(st));
	wbuf_init(&st.out, st.mem, sizeof(st.mem));
	st.hold = 90;
	st.afs = BGP_AF_BIT(BGP_AF_INET_VPN) | BGP_AF_BIT(BGP_AF_EVPN);
	c = xcalloc(1, sizeof(*c));
	bgp_fsm_init(c, &ops, NULL, true);
}

static void
teardown(void)
{
	free(c);
	c = NULL;
}

/* Feeds a whole buffer; asserts everything was consumed. */
static void
feed(const uint8_t *p, size_t len)
{
	ck_assert_uint_eq(bgp_fsm_input(c, p, len), len);
}

static void
feed_wbuf(struct wbuf *w)
{
	feed(w->data, w->len);
}

/* The peer's OPEN. */
static void
peer_open(uint32_t asn, uint16_t hold, uint32_t afs, bool ext)
{
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_open o;
	struct wbuf w;

	bt_open(&o, asn, 0x7f000002, afs);
	o.hold_time = hold;
	o.route_refresh = true;
	o.ext_msg = ext;
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_msg_encode_open(&o, &w), 0);
	feed_wbuf(&w);
}

static void
peer_keepalive(void)
{
	uint8_t mem[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_msg_encode_keepalive(&w), 0);
	feed_wbuf(&w);
}

/* A message of type with body (header made here). */
static void
peer_raw(uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t mem[BGP_EXT_MAX_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_frame_header(&w, len, type), 0);
	if (len > 0)
		ck_assert_int_eq(wbuf_put_bytes(&w, body, len), 0);
	feed_wbuf(&w);
}

/* The i-th message we sent: its type, and its body into body and len. */
static uint8_t
sent_msg(unsigned i, const uint8_t **body, size_t *len)
{
	struct bgp_err err;
	size_t off = 0, mlen = 0;
	uint8_t type = 0;

	for (;;) {
		ck_assert_int_eq(
		    bgp_frame_check(st.out.data + off, st.out.len - off,
			BGP_EXT_MAX_LEN, &mlen, &type, &err),
		    1);
		if (i-- == 0)
			break;
		off += mlen;
	}
	if (body != NULL) {
		*body = st.out.data + off + BGP_HDR_LEN;
		*len = mlen - BGP_HDR_LEN;
	}
	return type;
}

static unsigned
nsent(void)
{
	struct bgp_err err;
	size_t off = 0, mlen;
	uint8_t type;
	unsigned n = 0;

	while (off < st.out.len &&
	    bgp_frame_check(st.out.data + off, st.out.len - off,
		BGP_EXT_MAX_LEN, &mlen, &type, &err) == 1) {
		off += mlen;
		n++;
	}
	return n;
}

/* Asserts the last message we sent is NOTIFICATION code/subcode. */
static void
assert_notified(uint8_t code, uint8_t subcode)
{
	struct bgp_notification n;
	struct bgp_err err;
	const uint8_t *body;
	size_t len;

	ck_assert_uint_eq(
	    sent_msg(nsent() - 1, &body, &len), BGP_MSG_NOTIFICATION);
	ck_assert_int_eq(bgp_msg_decode_notification(body, len, &n, &err), 0);
	ck_assert_uint_eq(n.code, code);
	ck_assert_uint_eq(n.subcode, subcode);
	ck_assert_uint_eq(c->state, BGP_IDLE);
	ck_assert_int_eq(st.closed, 1);
	ck_assert_int_eq(st.downs, 1);
	ck_assert(st.down_sent);
}

static void
establish(void)
{
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	peer_open(64512, 30, st.afs, true);
	peer_keepalive();
	ck_assert_uint_eq(c->state, BGP_ESTABLISHED);
}

START_TEST(open_exchange)
{
	struct bgp_open o;
	struct bgp_err err;
	const uint8_t *body;
	size_t len;

	ck_assert_uint_eq(c->state, BGP_CONNECT);
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	ck_assert_uint_eq(c->state, BGP_OPENSENT);
	/* Our OPEN went out; the hold timer is the large OpenSent one. */
	ck_assert_uint_eq(nsent(), 1);
	ck_assert_uint_eq(sent_msg(0, &body, &len), BGP_MSG_OPEN);
	ck_assert_int_eq(bgp_msg_decode_open(body, len, &o, &err), 0);
	ck_assert_uint_eq(o.asn, 64512);
	ck_assert_uint_eq(o.hold_time, 90);
	ck_assert_uint_eq(o.afs, st.afs);
	ck_assert_uint_eq(st.timers[BGP_TIMER_HOLD], BGP_OPEN_HOLD);
	/* The peer's OPEN: KEEPALIVE back, OpenConfirm, timers negotiated. */
	peer_open(64512, 30,
	    BGP_AF_BIT(BGP_AF_INET_VPN) | BGP_AF_BIT(BGP_AF_RTARGET), false);
	ck_assert_uint_eq(c->state, BGP_OPENCONFIRM);
	ck_assert_uint_eq(sent_msg(1, NULL, NULL), BGP_MSG_KEEPALIVE);
	ck_assert_uint_eq(c->hold_time, 30);
	ck_assert_uint_eq(st.timers[BGP_TIMER_HOLD], 30);
	ck_assert_uint_eq(st.timers[BGP_TIMER_KEEPALIVE], 10);
	ck_assert_uint_eq(c->caps.afs, BGP_AF_BIT(BGP_AF_INET_VPN));
	ck_assert(c->caps.as4);
	ck_assert_uint_eq(c->caps.max_len, BGP_MAX_LEN); /* peer: no ext */
	ck_assert_int_eq(st.established, 0);
	peer_keepalive();
	ck_assert_uint_eq(c->state, BGP_ESTABLISHED);
	ck_assert_int_eq(st.established, 1);
	/* Keepalive timer: a KEEPALIVE, timer re-armed. */
	st.timers[BGP_TIMER_KEEPALIVE] = 0;
	bgp_fsm_event(c, BGP_EV_KEEPALIVE_TIMER, NULL);
	ck_assert_uint_eq(sent_msg(2, NULL, NULL), BGP_MSG_KEEPALIVE);
	ck_assert_uint_eq(st.timers[BGP_TIMER_KEEPALIVE], 10);
	/* An UPDATE goes to the peer layer. */
	peer_raw(BGP_MSG_UPDATE, (const uint8_t *)"\0\0\0\0", 4);
	ck_assert_int_eq(st.updates, 1);
	ck_assert_int_eq(st.closed, 0);
}
END_TEST

/* Hold time 0 on either side: no keepalives, no hold timer; the extended
 * message size when both offer it; no multiprotocol capability: inet. */
START_TEST(negotiation)
{
	st.hold = 0;
	st.ext_msg = true;
	st.afs = BGP_AF_BIT(BGP_AF_INET) | BGP_AF_BIT(BGP_AF_INET_VPN);
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	peer_open(64512, 90, 0, true);
	ck_assert_uint_eq(c->hold_time, 0);
	ck_assert_uint_eq(st.timers[BGP_TIMER_HOLD], 0);
	ck_assert_uint_eq(st.timers[BGP_TIMER_KEEPALIVE], 0);
	ck_assert_uint_eq(c->caps.afs, BGP_AF_BIT(BGP_AF_INET));
	ck_assert_uint_eq(c->caps.max_len, BGP_EXT_MAX_LEN);
}
END_TEST

/* RFC 6608: the unexpected message's type is the data. */
static void
assert_fsm_error(uint8_t subcode, uint8_t type)
{
	struct bgp_notification n;
	struct bgp_err err;
	const uint8_t *body;
	size_t len;

	assert_notified(BGP_ERR_FSM, subcode);
	sent_msg(nsent() - 1, &body, &len);
	ck_assert_int_eq(bgp_msg_decode_notification(body, len, &n, &err), 0);
	ck_assert_uint_eq(n.datalen, 1);
	ck_assert_uint_eq(n.data[0], type);
}

START_TEST(keepalive_in_opensent)
{
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	peer_keepalive();
	assert_fsm_error(1, BGP_MSG_KEEPALIVE);
}
END_TEST

START_TEST(update_in_openconfirm)
{
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	peer_open(64512, 90, st.afs, false);
	peer_raw(BGP_MSG_UPDATE, (const uint8_t *)"\0\0\0\0", 4);
	assert_fsm_error(2, BGP_MSG_UPDATE);
	ck_assert_int_eq(st.updates, 0);
}
END_TEST

START_TEST(open_in_established)
{
	establish();
	peer_open(64512, 90, st.afs, false);
	assert_fsm_error(3, BGP_MSG_OPEN);
}
END_TEST

START_TEST(bad_version)
{
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_open o;
	struct wbuf w;

	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	bt_open(&o, 64512, 0x7f000002, 0);
	o.as4 = false;
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_msg_encode_open(&o, &w), 0);
	mem[BGP_HDR_LEN] = 3; /* version 3 */
	feed_wbuf(&w);
	assert_notified(BGP_ERR_OPEN, 1);
}
END_TEST

START_TEST(open_rejected)
{
	st.reject_open = 1;
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	peer_open(65001, 90, st.afs, false);
	assert_notified(BGP_ERR_OPEN, 2);
	ck_assert_int_eq(st.established, 0);
}
END_TEST

START_TEST(bad_marker)
{
	uint8_t mem[BGP_HDR_LEN];

	establish();
	memset(mem, 0xff, sizeof(mem));
	mem[3] = 0xfe;
	mem[16] = 0;
	mem[17] = BGP_HDR_LEN;
	mem[18] = BGP_MSG_KEEPALIVE;
	feed(mem, sizeof(mem));
	assert_notified(BGP_ERR_HEADER, 1);
}
END_TEST

/* A length beyond 4096 without the extended message capability. */
START_TEST(too_long)
{
	static uint8_t body[5000];

	establish();
	peer_raw(BGP_MSG_UPDATE, body, sizeof(body));
	assert_notified(BGP_ERR_HEADER, 2);
	ck_assert_int_eq(st.updates, 0);
}
END_TEST

START_TEST(update_error_resets)
{
	establish();
	st.fail_update = 1;
	peer_raw(BGP_MSG_UPDATE, (const uint8_t *)"\0\0\0\0", 4);
	assert_notified(BGP_ERR_UPDATE, 1);
}
END_TEST

/* A NOTIFICATION received ends it without one sent back. */
START_TEST(notification_received)
{
	static const uint8_t body[] = {BGP_ERR_CEASE, 2, 3, 'b', 'y', 'e'};
	unsigned before;

	establish();
	before = nsent();
	peer_raw(BGP_MSG_NOTIFICATION, body, sizeof(body));
	ck_assert_uint_eq(nsent(), before);
	ck_assert_uint_eq(c->state, BGP_IDLE);
	ck_assert_int_eq(st.closed, 1);
	ck_assert_int_eq(st.downs, 1);
	ck_assert(!st.down_sent);
	ck_assert(st.down_rcvd);
	ck_assert_uint_eq(st.rcvd_code, BGP_ERR_CEASE);
	ck_assert_uint_eq(st.rcvd_subcode, 2);
}
END_TEST

START_TEST(hold_expired)
{
	establish();
	bgp_fsm_event(c, BGP_EV_HOLD_EXPIRED, NULL);
	assert_notified(BGP_ERR_HOLD, 0);
	/* Timers are stopped. */
	ck_assert_uint_eq(st.timers[BGP_TIMER_HOLD], 0);
	ck_assert_uint_eq(st.timers[BGP_TIMER_KEEPALIVE], 0);
}
END_TEST

START_TEST(send_hold_expired)
{
	establish();
	bgp_fsm_event(c, BGP_EV_SEND_HOLD_EXPIRED, NULL);
	assert_notified(BGP_ERR_SEND_HOLD, 0);
}
END_TEST

/* A stop before the OPEN went out sends nothing; after, a Cease. */
START_TEST(stops)
{
	struct bgp_err err;

	memset(&err, 0, sizeof(err));
	err.code = BGP_ERR_CEASE;
	err.subcode = 2;
	bgp_fsm_event(c, BGP_EV_STOP, &err);
	ck_assert_uint_eq(nsent(), 0);
	ck_assert_uint_eq(c->state, BGP_IDLE);
	ck_assert_int_eq(st.downs, 1);
	/* Again in OpenSent. */
	memset(&st, 0, sizeof(st));
	wbuf_init(&st.out, st.mem, sizeof(st.mem));
	st.hold = 90;
	bgp_fsm_init(c, &ops, NULL, false);
	ck_assert_uint_eq(c->state, BGP_ACTIVE);
	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	bgp_fsm_event(c, BGP_EV_STOP, &err);
	assert_notified(BGP_ERR_CEASE, 2);
	/* A closed connection ignores what follows. */
	bgp_fsm_event(c, BGP_EV_HOLD_EXPIRED, NULL);
	ck_assert_int_eq(st.downs, 1);
}
END_TEST

/* Input a byte at a time is framed the same. */
START_TEST(byte_at_a_time)
{
	uint8_t mem[BGP_MAX_LEN], buf[BGP_MAX_LEN];
	struct bgp_open o;
	struct wbuf w;
	size_t have = 0, used, i;

	bgp_fsm_event(c, BGP_EV_TCP_UP, NULL);
	bt_open(&o, 64512, 0x7f000002, st.afs);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_msg_encode_open(&o, &w), 0);
	ck_assert_int_eq(bgp_msg_encode_keepalive(&w), 0);
	for (i = 0; i < w.len; i++) {
		buf[have++] = w.data[i];
		used = bgp_fsm_input(c, buf, have);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	ck_assert_uint_eq(have, 0);
	ck_assert_uint_eq(c->state, BGP_ESTABLISHED);
}
END_TEST

/* ROUTE-REFRESH: a negotiated family reaches the peer layer, another is
 * ignored (RFC 2918 3); a bad length is error 7/1 (RFC 7313). */
START_TEST(route_refresh)
{
	static const uint8_t vpn[] = {0, 1, 0, 128}, v6u[] = {0, 2, 0, 1},
			     bad[] = {0, 1, 0, 128, 0};

	establish();
	peer_raw(BGP_MSG_ROUTE_REFRESH, vpn, sizeof(vpn));
	ck_assert_int_eq(st.refreshes, 1);
	ck_assert_uint_eq(st.refresh.af, BGP_AF_INET_VPN);
	peer_raw(BGP_MSG_ROUTE_REFRESH, v6u, sizeof(v6u));
	ck_assert_int_eq(st.refreshes, 1);
	ck_assert_uint_eq(c->state, BGP_ESTABLISHED);
	peer_raw(BGP_MSG_ROUTE_REFRESH, bad, sizeof(bad));
	assert_notified(BGP_ERR_ROUTE_REFRESH, 1);
}
END_TEST

/* An unknown message type is a header error (1/3). */
START_TEST(bad_type)
{
	establish();
	peer_raw(9, NULL, 0);
	assert_notified(BGP_ERR_HEADER, 3);
}
END_TEST

Suite *
bgp_fsm_suite(void)
{
	Suite *s = suite_create("bgp_fsm");
	TCase *tc = tcase_create("fsm");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_exchange);
	tcase_add_test(tc, negotiation);
	tcase_add_test(tc, keepalive_in_opensent);
	tcase_add_test(tc, update_in_openconfirm);
	tcase_add_test(tc, open_in_established);
	tcase_add_test(tc, bad_version);
	tcase_add_test(tc, open_rejected);
	tcase_add_test(tc, bad_marker);
	tcase_add_test(tc, too_long);
	tcase_add_test(tc, update_error_resets);
	tcase_add_test(tc, notification_received);
	tcase_add_test(tc, hold_expired);
	tcase_add_test(tc, send_hold_expired);
	tcase_add_test(tc, stops);
	tcase_add_test(tc, byte_at_a_time);
	tcase_add_test(tc, route_refresh);
	tcase_add_test(tc, bad_type);
	suite_add_tcase(s, tc);
	return s;
}
