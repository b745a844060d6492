/*
 * bgp_peer.c - BGP peers and their connections on libuv: connect and
 * accept, the FSM's ops (send, close, timers, OPEN checks), collision
 * detection (RFC 4271 6.8), reconnect with back-off, TCP MD5 (RFC 2385)
 * and the send hold timer (RFC 9687).  What a session carries is
 * bgp_rib.c's; the protocol rules are bgp_fsm.c's.  A connection owns its
 * handles through a uvx_owner and is freed after the last close; a peer
 * owns its timers the same way.  Loop thread only.
 */
#include "bgp/bgp_int.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct bgp_fsm_ops conn_ops;
static void retry_cb(uv_timer_t *h);
static void peer_closed(struct uvx_owner *own);

static struct bgp_conn *
conn_of(struct bgp_fsm *f)
{
	return container_of(f, struct bgp_conn, fsm);
}

static struct bgp_peer *
peer_of(const struct bgp_conn *c)
{
	return c->fsm.owner;
}

static const char *
pname(const struct bgp_peer *p)
{
	return p->cfg.name;
}

/* ------------------------------------------------------------------ */
/* Connections                                                         */
/* ------------------------------------------------------------------ */

static void
conn_timer_cb(uv_timer_t *h)
{
	struct bgp_conn *c =
	    container_of(uvx_owner_of((uv_handle_t *)h), struct bgp_conn, own);
	enum bgp_timer t = (enum bgp_timer)(h - c->timers);

	switch (t) {
	case BGP_TIMER_HOLD:
		bgp_fsm_event(&c->fsm, BGP_EV_HOLD_EXPIRED, NULL);
		break;
	case BGP_TIMER_KEEPALIVE:
		bgp_fsm_event(&c->fsm, BGP_EV_KEEPALIVE_TIMER, NULL);
		break;
	case BGP_TIMER_SEND_HOLD:
		bgp_fsm_event(&c->fsm, BGP_EV_SEND_HOLD_EXPIRED, NULL);
		break;
	case BGP_TIMER_MAX:
		break;
	}
}

struct bgp_conn *
bgp__conn_new(struct bgp *b)
{
	struct bgp_conn *c = xcalloc(1, sizeof(*c));
	unsigned t;

	uvx_owner_init(&c->own);
	c->rcap = BGP_RBUF_LEN;
	c->rbuf = xmalloc(c->rcap);
	if (uv_tcp_init(b->loop, &c->tcp) != 0)
		fatalx("%s: uv_tcp_init", __func__);
	uvx_own(&c->own, (uv_handle_t *)&c->tcp);
	for (t = 0; t < BGP_TIMER_MAX; t++) {
		uv_timer_init(b->loop, &c->timers[t]);
		uvx_own(&c->own, (uv_handle_t *)&c->timers[t]);
	}
	return c;
}

static void
conn_freed(struct uvx_owner *own)
{
	struct bgp_conn *c = container_of(own, struct bgp_conn, own);
	struct bgp_peer *p = peer_of(c);

	if (p != NULL) {
		if (p->conns[0] == c)
			p->conns[0] = NULL;
		if (p->conns[1] == c)
			p->conns[1] = NULL;
		if (p->est == c)
			p->est = NULL;
	}
	free(c->rbuf);
	free(c);
	/* A stopping peer goes once its connections have. */
	if (p != NULL && p->stopping && p->conns[0] == NULL &&
	    p->conns[1] == NULL)
		uvx_owner_close(&p->own, peer_closed);
}

/* Closes every handle of c; it is freed after the last close. */
void
bgp__conn_drop(struct bgp_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_read_stop((uv_stream_t *)&c->tcp);
	uvx_owner_close(&c->own, conn_freed);
}

static void
shutdown_cb(uv_shutdown_t *req, int status)
{
	struct bgp_conn *c = req->data;

	(void)status;
	free(req);
	bgp__conn_drop(c);
}

static void
close_wait_cb(uv_timer_t *h)
{
	bgp__conn_drop(
	    container_of(uvx_owner_of((uv_handle_t *)h), struct bgp_conn, own));
}

/* The FSM is done with c: let a queued NOTIFICATION out, then close. */
static void
op_close(struct bgp_fsm *f)
{
	struct bgp_conn *c = conn_of(f);
	uv_shutdown_t *req;

	if (c->closing || c->shutting)
		return;
	c->shutting = true;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) == 0 ||
	    !uv_is_writable((uv_stream_t *)&c->tcp)) {
		bgp__conn_drop(c);
		return;
	}
	req = xcalloc(1, sizeof(*req));
	req->data = c;
	uv_read_stop((uv_stream_t *)&c->tcp);
	if (uv_shutdown(req, (uv_stream_t *)&c->tcp, shutdown_cb) != 0) {
		free(req);
		bgp__conn_drop(c);
		return;
	}
	/* A peer that does not read gets BGP_CLOSE_WAIT_MS, no more. */
	uv_timer_start(&c->timers[BGP_TIMER_SEND_HOLD], close_wait_cb,
	    BGP_CLOSE_WAIT_MS, 0);
}

static unsigned
send_hold_secs(const struct bgp_conn *c)
{
	/* RFC 9687 suggests max(8 min, 2 x hold); a control plane wants a
	 * prompt reset, so twice the hold time, at least 8 s. */
	unsigned hold =
	    c->fsm.hold_time != 0 ? c->fsm.hold_time : BGP_OPEN_HOLD;

	return MAX(2 * hold, (unsigned)BGP_SEND_HOLD_MIN);
}

static void
write_cb(uv_stream_t *s, int status, void *arg)
{
	struct bgp_conn *c = arg;
	struct bgp_peer *p = peer_of(c);
	size_t queued;

	(void)s;
	if (c->closing || c->shutting)
		return;
	if (status < 0) {
		bgp_fsm_event(&c->fsm, BGP_EV_TCP_DOWN, NULL);
		return;
	}
	queued = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
	/* Progress: the send hold timer starts over, or stops when empty. */
	if (queued == 0)
		uv_timer_stop(&c->timers[BGP_TIMER_SEND_HOLD]);
	else
		uv_timer_start(&c->timers[BGP_TIMER_SEND_HOLD], conn_timer_cb,
		    send_hold_secs(c) * 1000ull, 0);
	if (p != NULL && c == p->est && queued < BGP_OUTQ_LOW)
		bgp__peer_kick(p);
}

static void
conn_send(struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	int rc;

	if (c->closing || c->shutting)
		return;
	rc = uvx_write((uv_stream_t *)&c->tcp, msg, len, write_cb, c);
	if (rc != 0) {
		log_peer_debug(peer_of(c) ? pname(peer_of(c)) : "bgp",
		    "write: %s", uv_strerror(rc));
		return;
	}
	if (!uv_is_active((uv_handle_t *)&c->timers[BGP_TIMER_SEND_HOLD]))
		uv_timer_start(&c->timers[BGP_TIMER_SEND_HOLD], conn_timer_cb,
		    send_hold_secs(c) * 1000ull, 0);
}

static void
op_send(struct bgp_fsm *f, const uint8_t *msg, size_t len)
{
	conn_send(conn_of(f), msg, len);
}

static void
op_timer(struct bgp_fsm *f, enum bgp_timer t, unsigned secs)
{
	struct bgp_conn *c = conn_of(f);
	if (c->closing || c->shutting || t == BGP_TIMER_SEND_HOLD)
		return;
	if (secs == 0)
		uv_timer_stop(&c->timers[t]);
	else
		uv_timer_start(&c->timers[t], conn_timer_cb, secs * 1000ull, 0);
}

static void
op_make_open(struct bgp_fsm *f, struct bgp_open *o)
{
	struct bgp_conn *c = conn_of(f);
	struct bgp_peer *p = peer_of(c);
	const struct bgp_peer_cfg *cfg = &p->cfg;
	unsigned af;

	o->version = BGP_VERSION;
	o->asn = cfg->local_as;
	o->hold_time = cfg->hold_time;
	o->bgp_id = cfg->router_id;
	o->as4 = true;
	o->afs = cfg->afs;
	o->route_refresh = true;
	o->enhanced_refresh = true;
	o->ext_msg = true;
	if (cfg->gr) {
		o->gr.present = true;
		o->gr.restarted = p->restarted;
		o->gr.notification = true;
		o->gr.restart_time = cfg->gr_time;
		o->gr.afs = cfg->afs;
		/* A control node keeps no forwarding state to lose: routes
		 * stay valid while it restarts (the vRouters forward on). */
		o->gr.forwarding = cfg->afs;
	}
	if (cfg->llgr) {
		o->llgr.present = true;
		o->llgr.afs = cfg->afs;
		o->llgr.forwarding = cfg->afs;
		for (af = 0; af < BGP_AF_MAX; af++)
			o->llgr.stale_time[af] = cfg->llgr_time;
	}
}

static void
cease(struct bgp_err *err, uint8_t subcode, const char *reason)
{
	memset(err, 0, sizeof(*err));
	err->code = BGP_ERR_CEASE;
	err->subcode = subcode;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
}

/*
 * The peer's OPEN: its AS must be the configured one, its id not ours on
 * iBGP; and if the other connection also got an OPEN, one of the two goes
 * (RFC 4271 6.8: keep the one opened by the higher BGP id).
 */
static int
op_check_open(struct bgp_fsm *f, const struct bgp_open *o, struct bgp_err *err)
{
	struct bgp_conn *c = conn_of(f);
	struct bgp_peer *p = peer_of(c);
	struct bgp_conn *other = p->conns[c == p->conns[0] ? 1 : 0];
	bool keep_ours;

	if (o->asn != p->cfg.remote_as) {
		memset(err, 0, sizeof(*err));
		err->code = BGP_ERR_OPEN;
		err->subcode = 2;
		snprintf(err->reason, sizeof(err->reason),
		    "peer AS %u, configured %u", o->asn, p->cfg.remote_as);
		return -1;
	}
	if (p->cfg.remote_as == p->cfg.local_as &&
	    o->bgp_id == p->cfg.router_id) {
		memset(err, 0, sizeof(*err));
		err->code = BGP_ERR_OPEN;
		err->subcode = 3;
		snprintf(err->reason, sizeof(err->reason),
		    "the peer's BGP id is ours");
		return -1;
	}
	if (other == NULL || other->closing)
		return 0;
	if (other->fsm.state == BGP_ESTABLISHED) {
		/* RFC 4724 4.2: a restarted peer opens a new session while
		 * the old connection still looks alive; the old one is over
		 * (as if it dropped: its routes stay stale). */
		if (o->gr.present && p->peer_gr.present && p->cfg.helper) {
			log_peer_info(pname(p),
			    "a new session from the "
			    "restarted peer replaces the "
			    "established one");
			bgp_fsm_event(&other->fsm, BGP_EV_TCP_DOWN, NULL);
			return 0;
		}
		cease(err, 7, "connection collision: already established");
		return -1;
	}
	if (other->fsm.state != BGP_OPENCONFIRM)
		return 0;
	/* Both have OPENs: the higher id's connection wins. */
	keep_ours = p->cfg.router_id > o->bgp_id;
	if ((c->fsm.outgoing && keep_ours) ||
	    (!c->fsm.outgoing && !keep_ours)) {
		cease(err, 7, "connection collision");
		bgp_fsm_event(&other->fsm, BGP_EV_STOP, err);
		return 0;
	}
	cease(err, 7, "connection collision");
	return -1;
}

static void
op_established(struct bgp_fsm *f)
{
	struct bgp_conn *c = conn_of(f);
	struct bgp_peer *p = peer_of(c);
	struct bgp_conn *other = p->conns[c == p->conns[0] ? 1 : 0];
	struct bgp_err err;

	if (other != NULL && !other->closing) {
		cease(&err, 7, "connection collision");
		bgp_fsm_event(&other->fsm, BGP_EV_STOP, &err);
	}
	p->est = c;
	c->fsm.caps.ebgp = p->cfg.remote_as != p->cfg.local_as;
	p->peer_gr = c->fsm.rcvd_open.gr;
	p->peer_llgr = c->fsm.rcvd_open.llgr;
	p->restarted = false;
	p->up_since_ms = uv_now(p->bgp->loop);
	p->last_error[0] = '\0';
	log_peer_info(pname(p), "established (%s, hold %us, families 0x%x)",
	    c->fsm.outgoing ? "outgoing" : "incoming", c->fsm.hold_time,
	    c->fsm.caps.afs);
	bgp__rib_up(p);
}

static int
op_update(
    struct bgp_fsm *f, const uint8_t *body, size_t len, struct bgp_err *err)
{
	struct bgp_conn *c = conn_of(f);
	struct bgp_peer *p = peer_of(c);

	p->updates_in++;
	return bgp__rib_update(p, body, len, err);
}

static void
op_refresh(struct bgp_fsm *f, const struct bgp_refresh *r)
{
	struct bgp_conn *c = conn_of(f);
	bgp__rib_refresh(peer_of(c), r->af, r->subtype);
}

static void
schedule_retry(struct bgp_peer *p)
{
	if (p->stopping || p->cfg.passive || p->cfg.admin_down)
		return;
	uv_timer_start(&p->retry, retry_cb, p->retry_secs * 1000ull, 0);
}

/*
 * Graceful restart applies when the session ends without a NOTIFICATION,
 * or with one other than a hard reset when both sides set the N bit
 * (RFC 8538), and the peer offered it.
 */
static bool
graceful(const struct bgp_peer *p, const struct bgp_conn *c,
    const struct bgp_err *err, bool sent, const struct bgp_notification *n)
{
	if (!p->peer_gr.present || !p->cfg.helper || p->stopping)
		return false;
	if (!sent && n == NULL)
		return true;
	if (!c->fsm.sent_open.gr.notification || !p->peer_gr.notification)
		return false;
	if (err != NULL && err->code == BGP_ERR_CEASE && err->subcode == 9)
		return false;
	return true;
}

static void
op_down(struct bgp_fsm *f, const struct bgp_err *err, bool sent,
    const struct bgp_notification *rcvd)
{
	struct bgp_conn *c = conn_of(f);
	struct bgp_peer *p = peer_of(c);
	char name[96];
	bool was_up = c == p->est;
	int n = 0;

	/* The last error as the operator reads it (truncated to fit). */
	if (err != NULL && err->code != 0) {
		bgp_err_name(err->code, err->subcode, name, sizeof(name));
		if (rcvd != NULL)
			n = snprintf(p->last_error, sizeof(p->last_error),
			    "received %s%s%.160s", name,
			    rcvd->has_shutdown ? ": " : "",
			    rcvd->has_shutdown ? rcvd->shutdown : "");
		else
			n = snprintf(p->last_error, sizeof(p->last_error),
			    "%s %s: %s", sent ? "sent" : "closed on", name,
			    err->reason);
	} else if (err != NULL)
		n = snprintf(
		    p->last_error, sizeof(p->last_error), "%s", err->reason);
	(void)n;
	log_peer_info(pname(p), "%s: %s", was_up ? "down" : "not established",
	    p->last_error);
	if (was_up) {
		p->est = NULL;
		p->flaps++;
		bgp__rib_down(p, graceful(p, c, err, sent, rcvd));
	}
	/*
	 * Errors back off, 2, 4 ... up to BGP_RETRY_MAX seconds, also when
	 * the session had come up: a peer whose every UPDATE is malformed
	 * must not make us flap each second (bad-inputs U12).  A session
	 * that stayed up BGP_STABLE_SECS starts over from BGP_RETRY_MIN; a
	 * Cease (reset, collision, shutdown) is no error.
	 */
	if (was_up &&
	    uv_now(p->bgp->loop) - p->up_since_ms >= BGP_STABLE_SECS * 1000ull)
		p->retry_secs = BGP_RETRY_MIN;
	else if (err != NULL && err->code != 0 && err->code != BGP_ERR_CEASE)
		p->retry_secs = MIN(p->retry_secs * 2, BGP_RETRY_MAX);

	if (p->conns[0] == NULL || p->conns[0] == c)
		schedule_retry(p);
}

static const struct bgp_fsm_ops conn_ops = {
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
alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct bgp_conn *c =
	    container_of(uvx_owner_of(h), struct bgp_conn, own);

	(void)hint;
	buf->base = (char *)c->rbuf + c->rlen;
	buf->len = c->rcap - c->rlen;
}

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct bgp_conn *c =
	    container_of(uvx_owner_of((uv_handle_t *)s), struct bgp_conn, own);
	size_t used;

	(void)buf;
	if (n < 0) {
		bgp_fsm_event(&c->fsm, BGP_EV_TCP_DOWN, NULL);
		return;
	}
	c->rlen += (size_t)n;
	used = bgp_fsm_input(&c->fsm, c->rbuf, c->rlen);
	if (c->closing || c->fsm.state == BGP_IDLE)
		return;
	memmove(c->rbuf, c->rbuf + used, c->rlen - used);
	c->rlen -= used;
}

static void
conn_up(struct bgp_conn *c)
{
	uv_tcp_nodelay(&c->tcp, 1);
	if (uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb) != 0) {
		bgp_fsm_event(&c->fsm, BGP_EV_TCP_DOWN, NULL);
		return;
	}
	bgp_fsm_event(&c->fsm, BGP_EV_TCP_UP, NULL);
}

/* ------------------------------------------------------------------ */
/* Peers                                                               */
/* ------------------------------------------------------------------ */

static socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
}

int
bgp__set_md5(int fd, const struct sockaddr_storage *addr, const char *key)
{
	struct tcp_md5sig sig;

	memset(&sig, 0, sizeof(sig));
	memcpy(&sig.tcpm_addr, addr, sa_len(addr));
	sig.tcpm_keylen = (uint16_t)strlen(key);
	memcpy(sig.tcpm_key, key, sig.tcpm_keylen);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig)) == -1)
		return -errno;
	return 0;
}

/* An outgoing connection that did not open: logged once per reason
 * (retries repeat it), closed, and retried after a longer wait. */
static void
connect_failed(struct bgp_peer *p, struct bgp_conn *c, const char *why)
{
	if (strcmp(p->last_error, why) != 0)
		log_peer_info(pname(p), "%s", why);
	snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	c->fsm.state = BGP_IDLE;
	bgp__conn_drop(c);
	p->retry_secs = MIN(p->retry_secs * 2, BGP_RETRY_MAX);
	schedule_retry(p);
	p->connect_fails++;
	bgp__defer_check(p->bgp);
}

static void
connect_cb(uv_connect_t *req, int status)
{
	struct bgp_conn *c = req->data;
	struct bgp_peer *p = peer_of(c);
	struct bgp_err err;

	if (c->closing)
		return;
	if (status != 0) {
		memset(&err, 0, sizeof(err));
		snprintf(err.reason, sizeof(err.reason), "connect: %s",
		    uv_strerror(status));
		connect_failed(p, c, err.reason);
		return;
	}
	p->connect_fails = 0;
	conn_up(c);
}

/* Opens the outgoing connection, unless one is up or it is passive. */
void
bgp__peer_start(struct bgp_peer *p)
{
	struct bgp_conn *c;
	char why[160];
	int fd = -1, rc, one = 1;

	if (p->stopping || p->cfg.admin_down || p->cfg.passive ||
	    p->conns[0] != NULL || p->est != NULL)
		return;
	c = bgp__conn_new(p->bgp);
	bgp_fsm_init(&c->fsm, &conn_ops, p, true);
	c->remote = p->cfg.remote;
	p->conns[0] = c;
	fd = socket(p->cfg.remote.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		rc = -errno;
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (p->cfg.auth_key[0] != '\0' &&
	    (rc = bgp__set_md5(fd, &p->cfg.remote, p->cfg.auth_key)) != 0)
		goto fail;
	if (p->cfg.local.ss_family == p->cfg.remote.ss_family &&
	    bind(fd, (const struct sockaddr *)&p->cfg.local,
		sa_len(&p->cfg.local)) == -1) {
		rc = -errno;
		goto fail;
	}
	if ((rc = uv_tcp_open(&c->tcp, fd)) != 0)
		goto fail;
	fd = -1;
	c->connect_req.data = c;
	rc = uv_tcp_connect(&c->connect_req, &c->tcp,
	    (const struct sockaddr *)&p->cfg.remote, connect_cb);
	if (rc != 0)
		goto fail;
	return;
fail:
	if (fd != -1)
		close(fd);
	snprintf(why, sizeof(why), "connect: %s", strerror(-rc));
	connect_failed(p, c, why);
}

void
bgp__peer_accept(struct bgp_peer *p, struct bgp_conn *c)
{
	struct bgp_conn *old = p->conns[1];
	struct bgp_err err;

	if (p->stopping || p->cfg.admin_down) {
		bgp__conn_drop(c);
		return;
	}
	/* A new incoming connection replaces one still opening. */
	if (old != NULL) {
		if (old->fsm.state == BGP_ESTABLISHED) {
			bgp__conn_drop(c);
			return;
		}
		cease(&err, 7, "a newer connection came");
		bgp_fsm_event(&old->fsm, BGP_EV_STOP, &err);
		old->fsm.owner = NULL;
		bgp__conn_drop(old);
	}
	bgp_fsm_init(&c->fsm, &conn_ops, p, false);
	p->conns[1] = c;
	conn_up(c);
}

static void
retry_cb(uv_timer_t *h)
{
	bgp__peer_start(
	    container_of(uvx_owner_of((uv_handle_t *)h), struct bgp_peer, own));
}

void
bgp__gr_cb(uv_timer_t *h)
{
	bgp__rib_gr_timer(
	    container_of(uvx_owner_of((uv_handle_t *)h), struct bgp_peer, own));
}

static void
kick_cb(uv_idle_t *h)
{
	struct bgp_peer *p =
	    container_of(uvx_owner_of((uv_handle_t *)h), struct bgp_peer, own);

	if (!bgp__rib_export(p)) {
		uv_idle_stop(&p->kick);
		p->kicking = false;
	}
}

void
bgp__peer_kick(struct bgp_peer *p)
{
	if (p->kicking || p->stopping)
		return;
	p->kicking = true;
	uv_idle_start(&p->kick, kick_cb);
}

struct bgp_peer *
bgp__peer_new(struct bgp *b, const struct bgp_peer_cfg *cfg)
{
	struct bgp_peer *p = xcalloc(1, sizeof(*p));

	p->bgp = b;
	p->cfg = *cfg;
	p->retry_secs = BGP_RETRY_MIN;
	p->restarted = cfg->gr;
	p->src = rt_source_new(RT_SRC_BGP, cfg->name);
	ipaddr_from_sockaddr(
	    &p->src->addr, (const struct sockaddr *)&cfg->remote);
	p->src->peer_as = cfg->remote_as;
	p->src->ebgp = cfg->remote_as != cfg->local_as;
	p->src->rr_client = cfg->rr_client;
	uvx_owner_init(&p->own);
	uv_timer_init(b->loop, &p->retry);
	uvx_own(&p->own, (uv_handle_t *)&p->retry);
	uv_timer_init(b->loop, &p->gr_timer);
	uvx_own(&p->own, (uv_handle_t *)&p->gr_timer);
	uv_idle_init(b->loop, &p->kick);
	uvx_own(&p->own, (uv_handle_t *)&p->kick);
	return p;
}

void
bgp__peer_send(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	if (p->est != NULL) {
		conn_send(p->est, msg, len);
		p->est->fsm.msgs_out++;
	}
}

bool
bgp__peer_congested(const struct bgp_peer *p)
{
	return p->est == NULL ||
	    uv_stream_get_write_queue_size((const uv_stream_t *)&p->est->tcp) >
	    BGP_OUTQ_HIGH;
}

const char *
bgp__peer_state(const struct bgp_peer *p)
{
	enum bgp_state s = BGP_IDLE;
	unsigned i;

	if (p->est != NULL)
		return bgp_state_name(BGP_ESTABLISHED);
	for (i = 0; i < 2; i++)
		if (p->conns[i] != NULL && p->conns[i]->fsm.state > s)
			s = p->conns[i]->fsm.state;
	if (s == BGP_IDLE && !p->cfg.admin_down && !p->cfg.passive)
		s = BGP_ACTIVE;
	if (p->cfg.conf_error[0] != '\0')
		return "Idle (config error)";
	return p->cfg.admin_down ? "Idle (admin-down)" : bgp_state_name(s);
}

void
bgp__peer_reset(struct bgp_peer *p, uint8_t subcode, const char *why)
{
	struct bgp_err err;
	unsigned i;

	cease(&err, subcode, why);
	if (subcode == 9) {
		/* RFC 8538 3: a hard reset carries the Cease it wraps. */
		err.data[0] = BGP_ERR_CEASE;
		err.data[1] = 4;
		err.datalen = 2;
	}
	for (i = 0; i < 2; i++)
		if (p->conns[i] != NULL && !p->conns[i]->closing)
			bgp_fsm_event(&p->conns[i]->fsm, BGP_EV_STOP, &err);
}

void
bgp__peer_stop(struct bgp_peer *p, uint8_t subcode)
{
	unsigned i;

	p->stopping = true;
	uv_timer_stop(&p->retry);
	bgp__peer_reset(p, subcode,
	    subcode == 3 ? "peer deconfigured" : "administrative shutdown");
	/* Its routes go, stale ones included. */
	bgp__rib_down(p, false);
	/* A connection sending its NOTIFICATION closes by itself (within
	 * BGP_CLOSE_WAIT_MS); the others close now. */
	for (i = 0; i < 2; i++)
		if (p->conns[i] != NULL && !p->conns[i]->shutting)
			bgp__conn_drop(p->conns[i]);
	if (p->conns[0] == NULL && p->conns[1] == NULL)
		uvx_owner_close(&p->own, peer_closed);
}

static void
peer_closed(struct uvx_owner *own)
{
	bgp__peer_gone(container_of(own, struct bgp_peer, own));
}

void
bgp__peer_free(struct bgp_peer *p)
{
	unsigned af;

	if (p == NULL)
		return;
	for (af = 0; af < BGP_AF_MAX; af++)
		bitset_fini(&p->sent[af]);
	free(p->rtc.rts);
	rt_source_unref(p->src);
	free(p);
}
