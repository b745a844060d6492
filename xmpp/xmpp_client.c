/*
 * DOC: xmpp_client.c - the connecting side (the agent's, section 1.1):
 * one server, one connection at a time, bound to a local address when
 * one is given.  A failed connect or a lost session is retried after
 * min(backoff_ms * 2^(n-1), XMPP_CONNECT_MAX s), n the failures in a row
 * (Contrail's GetConnectTime), which reset once a session is
 * Established.  The client owns its retry timer through a uvx_owner;
 * each attempt is a new xmpp_conn, freed by the library after its
 * ops->closed.
 */
#include "xmpp/xmpp_int.h"

#include <stdlib.h>
#include <string.h>

struct xmpp_client {
	uv_loop_t *loop;                 /* borrowed */
	struct uvx_owner own;            /* the retry timer */
	uv_timer_t retry;                /* initialised by start */
	struct xmpp_client_opts opts;    /* defaults applied */
	struct xmpp_opts_copy copts;     /* opts.conn, strings owned */
	const struct xmpp_conn_ops *ops; /* the user's (borrowed) */
	void *arg;
	struct xmpp_conn *conn; /* the attempt under way, or NULL */
	unsigned fails;         /* in a row */
	bool started;
	bool stopping;
	bool stopped; /* timer closed, no connection left */
	xmpp_client_stopped_cb stopped_cb;
	void *stopped_arg;
};

struct xmpp_client *
xmpp_client_new(uv_loop_t *loop, const struct xmpp_client_opts *opts,
    const struct xmpp_conn_ops *ops, void *arg)
{
	struct xmpp_client *cl = xcalloc(1, sizeof(*cl));

	cl->loop = loop;
	cl->opts = *opts;
	if (cl->opts.backoff_ms == 0)
		cl->opts.backoff_ms = XMPP_BACKOFF_MS;
	xmpp__opts_copy(&cl->copts, &opts->conn);
	/* Only the copy is used: the caller's strings may go. */
	memset(&cl->opts.conn, 0, sizeof(cl->opts.conn));
	cl->ops = ops;
	cl->arg = arg;
	uvx_owner_init(&cl->own);
	return cl;
}

/* The wait after n failures in a row (n >= 1). */
static uint64_t
backoff_ms(const struct xmpp_client *cl, unsigned n)
{
	uint64_t ms = cl->opts.backoff_ms;
	unsigned i;

	for (i = 1; i < n && ms < XMPP_CONNECT_MAX * 1000ull; i++)
		ms *= 2;
	return MIN(ms, XMPP_CONNECT_MAX * 1000ull);
}

static void
check_stopped(struct xmpp_client *cl)
{
	if (!cl->stopping || cl->stopped || cl->conn != NULL ||
	    (cl->started && cl->own.nopen > 0))
		return;
	cl->stopped = true;
	if (cl->stopped_cb != NULL)
		cl->stopped_cb(cl, cl->stopped_arg);
}

static void retry_cb(uv_timer_t *h);

static void
timer_closed(struct uvx_owner *own)
{
	check_stopped(container_of(own, struct xmpp_client, own));
}

static void
conn_up(struct xmpp_conn *c, void *arg)
{
	struct xmpp_client *cl = arg;

	(void)c;
	cl->fails = 0;
}

static void
conn_gone(struct xmpp_conn *c, void *arg)
{
	struct xmpp_client *cl = arg;
	uint64_t ms;

	(void)c;
	cl->conn = NULL;
	if (cl->stopping) {
		check_stopped(cl);
		return;
	}
	cl->fails++;
	ms = backoff_ms(cl, cl->fails);
	log_debug("xmpp client: retry %u in %llu ms", cl->fails,
	    (unsigned long long)ms);
	uv_timer_start(&cl->retry, retry_cb, ms, 0);
}

static void
attempt(struct xmpp_client *cl)
{
	struct xmpp_conn *c;

	c = xmpp__conn_new(cl->loop, &cl->copts.o, cl->ops, cl->arg, false);
	c->up = conn_up;
	c->gone = conn_gone;
	c->hook_arg = cl;
	cl->conn = c;
	xmpp__conn_connect(c, &cl->opts.server, &cl->opts.local);
}

static void
retry_cb(uv_timer_t *h)
{
	attempt(container_of(
	    uvx_owner_of((uv_handle_t *)h), struct xmpp_client, own));
}

int
xmpp_client_start(struct xmpp_client *cl)
{
	if (cl->started || cl->stopping)
		return -EALREADY;
	uv_timer_init(cl->loop, &cl->retry);
	uvx_own(&cl->own, (uv_handle_t *)&cl->retry);
	cl->started = true;
	attempt(cl);
	return 0;
}

struct xmpp_conn *
xmpp_client_conn(const struct xmpp_client *cl)
{
	if (cl->conn == NULL || cl->conn->fsm.state == XMPP_ST_CLOSED)
		return NULL;
	return cl->conn;
}

unsigned
xmpp_client_attempts(const struct xmpp_client *cl)
{
	return cl->fails;
}

void
xmpp_client_stop(struct xmpp_client *cl, xmpp_client_stopped_cb cb, void *arg)
{
	if (cl->stopping)
		return;
	cl->stopping = true;
	cl->stopped_cb = cb;
	cl->stopped_arg = arg;
	if (cl->conn != NULL)
		xmpp__conn_abort(cl->conn, "client stopping");
	if (cl->started)
		uvx_owner_close(&cl->own, timer_closed);
	else
		check_stopped(cl);
}

void
xmpp_client_free(struct xmpp_client *cl)
{
	if (cl == NULL)
		return;
	if (cl->started && !cl->stopped)
		fatalx("xmpp_client_free: the client has not stopped");
	xmpp__opts_free(&cl->copts);
	free(cl);
}
