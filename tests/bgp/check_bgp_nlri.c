/*
 * DOC: check_bgp_nlri.c - tests of bgp/bgp_nlri.c through the public API
 * (an UPDATE carrying the NLRI, then bgp_nlri_next).
 *
 * A table of NLRI sections of every family, announced or withdrawn, with
 * the routes they hold in text (rt_key_print plus labels): GoBGP's VPN
 * and EVPN routes, every RD type, label stacks and the RFC 8277 withdraw
 * labels, EVPN route types 2, 3 and 5 with unknown types skipped, every
 * RT-constraint length.  Each section is also cut at every byte (the
 * routes before the cut, or a clean 3/10) and written back with the
 * UPDATE writer.  Then malformed sections, Table A N2-N6, each a reset
 * with 3/10.
 */
#include "bgp/bgp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

#define ESI  "00000000000000000000"
#define RD1  "0000fc0000000001" /* 64512:1 */
#define GW16 "00000000000000000000000000000000"

/* The next hop each family's MP_REACH carries in these tests. */
static const char *const mp_nh[BGP_AF_MAX] = {
    [BGP_AF_INET] = "[0a000001]",
    [BGP_AF_INET_VPN] = "[0000000000000000 0a000001]",
    [BGP_AF_INET6_VPN] = "[0000000000000000 fd000000000000000000000000000001]",
    [BGP_AF_EVPN] = "[0a000001]",
    [BGP_AF_RTARGET] = "[0a000001]",
};

/*
 * An UPDATE with nlri (hex) for af: inet in the legacy sections, the
 * others in MP_REACH_NLRI or MP_UNREACH_NLRI.
 */
static void
nlri_decode(struct bt_upd *t, enum bgp_af af, bool withdraw, const char *nlri)
{
	struct bgp_session_caps caps = bt_caps();
	uint16_t afi;
	uint8_t safi;
	char attrs[8192];

	if (af == BGP_AF_INET) {
		if (withdraw)
			bt_upd_decode_parts(t, nlri, "", "", &caps);
		else
			bt_upd_decode_parts(t, "",
			    "40 01 [00] 40 02 [] 40 03 [0a000001]", nlri,
			    &caps);
		return;
	}
	bgp_af_to_wire(af, &afi, &safi);
	if (withdraw)
		snprintf(attrs, sizeof(attrs), "90 0f {%04x %02x %s}", afi,
		    safi, nlri);
	else
		snprintf(attrs, sizeof(attrs),
		    "90 0e {%04x %02x %s 00 %s} 40 01 [00] 40 02 []", afi, safi,
		    mp_nh[af], nlri);
	bt_upd_decode_parts(t, "", attrs, "", &caps);
}

/* The section of t holding af's NLRI. */
static struct buf
nlri_section(const struct bt_upd *t, enum bgp_af af, bool withdraw)
{
	if (af == BGP_AF_INET)
		return withdraw ? t->u.withdrawn : t->u.nlri;
	BT_ASSERT(
	    withdraw ? t->u.has_unreach : t->u.has_reach, "no MP attribute");
	BT_ASSERT((withdraw ? t->u.unreach_af : t->u.reach_af) == af,
	    "MP attribute of another family");
	return withdraw ? t->u.unreach_nlri : t->u.reach_nlri;
}

static void
hexify(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static const struct {
	const char *name;
	enum bgp_af af;
	bool withdraw;
	const char *hex;
	const char *text;  /* the routes */
	unsigned unusable; /* NLRI with an RD the core cannot hold */
} good[] = {
    {"inet", BGP_AF_INET, false, "18 0a0101", "10.1.1.0/24", 0},
    {"inet-default", BGP_AF_INET, false, "00", "0.0.0.0/0", 0},
    {"inet-host-bits-cleared", BGP_AF_INET, false, "20 c0a80101 11 0a0181",
	"192.168.1.1/32; 10.1.128.0/17", 0},
    {"inet-withdrawn", BGP_AF_INET, true, "18 0a0101 08 0a",
	"10.1.1.0/24; 10.0.0.0/8", 0},
    {"vpn-gobgp", BGP_AF_INET_VPN, false, "70 000101 " RD1 " 0a0101",
	"64512:1:10.1.1.0/24 label 16", 0},
    {"vpn-rd-type-1", BGP_AF_INET_VPN, false,
	"78 000111 0001 01020304 0005 0a010103",
	"1.2.3.4:5:10.1.1.3/32 label 17", 0},
    {"vpn-rd-type-2", BGP_AF_INET_VPN, false, "60 fffff1 0002fa56ea000007 0a",
	"4200000000:7:10.0.0.0/8 label 1048575", 0},
    {"vpn-default", BGP_AF_INET_VPN, false, "58 000101 " RD1,
	"64512:1:0.0.0.0/0 label 16", 0},
    {"vpn-two", BGP_AF_INET_VPN, false,
	"70 000101 " RD1 " 0a0101 68 000201 0001c0a8000100ff 0a02",
	"64512:1:10.1.1.0/24 label 16; 192.168.0.1:255:10.2.0.0/16 label 32",
	0},
    {"vpn-label-stack-top-kept", BGP_AF_INET_VPN, false,
	"88 000100 000111 " RD1 " 0a0101", "64512:1:10.1.1.0/24 label 16", 0},
    {"N3_withdraw_label_800000", BGP_AF_INET_VPN, true,
	"70 800000 " RD1 " 0a0101", "64512:1:10.1.1.0/24", 0},
    {"N3_withdraw_label_000000", BGP_AF_INET_VPN, true,
	"70 000000 " RD1 " 0a0101", "64512:1:10.1.1.0/24", 0},
    {"N3_withdraw_label_value_ignored", BGP_AF_INET_VPN, true,
	"70 000100 " RD1 " 0a0101", "64512:1:10.1.1.0/24", 0},
    {"N2_bogus_rd_type_skipped", BGP_AF_INET_VPN, false,
	"70 000101 ff000000fc000001 0a0101 70 000101 " RD1 " 0a0201",
	"64512:1:10.2.1.0/24 label 16", 1},
    {"vpn-rd-type-2-small-as-skipped", BGP_AF_INET_VPN, true,
	"70 800000 00020000fde90001 0a0101", "", 1},
    {"vpn6", BGP_AF_INET6_VPN, false, "98 000101 " RD1 " fd00000000000000",
	"64512:1:fd00::/64 label 16", 0},
    {"vpn6-128", BGP_AF_INET6_VPN, false,
	"d8 000201 00010a0000010001 20010db8000000000000000000000001",
	"10.0.0.1:1:2001:db8::1/128 label 32", 0},
    {"vpn6-withdraw", BGP_AF_INET6_VPN, true,
	"98 800000 " RD1 " fd00000000000000", "64512:1:fd00::/64", 0},
    {"evpn-mac-only", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 30 020000000003 00 001389]",
	"2-64512:1-0-02:00:00:00:00:03,0.0.0.0 label 5001", 0},
    {"evpn-mac-ipv4-gobgp", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 30 020000000003 20 c0000203 001389]",
	"2-64512:1-0-02:00:00:00:00:03,192.0.2.3 label 5001", 0},
    {"evpn-mac-ipv6-two-labels", BGP_AF_EVPN, false,
	"02 [00010a0000010003" ESI " 00000064 30 02ab00000001 80 "
	"fd000000000000000000000000000003 000101 0003e9]",
	"2-10.0.0.1:3-100-02:ab:00:00:00:01,fd00::3 label 257 label2 1001", 0},
    {"evpn-mac-ip-unspecified-is-mac-only", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 30 020000000003 20 00000000 000011]",
	"2-64512:1-0-02:00:00:00:00:03,0.0.0.0 label 17", 0},
    {"evpn-imet-v4", BGP_AF_EVPN, false,
	"03 [00010a0000010001 00000000 20 0a000001]", "3-10.0.0.1:1-0-10.0.0.1",
	0},
    {"evpn-imet-v6", BGP_AF_EVPN, false,
	"03 [00010a0000010001 ffffffff 80 20010db8000000000000000000000001]",
	"3-10.0.0.1:1-4294967295-2001:db8::1", 0},
    {"evpn-prefix-v4", BGP_AF_EVPN, false,
	"05 [0000fc0000000002" ESI " 00000007 18 0a010100 00000000 000064]",
	"5-64512:2-7-10.1.1.0/24 label 100", 0},
    {"evpn-prefix-v6", BGP_AF_EVPN, false,
	"05 [0000000000000000" ESI " 00000000 40 "
	"fd000000000000010000000000000000" GW16 " 000000]",
	"5-0:0-0-fd00:0:0:1::/64", 0},
    {"evpn-prefix-host-bits-cleared", BGP_AF_EVPN, false,
	"05 [0000000000000000" ESI " 00000000 10 0a010100 0a000001 000001]",
	"5-0:0-0-10.1.0.0/16 label 1", 0},
    {"N4_unknown_type_8_skipped", BGP_AF_EVPN, false,
	"08 [00112233] 02 [" RD1 ESI " 00000000 30 020000000003 00 001389]",
	"2-64512:1-0-02:00:00:00:00:03,0.0.0.0 label 5001", 0},
    {"N4_types_1_and_4_skipped", BGP_AF_EVPN, true,
	"01 [" RD1 ESI " 00000000 000000] 04 [" RD1 ESI " 20 0a000001] 09 []",
	"", 0},
    {"evpn-withdraw", BGP_AF_EVPN, true,
	"02 [" RD1 ESI " 00000000 30 020000000003 20 c0000203 000000]",
	"2-64512:1-0-02:00:00:00:00:03,192.0.2.3", 0},
    {"N5_rtc_default", BGP_AF_RTARGET, false, "00", "0:0:0", 0},
    {"N5_rtc_origin_only", BGP_AF_RTARGET, false, "20 0000fc00",
	"64512:0x0000000000000000/32", 0},
    {"N5_rtc_full", BGP_AF_RTARGET, false, "60 0000fc00 0002fc0000000001",
	"64512:target:64512:1", 0},
    {"N5_rtc_partial_48", BGP_AF_RTARGET, false, "30 0000fc00 0002",
	"64512:0x0002000000000000/48", 0},
    {"N5_rtc_partial_host_bits", BGP_AF_RTARGET, true, "21 0000fc00 ff",
	"64512:0x8000000000000000/33", 0},
};

static void
check_nlri_good(size_t _i)
{
	struct bt_upd t;
	char text[1024];

	nlri_decode(&t, good[_i].af, good[_i].withdraw, good[_i].hex);
	ck_assert_msg(t.rc == 0, "%s: %s", good[_i].name, t.err.reason);
	bt_nlri_text(good[_i].af,
	    nlri_section(&t, good[_i].af, good[_i].withdraw), good[_i].withdraw,
	    text, sizeof(text));
	ck_assert_msg(strcmp(text, good[_i].text) == 0, "%s: \"%s\"",
	    good[_i].name, text);
	ck_assert_int_eq(
	    t.u.outcome, good[_i].unusable > 0 ? BGP_DISCARD : BGP_OK);
	if (good[_i].unusable > 0)
		ck_assert(strstr(t.u.reason, "RD") != NULL);
	bt_upd_free(&t);
}

/*
 * Every cut of the section: the routes before the cut, or a clean 3/10
 * when the cut falls inside one.
 */
static void
check_nlri_truncated(size_t _i)
{
	uint8_t bytes[512];
	char hex[1100], text[1024];
	struct bt_upd t;
	size_t n, k, tl;

	n = bt_unhex(good[_i].hex, bytes, sizeof(bytes));
	for (k = 0; k < n; k++) {
		hexify(bytes, k, hex);
		nlri_decode(&t, good[_i].af, good[_i].withdraw, hex);
		if (t.rc == 0) {
			bt_nlri_text(good[_i].af,
			    nlri_section(&t, good[_i].af, good[_i].withdraw),
			    good[_i].withdraw, text, sizeof(text));
			tl = strlen(text);
			BT_ASSERT(tl == 0 ||
				(strncmp(text, good[_i].text, tl) == 0 &&
				    (good[_i].text[tl] == '\0' ||
					good[_i].text[tl] == ';')),
			    "%s cut at %zu: \"%s\"", good[_i].name, k, text);
		} else {
			BT_ASSERT(t.err.code == 3 && t.err.subcode == 10,
			    "%s cut at %zu: %u/%u", good[_i].name, k,
			    t.err.code, t.err.subcode);
		}
		bt_upd_free(&t);
	}
}

/* The routes written back by the UPDATE writer decode the same. */
static void
check_nlri_round_trip(size_t _i)
{
	struct bgp_session_caps caps = bt_caps();
	struct bgp_nlri n[8];
	struct bt_upd t, t2;
	char text[1024], text2[1024];
	struct ipaddr nh;
	struct attr a;
	struct wbuf w;
	struct buf sec;
	enum bgp_af af = good[_i].af;
	bool wd = good[_i].withdraw;
	size_t count = 0;

	nlri_decode(&t, af, wd, good[_i].hex);
	ck_assert_int_eq(t.rc, 0);
	sec = nlri_section(&t, af, wd);
	bt_nlri_text(af, sec, wd, text, sizeof(text));
	while (count < nitems(n) && bgp_nlri_next(af, &sec, wd, &n[count]) == 1)
		count++;
	if (count == 0) {
		bt_upd_free(&t);
		return;
	}
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(
	    ipaddr_parse(af == BGP_AF_INET6_VPN ? "fd00::1" : "10.0.0.1", &nh),
	    0);
	bt_write(&w, af, wd ? NULL : &a, &nh, &caps, n, count);
	bt_upd_decode(&t2, w.data + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &caps);
	ck_assert_msg(t2.rc == 0, "%s: %s", good[_i].name, t2.err.reason);
	ck_assert_int_eq(t2.u.outcome, BGP_OK);
	bt_nlri_text(af, nlri_section(&t2, af, wd), wd, text2, sizeof(text2));
	ck_assert_str_eq(text2, text);
	if (!wd) {
		ck_assert(ipaddr_cmp(&t2.u.attr.nexthop, &nh) == 0);
		ck_assert(t2.u.attr.nexthop.af == nh.af);
	}
	bt_upd_free(&t2);
	bt_upd_free(&t);
	wbuf_fini(&w);
}

START_TEST(test_nlri_good)
{
	check_nlri_good((size_t)_i);
	check_nlri_truncated((size_t)_i);
	check_nlri_round_trip((size_t)_i);
}
END_TEST

static const struct {
	const char *name;
	enum bgp_af af;
	bool withdraw;
	const char *hex;
} bad[] = {
    {"N2_inet_plen_33", BGP_AF_INET, false, "21 0a010101 00"},
    {"N2_inet_plen_255", BGP_AF_INET, false, "ff"},
    {"N2_inet_overruns", BGP_AF_INET, false, "18 0a01"},
    {"N2_inet_last_cut", BGP_AF_INET, false, "18 0a0101 18 0a"},
    {"N2_inet_withdrawn_plen_40", BGP_AF_INET, true, "28 0a01010101"},
    {"N2_vpn_first_plen_short", BGP_AF_INET_VPN, false,
	"59 000101 " RD1 " 0a01 70 000101 " RD1 " 0a0101"},
    {"N2_vpn_first_plen_long", BGP_AF_INET_VPN, false,
	"78 000101 " RD1 " 0a01"},
    {"N2_vpn_last_plen_0", BGP_AF_INET_VPN, false,
	"70 000101 " RD1 " 0a0101 00"},
    {"N2_vpn_plen_below_rd", BGP_AF_INET_VPN, false, "50 000101 0000fc0000"},
    {"N2_vpn_prefix_33_bits", BGP_AF_INET_VPN, false,
	"79 000101 " RD1 " 0a01010100"},
    {"N2_vpn6_prefix_129_bits", BGP_AF_INET6_VPN, false,
	"d9 000101 " RD1 " 2001 0db8 0000 0000 0000 0000 0000 0001 00"},
    {"N2_vpn_withdraw_plen_16", BGP_AF_INET_VPN, true, "10 8000"},
    {"N2_vpn_withdraw_overruns", BGP_AF_INET_VPN, true,
	"70 800000 " RD1 " 0a01"},
    {"N3_no_bottom_of_stack", BGP_AF_INET_VPN, false, "30 000100 000200"},
    {"N3_no_bottom_of_stack_into_rd", BGP_AF_INET_VPN, false,
	"70 000100 " RD1 " 0a0101"},
    {"N4_evpn_type2_no_label", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 30 020000000003 20 c0000203]"},
    {"N4_evpn_type2_one_byte_extra", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 30 020000000003 20 c0000203 001389 00]"},
    {"N4_evpn_type2_mac_len_47", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 2f 020000000003 00 001389]"},
    {"N4_evpn_type2_ip_len_24", BGP_AF_EVPN, false,
	"02 [" RD1 ESI " 00000000 30 020000000003 18 c00002 001389]"},
    {"N4_evpn_type2_ip_len_past_route", BGP_AF_EVPN, true,
	"02 [" RD1 ESI " 00000000 30 020000000003 80 c0000203 001389]"},
    {"N4_evpn_type2_esi_cut", BGP_AF_EVPN, false, "02 [" RD1 " 0000]"},
    {"N4_evpn_type3_ip_len_0", BGP_AF_EVPN, false,
	"03 [00010a0000010001 00000000 00]"},
    {"N4_evpn_type3_tag_cut", BGP_AF_EVPN, false, "03 [00010a0000010001 0000]"},
    {"N4_evpn_type5_len_40", BGP_AF_EVPN, false,
	"05 [" RD1 ESI " 00000000 18 0a010100 00000000 000064 000000000000]"},
    {"N4_evpn_type5_plen_33", BGP_AF_EVPN, false,
	"05 [" RD1 ESI " 00000000 21 0a010100 00000000 000064]"},
    {"N4_evpn_route_overruns", BGP_AF_EVPN, false,
	"02 40 " RD1 ESI " 00000000"},
    {"N4_evpn_header_cut", BGP_AF_EVPN, true, "02"},
    {"N5_rtc_plen_1", BGP_AF_RTARGET, false, "01 00"},
    {"N5_rtc_plen_31", BGP_AF_RTARGET, false, "1f 0000fc00"},
    {"N5_rtc_plen_97", BGP_AF_RTARGET, false,
	"61 0000fc00 0002fc0000000001 00"},
    {"N5_rtc_overruns", BGP_AF_RTARGET, false, "60 0000fc00 0002"},
    {"N6_evpn_type2_len_0", BGP_AF_EVPN, false, "02 00"},
    {"N6_vpn_zero_length", BGP_AF_INET_VPN, false, "00"},
    {"N6_vpn6_zero_length", BGP_AF_INET6_VPN, true, "00"},
};

START_TEST(test_nlri_bad)
{
	struct bt_upd t;

	nlri_decode(&t, bad[_i].af, bad[_i].withdraw, bad[_i].hex);
	ck_assert_msg(t.rc == -1, "%s decodes", bad[_i].name);
	ck_assert_msg(t.err.code == 3 && t.err.subcode == 10, "%s: %u/%u (%s)",
	    bad[_i].name, t.err.code, t.err.subcode, t.err.reason);
	ck_assert_uint_lt(t.err.off, t.len);
	bt_upd_free(&t);
}
END_TEST

/* An unchecked section: bgp_nlri_next stops at the first bad NLRI. */
START_TEST(test_nlri_next_unchecked)
{
	uint8_t bytes[64];
	struct bgp_nlri n;
	struct buf b;
	size_t len;

	len = bt_unhex("18 0a0101 21 0a", bytes, sizeof(bytes));
	buf_init(&b, bytes, len);
	ck_assert_int_eq(bgp_nlri_next(BGP_AF_INET, &b, false, &n), 1);
	ck_assert_int_eq(bgp_nlri_next(BGP_AF_INET, &b, false, &n), 0);
	ck_assert_uint_eq(buf_left(&b), 0);
	ck_assert_int_eq(bgp_nlri_next(BGP_AF_MAX, &b, false, &n), 0);
}
END_TEST

Suite *
bgp_nlri_suite(void)
{
	Suite *s = suite_create("bgp_nlri");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_nlri_good, 0, (int)nitems(good));
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_nlri_bad, 0, (int)nitems(bad));
	tcase_add_test(tc, test_nlri_next_unchecked);
	suite_add_tcase(s, tc);
	return s;
}
