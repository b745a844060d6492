/*
 * cn_node.c - one control node on one libuv loop.
 *
 * Owns the config store, the routing instances, the mirror resolutions
 * and the introspect server, and every handle the node opens, through a
 * uvx_owner so that a stop closes them all and reports back only when
 * libuv has let go of the last one.  Each new configuration generation
 * (start, SIGHUP, REST) is resolved into mirrors and applied to the
 * routing instances.  SIGTERM and SIGINT stop the node; SIGHUP reloads
 * the configuration and reopens the log file.  Loop thread only.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct cn_node {
	struct uvx_owner own;            /* first: handles' data points here */
	uv_loop_t *loop;                 /* borrowed */
	struct cn_options opts;          /* copy of the start-up options */
	char *name;                      /* opts.name, owned */
	struct cn_config *config;        /* owned */
	struct ri_mgr *ri;               /* owned */
	struct cn_mirrors mirrors;       /* resolutions of the running config */
	struct intro *intro;             /* owned, made with the node */
	bool serving;                    /* intro started */
	struct cn_proto *protos;         /* attached protocols, owned */
	struct cn_proto *stopping_proto; /* the protocol being stopped */
	const struct schema_bgp_router *self; /* in the running config */
	uv_signal_t sigterm, sigint, sighup;
	uint64_t started_ms;           /* uv_now at start */
	uint32_t asn, router_id;       /* from the running config */
	bool started;                  /* handles are open */
	bool stopping;                 /* cn_node_stop was called */
	cn_node_stopped_cb stopped_cb; /* after the last close */
};

static struct cn_node *
node_of(uv_handle_t *h)
{
	return container_of(uvx_owner_of(h), struct cn_node, own);
}

/*
 * This node's bgp-router: the one --name names, or the only control node
 * of the configuration.
 */
static const struct schema_bgp_router *
find_self(struct cn_node *node, const struct schema_config *cfg)
{
	const struct schema_bgp_router *r, *found = NULL;
	size_t i, n = schema_config_count(cfg, SCHEMA_BGP_ROUTER), ncn = 0;

	if (node->name != NULL) {
		found = (const struct schema_bgp_router *)schema_config_lookup(
		    cfg, SCHEMA_BGP_ROUTER, node->name);
		if (found == NULL)
			log_warnx("no bgp-router named %s in the "
				  "configuration",
			    node->name);
		return found;
	}
	for (i = 0; i < n; i++) {
		r = (const struct schema_bgp_router *)schema_config_at(
		    cfg, SCHEMA_BGP_ROUTER, i);
		if (r->router_type != SCHEMA_ROUTER_CONTROL_NODE)
			continue;
		found = r;
		ncn++;
	}
	if (ncn > 1) {
		log_warnx("%zu control nodes in the configuration: start "
			  "with --name to say which this is",
		    ncn);
		return NULL;
	}
	return found;
}

/* A new running generation: resolve mirrors, apply instances. */
static void
apply_config(const struct schema_config *cfg, void *arg)
{
	struct cn_node *node = arg;
	struct cn_proto *p;

	node->self = find_self(node, cfg);
	node->asn = node->self != NULL ? schema_bgp_router_asn(cfg, node->self)
				       : schema_config_global(cfg)->asn;
	node->router_id =
	    node->self != NULL ? schema_bgp_router_identifier(node->self) : 0;
	cn_mirrors_resolve(&node->mirrors, cfg);
	for (p = node->protos; p != NULL; p = p->next)
		if (p->ops->prepare != NULL)
			p->ops->prepare(p, cfg);
	ri_mgr_apply(node->ri, cfg, &node->mirrors, node->asn, node->router_id);
	for (p = node->protos; p != NULL; p = p->next)
		p->ops->apply(p, cfg);
}

struct cn_node *
cn_node_new(uv_loop_t *loop, const struct cn_options *opts)
{
	struct cn_node *node = xcalloc(1, sizeof(*node));

	node->loop = loop;
	node->opts = *opts;
	if (opts->name != NULL)
		node->name = xstrdup(opts->name);
	node->opts.name = node->name;
	node->opts.config_path = NULL; /* the store keeps its own copy */
	node->config = cn_config_new(opts->config_path);
	node->ri = ri_mgr_new();
	cn_mirrors_init(&node->mirrors);
	cn_config_set_apply(node->config, apply_config, node);
	uvx_owner_init(&node->own);
	node->intro =
	    intro_new(loop, &(struct intro_opts){.addr = opts->http_addr});
	cn_pages_register(node->intro, node);
	cn_rest_register(node->intro, node);
	return node;
}

void
cn_node_add_proto(struct cn_node *node, struct cn_proto *p)
{
	struct cn_proto **pp;

	p->node = node;
	p->next = NULL;
	for (pp = &node->protos; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = p;
}

uv_loop_t *
cn_node_loop(const struct cn_node *node)
{
	return node->loop;
}

const struct cn_options *
cn_node_options(const struct cn_node *node)
{
	return &node->opts;
}

const struct schema_bgp_router *
cn_node_self(const struct cn_node *node)
{
	return node->self;
}

const struct cn_config *
cn_node_config(const struct cn_node *node)
{
	return node->config;
}

struct cn_config *
cn_node_config_store(struct cn_node *node)
{
	return node->config;
}

struct ri_mgr *
cn_node_ri_mgr(const struct cn_node *node)
{
	return node->ri;
}

const struct cn_mirrors *
cn_node_mirrors(const struct cn_node *node)
{
	return &node->mirrors;
}

struct intro *
cn_node_intro(const struct cn_node *node)
{
	return node->intro;
}

uint64_t
cn_node_uptime(const struct cn_node *node)
{
	return (uv_now(node->loop) - node->started_ms) / 1000;
}

uint32_t
cn_node_asn(const struct cn_node *node)
{
	return node->asn;
}

uint32_t
cn_node_router_id(const struct cn_node *node)
{
	return node->router_id;
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

/* Starts serving the introspect pages and the config API. */
static int
start_intro(struct cn_node *node)
{
	char addr[SOCKADDR_STRLEN];
	int rc;

	if ((rc = intro_start(node->intro)) != 0) {
		log_warnx("introspect: cannot listen on %s: %s",
		    sockaddr_print(
			(const struct sockaddr *)&node->opts.http_addr, addr,
			sizeof(addr)),
		    strerror(-rc));
		return rc;
	}
	node->serving = true;
	return 0;
}

int
cn_node_start(struct cn_node *node)
{
	struct schema_errs errs;
	char c[SOCKADDR_STRLEN];
	struct sockaddr_storage http;
	int rc;

	node->started_ms = uv_now(node->loop);
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
	if ((rc = start_intro(node)) != 0)
		return rc;
	/* The port actually bound (the option may say 0). */
	http = node->opts.http_addr;
	((struct sockaddr_in *)&http)->sin_port =
	    htons(intro_port(node->intro));
	log_info("control node running: introspect on http://%s/",
	    sockaddr_print((const struct sockaddr *)&http, c, sizeof(c)));
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

/* The node's own handles go after the server's. */
static void
intro_stopped(struct intro *in, void *arg)
{
	struct cn_node *node = arg;

	(void)in;
	uvx_owner_close(&node->own, node_closed);
}

static void
stop_intro(struct cn_node *node)
{
	if (node->serving) {
		node->serving = false;
		intro_stop(node->intro, intro_stopped, node);
	} else
		uvx_owner_close(&node->own, node_closed);
}

/* Protocols stop one after the other, then the server. */
static void
proto_stopped(struct cn_proto *p)
{
	struct cn_node *node = p->node;
	struct cn_proto *next = p->next;

	node->stopping_proto = next;
	if (next != NULL)
		next->ops->stop(next, proto_stopped);
	else
		stop_intro(node);
}

void
cn_node_stop(struct cn_node *node, cn_node_stopped_cb cb)
{
	if (node->stopping)
		return;
	node->stopping = true;
	node->stopped_cb = cb;
	node->stopping_proto = node->protos;
	if (node->protos != NULL)
		node->protos->ops->stop(node->protos, proto_stopped);
	else
		stop_intro(node);
}

void
cn_node_free(struct cn_node *node)
{
	struct cn_proto *p, *next;

	if (node == NULL)
		return;

	if (node->own.nopen != 0)
		fatalx("%s: %u handles still open", __func__, node->own.nopen);
	for (p = node->protos; p != NULL; p = next) {
		next = p->next;
		p->ops->free(p);
	}
	intro_free(node->intro);
	ri_mgr_free(node->ri);
	cn_mirrors_fini(&node->mirrors);
	cn_config_free(node->config);
	free(node->name);
	free(node);
}
