/*
 * DOC: check_cn_rtkey.c - tests of control-node/cn_rtkey.c.
 *
 * A table of keys of every family, each with its canonical text and its
 * encoding (in full where it pins the layout, else its length), one
 * tcase_add_loop_test case each: text -> key -> encoding -> key -> text
 * must come back equal.  Every truncation of every encoding, one byte too many,
 * and every single-byte mutation are decoded from exact-size heap copies
 * (so ASan sees any over-read): they are refused, or are themselves the
 * encoding of the key they decode to.  Then tables of bad text, bad
 * encodings and invalid keys, the order of encodings, the RD forms, the
 * RD strip/add round trip and rt_key_within.
 */
#include "control-node/cn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/control-node/suites.h"

/* test_NAME runs check_NAME(i) for i in [0, n): one fork for a table. */
#define TABLE_TEST(name, n)                                                    \
	START_TEST(test_##name)                                                \
	{                                                                      \
		size_t i;                                                      \
		for (i = 0; i < (n); i++)                                      \
			check_##name(i);                                       \
	}                                                                      \
	END_TEST

/* Bytes from hex text ("0a01 0100" - spaces ignored); the count. */
static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		ck_assert_uint_lt(n, cap);
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s++;
	}
	return n;
}

static void
ck_ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	ck_assert_int_eq(a->af, b->af);
	ck_assert_mem_eq(a->u.b, b->u.b, sizeof(a->u.b));
}

/* Field by field: decode and parse zero what a key does not use. */
static void
ck_key_eq(const struct rt_key *a, const struct rt_key *b)
{
	ck_assert_int_eq(a->family, b->family);
	ck_assert_mem_eq(a->rd.b, b->rd.b, sizeof(a->rd.b));
	ck_ipaddr_eq(&a->prefix.addr, &b->prefix.addr);
	ck_assert_uint_eq(a->prefix.len, b->prefix.len);
	ck_assert_uint_eq(a->evpn_type, b->evpn_type);
	ck_assert_uint_eq(a->eth_tag, b->eth_tag);
	ck_assert_mem_eq(a->mac.b, b->mac.b, sizeof(a->mac.b));
	ck_ipaddr_eq(&a->ip, &b->ip);
	ck_assert_uint_eq(a->origin_as, b->origin_as);
	ck_assert_uint_eq(a->rtarget, b->rtarget);
	ck_assert_uint_eq(a->rt_plen, b->rt_plen);
}

static void
parse_ok(enum rt_family fam, const char *s, struct rt_key *k)
{
	ck_assert_msg(rt_key_parse(fam, s, k) == 0, "%s: refused \"%s\"",
	    rt_family_name(fam), s);
}

/*
 * Good keys.
 */

static const struct {
	enum rt_family fam;
	const char *in;
	const char *out; /* canonical text; NULL: in */
	size_t len;      /* encoded bytes */
	const char *enc; /* the encoding in hex; NULL: not pinned */
} good[] = {
    {RT_INET, "10.1.1.0/24", NULL, 5, "0a010100 18"},
    {RT_INET, "0.0.0.0/0", NULL, 5, "00000000 00"},
    {RT_INET, "10.1.1.3/32", NULL, 5, NULL},
    {RT_INET, "255.255.255.255/32", NULL, 5, "ffffffff 20"},
    {RT_INET, "128.0.0.0/1", NULL, 5, "80000000 01"},
    {RT_INET6, "fd00::/64", NULL, 17,
	"fd00 0000 0000 0000 0000 0000 0000 0000 40"},
    {RT_INET6, "::/0", NULL, 17, NULL},
    {RT_INET6, "FD00:0:0:0:0:0:0:3/128", "fd00::3/128", 17, NULL},
    {RT_INET6, "2001:db8::1/128", NULL, 17, NULL},
    {RT_L3VPN, "64512:1:10.1.1.0/24", NULL, 13,
	"0000 fc00 00000001 0a010100 18"},
    {RT_L3VPN, "1.2.3.4:5:10.1.1.3/32", NULL, 13,
	"0001 01020304 0005 0a010103 20"},
    {RT_L3VPN, "4200000000:7:10.0.0.0/8", NULL, 13,
	"0002 fa56ea00 0007 0a000000 08"},
    {RT_L3VPN, "0:0:0.0.0.0/0", NULL, 13, NULL},
    {RT_L3VPN, "65535:4294967295:192.168.0.0/16", NULL, 13,
	"0000 ffff ffffffff c0a80000 10"},
    {RT_L3VPN, "65536:65535:10.0.0.0/8", NULL, 13,
	"0002 00010000 ffff 0a000000 08"},
    {RT_L3VPN, "0.0.0.0:0:1.1.1.1/32", NULL, 13, NULL},
    {RT_L3VPN6, "64512:1:fd00::/64", NULL, 25, NULL},
    {RT_L3VPN6, "1.2.3.4:5:2001:db8::1/128", NULL, 25, NULL},
    {RT_L3VPN6, "10.0.0.1:1:::/0", NULL, 25, NULL},
    {RT_L3VPN6, "64512:1:2001:DB8:0::/48", "64512:1:2001:db8::/48", 25, NULL},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,0.0.0.0", NULL, 20,
	"0000000000000000 02 00000000 020000000001 00"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,10.1.1.3", NULL, 24,
	"0000000000000000 02 00000000 020000000001 20 0a010103"},
    {RT_EVPN, "2-10.0.0.1:3-0-02:00:00:00:00:01,fd00::3", NULL, 36,
	"0001 0a000001 0003 02 00000000 020000000001 80 "
	"fd00 0000 0000 0000 0000 0000 0000 0003"},
    {RT_EVPN, "2-64512:1-100-02:AB:00:00:00:01,10.1.1.3",
	"2-64512:1-100-02:ab:00:00:00:01,10.1.1.3", 24, NULL},
    {RT_EVPN, "2-0:0-0-00:00:00:00:00:00,0.0.0.0", NULL, 20, NULL},
    {RT_EVPN, "2-0:0-0-ff:ff:ff:ff:ff:ff,::ffff:1.2.3.4", NULL, 36, NULL},
    {RT_EVPN, "3-10.0.0.1:1-0-10.0.0.1", NULL, 18,
	"0001 0a000001 0001 03 00000000 20 0a000001"},
    {RT_EVPN, "3-10.0.0.1:1-4294967295-2001:db8::1", NULL, 30, NULL},
    {RT_EVPN, "3-0:0-0-0.0.0.0", NULL, 18, NULL},
    {RT_EVPN, "5-0:0-0-10.1.1.0/24", NULL, 19,
	"0000000000000000 05 00000000 20 0a010100 18"},
    {RT_EVPN, "5-64512:2-7-2001:db8::/32", NULL, 31,
	"0000 fc00 00000002 05 00000007 80 "
	"20010db8 00000000 00000000 00000000 20"},
    {RT_EVPN, "5-0:0-0-0.0.0.0/0", NULL, 19, NULL},
    {RT_RTARGET, "0:0:0", NULL, 13, "00000000 0000000000000000 00"},
    {RT_RTARGET, "64512:target:64512:1", NULL, 13,
	"0000fc00 0002fc0000000001 60"},
    {RT_RTARGET, "64512:target:1.2.3.4:5", NULL, 13,
	"0000fc00 0102010203040005 60"},
    {RT_RTARGET, "4200000000:target:4200000000:7", NULL, 13,
	"fa56ea00 0202fa56ea000007 60"},
    {RT_RTARGET, "0:target:0:0", NULL, 13, "00000000 0002000000000000 60"},
    {RT_RTARGET, "64512:0x0000000000000000/32", NULL, 13,
	"0000fc00 0000000000000000 20"},
    {RT_RTARGET, "64512:0x0002fc0000000000/64", NULL, 13,
	"0000fc00 0002fc0000000000 40"},
    {RT_RTARGET, "64512:0x0002000000000000/48", NULL, 13, NULL},
    {RT_RTARGET, "64512:0x0002fc0000000000/57", NULL, 13, NULL},
    {RT_RTARGET, "64512:0x0002fc000000fffe/95", NULL, 13, NULL},
    {RT_RTARGET, "64512:0x0003fc0000000001", NULL, 13,
	"0000fc00 0003fc0000000001 60"},
    {RT_RTARGET, "1:0x0202000000000001", NULL, 13, NULL},
};

/* text -> key -> text, key -> bytes -> key, and the bytes themselves. */
START_TEST(test_good_round_trip)
{
	const char *out = good[_i].out != NULL ? good[_i].out : good[_i].in;
	uint8_t enc[RT_KEY_MAX], want[RT_KEY_MAX];
	char buf[RT_KEY_STRLEN];
	struct rt_key k, k2, k3;
	size_t len, n;

	parse_ok(good[_i].fam, good[_i].in, &k);
	ck_assert_int_eq(k.family, good[_i].fam);
	ck_assert_str_eq(rt_key_print(&k, buf, sizeof(buf)), out);
	parse_ok(good[_i].fam, buf, &k2);
	ck_key_eq(&k, &k2);

	len = rt_key_encode(&k, enc);
	ck_assert_uint_eq(len, good[_i].len);
	if (good[_i].enc != NULL) {
		n = unhex(good[_i].enc, want, sizeof(want));
		ck_assert_uint_eq(n, len);
		ck_assert_mem_eq(enc, want, len);
	}
	memset(&k3, 0xa5, sizeof(k3));
	ck_assert_int_eq(rt_key_decode(good[_i].fam, enc, len, &k3), 0);
	ck_key_eq(&k, &k3);

	/* Room for exactly the text and its NUL, and a byte less. */
	n = strlen(out);
	ck_assert_ptr_nonnull(rt_key_print(&k, buf, n + 1));
	ck_assert_ptr_null(rt_key_print(&k, buf, n));
	ck_assert_ptr_null(rt_key_print(&k, buf, 0));
}
END_TEST

/* Decodes bytes from an exact-size heap copy; the result or -EINVAL. */
static int
decode_copy(enum rt_family fam, const uint8_t *b, size_t n, struct rt_key *k)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, b, n);
	rc = rt_key_decode(fam, copy, n, k);
	free(copy);
	return rc;
}

/* Every short read and one byte too many; the output stays untouched. */
static void
check_good_truncated(size_t i)
{
	uint8_t enc[RT_KEY_MAX + 1];
	struct rt_key k, out, before;
	size_t len, n;

	parse_ok(good[i].fam, good[i].in, &k);
	len = rt_key_encode(&k, enc);
	ck_assert_uint_gt(len, 0);
	memset(&out, 0x5c, sizeof(out));
	before = out;
	for (n = 0; n < len; n++) {
		ck_assert_msg(decode_copy(good[i].fam, enc, n, &out) == -EINVAL,
		    "%s: %zu of %zu bytes decoded", good[i].in, n, len);
		ck_assert_mem_eq(&out, &before, sizeof(out));
	}
	enc[len] = 0;
	ck_assert_msg(decode_copy(good[i].fam, enc, len + 1, &out) == -EINVAL,
	    "%s: a byte more decoded", good[i].in);
	ck_assert_mem_eq(&out, &before, sizeof(out));
}

TABLE_TEST(good_truncated, nitems(good))

/*
 * Each byte xor each single bit and 0xff: refused, or canonical (decode
 * then encode gives the mutated bytes back).  Some must be refused.
 */
static void
check_good_mutated(size_t i)
{
	static const uint8_t flips[] = {
	    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};
	uint8_t enc[RT_KEY_MAX], mut[RT_KEY_MAX], again[RT_KEY_MAX];
	struct rt_key k, out;
	size_t len, pos, f, refused = 0;

	parse_ok(good[i].fam, good[i].in, &k);
	len = rt_key_encode(&k, enc);
	for (pos = 0; pos < len; pos++) {
		for (f = 0; f < nitems(flips); f++) {
			memcpy(mut, enc, len);
			mut[pos] ^= flips[f];
			if (decode_copy(good[i].fam, mut, len, &out) != 0) {
				refused++;
				continue;
			}
			ck_assert_msg(rt_key_encode(&out, again) == len &&
				memcmp(again, mut, len) == 0,
			    "%s: byte %zu ^ 0x%02x decoded, not canonical",
			    good[i].in, pos, flips[f]);
		}
	}
	ck_assert_msg(refused > 0, "%s: no mutation refused", good[i].in);
}

TABLE_TEST(good_mutated, nitems(good))

/* The same bytes are no key of a family with another layout. */
static void
check_good_other_family(size_t i)
{
	uint8_t enc[RT_KEY_MAX];
	struct rt_key k, out;
	size_t len;
	int fam;

	parse_ok(good[i].fam, good[i].in, &k);
	len = rt_key_encode(&k, enc);
	ck_assert_int_eq(rt_key_decode(RT_FAMILY_MAX, enc, len, &out), -EINVAL);
	for (fam = 0; fam < RT_FAMILY_MAX; fam++) {
		/* l3vpn and rtarget keys are both 13 bytes long. */
		if (fam == (int)good[i].fam ||
		    (len == 13 && (fam == RT_L3VPN || fam == RT_RTARGET)))
			continue;
		ck_assert_msg(
		    decode_copy((enum rt_family)fam, enc, len, &out) == -EINVAL,
		    "%s: decoded as %s", good[i].in,
		    rt_family_name((enum rt_family)fam));
	}
}

TABLE_TEST(good_other_family, nitems(good))

/*
 * Bad text.
 */

static const struct {
	enum rt_family fam;
	const char *in;
} bad_text[] = {
    {RT_INET, ""},
    {RT_INET, "10.1.1.1/24"},
    {RT_INET, "10.1.1.0/33"},
    {RT_INET, "10.1.1.0/024"},
    {RT_INET, "10.1.1.0"},
    {RT_INET, " 10.1.1.0/24"},
    {RT_INET, "10.1.1.0/24 "},
    {RT_INET, "fd00::/64"},
    {RT_INET, "64512:1:10.1.1.0/24"},
    {RT_INET6, "fd00::1/64"},
    {RT_INET6, "fd00::/129"},
    {RT_INET6, "10.0.0.0/8"},
    {RT_L3VPN, "64512:1:10.1.1.1/24"},
    {RT_L3VPN, "64512:10.1.1.0/24"},
    {RT_L3VPN, "64512:1:fd00::/64"},
    {RT_L3VPN, "65536:65536:10.0.0.0/8"},
    {RT_L3VPN, "4294967296:1:10.0.0.0/8"},
    {RT_L3VPN, "65535:4294967296:10.0.0.0/8"},
    {RT_L3VPN, "1.2.3.4:65536:10.0.0.0/8"},
    {RT_L3VPN, "01:1:10.0.0.0/8"},
    {RT_L3VPN, "64512:01:10.0.0.0/8"},
    {RT_L3VPN, "1.2.3:4:10.0.0.0/8"},
    {RT_L3VPN, "1.2.3.04:4:10.0.0.0/8"},
    {RT_L3VPN, "64512:1:"},
    {RT_L3VPN, ":1:10.0.0.0/8"},
    {RT_L3VPN, "64512::10.0.0.0/8"},
    {RT_L3VPN, "-1:1:10.0.0.0/8"},
    {RT_L3VPN, "+1:1:10.0.0.0/8"},
    {RT_L3VPN, "64512:1:10.0.0.0/8/8"},
    {RT_L3VPN, "10.1.1.0/24"},
    {RT_L3VPN6, "64512:1:10.0.0.0/8"},
    {RT_L3VPN6, "64512:1:fd00::1/64"},
    {RT_L3VPN6, "64512:1:fd00::/129"},
    {RT_L3VPN6, "fd00::/64"},
    {RT_EVPN, ""},
    {RT_EVPN, "2"},
    {RT_EVPN, "2-0:0"},
    {RT_EVPN, "2-0:0-0"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,::"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,10.1.1.3/32"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,10.1.1.3,1.1.1.1"},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:1,1.1.1.1"},
    {RT_EVPN, "2-0:0-0-02-00-00-00-00-01,1.1.1.1"},
    {RT_EVPN, "2-0:0-00-02:00:00:00:00:01,1.1.1.1"},
    {RT_EVPN, "2-0:0-4294967296-02:00:00:00:00:01,1.1.1.1"},
    {RT_EVPN, "2-1.2.3.4-0-02:00:00:00:00:01,1.1.1.1"},
    {RT_EVPN, "02-0:0-0-02:00:00:00:00:01,1.1.1.1"},
    {RT_EVPN, "1-0:0-0-10.0.0.1"},
    {RT_EVPN, "4-0:0-0-10.0.0.1"},
    {RT_EVPN, "6-0:0-0-10.0.0.1"},
    {RT_EVPN, "258-0:0-0-10.0.0.1"},
    {RT_EVPN, "3-0:0-0-"},
    {RT_EVPN, "3-0:0-0-10.0.0.1/32"},
    {RT_EVPN, "3-0:0--10.0.0.1"},
    {RT_EVPN, "5-0:0-0-10.1.1.1/24"},
    {RT_EVPN, "5-0:0-0-10.1.1.0"},
    {RT_EVPN, "5-0:0-0-10.1.1.0/24-"},
    {RT_EVPN, "5-65536:65536-0-10.1.1.0/24"},
    {RT_EVPN, "10.1.1.0/24"},
    {RT_RTARGET, ""},
    {RT_RTARGET, "0:0"},
    {RT_RTARGET, "0:0:1"},
    {RT_RTARGET, "0:0:0 "},
    {RT_RTARGET, "64512:"},
    {RT_RTARGET, "target:64512:1"},
    {RT_RTARGET, "64512:target:64512:4294967296"},
    {RT_RTARGET, "064512:target:1:1"},
    {RT_RTARGET, "4294967296:target:1:1"},
    {RT_RTARGET, "64512:target:1:1/96"},
    {RT_RTARGET, "64512:0x0002fc0000000001"},
    {RT_RTARGET, "64512:0x0002fc0000000000/16"},
    {RT_RTARGET, "64512:0x0002fc0000000000/31"},
    {RT_RTARGET, "64512:0x0002fc0000000000/96"},
    {RT_RTARGET, "64512:0x0002fc0000000000/97"},
    {RT_RTARGET, "64512:0x0002fc0000000001/64"},
    {RT_RTARGET, "64512:0x0002fc0000000000/48"},
    {RT_RTARGET, "64512:0x0002FC0000000000/64"},
    {RT_RTARGET, "64512:0x2fc0000000000/64"},
    {RT_RTARGET, "64512:0x0002fc00000000000/64"},
    {RT_RTARGET, "64512:0002fc0000000000/64"},
    {RT_RTARGET, "64512:0x0002fc0000000000/064"},
    {RT_FAMILY_MAX, "10.0.0.0/8"},
};

static void
check_bad_text(size_t i)
{
	struct rt_key k, before;

	memset(&k, 0x5c, sizeof(k));
	before = k;
	ck_assert_msg(
	    rt_key_parse(bad_text[i].fam, bad_text[i].in, &k) == -EINVAL,
	    "%s: accepted \"%s\"", rt_family_name(bad_text[i].fam),
	    bad_text[i].in);
	ck_assert_mem_eq(&k, &before, sizeof(k));
}

TABLE_TEST(bad_text, nitems(bad_text))

/* Text longer than any key is refused before it is looked at. */
START_TEST(test_long_text)
{
	char s[RT_KEY_STRLEN + 8];
	struct rt_key k;

	memset(s, '1', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	ck_assert_int_eq(rt_key_parse(RT_EVPN, s, &k), -EINVAL);
	ck_assert_int_eq(rt_key_parse(RT_RTARGET, s, &k), -EINVAL);
}
END_TEST

/*
 * Bad encodings: bytes of the right length encode never writes.
 */

static const struct {
	enum rt_family fam;
	const char *enc;
} bad_enc[] = {
    {RT_INET, "0a010101 18"}, /* host bits */
    {RT_INET, "0a010100 21"}, /* plen 33 */
    {RT_INET, "00000000 ff"}, /* plen 255 */
    {RT_INET6, "fd00 0000 0000 0000 0000 0000 0000 0001 40"},
    {RT_INET6, "0000 0000 0000 0000 0000 0000 0000 0000 81"},
    {RT_L3VPN, "0003 0000 00000001 0a000000 08"}, /* RD type 3 */
    {RT_L3VPN, "0002 0000fc00 0001 0a000000 08"}, /* type 2, small AS */
    {RT_L3VPN, "0000 fc00 00000001 0a000001 08"}, /* host bits */
    {RT_L3VPN6,
	"0000 fc00 00000001 fd00 0000 0000 0000 0000 0000 0000 0000 81"},
    {RT_EVPN, "0000000000000000 04 00000000 20 0a000001"},
    {RT_EVPN, "0000000000000000 00 00000000 20 0a000001"},
    {RT_EVPN, "0000000000000000 02 00000000 020000000001 20 00000000"},
    {RT_EVPN,
	"0000000000000000 02 00000000 020000000001 80 "
	"0000 0000 0000 0000 0000 0000 0000 0000"},
    {RT_EVPN, "0000000000000000 02 00000000 020000000001 18 0a000001"},
    {RT_EVPN, "0000000000000000 02 00000000 020000000001 01"},
    {RT_EVPN, "0000000000000000 03 00000000 00"},
    {RT_EVPN, "0000000000000000 03 00000000 21 0a000001"},
    {RT_EVPN, "0000000000000000 05 00000000 20 0a010101 18"},
    {RT_EVPN, "0000000000000000 05 00000000 20 0a010100 21"},
    {RT_EVPN, "0000000000000000 05 00000000 00 18"},
    {RT_EVPN, "0003000000000000 03 00000000 20 0a000001"},
    {RT_RTARGET, "00000001 0000000000000000 00"}, /* default with an AS */
    {RT_RTARGET, "0000fc00 0002fc0000000001 10"}, /* plen 16 */
    {RT_RTARGET, "0000fc00 0002fc0000000001 1f"}, /* plen 31 */
    {RT_RTARGET, "0000fc00 0002fc0000000001 61"}, /* plen 97 */
    {RT_RTARGET, "0000fc00 0002fc0000000001 40"}, /* bits after 64 */
    {RT_RTARGET, "0000fc01 0000000000000000 1f"},
    {RT_RTARGET, "0000fc00 0000000000000001 20"}, /* bits after 32 */
};

static void
check_bad_enc(size_t i)
{
	uint8_t b[RT_KEY_MAX];
	struct rt_key k, before;
	size_t n;

	n = unhex(bad_enc[i].enc, b, sizeof(b));
	memset(&k, 0x5c, sizeof(k));
	before = k;
	ck_assert_msg(decode_copy(bad_enc[i].fam, b, n, &k) == -EINVAL,
	    "%s: decoded %s", rt_family_name(bad_enc[i].fam), bad_enc[i].enc);
	ck_assert_mem_eq(&k, &before, sizeof(k));
}

TABLE_TEST(bad_enc, nitems(bad_enc))

/*
 * Invalid keys: encode gives 0, print NULL, within false.
 */

static void
key_prefix(struct rt_key *k, enum rt_family fam, const char *pfx)
{
	memset(k, 0, sizeof(*k));
	k->family = fam;
	ck_assert_int_eq(prefix_parse(pfx, &k->prefix, true), 0);
}

static void
bad_key(int i, struct rt_key *k)
{
	key_prefix(k, RT_INET, "10.1.1.0/24");
	switch (i) {
	case 0:
		k->prefix.addr.u.b[3] = 1; /* host bit */
		break;
	case 1:
		k->prefix.len = 33;
		break;
	case 2:
		k->family = RT_INET6; /* an IPv4 prefix */
		break;
	case 3:
		k->family = RT_FAMILY_MAX;
		break;
	case 4:
		k->prefix.addr.af = AF_UNIX;
		break;
	case 5:
		k->family = RT_L3VPN;
		k->rd.b[1] = 3; /* RD type 3 */
		break;
	case 6:
		k->family = RT_L3VPN;
		ck_assert_int_eq(rt_rd_parse("65536:1", &k->rd), 0);
		k->rd.b[3] = 0; /* type 2 with AS 0 */
		break;
	case 7:
		k->family = RT_EVPN;
		k->evpn_type = 4;
		break;
	case 8:
		k->family = RT_EVPN;
		k->evpn_type = RT_EVPN_MAC_IP;
		k->ip.af = AF_INET; /* 0.0.0.0: spelt af 0 */
		break;
	case 9:
		k->family = RT_EVPN;
		k->evpn_type = RT_EVPN_MAC_IP;
		k->ip.af = AF_INET6; /* :: */
		break;
	case 10:
		k->family = RT_EVPN;
		k->evpn_type = RT_EVPN_IMET; /* no originator */
		break;
	case 11:
		k->family = RT_EVPN;
		k->evpn_type = RT_EVPN_PREFIX;
		k->prefix.len = 16; /* host bits */
		break;
	case 12:
		k->family = RT_RTARGET;
		k->rt_plen = 16;
		k->origin_as = 1 << 16;
		break;
	case 13:
		k->family = RT_RTARGET;
		k->rt_plen = 97;
		break;
	case 14:
		k->family = RT_RTARGET;
		k->rt_plen = 64;
		k->rtarget = 1;
		break;
	case 15:
		k->family = RT_RTARGET;
		k->origin_as = 64512; /* the default has no AS */
		break;
	case 16:
		k->family = RT_EVPN;
		k->evpn_type = RT_EVPN_MAC_IP;
		k->ip.af = AF_UNIX;
		break;
	default:
		ck_abort();
	}
}
#define NBAD_KEYS 17

static void
check_bad_key(size_t i)
{
	uint8_t enc[RT_KEY_MAX];
	char buf[RT_KEY_STRLEN];
	struct rt_key k;

	bad_key((int)i, &k);
	ck_assert_msg(rt_key_encode(&k, enc) == 0, "bad key %zu encoded", i);
	ck_assert_msg(rt_key_print(&k, buf, sizeof(buf)) == NULL,
	    "bad key %zu printed", i);
	ck_assert_msg(!rt_key_within(&k, &k), "bad key %zu within", i);
}

TABLE_TEST(bad_key, NBAD_KEYS)

/* Fields a family does not use change nothing. */
START_TEST(test_unused_fields)
{
	uint8_t e1[RT_KEY_MAX], e2[RT_KEY_MAX];
	char buf[RT_KEY_STRLEN];
	struct rt_key k, junk;
	size_t len;

	parse_ok(RT_INET, "10.1.1.0/24", &k);
	junk = k;
	junk.rd.b[0] = 0xff;
	junk.evpn_type = 9;
	junk.eth_tag = 7;
	junk.mac.b[0] = 1;
	junk.ip.af = AF_UNIX;
	junk.origin_as = 1;
	junk.rtarget = 1;
	junk.rt_plen = 3;
	len = rt_key_encode(&k, e1);
	ck_assert_uint_eq(rt_key_encode(&junk, e2), len);
	ck_assert_mem_eq(e1, e2, len);
	ck_assert_str_eq(rt_key_print(&junk, buf, sizeof(buf)), "10.1.1.0/24");

	parse_ok(RT_EVPN, "3-0:0-0-10.0.0.1", &k);
	junk = k;
	junk.prefix.len = 99;
	junk.mac.b[5] = 1;
	len = rt_key_encode(&k, e1);
	ck_assert_uint_eq(rt_key_encode(&junk, e2), len);
	ck_assert_mem_eq(e1, e2, len);
}
END_TEST

/*
 * Order: within a family encodings sort by RD, then address (memcmp of
 * the common length, then length).
 */

static int
enc_cmp(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	int c = memcmp(a, b, MIN(la, lb));

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

static const struct {
	enum rt_family fam;
	const char *const keys[10]; /* increasing; NULL-terminated */
} sorted[] = {
    {RT_INET,
	{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "10.1.1.0/24",
	    "11.0.0.0/8", NULL}},
    {RT_INET6,
	{"::/0", "::1/128", "fd00::/8", "fd00::/64", "fd00::1/128", NULL}},
    {RT_L3VPN,
	{"1:1:10.0.0.0/8", "1:1:11.0.0.0/8", "1:2:10.0.0.0/8", "2:0:9.0.0.0/8",
	    "0.0.0.1:0:1.0.0.0/8", "10.0.0.1:7:1.0.0.0/8", "65536:0:1.0.0.0/8",
	    NULL}},
    {RT_L3VPN6,
	{"1:1:fd00::/64", "1:1:fd00:1::/64", "1:2:::/0", "1.1.1.1:1:::/0",
	    NULL}},
    {RT_EVPN,
	{"2-0:0-0-02:00:00:00:00:01,0.0.0.0",
	    "2-0:0-0-02:00:00:00:00:01,10.0.0.1",
	    "2-0:0-0-02:00:00:00:00:01,10.0.0.2",
	    "2-0:0-0-02:00:00:00:00:01,fd00::1",
	    "2-0:0-0-02:00:00:00:00:02,0.0.0.0",
	    "2-0:0-1-02:00:00:00:00:00,0.0.0.0", "3-0:0-0-10.0.0.1",
	    "3-0:0-0-fd00::1", "5-0:0-0-10.0.0.0/8",
	    "2-0:1-0-02:00:00:00:00:00,0.0.0.0"}},
    {RT_RTARGET,
	{"0:0:0", "0:0x0000000000000000/32", "1:0x0000000000000000/32",
	    "1:target:1:1", "1:target:1:2", "1:target:1.0.0.0:0",
	    "2:0x0000000000000000/32", NULL}},
};

START_TEST(test_order)
{
	uint8_t prev[RT_KEY_MAX], cur[RT_KEY_MAX];
	size_t lp = 0, lc, i;
	struct rt_key k;

	for (i = 0; i < nitems(sorted[_i].keys) && sorted[_i].keys[i]; i++) {
		parse_ok(sorted[_i].fam, sorted[_i].keys[i], &k);
		lc = rt_key_encode(&k, cur);
		ck_assert_uint_gt(lc, 0);
		if (i > 0)
			ck_assert_msg(enc_cmp(prev, lp, cur, lc) < 0,
			    "%s does not sort before %s",
			    sorted[_i].keys[i - 1], sorted[_i].keys[i]);
		memcpy(prev, cur, lc);
		lp = lc;
	}
}
END_TEST

/*
 * Route distinguishers.
 */

static const struct {
	const char *text;
	const char *enc;
} rd_good[] = {
    {"0:0", "0000 0000 00000000"},
    {"64512:1", "0000 fc00 00000001"},
    {"65535:4294967295", "0000 ffff ffffffff"},
    {"1.2.3.4:5", "0001 01020304 0005"},
    {"0.0.0.0:0", "0001 00000000 0000"},
    {"255.255.255.255:65535", "0001 ffffffff ffff"},
    {"65536:0", "0002 00010000 0000"},
    {"4294967295:65535", "0002 ffffffff ffff"},
};

START_TEST(test_rd_good)
{
	uint8_t want[8];
	char buf[RT_RD_STRLEN];
	struct rt_rd rd, again;
	size_t n = strlen(rd_good[_i].text);

	ck_assert_int_eq(rt_rd_parse(rd_good[_i].text, &rd), 0);
	ck_assert_uint_eq(unhex(rd_good[_i].enc, want, sizeof(want)), 8);
	ck_assert_mem_eq(rd.b, want, 8);
	ck_assert_str_eq(rt_rd_print(&rd, buf, sizeof(buf)), rd_good[_i].text);
	ck_assert_int_eq(rt_rd_parse(buf, &again), 0);
	ck_assert_mem_eq(again.b, rd.b, 8);
	ck_assert(rt_rd_is_zero(&rd) == (_i == 0));
	ck_assert_ptr_nonnull(rt_rd_print(&rd, buf, n + 1));
	ck_assert_ptr_null(rt_rd_print(&rd, buf, n));
}
END_TEST

static const char *const rd_bad[] = {
    "",
    ":",
    "1",
    "1:",
    ":1",
    "1:2:3",
    "01:1",
    "1:01",
    "a:1",
    "1:a",
    "-1:1",
    "1:-1",
    " 1:1",
    "1:1 ",
    "65535:4294967296",
    "65536:65536",
    "4294967296:1",
    "1.2.3.4:65536",
    "1.2.3:4",
    "1.2.3.4.5:6",
    "1.2.3.256:4",
    "::1:4",
    "0x10:1",
    "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17",
};

static void
check_rd_bad(size_t i)
{
	struct rt_rd rd;

	memset(&rd, 0x5c, sizeof(rd));
	ck_assert_msg(rt_rd_parse(rd_bad[i], &rd) == -EINVAL, "accepted \"%s\"",
	    rd_bad[i]);
	ck_assert_uint_eq(rd.b[0], 0x5c);
}

TABLE_TEST(rd_bad, nitems(rd_bad))

START_TEST(test_rd_make_print)
{
	char buf[RT_RD_STRLEN];
	struct rt_rd rd;

	rt_rd_make_ip(&rd, 0x0a000001, 7);
	ck_assert_str_eq(rt_rd_print(&rd, buf, sizeof(buf)), "10.0.0.1:7");
	ck_assert(!rt_rd_is_zero(&rd));
	rt_rd_make_ip(&rd, 0, 0);
	ck_assert(!rt_rd_is_zero(&rd)); /* type 1 */

	/* No text form: type 2 with a 2-byte AS, types 3 and up. */
	ck_assert_int_eq(rt_rd_parse("65536:1", &rd), 0);
	rd.b[3] = 0;
	ck_assert_ptr_null(rt_rd_print(&rd, buf, sizeof(buf)));
	memset(&rd, 0, sizeof(rd));
	rd.b[1] = 3;
	ck_assert_ptr_null(rt_rd_print(&rd, buf, sizeof(buf)));
	rd.b[0] = 1;
	rd.b[1] = 0;
	ck_assert_ptr_null(rt_rd_print(&rd, buf, sizeof(buf)));
}
END_TEST

START_TEST(test_family_names)
{
	static const char *const names[] = {
	    "inet", "inet6", "evpn", "l3vpn", "l3vpn-inet6", "rtarget"};
	enum rt_family fam;
	int i;

	ck_assert_uint_eq(nitems(names), RT_FAMILY_MAX);
	for (i = 0; i < RT_FAMILY_MAX; i++) {
		ck_assert_str_eq(rt_family_name((enum rt_family)i), names[i]);
		ck_assert_int_eq(rt_family_parse(names[i], &fam), 0);
		ck_assert_int_eq(fam, i);
	}
	ck_assert_ptr_null(rt_family_name(RT_FAMILY_MAX));
	ck_assert_int_eq(rt_family_parse("INET", &fam), -EINVAL);
	ck_assert_int_eq(rt_family_parse("inet ", &fam), -EINVAL);
	ck_assert_int_eq(rt_family_parse("", &fam), -EINVAL);
	ck_assert_int_eq(rt_family_parse("l3vpn6", &fam), -EINVAL);
}
END_TEST

/*
 * Strip and add the RD.
 */

static const struct {
	enum rt_family vpn_fam;
	const char *vpn;
	enum rt_family ri_fam;
	const char *ri;
} strip[] = {
    {RT_L3VPN, "64512:1:10.1.1.0/24", RT_INET, "10.1.1.0/24"},
    {RT_L3VPN, "10.0.0.1:3:10.1.1.3/32", RT_INET, "10.1.1.3/32"},
    {RT_L3VPN6, "4200000000:1:fd00::/64", RT_INET6, "fd00::/64"},
    {RT_EVPN, "2-10.0.0.1:3-0-02:00:00:00:00:01,10.1.1.3", RT_EVPN,
	"2-0:0-0-02:00:00:00:00:01,10.1.1.3"},
    {RT_EVPN, "3-10.0.0.1:1-5-10.0.0.1", RT_EVPN, "3-0:0-5-10.0.0.1"},
    {RT_EVPN, "5-64512:2-7-2001:db8::/32", RT_EVPN, "5-0:0-7-2001:db8::/32"},
};

START_TEST(test_strip_add_rd)
{
	char buf[RT_KEY_STRLEN];
	struct rt_key vpn, ri, back, inplace;

	parse_ok(strip[_i].vpn_fam, strip[_i].vpn, &vpn);
	rt_key_strip_rd(&vpn, &ri);
	ck_assert_int_eq(ri.family, strip[_i].ri_fam);
	ck_assert(rt_rd_is_zero(&ri.rd));
	ck_assert_str_eq(rt_key_print(&ri, buf, sizeof(buf)), strip[_i].ri);
	rt_key_add_rd(&ri, &vpn.rd, &back);
	ck_key_eq(&back, &vpn);

	/* In place. */
	inplace = vpn;
	rt_key_strip_rd(&inplace, &inplace);
	ck_key_eq(&inplace, &ri);
	rt_key_add_rd(&inplace, &vpn.rd, &inplace);
	ck_key_eq(&inplace, &vpn);
}
END_TEST

START_TEST(test_strip_add_rtarget)
{
	struct rt_key k, out;
	struct rt_rd rd;

	parse_ok(RT_RTARGET, "64512:target:64512:1", &k);
	rt_key_strip_rd(&k, &out);
	ck_key_eq(&out, &k);
	ck_assert_int_eq(rt_rd_parse("1:1", &rd), 0);
	rt_key_add_rd(&k, &rd, &out);
	ck_key_eq(&out, &k);
}
END_TEST

/*
 * rt_key_within.
 */

static const struct {
	enum rt_family fam;
	const char *a, *b;
	bool within;
} within[] = {
    {RT_INET, "10.1.1.0/24", "10.0.0.0/8", true},
    {RT_INET, "10.0.0.0/8", "10.1.1.0/24", false},
    {RT_INET, "10.1.1.0/24", "10.1.1.0/24", true},
    {RT_INET, "11.0.0.0/8", "10.0.0.0/8", false},
    {RT_INET, "10.0.0.0/8", "10.0.0.0/7", true},
    {RT_INET, "11.0.0.0/8", "10.0.0.0/7", true},
    {RT_INET, "10.0.0.0/7", "10.0.0.0/8", false},
    {RT_INET, "12.0.0.0/8", "10.0.0.0/7", false},
    {RT_INET, "255.255.255.255/32", "0.0.0.0/0", true},
    {RT_INET6, "fd00::1/128", "fd00::/8", true},
    {RT_INET6, "fe00::/8", "fd00::/8", false},
    {RT_L3VPN, "1:1:10.1.0.0/16", "1:1:10.0.0.0/8", true},
    {RT_L3VPN, "1:2:10.1.0.0/16", "1:1:10.0.0.0/8", false},
    {RT_L3VPN, "1:1:10.0.0.0/8", "1:1:10.1.0.0/16", false},
    {RT_L3VPN6, "1:1:fd00::/64", "1:1:::/0", true},
    {RT_L3VPN6, "1:1:fd00::/64", "1.0.0.0:1:::/0", false},
    {RT_EVPN, "5-0:0-0-10.1.0.0/16", "5-0:0-0-10.0.0.0/8", true},
    {RT_EVPN, "5-0:0-0-10.0.0.0/8", "5-0:0-0-10.1.0.0/16", false},
    {RT_EVPN, "5-0:0-1-10.1.0.0/16", "5-0:0-0-10.0.0.0/8", false},
    {RT_EVPN, "5-0:1-0-10.1.0.0/16", "5-0:0-0-10.0.0.0/8", false},
    {RT_EVPN, "5-0:0-0-fd00::/64", "5-0:0-0-0.0.0.0/0", false},
    {RT_EVPN, "5-0:0-0-fd00::/64", "5-0:0-0-::/0", true},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,10.0.0.1",
	"2-0:0-0-02:00:00:00:00:01,10.0.0.1", true},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,10.0.0.1",
	"2-0:0-0-02:00:00:00:00:01,0.0.0.0", false},
    {RT_EVPN, "2-0:0-0-02:00:00:00:00:01,10.0.0.1",
	"2-0:1-0-02:00:00:00:00:01,10.0.0.1", false},
    {RT_EVPN, "3-0:0-0-10.0.0.1", "3-0:0-0-10.0.0.1", true},
    {RT_EVPN, "3-0:0-0-10.0.0.1", "3-0:0-0-10.0.0.2", false},
    {RT_EVPN, "5-0:0-0-10.0.0.1/32", "3-0:0-0-10.0.0.1", false},
    {RT_RTARGET, "64512:target:64512:1", "0:0:0", true},
    {RT_RTARGET, "0:0:0", "0:0:0", true},
    {RT_RTARGET, "0:0:0", "64512:target:64512:1", false},
    {RT_RTARGET, "64512:target:64512:1", "64512:target:64512:1", true},
    {RT_RTARGET, "64512:target:64512:1", "64512:target:64512:2", false},
    {RT_RTARGET, "64512:target:64512:1", "64512:0x0000000000000000/32", true},
    {RT_RTARGET, "64512:target:64512:1", "64513:0x0000000000000000/32", false},
    {RT_RTARGET, "64512:target:64512:1", "64512:0x0002fc0000000000/64", true},
    {RT_RTARGET, "64512:target:64512:1", "64512:0x0002fc0000000000/57", true},
    {RT_RTARGET, "64512:target:64512:1", "64512:0x0002fd0000000000/57", false},
    {RT_RTARGET, "64512:0x0002fc0000000000/64", "64512:target:64512:1", false},
};

static void
check_within(size_t i)
{
	struct rt_key a, b;

	parse_ok(within[i].fam, within[i].a, &a);
	parse_ok(within[i].fam, within[i].b, &b);
	ck_assert_msg(rt_key_within(&a, &b) == within[i].within, "%s within %s",
	    within[i].a, within[i].b);
}

TABLE_TEST(within, nitems(within))

START_TEST(test_within_families)
{
	struct rt_key a, b;

	parse_ok(RT_INET, "10.0.0.0/8", &a);
	parse_ok(RT_L3VPN, "0:0:10.0.0.0/8", &b);
	ck_assert(!rt_key_within(&a, &b));
	ck_assert(!rt_key_within(&b, &a));
	rt_key_strip_rd(&b, &b);
	ck_assert(rt_key_within(&a, &b));
}
END_TEST

Suite *
cn_rtkey_suite(void)
{
	Suite *s = suite_create("cn_rtkey");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_good_round_trip, 0, (int)nitems(good));
	tcase_add_test(tc, test_unused_fields);
	tcase_add_loop_test(tc, test_order, 0, (int)nitems(sorted));
	tcase_add_loop_test(tc, test_rd_good, 0, (int)nitems(rd_good));
	tcase_add_test(tc, test_rd_make_print);
	tcase_add_test(tc, test_family_names);
	tcase_add_loop_test(tc, test_strip_add_rd, 0, (int)nitems(strip));
	tcase_add_test(tc, test_strip_add_rtarget);
	tcase_add_test(tc, test_within);
	tcase_add_test(tc, test_within_families);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_good_truncated);
	tcase_add_test(tc, test_good_mutated);
	tcase_add_test(tc, test_good_other_family);
	tcase_add_test(tc, test_bad_text);
	tcase_add_test(tc, test_long_text);
	tcase_add_test(tc, test_bad_enc);
	tcase_add_test(tc, test_bad_key);
	tcase_add_test(tc, test_rd_bad);
	suite_add_tcase(s, tc);
	return s;
}
