/*
 * check_ag_mirror.c - the agent's mirror and policy resolution
 * (agent-stub/ag_mirror.c, ag_policy.c) on hand-built config objects
 * and a fake route view: each mode and direction, policy- and
 * rule-level mirrors, the analyzer moving, leaving and coming back,
 * mode 2's extra subscription, tap flows enabled and disabled, the
 * unresolved reasons, stable indexes and the diff.  Its own runner.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-stub/ag_mirror.h"
#include "tests/agent/ag_fake_cfg.h"

#define RED     "dom:p:red"
#define RED_RI  "dom:p:red:red"
#define BLUE    "dom:p:blue"
#define BLUE_RI "dom:p:blue:blue"
#define ANA     "dom:p:ana"
#define ANA_RI  "dom:p:ana:ana"
#define AN_IP   "10.9.0.9"
#define AN_MAC  "02:00:00:00:09:09"
#define ME      "vr1"
#define VMI(n)  ((struct ag_vmi *)fake_cfg_get(cfg, AG_VMI, (n)))

/* ---- the fake view ---- */

#define FV_MAX 16
struct fv_route {
	const char *ri;
	struct prefix p;    /* inet */
	struct macaddr mac; /* enet */
	bool enet;
	struct ag_mpath path;
};
struct fake_view {
	struct fv_route rt[FV_MAX];
	size_t nrt;
	const char *vrfs[FV_MAX]; /* VRF i + 1 */
	size_t nvrfs;
	struct macaddr nic; /* vif 20 */
	bool has_nic;
	struct macaddr nic2; /* vif 21 */
	bool has_nic2;
};

static struct ag_cfg *cfg;
static struct fake_view fv;
static struct ag_mirror_view view;
static struct ag_mirror_state st, st2;

static bool
fv_inet(
    void *arg, const char *ri, const struct ipaddr *ip, struct ag_mpath *out)
{
	struct fake_view *f = arg;
	int best = -1;
	size_t i;

	for (i = 0; i < f->nrt; i++)
		if (!f->rt[i].enet && strcmp(f->rt[i].ri, ri) == 0 &&
		    prefix_contains(&f->rt[i].p, ip) &&
		    (best < 0 || f->rt[i].p.len > f->rt[best].p.len))
			best = (int)i;
	if (best < 0)
		return false;
	*out = f->rt[best].path;
	return true;
}

static bool
fv_enet(
    void *arg, const char *ri, const struct macaddr *mac, struct ag_mpath *out)
{
	struct fake_view *f = arg;
	size_t i;

	for (i = 0; i < f->nrt; i++)
		if (f->rt[i].enet && strcmp(f->rt[i].ri, ri) == 0 &&
		    memcmp(&f->rt[i].mac, mac, sizeof(*mac)) == 0) {
			*out = f->rt[i].path;
			return true;
		}
	return false;
}

static bool
fv_vrf(void *arg, const char *ri, uint32_t *vrf)
{
	struct fake_view *f = arg;
	size_t i;

	for (i = 0; i < f->nvrfs; i++)
		if (strcmp(f->vrfs[i], ri) == 0) {
			*vrf = (uint32_t)i + 1;
			return true;
		}
	return false;
}

static bool
fv_nic(void *arg, const struct macaddr *mac, uint32_t *vif)
{
	struct fake_view *f = arg;

	if (f->has_nic && memcmp(&f->nic, mac, sizeof(*mac)) == 0) {
		*vif = 20;
		return true;
	}
	if (f->has_nic2 && memcmp(&f->nic2, mac, sizeof(*mac)) == 0) {
		*vif = 21;
		return true;
	}
	return false;
}

static struct ipaddr
ip(const char *s)
{
	struct ipaddr a;

	ck_assert_int_eq(ipaddr_parse(s, &a), 0);
	return a;
}

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, false), 0);
	return p;
}

static struct macaddr
mac(const char *s)
{
	struct macaddr m;

	ck_assert_int_eq(macaddr_parse(s, &m), 0);
	return m;
}

static struct ag_mpath
remote(const char *node, uint32_t label, uint32_t vni)
{
	struct ag_mpath p;

	memset(&p, 0, sizeof(p));
	p.nexthop = ip(node);
	p.label = label;
	p.vni = vni;
	p.encaps = AG_ENCAP_MPLSOUDP | (vni ? AG_ENCAP_VXLAN : 0);
	return p;
}

static void
fv_inet_add(const char *ri, const char *p, struct ag_mpath path)
{
	struct fv_route *r = &fv.rt[fv.nrt++];

	memset(r, 0, sizeof(*r));
	r->ri = ri;
	r->p = pfx(p);
	r->path = path;
}

static void
fv_enet_add(const char *ri, const char *m, struct ag_mpath path)
{
	struct fv_route *r = &fv.rt[fv.nrt++];

	memset(r, 0, sizeof(*r));
	r->ri = ri;
	r->enet = true;
	r->mac = mac(m);
	r->path = path;
}

/* ---- config builders ---- */

static void
add_vn(const char *name, const char *subnet, bool mdest)
{
	struct ag_vn *vn = fake_alloc(cfg, sizeof(*vn));
	struct ag_ri *ri = fake_alloc(cfg, sizeof(*ri));
	char rname[300];

	vn->obj.type = AG_VN;
	vn->obj.name = fake_strdup(cfg, name);
	vn->mirror_destination = mdest;
	if (subnet != NULL) {
		vn->nsubnets = 1;
		vn->subnets = fake_alloc(cfg, sizeof(*vn->subnets));
		vn->subnets[0].prefix = pfx(subnet);
	}
	fake_cfg_add(cfg, &vn->obj);
	snprintf(rname, sizeof(rname), "%s:%s", name, strrchr(name, ':') + 1);
	ri->obj.type = AG_RI;
	ri->obj.name = fake_strdup(cfg, rname);
	ri->vn = vn->obj.name;
	ri->mirror_destination = mdest;
	fake_cfg_add(cfg, &ri->obj);
}

static struct ag_vmi *
add_vmi(const char *name, const char *vn, const char *vr, const char *addr)
{
	struct ag_vmi *v = fake_alloc(cfg, sizeof(*v));

	v->obj.type = AG_VMI;
	v->obj.name = fake_strdup(cfg, name);
	v->vn = fake_strdup(cfg, vn);
	v->vrouter = fake_strdup(cfg, vr);
	v->nips = 1;
	v->ips = fake_alloc(cfg, sizeof(*v->ips));
	v->ips[0] = ip(addr);
	fake_cfg_add(cfg, &v->obj);
	return v;
}

/* A resolution as the control node sends it, resolved. */
static struct ag_mirror_res *
add_res(enum ag_mres_kind kind, const char *object, bool header)
{
	struct ag_mirror_res *r = fake_alloc(cfg, sizeof(*r));
	char name[300];

	snprintf(name, sizeof(name), "%s:%s", ag_mres_kind_name(kind), object);
	r->obj.type = AG_MIRROR_RES;
	r->obj.name = fake_strdup(cfg, name);
	r->kind = kind;
	r->object = fake_strdup(cfg, object);
	r->resolved = true;
	r->reason = "analyzer interface a1";
	r->analyzer = "a1";
	r->has_ip = true;
	r->ip = ip(AN_IP);
	r->has_mac = true;
	r->mac = mac(AN_MAC);
	r->ri = ANA_RI;
	r->vn = ANA;
	r->vrouter = "vr2";
	r->mode.juniper_header = header;
	r->mode.udp_port = 8099;
	r->enabled = true;
	fake_cfg_add(cfg, &r->obj);
	return r;
}

static void
mirror_port(struct ag_vmi *v, enum ag_dir dir)
{
	v->has_mirror = true;
	v->mirror_dir = dir;
}

static void
compute(struct ag_mirror_state *out, const struct ag_mirror_state *prev)
{
	ag_mirror_compute(cfg, ME, &view, prev, out);
}

static void
setup(void)
{
	cfg = fake_cfg_new();
	memset(&fv, 0, sizeof(fv));
	fv.vrfs[fv.nvrfs++] = RED_RI;  /* VRF 1 */
	fv.vrfs[fv.nvrfs++] = BLUE_RI; /* VRF 2 */
	view.arg = &fv;
	view.inet = fv_inet;
	view.enet = fv_enet;
	view.vrf = fv_vrf;
	view.host_nic = fv_nic;
	view.gre = false;
	ag_mirror_state_init(&st);
	ag_mirror_state_init(&st2);
	add_vn(RED, "10.1.0.0/24", false);
	add_vn(BLUE, "10.2.0.0/24", false);
	add_vn(ANA, "10.9.0.0/24", true);
	add_vmi("vm1", RED, ME, "10.1.0.3");
	add_vmi("vm2", RED, ME, "10.1.0.4");
	add_vmi("vm3", BLUE, "vr2", "10.2.0.5");
	add_vmi("a1", ANA, "vr2", AN_IP);
}

static void
teardown(void)
{
	ag_mirror_state_fini(&st);
	ag_mirror_state_fini(&st2);
	fake_cfg_free(cfg);
}

static const struct ag_mentry *
entry(const struct ag_mirror_state *s, const char *key)
{
	const struct ag_mentry *e = ag_mirror_find(s, key);

	ck_assert_msg(e != NULL, "no entry %s", key);
	return e;
}

/* ---- mode 1 ---- */

static const enum ag_dir dirs[] = {AG_DIR_INGRESS, AG_DIR_EGRESS, AG_DIR_BOTH};
static const uint32_t dir_flags[] = {
    DP_VIF_MIRROR_RX, DP_VIF_MIRROR_TX, DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX};

START_TEST(header_port_dirs)
{
	const struct ag_mentry *e;
	const struct ag_mvif *v;
	char buf[IPADDR_STRLEN];

	mirror_port(VMI("vm1"), dirs[_i]);
	add_res(AG_MRES_INTERFACE, "vm1", true);
	fv_inet_add(RED_RI, AN_IP "/32", remote("10.0.0.2", 30, 0));
	compute(&st, NULL);
	e = entry(&st, "interface-mirror:vm1");
	ck_assert(e->resolved);
	ck_assert_int_eq(e->mode, AG_MMODE_HEADER);
	ck_assert_int_eq(e->nh.type, AG_MNH_MIRROR_UDP);
	ck_assert_int_eq(e->nh.vrf, 1);
	ck_assert_str_eq(ipaddr_print(&e->nh.ip, buf, sizeof(buf)), AN_IP);
	ck_assert_int_eq(e->nh.port, 8099);
	ck_assert_uint_eq(e->flags, DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR);
	ck_assert_str_eq(e->src_vn, RED);
	ck_assert_str_eq(e->dst_vn, RED);
	ck_assert_str_eq(e->analyzer, "a1");
	v = ag_mirror_vif(&st, "vm1");
	ck_assert_uint_eq(v->flags, dir_flags[_i]);
	ck_assert_uint_eq(v->mirror, e->idx);
	v = ag_mirror_vif(&st, "vm2");
	ck_assert_uint_eq(v->flags, 0);
	ck_assert_uint_eq(v->mirror, DP_MIRROR_NONE);
	ck_assert_ptr_null(ag_mirror_vif(&st, "vm3")); /* not ours */
	ck_assert_uint_eq(st.nris, 0);                 /* no extra RI */
	ck_assert(ag_mirror_watches(&st, RED_RI));
	ck_assert(!ag_mirror_watches(&st, BLUE_RI));
}
END_TEST

START_TEST(header_no_route)
{
	const struct ag_mentry *e;

	mirror_port(VMI("vm1"), AG_DIR_BOTH);
	add_res(AG_MRES_INTERFACE, "vm1", true);
	compute(&st, NULL);
	e = entry(&st, "interface-mirror:vm1");
	ck_assert(!e->resolved);
	ck_assert_str_eq(
	    e->reason, "no route to analyzer " AN_IP " in " RED_RI);
	ck_assert_int_eq(e->nh.type, AG_MNH_DISCARD);
	/* The vif keeps the index; the entry sends nothing. */
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->mirror, e->idx);
}
END_TEST

/* ---- mode 2: subscription, moves, loss, return ---- */

START_TEST(no_header_route_driven)
{
	const struct ag_mentry *e;
	struct ag_mchg *c;
	size_t n;
	char buf[IPADDR_STRLEN];
	uint32_t idx;

	mirror_port(VMI("vm1"), AG_DIR_INGRESS);
	add_res(AG_MRES_INTERFACE, "vm1", false);
	/* Not subscribed yet: no VRF, no routes. */
	compute(&st, NULL);
	e = entry(&st, "interface-mirror:vm1");
	ck_assert(!e->resolved);
	ck_assert_str_eq(e->reason,
	    "analyzer MAC " AN_MAC " not in " ANA_RI
	    " (waiting for its routes)");
	ck_assert_uint_eq(st.nris, 1);
	ck_assert_str_eq(st.ris[0], ANA_RI);
	ck_assert(ag_mirror_watches(&st, ANA_RI));
	idx = e->idx;
	n = ag_mirror_diff(&st2, &st, &c); /* from nothing */
	ck_assert_uint_ge(n, 3);
	ck_assert_int_eq(c[0].op, AG_MCHG_SUBSCRIBE);
	ck_assert_str_eq(c[0].ri, ANA_RI);
	ck_assert_int_eq(c[1].op, AG_MCHG_MIRROR_ADD);
	ck_assert_int_eq(c[2].op, AG_MCHG_VIF_SET);
	free(c);

	/* Subscribed, the analyzer's route arrives (on vr2, VXLAN). */
	fv.vrfs[fv.nvrfs++] = ANA_RI;
	fv_enet_add(ANA_RI, AN_MAC, remote("10.0.0.2", 40, 5009));
	compute(&st2, &st);
	e = entry(&st2, "interface-mirror:vm1");
	ck_assert(e->resolved);
	ck_assert_uint_eq(e->idx, idx);
	ck_assert_int_eq(e->nh.type, AG_MNH_TUNNEL);
	ck_assert_int_eq(e->nh.tun, AG_MTUN_VXLAN);
	ck_assert_uint_eq(e->nh.label, 5009);
	ck_assert_str_eq(ipaddr_print(&e->nh.ip, buf, sizeof(buf)), "10.0.0.2");
	ck_assert_uint_eq(e->flags, DP_MIRROR_DYNAMIC);
	n = ag_mirror_diff(&st, &st2, &c);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(c[0].op, AG_MCHG_VIF_DETACH);
	ck_assert_int_eq(c[1].op, AG_MCHG_MIRROR_DEL);
	ck_assert_int_eq(c[2].op, AG_MCHG_MIRROR_ADD);
	ck_assert_int_eq(c[3].op, AG_MCHG_VIF_SET);
	ck_assert_uint_eq(c[3].vif->flags, DP_VIF_MIRROR_RX);
	free(c);

	/* It moves to vr3, MPLS only: a tunnel there, same index. */
	fv.rt[0].path = remote("10.0.0.3", 41, 0);
	compute(&st, &st2);
	e = entry(&st, "interface-mirror:vm1");
	ck_assert(e->resolved);
	ck_assert_uint_eq(e->idx, idx);
	ck_assert_int_eq(e->nh.tun, AG_MTUN_MPLSOUDP);
	ck_assert_uint_eq(e->nh.label, 41);
	ck_assert_str_eq(ipaddr_print(&e->nh.ip, buf, sizeof(buf)), "10.0.0.3");

	/* It goes away: unresolved, discard, still subscribed. */
	fv.nrt = 0;
	compute(&st2, &st);
	e = entry(&st2, "interface-mirror:vm1");
	ck_assert(!e->resolved);
	ck_assert_str_eq(e->reason, "analyzer MAC " AN_MAC " not in " ANA_RI);
	ck_assert_int_eq(e->nh.type, AG_MNH_DISCARD);
	ck_assert_uint_eq(e->idx, idx);
	ck_assert_uint_eq(st2.nris, 1);

	/* It comes back on this node: encap to its vif. */
	fv_enet_add(ANA_RI, AN_MAC, (struct ag_mpath){.local = true, .vif = 7});
	compute(&st, &st2);
	e = entry(&st, "interface-mirror:vm1");
	ck_assert(e->resolved);
	ck_assert_int_eq(e->nh.type, AG_MNH_ENCAP);
	ck_assert_uint_eq(e->nh.vif, 7);
	ck_assert_uint_eq(e->nh.vrf, 3);

	/* No longer mirrored: the instance is unsubscribed. */
	(VMI("vm1"))->has_mirror = false;
	compute(&st2, &st);
	ck_assert_uint_eq(st2.n, 0);
	ck_assert_uint_eq(st2.nris, 0);
	n = ag_mirror_diff(&st, &st2, &c);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(c[0].op, AG_MCHG_VIF_DETACH);
	ck_assert_int_eq(c[1].op, AG_MCHG_MIRROR_DEL);
	ck_assert_int_eq(c[2].op, AG_MCHG_UNSUBSCRIBE);
	ck_assert_str_eq(c[2].ri, ANA_RI);
	free(c);
}
END_TEST

START_TEST(no_header_local_ri_not_subscribed)
{
	/* The analyzer's instance is one this node has interfaces in. */
	struct ag_mirror_res *r;

	mirror_port(VMI("vm1"), AG_DIR_BOTH);
	r = add_res(AG_MRES_INTERFACE, "vm1", false);
	r->ri = RED_RI;
	r->mac = mac("02:00:00:00:01:04");
	fv_enet_add(RED_RI, "02:00:00:00:01:04",
	    (struct ag_mpath){.local = true, .vif = 2});
	compute(&st, NULL);
	ck_assert(entry(&st, "interface-mirror:vm1")->resolved);
	ck_assert_uint_eq(st.nris, 0);
}
END_TEST

/* ---- static, unresolved reasons ---- */

START_TEST(static_vxlan)
{
	struct ag_mirror_res *r;
	const struct ag_mentry *e;
	char buf[IPADDR_STRLEN];

	mirror_port(VMI("vm2"), AG_DIR_EGRESS);
	r = add_res(AG_MRES_INTERFACE, "vm2", false);
	r->mode.nh_mode = AG_NH_STATIC;
	r->mode.has_static_nh = true;
	r->mode.vtep_ip = ip("192.0.2.50");
	r->mode.vni = 7777;
	compute(&st, NULL);
	e = entry(&st, "interface-mirror:vm2");
	ck_assert(e->resolved);
	ck_assert_int_eq(e->mode, AG_MMODE_STATIC);
	ck_assert_int_eq(e->nh.type, AG_MNH_TUNNEL);
	ck_assert_int_eq(e->nh.tun, AG_MTUN_VXLAN);
	ck_assert_str_eq(
	    ipaddr_print(&e->nh.ip, buf, sizeof(buf)), "192.0.2.50");
	ck_assert_uint_eq(e->flags, DP_MIRROR_STATIC);
	ck_assert_uint_eq(e->vni, 7777);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm2")->flags, DP_VIF_MIRROR_TX);
	ck_assert_uint_eq(st.nwatch, 0);
}
END_TEST

START_TEST(unresolved_reasons)
{
	struct ag_mirror_res *r;
	struct ag_vmi *v = VMI("vm1");

	mirror_port(v, AG_DIR_BOTH);
	compute(&st, NULL);
	ck_assert_str_eq(entry(&st, "interface-mirror:vm1")->reason,
	    "no mirror-resolution interface-mirror:vm1 from the control "
	    "node");
	r = add_res(AG_MRES_INTERFACE, "vm1", true);
	r->resolved = false;
	r->reason = "no interface has the labels role=ids";
	compute(&st, NULL);
	ck_assert_str_eq(entry(&st, "interface-mirror:vm1")->reason,
	    "control node: no interface has the labels role=ids");
	r->resolved = true;
	r->mode.nic_assisted = true;
	compute(&st, NULL);
	ck_assert_str_eq(entry(&st, "interface-mirror:vm1")->reason,
	    "NIC-assisted mirroring not supported by the datapath");
	r->mode.nic_assisted = false;
	r->ip = ip("2001:db8::9");
	compute(&st, NULL);
	ck_assert_str_eq(entry(&st, "interface-mirror:vm1")->reason,
	    "analyzer 2001:db8::9: IPv6 analyzers are not supported by the "
	    "datapath");
	r->mode.juniper_header = false;
	r->has_mac = false;
	compute(&st, NULL);
	ck_assert_str_eq(entry(&st, "interface-mirror:vm1")->reason,
	    "no analyzer MAC address");
	r->has_mac = true;
	fv.vrfs[fv.nvrfs++] = ANA_RI;
	fv_enet_add(ANA_RI, AN_MAC,
	    (struct ag_mpath){.nexthop = ip("10.0.0.2"),
		.label = 40,
		.encaps = AG_ENCAP_MPLSOGRE});
	compute(&st, NULL);
	ck_assert_ptr_nonnull(strstr(entry(&st, "interface-mirror:vm1")->reason,
	    "offers no encapsulation the datapath has"));
	ck_assert(!entry(&st, "interface-mirror:vm1")->resolved);
}
END_TEST

/* ---- policies ---- */

static struct ag_policy *
add_policy(const char *name, size_t nrules)
{
	struct ag_policy *p = fake_alloc(cfg, sizeof(*p));
	size_t i;

	p->obj.type = AG_POLICY;
	p->obj.name = fake_strdup(cfg, name);
	p->nrules = nrules;
	p->rules = fake_alloc(cfg, nrules * sizeof(*p->rules));
	for (i = 0; i < nrules; i++) {
		p->rules[i].protocol = AG_PROTO_ANY;
		p->rules[i].sport.end = p->rules[i].dport.end = 65535;
		p->rules[i].pass = true;
	}
	fake_cfg_add(cfg, &p->obj);
	return p;
}

static struct ag_addr *
addr_vn(const char *vn)
{
	struct ag_addr *a = fake_alloc(cfg, sizeof(*a));

	a->kind = vn == NULL ? AG_ADDR_LOCAL : AG_ADDR_VN;
	a->vn = fake_strdup(cfg, vn);
	return a;
}

static void
vn_policy(const char *vn, const char *policy)
{
	struct ag_vn *v = (struct ag_vn *)fake_cfg_get(cfg, AG_VN, vn);

	v->npolicies = 1;
	v->policies = fake_alloc(cfg, sizeof(char *));
	v->policies[0] = fake_strdup(cfg, policy);
}

/*
 * vm1: own policy "pb" (#1 deny icmp with a rule mirror), then its
 * network's "pa" (policy-level mirror; #1 udp local <> blue port 53
 * with a rule mirror, #2 pass any > any, #3 deny any).
 */
static void
policy_fixture(void)
{
	struct ag_policy *pa = add_policy("pa", 3), *pb = add_policy("pb", 1);
	struct ag_vmi *v = VMI("vm1");
	struct ag_mirror_res *r;

	pa->has_mirror = true;
	pa->rules[0].bidirectional = true;
	pa->rules[0].protocol = 17;
	pa->rules[0].nsrc = pa->rules[0].ndst = 1;
	pa->rules[0].src = addr_vn(NULL);
	pa->rules[0].dst = addr_vn(BLUE);
	pa->rules[0].dport.start = pa->rules[0].dport.end = 53;
	pa->rules[0].has_mirror = true;
	pa->rules[2].pass = false;
	pb->rules[0].protocol = 1;
	pb->rules[0].pass = false;
	pb->rules[0].has_mirror = true;
	vn_policy(RED, "pa");
	v->npolicies = 1;
	v->policies = fake_alloc(cfg, sizeof(char *));
	v->policies[0] = "pb";
	add_res(AG_MRES_POLICY, "pa", false);
	add_res(AG_MRES_RULE, "pa#1", true);
	r = add_res(AG_MRES_RULE, "pb#1", false);
	r->mode.nh_mode = AG_NH_STATIC;
	r->mode.has_static_nh = true;
	r->mode.vtep_ip = ip("192.0.2.50");
	r->mode.vni = 99;
	fv_inet_add(RED_RI, "10.9.0.0/24", remote("10.0.0.2", 30, 0));
	fv.vrfs[fv.nvrfs++] = ANA_RI;
	fv_enet_add(ANA_RI, AN_MAC, remote("10.0.0.2", 40, 5009));
}

START_TEST(policy_rules)
{
	const struct ag_mentry *pol_e, *r1, *pb1;
	const struct ag_mpolicy *p;
	const struct dp_rule *r;
	char buf[PREFIX_STRLEN];

	policy_fixture();
	compute(&st, NULL);
	pol_e = entry(&st, "policy:pa");
	r1 = entry(&st, "policy-rule:pa#1@" RED_RI);
	pb1 = entry(&st, "policy-rule:pb#1");
	ck_assert(pol_e->resolved && r1->resolved && pb1->resolved);
	ck_assert_int_eq(r1->mode, AG_MMODE_HEADER);
	ck_assert_int_eq(r1->nh.type, AG_MNH_MIRROR_UDP);
	ck_assert_str_eq(r1->src_vn, ""); /* flows carry their own */
	ck_assert_int_eq(pb1->mode, AG_MMODE_STATIC);
	ck_assert_uint_eq(pol_e->users, 2); /* pa#2 of vm1 and vm2 */

	p = ag_mirror_policy(&st, "vm1");
	ck_assert(p->set);
	ck_assert_str_eq(p->note, "");
	/* "any" sides are named: red's subnet, then the rest (unknown), so
	 * an any > any rule is 4 datapath rules */
	ck_assert_uint_eq(p->n, 14);
	r = &p->rules[0]; /* pb#1: denied, and mirrored: red -> red */
	ck_assert_int_eq(r->action, DP_FLOW_DENY);
	ck_assert_uint_eq(r->proto, 1);
	ck_assert_uint_eq(r->mirror[0], pb1->idx);
	ck_assert_uint_eq(r->mirror[1], DP_MIRROR_NONE);
	ck_assert_str_eq(
	    prefix_print(&r->src, buf, sizeof(buf)), "10.1.0.0/24");
	ck_assert_str_eq(r->src_vn, RED);
	ck_assert_str_eq(r->dst_vn, RED);
	r = &p->rules[1]; /* red -> the rest */
	ck_assert_uint_eq(r->dst.len, 0);
	ck_assert_str_eq(r->dst_vn, "__UNKNOWN__");
	r = &p->rules[3]; /* the rest -> the rest */
	ck_assert_uint_eq(r->src.len, 0);
	ck_assert_uint_eq(r->dst.len, 0);
	ck_assert_int_eq(r->action, DP_FLOW_DENY);
	ck_assert_uint_eq(r->mirror[0], pb1->idx);
	r = &p->rules[4]; /* pa#1 forward: red -> blue:53 */
	ck_assert_int_eq(r->action, DP_FLOW_PASS);
	ck_assert_uint_eq(r->proto, 17);
	ck_assert_str_eq(
	    prefix_print(&r->src, buf, sizeof(buf)), "10.1.0.0/24");
	ck_assert_str_eq(
	    prefix_print(&r->dst, buf, sizeof(buf)), "10.2.0.0/24");
	ck_assert_uint_eq(r->dport_lo, 53);
	ck_assert_uint_eq(r->sport_lo, 0);
	ck_assert_str_eq(r->src_vn, RED);
	ck_assert_str_eq(r->dst_vn, BLUE);
	ck_assert_uint_eq(r->mirror[0], r1->idx); /* rule level wins */
	r = &p->rules[5]; /* pa#1 reverse: blue:53 -> red */
	ck_assert_str_eq(
	    prefix_print(&r->src, buf, sizeof(buf)), "10.2.0.0/24");
	ck_assert_uint_eq(r->sport_lo, 53);
	ck_assert_uint_eq(r->dport_lo, 0);
	ck_assert_str_eq(r->src_vn, BLUE);
	ck_assert_uint_eq(r->mirror[0], r1->idx);
	r = &p->rules[9]; /* pa#2: any > any, policy level (its last) */
	ck_assert_uint_eq(r->af, AF_INET);
	ck_assert_uint_eq(r->src.len, 0);
	ck_assert_uint_eq(r->mirror[0], pol_e->idx);
	r = &p->rules[10]; /* pa#3: deny, policy level does not apply */
	ck_assert_int_eq(r->action, DP_FLOW_DENY);
	ck_assert_uint_eq(r->mirror[0], DP_MIRROR_NONE);

	p = ag_mirror_policy(&st, "vm2"); /* only its network's */
	ck_assert_uint_eq(p->n, 10);
	ck_assert_uint_eq(p->rules[0].mirror[0], r1->idx);
	/* Flow mirrors do not touch the vifs. */
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->flags, 0);
}
END_TEST

START_TEST(policy_none_and_cut)
{
	struct ag_policy *pa;
	const struct ag_mpolicy *p;

	compute(&st, NULL);
	ck_assert(!ag_mirror_policy(&st, "vm1")->set); /* no policy */
	pa = add_policy("pa", 2);
	vn_policy(RED, "pa");
	pa->rules[0].ndst = 1;
	pa->rules[0].dst = addr_vn("dom:p:elsewhere");
	compute(&st, NULL);
	p = ag_mirror_policy(&st, "vm1");
	ck_assert(p->set);
	/* Cut at the unknown network: everything denied. */
	ck_assert_uint_eq(p->n, 1);
	ck_assert_int_eq(p->rules[0].action, DP_FLOW_DENY);
	ck_assert_uint_eq(p->rules[0].af, 0);
	ck_assert_str_eq(p->note,
	    "policy pa rule 1: network dom:p:elsewhere unknown to this "
	    "node: it and what follows deny");
	/* A missing policy likewise. */
	vn_policy(RED, "nope");
	compute(&st, NULL);
	ck_assert_str_eq(ag_mirror_policy(&st, "vm1")->note,
	    "policy nope not in the model: it and what follows deny");
}
END_TEST

START_TEST(policy_too_many)
{
	struct ag_policy *pa = add_policy("pa", 40);
	const struct ag_mpolicy *p;
	size_t i;

	for (i = 0; i < 40; i++) {
		pa->rules[i].bidirectional = true;
		pa->rules[i].nsrc = 1;
		pa->rules[i].src = addr_vn(BLUE);
	}
	vn_policy(RED, "pa");
	compute(&st, NULL);
	p = ag_mirror_policy(&st, "vm1");
	ck_assert_uint_eq(p->n, AG_POLICY_RULES_MAX);
	ck_assert_str_eq(p->note,
	    "policy pa rule 33: more than 64 datapath rules: it and what "
	    "follows deny");
}
END_TEST

/* ---- tap service / tap flow ---- */

static struct ag_tap_flow *
tap_fixture(enum ag_tap_type type)
{
	struct ag_tap_service *ts = fake_alloc(cfg, sizeof(*ts));
	struct ag_tap_flow *f = fake_alloc(cfg, sizeof(*f));
	struct ag_mirror_res *r;

	ts->obj.type = AG_TAP_SERVICE;
	ts->obj.name = "ts1";
	ts->type = type;
	ts->target = type == AG_TAP_GUEST ? "a1" : "vr2";
	ts->enabled = true;
	fake_cfg_add(cfg, &ts->obj);
	f->obj.type = AG_TAP_FLOW;
	f->obj.name = "f1";
	f->tap_service = "ts1";
	f->type = AG_FLOW_VNIC;
	f->interface = "vm1";
	f->direction = AG_FLOW_OUT;
	f->enabled = true;
	fake_cfg_add(cfg, &f->obj);
	r = add_res(AG_MRES_TAP_SERVICE, "ts1", false);
	if (type == AG_TAP_HOST) {
		r->ip = ip("10.0.0.2");
		r->mac = mac("02:aa:00:00:00:01");
		r->ri = r->vn = NULL;
	}
	fv.vrfs[fv.nvrfs++] = ANA_RI;
	fv_enet_add(ANA_RI, AN_MAC, remote("10.0.0.2", 40, 5009));
	return f;
}

START_TEST(tap_guest_enable_disable)
{
	struct ag_tap_flow *f = tap_fixture(AG_TAP_GUEST);
	struct ag_tap_service *ts =
	    (struct ag_tap_service *)fake_cfg_get(cfg, AG_TAP_SERVICE, "ts1");
	const struct ag_mentry *e;
	struct ag_mchg *c;
	uint32_t idx;
	size_t n;

	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(e->resolved);
	ck_assert_int_eq(e->mode, AG_MMODE_TAP_GUEST);
	ck_assert_int_eq(e->nh.tun, AG_MTUN_VXLAN);
	ck_assert_uint_eq(e->flags, DP_MIRROR_DYNAMIC);
	ck_assert_uint_eq(st.nris, 1);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->flags, DP_VIF_MIRROR_RX);
	idx = e->idx;

	f->enabled = false; /* no copies; the flow stays in the model */
	compute(&st2, &st);
	e = entry(&st2, "tap-flow:f1");
	ck_assert(!e->resolved && e->off);
	ck_assert_str_eq(e->reason, "tap flow disabled");
	ck_assert_int_eq(e->nh.type, AG_MNH_DISCARD);
	ck_assert_uint_eq(e->idx, idx);
	ck_assert_uint_eq(ag_mirror_vif(&st2, "vm1")->flags, 0);
	n = ag_mirror_diff(&st, &st2, &c);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(c[0].op, AG_MCHG_VIF_DETACH);
	ck_assert_int_eq(c[1].op, AG_MCHG_MIRROR_DEL);
	ck_assert_int_eq(c[2].op, AG_MCHG_MIRROR_ADD);
	ck_assert_int_eq(c[3].op, AG_MCHG_UNSUBSCRIBE);
	free(c);

	f->enabled = true;
	f->direction = AG_FLOW_IN;
	compute(&st, &st2);
	ck_assert(entry(&st, "tap-flow:f1")->resolved);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->flags, DP_VIF_MIRROR_TX);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->mirror, idx);

	ts->enabled = false;
	compute(&st2, &st);
	ck_assert_str_eq(
	    entry(&st2, "tap-flow:f1")->reason, "tap service ts1 disabled");
	ck_assert_uint_eq(ag_mirror_vif(&st2, "vm1")->flags, 0);
}
END_TEST

START_TEST(tap_vswitch)
{
	struct ag_tap_flow *f = tap_fixture(AG_TAP_GUEST);
	const struct ag_mentry *e;

	f->type = AG_FLOW_VSWITCH;
	f->interface = NULL;
	f->vrouter = ME;
	f->vn = RED;
	f->direction = AG_FLOW_BOTH;
	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(e->resolved);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->mirror, e->idx);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm2")->mirror, e->idx);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm2")->flags,
	    DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX);
	ck_assert_uint_eq(e->users, 1);

	f->vlan_id = 100;
	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(e->resolved); /* the datapath's VLAN filter */
	ck_assert_uint_eq(e->vlan, 100);
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->mirror, e->idx);

	f->vlan_id = 0;
	f->vrouter = "vr2"; /* another node's vswitch: not ours */
	compute(&st, NULL);
	ck_assert_uint_eq(st.n, 0);
}
END_TEST

START_TEST(tap_host)
{
	const struct ag_mentry *e;
	struct ag_mirror_res *r;

	tap_fixture(AG_TAP_HOST);
	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(!e->resolved);
	ck_assert_int_eq(e->mode, AG_MMODE_TAP_HOST);
	ck_assert_ptr_nonnull(
	    strstr(e->reason, "GRE not supported by the datapath"));
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->flags, DP_VIF_MIRROR_RX);

	view.gre = true; /* modelled for when the datapath has it */
	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(e->resolved);
	ck_assert_int_eq(e->nh.tun, AG_MTUN_GRE);
	ck_assert_uint_eq(e->nh.label, ag_mirror_gre_key("f1"));
	ck_assert_uint_ge(e->nh.label, AG_MIRROR_GRE_KEY_MIN);
	ck_assert_uint_le(e->nh.label, AG_MIRROR_GRE_KEY_MAX);

	/* The host is this node: its NIC's vif. */
	r = (struct ag_mirror_res *)fake_cfg_get(
	    cfg, AG_MIRROR_RES, "tap-service:ts1");
	r->vrouter = ME;
	compute(&st, NULL);
	ck_assert_str_eq(entry(&st, "tap-flow:f1")->reason,
	    "host NIC 02:aa:00:00:00:01 has no vif on this node");
	fv.has_nic = true;
	fv.nic = mac("02:aa:00:00:00:01");
	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(e->resolved);
	ck_assert_int_eq(e->nh.type, AG_MNH_ENCAP);
	ck_assert_uint_eq(e->nh.vif, 20);
}
END_TEST

/* A host tap service on this node, flows to it from elsewhere (vm3 on
 * vr2): the GRE keys this node takes in. */
static struct ag_tap_service *
host_service(const char *name, const char *nic)
{
	struct ag_tap_service *ts = fake_alloc(cfg, sizeof(*ts));
	struct ag_mirror_res *r;

	ts->obj.type = AG_TAP_SERVICE;
	ts->obj.name = fake_strdup(cfg, name);
	ts->type = AG_TAP_HOST;
	ts->target = ME;
	ts->has_mac = true;
	ts->mac = mac(nic);
	ts->enabled = true;
	fake_cfg_add(cfg, &ts->obj);
	r = add_res(AG_MRES_TAP_SERVICE, name, false);
	r->vrouter = ME;
	r->mac = ts->mac;
	r->ri = r->vn = NULL;
	return ts;
}

static struct ag_tap_flow *
remote_flow(const char *name, const char *service)
{
	struct ag_tap_flow *f = fake_alloc(cfg, sizeof(*f));

	f->obj.type = AG_TAP_FLOW;
	f->obj.name = fake_strdup(cfg, name);
	f->tap_service = fake_strdup(cfg, service);
	f->type = AG_FLOW_VNIC;
	f->interface = "vm3";
	f->direction = AG_FLOW_BOTH;
	f->enabled = true;
	fake_cfg_add(cfg, &f->obj);
	return f;
}

START_TEST(tap_host_gre_target)
{
	struct ag_tap_flow *f;
	const struct ag_mgre *g;
	struct ag_mchg *c;
	size_t n;

	host_service("ts1", "02:aa:00:00:00:01");
	f = remote_flow("f1", "ts1");
	compute(&st, NULL);
	ck_assert_uint_eq(st.n, 0); /* vm3 is not ours: no mirror entry */
	g = ag_mirror_gre(&st, "f1");
	ck_assert_ptr_nonnull(g);
	ck_assert(!g->ok && !g->prog);
	ck_assert_str_eq(
	    g->reason, "host NIC 02:aa:00:00:00:01 has no vif on this node");

	fv.has_nic = true;
	fv.nic = mac("02:aa:00:00:00:01");
	compute(&st2, &st);
	g = ag_mirror_gre(&st2, "f1");
	ck_assert(g->ok && g->prog);
	ck_assert_uint_eq(g->key, ag_mirror_gre_key("f1"));
	ck_assert_uint_eq(g->vif, 20);
	n = ag_mirror_diff(&st, &st2, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(c[0].op, AG_MCHG_GRE_ADD);
	ck_assert_ptr_eq(c[0].gre, g);
	free(c);

	/* Disabled: the key goes. */
	f->enabled = false;
	compute(&st, &st2);
	g = ag_mirror_gre(&st, "f1");
	ck_assert(!g->ok && !g->prog);
	ck_assert_str_eq(g->reason, "tap flow disabled");
	n = ag_mirror_diff(&st2, &st, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(c[0].op, AG_MCHG_GRE_DEL);
	free(c);

	/* A service on another node: none of this node's business. */
	f->enabled = true;
	((struct ag_tap_service *)fake_cfg_get(cfg, AG_TAP_SERVICE, "ts1"))
	    ->target = "vr2";
	compute(&st2, &st);
	ck_assert_uint_eq(st2.ngres, 0);
}
END_TEST

/* flow-284 and flow-910 hash to the same key (0x4522). */
START_TEST(tap_host_gre_collision)
{
	struct ag_mirror_state st3;
	const struct ag_mgre *a, *b;

	ck_assert_uint_eq(
	    ag_mirror_gre_key("flow-284"), ag_mirror_gre_key("flow-910"));
	ag_mirror_state_init(&st3);
	fv.has_nic = fv.has_nic2 = true;
	fv.nic = mac("02:aa:00:00:00:01");
	fv.nic2 = mac("02:aa:00:00:00:02");
	host_service("ts1", "02:aa:00:00:00:01");
	host_service("ts2", "02:aa:00:00:00:02");
	remote_flow("flow-284", "ts1");
	remote_flow("flow-910", "ts1");
	/* The same NIC: one key entry serves both. */
	compute(&st, NULL);
	a = ag_mirror_gre(&st, "flow-284");
	b = ag_mirror_gre(&st, "flow-910");
	ck_assert(a->ok && a->prog);
	ck_assert(b->ok && !b->prog);
	ck_assert_ptr_nonnull(
	    strstr(b->reason, "shared with tap flow flow-284"));

	/* Another NIC: the second by name is refused. */
	((struct ag_tap_flow *)fake_cfg_get(cfg, AG_TAP_FLOW, "flow-910"))
	    ->tap_service = "ts2";
	compute(&st2, NULL);
	a = ag_mirror_gre(&st2, "flow-284");
	b = ag_mirror_gre(&st2, "flow-910");
	ck_assert(a->ok && a->prog);
	ck_assert(!b->ok && !b->prog);
	ck_assert_ptr_nonnull(strstr(
	    b->reason, "GRE key 0x4522 collides with tap flow flow-284"));

	/* The holder keeps its key when the other comes back. */
	((struct ag_tap_flow *)fake_cfg_get(cfg, AG_TAP_FLOW, "flow-284"))
	    ->enabled = false;
	compute(&st, &st2);
	ck_assert(ag_mirror_gre(&st, "flow-910")->prog);
	((struct ag_tap_flow *)fake_cfg_get(cfg, AG_TAP_FLOW, "flow-284"))
	    ->enabled = true;
	compute(&st3, &st);
	ck_assert(ag_mirror_gre(&st3, "flow-910")->prog);
	a = ag_mirror_gre(&st3, "flow-284");
	ck_assert(!a->ok);
	ck_assert_ptr_nonnull(
	    strstr(a->reason, "collides with tap flow flow-910"));
	ag_mirror_state_fini(&st3);
}
END_TEST

START_TEST(tap_and_port_mirror_conflict)
{
	const struct ag_mentry *e;

	tap_fixture(AG_TAP_GUEST);
	mirror_port(VMI("vm1"), AG_DIR_BOTH);
	add_res(AG_MRES_INTERFACE, "vm1", false);
	compute(&st, NULL);
	e = entry(&st, "tap-flow:f1");
	ck_assert(!e->resolved);
	ck_assert_str_eq(e->reason,
	    "interface vm1 already mirrors to interface-mirror:vm1 (one "
	    "port mirror per interface in the datapath)");
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->mirror,
	    entry(&st, "interface-mirror:vm1")->idx);
}
END_TEST

/* ---- indexes ---- */

START_TEST(stable_indexes)
{
	struct ag_mirror_state st3;

	ag_mirror_state_init(&st3);
	mirror_port(VMI("vm1"), AG_DIR_BOTH);
	mirror_port(VMI("vm2"), AG_DIR_BOTH);
	add_res(AG_MRES_INTERFACE, "vm1", true);
	add_res(AG_MRES_INTERFACE, "vm2", true);
	compute(&st, NULL);
	ck_assert_uint_eq(entry(&st, "interface-mirror:vm1")->idx, 0);
	ck_assert_uint_eq(entry(&st, "interface-mirror:vm2")->idx, 1);
	/* vm1's goes, a new one comes: vm2 keeps 1, the new one does not
	 * take 0 in the same round. */
	(VMI("vm1"))->has_mirror = false;
	add_vmi("vm4", BLUE, ME, "10.2.0.9");
	mirror_port(VMI("vm4"), AG_DIR_BOTH);
	add_res(AG_MRES_INTERFACE, "vm4", true);
	compute(&st2, &st);
	ck_assert_uint_eq(entry(&st2, "interface-mirror:vm2")->idx, 1);
	ck_assert_uint_eq(entry(&st2, "interface-mirror:vm4")->idx, 2);
	ck_assert_ptr_null(ag_mirror_find(&st2, "interface-mirror:vm1"));
	/* Next round 0 is free again. */
	(VMI("vm1"))->has_mirror = true;
	compute(&st3, &st2);
	ck_assert_uint_eq(entry(&st3, "interface-mirror:vm1")->idx, 0);
	ck_assert_uint_eq(entry(&st3, "interface-mirror:vm4")->idx, 2);
	ag_mirror_state_fini(&st3);
}
END_TEST

START_TEST(diff_nothing_changed)
{
	struct ag_mchg *c;

	policy_fixture();
	mirror_port(VMI("vm1"), AG_DIR_BOTH);
	add_res(AG_MRES_INTERFACE, "vm1", false);
	compute(&st, NULL);
	compute(&st2, &st);
	ck_assert_uint_eq(ag_mirror_diff(&st, &st2, &c), 0);
	ck_assert_ptr_null(c);
}
END_TEST

static Suite *
ag_mirror_suite(void)
{
	Suite *s = suite_create("ag_mirror");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, header_port_dirs, 0, (int)nitems(dirs));
	tcase_add_test(tc, header_no_route);
	tcase_add_test(tc, no_header_route_driven);
	tcase_add_test(tc, no_header_local_ri_not_subscribed);
	tcase_add_test(tc, static_vxlan);
	tcase_add_test(tc, unresolved_reasons);
	tcase_add_test(tc, policy_rules);
	tcase_add_test(tc, policy_none_and_cut);
	tcase_add_test(tc, tap_guest_enable_disable);
	tcase_add_test(tc, tap_vswitch);
	tcase_add_test(tc, tap_host);
	tcase_add_test(tc, tap_host_gre_target);
	tcase_add_test(tc, tap_host_gre_collision);
	tcase_add_test(tc, tap_and_port_mirror_conflict);
	tcase_add_test(tc, stable_indexes);
	tcase_add_test(tc, diff_nothing_changed);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, policy_too_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ag_mirror_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
