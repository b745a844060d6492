/*
 * DOC: check_bgp_open.c - tests of the OPEN codec in bgp/bgp_msg.c.
 *
 * Good OPEN bodies (as GoBGP and FRR send them, the RFC 9072 extended
 * form, unknown, repeated and zero-length capabilities) with the struct
 * bgp_open they decode to; every truncation of each must fail cleanly
 * from an exact-size heap copy.  Malformed bodies for Table A O1-O8 with
 * the NOTIFICATION code/subcode required.  Then encode -> frame -> decode
 * round trips, and the exact bytes of one encoded OPEN.
 */
#include "bgp/bgp.h"

#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

#define AFB(af) BGP_AF_BIT(BGP_AF_##af)
#define FIXED   "04 fde9 00b4 0a000001" /* AS 65001, hold 180, 10.0.0.1 */
/* The struct bgp_open fields FIXED gives. */
#define O_FIXED                                                                \
	.version = 4, .asn = 65001, .hold_time = 180, .bgp_id = 0x0a000001
#define Z10 "00000000000000000000" /* 10 zero bytes */
#define Z50 Z10 Z10 Z10 Z10 Z10

static void
ck_open_eq(const struct bgp_open *a, const struct bgp_open *b, const char *name)
{
	unsigned i;

	ck_assert_msg(a->version == b->version && a->asn == b->asn &&
		a->hold_time == b->hold_time && a->bgp_id == b->bgp_id,
	    "%s: v%u as %u hold %u id %08x", name, a->version, a->asn,
	    a->hold_time, a->bgp_id);
	ck_assert_msg(a->as4 == b->as4 && a->afs == b->afs &&
		a->unknown_afs == b->unknown_afs &&
		a->route_refresh == b->route_refresh &&
		a->enhanced_refresh == b->enhanced_refresh &&
		a->ext_msg == b->ext_msg,
	    "%s: as4 %d afs %x/%u rr %d err %d ext %d", name, a->as4, a->afs,
	    a->unknown_afs, a->route_refresh, a->enhanced_refresh, a->ext_msg);
	ck_assert_msg(a->gr.present == b->gr.present &&
		a->gr.restarted == b->gr.restarted &&
		a->gr.notification == b->gr.notification &&
		a->gr.restart_time == b->gr.restart_time &&
		a->gr.afs == b->gr.afs && a->gr.forwarding == b->gr.forwarding,
	    "%s: gr %d R%d N%d %u afs %x fwd %x", name, a->gr.present,
	    a->gr.restarted, a->gr.notification, a->gr.restart_time, a->gr.afs,
	    a->gr.forwarding);
	ck_assert_msg(a->llgr.present == b->llgr.present &&
		a->llgr.afs == b->llgr.afs &&
		a->llgr.forwarding == b->llgr.forwarding,
	    "%s: llgr %d afs %x fwd %x", name, a->llgr.present, a->llgr.afs,
	    a->llgr.forwarding);
	for (i = 0; i < BGP_AF_MAX; i++)
		ck_assert_msg(a->llgr.stale_time[i] == b->llgr.stale_time[i],
		    "%s: llgr stale %u: %u", name, i, a->llgr.stale_time[i]);
	ck_assert_msg(a->nunknown_caps == b->nunknown_caps, "%s: %zu unknown",
	    name, a->nunknown_caps);
	ck_assert_mem_eq(a->unknown_caps, b->unknown_caps, a->nunknown_caps);
}

static const struct {
	const char *name;
	const char *hex;
	struct bgp_open o;
} good[] = {
    {"minimal", FIXED "00",
	{.version = 4, .asn = 65001, .hold_time = 180, .bgp_id = 0x0a000001}},
    {"gobgp-style, one capability per parameter",
	"04 fde9 005a 7f000002 [02 [01 [0001 00 01]] 02 [01 [0001 00 80]] "
	"02 [01 [0019 00 46]] 02 [02 []] 02 [41 [0000fde9]]]",
	{.version = 4,
	    .asn = 65001,
	    .hold_time = 90,
	    .bgp_id = 0x7f000002,
	    .as4 = true,
	    .afs = AFB(INET) | AFB(INET_VPN) | AFB(EVPN),
	    .route_refresh = true}},
    {"frr-style, all in one parameter",
	"04 5ba0 00b4 0a000002 [02 [01 [0001 00 80] 01 [0002 00 80] "
	"01 [0001 00 84] 02 [] 06 [] 40 [c078 0001 80 80 0019 46 00] "
	"41 [fa56ea00] 46 [] 47 [0001 80 80 000e10 0019 46 00 00012c]]]",
	{.version = 4,
	    .asn = 4200000000u,
	    .hold_time = 180,
	    .bgp_id = 0x0a000002,
	    .as4 = true,
	    .afs = AFB(INET_VPN) | AFB(INET6_VPN) | AFB(RTARGET),
	    .route_refresh = true,
	    .enhanced_refresh = true,
	    .ext_msg = true,
	    .gr = {.present = true,
		.restarted = true,
		.notification = true,
		.restart_time = 120,
		.afs = AFB(INET_VPN) | AFB(EVPN),
		.forwarding = AFB(INET_VPN)},
	    .llgr = {.present = true,
		.afs = AFB(INET_VPN) | AFB(EVPN),
		.forwarding = AFB(INET_VPN),
		.stale_time =
		    {[BGP_AF_INET_VPN] = 3600, [BGP_AF_EVPN] = 300}}}},
    {"rfc9072-extended-form",
	FIXED "ff ff {02 {01 [0001 00 01] 41 [0000fde9]}}",
	{O_FIXED, .as4 = true, .afs = AFB(INET)}},
    {"rfc9072-two-parameters", FIXED "ff ff {02 {01 [0019 00 46]} 02 {02 []}}",
	{O_FIXED, .afs = AFB(EVPN), .route_refresh = true}},
    {"255-bytes-plain-is-not-extended",
	FIXED "[02 [4b [00 " Z50 Z50 Z50 Z50 Z50 "]]]",
	{O_FIXED, .unknown_caps = {75}, .nunknown_caps = 1}},
    {"unknown capabilities and families",
	FIXED "[02 [01 [0002 00 01] 80 [] 4b [05 676f627067] "
	      "49 [03 616263 00]]]",
	{O_FIXED, .unknown_afs = 1, .unknown_caps = {128, 75, 73},
	    .nunknown_caps = 3}},
    {"O6_duplicate_capabilities_last_wins",
	FIXED "[02 [41 [0000fde9] 41 [0000fdea] 01 [0001 00 01] "
	      "01 [0001 00 01] 40 [8078 0001 01 80] 40 [0010]]]",
	{.version = 4,
	    .asn = 65002,
	    .hold_time = 180,
	    .bgp_id = 0x0a000001,
	    .as4 = true,
	    .afs = AFB(INET),
	    .gr = {.present = true, .restart_time = 16}}},
    {"O4_software_version_len_0", FIXED "[02 [4b []]]",
	{O_FIXED, .unknown_caps = {75}, .nunknown_caps = 1}},
    {"O4_software_version_len_65", FIXED "[02 [4b [40 " Z50 Z10 "00000000]]]",
	{O_FIXED, .unknown_caps = {75}, .nunknown_caps = 1}},
    {"O8_zero_length_capabilities_advance",
	FIXED "[02 [43 [] 43 [] 43 [] 44 [] 02 []]]",
	{O_FIXED, .route_refresh = true, .unknown_caps = {67, 68},
	    .nunknown_caps = 2}},
    {"O8_empty_parameter", FIXED "[02 [] 02 [02 []]]",
	{O_FIXED, .route_refresh = true}},
    {"gr-without-families", FIXED "[02 [40 [0000]]]",
	{O_FIXED, .gr = {.present = true}}},
    {"llgr-unknown-family-skipped",
	FIXED "[02 [47 [0002 01 80 000001 0001 80 00 000002]]]",
	{O_FIXED,
	    .llgr = {.present = true,
		.afs = AFB(INET_VPN),
		.stale_time = {[BGP_AF_INET_VPN] = 2}}}},
    {"hold-0", "04 fde9 0000 0a000001 00",
	{.version = 4, .asn = 65001, .bgp_id = 0x0a000001}},
    {"hold-3", "04 fde9 0003 0a000001 00",
	{.version = 4, .asn = 65001, .hold_time = 3, .bgp_id = 0x0a000001}},
};

/* Decodes from an exact-size heap copy. */
static int
decode_open(
    const uint8_t *bytes, size_t n, struct bgp_open *o, struct bgp_err *err)
{
	uint8_t *copy = bt_copy(bytes, n);
	int rc;

	memset(err, 0, sizeof(*err));
	rc = bgp_msg_decode_open(copy, n, o, err);
	free(copy);
	return rc;
}

/* No proper prefix of an OPEN is one either: the parameters fill it. */
START_TEST(test_open_good)
{
	uint8_t bytes[512], orig;
	struct bgp_open o;
	struct bgp_err err;
	size_t n, k;

	n = bt_unhex(good[_i].hex, bytes, sizeof(bytes));
	ck_assert_msg(decode_open(bytes, n, &o, &err) == 0, "%s: %u/%u %s",
	    good[_i].name, err.code, err.subcode, err.reason);
	ck_open_eq(&o, &good[_i].o, good[_i].name);
	for (k = 0; k < n; k++) {
		BT_ASSERT(decode_open(bytes, k, &o, &err) == -1,
		    "%s cut at %zu decodes", good[_i].name, k);
		BT_ASSERT(
		    err.code == BGP_ERR_HEADER || err.code == BGP_ERR_OPEN,
		    "%s cut at %zu: %u/%u", good[_i].name, k, err.code,
		    err.subcode);
	}
	/* Each byte set to 0x00 and 0xff: decoded or refused, in bounds. */
	for (k = 0; k < n; k++) {
		orig = bytes[k];
		bytes[k] = 0x00;
		BT_ASSERT(decode_open(bytes, n, &o, &err) == 0 || err.code != 0,
		    "%s byte %zu: no error", good[_i].name, k);
		bytes[k] = 0xff;
		BT_ASSERT(decode_open(bytes, n, &o, &err) == 0 || err.code != 0,
		    "%s byte %zu: no error", good[_i].name, k);
		bytes[k] = orig;
	}
}
END_TEST

static const struct {
	const char *name;
	const char *hex;
	uint8_t code, sub;
	const char *data;
} bad[] = {
    {"O1_ends_after_optlen", FIXED "10", 2, 0, ""},
    {"O1_ends_inside_fixed_part", "04 fde9 00b4 0a000001", 1, 2, "001c"},
    {"O1_empty", "", 1, 2, "0013"},
    {"O2_ext_len_missing", FIXED "ff ff", 2, 0, ""},
    {"O2_ext_len_one_byte", FIXED "ff ff 00", 2, 0, ""},
    {"O2_ext_len_overruns", FIXED "ff ff 0010 02 0002 0200", 2, 0, ""},
    {"O2_ext_len_short", FIXED "ff ff 0003 02 0002 0200", 2, 0, ""},
    {"O2_ext_param_overruns", FIXED "ff ff {02 0010 4100}", 2, 0, ""},
    {"O2_ext_param_header_cut", FIXED "ff ff {02 00}", 2, 0, ""},
    {"O3_cap_overruns_parameter", FIXED "[02 [41 06 0000fde9]]", 2, 0, ""},
    {"O3_as4_caplen_0", FIXED "[02 [41 [] 01 [0001 00 01]]]", 2, 0, ""},
    {"O3_as4_caplen_2", FIXED "[02 [41 [fde9]]]", 2, 0, ""},
    {"O3_mp_caplen_3", FIXED "[02 [01 [0001 00]]]", 2, 0, ""},
    {"O3_optlen_short_of_params", FIXED "03 02 02 0200 00", 2, 0, ""},
    {"O3_param_header_cut", FIXED "01 02", 2, 0, ""},
    {"O3_cap_header_cut", FIXED "[02 [41]]", 2, 0, ""},
    {"O5_gr_len_5", FIXED "[02 [40 [0078 0001 80]]]", 2, 0, ""},
    {"O5_gr_len_1", FIXED "[02 [40 [00]]]", 2, 0, ""},
    {"O5_llgr_len_8", FIXED "[02 [47 [0001 80 80 000e10 00]]]", 2, 0, ""},
    {"O7_version_3", "03 fde9 00b4 0a000001 00", 2, 1, "0004"},
    {"O7_version_5", "05 fde9 00b4 0a000001 00", 2, 1, "0004"},
    {"O7_hold_1", "04 fde9 0001 0a000001 00", 2, 6, ""},
    {"O7_hold_2", "04 fde9 0002 0a000001 00", 2, 6, ""},
    {"O7_bgp_id_0", "04 fde9 00b4 00000000 00", 2, 3, ""},
    {"O7_as_0", "04 0000 00b4 0a000001 00", 2, 2, ""},
    {"O7_as4_capability_as_0", FIXED "[02 [41 [00000000]]]", 2, 2, ""},
    {"O8_unsupported_parameter_type_1", FIXED "[01 [00]]", 2, 4, ""},
    {"O8_unsupported_parameter_type_0", FIXED "[00 []]", 2, 4, ""},
};

START_TEST(test_open_bad)
{
	uint8_t bytes[512], data[BGP_ERR_DATA_MAX];
	struct bgp_open o;
	struct bgp_err err;
	size_t n, dn;

	n = bt_unhex(bad[_i].hex, bytes, sizeof(bytes));
	ck_assert_msg(
	    decode_open(bytes, n, &o, &err) == -1, "%s decodes", bad[_i].name);
	ck_assert_msg(err.code == bad[_i].code && err.subcode == bad[_i].sub,
	    "%s: %u/%u (%s)", bad[_i].name, err.code, err.subcode, err.reason);
	dn = bt_unhex(bad[_i].data, data, sizeof(data));
	ck_assert_uint_eq(err.datalen, dn);
	ck_assert_mem_eq(err.data, data, dn);
	ck_assert_uint_le(err.off, n);
}
END_TEST

static const struct bgp_open rounds[] = {
    {.version = 4, .asn = 65001, .hold_time = 90, .bgp_id = 0x7f000001},
    {.version = 4,
	.asn = 64512,
	.hold_time = 90,
	.bgp_id = 0x7f000001,
	.as4 = true,
	.afs = AFB(INET) | AFB(INET_VPN) | AFB(EVPN),
	.route_refresh = true},
    {.version = 4,
	.asn = 4200000000u,
	.hold_time = 3,
	.bgp_id = 0xffffffff,
	.as4 = true,
	.afs = (1u << BGP_AF_MAX) - 1,
	.route_refresh = true,
	.enhanced_refresh = true,
	.ext_msg = true,
	.gr = {.present = true,
	    .restarted = true,
	    .notification = true,
	    .restart_time = 4095,
	    .afs = (1u << BGP_AF_MAX) - 1,
	    .forwarding = AFB(EVPN) | AFB(INET)},
	.llgr = {.present = true,
	    .afs = (1u << BGP_AF_MAX) - 1,
	    .forwarding = AFB(RTARGET),
	    .stale_time = {1, 2, 3, 0xffffff, 0}}},
    {.version = 4,
	.asn = 65535,
	.hold_time = 65535,
	.bgp_id = 1,
	.gr = {.present = true, .restart_time = 300}},
};

START_TEST(test_open_round_trip)
{
	struct bgp_open o;
	struct bgp_err err;
	struct wbuf w;
	uint8_t *copy;
	size_t len;

	wbuf_init_dyn(&w, BGP_MAX_LEN);
	ck_assert_int_eq(bgp_msg_encode_open(&rounds[_i], &w), 0);
	copy = bt_body(&w, 0, BGP_MSG_OPEN, &len);
	ck_assert_uint_eq(BGP_HDR_LEN + len, w.len);
	ck_assert_int_eq(bgp_msg_decode_open(copy, len, &o, &err), 0);
	ck_open_eq(&o, &rounds[_i], "round trip");
	/* A 4-byte AS goes as AS_TRANS in the 2-byte field. */
	ck_assert_uint_eq((unsigned)copy[1] << 8 | copy[2],
	    rounds[_i].asn > 65535 ? BGP_AS_TRANS : rounds[_i].asn);
	free(copy);
	wbuf_fini(&w);
}
END_TEST

/* The exact bytes, capabilities in code order in one parameter. */
START_TEST(test_open_encode_bytes)
{
	static const struct bgp_open o = {.version = 4,
	    .asn = 4200000000u,
	    .hold_time = 180,
	    .bgp_id = 0x0a000002,
	    .as4 = true,
	    .afs = AFB(INET_VPN) | AFB(EVPN),
	    .route_refresh = true,
	    .enhanced_refresh = true,
	    .gr = {.present = true,
		.notification = true,
		.restart_time = 120,
		.afs = AFB(INET_VPN),
		.forwarding = AFB(INET_VPN)},
	    .llgr = {.present = true,
		.afs = AFB(EVPN),
		.stale_time = {[BGP_AF_EVPN] = 300}}};
	uint8_t body[256], expect[256], mem[256];
	struct wbuf w;
	size_t n;

	n = bt_unhex("04 5ba0 00b4 0a000002 "
		     "[02 [01 [0001 00 80] 01 [0019 00 46] 02 [] "
		     "40 [4078 0001 80 80] 41 [fa56ea00] 46 [] "
		     "47 [0019 46 00 00012c]]]",
	    body, sizeof(body));
	wbuf_init(&w, expect, sizeof(expect));
	ck_assert_int_eq(bgp_frame_header(&w, n, BGP_MSG_OPEN), 0);
	ck_assert_int_eq(wbuf_put_bytes(&w, body, n), 0);
	n = w.len;
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_msg_encode_open(&o, &w), 0);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, expect, n);
	/* Too small a writer: nothing written. */
	wbuf_init(&w, mem, n - 1);
	ck_assert_int_eq(bgp_msg_encode_open(&o, &w), -1);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

Suite *
bgp_open_suite(void)
{
	Suite *s = suite_create("bgp_open");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_open_good, 0, (int)nitems(good));
	tcase_add_loop_test(tc, test_open_round_trip, 0, (int)nitems(rounds));
	tcase_add_test(tc, test_open_encode_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_open_bad, 0, (int)nitems(bad));
	suite_add_tcase(s, tc);
	return s;
}
