/*
 * DOC: xmpp_conn.c - one XMPP connection on libuv, either side: socket,
 * the FSM's ops, receive buffer, write queue, TLS.  Bytes read go to the
 * parser (through OpenSSL after STARTTLS), its events to xmpp_fsm.c.
 * Sends are copied into chunks that carry their uv_write_t (libuv
 * echo-server write_req_t), coalescing while one write is in flight;
 * the queue is bounded (wq_max) and must move (send-hold timer).  Handles
 * belong to a uvx_owner (knot-resolver session2): after the last close_cb
 * ops->closed runs and the connection frees itself, so the user's closed
 * hook comes from the loop, never from inside a call into us.
 */
#include "xmpp/xmpp_int.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/*
 * The receive buffer.  Every read is parsed (or handed to TLS) before
 * read_cb returns, so one buffer serves every connection of a thread:
 * reads of 64 KiB, several times fewer than a 16 KiB buffer per
 * connection would take, which no idle session pays for.  It is freed
 * with the thread's last connection.  A read inside a read (a callback
 * that runs the loop) gets the connection's own buffer.
 */
static _Thread_local uint8_t *conn_rbuf;
static _Thread_local bool conn_rbuf_busy;
static _Thread_local size_t conn_count;

static const struct xmpp_fsm_ops conn_fsm_ops;
/* The ops of a connection nobody hears of (one the server refused). */
static const struct xmpp_conn_ops no_ops;

static struct xmpp_conn *
conn_of_handle(const void *h)
{
	return container_of(
	    uvx_owner_of((const uv_handle_t *)h), struct xmpp_conn, own);
}

static struct xmpp_conn *
conn_of_fsm(struct xmpp_fsm *f)
{
	return container_of(f, struct xmpp_conn, fsm);
}

static bool
is_down(const struct xmpp_conn *c)
{
	return c->fsm.state == XMPP_ST_CLOSED;
}

/* ------------------------------------------------------------------ */
/* Lifetime                                                            */
/* ------------------------------------------------------------------ */

static void
conn_freed(struct uvx_owner *own)
{
	struct xmpp_conn *c = container_of(own, struct xmpp_conn, own);
	struct xmpp_wchunk *w, *next;

	if (c->ops->closed != NULL)
		c->ops->closed(c, c->reason, c->arg);
	if (c->gone != NULL)
		c->gone(c, c->hook_arg);
	/* Chunks never given to uv_write (those given are freed in
	 * write_cb, which libuv calls before any close_cb). */
	for (w = c->wq_head; w != NULL; w = next) {
		next = w->next;
		free(w);
	}
	xmpp__tls_conn_free(c->tls);
	xmpp_parser_free(c->parser);
	free(c->rbuf);
	free(c->pbuf);
	free(c);
	if (--conn_count == 0 && !conn_rbuf_busy) {
		free(conn_rbuf);
		conn_rbuf = NULL;
	}
}

/* Closes the handles now; c goes after the last close_cb. */
static void
conn_drop(struct xmpp_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	c->lingering = false;
	uvx_owner_close(&c->own, conn_freed);
}

static void
linger_cb(uv_timer_t *h)
{
	conn_drop(conn_of_handle(h));
}

/* ------------------------------------------------------------------ */
/* Write queue                                                         */
/* ------------------------------------------------------------------ */

static void write_cb(uv_write_t *req, int status);

/* Contiguous room at the tail for up to want bytes (a new chunk when
 * the tail is in flight or full); *room is how much. */
static uint8_t *
wq_space(struct xmpp_conn *c, size_t want, size_t *room)
{
	struct xmpp_wchunk *w = c->wq_tail;
	size_t cap;

	if (w == NULL || (c->writing && w == c->wq_head) || w->len == w->cap) {
		cap = MAX(want, (size_t)XMPP_WQ_CHUNK);
		w = xmalloc(sizeof(*w) + cap);
		w->next = NULL;
		w->len = 0;
		w->cap = cap;
		if (c->wq_tail != NULL)
			c->wq_tail->next = w;
		else
			c->wq_head = w;
		c->wq_tail = w;
	}
	*room = w->cap - w->len;
	return w->data + w->len;
}

static void
wq_commit(struct xmpp_conn *c, size_t n)
{
	struct xmpp_conn_stats *st = &c->fsm.stats;

	c->wq_tail->len += n;
	st->wq_bytes += n;
	st->wq_peak = MAX(st->wq_peak, st->wq_bytes);
}

static void
wq_append(struct xmpp_conn *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t room, n;
	uint8_t *dst;

	while (len > 0) {
		dst = wq_space(c, len, &room);
		n = MIN(room, len);
		memcpy(dst, p, n);
		wq_commit(c, n);
		p += n;
		len -= n;
	}
}

static void
send_hold_cb(uv_timer_t *h)
{
	xmpp_fsm_event(&conn_of_handle(h)->fsm, XMPP_FEV_SEND_HOLD_TIMER, NULL);
}

static void
send_hold_start(struct xmpp_conn *c)
{
	uv_timer_start(&c->timers[XMPP_TIMER_SEND_HOLD], send_hold_cb,
	    c->opts.send_hold * 1000ull, 0);
}

/* The socket took no more: the stream is down, or was already. */
static void
write_failed(struct xmpp_conn *c, int status)
{
	char why[XMPP_REASON_MAX];

	if (c->lingering) {
		conn_drop(c);
		return;
	}
	snprintf(why, sizeof(why), "write: %s", uv_strerror(status));
	xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
}

/* Starts writing the oldest chunk, unless a write is in flight. */
static void
wq_kick(struct xmpp_conn *c)
{
	struct xmpp_wchunk *w = c->wq_head;
	uv_buf_t buf;
	int rc;

	if (c->writing || w == NULL || c->closing)
		return;
	w->req.data = c;
	buf.base = (char *)w->data;
	buf.len = w->len;
	rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, write_cb);
	if (rc != 0) {
		write_failed(c, rc);
		return;
	}
	c->writing = true;
	/* The queue must move: a full one stuck for send_hold closes. */
	if (!c->lingering &&
	    !uv_is_active((uv_handle_t *)&c->timers[XMPP_TIMER_SEND_HOLD]))
		send_hold_start(c);
}

static void
write_cb(uv_write_t *req, int status)
{
	struct xmpp_wchunk *w = container_of(req, struct xmpp_wchunk, req);
	struct xmpp_conn *c = req->data;
	struct xmpp_conn_stats *st = &c->fsm.stats;

	c->writing = false;
	c->wq_head = w->next;
	if (c->wq_head == NULL)
		c->wq_tail = NULL;
	st->wq_bytes -= w->len;
	if (status == 0)
		st->tx_bytes += w->len;
	free(w);
	if (c->closing)
		return;
	if (status < 0) {
		write_failed(c, status);
		return;
	}
	if (c->lingering) {
		if (c->wq_head == NULL)
			conn_drop(c);
		else
			wq_kick(c);
		return;
	}
	/* Progress: the send-hold timer starts over, or stops. */
	if (c->wq_head == NULL)
		uv_timer_stop(&c->timers[XMPP_TIMER_SEND_HOLD]);
	else
		send_hold_start(c);
	wq_kick(c);
	if (c->want_writable && !is_down(c) &&
	    st->wq_bytes < c->opts.wq_max / 2) {
		c->want_writable = false;
		if (c->ops->writable != NULL)
			c->ops->writable(c, c->arg);
	}
}

/* Moves the ciphertext OpenSSL wrote into the queue. */
static void
tls_flush(struct xmpp_conn *c)
{
	size_t pending, room, n;
	uint8_t *dst;

	while ((pending = xmpp__tls_pending(c->tls)) > 0) {
		dst = wq_space(c, pending, &room);
		if ((n = xmpp__tls_take(c->tls, dst, room)) == 0)
			break;
		wq_commit(c, n);
	}
	wq_kick(c);
}

/* Queues bytes for the wire, encrypted once TLS has started. */
static void
conn_queue(struct xmpp_conn *c, const void *data, size_t len)
{
	char why[XMPP_REASON_MAX];

	if (c->closing)
		return;
	if (c->tls == NULL) {
		wq_append(c, data, len);
		wq_kick(c);
		return;
	}
	if (xmpp__tls_write(c->tls, data, len, why, sizeof(why)) != 0) {
		xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
		return;
	}
	tls_flush(c);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static int
parser_cb(void *arg, enum xmpp_event ev, const struct xmpp_node *node)
{
	struct xmpp_conn *c = arg;

	switch (ev) {
	case XMPP_EV_OPEN:
		xmpp_fsm_event(&c->fsm, XMPP_FEV_OPEN, node);
		break;
	case XMPP_EV_STANZA:
		xmpp_fsm_event(&c->fsm, XMPP_FEV_STANZA, node);
		break;
	case XMPP_EV_KEEPALIVE:
		xmpp_fsm_event(&c->fsm, XMPP_FEV_KEEPALIVE, NULL);
		break;
	case XMPP_EV_CLOSE:
		xmpp_fsm_event(&c->fsm, XMPP_FEV_CLOSE, NULL);
		break;
	}
	/* Stop after a close, or before the bytes that are TLS. */
	return is_down(c) || c->tls_reset ? 1 : 0;
}

/* Plaintext to the parser; returns the bytes it took (all of them, but
 * when the stream ended or TLS starts). */
static size_t
feed(struct xmpp_conn *c, const uint8_t *p, size_t n)
{
	size_t off = 0;
	ssize_t r;

	while (off < n && !is_down(c) && !c->tls_reset) {
		r = xmpp_parser_feed(c->parser, p + off, n - off);
		if (r < 0) {
			xmpp_fsm_event(&c->fsm, XMPP_FEV_ERROR,
			    xmpp_parser_error(c->parser));
			return n;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	return off;
}

/* Ciphertext from the socket: the handshake, then plaintext out. */
static void
tls_input(struct xmpp_conn *c, const uint8_t *p, size_t n)
{
	char why[XMPP_REASON_MAX];
	ssize_t r;
	int hs;

	xmpp__tls_input(c->tls, p, n);
	if (!c->fsm.tls_up) {
		hs = xmpp__tls_handshake(c->tls, why, sizeof(why));
		tls_flush(c);
		if (hs < 0)
			xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
		if (hs <= 0)
			return;
		xmpp_fsm_event(&c->fsm, XMPP_FEV_TLS_UP, NULL);
	}
	while (!is_down(c)) {
		r = xmpp__tls_read(
		    c->tls, c->pbuf, XMPP_PBUF_LEN, why, sizeof(why));
		if (r == 0)
			break;
		if (r < 0) {
			tls_flush(c);
			xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
			return;
		}
		feed(c, c->pbuf, (size_t)r);
	}
	if (!c->closing)
		tls_flush(c);
}

static void
plain_input(struct xmpp_conn *c, const uint8_t *p, size_t n)
{
	size_t used = feed(c, p, n);

	if (!c->tls_reset || is_down(c))
		return;
	/* <proceed/> went out or came in: a new stream, under TLS, and
	 * what follows in this read is already TLS. */
	c->tls_reset = false;
	xmpp_parser_reset(c->parser);
	if (used < n)
		tls_input(c, p + used, n - used);
}

static void
alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct xmpp_conn *c = conn_of_handle(h);

	(void)hint;
	if (!conn_rbuf_busy) {
		if (conn_rbuf == NULL)
			conn_rbuf = xmalloc(XMPP_RBUF_LEN);
		conn_rbuf_busy = true;
		buf->base = (char *)conn_rbuf;
	} else {
		if (c->rbuf == NULL)
			c->rbuf = xmalloc(XMPP_RBUF_LEN);
		buf->base = (char *)c->rbuf;
	}
	buf->len = XMPP_RBUF_LEN;
}

static void
conn_read(struct xmpp_conn *c, ssize_t n, const uint8_t *data)
{
	char why[XMPP_REASON_MAX];

	if (n == 0 || is_down(c))
		return;
	if (n < 0) {
		if (n == UV_EOF)
			str_lcpy(
			    why, "connection closed by the peer", sizeof(why));
		else
			snprintf(
			    why, sizeof(why), "read: %s", uv_strerror((int)n));
		xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
		return;
	}
	c->fsm.stats.rx_bytes += (uint64_t)n;
	xmpp_fsm_event(&c->fsm, XMPP_FEV_RX, NULL);
	if (c->tls != NULL)
		tls_input(c, data, (size_t)n);
	else
		plain_input(c, data, (size_t)n);
}

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct xmpp_conn *c = conn_of_handle(s);

	conn_read(c, n, (const uint8_t *)buf->base);
	if ((const uint8_t *)buf->base == conn_rbuf)
		conn_rbuf_busy = false;
	if (n > 0 && c->ops->received != NULL)
		c->ops->received(c, c->arg);
}

/* ------------------------------------------------------------------ */
/* The FSM's ops                                                       */
/* ------------------------------------------------------------------ */

static void
op_send(struct xmpp_fsm *f, const void *data, size_t len)
{
	conn_queue(conn_of_fsm(f), data, len);
}

static void
timer_cb(uv_timer_t *h)
{
	struct xmpp_conn *c = conn_of_handle(h);
	static const enum xmpp_fsm_event ev[XMPP_TIMER_MAX] = {
	    [XMPP_TIMER_OPEN] = XMPP_FEV_OPEN_TIMER,
	    [XMPP_TIMER_HOLD] = XMPP_FEV_HOLD_TIMER,
	    [XMPP_TIMER_KEEPALIVE] = XMPP_FEV_KEEPALIVE_TIMER,
	    [XMPP_TIMER_SEND_HOLD] = XMPP_FEV_SEND_HOLD_TIMER,
	};

	xmpp_fsm_event(&c->fsm, ev[h - c->timers], NULL);
}

static void
op_timer(struct xmpp_fsm *f, enum xmpp_timer t, uint64_t ms)
{
	struct xmpp_conn *c = conn_of_fsm(f);

	/* The send-hold timer is the queue's (and the linger's). */
	if (c->closing || t == XMPP_TIMER_SEND_HOLD)
		return;
	if (ms == 0)
		uv_timer_stop(&c->timers[t]);
	else
		uv_timer_start(&c->timers[t], timer_cb, ms, 0);
}

static int
op_start_tls(struct xmpp_fsm *f, const char **reason)
{
	struct xmpp_conn *c = conn_of_fsm(f);
	char why[XMPP_REASON_MAX];

	if (c->opts.tls == NULL || c->tls != NULL) {
		*reason = "STARTTLS without a TLS context, or twice";
		return -1;
	}
	c->tls = xmpp__tls_conn_new(c->opts.tls);
	c->pbuf = xmalloc(XMPP_PBUF_LEN);
	c->tls_reset = true;
	/* The client speaks first: its hello goes out now. */
	if (!f->server) {
		if (xmpp__tls_handshake(c->tls, why, sizeof(why)) < 0) {
			str_lcpy(c->reason, why, sizeof(c->reason));
			*reason = c->reason;
			return -1;
		}
		tls_flush(c);
	}
	return 0;
}

/* Bytes the kernel holds for us that no read_cb has seen yet. */
static bool
op_rx_pending(struct xmpp_fsm *f)
{
	struct xmpp_conn *c = conn_of_fsm(f);
	uv_os_fd_t fd;
	int n = 0;

	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0)
		return false;
	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

static int
op_open(
    struct xmpp_fsm *f, const char *from, const char *to, const char **reason)
{
	struct xmpp_conn *c = conn_of_fsm(f);

	if (c->ops->open == NULL)
		return 0;
	return c->ops->open(c, from, to, reason, c->arg);
}

static void
op_established(struct xmpp_fsm *f)
{
	struct xmpp_conn *c = conn_of_fsm(f);

	f->stats.est_at_ms = uv_now(c->loop);
	if (c->up != NULL)
		c->up(c, c->hook_arg);
	if (c->ops->established != NULL)
		c->ops->established(c, c->arg);
}

static void
op_stanza(struct xmpp_fsm *f, const struct xmpp_node *st)
{
	struct xmpp_conn *c = conn_of_fsm(f);

	if (c->ops->stanza != NULL)
		c->ops->stanza(c, st, c->arg);
}

/*
 * The stream is over.  What we still had to say (the close tag, TLS's
 * close_notify) gets XMPP_CLOSE_WAIT ms to leave unless flush is off or
 * the close is an abort; then the handles close.
 */
static void
op_down(struct xmpp_fsm *f, const char *reason, bool flush)
{
	struct xmpp_conn *c = conn_of_fsm(f);

	str_lcpy(c->reason, reason, sizeof(c->reason));
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->want_writable = false;
	if (!flush || c->abort || c->closing) {
		conn_drop(c);
		return;
	}
	if (c->tls != NULL && f->tls_up) {
		xmpp__tls_shutdown(c->tls);
		tls_flush(c);
	}
	if (c->closing)
		return;
	if (c->wq_head == NULL) {
		conn_drop(c);
		return;
	}
	c->lingering = true;
	uv_timer_start(
	    &c->timers[XMPP_TIMER_SEND_HOLD], linger_cb, XMPP_CLOSE_WAIT, 0);
	wq_kick(c);
}

static const struct xmpp_fsm_ops conn_fsm_ops = {
    .send = op_send,
    .timer = op_timer,
    .start_tls = op_start_tls,
    .rx_pending = op_rx_pending,
    .open = op_open,
    .established = op_established,
    .stanza = op_stanza,
    .down = op_down,
};

/* ------------------------------------------------------------------ */
/* Set-up                                                              */
/* ------------------------------------------------------------------ */

struct xmpp_conn *
xmpp__conn_new(uv_loop_t *loop, const struct xmpp_conn_opts *opts,
    const struct xmpp_conn_ops *ops, void *arg, bool server)
{
	struct xmpp_conn *c = xcalloc(1, sizeof(*c));
	unsigned t;

	c->loop = loop;
	c->ops = ops != NULL ? ops : &no_ops;
	c->arg = arg;
	c->opts = *opts;
	if (c->opts.send_hold == 0)
		c->opts.send_hold = XMPP_SEND_HOLD;
	if (c->opts.wq_max == 0)
		c->opts.wq_max = XMPP_WQ_MAX;
	if (c->opts.tcp_hold == 0)
		c->opts.tcp_hold = XMPP_TCP_HOLD;
	xmpp_fsm_init(&c->fsm, &conn_fsm_ops, c, &c->opts, server);
	conn_count++;
	c->parser = xmpp_parser_new(&c->opts.lim, parser_cb, c);
	uvx_owner_init(&c->own);
	if (uv_tcp_init(loop, &c->tcp) != 0)
		fatalx("%s: uv_tcp_init", __func__);
	uvx_own(&c->own, (uv_handle_t *)&c->tcp);
	for (t = 0; t < XMPP_TIMER_MAX; t++) {
		uv_timer_init(loop, &c->timers[t]);
		uvx_own(&c->own, (uv_handle_t *)&c->timers[t]);
	}
	return c;
}

void
xmpp__opts_copy(struct xmpp_opts_copy *d, const struct xmpp_conn_opts *s)
{
	d->o = *s;
	d->o.name = d->name = s->name != NULL ? xstrdup(s->name) : NULL;
	d->o.to = d->to = s->to != NULL ? xstrdup(s->to) : NULL;
	d->o.xmlns = d->xmlns = s->xmlns != NULL ? xstrdup(s->xmlns) : NULL;
}

void
xmpp__opts_free(struct xmpp_opts_copy *d)
{
	free(d->name);
	free(d->to);
	free(d->xmlns);
}

/*
 * TCP keepalive from tcp_hold seconds as Contrail's EnableTcpKeepalive
 * does (section 1.5): h = max(tcp_hold, 9), halved above 18; idle h/3,
 * three probes (h - idle)/3 apart, and TCP_USER_TIMEOUT h.  For the
 * default 30: idle 5 s, interval 3 s, user timeout 15 s.
 */
struct sockopt {
	int level, name, value;
	const char *what;
};

static void
tcp_keepalive(struct xmpp_conn *c, int fd)
{
	unsigned h0 = MAX(c->opts.tcp_hold, 9u);
	unsigned h = h0 > 18 ? h0 / 2 : h0;
	const struct sockopt opt[] = {
	    {SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE"},
	    {IPPROTO_TCP, TCP_KEEPIDLE, (int)(h / 3), "TCP_KEEPIDLE"},
	    {IPPROTO_TCP, TCP_KEEPINTVL, (int)MAX((h - h / 3) / 3, 1u),
		"TCP_KEEPINTVL"},
	    {IPPROTO_TCP, TCP_KEEPCNT, XMPP_TCP_PROBES, "TCP_KEEPCNT"},
	    {IPPROTO_TCP, TCP_USER_TIMEOUT, (int)(h * 1000),
		"TCP_USER_TIMEOUT"},
	};
	size_t i;

	for (i = 0; i < nitems(opt); i++)
		if (setsockopt(fd, opt[i].level, opt[i].name, &opt[i].value,
			sizeof(opt[i].value)) == -1)
			log_peer_warn(
			    c->fsm.where, "setsockopt %s", opt[i].what);
}

void
xmpp__conn_addrs(struct xmpp_conn *c)
{
	int len;

	len = sizeof(c->remote);
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->remote, &len);
	len = sizeof(c->local);
	uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&c->local, &len);
	if (sockaddr_print((const struct sockaddr *)&c->remote, c->fsm.where,
		sizeof(c->fsm.where)) == NULL)
		str_lcpy(c->fsm.where, "?", sizeof(c->fsm.where));
}

/* The socket is up (accepted or connected): addresses, options, reads. */
static void
conn_up(struct xmpp_conn *c)
{
	char why[XMPP_REASON_MAX];
	uv_os_fd_t fd;
	int rc;

	xmpp__conn_addrs(c);
	uv_tcp_nodelay(&c->tcp, 1);
	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
		tcp_keepalive(c, fd);
	rc = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
	if (rc != 0) {
		snprintf(why, sizeof(why), "read: %s", uv_strerror(rc));
		xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
		return;
	}
	xmpp_fsm_event(&c->fsm, XMPP_FEV_TCP_UP, NULL);
}

void
xmpp__conn_accepted(struct xmpp_conn *c)
{
	conn_up(c);
}

static void
connect_cb(uv_connect_t *req, int status)
{
	struct xmpp_conn *c = req->data;
	char why[XMPP_REASON_MAX];

	if (status == UV_ECANCELED || c->closing || is_down(c))
		return;
	if (status != 0) {
		snprintf(why, sizeof(why), "connect: %s", uv_strerror(status));
		xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
		return;
	}
	conn_up(c);
}

void
xmpp__conn_connect(struct xmpp_conn *c, const struct sockaddr_storage *addr,
    const struct sockaddr_storage *local)
{
	char why[XMPP_REASON_MAX];
	int rc = 0;

	c->remote = *addr;
	if (sockaddr_print((const struct sockaddr *)addr, c->fsm.where,
		sizeof(c->fsm.where)) == NULL)
		str_lcpy(c->fsm.where, "?", sizeof(c->fsm.where));
	/* The open timer bounds the connect too. */
	xmpp_fsm_event(&c->fsm, XMPP_FEV_CONNECT, NULL);
	if (local != NULL && local->ss_family != 0)
		rc = uv_tcp_bind(&c->tcp, (const struct sockaddr *)local, 0);
	if (rc == 0) {
		c->connect_req.data = c;
		rc = uv_tcp_connect(&c->connect_req, &c->tcp,
		    (const struct sockaddr *)addr, connect_cb);
	}
	if (rc != 0) {
		snprintf(why, sizeof(why), "connect: %s", uv_strerror(rc));
		xmpp_fsm_event(&c->fsm, XMPP_FEV_DOWN, why);
	}
}

void
xmpp__conn_abort(struct xmpp_conn *c, const char *reason)
{
	c->abort = true;
	if (!is_down(c))
		xmpp_fsm_event(&c->fsm, XMPP_FEV_STOP, reason);
	else if (c->lingering)
		conn_drop(c);
}

/* ------------------------------------------------------------------ */
/* The public face                                                     */
/* ------------------------------------------------------------------ */

int
xmpp_conn_send(struct xmpp_conn *c, const void *data, size_t len)
{
	struct xmpp_conn_stats *st = &c->fsm.stats;

	if (c->fsm.state != XMPP_ST_ESTABLISHED)
		return -ENOTCONN;
	if (len > c->opts.wq_max)
		return -EMSGSIZE;
	if (st->wq_bytes + len > c->opts.wq_max) {
		st->wq_full++;
		c->want_writable = true;
		return -ENOBUFS;
	}
	st->tx_msgs++;
	conn_queue(c, data, len);
	return is_down(c) ? -ENOTCONN : 0;
}

bool
xmpp_conn_can_send(struct xmpp_conn *c, size_t len)
{
	if (c->fsm.state == XMPP_ST_ESTABLISHED && len <= c->opts.wq_max &&
	    c->fsm.stats.wq_bytes + len <= c->opts.wq_max)
		return true;
	c->want_writable = true;
	return false;
}

void
xmpp_conn_close(struct xmpp_conn *c, const char *reason)
{
	xmpp_fsm_event(&c->fsm, XMPP_FEV_STOP, reason);
}

enum xmpp_state
xmpp_conn_state(const struct xmpp_conn *c)
{
	return c->fsm.state;
}

const char *
xmpp_conn_peer_name(const struct xmpp_conn *c)
{
	return c->fsm.peer;
}

const struct sockaddr_storage *
xmpp_conn_remote(const struct xmpp_conn *c)
{
	return &c->remote;
}

const struct sockaddr_storage *
xmpp_conn_local(const struct xmpp_conn *c)
{
	return &c->local;
}

bool
xmpp_conn_tls(const struct xmpp_conn *c)
{
	return c->tls != NULL && c->fsm.tls_up;
}

const char *
xmpp_conn_tls_peer(const struct xmpp_conn *c)
{
	return c->tls != NULL ? xmpp__tls_peer(c->tls) : "";
}

const struct xmpp_conn_stats *
xmpp_conn_stats(const struct xmpp_conn *c)
{
	return &c->fsm.stats;
}

void *
xmpp_conn_get_data(const struct xmpp_conn *c)
{
	return c->data;
}

void
xmpp_conn_set_data(struct xmpp_conn *c, void *data)
{
	c->data = data;
}
