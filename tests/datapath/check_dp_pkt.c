/*
 * check_dp_pkt.c - dp_pkt_decode() on hand-made frames: each layer and
 * overlay, every proper prefix of every good frame (truncated, from an
 * exact-size copy so ASan sees any overread), malformed headers with
 * their drop reason, and the limits (labels, extension headers, size).
 * The bytes were laid out by hand, field by field, per the comments.
 */
#include "tests/datapath/suites.h"

#include <stdlib.h>
#include <string.h>

struct pkt_ok {
	const char *name;
	const char *hex;
	uint32_t flags;
	uint16_t l3, l4, pay;
	uint8_t proto;
	uint16_t sport, dport;
	enum dp_encap encap;
	uint32_t tag; /* VNI or bottom label */
	uint8_t nlabels;
	uint16_t inner_off;
	uint32_t iflags;
	uint16_t il3, il4;
	uint8_t iproto;
	uint16_t isport, idport;
};

/*
 * Ethernet 52:54:00:aa:bb:01 -> :02 unless said; IPv4 10.1.1.1 -> .2,
 * IPv6 2001:db8::1 -> ::2, TTL 64, id 0x1234; outer tunnels 172.16.0.1
 * -> .2 carrying 192.168.x.y.
 */
static const struct pkt_ok pkt_ok[] = {
    /* IPv4/UDP 1234 -> 53, "abcd" */
    {"udp4",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 20 12 34 "
	"00 00 40 11 52 95 0a 01 01 01 0a 01 01 02 04 d2 00 35 00 0c "
	"00 00 61 62 63 64",
	DP_F_IP4 | DP_F_UDP, 14, 34, 42, 17, 1234, 53, DP_ENCAP_NONE, 0, 0, 0,
	0, 0, 0, 0, 0, 0},
    /* VLAN 100, IPv4/TCP SYN 40000 -> 80, MSS option (doff 6) */
    {"tcp4_vlan",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 81 00 00 64 08 00 45 00 "
	"00 2c 12 34 00 00 40 06 52 94 0a 01 01 01 0a 01 01 02 9c 40 "
	"00 50 00 00 00 01 00 00 00 00 60 02 ff ff 00 00 00 00 02 04 "
	"05 b4",
	DP_F_VLAN | DP_F_IP4 | DP_F_TCP, 18, 38, 62, 6, 40000, 80,
	DP_ENCAP_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    /* IPv4 with a 4-byte option (IHL 6), ICMP echo id 0x77 "hi" */
    {"icmp4_opt",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 46 00 00 22 12 34 "
	"00 00 40 01 4f a2 0a 01 01 01 0a 01 01 02 01 01 01 00 08 00 "
	"00 00 00 77 00 01 68 69",
	DP_F_IP4 | DP_F_IPOPT | DP_F_ICMP, 14, 38, 46, 1, 2048, 119,
	DP_ENCAP_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    /* IPv6/UDP 5000 -> 6000 "xy" */
    {"udp6",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 86 dd 60 00 00 00 00 0a "
	"11 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 "
	"0d b8 00 00 00 00 00 00 00 00 00 00 00 02 13 88 17 70 00 0a "
	"00 00 78 79",
	DP_F_IP6 | DP_F_UDP, 14, 54, 62, 17, 5000, 6000, DP_ENCAP_NONE, 0, 0, 0,
	0, 0, 0, 0, 0, 0},
    /* IPv6, hop-by-hop header (8 bytes), ICMPv6 echo id 9 */
    {"icmp6_hbh",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 86 dd 60 00 00 00 00 10 "
	"00 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 "
	"0d b8 00 00 00 00 00 00 00 00 00 00 00 02 3a 00 01 04 00 00 "
	"00 00 80 00 00 00 00 09 00 01",
	DP_F_IP6 | DP_F_ICMP, 14, 62, 70, 58, 32768, 9, DP_ENCAP_NONE, 0, 0, 0,
	0, 0, 0, 0, 0, 0},
    /* ARP who-has 10.1.1.254 tell 10.1.1.1, broadcast */
    {"arp",
	"ff ff ff ff ff ff 52 54 00 aa bb 01 08 06 00 01 08 00 06 04 "
	"00 01 52 54 00 aa bb 01 0a 01 01 01 00 00 00 00 00 00 0a 01 "
	"01 fe",
	DP_F_ARP, 14, 42, 42, 0, 0, 0, DP_ENCAP_NONE, 0, 0, 0, 0, 0, 0, 0, 0,
	0},
    /* IPv4 fragment at offset 185*8, UDP: no L4 header */
    {"frag4",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 24 12 34 "
	"00 b9 40 11 51 d8 0a 01 01 01 0a 01 01 02 30 31 32 33 34 35 "
	"36 37 38 39 61 62 63 64 65 66",
	DP_F_IP4 | DP_F_FRAG, 14, 34, 34, 17, 0, 0, DP_ENCAP_NONE, 0, 0, 0, 0,
	0, 0, 0, 0, 0},
    /* UDP 50000 -> 4789, VXLAN VNI 0x32, inner IPv4 ICMP echo id 5 */
    {"vxlan",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 4e 12 34 "
	"00 00 40 11 10 48 ac 10 00 01 ac 10 00 02 c3 50 12 b5 00 3a "
	"00 00 08 00 00 00 00 00 32 00 02 00 00 00 00 0b 02 00 00 00 "
	"00 0a 08 00 45 00 00 1c 12 34 00 00 40 01 e5 55 c0 a8 01 03 "
	"c0 a8 01 04 08 00 00 00 00 05 00 06",
	DP_F_IP4 | DP_F_UDP, 14, 34, 42, 17, 50000, 4789, DP_ENCAP_VXLAN, 50, 0,
	50, DP_F_IP4 | DP_F_ICMP, 64, 84, 1, 2048, 5},
    /* UDP -> 6635, labels 17, 16 (bottom), inner IPv4/TCP 1111 -> 22 */
    {"mpls_l3",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 4c 12 34 "
	"00 00 40 11 10 4a ac 10 00 01 ac 10 00 02 c3 51 19 eb 00 38 "
	"00 00 00 01 10 40 00 01 01 40 45 00 00 28 12 34 00 00 40 06 "
	"e3 48 c0 a8 02 01 c0 a8 02 02 04 57 00 16 00 00 00 01 00 00 "
	"00 00 50 02 ff ff 00 00 00 00",
	DP_F_IP4 | DP_F_UDP, 14, 34, 42, 17, 50001, 6635, DP_ENCAP_MPLSOUDP, 16,
	2, 50, DP_F_NOETH | DP_F_IP4 | DP_F_TCP, 50, 70, 6, 1111, 22},
    /* UDP -> 6635, label 33 (bottom), inner Ethernet ARP */
    {"mpls_l2",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 4a 12 34 "
	"00 00 40 11 10 4c ac 10 00 01 ac 10 00 02 c3 52 19 eb 00 36 "
	"00 00 00 02 11 40 ff ff ff ff ff ff 52 54 00 aa bb 01 08 06 "
	"00 01 08 00 06 04 00 01 52 54 00 aa bb 01 0a 01 01 01 00 00 "
	"00 00 00 00 0a 01 01 fe",
	DP_F_IP4 | DP_F_UDP, 14, 34, 42, 17, 50002, 6635, DP_ENCAP_MPLSOUDP, 33,
	1, 46, DP_F_ARP, 60, 88, 0, 0, 0},
    /* IPv4 first fragment (MF): UDP length 1000, only 8 bytes here */
    {"frag4_first",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 24 12 34 "
	"20 00 40 11 32 91 0a 01 01 01 0a 01 01 02 00 07 00 09 03 e8 "
	"00 00 31 32 33 34 35 36 37 38",
	DP_F_IP4 | DP_F_FRAG | DP_F_UDP, 14, 34, 42, 17, 7, 9, DP_ENCAP_NONE, 0,
	0, 0, 0, 0, 0, 0, 0, 0},
    /* IPv6 fragment header, offset 100*8: UDP but no L4 header */
    {"frag6_later",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 86 dd 60 00 00 00 00 10 "
	"2c 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 "
	"0d b8 00 00 00 00 00 00 00 00 00 00 00 02 11 00 03 20 00 00 "
	"ab cd 70 61 79 6c 6f 61 64 21",
	DP_F_IP6 | DP_F_FRAG, 14, 62, 62, 17, 0, 0, DP_ENCAP_NONE, 0, 0, 0, 0,
	0, 0, 0, 0, 0},
    /* GRE (RFC 2890): K, version 0, 0x6558, key 4242; inner as VXLAN's */
    {"gre",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 46 12 34 "
	"00 00 40 2f 10 32 ac 10 00 01 ac 10 00 02 20 00 65 58 00 00 "
	"10 92 02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 1c "
	"12 34 00 00 40 01 e5 55 c0 a8 01 03 c0 a8 01 04 08 00 00 00 "
	"00 05 00 06",
	DP_F_IP4, 14, 34, 34, 47, 0, 0, DP_ENCAP_GRE, 4242, 0, 42,
	DP_F_IP4 | DP_F_ICMP, 56, 76, 1, 2048, 5},
    /* GRE with C (checksum 0xabcd, not checked) and S (sequence 7) */
    {"gre_cs",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 4e 12 34 "
	"00 00 40 2f 10 2a ac 10 00 01 ac 10 00 02 b0 00 65 58 ab cd "
	"00 00 00 00 10 92 00 00 00 07 02 00 00 00 00 0b 02 00 00 00 "
	"00 0a 08 00 45 00 00 1c 12 34 00 00 40 01 e5 55 c0 a8 01 03 "
	"c0 a8 01 04 08 00 00 00 00 05 00 06",
	DP_F_IP4, 14, 34, 34, 47, 0, 0, DP_ENCAP_GRE, 4242, 0, 50,
	DP_F_IP4 | DP_F_ICMP, 64, 84, 1, 2048, 5},
};

struct pkt_bad {
	const char *name;
	const char *hex;
	enum dp_drop reason;
};

static const struct pkt_bad pkt_bad[] = {
    /* IPv4 header checksum off by one bit */
    {"bad_csum",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 1c 12 34 "
	"00 00 40 11 52 98 0a 01 01 01 0a 01 01 02 00 01 00 02 00 08 "
	"00 00",
	DP_DROP_BAD_CSUM},
    /* EtherType IPv4, version nibble 6 */
    {"bad_version",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 65 00 00 1c 12 34 "
	"00 00 40 11 32 99 0a 01 01 01 0a 01 01 02 00 01 00 02 00 08 "
	"00 00",
	DP_DROP_BAD_VERSION},
    /* IHL 4 */
    {"bad_ihl",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 44 00 00 1c 12 34 "
	"00 00 40 11 53 99 0a 01 01 01 0a 01 01 02 00 01 00 02 00 08 "
	"00 00",
	DP_DROP_BAD_HLEN},
    /* total length 19 < header 20 */
    {"tlen_lt_hlen",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 13 12 34 "
	"00 00 40 11 52 a2 0a 01 01 01 0a 01 01 02 00 01 00 02 00 08 "
	"00 00",
	DP_DROP_BAD_LEN},
    /* UDP length 7 */
    {"udp_len7",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 1c 12 34 "
	"00 00 40 11 52 99 0a 01 01 01 0a 01 01 02 00 01 00 02 00 07 "
	"00 00",
	DP_DROP_BAD_LEN},
    /* UDP length 9 > the 8 bytes there */
    {"udp_len_long",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 1c 12 34 "
	"00 00 40 11 52 99 0a 01 01 01 0a 01 01 02 00 01 00 02 00 09 "
	"00 00",
	DP_DROP_BAD_LEN},
    /* TCP data offset 4 */
    {"tcp_doff4",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 28 12 34 "
	"00 00 40 06 52 98 0a 01 01 01 0a 01 01 02 00 01 00 02 00 00 "
	"00 01 00 00 00 00 40 02 ff ff 00 00 00 00",
	DP_DROP_BAD_HLEN},
    /* an IPv6 header behind EtherType 0x0800 */
    {"ip6_in_ip4type",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 60 00 00 00 00 08 "
	"11 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 "
	"0d b8 00 00 00 00 00 00 00 00 00 00 00 02 00 01 00 02 00 08 "
	"00 00",
	DP_DROP_BAD_VERSION},
    /* VXLAN flags 0: I bit clear */
    {"vxlan_noI",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 4e 12 34 "
	"00 00 40 11 52 67 0a 01 01 01 0a 01 01 02 00 01 12 b5 00 3a "
	"00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 0b 02 00 00 00 "
	"00 0a 08 00 45 00 00 1c 12 34 00 00 40 01 e5 55 c0 a8 01 03 "
	"c0 a8 01 04 08 00 00 00 00 05 00 06",
	DP_DROP_BAD_VXLAN},
    /* five labels none bottom of stack */
    {"mpls_5labels",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 5a 12 34 "
	"00 00 40 11 52 5b 0a 01 01 01 0a 01 01 02 00 01 19 eb 00 46 "
	"00 00 00 01 40 40 00 01 40 40 00 01 40 40 00 01 40 40 00 01 "
	"40 40 02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 1c "
	"12 34 00 00 40 01 e5 55 c0 a8 01 03 c0 a8 01 04 08 00 00 00 "
	"00 05 00 06",
	DP_DROP_TOO_MANY_LABELS},
    /* five hop-by-hop headers */
    {"ip6_5ext",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 86 dd 60 00 00 00 00 30 "
	"00 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 "
	"0d b8 00 00 00 00 00 00 00 00 00 00 00 02 00 00 01 04 00 00 "
	"00 00 00 00 01 04 00 00 00 00 00 00 01 04 00 00 00 00 00 00 "
	"01 04 00 00 00 00 3a 00 01 04 00 00 00 00 80 00 00 00 00 01 "
	"00 01",
	DP_DROP_TOO_MANY_EXTHDR},
    /* ARP hardware type 6 */
    {"arp_htype6",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 06 00 06 08 00 06 04 "
	"00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
	"00 00",
	DP_DROP_BAD_ARP},
    /* VXLAN, the inner IPv4 checksum broken */
    {"vxlan_inner_csum",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 4e 12 34 "
	"00 00 40 11 52 67 0a 01 01 01 0a 01 01 02 00 01 12 b5 00 3a "
	"00 00 08 00 00 00 00 00 01 00 02 00 00 00 00 0b 02 00 00 00 "
	"00 0a 08 00 45 00 00 1c 12 34 00 00 40 01 e4 55 c0 a8 01 03 "
	"c0 a8 01 04 08 00 00 00 00 05 00 06",
	DP_DROP_BAD_CSUM},
    /* GRE version 1 (PPTP's) */
    {"gre_ver1",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 46 12 34 "
	"00 00 40 2f 10 32 ac 10 00 01 ac 10 00 02 20 01 65 58 00 00 "
	"10 92 02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 1c "
	"12 34 00 00 40 01 e5 55 c0 a8 01 03 c0 a8 01 04 08 00 00 00 "
	"00 05 00 06",
	DP_DROP_BAD_GRE},
    /* GRE without a key */
    {"gre_nokey",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 42 12 34 "
	"00 00 40 2f 10 36 ac 10 00 01 ac 10 00 02 00 00 65 58 02 00 "
	"00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 1c 12 34 00 00 "
	"40 01 e5 55 c0 a8 01 03 c0 a8 01 04 08 00 00 00 00 05 00 06",
	DP_DROP_BAD_GRE},
    /* GRE carrying IPv4 (0x0800), not an Ethernet frame */
    {"gre_ip",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 46 12 34 "
	"00 00 40 2f 10 32 ac 10 00 01 ac 10 00 02 20 00 08 00 00 00 "
	"10 92 02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 1c "
	"12 34 00 00 40 01 e5 55 c0 a8 01 03 c0 a8 01 04 08 00 00 00 "
	"00 05 00 06",
	DP_DROP_BAD_GRE},
    /* GRE with the R bit of RFC 1701 */
    {"gre_routing",
	"52 54 00 aa bb 02 52 54 00 aa bb 01 08 00 45 00 00 46 12 34 "
	"00 00 40 2f 10 32 ac 10 00 01 ac 10 00 02 60 00 65 58 00 00 "
	"10 92 02 00 00 00 00 0b 02 00 00 00 00 0a 08 00 45 00 00 1c "
	"12 34 00 00 40 01 e5 55 c0 a8 01 03 c0 a8 01 04 08 00 00 00 "
	"00 05 00 06",
	DP_DROP_BAD_GRE},
};

static void
pkt_check_hdrs(const char *name, const char *lvl, const struct dp_hdrs *h,
    uint32_t flags, uint16_t l3, uint16_t l4, uint8_t proto, uint16_t sport,
    uint16_t dport)
{
	ck_assert_msg(h->flags == flags, "%s %s: flags %#x, want %#x", name,
	    lvl, (unsigned)h->flags, (unsigned)flags);
	ck_assert_msg(
	    h->l3_off == l3, "%s %s: l3 %u, want %u", name, lvl, h->l3_off, l3);
	ck_assert_msg(
	    h->l4_off == l4, "%s %s: l4 %u, want %u", name, lvl, h->l4_off, l4);
	ck_assert_msg(
	    h->proto == proto, "%s %s: proto %u", name, lvl, h->proto);
	ck_assert_msg(h->sport == sport && h->dport == dport,
	    "%s %s: ports %u %u, want %u %u", name, lvl, h->sport, h->dport,
	    sport, dport);
}

START_TEST(pkt_ok_decode)
{
	const struct pkt_ok *t = &pkt_ok[_i];
	uint8_t raw[256], *f;
	size_t n = dt_unhex(t->hex, raw, sizeof(raw));
	struct dp_pkt p;
	enum dp_drop why;

	f = dt_copy(raw, n);
	ck_assert_msg(dp_pkt_decode(f, n, &p, &why) == 0, "%s: %s", t->name,
	    dp_drop_name(why));
	ck_assert_int_eq(why, DP_DROP_NONE);
	ck_assert_uint_eq(p.len, n);
	pkt_check_hdrs(t->name, "outer", &p.outer, t->flags, t->l3, t->l4,
	    t->proto, t->sport, t->dport);
	ck_assert_uint_eq(p.outer.pay_off, t->pay);
	ck_assert_int_eq(p.encap, t->encap);
	if (t->encap == DP_ENCAP_VXLAN)
		ck_assert_uint_eq(p.vni, t->tag);
	if (t->encap == DP_ENCAP_GRE)
		ck_assert_uint_eq(p.key, t->tag);
	if (t->encap == DP_ENCAP_MPLSOUDP) {
		ck_assert_uint_eq(p.label, t->tag);
		ck_assert_uint_eq(p.nlabels, t->nlabels);
	}
	if (t->encap != DP_ENCAP_NONE) {
		ck_assert_uint_eq(p.inner_off, t->inner_off);
		pkt_check_hdrs(t->name, "inner", &p.inner, t->iflags, t->il3,
		    t->il4, t->iproto, t->isport, t->idport);
	}
	free(f);
}
END_TEST

/* Every proper prefix of a good frame is truncated, never more. */
START_TEST(pkt_ok_truncated)
{
	const struct pkt_ok *t = &pkt_ok[_i];
	uint8_t raw[256], *f;
	size_t n = dt_unhex(t->hex, raw, sizeof(raw)), k;
	struct dp_pkt p;
	enum dp_drop why;

	for (k = 0; k < n; k++) {
		f = dt_copy(raw, k);
		DT_ASSERT(dp_pkt_decode(f, k, &p, &why) == -1,
		    "%s cut at %zu decoded", t->name, k);
		DT_ASSERT(why == DP_DROP_TRUNCATED, "%s cut at %zu: %s",
		    t->name, k, dp_drop_name(why));
		free(f);
	}
}
END_TEST

START_TEST(pkt_bad_decode)
{
	const struct pkt_bad *t = &pkt_bad[_i];
	uint8_t raw[256], *f;
	size_t n = dt_unhex(t->hex, raw, sizeof(raw));
	struct dp_pkt p;
	enum dp_drop why;

	f = dt_copy(raw, n);
	ck_assert_msg(
	    dp_pkt_decode(f, n, &p, &why) == -1, "%s decoded", t->name);
	ck_assert_msg(why == t->reason, "%s: %s, want %s", t->name,
	    dp_drop_name(why), dp_drop_name(t->reason));
	free(f);
}
END_TEST

/* The MPLS guess overridden: the L3 frame read as Ethernet, and back. */
START_TEST(pkt_mpls_override)
{
	const struct pkt_ok *t = &pkt_ok[8];
	uint8_t raw[256];
	size_t n = dt_unhex(t->hex, raw, sizeof(raw));
	struct dp_pkt p;
	enum dp_drop why;

	ck_assert_str_eq(t->name, "mpls_l3");
	ck_assert_int_eq(dp_pkt_decode(raw, n, &p, &why), 0);
	ck_assert_int_eq(dp_pkt_decode_mpls(raw, &p, false, &why), 0);
	/* 45 00 ... as MACs: the EtherType is IP bytes 12-13 (192.168). */
	ck_assert_uint_eq(p.inner.flags & DP_F_NOETH, 0);
	ck_assert_uint_eq(p.inner.ethertype, 0xc0a8);
	ck_assert_int_eq(dp_pkt_decode_mpls(raw, &p, true, &why), 0);
	ck_assert_uint_eq(p.inner.flags, DP_F_NOETH | DP_F_IP4 | DP_F_TCP);
	ck_assert_uint_eq(p.inner.sport, 1111);
	/* Not MPLS: refused. */
	n = dt_unhex(pkt_ok[0].hex, raw, sizeof(raw));
	ck_assert_int_eq(dp_pkt_decode(raw, n, &p, &why), 0);
	ck_assert_int_eq(dp_pkt_decode_mpls(raw, &p, true, &why), -1);
	ck_assert_int_eq(why, DP_DROP_BAD_MPLS);
}
END_TEST

/* Above DP_PKT_MAX: oversize, before any header is read. */
START_TEST(pkt_oversize)
{
	static uint8_t big[DP_PKT_MAX + 1];
	struct dp_pkt p;
	enum dp_drop why;

	ck_assert_int_eq(dp_pkt_decode(big, sizeof(big), &p, &why), -1);
	ck_assert_int_eq(why, DP_DROP_OVERSIZE);
}
END_TEST

/* Every reason has its own name; out of range is "unknown". */
START_TEST(pkt_drop_names)
{
	int i, j;

	for (i = 0; i < DP_DROP__MAX; i++) {
		ck_assert_ptr_nonnull(dp_drop_name((enum dp_drop)i));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(dp_drop_name((enum dp_drop)i),
			    dp_drop_name((enum dp_drop)j));
	}
	ck_assert_str_eq(dp_drop_name(DP_DROP_TRUNCATED), "truncated");
	ck_assert_str_eq(dp_drop_name(DP_DROP__MAX), "unknown");
}
END_TEST

/* RFC 1071 section 3 example, and an odd length (00 01 + f2 00). */
START_TEST(pkt_csum)
{
	static const uint8_t d[] = {
	    0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	ck_assert_uint_eq(dp_csum_fold(d, sizeof(d), 0), 0xddf2);
	ck_assert_uint_eq(dp_csum_fold(d, 3, 0), 0xf201);
}
END_TEST

Suite *
dp_pkt_suite(void)
{
	Suite *s = suite_create("dp_pkt");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(
	    tc, pkt_ok_decode, 0, (int)(sizeof(pkt_ok) / sizeof(pkt_ok[0])));
	tcase_add_test(tc, pkt_mpls_override);
	tcase_add_test(tc, pkt_drop_names);
	tcase_add_test(tc, pkt_csum);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(
	    tc, pkt_ok_truncated, 0, (int)(sizeof(pkt_ok) / sizeof(pkt_ok[0])));
	tcase_add_loop_test(
	    tc, pkt_bad_decode, 0, (int)(sizeof(pkt_bad) / sizeof(pkt_bad[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, pkt_oversize);
	suite_add_tcase(s, tc);
	return s;
}
