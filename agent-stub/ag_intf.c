/*
 * ag_intf.c - VRFs and local interfaces, driven by config changes.
 *
 * A VMI whose virtual-router is this agent becomes an interface: the VRF
 * of its network's routing instance (agent-local index, the XMPP
 * instance-id), a vif of kind vm named after its tap (the vrouter
 * creates the tap), an encap nexthop, an MPLS label to it, /32 and /128
 * routes and a bridge entry, and the VN's VNI pointing at a flood
 * composite of the VRF's local vifs.  Its routes are published on every
 * session.  Deleting the VMI undoes all of it in reverse order.  A VMI
 * changed in its network, router, MAC, addresses or tap is deleted and
 * added again (simple, and rare); other changes (mirrors, policies) are
 * ag_mprog.c's and leave the interface as it is.
 */
#include "agent-stub/ag_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ag__tap_name(const char *prefix, const char *name, char *out, size_t len)
{
	/* FNV-1a: stable across runs and hosts (ht_hash is seeded). */
	uint32_t h = 2166136261u;
	const char *s;

	for (s = name; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	snprintf(out, len, "%s%08" PRIx32, prefix, h);
}

struct ag_vrf *
ag__vrf_find(const struct ag *ag, const char *ri)
{
	struct ag_vrf *v;

	for (v = ag->vrfs; v != NULL; v = v->next)
		if (strcmp(v->ri, ri) == 0)
			return v;
	return NULL;
}

uint32_t
ag_vrf_index(const struct ag *ag, const char *ri)
{
	const struct ag_vrf *v = ag__vrf_find(ag, ri);

	return v != NULL ? v->idx : 0;
}

static void
dp_send(struct ag *ag, struct dp_msg *m, enum dp_msg_type t, enum dp_msg_op op)
{
	m->type = t;
	m->op = op;
	ag_dp_request(ag->dp, m);
}

/* VNI -> VRF with a flood composite of its local vifs, and the VRF's
 * mirror-destination flag, from the config's instance. */
static void
vrf_program(struct ag *ag, struct ag_vrf *v)
{
	const struct ag_ri *ri = ag_cfg_ri(ag->cfg, v->ri);
	uint32_t members[DP_NH_COMP_MAX], old = v->flood_nh, vni;
	const struct ag_intf *in;
	struct dp_msg m;
	size_t n = 0;

	for (in = ag->intfs; in != NULL; in = in->next)
		if (in->vrf == v && in->nh != 0 && n < DP_NH_COMP_MAX)
			members[n++] = in->nh;
	vni = ri != NULL ? ri->vxlan_id : 0;
	v->flood_nh =
	    n > 0 ? ag_dp_composite_ref(ag->dp, v->idx, false, members, n) : 0;
	if (v->vni != 0 && (v->vni != vni || v->flood_nh == 0)) {
		memset(&m, 0, sizeof(m));
		m.u.vxlan.vni = v->vni;
		dp_send(ag, &m, DP_MSG_VXLAN, DP_MSG_DEL);
		v->vni = 0;
	}
	if (vni != 0 && v->flood_nh != 0) {
		memset(&m, 0, sizeof(m));
		m.u.vxlan.vni = vni;
		m.u.vxlan.vrf = v->idx;
		m.u.vxlan.nh = v->flood_nh;
		dp_send(ag, &m, DP_MSG_VXLAN, DP_MSG_ADD);
		v->vni = vni;
	}
	if (old != 0)
		ag_dp_nh_unref(ag->dp, old);
	if (ri != NULL && ri->mirror_destination != v->mirror_dest) {
		memset(&m, 0, sizeof(m));
		m.u.vrf.vrf = v->idx;
		m.u.vrf.flags = ri->mirror_destination ? DP_VRF_MIRROR_DEST : 0;
		dp_send(ag, &m, DP_MSG_VRF, DP_MSG_ADD);
		v->mirror_dest = ri->mirror_destination;
	}
}

static struct ag_vrf *
vrf_get(struct ag *ag, const char *ri)
{
	struct ag_vrf *v = ag__vrf_find(ag, ri);

	if (v != NULL)
		return v;
	v = xcalloc(1, sizeof(*v));
	v->ri = xstrdup(ri);
	if ((v->idx = ag_dp_alloc(ag->dp, AG_IDS_VRF)) == 0) {
		free(v->ri);
		free(v);
		return NULL;
	}
	ag__rib_init(v);
	v->next = ag->vrfs;
	ag->vrfs = v;
	log_info("vrf %" PRIu32 ": %s", v->idx, ri);
	ag__vrf_subscribe(ag, v, true);
	return v;
}

static void
vrf_put(struct ag *ag, struct ag_vrf *v)
{
	struct ag_vrf **pp;
	struct dp_msg m;

	if (v->nintf > 0 || v->wants > 0)
		return;
	ag__vrf_subscribe(ag, v, false);
	ag__rib_fini(ag, v);
	if (v->vni != 0) {
		memset(&m, 0, sizeof(m));
		m.u.vxlan.vni = v->vni;
		dp_send(ag, &m, DP_MSG_VXLAN, DP_MSG_DEL);
	}
	if (v->flood_nh != 0)
		ag_dp_nh_unref(ag->dp, v->flood_nh);
	if (v->mirror_dest) {
		memset(&m, 0, sizeof(m));
		m.u.vrf.vrf = v->idx;
		dp_send(ag, &m, DP_MSG_VRF, DP_MSG_ADD);
	}
	for (pp = &ag->vrfs; *pp != v; pp = &(*pp)->next)
		;
	*pp = v->next;
	log_info("vrf %" PRIu32 ": %s removed", v->idx, v->ri);
	ag_dp_release(ag->dp, AG_IDS_VRF, v->idx);
	free(v->ri);
	free(v);
}

uint32_t
ag_ri_want(struct ag *ag, const char *ri_name, bool want)
{
	struct ag_vrf *v = ag__vrf_find(ag, ri_name);

	if (want) {
		if (v == NULL && (v = vrf_get(ag, ri_name)) == NULL)
			return 0;
		v->wants++;
		return v->idx;
	}
	if (v == NULL || v->wants == 0)
		return 0;
	v->wants--;
	vrf_put(ag, v);
	return 0;
}

struct ag_intf *
ag__intf_by_label(const struct ag *ag, uint32_t label)
{
	struct ag_intf *in;

	for (in = ag->intfs; in != NULL; in = in->next)
		if (in->label == label)
			return in;
	return NULL;
}

static struct ag_intf *
intf_find(const struct ag *ag, const char *name)
{
	struct ag_intf *in;

	for (in = ag->intfs; in != NULL; in = in->next)
		if (strcmp(in->name, name) == 0)
			return in;
	return NULL;
}

static struct prefix
host_prefix(const struct ipaddr *ip)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.addr = *ip;
	p.len = ip->af == AF_INET ? 32 : 128;
	return p;
}

static void
intf_add(struct ag *ag, const struct ag_vmi *vmi)
{
	const struct ag_ri *ri = ag_cfg_vn_ri(ag->cfg, vmi->vn);
	struct ag_intf *in;
	struct dp_msg m;
	struct prefix p;
	bool adopted;
	size_t i;

	if (ri == NULL) {
		log_warnx("interface %s: network %s has no routing instance "
			  "(yet)",
		    vmi->obj.name, vmi->vn);
		return;
	}
	in = xcalloc(1, sizeof(*in));
	in->name = xstrdup(vmi->obj.name);
	in->vn = xstrdup(vmi->vn);
	in->mac = vmi->mac;
	in->nips = MIN(vmi->nips, (size_t)AG_IPS_MAX);
	memcpy(in->ips, vmi->ips, in->nips * sizeof(in->ips[0]));
	if (vmi->tap_name != NULL)
		str_lcpy(in->tap, vmi->tap_name, sizeof(in->tap));
	else
		ag__tap_name(
		    AG_TAP_PREFIX, vmi->obj.name, in->tap, sizeof(in->tap));
	if ((in->vrf = vrf_get(ag, ri->obj.name)) == NULL) {
		free(in->name);
		free(in->vn);
		free(in);
		return;
	}
	in->vrf->nintf++;
	in->vni = ri->vxlan_id;
	in->next = ag->intfs;
	ag->intfs = in;

	in->mirror = DP_MIRROR_NONE;
	in->vif = ag__dp_adopt_vif(ag->dp, in->tap, &adopted);
	memset(&m, 0, sizeof(m));
	m.u.vif.idx = in->vif;
	m.u.vif.kind = DP_VIF_VM;
	m.u.vif.name = in->tap;
	m.u.vif.mac = in->mac;
	m.u.vif.vrf = in->vrf->idx;
	m.u.vif.mtu = AG_MTU;
	dp_send(ag, &m, DP_MSG_VIF, DP_MSG_ADD);

	in->nh = ag_dp_alloc(ag->dp, AG_IDS_NH);
	memset(&m, 0, sizeof(m));
	m.u.nh.idx = in->nh;
	m.u.nh.type = DP_NH_ENCAP;
	m.u.nh.vrf = in->vrf->idx;
	m.u.nh.vif = in->vif;
	m.u.nh.dmac = in->mac;
	macaddr_parse(AG_VROUTER_MAC, &m.u.nh.smac);
	dp_send(ag, &m, DP_MSG_NH, DP_MSG_ADD);

	in->label = ag_dp_alloc(ag->dp, AG_IDS_LABEL);
	memset(&m, 0, sizeof(m));
	m.u.mpls.label = in->label;
	m.u.mpls.nh = in->nh;
	dp_send(ag, &m, DP_MSG_MPLS, DP_MSG_ADD);

	memset(&m, 0, sizeof(m));
	m.u.br.vrf = in->vrf->idx;
	m.u.br.mac = in->mac;
	m.u.br.nh = in->nh;
	dp_send(ag, &m, DP_MSG_BRIDGE, DP_MSG_ADD);
	for (i = 0; i < in->nips; i++) {
		p = host_prefix(&in->ips[i]);
		ag__rib_sync_prefix(ag, in->vrf, &p);
	}
	vrf_program(ag, in->vrf);
	log_info("interface %s: vif %" PRIu32 " tap %s vrf %" PRIu32
		 " label %" PRIu32 "%s",
	    in->name, in->vif, in->tap, in->vrf->idx, in->label,
	    adopted ? " (adopted)" : "");
	ag__intf_publish(ag, in, true);
}

static void
intf_del(struct ag *ag, struct ag_intf *in)
{
	struct ag_intf **pp;
	struct ag_vrf *v = in->vrf;
	struct dp_msg m;
	struct prefix p;
	size_t i;

	ag__intf_publish(ag, in, false);
	for (pp = &ag->intfs; *pp != in; pp = &(*pp)->next)
		;
	*pp = in->next;
	ag__mprog_intf_gone(ag, in);
	/* Routes first (they may fall back to received paths), then the
	 * flood composite, the label, the bridge entry, the nexthop, the
	 * vif. */
	{
		uint32_t nh = in->nh;

		in->nh = 0;
		for (i = 0; i < in->nips; i++) {
			p = host_prefix(&in->ips[i]);
			ag__rib_sync_prefix(ag, v, &p);
		}
		ag__rib_sync_nh(ag, nh);
		in->nh = nh;
	}
	v->nintf--;
	vrf_program(ag, v);
	memset(&m, 0, sizeof(m));
	m.u.mpls.label = in->label;
	dp_send(ag, &m, DP_MSG_MPLS, DP_MSG_DEL);
	memset(&m, 0, sizeof(m));
	m.u.br.vrf = v->idx;
	m.u.br.mac = in->mac;
	dp_send(ag, &m, DP_MSG_BRIDGE, DP_MSG_DEL);
	memset(&m, 0, sizeof(m));
	m.u.nh.idx = in->nh;
	dp_send(ag, &m, DP_MSG_NH, DP_MSG_DEL);
	memset(&m, 0, sizeof(m));
	m.u.vif.idx = in->vif;
	dp_send(ag, &m, DP_MSG_VIF, DP_MSG_DEL);
	ag_dp_release(ag->dp, AG_IDS_LABEL, in->label);
	ag_dp_release(ag->dp, AG_IDS_NH, in->nh);
	ag_dp_release(ag->dp, AG_IDS_VIF, in->vif);
	log_info("interface %s: removed", in->name);
	free(in->name);
	free(in->vn);
	free(in);
	vrf_put(ag, v);
}

/* The nexthop of a local interface owning address ip in vrf, or 0. */
uint32_t
ag__intf_local_nh(
    const struct ag *ag, const struct ag_vrf *vrf, const struct prefix *p)
{
	const struct ag_intf *in;
	size_t i;

	for (in = ag->intfs; in != NULL; in = in->next) {
		if (in->vrf != vrf || in->nh == 0)
			continue;
		for (i = 0; i < in->nips; i++)
			if (ipaddr_cmp(&in->ips[i], &p->addr) == 0 &&
			    p->len == (in->ips[i].af == AF_INET ? 32 : 128))
				return in->nh;
	}
	return 0;
}

static bool
vmi_mine(const struct ag *ag, const struct ag_vmi *vmi)
{
	return vmi->vrouter != NULL && strcmp(vmi->vrouter, ag->name) == 0;
}

static bool
str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Old and cur give the same interface (network, router, MAC,
 * addresses, tap). */
static bool
vmi_same_intf(const struct ag_vmi *old, const struct ag_vmi *cur)
{
	size_t i;

	if (old == NULL || cur == NULL || !str_eq(old->vn, cur->vn) ||
	    !str_eq(old->vrouter, cur->vrouter) ||
	    !str_eq(old->tap_name, cur->tap_name) ||
	    memcmp(&old->mac, &cur->mac, sizeof(old->mac)) != 0 ||
	    old->nips != cur->nips)
		return false;
	for (i = 0; i < old->nips; i++)
		if (ipaddr_cmp(&old->ips[i], &cur->ips[i]) != 0)
			return false;
	return true;
}

/* Brings interfaces in line with the config: gone or changed ones go,
 * new ones come. */
static void
intf_sync(struct ag *ag)
{
	const struct ag_vmi *vmi;
	struct ag_intf *in, *next;
	size_t i, n;

	for (in = ag->intfs; in != NULL; in = next) {
		next = in->next;
		vmi = ag_cfg_vmi(ag->cfg, in->name);
		if (vmi == NULL || !vmi_mine(ag, vmi) ||
		    ag_cfg_vn_ri(ag->cfg, vmi->vn) == NULL ||
		    strcmp(ag_cfg_vn_ri(ag->cfg, vmi->vn)->obj.name,
			in->vrf->ri) != 0 ||
		    !in->seen)
			intf_del(ag, in);
	}
	n = ag_cfg_count(ag->cfg, AG_VMI);
	for (i = 0; i < n; i++) {
		vmi = (const struct ag_vmi *)ag_cfg_at(ag->cfg, AG_VMI, i);
		if (vmi_mine(ag, vmi) && intf_find(ag, vmi->obj.name) == NULL)
			intf_add(ag, vmi);
	}
	for (in = ag->intfs; in != NULL; in = in->next)
		in->seen = true;
}

void
ag__intf_cfg(struct ag *ag, const struct ag_cfg_change *ch, size_t n, bool eoc)
{
	const struct ag_vrouter *vr;
	struct ag_intf *in;
	struct ag_vrf *v;
	size_t i;

	vr = ag_cfg_vrouter(ag->cfg, ag->name);
	if (vr != NULL && ipaddr_cmp(&vr->ip, &ag->self) != 0) {
		ag->self = vr->ip;
		log_info("router %s: ip-address from the config", ag->name);
	}
	/* A VMI changed in what makes its interface is removed, then added
	 * again by intf_sync; a change elsewhere (interface-mirror,
	 * policies, labels: ag_mprog.c's) leaves the interface and its
	 * tap alone. */
	for (i = 0; i < n; i++) {
		if (ch[i].type != AG_VMI || ch[i].op != AG_CHG_MOD)
			continue;
		if ((in = intf_find(ag, ch[i].name)) != NULL &&
		    !vmi_same_intf((const struct ag_vmi *)ch[i].old,
			(const struct ag_vmi *)ch[i].cur))
			in->seen = false;
	}
	intf_sync(ag);
	/* Instances changed (VNI, mirror-destination): reprogram. */
	for (i = 0; i < n; i++)
		if (ch[i].type == AG_RI &&
		    (v = ag__vrf_find(ag, ch[i].name)) != NULL)
			vrf_program(ag, v);
	ag__hnic_sync(ag);
	if (eoc)
		ag__dp_adopt_done(ag->dp);
}

void
ag__intf_fini(struct ag *ag)
{
	struct ag_intf *in;
	struct ag_vrf *v;

	while ((in = ag->intfs) != NULL) {
		ag->intfs = in->next;
		free(in->name);
		free(in->vn);
		free(in);
	}
	while ((v = ag->vrfs) != NULL) {
		ag->vrfs = v->next;
		ag__rib_fini(NULL, v);
		free(v->ri);
		free(v);
	}
}
