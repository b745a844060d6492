/*
 * DOC: xmpp_fsm.c - the XMPP stream state machine of one connection
 * (contrail-protocol.md 1.3-1.5; OpenBGPD session.c bgp_fsm()).  Events
 * in (bytes, a header, a stanza, a keepalive, a timer, TLS up, a close),
 * ops out (send, timers, start TLS, the user's hooks, down).  It writes
 * the exact headers Contrail's regex framing needs, runs STARTTLS, lets
 * nothing else come before Established, and ends a stream it opened
 * with </stream:stream>.  No socket, timer or TLS of its own: tests
 * drive it with stub ops; xmpp_conn.c embeds it.
 */
#include "xmpp/xmpp.h"

#include <stdio.h>
#include <string.h>

/* How a stream ends: in silence (the transport is gone), with our close
 * tag, or with a stream error first. */
enum fsm_end { END_QUIET, END_CLOSE, END_ERROR };

static const char *const state_names[] = {
    [XMPP_ST_IDLE] = "Idle",
    [XMPP_ST_CONNECT] = "Connect",
    [XMPP_ST_ACTIVE] = "Active",
    [XMPP_ST_OPENSENT] = "OpenSent",
    [XMPP_ST_OPENCONFIRM] = "OpenConfirm",
    [XMPP_ST_ESTABLISHED] = "Established",
    [XMPP_ST_CLOSED] = "Closed",
};

static const char stream_close[] = "</stream:stream>";
static const char stream_error[] =
    "<stream:error><not-well-formed "
    "xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>";
static const char tls_features[] =
    "<stream:features><starttls xmlns=\"" XMPP_TLS_NS "\"><required/>"
    "</starttls></stream:features>";
static const char tls_starttls[] = "<starttls xmlns=\"" XMPP_TLS_NS "\"/>";
static const char tls_proceed[] = "<proceed xmlns=\"" XMPP_TLS_NS "\"/>";

const char *
xmpp_state_name(enum xmpp_state st)
{
	return (unsigned)st < nitems(state_names) ? state_names[st] : "?";
}

void
xmpp_fsm_init(struct xmpp_fsm *f, const struct xmpp_fsm_ops *ops, void *owner,
    const struct xmpp_conn_opts *opts, bool server)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->owner = owner;
	f->server = server;
	f->state = XMPP_ST_IDLE;
	f->tls = opts->tls != NULL;
	f->name = opts->name != NULL ? opts->name : "";
	f->to = opts->to != NULL ? opts->to : XMPP_CONTROL_JID;
	f->xmlns = opts->xmlns != NULL ? opts->xmlns : "";
	f->hold_time = opts->hold_time != 0 ? opts->hold_time : XMPP_HOLD_TIME;
	f->open_time = opts->open_time != 0 ? opts->open_time : XMPP_OPEN_TIME;
}

/* Who the log lines are about: the peer's name once known. */
static const char *
label(const struct xmpp_fsm *f)
{
	if (f->peer[0] != '\0')
		return f->peer;
	return f->where[0] != '\0' ? f->where : "xmpp";
}

static void
send_str(struct xmpp_fsm *f, const char *s)
{
	f->ops->send(f, s, strlen(s));
}

static void
arm_hold(struct xmpp_fsm *f)
{
	f->ops->timer(f, XMPP_TIMER_HOLD, f->hold_time * 1000ull);
}

/* Every third of the hold time (Contrail's StartKeepAliveTimer). */
static void
arm_keepalive(struct xmpp_fsm *f)
{
	f->ops->timer(
	    f, XMPP_TIMER_KEEPALIVE, MAX(f->hold_time * 1000ull / 3, 1ull));
}

static void
send_keepalive(struct xmpp_fsm *f)
{
	send_str(f, XMPP_KEEPALIVE);
	f->stats.tx_keepalives++;
}

/*
 * The one place the state changes: logs, and sets the timers each state
 * runs.  Before Established the open timer bounds every state; in
 * Established the hold and keepalive timers run; Closed runs none.
 */
static void
change_state(struct xmpp_fsm *f, enum xmpp_state st)
{
	enum xmpp_state old = f->state;
	unsigned t;

	f->state = st;
	if (st == XMPP_ST_ESTABLISHED)
		log_peer_info(label(f), "%s -> %s%s", xmpp_state_name(old),
		    xmpp_state_name(st), f->tls_up ? " (TLS)" : "");
	else
		log_peer_debug(label(f), "%s -> %s", xmpp_state_name(old),
		    xmpp_state_name(st));
	switch (st) {
	case XMPP_ST_IDLE:
		break;
	case XMPP_ST_CONNECT:
	case XMPP_ST_ACTIVE:
	case XMPP_ST_OPENSENT:
	case XMPP_ST_OPENCONFIRM:
		f->ops->timer(f, XMPP_TIMER_OPEN, f->open_time * 1000ull);
		break;
	case XMPP_ST_ESTABLISHED:
		f->ops->timer(f, XMPP_TIMER_OPEN, 0);
		arm_hold(f);
		arm_keepalive(f);
		break;
	case XMPP_ST_CLOSED:
		for (t = 0; t < XMPP_TIMER_MAX; t++)
			f->ops->timer(f, (enum xmpp_timer)t, 0);
		break;
	}
}

/* Ends the stream (once): what we may still say, then down. */
static void
finish(struct xmpp_fsm *f, const char *reason, enum fsm_end how)
{
	enum xmpp_state old = f->state;

	if (old == XMPP_ST_CLOSED)
		return;
	/* During the handshake nothing can be said, in clear or not. */
	if (how != END_QUIET && f->hdr_sent && f->step != XMPP_TLS_HANDSHAKE) {
		if (how == END_ERROR)
			send_str(f, stream_error);
		send_str(f, stream_close);
	}
	change_state(f, XMPP_ST_CLOSED);
	log_peer_info(
	    label(f), "closed in %s: %s", xmpp_state_name(old), reason);
	f->ops->down(f, reason, how != END_QUIET);
}

/* A peer's protocol error: the reason names what and where. */
static void
fail(struct xmpp_fsm *f, const char *fmt, const char *what)
{
	char why[XMPP_REASON_MAX];

	snprintf(why, sizeof(why), fmt, what);
	finish(f, why, END_CLOSE);
}

static void
unexpected(struct xmpp_fsm *f, const struct xmpp_node *n)
{
	char why[XMPP_REASON_MAX];

	snprintf(why, sizeof(why), "unexpected <%.64s> in %s%s",
	    n != NULL ? n->name : "?", xmpp_state_name(f->state),
	    f->state == XMPP_ST_OPENCONFIRM ? " (STARTTLS)" : "");
	finish(f, why, END_CLOSE);
}

/*
 * Our stream header: the client's open (section 1.3: xmlns is the
 * subcluster, the streams namespace last and followed by " >") or the
 * server's reply (id "++123", xmlns jabber:client).
 */
static void
send_header(struct xmpp_fsm *f)
{
	char mem[4 * XMPP_NAME_MAX * 6 + 256];
	struct wbuf w;
	int rc;

	wbuf_init(&w, mem, sizeof(mem));
	rc = wbuf_put_str(&w, "<stream:stream from=\"");
	rc |= xmpp_escape(&w, f->name);
	rc |= wbuf_put_str(&w, "\" to=\"");
	rc |= xmpp_escape(&w, f->server ? f->peer : f->to);
	if (f->server)
		rc |= wbuf_put_str(&w,
		    "\" id=\"" XMPP_STREAM_ID "\" version=\"1.0\" "
		    "xml:lang=\"en\" xmlns=\"jabber:client\"");
	else {
		rc |= wbuf_put_str(&w,
		    "\" version=\"1.0\" xml:lang=\"en\" "
		    "xmlns=\"");
		rc |= xmpp_escape(&w, f->xmlns);
		rc |= wbuf_put_str(&w, "\"");
	}
	rc |= wbuf_put_str(&w, " xmlns:stream=\"" XMPP_STREAM_NS "\" >");
	if (rc != 0) {
		finish(f,
		    "our stream header cannot be written (a name too long, "
		    "or with a control character)",
		    END_QUIET);
		return;
	}
	f->ops->send(f, w.data, w.len);
	f->hdr_sent = true;
}

/*
 * The peer's header must name both ends, within XMPP_NAME_MAX bytes, and
 * a stream restarted over TLS must come from the same name.  0, or -1
 * when it closed the stream.
 */
static int
check_header(struct xmpp_fsm *f, const struct xmpp_node *n, const char **from,
    const char **to)
{
	char why[XMPP_REASON_MAX];

	*from = xmpp_node_attr(n, "from");
	*to = xmpp_node_attr(n, "to");
	if (*from == NULL || **from == '\0') {
		fail(f, "stream header without %s", "'from'");
		return -1;
	}
	if (*to == NULL) {
		fail(f, "stream header without %s", "'to'");
		return -1;
	}
	if (strlen(*from) > XMPP_NAME_MAX || strlen(*to) > XMPP_NAME_MAX) {
		snprintf(why, sizeof(why),
		    "a name in the stream header is past %u bytes",
		    XMPP_NAME_MAX);
		finish(f, why, END_CLOSE);
		return -1;
	}
	if (f->tls_up && strcmp(*from, f->peer) != 0) {
		fail(f, "'from' changed to \"%.64s\" after STARTTLS", *from);
		return -1;
	}
	str_lcpy(f->peer, *from, sizeof(f->peer));
	return 0;
}

static void
established(struct xmpp_fsm *f)
{
	f->step = XMPP_TLS_NONE;
	change_state(f, XMPP_ST_ESTABLISHED);
	if (f->ops->established != NULL)
		f->ops->established(f);
}

/* Server: the client's header (Active, or again over TLS). */
static void
rcvd_open(struct xmpp_fsm *f, const struct xmpp_node *n)
{
	const char *from, *to, *reason = NULL;

	if (check_header(f, n, &from, &to) != 0)
		return;
	if (!f->tls_up && f->ops->open != NULL &&
	    f->ops->open(f, from, to, &reason) != 0) {
		finish(f, reason != NULL ? reason : "refused", END_CLOSE);
		return;
	}
	send_header(f);
	if (f->state == XMPP_ST_CLOSED)
		return;
	if (!f->tls || f->tls_up) {
		established(f);
		return;
	}
	send_str(f, tls_features);
	f->step = XMPP_TLS_STARTTLS;
	change_state(f, XMPP_ST_OPENCONFIRM);
}

/* Client: the server's reply (OpenSent, or again over TLS). */
static void
rcvd_reply(struct xmpp_fsm *f, const struct xmpp_node *n)
{
	const char *from, *to;

	if (check_header(f, n, &from, &to) != 0)
		return;
	if (!f->tls || f->tls_up) {
		/* Contrail's client says it is alive at once. */
		send_keepalive(f);
		established(f);
		return;
	}
	f->step = XMPP_TLS_STARTTLS;
	change_state(f, XMPP_ST_OPENCONFIRM);
}

static void
start_tls(struct xmpp_fsm *f)
{
	const char *reason = "cannot start TLS";

	f->step = XMPP_TLS_HANDSHAKE;
	if (f->ops->start_tls(f, &reason) != 0)
		finish(f, reason, END_QUIET);
}

/* A stanza while STARTTLS runs: only the next element of the exchange. */
static void
tls_stanza(struct xmpp_fsm *f, const struct xmpp_node *n)
{
	switch (f->step) {
	case XMPP_TLS_STARTTLS:
		if (f->server && xmpp_node_is(n, "starttls")) {
			send_str(f, tls_proceed);
			start_tls(f);
		} else if (!f->server && xmpp_node_is(n, "features") &&
		    xmpp_node_child(n, "starttls") != NULL) {
			send_str(f, tls_starttls);
			f->step = XMPP_TLS_PROCEED;
		} else
			unexpected(f, n);
		break;
	case XMPP_TLS_PROCEED:
		if (xmpp_node_is(n, "proceed"))
			start_tls(f);
		else if (xmpp_node_is(n, "failure"))
			finish(f, "the server refused STARTTLS", END_CLOSE);
		else
			unexpected(f, n);
		break;
	case XMPP_TLS_NONE:
	case XMPP_TLS_HANDSHAKE:
	case XMPP_TLS_REOPEN:
		unexpected(f, n);
		break;
	}
}

static void
hold_expired(struct xmpp_fsm *f)
{
	/* Contrail re-arms while bytes wait: the loop was late, not the
	 * peer. */
	if (f->ops->rx_pending(f)) {
		log_peer_debug(label(f), "hold timer: bytes wait, re-armed");
		arm_hold(f);
		return;
	}
	finish(f, "hold timer expired", END_CLOSE);
}

/* OpenConfirm, the TLS handshake is done: a new stream over TLS, which
 * the client opens again. */
static void
tls_up(struct xmpp_fsm *f)
{
	if (f->step != XMPP_TLS_HANDSHAKE)
		return;
	f->tls_up = true;
	f->hdr_sent = false;
	f->step = XMPP_TLS_REOPEN;
	if (!f->server)
		send_header(f);
}

/* A stanza in Established goes up, unless it is a server asking a client
 * without TLS for STARTTLS. */
static void
rcvd_stanza(struct xmpp_fsm *f, const struct xmpp_node *n)
{
	f->stats.rx_stanzas++;
	if (!f->server && !f->tls && xmpp_node_is(n, "features") &&
	    xmpp_node_child(n, "starttls") != NULL) {
		finish(f, "the server requires STARTTLS", END_CLOSE);
		return;
	}
	if (f->ops->stanza != NULL)
		f->ops->stanza(f, n);
}

/*
 * The ends common to every state come first (transport down, framing
 * error, local close, the peer's close, open and send-hold timers), then
 * the nested switch on state and event.  An event a state does not
 * expect is ignored unless it is something the peer sent.
 */
void
xmpp_fsm_event(struct xmpp_fsm *f, enum xmpp_fsm_event ev, const void *arg)
{
	char why[XMPP_REASON_MAX];

	if (f->state == XMPP_ST_CLOSED)
		return;
	switch (ev) {
	case XMPP_FEV_DOWN:
		finish(f, arg != NULL ? arg : "connection lost", END_QUIET);
		return;
	case XMPP_FEV_ERROR:
		finish(f, arg != NULL ? arg : "protocol error", END_ERROR);
		return;
	case XMPP_FEV_STOP:
		finish(f, arg != NULL ? arg : "closed", END_CLOSE);
		return;
	case XMPP_FEV_CLOSE:
		finish(f, "the peer closed the stream", END_CLOSE);
		return;
	case XMPP_FEV_OPEN_TIMER:
		snprintf(why, sizeof(why), "open timer expired in %s",
		    xmpp_state_name(f->state));
		finish(f, why, END_CLOSE);
		return;
	case XMPP_FEV_SEND_HOLD_TIMER:
		/* The queue does not move: nothing more would go out. */
		finish(f, "send hold timer expired", END_QUIET);
		return;
	case XMPP_FEV_KEEPALIVE:
		f->stats.rx_keepalives++;
		return;
	default:
		break;
	}

	switch (f->state) {
	case XMPP_ST_IDLE:
		switch (ev) {
		case XMPP_FEV_CONNECT:
			if (!f->server)
				change_state(f, XMPP_ST_CONNECT);
			break;
		case XMPP_FEV_TCP_UP:
			if (f->server)
				change_state(f, XMPP_ST_ACTIVE);
			break;
		default:
			break;
		}
		break;
	case XMPP_ST_CONNECT:
		switch (ev) {
		case XMPP_FEV_TCP_UP:
			send_header(f);
			if (f->state != XMPP_ST_CLOSED)
				change_state(f, XMPP_ST_OPENSENT);
			break;
		default:
			break;
		}
		break;
	case XMPP_ST_ACTIVE:
	case XMPP_ST_OPENSENT:
		switch (ev) {
		case XMPP_FEV_OPEN:
			if (f->server)
				rcvd_open(f, arg);
			else
				rcvd_reply(f, arg);
			break;
		case XMPP_FEV_STANZA:
			unexpected(f, arg);
			break;
		default:
			break;
		}
		break;
	case XMPP_ST_OPENCONFIRM:
		switch (ev) {
		case XMPP_FEV_STANZA:
			tls_stanza(f, arg);
			break;
		case XMPP_FEV_TLS_UP:
			tls_up(f);
			break;
		case XMPP_FEV_OPEN:
			if (f->step != XMPP_TLS_REOPEN)
				fail(f, "a second stream header in %s",
				    "OpenConfirm");
			else if (f->server)
				rcvd_open(f, arg);
			else
				rcvd_reply(f, arg);
			break;
		default:
			break;
		}
		break;
	case XMPP_ST_ESTABLISHED:
		switch (ev) {
		case XMPP_FEV_RX:
			arm_hold(f);
			break;
		case XMPP_FEV_STANZA:
			rcvd_stanza(f, arg);
			break;
		case XMPP_FEV_OPEN:
			fail(f, "a second stream header in %s", "Established");
			break;
		case XMPP_FEV_HOLD_TIMER:
			hold_expired(f);
			break;
		case XMPP_FEV_KEEPALIVE_TIMER:
			send_keepalive(f);
			arm_keepalive(f);
			break;
		default:
			break;
		}
		break;
	case XMPP_ST_CLOSED:
		break;
	}
}

void
xmpp_fsm_set_hold(struct xmpp_fsm *f, unsigned hold_time)
{
	f->hold_time = hold_time != 0 ? hold_time : XMPP_HOLD_TIME;
	if (f->state == XMPP_ST_ESTABLISHED) {
		arm_hold(f);
		arm_keepalive(f);
	}
}
