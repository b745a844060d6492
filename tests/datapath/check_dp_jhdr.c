/*
 * check_dp_jhdr.c - the Juniper mirror header: the bytes of reference
 * Appendix A.6 (port RX) and of §6.2's flow example exactly, port TX,
 * the empty header, names above 255 bytes refused, and the decoder on
 * every prefix and on bad TLVs.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A.6: 03 17 "default-domain:demo:red" ff 00, then the frame. */
static const char jh_a6[] = "03 17 64 65 66 61 75 6c 74 2d 64 6f 6d 61 69 6e "
			    "3a 64 65 6d 6f 3a 72 65 64 ff 00";

/* §6.2 flow example: ingress, PASS and MIRROR, host 192.168.0.11. */
static const char jh_flow_hex[] =
    "01 04 c0 a8 00 0b 02 04 40 00 00 a0 "
    "03 17 64 65 66 61 75 6c 74 2d 64 6f 6d 61 69 6e 3a 64 65 6d 6f 3a "
    "72 65 64 "
    "04 18 64 65 66 61 75 6c 74 2d 64 6f 6d 61 69 6e 3a 64 65 6d 6f 3a "
    "62 6c 75 65 ff 00";

static void
jh_expect(const struct dp_jhdr *j, const char *hex)
{
	uint8_t mem[DP_JHDR_MAX], want[DP_JHDR_MAX];
	size_t n = dt_unhex(hex, want, sizeof(want));
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(dp_jhdr_encode(&w, j), 0);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(mem, want, n);
}

START_TEST(jh_port_rx_a6)
{
	struct dp_jhdr j;

	dp_jhdr_port_rx(&j, "default-domain:demo:red");
	jh_expect(&j, jh_a6);
}
END_TEST

START_TEST(jh_port_tx)
{
	struct dp_jhdr j;

	dp_jhdr_port_tx(&j, "default-domain:tim:traffic-net");
	jh_expect(&j,
	    "04 1e 64 65 66 61 75 6c 74 2d 64 6f 6d 61 69 6e 3a "
	    "74 69 6d 3a 74 72 61 66 66 69 63 2d 6e 65 74 ff 00");
}
END_TEST

START_TEST(jh_flow)
{
	struct dp_jhdr j;

	dp_jhdr_flow(&j, 0xc0a8000b, DP_JHDR_F_INGRESS | 1u << 5 | 1u << 7,
	    "default-domain:demo:red", "default-domain:demo:blue");
	jh_expect(&j, jh_flow_hex);
}
END_TEST

/* No metadata: FF 00 alone. */
START_TEST(jh_empty)
{
	struct dp_jhdr j;

	memset(&j, 0, sizeof(j));
	jh_expect(&j, "ff 00");
}
END_TEST

/* 255 bytes is the most a one-byte length holds; 256 is refused. */
START_TEST(jh_vn_max)
{
	static uint8_t mem[DP_JHDR_MAX];
	char vn[DP_JHDR_VN_MAX + 2];
	struct dp_jhdr j;
	struct wbuf w;

	memset(vn, 'a', sizeof(vn) - 1);
	vn[sizeof(vn) - 1] = '\0';
	wbuf_init(&w, mem, sizeof(mem));
	dp_jhdr_port_rx(&j, vn);
	ck_assert_int_eq(dp_jhdr_encode(&w, &j), -EINVAL);
	ck_assert_uint_eq(w.len, 0);
	dp_jhdr_flow(&j, 1, 2, "red", vn);
	ck_assert_int_eq(dp_jhdr_encode(&w, &j), -EINVAL);
	ck_assert_uint_eq(w.len, 0);
	vn[DP_JHDR_VN_MAX] = '\0';
	dp_jhdr_flow(&j, 1, 2, vn, vn);
	ck_assert_int_eq(dp_jhdr_encode(&w, &j), 0);
	ck_assert_uint_eq(w.len, DP_JHDR_MAX);
	ck_assert_uint_eq(mem[13], 0xff);
}
END_TEST

/* Writers too small by any amount are left as they were. */
START_TEST(jh_full)
{
	uint8_t mem[DP_JHDR_MAX];
	struct dp_jhdr j;
	struct wbuf w;
	size_t cap, need = 0;

	dp_jhdr_flow(&j, 1, 2, "red", "blue");
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(dp_jhdr_encode(&w, &j), 0);
	need = w.len;
	ck_assert_uint_eq(need, 6 + 6 + 5 + 6 + 2);
	for (cap = 0; cap < need; cap++) {
		wbuf_init(&w, mem, cap);
		DT_ASSERT(dp_jhdr_encode(&w, &j) == -ENOBUFS, "fits %zu", cap);
		DT_ASSERT(w.len == 0, "%zu left in", w.len);
	}
}
END_TEST

START_TEST(jh_decode_flow)
{
	uint8_t raw[128], *f;
	size_t n = dt_unhex(jh_flow_hex, raw, sizeof(raw)), hlen, k;
	struct dp_jhdr j;

	raw[n] = 0x52; /* the frame's first byte follows */
	f = dt_copy(raw, n + 1);
	ck_assert_int_eq(dp_jhdr_decode(f, n + 1, &j, &hlen), 0);
	ck_assert_uint_eq(hlen, n);
	ck_assert_uint_eq(j.has,
	    DP_JHDR_HAS_HOST | DP_JHDR_HAS_FLAGS | DP_JHDR_HAS_SRC |
		DP_JHDR_HAS_DST);
	ck_assert_uint_eq(j.host, 0xc0a8000b);
	ck_assert_uint_eq(j.flags, 0x400000a0);
	ck_assert_uint_eq(j.src_vn_len, 23);
	ck_assert_mem_eq(j.src_vn, "default-domain:demo:red", 23);
	ck_assert_uint_eq(j.dst_vn_len, 24);
	ck_assert_mem_eq(j.dst_vn, "default-domain:demo:blue", 24);
	free(f);
	for (k = 0; k < n; k++) {
		f = dt_copy(raw, k);
		DT_ASSERT(dp_jhdr_decode(f, k, &j, &hlen) == -EPROTO,
		    "cut at %zu decoded", k);
		free(f);
	}
}
END_TEST

/* A.6 back: only the source VN. */
START_TEST(jh_decode_a6)
{
	uint8_t raw[64];
	size_t n = dt_unhex(jh_a6, raw, sizeof(raw)), hlen;
	struct dp_jhdr j;

	ck_assert_int_eq(dp_jhdr_decode(raw, n, &j, &hlen), 0);
	ck_assert_uint_eq(hlen, 27);
	ck_assert_uint_eq(j.has, DP_JHDR_HAS_SRC);
	ck_assert_mem_eq(j.src_vn, "default-domain:demo:red", 23);
}
END_TEST

static const struct {
	const char *name;
	const char *hex;
	int rc;
	size_t hlen;
} jh_dec[] = {
    {"host of 3 bytes", "01 03 c0 a8 00 ff 00", -EPROTO, 0},
    {"flags of 5 bytes", "02 05 00 00 00 00 01 ff 00", -EPROTO, 0},
    {"end with a length", "ff 01 00", -EPROTO, 0},
    {"no end", "03 01 61", -EPROTO, 0},
    {"empty", "", -EPROTO, 0},
    {"unknown type 9 skipped", "09 02 aa bb ff 00", 0, 6},
    {"empty VN", "03 00 ff 00", 0, 4},
};

START_TEST(jh_decode_table)
{
	uint8_t raw[64];
	size_t n = dt_unhex(jh_dec[_i].hex, raw, sizeof(raw)), hlen = 0;
	struct dp_jhdr j;

	ck_assert_msg(dp_jhdr_decode(raw, n, &j, &hlen) == jh_dec[_i].rc, "%s",
	    jh_dec[_i].name);
	if (jh_dec[_i].rc == 0)
		ck_assert_uint_eq(hlen, jh_dec[_i].hlen);
}
END_TEST

Suite *
dp_jhdr_suite(void)
{
	Suite *s = suite_create("dp_jhdr");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, jh_port_rx_a6);
	tcase_add_test(tc, jh_port_tx);
	tcase_add_test(tc, jh_flow);
	tcase_add_test(tc, jh_empty);
	tcase_add_test(tc, jh_decode_a6);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, jh_decode_flow);
	tcase_add_loop_test(
	    tc, jh_decode_table, 0, (int)(sizeof(jh_dec) / sizeof(jh_dec[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, jh_vn_max);
	tcase_add_test(tc, jh_full);
	suite_add_tcase(s, tc);
	return s;
}
