/*
 * check_dp_tab_flow.c - the flow table (dp_flow.c): a pair created from
 * one key is found from both directions; validation; a full table
 * refuses and counts; aging removes idle pairs with bounded work per
 * call; the generation marks flows stale after a policy or mirror
 * change; counters.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct dp_flow_key
flow_key4(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	struct dp_flow_key k;

	memset(&k, 0, sizeof(k));
	k.vrf = 1;
	k.af = AF_INET;
	k.proto = 6;
	src = htonl(src);
	dst = htonl(dst);
	memcpy(k.sip, &src, 4);
	memcpy(k.dip, &dst, 4);
	k.sport = sport;
	k.dport = dport;
	return k;
}

static struct dp_flow_cfg
flow_cfg(enum dp_flow_action a)
{
	struct dp_flow_cfg c;

	memset(&c, 0, sizeof(c));
	c.action = a;
	c.mirror[0] = DP_MIRROR_NONE;
	c.mirror[1] = DP_MIRROR_NONE;
	c.src_vn = "vn-left";
	c.dst_vn = "vn-right";
	return c;
}

START_TEST(test_flow_pair)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_flow_key k, rk;
	struct dp_flow_cfg c = flow_cfg(DP_FLOW_PASS);
	struct dp_flow *f, *r;
	struct dp_flow_stats st;
	struct ipaddr a = dt_ip("2001:db8::1"), b = dt_ip("2001:db8::2");

	k = flow_key4(0x0a000001, 0x0a000002, 40000, 80);
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 100, &f), 0);
	ck_assert_ptr_eq(dp_flow_lookup(dp, &k), f);
	dp_flow_key_reverse(&k, &rk);
	ck_assert_uint_eq(rk.sport, 80);
	ck_assert_uint_eq(rk.dport, 40000);
	r = dp_flow_lookup(dp, &rk);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_eq(f->rev, r);
	ck_assert_ptr_eq(r->rev, f);
	ck_assert(!f->reverse && r->reverse);
	ck_assert_int_eq(r->action, DP_FLOW_PASS);
	ck_assert_str_eq(f->src_vn, "vn-left");
	ck_assert_str_eq(r->src_vn, "vn-right");
	ck_assert_str_eq(r->dst_vn, "vn-left");
	ck_assert_uint_eq(f->created, 100);
	ck_assert(!dp_flow_stale(dp, f));
	/* the same pair from either side is -EEXIST */
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 100, NULL), -EEXIST);
	ck_assert_int_eq(dp_flow_add(dp, &rk, &c, 100, NULL), -EEXIST);
	/* another VRF is another flow */
	k.vrf = 2;
	ck_assert_ptr_null(dp_flow_lookup(dp, &k));
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 100, NULL), 0);
	/* v6 */
	memset(&k, 0, sizeof(k));
	k.vrf = 1;
	k.af = AF_INET6;
	k.proto = 17;
	memcpy(k.sip, a.u.b, 16);
	memcpy(k.dip, b.u.b, 16);
	k.sport = 5000;
	k.dport = 53;
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 100, &f), 0);
	dp_flow_key_reverse(&k, &rk);
	ck_assert_ptr_eq(dp_flow_lookup(dp, &rk), f->rev);
	/* counters */
	dp_flow_touch(f, 150, 100);
	dp_flow_touch(f->rev, 160, 1400);
	dp_flow_touch(f->rev, 120, 1400); /* time never goes back */
	ck_assert_uint_eq(f->ctr.pkts, 1);
	ck_assert_uint_eq(f->rev->ctr.pkts, 2);
	ck_assert_uint_eq(f->rev->ctr.bytes, 2800);
	ck_assert_uint_eq(f->rev->last_used, 160);
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 6);
	/* delete from the reverse side removes both */
	ck_assert_int_eq(dp_flow_del(dp, &rk), 0);
	ck_assert_ptr_null(dp_flow_lookup(dp, &k));
	ck_assert_int_eq(dp_flow_del(dp, &k), -ENOENT);
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 4);
	dp_free(dp);
}
END_TEST

START_TEST(test_flow_invalid)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_flow_key k = flow_key4(1, 2, 3, 4);
	struct dp_flow_cfg c = flow_cfg(DP_FLOW_PASS);
	char name[DP_VN_NAME_MAX + 2];
	struct dp_flow_stats st;

	c.action = 0;
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	c = flow_cfg(DP_FLOW_DENY);
	c.mirror[1] = 7; /* no such mirror */
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	c = flow_cfg(DP_FLOW_DENY);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	c.dst_vn = name;
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	c = flow_cfg(DP_FLOW_DENY);
	k.af = AF_UNIX;
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	k = flow_key4(1, 2, 3, 4);
	k.sip[5] = 1; /* v4 with bytes past the address */
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	k = flow_key4(1, 2, 3, 4);
	k.vrf = DP_VRF_MAX;
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	/* its own reverse */
	k = flow_key4(1, 1, 3, 3);
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -EINVAL);
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_ptr_null(dp_new(0));
	ck_assert_ptr_null(dp_new(DP_FLOW_MAX + 1));
	dp_free(dp);
}
END_TEST

START_TEST(test_flow_full)
{
	struct dp *dp = dt_dp_new(7);
	struct dp_flow_cfg c = flow_cfg(DP_FLOW_PASS);
	struct dp_flow_stats st;
	struct dp_flow_key k;
	uint16_t i;

	/* 3 pairs fit in 7 entries, the fourth does not */
	for (i = 0; i < 3; i++) {
		k = flow_key4(1, 2, 1000 + i, 80);
		ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), 0);
	}
	k = flow_key4(1, 2, 2000, 80);
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), -ENOSPC);
	ck_assert_ptr_null(dp_flow_lookup(dp, &k));
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 6);
	ck_assert_uint_eq(st.max, 7);
	ck_assert_uint_eq(st.full, 1);
	/* room again after a delete */
	k = flow_key4(1, 2, 1001, 80);
	ck_assert_int_eq(dp_flow_del(dp, &k), 0);
	k = flow_key4(1, 2, 2000, 80);
	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), 0);
	dp_free(dp);
}
END_TEST

static int
flow_count_cb(struct dp_flow *f, void *arg)
{
	(void)f;
	(*(unsigned *)arg)++;
	return 0;
}

START_TEST(test_flow_age)
{
	struct dp *dp = dt_dp_new(1000);
	struct dp_flow_cfg c = flow_cfg(DP_FLOW_PASS);
	struct dp_flow_stats st;
	struct dp_flow_key k;
	struct dp_flow *f;
	uint32_t removed = 0, n;
	unsigned calls = 0, walked = 0;
	uint16_t i;

	for (i = 0; i < 100; i++) {
		k = flow_key4(1, 2, 1000 + i, 80);
		ck_assert_int_eq(dp_flow_add(dp, &k, &c, 10, &f), 0);
		/* every tenth pair is busy: its reverse was used lately */
		if (i % 10 == 0)
			dp_flow_touch(f->rev, 95, 64);
	}
	/* nothing is idle for 100 at 100 */
	ck_assert_uint_eq(dp_flow_age(dp, 100, 100, 1000), 0);
	/* at 120 with idle 30: 90 pairs go, at most 17 removed a call */
	do {
		n = dp_flow_age(dp, 120, 30, 16);
		ck_assert_uint_le(n, 17);
		removed += n;
		calls++;
	} while (n > 0 || calls < 20);
	ck_assert_uint_eq(removed, 180);
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 20);
	ck_assert_uint_eq(st.aged, 180);
	dp_flow_walk(dp, flow_count_cb, &walked);
	ck_assert_uint_eq(walked, 20);
	k = flow_key4(1, 2, 1010, 80);
	ck_assert_ptr_nonnull(dp_flow_lookup(dp, &k));
	k = flow_key4(1, 2, 1011, 80);
	ck_assert_ptr_null(dp_flow_lookup(dp, &k));
	ck_assert_uint_eq(dp_flow_age(dp, 1000, 0, 100), 20);
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_uint_eq(dp_flow_age(dp, 1000, 0, 10), 0);
	dp_free(dp);
}
END_TEST

START_TEST(test_flow_gen)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_flow_cfg c = flow_cfg(DP_FLOW_PASS);
	struct dp_flow_key k = flow_key4(1, 2, 3, 4);
	struct dp_mirror_cfg m;
	struct dp_flow *f;

	ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, &f), 0);
	ck_assert(!dp_flow_stale(dp, f));
	dp_flow_invalidate_all(dp);
	ck_assert(dp_flow_stale(dp, f) && dp_flow_stale(dp, f->rev));
	/* re-evaluated: mirror to a new entry; both sides updated */
	memset(&m, 0, sizeof(m));
	m.idx = 3;
	m.nh = 1;
	m.flags = DP_MIRROR_DYNAMIC;
	ck_assert_int_eq(dp_mirror_add(dp, &m), 0);
	c.mirror[1] = 3;
	c.action = DP_FLOW_DENY;
	ck_assert_int_eq(dp_flow_update(dp, f->rev, &c), 0);
	ck_assert(!dp_flow_stale(dp, f) && !dp_flow_stale(dp, f->rev));
	ck_assert_uint_eq(f->mirror[1], 3);
	ck_assert_int_eq(f->rev->action, DP_FLOW_DENY);
	ck_assert_str_eq(f->src_vn, "vn-left");
	/* the flow's own names given back (ASan sees a use after free) */
	c.src_vn = f->rev->src_vn;
	c.dst_vn = f->rev->dst_vn;
	ck_assert_int_eq(dp_flow_update(dp, f, &c), 0);
	ck_assert_str_eq(f->src_vn, "vn-right");
	ck_assert_str_eq(f->rev->src_vn, "vn-left");
	c = flow_cfg(DP_FLOW_DENY);
	c.mirror[1] = 3;
	/* a bad update changes nothing */
	c.mirror[0] = 200;
	ck_assert_int_eq(dp_flow_update(dp, f, &c), -EINVAL);
	ck_assert_uint_eq(f->mirror[0], DP_MIRROR_NONE);
	/* deleting the mirror makes the flow stale again */
	ck_assert_int_eq(dp_mirror_del(dp, 3), 0);
	ck_assert(dp_flow_stale(dp, f));
	dp_free(dp);
}
END_TEST

/* One call examines at most DP_FLOW_AGE_MAX entries, whatever budget. */
START_TEST(test_flow_age_cap)
{
	struct dp *dp = dt_dp_new(20000);
	struct dp_flow_cfg c = flow_cfg(DP_FLOW_PASS);
	struct dp_flow_stats st;
	struct dp_flow_key k;
	uint32_t i, n;

	for (i = 0; i < 5000; i++) {
		k = flow_key4(1, 2 + i / 60000, (uint16_t)(i % 60000), 80);
		ck_assert_int_eq(dp_flow_add(dp, &k, &c, 0, NULL), 0);
	}
	n = dp_flow_age(dp, 10, 1, UINT32_MAX);
	ck_assert_uint_le(n, DP_FLOW_AGE_MAX + 1);
	ck_assert_uint_ge(n, DP_FLOW_AGE_MAX - 1);
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 10000 - n);
	while (dp_flow_age(dp, 10, 1, DP_FLOW_AGE_MAX) > 0)
		;
	dp_flow_get_stats(dp, &st);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_uint_eq(st.aged, 10000);
	dp_free(dp);
}
END_TEST

Suite *
dp_tables_flow_suite(void)
{
	Suite *s = suite_create("dp_tables_flow");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_flow_pair);
	tcase_add_test(tc, test_flow_age);
	tcase_add_test(tc, test_flow_gen);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_flow_full);
	tcase_add_test(tc, test_flow_age_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_flow_invalid);
	suite_add_tcase(s, tc);
	return s;
}
