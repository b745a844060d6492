/*
 * check_dp_fwd.c - the forwarding engine (dp_fwd.c) on the fixture
 * vrouters of dp_topo.h: routing, bridging, flooding, ARP, tunnels both
 * ways between two vrouters, every mirror mode and direction (port RX,
 * port TX, flow at policy and rule level, denied flows), snap length and
 * sampling, copies never mirrored again, GRE mirror tunnels both ends,
 * flow re-evaluation, ECMP, and
 * bad packets counted as drops with their reason.
 */
#include "tests/datapath/suites.h"
#include "tests/datapath/dp_topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define FX_MAX 64

struct fx_out {
	int node;      /* the tx argument: 'A' or 'B' */
	uint32_t vif;  /* sent out of */
	bool mirror;   /* a copy */
	size_t len;    /* bytes */
	uint8_t *data; /* FX_BUF bytes */
};

static struct fx_out fx_out[FX_MAX];
static int fx_n;
static int fx_a = 'A', fx_b = 'B';

static int
fx_tx(void *arg, const struct dp_vif *v, const uint8_t *frame, size_t len,
    bool mirror)
{
	struct fx_out *o;

	DT_ASSERT(fx_n < FX_MAX, "more than %d frames out", FX_MAX);
	DT_ASSERT(len <= DP_PKT_MAX, "frame of %zu bytes out", len);
	o = &fx_out[fx_n++];
	o->node = *(int *)arg;
	o->vif = v->idx;
	o->mirror = mirror;
	o->len = len;
	memcpy(o->data, frame, len);
	return 0;
}

static void
fx_setup(void)
{
	int i;

	for (i = 0; i < FX_MAX; i++)
		fx_out[i].data = malloc(DP_PKT_MAX);
	fx_n = 0;
}

static void
fx_teardown(void)
{
	int i;

	for (i = 0; i < FX_MAX; i++)
		free(fx_out[i].data);
}

static struct dp *
fx_a_new(const struct topo_opts *o)
{
	struct dp *dp = topo_a(o, 1024);

	dp_set_tx(dp, fx_tx, &fx_a);
	return dp;
}

static struct dp *
fx_b_new(void)
{
	struct dp *dp = topo_b(1024);

	dp_set_tx(dp, fx_tx, &fx_b);
	return dp;
}

/* Runs one frame (copied, so the engine's in-place edits stay local). */
static int
fx_run(struct dp *dp, uint32_t vif, const uint8_t *frame, size_t len,
    enum dp_fwd_drop *why)
{
	uint8_t *f = dt_copy(frame, len);
	int rc;

	fx_n = 0;
	rc = dp_fwd(dp, vif, f, len, 1, why);
	free(f);
	return rc;
}

/* The one frame out of vif (a copy or not); fails if not exactly one. */
static struct fx_out *
fx_one(uint32_t vif, bool mirror)
{
	struct fx_out *r = NULL;
	int i;

	for (i = 0; i < fx_n; i++) {
		if (fx_out[i].vif != vif || fx_out[i].mirror != mirror)
			continue;
		DT_ASSERT(r == NULL, "two frames out of vif %u", vif);
		r = &fx_out[i];
	}
	DT_ASSERT(r != NULL, "no %s out of vif %u (%d out)",
	    mirror ? "copy" : "frame", vif, fx_n);
	return r;
}

/* The one frame (or copy) out of vif, run into dp's fabric vif. */
static int
fx_relay(struct dp *dp, uint32_t vif, bool mirror, enum dp_fwd_drop *why)
{
	struct fx_out *o = fx_one(vif, mirror);
	uint8_t *t = dt_copy(o->data, o->len);
	size_t len = o->len;
	int rc;

	rc = fx_run(dp, 0, t, len, why);
	free(t);
	return rc;
}

static int
fx_count(bool mirror)
{
	int i, n = 0;

	for (i = 0; i < fx_n; i++)
		n += fx_out[i].mirror == mirror;
	return n;
}

/* Decodes o and checks an outer IPv4/UDP to dst:dport; *pay the UDP
 * payload. */
static size_t
fx_udp(const struct fx_out *o, const char *dst, uint16_t dport,
    struct dp_pkt *p, const uint8_t **pay)
{
	enum dp_drop why;
	uint8_t a[4];

	DT_ASSERT(dp_pkt_decode(o->data, o->len, p, &why) == 0,
	    "output does not decode: %s", dp_drop_name(why));
	DT_ASSERT(p->outer.flags & DP_F_UDP, "output is not UDP");
	inet_pton(AF_INET, dst, a);
	DT_ASSERT(memcmp(p->outer.dst, a, 4) == 0, "outer dst is not %s", dst);
	DT_ASSERT(
	    p->outer.dport == dport, "dport %u, not %u", p->outer.dport, dport);
	*pay = o->data + p->outer.pay_off;
	return p->outer.end - p->outer.pay_off;
}

/* Checks a Juniper-header payload: TLVs has, VN names, then frame. */
static void
fx_jhdr(const uint8_t *pay, size_t plen, uint8_t has, const char *src,
    const char *dst, const uint8_t *frame, size_t flen, struct dp_jhdr *j)
{
	size_t hlen;

	DT_ASSERT(dp_jhdr_decode(pay, plen, j, &hlen) == 0, "no Juniper hdr");
	DT_ASSERT(j->has == has, "TLVs 0x%x, not 0x%x", j->has, has);
	if (src != NULL)
		DT_ASSERT(j->src_vn_len == strlen(src) &&
			memcmp(j->src_vn, src, j->src_vn_len) == 0,
		    "source VN");
	if (dst != NULL)
		DT_ASSERT(j->dst_vn_len == strlen(dst) &&
			memcmp(j->dst_vn, dst, j->dst_vn_len) == 0,
		    "destination VN");
	DT_ASSERT(plen - hlen == flen, "inner frame %zu bytes, not %zu",
	    plen - hlen, flen);
	DT_ASSERT(memcmp(pay + hlen, frame, flen) == 0, "inner frame differs");
}

static size_t
fx_ping(
    uint8_t *b, const struct macaddr *smac, const char *src, const char *dst)
{
	return topo_ip4(b, DP_PKT_MAX, &topo_vrouter_mac, smac, src, dst,
	    DP_IPPROTO_ICMP, 7, 1, 56);
}

START_TEST(test_fwd_route_local)
{
	struct dp *dp = fx_a_new(NULL);
	uint8_t f[256];
	size_t n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	struct fx_out *o;
	struct dp_pkt p;
	enum dp_drop why;

	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_n, 1);
	o = fx_one(TA_VM2, false);
	ck_assert_uint_eq(o->len, n);
	ck_assert_mem_eq(o->data, topo_vm2_mac.b, 6);
	ck_assert_mem_eq(o->data + 6, topo_vrouter_mac.b, 6);
	/* TTL down by one, checksum still right (decode checks it) */
	ck_assert_int_eq(dp_pkt_decode(o->data, o->len, &p, &why), 0);
	ck_assert_uint_eq(p.outer.ttl, 63);
	ck_assert_mem_eq(o->data + 34, f + 34, n - 34);
	ck_assert_uint_eq(dp_vif_lookup(dp, TA_VM1)->rx.pkts, 1);
	ck_assert_uint_eq(dp_vif_lookup(dp, TA_VM2)->tx.pkts, 1);
	ck_assert_uint_eq(dp_nh_lookup(dp, 2)->ctr.pkts, 1);
	dp_free(dp);
}
END_TEST

START_TEST(test_fwd_bridge_flood_arp)
{
	struct dp *dp = fx_a_new(NULL);
	struct dp_fwd_stats st;
	uint8_t f[256];
	size_t n;
	struct fx_out *o;

	/* to a MAC: bridged unchanged */
	n = topo_ip4(f, sizeof(f), &topo_vm2_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_UDP, 1000, 2000, 10);
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	o = fx_one(TA_VM2, false);
	ck_assert_mem_eq(o->data, f, n);
	/* ARP for a routed address: answered with the vrouter MAC */
	n = topo_arp(f, sizeof(f), &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	o = fx_one(TA_VM1, false);
	ck_assert_uint_eq(o->len, 42);
	ck_assert_mem_eq(o->data, topo_vm1_mac.b, 6);
	ck_assert_uint_eq(o->data[21], 2);                     /* reply */
	ck_assert_mem_eq(o->data + 22, topo_vrouter_mac.b, 6); /* sha */
	ck_assert_mem_eq(o->data + 28, f + 38, 4);             /* spa */
	ck_assert_mem_eq(o->data + 38, f + 28, 4);             /* tpa */
	/* ARP for an unknown address: flooded, not to the sender */
	n = topo_arp(f, sizeof(f), &topo_vm1_mac, "10.1.0.3", "10.1.0.99");
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_n, 2);
	ck_assert_mem_eq(fx_one(TA_VM2, false)->data, f, n);
	fx_one(TA_FAB, false);
	dp_fwd_get_stats(dp, &st);
	ck_assert_uint_eq(st.arp_replies, 1);
	dp_free(dp);
}
END_TEST

/* A to B over MPLSoUDP (IP) and VXLAN (frame); B delivers to its VM. */
START_TEST(test_fwd_two_vrouters)
{
	struct dp *a = fx_a_new(NULL), *b = fx_b_new();
	uint8_t f[256];
	struct fx_out *o;
	struct dp_pkt p;
	const uint8_t *pay;
	size_t n, plen;

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.5");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	o = fx_one(TA_FAB, false);
	plen = fx_udp(o, TOPO_B_ROUTER, DP_PORT_MPLSOUDP, &p, &pay);
	ck_assert_uint_eq(p.label, 100);
	ck_assert_uint_eq(plen, 4 + n - DP_ETH_HLEN); /* label + IP */
	ck_assert_uint_ge(p.outer.sport, DP_SPORT_MIN);
	ck_assert_int_eq(fx_relay(b, TA_FAB, false, NULL), 0);
	o = fx_one(TB_VM5, false);
	ck_assert_uint_eq(o->len, n);
	ck_assert_mem_eq(o->data, topo_vm5_mac.b, 6);
	ck_assert_mem_eq(o->data + 34, f + 34, n - 34);

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.6");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	o = fx_one(TA_FAB, false);
	plen = fx_udp(o, TOPO_B_ROUTER, DP_PORT_VXLAN, &p, &pay);
	ck_assert_uint_eq(p.vni, 5001);
	ck_assert_uint_eq(plen, 8 + n);
	ck_assert_mem_eq(pay + 8, topo_vrouter_mac.b, 6);
	/* B routes it in VRF 1: 10.1.0.6 is back through its tunnel to A */
	ck_assert_int_eq(fx_relay(b, TA_FAB, false, NULL), 0);
	o = fx_one(TB_FAB, false);
	fx_udp(o, TOPO_A_ROUTER, DP_PORT_MPLSOUDP, &p, &pay);
	ck_assert_uint_eq(p.inner.ttl, 62);

	/* a frame for B's VM by MAC: VXLAN, bridged there */
	n = topo_ip4(f, sizeof(f), &topo_vm5_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.5", DP_IPPROTO_UDP, 5, 6, 20);
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_relay(b, TA_FAB, false, NULL), 0);
	ck_assert_mem_eq(fx_one(TB_VM5, false)->data, f, n);
	dp_free(a);
	dp_free(b);
}
END_TEST

static void
fx_port(uint32_t vm1_flags, uint32_t vm2_flags, uint32_t mirror, int copies)
{
	struct topo_opts o = {.vm1_flags = vm1_flags,
	    .vm1_mirror = mirror,
	    .vm2_flags = vm2_flags,
	    .vm2_mirror = mirror};
	struct dp *dp = fx_a_new(&o);
	uint8_t f[256];
	size_t n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	const uint8_t *pay;
	struct dp_jhdr j;
	struct dp_pkt p;
	size_t plen;
	int i, seen = 0;

	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	fx_one(TA_VM2, false);
	ck_assert_int_eq(fx_count(true), copies);
	for (i = 0; i < fx_n; i++) {
		const struct fx_out *c = &fx_out[i];

		if (!c->mirror)
			continue;
		DT_ASSERT(c->vif == TA_AN, "copy out of vif %u", c->vif);
		ck_assert_mem_eq(c->data, topo_an_mac.b, 6);
		plen = fx_udp(c, "10.9.0.9", DP_PORT_JMIRROR, &p, &pay);
		ck_assert_mem_eq(p.outer.src, "\x7f\x00\x03\x01", 4);
		ck_assert_uint_ge(p.outer.sport, DP_SPORT_MIN);
		if (seen++ == 0 && (vm1_flags & DP_VIF_MIRROR_RX)) {
			/* RX: the frame as the VM sent it, TLV 3 */
			fx_jhdr(pay, plen, DP_JHDR_HAS_SRC, TOPO_VN_RED, NULL,
			    f, n, &j);
		} else {
			/* TX: as the VM receives it, TLV 4 */
			fx_jhdr(pay, plen, DP_JHDR_HAS_DST, NULL, TOPO_VN_RED,
			    fx_one(TA_VM2, false)->data, n, &j);
		}
	}
	ck_assert_uint_eq(dp_mirror_lookup(dp, mirror)->ctr.pkts, copies);
	dp_free(dp);
}

START_TEST(test_fwd_port_mirror)
{
	fx_port(DP_VIF_MIRROR_RX, 0, TA_M_LOCAL, 1);
	fx_port(0, DP_VIF_MIRROR_TX, TA_M_LOCAL, 1);
	fx_port(DP_VIF_MIRROR_RX, DP_VIF_MIRROR_TX, TA_M_LOCAL, 2);
	/* "both" on the sender only copies what it sends */
	fx_port(DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX, 0, TA_M_LOCAL, 1);
}
END_TEST

/* Mode 1 to an analyzer behind another vrouter and over the underlay. */
START_TEST(test_fwd_jhdr_remote_fabric)
{
	struct topo_opts o = {
	    .vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = TA_M_REMOTE};
	struct dp *a = fx_a_new(&o), *b = fx_b_new();
	uint8_t f[256];
	const uint8_t *pay;
	struct fx_out *c;
	struct dp_jhdr j;
	struct dp_pkt p;
	size_t n, plen;

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	c = fx_one(TA_FAB, true);
	fx_udp(c, TOPO_B_ROUTER, DP_PORT_MPLSOUDP, &p, &pay);
	ck_assert_uint_eq(p.label, 200);
	/* B: label 200 -> its analyzer, given an Ethernet header */
	ck_assert_int_eq(fx_relay(b, TA_FAB, true, NULL), 0);
	ck_assert_int_eq(fx_n, 1);
	c = &fx_out[0];
	ck_assert_uint_eq(c->vif, TB_AN);
	plen = fx_udp(c, "10.9.0.10", DP_PORT_JMIRROR, &p, &pay);
	fx_jhdr(pay, plen, DP_JHDR_HAS_SRC, TOPO_VN_RED, NULL, f, n, &j);
	dp_free(a);

	o.vm1_mirror = TA_M_FABRIC;
	a = fx_a_new(&o);
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	c = fx_one(TA_FAB, true);
	plen = fx_udp(c, "127.0.3.9", DP_PORT_JMIRROR, &p, &pay);
	ck_assert_mem_eq(p.outer.src, "\x7f\x00\x03\x01", 4);
	fx_jhdr(pay, plen, DP_JHDR_HAS_SRC, TOPO_VN_RED, NULL, f, n, &j);
	dp_free(a);
	dp_free(b);
}
END_TEST

/* Mode 2: the frame unchanged in VXLAN to B, where the mirror
 * destination VRF gives it to both analyzers whatever its MAC. */
START_TEST(test_fwd_nohdr)
{
	struct topo_opts o = {
	    .vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = TA_M_NOHDR};
	struct dp *a = fx_a_new(&o), *b = fx_b_new();
	uint8_t f[256];
	const uint8_t *pay;
	struct fx_out *c;
	struct dp_pkt p;
	size_t n, plen;

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	c = fx_one(TA_FAB, true);
	plen = fx_udp(c, TOPO_B_ROUTER, DP_PORT_VXLAN, &p, &pay);
	ck_assert_uint_eq(p.vni, TA_VXLAN_MIRROR_VNI);
	ck_assert_uint_eq(plen, 8 + n);
	ck_assert_mem_eq(pay + 8, f, n);
	ck_assert_int_eq(fx_relay(b, TA_FAB, true, NULL), 0);
	ck_assert_int_eq(fx_n, 2);
	ck_assert_uint_eq(fx_out[0].len, n);
	ck_assert_mem_eq(fx_one(TB_AN, true)->data, f, n);
	ck_assert_mem_eq(fx_one(TB_AN2, true)->data, f, n);
	dp_free(a);
	dp_free(b);
}
END_TEST

/* Decodes o and checks an outer IPv4/GRE from src to dst with key. */
static void
fx_gre(const struct fx_out *o, const char *src, const char *dst, uint32_t key,
    struct dp_pkt *p)
{
	enum dp_drop why;
	uint8_t a[4];

	DT_ASSERT(dp_pkt_decode(o->data, o->len, p, &why) == 0,
	    "output does not decode: %s", dp_drop_name(why));
	DT_ASSERT(p->encap == DP_ENCAP_GRE, "output is not GRE");
	DT_ASSERT(p->outer.proto == DP_IPPROTO_GRE, "IPv4 protocol");
	inet_pton(AF_INET, src, a);
	DT_ASSERT(memcmp(p->outer.src, a, 4) == 0, "outer src is not %s", src);
	inet_pton(AF_INET, dst, a);
	DT_ASSERT(memcmp(p->outer.dst, a, 4) == 0, "outer dst is not %s", dst);
	DT_ASSERT(p->key == key, "key %#x, not %#x", p->key, key);
	DT_ASSERT(p->inner_off == DP_GRE_OVERHEAD, "inner at %u", p->inner_off);
}

/* Sets a GRE frame's outer IPv4 total length to end at len bytes, its
 * destination (if dst), and redoes the header checksum. */
static void
fx_ip4_patch(uint8_t *f, size_t len, const char *dst)
{
	uint8_t *ip = f + DP_ETH_HLEN;
	uint16_t sum;

	ip[2] = (uint8_t)((len - DP_ETH_HLEN) >> 8);
	ip[3] = (uint8_t)(len - DP_ETH_HLEN);
	if (dst != NULL)
		inet_pton(AF_INET, dst, ip + 16);
	ip[10] = ip[11] = 0;
	sum = (uint16_t)~dp_csum_fold(ip, DP_IP4_HLEN, 0);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}

/*
 * Mirroring over GRE (Cloudpods tap flow to another node): VM 1's RX
 * copy in GRE with the nexthop's 32-bit key, the frame unchanged; on B
 * the key names the analyzers' flood (or one analyzer) and they get the
 * frame as is, as copies.  Unknown key, another node's address, a copy
 * cut short, bad GRE.
 */
START_TEST(test_fwd_gre)
{
	struct topo_opts o = {
	    .vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = TA_M_GRE};
	struct dp *a = fx_a_new(&o), *b = fx_b_new();
	struct dp_fwd_stats st;
	enum dp_fwd_drop why;
	uint8_t f[256], g[512];
	struct fx_out *c;
	struct dp_pkt p;
	size_t n, glen;

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_count(true), 1);
	c = fx_one(TA_FAB, true);
	fx_gre(c, TOPO_A_ROUTER, TOPO_B_ROUTER, TA_GRE_KEY, &p);
	ck_assert_uint_eq(c->len, DP_GRE_OVERHEAD + n);
	ck_assert_mem_eq(c->data + DP_GRE_OVERHEAD, f, n);
	ck_assert_uint_eq(dp_mirror_lookup(a, TA_M_GRE)->ctr.pkts, 1);
	glen = c->len;
	memcpy(g, c->data, glen);
	/* B: the flood of both analyzers, the frame as VM 1 sent it */
	ck_assert_int_eq(fx_relay(b, TA_FAB, true, NULL), 0);
	ck_assert_int_eq(fx_n, 2);
	ck_assert_int_eq(fx_count(true), 2);
	ck_assert_uint_eq(fx_one(TB_AN, true)->len, n);
	ck_assert_mem_eq(fx_one(TB_AN, true)->data, f, n);
	ck_assert_mem_eq(fx_one(TB_AN2, true)->data, f, n);
	/* the other key: one analyzer */
	g[DP_ETH_HLEN + DP_IP4_HLEN + 4] = 0;
	g[DP_ETH_HLEN + DP_IP4_HLEN + 5] = 0;
	g[DP_ETH_HLEN + DP_IP4_HLEN + 6] = TA_GRE_KEY1 >> 8;
	g[DP_ETH_HLEN + DP_IP4_HLEN + 7] = TA_GRE_KEY1 & 0xff;
	ck_assert_int_eq(fx_run(b, TB_FAB, g, glen, NULL), 0);
	ck_assert_int_eq(fx_n, 1);
	ck_assert_mem_eq(fx_one(TB_AN, true)->data, f, n);
	/* a copy cut to 30 bytes of frame still goes to the analyzer */
	memcpy(c->data, g, glen);
	fx_ip4_patch(c->data, DP_GRE_OVERHEAD + 30, NULL);
	ck_assert_int_eq(
	    fx_run(b, TB_FAB, c->data, DP_GRE_OVERHEAD + 30, NULL), 0);
	ck_assert_uint_eq(fx_one(TB_AN, true)->len, 30);
	/* an unknown key */
	g[DP_ETH_HLEN + DP_IP4_HLEN + 7] ^= 1;
	ck_assert_int_eq(fx_run(b, TB_FAB, g, glen, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NO_KEY);
	ck_assert_int_eq(fx_n, 0);
	/* to another node's address */
	g[DP_ETH_HLEN + DP_IP4_HLEN + 7] ^= 1;
	fx_ip4_patch(g, glen, "127.0.3.3");
	ck_assert_int_eq(fx_run(b, TB_FAB, g, glen, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NOT_TUNNEL);
	/* GRE version 1 */
	fx_ip4_patch(g, glen, TOPO_B_ROUTER);
	g[DP_ETH_HLEN + DP_IP4_HLEN + 1] = 1;
	ck_assert_int_eq(fx_run(b, TB_FAB, g, glen, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_DECODE);
	dp_fwd_get_stats(b, &st);
	ck_assert_uint_eq(st.decode[DP_DROP_BAD_GRE], 1);
	ck_assert_uint_eq(st.drop[DP_FWD_DROP_NO_KEY], 1);
	ck_assert_str_eq(dp_fwd_drop_name(DP_FWD_DROP_NO_KEY), "no-gre-key");
	dp_free(a);
	dp_free(b);
}
END_TEST

/*
 * A GRE copy delivered to an analyzer port that mirrors both ways is
 * not mirrored again, and a GRE key naming a tunnel does not send the
 * copy back to the fabric.
 */
START_TEST(test_fwd_gre_no_remirror)
{
	struct topo_opts o = {.an_flags = DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX,
	    .an_mirror = TA_M_GRE};
	struct dp *a = fx_a_new(&o);
	struct dp_udp4 u;
	enum dp_fwd_drop why;
	uint8_t f[256], g[512];
	struct wbuf w;
	size_t n;

	ck_assert_int_eq(dp_gre_add(a, 77, 3), 0);  /* encap to the analyzer */
	ck_assert_int_eq(dp_gre_add(a, 78, 15), 0); /* a GRE tunnel */
	ck_assert_int_eq(dp_nh_del(a, 3), -EBUSY);
	n = fx_ping(f, &topo_vm5_mac, "10.1.0.5", "10.1.0.3");
	memset(&u, 0, sizeof(u));
	inet_pton(AF_INET, TOPO_B_ROUTER, &u.src);
	inet_pton(AF_INET, TOPO_A_ROUTER, &u.dst);
	u.src = ntohl(u.src);
	u.dst = ntohl(u.dst);
	wbuf_init(&w, g, sizeof(g));
	ck_assert_int_eq(dp_encap_gre(&w, &u, 77, f, n), 0);
	ck_assert_int_eq(fx_run(a, TA_FAB, g, w.len, NULL), 0);
	ck_assert_int_eq(fx_n, 1);
	ck_assert_mem_eq(fx_one(TA_AN, true)->data, f, n);
	ck_assert_uint_eq(dp_mirror_lookup(a, TA_M_GRE)->ctr.pkts, 0);
	g[DP_GRE_OVERHEAD - 1] = 78;
	ck_assert_int_eq(fx_run(a, TA_FAB, g, w.len, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_LOOP);
	ck_assert_int_eq(fx_n, 0);
	ck_assert_int_eq(dp_gre_del(a, 77), 0);
	ck_assert_int_eq(dp_gre_del(a, 77), -ENOENT);
	ck_assert_int_eq(dp_nh_del(a, 3), -EBUSY); /* still the route's */
	dp_free(a);
}
END_TEST

/* Mode 4: VXLAN to the configured VTEP with the configured VNI. */
START_TEST(test_fwd_static)
{
	struct topo_opts o = {
	    .vm2_flags = DP_VIF_MIRROR_TX, .vm2_mirror = TA_M_STATIC};
	struct dp *a = fx_a_new(&o);
	uint8_t f[256];
	const uint8_t *pay;
	struct fx_out *c;
	struct dp_pkt p;
	size_t n, plen;

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	c = fx_one(TA_FAB, true);
	plen = fx_udp(c, "127.0.3.20", DP_PORT_VXLAN, &p, &pay);
	ck_assert_uint_eq(p.vni, TA_STATIC_VNI);
	ck_assert_uint_eq(plen, 8 + n);
	/* what VM 2 received, unchanged */
	ck_assert_mem_eq(pay + 8, fx_one(TA_VM2, false)->data, n);
	dp_free(a);
}
END_TEST

static struct dp_rule
fx_rule(uint8_t proto, uint16_t dport, enum dp_flow_action act, uint32_t mirror)
{
	struct dp_rule r;

	memset(&r, 0, sizeof(r));
	r.af = proto != 0 ? AF_INET : 0;
	r.proto = proto;
	r.sport_hi = r.dport_hi = 65535;
	if (dport != 0)
		r.dport_lo = r.dport_hi = dport;
	r.action = act;
	r.mirror[0] = mirror;
	r.mirror[1] = DP_MIRROR_NONE;
	strcpy(r.src_vn, TOPO_VN_RED);
	strcpy(r.dst_vn, TOPO_VN_BLUE);
	return r;
}

/* Flow mirroring: the first matching rule decides, denied flows are
 * mirrored too, the reverse direction carries the swapped VNs. */
START_TEST(test_fwd_flow_mirror)
{
	struct dp *dp = fx_a_new(NULL);
	struct dp_rule r[3], any;
	struct dp_fwd_stats st;
	enum dp_fwd_drop why;
	const uint8_t *pay;
	struct dp_jhdr j;
	struct dp_pkt p;
	uint8_t f[256];
	size_t n, plen;

	r[0] = fx_rule(DP_IPPROTO_TCP, 80, DP_FLOW_PASS, TA_M_LOCAL);
	r[1] = fx_rule(DP_IPPROTO_TCP, 81, DP_FLOW_DENY, TA_M_LOCAL);
	r[2] = fx_rule(0, 0, DP_FLOW_PASS, DP_MIRROR_NONE);
	any = r[2];
	ck_assert_int_eq(dp_policy_set(dp, TA_VM1, r, 3), 0);
	ck_assert_int_eq(dp_policy_set(dp, TA_VM2, &any, 1), 0);

	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_TCP, 1000, 80, 0);
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	fx_one(TA_VM2, false);
	plen = fx_udp(fx_one(TA_AN, true), "10.9.0.9", 8099, &p, &pay);
	fx_jhdr(pay, plen,
	    DP_JHDR_HAS_HOST | DP_JHDR_HAS_FLAGS | DP_JHDR_HAS_SRC |
		DP_JHDR_HAS_DST,
	    TOPO_VN_RED, TOPO_VN_BLUE, f, n, &j);
	ck_assert_uint_eq(j.host, 0x7f000301);
	ck_assert_uint_eq(j.flags, 0x400000a0); /* ingress, pass, mirror */

	/* the reply, from VM 2: the reverse entry, VNs swapped */
	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm2_mac, "10.1.0.4",
	    "10.1.0.3", DP_IPPROTO_TCP, 80, 1000, 0);
	ck_assert_int_eq(fx_run(dp, TA_VM2, f, n, NULL), 0);
	fx_one(TA_VM1, false);
	plen = fx_udp(fx_one(TA_AN, true), "10.9.0.9", 8099, &p, &pay);
	fx_jhdr(pay, plen, 0x0f, TOPO_VN_BLUE, TOPO_VN_RED, f, n, &j);

	/* denied by the second rule: mirrored, then dropped */
	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_TCP, 1001, 81, 0);
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_DENY);
	ck_assert_int_eq(fx_n, 1);
	plen = fx_udp(fx_one(TA_AN, true), "10.9.0.9", 8099, &p, &pay);
	fx_jhdr(pay, plen, 0x0f, TOPO_VN_RED, TOPO_VN_BLUE, f, n, &j);
	ck_assert_uint_eq(j.flags, 0x40000088); /* ingress, deny, mirror */

	/* the third rule: passed, not mirrored */
	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_TCP, 1002, 82, 0);
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_n, 1);
	fx_one(TA_VM2, false);

	/* the policy changes: the port-80 flow is evaluated again */
	r[0].mirror[0] = DP_MIRROR_NONE;
	ck_assert_int_eq(dp_policy_set(dp, TA_VM1, r, 3), 0);
	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_TCP, 1000, 80, 0);
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_n, 1);
	dp_fwd_get_stats(dp, &st);
	ck_assert_uint_eq(st.flows_created, 3);
	ck_assert_uint_eq(st.flows_reevaluated, 1);
	ck_assert_uint_eq(st.drop[DP_FWD_DROP_DENY], 1);
	dp_free(dp);
}
END_TEST

/* No rule matches: implicit deny; the egress side evaluates packets
 * from the fabric with the receiving VM's policy. */
START_TEST(test_fwd_flow_egress)
{
	struct dp *a = fx_a_new(NULL), *b = fx_b_new();
	struct dp_rule r =
	    fx_rule(DP_IPPROTO_UDP, 53, DP_FLOW_PASS, DP_MIRROR_NONE);
	enum dp_fwd_drop why;
	uint8_t f[256];
	size_t n;

	ck_assert_int_eq(dp_policy_set(b, TB_VM5, &r, 1), 0);
	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.5", DP_IPPROTO_UDP, 3000, 53, 8);
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_relay(b, TA_FAB, false, NULL), 0);
	fx_one(TB_VM5, false);
	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.5", DP_IPPROTO_UDP, 3000, 54, 8);
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_relay(b, TA_FAB, false, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_DENY);
	ck_assert_int_eq(fx_n, 0);
	dp_free(a);
	dp_free(b);
}
END_TEST

/* Snap length and 1-in-N sampling per mirror entry. */
START_TEST(test_fwd_snap_sample)
{
	struct topo_opts o = {
	    .vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = TA_M_SNAP};
	struct dp *dp = fx_a_new(&o);
	struct dp_mirror *m;
	const uint8_t *pay;
	struct dp_jhdr j;
	struct dp_pkt p;
	uint8_t f[512];
	size_t n, plen;
	int i, copies = 0;

	n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_UDP, 9, 9, 300);
	for (i = 0; i < 7; i++) {
		ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
		fx_one(TA_VM2, false);
		if (fx_count(true) == 0)
			continue;
		copies++;
		plen = fx_udp(fx_one(TA_AN, true), "10.9.0.9", 8099, &p, &pay);
		fx_jhdr(
		    pay, plen, DP_JHDR_HAS_SRC, TOPO_VN_RED, NULL, f, 64, &j);
		DT_ASSERT(i % 3 == 0, "copy of packet %d", i);
	}
	ck_assert_int_eq(copies, 3);
	m = dp_mirror_lookup(dp, TA_M_SNAP);
	ck_assert_uint_eq(m->ctr.pkts, 3);
	ck_assert_uint_eq(m->ctr.bytes, 3 * 64);
	ck_assert_uint_eq(m->skipped.pkts, 4);
	dp_free(dp);
}
END_TEST

/* The analyzer's own port mirrors both ways: the copies it receives
 * are not mirrored again; a frame it sends is. */
START_TEST(test_fwd_no_remirror)
{
	struct topo_opts o = {.vm1_flags = DP_VIF_MIRROR_RX,
	    .vm1_mirror = TA_M_LOCAL,
	    .an_flags = DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX,
	    .an_mirror = TA_M_FABRIC};
	struct dp *dp = fx_a_new(&o);
	struct dp_fwd_stats st;
	uint8_t f[256];
	size_t n;

	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_n, 2);
	fx_one(TA_AN, true);
	dp_fwd_get_stats(dp, &st);
	ck_assert_uint_eq(st.mirror_copies, 1);
	ck_assert_uint_eq(dp_mirror_lookup(dp, TA_M_FABRIC)->ctr.pkts, 0);
	dp_free(dp);
}
END_TEST

/* A mirror entry with a VLAN filter copies only frames with that tag
 * (a Cloudpods vswitch flow with a VLAN). */
START_TEST(test_fwd_vlan_filter)
{
	struct dp *dp = fx_a_new(NULL);
	const struct dp_vif *v1 = dp_vif_lookup(dp, TA_VM1);
	struct dp_mirror_cfg m;
	struct dp_vif_cfg vc;
	uint8_t f[256], t[260];
	size_t n;
	uint16_t vid;

	memset(&m, 0, sizeof(m));
	m.idx = 20;
	m.nh = 20;
	m.flags = DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR;
	m.src_vn = TOPO_VN_RED;
	m.vlan = 100;
	ck_assert_int_eq(dp_mirror_add(dp, &m), 0);
	m.idx = 21;
	m.vlan = DP_VLAN_MAX + 1;
	ck_assert_int_eq(dp_mirror_add(dp, &m), -EINVAL);
	/* vif 1 mirrors RX to it: updated in place */
	memset(&vc, 0, sizeof(vc));
	vc.idx = TA_VM1;
	vc.kind = DP_VIF_VM;
	vc.name = v1->name;
	vc.mac = v1->mac;
	vc.vrf = v1->vrf;
	vc.mtu = v1->mtu;
	vc.flags = DP_VIF_MIRROR_RX;
	vc.mirror = 20;
	ck_assert_int_eq(dp_vif_add(dp, &vc), 0);
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
	ck_assert_int_eq(fx_count(true), 0); /* untagged */
	for (vid = 100; vid <= 200; vid += 100) {
		memcpy(t, f, 12);
		t[12] = 0x81;
		t[13] = 0x00;
		t[14] = (uint8_t)(vid >> 8);
		t[15] = (uint8_t)vid;
		memcpy(t + 16, f + 12, n - 12);
		ck_assert_int_eq(fx_run(dp, TA_VM1, t, n + 4, NULL), 0);
		fx_one(TA_VM2, false);
		ck_assert_int_eq(fx_count(true), vid == 100 ? 1 : 0);
	}
	ck_assert_uint_eq(dp_mirror_lookup(dp, 20)->ctr.pkts, 1);
	dp_free(dp);
}
END_TEST

START_TEST(test_fwd_ecmp)
{
	struct dp *dp = fx_a_new(NULL);
	struct prefix pfx = dt_prefix("10.1.7.0/24");
	struct dp_nh nh;
	uint8_t f[256];
	size_t n;
	int i, mpls = 0, vxlan = 0;
	struct fx_out *o;
	enum dp_drop why;
	struct dp_pkt p;

	memset(&nh, 0, sizeof(nh));
	nh.idx = 50;
	nh.type = DP_NH_COMPOSITE;
	nh.ecmp = true;
	nh.ncomp = 2;
	nh.comp[0] = 10;
	nh.comp[1] = 11;
	ck_assert_int_eq(dp_nh_add(dp, &nh), 0);
	ck_assert_int_eq(dp_rt_add(dp, 1, &pfx, 50), 0);
	for (i = 0; i < 64; i++) {
		n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac,
		    "10.1.0.3", "10.1.7.7", DP_IPPROTO_UDP,
		    (uint16_t)(2000 + i), 53, 0);
		ck_assert_int_eq(fx_run(dp, TA_VM1, f, n, NULL), 0);
		o = fx_one(TA_FAB, false);
		DT_ASSERT(dp_pkt_decode(o->data, o->len, &p, &why) == 0,
		    "ECMP output");
		if (p.encap == DP_ENCAP_MPLSOUDP)
			mpls++;
		else if (p.encap == DP_ENCAP_VXLAN)
			vxlan++;
	}
	DT_ASSERT(mpls > 8 && vxlan > 8, "ECMP split %d/%d", mpls, vxlan);
	dp_free(dp);
}
END_TEST

START_TEST(test_fwd_drops)
{
	struct dp *a = fx_a_new(NULL), *b = fx_b_new();
	struct dp_fwd_stats st;
	enum dp_fwd_drop why;
	uint8_t *big, f[256], t[512];
	struct fx_out *o;
	size_t n, tl;

	/* truncated */
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, 30, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_DECODE);
	/* bad IPv4 checksum */
	f[24] ^= 0xff;
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_DECODE);
	f[24] ^= 0xff;
	/* no route */
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.2.0.1");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NO_ROUTE);
	/* TTL 1 routed */
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	f[22] = 1;
	f[24] = f[25] = 0;
	{
		uint16_t s = (uint16_t)~dp_csum_fold(f + 14, 20, 0);

		f[24] = (uint8_t)(s >> 8);
		f[25] = (uint8_t)s;
	}
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_TTL);
	/* above the MTU of the vif out */
	big = malloc(DP_PKT_MAX + 16);
	n = topo_ip4(big, DP_PKT_MAX, &topo_vm2_mac, &topo_vm1_mac, "10.1.0.3",
	    "10.1.0.4", DP_IPPROTO_UDP, 1, 2, 1600);
	ck_assert_int_eq(fx_run(a, TA_VM1, big, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_MTU);
	/* oversize */
	memset(big, 0, DP_PKT_MAX + 16);
	fx_n = 0;
	ck_assert_int_eq(dp_fwd(a, TA_VM1, big, DP_PKT_MAX + 16, 1, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_DECODE);
	free(big);
	/* unknown vif */
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.4");
	ck_assert_int_eq(fx_run(a, 77, f, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NO_VIF);
	/* from the fabric: not a tunnel, unknown label, unknown VNI */
	n = topo_ip4(f, sizeof(f), &topo_vm1_mac, &topo_vm2_mac, "127.0.3.2",
	    TOPO_A_ROUTER, DP_IPPROTO_UDP, 5, 53, 4);
	ck_assert_int_eq(fx_run(a, TA_FAB, f, n, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NOT_TUNNEL);
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.5");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	o = fx_one(TA_FAB, false);
	tl = o->len;
	memcpy(t, o->data, tl);
	t[DP_UDP4_OVERHEAD + 1] ^= 0x10; /* label 100 -> 356 */
	ck_assert_int_eq(fx_run(b, TB_FAB, t, tl, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NO_LABEL);
	n = fx_ping(f, &topo_vm1_mac, "10.1.0.3", "10.1.0.6");
	ck_assert_int_eq(fx_run(a, TA_VM1, f, n, NULL), 0);
	o = fx_one(TA_FAB, false);
	tl = o->len;
	memcpy(t, o->data, tl);
	t[DP_UDP4_OVERHEAD + 6] ^= 0x01; /* VNI 5001 -> another */
	ck_assert_int_eq(fx_run(b, TB_FAB, t, tl, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NO_VNI);
	/* a tunnel for another node */
	memcpy(t, o->data, tl);
	ck_assert_int_eq(fx_run(a, TA_FAB, t, tl, &why), -1);
	ck_assert_int_eq(why, DP_FWD_DROP_NOT_TUNNEL);
	dp_fwd_get_stats(a, &st);
	ck_assert_uint_eq(st.decode[DP_DROP_TRUNCATED], 1);
	ck_assert_uint_eq(st.decode[DP_DROP_BAD_CSUM], 1);
	ck_assert_uint_eq(st.decode[DP_DROP_OVERSIZE], 1);
	ck_assert_uint_eq(st.drop[DP_FWD_DROP_DECODE], 3);
	ck_assert_uint_eq(dp_vif_lookup(a, TA_VM1)->drop.pkts, 6);
	ck_assert_str_eq(dp_fwd_drop_name(DP_FWD_DROP_NO_VNI), "no-vni");
	ck_assert_str_eq(dp_fwd_drop_name(DP_FWD_DROP__MAX), "unknown");
	dp_free(a);
	dp_free(b);
}
END_TEST

Suite *
dp_fwd_suite(void)
{
	Suite *s = suite_create("dp_fwd");
	TCase *tc = tcase_create("fwd");

	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, test_fwd_route_local);
	tcase_add_test(tc, test_fwd_bridge_flood_arp);
	tcase_add_test(tc, test_fwd_two_vrouters);
	tcase_add_test(tc, test_fwd_port_mirror);
	tcase_add_test(tc, test_fwd_jhdr_remote_fabric);
	tcase_add_test(tc, test_fwd_nohdr);
	tcase_add_test(tc, test_fwd_static);
	tcase_add_test(tc, test_fwd_gre);
	tcase_add_test(tc, test_fwd_gre_no_remirror);
	tcase_add_test(tc, test_fwd_flow_mirror);
	tcase_add_test(tc, test_fwd_flow_egress);
	tcase_add_test(tc, test_fwd_snap_sample);
	tcase_add_test(tc, test_fwd_no_remirror);
	tcase_add_test(tc, test_fwd_vlan_filter);
	tcase_add_test(tc, test_fwd_ecmp);
	tcase_add_test(tc, test_fwd_drops);
	suite_add_tcase(s, tc);
	return s;
}
