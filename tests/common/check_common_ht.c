/*
 * DOC: check_common_ht.c - tests of common/ht.c.
 *
 * SipHash-2-4 against the 64 published vectors (key 00..0f, messages
 * 00..n-1 for n < 64), the streaming form against the one-shot one at
 * every split, and the table: lookups among many keys and forced
 * collisions, growth at load factor 1 and shrink when sparse, stats, and
 * walks that unlink their current node while the table shrinks under them.
 */
#include "common/common.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/suites.h"

/* SipHash-2-4 of 00 01 .. n-1 under key 00 01 .. 0f, as uint64 (LE). */
static const uint64_t sip_vectors[64] = {
    0x726fdb47dd0e0e31ULL,
    0x74f839c593dc67fdULL,
    0x0d6c8009d9a94f5aULL,
    0x85676696d7fb7e2dULL,
    0xcf2794e0277187b7ULL,
    0x18765564cd99a68dULL,
    0xcbc9466e58fee3ceULL,
    0xab0200f58b01d137ULL,
    0x93f5f5799a932462ULL,
    0x9e0082df0ba9e4b0ULL,
    0x7a5dbbc594ddb9f3ULL,
    0xf4b32f46226bada7ULL,
    0x751e8fbc860ee5fbULL,
    0x14ea5627c0843d90ULL,
    0xf723ca908e7af2eeULL,
    0xa129ca6149be45e5ULL,
    0x3f2acc7f57c29bdbULL,
    0x699ae9f52cbe4794ULL,
    0x4bc1b3f0968dd39cULL,
    0xbb6dc91da77961bdULL,
    0xbed65cf21aa2ee98ULL,
    0xd0f2cbb02e3b67c7ULL,
    0x93536795e3a33e88ULL,
    0xa80c038ccd5ccec8ULL,
    0xb8ad50c6f649af94ULL,
    0xbce192de8a85b8eaULL,
    0x17d835b85bbb15f3ULL,
    0x2f2e6163076bcfadULL,
    0xde4daaaca71dc9a5ULL,
    0xa6a2506687956571ULL,
    0xad87a3535c49ef28ULL,
    0x32d892fad841c342ULL,
    0x7127512f72f27cceULL,
    0xa7f32346f95978e3ULL,
    0x12e0b01abb051238ULL,
    0x15e034d40fa197aeULL,
    0x314dffbe0815a3b4ULL,
    0x027990f029623981ULL,
    0xcadcd4e59ef40c4dULL,
    0x9abfd8766a33735cULL,
    0x0e3ea96b5304a7d0ULL,
    0xad0c42d6fc585992ULL,
    0x187306c89bc215a9ULL,
    0xd4a60abcf3792b95ULL,
    0xf935451de4f21df2ULL,
    0xa9538f0419755787ULL,
    0xdb9acddff56ca510ULL,
    0xd06c98cd5c0975ebULL,
    0xe612a3cb9ecba951ULL,
    0xc766e62cfcadaf96ULL,
    0xee64435a9752fe72ULL,
    0xa192d576b245165aULL,
    0x0a8787bf8ecb74b2ULL,
    0x81b3e73d20b49b6fULL,
    0x7fa8220ba3b2eceaULL,
    0x245731c13ca42499ULL,
    0xb78dbfaf3a8d83bdULL,
    0xea1ad565322a1a0bULL,
    0x60e61c23a3795013ULL,
    0x6606d7e446282b93ULL,
    0x6ca4ecb15c5f91e1ULL,
    0x9f626da15c9625f3ULL,
    0xe51b38608ef25f57ULL,
    0x958a324ceb064572ULL,
};

static const uint8_t test_key[16] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

struct obj {
	struct ht_node node; /* in the table under test */
	uint32_t key;        /* the object's identity */
	unsigned visits;     /* times a walk returned it */
	bool linked;         /* in the table, as the test believes */
};

static bool
obj_eq(const struct ht_node *node, const void *key)
{
	const struct obj *o = container_of(node, const struct obj, node);

	return o->key == *(const uint32_t *)key;
}

static uint64_t
obj_hash(uint32_t key)
{
	return ht_hash(&key, sizeof(key));
}

static struct obj *
obj_lookup(const struct ht *t, uint32_t key)
{
	struct ht_node *n = ht_lookup(t, obj_hash(key), &key, obj_eq);

	return n == NULL ? NULL : container_of(n, struct obj, node);
}

/* n objects with scattered keys, all linked into t. */
static struct obj *
objs_insert(struct ht *t, size_t n)
{
	struct obj *v = xcalloc(n, sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].key = (uint32_t)(i * 2654435761u);
		ht_insert(t, &v[i].node, obj_hash(v[i].key));
		v[i].linked = true;
	}
	return v;
}

/* Smallest power of two >= n, at least 8: the size a table of n has. */
static size_t
pow2_for(size_t n)
{
	size_t p = 8;

	while (p < n)
		p *= 2;
	return p;
}

/* SipHash of 00 01 .. n-1, one-shot and streamed. */
static void
check_vector(size_t n)
{
	uint8_t msg[64];
	size_t cut, i;
	struct ht_hasher h;

	for (i = 0; i < n; i++)
		msg[i] = (uint8_t)i;
	ck_assert_msg(ht_hash(msg, n) == sip_vectors[n], "len %zu: %016llx", n,
	    (unsigned long long)ht_hash(msg, n));

	/* Streaming, split in two at every point. */
	for (cut = 0; cut <= n; cut++) {
		ht_hasher_init(&h);
		ht_hasher_add(&h, msg, cut);
		ht_hasher_add(&h, msg + cut, n - cut);
		ck_assert_msg(ht_hasher_final(&h) == sip_vectors[n],
		    "len %zu cut %zu", n, cut);
	}
	/* Byte by byte, with final taken midway (it must not disturb). */
	ht_hasher_init(&h);
	for (i = 0; i < n; i++) {
		ht_hasher_add(&h, msg + i, 1);
		(void)ht_hasher_final(&h);
	}
	ck_assert(ht_hasher_final(&h) == sip_vectors[n]);
}

START_TEST(test_ht_vectors)
{
	size_t n;

	ht_seed(test_key);
	for (n = 0; n < nitems(sip_vectors); n++)
		check_vector(n);
}
END_TEST

START_TEST(test_ht_seed)
{
	static const uint8_t msg[15] = {
	    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
	uint8_t other[16];
	uint64_t h1;

	/* The paper's worked example (appendix A). */
	ht_seed(test_key);
	ck_assert(ht_hash(msg, sizeof(msg)) == 0xa129ca6149be45e5ULL);
	/* Same key, same hash; ht_hash_str is ht_hash over the bytes. */
	ck_assert(ht_hash_str("mirador") == 0x45d0c3fb55d7656fULL);
	ck_assert(ht_hash_str("") == sip_vectors[0]);

	/* Another key, another hash. */
	memcpy(other, test_key, sizeof(other));
	other[15] ^= 1;
	ht_seed(other);
	ck_assert(ht_hash_str("mirador") != 0x45d0c3fb55d7656fULL);

	/* Random keys differ from the test key and from each other. */
	ht_seed_random();
	h1 = ht_hash_str("mirador");
	ck_assert(h1 != 0x45d0c3fb55d7656fULL);
	ht_seed_random();
	ck_assert(ht_hash_str("mirador") != h1);
}
END_TEST

START_TEST(test_ht_lookup_many)
{
	struct ht_stats st;
	struct ht t;
	struct obj *v;
	size_t i, n = 32768; /* load factor 1, just before growing */
	uint32_t missing = 12345;

	ht_seed(test_key);
	ht_init(&t, 0);
	v = objs_insert(&t, n);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_eq(obj_lookup(&t, v[i].key), &v[i]);
		ck_assert_uint_ne(v[i].key, missing);
	}
	ck_assert_ptr_null(obj_lookup(&t, missing));
	/* Cache hints change nothing. */
	for (i = 0; i < n; i++) {
		ht_prefetch(&t, obj_hash(v[i].key));
		ht_prefetch_node(&t, obj_hash(v[i].key));
	}
	ht_prefetch_node(&t, obj_hash(missing));
	ht_get_stats(&t, &st);
	ck_assert_uint_eq(st.count, n);
	ck_assert_uint_eq(st.nbuckets, pow2_for(n));
	/*
	 * A keyed hash spreads like a random one: 1 - 1/e of the buckets
	 * used (63%), and no long chains.
	 */
	ck_assert_uint_gt(st.used, st.nbuckets / 2);
	ck_assert_uint_le(st.max_chain, 12);
	ht_fini(&t);
	free(v);
}
END_TEST

/* 300 keys on one hash: one chain, each still found by its key. */
START_TEST(test_ht_collisions)
{
	struct obj v[300];
	struct ht_stats st;
	struct ht t;
	size_t i;

	ht_init(&t, 1024);
	memset(v, 0, sizeof(v));
	for (i = 0; i < nitems(v); i++) {
		v[i].key = (uint32_t)i;
		ht_insert(&t, &v[i].node, 42);
	}
	ht_get_stats(&t, &st);
	ck_assert_uint_eq(st.count, 300);
	ck_assert_uint_eq(st.nbuckets, 1024);
	ck_assert_uint_eq(st.used, 1);
	ck_assert_uint_eq(st.max_chain, 300);
	for (i = 0; i < nitems(v); i++) {
		uint32_t k = (uint32_t)i;

		ck_assert_ptr_eq(ht_lookup(&t, 42, &k, obj_eq), &v[i].node);
		ck_assert_ptr_null(ht_lookup(&t, 43, &k, obj_eq));
	}
	/* Unlink from the middle, the head and the tail of the chain. */
	ht_remove(&t, &v[150].node);
	ht_remove(&t, &v[299].node);
	ht_remove(&t, &v[0].node);
	for (i = 0; i < nitems(v); i++) {
		uint32_t k = (uint32_t)i;
		struct ht_node *n = ht_lookup(&t, 42, &k, obj_eq);

		if (i == 0 || i == 150 || i == 299)
			ck_assert_ptr_null(n);
		else
			ck_assert_ptr_eq(n, &v[i].node);
	}
	ht_get_stats(&t, &st);
	ck_assert_uint_eq(st.max_chain, 297);
	ht_fini(&t);
}
END_TEST

/*
 * Grows to the next power of two when count passes nbuckets; shrinks by
 * half once under 1/8 full, never below 8; every key stays findable.
 */
START_TEST(test_ht_resize)
{
	struct ht_stats st;
	struct ht t;
	struct obj *v;
	size_t i, n = 5000;

	ht_seed(test_key);
	ht_init(&t, 0);
	ht_get_stats(&t, &st);
	ck_assert_uint_eq(st.nbuckets, 8);
	ck_assert_uint_eq(st.count + st.used + st.max_chain, 0);
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].key = (uint32_t)i;
		ht_insert(&t, &v[i].node, obj_hash(v[i].key));
		ck_assert_uint_eq(t.count, i + 1);
		ck_assert_uint_eq(t.nbuckets, pow2_for(i + 1));
	}
	for (i = 0; i < n; i++) {
		ht_remove(&t, &v[i].node);
		ck_assert_uint_eq(t.count, n - i - 1);
		ck_assert_uint_ge(t.nbuckets, 8);
		/* Not sparse: at least 1/8 full, unless at the floor. */
		ck_assert(t.nbuckets == 8 || t.count >= t.nbuckets / 8);
		ck_assert_uint_le(t.count, t.nbuckets);
		if (i % 97 == 0 && i + 1 < n)
			ck_assert_ptr_eq(
			    obj_lookup(&t, v[n - 1].key), &v[n - 1]);
	}
	ck_assert_uint_eq(t.nbuckets, 8);
	ck_assert_ptr_null(obj_lookup(&t, 0));

	/* A hint sizes the table; it may shrink below the hint later. */
	ht_fini(&t);
	ht_init(&t, 100);
	ck_assert_uint_eq(t.nbuckets, 128);
	ht_fini(&t);
	free(v);
}
END_TEST

/*
 * Walks a table of 4096 buckets holding 600 objects (the rest of 4096
 * removed beforehand), unlinking the current node when (index % 4) is in
 * mask: 0 removes none, 15 all.  Once fewer than 512 are left the table
 * shrinks under the walk, while nodes already walked are still linked;
 * each node must still be seen exactly once.
 */
static void
check_iter_remove(unsigned mask)
{
	size_t i, n = 4096, live = 600, seen = 0, left = 0;
	struct ht_iter it;
	struct ht_node *node;
	struct ht t;
	struct obj *v;

	ht_seed(test_key);
	ht_init(&t, 0);
	v = objs_insert(&t, n);
	for (i = live; i < n; i++) {
		ht_remove(&t, &v[i].node);
		v[i].linked = false;
	}
	ck_assert_uint_eq(t.nbuckets, 4096);
	for (node = ht_first(&t, &it); node != NULL; node = ht_next(&it)) {
		struct obj *o = container_of(node, struct obj, node);

		o->visits++;
		seen++;
		if (mask & (1u << ((size_t)(o - v) % 4))) {
			ht_remove(&t, node);
			o->linked = false;
		}
	}
	ck_assert_uint_eq(seen, live);
	for (i = 0; i < n; i++) {
		ck_assert_msg(v[i].visits == (i < live),
		    "mask %u: obj %zu seen %u times", mask, i, v[i].visits);
		ck_assert_ptr_eq(
		    obj_lookup(&t, v[i].key), v[i].linked ? &v[i] : NULL);
		left += v[i].linked;
	}
	ck_assert_uint_eq(t.count, left);
	/* Shrunk on the way: to the floor when all are gone. */
	ck_assert(mask == 0 || t.nbuckets < 4096);
	if (mask == 15)
		ck_assert_uint_eq(t.nbuckets, 8);
	ht_fini(&t);
	free(v);
}

START_TEST(test_ht_iter_remove)
{
	unsigned mask;

	for (mask = 0; mask < 16; mask++)
		check_iter_remove(mask);
}
END_TEST

START_TEST(test_ht_empty)
{
	struct ht_iter it;
	struct ht_stats st;
	struct ht t;
	uint32_t k = 0;

	ht_init(&t, 0);
	ck_assert_ptr_null(ht_first(&t, &it));
	ck_assert_ptr_null(ht_next(&it));
	ck_assert_ptr_null(ht_lookup(&t, 0, &k, obj_eq));
	ht_prefetch(&t, 0); /* no bucket array yet */
	ht_prefetch_node(&t, 0);
	ht_get_stats(&t, &st);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_uint_eq(st.used, 0);
	ht_fini(&t);
}
END_TEST

/* Unlinking a node that is not in the table is a broken invariant. */
START_TEST(test_ht_remove_stranger)
{
	struct obj a = {.key = 1}, b = {.key = 2};
	struct ht t;

	ck_assert_int_eq(log_open_file("/dev/null"), 0);
	ht_init(&t, 0);
	ht_insert(&t, &a.node, 7);
	b.node.hash = 7; /* same bucket, not linked */
	ht_remove(&t, &b.node);
	ck_abort_msg("ht_remove returned");
}
END_TEST

Suite *
common_ht_suite(void)
{
	Suite *s = suite_create("common_ht");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_ht_vectors);
	tcase_add_test(tc, test_ht_seed);
	tcase_add_test(tc, test_ht_lookup_many);
	tcase_add_test(tc, test_ht_collisions);
	tcase_add_test(tc, test_ht_empty);
	tcase_add_test(tc, test_ht_iter_remove);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_ht_resize);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test_raise_signal(tc, test_ht_remove_stranger, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
