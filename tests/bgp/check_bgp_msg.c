/*
 * DOC: check_bgp_msg.c - tests of NOTIFICATION, KEEPALIVE and
 * ROUTE-REFRESH in bgp/bgp_msg.c.
 *
 * NOTIFICATION bodies with what must come out: code, subcode, data, and
 * the shutdown communication of Cease 2/4 (RFC 8203/9003) sanitised, or
 * none when its length is wrong (R3); truncated and oversized data (R5).
 * ROUTE-REFRESH bodies of every length up to 5 (R1: anything but 4 is
 * 7/1 with the message as data), subtypes, unknown families.  Encoders:
 * round trips, shutdown text cut on a character boundary, the 4096-byte
 * bound, error names.
 */
#include "bgp/bgp.h"

#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

static const struct {
	const char *name;
	const char *hex;
	uint8_t code, sub;
	size_t datalen;
	bool has_shutdown;
	const char *shutdown;
} notes[] = {
    {"hold-timer", "04 00", 4, 0, 0, false, NULL},
    {"update-error-with-data", "03 0a 0102", 3, 10, 2, false, NULL},
    {"R3_shutdown_text", "06 02 [6d61696e74656e616e6365]", 6, 2, 12, true,
	"maintenance"},
    {"R3_reset_text", "06 04 [7570677261646520]", 6, 4, 9, true, "upgrade "},
    {"R3_length_0", "06 02 00", 6, 2, 1, true, ""},
    {"R3_no_data", "06 02", 6, 2, 0, false, NULL},
    {"R3_length_past_data", "06 02 20 4142", 6, 2, 3, false, NULL},
    {"R3_length_255_past_data", "06 02 ff 41", 6, 2, 2, false, NULL},
    {"R3_trailing_bytes_after_text", "06 04 02 4142 43", 6, 4, 4, true, "AB"},
    {"R3_invalid_utf8", "06 02 [41 ff 42]", 6, 2, 4, true, "A?B"},
    {"R3_control_characters", "06 02 [41 0a 00 1b 7f 42]", 6, 2, 7, true,
	"A????B"},
    {"R3_utf8_kept", "06 02 [c3a9 e282ac f09f9880]", 6, 2, 10, true,
	"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
    {"R3_utf8_overlong", "06 02 [c080 e08080]", 6, 2, 6, true, "?????"},
    {"R3_utf8_surrogate", "06 02 [eda080]", 6, 2, 4, true, "???"},
    {"R3_utf8_past_10ffff", "06 02 [f4908080]", 6, 2, 5, true, "????"},
    {"R3_utf8_c1_control", "06 02 [c285 41]", 6, 2, 4, true, "?A"},
    {"R3_utf8_cut_sequence", "06 02 [41 e282]", 6, 2, 4, true, "A??"},
    {"R4_hard_reset_wrapping_shutdown", "06 09 06 02 [627965]", 6, 9, 6, true,
	"bye"},
    {"R4_hard_reset_wrapping_other", "06 09 03 01", 6, 9, 2, false, NULL},
    {"R4_hard_reset_truncated", "06 09 06", 6, 9, 1, false, NULL},
    {"cease-other-subcode-not-text", "06 07 [41]", 6, 7, 2, false, NULL},
};

static void
decode_note(const uint8_t *bytes, size_t n, struct bgp_notification *nt,
    int expect_rc, struct bgp_err *err)
{
	uint8_t *copy = bt_copy(bytes, n);

	ck_assert_int_eq(
	    bgp_msg_decode_notification(copy, n, nt, err), expect_rc);
	if (expect_rc == 0 && nt->datalen > 0)
		ck_assert_mem_eq(nt->data, bytes + 2, nt->datalen);
	free(copy);
}

START_TEST(test_notification)
{
	uint8_t bytes[512];
	struct bgp_notification nt;
	struct bgp_err err;
	size_t n;

	n = bt_unhex(notes[_i].hex, bytes, sizeof(bytes));
	decode_note(bytes, n, &nt, 0, &err);
	ck_assert_msg(nt.code == notes[_i].code &&
		nt.subcode == notes[_i].sub && nt.datalen == notes[_i].datalen,
	    "%s: %u/%u %zu", notes[_i].name, nt.code, nt.subcode, nt.datalen);
	ck_assert_msg(
	    nt.has_shutdown == notes[_i].has_shutdown, "%s", notes[_i].name);
	if (nt.has_shutdown)
		ck_assert_str_eq(nt.shutdown, notes[_i].shutdown);
}
END_TEST

/* R5: less than code and subcode is a length error; any data is taken. */
START_TEST(test_R5_notification_short_and_long)
{
	static uint8_t big[8000];
	struct bgp_notification nt;
	struct bgp_err err;

	decode_note(big, 0, &nt, -1, &err);
	ck_assert(err.code == 1 && err.subcode == 2);
	ck_assert_uint_eq(err.datalen, 2);
	ck_assert_uint_eq(err.data[1], 19);
	big[0] = 6;
	decode_note(big, 1, &nt, -1, &err);
	ck_assert(err.code == 1 && err.subcode == 2);
	/* Longer than 4096 (with extended messages): all of it is data. */
	big[1] = 2;
	big[2] = 255;
	decode_note(big, sizeof(big), &nt, 0, &err);
	ck_assert_uint_eq(nt.datalen, sizeof(big) - 2);
	ck_assert(nt.has_shutdown);
	ck_assert_uint_eq(strlen(nt.shutdown), 255);
}
END_TEST

/* Every cut of a shutdown NOTIFICATION decodes, never past its bytes. */
START_TEST(test_notification_truncated)
{
	uint8_t bytes[64];
	struct bgp_notification nt;
	struct bgp_err err;
	size_t n, k;
	uint8_t *copy;

	n = bt_unhex("06 02 [c3a9 41 42 43]", bytes, sizeof(bytes));
	for (k = 0; k <= n; k++) {
		copy = bt_copy(bytes, k);
		ck_assert_int_eq(
		    bgp_msg_decode_notification(copy, k, &nt, &err),
		    k < 2 ? -1 : 0);
		if (k >= 2)
			ck_assert(nt.has_shutdown == (k == n));
		free(copy);
	}
}
END_TEST

/* Decodes the NOTIFICATION in w (header included) into nt. */
static void
reread_note(const struct wbuf *w, struct bgp_notification *nt, uint8_t **copy)
{
	struct bgp_err err;
	size_t len;

	*copy = bt_body(w, 0, BGP_MSG_NOTIFICATION, &len);
	ck_assert_uint_eq(BGP_HDR_LEN + len, w->len);
	ck_assert_int_eq(bgp_msg_decode_notification(*copy, len, nt, &err), 0);
}

START_TEST(test_notification_encode)
{
	static uint8_t data[5000];
	struct bgp_notification nt;
	struct wbuf w;
	uint8_t *copy;

	wbuf_init_dyn(&w, BGP_EXT_MAX_LEN);
	ck_assert_int_eq(bgp_msg_encode_notification(3, 1, NULL, 0, &w), 0);
	reread_note(&w, &nt, &copy);
	ck_assert(nt.code == 3 && nt.subcode == 1 && nt.datalen == 0);
	free(copy);

	wbuf_reset(&w);
	memset(data, 0xab, sizeof(data));
	ck_assert_int_eq(
	    bgp_msg_encode_notification(3, 9, data, sizeof(data), &w), 0);
	ck_assert_uint_eq(w.len, BGP_MAX_LEN);
	reread_note(&w, &nt, &copy);
	ck_assert_uint_eq(nt.datalen, BGP_MAX_LEN - 21);
	free(copy);

	/* Nothing written when it does not fit. */
	wbuf_fini(&w);
	wbuf_init_dyn(&w, 20);
	ck_assert_int_eq(bgp_msg_encode_notification(6, 2, data, 1, &w), -1);
	ck_assert_uint_eq(w.len, 0);
	wbuf_fini(&w);
}
END_TEST

static const struct {
	const char *text;
	size_t sent; /* text bytes on the wire */
} shutdowns[] = {
    {"", 0}, {"maintenance window 12:00-13:00 UTC", 34},
    {NULL, 0}, /* 300 'a' */
    {NULL, 0}, /* 254 'a' then U+00E9 */
};

START_TEST(test_shutdown_encode)
{
	struct bgp_notification nt;
	char text[400];
	struct wbuf w;
	uint8_t *copy;
	size_t sent = shutdowns[_i].sent;

	if (shutdowns[_i].text != NULL) {
		str_lcpy(text, shutdowns[_i].text, sizeof(text));
	} else if (_i == 2) {
		memset(text, 'a', 300);
		text[300] = '\0';
		sent = 255;
	} else {
		memset(text, 'a', 254);
		strcpy(text + 254, "\xc3\xa9");
		sent = 254; /* not 255: that would split the character */
	}
	wbuf_init_dyn(&w, BGP_MAX_LEN);
	ck_assert_int_eq(bgp_msg_encode_shutdown(2, text, &w), 0);
	reread_note(&w, &nt, &copy);
	ck_assert(nt.code == 6 && nt.subcode == 2 && nt.has_shutdown);
	ck_assert_uint_eq(nt.datalen, 1 + sent);
	ck_assert_uint_eq(strlen(nt.shutdown), sent);
	ck_assert_mem_eq(nt.shutdown, text, sent);
	free(copy);
	wbuf_fini(&w);
}
END_TEST

START_TEST(test_err_names)
{
	static const struct {
		uint8_t code, sub;
		size_t len;
		const char *name;
	} names[] = {
	    {6, 2, 96, "Cease/administrative shutdown"},
	    {3, 10, 96, "UPDATE message error/invalid network field"},
	    {1, 1, 96, "Message header error/connection not synchronized"},
	    {2, 0, 96, "OPEN message error"},
	    {4, 0, 96, "Hold timer expired"},
	    {7, 1, 96, "ROUTE-REFRESH message error/invalid message length"},
	    {6, 99, 96, "Cease/subcode 99"},
	    {0, 0, 96, "code 0/subcode 0"},
	    {200, 1, 96, "code 200/subcode 1"},
	    {8, 0, 96, "Send hold timer expired"},
	    {6, 2, 6, "Cease"},
	};
	char buf[96];
	size_t i;

	for (i = 0; i < nitems(names); i++)
		ck_assert_str_eq(bgp_err_name(names[i].code, names[i].sub, buf,
				     names[i].len),
		    names[i].name);
}
END_TEST

/*
 * ROUTE-REFRESH.
 */

static const struct {
	const char *name;
	const char *hex;
	int rc;
	uint16_t afi;
	uint8_t safi, subtype;
	bool known;
	enum bgp_af af;
} refreshes[] = {
    {"normal-vpn", "0001 00 80", 0, 1, 128, 0, true, BGP_AF_INET_VPN},
    {"borr-evpn", "0019 01 46", 0, 25, 70, 1, true, BGP_AF_EVPN},
    {"eorr-rtc", "0001 02 84", 0, 1, 132, 2, true, BGP_AF_RTARGET},
    {"R1_unknown_subtype_ignored", "0001 07 01", 0, 1, 1, 7, true, BGP_AF_INET},
    {"unknown-family", "0002 00 01", 0, 2, 1, 0, false, 0},
    {"R1_len_0", "", -1, 0, 0, 0, false, 0},
    {"R1_len_3", "0001 00", -1, 0, 0, 0, false, 0},
    {"R1_len_5", "0001 00 01 00", -1, 0, 0, 0, false, 0},
    {"R1_len_5_orf", "0001 01 80 01", -1, 0, 0, 0, false, 0},
};

START_TEST(test_refresh)
{
	uint8_t bytes[16], *copy, hdr[BGP_HDR_LEN];
	struct bgp_refresh r;
	struct bgp_err err;
	struct wbuf w;
	size_t n;
	int rc;

	n = bt_unhex(refreshes[_i].hex, bytes, sizeof(bytes));
	copy = bt_copy(bytes, n);
	rc = bgp_msg_decode_refresh(copy, n, &r, &err);
	ck_assert_msg(rc == refreshes[_i].rc, "%s", refreshes[_i].name);
	if (rc == 0) {
		ck_assert_uint_eq(r.afi, refreshes[_i].afi);
		ck_assert_uint_eq(r.safi, refreshes[_i].safi);
		ck_assert_uint_eq(r.subtype, refreshes[_i].subtype);
		ck_assert(r.known_af == refreshes[_i].known);
		if (r.known_af)
			ck_assert_int_eq(r.af, refreshes[_i].af);
	} else {
		/* 7/1 carrying the whole message (RFC 7313 5). */
		ck_assert(err.code == 7 && err.subcode == 1);
		wbuf_init(&w, hdr, sizeof(hdr));
		ck_assert_int_eq(
		    bgp_frame_header(&w, n, BGP_MSG_ROUTE_REFRESH), 0);
		ck_assert_uint_eq(err.datalen, BGP_HDR_LEN + n);
		ck_assert_mem_eq(err.data, hdr, BGP_HDR_LEN);
		ck_assert_mem_eq(err.data + BGP_HDR_LEN, bytes, n);
	}
	free(copy);
}
END_TEST

START_TEST(test_refresh_round_trip)
{
	struct bgp_refresh r;
	struct bgp_err err;
	uint8_t mem[64], *copy;
	struct wbuf w;
	unsigned sub;
	size_t len;

	for (sub = 0; sub <= BGP_REFRESH_EORR; sub++) {
		wbuf_init(&w, mem, sizeof(mem));
		ck_assert_int_eq(
		    bgp_msg_encode_refresh((enum bgp_af)_i, (uint8_t)sub, &w),
		    0);
		copy = bt_body(&w, 0, BGP_MSG_ROUTE_REFRESH, &len);
		ck_assert_int_eq(
		    bgp_msg_decode_refresh(copy, len, &r, &err), 0);
		ck_assert(r.known_af);
		ck_assert_int_eq(r.af, _i);
		ck_assert_uint_eq(r.subtype, sub);
		free(copy);
		wbuf_init(&w, mem, BGP_HDR_LEN + 3);
		ck_assert_int_eq(
		    bgp_msg_encode_refresh((enum bgp_af)_i, (uint8_t)sub, &w),
		    -1);
		ck_assert_uint_eq(w.len, 0);
	}
}
END_TEST

Suite *
bgp_msg_suite(void)
{
	Suite *s = suite_create("bgp_msg");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_notification, 0, (int)nitems(notes));
	tcase_add_test(tc, test_notification_encode);
	tcase_add_loop_test(
	    tc, test_shutdown_encode, 0, (int)nitems(shutdowns));
	tcase_add_test(tc, test_err_names);
	tcase_add_loop_test(tc, test_refresh_round_trip, 0, BGP_AF_MAX);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_R5_notification_short_and_long);
	tcase_add_test(tc, test_notification_truncated);
	tcase_add_loop_test(tc, test_refresh, 0, (int)nitems(refreshes));
	suite_add_tcase(s, tc);
	return s;
}
