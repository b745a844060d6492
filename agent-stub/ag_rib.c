/*
 * ag_rib.c - the routes the control nodes send, per VRF and per session,
 * and what they become in the datapath.
 *
 * Each route (inet/inet6 prefix, or enet MAC + address) holds one path
 * per session.  The path used is the first session's that has one (two
 * control nodes send the same best paths).  A prefix is programmed with
 * the local interface's encap nexthop when a local interface owns it,
 * else with the path's next-hops: our own address -> the interface of
 * the label, another -> a tunnel nexthop shared by (address, encap,
 * label) (MPLSoUDP when "udp" is listed, else VXLAN), several -> an ECMP
 * composite.  An enet MAC-only route (address 0.0.0.0/32 or none)
 * becomes a bridge entry with the label (VNI).  A lost session's paths
 * go stale and are swept at the next End-of-RIB of any session.
 */
#include "agent-stub/ag_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a route holds in the datapath: the shared nexthops it took. */
struct held {
	size_t n;
	uint32_t nh[AG_ECMP_MAX + 1];
};
/* The table entry: the route and its held references. */
struct rent {
	struct ag_route rt;
	struct held held;
};

struct rkey {
	enum ag_rfam fam;
	const struct prefix *p;
	const struct macaddr *mac;
};

static uint64_t
rhash(enum ag_rfam fam, const struct prefix *p, const struct macaddr *mac)
{
	struct ht_hasher h;
	uint8_t f = (uint8_t)fam;

	ht_hasher_init(&h);
	ht_hasher_add(&h, &f, 1);
	ht_hasher_add(&h, &p->addr.af, sizeof(p->addr.af));
	ht_hasher_add(&h, &p->addr.u, p->addr.af == AF_INET6 ? 16 : 4);
	ht_hasher_add(&h, &p->len, sizeof(p->len));
	if (fam == AG_RT_ENET)
		ht_hasher_add(&h, mac, sizeof(*mac));
	return ht_hasher_final(&h);
}

static bool
req(const struct ht_node *n, const void *key)
{
	const struct ag_route *r = container_of(n, struct ag_route, hn);
	const struct rkey *k = key;

	if (r->fam != k->fam || r->prefix.len != k->p->len ||
	    r->prefix.addr.af != k->p->addr.af ||
	    (k->p->addr.af != 0 &&
		ipaddr_cmp(&r->prefix.addr, &k->p->addr) != 0))
		return false;
	return k->fam != AG_RT_ENET ||
	    memcmp(&r->mac, k->mac, sizeof(r->mac)) == 0;
}

static struct rent *
rfind(const struct ag_vrf *v, enum ag_rfam fam, const struct prefix *p,
    const struct macaddr *mac)
{
	static const struct macaddr zero;
	struct rkey k = {fam, p, mac != NULL ? mac : &zero};
	struct ht_node *n =
	    ht_lookup(&v->routes, rhash(fam, p, k.mac), &k, req);

	return n != NULL ? container_of(n, struct rent, rt.hn) : NULL;
}

void
ag__rib_init(struct ag_vrf *vrf)
{
	ht_init(&vrf->routes, 64);
}

const struct ag_path *
ag_route_best(const struct ag_route *rt)
{
	const struct ag_path *stale = NULL;
	unsigned i;

	/* A live session's path first: a stale one may describe a route
	 * that moved or went while its control node was away. */
	for (i = 0; i < AG_SESS_MAX; i++) {
		if (!rt->path[i].present || rt->path[i].nnh == 0)
			continue;
		if (!rt->path[i].stale)
			return &rt->path[i];
		if (stale == NULL)
			stale = &rt->path[i];
	}
	return stale;
}

const struct ipaddr *
ag_self_ip(const struct ag *ag)
{
	return ag->self.af != 0 ? &ag->self : NULL;
}

static void
held_release(struct ag *ag, struct held *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		ag_dp_nh_unref(ag->dp, h->nh[i]);
	h->n = 0;
}

/* The nexthop of one received next-hop (a ref in h when shared). */
static uint32_t
rnh_resolve(struct ag *ag, struct ag_vrf *v, const struct ag_rnh *nh, bool l2,
    struct held *h)
{
	const struct ag_intf *in;
	enum dp_tun_type tun;
	uint32_t idx, label = nh->label;

	if (ag->self.af != 0 && ipaddr_cmp(&nh->addr, &ag->self) == 0) {
		if (l2)
			return 0; /* local MACs have their own entries */
		in = ag__intf_by_label(ag, nh->label);
		return in != NULL ? in->nh : 0;
	}
	if (nh->addr.af != AF_INET)
		return 0; /* tunnels are IPv4 */
	if (l2 ? (nh->encaps & XMPP_ENCAP_VXLAN) != 0
	       : (nh->encaps & (XMPP_ENCAP_UDP | XMPP_ENCAP_MPLS)) != 0 ||
		    (nh->encaps & XMPP_ENCAP_VXLAN) == 0)
		tun = l2 ? DP_TUN_VXLAN : DP_TUN_MPLSOUDP;
	else
		tun = l2 ? DP_TUN_MPLSOUDP : DP_TUN_VXLAN;
	if (tun == DP_TUN_VXLAN && !l2)
		label = v->vni; /* routed over VXLAN: the VN's VNI */
	if (tun == DP_TUN_MPLSOUDP && label < DP_MPLS_MIN)
		return 0;
	if (label == 0)
		return 0;
	idx = ag_dp_tunnel_ref(ag->dp, nh->addr.u.v4, tun, label);
	if (idx != 0)
		h->nh[h->n++] = idx;
	return idx;
}

/* The nexthop for a path (ECMP composite over several). */
static uint32_t
path_resolve(struct ag *ag, struct ag_vrf *v, const struct ag_path *p, bool l2,
    struct held *h)
{
	uint32_t m[DP_NH_COMP_MAX], idx;
	size_t i, j, n = 0;

	for (i = 0; i < p->nnh && n < DP_NH_COMP_MAX; i++) {
		if ((idx = rnh_resolve(ag, v, &p->nh[i], l2, h)) == 0)
			continue;
		for (j = 0; j < n && m[j] != idx; j++)
			;
		if (j == n)
			m[n++] = idx;
		if (l2)
			break;
	}
	if (n <= 1)
		return n == 1 ? m[0] : 0;
	idx = ag_dp_composite_ref(ag->dp, v->idx, true, m, n);
	if (idx != 0)
		h->nh[h->n++] = idx;
	return idx;
}

static void
route_send(struct ag *ag, struct ag_vrf *v, const struct prefix *p, uint32_t nh,
    bool add)
{
	struct dp_msg m;

	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_ROUTE;
	m.op = add ? DP_MSG_ADD : DP_MSG_DEL;
	m.u.rt.vrf = v->idx;
	m.u.rt.p = *p;
	m.u.rt.nh = nh;
	ag_dp_request(ag->dp, &m);
}

/* Local-only prefixes programmed (no rent): tracked here by VRF index
 * and prefix, so that a delete is sent only for what was added. */
struct lroute {
	struct lroute *next;
	uint32_t vrf;
	struct prefix p;
	uint32_t nh;
};
static struct lroute *lroutes;

static struct lroute **
lfind(uint32_t vrf, const struct prefix *p)
{
	struct lroute **pp;

	for (pp = &lroutes; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->vrf == vrf && (*pp)->p.len == p->len &&
		    ipaddr_cmp(&(*pp)->p.addr, &p->addr) == 0)
			return pp;
	return pp;
}

void
ag__rib_sync_prefix(struct ag *ag, struct ag_vrf *v, const struct prefix *p)
{
	struct rent *e = rfind(v, AG_RT_INET, p, NULL);
	struct lroute **pp = lfind(v->idx, p), *l = *pp;
	const struct ag_path *best;
	struct held h = {0};
	uint32_t nh, cur;

	cur = l != NULL ? l->nh : e != NULL ? e->rt.dp_nh : 0;
	nh = ag__intf_local_nh(ag, v, p);
	if (nh == 0 && e != NULL && (best = ag_route_best(&e->rt)) != NULL)
		nh = path_resolve(ag, v, best, false, &h);
	if (nh != 0 && nh != cur)
		route_send(ag, v, p, nh, true);
	else if (nh == 0 && cur != 0)
		route_send(ag, v, p, 0, false);
	/* Book-keeping: a local route lives in lroutes, a received one in
	 * its rent (with the shared nexthops it holds). */
	if (l != NULL) {
		*pp = l->next;
		free(l);
	}
	if (e != NULL) {
		held_release(ag, &e->held);
		e->held = h;
		e->rt.dp_nh = nh;
	} else {
		held_release(ag, &h);
		if (nh != 0) {
			l = xcalloc(1, sizeof(*l));
			l->vrf = v->idx;
			l->p = *p;
			l->nh = nh;
			l->next = lroutes;
			lroutes = l;
		}
	}
}

void
ag__rib_sync_nh(struct ag *ag, uint32_t nh)
{
	struct ag_vrf *v;
	struct ht_iter it;
	struct ht_node *n;
	struct rent *e;
	struct prefix *ps = NULL;
	size_t np = 0, cap = 0, i;

	for (v = ag->vrfs; v != NULL; v = v->next) {
		np = 0;
		for (n = ht_first(&v->routes, &it); n != NULL;
		     n = ht_next(&it)) {
			e = container_of(n, struct rent, rt.hn);
			if (e->rt.fam != AG_RT_INET || e->rt.dp_nh != nh)
				continue;
			if (np == cap) {
				cap = MAX(8, cap * 2);
				ps = xreallocarray(ps, cap, sizeof(*ps));
			}
			ps[np++] = e->rt.prefix;
		}
		for (i = 0; i < np; i++)
			ag__rib_sync_prefix(ag, v, &ps[i]);
	}
	free(ps);
}

/* An enet MAC-only route -> a bridge entry. */
static void
sync_mac(struct ag *ag, struct ag_vrf *v, struct rent *e)
{
	const struct ag_path *best = ag_route_best(&e->rt);
	struct held h = {0};
	struct dp_msg m;
	uint32_t nh = 0, label = 0;

	if (best != NULL && (nh = path_resolve(ag, v, best, true, &h)) != 0)
		label = best->nh[0].label;
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_BRIDGE;
	m.u.br.vrf = v->idx;
	m.u.br.mac = e->rt.mac;
	if (nh != 0) {
		m.op = DP_MSG_ADD;
		m.u.br.nh = nh;
		m.u.br.label = label;
		ag_dp_request(ag->dp, &m);
	} else if (e->rt.dp_nh != 0) {
		m.op = DP_MSG_DEL;
		ag_dp_request(ag->dp, &m);
	}
	held_release(ag, &e->held);
	e->held = h;
	e->rt.dp_nh = nh;
}

static bool
mac_only(const struct ag_route *r)
{
	return r->fam == AG_RT_ENET &&
	    (r->prefix.addr.af == 0 ||
		(r->prefix.addr.af == AF_INET &&
		    r->prefix.addr.u.v4.s_addr == 0));
}

static void
route_sync(struct ag *ag, struct ag_vrf *v, struct rent *e)
{
	struct prefix p = e->rt.prefix;
	bool gone = ag_route_best(&e->rt) == NULL;
	unsigned i;

	for (i = 0; i < AG_SESS_MAX; i++)
		if (e->rt.path[i].present)
			gone = false;
	if (e->rt.fam == AG_RT_INET)
		ag__rib_sync_prefix(ag, v, &p);
	else if (mac_only(&e->rt))
		sync_mac(ag, v, e);
	if (!gone)
		return;
	/* No path left: the entry goes (after the datapath let go). */
	if (e->rt.fam == AG_RT_INET) {
		held_release(ag, &e->held);
		ht_remove(&v->routes, &e->rt.hn);
		v->nroutes--;
		free(e);
		/* A local route may still stand for the prefix. */
		ag__rib_sync_prefix(ag, v, &p);
		return;
	}
	held_release(ag, &e->held);
	ht_remove(&v->routes, &e->rt.hn);
	v->nroutes--;
	free(e);
}

static void
notify(struct ag *ag, struct ag_vrf *v)
{
	if (ag->hooks.routes_changed != NULL)
		ag->hooks.routes_changed(ag, v->ri, ag->hooks.arg);
}

static void
item_set(struct ag *ag, struct ag_vrf *v, unsigned sess,
    const struct xmpp_item *it, bool add)
{
	enum ag_rfam fam =
	    it->family == XMPP_ITEM_ENET ? AG_RT_ENET : AG_RT_INET;
	struct ag_path *p;
	struct rent *e;
	size_t i;

	e = rfind(v, fam, &it->prefix, fam == AG_RT_ENET ? &it->mac : NULL);
	if (e == NULL) {
		if (!add)
			return;
		e = xcalloc(1, sizeof(*e));
		e->rt.fam = fam;
		e->rt.prefix = it->prefix;
		if (fam == AG_RT_ENET)
			e->rt.mac = it->mac;
		ht_insert(&v->routes, &e->rt.hn,
		    rhash(
			fam, &it->prefix, fam == AG_RT_ENET ? &it->mac : NULL));
		v->nroutes++;
	}
	p = &e->rt.path[sess];
	memset(p, 0, sizeof(*p));
	if (add) {
		p->present = true;
		for (i = 0; i < it->nnh && p->nnh < AG_ECMP_MAX; i++) {
			p->nh[p->nnh].addr = it->nh[i].addr;
			p->nh[p->nnh].label = it->nh[i].label;
			p->nh[p->nnh++].encaps = it->nh[i].encaps;
		}
	}
	route_sync(ag, v, e);
}

/* Sweeps stale paths of sessions that are down or of sess (its EoR). */
static void
sweep(struct ag *ag, unsigned sess)
{
	struct ht_iter it;
	struct ht_node *n, *next;
	struct ag_vrf *v;
	struct rent *e;
	unsigned i;
	size_t swept;
	bool changed;

	for (v = ag->vrfs; v != NULL; v = v->next) {
		swept = 0;
		for (n = ht_first(&v->routes, &it); n != NULL; n = next) {
			next = ht_next(&it);
			e = container_of(n, struct rent, rt.hn);
			changed = false;
			for (i = 0; i < AG_SESS_MAX; i++) {
				if (!e->rt.path[i].stale ||
				    (i != sess && ag->sess[i].conn != NULL))
					continue;
				memset(
				    &e->rt.path[i], 0, sizeof(e->rt.path[i]));
				changed = true;
			}
			if (changed) {
				swept++;
				route_sync(ag, v, e);
			}
		}
		if (swept > 0) {
			log_info(
			    "vrf %s: %zu stale routes swept", v->ri, swept);
			notify(ag, v);
		}
	}
}

void
ag__rib_sess_down(struct ag *ag, unsigned sess)
{
	struct ht_iter it;
	struct ht_node *n;
	struct ag_vrf *v;
	struct rent *e;
	unsigned i;

	for (v = ag->vrfs; v != NULL; v = v->next)
		for (n = ht_first(&v->routes, &it); n != NULL;
		     n = ht_next(&it)) {
			e = container_of(n, struct rent, rt.hn);
			if (e->rt.path[sess].present)
				e->rt.path[sess].stale = true;
		}
	/* Another session up that has sent its End-of-RIB holds the whole
	 * table already: the lost one's paths can go now (the datapath
	 * keeps the same nexthops where both agreed).  Else they stay
	 * until a session's End-of-RIB (headless when none is up). */
	for (i = 0; i < ag->nsess; i++)
		if (i != sess && ag->sess[i].conn != NULL &&
		    ag->sess[i].eor_rcvd) {
			log_info("session %s: its routes are replaced by "
				 "session %s's",
			    ag->sess[sess].addr, ag->sess[i].addr);
			sweep(ag, sess);
			return;
		}
}

void
ag__rib_message(struct ag_sess *s, const struct xmpp_node *st)
{
	struct ag *ag = s->ag;
	const struct xmpp_node *items = xmpp_node_find(st, "items"), *c;
	char vrf[XMPP_NAME_MAX], err[160];
	enum xmpp_item_family fam;
	const char *node, *id;
	struct ag_vrf *v;
	bool any = false;

	if (items == NULL || (node = xmpp_node_attr(items, "node")) == NULL)
		return;
	if (strcmp(node, XMPP_EOR_NODE) == 0) {
		log_info("session %s: End-of-RIB received", s->addr);
		s->eor_rcvd = true;
		sweep(ag, s->i);
		return;
	}
	if (xmpp_items_node_parse(node, &fam, vrf, sizeof(vrf)) != 0) {
		log_warnx(
		    "session %s: items node '%.64s' ignored", s->addr, node);
		s->bad++;
		return;
	}
	if ((v = ag__vrf_find(ag, vrf)) == NULL)
		return; /* not (or no longer) ours */
	for (c = items->child; c != NULL; c = c->next) {
		if (xmpp_node_is(c, "item")) {
			if (xmpp_item_parse(
				c, fam, &ag->item, err, sizeof(err)) != 0) {
				log_warnx("session %s: item in %s ignored: %s",
				    s->addr, vrf, err);
				s->bad++;
				continue;
			}
			s->items++;
			item_set(ag, v, s->i, &ag->item, true);
			any = true;
		} else if (xmpp_node_is(c, "retract") &&
		    (id = xmpp_node_attr(c, "id")) != NULL) {
			if (xmpp_item_id_parse(id, fam, &ag->item) != 0) {
				s->bad++;
				continue;
			}
			s->retracts++;
			item_set(ag, v, s->i, &ag->item, false);
			any = true;
		}
	}
	if (any)
		notify(ag, v);
}

/* Clears the host bits of p. */
static void
mask(struct prefix *p)
{
	uint8_t *b = p->addr.af == AF_INET ? (uint8_t *)&p->addr.u.v4
					   : (uint8_t *)&p->addr.u.v6;
	unsigned i, bits = p->addr.af == AF_INET ? 32 : 128;

	for (i = p->len; i < bits; i++)
		b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

const struct ag_route *
ag_rib_lookup(const struct ag *ag, const char *ri, const struct ipaddr *ip)
{
	const struct ag_vrf *v = ag__vrf_find(ag, ri);
	struct prefix p;
	struct rent *e;
	int len;

	if (v == NULL || (ip->af != AF_INET && ip->af != AF_INET6))
		return NULL;
	for (len = ip->af == AF_INET ? 32 : 128; len >= 0; len--) {
		memset(&p, 0, sizeof(p));
		p.addr = *ip;
		p.len = (uint8_t)len;
		mask(&p);
		if ((e = rfind(v, AG_RT_INET, &p, NULL)) != NULL &&
		    ag_route_best(&e->rt) != NULL)
			return &e->rt;
	}
	return NULL;
}

const struct ag_route *
ag_rib_lookup_mac(
    const struct ag *ag, const char *ri, const struct macaddr *mac)
{
	const struct ag_vrf *v = ag__vrf_find(ag, ri);
	struct ht_iter it;
	struct ht_node *n;
	const struct ag_route *r, *any = NULL;

	if (v == NULL)
		return NULL;
	for (n = ht_first(&v->routes, &it); n != NULL; n = ht_next(&it)) {
		r = container_of(n, struct ag_route, hn);
		if (r->fam != AG_RT_ENET ||
		    memcmp(&r->mac, mac, sizeof(*mac)) != 0 ||
		    ag_route_best(r) == NULL)
			continue;
		if (mac_only(r))
			return r;
		any = r;
	}
	return any;
}

void
ag__rib_fini(struct ag *ag, struct ag_vrf *v)
{
	struct ht_iter it;
	struct ht_node *n;
	struct rent *e;
	struct lroute **pp, *l;

	while ((n = ht_first(&v->routes, &it)) != NULL) {
		e = container_of(n, struct rent, rt.hn);
		if (ag != NULL) {
			memset(e->rt.path, 0, sizeof(e->rt.path));
			route_sync(ag, v, e); /* frees e */
		} else {
			ht_remove(&v->routes, n);
			free(e);
		}
	}
	ht_fini(&v->routes);
	for (pp = &lroutes; *pp != NULL;) {
		l = *pp;
		if (l->vrf == v->idx) {
			*pp = l->next;
			free(l);
		} else
			pp = &l->next;
	}
}
