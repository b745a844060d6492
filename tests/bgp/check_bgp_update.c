/*
 * DOC: check_bgp_update.c - tests of bgp/bgp_update.c: the UPDATE
 * structure (Table A U1), End-of-RIB markers in and out, the writer
 * (every family, announce and withdraw, split over as many messages as
 * max_len needs, MP_REACH_NLRI first, its refusals), an UPDATE with both
 * legacy and MP NLRI, and every truncation of whole UPDATEs decoded from
 * exact-size heap copies.
 */
#include "bgp/bgp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

#define BASE "40 01 [00] 40 02 [02 01 0000fde9] 40 03 [0a000001]"

/* Decodes a whole body given in hex. */
static void
decode_hex(
    struct bt_upd *t, const char *hex, const struct bgp_session_caps *caps)
{
	static uint8_t body[4096];
	size_t n = bt_unhex(hex, body, sizeof(body));

	bt_upd_decode(t, body, n, caps);
}

static const struct {
	const char *name;
	const char *hex;
	int rc;
} structure[] = {
    {"U1_empty_body", "", -1},
    {"U1_withdrawn_len_cut", "00", -1},
    {"U1_withdrawn_len_overruns", "0005 180a01", -1},
    {"U1_attr_len_missing", "0000", -1},
    {"U1_attr_len_cut", "0000 00", -1},
    {"U1_attr_len_overruns", "0000 0010 40010100", -1},
    {"U1_both_lengths_overrun", "ffff ffff", -1},
    {"U1_attr_len_past_nlri", "0000 0009 40010100 18 0a0101", -1},
    {"withdraw-only", "0004 180a0101 0000", 0},
    {"attrs-and-nlri", "0000 {" BASE "} 180a0101", 0},
};

START_TEST(test_update_structure)
{
	struct bgp_session_caps caps = bt_caps();
	struct bt_upd t;

	decode_hex(&t, structure[_i].hex, &caps);
	ck_assert_msg(
	    t.rc == structure[_i].rc, "%s: %d", structure[_i].name, t.rc);
	if (t.rc == -1)
		ck_assert_msg(t.err.code == 3 && t.err.subcode == 1,
		    "%s: %u/%u", structure[_i].name, t.err.code, t.err.subcode);
	else
		ck_assert_int_eq(t.u.outcome, BGP_OK);
	bt_upd_free(&t);
}
END_TEST

static const struct {
	const char *name;
	const char *hex;
	uint32_t afs; /* negotiated; 0: all */
	bool eor;
	enum bgp_af af;
	enum bgp_outcome outcome;
} eors[] = {
    {"inet", "0000 0000", 0, true, BGP_AF_INET, BGP_OK},
    {"inet-vpn", "0000 {80 0f [0001 80]}", 0, true, BGP_AF_INET_VPN, BGP_OK},
    {"evpn-extended-length", "0000 {90 0f {0019 46}}", 0, true, BGP_AF_EVPN,
	BGP_OK},
    {"inet6-vpn", "0000 {80 0f [0002 80]}", 0, true, BGP_AF_INET6_VPN, BGP_OK},
    {"rtarget", "0000 {80 0f [0001 84]}", 0, true, BGP_AF_RTARGET, BGP_OK},
    {"inet-in-mp", "0000 {80 0f [0001 01]}", 0, true, BGP_AF_INET, BGP_OK},
    {"with-other-attributes", "0000 {80 0f [0001 80] 40 01 [00]}", 0, false, 0,
	BGP_OK},
    {"with-withdrawn", "0004 180a0101 {80 0f [0001 80]}", 0, false, 0, BGP_OK},
    {"unreach-with-nlri", "0000 {80 0f [0001 01 18 0a0101]}", 0, false, 0,
	BGP_OK},
    {"family-not-negotiated", "0000 {80 0f [0019 46]}", BGP_AF_BIT(BGP_AF_INET),
	false, 0, BGP_DISCARD},
    {"family-unknown", "0000 {80 0f [0002 01]}", 0, false, 0, BGP_DISCARD},
};

START_TEST(test_update_eor)
{
	struct bgp_session_caps caps = bt_caps();
	struct bt_upd t;

	if (eors[_i].afs != 0)
		caps.afs = eors[_i].afs;
	decode_hex(&t, eors[_i].hex, &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_msg(
	    t.u.eor == eors[_i].eor && t.u.outcome == eors[_i].outcome,
	    "%s: eor %d outcome %d", eors[_i].name, t.u.eor, t.u.outcome);
	if (t.u.eor)
		ck_assert_int_eq(t.u.eor_af, eors[_i].af);
	bt_upd_free(&t);
}
END_TEST

START_TEST(test_update_eor_encode)
{
	struct bgp_session_caps caps = bt_caps();
	uint8_t mem[64], *body;
	struct bt_upd t;
	struct wbuf w;
	size_t len;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_msg_encode_eor((enum bgp_af)_i, &w), 0);
	body = bt_body(&w, 0, BGP_MSG_UPDATE, &len);
	bt_upd_decode(&t, body, len, &caps);
	free(body);
	ck_assert_int_eq(t.rc, 0);
	ck_assert(t.u.eor);
	ck_assert_int_eq(t.u.eor_af, _i);
	bt_upd_free(&t);
	wbuf_init(&w, mem, BGP_HDR_LEN + 3);
	ck_assert_int_eq(bgp_msg_encode_eor((enum bgp_af)_i, &w), -1);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

/*
 * The writer.
 */

/* The i-th test route of af. */
static void
make_nlri(enum bgp_af af, unsigned i, struct bgp_nlri *n)
{
	char s[128];

	memset(n, 0, sizeof(*n));
	n->key.family = bgp_af_family(af);
	switch (af) {
	case BGP_AF_INET:
		snprintf(s, sizeof(s), "10.%u.%u.0/24", i >> 8, i & 255);
		break;
	case BGP_AF_INET_VPN:
		snprintf(
		    s, sizeof(s), "64512:%u:10.%u.%u.0/24", i, i >> 8, i & 255);
		n->label = 16 + i;
		break;
	case BGP_AF_INET6_VPN:
		snprintf(s, sizeof(s), "10.0.0.1:7:fd00::%x:%x/128", i >> 8,
		    i & 255);
		n->label = 0xfffff;
		break;
	case BGP_AF_EVPN:
		snprintf(s, sizeof(s),
		    "2-64512:1-0-02:00:00:00:%02x:%02x,10.%u.%u.1", i >> 8,
		    i & 255, i >> 8, i & 255);
		n->label = 5000 + i;
		break;
	default:
		snprintf(s, sizeof(s), "64512:target:64512:%u", i);
		break;
	}
	BT_ASSERT(rt_key_parse(n->key.family, s, &n->key) == 0, "%s", s);
}

/*
 * NLRI of af, announced or withdrawn, into messages of at most max
 * bytes: each one full (the next NLRI would not have fitted), all of
 * them back in order.
 */
static void
check_split(enum bgp_af af, bool withdraw, size_t max, unsigned count)
{
	struct bgp_session_caps caps = bt_caps();
	struct bgp_update_writer uw;
	struct bgp_nlri n, m;
	struct bgp_err err;
	struct ipaddr nh;
	struct attr a;
	struct bt_upd t;
	struct wbuf w;
	struct buf sec;
	char ka[RT_KEY_STRLEN], kb[RT_KEY_STRLEN];
	unsigned i, got = 0, msgs = 0;
	size_t off, len, nlen, empty;
	uint8_t type;
	int rc;

	caps.max_len = max;
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(ipaddr_parse("10.0.0.1", &nh), 0);
	wbuf_init_dyn(&w, 4 * 1024 * 1024);
	ck_assert_int_eq(bgp_update_writer_start(
			     &uw, &w, af, withdraw ? NULL : &a, &nh, &caps),
	    0);
	/* A message without NLRI, what an inet withdraw owes included. */
	empty = w.len + (af == BGP_AF_INET && withdraw ? 2 : 0);
	for (i = 0; i < count; i++) {
		make_nlri(af, i, &n);
		if ((rc = bgp_update_writer_add(&uw, &n)) == -ENOSPC) {
			BT_ASSERT(uw.count > 0, "no room for route %u", i);
			bgp_update_writer_finish(&uw);
			rc = bgp_update_writer_start(
			    &uw, &w, af, withdraw ? NULL : &a, &nh, &caps);
			BT_ASSERT(rc == 0, "start: %d", rc);
			rc = bgp_update_writer_add(&uw, &n);
		}
		BT_ASSERT(rc == 0, "route %u: %d", i, rc);
	}
	ck_assert_int_eq(bgp_update_writer_finish(&uw), 0);

	for (off = 0; off < w.len; off += len, msgs++) {
		BT_ASSERT(bgp_frame_check(w.data + off, w.len - off, max, &len,
			      &type, &err) == 1,
		    "message %u: %s", msgs, err.reason);
		bt_upd_decode(
		    &t, w.data + off + BGP_HDR_LEN, len - BGP_HDR_LEN, &caps);
		BT_ASSERT(t.rc == 0, "%s", t.err.reason);
		BT_ASSERT(t.u.outcome == BGP_OK, "%s", t.u.reason);
		if (af == BGP_AF_INET)
			sec = withdraw ? t.u.withdrawn : t.u.nlri;
		else
			sec = withdraw ? t.u.unreach_nlri : t.u.reach_nlri;
		nlen = 0;
		while (bgp_nlri_next(af, &sec, withdraw, &m) == 1) {
			make_nlri(af, got, &n);
			rt_key_print(&n.key, ka, sizeof(ka));
			rt_key_print(&m.key, kb, sizeof(kb));
			BT_ASSERT(strcmp(kb, ka) == 0, "%s for %s", kb, ka);
			BT_ASSERT(m.label ==
				(withdraw && af != BGP_AF_EVPN ? 0 : n.label),
			    "%s: label %u", kb, m.label);
			got++;
			nlen++;
		}
		BT_ASSERT(nlen > 0, "message %u is empty", msgs);
		/* Full: one more route (all are one size) would not fit. */
		BT_ASSERT(
		    off + len == w.len || len + (len - empty) / nlen > max,
		    "message %u of %zu bytes not full", msgs, len);
		bt_upd_free(&t);
	}
	ck_assert_uint_eq(got, count);
	ck_assert_uint_gt(msgs, 1);
	wbuf_fini(&w);
}

START_TEST(test_writer_split)
{
	enum bgp_af af = (enum bgp_af)(_i / 4);
	bool withdraw = _i % 2 != 0;
	size_t max = (_i / 2) % 2 != 0 ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;

	/* Bytes of one route of each family (at least): enough for two. */
	static const unsigned size[BGP_AF_MAX] = {4, 15, 28, 38, 13};

	check_split(af, withdraw, max, (unsigned)max / size[af] + 50);
}
END_TEST

/* MP_REACH_NLRI is the first attribute (RFC 7606 5.1). */
START_TEST(test_writer_mp_reach_first)
{
	static const uint32_t comm[] = {1, 2, 3};
	struct bgp_session_caps caps = bt_caps();
	struct bgp_nlri n[2];
	struct ipaddr nh;
	struct attr a;
	struct wbuf w;
	const uint8_t *p;
	struct bt_upd t;
	char text[256];

	memset(&a, 0, sizeof(a));
	a.comm = comm;
	a.ncomm = 3;
	ck_assert_int_eq(ipaddr_parse("10.0.0.1", &nh), 0);
	make_nlri(BGP_AF_INET_VPN, 1, &n[0]);
	make_nlri(BGP_AF_INET_VPN, 2, &n[1]);
	bt_write(&w, BGP_AF_INET_VPN, &a, &nh, &caps, n, 2);
	p = w.data + BGP_HDR_LEN + 4;
	ck_assert_uint_eq(p[0], 0x90);
	ck_assert_uint_eq(p[1], 14);
	ck_assert_uint_eq(
	    (unsigned)p[2] << 8 | p[3], 3 + 1 + 12 + 1 + 2 * (1 + 3 + 8 + 3));
	bt_upd_decode(&t, w.data + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_uint_eq(t.u.attr.ncomm, 3);
	bt_nlri_text(
	    BGP_AF_INET_VPN, t.u.reach_nlri, false, text, sizeof(text));
	ck_assert_str_eq(text,
	    "64512:1:10.0.1.0/24 label 17; "
	    "64512:2:10.0.2.0/24 label 18");
	bt_upd_free(&t);
	wbuf_fini(&w);
}
END_TEST

/* Next hop forms: VPN-IPv6 takes an IPv4 next hop IPv4-mapped. */
START_TEST(test_writer_nexthops)
{
	static const struct {
		enum bgp_af af;
		const char *nh;
		const char *wire; /* nh-len and next hop */
	} forms[] = {
	    {BGP_AF_INET_VPN, "10.0.0.1", "0c 0000000000000000 0a000001"},
	    {BGP_AF_INET_VPN, "fd00::1",
		"18 0000000000000000 fd000000000000000000000000000001"},
	    {BGP_AF_INET6_VPN, "10.0.0.1",
		"18 0000000000000000 00000000000000000000ffff0a000001"},
	    {BGP_AF_INET6_VPN, "fd00::1",
		"18 0000000000000000 fd000000000000000000000000000001"},
	    {BGP_AF_EVPN, "10.0.0.1", "04 0a000001"},
	    {BGP_AF_EVPN, "fd00::1", "10 fd000000000000000000000000000001"},
	    {BGP_AF_RTARGET, "10.0.0.1", "04 0a000001"},
	};
	struct bgp_session_caps caps = bt_caps();
	struct bgp_nlri n;
	struct ipaddr nh;
	struct attr a;
	struct wbuf w;
	struct bt_upd t;
	uint8_t want[64];
	size_t i, wn;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < nitems(forms); i++) {
		ck_assert_int_eq(ipaddr_parse(forms[i].nh, &nh), 0);
		make_nlri(forms[i].af, 1, &n);
		bt_write(&w, forms[i].af, &a, &nh, &caps, &n, 1);
		wn = bt_unhex(forms[i].wire, want, sizeof(want));
		/* header, withdrawn len, attrs len, MP hdr(4), AFI/SAFI */
		ck_assert_mem_eq(w.data + BGP_HDR_LEN + 4 + 4 + 3, want, wn);
		bt_upd_decode(
		    &t, w.data + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &caps);
		ck_assert_int_eq(t.rc, 0);
		ck_assert(ipaddr_cmp(&t.u.attr.nexthop, &nh) == 0);
		bt_upd_free(&t);
		wbuf_fini(&w);
	}
}
END_TEST

START_TEST(test_writer_refusals)
{
	struct bgp_session_caps caps = bt_caps();
	struct bgp_update_writer uw;
	struct bgp_nlri n;
	struct ipaddr nh4, nh6;
	uint64_t *ecomm;
	uint8_t mem[64];
	struct attr a;
	struct wbuf w;

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(ipaddr_parse("10.0.0.1", &nh4), 0);
	ck_assert_int_eq(ipaddr_parse("fd00::1", &nh6), 0);
	wbuf_init_dyn(&w, BGP_EXT_MAX_LEN);
	/* Next hops a family cannot carry. */
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_INET, &a, &nh6, &caps),
	    -EINVAL);
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_EVPN, &a, NULL, &caps),
	    -EINVAL);
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_MAX, &a, &nh4, &caps),
	    -EINVAL);
	ck_assert_uint_eq(w.len, 0);
	/* NLRI of another family, an invalid key, a label too wide. */
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_INET_VPN, &a, &nh4, &caps),
	    0);
	make_nlri(BGP_AF_EVPN, 1, &n);
	ck_assert_int_eq(bgp_update_writer_add(&uw, &n), -EINVAL);
	make_nlri(BGP_AF_INET_VPN, 1, &n);
	n.key.prefix.len = 33;
	ck_assert_int_eq(bgp_update_writer_add(&uw, &n), -EINVAL);
	make_nlri(BGP_AF_INET_VPN, 1, &n);
	n.label = 0x100000;
	ck_assert_int_eq(bgp_update_writer_add(&uw, &n), -EINVAL);
	ck_assert_int_eq(bgp_update_writer_finish(&uw), 0);
	ck_assert_uint_eq(w.len, 0);
	make_nlri(BGP_AF_EVPN, 1, &n);
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_EVPN, &a, &nh4, &caps), 0);
	n.label2 = 0x1000000;
	ck_assert_int_eq(bgp_update_writer_add(&uw, &n), -EINVAL);
	/* An empty message is taken back. */
	ck_assert_int_eq(bgp_update_writer_finish(&uw), 0);
	ck_assert_uint_eq(w.len, 0);
	/* Attributes larger than a message. */
	ecomm = calloc(600, sizeof(*ecomm));
	ck_assert(ecomm != NULL);
	a.ecomm = ecomm;
	a.necomm = 600;
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_EVPN, &a, &nh4, &caps),
	    -EMSGSIZE);
	ck_assert_uint_eq(w.len, 0);
	caps.max_len = BGP_EXT_MAX_LEN;
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_EVPN, &a, &nh4, &caps), 0);
	ck_assert_int_eq(bgp_update_writer_finish(&uw), 0);
	free(ecomm);
	wbuf_fini(&w);
	/* A fixed writer without room: -ENOSPC, nothing left behind. */
	memset(&a, 0, sizeof(a));
	wbuf_init(&w, mem, 30);
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_INET_VPN, &a, &nh4, &caps),
	    -ENOSPC);
	ck_assert_uint_eq(w.len, 0);
	wbuf_init(&w, mem, 27); /* 21 + one /24 + attribute length */
	ck_assert_int_eq(
	    bgp_update_writer_start(&uw, &w, BGP_AF_INET, NULL, NULL, &caps),
	    0);
	make_nlri(BGP_AF_INET, 1, &n);
	ck_assert_int_eq(bgp_update_writer_add(&uw, &n), 0);
	ck_assert_int_eq(bgp_update_writer_add(&uw, &n), -ENOSPC);
	ck_assert_int_eq(bgp_update_writer_finish(&uw), 0);
	ck_assert_uint_eq(w.len, 27);
}
END_TEST

/*
 * Legacy and MP NLRI in one UPDATE: attr.nexthop is MP_REACH's, the
 * NEXT_HOP for the inet routes is in inet_nexthop.
 */
START_TEST(test_update_legacy_and_mp)
{
	struct bgp_session_caps caps = bt_caps();
	char text[256], nh[IPADDR_STRLEN];
	struct bt_upd t;

	bt_upd_decode_parts(&t, "18 0a0909",
	    "90 0e {0019 46 [0a000002] 00 03 [00010a0000010001 00000000 20 "
	    "0a000002]} 90 0f {0001 80 70 800000 0000fc0000000001 0a0101} " BASE,
	    "18 0a0101", &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_int_eq(t.u.outcome, BGP_OK);
	ck_assert_str_eq(
	    ipaddr_print(&t.u.attr.nexthop, nh, sizeof(nh)), "10.0.0.2");
	ck_assert_str_eq(
	    ipaddr_print(&t.u.inet_nexthop, nh, sizeof(nh)), "10.0.0.1");
	ck_assert_str_eq(
	    bt_nlri_text(BGP_AF_INET, t.u.nlri, false, text, sizeof(text)),
	    "10.1.1.0/24");
	ck_assert_str_eq(
	    bt_nlri_text(BGP_AF_INET, t.u.withdrawn, true, text, sizeof(text)),
	    "10.9.9.0/24");
	ck_assert_str_eq(bt_nlri_text(BGP_AF_EVPN, t.u.reach_nlri, false, text,
			     sizeof(text)),
	    "3-10.0.0.1:1-0-10.0.0.2");
	ck_assert_str_eq(bt_nlri_text(BGP_AF_INET_VPN, t.u.unreach_nlri, true,
			     text, sizeof(text)),
	    "64512:1:10.1.1.0/24");
	ck_assert(t.u.seen & UINT64_C(1) << 14);
	ck_assert(t.u.seen & UINT64_C(1) << 15);
	bt_upd_free(&t);

	/* Without IPv4 unicast negotiated the legacy part is dropped. */
	caps.afs &= ~BGP_AF_BIT(BGP_AF_INET);
	bt_upd_decode_parts(&t, "18 0a0909", BASE, "18 0a0101", &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_int_eq(t.u.outcome, BGP_DISCARD);
	ck_assert_uint_eq(buf_left(&t.u.nlri), 0);
	ck_assert_uint_eq(buf_left(&t.u.withdrawn), 0);
	bt_upd_free(&t);
}
END_TEST

/*
 * Whole UPDATEs cut at every byte: a clean reset (some UPDATE message
 * error) or a decode, never a read past the copy.
 */
static const char *const wholes[] = {
    "0000 {" BASE " 80 04 [00000005] c0 08 [fde90001] c0 fe [aa]} "
    "18 0a0101 20 0a010101",
    "0004 180a0101 0000",
    "0000 {90 0e {0001 80 [0000000000000000 0a000001] 00 "
    "70 000101 0000fc0000000001 0a0101} 40 01 [00] 40 02 [] "
    "c0 10 [0002fde900000001]}",
    "0000 {90 0e {0019 46 [0a000001] 00 02 [0000fc0000000001 "
    "00000000000000000000 00000000 30 020000000003 20 c0000203 001389]} "
    "40 01 [00] 40 02 [] c0 16 [00 06 000000 0a000001]}",
    "0000 {90 0f {0001 84 60 0000fc00 0002fc0000000001}}",
    "0000 {80 0f [0019 46]}",
};

START_TEST(test_update_truncated)
{
	struct bgp_session_caps caps = bt_caps();
	uint8_t body[1024];
	struct bt_upd t;
	size_t n, k;

	n = bt_unhex(wholes[_i], body, sizeof(body));
	for (k = 0; k <= n; k++) {
		bt_upd_decode(&t, body, k, &caps);
		if (k == n)
			BT_ASSERT(t.rc == 0 && t.u.outcome == BGP_OK,
			    "whole: %s%s", t.err.reason, t.u.reason);
		else if (t.rc != 0)
			BT_ASSERT(t.err.code == 3 && t.err.subcode > 0 &&
				t.err.reason[0] != '\0',
			    "cut at %zu: %u/%u", k, t.err.code, t.err.subcode);
		else
			BT_ASSERT(t.u.outcome <= BGP_WITHDRAW, "cut at %zu", k);
		bt_upd_free(&t);
	}
}
END_TEST

/*
 * The same UPDATEs with each byte in turn set to 0x00, 0xff and one more
 * than it was, decoded for a 4-octet and a 2-octet session: whatever the
 * verdict, a reset names an UPDATE error and an outcome is a known one,
 * and nothing is read out of bounds (ASan).
 */
START_TEST(test_update_mutated)
{
	struct bgp_session_caps caps[2];
	uint8_t body[1024], orig;
	struct bt_upd t;
	size_t n, k, s, m;

	caps[0] = bt_session(BT_IBGP4);
	caps[1] = bt_session(BT_EBGP2);
	n = bt_unhex(wholes[_i], body, sizeof(body));
	for (k = 0; k < n; k++) {
		orig = body[k];
		for (m = 0; m < 3; m++) {
			body[k] = m == 0 ? 0x00
			    : m == 1     ? 0xff
					 : (uint8_t)(orig + 1);
			for (s = 0; s < 2; s++) {
				bt_upd_decode(&t, body, n, &caps[s]);
				BT_ASSERT(t.rc == 0
					? t.u.outcome <= BGP_WITHDRAW
					: t.err.code == 3,
				    "byte %zu = %02x: %d %u/%u", k, body[k],
				    t.rc, t.err.code, t.err.subcode);
				bt_upd_free(&t);
			}
		}
		body[k] = orig;
	}
}
END_TEST

Suite *
bgp_update_suite(void)
{
	Suite *s = suite_create("bgp_update");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_update_eor, 0, (int)nitems(eors));
	tcase_add_loop_test(tc, test_update_eor_encode, 0, BGP_AF_MAX);
	tcase_add_test(tc, test_update_legacy_and_mp);
	tcase_add_test(tc, test_writer_mp_reach_first);
	tcase_add_test(tc, test_writer_nexthops);
	tcase_add_test(tc, test_writer_refusals);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_loop_test(tc, test_writer_split, 0, 4 * BGP_AF_MAX);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(
	    tc, test_update_structure, 0, (int)nitems(structure));
	tcase_add_loop_test(tc, test_update_truncated, 0, (int)nitems(wholes));
	tcase_add_loop_test(tc, test_update_mutated, 0, (int)nitems(wholes));
	suite_add_tcase(s, tc);
	return s;
}
