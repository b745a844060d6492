/*
 * DOC: check_bgp_rfc7606.c - RFC 7606 outcomes of malformed UPDATEs, one
 * table row per case of Table A (reference/bad-inputs-and-faults.md):
 * structure and attribute list U2-U11, attribute values P1-P13, MP next
 * hops N1.  Each row is an UPDATE of hand-made bytes (a plain valid
 * route with the fault added), the session it arrives on, and what must
 * come out: the outcome (OK, attribute discard, treat-as-withdraw), or a
 * reset with its NOTIFICATION code, subcode and data.  Some rows check
 * more of the result (what was kept, what was dropped).
 */
#include "bgp/bgp.h"

#include <string.h>

#include "tests/bgp/suites.h"

#define ORIGIN "40 01 [00] "
#define ASP4   "40 02 [02 01 0000fde9] "
#define ASP2   "40 02 [02 01 fde9] "
#define NH     "40 03 [0a000001] "
#define BASE   ORIGIN ASP4 NH
#define BASE2  ORIGIN ASP2 NH
#define NLRI   "18 0a0101"
#define VPN    "70 000101 0000fc0000000001 0a0101"
#define VPNW   "70 800000 0000fc0000000001 0a0101"
#define MPVPN  "90 0e {0001 80 [0000000000000000 0a000001] 00 " VPN "} "
#define UNVPN  "90 0f {0001 80 " VPNW "} "
#define ESI    "00000000000000000000"

enum { OK = BGP_OK, AD = BGP_DISCARD, TAW = BGP_WITHDRAW, SR = BGP_RESET };

/* Extra checks of some rows. */
static void
has_reach(const struct bgp_update *u)
{
	ck_assert(u->has_reach);
	ck_assert_uint_gt(buf_left(&u->reach_nlri), 0);
}

static void
has_unreach(const struct bgp_update *u)
{
	ck_assert(u->has_unreach);
	ck_assert_uint_gt(buf_left(&u->unreach_nlri), 0);
}

static void
no_reach(const struct bgp_update *u)
{
	ck_assert(!u->has_reach);
}

static void
not_eor(const struct bgp_update *u)
{
	ck_assert(!u->eor);
}

static void
med_first(const struct bgp_update *u)
{
	ck_assert_uint_eq(u->attr.med, 5);
}

static void
origin_first(const struct bgp_update *u)
{
	ck_assert_uint_eq(u->attr.origin, ATTR_ORIGIN_IGP);
}

static void
unknown_none(const struct bgp_update *u)
{
	ck_assert_uint_eq(u->attr.unknown_len, 0);
}

static void
ck_unknown(const struct bgp_update *u, const char *hex)
{
	uint8_t want[64];
	size_t n = bt_unhex(hex, want, sizeof(want));

	ck_assert_uint_eq(u->attr.unknown_len, n);
	ck_assert_mem_eq(u->attr.unknown, want, n);
}

static void
unknown_first(const struct bgp_update *u)
{
	ck_unknown(u, "e0 fe [01]");
}

static void
unknown_aabbcc(const struct bgp_update *u)
{
	ck_unknown(u, "e0 fe [aabbcc]");
}

static void
unknown_extlen(const struct bgp_update *u)
{
	ck_unknown(u, "f0 fe {aa}");
}

static void
no_atomic(const struct bgp_update *u)
{
	ck_assert(!(u->attr.flags & ATTR_F_ATOMIC_AGG));
}

static void
no_aggregator(const struct bgp_update *u)
{
	ck_assert(!(u->attr.flags & ATTR_F_AGGREGATOR));
}

static void
large_kept(const struct bgp_update *u)
{
	ck_unknown(u, "e0 20 [0000fde9 00000001 00000002]");
}

static void
encap_kept(const struct bgp_update *u)
{
	ck_unknown(u, "e0 17 [0008 0008 01 02 0000 80 0001 00]");
}

static void
pmsi_set(const struct bgp_update *u)
{
	ck_assert_uint_gt(u->attr.pmsi_len, 0);
}

static const struct {
	const char *name;
	enum bt_session s;
	const char *attrs;
	const char *nlri;
	int outcome;       /* SR: a reset */
	uint8_t code, sub; /* SR */
	const char *data;  /* SR: NOTIFICATION data, NULL: not checked */
	void (*check)(const struct bgp_update *u);
} cases[] = {
    /* A.3: UPDATE structure and the attribute list. */
    {"valid", BT_IBGP4, BASE, NLRI, OK, 0, 0, NULL, NULL},
    {"U2_attr_overruns_list", BT_IBGP4, BASE "c0 08 08 fde90001", NLRI, TAW, 0,
	0, NULL, NULL},
    {"U2_two_bytes_left", BT_IBGP4, BASE "40 05", NLRI, TAW, 0, 0, NULL, NULL},
    {"U2_one_byte_left", BT_IBGP4, BASE "c0", NLRI, TAW, 0, 0, NULL, NULL},
    {"U2_extlen_one_length_byte", BT_IBGP4, BASE "50 08 00", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"U2_extlen_overruns", BT_IBGP4, BASE "d0 08 0100 fde90001", NLRI, TAW, 0,
	0, NULL, NULL},
    {"U2_after_mp_reach_withdraws_it", BT_IBGP4,
	MPVPN ORIGIN ASP4 "c0 08 09 fde90001", "", TAW, 0, 0, NULL, has_reach},
    {"U2_mp_reach_overruns_list", BT_IBGP4, ORIGIN ASP4 "90 0e 0040 0001 80",
	"", SR, 3, 9, "90 0e 0040 0001 80", NULL},
    {"U2_mp_unreach_length_missing", BT_IBGP4, "80 0f", "", SR, 3, 9, "800f",
	NULL},
    {"U3_no_attributes_with_nlri", BT_IBGP4, "", NLRI, TAW, 0, 0, NULL, NULL},
    {"U3_only_unknown_transitive", BT_IBGP4, "c0 fe [00]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"U3_missing_origin", BT_IBGP4, ASP4 NH, NLRI, TAW, 0, 0, NULL, NULL},
    {"U3_missing_as_path", BT_IBGP4, ORIGIN NH, NLRI, TAW, 0, 0, NULL, NULL},
    {"U3_missing_next_hop", BT_IBGP4, ORIGIN ASP4, NLRI, TAW, 0, 0, NULL, NULL},
    {"U3_mp_missing_origin", BT_IBGP4, MPVPN ASP4, "", TAW, 0, 0, NULL,
	has_reach},
    {"U3_mp_missing_as_path", BT_EBGP4, MPVPN ORIGIN, "", TAW, 0, 0, NULL,
	has_reach},
    {"U3_mp_needs_no_next_hop_attr", BT_IBGP4, MPVPN ORIGIN ASP4, "", OK, 0, 0,
	NULL, has_reach},
    {"U3_local_pref_not_required_ibgp", BT_IBGP4, BASE, NLRI, OK, 0, 0, NULL,
	NULL},
    {"U3_local_pref_not_required_ebgp", BT_EBGP4, BASE, NLRI, OK, 0, 0, NULL,
	NULL},
    {"U4_unreach_plus_nlri_missing_mandatory", BT_IBGP4, UNVPN, NLRI, TAW, 0, 0,
	NULL, has_unreach},
    {"U4_unreach_alone_needs_nothing", BT_IBGP4, UNVPN, "", OK, 0, 0, NULL,
	has_unreach},
    {"U5_eor_shaped_with_bad_origin", BT_IBGP4, "80 0f [0001 80] 40 01 [0000]",
	"", TAW, 0, 0, NULL, not_eor},
    {"U5_eor_shaped_with_bad_flags", BT_IBGP4, "80 0f [0001 80] c0 01 [00]", "",
	TAW, 0, 0, NULL, not_eor},
    {"U5_eor_shaped_with_unknown_well_known", BT_IBGP4,
	"80 0f [0001 80] 40 fe [00]", "", SR, 3, 2, "40 fe 01 00", NULL},
    {"U6_origin_optional", BT_IBGP4, "c0 01 [00] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"U6_origin_partial", BT_IBGP4, "60 01 [00] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"U6_origin_non_transitive", BT_IBGP4, "00 01 [00] " ASP4 NH, NLRI, TAW, 0,
	0, NULL, NULL},
    {"U6_as_path_optional", BT_IBGP4, ORIGIN "c0 02 [02 01 0000fde9] " NH, NLRI,
	TAW, 0, 0, NULL, NULL},
    {"U6_next_hop_optional", BT_IBGP4, ORIGIN ASP4 "80 03 [0a000001]", NLRI,
	TAW, 0, 0, NULL, NULL},
    {"U6_med_transitive", BT_IBGP4, BASE "c0 04 [00000005]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"U6_local_pref_optional", BT_IBGP4, BASE "c0 05 [00000064]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"U6_communities_well_known", BT_IBGP4, BASE "40 08 [fde90001]", NLRI, TAW,
	0, 0, NULL, NULL},
    {"U6_communities_partial_ok", BT_IBGP4, BASE "e0 08 [fde90001]", NLRI, OK,
	0, 0, NULL, NULL},
    {"U6_originator_transitive", BT_IBGP4, BASE "c0 09 [0a000002]", NLRI, TAW,
	0, 0, NULL, NULL},
    {"U6_atomic_optional", BT_IBGP4, BASE "c0 06 []", NLRI, AD, 0, 0, NULL,
	no_atomic},
    {"U6_aggregator_well_known", BT_IBGP4, BASE "40 07 [0000fde9 0a000009]",
	NLRI, AD, 0, 0, NULL, no_aggregator},
    {"U6_mp_reach_transitive", BT_IBGP4,
	"d0 0e {0001 80 [0000000000000000 0a000001] 00 " VPN "} " ORIGIN ASP4,
	"", SR, 3, 4, "d0 0e 0020 0001 80 0c 0000000000000000 0a000001 00 " VPN,
	NULL},
    {"U6_mp_unreach_well_known", BT_IBGP4, "40 0f [0001 80]", "", SR, 3, 4,
	"40 0f 03 0001 80", NULL},
    {"U7_unknown_well_known", BT_IBGP4, BASE "40 fe [00]", NLRI, SR, 3, 2,
	"40 fe 01 00", NULL},
    {"U7_unknown_well_known_extlen", BT_IBGP4, BASE "50 fd {0102}", NLRI, SR, 3,
	2, "50 fd 0002 0102", NULL},
    {"U8_repeated_mp_reach", BT_IBGP4, MPVPN MPVPN ORIGIN ASP4, "", SR, 3, 1,
	"", NULL},
    {"U8_repeated_mp_unreach", BT_IBGP4, UNVPN UNVPN, "", SR, 3, 1, "", NULL},
    {"U9_repeated_med", BT_IBGP4, BASE "80 04 [00000005] 80 04 [00000007]",
	NLRI, AD, 0, 0, NULL, med_first},
    {"U9_repeated_origin", BT_IBGP4, BASE "40 01 [02]", NLRI, AD, 0, 0, NULL,
	origin_first},
    {"U9_repeated_unknown", BT_IBGP4, BASE "c0 fe [01] c0 fe [02]", NLRI, AD, 0,
	0, NULL, unknown_first},
    {"U9_repeated_after_malformed_first", BT_IBGP4,
	BASE "80 04 [0005] 80 04 [00000007]", NLRI, TAW, 0, 0, NULL, NULL},
    {"U10_unknown_optional_transitive", BT_IBGP4, BASE "c0 fe [aabbcc]", NLRI,
	OK, 0, 0, NULL, unknown_aabbcc},
    {"U10_partial_already_set", BT_IBGP4, BASE "e0 fe [aabbcc]", NLRI, OK, 0, 0,
	NULL, unknown_aabbcc},
    {"U10_extended_length_kept", BT_IBGP4, BASE "d0 fe {aa}", NLRI, OK, 0, 0,
	NULL, unknown_extlen},
    {"U11_unknown_optional_non_transitive", BT_IBGP4, BASE "80 fd [0102]", NLRI,
	OK, 0, 0, NULL, unknown_none},
    {"U11_non_transitive_with_partial", BT_IBGP4, BASE "a0 fd [01]", NLRI, OK,
	0, 0, NULL, unknown_none},

    /* A.4: attribute values. */
    {"P1_origin_len_0", BT_IBGP4, "40 01 [] " ASP4 NH, NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P1_origin_len_2", BT_IBGP4, "40 01 [0000] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P1_origin_value_3", BT_IBGP4, "40 01 [03] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P1_origin_value_255", BT_EBGP4, "40 01 [ff] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P1_origin_flags_c0", BT_IBGP4, "c0 01 [00] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P1_origin_flags_60", BT_IBGP4, "60 01 [00] " ASP4 NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P2_segment_type_0", BT_IBGP4, ORIGIN "40 02 [00 01 0000fde9] " NH, NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P2_segment_type_5", BT_IBGP4, ORIGIN "40 02 [05 01 0000fde9] " NH, NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P2_segment_length_0", BT_IBGP4, ORIGIN "40 02 [02 00] " NH, NLRI, TAW, 0,
	0, NULL, NULL},
    {"P2_segment_overruns", BT_IBGP4, ORIGIN "40 02 [02 02 0000fde9] " NH, NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P2_segment_header_cut", BT_IBGP4, ORIGIN "40 02 [02 01 0000fde9 02] " NH,
	NLRI, TAW, 0, 0, NULL, NULL},
    {"P2_as_0", BT_IBGP4, ORIGIN "40 02 [02 02 0000fde9 00000000] " NH, NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P2_flags_optional", BT_IBGP4, ORIGIN "c0 02 [02 01 0000fde9] " NH, NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P2_extended_length_ok", BT_IBGP4, ORIGIN "50 02 {02 01 0000fde9} " NH,
	NLRI, OK, 0, 0, NULL, NULL},
    {"P2_confed_from_ebgp", BT_EBGP4,
	ORIGIN "40 02 [03 01 0000fde9 02 01 0000fdea] " NH, NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P2_confed_from_ibgp_ok", BT_IBGP4,
	ORIGIN "40 02 [03 01 0000fde9 02 01 0000fdea] " NH, NLRI, OK, 0, 0,
	NULL, NULL},
    {"P2_2octet_overruns", BT_IBGP2, ORIGIN "40 02 [02 02 fde9] " NH, NLRI, TAW,
	0, 0, NULL, NULL},
    {"P2_2octet_as_0", BT_IBGP2, ORIGIN "40 02 [02 01 0000] " NH, NLRI, TAW, 0,
	0, NULL, NULL},
    {"P2_4octet_path_from_2octet_peer", BT_EBGP2, BASE, NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P3_next_hop_len_5", BT_IBGP4, ORIGIN ASP4 "40 03 [0a00000101]", NLRI, TAW,
	0, 0, NULL, NULL},
    {"P3_next_hop_len_3", BT_IBGP4, ORIGIN ASP4 "40 03 [0a0000]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P3_next_hop_0", BT_IBGP4, ORIGIN ASP4 "40 03 [00000000]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P3_next_hop_0_8", BT_IBGP4, ORIGIN ASP4 "40 03 [00010203]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P3_next_hop_multicast", BT_EBGP4, ORIGIN ASP4 "40 03 [e0000001]", NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P3_next_hop_class_e", BT_IBGP4, ORIGIN ASP4 "40 03 [f0000001]", NLRI, TAW,
	0, 0, NULL, NULL},
    {"P3_next_hop_broadcast", BT_IBGP4, ORIGIN ASP4 "40 03 [ffffffff]", NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P3_next_hop_loopback_accepted", BT_IBGP4, ORIGIN ASP4 "40 03 [7f000002]",
	NLRI, OK, 0, 0, NULL, NULL},
    {"P3_next_hop_0_ignored_beside_mp_reach", BT_IBGP4,
	MPVPN ORIGIN ASP4 "40 03 [00000000]", "", OK, 0, 0, NULL, has_reach},
    {"P4_med_len_0", BT_IBGP4, BASE "80 04 []", NLRI, TAW, 0, 0, NULL, NULL},
    {"P4_med_len_3", BT_IBGP4, BASE "80 04 [000005]", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P4_med_len_5", BT_IBGP4, BASE "80 04 [0000000005]", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P4_local_pref_len_0", BT_IBGP4, BASE "40 05 []", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P4_local_pref_len_3", BT_EBGP4, BASE "40 05 [000064]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P4_local_pref_len_5", BT_IBGP4, BASE "40 05 [0000000064]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P4_med_flags", BT_IBGP4, BASE "40 04 [00000005]", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P5_atomic_aggregate_len_1", BT_IBGP4, BASE "40 06 [00]", NLRI, AD, 0, 0,
	NULL, no_atomic},
    {"P5_atomic_aggregate_len_4", BT_IBGP4, BASE "40 06 [00000000]", NLRI, AD,
	0, 0, NULL, no_atomic},
    {"P6_aggregator_len_5", BT_IBGP4, BASE "c0 07 [fde9 0a0000]", NLRI, AD, 0,
	0, NULL, no_aggregator},
    {"P6_aggregator_len_7", BT_IBGP4, BASE "c0 07 [00fde9 0a000009]", NLRI, AD,
	0, 0, NULL, no_aggregator},
    {"P6_aggregator_len_9", BT_IBGP4, BASE "c0 07 [0000fde9 0a000009 00]", NLRI,
	AD, 0, 0, NULL, no_aggregator},
    {"P6_aggregator_len_8_from_2octet", BT_IBGP2,
	BASE2 "c0 07 [0000fde9 0a000009]", NLRI, AD, 0, 0, NULL, no_aggregator},
    {"P6_aggregator_as_0", BT_IBGP4, BASE "c0 07 [00000000 0a000009]", NLRI, AD,
	0, 0, NULL, no_aggregator},
    {"P6_as4_aggregator_len_9", BT_IBGP2,
	BASE2 "c0 07 [5ba0 0a000009] c0 12 [fa56ea01 0a000009 00]", NLRI, AD, 0,
	0, NULL, NULL},
    {"P7_communities_len_0", BT_IBGP4, BASE "c0 08 []", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P7_communities_len_5", BT_IBGP4, BASE "c0 08 [fde9000100]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P7_communities_len_3", BT_IBGP4, BASE "c0 08 [fde900]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P8_originator_len_3", BT_IBGP4, BASE "80 09 [0a0000]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P8_originator_len_5", BT_IBGP4, BASE "80 09 [0a00000200]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P8_cluster_list_len_0", BT_IBGP4, BASE "80 0a []", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P8_cluster_list_len_6", BT_IBGP4, BASE "80 0a [0a0000030a00]", NLRI, TAW,
	0, 0, NULL, NULL},
    {"P9_ext_communities_len_0", BT_IBGP4, BASE "c0 10 []", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P9_ext_communities_len_12", BT_IBGP4,
	BASE "c0 10 [0002fde900000001 00000000]", NLRI, TAW, 0, 0, NULL, NULL},
    {"P9_ext_communities_len_7", BT_IBGP4, BASE "c0 10 [0002fde9000000]", NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P9_ext_communities_well_known", BT_IBGP4, BASE "40 10 [0002fde900000001]",
	NLRI, TAW, 0, 0, NULL, NULL},
    {"P9_ext_communities_non_transitive", BT_IBGP4,
	BASE "80 10 [0002fde900000001]", NLRI, TAW, 0, 0, NULL, NULL},
    {"P10_large_community_len_13", BT_IBGP4,
	BASE "c0 20 [0000fde9 00000001 00000002 00]", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P10_large_community_len_0", BT_IBGP4, BASE "c0 20 []", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P10_large_community_valid_kept", BT_IBGP4,
	BASE "c0 20 [0000fde9 00000001 00000002]", NLRI, OK, 0, 0, NULL,
	large_kept},
    {"P10_ipv6_ext_communities_len_21", BT_IBGP4,
	BASE "c0 19 [000220010db8000000000000000000000001000100]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P10_ipv6_ext_communities_len_20", BT_IBGP4,
	BASE "c0 19 [000220010db80000000000000000000000010001]", NLRI, OK, 0, 0,
	NULL, NULL},
    {"P10_otc_len_3", BT_EBGP4, BASE "c0 23 [00fde9]", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P10_otc_value_0", BT_EBGP4, BASE "c0 23 [00000000]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P10_otc_flags", BT_EBGP4, BASE "80 23 [0000fde9]", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P11_as4_path_segment_type_0", BT_IBGP2, BASE2 "c0 11 [00 01 fa56ea00]",
	NLRI, AD, 0, 0, NULL, NULL},
    {"P11_as4_path_flags_well_known", BT_EBGP2, BASE2 "40 11 [02 01 fa56ea00]",
	NLRI, AD, 0, 0, NULL, NULL},
    {"P11_as4_path_overruns", BT_IBGP2, BASE2 "c0 11 [02 02 fa56ea00]", NLRI,
	AD, 0, 0, NULL, NULL},
    {"P12_pmsi_len_4", BT_IBGP4, BASE "c0 16 [00 06 0000]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P12_pmsi_tunnel_type_8", BT_IBGP4, BASE "c0 16 [00 08 000000 0a000001]",
	NLRI, TAW, 0, 0, NULL, NULL},
    {"P12_pmsi_tunnel_type_255", BT_IBGP4, BASE "c0 16 [00 ff 000000 0a000001]",
	NLRI, TAW, 0, 0, NULL, NULL},
    {"P12_pmsi_ingress_replication_len_10", BT_IBGP4,
	BASE "c0 16 [00 06 000000 0a00000100]", NLRI, TAW, 0, 0, NULL, NULL},
    {"P12_pmsi_flags", BT_IBGP4, BASE "80 16 [00 06 000000 0a000001]", NLRI,
	TAW, 0, 0, NULL, NULL},
    {"P12_pmsi_ingress_replication_v6_ok", BT_IBGP4,
	BASE "c0 16 [00 06 001389 fd000000000000000000000000000001]", NLRI, OK,
	0, 0, NULL, pmsi_set},
    {"P12_pmsi_no_tunnel_info_ok", BT_IBGP4, BASE "c0 16 [00 00 000000]", NLRI,
	OK, 0, 0, NULL, pmsi_set},
    {"P13_tunnel_encap_len_3", BT_IBGP4, BASE "c0 17 [000800]", NLRI, TAW, 0, 0,
	NULL, NULL},
    {"P13_tunnel_encap_len_0", BT_IBGP4, BASE "c0 17 []", NLRI, TAW, 0, 0, NULL,
	NULL},
    {"P13_tunnel_encap_tlv_length_mismatch", BT_IBGP4,
	BASE "c0 17 [0008 0010 01 02 0000]", NLRI, TAW, 0, 0, NULL, NULL},
    {"P13_tunnel_encap_sub_tlv_overruns", BT_IBGP4,
	BASE "c0 17 [0008 0004 01 05 0000]", NLRI, TAW, 0, 0, NULL, NULL},
    {"P13_tunnel_encap_long_sub_tlv_cut", BT_IBGP4,
	BASE "c0 17 [0008 0002 80 00]", NLRI, TAW, 0, 0, NULL, NULL},
    {"P13_tunnel_encap_flags", BT_IBGP4, BASE "40 17 [0008 0000]", NLRI, TAW, 0,
	0, NULL, NULL},
    {"P13_tunnel_encap_valid_kept", BT_IBGP4,
	BASE "c0 17 [0008 0008 01 02 0000 80 0001 00]", NLRI, OK, 0, 0, NULL,
	encap_kept},

    /* A.5: MP_REACH_NLRI next hops and framing. */
    {"N1_vpn_next_hop_len_4", BT_IBGP4,
	"90 0e {0001 80 [0a000001] 00 " VPN "} " ORIGIN ASP4, "", SR, 3, 9,
	NULL, NULL},
    {"N1_vpn6_next_hop_len_9", BT_IBGP4,
	"90 0e {0002 80 [000000000000000001] 00} " ORIGIN ASP4, "", SR, 3, 9,
	NULL, NULL},
    {"N1_vpn6_next_hop_len_12", BT_IBGP4,
	"90 0e {0002 80 [0000000000000000 0a000001] 00} " ORIGIN ASP4, "", SR,
	3, 9, NULL, NULL},
    {"N1_evpn_next_hop_len_12", BT_IBGP4,
	"90 0e {0019 46 [0000000000000000 0a000001] 00} " ORIGIN ASP4, "", SR,
	3, 9, NULL, NULL},
    {"N1_inet_next_hop_len_5", BT_IBGP4,
	"90 0e {0001 01 [0a00000100] 00 " NLRI "} " ORIGIN ASP4, "", SR, 3, 9,
	NULL, NULL},
    {"N1_rtc_next_hop_len_0", BT_IBGP4, "90 0e {0001 84 00 00 00} " ORIGIN ASP4,
	"", SR, 3, 9, NULL, NULL},
    {"N1_next_hop_overruns", BT_IBGP4, "90 0e {0001 80 30 0000}", "", SR, 3, 9,
	"90 0e 0006 0001 80 30 0000", NULL},
    {"N1_mp_reach_truncated", BT_IBGP4, "90 0e {0001}", "", SR, 3, 9, NULL,
	NULL},
    {"N1_mp_reach_no_reserved_byte", BT_IBGP4,
	"90 0e {0001 80 [0000000000000000 0a000001]}", "", SR, 3, 9, NULL,
	NULL},
    {"N1_mp_unreach_truncated", BT_IBGP4, "80 0f [0001]", "", SR, 3, 9,
	"80 0f 02 0001", NULL},
    {"N1_mp_reach_bad_nlri", BT_IBGP4,
	"90 0e {0001 80 [0000000000000000 0a000001] 00 70 000101} " ORIGIN ASP4,
	"", SR, 3, 10, NULL, NULL},
    {"N1_mp_reach_family_not_ours_ignored", BT_IBGP4,
	"90 0e {0002 01 [fd000000000000000000000000000001] 00 40 fd00000000000000} " ORIGIN
	    ASP4,
	"", AD, 0, 0, NULL, no_reach},
    {"N1_mp_unreach_evpn_skipped_type", BT_IBGP4,
	"90 0f {0019 46 08 [00] 02 [0000fc0000000001" ESI
	" 00000000 30 020000000003 00 000000]}",
	"", OK, 0, 0, NULL, has_unreach},
};

static void
check_rfc7606(size_t _i)
{
	struct bgp_session_caps caps = bt_session(cases[_i].s);
	uint8_t data[BGP_ERR_DATA_MAX];
	struct bt_upd t;
	size_t n;

	bt_upd_decode_parts(&t, "", cases[_i].attrs, cases[_i].nlri, &caps);
	if (cases[_i].outcome == SR) {
		ck_assert_msg(t.rc == -1, "%s: no reset (%d: %s)",
		    cases[_i].name, t.u.outcome, t.u.reason);
		ck_assert_msg(t.err.code == cases[_i].code &&
			t.err.subcode == cases[_i].sub,
		    "%s: %u/%u (%s)", cases[_i].name, t.err.code, t.err.subcode,
		    t.err.reason);
		ck_assert_uint_lt(t.err.off, t.len);
		if (cases[_i].data != NULL) {
			n = bt_unhex(cases[_i].data, data, sizeof(data));
			ck_assert_uint_eq(t.err.datalen, n);
			ck_assert_mem_eq(t.err.data, data, n);
		}
	} else {
		ck_assert_msg(t.rc == 0, "%s: reset %u/%u (%s)", cases[_i].name,
		    t.err.code, t.err.subcode, t.err.reason);
		ck_assert_msg(
		    t.u.outcome == (enum bgp_outcome)cases[_i].outcome,
		    "%s: outcome %d (%s)", cases[_i].name, t.u.outcome,
		    t.u.reason);
		ck_assert_msg(
		    (t.u.outcome == BGP_OK) == (t.u.reason[0] == '\0'),
		    "%s: reason \"%s\"", cases[_i].name, t.u.reason);
		if (cases[_i].check != NULL)
			cases[_i].check(&t.u);
	}
	bt_upd_free(&t);
}

/*
 * The same UPDATEs cut at every byte of the attribute list: a reset or
 * an outcome, never a read past the list (exact-size copies).
 */
static void
check_rfc7606_truncated(size_t _i)
{
	struct bgp_session_caps caps = bt_session(cases[_i].s);
	uint8_t attrs[1024];
	char hex[2100];
	struct bt_upd t;
	size_t n, k, i;

	n = bt_unhex(cases[_i].attrs, attrs, sizeof(attrs));
	for (k = 0; k < n; k++) {
		for (i = 0; i < k; i++)
			sprintf(hex + 2 * i, "%02x", attrs[i]);
		hex[2 * k] = '\0';
		bt_upd_decode_parts(&t, "", hex, cases[_i].nlri, &caps);
		BT_ASSERT(t.rc == 0 || t.err.code == 3, "%s cut at %zu: %u/%u",
		    cases[_i].name, k, t.err.code, t.err.subcode);
		bt_upd_free(&t);
	}
}

START_TEST(test_rfc7606)
{
	check_rfc7606((size_t)_i);
	check_rfc7606_truncated((size_t)_i);
}
END_TEST

Suite *
bgp_rfc7606_suite(void)
{
	Suite *s = suite_create("bgp_rfc7606");
	TCase *tc;

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_rfc7606, 0, (int)nitems(cases));
	suite_add_tcase(s, tc);
	return s;
}
