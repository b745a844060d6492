/*
 * check_dp_tab_obj.c - the vif, nexthop, bridge, label and mirror tables:
 * validation (-EINVAL, nothing changed), refs between them (a delete of
 * something in use is -EBUSY), iteration, the 255-byte VN name limit,
 * snap length, 1-in-N sampling and counters.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct dp_vif_cfg
obj_vif(uint32_t idx, const char *name)
{
	struct dp_vif_cfg v;

	memset(&v, 0, sizeof(v));
	v.idx = idx;
	v.kind = DP_VIF_VM;
	v.name = name;
	v.vrf = 2;
	v.mtu = 1500;
	return v;
}

static struct dp_mirror_cfg
obj_mirror(uint32_t idx, uint32_t nh)
{
	struct dp_mirror_cfg m;

	memset(&m, 0, sizeof(m));
	m.idx = idx;
	m.nh = nh;
	m.flags = DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR;
	m.analyzer = "default-domain:admin:analyzer";
	m.src_vn = "default-domain:admin:left";
	m.dst_vn = "default-domain:admin:right";
	return m;
}

START_TEST(test_vif)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_vif_cfg v;
	struct dp_vif *p;
	uint32_t pos = 0, n = 0;

	v = obj_vif(7, "tap7");
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	/* another vif at the index: refused; the same one: updated */
	v.name = "tap8";
	ck_assert_int_eq(dp_vif_add(dp, &v), -EEXIST);
	v.name = "tap7";
	v.kind = DP_VIF_AGENT;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EEXIST);
	v.kind = DP_VIF_VM;
	v.mtu = 9000;
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	ck_assert_uint_eq(dp_vif_lookup(dp, 7)->mtu, 9000);
	v.mtu = 1500;
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	p = dp_vif_lookup(dp, 7);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->name, "tap7");
	ck_assert_uint_eq(p->vrf, 2);
	ck_assert_uint_eq(p->mirror, DP_MIRROR_NONE);
	/* bad fields: nothing added */
	v = obj_vif(8, "tap8");
	v.idx = DP_VIF_MAX;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v = obj_vif(8, "a-name-of-16-byt");
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v = obj_vif(8, "");
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v = obj_vif(8, "tap8");
	v.mtu = DP_VIF_MTU_MAX + 1;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v.mtu = 1500;
	v.kind = 0;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v = obj_vif(8, "tap8");
	v.vrf = DP_VRF_MAX;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v = obj_vif(8, "tap8");
	v.flags = DP_VIF_MIRROR_RX;
	v.mirror = 3; /* no such mirror */
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	v.flags = 0x10;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	ck_assert_ptr_null(dp_vif_lookup(dp, 8));
	v = obj_vif(8, "a-name-of-15-by");
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	/* iteration in index order: 0, 1, 7, 8 */
	while ((p = dp_vif_next(dp, &pos)) != NULL) {
		static const uint32_t want[] = {0, 1, 7, 8};

		ck_assert_uint_lt(n, 4);
		ck_assert_uint_eq(p->idx, want[n]);
		n++;
	}
	ck_assert_uint_eq(n, 4);
	/* vif 1 carries nexthop 2, vif 0 nexthop 3 */
	ck_assert_int_eq(dp_vif_del(dp, 1), -EBUSY);
	ck_assert_int_eq(dp_vif_del(dp, 0), -EBUSY);
	ck_assert_int_eq(dp_vif_del(dp, 7), 0);
	ck_assert_int_eq(dp_vif_del(dp, 7), -ENOENT);
	ck_assert_int_eq(dp_nh_del(dp, 2), 0);
	ck_assert_int_eq(dp_vif_del(dp, 1), 0);
	dp_free(dp);
}
END_TEST

START_TEST(test_nh)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_nh nh, *p;
	uint32_t pos = 0, n = 0;

	/* bad: index 0 and out of range, unknown type, missing vif */
	memset(&nh, 0, sizeof(nh));
	nh.type = DP_NH_DISCARD;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.idx = DP_NH_MAX;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.idx = 20;
	nh.type = 0;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.type = DP_NH_ENCAP;
	nh.vif = 99;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	/* tunnels: label range, VNI range, destination 0 */
	memset(&nh, 0, sizeof(nh));
	nh.idx = 20;
	nh.type = DP_NH_TUNNEL;
	nh.tun = DP_TUN_MPLSOUDP;
	nh.dip.s_addr = htonl(0x0a000003);
	nh.label = 15;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.label = DP_LABEL_MAX + 1;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.tun = DP_TUN_VXLAN;
	nh.label = 0;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.label = DP_VNI_MAX + 1;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.label = 5000;
	nh.dip.s_addr = 0;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.dip.s_addr = htonl(0x0a000003);
	ck_assert_int_eq(dp_nh_add(dp, &nh), 0);
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EEXIST);
	ck_assert_uint_eq(dp_vif_lookup(dp, 0)->refcnt, 2);
	/* UDP mirror tunnel: address and port needed */
	memset(&nh, 0, sizeof(nh));
	nh.idx = 21;
	nh.type = DP_NH_MIRROR_UDP;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.an_ip = dt_ip("192.0.2.9");
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.an_port = 8099;
	ck_assert_int_eq(dp_nh_add(dp, &nh), 0);
	/* composite: members must exist and not be composite */
	memset(&nh, 0, sizeof(nh));
	nh.idx = 30;
	nh.type = DP_NH_COMPOSITE;
	nh.ecmp = true;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.ncomp = DP_NH_COMP_MAX + 1;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	nh.ncomp = 2;
	nh.comp[0] = 3;
	nh.comp[1] = 77;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	ck_assert_uint_eq(dp_nh_lookup(dp, 3)->refcnt, 0);
	nh.comp[1] = 20;
	ck_assert_int_eq(dp_nh_add(dp, &nh), 0);
	nh.idx = 31;
	nh.comp[0] = 30;
	ck_assert_int_eq(dp_nh_add(dp, &nh), -EINVAL);
	ck_assert_uint_eq(dp_nh_lookup(dp, 3)->refcnt, 1);
	ck_assert_int_eq(dp_nh_del(dp, 3), -EBUSY);
	ck_assert_int_eq(dp_nh_del(dp, 20), -EBUSY);
	/* ECMP spreads by hash, over members only */
	p = dp_nh_lookup(dp, 30);
	ck_assert_uint_eq(dp_nh_ecmp_pick(dp, p, 0)->idx, 3);
	ck_assert_uint_eq(dp_nh_ecmp_pick(dp, p, 1)->idx, 20);
	ck_assert_uint_eq(dp_nh_ecmp_pick(dp, dp_nh_lookup(dp, 1), 5)->idx, 1);
	/* counters */
	dp_ctr_add(&p->ctr, 100);
	dp_ctr_add(&p->ctr, 60);
	ck_assert_uint_eq(p->ctr.pkts, 2);
	ck_assert_uint_eq(p->ctr.bytes, 160);
	while ((p = dp_nh_next(dp, &pos)) != NULL)
		n++;
	ck_assert_uint_eq(n, 6); /* 1, 2, 3, 20, 21, 30 */
	ck_assert_int_eq(dp_nh_del(dp, 30), 0);
	ck_assert_int_eq(dp_nh_del(dp, 3), 0);
	ck_assert_int_eq(dp_nh_del(dp, 20), 0);
	ck_assert_uint_eq(dp_vif_lookup(dp, 0)->refcnt, 0);
	ck_assert_int_eq(dp_vif_del(dp, 0), 0);
	ck_assert_int_eq(dp_nh_del(dp, 30), -ENOENT);
	dp_free(dp);
}
END_TEST

static int
obj_bridge_cb(const struct dp_bridge *b, void *arg)
{
	*(uint32_t *)arg += b->label;
	return 0;
}

START_TEST(test_bridge_label)
{
	struct dp *dp = dt_dp_new(16);
	struct macaddr mac = {{0x02, 0, 0, 0, 0, 0x10}};
	struct dp_bridge *b;
	uint32_t vrf = 0;

	ck_assert_int_eq(dp_bridge_add(dp, 1, &mac, 99, 0), -EINVAL);
	ck_assert_int_eq(dp_bridge_add(dp, DP_VRF_MAX, &mac, 2, 0), -EINVAL);
	ck_assert_int_eq(
	    dp_bridge_add(dp, 1, &mac, 2, DP_VNI_MAX + 1), -EINVAL);
	ck_assert_ptr_null(dp_bridge_lookup(dp, 1, &mac));
	ck_assert_int_eq(dp_bridge_add(dp, 1, &mac, 3, 5000), 0);
	b = dp_bridge_lookup(dp, 1, &mac);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->nh, 3);
	ck_assert_uint_eq(b->label, 5000);
	ck_assert_ptr_null(dp_bridge_lookup(dp, 2, &mac));
	ck_assert_int_eq(dp_nh_del(dp, 3), -EBUSY);
	/* replace moves the ref */
	ck_assert_int_eq(dp_bridge_add(dp, 1, &mac, 2, 0), 0);
	ck_assert_uint_eq(dp_nh_lookup(dp, 3)->refcnt, 0);
	ck_assert_uint_eq(dp_nh_lookup(dp, 2)->refcnt, 1);
	/* the same MAC in another VRF is another entry; walk sees both */
	ck_assert_int_eq(dp_bridge_add(dp, 2, &mac, 1, 7), 0);
	vrf = 0;
	ck_assert_int_eq(dp_bridge_walk(dp, obj_bridge_cb, &vrf), 0);
	ck_assert_uint_eq(vrf, 7);
	ck_assert_int_eq(dp_bridge_del(dp, 2, &mac), 0);
	ck_assert_uint_eq(dp_bridge_lookup(dp, 1, &mac)->nh, 2);
	ck_assert_int_eq(dp_bridge_del(dp, 1, &mac), 0);
	ck_assert_int_eq(dp_bridge_del(dp, 1, &mac), -ENOENT);
	ck_assert_uint_eq(dp_nh_lookup(dp, 2)->refcnt, 0);

	/* MPLS: reserved labels and the 20-bit range */
	ck_assert_int_eq(dp_mpls_add(dp, 15, 2), -EINVAL);
	ck_assert_int_eq(dp_mpls_add(dp, DP_LABEL_MAX + 1, 2), -EINVAL);
	ck_assert_int_eq(dp_mpls_add(dp, 16, 99), -EINVAL);
	ck_assert_int_eq(dp_mpls_add(dp, 16, 2), 0);
	ck_assert_int_eq(dp_mpls_add(dp, DP_LABEL_MAX, 3), 0);
	ck_assert_uint_eq(dp_mpls_lookup(dp, 16), 2);
	ck_assert_uint_eq(dp_mpls_lookup(dp, DP_LABEL_MAX), 3);
	ck_assert_uint_eq(dp_mpls_lookup(dp, 17), 0);
	ck_assert_int_eq(dp_nh_del(dp, 2), -EBUSY);
	ck_assert_int_eq(dp_mpls_del(dp, 16), 0);
	ck_assert_int_eq(dp_mpls_del(dp, 16), -ENOENT);
	ck_assert_int_eq(dp_nh_del(dp, 2), 0);

	/* VXLAN: VNI 1..2^24-1 -> VRF and nexthop */
	ck_assert_int_eq(dp_vxlan_add(dp, 0, 1, 1), -EINVAL);
	ck_assert_int_eq(dp_vxlan_add(dp, DP_VNI_MAX + 1, 1, 1), -EINVAL);
	ck_assert_int_eq(dp_vxlan_add(dp, 5, DP_VRF_MAX, 1), -EINVAL);
	ck_assert_int_eq(dp_vxlan_add(dp, 5, 4, 1), 0);
	ck_assert_uint_eq(dp_vxlan_lookup(dp, 5, &vrf), 1);
	ck_assert_uint_eq(vrf, 4);
	ck_assert_uint_eq(dp_vxlan_lookup(dp, 6, NULL), 0);
	ck_assert_int_eq(dp_nh_del(dp, 1), -EBUSY);
	ck_assert_int_eq(dp_vxlan_del(dp, 5), 0);
	ck_assert_int_eq(dp_nh_del(dp, 1), 0);
	dp_free(dp);
}
END_TEST

START_TEST(test_mirror)
{
	struct dp *dp = dt_dp_new(16);
	char name[DP_VN_NAME_MAX + 2];
	struct dp_mirror_cfg m;
	struct dp_vif_cfg v;
	struct dp_mirror *p;
	uint64_t gen;
	uint32_t pos = 0;

	/* a name of 255 bytes fits, 256 is refused (not truncated) */
	memset(name, 'v', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	m = obj_mirror(4, 3);
	m.src_vn = name;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m = obj_mirror(4, 3);
	m.dst_vn = name;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m = obj_mirror(4, 3);
	m.analyzer = name;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	ck_assert_ptr_null(dp_mirror_lookup(dp, 4));
	name[DP_VN_NAME_MAX] = '\0';
	m = obj_mirror(4, 3);
	m.src_vn = name;
	gen = dp_flow_invalidate_all(dp);
	ck_assert_int_eq(dp_mirror_add(dp, &m), 0);
	p = dp_mirror_lookup(dp, 4);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(strlen(p->src_vn), DP_VN_NAME_MAX);
	ck_assert_str_eq(p->dst_vn, "default-domain:admin:right");
	ck_assert_uint_eq(dp_nh_lookup(dp, 3)->refcnt, 1);
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EEXIST);
	ck_assert_ptr_eq(dp_mirror_next(dp, &pos), p);
	ck_assert_ptr_null(dp_mirror_next(dp, &pos));

	/* bad modes and fields */
	m = obj_mirror(5, 3);
	m.flags = 0;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.flags = DP_MIRROR_DYNAMIC | DP_MIRROR_STATIC;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.flags = DP_MIRROR_STATIC | DP_MIRROR_JUNIPER_HDR;
	m.vni = 10;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.flags = DP_MIRROR_STATIC;
	m.vni = 0;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.vni = 10;
	m.snaplen = 13;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.snaplen = 0;
	m.sample = DP_SAMPLE_MAX + 1;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.sample = 0;
	m.nh = 99;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	m.nh = 3;
	m.idx = DP_MIRROR_MAX;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	ck_assert_uint_eq(dp_nh_lookup(dp, 3)->refcnt, 1);

	/* a mirroring vif holds the entry */
	v = obj_vif(9, "tap9");
	v.flags = DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX;
	v.mirror = 4;
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	ck_assert_uint_eq(dp_vif_lookup(dp, 9)->mirror, 4);
	ck_assert_int_eq(dp_mirror_del(dp, 4), -EBUSY);
	ck_assert_int_eq(dp_nh_del(dp, 3), -EBUSY);
	/* updated in place: mirroring off lets go of the entry, on again
	 * takes it back; an update to a missing mirror changes nothing */
	v.flags = 0;
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	ck_assert_uint_eq(dp_mirror_lookup(dp, 4)->refcnt, 0);
	ck_assert_uint_eq(dp_vif_lookup(dp, 9)->mirror, DP_MIRROR_NONE);
	v.flags = DP_VIF_MIRROR_TX;
	v.mirror = 7;
	ck_assert_int_eq(dp_vif_add(dp, &v), -EINVAL);
	ck_assert_uint_eq(dp_vif_lookup(dp, 9)->flags, 0);
	v.mirror = 4;
	ck_assert_int_eq(dp_vif_add(dp, &v), 0);
	ck_assert_uint_eq(dp_mirror_lookup(dp, 4)->refcnt, 1);
	ck_assert_uint_eq(dp_vif_lookup(dp, 9)->flags, DP_VIF_MIRROR_TX);
	ck_assert_int_eq(dp_mirror_del(dp, 4), -EBUSY);
	ck_assert_int_eq(dp_vif_del(dp, 9), 0);
	ck_assert_int_eq(dp_mirror_del(dp, 4), 0);
	ck_assert_int_eq(dp_mirror_del(dp, 4), -ENOENT);
	ck_assert_uint_eq(dp_nh_lookup(dp, 3)->refcnt, 0);
	/* add and delete each changed the generation */
	ck_assert_uint_eq(dp_flow_invalidate_all(dp), gen + 3);
	dp_free(dp);
}
END_TEST

START_TEST(test_mirror_sample)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_mirror_cfg m;
	struct dp_mirror *p;
	unsigned i, copied = 0;
	bool got[9];

	m = obj_mirror(1, 1);
	m.sample = 3;
	m.snaplen = 64;
	ck_assert_int_eq(dp_mirror_add(dp, &m), 0);
	p = dp_mirror_lookup(dp, 1);
	for (i = 0; i < 9; i++) {
		got[i] = dp_mirror_sample(p, 100);
		copied += got[i];
	}
	ck_assert_uint_eq(copied, 3);
	ck_assert(got[0] && !got[1] && !got[2] && got[3] && got[6]);
	/* copies are counted at the snap length, the rest whole */
	ck_assert_uint_eq(p->ctr.pkts, 3);
	ck_assert_uint_eq(p->ctr.bytes, 3 * 64);
	ck_assert_uint_eq(p->skipped.pkts, 6);
	ck_assert_uint_eq(p->skipped.bytes, 600);
	ck_assert_uint_eq(dp_mirror_snap(p, 40), 40);
	ck_assert_uint_eq(dp_mirror_snap(p, 1500), 64);
	/* sample 0 and 1: every packet */
	m = obj_mirror(2, 1);
	ck_assert_int_eq(dp_mirror_add(dp, &m), 0);
	p = dp_mirror_lookup(dp, 2);
	for (i = 0; i < 5; i++)
		ck_assert(dp_mirror_sample(p, 1500));
	ck_assert_uint_eq(p->ctr.bytes, 5 * 1500);
	dp_free(dp);
}
END_TEST

/* Each bounded table takes exactly its DP_*_MAX entries, then -ENOSPC
 * with nothing changed; a replace still works when full. */
START_TEST(test_limits)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_rt_stats st;
	struct macaddr mac;
	struct prefix p;
	uint32_t i;

	memset(&p, 0, sizeof(p));
	p.addr.af = AF_INET;
	p.len = 32;
	for (i = 0; i < DP_RT_MAX; i++) {
		uint32_t a = htonl(0x0a000000 + i);

		memcpy(p.addr.u.b, &a, 4);
		DT_ASSERT(dp_rt_add(dp, 1 + i % 2, &p, 1) == 0, "route %u", i);
	}
	p = dt_prefix("192.0.2.0/24");
	ck_assert_int_eq(dp_rt_add(dp, 3, &p, 1), -ENOSPC);
	ck_assert_uint_eq(dp_rt_get(dp, 3, &p), 0);
	p = dt_prefix("10.0.0.0/32");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 2), 0);
	ck_assert_uint_eq(dp_rt_get(dp, 1, &p), 2);
	dp_rt_get_stats(dp, 1, AF_INET, &st);
	ck_assert_uint_eq(st.routes, DP_RT_MAX / 2);
	ck_assert_uint_eq(dp_nh_lookup(dp, 1)->refcnt, DP_RT_MAX - 1);

	for (i = 0; i < DP_MPLS_MAX; i++)
		DT_ASSERT(
		    dp_mpls_add(dp, DP_MPLS_MIN + i, 1) == 0, "mpls %u", i);
	ck_assert_int_eq(dp_mpls_add(dp, DP_MPLS_MIN + i, 1), -ENOSPC);
	ck_assert_uint_eq(dp_mpls_lookup(dp, DP_MPLS_MIN + i), 0);
	ck_assert_int_eq(dp_mpls_add(dp, DP_MPLS_MIN, 2), 0);
	for (i = 0; i < DP_VXLAN_MAX; i++)
		DT_ASSERT(dp_vxlan_add(dp, 1 + i, 1, 1) == 0, "vni %u", i);
	ck_assert_int_eq(dp_vxlan_add(dp, 1 + i, 1, 1), -ENOSPC);
	ck_assert_uint_eq(dp_vxlan_lookup(dp, 1 + i, NULL), 0);
	memset(&mac, 0, sizeof(mac));
	for (i = 0; i < DP_BRIDGE_MAX; i++) {
		mac.b[4] = (uint8_t)(i >> 8);
		mac.b[5] = (uint8_t)i;
		DT_ASSERT(dp_bridge_add(dp, 1 + i / 256, &mac, 1, 0) == 0,
		    "mac %u", i);
	}
	ck_assert_int_eq(dp_bridge_add(dp, 0, &mac, 1, 0), -ENOSPC);
	ck_assert_ptr_null(dp_bridge_lookup(dp, 0, &mac));
	dp_free(dp);
}
END_TEST

Suite *
dp_tables_obj_suite(void)
{
	Suite *s = suite_create("dp_tables_obj");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_vif);
	tcase_add_test(tc, test_nh);
	tcase_add_test(tc, test_bridge_label);
	tcase_add_test(tc, test_mirror);
	tcase_add_test(tc, test_mirror_sample);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_limits);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
