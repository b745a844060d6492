/*
 * dp_topo.c - the two fixture vrouters of dp_topo.h and frame builders.
 */
#include "tests/datapath/dp_topo.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

const struct macaddr topo_vrouter_mac = DP_VROUTER_MAC_INIT;
const struct macaddr topo_vm1_mac = {{0x02, 0, 0, 0, 0x01, 0x03}};
const struct macaddr topo_vm2_mac = {{0x02, 0, 0, 0, 0x01, 0x04}};
const struct macaddr topo_vm5_mac = {{0x02, 0, 0, 0, 0x01, 0x05}};
const struct macaddr topo_an_mac = {{0x02, 0, 0, 0, 0x09, 0x09}};
static const struct macaddr topo_an2_mac = {{0x02, 0, 0, 0, 0x09, 0x0a}};
static const struct macaddr topo_an3_mac = {{0x02, 0, 0, 0, 0x09, 0x0b}};
static const struct macaddr topo_fab_a = {{0x02, 0xfa, 0, 0, 0, 0x01}};
static const struct macaddr topo_fab_b = {{0x02, 0xfa, 0, 0, 0, 0x02}};
static const struct macaddr topo_bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static void
t_ok(int rc, const char *what, uint32_t idx)
{
	if (rc != 0)
		fatalx("topology: %s %u: %s", what, idx, strerror(-rc));
}

static void
t_vif(struct dp *dp, uint32_t idx, enum dp_vif_kind kind, const char *name,
    const struct macaddr *mac, uint32_t vrf, uint32_t flags, uint32_t mirror)
{
	struct dp_vif_cfg v;

	memset(&v, 0, sizeof(v));
	v.idx = idx;
	v.kind = kind;
	v.name = name;
	if (mac != NULL)
		v.mac = *mac;
	v.vrf = vrf;
	v.flags = flags;
	v.mirror = mirror;
	v.mtu = 1500;
	t_ok(dp_vif_add(dp, &v), "vif", idx);
}

static void
t_encap(struct dp *dp, uint32_t idx, uint32_t vif, uint32_t vrf,
    const struct macaddr *dmac)
{
	struct dp_nh nh;

	memset(&nh, 0, sizeof(nh));
	nh.idx = idx;
	nh.type = DP_NH_ENCAP;
	nh.vrf = vrf;
	nh.vif = vif;
	nh.dmac = *dmac;
	nh.smac = topo_vrouter_mac;
	t_ok(dp_nh_add(dp, &nh), "encap nh", idx);
}

static void
t_tunnel(struct dp *dp, uint32_t idx, enum dp_tun_type tun, const char *sip,
    const char *dip, uint32_t label, bool to_b)
{
	struct dp_nh nh;

	memset(&nh, 0, sizeof(nh));
	nh.idx = idx;
	nh.type = DP_NH_TUNNEL;
	nh.vif = 0;
	nh.tun = tun;
	inet_pton(AF_INET, sip, &nh.sip);
	inet_pton(AF_INET, dip, &nh.dip);
	nh.label = label;
	nh.dmac = to_b ? topo_fab_b : topo_fab_a;
	nh.smac = to_b ? topo_fab_a : topo_fab_b;
	t_ok(dp_nh_add(dp, &nh), "tunnel nh", idx);
}

static void
t_mirror_udp(struct dp *dp, uint32_t idx, uint32_t vrf, const char *an)
{
	struct dp_nh nh;

	memset(&nh, 0, sizeof(nh));
	nh.idx = idx;
	nh.type = DP_NH_MIRROR_UDP;
	nh.vrf = vrf;
	nh.vif = 0;
	if (ipaddr_parse(an, &nh.an_ip) != 0)
		fatalx("topology: %s", an);
	nh.an_port = DP_PORT_JMIRROR;
	t_ok(dp_nh_add(dp, &nh), "mirror nh", idx);
}

static void
t_mirror(struct dp *dp, uint32_t idx, uint32_t nh, uint32_t flags, uint32_t vni,
    const char *an, uint32_t snap, uint32_t sample)
{
	struct dp_mirror_cfg m;

	memset(&m, 0, sizeof(m));
	m.idx = idx;
	m.nh = nh;
	m.flags = flags;
	m.vni = vni;
	m.analyzer = an;
	m.src_vn = TOPO_VN_RED;
	m.dst_vn = TOPO_VN_RED;
	m.snaplen = snap;
	m.sample = sample;
	t_ok(dp_mirror_add(dp, &m), "mirror", idx);
}

static void
t_route(struct dp *dp, uint32_t vrf, const char *pfx, uint32_t nh)
{
	struct prefix p;

	if (prefix_parse(pfx, &p, false) != 0)
		fatalx("topology: %s", pfx);
	t_ok(dp_rt_add(dp, vrf, &p, nh), "route to nh", nh);
}

static void
t_host(struct dp *dp, const char *router)
{
	struct dp_host h;

	memset(&h, 0, sizeof(h));
	inet_pton(AF_INET, router, &h.router_id);
	h.mac = topo_vrouter_mac;
	dp_set_host(dp, &h);
}

struct dp *
topo_a(const struct topo_opts *o, uint32_t flows)
{
	static const struct topo_opts none = {0};
	struct dp_nh nh;
	struct dp *dp;

	if (o == NULL)
		o = &none;
	if ((dp = dp_new(flows)) == NULL)
		fatalx("topology: dp_new");
	t_host(dp, TOPO_A_ROUTER);
	t_vif(dp, TA_FAB, DP_VIF_FABRIC, "fab0", &topo_fab_a, 0, 0, 0);
	t_tunnel(dp, 10, DP_TUN_MPLSOUDP, TOPO_A_ROUTER, TOPO_B_ROUTER, 100, 1);
	t_tunnel(dp, 11, DP_TUN_VXLAN, TOPO_A_ROUTER, TOPO_B_ROUTER, 5001, 1);
	t_tunnel(dp, 12, DP_TUN_MPLSOUDP, TOPO_A_ROUTER, TOPO_B_ROUTER, 200, 1);
	t_tunnel(dp, 13, DP_TUN_VXLAN, TOPO_A_ROUTER, TOPO_B_ROUTER,
	    TA_VXLAN_MIRROR_VNI, 1);
	t_tunnel(dp, 14, DP_TUN_VXLAN, TOPO_A_ROUTER, "127.0.3.20",
	    TA_STATIC_VNI, 1);
	t_tunnel(
	    dp, 15, DP_TUN_GRE, TOPO_A_ROUTER, TOPO_B_ROUTER, TA_GRE_KEY, 1);
	t_tunnel(
	    dp, 16, DP_TUN_GRE, TOPO_A_ROUTER, TOPO_B_ROUTER, TA_GRE_KEY1, 1);
	t_mirror_udp(dp, 20, 1, "10.9.0.9");
	t_mirror_udp(dp, 21, 1, "10.9.0.10");
	t_mirror_udp(dp, 22, 0, "127.0.3.9");
	t_mirror(dp, TA_M_LOCAL, 20, DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR,
	    0, "an-local", 0, 0);
	t_mirror(dp, TA_M_REMOTE, 21, DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR,
	    0, "an-remote", 0, 0);
	t_mirror(dp, TA_M_FABRIC, 22, DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR,
	    0, "an-fabric", 0, 0);
	t_mirror(dp, TA_M_NOHDR, 13, DP_MIRROR_DYNAMIC, 0, "an-nohdr", 0, 0);
	t_mirror(dp, TA_M_STATIC, 14, DP_MIRROR_STATIC, TA_STATIC_VNI,
	    "an-static", 0, 0);
	t_mirror(dp, TA_M_SNAP, 20, DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR,
	    0, "an-snap", 64, 3);
	t_mirror(dp, TA_M_GRE, 15, DP_MIRROR_DYNAMIC, 0, "an-gre", 0, 0);
	t_mirror(dp, TA_M_GRE1, 16, DP_MIRROR_DYNAMIC, 0, "an-gre1", 0, 0);
	/* the analyzer may mirror its own port: copies are not mirrored */
	t_vif(dp, TA_AN, DP_VIF_VM, "tapan", &topo_an_mac, 2, o->an_flags,
	    o->an_mirror);
	t_encap(dp, 3, TA_AN, 2, &topo_an_mac);
	t_vif(dp, TA_VM1, DP_VIF_VM, "tapa1", &topo_vm1_mac, 1, o->vm1_flags,
	    o->vm1_mirror);
	t_vif(dp, TA_VM2, DP_VIF_VM, "tapa2", &topo_vm2_mac, 1, o->vm2_flags,
	    o->vm2_mirror);
	t_encap(dp, 1, TA_VM1, 1, &topo_vm1_mac);
	t_encap(dp, 2, TA_VM2, 1, &topo_vm2_mac);
	memset(&nh, 0, sizeof(nh));
	nh.idx = 30;
	nh.type = DP_NH_COMPOSITE;
	nh.vrf = 1;
	nh.ncomp = 3;
	nh.comp[0] = 1;
	nh.comp[1] = 2;
	nh.comp[2] = 11;
	t_ok(dp_nh_add(dp, &nh), "flood nh", 30);
	t_route(dp, 1, "10.1.0.3/32", 1);
	t_route(dp, 1, "10.1.0.4/32", 2);
	t_route(dp, 1, "10.1.0.5/32", 10);
	t_route(dp, 1, "10.1.0.6/32", 11);
	t_route(dp, 1, "10.9.0.9/32", 3);
	t_route(dp, 1, "10.9.0.10/32", 12);
	t_route(dp, 2, "10.9.0.9/32", 3);
	t_ok(dp_bridge_add(dp, 1, &topo_vm1_mac, 1, 0), "bridge", 1);
	t_ok(dp_bridge_add(dp, 1, &topo_vm2_mac, 2, 0), "bridge", 2);
	t_ok(dp_bridge_add(dp, 1, &topo_vm5_mac, 11, 0), "bridge", 11);
	t_ok(dp_bridge_add(dp, 1, &topo_bcast, 30, 0), "bridge", 30);
	return dp;
}

struct dp *
topo_b(uint32_t flows)
{
	struct dp_nh nh;
	struct dp *dp;

	if ((dp = dp_new(flows)) == NULL)
		fatalx("topology: dp_new");
	t_host(dp, TOPO_B_ROUTER);
	t_vif(dp, TB_FAB, DP_VIF_FABRIC, "fab0", &topo_fab_b, 0, 0, 0);
	t_vif(dp, TB_VM5, DP_VIF_VM, "tapb5", &topo_vm5_mac, 1, 0, 0);
	t_vif(dp, TB_AN, DP_VIF_VM, "tapbn", &topo_an2_mac, 2, 0, 0);
	t_vif(dp, TB_AN2, DP_VIF_VM, "tapbn2", &topo_an3_mac, 2, 0, 0);
	t_encap(dp, 1, TB_VM5, 1, &topo_vm5_mac);
	t_encap(dp, 3, TB_AN, 2, &topo_an2_mac);
	t_encap(dp, 4, TB_AN2, 2, &topo_an3_mac);
	t_tunnel(dp, 10, DP_TUN_MPLSOUDP, TOPO_B_ROUTER, TOPO_A_ROUTER, 101, 0);
	memset(&nh, 0, sizeof(nh));
	nh.idx = 40;
	nh.type = DP_NH_COMPOSITE;
	nh.vrf = 2;
	nh.ncomp = 2;
	nh.comp[0] = 3;
	nh.comp[1] = 4;
	t_ok(dp_nh_add(dp, &nh), "analyzer flood nh", 40);
	t_ok(dp_vrf_set_flags(dp, 2, DP_VRF_MIRROR_DEST), "vrf flags", 2);
	t_ok(dp_mpls_add(dp, 100, 1), "label", 100);
	t_ok(dp_mpls_add(dp, 200, 3), "label", 200);
	t_ok(dp_vxlan_add(dp, 5001, 1, 1), "vni", 5001);
	t_ok(dp_vxlan_add(dp, TA_VXLAN_MIRROR_VNI, 2, 40), "vni",
	    TA_VXLAN_MIRROR_VNI);
	t_ok(dp_gre_add(dp, TA_GRE_KEY, 40), "GRE key", 40);
	t_ok(dp_gre_add(dp, TA_GRE_KEY1, 3), "GRE key", 3);
	t_route(dp, 1, "10.1.0.5/32", 1);
	t_route(dp, 1, "10.1.0.0/24", 10);
	t_route(dp, 2, "10.9.0.10/32", 3);
	t_route(dp, 2, "10.9.0.11/32", 4);
	t_ok(dp_bridge_add(dp, 1, &topo_vm5_mac, 1, 0), "bridge", 1);
	return dp;
}

static void
t_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
topo_ip4(uint8_t *b, size_t cap, const struct macaddr *dmac,
    const struct macaddr *smac, const char *src, const char *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, size_t paylen)
{
	size_t l4len = proto == DP_IPPROTO_TCP ? 20 : 8;
	size_t tot = DP_IP4_HLEN + l4len + paylen, i;
	uint8_t *ip = b + DP_ETH_HLEN, *l4 = ip + DP_IP4_HLEN;
	uint16_t sum;

	if (DP_ETH_HLEN + tot > cap)
		fatalx("topology: frame of %zu bytes", DP_ETH_HLEN + tot);
	memset(b, 0, DP_ETH_HLEN + tot);
	memcpy(b, dmac->b, 6);
	memcpy(b + 6, smac->b, 6);
	t_put16(b + 12, DP_ETHERTYPE_IP4);
	ip[0] = 0x45;
	t_put16(ip + 2, (uint16_t)tot);
	t_put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	sum = (uint16_t)~dp_csum_fold(ip, DP_IP4_HLEN, 0);
	t_put16(ip + 10, sum);
	if (proto == DP_IPPROTO_ICMP) {
		l4[0] = 8;
		t_put16(l4 + 4, sport);
		t_put16(l4 + 6, dport);
	} else {
		t_put16(l4, sport);
		t_put16(l4 + 2, dport);
		if (proto == DP_IPPROTO_UDP)
			t_put16(l4 + 4, (uint16_t)(8 + paylen));
		else {
			l4[12] = 0x50;
			l4[13] = 0x02; /* SYN */
			t_put16(l4 + 14, 65535);
		}
	}
	for (i = 0; i < paylen; i++)
		l4[l4len + i] = (uint8_t)(i & 0xff);
	if (proto == DP_IPPROTO_ICMP) {
		sum = (uint16_t)~dp_csum_fold(l4, l4len + paylen, 0);
		t_put16(l4 + 2, sum);
	}
	return DP_ETH_HLEN + tot;
}

size_t
topo_arp(uint8_t *b, size_t cap, const struct macaddr *smac, const char *sip,
    const char *tip)
{
	if (cap < 42)
		fatalx("topology: ARP needs 42 bytes");
	memset(b, 0xff, 6);
	memcpy(b + 6, smac->b, 6);
	t_put16(b + 12, DP_ETHERTYPE_ARP);
	memcpy(b + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	memcpy(b + 22, smac->b, 6);
	inet_pton(AF_INET, sip, b + 28);
	memset(b + 32, 0, 6);
	inet_pton(AF_INET, tip, b + 38);
	return 42;
}
