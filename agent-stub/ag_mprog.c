/*
 * ag_mprog.c - the mirror module (ag_mirror.h, pure) wired into the
 * agent: a view of the agent's interfaces and received routes, a new
 * ag_mirror_compute after every config change, after a route change in
 * an instance the last result consulted, and after the instances it
 * asked for were subscribed; then ag_mirror_diff's changes applied in
 * order through the datapath journal (ag_dp.c).
 *
 * Owns one nexthop per mirror entry: a tunnel shared through
 * ag_dp_tunnel_ref (MPLSoUDP, VXLAN, or GRE to a host tap service on
 * another node), or its own discard, UDP-mirror or encap nexthop; and,
 * for the tap flows to this node's host NICs, the GRE key table: each
 * key an own encap nexthop to the NIC's port (ag_hnic.c).
 * What each vif carries (port mirror, policy) is kept on the interface
 * (struct ag_intf), so an interface created again starts from nothing
 * whatever the last state says.  Headless, nothing is recomputed: the
 * datapath stays as it is until a control node is back.
 */
#include "agent-stub/ag_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-stub/ag_mirror.h"

#define MPROG_ROUNDS 4 /* computes per event (subscriptions settle) */

/* The nexthop programmed for one mirror index. */
struct mnh {
	bool used;   /* the mirror entry exists */
	bool shared; /* a tunnel from ag_dp_tunnel_ref */
	uint32_t nh; /* its nexthop */
};

/* A GRE key programmed (key -> its own encap nexthop). */
struct mgre {
	uint32_t key;
	uint32_t nh;
};

struct ag_mprog {
	struct ag *ag;
	struct ag_mirror_state cur; /* what is programmed */
	struct mnh mnh[DP_MIRROR_MAX];
	struct mgre *gre; /* GRE keys programmed */
	size_t ngre, capgre;
	struct dp_msg *m; /* scratch (large: policy rules) */
	bool busy;        /* computing (a nested event asks again) */
	bool again;
	uint64_t computes;
};

/*
 * The view: local interfaces first (their routes come back from the
 * control node later, and stale ones may linger), then received routes.
 */
static uint32_t
encaps_of(uint8_t x)
{
	uint32_t e = 0;

	if (x & XMPP_ENCAP_GRE)
		e |= AG_ENCAP_MPLSOGRE;
	if (x & XMPP_ENCAP_UDP)
		e |= AG_ENCAP_MPLSOUDP;
	if (x & XMPP_ENCAP_VXLAN)
		e |= AG_ENCAP_VXLAN;
	return e;
}

static bool
is_self(const struct ag *ag, const struct ipaddr *ip)
{
	return ag->self.af != 0 && ipaddr_cmp(ip, &ag->self) == 0;
}

static bool
v_inet(void *arg, const char *ri, const struct ipaddr *ip, struct ag_mpath *out)
{
	struct ag *ag = arg;
	const struct ag_route *rt;
	const struct ag_path *p;
	const struct ag_intf *in;
	const struct ag_vrf *v;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (in = ag->intfs; in != NULL; in = in->next) {
		if (strcmp(in->vrf->ri, ri) != 0)
			continue;
		for (i = 0; i < in->nips; i++)
			if (ipaddr_cmp(&in->ips[i], ip) == 0) {
				out->local = true;
				out->vif = in->vif;
				return true;
			}
	}
	if ((rt = ag_rib_lookup(ag, ri, ip)) == NULL ||
	    (p = ag_route_best(rt)) == NULL)
		return false;
	if (is_self(ag, &p->nh[0].addr)) {
		/* Our own route back, of an interface that is gone. */
		if ((in = ag__intf_by_label(ag, p->nh[0].label)) == NULL)
			return false;
		out->local = true;
		out->vif = in->vif;
		return true;
	}
	out->nexthop = p->nh[0].addr;
	out->label = p->nh[0].label;
	out->encaps = encaps_of(p->nh[0].encaps);
	if ((out->encaps & AG_ENCAP_VXLAN) &&
	    (v = ag__vrf_find(ag, ri)) != NULL)
		out->vni = v->vni;
	return true;
}

static bool
v_enet(
    void *arg, const char *ri, const struct macaddr *mac, struct ag_mpath *out)
{
	struct ag *ag = arg;
	const struct ag_route *rt;
	const struct ag_path *p;
	const struct ag_intf *in;

	memset(out, 0, sizeof(*out));
	for (in = ag->intfs; in != NULL; in = in->next)
		if (strcmp(in->vrf->ri, ri) == 0 &&
		    memcmp(&in->mac, mac, sizeof(*mac)) == 0) {
			out->local = true;
			out->vif = in->vif;
			return true;
		}
	if ((rt = ag_rib_lookup_mac(ag, ri, mac)) == NULL ||
	    (p = ag_route_best(rt)) == NULL || is_self(ag, &p->nh[0].addr))
		return false; /* ours, of an interface that is gone */
	out->nexthop = p->nh[0].addr;
	out->encaps = encaps_of(p->nh[0].encaps);
	/* enet routes carry the VNI with vxlan, else the MPLS label */
	if (out->encaps & AG_ENCAP_VXLAN)
		out->vni = p->nh[0].label;
	else
		out->label = p->nh[0].label;
	return true;
}

static bool
v_vrf(void *arg, const char *ri, uint32_t *vrf)
{
	const struct ag_vrf *v = ag__vrf_find(arg, ri);

	if (v == NULL)
		return false;
	*vrf = v->idx;
	return true;
}

static bool
v_host_nic(void *arg, const struct macaddr *mac, uint32_t *vif)
{
	const struct ag_hnic *h = ag__hnic_by_mac(arg, mac);

	if (h == NULL)
		return false;
	*vif = h->vif;
	return true;
}

static struct ag_intf *
intf_by_vmi(const struct ag *ag, const char *vmi)
{
	struct ag_intf *in;

	for (in = ag->intfs; in != NULL; in = in->next)
		if (strcmp(in->name, vmi) == 0)
			return in;
	return NULL;
}

/*
 * Programming.
 */
static int
dp_send(struct ag_mprog *mp, enum dp_msg_type t, enum dp_msg_op op)
{
	mp->m->type = t;
	mp->m->op = op;
	return ag_dp_request(mp->ag->dp, mp->m);
}

static void
mnh_release(struct ag_mprog *mp, struct mnh *x)
{
	struct ag_dp *dp = mp->ag->dp;

	if (x->nh == 0)
		return;
	if (x->shared)
		ag_dp_nh_unref(dp, x->nh);
	else {
		memset(mp->m, 0, sizeof(*mp->m));
		mp->m->u.nh.idx = x->nh;
		dp_send(mp, DP_MSG_NH, DP_MSG_DEL);
		ag_dp_release(dp, AG_IDS_NH, x->nh);
	}
	x->nh = 0;
	x->shared = false;
}

/* An own nexthop from mp->m->u.nh (idx filled here): its index or 0. */
static uint32_t
own_nh(struct ag_mprog *mp)
{
	struct ag_dp *dp = mp->ag->dp;
	uint32_t idx = ag_dp_alloc(dp, AG_IDS_NH);

	if (idx == 0)
		return 0;
	mp->m->u.nh.idx = idx;
	if (dp_send(mp, DP_MSG_NH, DP_MSG_ADD) != 0) {
		mp->m->op = DP_MSG_DEL;
		ag_dp_request(dp, mp->m); /* out of the journal */
		ag_dp_release(dp, AG_IDS_NH, idx);
		return 0;
	}
	return idx;
}

/* The nexthop of entry e into x; a discard one when e's cannot be
 * made (so the entry exists and counts what it cannot send). */
static void
mnh_make(struct ag_mprog *mp, const struct ag_mentry *e, struct mnh *x)
{
	const struct ag_mnh *s = &e->nh;
	const struct ipaddr *self = ag_self_ip(mp->ag);
	struct dp_nh *nh = &mp->m->u.nh;
	enum dp_tun_type tun;

	x->nh = 0;
	x->shared = false;
	memset(mp->m, 0, sizeof(*mp->m));
	switch (s->type) {
	case AG_MNH_TUNNEL:
		if (s->ip.af != AF_INET)
			break;
		tun = s->tun == AG_MTUN_VXLAN ? DP_TUN_VXLAN
		    : s->tun == AG_MTUN_GRE   ? DP_TUN_GRE
					      : DP_TUN_MPLSOUDP;
		x->nh = ag_dp_tunnel_ref(mp->ag->dp, s->ip.u.v4, tun, s->label);
		x->shared = x->nh != 0;
		break;
	case AG_MNH_MIRROR_UDP:
		nh->type = DP_NH_MIRROR_UDP;
		nh->vrf = s->vrf;
		nh->vif = AG_FABRIC_VIF; /* the underlay when unrouted */
		nh->an_ip = s->ip;
		nh->an_port = s->port;
		if (self != NULL && self->af == AF_INET)
			nh->sip = self->u.v4;
		x->nh = own_nh(mp);
		break;
	case AG_MNH_ENCAP:
		nh->type = DP_NH_ENCAP;
		nh->vrf = s->vrf;
		nh->vif = s->vif;
		nh->dmac = s->mac;
		macaddr_parse(AG_VROUTER_MAC, &nh->smac);
		x->nh = own_nh(mp);
		break;
	case AG_MNH_DISCARD:
		break;
	}
	if (x->nh != 0)
		return;
	if (s->type != AG_MNH_DISCARD)
		log_warnx("mirror %" PRIu32 " %s: its nexthop could not be "
			  "made: copies are discarded",
		    e->idx, e->key);
	memset(mp->m, 0, sizeof(*mp->m));
	nh->type = DP_NH_DISCARD;
	x->nh = own_nh(mp);
}

static void
mirror_del(struct ag_mprog *mp, const struct ag_mentry *e)
{
	struct mnh *x = &mp->mnh[e->idx];

	memset(mp->m, 0, sizeof(*mp->m));
	mp->m->u.mirror.idx = e->idx;
	dp_send(mp, DP_MSG_MIRROR, DP_MSG_DEL);
	mnh_release(mp, x);
	x->used = false;
}

static void
mirror_add(struct ag_mprog *mp, const struct ag_mentry *e)
{
	struct mnh *x = &mp->mnh[e->idx];
	struct dp_mirror_cfg *c = &mp->m->u.mirror;

	if (x->used)
		mirror_del(mp, e); /* changed without a delete before */
	mnh_make(mp, e, x);
	memset(mp->m, 0, sizeof(*mp->m));
	c->idx = e->idx;
	c->nh = x->nh;
	c->flags = e->flags;
	c->vni = e->vni;
	c->vlan = e->vlan;
	str_lcpy(mp->m->analyzer, e->analyzer, sizeof(mp->m->analyzer));
	str_lcpy(mp->m->src_vn, e->src_vn, sizeof(mp->m->src_vn));
	str_lcpy(mp->m->dst_vn, e->dst_vn, sizeof(mp->m->dst_vn));
	c->analyzer = mp->m->analyzer;
	c->src_vn = mp->m->src_vn;
	c->dst_vn = mp->m->dst_vn;
	dp_send(mp, DP_MSG_MIRROR, DP_MSG_ADD);
	x->used = true;
	if (e->resolved)
		log_info("mirror %" PRIu32 " %s: %s, nexthop %" PRIu32 ": %s",
		    e->idx, e->key, ag_mirror_mode_name(e->mode), x->nh,
		    e->reason);
	else
		log_info("mirror %" PRIu32 " %s: unresolved (copies "
			 "discarded): %s",
		    e->idx, e->key, e->reason);
}

/* GRE key g->key -> an encap nexthop to the host NIC's vif: copies
 * from another node handed to it unchanged. */
static void
gre_add(struct ag_mprog *mp, const struct ag_mgre *g)
{
	struct dp_nh *nh = &mp->m->u.nh;
	uint32_t idx;

	memset(mp->m, 0, sizeof(*mp->m));
	nh->type = DP_NH_ENCAP;
	nh->vrf = 0;
	nh->vif = g->vif;
	nh->dmac = g->mac;
	macaddr_parse(AG_VROUTER_MAC, &nh->smac);
	if ((idx = own_nh(mp)) == 0) {
		log_warnx("tap flow %s: GRE key 0x%" PRIx32 ": no nexthop",
		    g->flow, g->key);
		return;
	}
	memset(mp->m, 0, sizeof(*mp->m));
	mp->m->u.gre.key = g->key;
	mp->m->u.gre.nh = idx;
	if (dp_send(mp, DP_MSG_GRE, DP_MSG_ADD) != 0)
		log_warnx("tap flow %s: GRE key 0x%" PRIx32 " refused by "
			  "the datapath",
		    g->flow, g->key);
	if (mp->ngre == mp->capgre) {
		mp->capgre = MAX(8, mp->capgre * 2);
		mp->gre = xreallocarray(mp->gre, mp->capgre, sizeof(*mp->gre));
	}
	mp->gre[mp->ngre].key = g->key;
	mp->gre[mp->ngre++].nh = idx;
	log_info("tap flow %s: GRE key 0x%" PRIx32 " -> nexthop %" PRIu32
		 ": %s",
	    g->flow, g->key, idx, g->reason);
}

static void
gre_del(struct ag_mprog *mp, const struct ag_mgre *g)
{
	struct mnh x = {.used = false, .shared = false, .nh = 0};
	size_t i;

	memset(mp->m, 0, sizeof(*mp->m));
	mp->m->u.gre.key = g->key;
	dp_send(mp, DP_MSG_GRE, DP_MSG_DEL);
	for (i = 0; i < mp->ngre; i++)
		if (mp->gre[i].key == g->key)
			break;
	if (i == mp->ngre)
		return;
	x.nh = mp->gre[i].nh;
	mnh_release(mp, &x);
	mp->gre[i] = mp->gre[--mp->ngre];
	log_info("tap flow %s: GRE key 0x%" PRIx32 " removed", g->flow, g->key);
}

/* The vif of in again, with port mirror flags and index (in place). */
static void
vif_set(struct ag_mprog *mp, struct ag_intf *in, uint32_t flags, uint32_t idx)
{
	struct dp_vif_cfg *v = &mp->m->u.vif;

	memset(mp->m, 0, sizeof(*mp->m));
	v->idx = in->vif;
	v->kind = DP_VIF_VM;
	v->name = in->tap;
	v->mac = in->mac;
	v->vrf = in->vrf->idx;
	v->mtu = AG_MTU;
	v->flags = flags;
	v->mirror = flags != 0 ? idx : DP_MIRROR_NONE;
	dp_send(mp, DP_MSG_VIF, DP_MSG_ADD);
	in->mflags = flags;
	in->mirror = v->mirror;
	log_info("interface %s: port mirror %s%s%s (mirror %" PRIu32 ")",
	    in->name, flags == 0 ? "off" : "",
	    (flags & DP_VIF_MIRROR_RX) ? "rx" : "",
	    (flags & DP_VIF_MIRROR_TX) ? "tx" : "", v->mirror);
}

static void
policy_set(struct ag_mprog *mp, struct ag_intf *in, const struct ag_mpolicy *p)
{
	memset(mp->m, 0, sizeof(*mp->m));
	mp->m->u.policy.vif = in->vif;
	if (!p->set) {
		if (in->policy)
			dp_send(mp, DP_MSG_POLICY, DP_MSG_DEL);
		in->policy = false;
		return;
	}
	mp->m->u.policy.n = p->n;
	memcpy(mp->m->rules, p->rules, p->n * sizeof(p->rules[0]));
	dp_send(mp, DP_MSG_POLICY, DP_MSG_ADD);
	in->policy = true;
	if (p->note[0] != '\0')
		log_warnx("interface %s: policy: %s", p->vmi, p->note);
}

/* Applies the changes in order; true if an instance was subscribed
 * (its VRF exists now: compute again). */
static bool
apply(struct ag_mprog *mp, const struct ag_mchg *c, size_t n)
{
	struct ag *ag = mp->ag;
	struct ag_intf *in;
	bool subscribed = false;
	size_t i;

	for (i = 0; i < n; i++, c++) {
		switch (c->op) {
		case AG_MCHG_SUBSCRIBE:
			ag_ri_want(ag, c->ri, true);
			log_info("mirror: instance %s subscribed", c->ri);
			subscribed = true;
			break;
		case AG_MCHG_UNSUBSCRIBE:
			ag_ri_want(ag, c->ri, false);
			log_info("mirror: instance %s released", c->ri);
			break;
		case AG_MCHG_VIF_DETACH:
			if ((in = intf_by_vmi(ag, c->vif->vmi)) != NULL &&
			    in->mflags != 0)
				vif_set(mp, in, 0, DP_MIRROR_NONE);
			break;
		case AG_MCHG_VIF_SET:
			if ((in = intf_by_vmi(ag, c->vif->vmi)) != NULL)
				vif_set(mp, in, c->vif->flags, c->vif->mirror);
			break;
		case AG_MCHG_MIRROR_DEL:
			mirror_del(mp, c->mirror);
			break;
		case AG_MCHG_MIRROR_ADD:
			mirror_add(mp, c->mirror);
			break;
		case AG_MCHG_GRE_DEL:
			gre_del(mp, c->gre);
			break;
		case AG_MCHG_GRE_ADD:
			gre_add(mp, c->gre);
			break;
		case AG_MCHG_POLICY_SET:
		case AG_MCHG_POLICY_DEL:
			if ((in = intf_by_vmi(ag, c->policy->vmi)) != NULL)
				policy_set(mp, in,
				    c->op == AG_MCHG_POLICY_SET
					? c->policy
					: &(struct ag_mpolicy){.set = false});
			break;
		}
	}
	return subscribed;
}

/*
 * The last state as it stands in the datapath: an interface created
 * again (or not yet there) carries no port mirror and no policy,
 * whatever the state says, so the diff sets them again.
 */
static void
sanitize(struct ag_mprog *mp)
{
	struct ag_mirror_state *st = &mp->cur;
	const struct ag_intf *in;
	size_t i;

	for (i = 0; i < st->nvifs; i++) {
		in = intf_by_vmi(mp->ag, st->vifs[i].vmi);
		st->vifs[i].flags = in != NULL ? in->mflags : 0;
		st->vifs[i].mirror =
		    in != NULL && in->mflags != 0 ? in->mirror : DP_MIRROR_NONE;
	}
	for (i = 0; i < st->npolicies; i++) {
		in = intf_by_vmi(mp->ag, st->policies[i].vmi);
		if (in == NULL || !in->policy)
			st->policies[i].set = false;
	}
}

static void
recompute(struct ag_mprog *mp)
{
	struct ag *ag = mp->ag;
	struct ag_mirror_view view = {
	    .arg = ag,
	    .inet = v_inet,
	    .enet = v_enet,
	    .vrf = v_vrf,
	    .host_nic = v_host_nic,
	    .gre = true,
	};
	struct ag_mirror_state next;
	struct ag_mchg *chg;
	unsigned round;
	size_t n;
	bool more;

	if (mp->busy) {
		mp->again = true;
		return;
	}
	if (ag_sessions_up(ag) == 0)
		return; /* headless: the datapath is kept as it is */
	mp->busy = true;
	for (round = 0; round < MPROG_ROUNDS; round++) {
		mp->again = false;
		sanitize(mp);
		ag_mirror_state_init(&next);
		ag_mirror_compute(ag->cfg, ag->name, &view, &mp->cur, &next);
		mp->computes++;
		n = ag_mirror_diff(&mp->cur, &next, &chg);
		more = apply(mp, chg, n);
		free(chg);
		ag_mirror_state_fini(&mp->cur);
		mp->cur = next;
		if (!more && !mp->again)
			break;
	}
	mp->busy = false;
}

static void
on_cfg(struct ag *ag, const struct ag_cfg_change *ch, size_t n, void *arg)
{
	(void)ag;
	(void)ch;
	(void)n;
	recompute(arg);
}

static void
on_routes(struct ag *ag, const char *ri, void *arg)
{
	struct ag_mprog *mp = arg;

	(void)ag;
	if (ag_mirror_watches(&mp->cur, ri))
		recompute(mp);
}

void
ag__mprog_intf_gone(struct ag *ag, struct ag_intf *in)
{
	struct ag_mprog *mp = ag->mprog;

	if (mp == NULL)
		return;
	/* Its port mirror first: a mirror entry it holds cannot go. */
	if (in->mflags != 0)
		vif_set(mp, in, 0, DP_MIRROR_NONE);
	recompute(mp);
}

void
ag__mprog_recompute(struct ag *ag)
{
	if (ag->mprog != NULL)
		recompute(ag->mprog);
}

void
ag_mprog_start(struct ag *ag)
{
	struct ag_mprog *mp;
	struct ag_hooks h;

	if (ag->mprog != NULL)
		return;
	mp = xcalloc(1, sizeof(*mp));
	mp->ag = ag;
	mp->m = xcalloc(1, sizeof(*mp->m));
	ag_mirror_state_init(&mp->cur);
	ag->mprog = mp;
	memset(&h, 0, sizeof(h));
	h.cfg_changed = on_cfg;
	h.routes_changed = on_routes;
	h.arg = mp;
	ag_set_hooks(ag, &h);
}

const struct ag_mirror_state *
ag_mprog_state(const struct ag *ag)
{
	return ag->mprog != NULL ? &ag->mprog->cur : NULL;
}

void
ag__mprog_free(struct ag_mprog *mp)
{
	if (mp == NULL)
		return;
	ag_mirror_state_fini(&mp->cur);
	free(mp->gre);
	free(mp->m);
	free(mp);
}
