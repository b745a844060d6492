/*
 * check_dp_pcap.c - pcap files: write then read back (records, times,
 * snaplen cut), a file in the other byte order, and the errors: not a
 * pcap, another link type or version, a nanosecond file, a huge
 * snaplen, a record above the buffer, a file cut at every byte.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char pc_path[64];

static void
pc_setup(void)
{
	int fd;

	snprintf(pc_path, sizeof(pc_path), "/tmp/check-dp-pcap-XXXXXX");
	fd = mkstemp(pc_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void
pc_teardown(void)
{
	unlink(pc_path);
}

static void
pc_put(const uint8_t *d, size_t n)
{
	FILE *f = fopen(pc_path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(d, 1, n, f), n);
	fclose(f);
}

static size_t
pc_get(uint8_t *d, size_t cap)
{
	FILE *f = fopen(pc_path, "rb");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(d, 1, cap, f);
	fclose(f);
	return n;
}

START_TEST(pc_roundtrip)
{
	struct dp_pcap pc;
	uint8_t pkt[100], buf[200];
	size_t len, i;
	uint64_t ts;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	ck_assert_int_eq(dp_pcap_open_write(&pc, pc_path, 64), 0);
	ck_assert_int_eq(dp_pcap_write(&pc, 1500000001, pkt, 60), 0);
	ck_assert_int_eq(dp_pcap_write(&pc, 1500000002, pkt, 100), 0);
	ck_assert_int_eq(dp_pcap_close(&pc), 0);
	ck_assert_int_eq(dp_pcap_open_read(&pc, pc_path), 0);
	ck_assert_uint_eq(pc.snaplen, 64);
	ck_assert_int_eq(dp_pcap_read(&pc, buf, sizeof(buf), &len, &ts), 1);
	ck_assert_uint_eq(len, 60);
	ck_assert_uint_eq(ts, 1500000001);
	ck_assert_mem_eq(buf, pkt, 60);
	ck_assert_int_eq(dp_pcap_read(&pc, buf, sizeof(buf), &len, &ts), 1);
	ck_assert_uint_eq(len, 64); /* cut to the snaplen */
	ck_assert_uint_eq(ts, 1500000002);
	ck_assert_mem_eq(buf, pkt, 64);
	ck_assert_int_eq(dp_pcap_read(&pc, buf, sizeof(buf), &len, &ts), 0);
	ck_assert_uint_eq(pc.records, 2);
	ck_assert_int_eq(dp_pcap_close(&pc), 0);
}
END_TEST

/* The header written, byte for byte (on a little-endian host). */
START_TEST(pc_header_bytes)
{
	struct dp_pcap pc;
	uint8_t d[64], want[64];
	size_t n, m;

	ck_assert_int_eq(dp_pcap_open_write(&pc, pc_path, 65535), 0);
	ck_assert_int_eq(
	    dp_pcap_write(&pc, 3000001, (const uint8_t *)"ab", 2), 0);
	ck_assert_int_eq(dp_pcap_close(&pc), 0);
	n = pc_get(d, sizeof(d));
	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		return;
	m = dt_unhex("d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 "
		     "ff ff 00 00 01 00 00 00 "
		     "03 00 00 00 01 00 00 00 02 00 00 00 02 00 00 00 61 62",
	    want, sizeof(want));
	ck_assert_uint_eq(n, m);
	ck_assert_mem_eq(d, want, m);
}
END_TEST

/* A big-endian file (as written on such a host) reads the same. */
START_TEST(pc_swapped)
{
	uint8_t d[64], buf[16];
	size_t n = dt_unhex("a1 b2 c3 d4 00 02 00 04 00 00 00 00 00 00 00 00 "
			    "00 00 00 10 00 00 00 01 "
			    "00 00 00 05 00 00 00 07 00 00 00 01 00 00 00 01 "
			    "7a",
	    d, sizeof(d));
	struct dp_pcap pc;
	size_t len;
	uint64_t ts;

	pc_put(d, n);
	ck_assert_int_eq(dp_pcap_open_read(&pc, pc_path), 0);
	ck_assert(pc.swapped);
	ck_assert_uint_eq(pc.snaplen, 16);
	ck_assert_int_eq(dp_pcap_read(&pc, buf, sizeof(buf), &len, &ts), 1);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(buf[0], 0x7a);
	ck_assert_uint_eq(ts, 5000007);
	dp_pcap_close(&pc);
}
END_TEST

static const struct {
	const char *name;
	const char *hex;
	const char *err;
} pc_bad[] = {
    {"not a pcap",
	"3c 68 74 6d 6c 3e 00 00 00 00 00 00 00 00 00 00 "
	"00 00 00 00 00 00 00 00",
	"not a classic microsecond pcap"},
    {"nanosecond magic",
	"4d 3c b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 "
	"ff ff 00 00 01 00 00 00",
	"not a classic microsecond pcap"},
    {"version 2.3",
	"d4 c3 b2 a1 02 00 03 00 00 00 00 00 00 00 00 00 "
	"ff ff 00 00 01 00 00 00",
	"not 2.4"},
    {"link type raw",
	"d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 "
	"ff ff 00 00 65 00 00 00",
	"not Ethernet"},
    {"snaplen 2^31",
	"d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 "
	"00 00 00 80 01 00 00 00",
	"snaplen"},
    {"snaplen 0",
	"d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 "
	"00 00 00 00 01 00 00 00",
	"snaplen"},
    {"short header", "d4 c3 b2 a1 02 00", "shorter than a pcap header"},
};

START_TEST(pc_bad_header)
{
	uint8_t d[64];
	size_t n = dt_unhex(pc_bad[_i].hex, d, sizeof(d));
	struct dp_pcap pc;

	pc_put(d, n);
	ck_assert_int_eq(dp_pcap_open_read(&pc, pc_path), -EPROTO);
	ck_assert_msg(strstr(pc.err, pc_bad[_i].err) != NULL, "%s: \"%s\"",
	    pc_bad[_i].name, pc.err);
	ck_assert_ptr_null(pc.f);
}
END_TEST

/* Records: above snaplen, above the buffer, bad microseconds. */
START_TEST(pc_bad_record)
{
	static const char *const rec[] = {
	    "00 00 00 00 00 00 00 00 11 00 00 00 11 00 00 00", /* > snap */
	    "00 00 00 00 00 00 00 00 09 00 00 00 09 00 00 00", /* > buf */
	    "00 00 00 00 40 42 0f 00 01 00 00 00 01 00 00 00", /* 1e6 us */
	};
	uint8_t d[64], buf[8];
	struct dp_pcap pc;
	size_t n, i, len;
	uint64_t ts;

	for (i = 0; i < sizeof(rec) / sizeof(rec[0]); i++) {
		n = dt_unhex("d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 "
			     "10 00 00 00 01 00 00 00",
		    d, sizeof(d));
		n += dt_unhex(rec[i], d + n, sizeof(d) - n);
		memset(d + n, 0, 17);
		pc_put(d, n + 17);
		ck_assert_int_eq(dp_pcap_open_read(&pc, pc_path), 0);
		ck_assert_int_eq(
		    dp_pcap_read(&pc, buf, sizeof(buf), &len, &ts), -EPROTO);
		ck_assert_str_ne(pc.err, "");
		dp_pcap_close(&pc);
	}
}
END_TEST

/* A good two-record file cut at every byte: an error, never a record
 * that was not whole; a cut at a record boundary is a clean end. */
START_TEST(pc_cut)
{
	struct dp_pcap pc;
	uint8_t d[256], buf[64], pkt[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	size_t n, k, len;
	uint64_t ts;
	int rc, got;

	ck_assert_int_eq(dp_pcap_open_write(&pc, pc_path, 64), 0);
	ck_assert_int_eq(dp_pcap_write(&pc, 1, pkt, 10), 0);
	ck_assert_int_eq(dp_pcap_write(&pc, 2, pkt, 10), 0);
	ck_assert_int_eq(dp_pcap_close(&pc), 0);
	n = pc_get(d, sizeof(d));
	ck_assert_uint_eq(n, 24 + 2 * 26);
	for (k = 0; k < n; k++) {
		pc_put(d, k);
		rc = dp_pcap_open_read(&pc, pc_path);
		if (k < 24) {
			DT_ASSERT(
			    rc == -EPROTO, "header cut at %zu: %d", k, rc);
			continue;
		}
		DT_ASSERT(rc == 0, "cut at %zu: %s", k, pc.err);
		got = 0;
		while (
		    (rc = dp_pcap_read(&pc, buf, sizeof(buf), &len, &ts)) == 1)
			got++;
		DT_ASSERT(
		    got == (int)((k - 24) / 26), "cut at %zu: %d", k, got);
		DT_ASSERT(rc == ((k - 24) % 26 == 0 ? 0 : -EPROTO),
		    "cut at %zu: rc %d", k, rc);
		dp_pcap_close(&pc);
	}
}
END_TEST

START_TEST(pc_errors)
{
	struct dp_pcap pc;
	static uint8_t big[DP_PCAP_PKT_MAX + 1];

	ck_assert_int_eq(
	    dp_pcap_open_read(&pc, "/nonexistent/x.pcap"), -ENOENT);
	ck_assert_ptr_nonnull(strstr(pc.err, "/nonexistent/x.pcap"));
	ck_assert_int_eq(dp_pcap_open_write(&pc, pc_path, 0), -EINVAL);
	ck_assert_int_eq(
	    dp_pcap_open_write(&pc, pc_path, DP_PCAP_SNAPLEN_MAX + 1), -EINVAL);
	ck_assert_int_eq(dp_pcap_open_write(&pc, pc_path, 100), 0);
	ck_assert_int_eq(dp_pcap_write(&pc, 0, big, sizeof(big)), -EMSGSIZE);
	ck_assert_int_eq(dp_pcap_close(&pc), 0);
}
END_TEST

Suite *
dp_pcap_suite(void)
{
	Suite *s = suite_create("dp_pcap");
	TCase *tc;

	tc = tcase_create("io");
	tcase_add_checked_fixture(tc, pc_setup, pc_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, pc_roundtrip);
	tcase_add_test(tc, pc_header_bytes);
	tcase_add_test(tc, pc_swapped);
	tcase_add_test(tc, pc_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, pc_setup, pc_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(
	    tc, pc_bad_header, 0, (int)(sizeof(pc_bad) / sizeof(pc_bad[0])));
	tcase_add_test(tc, pc_bad_record);
	tcase_add_test(tc, pc_cut);
	suite_add_tcase(s, tc);
	return s;
}
