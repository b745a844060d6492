/*
 * DOC: check_common_xalloc.c - tests of common/xalloc.c.
 *
 * The allocators return usable, unique memory even for zero sizes, copy
 * exactly, and abort (SIGABRT via fatalx) on size overflow and on OOM
 * instead of returning NULL.  str_lcpy is checked against strlcpy(3)'s
 * contract at every buffer size around the string length.
 */
#include "common/common.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/suites.h"

START_TEST(test_xalloc_zero)
{
	char *a, *b, *c;

	a = xmalloc(0);
	b = xmalloc(0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_ne(a, b);
	c = xcalloc(0, 16);
	ck_assert_ptr_nonnull(c);
	free(c);
	c = xcalloc(16, 0);
	ck_assert_ptr_nonnull(c);
	/* realloc(p, 0) may free p; xrealloc must not. */
	a = xrealloc(a, 0);
	ck_assert_ptr_nonnull(a);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_xalloc_contents)
{
	uint32_t *v;
	char *s;
	size_t i;

	v = xcalloc(1000, sizeof(*v));
	for (i = 0; i < 1000; i++) {
		ck_assert_uint_eq(v[i], 0);
		v[i] = (uint32_t)i * 7;
	}
	v = xreallocarray(v, 100000, sizeof(*v));
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(v[i], i * 7);
	v = xrealloc(v, 10 * sizeof(*v));
	ck_assert_uint_eq(v[9], 63);
	free(v);

	s = xstrdup("mirador");
	ck_assert_str_eq(s, "mirador");
	free(s);
	s = xstrndup("mirador", 3);
	ck_assert_str_eq(s, "mir");
	free(s);
	s = xstrndup("ab", 100); /* n past the end: stops at the NUL */
	ck_assert_str_eq(s, "ab");
	free(s);
	s = xmemdup("a\0b", 3);
	ck_assert_int_eq(memcmp(s, "a\0b", 3), 0);
	free(s);
	s = xasprintf("%s-%d-%05.1f", "x", -3, 2.5);
	ck_assert_str_eq(s, "x--3-002.5");
	free(s);
}
END_TEST

/* str_lcpy at every size from 0 to past the string's length. */
START_TEST(test_xalloc_lcpy)
{
	const char *src = "route-target";
	size_t size, len = strlen(src);
	char dst[32];

	for (size = 0; size < 16; size++) {
		memset(dst, 'X', sizeof(dst));
		ck_assert_uint_eq(str_lcpy(dst, src, size), len);
		if (size == 0) {
			ck_assert_int_eq(dst[0], 'X'); /* nothing written */
			continue;
		}
		ck_assert_uint_eq(strlen(dst), MIN(len, size - 1));
		ck_assert_int_eq(strncmp(dst, src, size - 1), 0);
		ck_assert_int_eq(dst[size], 'X'); /* nothing past size */
	}
}
END_TEST

/* Each of these must abort, not return. */
START_TEST(test_xalloc_overflow_array)
{
	void *p = xreallocarray(NULL, SIZE_MAX / 2 + 1, 2);

	ck_abort_msg("xreallocarray returned %p", p);
}
END_TEST

START_TEST(test_xalloc_overflow_calloc)
{
	void *p = xcalloc(SIZE_MAX / 8, 16);

	ck_abort_msg("xcalloc returned %p", p);
}
END_TEST

START_TEST(test_xalloc_oom)
{
	/* Passes no overflow check, but no allocator can serve it. */
	void *p = xmalloc(SIZE_MAX - 4096);

	ck_abort_msg("xmalloc returned %p", p);
}
END_TEST

START_TEST(test_xalloc_oom_realloc)
{
	void *p = xrealloc(NULL, SIZE_MAX / 2);

	ck_abort_msg("xrealloc returned %p", p);
}
END_TEST

Suite *
common_xalloc_suite(void)
{
	Suite *s = suite_create("common_xalloc");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_xalloc_zero);
	tcase_add_test(tc, test_xalloc_contents);
	tcase_add_test(tc, test_xalloc_lcpy);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, common_quiet, common_unquiet);
	tcase_add_test_raise_signal(tc, test_xalloc_overflow_array, SIGABRT);
	tcase_add_test_raise_signal(tc, test_xalloc_overflow_calloc, SIGABRT);
	tcase_add_test_raise_signal(tc, test_xalloc_oom, SIGABRT);
	tcase_add_test_raise_signal(tc, test_xalloc_oom_realloc, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
