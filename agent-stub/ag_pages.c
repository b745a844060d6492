/*
 * ag_pages.c - mirador-agent's introspect pages (the Sandesh pages of a
 * Contrail agent, reference/contrail-protocol.md 7): XMPP sessions, VRFs,
 * received routes of a VRF, interfaces and mirror entries.  Each page
 * reads the agent's state and fills a struct page (common/intro.h); the
 * intro server renders it as text, JSON or HTML.  Read only, except for
 * the vrouter's counters, fetched by a GET on the datapath socket when
 * the vrouter is up (a blocking request per object: cheap on a compute
 * node).  Mirror entries are read from the datapath journal: what the
 * agent has programmed.
 */
#include "agent-stub/ag_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-stub/ag_mirror.h"
#include "common/intro.h"

#define NH_TEXT_MAX 96 /* bytes of a nexthop's description */

static void
cell_u64_or_empty(struct page *pg, bool have, uint64_t v)
{
	if (have)
		page_u64(pg, v);
	else
		page_empty(pg);
}

/* "mplsoudp to 10.0.0.2 label 17", "discard", ... */
static const char *
nh_text(struct ag *ag, uint32_t idx, char *buf, size_t len)
{
	const struct dp_nh *nh = ag__dp_nh(ag->dp, idx);
	char a[IPADDR_STRLEN];
	struct ipaddr ip;

	if (idx == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (nh == NULL) {
		snprintf(buf, len, "%" PRIu32 ": not programmed", idx);
		return buf;
	}
	switch (nh->type) {
	case DP_NH_DISCARD:
		snprintf(buf, len, "%" PRIu32 ": discard", idx);
		break;
	case DP_NH_RECEIVE:
		snprintf(buf, len, "%" PRIu32 ": receive", idx);
		break;
	case DP_NH_ENCAP:
		snprintf(buf, len, "%" PRIu32 ": vif %" PRIu32, idx, nh->vif);
		break;
	case DP_NH_TUNNEL:
		memset(&ip, 0, sizeof(ip));
		ip.af = AF_INET;
		ip.u.v4 = nh->dip;
		snprintf(buf, len, "%" PRIu32 ": %s to %s %s %" PRIu32, idx,
		    nh->tun == DP_TUN_VXLAN ? "vxlan" : "mplsoudp",
		    ipaddr_print(&ip, a, sizeof(a)),
		    nh->tun == DP_TUN_VXLAN ? "vni" : "label", nh->label);
		break;
	case DP_NH_MIRROR_UDP:
		snprintf(buf, len,
		    "%" PRIu32 ": udp to %s port %u in vrf %" PRIu32, idx,
		    ipaddr_print(&nh->an_ip, a, sizeof(a)),
		    (unsigned)nh->an_port, nh->vrf);
		break;
	case DP_NH_COMPOSITE:
		snprintf(buf, len, "%" PRIu32 ": %s of %" PRIu32, idx,
		    nh->ecmp ? "ecmp" : "flood", nh->ncomp);
		break;
	default:
		snprintf(buf, len, "%" PRIu32 ": type %d", idx, (int)nh->type);
		break;
	}
	return buf;
}

static const char *
sess_state(const struct ag_sess *s)
{
	struct xmpp_conn *c = s->cl != NULL ? xmpp_client_conn(s->cl) : NULL;

	if (s->conn != NULL)
		return "Established";
	return c != NULL ? xmpp_state_name(xmpp_conn_state(c)) : "Idle";
}

/* Received paths of session i in every VRF (and how many are stale). */
static void
sess_paths(const struct ag *ag, unsigned i, uint64_t *paths, uint64_t *stale)
{
	const struct ag_vrf *v;
	const struct ag_route *r;
	struct ht_iter it;
	struct ht_node *n;

	*paths = *stale = 0;
	for (v = ag->vrfs; v != NULL; v = v->next)
		for (n = ht_first(&v->routes, &it); n != NULL;
		     n = ht_next(&it)) {
			r = container_of(n, struct ag_route, hn);
			if (!r->path[i].present)
				continue;
			(*paths)++;
			*stale += r->path[i].stale;
		}
}

static size_t
nvrfs(const struct ag *ag)
{
	const struct ag_vrf *v;
	size_t n = 0;

	for (v = ag->vrfs; v != NULL; v = v->next)
		n++;
	return n;
}

void
ag_page_sessions(struct ag *ag, struct page *pg)
{
	static const char *const cols[] = {"control-node", "state", "tls",
	    "config", "up-seconds", "subscriptions", "routes", "stale", "items",
	    "retracts", "bad", "end-of-rib-sent", "end-of-rib-received",
	    "flaps", "retries", "last-error"};
	uint64_t now = uv_now(ag->loop), paths, stale;
	const struct ag_sess *s;
	unsigned i, up = ag_sessions_up(ag);

	page_meta_str(pg, "virtual-router", ag->name);
	page_meta_u64(pg, "sessions-up", up);
	page_meta_str(
	    pg, "config", ag_cfg_synced(ag->cfg) ? "synced" : "not synced");
	page_meta_str(pg, "mode", up == 0 ? "headless" : "connected");
	page_table(pg, "sessions", cols, nitems(cols));
	for (i = 0; i < ag->nsess; i++) {
		s = &ag->sess[i];
		sess_paths(ag, i, &paths, &stale);
		page_row(pg);
		page_str(pg, s->addr);
		page_str(pg, sess_state(s));
		page_bool(pg, s->conn != NULL && xmpp_conn_tls(s->conn));
		page_bool(pg, s->cfg);
		page_u64(pg, s->conn != NULL ? (now - s->up_at) / 1000 : 0);
		page_u64(pg, s->conn != NULL ? nvrfs(ag) : 0);
		page_u64(pg, paths);
		page_u64(pg, stale);
		page_u64(pg, s->items);
		page_u64(pg, s->retracts);
		page_u64(pg, s->bad);
		page_bool(pg, s->eor_sent);
		page_bool(pg, s->eor_rcvd);
		page_u64(pg, s->flaps);
		page_u64(pg, s->cl != NULL ? xmpp_client_attempts(s->cl) : 0);
		page_str(pg, s->last_error);
	}
}

void
ag_page_vrfs(struct ag *ag, struct page *pg)
{
	static const char *const cols[] = {"name", "index", "virtual-network",
	    "vni", "mirror-destination", "interfaces", "routes",
	    "subscribed-for"};
	const char *names[64], *why[2];
	const struct ag_intf *in;
	const struct ag_vrf *v;
	const struct ag_ri *ri;
	size_t n, nwhy;

	page_table(pg, "vrfs", cols, nitems(cols));
	for (v = ag->vrfs; v != NULL; v = v->next) {
		ri = ag_cfg_ri(ag->cfg, v->ri);
		n = 0;
		for (in = ag->intfs; in != NULL; in = in->next)
			if (in->vrf == v && n < nitems(names))
				names[n++] = in->name;
		nwhy = 0;
		if (v->nintf > 0)
			why[nwhy++] = "interface";
		if (v->wants > 0)
			why[nwhy++] = "mirror";
		page_row(pg);
		page_str(pg, v->ri);
		page_u64(pg, v->idx);
		page_str(pg, ri != NULL && ri->vn != NULL ? ri->vn : "");
		page_u64(pg, ri != NULL ? ri->vxlan_id : v->vni);
		page_bool(pg, v->mirror_dest);
		page_list(pg, names, n);
		page_u64(pg, v->nroutes);
		page_list(pg, why, nwhy);
	}
}

/* Route order: family, then prefix, then MAC. */
static int
route_cmp(const void *a, const void *b)
{
	const struct ag_route *x = *(const struct ag_route *const *)a;
	const struct ag_route *y = *(const struct ag_route *const *)b;
	int c;

	if (x->fam != y->fam)
		return x->fam < y->fam ? -1 : 1;
	if (x->fam == AG_RT_ENET &&
	    (c = memcmp(&x->mac, &y->mac, sizeof(x->mac))) != 0)
		return c;
	if (x->prefix.addr.af != y->prefix.addr.af)
		return x->prefix.addr.af < y->prefix.addr.af ? -1 : 1;
	if (x->prefix.addr.af != 0 &&
	    (c = ipaddr_cmp(&x->prefix.addr, &y->prefix.addr)) != 0)
		return c;
	return (int)x->prefix.len - (int)y->prefix.len;
}

static const char *
encaps_text(uint8_t e, char *buf, size_t len)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {{XMPP_ENCAP_GRE, "gre"}, {XMPP_ENCAP_UDP, "udp"},
	    {XMPP_ENCAP_MPLS, "mpls"}, {XMPP_ENCAP_VXLAN, "vxlan"},
	    {XMPP_ENCAP_NATIVE, "native"}};
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < nitems(names); i++)
		if ((e & names[i].bit) != 0 && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
			    off > 0 ? "," : "", names[i].name);
	return buf;
}

/* One row per path: the route's key, the session, its next-hops; the
 * datapath nexthop on the row of the path programmed. */
static void
route_rows(struct ag *ag, const struct ag_route *r, struct page *pg)
{
	char key[MACADDR_STRLEN + IPADDR_STRLEN + 2], a[IPADDR_STRLEN];
	char nh[AG_ECMP_MAX][IPADDR_STRLEN + 48], dp[NH_TEXT_MAX], enc[40];
	const char *nhs[AG_ECMP_MAX];
	const struct ag_path *best = ag_route_best(r), *p;
	unsigned i;
	size_t k;

	if (r->fam == AG_RT_INET)
		prefix_print(&r->prefix, key, sizeof(key));
	else if (r->prefix.addr.af == 0 ||
	    (r->prefix.addr.af == AF_INET && r->prefix.addr.u.v4.s_addr == 0))
		macaddr_print(&r->mac, key, sizeof(key));
	else {
		macaddr_print(&r->mac, key, sizeof(key));
		k = strlen(key);
		snprintf(key + k, sizeof(key) - k, ",%s",
		    ipaddr_print(&r->prefix.addr, a, sizeof(a)));
	}
	for (i = 0; i < AG_SESS_MAX; i++) {
		p = &r->path[i];
		if (!p->present)
			continue;
		for (k = 0; k < p->nnh; k++) {
			snprintf(nh[k], sizeof(nh[k]),
			    "%s label %" PRIu32 " %s",
			    ipaddr_print(&p->nh[k].addr, a, sizeof(a)),
			    p->nh[k].label,
			    encaps_text(p->nh[k].encaps, enc, sizeof(enc)));
			nhs[k] = nh[k];
		}
		page_row(pg);
		page_str(pg, key);
		page_str(pg,
		    r->fam == AG_RT_ENET                ? "enet"
			: r->prefix.addr.af == AF_INET6 ? "inet6"
							: "inet");
		page_str(pg, i < ag->nsess ? ag->sess[i].addr : "?");
		page_bool(pg, p == best);
		page_bool(pg, p->stale);
		page_list(pg, nhs, p->nnh);
		if (p == best)
			page_str(pg, nh_text(ag, r->dp_nh, dp, sizeof(dp)));
		else
			page_empty(pg);
	}
}

void
ag_page_routes(struct ag *ag, const char *vrf, struct page *pg)
{
	static const char *const cols[] = {"route", "family", "session", "best",
	    "stale", "next-hops", "datapath-nh"};
	const struct ag_route **v;
	struct ag_vrf *vr;
	struct ht_iter it;
	struct ht_node *n;
	size_t i, nv = 0;

	if (vrf == NULL || vrf[0] == '\0') {
		page_error(pg, 400, "which VRF? /routes?vrf=NAME (see /vrfs)");
		return;
	}
	if ((vr = ag__vrf_find(ag, vrf)) == NULL) {
		page_error(pg, 404, "no VRF %s", vrf);
		return;
	}
	page_meta_str(pg, "vrf", vr->ri);
	page_meta_u64(pg, "index", vr->idx);
	page_meta_u64(pg, "routes", vr->nroutes);
	v = xcalloc(vr->nroutes + 1, sizeof(*v));
	for (n = ht_first(&vr->routes, &it); n != NULL && nv < vr->nroutes;
	     n = ht_next(&it))
		v[nv++] = container_of(n, struct ag_route, hn);
	qsort(v, nv, sizeof(*v), route_cmp);
	page_table(pg, "routes", cols, nitems(cols));
	for (i = 0; i < nv; i++)
		route_rows(ag, v[i], pg);
	free(v);
}

static const char *
mirror_flags_text(uint32_t flags, uint32_t mirror, char *buf, size_t len)
{
	if ((flags & (DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX)) == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s%s%s to %" PRIu32,
		    (flags & DP_VIF_MIRROR_RX) != 0 ? "rx" : "",
		    (flags & DP_VIF_MIRROR_RX) != 0 &&
			    (flags & DP_VIF_MIRROR_TX) != 0
			? ","
			: "",
		    (flags & DP_VIF_MIRROR_TX) != 0 ? "tx" : "", mirror);
	return buf;
}

/* The rules of the policies on a VMI and on its network (config). */
static uint64_t
policy_rules(const struct ag_cfg *cfg, const struct ag_intf *in)
{
	const struct ag_vmi *vmi = ag_cfg_vmi(cfg, in->name);
	const struct ag_vn *vn = ag_cfg_vn(cfg, in->vn);
	const struct ag_policy *pol;
	uint64_t n = 0;
	size_t i;

	for (i = 0; vmi != NULL && i < vmi->npolicies; i++)
		if ((pol = ag_cfg_policy(cfg, vmi->policies[i])) != NULL)
			n += pol->nrules;
	for (i = 0; vn != NULL && i < vn->npolicies; i++)
		if ((pol = ag_cfg_policy(cfg, vn->policies[i])) != NULL)
			n += pol->nrules;
	return n;
}

void
ag_page_interfaces(struct ag *ag, struct page *pg)
{
	static const char *const cols[] = {"name", "tap", "vif", "mac", "ips",
	    "vrf", "virtual-network", "label", "vni", "nh", "mirror",
	    "policy-rules", "rx-packets", "rx-bytes", "tx-packets", "tx-bytes",
	    "drops"};
	char ips[AG_IPS_MAX][IPADDR_STRLEN], mac[MACADDR_STRLEN], mir[48];
	const char *ipv[AG_IPS_MAX];
	const struct dp_vif_cfg *vc;
	const struct ag_intf *in;
	struct dp_msg_state st;
	bool have;
	size_t i;

	page_meta_str(pg, "datapath", ag_dp_up(ag->dp) ? "up" : "down");
	page_table(pg, "interfaces", cols, nitems(cols));
	for (in = ag->intfs; in != NULL; in = in->next) {
		for (i = 0; i < in->nips && i < AG_IPS_MAX; i++)
			ipv[i] =
			    ipaddr_print(&in->ips[i], ips[i], sizeof(ips[i]));
		vc = in->vif != 0 ? ag__dp_vif(ag->dp, in->vif) : NULL;
		have = in->vif != 0 &&
		    ag__dp_state(ag->dp, DP_MSG_VIF, in->vif, &st) == 0;
		page_row(pg);
		page_str(pg, in->name);
		page_str(pg, in->tap);
		page_u64(pg, in->vif);
		page_str(pg, macaddr_print(&in->mac, mac, sizeof(mac)));
		page_list(pg, ipv, i);
		page_str(pg, in->vrf != NULL ? in->vrf->ri : "");
		page_str(pg, in->vn);
		page_u64(pg, in->label);
		page_u64(pg, in->vni);
		page_u64(pg, in->nh);
		page_str(pg,
		    vc != NULL ? mirror_flags_text(
				     vc->flags, vc->mirror, mir, sizeof(mir))
			       : "-");
		page_u64(pg, policy_rules(ag->cfg, in));
		cell_u64_or_empty(pg, have, st.ctr.pkts);
		cell_u64_or_empty(pg, have, st.ctr.bytes);
		cell_u64_or_empty(pg, have, st.tx.pkts);
		cell_u64_or_empty(pg, have, st.tx.bytes);
		cell_u64_or_empty(pg, have, st.drop.pkts);
	}
}

/* Local interfaces whose vif mirrors to mirror idx. */
static uint64_t
mirror_users(struct ag *ag, uint32_t idx)
{
	const struct dp_vif_cfg *vc;
	const struct ag_intf *in;
	uint64_t n = 0;

	for (in = ag->intfs; in != NULL; in = in->next)
		if (in->vif != 0 &&
		    (vc = ag__dp_vif(ag->dp, in->vif)) != NULL &&
		    (vc->flags & (DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX)) != 0 &&
		    vc->mirror == idx)
			n++;
	return n;
}

static const char *
mirror_src(enum ag_msrc src)
{
	switch (src) {
	case AG_MSRC_INTERFACE:
		return "interface-mirror";
	case AG_MSRC_POLICY:
		return "policy";
	case AG_MSRC_RULE:
		return "rule";
	case AG_MSRC_TAP_FLOW:
		return "tap-flow";
	}
	return "?";
}

static bool
mirror_wanted(const struct ag_mirror_state *ms, uint32_t idx)
{
	size_t i;

	for (i = 0; ms != NULL && i < ms->n; i++)
		if (ms->v[i].idx == idx)
			return true;
	return false;
}

/*
 * The mirror entries the resolver wants (ag_mprog_state: what they come
 * from, how copies travel, resolved or why not), with what the datapath
 * has at their index (nexthop, counters).
 */
void
ag_page_mirrors(struct ag *ag, struct page *pg)
{
	static const char *const cols[] = {"index", "key", "source", "object",
	    "analyzer", "mode", "instance", "resolved", "enabled", "nexthop",
	    "vni", "source-vn", "interfaces", "copies", "copy-bytes", "skipped",
	    "reason"};
	const struct ag_mirror_state *ms = ag_mprog_state(ag);
	const struct dp_mirror_cfg *mc;
	const struct ag_mentry *e;
	struct dp_msg_state st;
	char buf[NH_TEXT_MAX];
	uint32_t idx;
	bool have;
	size_t i;

	page_meta_str(pg, "source", "mirror resolution and datapath");
	page_table(pg, "mirrors", cols, nitems(cols));
	for (i = 0; ms != NULL && i < ms->n; i++) {
		e = &ms->v[i];
		mc = ag__dp_mirror(ag->dp, e->idx);
		have = mc != NULL &&
		    ag__dp_state(ag->dp, DP_MSG_MIRROR, e->idx, &st) == 0;
		page_row(pg);
		page_u64(pg, e->idx);
		page_str(pg, e->key);
		page_str(pg, mirror_src(e->src));
		page_str(pg, e->object);
		page_str(pg, e->analyzer);
		page_str(pg, ag_mirror_mode_name(e->mode));
		page_str(pg, e->ri);
		page_bool(pg, e->resolved);
		page_bool(pg, !e->off);
		page_str(pg,
		    mc != NULL ? nh_text(ag, mc->nh, buf, sizeof(buf))
			       : "not programmed");
		page_u64(pg, e->vni);
		page_str(pg, e->src_vn);
		page_u64(pg, mirror_users(ag, e->idx));
		cell_u64_or_empty(pg, have, st.ctr.pkts);
		cell_u64_or_empty(pg, have, st.ctr.bytes);
		cell_u64_or_empty(pg, have, st.drop.pkts);
		page_str(pg, e->reason);
	}
	/* what the datapath has that the resolver does not want (a leak) */
	for (idx = 0; idx < DP_MIRROR_MAX; idx++) {
		if ((mc = ag__dp_mirror(ag->dp, idx)) == NULL ||
		    mirror_wanted(ms, idx))
			continue;
		have = ag__dp_state(ag->dp, DP_MSG_MIRROR, idx, &st) == 0;
		page_row(pg);
		page_u64(pg, idx);
		page_str(pg, "");
		page_str(pg, "datapath");
		page_str(pg, "");
		page_str(pg, mc->analyzer);
		page_str(pg,
		    mc->flags & DP_MIRROR_STATIC            ? "static"
			: mc->flags & DP_MIRROR_JUNIPER_HDR ? "header"
							    : "no-header");
		page_str(pg, "");
		page_bool(pg, false);
		page_bool(pg, false);
		page_str(pg, nh_text(ag, mc->nh, buf, sizeof(buf)));
		page_u64(pg, mc->vni);
		page_str(pg, mc->src_vn);
		page_u64(pg, mirror_users(ag, idx));
		cell_u64_or_empty(pg, have, st.ctr.pkts);
		cell_u64_or_empty(pg, have, st.ctr.bytes);
		cell_u64_or_empty(pg, have, st.drop.pkts);
		page_str(pg, "programmed, not wanted by the mirror resolution");
	}
}

static void
h_sessions(const struct intro_req *req, struct page *pg, void *arg)
{
	(void)req;
	ag_page_sessions(arg, pg);
}

static void
h_vrfs(const struct intro_req *req, struct page *pg, void *arg)
{
	(void)req;
	ag_page_vrfs(arg, pg);
}

static void
h_routes(const struct intro_req *req, struct page *pg, void *arg)
{
	const char *vrf = intro_req_subpath(req);

	if (vrf[0] == '\0')
		vrf = intro_req_arg(req, "vrf");
	ag_page_routes(arg, vrf, pg);
}

static void
h_interfaces(const struct intro_req *req, struct page *pg, void *arg)
{
	(void)req;
	ag_page_interfaces(arg, pg);
}

static void
h_mirrors(const struct intro_req *req, struct page *pg, void *arg)
{
	(void)req;
	ag_page_mirrors(arg, pg);
}

void
ag_pages_register(struct intro *in, struct ag *ag)
{
	intro_route(in, "GET", "/xmpp-sessions",
	    "control-node sessions: state, config, routes, End-of-RIB, flaps",
	    h_sessions, ag);
	intro_route(in, "GET", "/vrfs",
	    "VRFs: index, network, VNI, interfaces, routes, why subscribed",
	    h_vrfs, ag);
	intro_route(in, "GET", "/routes",
	    "received routes of a VRF (?vrf=NAME): paths per session and the "
	    "datapath nexthop",
	    h_routes, ag);
	intro_route(in, "GET", "/interfaces",
	    "interfaces: tap, vif, addresses, label, mirror, vrouter counters",
	    h_interfaces, ag);
	intro_route(in, "GET", "/mirrors",
	    "mirror entries programmed: analyzer, mode, nexthop, counters",
	    h_mirrors, ag);
}
