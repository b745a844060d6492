/*
 * DOC: check_bgp_frame.c - tests of bgp/bgp_frame.c.
 *
 * A table of message headers (and whole small messages) with the limit in
 * force and what bgp_frame_check must say: need more, a whole message of
 * this type and length, or the header error of Table A B1-B3 with its
 * data.  Every good message is also checked at each truncation (need
 * more, never an error, never a read past the bytes given: exact-size
 * heap copies), and a stream of several messages is fed in every split
 * a TCP read could make (B4).  Then the header writer.
 */
#include "bgp/bgp.h"

#include <stdlib.h>
#include <string.h>

#include "tests/bgp/suites.h"

#define MARKER "ffffffffffffffffffffffffffffffff"

static const struct {
	const char *name;
	const char *hex;
	size_t max;
	int rc;       /* 1 whole, 0 more, -1 error */
	uint8_t type; /* rc 1 */
	uint8_t code, sub;
	const char *data; /* error data in hex */
} frames[] = {
    {"keepalive", MARKER "0013 04", BGP_MAX_LEN, 1, BGP_MSG_KEEPALIVE, 0, 0,
	NULL},
    {"open-min", MARKER "001d 01 04fde900b40a00000100", BGP_MAX_LEN, 1,
	BGP_MSG_OPEN, 0, 0, NULL},
    {"update-min", MARKER "0017 02 00000000", BGP_MAX_LEN, 1, BGP_MSG_UPDATE, 0,
	0, NULL},
    {"notification-min", MARKER "0015 03 0604", BGP_MAX_LEN, 1,
	BGP_MSG_NOTIFICATION, 0, 0, NULL},
    {"refresh", MARKER "0017 05 00010080", BGP_MAX_LEN, 1,
	BGP_MSG_ROUTE_REFRESH, 0, 0, NULL},
    {"update-4096-header", MARKER "1000 02", BGP_MAX_LEN, 0, 0, 0, 0, NULL},
    {"update-ext-header", MARKER "ffff 02", BGP_EXT_MAX_LEN, 0, 0, 0, 0, NULL},
    {"B1_marker_not_ones", "ffffff7fffffffffffffffffffffffff 0013 04",
	BGP_MAX_LEN, -1, 0, 1, 1, ""},
    {"B1_marker_zero", "00000000000000000000000000000000 0013 04", BGP_MAX_LEN,
	-1, 0, 1, 1, ""},
    {"B2_len_below_header", MARKER "0012 04", BGP_MAX_LEN, -1, 0, 1, 2, "0012"},
    {"B2_len_zero", MARKER "0000 02", BGP_MAX_LEN, -1, 0, 1, 2, "0000"},
    {"B2_update_4097_without_ext", MARKER "1001 02", BGP_MAX_LEN, -1, 0, 1, 2,
	"1001"},
    {"update-limit-clamped", MARKER "ffff 02", 100000, 0, 0, 0, 0, NULL},
    {"B2_open_over_4096_with_ext", MARKER "1001 01", BGP_EXT_MAX_LEN, -1, 0, 1,
	2, "1001"},
    {"B2_keepalive_over_4096_with_ext", MARKER "1001 04", BGP_EXT_MAX_LEN, -1,
	0, 1, 2, "1001"},
    {"B2_open_28", MARKER "001c 01", BGP_MAX_LEN, -1, 0, 1, 2, "001c"},
    {"B2_update_22", MARKER "0016 02", BGP_MAX_LEN, -1, 0, 1, 2, "0016"},
    {"B2_notification_20", MARKER "0014 03", BGP_MAX_LEN, -1, 0, 1, 2, "0014"},
    {"B2_keepalive_20", MARKER "0014 04", BGP_MAX_LEN, -1, 0, 1, 2, "0014"},
    {"B2_refresh_22", MARKER "0016 05", BGP_MAX_LEN, -1, 0, 1, 2, "0016"},
    {"B3_type_0", MARKER "0013 00", BGP_MAX_LEN, -1, 0, 1, 3, "00"},
    {"B3_type_6", MARKER "0013 06", BGP_MAX_LEN, -1, 0, 1, 3, "06"},
    {"B3_type_255", MARKER "0013 ff", BGP_MAX_LEN, -1, 0, 1, 3, "ff"},
};

static void
check_frame(size_t i)
{
	uint8_t bytes[64], data[BGP_ERR_DATA_MAX], *copy;
	size_t n, len = 0, dn;
	struct bgp_err err;
	uint8_t type = 0;
	int rc;

	n = bt_unhex(frames[i].hex, bytes, sizeof(bytes));
	copy = bt_copy(bytes, n);
	memset(&err, 0, sizeof(err));
	rc = bgp_frame_check(copy, n, frames[i].max, &len, &type, &err);
	ck_assert_msg(rc == frames[i].rc, "%s: rc %d (%s)", frames[i].name, rc,
	    err.reason);
	if (rc == 1) {
		ck_assert_uint_eq(len, n);
		ck_assert_uint_eq(type, frames[i].type);
	} else if (rc == -1) {
		ck_assert_msg(
		    err.code == frames[i].code && err.subcode == frames[i].sub,
		    "%s: %u/%u", frames[i].name, err.code, err.subcode);
		dn = bt_unhex(frames[i].data, data, sizeof(data));
		ck_assert_uint_eq(err.datalen, dn);
		ck_assert_mem_eq(err.data, data, dn);
		ck_assert(err.reason[0] != '\0');
	}
	free(copy);
}

/* Every prefix of a whole message asks for more, and reads no further. */
static void
check_frame_truncated(size_t i)
{
	uint8_t bytes[64], *copy;
	size_t n, k, len;
	struct bgp_err err;
	uint8_t type;

	if (frames[i].rc != 1)
		return;
	n = bt_unhex(frames[i].hex, bytes, sizeof(bytes));
	for (k = 0; k < n; k++) {
		copy = bt_copy(bytes, k);
		BT_ASSERT(bgp_frame_check(
			      copy, k, frames[i].max, &len, &type, &err) == 0,
		    "%s cut at %zu", frames[i].name, k);
		free(copy);
	}
}

START_TEST(test_frame)
{
	check_frame((size_t)_i);
	check_frame_truncated((size_t)_i);
}
END_TEST

/*
 * B4: a stream of five messages arrives in reads of every size from 1 to
 * the whole; the reassembly takes the same messages out each time.
 */
START_TEST(test_B4_split_and_batched_reads)
{
	static const char *const msgs[] = {
	    MARKER "0013 04",
	    MARKER "001d 01 04fde900b40a00000100",
	    MARKER "0017 02 00000000",
	    MARKER "0015 03 0604",
	    MARKER "0013 04",
	};
	uint8_t stream[256], rx[256], *copy;
	size_t lens[nitems(msgs)], total = 0, chunk, fed, have, got, len, i;
	struct bgp_err err;
	uint8_t type;
	int rc;

	for (i = 0; i < nitems(msgs); i++) {
		lens[i] =
		    bt_unhex(msgs[i], stream + total, sizeof(stream) - total);
		total += lens[i];
	}
	for (chunk = 1; chunk <= total; chunk++) {
		fed = have = got = 0;
		while (fed < total || have > 0) {
			if (fed < total) {
				len = MIN(chunk, total - fed);
				memcpy(rx + have, stream + fed, len);
				have += len;
				fed += len;
			}
			copy = bt_copy(rx, have);
			rc = bgp_frame_check(
			    copy, have, BGP_MAX_LEN, &len, &type, &err);
			free(copy);
			BT_ASSERT(rc >= 0, "chunk %zu: %s", chunk, err.reason);
			if (rc == 0) {
				BT_ASSERT(
				    fed < total, "stream ends mid-message");
				continue;
			}
			BT_ASSERT(got < nitems(msgs) && len == lens[got],
			    "chunk %zu: message %zu of %zu bytes", chunk, got,
			    len);
			got++;
			memmove(rx, rx + len, have - len);
			have -= len;
		}
		BT_ASSERT(
		    got == nitems(msgs), "chunk %zu: %zu messages", chunk, got);
	}
}
END_TEST

START_TEST(test_frame_header)
{
	uint8_t mem[BGP_HDR_LEN + 4], expect[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(bgp_frame_header(&w, 4, BGP_MSG_UPDATE), 0);
	ck_assert_uint_eq(w.len, BGP_HDR_LEN);
	bt_unhex(MARKER "0017 02", expect, sizeof(expect));
	ck_assert_mem_eq(mem, expect, BGP_HDR_LEN);
	/* No room for a second header: nothing written. */
	ck_assert_int_eq(bgp_frame_header(&w, 0, BGP_MSG_KEEPALIVE), -1);
	ck_assert_uint_eq(w.len, BGP_HDR_LEN);
	wbuf_reset(&w);
	ck_assert_int_eq(bgp_frame_header(&w, BGP_EXT_MAX_LEN - BGP_HDR_LEN + 1,
			     BGP_MSG_UPDATE),
	    -1);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(bgp_msg_encode_keepalive(&w), 0);
	ck_assert_uint_eq(w.len, BGP_HDR_LEN);
	ck_assert_uint_eq(mem[18], BGP_MSG_KEEPALIVE);
}
END_TEST

Suite *
bgp_frame_suite(void)
{
	Suite *s = suite_create("bgp_frame");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_B4_split_and_batched_reads);
	tcase_add_test(tc, test_frame_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_frame, 0, (int)nitems(frames));
	suite_add_tcase(s, tc);
	return s;
}
