/*
 * cn_node.c - one control node on one libuv loop.
 *
 * Owns the config store and every handle the node opens (for now the
 * signal handles), through a uvx_owner so that a stop closes them all and
 * reports back only when libuv has let go of the last one.  SIGTERM and
 * SIGINT stop the node; SIGHUP reloads the configuration and reopens the
 * log file.  Only the loop thread touches any of this.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct cn_node {
	struct uvx_owner own;     /* first: handles' data points here */
	uv_loop_t *loop;          /* borrowed */
	struct cn_options opts;   /* copy of the start-up options */
	struct cn_config *config; /* owned */
	uv_signal_t sigterm, sigint, sighup;
	bool started;                  /* handles are open */
	bool stopping;                 /* cn_node_stop was called */
	cn_node_stopped_cb stopped_cb; /* after the last close */
};

static struct cn_node *
node_of(uv_handle_t *h)
{
	return container_of(uvx_owner_of(h), struct cn_node, own);
}

struct cn_node *
cn_node_new(uv_loop_t *loop, const struct cn_options *opts)
{
	struct cn_node *node = xcalloc(1, sizeof(*node));

	node->loop = loop;
	node->opts = *opts;
	node->config = cn_config_new(opts->config_path);
	uvx_owner_init(&node->own);
	return node;
}

const struct cn_config *
cn_node_config(const struct cn_node *node)
{
	return node->config;
}

int
cn_node_reload(struct cn_node *node)
{
	struct schema_errs errs;

	return cn_config_load(node->config, &errs);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct cn_node *node = node_of((uv_handle_t *)h);

	switch (signum) {
	case SIGHUP:
		log_info(
		    "SIGHUP: reloading %s", cn_config_source(node->config));
		if (log_reopen() != 0)
			log_warnx("SIGHUP: cannot reopen the log file");
		cn_node_reload(node);
		break;
	case SIGTERM:
	case SIGINT:
		log_info(
		    "%s: stopping", signum == SIGTERM ? "SIGTERM" : "SIGINT");
		cn_node_stop(node, NULL);
		break;
	}
}

static int
start_signal(struct cn_node *node, uv_signal_t *h, int signum)
{
	int rc;

	if ((rc = uv_signal_init(node->loop, h)) != 0)
		return rc;
	uvx_own(&node->own, (uv_handle_t *)h);
	return uv_signal_start(h, on_signal, signum);
}

int
cn_node_start(struct cn_node *node)
{
	struct schema_errs errs;
	char buf[SOCKADDR_STRLEN * 3 + 64];
	char a[SOCKADDR_STRLEN], b[SOCKADDR_STRLEN], c[SOCKADDR_STRLEN];
	const struct sockaddr *x, *g, *h;
	int rc;

	if (cn_config_load(node->config, &errs) != 0) {
		log_warnx("config: %s has %zu error%s; not starting",
		    cn_config_source(node->config), errs.total,
		    errs.total == 1 ? "" : "s");
		return -EINVAL;
	}
	node->started = true;
	if ((rc = start_signal(node, &node->sigterm, SIGTERM)) != 0 ||
	    (rc = start_signal(node, &node->sigint, SIGINT)) != 0 ||
	    (rc = start_signal(node, &node->sighup, SIGHUP)) != 0) {
		log_warnx(
		    "cannot install signal handlers: %s", uv_strerror(rc));
		return rc;
	}
	x = (const struct sockaddr *)&node->opts.xmpp_addr;
	g = (const struct sockaddr *)&node->opts.bgp_addr;
	h = (const struct sockaddr *)&node->opts.http_addr;
	snprintf(buf, sizeof(buf), "configured xmpp %s, bgp %s, http %s",
	    sockaddr_print(x, a, sizeof(a)), sockaddr_print(g, b, sizeof(b)),
	    sockaddr_print(h, c, sizeof(c)));
	log_info("control node running; nothing is served yet (%s)", buf);
	return 0;
}

static void
node_closed(struct uvx_owner *own)
{
	struct cn_node *node = container_of(own, struct cn_node, own);

	node->started = false;
	log_debug("control node stopped: all handles closed");
	if (node->stopped_cb != NULL)
		node->stopped_cb(node);
}

void
cn_node_stop(struct cn_node *node, cn_node_stopped_cb cb)
{
	if (node->stopping)
		return;
	node->stopping = true;
	node->stopped_cb = cb;
	uvx_owner_close(&node->own, node_closed);
}

void
cn_node_free(struct cn_node *node)
{
	if (node == NULL)
		return;
	if (node->own.nopen != 0)
		fatalx("%s: %u handles still open", __func__, node->own.nopen);
	cn_config_free(node->config);
	free(node);
}
