/*
 * DOC: xmpp_server.c - the listening side (the control node's, section
 * 1.1): binds the configured address, accepts, and runs one xmpp_conn
 * per client with the same ops and options, at most max_conns at once
 * (more are accepted and closed at once, unseen by the ops).  The server
 * owns its listener through a uvx_owner and lists its connections, so
 * stop can close them all and call back once the last handle is gone.
 */
#include "xmpp/xmpp_int.h"

#include <stdlib.h>
#include <string.h>

struct xmpp_server {
	uv_loop_t *loop;                 /* borrowed */
	struct uvx_owner own;            /* the listener */
	uv_tcp_t listener;               /* initialised by start */
	struct xmpp_server_opts opts;    /* defaults applied */
	struct xmpp_opts_copy copts;     /* opts.conn, strings owned */
	const struct xmpp_conn_ops *ops; /* the user's (borrowed) */
	void *arg;
	struct xmpp_conn *conns; /* live, newest first */
	size_t nconns;
	uint64_t refused; /* past max_conns */
	bool started;     /* the listener exists */
	bool stopping;
	bool stopped; /* listener closed and no connection left */
	xmpp_server_stopped_cb stopped_cb;
	void *stopped_arg;
};

struct xmpp_server *
xmpp_server_new(uv_loop_t *loop, const struct xmpp_server_opts *opts,
    const struct xmpp_conn_ops *ops, void *arg)
{
	struct xmpp_server *s = xcalloc(1, sizeof(*s));

	s->loop = loop;
	s->opts = *opts;
	if (s->opts.max_conns == 0)
		s->opts.max_conns = XMPP_MAX_CONNS;
	xmpp__opts_copy(&s->copts, &opts->conn);
	/* Only the copy is used: the caller's strings may go. */
	memset(&s->opts.conn, 0, sizeof(s->opts.conn));
	s->ops = ops;
	s->arg = arg;
	uvx_owner_init(&s->own);
	return s;
}

/* Calls back once the listener and every connection are gone. */
static void
check_stopped(struct xmpp_server *s)
{
	if (!s->stopping || s->stopped || s->nconns > 0 ||
	    (s->started && s->own.nopen > 0))
		return;
	s->stopped = true;
	if (s->stopped_cb != NULL)
		s->stopped_cb(s, s->stopped_arg);
}

static void
listener_closed(struct uvx_owner *own)
{
	check_stopped(container_of(own, struct xmpp_server, own));
}

static void
conn_gone(struct xmpp_conn *c, void *arg)
{
	struct xmpp_server *s = arg;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->nconns--;
	check_stopped(s);
}

static void
on_connection(uv_stream_t *l, int status)
{
	struct xmpp_server *s = container_of(
	    uvx_owner_of((uv_handle_t *)l), struct xmpp_server, own);
	bool refuse = s->nconns >= s->opts.max_conns;
	struct xmpp_conn *c;
	int rc;

	if (status != 0) {
		log_warnx("xmpp server: accept: %s", uv_strerror(status));
		return;
	}
	/* A refused connection is accepted only to be closed: left in the
	 * backlog, it would wake us again and again. */
	c = xmpp__conn_new(
	    s->loop, &s->copts.o, refuse ? NULL : s->ops, s->arg, true);
	if ((rc = uv_accept(l, (uv_stream_t *)&c->tcp)) != 0 || refuse) {
		if (rc != 0)
			log_warnx("xmpp server: accept: %s", uv_strerror(rc));
		else {
			xmpp__conn_addrs(c);
			log_peer_warnx(c->fsm.where,
			    "refused: %zu connections already (max_conns), "
			    "%llu refused",
			    s->nconns, (unsigned long long)++s->refused);
		}
		xmpp__conn_abort(c, "refused");
		return;
	}
	c->gone = conn_gone;
	c->hook_arg = s;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	xmpp__conn_accepted(c);
}

int
xmpp_server_start(struct xmpp_server *s)
{
	const struct sockaddr *sa = (const struct sockaddr *)&s->opts.addr;
	int rc;

	if (s->started || s->stopping)
		return -EALREADY;
	if ((rc = uv_tcp_init(s->loop, &s->listener)) != 0)
		return rc;
	uvx_own(&s->own, (uv_handle_t *)&s->listener);
	s->started = true;
	if ((rc = uv_tcp_bind(&s->listener, sa, 0)) != 0 ||
	    (rc = uv_listen(
		 (uv_stream_t *)&s->listener, SOMAXCONN, on_connection)) != 0)
		return rc;
	return 0;
}

uint16_t
xmpp_server_port(const struct xmpp_server *s)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	if (!s->started ||
	    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	return sockaddr_port((const struct sockaddr *)&ss);
}

size_t
xmpp_server_conn_count(const struct xmpp_server *s)
{
	return s->nconns;
}

void
xmpp_server_set_hold(struct xmpp_server *s, unsigned hold_time)
{
	struct xmpp_conn *c;

	s->copts.o.hold_time = hold_time;
	for (c = s->conns; c != NULL; c = c->next)
		xmpp_fsm_set_hold(&c->fsm, hold_time);
}

void
xmpp_server_stop(struct xmpp_server *s, xmpp_server_stopped_cb cb, void *arg)
{
	struct xmpp_conn *c;

	if (s->stopping)
		return;
	s->stopping = true;
	s->stopped_cb = cb;
	s->stopped_arg = arg;
	/* Each closes from the loop; conn_gone unlinks it later. */
	for (c = s->conns; c != NULL; c = c->next)
		xmpp__conn_abort(c, "server stopping");
	if (s->started)
		uvx_owner_close(&s->own, listener_closed);
	else
		check_stopped(s);
}

void
xmpp_server_free(struct xmpp_server *s)
{
	if (s == NULL)
		return;
	if (s->started && !s->stopped)
		fatalx("xmpp_server_free: the server has not stopped");
	xmpp__opts_free(&s->copts);
	free(s);
}
