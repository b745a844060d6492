/*
 * bgp_fsm.c - the BGP finite state machine of one connection (RFC 4271
 * section 8, OpenBGPD session.c bgp_fsm()).  Events in, ops out: it
 * frames received bytes, decodes OPEN, KEEPALIVE, NOTIFICATION and
 * ROUTE-REFRESH itself, hands UPDATE bodies to the peer, runs the hold and
 * keepalive timers, and answers every error with the NOTIFICATION the RFCs
 * name (RFC 6608 for messages in the wrong state) before closing.  It
 * never touches a socket or a table: the ops do (bgp_peer.c, or a test).
 */
#include "bgp/bgp.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
    [BGP_IDLE] = "Idle",
    [BGP_CONNECT] = "Connect",
    [BGP_ACTIVE] = "Active",
    [BGP_OPENSENT] = "OpenSent",
    [BGP_OPENCONFIRM] = "OpenConfirm",
    [BGP_ESTABLISHED] = "Established",
};

const char *
bgp_state_name(enum bgp_state s)
{
	return (unsigned)s < nitems(state_names) ? state_names[s] : "?";
}

void
bgp_fsm_init(struct bgp_fsm *c, const struct bgp_fsm_ops *ops, void *owner,
    bool outgoing)
{
	c->ops = ops;
	c->owner = owner;
	c->outgoing = outgoing;
	c->state = outgoing ? BGP_CONNECT : BGP_ACTIVE;
	c->caps.max_len = BGP_MAX_LEN;
}

static void
set_err(struct bgp_err *err, uint8_t code, uint8_t subcode, const char *reason)
{
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->subcode = subcode;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
}

static void
stop_timers(struct bgp_fsm *c)
{
	unsigned t;

	for (t = 0; t < BGP_TIMER_MAX; t++)
		c->ops->timer(c, (enum bgp_timer)t, 0);
}

static void
send_wbuf(struct bgp_fsm *c, struct wbuf *w)
{
	c->ops->send(c, w->data, w->len);
	c->msgs_out++;
}

/* Ends the connection: our NOTIFICATION (err, or none), then close. */
static void
finish(struct bgp_fsm *c, const struct bgp_err *err, bool send_notif,
    const struct bgp_notification *rcvd)
{
	uint8_t mem[BGP_MAX_LEN];
	struct wbuf w;

	if (c->state == BGP_IDLE)
		return;
	if (send_notif && err != NULL) {
		wbuf_init(&w, mem, sizeof(mem));
		if (bgp_msg_encode_notification(err->code, err->subcode,
			err->datalen > 0 ? err->data : NULL, err->datalen,
			&w) == 0)
			send_wbuf(c, &w);
	}
	stop_timers(c);
	c->state = BGP_IDLE;
	c->ops->close(c);
	c->ops->down(c, err, send_notif && err != NULL, rcvd);
}

/* An error we answer with a NOTIFICATION. */
static void
fail(struct bgp_fsm *c, const struct bgp_err *err)
{
	finish(c, err, true, NULL);
}

static void
fsm_error(struct bgp_fsm *c, uint8_t subcode, uint8_t type)
{
	struct bgp_err err;
	char reason[64];

	snprintf(reason, sizeof(reason), "message type %u in %s", type,
	    bgp_state_name(c->state));
	set_err(&err, BGP_ERR_FSM, subcode, reason);
	/* RFC 6608: the data is the type of the unexpected message. */
	err.data[0] = type;
	err.datalen = 1;
	fail(c, &err);
}

static void
send_keepalive(struct bgp_fsm *c)
{
	uint8_t mem[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	if (bgp_msg_encode_keepalive(&w) == 0)
		send_wbuf(c, &w);
}

/* Hold timer to the negotiated time, keepalives every third of it. */
static void
arm_hold(struct bgp_fsm *c)
{
	c->ops->timer(c, BGP_TIMER_HOLD, c->hold_time);
}

static void
arm_keepalive(struct bgp_fsm *c)
{
	c->ops->timer(c, BGP_TIMER_KEEPALIVE,
	    c->hold_time > 0 ? MAX(c->hold_time / 3u, 1u) : 0);
}

void
bgp_fsm_negotiate(struct bgp_fsm *c)
{
	const struct bgp_open *s = &c->sent_open, *r = &c->rcvd_open;
	uint32_t peer_afs;

	c->hold_time = s->hold_time == 0 || r->hold_time == 0
	    ? 0
	    : MIN(s->hold_time, r->hold_time);
	c->caps.as4 = s->as4 && r->as4;
	/* No multiprotocol capability at all means IPv4 unicast (RFC 4760). */
	peer_afs = r->afs != 0 || r->unknown_afs != 0 ? r->afs
						      : BGP_AF_BIT(BGP_AF_INET);
	c->caps.afs = s->afs & peer_afs;
	c->caps.max_len =
	    s->ext_msg && r->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

static void
open_sent(struct bgp_fsm *c)
{
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_err err;
	struct wbuf w;

	memset(&c->sent_open, 0, sizeof(c->sent_open));
	c->ops->make_open(c, &c->sent_open);
	wbuf_init(&w, mem, sizeof(mem));
	if (bgp_msg_encode_open(&c->sent_open, &w) != 0) {
		set_err(&err, BGP_ERR_CEASE, 8, "our OPEN does not fit");
		fail(c, &err);
		return;
	}
	send_wbuf(c, &w);
	c->state = BGP_OPENSENT;
	c->ops->timer(c, BGP_TIMER_HOLD, BGP_OPEN_HOLD);
}

static void
rcvd_open(struct bgp_fsm *c, const struct bgp_msg *m)
{
	struct bgp_err err;

	memset(&err, 0, sizeof(err));
	if (bgp_msg_decode_open(m->body, m->len, &c->rcvd_open, &err) != 0 ||
	    c->ops->check_open(c, &c->rcvd_open, &err) != 0) {
		fail(c, &err);
		return;
	}
	bgp_fsm_negotiate(c);
	send_keepalive(c);
	c->state = BGP_OPENCONFIRM;
	arm_hold(c);
	arm_keepalive(c);
}

static void
rcvd_notification(struct bgp_fsm *c, const struct bgp_msg *m)
{
	struct bgp_notification n;
	struct bgp_err err;

	memset(&err, 0, sizeof(err));
	if (bgp_msg_decode_notification(m->body, m->len, &n, &err) != 0) {
		/* Defensive (R5): a broken NOTIFICATION still ends it. */
		memset(&n, 0, sizeof(n));
		n.code = m->len > 0 ? m->body[0] : 0;
		n.subcode = m->len > 1 ? m->body[1] : 0;
	}
	set_err(&err, n.code, n.subcode, "notification received");
	finish(c, &err, false, &n);
}

static void
rcvd_refresh(struct bgp_fsm *c, const struct bgp_msg *m)
{
	struct bgp_refresh r;
	struct bgp_err err;

	memset(&err, 0, sizeof(err));
	if (bgp_msg_decode_refresh(m->body, m->len, &r, &err) != 0) {
		fail(c, &err);
		return;
	}
	/* Refresh of a family not negotiated: ignored (RFC 2918 3). */
	if (r.known_af && (c->caps.afs & BGP_AF_BIT(r.af)))
		c->ops->refresh(c, &r);
}

static void
message(struct bgp_fsm *c, const struct bgp_msg *m)
{
	struct bgp_err err;

	c->msgs_in++;
	if (m->type == BGP_MSG_NOTIFICATION) {
		rcvd_notification(c, m);
		return;
	}
	switch (c->state) {
	case BGP_OPENSENT:
		if (m->type == BGP_MSG_OPEN)
			rcvd_open(c, m);
		else
			fsm_error(c, 1, m->type);
		break;
	case BGP_OPENCONFIRM:
		if (m->type != BGP_MSG_KEEPALIVE) {
			fsm_error(c, 2, m->type);
			break;
		}
		c->state = BGP_ESTABLISHED;
		arm_hold(c);
		c->ops->established(c);
		break;
	case BGP_ESTABLISHED:
		switch (m->type) {
		case BGP_MSG_KEEPALIVE:
			arm_hold(c);
			break;
		case BGP_MSG_UPDATE:
			arm_hold(c);
			memset(&err, 0, sizeof(err));
			if (c->ops->update(c, m->body, m->len, &err) != 0)
				fail(c, &err);
			break;
		case BGP_MSG_ROUTE_REFRESH:
			arm_hold(c);
			rcvd_refresh(c, m);
			break;
		default:
			fsm_error(c, 3, m->type);
		}
		break;
	case BGP_IDLE:
	case BGP_CONNECT:
	case BGP_ACTIVE:
		/* Nothing is read before the OPEN goes out. */
		break;
	}
}

void
bgp_fsm_event(struct bgp_fsm *c, enum bgp_event ev, const void *arg)
{
	struct bgp_err err;

	switch (ev) {
	case BGP_EV_TCP_UP:
		if (c->state == BGP_CONNECT || c->state == BGP_ACTIVE)
			open_sent(c);
		break;
	case BGP_EV_TCP_DOWN:
		set_err(&err, 0, 0, "connection closed");
		finish(c, &err, false, NULL);
		break;
	case BGP_EV_MESSAGE:
		message(c, arg);
		break;
	case BGP_EV_HOLD_EXPIRED:
		set_err(&err, BGP_ERR_HOLD, 0, "hold timer expired");
		fail(c, &err);
		break;
	case BGP_EV_KEEPALIVE_TIMER:
		if (c->state == BGP_OPENCONFIRM ||
		    c->state == BGP_ESTABLISHED) {
			send_keepalive(c);
			arm_keepalive(c);
		}
		break;
	case BGP_EV_SEND_HOLD_EXPIRED:
		set_err(&err, BGP_ERR_SEND_HOLD, 0,
		    "send hold timer expired: the peer does not read");
		fail(c, &err);
		break;
	case BGP_EV_STOP:
		if (c->state >= BGP_OPENSENT)
			fail(c, arg);
		else
			finish(c, arg, false, NULL);
		break;
	case BGP_EV_DECODE_ERROR:
		fail(c, arg);
		break;
	}
}

size_t
bgp_fsm_input(struct bgp_fsm *c, const uint8_t *p, size_t len)
{
	struct bgp_err err;
	struct bgp_msg m;
	size_t off = 0, mlen;
	uint8_t type;
	int rc;

	while (off < len && c->state >= BGP_OPENSENT) {
		memset(&err, 0, sizeof(err));
		rc = bgp_frame_check(p + off, len - off,
		    c->state == BGP_ESTABLISHED ? c->caps.max_len : BGP_MAX_LEN,
		    &mlen, &type, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			bgp_fsm_event(c, BGP_EV_DECODE_ERROR, &err);
			return len;
		}
		m.type = type;
		m.body = p + off + BGP_HDR_LEN;
		m.len = mlen - BGP_HDR_LEN;
		off += mlen;
		bgp_fsm_event(c, BGP_EV_MESSAGE, &m);
	}
	return c->state == BGP_IDLE ? len : off;
}
