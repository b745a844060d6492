/*
 * DOC: check_bgp_attr.c - tests of bgp/bgp_attr.c: what each attribute
 * decodes to, the AS_PATH/AS4_PATH merge for 2-octet peers (RFC 6793
 * 4.2.3, including P11: a malformed AS4_PATH is discarded), the exact
 * bytes written for 2-octet and 4-octet peers, unknown transitive
 * attributes written back byte-exact with Partial set, what is never
 * sent to an external peer, whole sets through encode and decode (equal
 * when interned), and the local bounds of struct attr.
 */
#include "bgp/bgp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

#define NH     "40 03 [0a000001]"
#define NLRI24 "18 0a0101"

static void
ck_hex_eq(const uint8_t *p, size_t n, const char *hex)
{
	uint8_t want[8192];
	size_t wn = bt_unhex(hex, want, sizeof(want));

	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(p, want, n);
}

/* Every attribute we decode, with unknown ones around them. */
START_TEST(test_attr_values)
{
	struct bgp_session_caps caps = bt_caps();
	const struct attr *a;
	struct bt_upd t;
	char path[128];

	bt_upd_decode_parts(&t, "",
	    "40 01 [02] "
	    "40 02 [02 02 0000fde9 fa56ea00 01 02 0000fdea 0000fdeb] " NH
	    " 80 04 [00000005] 40 05 [000000c8] 40 06 [] "
	    "c0 07 [0000fde9 0a000009] c0 08 [fde90001 ffffff01] "
	    "80 09 [0a000002] 80 0a [0a000003 0a000004] "
	    "c0 10 [0002fde900000001 030c000000000008] "
	    "c0 16 [00 06 000000 0a000001] c0 fe [aabbcc] d0 fd {0102} "
	    "80 fc [01] c0 20 [0000fde9 00000001 00000002]",
	    NLRI24, &caps);
	ck_assert_msg(t.rc == 0 && t.u.outcome == BGP_OK, "%s", t.u.reason);
	a = &t.u.attr;
	ck_assert_uint_eq(a->origin, ATTR_ORIGIN_INCOMPLETE);
	ck_assert_str_eq(attr_aspath_print(a, path, sizeof(path)),
	    "65001 4200000000 {65002,65003}");
	ck_assert_int_eq(a->nexthop.af, AF_INET);
	ck_assert_uint_eq(a->nexthop.u.b[3], 1);
	ck_assert(ipaddr_cmp(&t.u.inet_nexthop, &a->nexthop) == 0);
	ck_assert_uint_eq(a->flags,
	    ATTR_F_MED | ATTR_F_LOCAL_PREF | ATTR_F_ATOMIC_AGG |
		ATTR_F_AGGREGATOR | ATTR_F_ORIGINATOR);
	ck_assert_uint_eq(a->med, 5);
	ck_assert_uint_eq(a->local_pref, 200);
	ck_assert_uint_eq(a->aggregator_as, 65001);
	ck_assert_uint_eq(a->aggregator_id, 0x0a000009);
	ck_assert_uint_eq(a->ncomm, 2);
	ck_assert_uint_eq(a->comm[0], 0xfde90001);
	ck_assert_uint_eq(a->comm[1], 0xffffff01);
	ck_assert_uint_eq(a->originator_id, 0x0a000002);
	ck_assert_uint_eq(a->ncluster, 2);
	ck_assert_uint_eq(a->cluster[1], 0x0a000004);
	ck_assert_uint_eq(a->necomm, 2);
	ck_assert(ecomm_is_rt(a->ecomm[0]));
	ck_assert_uint_eq(a->ecomm[1], ecomm_encap(ECOMM_ENCAP_VXLAN));
	ck_hex_eq(a->pmsi, a->pmsi_len, "00 06 000000 0a000001");
	/* Kept with Partial, in order, byte-exact; 0xfc dropped. */
	ck_hex_eq(a->unknown, a->unknown_len,
	    "e0 fe [aabbcc] f0 fd {0102} e0 20 [0000fde9 00000001 00000002]");
	ck_assert(t.u.seen & UINT64_C(1) << 16);
	ck_assert(!t.u.has_reach && !t.u.has_unreach && !t.u.eor);
	ck_assert(t.u.has_attrs);
	bt_upd_free(&t);
}
END_TEST

/* From an external peer LOCAL_PREF is ignored, not an error. */
START_TEST(test_attr_ebgp_local_pref)
{
	struct bgp_session_caps caps = bt_session(BT_EBGP4);
	struct bt_upd t;

	bt_upd_decode_parts(&t, "",
	    "40 01 [00] 40 02 [02 01 0000fde9] " NH " 40 05 [000000c8]", NLRI24,
	    &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_int_eq(t.u.outcome, BGP_OK);
	ck_assert(!(t.u.attr.flags & ATTR_F_LOCAL_PREF));
	ck_assert_uint_eq(attr_local_pref(&t.u.attr), ATTR_DEFAULT_LOCAL_PREF);
	bt_upd_free(&t);
}
END_TEST

/*
 * RFC 6793 4.2.3 from a 2-octet peer.  23456 is AS_TRANS.
 */
static const struct {
	const char *name;
	const char *attrs; /* after ORIGIN, before NEXT_HOP */
	const char *path;
	uint32_t aggregator; /* 0: none */
	enum bgp_outcome outcome;
} merges[] = {
    {"no-as4-path", "40 02 [02 02 fdea fde9]", "65002 65001", 0, BGP_OK},
    {"empty", "40 02 []", "", 0, BGP_OK},
    {"as4-path-replaces-as-trans",
	"40 02 [02 02 5ba0 fde9] c0 11 [02 02 fa56ea00 0000fde9]",
	"4200000000 65001", 0, BGP_OK},
    {"old-speaker-prepended",
	"40 02 [02 03 fdea 5ba0 fde9] c0 11 [02 02 fa56ea00 0000fde9]",
	"65002 4200000000 65001", 0, BGP_OK},
    {"as4-path-longer-ignored",
	"40 02 [02 02 fdea 5ba0] c0 11 [02 03 fa56ea00 0000fde9 0000fde8]",
	"65002 23456", 0, BGP_OK},
    {"aggregator-not-as-trans-ignores-as4",
	"40 02 [02 02 5ba0 fde9] c0 07 [fdf2 0a000009] "
	"c0 11 [02 02 fa56ea00 0000fde9] c0 12 [fa56ea01 0a000009]",
	"23456 65001", 65010, BGP_OK},
    {"aggregator-as-trans-uses-as4",
	"40 02 [02 02 5ba0 fde9] c0 07 [5ba0 0a000009] "
	"c0 11 [02 02 fa56ea00 0000fde9] c0 12 [fa56ea01 0a000009]",
	"4200000000 65001", 4200000001u, BGP_OK},
    {"as-set-counts-one",
	"40 02 [02 01 fdea 01 02 fdeb fdec 02 01 5ba0] c0 11 [02 01 fa56ea00]",
	"65002 {65003,65004} 4200000000", 0, BGP_OK},
    {"leading-confed-segment-kept",
	"40 02 [03 01 fe4c 02 02 5ba0 fde9] c0 11 [02 02 fa56ea00 0000fde9]",
	"(65100) 4200000000 65001", 0, BGP_OK},
    {"as4-path-confed-segments-removed",
	"40 02 [02 02 5ba0 fde9] "
	"c0 11 [03 01 0000fe4c 02 02 fa56ea00 0000fde9]",
	"4200000000 65001", 0, BGP_DISCARD},
    {"P11_as4_path_segment_type_0",
	"40 02 [02 02 5ba0 fde9] c0 11 [00 02 fa56ea00 0000fde9]",
	"23456 65001", 0, BGP_DISCARD},
    {"P11_as4_path_segment_type_5",
	"40 02 [02 02 5ba0 fde9] c0 11 [05 01 fa56ea00]", "23456 65001", 0,
	BGP_DISCARD},
    {"P11_as4_path_flags_well_known",
	"40 02 [02 02 5ba0 fde9] 40 11 [02 02 fa56ea00 0000fde9]",
	"23456 65001", 0, BGP_DISCARD},
    {"P11_as4_path_flags_non_transitive",
	"40 02 [02 02 5ba0 fde9] 80 11 [02 02 fa56ea00 0000fde9]",
	"23456 65001", 0, BGP_DISCARD},
    {"P11_as4_path_overruns",
	"40 02 [02 02 5ba0 fde9] c0 11 [02 03 fa56ea00 0000fde9]",
	"23456 65001", 0, BGP_DISCARD},
    {"P11_as4_path_empty_segment", "40 02 [02 02 5ba0 fde9] c0 11 [02 00]",
	"23456 65001", 0, BGP_DISCARD},
    {"P11_as4_path_as_0",
	"40 02 [02 02 5ba0 fde9] c0 11 [02 02 00000000 0000fde9]",
	"23456 65001", 0, BGP_DISCARD},
    {"P6_as4_aggregator_len_7",
	"40 02 [02 01 fde9] c0 07 [5ba0 0a000009] c0 12 [fa56ea01 0a0000]",
	"65001", 23456, BGP_DISCARD},
    {"P6_as4_aggregator_as_0",
	"40 02 [02 01 fde9] c0 07 [5ba0 0a000009] c0 12 [00000000 0a000009]",
	"65001", 23456, BGP_DISCARD},
};

START_TEST(test_attr_as4_merge)
{
	struct bgp_session_caps caps = bt_session(BT_IBGP2);
	char attrs[512], path[256];
	struct bt_upd t;

	snprintf(attrs, sizeof(attrs), "40 01 [00] %s " NH, merges[_i].attrs);
	bt_upd_decode_parts(&t, "", attrs, NLRI24, &caps);
	ck_assert_msg(t.rc == 0, "%s: %s", merges[_i].name, t.err.reason);
	ck_assert_msg(t.u.outcome == merges[_i].outcome, "%s: %d %s",
	    merges[_i].name, t.u.outcome, t.u.reason);
	attr_aspath_print(&t.u.attr, path, sizeof(path));
	ck_assert_msg(strcmp(path, merges[_i].path) == 0, "%s: \"%s\"",
	    merges[_i].name, path);
	ck_assert_uint_eq(t.u.attr.aggregator_as, merges[_i].aggregator);
	bt_upd_free(&t);
}
END_TEST

/* From a 4-octet peer the AS4 attributes are discarded (RFC 6793 6). */
START_TEST(test_attr_as4_from_new_speaker)
{
	struct bgp_session_caps caps = bt_caps();
	struct bt_upd t;
	char path[64];

	bt_upd_decode_parts(&t, "",
	    "40 01 [00] 40 02 [02 01 0000fde9] c0 07 [00005ba0 0a000009] "
	    "c0 11 [02 01 fa56ea00] c0 12 [fa56ea01 0a000009] " NH,
	    NLRI24, &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_int_eq(t.u.outcome, BGP_DISCARD);
	ck_assert_str_eq(
	    attr_aspath_print(&t.u.attr, path, sizeof(path)), "65001");
	ck_assert_uint_eq(t.u.attr.aggregator_as, BGP_AS_TRANS);
	ck_assert_uint_eq(t.u.attr.unknown_len, 0);
	bt_upd_free(&t);
}
END_TEST

/* Writes an inet UPDATE of 10.1.1.0/24 for caps and decodes it into t. */
static void
write_inet(const struct attr *a, const struct bgp_session_caps *caps,
    struct wbuf *w, struct bt_upd *t)
{
	struct bgp_nlri n;
	struct ipaddr nh;

	memset(&n, 0, sizeof(n));
	n.key.family = RT_INET;
	ck_assert_int_eq(prefix_parse("10.1.1.0/24", &n.key.prefix, false), 0);
	ck_assert_int_eq(ipaddr_parse("10.0.0.1", &nh), 0);
	bt_write(w, BGP_AF_INET, a, &nh, caps, &n, 1);
	bt_upd_decode(t, w->data + BGP_HDR_LEN, w->len - BGP_HDR_LEN, caps);
	ck_assert_msg(t->rc == 0, "%s", t->err.reason);
}

/* The attribute section of the UPDATE in w. */
static const uint8_t *
attrs_of(const struct wbuf *w, size_t *len)
{
	const uint8_t *p = w->data + BGP_HDR_LEN + 2;

	*len = (size_t)p[0] << 8 | p[1];
	return p + 2;
}

/* AS_TRANS and the AS4 attributes for a 2-octet peer; none for others. */
START_TEST(test_attr_encode_as4)
{
	static const uint8_t path[] = {3, 1, 0, 0, 0xfe, 0x4c, 2, 2, 0, 0, 0xfd,
	    0xe9, 0xfa, 0x56, 0xea, 0x00};
	struct bgp_session_caps caps = bt_session(BT_IBGP2);
	const uint8_t *p;
	struct bt_upd t;
	struct attr a;
	struct wbuf w;
	char text[128];
	size_t n;

	memset(&a, 0, sizeof(a));
	a.aspath = path;
	a.aspath_len = sizeof(path);
	a.flags = ATTR_F_AGGREGATOR;
	a.aggregator_as = 4200000001u;
	a.aggregator_id = 0x0a000009;
	write_inet(&a, &caps, &w, &t);
	p = attrs_of(&w, &n);
	ck_hex_eq(p, n,
	    "40 01 [00] 40 02 [03 01 fe4c 02 02 fde9 5ba0] 40 03 [0a000001] "
	    "c0 07 [5ba0 0a000009] c0 11 [02 02 0000fde9 fa56ea00] "
	    "c0 12 [fa56ea01 0a000009]");
	ck_assert_int_eq(t.u.outcome, BGP_OK);
	attr_aspath_print(&t.u.attr, text, sizeof(text));
	ck_assert_str_eq(text, "(65100) 65001 4200000000");
	ck_assert_uint_eq(t.u.attr.aggregator_as, 4200000001u);
	bt_upd_free(&t);
	wbuf_fini(&w);

	caps = bt_caps();
	write_inet(&a, &caps, &w, &t);
	p = attrs_of(&w, &n);
	ck_hex_eq(p, n,
	    "40 01 [00] 40 02 [03 01 0000fe4c 02 02 0000fde9 fa56ea00] "
	    "40 03 [0a000001] c0 07 [fa56ea01 0a000009]");
	bt_upd_free(&t);
	wbuf_fini(&w);

	/* Only 2-byte ASes: no AS4 attributes even for a 2-octet peer. */
	caps = bt_session(BT_IBGP2);
	a.aspath_len = 6;
	a.flags = 0;
	memcpy(text, "\x02\x01\x00\x00\xfd\xe9", 6);
	a.aspath = (const uint8_t *)text;
	write_inet(&a, &caps, &w, &t);
	p = attrs_of(&w, &n);
	ck_hex_eq(p, n, "40 01 [00] 40 02 [02 01 fde9] 40 03 [0a000001]");
	bt_upd_free(&t);
	wbuf_fini(&w);
}
END_TEST

/* U10: unknown transitive attributes go back out as they came, Partial
 * set, each with its own length form; known ones in type order. */
START_TEST(test_attr_unknown_byte_exact)
{
	struct bgp_session_caps caps = bt_caps();
	struct bgp_nlri n;
	struct bt_upd t, t2;
	const uint8_t *p;
	struct wbuf w;
	size_t len;

	bt_upd_decode_parts(&t, "",
	    "40 01 [00] 40 02 [] c0 fe [aabbcc] " NH
	    " d0 fd {0102} c0 08 [fde90001] e0 23 [0000fde9] 80 fc [01]",
	    NLRI24, &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_int_eq(t.u.outcome, BGP_OK);
	ck_assert_int_eq(bgp_nlri_next(BGP_AF_INET, &t.u.nlri, false, &n), 1);
	bt_write(&w, BGP_AF_INET, &t.u.attr, &t.u.inet_nexthop, &caps, &n, 1);
	p = attrs_of(&w, &len);
	ck_hex_eq(p, len,
	    "40 01 [00] 40 02 [] 40 03 [0a000001] c0 08 [fde90001] "
	    "e0 fe [aabbcc] f0 fd {0102} e0 23 [0000fde9]");
	/* And again: a second hop changes nothing. */
	bt_upd_decode(&t2, w.data + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &caps);
	ck_assert_int_eq(t2.rc, 0);
	ck_assert_uint_eq(t2.u.attr.unknown_len, t.u.attr.unknown_len);
	ck_assert_mem_eq(
	    t2.u.attr.unknown, t.u.attr.unknown, t.u.attr.unknown_len);
	bt_upd_free(&t2);
	bt_upd_free(&t);
	wbuf_fini(&w);
}
END_TEST

/* LOCAL_PREF and the route reflection attributes stay inside the AS. */
START_TEST(test_attr_encode_ebgp)
{
	static const uint32_t cluster[] = {0x0a000003};
	struct bgp_session_caps caps = bt_session(BT_EBGP4);
	const uint8_t *p;
	struct bt_upd t;
	struct attr a;
	struct wbuf w;
	size_t n;

	memset(&a, 0, sizeof(a));
	a.flags = ATTR_F_LOCAL_PREF | ATTR_F_ORIGINATOR | ATTR_F_MED |
	    ATTR_F_ATOMIC_AGG;
	a.local_pref = 200;
	a.med = 7;
	a.originator_id = 0x0a000002;
	a.cluster = cluster;
	a.ncluster = 1;
	write_inet(&a, &caps, &w, &t);
	p = attrs_of(&w, &n);
	ck_hex_eq(p, n,
	    "40 01 [00] 40 02 [] 40 03 [0a000001] 80 04 [00000007] 40 06 []");
	bt_upd_free(&t);
	wbuf_fini(&w);
}
END_TEST

/*
 * A whole set through the writer and back, for each kind of session: it
 * interns to the same set (less what an external peer never gets).
 */
START_TEST(test_attr_round_trip)
{
	static const uint8_t path[] = {2, 3, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea,
	    0x00, 0, 0, 0x5b, 0xa0, 1, 2, 0, 0, 0xfd, 0xea, 0xfa, 0x56, 0xea,
	    0x01};
	static const uint32_t comm[] = {0xfde90001, 0xffff0006};
	static const uint32_t cluster[] = {0x0a000003, 0x0a000004};
	static const uint8_t pmsi[] = {0, 6, 0, 0x13, 0x89, 10, 0, 0, 1};
	static const uint8_t unknown[] = {0xe0, 0xfe, 1, 0x55};
	uint64_t ecomm[3];
	struct bgp_session_caps caps = bt_session((enum bt_session)_i);
	struct attr a, *ia, *ib;
	struct bt_upd t;
	struct wbuf w;

	ecomm[0] = 0x0002fde900000001ULL;
	ecomm[1] = ecomm_encap(ECOMM_ENCAP_MPLS_UDP);
	ecomm[2] = ecomm_origin_vn(65001, 5);
	memset(&a, 0, sizeof(a));
	a.origin = ATTR_ORIGIN_EGP;
	a.flags = ATTR_F_LOCAL_PREF | ATTR_F_MED | ATTR_F_ATOMIC_AGG |
	    ATTR_F_AGGREGATOR | ATTR_F_ORIGINATOR;
	a.aspath = path;
	a.aspath_len = sizeof(path);
	a.local_pref = 300;
	a.med = 10;
	a.aggregator_as = 4200000002u;
	a.aggregator_id = 0x0a000009;
	a.originator_id = 0x0a000002;
	a.comm = comm;
	a.ncomm = nitems(comm);
	a.ecomm = ecomm;
	a.necomm = nitems(ecomm);
	a.cluster = cluster;
	a.ncluster = nitems(cluster);
	a.pmsi = pmsi;
	a.pmsi_len = sizeof(pmsi);
	a.unknown = unknown;
	a.unknown_len = sizeof(unknown);
	ck_assert_int_eq(ipaddr_parse("10.0.0.1", &a.nexthop), 0);
	write_inet(&a, &caps, &w, &t);
	ck_assert_msg(t.u.outcome == BGP_OK, "%s", t.u.reason);
	if (caps.ebgp) {
		a.flags &= (uint8_t) ~(ATTR_F_LOCAL_PREF | ATTR_F_ORIGINATOR);
		a.local_pref = 0;
		a.originator_id = 0;
		a.ncluster = 0;
	}
	ia = attr_intern(&a);
	ib = attr_intern(&t.u.attr);
	ck_assert_ptr_eq(ia, ib);
	attr_unref(ia);
	attr_unref(ib);
	ck_assert_uint_eq(attr_count(), 0);
	bt_upd_free(&t);
	wbuf_fini(&w);
}
END_TEST

/*
 * Past the bounds of struct attr the route cannot be held: withdrawn
 * (with extended messages an UPDATE can carry more than they allow).
 */
static void
limit_case(const char *fmt, size_t n, size_t each, enum bgp_outcome expect)
{
	struct bgp_session_caps caps = bt_caps();
	char *hex, *attr, *p;
	struct bt_upd t;
	size_t i, len = 2 * n * each + 1024;

	hex = malloc(len);
	attr = malloc(len);
	ck_assert(hex != NULL && attr != NULL);
	for (p = hex, i = 0; i < n * each; i++, p += 2)
		memcpy(p, "01", 2);
	*p = '\0';
	snprintf(attr, len, fmt, hex);
	bt_upd_decode_parts(&t, "", attr, NLRI24, &caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_msg(t.u.outcome == expect, "%s: %zu: %d %s", fmt, n,
	    t.u.outcome, t.u.reason);
	bt_upd_free(&t);
	free(hex);
	free(attr);
}

START_TEST(test_attr_limits)
{
	const char *base = "40 01 [00] 40 02 [] 40 03 [0a000001] ";
	char fmt[256];

	snprintf(fmt, sizeof(fmt), "%sd0 08 {%%s}", base);
	limit_case(fmt, ATTR_MAX_COMM, 4, BGP_OK);
	limit_case(fmt, ATTR_MAX_COMM + 1, 4, BGP_WITHDRAW);
	snprintf(fmt, sizeof(fmt), "%sd0 10 {%%s}", base);
	limit_case(fmt, ATTR_MAX_ECOMM, 8, BGP_OK);
	limit_case(fmt, ATTR_MAX_ECOMM + 1, 8, BGP_WITHDRAW);
	snprintf(fmt, sizeof(fmt), "%s90 0a {%%s}", base);
	limit_case(fmt, ATTR_MAX_CLUSTER, 4, BGP_OK);
	limit_case(fmt, ATTR_MAX_CLUSTER + 1, 4, BGP_WITHDRAW);
	snprintf(fmt, sizeof(fmt), "%sc0 16 [00 01 %%s]", base);
	limit_case(fmt, ATTR_MAX_PMSI - 2, 1, BGP_OK);
	limit_case(fmt, ATTR_MAX_PMSI - 1, 1, BGP_WITHDRAW);
	/* The whole kept TLV counts: 4 bytes of header here. */
	snprintf(fmt, sizeof(fmt), "%sd0 fe {%%s}", base);
	limit_case(fmt, ATTR_MAX_UNKNOWN - 4, 1, BGP_OK);
	limit_case(fmt, ATTR_MAX_UNKNOWN - 3, 1, BGP_WITHDRAW);
}
END_TEST

/* segs segments of 255 ASes (asize bytes each) as an AS_PATH. */
static void
aspath_limit_case(
    const struct bgp_session_caps *caps, size_t segs, enum bgp_outcome expect)
{
	const char *as = caps->as4 ? "0000fde9" : "fde9";
	size_t len = segs * (4 + 255 * 8) + 256, i, j;
	struct bt_upd t;
	char *hex, *p;

	hex = malloc(len);
	ck_assert(hex != NULL);
	p = hex + sprintf(hex, "40 01 [00] 50 02 {");
	for (i = 0; i < segs; i++) {
		p += sprintf(p, "02ff");
		for (j = 0; j < 255; j++)
			p += sprintf(p, "%s", as);
	}
	sprintf(p, "} 40 03 [0a000001]");
	bt_upd_decode_parts(&t, "", hex, NLRI24, caps);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_msg(
	    t.u.outcome == expect, "%zu segments: %s", segs, t.u.reason);
	if (expect == BGP_OK)
		ck_assert_uint_eq(attr_aspath_count(&t.u.attr), 255 * segs);
	bt_upd_free(&t);
	free(hex);
}

/* 4 segments of 255 take 4088 bytes with 4-byte ASes, 5 take 5110. */
START_TEST(test_attr_limits_aspath)
{
	struct bgp_session_caps caps = bt_session((enum bt_session)_i);

	aspath_limit_case(&caps, 4, BGP_OK);
	aspath_limit_case(&caps, 5, BGP_WITHDRAW);
}
END_TEST

START_TEST(test_attr_names)
{
	ck_assert_str_eq(bgp_attr_name(1), "ORIGIN");
	ck_assert_str_eq(bgp_attr_name(4), "MULTI_EXIT_DISC");
	ck_assert_str_eq(bgp_attr_name(14), "MP_REACH_NLRI");
	ck_assert_str_eq(bgp_attr_name(22), "PMSI_TUNNEL");
	ck_assert_str_eq(bgp_attr_name(0), "unknown");
	ck_assert_str_eq(bgp_attr_name(11), "unknown");
	ck_assert_str_eq(bgp_attr_name(255), "unknown");
}
END_TEST

Suite *
bgp_attr_suite(void)
{
	Suite *s = suite_create("bgp_attr");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_attr_values);
	tcase_add_test(tc, test_attr_ebgp_local_pref);
	tcase_add_loop_test(tc, test_attr_as4_merge, 0, (int)nitems(merges));
	tcase_add_test(tc, test_attr_as4_from_new_speaker);
	tcase_add_test(tc, test_attr_encode_as4);
	tcase_add_test(tc, test_attr_unknown_byte_exact);
	tcase_add_test(tc, test_attr_encode_ebgp);
	tcase_add_loop_test(tc, test_attr_round_trip, BT_IBGP4, BT_EBGP2 + 1);
	tcase_add_test(tc, test_attr_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_attr_limits);
	tcase_add_loop_test(
	    tc, test_attr_limits_aspath, BT_IBGP4, BT_IBGP2 + 1);
	suite_add_tcase(s, tc);
	return s;
}
