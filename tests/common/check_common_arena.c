/*
 * DOC: check_common_arena.c - tests of common/arena.c.
 *
 * Allocations are aligned for any type and never overlap, big requests
 * get chunks of their own, reset reuses the first chunk, and save/restore
 * hands back exactly the memory allocated after the mark.  Leaks of
 * chunks show up under LeakSanitizer; under ASan the tests also check
 * that memory given back is poisoned.
 */
#include "common/common.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "tests/common/suites.h"

#define ALIGN _Alignof(max_align_t)

/* Asserts that p is poisoned (only meaningful under ASan). */
static void
assert_poisoned(const void *p)
{
#if defined(__SANITIZE_ADDRESS__)
	ck_assert_int_ne(__asan_address_is_poisoned(p), 0);
#else
	(void)p;
#endif
}

/*
 * Sizes 0..299, each filled with its own byte and checked afterwards:
 * an overlap or a misaligned pointer fails.
 */
START_TEST(test_arena_align)
{
	uint8_t *p[300];
	struct arena a;
	size_t i, j, total = 0;

	arena_init(&a, 512);
	for (i = 0; i < nitems(p); i++) {
		p[i] = arena_alloc(&a, i);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uintptr_t)p[i] % ALIGN, 0);
		memset(p[i], (int)(i & 0xff), i);
		total += (MAX(i, 1) + ALIGN - 1) / ALIGN * ALIGN;
		ck_assert_uint_eq(arena_used(&a), total);
	}
	for (i = 0; i < nitems(p); i++) {
		for (j = 0; j < i; j++)
			ck_assert_uint_eq(p[i][j], i & 0xff);
		if (i > 0) /* zero-byte requests get unique pointers too */
			ck_assert_ptr_ne(p[i], p[i - 1]);
	}
	arena_fini(&a);
	ck_assert_uint_eq(arena_used(&a), 0);
}
END_TEST

START_TEST(test_arena_copies)
{
	struct arena a;
	uint8_t *z;
	char *s;
	size_t i;

	arena_init(&a, 0); /* default chunk size */
	z = arena_alloc(&a, 64);
	memset(z, 0xff, 64);
	arena_reset(&a);
	z = arena_zalloc(&a, 64); /* the same memory, zeroed again */
	for (i = 0; i < 64; i++)
		ck_assert_uint_eq(z[i], 0);
	ck_assert_str_eq(arena_strdup(&a, "bgp"), "bgp");
	ck_assert_str_eq(arena_strndup(&a, "xmpp-server", 4), "xmpp");
	ck_assert_str_eq(arena_strndup(&a, "ab", 10), "ab");
	s = arena_memdup(&a, "a\0b", 3);
	ck_assert_int_eq(memcmp(s, "a\0b", 3), 0);
	s = arena_printf(&a, "%s:%u", "target:64512", 100u);
	ck_assert_str_eq(s, "target:64512:100");
	s = arena_printf(&a, "%05000d", 1); /* longer than a chunk */
	ck_assert_uint_eq(strlen(s), 5000);
	ck_assert_int_eq(s[4999], '1');
	arena_fini(&a);
}
END_TEST

/*
 * A big request gets its own chunk: the regular chunk it interrupts is
 * not touched, and small allocations go on in a regular chunk.
 */
START_TEST(test_arena_big)
{
	struct arena a;
	uint8_t *small, *big, *next;

	arena_init(&a, 256);
	small = arena_alloc(&a, 16);
	big = arena_alloc(&a, 1 << 20);
	ck_assert_uint_eq((uintptr_t)big % ALIGN, 0);
	memset(big, 0x5a, 1 << 20);
	next = arena_alloc(&a, 16);
	memset(next, 1, 16);
	ck_assert(next < big || next >= big + (1 << 20));
	ck_assert(small + 16 <= next || next + 16 <= small);
	ck_assert_uint_eq(big[(1 << 20) - 1], 0x5a);
	ck_assert_uint_eq(arena_used(&a), 16 + (1 << 20) + 16);
	arena_fini(&a);

	/* An arena whose first chunk is big keeps no chunk on reset. */
	arena_init(&a, 256);
	big = arena_alloc(&a, 4096);
	arena_reset(&a);
	ck_assert_ptr_null(a.head);
	arena_fini(&a);
}
END_TEST

/* reset frees all but the first chunk and starts again at its base. */
START_TEST(test_arena_reset)
{
	struct arena a;
	uint8_t *first, *p = NULL;
	int i;

	arena_init(&a, 256);
	first = arena_alloc(&a, 24);
	for (i = 0; i < 100; i++)
		p = arena_alloc(&a, 100);
	arena_reset(&a);
	ck_assert_uint_eq(arena_used(&a), 0);
	assert_poisoned(p);
	assert_poisoned(first);
	ck_assert_ptr_eq(arena_alloc(&a, 24), first);
	arena_reset(&a);
	arena_reset(&a); /* twice is fine */
	ck_assert_ptr_eq(arena_alloc(&a, 200), first);
	arena_fini(&a);
	arena_fini(&a); /* so is fini after fini */
}
END_TEST

/* restore hands back what came after the mark; marks nest. */
START_TEST(test_arena_save_restore)
{
	struct arena_mark m0, m1, m2;
	struct arena a;
	char *keep, *after, *again, *p;
	size_t used;
	int i;

	arena_init(&a, 256);
	m0 = arena_save(&a); /* on an empty arena */
	keep = arena_strdup(&a, "keep me");
	m1 = arena_save(&a);
	used = arena_used(&a);
	after = arena_alloc(&a, 8);
	m2 = arena_save(&a);
	for (i = 0; i < 50; i++) /* several chunks, one big */
		p = arena_alloc(&a, i == 25 ? 10000 : 64);
	arena_restore(&a, m2);
	assert_poisoned(p);
	ck_assert_ptr_eq(arena_alloc(&a, 8), after + ALIGN);
	arena_restore(&a, m1);
	ck_assert_uint_eq(arena_used(&a), used);
	again = arena_alloc(&a, 8);
	ck_assert_ptr_eq(again, after);
	ck_assert_str_eq(keep, "keep me");

	/* A mark from before the first allocation works like reset. */
	arena_restore(&a, m0);
	ck_assert_uint_eq(arena_used(&a), 0);
	ck_assert_ptr_eq(arena_alloc(&a, 1), keep);
	arena_fini(&a);
}
END_TEST

/* Sizes no arena can serve: past size_t once rounded, and too big. */
static const size_t bad_sizes[] = {SIZE_MAX - 2, SIZE_MAX / 2};

START_TEST(test_arena_too_big)
{
	struct arena a;
	void *p;

	ck_assert_int_eq(log_open_file("/dev/null"), 0);
	arena_init(&a, 256);
	p = arena_alloc(&a, bad_sizes[_i]);
	ck_abort_msg("arena_alloc returned %p", p);
}
END_TEST

Suite *
common_arena_suite(void)
{
	Suite *s = suite_create("common_arena");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_arena_align);
	tcase_add_test(tc, test_arena_copies);
	tcase_add_test(tc, test_arena_reset);
	tcase_add_test(tc, test_arena_save_restore);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_arena_big);
	tcase_add_loop_test_raise_signal(
	    tc, test_arena_too_big, SIGABRT, 0, (int)nitems(bad_sizes));
	suite_add_tcase(s, tc);
	return s;
}
