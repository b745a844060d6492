/*
 * check_dp_encap.c - the tunnel builders: exact outer bytes of a UDP
 * packet and of a GRE one, VXLAN, MPLSoUDP and GRE round trips through
 * dp_pkt_decode(), full writers left unchanged, the size bound, and the
 * mirror source port.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* 192.168.0.11 -> 10.9.9.9, 50000 -> 8099, id 7 (reference A.6 outer). */
static const struct dp_udp4 enc_u = {
    .dmac = {0x02, 0, 0, 0, 0, 0x02},
    .smac = {0x02, 0, 0, 0, 0, 0x01},
    .src = 0xc0a8000b,
    .dst = 0x0a090909,
    .sport = 50000,
    .dport = 8099,
    .ip_id = 7,
};

/* The inner frame: IPv4/UDP 10.1.1.1:1234 -> 10.1.1.2:53 "abcd". */
static const char enc_inner[] =
    "52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 20 12 34 "
    "00 00 40 11 52 95 0a 01 01 01 0a 01 01 02 04 d2 00 35 00 0c "
    "00 00 61 62 63 64";

/* Every outer byte, checksum included (0xa703, summed by hand). */
START_TEST(enc_udp4_bytes)
{
	uint8_t mem[128], want[128];
	struct wbuf w;
	size_t n;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(
	    dp_encap_udp4(&w, &enc_u, (const uint8_t *)"xy", 2), 0);
	n = dt_unhex("02 00 00 00 00 02 02 00 00 00 00 01 08 00 "
		     "45 00 00 1e 00 07 00 00 40 11 a7 03 c0 a8 00 0b "
		     "0a 09 09 09 c3 50 1f a3 00 0a 00 00 78 79",
	    want, sizeof(want));
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}
END_TEST

START_TEST(enc_vxlan_roundtrip)
{
	uint8_t mem[256], in[64];
	size_t n = dt_unhex(enc_inner, in, sizeof(in));
	struct wbuf w;
	struct dp_pkt p;
	enum dp_drop why;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(dp_encap_vxlan(&w, &enc_u, 0xabcdef, in, n), 0);
	ck_assert_uint_eq(w.len, DP_UDP4_OVERHEAD + DP_VXLAN_HLEN + n);
	ck_assert_int_eq(dp_pkt_decode(mem, w.len, &p, &why), 0);
	ck_assert_int_eq(p.encap, DP_ENCAP_NONE); /* dport 8099 */
	wbuf_reset(&w);
	{
		struct dp_udp4 u = enc_u;

		u.dport = DP_PORT_VXLAN;
		ck_assert_int_eq(dp_encap_vxlan(&w, &u, 0xabcdef, in, n), 0);
	}
	ck_assert_int_eq(dp_pkt_decode(mem, w.len, &p, &why), 0);
	ck_assert_int_eq(p.encap, DP_ENCAP_VXLAN);
	ck_assert_uint_eq(p.vni, 0xabcdef);
	ck_assert_uint_eq(p.inner_off, DP_UDP4_OVERHEAD + DP_VXLAN_HLEN);
	ck_assert_mem_eq(mem + p.inner_off, in, n);
	ck_assert_uint_eq(p.inner.flags, DP_F_IP4 | DP_F_UDP);
	ck_assert_uint_eq(p.inner.dport, 53);
	ck_assert_uint_eq(p.outer.ttl, 64);
	ck_assert_int_eq(dp_encap_vxlan(&w, &enc_u, 1u << 24, in, n), -EINVAL);
}
END_TEST

START_TEST(enc_mpls_roundtrip)
{
	uint8_t mem[256], in[64];
	size_t n = dt_unhex(enc_inner, in, sizeof(in));
	struct dp_udp4 u = enc_u;
	struct wbuf w;
	struct dp_pkt p;
	enum dp_drop why;

	u.dport = DP_PORT_MPLSOUDP;
	u.ttl = 9;
	wbuf_init(&w, mem, sizeof(mem));
	/* An L3 label: the IP packet without its Ethernet header. */
	ck_assert_int_eq(
	    dp_encap_mplsoudp(&w, &u, 0xfffff, in + 14, n - 14), 0);
	ck_assert_int_eq(dp_pkt_decode(mem, w.len, &p, &why), 0);
	ck_assert_int_eq(p.encap, DP_ENCAP_MPLSOUDP);
	ck_assert_uint_eq(p.label, 0xfffff);
	ck_assert_uint_eq(p.nlabels, 1);
	ck_assert_uint_eq(p.outer.ttl, 9);
	ck_assert_uint_eq(p.inner.flags, DP_F_NOETH | DP_F_IP4 | DP_F_UDP);
	ck_assert_uint_eq(p.inner.sport, 1234);
	/* An L2 label: the whole frame. */
	wbuf_reset(&w);
	ck_assert_int_eq(dp_encap_mplsoudp(&w, &u, 16, in, n), 0);
	ck_assert_int_eq(dp_pkt_decode(mem, w.len, &p, &why), 0);
	ck_assert_uint_eq(p.label, 16);
	ck_assert_uint_eq(p.inner.flags, DP_F_IP4 | DP_F_UDP);
	ck_assert_uint_eq(p.inner.l3_off, p.inner_off + DP_ETH_HLEN);
	ck_assert_int_eq(dp_encap_mplsoudp(&w, &u, 1u << 20, in, n), -EINVAL);
}
END_TEST

/*
 * GRE: every outer byte (IPv4 protocol 47, checksum 0xa6b9 from a
 * second implementation, no UDP; K bit, 0x6558, key 0x80001092), the
 * round trip through dp_pkt_decode, the same bytes pushed in place.
 */
START_TEST(enc_gre)
{
	uint8_t mem[256], want[128], in[64], room[256];
	size_t n = dt_unhex(enc_inner, in, sizeof(in)), hl, len;
	struct wbuf w;
	struct dp_pkt p;
	enum dp_drop why;
	uint8_t *start;
	int err = 0;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(dp_encap_gre(&w, &enc_u, 0x80001092, in, n), 0);
	hl = dt_unhex("02 00 00 00 00 02 02 00 00 00 00 01 08 00 "
		      "45 00 00 4a 00 07 00 00 40 2f a6 b9 c0 a8 00 0b "
		      "0a 09 09 09 20 00 65 58 80 00 10 92",
	    want, sizeof(want));
	ck_assert_uint_eq(hl, DP_GRE_OVERHEAD);
	ck_assert_uint_eq(w.len, hl + n);
	ck_assert_mem_eq(mem, want, hl);
	ck_assert_mem_eq(mem + hl, in, n);
	ck_assert_int_eq(dp_pkt_decode(mem, w.len, &p, &why), 0);
	ck_assert_int_eq(p.encap, DP_ENCAP_GRE);
	ck_assert_uint_eq(p.key, 0x80001092);
	ck_assert_uint_eq(p.inner_off, hl);
	ck_assert_uint_eq(p.inner.flags, DP_F_IP4 | DP_F_UDP);
	ck_assert_uint_eq(p.inner.dport, 53);
	/* in place: the same bytes in front of the frame */
	memcpy(room + DP_ENCAP_ROOM, in, n);
	len = n;
	start = dp_encap_push(
	    room + DP_ENCAP_ROOM, &len, &enc_u, DP_ENCAP_GRE, 0x80001092, &err);
	ck_assert_ptr_eq(start, room + DP_ENCAP_ROOM - hl);
	ck_assert_uint_eq(len, w.len);
	ck_assert_mem_eq(start, mem, len);
	/* the largest frame that fits, and one byte more */
	len = DP_PKT_MAX - DP_GRE_OVERHEAD + 1;
	ck_assert_ptr_null(dp_encap_push(
	    room + DP_ENCAP_ROOM, &len, &enc_u, DP_ENCAP_GRE, 1, &err));
	ck_assert_int_eq(err, -EMSGSIZE);
}
END_TEST

/* A writer one byte short is left as it was; each size in between too. */
START_TEST(enc_full)
{
	uint8_t mem[256], in[64];
	size_t n = dt_unhex(enc_inner, in, sizeof(in));
	size_t need = DP_UDP4_OVERHEAD + DP_VXLAN_HLEN + n, cap;
	struct wbuf w;

	for (cap = 0; cap < need; cap++) {
		wbuf_init(&w, mem, cap);
		DT_ASSERT(dp_encap_vxlan(&w, &enc_u, 1, in, n) == -ENOBUFS,
		    "fits in %zu", cap);
		DT_ASSERT(w.len == 0, "%zu bytes left in", w.len);
	}
	wbuf_init(&w, mem, need);
	ck_assert_int_eq(dp_encap_vxlan(&w, &enc_u, 1, in, n), 0);
}
END_TEST

/* Above DP_PKT_MAX the IPv4 length would wrap: refused. */
START_TEST(enc_oversize)
{
	static uint8_t big[DP_PKT_MAX];
	struct wbuf w;

	wbuf_init_dyn(&w, 2 * DP_PKT_MAX);
	ck_assert_int_eq(
	    dp_encap_udp4(&w, &enc_u, big, DP_PKT_MAX - DP_UDP4_OVERHEAD + 1),
	    -EMSGSIZE);
	ck_assert_int_eq(
	    dp_encap_udp4(&w, &enc_u, big, DP_PKT_MAX - DP_UDP4_OVERHEAD), 0);
	ck_assert_uint_eq(w.len, DP_PKT_MAX);
	wbuf_fini(&w);
}
END_TEST

/*
 * The source port: FNV-1a of 11 | 0a010101 | 0a010102 | 04d2 0035 (a
 * second FNV-1a, written here from the definition), in range, the same
 * for the frame and for its VXLAN copy, and different for another port.
 */
static uint32_t
enc_fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

START_TEST(enc_sport)
{
	static const uint8_t key[] = {0x11, 0x0a, 0x01, 0x01, 0x01, 0x0a, 0x01,
	    0x01, 0x02, 0x04, 0xd2, 0x00, 0x35};
	uint8_t mem[256], in[64];
	size_t n = dt_unhex(enc_inner, in, sizeof(in));
	struct dp_udp4 u = enc_u;
	struct dp_pkt p;
	enum dp_drop why;
	struct wbuf w;
	uint16_t sp;

	ck_assert_int_eq(dp_pkt_decode(in, n, &p, &why), 0);
	sp = dp_mirror_sport(&p);
	ck_assert_uint_eq(sp, 49152 + enc_fnv(key, sizeof(key)) % 16384);
	ck_assert_uint_ge(sp, DP_SPORT_MIN);
	u.dport = DP_PORT_VXLAN;
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(dp_encap_vxlan(&w, &u, 5, in, n), 0);
	ck_assert_int_eq(dp_pkt_decode(mem, w.len, &p, &why), 0);
	ck_assert_uint_eq(dp_mirror_sport(&p), sp);
	in[37] ^= 1; /* destination port 53 -> 52 */
	ck_assert_int_eq(dp_pkt_decode(in, n, &p, &why), 0);
	ck_assert_uint_ne(dp_mirror_sport(&p), sp);
}
END_TEST

Suite *
dp_encap_suite(void)
{
	Suite *s = suite_create("dp_encap");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, enc_udp4_bytes);
	tcase_add_test(tc, enc_vxlan_roundtrip);
	tcase_add_test(tc, enc_mpls_roundtrip);
	tcase_add_test(tc, enc_gre);
	tcase_add_test(tc, enc_sport);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, enc_full);
	tcase_add_test(tc, enc_oversize);
	suite_add_tcase(s, tc);
	return s;
}
