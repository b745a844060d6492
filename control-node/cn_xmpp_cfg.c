/*
 * cn_xmpp_cfg.c - the config channel: an agent subscribing
 * virtual-router:<name> on /config gets what its router reaches (router,
 * interfaces, networks and instances, policies, mirror and tap
 * resolutions, tap flows and services, and the host tap services on it
 * with every flow to them) as IQs of at most 16 objects in
 * Mirador's config XML (plus <routing-instance> and <mirror-resolution>),
 * then updates and deletes as the config changes, and <end-of-config/>
 * once after the first set (Contrail's agent has only a timer for that).
 * Loop thread only.
 */
#include "control-node/cn_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VR_PREFIX SCHEMA_GLOBAL_NAME ":"

/* One object of the set an agent should have: its key and XML. */
struct cfg_item {
	const char *key; /* "<type>/<name>" */
	const char *text;
	size_t len;
	uint64_t hash;
};
struct cfg_set {
	struct arena a;
	struct cfg_item *v;
	size_t n, cap;
	struct wbuf w; /* scratch for printing */
	const struct schema_config *cfg;
	const struct cn_mirrors *mirrors;
	struct ri_mgr *ri;
};

static bool
set_has(const struct cfg_set *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0)
			return true;
	return false;
}

/* Adds the text in s->w under key (once). */
static void
set_add(struct cfg_set *s, const char *key)
{
	struct cfg_item *it;

	if (set_has(s, key)) {
		wbuf_reset(&s->w);
		return;
	}
	if (s->n == s->cap) {
		s->cap = MAX(32, s->cap * 2);
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	it = &s->v[s->n++];
	it->key = arena_strdup(&s->a, key);
	it->len = s->w.len;
	it->text = arena_strndup(&s->a, (const char *)s->w.data, s->w.len);
	it->hash = ht_hash(s->w.data, s->w.len);
	wbuf_reset(&s->w);
}

static void
add_obj(struct cfg_set *s, const struct schema_obj *o)
{
	char key[SCHEMA_RI_NAME_MAX + 64];

	if (o == NULL)
		return;
	snprintf(key, sizeof(key), "%s/%s", schema_type_name(o->type), o->name);
	if (set_has(s, key))
		return;
	schema_obj_print(o, &s->w, 2);
	set_add(s, key);
}

static const struct schema_obj *
lookup(const struct cfg_set *s, enum schema_type t, const char *name)
{
	return name != NULL ? schema_config_lookup(s->cfg, t, name) : NULL;
}

static void
add_attr(struct wbuf *w, const char *name, const char *value)
{
	if (value == NULL)
		return;
	wbuf_printf(w, " %s=\"", name);
	xmpp_escape(w, value);
	wbuf_put_str(w, "\"");
}

/* A network's routing instance, as the node has it. */
static void
add_ri(struct cfg_set *s, const struct schema_vn *vn)
{
	char name[SCHEMA_RI_NAME_MAX], key[SCHEMA_RI_NAME_MAX + 32];
	const struct ri *ri;

	if (vn == NULL)
		return;
	schema_vn_ri_name(vn, name, sizeof(name));
	snprintf(key, sizeof(key), "routing-instance/%s", name);
	if (set_has(s, key) || (ri = ri_mgr_lookup(s->ri, name)) == NULL)
		return;
	wbuf_put_str(&s->w, "\t\t<routing-instance");
	add_attr(&s->w, "name", name);
	add_attr(&s->w, "virtual-network", ri_vn(ri));
	wbuf_printf(&s->w,
	    " index=\"%" PRIu32 "\" vn-index=\"%" PRIu32
	    "\" vxlan-id=\"%" PRIu32 "\" mirror-destination=\"%s\"/>\n",
	    ri_index(ri), ri_vn_index(ri), ri_vxlan_id(ri),
	    ri_mirror_destination(ri) ? "true" : "false");
	set_add(s, key);
}

static void
add_vn(struct cfg_set *s, const char *name)
{
	const struct schema_vn *vn =
	    (const struct schema_vn *)lookup(s, SCHEMA_VIRTUAL_NETWORK, name);
	size_t i;

	if (vn == NULL)
		return;
	add_obj(s, &vn->obj);
	add_ri(s, vn);
	for (i = 0; i < vn->npolicies; i++)
		add_obj(
		    s, lookup(s, SCHEMA_NETWORK_POLICY, vn->policies[i].name));
}

/* A resolution, and what it points at that the agent needs too. */
static void
add_mirror(struct cfg_set *s, enum cn_mirror_kind kind, const char *name)
{
	const struct cn_mirror *m = cn_mirrors_find(s->mirrors, kind, name);
	const struct schema_mirror_mode *md;
	char key[SCHEMA_RI_NAME_MAX + 64], buf[IPADDR_STRLEN];
	const struct ri *ri;

	if (m == NULL)
		return;
	snprintf(key, sizeof(key), "mirror-resolution/%s:%s",
	    cn_mirror_kind_name(kind), name);
	if (set_has(s, key))
		return;
	md = &m->mode;
	wbuf_put_str(&s->w, "\t\t<mirror-resolution");
	/* name is unique among resolutions: <kind>:<object> (the key). */
	add_attr(&s->w, "name", key + strlen("mirror-resolution/"));
	add_attr(&s->w, "kind", cn_mirror_kind_name(kind));
	add_attr(&s->w, "object", name);
	add_attr(&s->w, "resolved", m->resolved ? "true" : "false");
	add_attr(&s->w, "reason", m->reason);
	add_attr(&s->w, "via", m->via);
	add_attr(&s->w, "analyzer", m->analyzer);
	if (m->has_ip)
		add_attr(&s->w, "ip", ipaddr_print(&m->ip, buf, sizeof(buf)));
	if (m->has_mac)
		add_attr(
		    &s->w, "mac", macaddr_print(&m->mac, buf, sizeof(buf)));
	add_attr(&s->w, "routing-instance", m->ri);
	add_attr(&s->w, "virtual-network", m->vn);
	add_attr(&s->w, "vrouter", m->vrouter);
	add_attr(
	    &s->w, "juniper-header", md->juniper_header ? "true" : "false");
	wbuf_printf(&s->w, " udp-port=\"%u\"", md->udp_port);
	add_attr(&s->w, "nh-mode",
	    md->nh_mode == SCHEMA_NH_STATIC ? "static" : "dynamic");
	if (md->has_static_nh) {
		add_attr(&s->w, "vtep-ip",
		    ipaddr_print(&md->static_nh.vtep_ip, buf, sizeof(buf)));
		if (md->static_nh.has_vtep_mac)
			add_attr(&s->w, "vtep-mac",
			    macaddr_print(
				&md->static_nh.vtep_mac, buf, sizeof(buf)));
		wbuf_printf(&s->w, " vni=\"%" PRIu32 "\"", md->static_nh.vni);
	}
	if (md->nic_assisted)
		wbuf_printf(
		    &s->w, " nic-assisted-vlan=\"%u\"", md->nic_assisted_vlan);
	add_attr(&s->w, "enabled", m->enabled ? "true" : "false");
	wbuf_put_str(&s->w, "/>\n");
	set_add(s, key);
	add_vn(s, m->vn);
	/* An analyzer given by instance only: that instance's network. */
	if (m->vn == NULL && m->ri != NULL &&
	    (ri = ri_mgr_lookup(s->ri, m->ri)) != NULL && ri_vn(ri)[0] != '\0')
		add_vn(s, ri_vn(ri));
	add_obj(s, lookup(s, SCHEMA_MIRROR_DESTINATION, m->via));
}

static void
add_rule_vns(struct cfg_set *s, const struct schema_addr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].kind == SCHEMA_ADDR_VN && a[i].vn.name != NULL)
			add_obj(
			    s, lookup(s, SCHEMA_VIRTUAL_NETWORK, a[i].vn.name));
}

static void
add_policy(struct cfg_set *s, const char *name)
{
	const struct schema_policy *p = (const struct schema_policy *)lookup(
	    s, SCHEMA_NETWORK_POLICY, name);
	char rule[SCHEMA_RI_NAME_MAX + 16];
	size_t i;

	if (p == NULL)
		return;
	add_obj(s, &p->obj);
	if (p->has_mirror)
		add_mirror(s, CN_MIRROR_POLICY, p->obj.name);
	/* the networks its rules name: the agent matches their subnets */
	for (i = 0; i < p->nrules; i++) {
		add_rule_vns(s, p->rules[i].src, p->rules[i].nsrc);
		add_rule_vns(s, p->rules[i].dst, p->rules[i].ndst);
	}
	for (i = 0; i < p->nrules; i++) {
		if (!p->rules[i].has_mirror)
			continue;
		snprintf(rule, sizeof(rule), "%s#%zu", p->obj.name, i + 1);
		add_mirror(s, CN_MIRROR_RULE, rule);
	}
}

static bool
vmi_on(const struct schema_vmi *vmi, const char *vr)
{
	return vmi->vrouter.name != NULL && strcmp(vmi->vrouter.name, vr) == 0;
}

/* A host tap service whose NIC is on virtual-router vr. */
static bool
host_on(const struct schema_tap_service *ts, const char *vr)
{
	return ts->type == SCHEMA_TAP_HOST && ts->target.name != NULL &&
	    strcmp(ts->target.name, vr) == 0;
}

/* Everything reachable from virtual-router vr (see the top comment). */
static void
set_build(struct cfg_set *s, const char *vr)
{
	const struct schema_config *cfg = s->cfg;
	const struct schema_vmi *vmi;
	const struct schema_tap_flow *tf;
	const struct schema_tap_service *ts;
	const struct schema_vn *vn;
	const struct schema_obj *o;
	size_t i, j, n, first_policy;

	add_obj(s, lookup(s, SCHEMA_GLOBAL_SYSTEM_CONFIG, SCHEMA_GLOBAL_NAME));
	add_obj(s, lookup(s, SCHEMA_VIRTUAL_ROUTER, vr));
	n = schema_config_count(cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE);
	for (i = 0; i < n; i++) {
		vmi = (const struct schema_vmi *)schema_config_at(
		    cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		if (!vmi_on(vmi, vr))
			continue;
		add_obj(s, &vmi->obj);
		add_vn(s, vmi->vn.name);
		for (j = 0; j < vmi->npolicies; j++)
			add_policy(s, vmi->policies[j].name);
		if (vmi->has_mirror)
			add_mirror(s, CN_MIRROR_INTERFACE, vmi->obj.name);
	}
	/* The networks' policies were added as objects by add_vn; their
	 * mirrors too. */
	first_policy = s->n;
	for (i = 0; i < first_policy; i++)
		if (strncmp(s->v[i].key, "network-policy/", 15) == 0)
			add_policy(s, s->v[i].key + 15);
	/* Host tap services on this router (it gives the NIC a port). */
	n = schema_config_count(cfg, SCHEMA_TAP_SERVICE);
	for (i = 0; i < n; i++) {
		ts = (const struct schema_tap_service *)schema_config_at(
		    cfg, SCHEMA_TAP_SERVICE, i);
		if (!host_on(ts, vr))
			continue;
		add_obj(s, &ts->obj);
		add_mirror(s, CN_MIRROR_TAP_SERVICE, ts->obj.name);
	}
	/* Tap flows from its interfaces or its vswitch, or to a host
	 * service on it (it receives their GRE), and their services. */
	n = schema_config_count(cfg, SCHEMA_TAP_FLOW);
	for (i = 0; i < n; i++) {
		tf = (const struct schema_tap_flow *)schema_config_at(
		    cfg, SCHEMA_TAP_FLOW, i);
		ts = (const struct schema_tap_service *)lookup(
		    s, SCHEMA_TAP_SERVICE, tf->tap_service.name);
		if (ts != NULL && host_on(ts, vr)) {
			/* the service is in the set already */
		} else if (tf->type == SCHEMA_FLOW_VNIC) {
			o = lookup(s, SCHEMA_VIRTUAL_MACHINE_INTERFACE,
			    tf->interface.name);
			if (o == NULL ||
			    !vmi_on((const struct schema_vmi *)o, vr))
				continue;
		} else if (tf->vrouter.name != NULL &&
		    strcmp(tf->vrouter.name, vr) != 0)
			continue;
		add_obj(s, &tf->obj);
		if (tf->type == SCHEMA_FLOW_VSWITCH) {
			vn = (const struct schema_vn *)lookup(
			    s, SCHEMA_VIRTUAL_NETWORK, tf->vn.name);
			if (vn != NULL)
				add_vn(s, vn->obj.name);
		}
		add_obj(s, lookup(s, SCHEMA_TAP_SERVICE, tf->tap_service.name));
		add_mirror(s, CN_MIRROR_TAP_SERVICE, tf->tap_service.name);
	}
}

static int
item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cfg_item *)a)->key,
	    ((const struct cfg_item *)b)->key);
}

/* Writes the head or the tail of a config IQ. */
static void
iq_open(struct cx_agent *ag, struct wbuf *w, const char *what)
{
	wbuf_printf(w, "<iq type=\"set\" from=\"%s\" to=\"", XMPP_CONTROL_JID);
	xmpp_escape(w, ag->name);
	wbuf_printf(w, "/%s\" id=\"config%" PRIu64 "\">\n<config>\n<%s>\n",
	    XMPP_RES_CONFIG, ++ag->cx->cfg_seq, what);
	ag->cfg->msgs++;
}

static void
iq_close(struct wbuf *w, const char *what)
{
	wbuf_printf(w, "</%s>\n</config>\n</iq>\n", what);
}

/* The element of a delete: <type name="name"/>. */
static void
put_delete(struct wbuf *w, const char *key)
{
	const char *slash = strchr(key, '/');

	wbuf_printf(w, "\t\t<%.*s name=\"", (int)(slash - key), key);
	xmpp_escape(w, slash + 1);
	wbuf_put_str(w, "\"/>\n");
}

void
cx__cfg_update(struct cx_agent *ag)
{
	struct cx *cx = ag->cx;
	struct cx_cfg *c = ag->cfg;
	struct wbuf *w = &cx->cfgbuf;
	struct cfg_set s;
	struct cx_cfg_obj *next;
	size_t i, j, nu = 0, nd = 0, nnext = 0;

	if (c == NULL || cx->cfg == NULL || ag->conn == NULL)
		return;
	memset(&s, 0, sizeof(s));
	arena_init(&s.a, 16384);
	wbuf_init_dyn(&s.w, 1u << 20);
	s.cfg = cx->cfg;
	s.mirrors = cn_node_mirrors(cx->node);
	s.ri = cn_node_ri_mgr(cx->node);
	set_build(&s, c->vrouter);
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), item_cmp);
	wbuf_reset(w);
	next = xreallocarray(NULL, s.n + 1, sizeof(*next));
	/* Updates: new objects and changed ones, 16 to an IQ. */
	for (i = j = 0; i < s.n; i++) {
		while (j < c->nsent && strcmp(c->sent[j].key, s.v[i].key) < 0)
			j++;
		next[nnext].key = xstrdup(s.v[i].key);
		next[nnext++].hash = s.v[i].hash;
		if (j < c->nsent && strcmp(c->sent[j].key, s.v[i].key) == 0 &&
		    c->sent[j].hash == s.v[i].hash)
			continue;
		if (nu % CX_CFG_PER_MSG == 0) {
			if (nu > 0)
				iq_close(w, "update");
			iq_open(ag, w, "update");
		}
		wbuf_put_bytes(w, s.v[i].text, s.v[i].len);
		nu++;
	}
	if (nu > 0)
		iq_close(w, "update");
	/* Deletes: what it has that is not in the set any more. */
	for (i = j = 0; i < c->nsent; i++) {
		while (j < s.n && strcmp(s.v[j].key, c->sent[i].key) < 0)
			j++;
		if (j < s.n && strcmp(s.v[j].key, c->sent[i].key) == 0)
			continue;
		if (nd % CX_CFG_PER_MSG == 0) {
			if (nd > 0)
				iq_close(w, "delete");
			iq_open(ag, w, "delete");
		}
		put_delete(w, c->sent[i].key);
		nd++;
	}
	if (nd > 0)
		iq_close(w, "delete");
	if (!c->eoc_sent) {
		iq_open(ag, w, "end-of-config");
		iq_close(w, "end-of-config");
	}
	if (w->len > 0 && !cx__send(ag, w)) {
		/* The queue is full: all of it again when it drains. */
		c->dirty = true;
		for (i = 0; i < nnext; i++)
			free(next[i].key);
		free(next);
		goto done;
	}
	c->dirty = false;
	c->eoc_sent = true;
	c->updates += nu;
	c->deletes += nd;
	for (i = 0; i < c->nsent; i++)
		free(c->sent[i].key);
	free(c->sent);
	c->sent = next;
	c->nsent = nnext;
	if (nu + nd > 0)
		log_peer_debug(ag->name,
		    "xmpp: config: %zu updates, %zu "
		    "deletes",
		    nu, nd);
done:
	wbuf_reset(w);
	wbuf_fini(&s.w);
	free(s.v);
	arena_fini(&s.a);
}

void
cx__cfg_subscribe(struct cx_agent *ag, const char *node)
{
	const char *vr = node + strlen("virtual-router:");

	if (strncmp(node, "virtual-router:", 15) != 0) {
		log_peer_warnx(ag->name,
		    "xmpp: config subscribe to %s "
		    "ignored",
		    node);
		return;
	}
	/* Contrail's agents name their router with its FQ name. */
	if (strncmp(vr, VR_PREFIX, strlen(VR_PREFIX)) == 0)
		vr += strlen(VR_PREFIX);
	if (*vr == '\0') {
		log_peer_warnx(ag->name,
		    "xmpp: config subscribe without a "
		    "router name");
		return;
	}
	if (ag->cfg != NULL) {
		if (strcmp(ag->cfg->vrouter, vr) == 0)
			return;
		cx__cfg_free(ag->cfg);
	}
	ag->cfg = xcalloc(1, sizeof(*ag->cfg));
	ag->cfg->vrouter = xstrdup(vr);
	if (schema_config_lookup(ag->cx->cfg, SCHEMA_VIRTUAL_ROUTER, vr) ==
	    NULL)
		log_peer_warnx(ag->name,
		    "xmpp: config for virtual-router %s, "
		    "which is not configured",
		    vr);
	log_peer_info(ag->name,
	    "xmpp: config subscribed for "
	    "virtual-router %s",
	    vr);
	cx__cfg_update(ag);
}

void
cx__cfg_unsubscribe(struct cx_agent *ag)
{
	cx__cfg_free(ag->cfg);
	ag->cfg = NULL;
}

void
cx__cfg_free(struct cx_cfg *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsent; i++)
		free(c->sent[i].key);
	free(c->sent);
	free(c->vrouter);
	free(c);
}
