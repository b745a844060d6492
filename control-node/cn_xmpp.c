/*
 * cn_xmpp.c - the control node's channel for vRouter agents (Contrail's
 * BgpXmppChannel, reference/contrail-protocol.md 1-2).  Agents, keyed by
 * stream name, subscribe instances (pending until configured), publish
 * routes as publish + collection pairs (paths with RD <nh>:<instance-id>)
 * and get every route of their instances back as <message> items from
 * table listeners (ECMP as next-hops, their own routes included), plus
 * RT-constraint routes per subscription and the GR helper.  Config
 * channel: cn_xmpp_cfg.c; pages: cn_xmpp_pages.c.  Loop thread only.
 */
#include "control-node/cn_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void agent_kick(struct cx_agent *ag);
static void sub_activate(struct cx_agent *ag, struct cx_sub *sub);

static const enum rt_family fam_rt[CX_NFAM] = {RT_INET, RT_INET6, RT_EVPN};
static const enum xmpp_item_family fam_xmpp[CX_NFAM] = {
    XMPP_ITEM_INET, XMPP_ITEM_INET6, XMPP_ITEM_ENET};

/* Encapsulation names on the wire and as extended communities. */
static const struct {
	uint8_t xmpp;
	enum ecomm_encap ecomm;
} encaps[] = {
    {XMPP_ENCAP_GRE, ECOMM_ENCAP_GRE},
    {XMPP_ENCAP_UDP, ECOMM_ENCAP_MPLS_UDP},
    {XMPP_ENCAP_MPLS, ECOMM_ENCAP_MPLS},
    {XMPP_ENCAP_NATIVE, ECOMM_ENCAP_NATIVE},
    {XMPP_ENCAP_VXLAN, ECOMM_ENCAP_VXLAN},
};

static struct cx *
cx_of(const struct cn_proto *p)
{
	return container_of(p, struct cx, proto);
}

static uint64_t
now_ms(const struct cx *cx)
{
	return uv_now(cx->loop);
}

const char *
cx__agent_state(const struct cx_agent *ag)
{
	if (ag->state == CXA_STALE)
		return "Stale (graceful restart)";
	if (ag->conn == NULL)
		return "Idle";
	return xmpp_state_name(xmpp_conn_state(ag->conn));
}

/* ------------------------------------------------------------------ */
/* Agents and subscriptions                                            */
/* ------------------------------------------------------------------ */

static bool
agent_eq(const struct ht_node *n, const void *key)
{
	return strcmp(container_of(n, struct cx_agent, hnode)->name, key) == 0;
}

static struct cx_agent *
agent_lookup(const struct cx *cx, const char *name)
{
	struct ht_node *n =
	    ht_lookup(&cx->agents, ht_hash_str(name), name, agent_eq);

	return n != NULL ? container_of(n, struct cx_agent, hnode) : NULL;
}

static int
agent_cmp(const void *a, const void *b)
{
	return strcmp((*(struct cx_agent *const *)a)->name,
	    (*(struct cx_agent *const *)b)->name);
}

struct cx_agent **
cx__agents_sorted(const struct cx *cx, size_t *n)
{
	struct cx_agent **v = xreallocarray(NULL, cx->nagents + 1, sizeof(*v));
	struct ht_iter it;
	struct ht_node *hn;
	size_t i = 0;

	for (hn = ht_first(&cx->agents, &it); hn != NULL; hn = ht_next(&it))
		v[i++] = container_of(hn, struct cx_agent, hnode);
	qsort(v, i, sizeof(*v), agent_cmp);
	*n = i;
	return v;
}

static size_t
sub_pos(const struct cx_agent *ag, const char *name, bool *found)
{
	size_t lo = 0, hi = ag->nsubs, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, ag->subs[mid]->name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static struct cx_sub *
sub_lookup(const struct cx_agent *ag, const char *name)
{
	bool found;
	size_t i = sub_pos(ag, name, &found);

	return found ? ag->subs[i] : NULL;
}

static void
pub_free(struct cx_pub *pub)
{
	if (pub == NULL)
		return;
	free(pub->node);
	free(pub);
}

/* Stops feeding a subscription (its tables are going, or it is). */
static void
sub_deactivate(struct cx_sub *sub)
{
	unsigned f;

	for (f = 0; f < CX_NFAM; f++) {
		rt_unlisten(sub->lsn[f]);
		sub->lsn[f] = NULL;
		bitset_fini(&sub->sent[f]);
	}
}

/* Removes the agent's paths from the subscription's instance. */
static void
sub_flush(struct cx_agent *ag, struct cx_sub *sub, uint16_t flag)
{
	unsigned f;

	if (sub->ri == NULL)
		return;
	for (f = 0; f < CX_NFAM; f++)
		if (ri_table(sub->ri, fam_rt[f]) != NULL)
			rt_table_flush(
			    ri_table(sub->ri, fam_rt[f]), ag->src, flag);
}

static void
sub_free(struct cx_agent *ag, struct cx_sub *sub)
{
	struct cx_pub *p, *next;

	sub_deactivate(sub);
	for (p = sub->defer; p != NULL; p = next) {
		next = p->next;
		pub_free(p);
		ag->ndefer--;
	}
	free(sub->name);
	free(sub);
}

/* Unlinks and frees subscription i, withdrawing the agent's paths. */
static void
sub_remove(struct cx_agent *ag, size_t i)
{
	struct cx_sub *sub = ag->subs[i];

	sub_flush(ag, sub, 0);
	memmove(&ag->subs[i], &ag->subs[i + 1],
	    (ag->nsubs - i - 1) * sizeof(*ag->subs));
	ag->nsubs--;
	sub_free(ag, sub);
}

/* ------------------------------------------------------------------ */
/* RT constraint (reference 4.5)                                       */
/* ------------------------------------------------------------------ */

static struct rt_table *
rtc_table(const struct cx *cx)
{
	return ri_table(ri_mgr_master(cn_node_ri_mgr(cx->node)), RT_RTARGET);
}

static void
rtc_key(const struct cx *cx, uint64_t rt, struct rt_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = RT_RTARGET;
	k->origin_as = cn_node_asn(cx->node);
	k->rtarget = rt;
	k->rt_plen = 96;
}

/* This node as a next hop: its bgp-router address, else its router id. */
static void
self_nexthop(const struct cx *cx, struct ipaddr *nh)
{
	const struct schema_bgp_router *self = cn_node_self(cx->node);

	memset(nh, 0, sizeof(*nh));
	if (self != NULL && self->address.af != 0) {
		*nh = self->address;
		return;
	}
	nh->af = AF_INET;
	nh->u.v4.s_addr = htonl(cn_node_router_id(cx->node));
}

/*
 * Makes the agent's RT-constraint paths the import targets of its active
 * subscriptions: one <asn>:<target> route each, next hop this node.
 */
static void
agent_rtc_update(struct cx_agent *ag)
{
	struct cx *cx = ag->cx;
	struct rt_table *t = rtc_table(cx);
	const uint64_t *v;
	uint64_t *rts = NULL;
	size_t i, j, n = 0, nv;
	struct attr a, *ia = NULL;
	struct rt_key k;

	for (i = 0; i < ag->nsubs; i++) {
		if (ag->subs[i]->ri == NULL || ri_is_master(ag->subs[i]->ri))
			continue;
		v = ri_import_rts(ag->subs[i]->ri, &nv);
		rts = xreallocarray(rts, n + nv + 1, sizeof(*rts));
		memcpy(rts + n, v, nv * sizeof(*v));
		n += nv;
	}
	n = u64_sort_unique(rts, n);
	if (t == NULL)
		goto done;
	if (n > 0) {
		memset(&a, 0, sizeof(a));
		a.origin = ATTR_ORIGIN_IGP;
		self_nexthop(cx, &a.nexthop);
		ia = attr_intern(&a);
	}
	/* Withdraw what went; (re)add the rest (an unchanged path is a
	 * no-op, and a re-add clears a stale flag). */
	for (i = j = 0; i < ag->nrtc; i++) {
		while (j < n && rts[j] < ag->rtc[i])
			j++;
		if (j < n && rts[j] == ag->rtc[i])
			continue;
		rtc_key(cx, ag->rtc[i], &k);
		rt_withdraw(t, &k, ag->src);
	}
	for (i = 0; i < n; i++) {
		rtc_key(cx, rts[i], &k);
		rt_update(t, &k, ag->src, ia, 0, 0);
	}
	attr_unref(ia);
done:
	free(ag->rtc);
	ag->rtc = rts;
	ag->nrtc = n;
}

/* ------------------------------------------------------------------ */
/* Routes from the agent                                               */
/* ------------------------------------------------------------------ */

static const struct macaddr mac_bcast = {
    .b = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static bool
mac_is_zero(const struct macaddr *m)
{
	static const struct macaddr zero;

	return memcmp(m, &zero, sizeof(zero)) == 0;
}

/*
 * The instance-independent part of an item (Contrail's ProcessItem and
 * ProcessEnetItem): the key and the attributes, copied out of the scratch
 * item into pub.  false with pub->why when the item cannot be a route.
 */
static bool
pub_from_item(const struct xmpp_item *it, struct cx_pub *pub)
{
	struct rt_key *k = &pub->key;
	const struct xmpp_nexthop *nh = &it->nh[0];

	memset(k, 0, sizeof(*k));
	pub->nnh = it->nnh;
	if (it->nnh == 0) {
		snprintf(pub->why, sizeof(pub->why), "no next-hop");
		return false;
	}
	switch (it->family) {
	case XMPP_ITEM_INET:
	case XMPP_ITEM_INET6:
		k->family = it->family == XMPP_ITEM_INET ? RT_INET : RT_INET6;
		k->prefix = it->prefix;
		break;
	case XMPP_ITEM_ENET:
		k->family = RT_EVPN;
		k->eth_tag = it->eth_tag;
		if (it->has_group) {
			snprintf(pub->why, sizeof(pub->why),
			    "multicast (SMET) routes are not supported");
			return false;
		}
		if (memcmp(&it->mac, &mac_bcast, sizeof(mac_bcast)) == 0) {
			/* The broadcast MAC: this vRouter's inclusive
			 * multicast route (reference 2.5). */
			k->evpn_type = RT_EVPN_IMET;
			k->ip = nh->addr;
		} else if (!mac_is_zero(&it->mac)) {
			k->evpn_type = RT_EVPN_MAC_IP;
			k->mac = it->mac;
			if (it->prefix.addr.af != 0 &&
			    !ipaddr_is_unspecified(&it->prefix.addr)) {
				if (it->prefix.len !=
				    (it->prefix.addr.af == AF_INET ? 32
								   : 128)) {
					snprintf(pub->why, sizeof(pub->why),
					    "a MAC route needs a host "
					    "address, not /%u",
					    it->prefix.len);
					return false;
				}
				k->ip = it->prefix.addr;
			}
		} else {
			if (it->prefix.addr.af == 0) {
				snprintf(pub->why, sizeof(pub->why),
				    "no MAC and no prefix");
				return false;
			}
			k->evpn_type = RT_EVPN_PREFIX;
			k->prefix = it->prefix;
		}
		break;
	}
	pub->safi = it->safi;
	pub->label = nh->label;
	pub->nh = nh->addr;
	pub->has_nh_mac = nh->has_mac && !mac_is_zero(&nh->mac);
	pub->nh_mac = nh->mac;
	pub->encaps = nh->encaps;
	pub->local_pref = it->local_pref;
	pub->med = it->med;
	pub->has_mobility = it->has_mobility || it->seqno != 0;
	pub->sticky = it->sticky;
	pub->seqno = it->seqno;
	pub->ntags = MIN(nh->ntags, XMPP_ITEM_MAX_LIST);
	memcpy(pub->tags, nh->tags, pub->ntags * sizeof(pub->tags[0]));
	pub->nsg = MIN(it->nsg, XMPP_ITEM_MAX_LIST);
	memcpy(pub->sg, it->sg, pub->nsg * sizeof(pub->sg[0]));
	pub->ncomm = MIN(it->ncomm, XMPP_ITEM_MAX_LIST);
	memcpy(pub->comm, it->comm, pub->ncomm * sizeof(pub->comm[0]));
	return true;
}

/* Contrail's GetMedFromLocalPref. */
static uint32_t
med_from_local_pref(uint32_t lp)
{
	if (lp == 100)
		return 200;
	if (lp == 200)
		return 100;
	return UINT32_MAX - lp;
}

/*
 * The attributes of a published route in sub's instance, +1 ref; NULL
 * with why when the instance refuses it (label rules, next hop).
 */
/* The SourceRD of an agent's path: <nh>:<instance-id> in a VRF, in the
 * fabric instance <nh>:<primary id> when the node named one, else zero.
 * The next hop is IPv4 (pub_attr's check). */
static void
pub_source_rd(
    const struct cx_pub *pub, const struct cx_sub *sub, struct rt_rd *rd)
{
	uint32_t v4 = ntohl(pub->nh.u.v4.s_addr);

	memset(rd, 0, sizeof(*rd));
	if (!ri_is_master(sub->ri))
		rt_rd_make_ip(rd, v4, (uint16_t)sub->instance_id);
	else if (pub->has_primary)
		rt_rd_make_ip(rd, v4, (uint16_t)pub->primary_id);
}

static struct attr *
pub_attr(const struct cx *cx, const struct cx_pub *pub,
    const struct cx_sub *sub, uint16_t *flags, char *why, size_t whylen)
{
	uint64_t ecomm[3 * XMPP_ITEM_MAX_LIST + 8];
	uint8_t pmsi[9];
	uint32_t asn = cn_node_asn(cx->node);
	bool master = ri_is_master(sub->ri), feasible = false;
	size_t ne = 0, i;
	struct attr a;

	*flags = 0;
	if (pub->nnh != 1) {
		snprintf(why, whylen, "%zu next-hops (exactly one expected)",
		    pub->nnh);
		return NULL;
	}
	if (pub->label > XMPP_LABEL_MAX) {
		snprintf(
		    why, whylen, "label %" PRIu32 " out of range", pub->label);
		return NULL;
	}
	if (pub->fam != XMPP_ITEM_ENET) {
		if (!master && pub->label == 0) {
			snprintf(why, whylen, "label 0 in a virtual network");
			return NULL;
		}
		if (master && pub->label != 0 && pub->safi != XMPP_SAFI_MPLS) {
			snprintf(why, whylen,
			    "label %" PRIu32 " in the fabric instance",
			    pub->label);
			return NULL;
		}
	}
	if (pub->nh.af != AF_INET) {
		snprintf(why, whylen, "the next hop must be IPv4");
		return NULL;
	}
	memset(&a, 0, sizeof(a));
	a.origin = ATTR_ORIGIN_IGP;
	a.nexthop = pub->nh;
	pub_source_rd(pub, sub, &a.source_rd);
	if (pub->local_pref != 0) {
		a.flags |= ATTR_F_LOCAL_PREF;
		a.local_pref = pub->local_pref;
	}
	a.flags |= ATTR_F_MED;
	a.med =
	    pub->med != 0 ? pub->med : med_from_local_pref(attr_local_pref(&a));
	/* Encapsulations: vxlan means nothing to an inet route. */
	for (i = 0; i < nitems(encaps); i++)
		if ((pub->encaps & encaps[i].xmpp) &&
		    (encaps[i].xmpp != XMPP_ENCAP_VXLAN ||
			pub->fam == XMPP_ITEM_ENET))
			ecomm[ne++] = ecomm_encap(encaps[i].ecomm);
	feasible = ne > 0;
	if (pub->encaps == 0)
		feasible = true; /* none listed: nothing to refuse */
	if (!feasible)
		*flags |= RT_PATH_INFEASIBLE;
	if (pub->has_nh_mac)
		ecomm[ne++] = ecomm_router_mac(&pub->nh_mac);
	for (i = 0; i < pub->ntags; i++)
		ecomm[ne++] = ecomm_tag(pub->tags[i]);
	for (i = 0; i < pub->nsg; i++)
		if (ecomm_security_group(asn, pub->sg[i]) != 0)
			ecomm[ne++] = ecomm_security_group(asn, pub->sg[i]);
	if (pub->has_mobility && (pub->seqno != 0 || pub->sticky))
		ecomm[ne++] = ecomm_mac_mobility(pub->seqno, pub->sticky);
	a.ecomm = ecomm;
	a.necomm = (uint16_t)ne;
	a.comm = pub->comm;
	a.ncomm = (uint16_t)pub->ncomm;
	if (pub->key.family == RT_EVPN && pub->key.evpn_type == RT_EVPN_IMET) {
		/* PMSI: ingress replication to this vRouter (RFC 6514
		 * 5): the label in the high 20 bits, or the VNI. */
		uint32_t l = (pub->encaps & XMPP_ENCAP_VXLAN) ? pub->label
							      : pub->label << 4;

		pmsi[0] = 0;
		pmsi[1] = 6;
		pmsi[2] = (uint8_t)(l >> 16);
		pmsi[3] = (uint8_t)(l >> 8);
		pmsi[4] = (uint8_t)l;
		memcpy(&pmsi[5], &pub->nh.u.v4, 4);
		a.pmsi = pmsi;
		a.pmsi_len = sizeof(pmsi);
	}
	return attr_intern(&a);
}

static void agent_close(struct cx_agent *ag, const char *fmt, ...)
    PRINTFLIKE(2, 3);

static void
agent_close(struct cx_agent *ag, const char *fmt, ...)
{
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_peer_warnx(ag->name, "xmpp: closing the session: %s", reason);
	str_lcpy(ag->last_reason, reason, sizeof(ag->last_reason));
	if (ag->conn != NULL)
		xmpp_conn_close(ag->conn, reason);
}

/* A publish + collection pair for an active subscription. */
static void
route_apply(struct cx_agent *ag, struct cx_sub *sub, const struct cx_pub *pub)
{
	struct rt_table *t = ri_table(sub->ri, pub->key.family);
	char why[128], key[RT_KEY_STRLEN];
	struct attr *a;
	uint16_t flags;

	if (t == NULL) {
		log_peer_warnx(ag->name, "xmpp: %s has no %s table", sub->name,
		    rt_family_name(pub->key.family));
		return;
	}
	if (!pub->add) {
		if (rt_withdraw(t, &pub->key, ag->src) == 0)
			ag->withdraws_in++;
		return;
	}
	if ((a = pub_attr(ag->cx, pub, sub, &flags, why, sizeof(why))) ==
	    NULL) {
		ag->bad_items++;
		log_peer_warnx(ag->name, "xmpp: %s route %s dropped: %s",
		    sub->name,
		    rt_key_print(&pub->key, key, sizeof(key)) ? key : "?", why);
		return;
	}
	rt_update(t, &pub->key, ag->src, a, pub->label, flags);
	attr_unref(a);
	ag->routes_in++;
}

/* Routes received for a pending instance wait in the subscription. */
static void
route_defer(struct cx_agent *ag, struct cx_sub *sub, struct cx_pub *pub)
{
	if (ag->ndefer >= CX_DEFER_MAX) {
		ag->bad_items++;
		log_peer_warnx(ag->name,
		    "xmpp: %zu routes already wait for instances not "
		    "configured; dropping one for %s",
		    ag->ndefer, sub->name);
		pub_free(pub);
		return;
	}
	pub->next = NULL;
	if (sub->defer == NULL)
		sub->defer_tail = &sub->defer;
	*sub->defer_tail = pub;
	sub->defer_tail = &pub->next;
	sub->ndefer++;
	ag->ndefer++;
}

/* ------------------------------------------------------------------ */
/* Graceful restart (helper for agents)                                */
/* ------------------------------------------------------------------ */

static bool
gr_helper(const struct cx *cx)
{
	return cx->gr.enable && cx->gr.xmpp_helper &&
	    (cx->gr.restart_time != 0 || cx->gr.llgr_time != 0);
}

/* Removes what a restarted agent has not renewed: stale paths, and
 * subscriptions it has not made again. */
static void
agent_sweep(struct cx_agent *ag, const char *why)
{
	size_t i, n = 0;
	struct rt_table *t;

	if (ag->stale_until_ms == 0)
		return;
	ag->stale_until_ms = 0;
	for (i = ag->nsubs; i-- > 0;) {
		if (ag->subs[i]->stale) {
			sub_remove(ag, i);
			continue;
		}
		sub_flush(ag, ag->subs[i], RT_PATH_STALE);
	}
	if ((t = rtc_table(ag->cx)) != NULL)
		n = rt_table_flush(t, ag->src, RT_PATH_STALE);
	(void)n;
	agent_rtc_update(ag);
	log_peer_info(ag->name, "xmpp: stale routes swept (%s)", why);
}

/* ------------------------------------------------------------------ */
/* Export to the agent                                                 */
/* ------------------------------------------------------------------ */

bool
cx__send(struct cx_agent *ag, const struct wbuf *w)
{
	if (ag->conn == NULL || w->len == 0)
		return false;
	if (xmpp_conn_send(ag->conn, w->data, w->len) != 0)
		return false;
	ag->msgs_out++;
	return true;
}

/* The name of the network with index idx (OriginVn), or NULL. */
static const char *
vn_by_index(const struct cx *cx, uint32_t idx)
{
	size_t lo = 0, hi = cx->nvn, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cx->vn_idx[mid] == idx)
			return cx->vn_name[mid];
		if (cx->vn_idx[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The origin VN of a path: OriginVn, else the instance's own network;
 * "unresolved" for an index nobody has (reference 2.7). */
static const char *
path_vn(const struct cx *cx, const struct cx_sub *sub, const struct attr *a)
{
	uint32_t asn, idx;
	const char *vn;
	unsigned i;

	for (i = 0; i < a->necomm; i++) {
		if (ecomm_get_origin_vn(a->ecomm[i], &asn, &idx) != 0)
			continue;
		if (idx == 0)
			break;
		vn = vn_by_index(cx, idx);
		return vn != NULL ? vn : "unresolved";
	}
	return ri_vn(sub->ri);
}

static void
nh_from_path(const struct cx *cx, const struct cx_sub *sub,
    const struct rt_path *p, struct xmpp_nexthop *nh)
{
	const struct attr *a = p->attr;
	enum ecomm_encap enc;
	uint32_t tag;
	unsigned i, j;

	memset(nh, 0, sizeof(*nh));
	nh->addr = a->nexthop;
	nh->label = p->label;
	for (i = 0; i < a->necomm; i++) {
		if (ecomm_get_encap(a->ecomm[i], &enc) == 0) {
			for (j = 0; j < nitems(encaps); j++)
				if (encaps[j].ecomm == enc)
					nh->encaps |= encaps[j].xmpp;
		} else if (ecomm_get_router_mac(a->ecomm[i], &nh->mac) == 0)
			nh->has_mac = true;
		else if (ecomm_get_tag(a->ecomm[i], &tag) == 0 &&
		    nh->ntags < XMPP_ITEM_MAX_LIST)
			nh->tags[nh->ntags++] = tag;
	}
	if (nh->encaps == 0 && nh->label != 0)
		nh->encaps = XMPP_ENCAP_GRE; /* as Contrail */
	str_lcpy(nh->vn, path_vn(cx, sub, a), sizeof(nh->vn));
}

/* The key fields of an agent item (its id) for a route of family f. */
static void
item_key(struct xmpp_item *it, unsigned f, const struct rt_key *k)
{
	memset(it, 0, offsetof(struct xmpp_item, nh));
	it->family = fam_xmpp[f];
	it->version = 1;
	switch (k->family) {
	case RT_INET:
		it->afi = XMPP_AFI_IP;
		it->safi = XMPP_SAFI_UNICAST;
		it->prefix = k->prefix;
		break;
	case RT_INET6:
		it->afi = XMPP_AFI_IP6;
		it->safi = XMPP_SAFI_UNICAST;
		it->prefix = k->prefix;
		break;
	default:
		it->afi = XMPP_AFI_L2VPN;
		it->safi = XMPP_SAFI_ENET;
		it->eth_tag = k->eth_tag;
		if (k->evpn_type == RT_EVPN_MAC_IP) {
			it->mac = k->mac;
			if (k->ip.af != 0) {
				it->prefix.addr = k->ip;
				it->prefix.len = k->ip.af == AF_INET ? 32 : 128;
			} else {
				it->prefix.addr.af = AF_INET;
				it->prefix.len = 32;
			}
		} else
			it->prefix = k->prefix;
		break;
	}
}

/*
 * The item an agent gets for e: the best path's attributes and one
 * next-hop per path of the ECMP set (duplicates dropped).  false when
 * there is nothing to send (no feasible path: a retract) or the route
 * is not for agents (EVPN inclusive multicast).
 */
static bool
entry_item(struct cx *cx, const struct cx_sub *sub, unsigned f,
    const struct rt_entry *e, bool *skip)
{
	struct xmpp_item *it = &cx->item;
	const struct rt_path *p, *best = NULL;
	const struct attr *a;
	struct xmpp_nexthop *nh;
	struct rt_key k;
	uint32_t asn, id, seq;
	bool sticky;
	size_t i;
	unsigned j;

	*skip = false;
	rt_entry_key(e, &k);
	if (k.family == RT_EVPN && k.evpn_type == RT_EVPN_IMET) {
		*skip = true;
		return false;
	}
	for (p = rt_entry_paths(e); p != NULL; p = p->next)
		if ((p->flags & RT_PATH_BEST) &&
		    !(p->flags & RT_PATH_INFEASIBLE)) {
			best = p;
			break;
		}
	if (best == NULL)
		return false;
	item_key(it, f, &k);
	/* The ECMP set: next-hops in path order, without duplicates. */
	for (p = best; p != NULL && it->nnh < XMPP_ITEM_MAX_NH; p = p->next) {
		if (p != best && !(p->flags & RT_PATH_ECMP))
			continue;
		if (p->flags & RT_PATH_INFEASIBLE)
			continue;
		for (i = 0; i < it->nnh; i++)
			if (ipaddr_cmp(&it->nh[i].addr, &p->attr->nexthop) ==
				0 &&
			    it->nh[i].label == p->label)
				break;
		if (i < it->nnh)
			continue;
		nh = &it->nh[it->nnh++];
		nh_from_path(cx, sub, p, nh);
	}
	a = best->attr;
	str_lcpy(it->vn, path_vn(cx, sub, a), sizeof(it->vn));
	it->local_pref = attr_local_pref(a);
	it->med = (a->flags & ATTR_F_MED) ? a->med : 0;
	for (j = 0; j < a->necomm; j++) {
		if (ecomm_get_mac_mobility(a->ecomm[j], &seq, &sticky) == 0) {
			it->has_mobility = true;
			it->seqno = MAX(it->seqno, seq);
			it->sticky = it->sticky || sticky;
		} else if (ecomm_get_security_group(a->ecomm[j], &asn, &id) ==
			0 &&
		    asn == cn_node_asn(cx->node) &&
		    it->nsg < XMPP_ITEM_MAX_LIST)
			it->sg[it->nsg++] = id;
	}
	for (j = 0; j < a->ncomm && it->ncomm < XMPP_ITEM_MAX_LIST; j++)
		it->comm[it->ncomm++] = a->comm[j];
	return true;
}

/* Messages under construction for one table of one subscription. */
struct cx_out {
	struct cx_agent *ag;
	const char *node; /* "1/1/<vrf>" */
	size_t nitems, nretracts;
	bool stuck; /* a send did not go (queue full) */
};

/* Ends and sends the message in w holding *count items or retracts. */
static void
out_flush(struct cx_out *o, struct wbuf *w, size_t *count)
{
	if (*count == 0)
		return;
	xmpp_msg_end(w);
	if (!cx__send(o->ag, w))
		o->stuck = true;
	wbuf_reset(w);
	*count = 0;
}

static void
out_flush_items(struct cx_out *o)
{
	out_flush(o, &o->ag->cx->msg, &o->nitems);
}

static void
out_flush_retracts(struct cx_out *o)
{
	out_flush(o, &o->ag->cx->rmsg, &o->nretracts);
}

static void
out_begin(struct cx_out *o, struct wbuf *w)
{
	char to[XMPP_NAME_MAX + 16];

	snprintf(to, sizeof(to), "%s/%s", o->ag->name, XMPP_RES_BGP);
	xmpp_msg_begin(w, XMPP_CONTROL_JID, to, o->node);
}

static void
export_entry(
    struct cx_out *o, struct cx_sub *sub, unsigned f, const struct rt_entry *e)
{
	struct cx *cx = o->ag->cx;
	uint32_t id = rt_entry_id(e);
	char ids[RT_KEY_STRLEN];
	struct rt_key k;
	bool skip;

	if (entry_item(cx, sub, f, e, &skip)) {
		if (o->nitems == 0)
			out_begin(o, &cx->msg);
		if (xmpp_item_print(&cx->item, &cx->msg) != 0) {
			log_peer_warnx(o->ag->name,
			    "xmpp: an item of %s does not fit a message",
			    sub->name);
			return;
		}
		bitset_set(&sub->sent[f], id, true);
		sub->items_out++;
		o->ag->items_out++;
		if (++o->nitems == XMPP_MAX_REACH)
			out_flush_items(o);
		return;
	}
	if (skip || !bitset_get(&sub->sent[f], id))
		return;
	/* It was sent and has no feasible path now: a retract, with the
	 * id its item had. */
	bitset_set(&sub->sent[f], id, false);
	rt_entry_key(e, &k);
	item_key(&cx->item, f, &k);
	xmpp_item_id(&cx->item, ids, sizeof(ids));
	if (o->nretracts == 0)
		out_begin(o, &cx->rmsg);
	xmpp_msg_retract(&cx->rmsg, ids);
	sub->retracts_out++;
	o->ag->retracts_out++;
	if (++o->nretracts == XMPP_MAX_UNREACH)
		out_flush_retracts(o);
}

/*
 * Sends the agent what changed in its instances, up to a budget; true
 * when there is more (the kick comes back).  Stops while its queue is
 * full (writable resumes it).
 */
static bool
agent_export(struct cx_agent *ag)
{
	unsigned budget = CX_EXPORT_BUDGET, f;
	char node[SCHEMA_RI_NAME_MAX + 16];
	const struct rt_entry *e;
	struct cx_out o;
	struct cx_sub *sub;
	size_t i;

	if (ag->conn == NULL ||
	    xmpp_conn_state(ag->conn) != XMPP_ST_ESTABLISHED)
		return false;
	for (i = 0; i < ag->nsubs; i++) {
		sub = ag->subs[i];
		for (f = 0; f < CX_NFAM; f++) {
			if (sub->lsn[f] == NULL ||
			    !rt_listener_pending(sub->lsn[f]))
				continue;
			snprintf(node, sizeof(node), "%s/%s",
			    xmpp_item_family_node(fam_xmpp[f]), sub->name);
			memset(&o, 0, sizeof(o));
			o.ag = ag;
			o.node = node;
			while (budget > 0) {
				if (!xmpp_conn_can_send(
					ag->conn, CX_MSG_RESERVE)) {
					ag->blocked = true;
					break;
				}
				if ((e = rt_listener_next(sub->lsn[f])) == NULL)
					break;
				export_entry(&o, sub, f, e);
				budget--;
			}
			out_flush_items(&o);
			out_flush_retracts(&o);
			if (o.stuck) {
				/* Only a queue that filled under us gets
				 * here: the items sent so far are marked; the
				 * agent is fed again from the start. */
				log_peer_warnx(ag->name,
				    "xmpp: write queue full; refeeding %s",
				    sub->name);
				rt_listener_rewind(sub->lsn[f]);
				bitset_fini(&sub->sent[f]);
				ag->blocked = true;
				return false;
			}
			if (ag->blocked)
				return false; /* writable kicks again */
			if (budget == 0)
				return true;
		}
	}
	return false;
}

static void
kick_cb(uv_idle_t *h)
{
	struct cx *cx =
	    container_of(uvx_owner_of((uv_handle_t *)h), struct cx, own);
	struct cx_agent *ag, *more = NULL, **tail = &more;

	while ((ag = cx->kick_head) != NULL) {
		cx->kick_head = ag->kick_next;
		ag->kick_next = NULL;
		if (agent_export(ag)) {
			*tail = ag;
			tail = &ag->kick_next;
		} else
			ag->kicked = false;
	}
	cx->kick_head = more;
	if (more == NULL)
		uv_idle_stop(&cx->kick);
}

static void
agent_kick(struct cx_agent *ag)
{
	struct cx *cx = ag->cx;

	if (ag->kicked || cx->stopping || ag->blocked)
		return;
	ag->kicked = true;
	ag->kick_next = cx->kick_head;
	cx->kick_head = ag;
	uv_idle_start(&cx->kick, kick_cb);
}

static void
kick_unlink(struct cx_agent *ag)
{
	struct cx_agent **pp;

	if (!ag->kicked)
		return;
	for (pp = &ag->cx->kick_head; *pp != NULL; pp = &(*pp)->kick_next)
		if (*pp == ag) {
			*pp = ag->kick_next;
			break;
		}
	ag->kicked = false;
	ag->kick_next = NULL;
}

static void
notify_cb(struct rt_listener *l, void *arg)
{
	(void)l;
	agent_kick(arg);
}

/* A subscription whose instance exists: listen (unless no-ribout) and
 * apply the routes that waited for it. */
static void
sub_activate(struct cx_agent *ag, struct cx_sub *sub)
{
	struct cx_pub *p, *next;
	struct rt_table *t;
	unsigned f;

	if (sub->ri == NULL)
		return;
	for (f = 0; f < CX_NFAM && !sub->no_ribout && ag->conn != NULL; f++)
		if (sub->lsn[f] == NULL &&
		    (t = ri_table(sub->ri, fam_rt[f])) != NULL)
			sub->lsn[f] = rt_listen(t, notify_cb, ag);
	for (p = sub->defer; p != NULL; p = next) {
		next = p->next;
		route_apply(ag, sub, p);
		pub_free(p);
		ag->ndefer--;
	}
	sub->defer = NULL;
	sub->ndefer = 0;
	agent_kick(ag);
}

/* ------------------------------------------------------------------ */
/* Stanzas from the agent                                              */
/* ------------------------------------------------------------------ */

static void
agent_eor(struct cx_agent *ag)
{
	ag->eor_rcvd = true;
	ag->eor_in++;
	log_peer_debug(ag->name, "xmpp: End-of-RIB received");
	agent_sweep(ag, "End-of-RIB");
}

static int
parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	char *end;
	unsigned long x;

	if (s == NULL)
		return -EINVAL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoul(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (errno != 0 || *end != '\0' || x > max)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static void
do_subscribe(struct cx_agent *ag, const struct xmpp_node *iq,
    const struct xmpp_node *op, bool unsubscribe)
{
	struct cx *cx = ag->cx;
	const char *node = xmpp_node_attr(op, "node");
	const struct xmpp_node *opt;
	struct cx_sub *sub;
	uint32_t id = 0;
	size_t i;
	bool found;

	if (node == NULL || *node == '\0' ||
	    strlen(node) >= SCHEMA_RI_NAME_MAX) {
		agent_close(ag, "%s without a valid node",
		    unsubscribe ? "unsubscribe" : "subscribe");
		return;
	}
	i = sub_pos(ag, node, &found);
	if (unsubscribe) {
		if (!found) {
			agent_close(ag,
			    "unsubscribe from %s without "
			    "subscribe",
			    node);
			return;
		}
		log_peer_info(ag->name, "xmpp: unsubscribed from %s", node);
		sub_remove(ag, i);
		agent_rtc_update(ag);
		return;
	}
	/* Options inside or beside <subscribe>: a search of the IQ. */
	opt = xmpp_node_find(iq, "options");
	if (parse_u32(
		opt != NULL ? xmpp_node_child_text(opt, "instance-id") : NULL,
		UINT16_MAX, &id) != 0) {
		agent_close(
		    ag, "subscribe to %s without a valid instance-id", node);
		return;
	}
	if (found) {
		sub = ag->subs[i];
		if (!sub->stale) {
			agent_close(ag, "duplicate subscribe to %s", node);
			return;
		}
		/* A restarted agent renews what GR kept. */
		sub->stale = false;
		sub->instance_id = id;
	} else {
		if (ag->nsubs >= CX_SUBS_MAX) {
			agent_close(
			    ag, "more than %d subscriptions", CX_SUBS_MAX);
			return;
		}
		if (ag->nsubs == ag->capsubs) {
			ag->capsubs = MAX(8, ag->capsubs * 2);
			ag->subs = xreallocarray(
			    ag->subs, ag->capsubs, sizeof(*ag->subs));
		}
		sub = xcalloc(1, sizeof(*sub));
		sub->name = xstrdup(node);
		sub->instance_id = id;
		memmove(&ag->subs[i + 1], &ag->subs[i],
		    (ag->nsubs - i) * sizeof(*ag->subs));
		ag->subs[i] = sub;
		ag->nsubs++;
	}
	sub->no_ribout = opt != NULL &&
	    xmpp_node_child_text(opt, "no-ribout") != NULL &&
	    strcmp(xmpp_node_child_text(opt, "no-ribout"), "true") == 0;
	sub->ri = ri_mgr_lookup(cn_node_ri_mgr(cx->node), node);
	log_peer_info(ag->name,
	    "xmpp: subscribed to %s, instance-id %" PRIu32 "%s", node, id,
	    sub->ri == NULL ? " (pending: not configured)" : "");
	sub_activate(ag, sub);
	agent_rtc_update(ag);
}

static struct cx_pub *
pub_new(struct cx_agent *ag)
{
	struct cx_pub *pub = ag->spare;

	if (pub != NULL) {
		ag->spare = pub->next;
		ag->nspare--;
	} else
		pub = xmalloc(sizeof(*pub));
	memset(pub, 0, sizeof(*pub));
	return pub;
}

/* Keeps freed publishes for the next ones (agents publish in bursts):
 * as many as a batch holds, one when it is over. */
static void
pub_done(struct cx_agent *ag, struct cx_pub *pub)
{
	free(pub->node);
	pub->node = NULL;
	if (ag->nspare > CX_AHEAD) {
		free(pub);
		return;
	}
	pub->next = ag->spare;
	ag->spare = pub;
	ag->nspare++;
}

static void
pub_trim(struct cx_agent *ag)
{
	struct cx_pub *pub;

	while (ag->nspare > 1) {
		pub = ag->spare;
		ag->spare = pub->next;
		ag->nspare--;
		free(pub);
	}
}

/*
 * Routes are applied CX_AHEAD publishes behind the one read, and their
 * table entries prefetched when read: a big table's lookups wait on
 * memory, and so they wait in parallel (as BGP's UPDATEs do).  The queue
 * is emptied before anything else the agent sends is acted on, at the
 * end of every read, and when the session goes: it only ever holds the
 * routes of the stanzas of one read, in order.
 */
static void
route_apply_oldest(struct cx_agent *ag)
{
	struct cx_ahead *a = &ag->ahead[ag->ahead_head];

	ag->ahead_head = (ag->ahead_head + 1) % CX_AHEAD;
	ag->nahead--;
	route_apply(ag, a->sub, a->pub);
	pub_done(ag, a->pub);
}

static void
route_queue(struct cx_agent *ag, struct cx_sub *sub, struct cx_pub *pub)
{
	struct cx_ahead *a;
	struct rt_rd rd;

	/* A withdraw, or a next hop pub_attr will refuse: no RD to guess. */
	memset(&rd, 0, sizeof(rd));
	if (pub->add && pub->nh.af == AF_INET)
		pub_source_rd(pub, sub, &rd);
	ri_mgr_prefetch(cn_node_ri_mgr(ag->cx->node), sub->ri, &pub->key, &rd);
	if (ag->nahead == CX_AHEAD)
		route_apply_oldest(ag);
	a = &ag->ahead[(ag->ahead_head + ag->nahead) % CX_AHEAD];
	a->sub = sub;
	a->pub = pub;
	ag->nahead++;
}

static void
route_flush(struct cx_agent *ag)
{
	while (ag->nahead > 0)
		route_apply_oldest(ag);
}

static void
do_publish(struct cx_agent *ag, const struct xmpp_node *op)
{
	struct cx *cx = ag->cx;
	const char *node = xmpp_node_attr(op, "node");
	const struct xmpp_node *item = xmpp_node_child(op, "item");
	struct cx_pub *pub;

	if (ag->pub != NULL) {
		log_peer_warnx(ag->name,
		    "xmpp: publish %s had no "
		    "collection; dropped",
		    ag->pub->node);
		pub_done(ag, ag->pub);
		ag->pub = NULL;
	}
	pub = pub_new(ag);
	pub->node = xstrdup(node != NULL ? node : "");
	if (item == NULL) {
		pub->eor = true; /* reference 1.6 */
		ag->pub = pub;
		return;
	}
	if (xmpp_publish_node_parse(pub->node, &pub->fam, &pub->primary_id) !=
	    0) {
		pub->bad = true;
		snprintf(pub->why, sizeof(pub->why), "bad publish node");
	} else if (xmpp_item_parse(item, pub->fam, &cx->item, pub->why,
		       sizeof(pub->why)) != 0)
		pub->bad = true;
	else if (!pub_from_item(&cx->item, pub))
		pub->bad = true;
	pub->has_primary = pub->primary_id != 0;
	ag->pub = pub;
}

static void
do_collection(struct cx_agent *ag, const struct xmpp_node *op)
{
	const char *vrf = xmpp_node_attr(op, "node");
	const struct xmpp_node *as;
	struct cx_pub *pub = ag->pub;
	struct cx_sub *sub;
	const char *as_node;
	bool add;

	ag->pub = NULL;
	/* No associate: an End-of-RIB's empty collection (its node and
	 * the empty publish's are both "", reference 1.6). */
	if ((as = xmpp_node_child(op, "associate")) != NULL)
		add = true;
	else if ((as = xmpp_node_child(op, "dissociate")) != NULL)
		add = false;
	else
		add = true;
	as_node = as != NULL ? xmpp_node_attr(as, "node") : NULL;
	if (pub == NULL) {
		log_peer_warnx(ag->name, "xmpp: collection without publish");
		goto done;
	}
	if (strcmp(as_node != NULL ? as_node : "", pub->node) != 0) {
		log_peer_warnx(ag->name,
		    "xmpp: collection for %s does not "
		    "match publish %s; dropped",
		    as_node != NULL ? as_node : "", pub->node);
		goto done;
	}
	if (pub->eor) {
		route_flush(ag);
		agent_eor(ag);
		goto done;
	}
	if (as == NULL) {
		log_peer_warnx(ag->name,
		    "xmpp: collection for %s without "
		    "associate or dissociate",
		    pub->node);
		goto done;
	}
	if (vrf == NULL || (sub = sub_lookup(ag, vrf)) == NULL) {
		route_flush(ag);
		agent_close(ag,
		    "route %s for %s, which it has not "
		    "subscribed",
		    pub->node, vrf != NULL ? vrf : "(no instance)");
		goto done;
	}
	if (pub->bad) {
		ag->bad_items++;
		log_peer_warnx(ag->name, "xmpp: bad item %s in %s dropped: %s",
		    pub->node, vrf, pub->why);
		goto done;
	}
	pub->add = add;
	if (sub->ri == NULL) {
		route_defer(ag, sub, pub);
		return;
	}
	route_queue(ag, sub, pub);
	return;
done:
	if (pub != NULL)
		pub_done(ag, pub);
}

static void
routing_iq(struct cx_agent *ag, const struct xmpp_node *iq)
{
	const struct xmpp_node *pubsub = xmpp_node_child(iq, "pubsub");
	const struct xmpp_node *op = pubsub != NULL ? pubsub->child : NULL;

	if (op == NULL) {
		log_peer_debug(ag->name, "xmpp: IQ without pubsub ignored");
		return;
	}
	/* The action is the first child of <pubsub> (reference 2.3). */
	if (xmpp_node_is(op, "publish")) {
		do_publish(ag, op);
		return;
	}
	if (xmpp_node_is(op, "collection")) {
		do_collection(ag, op);
		return;
	}
	route_flush(ag);
	if (xmpp_node_is(op, "subscribe"))
		do_subscribe(ag, iq, op, false);
	else if (xmpp_node_is(op, "unsubscribe"))
		do_subscribe(ag, iq, op, true);
	else
		log_peer_debug(
		    ag->name, "xmpp: pubsub %s ignored", xmpp_node_local(op));
}

static void
config_iq(struct cx_agent *ag, const struct xmpp_node *iq)
{
	const struct xmpp_node *pubsub = xmpp_node_child(iq, "pubsub");
	const struct xmpp_node *op = pubsub != NULL ? pubsub->child : NULL;
	const char *node = op != NULL ? xmpp_node_attr(op, "node") : NULL;

	if (op == NULL || node == NULL) {
		log_peer_debug(ag->name, "xmpp: config IQ ignored");
		return;
	}
	if (strncmp(node, "virtual-machine:", 16) == 0)
		return; /* per-VM config: all of it comes with the router */
	if (xmpp_node_is(op, "subscribe"))
		cx__cfg_subscribe(ag, node);
	else if (xmpp_node_is(op, "unsubscribe"))
		cx__cfg_unsubscribe(ag);
}

static void
op_stanza(struct xmpp_conn *c, const struct xmpp_node *st, void *arg)
{
	struct cx_agent *ag = xmpp_conn_get_data(c);
	const struct xmpp_node *items;
	const char *to;

	(void)arg;
	if (ag == NULL || ag->conn != c)
		return;
	ag->last_rx_ms = now_ms(ag->cx);
	/* Only routing IQs may leave routes queued (routing_iq). */
	if (xmpp_node_is(st, "message")) {
		route_flush(ag);
		/* An agent's own End-of-RIB form (reference 1.6). */
		items = xmpp_node_find(st, "items");
		if (items != NULL && xmpp_node_attr(items, "node") != NULL &&
		    strcmp(xmpp_node_attr(items, "node"), XMPP_EOR_NODE) == 0)
			agent_eor(ag);
		return;
	}
	if (!xmpp_node_is(st, "iq"))
		return; /* presence and the like: not Contrail's */
	/* The resource of 'to' picks the channel (a substring match). */
	to = xmpp_node_attr(st, "to");
	if (to == NULL ||
	    (strstr(to, "/" XMPP_RES_CONFIG) == NULL &&
		strstr(to, XMPP_RES_BGP) != NULL)) {
		routing_iq(ag, st);
		return;
	}
	route_flush(ag);
	if (strstr(to, "/" XMPP_RES_CONFIG) != NULL)
		config_iq(ag, st);
	else
		log_peer_debug(ag->name, "xmpp: IQ to %s ignored", to);
}

/* The end of a read: what it queued is applied now. */
static void
op_received(struct xmpp_conn *c, void *arg)
{
	struct cx_agent *ag = xmpp_conn_get_data(c);

	(void)arg;
	if (ag == NULL || ag->conn != c)
		return;
	route_flush(ag);
	pub_trim(ag);
}

/* ------------------------------------------------------------------ */
/* Sessions                                                            */
/* ------------------------------------------------------------------ */

static struct cx_agent *
agent_new(struct cx *cx, const char *name)
{
	struct cx_agent *ag = xcalloc(1, sizeof(*ag));

	ag->cx = cx;
	str_lcpy(ag->name, name, sizeof(ag->name));
	ag->src = rt_source_new(RT_SRC_XMPP, name);
	ht_insert(&cx->agents, &ag->hnode, ht_hash_str(ag->name));
	cx->nagents++;
	return ag;
}

static void
agent_free(struct cx_agent *ag)
{
	struct cx *cx = ag->cx;
	struct rt_table *t;
	struct cx_pub *pub;

	/* Never anything queued outside a read; nothing to apply now. */
	for (; ag->nahead > 0; ag->nahead--) {
		pub_free(ag->ahead[ag->ahead_head].pub);
		ag->ahead_head = (ag->ahead_head + 1) % CX_AHEAD;
	}
	while (ag->nsubs > 0)
		sub_remove(ag, ag->nsubs - 1);
	if ((t = rtc_table(cx)) != NULL)
		rt_table_flush(t, ag->src, 0);
	/* Last: the flushes above notify its own listeners too. */
	kick_unlink(ag);
	free(ag->rtc);
	free(ag->subs);
	pub_free(ag->pub);
	while ((pub = ag->spare) != NULL) {
		ag->spare = pub->next;
		pub_free(pub);
	}
	cx__cfg_free(ag->cfg);
	ht_remove(&cx->agents, &ag->hnode);
	cx->nagents--;
	rt_source_unref(ag->src);
	free(ag);
}

/*
 * The agent's session is gone: with the GR helper its paths and
 * subscriptions stay, stale, until it comes back and renews them or the
 * timer sweeps them; without, they go now.
 */
static void
agent_down(struct cx_agent *ag, const char *reason)
{
	struct cx *cx = ag->cx;
	struct rt_table *t;
	size_t i;
	unsigned f;

	route_flush(ag); /* what its last read queued */
	pub_trim(ag);
	if (ag->conn != NULL)
		ag->last_stats = *xmpp_conn_stats(ag->conn);
	ag->conn = NULL;
	ag->flaps++;
	ag->state_ms = now_ms(cx);
	if (reason != NULL && ag->last_reason[0] == '\0')
		str_lcpy(ag->last_reason, reason, sizeof(ag->last_reason));
	kick_unlink(ag);
	ag->blocked = false;
	pub_free(ag->pub);
	ag->pub = NULL;
	cx__cfg_free(ag->cfg);
	ag->cfg = NULL;
	if (cx->stopping || !gr_helper(cx)) {
		log_peer_info(ag->name,
		    "xmpp: session down (%s); its routes "
		    "are withdrawn",
		    ag->last_reason);
		agent_free(ag);
		return;
	}
	ag->state = CXA_STALE;
	for (i = 0; i < ag->nsubs; i++) {
		ag->subs[i]->stale = true;
		sub_deactivate(ag->subs[i]);
		for (f = 0; f < CX_NFAM && ag->subs[i]->ri != NULL; f++)
			if ((t = ri_table(ag->subs[i]->ri, fam_rt[f])) != NULL)
				rt_table_mark_stale(t, ag->src, RT_PATH_STALE);
	}
	if ((t = rtc_table(cx)) != NULL)
		rt_table_mark_stale(t, ag->src, RT_PATH_STALE);
	ag->stale_until_ms =
	    now_ms(cx) + 1000ull * (cx->gr.restart_time + cx->gr.llgr_time);
	log_peer_info(ag->name,
	    "xmpp: session down (%s); routes kept "
	    "stale for %u s",
	    ag->last_reason, cx->gr.restart_time + cx->gr.llgr_time);
}

static int
op_open(struct xmpp_conn *c, const char *from, const char *to,
    const char **reason, void *arg)
{
	struct cx *cx = arg;
	struct cx_agent *ag;
	struct ipaddr ip;
	char a[IPADDR_STRLEN];

	(void)to;
	if (cx->stopping) {
		*reason = "the control node is stopping";
		return -1;
	}
	if (from == NULL || *from == '\0') {
		*reason = "no agent name in the stream header";
		cx->refused++;
		return -1;
	}
	memset(&ip, 0, sizeof(ip));
	ipaddr_from_sockaddr(&ip, (const struct sockaddr *)xmpp_conn_remote(c));
	if ((ag = agent_lookup(cx, from)) != NULL &&
	    ipaddr_cmp(&ag->addr, &ip) != 0) {
		/* Contrail drops a second agent of the same name. */
		log_peer_warnx(from,
		    "xmpp: refused from %s: already known "
		    "from %s",
		    ipaddr_print(&ip, a, sizeof(a)) ? a : "?",
		    ipaddr_print(&ag->addr, a, sizeof(a)) ? a : "?");
		*reason = "an agent of that name is connected from another "
			  "address";
		cx->refused++;
		return -1;
	}
	if (ag != NULL && ag->conn != NULL) {
		/* The same agent again: its new session replaces the old. */
		str_lcpy(ag->last_reason, "replaced by a new session",
		    sizeof(ag->last_reason));
		xmpp_conn_set_data(ag->conn, NULL);
		xmpp_conn_close(ag->conn, "replaced by a new session");
		agent_down(ag, NULL);
		ag = agent_lookup(cx, from);
	}
	if (ag == NULL)
		ag = agent_new(cx, from);
	ag->addr = ip;
	ag->src->addr = ip;
	ag->conn = c;
	ag->state = CXA_UP;
	ag->last_reason[0] = '\0';
	ag->eor_sent = ag->eor_rcvd = false;
	xmpp_conn_set_data(c, ag);
	cx->accepted++;
	return 0;
}

static void
op_established(struct xmpp_conn *c, void *arg)
{
	struct cx_agent *ag = xmpp_conn_get_data(c);
	struct cx *cx = arg;

	if (ag == NULL)
		return;
	ag->sessions++;
	ag->up_ms = ag->last_rx_ms = ag->state_ms = now_ms(cx);
	if (ag->stale_until_ms != 0)
		/* Back from a restart: its End-of-RIB, or this, sweeps. */
		ag->stale_until_ms =
		    now_ms(cx) + 1000ull * MAX(cx->gr.eor_timeout, 1);
	log_peer_info(ag->name, "xmpp: session established%s",
	    xmpp_conn_tls(c) ? " (TLS)" : "");
}

static void
op_writable(struct xmpp_conn *c, void *arg)
{
	struct cx_agent *ag = xmpp_conn_get_data(c);

	(void)arg;
	if (ag == NULL)
		return;
	ag->blocked = false;
	agent_kick(ag);
	if (ag->cfg != NULL && ag->cfg->dirty)
		cx__cfg_update(ag);
}

static void
op_closed(struct xmpp_conn *c, const char *reason, void *arg)
{
	struct cx_agent *ag = xmpp_conn_get_data(c);

	(void)arg;
	if (ag == NULL || ag->conn != c)
		return;
	agent_down(ag, reason);
}

static const struct xmpp_conn_ops cx_conn_ops = {
    .open = op_open,
    .established = op_established,
    .stanza = op_stanza,
    .writable = op_writable,
    .received = op_received,
    .closed = op_closed,
};

/* Our End-of-RIB once the agent's instances are sent and it has been
 * quiet a while (reference 1.6); GR sweeps when their time is up. */
static void
tick_cb(uv_timer_t *h)
{
	struct cx *cx =
	    container_of(uvx_owner_of((uv_handle_t *)h), struct cx, own);
	char to[XMPP_NAME_MAX + 16];
	struct ht_iter it;
	struct ht_node *n;
	struct cx_agent *ag;
	uint64_t now = now_ms(cx);
	struct wbuf w;
	size_t i;
	unsigned f;
	bool busy;

	for (n = ht_first(&cx->agents, &it); n != NULL; n = ht_next(&it)) {
		ag = container_of(n, struct cx_agent, hnode);
		if (ag->stale_until_ms != 0 && now >= ag->stale_until_ms) {
			if (ag->state == CXA_STALE) {
				log_peer_info(ag->name,
				    "xmpp: graceful "
				    "restart timer expired");
				str_lcpy(ag->last_reason,
				    "graceful restart timer expired",
				    sizeof(ag->last_reason));
				agent_free(ag);
				continue;
			}
			agent_sweep(ag, "End-of-RIB timer");
		}
		if (ag->conn == NULL || ag->eor_sent ||
		    xmpp_conn_state(ag->conn) != XMPP_ST_ESTABLISHED)
			continue;
		busy = ag->kicked || ag->blocked;
		for (i = 0; i < ag->nsubs && !busy; i++)
			for (f = 0; f < CX_NFAM; f++)
				if (ag->subs[i]->lsn[f] != NULL &&
				    rt_listener_pending(ag->subs[i]->lsn[f]))
					busy = true;
		if (now - ag->last_rx_ms < CX_EOR_QUIET_MS &&
		    now - ag->up_ms < 1000ull * cx->gr.eor_timeout)
			busy = true;
		if (busy)
			continue;
		snprintf(to, sizeof(to), "%s/%s", ag->name, XMPP_RES_BGP);
		wbuf_init_dyn(&w, 4096);
		xmpp_msg_eor(&w, XMPP_CONTROL_JID, to);
		if (cx__send(ag, &w)) {
			ag->eor_sent = true;
			log_peer_debug(ag->name, "xmpp: End-of-RIB sent");
		}
		wbuf_fini(&w);
	}
}

/* ------------------------------------------------------------------ */
/* The protocol                                                        */
/* ------------------------------------------------------------------ */

/* Instances of cfg by name: every network's default one and the master. */
static bool
ri_in_config(const struct schema_config *cfg, const char *name)
{
	char buf[SCHEMA_RI_NAME_MAX];
	size_t i, n = schema_config_count(cfg, SCHEMA_VIRTUAL_NETWORK);

	if (strcmp(name, RI_MASTER_NAME) == 0)
		return true;
	for (i = 0; i < n; i++)
		if (strcmp(schema_vn_ri_name(
			       (const struct schema_vn *)schema_config_at(
				   cfg, SCHEMA_VIRTUAL_NETWORK, i),
			       buf, sizeof(buf)),
			name) == 0)
			return true;
	return false;
}

/* Retracts what the agent was sent of a subscription (its instance is
 * going). */
static void
sub_retract_all(struct cx_agent *ag, struct cx_sub *sub)
{
	char node[SCHEMA_RI_NAME_MAX + 16];
	const struct rt_entry *e;
	struct cx_out o;
	unsigned f;

	for (f = 0; f < CX_NFAM; f++) {
		if (sub->lsn[f] == NULL)
			continue;
		snprintf(node, sizeof(node), "%s/%s",
		    xmpp_item_family_node(fam_xmpp[f]), sub->name);
		memset(&o, 0, sizeof(o));
		o.ag = ag;
		o.node = node;
		for (e = rt_table_first(rt_listener_table(sub->lsn[f]));
		     e != NULL; e = rt_table_next(e)) {
			if (!bitset_get(&sub->sent[f], rt_entry_id(e)))
				continue;
			/* A tombstone in all but name: export_entry sends
			 * the retract for an entry it finds sent. */
			struct rt_key k;
			char ids[RT_KEY_STRLEN];

			rt_entry_key(e, &k);
			item_key(&ag->cx->item, f, &k);
			xmpp_item_id(&ag->cx->item, ids, sizeof(ids));
			if (o.nretracts == 0)
				out_begin(&o, &ag->cx->rmsg);
			xmpp_msg_retract(&ag->cx->rmsg, ids);
			if (++o.nretracts == XMPP_MAX_UNREACH)
				out_flush_retracts(&o);
		}
		out_flush_retracts(&o);
	}
}

static void
cx_prepare(struct cn_proto *p, const struct schema_config *cfg)
{
	struct cx *cx = cx_of(p);
	struct ht_iter it;
	struct ht_node *n;
	struct cx_agent *ag;
	struct cx_sub *sub;
	size_t i;

	for (n = ht_first(&cx->agents, &it); n != NULL; n = ht_next(&it)) {
		ag = container_of(n, struct cx_agent, hnode);
		for (i = 0; i < ag->nsubs; i++) {
			sub = ag->subs[i];
			if (sub->ri == NULL || ri_in_config(cfg, sub->name))
				continue;
			log_peer_info(ag->name,
			    "xmpp: instance %s is going; "
			    "its subscription is pending",
			    sub->name);
			sub_retract_all(ag, sub);
			sub_deactivate(sub);
			sub->ri = NULL;
		}
	}
}

static void
vn_map_build(struct cx *cx)
{
	struct ri_mgr *m = cn_node_ri_mgr(cx->node);
	size_t i, j, n = ri_mgr_count(m);
	const struct ri *ri;
	uint32_t idx;
	const char *name;

	free(cx->vn_idx);
	free(cx->vn_name);
	cx->vn_idx = xreallocarray(NULL, n + 1, sizeof(*cx->vn_idx));
	cx->vn_name = xreallocarray(NULL, n + 1, sizeof(*cx->vn_name));
	cx->nvn = 0;
	for (i = 0; i < n; i++) {
		ri = ri_mgr_at(m, i);
		if (ri_is_master(ri) || ri_vn_index(ri) == 0)
			continue;
		/* Insertion sort by index: instances come in name order. */
		idx = ri_vn_index(ri);
		name = ri_vn(ri);
		for (j = cx->nvn; j > 0 && cx->vn_idx[j - 1] > idx; j--) {
			cx->vn_idx[j] = cx->vn_idx[j - 1];
			cx->vn_name[j] = cx->vn_name[j - 1];
		}
		cx->vn_idx[j] = idx;
		cx->vn_name[j] = name;
		cx->nvn++;
	}
}

static int
cx_start(struct cx *cx)
{
	const struct cn_options *o = cn_node_options(cx->node);
	struct xmpp_server_opts so;
	char err[256], addr[SOCKADDR_STRLEN];
	int rc;

	memset(&so, 0, sizeof(so));
	so.addr = o->xmpp_addr;
	so.conn.name = cn_node_self(cx->node) != NULL
	    ? cn_node_self(cx->node)->obj.name
	    : "mirador-control";
	so.conn.hold_time = cx->hold;
	/* A small queue per agent: hundreds of them fill theirs at once
	 * during a convergence, and the kernel's socket buffer is more. */
	so.conn.wq_max = CX_WQ_MAX;
	if (o->xmpp_cert != NULL) {
		cx->tls =
		    xmpp_tls_new(&(struct xmpp_tls_opts){.cert = o->xmpp_cert,
				     .key = o->xmpp_key,
				     .ca = o->xmpp_ca},
			true, err, sizeof(err));
		if (cx->tls == NULL) {
			log_warnx("xmpp: TLS: %s; agents are not served", err);
			return -EINVAL;
		}
	}
	so.conn.tls = cx->tls;
	cx->server = xmpp_server_new(cx->loop, &so, &cx_conn_ops, cx);
	if ((rc = xmpp_server_start(cx->server)) != 0) {
		log_warnx("xmpp: cannot listen on %s: %s",
		    sockaddr_print(
			(const struct sockaddr *)&so.addr, addr, sizeof(addr)),
		    uv_strerror(rc));
		return rc;
	}
	((struct sockaddr_in *)&so.addr)->sin_port =
	    htons(xmpp_server_port(cx->server));
	log_info("xmpp: agents on %s%s",
	    sockaddr_print(
		(const struct sockaddr *)&so.addr, addr, sizeof(addr)),
	    cx->tls != NULL ? " (STARTTLS required)" : "");
	return 0;
}

static void
cx_apply(struct cn_proto *p, const struct schema_config *cfg)
{
	struct cx *cx = cx_of(p);
	const struct cn_options *o = cn_node_options(cx->node);
	struct ri_mgr *m = cn_node_ri_mgr(cx->node);
	struct ht_iter it;
	struct ht_node *n;
	struct cx_agent *ag;
	struct cx_sub *sub;
	size_t i;

	cx->cfg = cfg;
	cx->gr = schema_config_global(cfg)->gr;
	cx->hold = o->xmpp_hold != 0 ? o->xmpp_hold : XMPP_HOLD_TIME;
	vn_map_build(cx);
	if (!cx->started && !cx->stopping) {
		cx->started = true;
		cx_start(cx);
	}
	for (n = ht_first(&cx->agents, &it); n != NULL; n = ht_next(&it)) {
		ag = container_of(n, struct cx_agent, hnode);
		for (i = 0; i < ag->nsubs; i++) {
			sub = ag->subs[i];
			if (sub->ri == NULL &&
			    (sub->ri = ri_mgr_lookup(m, sub->name)) != NULL) {
				log_peer_info(ag->name,
				    "xmpp: instance %s "
				    "configured",
				    sub->name);
				sub_activate(ag, sub);
			}
		}
		agent_rtc_update(ag);
		if (ag->cfg != NULL)
			cx__cfg_update(ag);
	}
}

static void
cx_closed(struct uvx_owner *own)
{
	struct cx *cx = container_of(own, struct cx, own);

	if (cx->done != NULL)
		cx->done(&cx->proto);
}

static void
server_stopped(struct xmpp_server *s, void *arg)
{
	struct cx *cx = arg;

	(void)s;
	uvx_owner_close(&cx->own, cx_closed);
}

static void
cx_stop(struct cn_proto *p, cn_proto_done_cb done)
{
	struct cx *cx = cx_of(p);
	struct ht_iter it;
	struct ht_node *n;

	cx->stopping = true;
	cx->done = done;
	/* Stale agents have no session to close: they go now. */
	for (n = ht_first(&cx->agents, &it); n != NULL; n = ht_next(&it))
		if (container_of(n, struct cx_agent, hnode)->conn == NULL)
			agent_free(container_of(n, struct cx_agent, hnode));
	if (cx->server != NULL)
		xmpp_server_stop(cx->server, server_stopped, cx);
	else
		uvx_owner_close(&cx->own, cx_closed);
}

static void
cx_free(struct cn_proto *p)
{
	struct cx *cx = cx_of(p);
	struct ht_iter it;
	struct ht_node *n;

	for (n = ht_first(&cx->agents, &it); n != NULL; n = ht_next(&it))
		agent_free(container_of(n, struct cx_agent, hnode));
	ht_fini(&cx->agents);
	xmpp_server_free(cx->server);
	xmpp_tls_free(cx->tls);
	free(cx->vn_idx);
	free(cx->vn_name);
	wbuf_fini(&cx->msg);
	wbuf_fini(&cx->rmsg);
	wbuf_fini(&cx->cfgbuf);
	free(cx);
}

static const struct cn_proto_ops cx_ops = {
    .name = "xmpp",
    .prepare = cx_prepare,
    .apply = cx_apply,
    .stop = cx_stop,
    .free = cx_free,
};

struct cn_proto *
cn_xmpp_attach(struct cn_node *node)
{
	struct cx *cx = xcalloc(1, sizeof(*cx));

	cx->proto.ops = &cx_ops;
	cx->node = node;
	cx->loop = cn_node_loop(node);
	ht_init(&cx->agents, 64);
	wbuf_init_dyn(&cx->msg, 16u << 20);
	wbuf_init_dyn(&cx->rmsg, 1u << 20);
	wbuf_init_dyn(&cx->cfgbuf, 4u << 20);
	uvx_owner_init(&cx->own);
	uv_idle_init(cx->loop, &cx->kick);
	uvx_own(&cx->own, (uv_handle_t *)&cx->kick);
	uv_timer_init(cx->loop, &cx->tick);
	uvx_own(&cx->own, (uv_handle_t *)&cx->tick);
	uv_timer_start(&cx->tick, tick_cb, CX_TICK_MS, CX_TICK_MS);
	uv_unref((uv_handle_t *)&cx->tick);
	cn_node_add_proto(node, &cx->proto);
	cx__pages_register(cx);
	return &cx->proto;
}

uint16_t
cn_xmpp_port(const struct cn_proto *p)
{
	const struct cx *cx = cx_of(p);

	return cx->server != NULL ? xmpp_server_port(cx->server) : 0;
}
