/*
 * DOC: check_common_buf.c - tests of the bounded reader and writer.
 *
 * Reader cases are tables of wire bytes with the sequence of gets a
 * decoder would make and the values it must see.  Each case is replayed
 * on every truncation of its bytes: the gets that fit succeed with the
 * same values, the first that does not fails and leaves the reader where
 * it was.  Writer cases check bounds (nothing written past cap or max),
 * growth, fix-ups, and that what the writer puts the reader gets back.
 */
#include "common/common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/suites.h"

enum rop_kind {
	ROP_END = 0,
	ROP_U8,
	ROP_U16,
	ROP_U24,
	ROP_U32,
	ROP_U64,
	ROP_BYTES, /* n bytes, compared big-endian with v */
	ROP_PTR,   /* as BYTES, through buf_get_ptr */
	ROP_SKIP,  /* n bytes */
	ROP_PEEK,  /* next u8 is v, nothing consumed */
	ROP_SUB,   /* sub-reader of n bytes whose u8s, big-endian, are v */
};

struct rop {
	enum rop_kind kind;
	size_t n; /* BYTES, PTR, SKIP, SUB */
	uint64_t v;
};

struct rcase {
	const char *name;
	uint8_t bytes[40];
	size_t len;
	struct rop ops[12];
};

static const struct rcase rcases[] = {
    {"bgp-header",
	{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x04},
	19,
	{{ROP_BYTES, 8, 0xffffffffffffffffULL},
	    {ROP_PTR, 8, 0xffffffffffffffffULL}, {ROP_U16, 0, 19},
	    {ROP_U8, 0, 4}}},
    {"integers",
	{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	    0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13},
	19,
	{{ROP_U24, 0, 0x010203}, {ROP_U32, 0, 0x04050607},
	    {ROP_U64, 0, 0x08090a0b0c0d0e0fULL}, {ROP_U16, 0, 0x1011},
	    {ROP_U8, 0, 0x12}, {ROP_U8, 0, 0x13}}},
    {"high-bits",
	{0x80, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5,
	    0xf4, 0xf3, 0xf2, 0xf1, 0xf0, 0xef},
	18,
	{{ROP_U8, 0, 0x80}, {ROP_U64, 0, 0xfffefdfcfbfaf9f8ULL},
	    {ROP_U32, 0, 0xf7f6f5f4}, {ROP_U24, 0, 0xf3f2f1},
	    {ROP_U16, 0, 0xf0ef}}},
    {"tlv",
	/* type 1, len 4, value; type 2, len 2, value; trailer */
	{0x01, 0x04, 0xde, 0xad, 0xbe, 0xef, 0x02, 0x02, 0x12, 0x34, 0x99}, 11,
	{{ROP_PEEK, 0, 0x01}, {ROP_U8, 0, 0x01}, {ROP_U8, 0, 4},
	    {ROP_SUB, 4, 0xdeadbeef}, {ROP_PEEK, 0, 0x02}, {ROP_SKIP, 1, 0},
	    {ROP_U8, 0, 2}, {ROP_SUB, 2, 0x1234}, {ROP_SKIP, 1, 0}}},
    {"empty-reads", {0x42}, 1,
	{{ROP_BYTES, 0, 0}, {ROP_SKIP, 0, 0}, {ROP_SUB, 0, 0},
	    {ROP_U8, 0, 0x42}, {ROP_SKIP, 0, 0}, {ROP_PTR, 0, 0}}},
};

/* Bytes an op needs to find, and bytes it consumes. */
static void
rop_size(const struct rop *op, size_t *need, size_t *adv)
{
	static const size_t width[] = {[ROP_U8] = 1,
	    [ROP_U16] = 2,
	    [ROP_U24] = 3,
	    [ROP_U32] = 4,
	    [ROP_U64] = 8,
	    [ROP_PEEK] = 1};

	switch (op->kind) {
	case ROP_BYTES:
	case ROP_PTR:
	case ROP_SKIP:
	case ROP_SUB:
		*need = *adv = op->n;
		break;
	default:
		*need = *adv = width[op->kind];
		if (op->kind == ROP_PEEK)
			*adv = 0;
	}
}

static uint64_t
be_value(const uint8_t *p, size_t n)
{
	uint64_t x = 0;

	while (n-- > 0)
		x = x << 8 | *p++;
	return x;
}

/* Runs op on b; returns the get's result and sets *v to what it read. */
static int
rop_run(const struct rop *op, struct buf *b, uint64_t *v)
{
	uint8_t u8, tmp[8];
	uint16_t u16;
	uint32_t u32;
	const uint8_t *p;
	struct buf sub;
	int rc = -1;

	*v = 0;
	switch (op->kind) {
	case ROP_U8:
		if ((rc = buf_get_u8(b, &u8)) == 0)
			*v = u8;
		break;
	case ROP_U16:
		if ((rc = buf_get_u16(b, &u16)) == 0)
			*v = u16;
		break;
	case ROP_U24:
	case ROP_U32:
		rc = op->kind == ROP_U24 ? buf_get_u24(b, &u32)
					 : buf_get_u32(b, &u32);
		if (rc == 0)
			*v = u32;
		break;
	case ROP_U64:
		rc = buf_get_u64(b, v);
		break;
	case ROP_BYTES:
		if ((rc = buf_get_bytes(b, tmp, op->n)) == 0)
			*v = be_value(tmp, op->n);
		break;
	case ROP_PTR:
		if ((p = buf_get_ptr(b, op->n)) != NULL) {
			rc = 0;
			*v = be_value(p, op->n);
		}
		break;
	case ROP_SKIP:
		rc = buf_skip(b, op->n);
		break;
	case ROP_PEEK:
		if ((rc = buf_peek_u8(b, &u8)) == 0)
			*v = u8;
		break;
	case ROP_SUB:
		if ((rc = buf_get_sub(b, op->n, &sub)) != 0)
			break;
		/* The sub-reader sees exactly its n bytes. */
		ck_assert_uint_eq(buf_left(&sub), op->n);
		while (buf_get_u8(&sub, &u8) == 0)
			*v = *v << 8 | u8;
		ck_assert_uint_eq(buf_left(&sub), 0);
		ck_assert_int_eq(buf_skip(&sub, 1), -1);
		break;
	case ROP_END:
		ck_abort_msg("ROP_END run");
	}
	return rc;
}

/* Replays case _i on each prefix of its bytes, the whole included. */
START_TEST(test_buf_read_truncated)
{
	const struct rcase *c = &rcases[_i];
	size_t cut, k, pos, need, adv;
	uint64_t v;
	struct buf b;
	uint8_t *copy;
	int rc;

	for (cut = 0; cut <= c->len; cut++) {
		/* A heap copy of exactly cut bytes: ASan sees overreads. */
		copy = xmemdup(c->bytes, cut);
		buf_init(&b, copy, cut);
		for (k = 0; c->ops[k].kind != ROP_END; k++) {
			pos = b.pos;
			rop_size(&c->ops[k], &need, &adv);
			rc = rop_run(&c->ops[k], &b, &v);
			if (pos + need > cut) {
				ck_assert_msg(rc == -1,
				    "%s cut %zu op %zu: "
				    "read past the end",
				    c->name, cut, k);
				ck_assert_uint_eq(b.pos, pos);
				ck_assert_uint_eq(b.len, cut);
				break;
			}
			ck_assert_msg(rc == 0, "%s cut %zu op %zu failed",
			    c->name, cut, k);
			ck_assert_msg(v == c->ops[k].v,
			    "%s op %zu: read %#llx, want %#llx", c->name, k,
			    (unsigned long long)v,
			    (unsigned long long)c->ops[k].v);
			ck_assert_uint_eq(b.pos, pos + adv);
		}
		/* The whole input decodes to its end, no further. */
		if (cut == c->len) {
			ck_assert_int_eq(c->ops[k].kind, ROP_END);
			ck_assert_uint_eq(buf_left(&b), 0);
		}
		free(copy);
	}
}
END_TEST

/* Sizes that would overflow pos + n must fail, not wrap. */
START_TEST(test_buf_read_huge)
{
	static const uint8_t data[4] = {1, 2, 3, 4};
	uint8_t dst[4], u8;
	struct buf b, sub;

	buf_init(&b, data, sizeof(data));
	ck_assert_int_eq(buf_get_u8(&b, &u8), 0);
	ck_assert_int_eq(buf_skip(&b, SIZE_MAX), -1);
	ck_assert_int_eq(buf_get_bytes(&b, dst, SIZE_MAX - 1), -1);
	ck_assert_int_eq(buf_get_sub(&b, SIZE_MAX, &sub), -1);
	ck_assert_ptr_null(buf_get_ptr(&b, 4));
	ck_assert_uint_eq(b.pos, 1);
	ck_assert_uint_eq(buf_left(&b), 3);

	/* A NULL buffer is an empty one, whatever len says. */
	buf_init(&b, NULL, 10);
	ck_assert_uint_eq(buf_left(&b), 0);
	ck_assert_int_eq(buf_peek_u8(&b, &u8), -1);
}
END_TEST

/* Every put on a fixed writer stops at cap and writes nothing past it. */
START_TEST(test_wbuf_fixed_bounds)
{
	uint8_t mem[16];
	struct wbuf w;
	size_t i;

	memset(mem, 0xaa, sizeof(mem));
	wbuf_init(&w, mem, 7);
	ck_assert_int_eq(wbuf_put_u32(&w, 0x01020304), 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 0x05060708), -1); /* 4 > 3 */
	ck_assert_int_eq(wbuf_put_u64(&w, 1), -1);
	ck_assert_int_eq(wbuf_put_u24(&w, 0x050607), 0);
	ck_assert_uint_eq(w.len, 7);
	ck_assert_int_eq(wbuf_put_u8(&w, 9), -1);
	ck_assert_int_eq(wbuf_put_u16(&w, 9), -1);
	ck_assert_int_eq(wbuf_put_bytes(&w, "x", 1), -1);
	ck_assert_int_eq(wbuf_put_str(&w, "x"), -1);
	ck_assert_int_eq(wbuf_printf(&w, "%d", 1), -1);
	ck_assert_int_eq(wbuf_reserve(&w, 1), -1);
	ck_assert_int_eq(wbuf_put_bytes(&w, NULL, 0), 0); /* fits */
	ck_assert_uint_eq(w.len, 7);
	for (i = 0; i < 7; i++)
		ck_assert_uint_eq(mem[i], i + 1);
	for (i = 7; i < sizeof(mem); i++)
		ck_assert_uint_eq(mem[i], 0xaa);
	wbuf_fini(&w); /* a fixed writer frees nothing */
}
END_TEST

/* printf that fills the writer exactly has no room for vsnprintf's NUL. */
START_TEST(test_wbuf_printf_exact)
{
	char mem[8];
	struct wbuf w;

	memset(mem, 'Z', sizeof(mem));
	wbuf_init(&w, mem, 5);
	ck_assert_int_eq(wbuf_printf(&w, "%s", "ab"), 0);
	ck_assert_int_eq(wbuf_printf(&w, "%d", 123), 0);
	ck_assert_int_eq(memcmp(mem, "ab123ZZZ", 8), 0);
	ck_assert_int_eq(wbuf_printf(&w, "%s", ""), 0);
	ck_assert_int_eq(wbuf_printf(&w, "x"), -1);
	ck_assert_uint_eq(w.len, 5);

	wbuf_reset(&w);
	ck_assert_int_eq(wbuf_printf(&w, "%s", "abcdef"), -1);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(mem[5], 'Z');
}
END_TEST

/* A dynamic writer grows to max bytes exactly, and not one more. */
START_TEST(test_wbuf_dynamic)
{
	struct wbuf w;
	size_t i;

	wbuf_init_dyn(&w, 1000);
	ck_assert_ptr_null(w.data); /* nothing allocated up front */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(wbuf_put_u8(&w, (uint8_t)i), 0);
	ck_assert_uint_eq(w.len, 1000);
	ck_assert_uint_le(w.cap, 1000);
	ck_assert_int_eq(wbuf_put_u8(&w, 0), -1);
	ck_assert_int_eq(wbuf_printf(&w, "x"), -1);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(w.data[i], (uint8_t)i);

	/* reset keeps the memory; one put of max bytes fits at once. */
	wbuf_reset(&w);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(wbuf_printf(&w, "%0999d", 7), 0);
	ck_assert_uint_eq(w.len, 999);
	ck_assert_int_eq(w.data[998], '7');
	wbuf_fini(&w);
	ck_assert_ptr_null(w.data);

	wbuf_init_dyn(&w, 3);
	ck_assert_int_eq(wbuf_put_u32(&w, 1), -1);
	ck_assert_ptr_null(w.data);
	ck_assert_int_eq(wbuf_put_u24(&w, 0x1000000), -1); /* not 24 bits */
	ck_assert_int_eq(wbuf_put_u24(&w, 0xabcdef), 0);
	ck_assert_int_eq(w.data[0], 0xab);
	wbuf_fini(&w);
}
END_TEST

/* Length field fixed up after the body, as encoders do. */
START_TEST(test_wbuf_fixup)
{
	struct wbuf w;
	struct buf b;
	ssize_t off, off8;
	uint16_t len16;
	uint32_t u32;
	uint8_t u8;

	wbuf_init_dyn(&w, 64);
	ck_assert_int_eq(wbuf_put_u8(&w, 2), 0);
	off = wbuf_reserve(&w, 2);
	ck_assert_int_eq(off, 1);
	ck_assert_int_eq(w.data[1] | w.data[2], 0); /* zeroed */
	off8 = wbuf_reserve(&w, 5);
	ck_assert_int_eq(off8, 3);
	ck_assert_int_eq(wbuf_put_str(&w, "hello"), 0);
	ck_assert_int_eq(wbuf_set_u16(&w, (size_t)off, (uint16_t)w.len), 0);
	ck_assert_int_eq(wbuf_set_u8(&w, (size_t)off8, 0xee), 0);
	ck_assert_int_eq(wbuf_set_u32(&w, (size_t)off8 + 1, 0xc0000201), 0);

	/* Out of range: the last byte, past it, and a wrapping offset. */
	ck_assert_int_eq(wbuf_set_u8(&w, w.len - 1, 1), 0);
	ck_assert_int_eq(wbuf_set_u8(&w, w.len, 1), -1);
	ck_assert_int_eq(wbuf_set_u16(&w, w.len - 1, 1), -1);
	ck_assert_int_eq(wbuf_set_u32(&w, SIZE_MAX - 1, 1), -1);
	ck_assert_int_eq(wbuf_set_u8(&w, w.len - 1, 'o'), 0);

	buf_init(&b, w.data, w.len);
	ck_assert_int_eq(buf_get_u8(&b, &u8), 0);
	ck_assert_uint_eq(u8, 2);
	ck_assert_int_eq(buf_get_u16(&b, &len16), 0);
	ck_assert_uint_eq(len16, 13);
	ck_assert_int_eq(buf_get_u8(&b, &u8), 0);
	ck_assert_uint_eq(u8, 0xee);
	ck_assert_int_eq(buf_get_u32(&b, &u32), 0);
	ck_assert_uint_eq(u32, 0xc0000201);
	ck_assert_int_eq(memcmp(buf_get_ptr(&b, 5), "hello", 5), 0);
	ck_assert_uint_eq(buf_left(&b), 0);
	wbuf_fini(&w);
}
END_TEST

/* What each put writes, the matching get reads back. */
START_TEST(test_wbuf_round_trip)
{
	static const uint64_t vals[] = {0, 1, 0x7f, 0x80, 0xff, 0x1234, 0xffff,
	    0xabcdef, 0x80000000, 0xffffffff, 0x0123456789abcdefULL,
	    UINT64_MAX};
	uint8_t u8;
	uint16_t u16;
	uint32_t u24, u32;
	uint64_t u64;
	struct wbuf w;
	struct buf b;
	size_t i;

	wbuf_init_dyn(&w, 4096);
	for (i = 0; i < nitems(vals); i++) {
		ck_assert_int_eq(wbuf_put_u8(&w, (uint8_t)vals[i]), 0);
		ck_assert_int_eq(wbuf_put_u16(&w, (uint16_t)vals[i]), 0);
		ck_assert_int_eq(wbuf_put_u24(&w, vals[i] & 0xffffff), 0);
		ck_assert_int_eq(wbuf_put_u32(&w, (uint32_t)vals[i]), 0);
		ck_assert_int_eq(wbuf_put_u64(&w, vals[i]), 0);
	}
	ck_assert_uint_eq(w.len, nitems(vals) * 18);
	buf_init(&b, w.data, w.len);
	for (i = 0; i < nitems(vals); i++) {
		ck_assert_int_eq(buf_get_u8(&b, &u8), 0);
		ck_assert_uint_eq(u8, vals[i] & 0xff);
		ck_assert_int_eq(buf_get_u16(&b, &u16), 0);
		ck_assert_uint_eq(u16, vals[i] & 0xffff);
		ck_assert_int_eq(buf_get_u24(&b, &u24), 0);
		ck_assert_uint_eq(u24, vals[i] & 0xffffff);
		ck_assert_int_eq(buf_get_u32(&b, &u32), 0);
		ck_assert_uint_eq(u32, vals[i] & 0xffffffff);
		ck_assert_int_eq(buf_get_u64(&b, &u64), 0);
		ck_assert_uint_eq(u64, vals[i]);
	}
	ck_assert_uint_eq(buf_left(&b), 0);
	wbuf_fini(&w);
}
END_TEST

Suite *
common_buf_suite(void)
{
	Suite *s = suite_create("common_buf");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_wbuf_fixup);
	tcase_add_test(tc, test_wbuf_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(
	    tc, test_buf_read_truncated, 0, (int)nitems(rcases));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_buf_read_huge);
	tcase_add_test(tc, test_wbuf_fixed_bounds);
	tcase_add_test(tc, test_wbuf_printf_exact);
	tcase_add_test(tc, test_wbuf_dynamic);
	suite_add_tcase(s, tc);
	return s;
}
