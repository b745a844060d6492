/*
 * check_dp_tab_rt.c - the per-VRF inet tables (dp_rt.c): the trie
 * against a brute-force longest match over random prefixes (v4 and v6,
 * fixed seed) through inserts, replaces and deletes; host and default
 * routes; validation; nexthop refs; and a timed lookup loop.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RT_N     3000 /* random prefixes per family */
#define RT_NH0   10   /* first nexthop of the random routes */
#define RT_NNH   64   /* nexthops they use */
#define RT_PROBE 20000

static uint64_t rt_rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rt_rand(void)
{
	rt_rng ^= rt_rng << 13;
	rt_rng ^= rt_rng >> 7;
	rt_rng ^= rt_rng << 17;
	return rt_rng;
}

struct rt_ref {
	struct prefix p;
	uint32_t nh;
	bool live;
};

static void
rt_random_bytes(uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)rt_rand();
}

/* Zeroes the bits of b from len to w. */
static void
rt_mask(uint8_t *b, unsigned len, unsigned w)
{
	unsigned i;

	for (i = len; i < w; i++)
		b[i >> 3] &= (uint8_t) ~(0x80u >> (i & 7));
}

static bool
rt_same(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && memcmp(a->addr.u.b, b->addr.u.b, 16) == 0;
}

static struct dp *
rt_dp(void)
{
	struct dp *dp = dt_dp_new(16);
	uint32_t i;

	for (i = 0; i < RT_NNH; i++)
		dt_nh_discard(dp, RT_NH0 + i);
	return dp;
}

/* Longest live prefix of ref holding ip: its nh, or 0. */
static uint32_t
rt_brute(const struct rt_ref *ref, size_t n, const struct ipaddr *ip, int *len)
{
	uint32_t nh = 0;
	size_t i;

	*len = -1;
	for (i = 0; i < n; i++)
		if (ref[i].live && (int)ref[i].p.len > *len &&
		    prefix_contains(&ref[i].p, ip)) {
			*len = ref[i].p.len;
			nh = ref[i].nh;
		}
	return nh;
}

static int
rt_count_cb(const struct prefix *p, uint32_t nh, void *arg)
{
	(void)p;
	(void)nh;
	(*(size_t *)arg)++;
	return 0;
}

static void
rt_check_all(struct dp *dp, const struct rt_ref *ref, size_t n, sa_family_t af)
{
	unsigned w = af == AF_INET ? 32 : 128, bytes = w / 8;
	struct ipaddr ip;
	size_t i, live = 0, walked = 0;
	uint32_t got, want;
	uint8_t plen;
	int len;

	for (i = 0; i < RT_PROBE; i++) {
		memset(&ip, 0, sizeof(ip));
		ip.af = af;
		rt_random_bytes(ip.u.b, bytes);
		if (i % 2 == 0) {
			/* inside a random prefix: keep its bits */
			const struct rt_ref *r = &ref[rt_rand() % n];
			unsigned b;

			for (b = 0; b < r->p.len; b++) {
				uint8_t m = (uint8_t)(0x80u >> (b & 7));

				ip.u.b[b >> 3] =
				    (uint8_t)((ip.u.b[b >> 3] & ~m) |
					(r->p.addr.u.b[b >> 3] & m));
			}
		}
		want = rt_brute(ref, n, &ip, &len);
		plen = 255;
		got = dp_rt_lookup(dp, 1, &ip, &plen);
		DT_ASSERT(got == want, "probe %zu: nh %u, want %u (len %d)", i,
		    got, want, len);
		DT_ASSERT(want == 0 || plen == len, "probe %zu: len %u, %d", i,
		    plen, len);
	}
	for (i = 0; i < n; i++)
		if (ref[i].live) {
			live++;
			DT_ASSERT(dp_rt_get(dp, 1, &ref[i].p) == ref[i].nh,
			    "exact get %zu", i);
		}
	dp_rt_walk(dp, 1, af, rt_count_cb, &walked);
	DT_ASSERT(walked == live, "walk %zu, live %zu", walked, live);
}

static void
rt_random(sa_family_t af)
{
	unsigned w = af == AF_INET ? 32 : 128;
	struct rt_ref *ref = calloc(RT_N, sizeof(*ref));
	struct dp_rt_stats st;
	struct dp *dp = rt_dp();
	size_t i, j, live = 0;
	uint32_t refs[RT_NNH] = {0};

	ck_assert_ptr_nonnull(ref);
	for (i = 0; i < RT_N; i++) {
		ref[i].p.addr.af = af;
		rt_random_bytes(ref[i].p.addr.u.b, w / 8);
		/* shorter prefixes and a small space, so they nest a lot */
		ref[i].p.len = (uint8_t)(rt_rand() % (w + 1));
		if (i % 3 != 0)
			ref[i].p.addr.u.b[0] = (uint8_t)(10 + rt_rand() % 2);
		rt_mask(ref[i].p.addr.u.b, ref[i].p.len, w);
		ref[i].nh = RT_NH0 + (uint32_t)(rt_rand() % RT_NNH);
		ref[i].live = true;
		/* a repeat replaces the earlier one */
		for (j = 0; j < i; j++)
			if (ref[j].live && rt_same(&ref[j].p, &ref[i].p))
				ref[j].live = false;
		DT_ASSERT(
		    dp_rt_add(dp, 1, &ref[i].p, ref[i].nh) == 0, "add %zu", i);
	}
	rt_check_all(dp, ref, RT_N, af);
	/* delete every other one, and once more to see -ENOENT */
	for (i = 0; i < RT_N; i += 2) {
		int rc = dp_rt_del(dp, 1, &ref[i].p);
		bool had = false;

		/* a later repeat may hold the same prefix */
		for (j = 0; j < RT_N; j++)
			if (ref[j].live && rt_same(&ref[j].p, &ref[i].p)) {
				had = true;
				ref[j].live = false;
			}
		DT_ASSERT(rc == (had ? 0 : -ENOENT), "del %zu: %d", i, rc);
		DT_ASSERT(dp_rt_del(dp, 1, &ref[i].p) == -ENOENT, "re-del");
	}
	rt_check_all(dp, ref, RT_N, af);
	for (i = 0; i < RT_N; i++)
		if (ref[i].live) {
			live++;
			refs[ref[i].nh - RT_NH0]++;
		}
	for (i = 0; i < RT_NNH; i++)
		ck_assert_uint_eq(
		    dp_nh_lookup(dp, RT_NH0 + (uint32_t)i)->refcnt, refs[i]);
	dp_rt_get_stats(dp, 1, af, &st);
	ck_assert_uint_eq(st.routes, live);
	ck_assert_uint_lt(st.nodes, 2 * live + 1);
	/* all gone: the trie is empty and no ref is left */
	for (i = 0; i < RT_N; i++)
		if (ref[i].live)
			ck_assert_int_eq(dp_rt_del(dp, 1, &ref[i].p), 0);
	dp_rt_get_stats(dp, 1, af, &st);
	ck_assert_uint_eq(st.routes, 0);
	ck_assert_uint_eq(st.nodes, 0);
	for (i = 0; i < RT_NNH; i++)
		ck_assert_int_eq(dp_nh_del(dp, RT_NH0 + (uint32_t)i), 0);
	dp_free(dp);
	free(ref);
}

START_TEST(test_rt_random_v4)
{
	rt_random(AF_INET);
}
END_TEST

START_TEST(test_rt_random_v6)
{
	rt_random(AF_INET6);
}
END_TEST

START_TEST(test_rt_longest)
{
	struct dp *dp = rt_dp();
	struct prefix p;
	struct ipaddr ip;
	uint8_t len;

	ip = dt_ip("10.1.2.3");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, NULL), 0);
	p = dt_prefix("0.0.0.0/0");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 10), 0);
	p = dt_prefix("10.0.0.0/8");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 11), 0);
	p = dt_prefix("10.1.0.0/16");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 12), 0);
	p = dt_prefix("10.1.2.3/32");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 13), 0);
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, &len), 13);
	ck_assert_uint_eq(len, 32);
	ip = dt_ip("10.1.2.4");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, &len), 12);
	ck_assert_uint_eq(len, 16);
	ip = dt_ip("10.2.0.1");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, &len), 11);
	ip = dt_ip("192.0.2.1");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, &len), 10);
	ck_assert_uint_eq(len, 0);
	/* another VRF and the other family see none of it */
	ck_assert_uint_eq(dp_rt_lookup(dp, 2, &ip, NULL), 0);
	ip = dt_ip("::1");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, NULL), 0);
	/* replace, then delete the /16: the /8 shows through */
	p = dt_prefix("10.1.0.0/16");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 14), 0);
	ck_assert_uint_eq(dp_nh_lookup(dp, 12)->refcnt, 0);
	ck_assert_uint_eq(dp_nh_lookup(dp, 14)->refcnt, 1);
	ip = dt_ip("10.1.9.9");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, NULL), 14);
	ck_assert_int_eq(dp_rt_del(dp, 1, &p), 0);
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, NULL), 11);
	/* the host route still there under the removed node */
	ip = dt_ip("10.1.2.3");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, NULL), 13);
	p = dt_prefix("0.0.0.0/0");
	ck_assert_int_eq(dp_rt_del(dp, 1, &p), 0);
	ip = dt_ip("192.0.2.1");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, NULL), 0);
	/* v6 default and host routes */
	p = dt_prefix("::/0");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 15), 0);
	p = dt_prefix("2001:db8::1/128");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 16), 0);
	ip = dt_ip("2001:db8::1");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, &len), 16);
	ck_assert_uint_eq(len, 128);
	ip = dt_ip("2001:db8::2");
	ck_assert_uint_eq(dp_rt_lookup(dp, 1, &ip, &len), 15);
	dp_free(dp);
}
END_TEST

START_TEST(test_rt_invalid)
{
	struct dp *dp = rt_dp();
	struct dp_rt_stats st;
	struct prefix p;

	p = dt_prefix("10.0.0.0/8");
	/* missing nexthop, nexthop 0, bad VRF */
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 999), -EINVAL);
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 0), -EINVAL);
	ck_assert_int_eq(dp_rt_add(dp, DP_VRF_MAX, &p, 10), -EINVAL);
	/* host bits set, length too long, no family */
	p.addr.u.b[3] = 1;
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 10), -EINVAL);
	p = dt_prefix("10.0.0.0/8");
	p.len = 33;
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 10), -EINVAL);
	p = dt_prefix("10.0.0.0/8");
	p.addr.af = AF_UNIX;
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 10), -EINVAL);
	dp_rt_get_stats(dp, 1, AF_INET, &st);
	ck_assert_uint_eq(st.routes, 0);
	ck_assert_uint_eq(st.nodes, 0);
	ck_assert_uint_eq(dp_nh_lookup(dp, 10)->refcnt, 0);
	p = dt_prefix("10.0.0.0/8");
	ck_assert_int_eq(dp_rt_del(dp, 1, &p), -ENOENT);
	ck_assert_int_eq(dp_rt_del(dp, 7, &p), -ENOENT);
	/* a nexthop in use is not deleted */
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, 10), 0);
	ck_assert_int_eq(dp_nh_del(dp, 10), -EBUSY);
	ck_assert_int_eq(dp_rt_del(dp, 1, &p), 0);
	ck_assert_int_eq(dp_nh_del(dp, 10), 0);
	dp_free(dp);
}
END_TEST

/*
 * Lookups per second over n random /8../32 routes (printed, not judged:
 * a timing is no test on a shared machine).  Every probe must still hit
 * the nexthop, so a broken lookup fails here too.
 */
static void
rt_speed(size_t n)
{
	struct dp *dp = rt_dp();
	struct timespec t0, t1;
	struct ipaddr *ips;
	struct prefix p;
	uint64_t sum = 0;
	size_t i, r, nprobe = 100000, rounds = 20;
	double s;

	ips = calloc(nprobe, sizeof(*ips));
	ck_assert_ptr_nonnull(ips);
	/* a default route, so that every probe hits */
	p = dt_prefix("0.0.0.0/0");
	ck_assert_int_eq(dp_rt_add(dp, 1, &p, RT_NH0), 0);
	for (i = 0; i < n; i++) {
		memset(&p, 0, sizeof(p));
		p.addr.af = AF_INET;
		rt_random_bytes(p.addr.u.b, 4);
		p.len = (uint8_t)(8 + rt_rand() % 25);
		rt_mask(p.addr.u.b, p.len, 32);
		ck_assert_int_eq(dp_rt_add(dp, 1, &p, RT_NH0 + 1), 0);
	}
	for (i = 0; i < nprobe; i++) {
		ips[i].af = AF_INET;
		rt_random_bytes(ips[i].u.b, 4);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nprobe; i++)
			sum += dp_rt_lookup(dp, 1, &ips[i], NULL) != 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_uint_eq(sum, nprobe * rounds);
	s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# dp_rt_lookup: %.1f M lookups/s over %zu v4 routes\n",
	    (double)(nprobe * rounds) / s / 1e6, n);
	dp_free(dp);
	free(ips);
}

START_TEST(test_rt_speed)
{
	rt_speed(1000);
	rt_speed(100000);
}
END_TEST

static int
rt_stop_cb(const struct prefix *p, uint32_t nh, void *arg)
{
	(void)p;
	(void)nh;
	return ++*(int *)arg == 2 ? 42 : 0;
}

/* VRF flags, and a walk that its callback stops. */
START_TEST(test_rt_vrf)
{
	struct dp *dp = rt_dp();
	struct prefix p;
	int calls = 0;

	ck_assert_uint_eq(dp_vrf_flags(dp, 5), 0);
	ck_assert_int_eq(dp_vrf_set_flags(dp, 5, DP_VRF_MIRROR_DEST), 0);
	ck_assert_uint_eq(dp_vrf_flags(dp, 5), DP_VRF_MIRROR_DEST);
	ck_assert_uint_eq(dp_vrf_flags(dp, 6), 0);
	ck_assert_int_eq(dp_vrf_set_flags(dp, 5, 0x80), -EINVAL);
	ck_assert_int_eq(dp_vrf_set_flags(dp, DP_VRF_MAX, 0), -EINVAL);
	ck_assert_uint_eq(dp_vrf_flags(dp, 5), DP_VRF_MIRROR_DEST);
	ck_assert_uint_eq(dp_vrf_flags(dp, DP_VRF_MAX), 0);
	p = dt_prefix("10.0.0.0/8");
	ck_assert_int_eq(dp_rt_add(dp, 5, &p, 10), 0);
	p = dt_prefix("10.1.0.0/16");
	ck_assert_int_eq(dp_rt_add(dp, 5, &p, 10), 0);
	p = dt_prefix("10.2.0.0/16");
	ck_assert_int_eq(dp_rt_add(dp, 5, &p, 10), 0);
	ck_assert_int_eq(dp_rt_walk(dp, 5, AF_INET, rt_stop_cb, &calls), 42);
	ck_assert_int_eq(calls, 2);
	/* flags survive the routes */
	ck_assert_uint_eq(dp_vrf_flags(dp, 5), DP_VRF_MIRROR_DEST);
	dp_free(dp);
}
END_TEST

Suite *
dp_tables_rt_suite(void)
{
	Suite *s = suite_create("dp_tables_rt");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_rt_longest);
	tcase_add_test(tc, test_rt_vrf);
	tcase_add_test(tc, test_rt_random_v4);
	tcase_add_test(tc, test_rt_random_v6);
	tcase_add_test(tc, test_rt_speed);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_rt_invalid);
	suite_add_tcase(s, tc);
	return s;
}
