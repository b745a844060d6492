/*
 * ag_mirror.c - mirror resolution in the agent: which mirror entries
 * this node needs (interface-mirror of its VMIs, policy- and rule-level
 * mirror-to of the policies they apply, the tap flows of its VMIs and
 * vswitches), how each reaches its analyzer now (the control node's
 * mirror-resolution completed with the routes the core has received),
 * and the per-interface port mirror and policy rules that use them.
 * Pure: config and a route view in, the desired state out; the core
 * programs the difference (ag_mirror_diff).  An entry that cannot send
 * keeps its index and points at a discard nexthop, so no copy goes to a
 * stale destination and nothing that names the index changes.
 */
#include "agent-stub/ag_mirror.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mctx {
	const struct ag_cfg *cfg;
	const char *vrouter;
	const struct ag_mirror_view *view;
	const struct ag_mirror_state *prev;
	struct ag_mirror_state *out;
	size_t cap, cap_ris, cap_watch;
	size_t nlocal_ris; /* instances of local VMIs' networks */
	const char **local_ris;
	bool used[AG_MIRROR_ENTRIES_MAX]; /* indexes taken in out */
};

/* What an entry is resolved from. */
struct msrc {
	enum ag_msrc src;
	const char *object;              /* VMI, policy, "p#n", flow */
	const struct ag_mirror_res *res; /* NULL: none sent */
	const char *res_name;            /* "<kind>:<object>" */
	const char *src_ri;              /* mirrored VMI's instance */
	const char *port_vn;             /* port mirror: its VN */
	const struct ag_tap_flow *flow;  /* tap flows */
	const struct ag_tap_service *ts; /* tap flows, NULL: missing */
};

static const char *const mode_names[] = {
    [AG_MMODE_HEADER] = "dynamic+header",
    [AG_MMODE_NO_HEADER] = "dynamic",
    [AG_MMODE_STATIC] = "static",
    [AG_MMODE_TAP_GUEST] = "tap-guest",
    [AG_MMODE_TAP_HOST] = "tap-host",
};

const char *
ag_mirror_mode_name(enum ag_mmode mode)
{
	if ((unsigned)mode >= nitems(mode_names) || mode_names[mode] == NULL)
		return "?";
	return mode_names[mode];
}

static const char *const op_names[] = {
    [AG_MCHG_SUBSCRIBE] = "subscribe",
    [AG_MCHG_VIF_DETACH] = "vif-detach",
    [AG_MCHG_MIRROR_DEL] = "mirror-del",
    [AG_MCHG_MIRROR_ADD] = "mirror-add",
    [AG_MCHG_VIF_SET] = "vif-set",
    [AG_MCHG_POLICY_SET] = "policy-set",
    [AG_MCHG_POLICY_DEL] = "policy-del",
    [AG_MCHG_UNSUBSCRIBE] = "unsubscribe",
    [AG_MCHG_GRE_DEL] = "gre-del",
    [AG_MCHG_GRE_ADD] = "gre-add",
};

const char *
ag_mchg_op_name(enum ag_mchg_op op)
{
	if ((unsigned)op >= nitems(op_names) || op_names[op] == NULL)
		return "?";
	return op_names[op];
}

uint32_t
ag_mirror_gre_key(const char *flow)
{
	uint32_t h = 2166136261u; /* FNV-1a: the same on every node */

	for (; *flow != '\0'; flow++)
		h = (h ^ (uint8_t)*flow) * 16777619u;
	return AG_MIRROR_GRE_KEY_MIN +
	    h % (AG_MIRROR_GRE_KEY_MAX - AG_MIRROR_GRE_KEY_MIN + 1);
}

void
ag_mirror_state_init(struct ag_mirror_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
ag_mirror_state_fini(struct ag_mirror_state *st)
{
	free(st->v);
	free(st->vifs);
	free(st->policies);
	free(st->ris);
	free(st->watch);
	free(st->gres);
	memset(st, 0, sizeof(*st));
}

static void
scopy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* Adds name to a list of instance names once. */
static void
name_add(char (**v)[AG_NAME_MAX + 1], size_t *n, size_t *cap, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	scopy((*v)[(*n)++], AG_NAME_MAX + 1, s);
}

static bool
is_local_ri(const struct mctx *mc, const char *ri)
{
	size_t i;

	for (i = 0; i < mc->nlocal_ris; i++)
		if (strcmp(mc->local_ris[i], ri) == 0)
			return true;
	return false;
}

/* Routes of ri were consulted (and ri is subscribed if not ours). */
static void
watch(struct mctx *mc, const char *ri, bool subscribe)
{
	name_add(&mc->out->watch, &mc->out->nwatch, &mc->cap_watch, ri);
	if (subscribe && !is_local_ri(mc, ri) &&
	    mc->out->nris < AG_MIRROR_RIS_MAX)
		name_add(&mc->out->ris, &mc->out->nris, &mc->cap_ris, ri);
}

static void unres(struct ag_mentry *, const char *, ...) PRINTFLIKE(2, 3);

/* The entry sends nothing: discard nexthop, and why. */
static void
unres(struct ag_mentry *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	e->resolved = false;
	memset(&e->nh, 0, sizeof(e->nh));
	e->nh.type = AG_MNH_DISCARD;
	e->flags = DP_MIRROR_DYNAMIC;
	e->vni = 0;
}

static void ok(struct ag_mentry *, const char *, ...) PRINTFLIKE(2, 3);

static void
ok(struct ag_mentry *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	e->resolved = true;
}

/* " (local vif N)" or " (node X label L)" for a reason. */
static void
path_text(const struct ag_mpath *p, char *buf, size_t len)
{
	char ip[IPADDR_STRLEN];

	if (p->local)
		snprintf(buf, len, "local vif %u", p->vif);
	else
		snprintf(buf, len, "node %s",
		    ipaddr_print(&p->nexthop, ip, sizeof(ip)));
}

/* A tunnel to the node of path p (remote). */
static void
tunnel_to(struct ag_mentry *e, const struct ag_mpath *p, const char *what)
{
	char ip[IPADDR_STRLEN];

	ipaddr_print(&p->nexthop, ip, sizeof(ip));
	if (p->nexthop.af != AF_INET) {
		unres(e,
		    "%s is behind node %s: IPv6 tunnels are not "
		    "supported by the datapath",
		    what, ip);
		return;
	}
	memset(&e->nh, 0, sizeof(e->nh));
	e->nh.type = AG_MNH_TUNNEL;
	e->nh.ip = p->nexthop;
	if ((p->encaps & AG_ENCAP_VXLAN) && p->vni >= 1 &&
	    p->vni <= DP_VNI_MAX) {
		e->nh.tun = AG_MTUN_VXLAN;
		e->nh.label = p->vni;
		ok(e, "%s on node %s: VXLAN VNI %u", what, ip, p->vni);
	} else if ((p->encaps & AG_ENCAP_MPLSOUDP) && p->label >= DP_MPLS_MIN &&
	    p->label <= DP_LABEL_MAX) {
		e->nh.tun = AG_MTUN_MPLSOUDP;
		e->nh.label = p->label;
		ok(e, "%s on node %s: MPLSoUDP label %u", what, ip, p->label);
	} else
		unres(e,
		    "%s on node %s: its route offers no encapsulation "
		    "the datapath has (VXLAN with a VNI, MPLSoUDP with "
		    "a label)",
		    what, ip);
}

/* Mode 1: UDP to the analyzer, routed in the mirrored interface's VRF
 * (the control node leaks the analyzer's routes there), else in the
 * analyzer's own instance, subscribed for it. */
static void
resolve_header(struct mctx *mc, struct ag_mentry *e, const struct msrc *s)
{
	const struct ag_mirror_res *res = s->res;
	const struct ag_mirror_view *vw = mc->view;
	const char *ri = s->src_ri;
	struct ag_mpath p;
	char ip[IPADDR_STRLEN], how[64];
	uint32_t vrf;
	bool found;

	e->flags = DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR;
	if (!res->has_ip) {
		unres(e, "no analyzer IP address for the Juniper header mode");
		return;
	}
	ipaddr_print(&res->ip, ip, sizeof(ip));
	if (res->ip.af != AF_INET) {
		unres(e,
		    "analyzer %s: IPv6 analyzers are not supported by "
		    "the datapath",
		    ip);
		return;
	}
	if (ri == NULL) {
		unres(e, "no routing instance for the mirrored network");
		return;
	}
	scopy(e->ri, sizeof(e->ri), ri);
	watch(mc, ri, false);
	found = vw->inet(vw->arg, ri, &res->ip, &p);
	if (!found && res->ri != NULL && strcmp(res->ri, ri) != 0) {
		ri = res->ri;
		watch(mc, ri, true);
		found = vw->inet(vw->arg, ri, &res->ip, &p);
	}
	if (!found) {
		unres(e, "no route to analyzer %s in %s", ip, e->ri);
		return;
	}
	if (!vw->vrf(vw->arg, ri, &vrf)) {
		unres(e, "analyzer %s is routed in %s, which has no VRF here",
		    ip, ri);
		return;
	}
	scopy(e->ri, sizeof(e->ri), ri);
	memset(&e->nh, 0, sizeof(e->nh));
	e->nh.type = AG_MNH_MIRROR_UDP;
	e->nh.vrf = vrf;
	e->nh.ip = res->ip;
	e->nh.port =
	    res->mode.udp_port != 0 ? res->mode.udp_port : AG_UDP_PORT_DEF;
	path_text(&p, how, sizeof(how));
	ok(e, "UDP to %s port %u, routed in %s (%s)", ip, e->nh.port, ri, how);
}

/* Mode 2 and tap guest: the analyzer's MAC in its instance's enet
 * routes (the instance subscribed even with no local interface in it). */
static void
resolve_mac(struct mctx *mc, struct ag_mentry *e, const struct msrc *s)
{
	const struct ag_mirror_res *res = s->res;
	const struct ag_mirror_view *vw = mc->view;
	struct ag_mpath p;
	char mac[MACADDR_STRLEN], what[MACADDR_STRLEN + 16];
	uint32_t vrf;

	e->flags = DP_MIRROR_DYNAMIC;
	if (!res->has_mac) {
		unres(e, "no analyzer MAC address");
		return;
	}
	if (res->ri == NULL) {
		unres(e, "no analyzer routing instance");
		return;
	}
	macaddr_print(&res->mac, mac, sizeof(mac));
	scopy(e->ri, sizeof(e->ri), res->ri);
	watch(mc, res->ri, true);
	if (!vw->enet(vw->arg, res->ri, &res->mac, &p)) {
		if (!vw->vrf(vw->arg, res->ri, &vrf))
			unres(e,
			    "analyzer MAC %s not in %s (waiting for its "
			    "routes)",
			    mac, res->ri);
		else
			unres(e, "analyzer MAC %s not in %s", mac, res->ri);
		return;
	}
	snprintf(what, sizeof(what), "analyzer %s", mac);
	if (!p.local) {
		tunnel_to(e, &p, what);
		return;
	}
	memset(&e->nh, 0, sizeof(e->nh));
	e->nh.type = AG_MNH_ENCAP;
	e->nh.vif = p.vif;
	e->nh.mac = res->mac;
	if (vw->vrf(vw->arg, res->ri, &vrf))
		e->nh.vrf = vrf;
	ok(e, "analyzer %s on local vif %u", mac, p.vif);
}

static void
resolve_static(struct ag_mentry *e, const struct ag_mirror_res *res)
{
	const struct ag_mirror_mode *m = &res->mode;
	char ip[IPADDR_STRLEN];

	if (!m->has_static_nh) {
		unres(e, "static mode without a static-nh-header");
		return;
	}
	ipaddr_print(&m->vtep_ip, ip, sizeof(ip));
	if (m->vtep_ip.af != AF_INET) {
		unres(e,
		    "VTEP %s: IPv6 tunnels are not supported by the "
		    "datapath",
		    ip);
		return;
	}
	if (m->vni < 1 || m->vni > DP_VNI_MAX) {
		unres(e, "VTEP %s: VNI %u out of range", ip, m->vni);
		return;
	}
	memset(&e->nh, 0, sizeof(e->nh));
	e->nh.type = AG_MNH_TUNNEL;
	e->nh.tun = AG_MTUN_VXLAN;
	e->nh.ip = m->vtep_ip;
	e->nh.label = m->vni;
	if (m->has_vtep_mac)
		e->nh.mac = m->vtep_mac;
	e->flags = DP_MIRROR_STATIC;
	e->vni = m->vni;
	ok(e, "static: VXLAN to VTEP %s, VNI %u", ip, m->vni);
}

/* Tap service on a host NIC: local when the host is this node. */
static void
resolve_host(struct mctx *mc, struct ag_mentry *e, const struct msrc *s)
{
	const struct ag_mirror_res *res = s->res;
	const struct ag_mirror_view *vw = mc->view;
	char mac[MACADDR_STRLEN], ip[IPADDR_STRLEN];
	uint32_t vif, key = ag_mirror_gre_key(s->flow->obj.name);

	e->flags = DP_MIRROR_DYNAMIC;
	macaddr_print(&res->mac, mac, sizeof(mac));
	if (res->vrouter != NULL && strcmp(res->vrouter, mc->vrouter) == 0) {
		if (!res->has_mac || vw->host_nic == NULL ||
		    !vw->host_nic(vw->arg, &res->mac, &vif)) {
			unres(e, "host NIC %s has no vif on this node", mac);
			return;
		}
		memset(&e->nh, 0, sizeof(e->nh));
		e->nh.type = AG_MNH_ENCAP;
		e->nh.vif = vif;
		e->nh.mac = res->mac;
		ok(e, "host NIC %s on local vif %u", mac, vif);
		return;
	}
	if (!res->has_ip) {
		unres(e, "host %s has no address",
		    res->vrouter != NULL ? res->vrouter : "?");
		return;
	}
	ipaddr_print(&res->ip, ip, sizeof(ip));
	if (!vw->gre || res->ip.af != AF_INET) {
		unres(e,
		    "GRE not supported by the datapath (to host %s %s, "
		    "key 0x%x)",
		    res->vrouter != NULL ? res->vrouter : "?", ip, key);
		return;
	}
	memset(&e->nh, 0, sizeof(e->nh));
	e->nh.type = AG_MNH_TUNNEL;
	e->nh.tun = AG_MTUN_GRE;
	e->nh.ip = res->ip;
	e->nh.label = key;
	e->nh.mac = res->mac;
	ok(e, "GRE key 0x%x to host %s %s, NIC %s", key,
	    res->vrouter != NULL ? res->vrouter : "?", ip, mac);
}

static enum ag_mmode
res_mode(const struct msrc *s)
{
	if (s->src == AG_MSRC_TAP_FLOW)
		return s->ts != NULL && s->ts->type == AG_TAP_HOST
		    ? AG_MMODE_TAP_HOST
		    : AG_MMODE_TAP_GUEST;
	if (s->res == NULL)
		return AG_MMODE_HEADER;
	if (s->res->mode.nh_mode == AG_NH_STATIC)
		return AG_MMODE_STATIC;
	return s->res->mode.juniper_header ? AG_MMODE_HEADER
					   : AG_MMODE_NO_HEADER;
}

static void
resolve(struct mctx *mc, struct ag_mentry *e, const struct msrc *s)
{
	const struct ag_mirror_res *res = s->res;

	e->mode = res_mode(s);
	if (res == NULL) {
		unres(e, "no mirror-resolution %s from the control node",
		    s->res_name);
		return;
	}
	if (s->src == AG_MSRC_TAP_FLOW) {
		if (s->ts == NULL) {
			unres(e, "no tap-service %s", s->flow->tap_service);
			return;
		}
		if (!s->ts->enabled || !res->enabled) {
			unres(e, "tap service %s disabled", s->ts->obj.name);
			e->off = true;
			return;
		}
		if (!s->flow->enabled) {
			unres(e, "tap flow disabled");
			e->off = true;
			return;
		}
		/* A vswitch flow's VLAN: the datapath's filter. */
		if (s->flow->type == AG_FLOW_VSWITCH)
			e->vlan = s->flow->vlan_id;
	}
	if (!res->resolved) {
		unres(e, "control node: %s",
		    res->reason != NULL ? res->reason : "unresolved");
		return;
	}
	if (res->mode.nic_assisted) {
		unres(e,
		    "NIC-assisted mirroring not supported by the "
		    "datapath");
		return;
	}
	switch (e->mode) {
	case AG_MMODE_HEADER:
		resolve_header(mc, e, s);
		break;
	case AG_MMODE_NO_HEADER:
	case AG_MMODE_TAP_GUEST:
		resolve_mac(mc, e, s);
		break;
	case AG_MMODE_STATIC:
		resolve_static(e, res);
		break;
	case AG_MMODE_TAP_HOST:
		resolve_host(mc, e, s);
		break;
	}
}

/* An index for key: its previous one when free, else the lowest free
 * in both out and prev (so no index changes hands within one round),
 * else the lowest free in out; DP_MIRROR_NONE when all are taken. */
static uint32_t
index_for(struct mctx *mc, const char *key)
{
	const struct ag_mentry *pe;
	uint32_t i;

	if (mc->prev != NULL && (pe = ag_mirror_find(mc->prev, key)) != NULL &&
	    pe->idx < AG_MIRROR_ENTRIES_MAX && !mc->used[pe->idx])
		return pe->idx;
	for (i = 0; i < AG_MIRROR_ENTRIES_MAX; i++)
		if (!mc->used[i] &&
		    (mc->prev == NULL ||
			ag_mirror_at_index(mc->prev, i) == NULL))
			return i;
	for (i = 0; i < AG_MIRROR_ENTRIES_MAX; i++)
		if (!mc->used[i])
			return i;
	return DP_MIRROR_NONE;
}

/* The entry for s (made and resolved on first use); its index, or
 * DP_MIRROR_NONE.  *pos gets its position in out. */
static uint32_t
entry_get(struct mctx *mc, const struct msrc *s, size_t *pos)
{
	struct ag_mirror_state *out = mc->out;
	struct ag_mentry *e;
	char key[AG_MIRROR_KEY_MAX];
	size_t i;

	snprintf(key, sizeof(key), "%s", s->res_name);
	if (res_mode(s) == AG_MMODE_HEADER &&
	    (s->src == AG_MSRC_POLICY || s->src == AG_MSRC_RULE) &&
	    s->src_ri != NULL)
		/* Mode 1 flow copies are routed in the flow's VRF. */
		snprintf(key, sizeof(key), "%s@%s", s->res_name, s->src_ri);
	for (i = 0; i < out->n; i++) {
		if (strcmp(out->v[i].key, key) == 0) {
			out->v[i].users++;
			*pos = i;
			return out->v[i].idx;
		}
	}
	if (out->n == mc->cap) {
		mc->cap = mc->cap ? mc->cap * 2 : 16;
		out->v = xreallocarray(out->v, mc->cap, sizeof(*out->v));
	}
	e = &out->v[out->n];
	memset(e, 0, sizeof(*e));
	scopy(e->key, sizeof(e->key), key);
	e->src = s->src;
	scopy(e->object, sizeof(e->object), s->object);
	e->users = 1;
	if (s->res != NULL && s->res->analyzer != NULL)
		scopy(e->analyzer, sizeof(e->analyzer), s->res->analyzer);
	else
		scopy(e->analyzer, sizeof(e->analyzer), s->res_name);
	if (s->port_vn != NULL) {
		/* Port copies carry the interface's own VN in both TLVs. */
		scopy(e->src_vn, sizeof(e->src_vn), s->port_vn);
		scopy(e->dst_vn, sizeof(e->dst_vn), s->port_vn);
	}
	resolve(mc, e, s);
	e->idx = index_for(mc, key);
	if (e->idx == DP_MIRROR_NONE)
		unres(e, "no free mirror index (%d in use)",
		    AG_MIRROR_ENTRIES_MAX);
	else
		mc->used[e->idx] = true;
	*pos = out->n++;
	return e->idx;
}

static struct ag_mvif *
vif_of(struct mctx *mc, const char *vmi)
{
	size_t i;

	for (i = 0; i < mc->out->nvifs; i++)
		if (strcmp(mc->out->vifs[i].vmi, vmi) == 0)
			return &mc->out->vifs[i];
	return NULL;
}

static const char *
vmi_ri(const struct mctx *mc, const struct ag_vmi *vmi)
{
	const struct ag_ri *ri = ag_cfg_vn_ri(mc->cfg, vmi->vn);

	return ri != NULL ? ri->obj.name : NULL;
}

static bool
vmi_local(const struct mctx *mc, const struct ag_vmi *vmi)
{
	return vmi->vrouter != NULL && strcmp(vmi->vrouter, mc->vrouter) == 0;
}

/* Step 1: every local VMI gets a vif slot and a policy slot. */
static void
collect_local(struct mctx *mc)
{
	struct ag_mirror_state *out = mc->out;
	const struct ag_vmi *vmi;
	const char *ri;
	size_t i, n = ag_cfg_count(mc->cfg, AG_VMI), k = 0;

	out->vifs = xcalloc(n + 1, sizeof(*out->vifs));
	out->policies = xcalloc(n + 1, sizeof(*out->policies));
	mc->local_ris = xcalloc(n + 1, sizeof(*mc->local_ris));
	for (i = 0; i < n; i++) {
		vmi = (const struct ag_vmi *)ag_cfg_at(mc->cfg, AG_VMI, i);
		if (!vmi_local(mc, vmi))
			continue;
		scopy(
		    out->vifs[k].vmi, sizeof(out->vifs[k].vmi), vmi->obj.name);
		out->vifs[k].mirror = DP_MIRROR_NONE;
		scopy(out->policies[k].vmi, sizeof(out->policies[k].vmi),
		    vmi->obj.name);
		k++;
		if ((ri = vmi_ri(mc, vmi)) != NULL)
			mc->local_ris[mc->nlocal_ris++] = ri;
	}
	out->nvifs = out->npolicies = k;
}

/* The vif's port mirror to entry idx in direction flags, unless it has
 * one already (the datapath has one per vif).  NULL, or the key of the
 * entry it already has. */
static const char *
vif_attach(struct mctx *mc, const char *vmi, uint32_t idx, uint32_t flags)
{
	struct ag_mvif *v = vif_of(mc, vmi);
	const struct ag_mentry *e;

	if (v == NULL || idx == DP_MIRROR_NONE)
		return NULL;
	if (v->flags != 0) {
		e = ag_mirror_at_index(mc->out, v->mirror);
		return e != NULL ? e->key : "?";
	}
	v->flags = flags;
	v->mirror = idx;
	return NULL;
}

static uint32_t
dir_flags(enum ag_dir d)
{
	switch (d) {
	case AG_DIR_INGRESS:
		return DP_VIF_MIRROR_RX;
	case AG_DIR_EGRESS:
		return DP_VIF_MIRROR_TX;
	case AG_DIR_BOTH:
		break;
	}
	return DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX;
}

/* IN is into the VM (what it receives: TX), OUT out of it (RX). */
static uint32_t
flow_flags(enum ag_flow_dir d)
{
	switch (d) {
	case AG_FLOW_IN:
		return DP_VIF_MIRROR_TX;
	case AG_FLOW_OUT:
		return DP_VIF_MIRROR_RX;
	case AG_FLOW_BOTH:
		break;
	}
	return DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX;
}

/* Step 2: interface-mirror of local VMIs (they take the vif first). */
static void
port_mirrors(struct mctx *mc)
{
	const struct ag_vmi *vmi;
	struct msrc s;
	char name[AG_NAME_MAX + 32];
	size_t i, pos, n = ag_cfg_count(mc->cfg, AG_VMI);
	uint32_t idx;

	for (i = 0; i < n; i++) {
		vmi = (const struct ag_vmi *)ag_cfg_at(mc->cfg, AG_VMI, i);
		if (!vmi_local(mc, vmi) || !vmi->has_mirror)
			continue;
		memset(&s, 0, sizeof(s));
		snprintf(name, sizeof(name), "%s:%s",
		    ag_mres_kind_name(AG_MRES_INTERFACE), vmi->obj.name);
		s.src = AG_MSRC_INTERFACE;
		s.object = vmi->obj.name;
		s.res = ag_cfg_mirror_res(
		    mc->cfg, AG_MRES_INTERFACE, vmi->obj.name);
		s.res_name = name;
		s.src_ri = vmi_ri(mc, vmi);
		s.port_vn = vmi->vn;
		idx = entry_get(mc, &s, &pos);
		vif_attach(mc, vmi->obj.name, idx, dir_flags(vmi->mirror_dir));
	}
}

/* Records in the entry at pos that vmi could not take it. */
static void
note_busy(
    struct mctx *mc, size_t pos, const char *vmi, const char *other, bool only)
{
	struct ag_mentry *e = &mc->out->v[pos];
	char why[AG_MIRROR_REASON_MAX];
	size_t len;

	snprintf(why, sizeof(why),
	    "interface %s already mirrors to %s (one port mirror per "
	    "interface in the datapath)",
	    vmi, other);
	if (only) {
		unres(e, "%s", why);
		return;
	}
	len = strlen(e->reason);
	snprintf(e->reason + len, sizeof(e->reason) - len, "; %s", why);
}

/* Step 3: tap flows of local VMIs and of this node's vswitches. */
static void
tap_flows(struct mctx *mc)
{
	const struct ag_tap_flow *f;
	const struct ag_vmi *vmi;
	const struct ag_mentry *e;
	const char *busy;
	struct msrc s;
	char name[AG_NAME_MAX + 32];
	size_t i, j, pos, n = ag_cfg_count(mc->cfg, AG_TAP_FLOW);
	size_t nv = ag_cfg_count(mc->cfg, AG_VMI);
	uint32_t idx;

	for (i = 0; i < n; i++) {
		f = (const struct ag_tap_flow *)ag_cfg_at(
		    mc->cfg, AG_TAP_FLOW, i);
		vmi = NULL;
		if (f->type == AG_FLOW_VNIC) {
			vmi = f->interface != NULL
			    ? ag_cfg_vmi(mc->cfg, f->interface)
			    : NULL;
			if (vmi == NULL || !vmi_local(mc, vmi))
				continue;
		} else if (f->vrouter == NULL ||
		    strcmp(f->vrouter, mc->vrouter) != 0)
			continue;
		memset(&s, 0, sizeof(s));
		snprintf(name, sizeof(name), "tap-flow:%s", f->obj.name);
		s.src = AG_MSRC_TAP_FLOW;
		s.object = f->obj.name;
		s.flow = f;
		s.ts = f->tap_service != NULL
		    ? ag_cfg_tap_service(mc->cfg, f->tap_service)
		    : NULL;
		s.res = f->tap_service != NULL
		    ? ag_cfg_mirror_res(
			  mc->cfg, AG_MRES_TAP_SERVICE, f->tap_service)
		    : NULL;
		s.res_name = name;
		if (vmi != NULL) {
			s.src_ri = vmi_ri(mc, vmi);
			s.port_vn = vmi->vn;
		} else
			s.port_vn = f->vn;
		idx = entry_get(mc, &s, &pos);
		e = &mc->out->v[pos];
		/* Disabled or filtered flows leave the vifs alone. */
		if (e->off)
			continue;
		if (vmi != NULL) {
			busy = vif_attach(
			    mc, vmi->obj.name, idx, flow_flags(f->direction));
			if (busy != NULL)
				note_busy(mc, pos, vmi->obj.name, busy, true);
			continue;
		}
		for (j = 0; j < nv; j++) {
			vmi = (const struct ag_vmi *)ag_cfg_at(
			    mc->cfg, AG_VMI, j);
			if (!vmi_local(mc, vmi) || f->vn == NULL ||
			    strcmp(vmi->vn, f->vn) != 0)
				continue;
			busy = vif_attach(
			    mc, vmi->obj.name, idx, flow_flags(f->direction));
			if (busy != NULL)
				note_busy(mc, pos, vmi->obj.name, busy, false);
		}
	}
}

/* The GRE entry that holds key, or NULL. */
static struct ag_mgre *
gre_owner(struct ag_mirror_state *out, uint32_t key)
{
	size_t i;

	for (i = 0; i < out->ngres; i++)
		if (out->gres[i].prog && out->gres[i].key == key)
			return &out->gres[i];
	return NULL;
}

/* Sets (or with add, appends to) a GRE entry's reason; a long one is
 * cut. */
static void PRINTFLIKE(3, 4)
    greason(struct ag_mgre *g, bool add, const char *fmt, ...)
{
	size_t len = add ? strlen(g->reason) : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->reason + len, sizeof(g->reason) - len, fmt, ap);
	va_end(ap);
}

/* One GRE entry of flow f to host service ts on this node. */
static void
gre_entry(struct mctx *mc, const struct ag_tap_flow *f,
    const struct ag_tap_service *ts, struct ag_mgre *g)
{
	const struct ag_mirror_view *vw = mc->view;
	const struct ag_mirror_res *res =
	    ag_cfg_mirror_res(mc->cfg, AG_MRES_TAP_SERVICE, ts->obj.name);
	char mac[MACADDR_STRLEN];

	memset(g, 0, sizeof(*g));
	scopy(g->flow, sizeof(g->flow), f->obj.name);
	scopy(g->service, sizeof(g->service), ts->obj.name);
	g->key = ag_mirror_gre_key(f->obj.name);
	macaddr_print(&ts->mac, mac, sizeof(mac));
	if (!ts->enabled || (res != NULL && !res->enabled))
		greason(g, false, "tap service %s disabled", ts->obj.name);
	else if (!f->enabled)
		greason(g, false, "tap flow disabled");
	else if (!ts->has_mac)
		greason(
		    g, false, "tap service %s has no NIC MAC", ts->obj.name);
	else if (vw->host_nic == NULL ||
	    !vw->host_nic(vw->arg, &ts->mac, &g->vif))
		greason(g, false, "host NIC %s has no vif on this node", mac);
	else {
		g->ok = true;
		g->mac = ts->mac;
		greason(g, false, "GRE key 0x%x to host NIC %s (vif %u)",
		    g->key, mac, g->vif);
	}
}

/*
 * Step 5: the GRE keys this node takes in, for the tap flows to its
 * host services (on any node; the control node sends them all here).
 * Keys are hashes: a flow keeps a key it held, then the others claim
 * theirs in name order; one whose key is held for another NIC is
 * refused (its node still sends under that key: the copies land on the
 * holder's NIC, which the reason says).
 */
static void
host_gres(struct mctx *mc)
{
	struct ag_mirror_state *out = mc->out;
	const struct ag_tap_flow *f;
	const struct ag_tap_service *ts;
	const struct ag_mgre *pg;
	struct ag_mgre *g, *o;
	size_t i, n = ag_cfg_count(mc->cfg, AG_TAP_FLOW);
	char mac[MACADDR_STRLEN];

	out->gres = xcalloc(n + 1, sizeof(*out->gres));
	for (i = 0; i < n; i++) {
		f = (const struct ag_tap_flow *)ag_cfg_at(
		    mc->cfg, AG_TAP_FLOW, i);
		ts = f->tap_service != NULL
		    ? ag_cfg_tap_service(mc->cfg, f->tap_service)
		    : NULL;
		if (ts == NULL || ts->type != AG_TAP_HOST ||
		    ts->target == NULL || strcmp(ts->target, mc->vrouter) != 0)
			continue;
		gre_entry(mc, f, ts, &out->gres[out->ngres++]);
	}
	for (i = 0; i < out->ngres; i++) {
		g = &out->gres[i];
		pg = mc->prev != NULL ? ag_mirror_gre(mc->prev, g->flow) : NULL;
		if (g->ok && pg != NULL && pg->prog && pg->key == g->key &&
		    gre_owner(out, g->key) == NULL)
			g->prog = true;
	}
	for (i = 0; i < out->ngres; i++) {
		g = &out->gres[i];
		if (!g->ok || g->prog)
			continue;
		if ((o = gre_owner(out, g->key)) == NULL)
			g->prog = true;
		else if (o->vif == g->vif)
			greason(g, true, ", shared with tap flow %s (same NIC)",
			    o->flow);
		else {
			g->ok = false;
			macaddr_print(&o->mac, mac, sizeof(mac));
			greason(g, false,
			    "GRE key 0x%x collides with tap flow %s (hash of "
			    "the names): refused; what this flow's node "
			    "sends under that key reaches %s's NIC %s; "
			    "rename one of them",
			    g->key, o->flow, o->service, mac);
		}
	}
}

/*
 * Whether the policies names[] fit the datapath's rule budget with their
 * "any" sides named (expanded into the known networks); if not, they are
 * written unnamed, so naming never cuts a rule that would otherwise fit.
 * Dry run: no mirror entry is touched.
 */
static bool
policy_fits_named(struct mctx *mc, const struct ag_vn *vn,
    const char *const *names, size_t np)
{
	static struct dp_rule scratch[AG_POLICY_RULES_MAX];
	const struct ag_policy *p;
	uint32_t n = 0;
	char why[256];
	size_t i, j;

	for (i = 0; i < np; i++) {
		if ((p = ag_cfg_policy(mc->cfg, names[i])) == NULL)
			return true;
		for (j = 0; j < p->nrules; j++)
			switch (ag_policy_rule_expand(mc->cfg, vn, &p->rules[j],
			    DP_MIRROR_NONE, true, scratch, AG_POLICY_RULES_MAX,
			    &n, why, sizeof(why))) {
			case 0:
				break;
			case -ENOSPC:
				return false;
			default:
				return true; /* cut there either way */
			}
	}
	return true;
}

/* Step 4: each local VMI's policies (its own, then its network's) as
 * datapath rules, with their flow mirrors. */
static void
vmi_policy(struct mctx *mc, const struct ag_vmi *vmi, struct ag_mpolicy *pol)
{
	const struct ag_vn *vn = ag_cfg_vn(mc->cfg, vmi->vn);
	const char *names[2 * AG_POLICIES_MAX];
	const struct ag_policy *p;
	const struct ag_rule *r;
	struct msrc s;
	char name[AG_NAME_MAX + 32], why[256];
	size_t i, j, k, np = 0, pos;
	uint32_t mirror;
	bool named;
	int rc;

	for (i = 0; i < vmi->npolicies && np < nitems(names); i++)
		names[np++] = vmi->policies[i];
	for (i = 0; vn != NULL && i < vn->npolicies && np < nitems(names);
	     i++) {
		for (k = 0; k < np; k++)
			if (strcmp(names[k], vn->policies[i]) == 0)
				break;
		if (k == np) /* a policy applies once, the first time */
			names[np++] = vn->policies[i];
	}
	if (np == 0)
		return; /* no policy: no flows, everything passes */
	pol->set = true;
	named = policy_fits_named(mc, vn, names, np);
	for (i = 0; i < np; i++) {
		if ((p = ag_cfg_policy(mc->cfg, names[i])) == NULL) {
			snprintf(pol->note, sizeof(pol->note),
			    "policy %s not in the model: it and what follows "
			    "deny",
			    names[i]);
			goto deny_rest;
		}
		for (j = 0; j < p->nrules; j++) {
			r = &p->rules[j];
			memset(&s, 0, sizeof(s));
			s.src_ri = vmi_ri(mc, vmi);
			mirror = DP_MIRROR_NONE;
			if (r->has_mirror) {
				/* Rule level wins over policy level. */
				snprintf(name, sizeof(name), "%s:%s#%zu",
				    ag_mres_kind_name(AG_MRES_RULE),
				    p->obj.name, j + 1);
				s.src = AG_MSRC_RULE;
				s.object = name +
				    strlen(ag_mres_kind_name(AG_MRES_RULE)) + 1;
				s.res = ag_cfg_mirror_res(
				    mc->cfg, AG_MRES_RULE, s.object);
			} else if (r->pass && p->has_mirror) {
				/* Policy level: the flows it passes. */
				snprintf(name, sizeof(name), "%s:%s",
				    ag_mres_kind_name(AG_MRES_POLICY),
				    p->obj.name);
				s.src = AG_MSRC_POLICY;
				s.object = p->obj.name;
				s.res = ag_cfg_mirror_res(
				    mc->cfg, AG_MRES_POLICY, p->obj.name);
			}
			if (s.src != 0) {
				s.res_name = name;
				mirror = entry_get(mc, &s, &pos);
			}
			rc = ag_policy_rule_expand(mc->cfg, vn, r, mirror,
			    named, pol->rules, AG_POLICY_RULES_MAX, &pol->n,
			    why, sizeof(why));
			if (rc != 0) {
				/* Cut here: what follows is the implicit
				 * deny, so a rule left out never lets more
				 * through than the policy would. */
				snprintf(pol->note, sizeof(pol->note),
				    "policy %s rule %zu: %s: it and what "
				    "follows deny",
				    p->obj.name, j + 1, why);
				goto deny_rest;
			}
		}
	}
deny_rest:
	if (pol->n == 0) {
		/* The datapath takes 1..64 rules: one that denies all. */
		memset(&pol->rules[0], 0, sizeof(pol->rules[0]));
		pol->rules[0].action = DP_FLOW_DENY;
		pol->rules[0].mirror[0] = DP_MIRROR_NONE;
		pol->rules[0].mirror[1] = DP_MIRROR_NONE;
		pol->n = 1;
	}
}

static void
policies(struct mctx *mc)
{
	const struct ag_vmi *vmi;
	struct ag_mpolicy *pol;
	size_t i;

	for (i = 0; i < mc->out->npolicies; i++) {
		pol = &mc->out->policies[i];
		vmi = ag_cfg_vmi(mc->cfg, pol->vmi);
		if (vmi != NULL)
			vmi_policy(mc, vmi, pol);
	}
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ag_mentry *)a)->key,
	    ((const struct ag_mentry *)b)->key);
}

void
ag_mirror_compute(const struct ag_cfg *cfg, const char *vrouter,
    const struct ag_mirror_view *view, const struct ag_mirror_state *prev,
    struct ag_mirror_state *out)
{
	struct mctx *mc = xcalloc(1, sizeof(*mc));

	ag_mirror_state_fini(out);
	mc->cfg = cfg;
	mc->vrouter = vrouter;
	mc->view = view;
	mc->prev = prev;
	mc->out = out;
	collect_local(mc);
	port_mirrors(mc);
	tap_flows(mc);
	policies(mc);
	host_gres(mc);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
	free(mc->local_ris);
	free(mc);
}

bool
ag_mirror_watches(const struct ag_mirror_state *st, const char *ri)
{
	size_t i;

	for (i = 0; i < st->nwatch; i++)
		if (strcmp(st->watch[i], ri) == 0)
			return true;
	return false;
}

const struct ag_mentry *
ag_mirror_find(const struct ag_mirror_state *st, const char *key)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->v[i].key, key) == 0)
			return &st->v[i];
	return NULL;
}

const struct ag_mentry *
ag_mirror_at_index(const struct ag_mirror_state *st, uint32_t idx)
{
	size_t i;

	if (idx == DP_MIRROR_NONE)
		return NULL;
	for (i = 0; i < st->n; i++)
		if (st->v[i].idx == idx)
			return &st->v[i];
	return NULL;
}

const struct ag_mgre *
ag_mirror_gre(const struct ag_mirror_state *st, const char *flow)
{
	size_t i;

	for (i = 0; i < st->ngres; i++)
		if (strcmp(st->gres[i].flow, flow) == 0)
			return &st->gres[i];
	return NULL;
}

const struct ag_mvif *
ag_mirror_vif(const struct ag_mirror_state *st, const char *vmi)
{
	size_t i;

	for (i = 0; i < st->nvifs; i++)
		if (strcmp(st->vifs[i].vmi, vmi) == 0)
			return &st->vifs[i];
	return NULL;
}

const struct ag_mpolicy *
ag_mirror_policy(const struct ag_mirror_state *st, const char *vmi)
{
	size_t i;

	for (i = 0; i < st->npolicies; i++)
		if (strcmp(st->policies[i].vmi, vmi) == 0)
			return &st->policies[i];
	return NULL;
}

/* ---- diff ---- */

struct dctx {
	struct ag_mchg *v;
	size_t n, cap;
};

static struct ag_mchg *
chg(struct dctx *d, enum ag_mchg_op op)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	d->v[d->n].op = op;
	return &d->v[d->n++];
}

/* What the datapath sees of an entry (its reason is not programmed). */
static bool
entry_same(const struct ag_mentry *a, const struct ag_mentry *b)
{
	return memcmp(&a->nh, &b->nh, sizeof(a->nh)) == 0 &&
	    a->flags == b->flags && a->vni == b->vni && a->vlan == b->vlan &&
	    strcmp(a->analyzer, b->analyzer) == 0 &&
	    strcmp(a->src_vn, b->src_vn) == 0 &&
	    strcmp(a->dst_vn, b->dst_vn) == 0;
}

/* What the datapath sees of a GRE entry: its key entry and where it
 * delivers (nothing unless prog). */
static bool
gre_same(const struct ag_mgre *a, const struct ag_mgre *b)
{
	return a->prog == b->prog &&
	    (!a->prog ||
		(a->key == b->key && a->vif == b->vif &&
		    memcmp(&a->mac, &b->mac, sizeof(a->mac)) == 0));
}

/* The old entry at idx is deleted or changed in new. */
static bool
entry_goes(const struct ag_mirror_state *old, const struct ag_mirror_state *new,
    uint32_t idx)
{
	const struct ag_mentry *o = ag_mirror_at_index(old, idx);
	const struct ag_mentry *n = ag_mirror_at_index(new, idx);

	return o != NULL && (n == NULL || !entry_same(o, n));
}

static bool
has_name(char (*v)[AG_NAME_MAX + 1], size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static bool
policy_same(const struct ag_mpolicy *a, const struct ag_mpolicy *b)
{
	return a->set == b->set && a->n == b->n &&
	    memcmp(a->rules, b->rules, a->n * sizeof(a->rules[0])) == 0;
}

size_t
ag_mirror_diff(const struct ag_mirror_state *old,
    const struct ag_mirror_state *new, struct ag_mchg **out)
{
	const struct ag_mentry *o, *ne;
	const struct ag_mvif *ov, *nv;
	const struct ag_mpolicy *op, *np;
	const struct ag_mgre *og, *ng;
	struct dctx d;
	bool *detached;
	size_t i;

	memset(&d, 0, sizeof(d));
	detached = xcalloc(old->nvifs + 1, sizeof(*detached));
	for (i = 0; i < new->nris; i++)
		if (!has_name(old->ris, old->nris, new->ris[i]))
			chg(&d, AG_MCHG_SUBSCRIBE)->ri = new->ris[i];
	for (i = 0; i < old->nvifs; i++) {
		ov = &old->vifs[i];
		if (ov->flags != 0 && entry_goes(old, new, ov->mirror)) {
			chg(&d, AG_MCHG_VIF_DETACH)->vif = ov;
			detached[i] = true;
		}
	}
	for (i = 0; i < old->n; i++) {
		o = &old->v[i];
		if (o->idx != DP_MIRROR_NONE && entry_goes(old, new, o->idx))
			chg(&d, AG_MCHG_MIRROR_DEL)->mirror = o;
	}
	for (i = 0; i < old->ngres; i++) {
		og = &old->gres[i];
		ng = ag_mirror_gre(new, og->flow);
		if (og->prog && (ng == NULL || !gre_same(og, ng)))
			chg(&d, AG_MCHG_GRE_DEL)->gre = og;
	}
	for (i = 0; i < new->n; i++) {
		ne = &new->v[i];
		if (ne->idx == DP_MIRROR_NONE)
			continue;
		o = ag_mirror_at_index(old, ne->idx);
		if (o == NULL || !entry_same(o, ne))
			chg(&d, AG_MCHG_MIRROR_ADD)->mirror = ne;
	}
	for (i = 0; i < new->ngres; i++) {
		ng = &new->gres[i];
		og = ag_mirror_gre(old, ng->flow);
		if (ng->prog && (og == NULL || !gre_same(og, ng)))
			chg(&d, AG_MCHG_GRE_ADD)->gre = ng;
	}
	for (i = 0; i < new->nvifs; i++) {
		nv = &new->vifs[i];
		ov = ag_mirror_vif(old, nv->vmi);
		if (ov != NULL && detached[ov - old->vifs]) {
			if (nv->flags != 0)
				chg(&d, AG_MCHG_VIF_SET)->vif = nv;
		} else if (ov == NULL
			? nv->flags != 0
			: (ov->flags != nv->flags || ov->mirror != nv->mirror))
			chg(&d, AG_MCHG_VIF_SET)->vif = nv;
	}
	for (i = 0; i < new->npolicies; i++) {
		np = &new->policies[i];
		op = ag_mirror_policy(old, np->vmi);
		if (np->set && (op == NULL || !policy_same(op, np)))
			chg(&d, AG_MCHG_POLICY_SET)->policy = np;
		else if (!np->set && op != NULL && op->set)
			chg(&d, AG_MCHG_POLICY_DEL)->policy = op;
	}
	for (i = 0; i < old->npolicies; i++) {
		op = &old->policies[i];
		if (op->set && ag_mirror_policy(new, op->vmi) == NULL)
			chg(&d, AG_MCHG_POLICY_DEL)->policy = op;
	}
	for (i = 0; i < old->nris; i++)
		if (!has_name(new->ris, new->nris, old->ris[i]))
			chg(&d, AG_MCHG_UNSUBSCRIBE)->ri = old->ris[i];
	free(detached);
	*out = d.v;
	return d.n;
}
