/*
 * mock_agent.c - the vRouter agent emulator of mock_agent.h: libxmpp's
 * client plus the agent->CN IQ builders; what the control node sends is
 * parsed with the item codec and kept in a hash of routes by items node
 * and id, and in a list of config objects.
 */
#include "tests/xmpp/mock_agent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mroute {
	struct ht_node node;
	struct mock_route r;
};

struct mcfg {
	char *key;
	char *text;
};

struct mock_agent {
	uv_loop_t *loop;
	struct mock_agent_opts opts;
	char name[XMPP_NAME_MAX];
	char to_bgp[XMPP_NAME_MAX], to_cfg[XMPP_NAME_MAX];
	struct xmpp_client *cl;
	struct xmpp_conn *conn; /* Established session, or NULL */
	void (*stopped)(void *);
	void *stopped_arg;
	struct ht routes;
	size_t nroutes;
	struct mcfg *cfg;
	size_t ncfg;
	bool eoc;
	bool eor;
	unsigned closes;
	char reason[160];
	uint64_t items, retracts, bad, last_item_ms;
	struct wbuf w;
	struct xmpp_item item; /* scratch */
};

static uint64_t
route_hash(const char *node, const char *id)
{
	struct ht_hasher h;

	ht_hasher_init(&h);
	ht_hasher_add(&h, node, strlen(node) + 1);
	ht_hasher_add(&h, id, strlen(id));
	return ht_hasher_final(&h);
}

struct rkey {
	const char *node, *id;
};

static bool
route_eq(const struct ht_node *n, const void *key)
{
	const struct mroute *m = container_of(n, struct mroute, node);
	const struct rkey *k = key;

	return strcmp(m->r.node, k->node) == 0 && strcmp(m->r.id, k->id) == 0;
}

static struct mroute *
route_find(const struct mock_agent *ma, const char *node, const char *id)
{
	struct rkey k = {node, id};
	struct ht_node *n =
	    ht_lookup(&ma->routes, route_hash(node, id), &k, route_eq);

	return n != NULL ? container_of(n, struct mroute, node) : NULL;
}

static void
route_set(struct mock_agent *ma, const char *node, const char *id,
    const struct xmpp_item *it)
{
	struct mroute *m = route_find(ma, node, id);
	size_t i;

	if (m == NULL) {
		m = xcalloc(1, sizeof(*m));
		str_lcpy(m->r.node, node, sizeof(m->r.node));
		str_lcpy(m->r.id, id, sizeof(m->r.id));
		ht_insert(&ma->routes, &m->node, route_hash(node, id));
		ma->nroutes++;
	}
	m->r.nnh = 0;
	for (i = 0; i < it->nnh && i < MOCK_MAX_NH; i++) {
		m->r.nh[i].addr = it->nh[i].addr;
		m->r.nh[i].label = it->nh[i].label;
		m->r.nh[i].encaps = it->nh[i].encaps;
		m->r.nnh++;
	}
	str_lcpy(m->r.vn, it->vn, sizeof(m->r.vn));
	m->r.local_pref = it->local_pref;
	m->r.med = it->med;
}

static void
route_del(struct mock_agent *ma, const char *node, const char *id)
{
	struct mroute *m = route_find(ma, node, id);

	if (m == NULL)
		return;
	ht_remove(&ma->routes, &m->node);
	ma->nroutes--;
	free(m);
}

/*
 * Without keep_routes (the scale tool) a route is only its hash: 64
 * bits of keyed hash over node and id tell routes apart well enough to
 * count them, at 16 bytes each.
 */
static bool
hash_eq(const struct ht_node *n, const void *key)
{
	return n->hash == *(const uint64_t *)key;
}

static void
count_set(struct mock_agent *ma, const char *node, const char *id, bool on)
{
	uint64_t h = route_hash(node, id);
	struct ht_node *n = ht_lookup(&ma->routes, h, &h, hash_eq);

	if (on && n == NULL) {
		n = xcalloc(1, sizeof(*n));
		ht_insert(&ma->routes, n, h);
		ma->nroutes++;
	} else if (!on && n != NULL) {
		ht_remove(&ma->routes, n);
		ma->nroutes--;
		free(n);
	}
}

static void
routes_clear(struct mock_agent *ma)
{
	struct ht_iter it;
	struct ht_node *n;

	for (n = ht_first(&ma->routes, &it); n != NULL; n = ht_next(&it)) {
		ht_remove(&ma->routes, n);
		if (ma->opts.keep_routes)
			free(container_of(n, struct mroute, node));
		else
			free(n);
	}
	ma->nroutes = 0;
}

/* <message><event><items node=..>: items or retracts, never both. */
static void
on_message(struct mock_agent *ma, const struct xmpp_node *st)
{
	const struct xmpp_node *items = xmpp_node_find(st, "items"), *c;
	enum xmpp_item_family fam;
	char vrf[320], err[128], id[160];
	const char *node, *cid;
	size_t ni = 0, nr = 0;

	if (items == NULL || (node = xmpp_node_attr(items, "node")) == NULL) {
		ma->bad++;
		return;
	}
	if (strcmp(node, XMPP_EOR_NODE) == 0) {
		ma->eor = true;
		return;
	}
	if (xmpp_items_node_parse(node, &fam, vrf, sizeof(vrf)) != 0) {
		ma->bad++;
		return;
	}
	for (c = items->child; c != NULL; c = c->next) {
		cid = xmpp_node_attr(c, "id");
		if (xmpp_node_is(c, "retract") && cid != NULL) {
			nr++;
			ma->retracts++;
			if (ma->opts.keep_routes)
				route_del(ma, node, cid);
			else
				count_set(ma, node, cid, false);
		} else if (xmpp_node_is(c, "item") && cid != NULL) {
			ni++;
			ma->items++;
			ma->last_item_ms = uv_now(ma->loop);
			if (xmpp_item_parse(
				c, fam, &ma->item, err, sizeof(err)) != 0) {
				fprintf(stderr, "mock %s: bad item %s: %s\n",
				    ma->name, cid, err);
				ma->bad++;
				continue;
			}
			/* The id must be the one the item's key makes. */
			xmpp_item_id(&ma->item, id, sizeof(id));
			if (strcmp(id, cid) != 0) {
				fprintf(stderr, "mock %s: id %s for %s\n",
				    ma->name, cid, id);
				ma->bad++;
			}
			if (ma->opts.keep_routes)
				route_set(ma, node, cid, &ma->item);
			else
				count_set(ma, node, cid, true);
		} else
			ma->bad++;
	}
	if ((ni > 0 && nr > 0) || ni > XMPP_MAX_REACH || nr > XMPP_MAX_UNREACH)
		ma->bad++;
}

static void
cfg_set(struct mock_agent *ma, const char *key, const char *text)
{
	size_t i;

	for (i = 0; i < ma->ncfg; i++)
		if (strcmp(ma->cfg[i].key, key) == 0)
			break;
	if (i == ma->ncfg) {
		ma->cfg =
		    xreallocarray(ma->cfg, ma->ncfg + 1, sizeof(*ma->cfg));
		ma->cfg[ma->ncfg].key = xstrdup(key);
		ma->cfg[ma->ncfg++].text = NULL;
	}
	free(ma->cfg[i].text);
	ma->cfg[i].text = xstrdup(text);
}

static void
cfg_del(struct mock_agent *ma, const char *key)
{
	size_t i;

	for (i = 0; i < ma->ncfg; i++)
		if (strcmp(ma->cfg[i].key, key) == 0) {
			free(ma->cfg[i].key);
			free(ma->cfg[i].text);
			ma->cfg[i] = ma->cfg[--ma->ncfg];
			return;
		}
}

static void
on_config(struct mock_agent *ma, const struct xmpp_node *st)
{
	const struct xmpp_node *cfg = xmpp_node_child(st, "config"), *op, *o;
	char key[600];
	const char *name;
	struct wbuf w;

	if (cfg == NULL)
		return;
	for (op = cfg->child; op != NULL; op = op->next) {
		if (xmpp_node_is(op, "end-of-config")) {
			ma->eoc = true;
			continue;
		}
		for (o = op->child; o != NULL; o = o->next) {
			name = xmpp_node_attr(o, "name");
			snprintf(key, sizeof(key), "%s/%s", xmpp_node_local(o),
			    name != NULL ? name
					 : "default-global-system-config");
			if (xmpp_node_is(op, "delete")) {
				cfg_del(ma, key);
				continue;
			}
			wbuf_init_dyn(&w, 1u << 20);
			xmpp_node_print(o, &w, false);
			wbuf_put_u8(&w, 0);
			cfg_set(ma, key, (const char *)w.data);
			wbuf_fini(&w);
		}
	}
}

static void
op_stanza(struct xmpp_conn *c, const struct xmpp_node *st, void *arg)
{
	struct mock_agent *ma = arg;

	(void)c;
	if (xmpp_node_is(st, "message"))
		on_message(ma, st);
	else if (xmpp_node_is(st, "iq"))
		on_config(ma, st);
}

static void
op_established(struct xmpp_conn *c, void *arg)
{
	struct mock_agent *ma = arg;

	ma->conn = c;
	ma->eor = false;
}

static void
op_closed(struct xmpp_conn *c, const char *reason, void *arg)
{
	struct mock_agent *ma = arg;

	(void)c;
	ma->conn = NULL;
	ma->closes++;
	str_lcpy(ma->reason, reason != NULL ? reason : "", sizeof(ma->reason));
}

static const struct xmpp_conn_ops mock_ops = {
    .established = op_established,
    .stanza = op_stanza,
    .closed = op_closed,
};

struct mock_agent *
mock_agent_new(uv_loop_t *loop, const struct mock_agent_opts *opts)
{
	struct mock_agent *ma = xcalloc(1, sizeof(*ma));
	struct xmpp_client_opts co;
	struct ipaddr ip;

	ma->loop = loop;
	ma->opts = *opts;
	str_lcpy(ma->name, opts->name, sizeof(ma->name));
	ma->opts.name = ma->name;
	snprintf(ma->to_bgp, sizeof(ma->to_bgp), "%s/%s", XMPP_CONTROL_JID,
	    XMPP_RES_BGP);
	snprintf(ma->to_cfg, sizeof(ma->to_cfg), "%s/%s", XMPP_CONTROL_JID,
	    XMPP_RES_CONFIG);
	ht_init(&ma->routes, 64);
	wbuf_init_dyn(&ma->w, 1u << 20);
	memset(&co, 0, sizeof(co));
	co.server = opts->server;
	if (opts->local_ip != NULL && ipaddr_parse(opts->local_ip, &ip) == 0)
		sockaddr_from_ipaddr(&co.local, &ip, 0);
	co.conn.name = ma->name;
	co.conn.to = XMPP_CONTROL_JID;
	co.conn.xmlns = "";
	co.conn.tls = opts->tls;
	co.conn.hold_time = opts->hold_time;
	co.backoff_ms = 100;
	ma->cl = xmpp_client_new(loop, &co, &mock_ops, ma);
	return ma;
}

int
mock_agent_start(struct mock_agent *ma)
{
	return xmpp_client_start(ma->cl);
}

static void
client_stopped(struct xmpp_client *cl, void *arg)
{
	struct mock_agent *ma = arg;

	(void)cl;
	if (ma->stopped != NULL)
		ma->stopped(ma->stopped_arg);
}

void
mock_agent_stop(struct mock_agent *ma, void (*cb)(void *), void *arg)
{
	ma->stopped = cb;
	ma->stopped_arg = arg;
	xmpp_client_stop(ma->cl, client_stopped, ma);
}

void
mock_agent_free(struct mock_agent *ma)
{
	size_t i;

	if (ma == NULL)
		return;
	xmpp_client_free(ma->cl);
	routes_clear(ma);
	ht_fini(&ma->routes);
	for (i = 0; i < ma->ncfg; i++) {
		free(ma->cfg[i].key);
		free(ma->cfg[i].text);
	}
	free(ma->cfg);
	wbuf_fini(&ma->w);
	free(ma);
}

bool
mock_agent_established(const struct mock_agent *ma)
{
	return ma->conn != NULL;
}

unsigned
mock_agent_closes(const struct mock_agent *ma)
{
	return ma->closes;
}

const char *
mock_agent_close_reason(const struct mock_agent *ma)
{
	return ma->reason;
}

static int
send_w(struct mock_agent *ma)
{
	int rc;

	if (ma->conn == NULL)
		rc = -ENOTCONN;
	else
		rc = xmpp_conn_send(ma->conn, ma->w.data, ma->w.len);
	wbuf_reset(&ma->w);
	return rc;
}

int
mock_agent_send_raw(struct mock_agent *ma, const char *bytes, size_t len)
{
	if (ma->conn == NULL)
		return -ENOTCONN;
	return xmpp_conn_send(ma->conn, bytes, len);
}

int
mock_agent_subscribe(struct mock_agent *ma, const char *instance,
    uint32_t instance_id, bool options_beside)
{
	xmpp_iq_subscribe(&ma->w, ma->name, ma->to_bgp, instance, instance_id,
	    false, options_beside);
	return send_w(ma);
}

int
mock_agent_unsubscribe(struct mock_agent *ma, const char *instance)
{
	xmpp_iq_subscribe(
	    &ma->w, ma->name, ma->to_bgp, instance, 0, true, false);
	return send_w(ma);
}

static void
nh_fill(
    struct xmpp_nexthop *nh, const char *addr, uint32_t label, uint8_t encaps)
{
	memset(nh, 0, sizeof(*nh));
	ipaddr_parse(addr, &nh->addr);
	nh->label = label;
	nh->encaps = encaps;
}

int
mock_agent_render_inet(struct mock_agent *ma, struct wbuf *out, const char *vrf,
    const char *prefix, const char *nh, uint32_t label, bool add)
{
	struct xmpp_item *it = &ma->item;

	memset(it, 0, sizeof(*it));
	if (prefix_parse(prefix, &it->prefix, false) != 0)
		return -EINVAL;
	it->family =
	    it->prefix.addr.af == AF_INET6 ? XMPP_ITEM_INET6 : XMPP_ITEM_INET;
	it->afi = it->family == XMPP_ITEM_INET6 ? XMPP_AFI_IP6 : XMPP_AFI_IP;
	it->safi = XMPP_SAFI_UNICAST;
	it->version = 1;
	it->local_pref = 100;
	it->nnh = 1;
	nh_fill(&it->nh[0], nh, label, XMPP_ENCAP_GRE | XMPP_ENCAP_UDP);
	return xmpp_iq_publish(out, ma->name, ma->to_bgp, vrf, it, add);
}

int
mock_agent_publish_inet(struct mock_agent *ma, const char *vrf,
    const char *prefix, const char *nh, uint32_t label, bool add)
{
	int rc;

	if ((rc = mock_agent_render_inet(
		 ma, &ma->w, vrf, prefix, nh, label, add)) != 0) {
		wbuf_reset(&ma->w);
		return rc;
	}
	return send_w(ma);
}

int
mock_agent_publish_enet(struct mock_agent *ma, const char *vrf, const char *mac,
    const char *ip_plen, const char *nh, uint32_t label, bool vxlan, bool add)
{
	struct xmpp_item *it = &ma->item;

	memset(it, 0, sizeof(*it));
	if (macaddr_parse(mac, &it->mac) != 0 ||
	    prefix_parse(ip_plen, &it->prefix, false) != 0)
		return -EINVAL;
	it->family = XMPP_ITEM_ENET;
	it->afi = XMPP_AFI_L2VPN;
	it->safi = XMPP_SAFI_ENET;
	it->local_pref = 100;
	it->nnh = 1;
	nh_fill(&it->nh[0], nh, label,
	    vxlan ? XMPP_ENCAP_VXLAN : XMPP_ENCAP_GRE | XMPP_ENCAP_UDP);
	xmpp_iq_publish(&ma->w, ma->name, ma->to_bgp, vrf, it, add);
	return send_w(ma);
}

int
mock_agent_eor(struct mock_agent *ma)
{
	xmpp_iq_eor(&ma->w, ma->name, ma->to_bgp);
	return send_w(ma);
}

int
mock_agent_config_subscribe(struct mock_agent *ma, const char *vrouter)
{
	wbuf_printf(&ma->w,
	    "<iq type=\"set\" from=\"%s\" to=\"%s\" id=\"cfg1\">"
	    "<pubsub xmlns=\"" XMPP_PUBSUB_NS "\">"
	    "<subscribe node=\"virtual-router:" SCHEMA_GLOBAL_NAME
	    ":%s\"/></pubsub></iq>",
	    ma->name, ma->to_cfg, vrouter);
	return send_w(ma);
}

size_t
mock_agent_route_count(const struct mock_agent *ma, const char *node)
{
	struct ht_iter it;
	struct ht_node *n;
	size_t c = 0;

	if (!ma->opts.keep_routes)
		return 0;
	for (n = ht_first(&ma->routes, &it); n != NULL; n = ht_next(&it))
		if (strcmp(container_of(n, struct mroute, node)->r.node,
			node) == 0)
			c++;
	return c;
}

size_t
mock_agent_total_routes(const struct mock_agent *ma)
{
	return ma->nroutes;
}

const struct mock_route *
mock_agent_route(const struct mock_agent *ma, const char *node, const char *id)
{
	struct mroute *m =
	    ma->opts.keep_routes ? route_find(ma, node, id) : NULL;

	return m != NULL ? &m->r : NULL;
}

bool
mock_agent_eor_received(const struct mock_agent *ma)
{
	return ma->eor;
}

uint64_t
mock_agent_items(const struct mock_agent *ma)
{
	return ma->items;
}

uint64_t
mock_agent_retracts(const struct mock_agent *ma)
{
	return ma->retracts;
}

uint64_t
mock_agent_bad_messages(const struct mock_agent *ma)
{
	return ma->bad;
}

size_t
mock_agent_config_count(const struct mock_agent *ma)
{
	return ma->ncfg;
}

bool
mock_agent_config_has(const struct mock_agent *ma, const char *key)
{
	return mock_agent_config_text(ma, key) != NULL;
}

const char *
mock_agent_config_text(const struct mock_agent *ma, const char *key)
{
	size_t i;

	for (i = 0; i < ma->ncfg; i++)
		if (strcmp(ma->cfg[i].key, key) == 0)
			return ma->cfg[i].text;
	return NULL;
}

bool
mock_agent_end_of_config(const struct mock_agent *ma)
{
	return ma->eoc;
}

uint64_t
mock_agent_last_item_ms(const struct mock_agent *ma)
{
	return ma->last_item_ms;
}
