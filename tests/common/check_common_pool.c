/*
 * DOC: check_common_pool.c - tests of common/pool.c.
 *
 * Objects are zeroed, aligned, distinct across several chunks, and a
 * freed one is handed out again (cleared) before any new memory; the
 * counts follow.  Under ASan the tests also check that free objects are
 * poisoned, and a double free aborts.
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

#define NOBJS 20000 /* several chunks of every size tested */

static const size_t sizes[] = {1, 8, 13, 40, 72, 100, 1000};

static void
assert_poisoned(const void *p, bool yes)
{
#if defined(__SANITIZE_ADDRESS__)
	ck_assert_int_eq(__asan_address_is_poisoned(p) != 0, yes);
#else
	(void)p;
	(void)yes;
#endif
}

/* True when the n bytes at p are all v. */
static bool
all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

START_TEST(test_pool_objects)
{
	size_t size = sizes[_i], i;
	uint8_t **v = xcalloc(NOBJS, sizeof(*v));
	struct pool p;

	pool_init(&p, size);
	ck_assert_uint_ge(p.size, size);
	ck_assert_uint_eq(p.size % sizeof(void *), 0);
	for (i = 0; i < NOBJS; i++) {
		v[i] = pool_zalloc(&p);
		ck_assert_uint_eq((uintptr_t)v[i] % sizeof(void *), 0);
		ck_assert(all_bytes(v[i], size, 0));
		memset(v[i], (int)(i & 0xff), size);
	}
	ck_assert_uint_eq(p.nobjs, NOBJS);
	ck_assert_uint_gt(p.nchunks, 1);
	ck_assert_uint_ge(pool_bytes(&p), NOBJS * p.size);
	/* No overlap: every object still holds its own byte. */
	for (i = 0; i < NOBJS; i++)
		ck_assert(all_bytes(v[i], size, (uint8_t)(i & 0xff)));
	for (i = 0; i < NOBJS; i++)
		pool_free(&p, v[i]);
	ck_assert_uint_eq(p.nobjs, 0);
	pool_fini(&p);
	free(v);
}
END_TEST

START_TEST(test_pool_reuse)
{
	uint8_t *a, *b, *c;
	struct pool p;
	size_t chunks;

	pool_init(&p, 40);
	a = pool_zalloc(&p);
	b = pool_zalloc(&p);
	memset(a, 0xaa, 40);
	memset(b, 0xbb, 40);
	chunks = p.nchunks;
	pool_free(&p, a);
	assert_poisoned(a, true);
	assert_poisoned(b, false);
	pool_free(&p, NULL);
	ck_assert_uint_eq(p.nobjs, 1);
	/* The freed object comes back first, cleared. */
	c = pool_zalloc(&p);
	ck_assert_ptr_eq(c, a);
	ck_assert_uint_eq(c[0], 0);
	ck_assert_uint_eq(c[39], 0);
	ck_assert_uint_eq(b[39], 0xbb);
	ck_assert_uint_eq(p.nchunks, chunks);
	ck_assert_uint_eq(p.nobjs, 2);
	pool_free(&p, b);
	pool_free(&p, c);
	pool_fini(&p);
	ck_assert_uint_eq(p.nchunks, 0);
}
END_TEST

/* More frees than allocations: an invariant is broken. */
START_TEST(test_pool_free_empty)
{
	struct pool p;
	void *a;

	pool_init(&p, 16);
	a = pool_zalloc(&p);
	pool_free(&p, a);
#if defined(__SANITIZE_ADDRESS__)
	/* A double free is caught at once (the object is poisoned). */
	pool_free(&p, a);
#else
	pool_free(&p, &p);
#endif
}
END_TEST

Suite *
common_pool_suite(void)
{
	Suite *s = suite_create("common_pool");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_pool_objects, 0, (int)nitems(sizes));
	tcase_add_test(tc, test_pool_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, common_quiet, common_unquiet);
	tcase_add_test_raise_signal(tc, test_pool_free_empty, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
