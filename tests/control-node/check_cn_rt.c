/*
 * check_cn_rt.c - routing tables: paths in and out, best path (RFC 4271
 * 9.1.2 order with Contrail's additions) and the ECMP set, copies, stale
 * marking and flushing, and listeners: the feed of a new listener,
 * coalescing for a slow one, withdraws as tombstones that go once every
 * listener has seen them.
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/control-node/suites.h"

static struct rt_table *t;
static struct rt_source *agent1, *agent2, *peer1, *peer2;

static void
setup(void)
{
	static const uint8_t key[16] = {1, 2, 3};

	log_init("check_cn", LOG_LEVEL_ERR);
	ht_seed(key);
	t = rt_table_new(RT_INET, "red.inet.0", NULL);
	agent1 = rt_source_new(RT_SRC_XMPP, "agent1");
	agent2 = rt_source_new(RT_SRC_XMPP, "agent2");
	peer1 = rt_source_new(RT_SRC_BGP, "peer1");
	peer1->router_id = 0x0a000001;
	ipaddr_parse("127.0.0.2", &peer1->addr);
	peer2 = rt_source_new(RT_SRC_BGP, "peer2");
	peer2->router_id = 0x0a000002;
	ipaddr_parse("127.0.0.3", &peer2->addr);
}

static void
teardown(void)
{
	if (t != NULL) {
		rt_table_clear(t);
		rt_table_free(t);
	}
	rt_source_unref(agent1);
	rt_source_unref(agent2);
	rt_source_unref(peer1);
	rt_source_unref(peer2);
	ck_assert_uint_eq(attr_count(), 0);
}

static struct rt_key
key(const char *s)
{
	struct rt_key k;

	ck_assert_int_eq(rt_key_parse(RT_INET, s, &k), 0);
	return k;
}

/* An interned set: next hop nh, LOCAL_PREF lp (0: unset), AS path. */
static struct attr *
mkattr(const char *nh, uint32_t lp, const uint32_t *asns, size_t nas)
{
	uint8_t aspath[64];
	struct attr a;
	size_t i;

	memset(&a, 0, sizeof(a));
	ipaddr_parse(nh, &a.nexthop);
	if (lp != 0) {
		a.flags |= ATTR_F_LOCAL_PREF;
		a.local_pref = lp;
	}
	if (nas > 0) {
		aspath[0] = 2; /* AS_SEQUENCE */
		aspath[1] = (uint8_t)nas;
		for (i = 0; i < nas; i++) {
			aspath[2 + 4 * i] = (uint8_t)(asns[i] >> 24);
			aspath[3 + 4 * i] = (uint8_t)(asns[i] >> 16);
			aspath[4 + 4 * i] = (uint8_t)(asns[i] >> 8);
			aspath[5 + 4 * i] = (uint8_t)asns[i];
		}
		a.aspath = aspath;
		a.aspath_len = (uint16_t)(2 + 4 * nas);
	}
	return attr_intern(&a);
}

/* Adds a path and drops the test's ref on its attr. */
static void
add(const char *prefix, struct rt_source *src, struct attr *a, uint32_t label,
    uint16_t flags)
{
	struct rt_key k = key(prefix);

	ck_assert_int_eq(rt_update(t, &k, src, a, label, flags), 0);
	attr_unref(a);
}

static const struct rt_path *
best(const char *prefix)
{
	struct rt_key k = key(prefix);
	const struct rt_entry *e = rt_lookup(t, &k);

	ck_assert_ptr_nonnull(e);
	return rt_entry_paths(e);
}

static size_t
ecmp_count(const char *prefix)
{
	const struct rt_path *p;
	size_t n = 0;

	for (p = best(prefix); p != NULL && (p->flags & RT_PATH_ECMP);
	     p = p->next)
		n++;
	return n;
}

START_TEST(update_withdraw)
{
	struct rt_key k = key("10.1.1.3/32");

	add("10.1.1.3/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 17, 0);
	ck_assert_uint_eq(rt_table_prefixes(t), 1);
	ck_assert_uint_eq(rt_table_paths(t), 1);
	ck_assert_uint_eq(best("10.1.1.3/32")->label, 17);
	ck_assert(best("10.1.1.3/32")->flags & RT_PATH_BEST);
	/* Same path again: no change, no new sequence number. */
	add("10.1.1.3/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 17, 0);
	ck_assert_uint_eq(rt_table_seq(t), 1);
	/* A new label replaces the path. */
	add("10.1.1.3/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 18, 0);
	ck_assert_uint_eq(rt_table_paths(t), 1);
	ck_assert_uint_eq(best("10.1.1.3/32")->label, 18);
	ck_assert_int_eq(rt_withdraw(t, &k, agent2), -ENOENT);
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	ck_assert_uint_eq(rt_table_prefixes(t), 0);
	ck_assert_uint_eq(rt_table_paths(t), 0);
	/* No listener: the entry is gone at once. */
	ck_assert_ptr_null(rt_lookup(t, &k));
	ck_assert_ptr_null(rt_table_first(t));
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), -ENOENT);
}
END_TEST

START_TEST(wrong_family)
{
	struct rt_key k;
	struct attr *a = mkattr("127.0.0.11", 0, NULL, 0);

	ck_assert_int_eq(rt_key_parse(RT_INET6, "2001:db8::/64", &k), 0);
	ck_assert_int_eq(rt_update(t, &k, agent1, a, 0, 0), -EINVAL);
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), -EINVAL);
	ck_assert_ptr_null(rt_lookup(t, &k));
	attr_unref(a);
}
END_TEST

/* Each step of the decision order, best path first. */
START_TEST(best_path_order)
{
	const uint32_t as1[] = {65001}, as12[] = {65001, 65002};
	const uint32_t as2[] = {65002};
	struct attr tmpl, *a;

	/* Higher LOCAL_PREF wins over a shorter AS path. */
	add("10.0.0.0/8", peer1, mkattr("127.0.0.2", 200, as12, 2), 0, 0);
	add("10.0.0.0/8", peer2, mkattr("127.0.0.3", 100, as1, 1), 0, 0);
	ck_assert_ptr_eq(best("10.0.0.0/8")->src, peer1);
	/* With equal LOCAL_PREF the shorter path wins. */
	add("10.0.0.0/8", peer1, mkattr("127.0.0.2", 100, as12, 2), 0, 0);
	ck_assert_ptr_eq(best("10.0.0.0/8")->src, peer2);
	/* Equal: the lower router id (peer1), then not ECMP-separated. */
	add("10.0.0.0/8", peer1, mkattr("127.0.0.2", 100, as1, 1), 0, 0);
	ck_assert_ptr_eq(best("10.0.0.0/8")->src, peer1);
	ck_assert_uint_eq(ecmp_count("10.0.0.0/8"), 2);
	/* Lower origin. */
	a = mkattr("127.0.0.2", 0, as1, 1);
	tmpl = *a;
	tmpl.origin = ATTR_ORIGIN_INCOMPLETE;
	add("10.0.0.0/8", peer1, attr_intern(&tmpl), 0, 0);
	attr_unref(a);
	ck_assert_ptr_eq(best("10.0.0.0/8")->src, peer2);
	/* MED compares only between paths from the same neighbour AS. */
	add("10.0.0.0/8", peer1, mkattr("127.0.0.2", 0, as2, 1), 0, 0);
	a = mkattr("127.0.0.3", 0, as1, 1);
	tmpl = *a;
	tmpl.flags |= ATTR_F_MED;
	tmpl.med = 50;
	add("10.0.0.0/8", peer2, attr_intern(&tmpl), 0, 0);
	attr_unref(a);
	/* Different neighbour AS: MED ignored, router id decides. */
	ck_assert_ptr_eq(best("10.0.0.0/8")->src, peer1);
	a = mkattr("127.0.0.2", 0, as1, 1);
	tmpl = *a;
	tmpl.flags |= ATTR_F_MED;
	tmpl.med = 10;
	add("10.0.0.0/8", peer1, attr_intern(&tmpl), 0, 0);
	attr_unref(a);
	ck_assert_ptr_eq(best("10.0.0.0/8")->src, peer1);
	ck_assert_uint_eq(ecmp_count("10.0.0.0/8"), 1);
}
END_TEST

START_TEST(ebgp_and_xmpp_preference)
{
	/* An agent's path wins over BGP with the same attributes. */
	add("10.2.0.0/16", peer1, mkattr("127.0.0.2", 0, NULL, 0), 0, 0);
	add("10.2.0.0/16", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	ck_assert_ptr_eq(best("10.2.0.0/16")->src, agent1);
	ck_assert_uint_eq(ecmp_count("10.2.0.0/16"), 1);
	/* eBGP over iBGP. */
	add("10.3.0.0/16", peer1, mkattr("127.0.0.2", 0, NULL, 0), 0, 0);
	peer2->ebgp = true;
	add("10.3.0.0/16", peer2, mkattr("127.0.0.3", 0, NULL, 0), 0, 0);
	ck_assert_ptr_eq(best("10.3.0.0/16")->src, peer2);
}
END_TEST

START_TEST(flags_in_selection)
{
	/* Infeasible paths are never best; alone they make no ECMP set. */
	add("10.4.0.0/16", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16,
	    RT_PATH_INFEASIBLE);
	ck_assert(!(best("10.4.0.0/16")->flags & RT_PATH_BEST));
	ck_assert_uint_eq(ecmp_count("10.4.0.0/16"), 0);
	add("10.4.0.0/16", agent2, mkattr("127.0.0.12", 0, NULL, 0), 16, 0);
	ck_assert_ptr_eq(best("10.4.0.0/16")->src, agent2);
	/* Stale loses ties only; long-lived stale loses to everything. */
	add("10.5.0.0/16", agent1, mkattr("127.0.0.11", 200, NULL, 0), 16,
	    RT_PATH_LLGR_STALE);
	add("10.5.0.0/16", agent2, mkattr("127.0.0.12", 100, NULL, 0), 16, 0);
	ck_assert_ptr_eq(best("10.5.0.0/16")->src, agent2);
	add("10.6.0.0/16", peer1, mkattr("127.0.0.2", 0, NULL, 0), 0,
	    RT_PATH_STALE);
	add("10.6.0.0/16", peer2, mkattr("127.0.0.3", 0, NULL, 0), 0, 0);
	ck_assert_ptr_eq(best("10.6.0.0/16")->src, peer2);
	/* Selection flags are not a source's to set. */
	add("10.7.0.0/16", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16,
	    RT_PATH_SECONDARY);
	ck_assert(!(best("10.7.0.0/16")->flags & RT_PATH_SECONDARY));
}
END_TEST

/* Two agents with the same attributes but their next hop: ECMP. */
START_TEST(ecmp_set)
{
	add("10.1.1.10/32", agent1, mkattr("127.0.0.11", 200, NULL, 0), 16, 0);
	add("10.1.1.10/32", agent2, mkattr("127.0.0.12", 200, NULL, 0), 17, 0);
	ck_assert_uint_eq(ecmp_count("10.1.1.10/32"), 2);
	ck_assert(best("10.1.1.10/32")->flags & RT_PATH_BEST);
	ck_assert(!(best("10.1.1.10/32")->next->flags & RT_PATH_BEST));
	/* A lower LOCAL_PREF leaves the set. */
	add("10.1.1.10/32", agent2, mkattr("127.0.0.12", 100, NULL, 0), 17, 0);
	ck_assert_uint_eq(ecmp_count("10.1.1.10/32"), 1);
	ck_assert_ptr_eq(best("10.1.1.10/32")->src, agent1);
}
END_TEST

START_TEST(mac_mobility)
{
	struct attr tmpl, *a;
	uint64_t ec;

	/* The higher MAC mobility sequence is the newer location. */
	a = mkattr("127.0.0.11", 0, NULL, 0);
	tmpl = *a;
	ec = ecomm_mac_mobility(1, false);
	tmpl.ecomm = &ec;
	tmpl.necomm = 1;
	add("10.1.1.20/32", agent1, attr_intern(&tmpl), 16, 0);
	attr_unref(a);
	a = mkattr("127.0.0.12", 0, NULL, 0);
	tmpl = *a;
	ec = ecomm_mac_mobility(2, false);
	tmpl.ecomm = &ec;
	tmpl.necomm = 1;
	add("10.1.1.20/32", agent2, attr_intern(&tmpl), 16, 0);
	attr_unref(a);
	ck_assert_ptr_eq(best("10.1.1.20/32")->src, agent2);
	ck_assert_uint_eq(ecmp_count("10.1.1.20/32"), 1);
}
END_TEST

START_TEST(stale_and_flush)
{
	add("10.8.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	add("10.8.0.2/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 17, 0);
	add("10.8.0.2/32", agent2, mkattr("127.0.0.12", 0, NULL, 0), 18, 0);
	ck_assert_uint_eq(rt_table_mark_stale(t, agent1, RT_PATH_STALE), 2);
	ck_assert_uint_eq(rt_table_mark_stale(t, agent1, RT_PATH_STALE), 0);
	ck_assert(best("10.8.0.1/32")->flags & RT_PATH_STALE);
	/* The agent comes back and refreshes one route: not stale. */
	add("10.8.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	ck_assert(!(best("10.8.0.1/32")->flags & RT_PATH_STALE));
	/* Sweep: only the stale path goes. */
	ck_assert_uint_eq(rt_table_flush(t, agent1, RT_PATH_STALE), 1);
	ck_assert_uint_eq(rt_table_paths(t), 2);
	ck_assert_ptr_eq(best("10.8.0.2/32")->src, agent2);
	ck_assert_uint_eq(rt_table_flush(t, agent2, 0), 1);
	ck_assert_uint_eq(rt_table_flush(t, NULL, 0), 1);
	ck_assert_uint_eq(rt_table_paths(t), 0);
	ck_assert_ptr_null(rt_table_first(t));
}
END_TEST

/* Copies follow their primary and go with it.  A source counts its
 * primary paths in every table, not its copies. */
START_TEST(copies)
{
	struct rt_table *t2 = rt_table_new(RT_INET, "blue.inet.0", NULL);
	struct rt_key k = key("10.1.1.3/32");
	struct attr *a = mkattr("127.0.0.11", 0, NULL, 0);
	struct attr *b = mkattr("127.0.0.11", 300, NULL, 0);
	const struct rt_entry *e;
	struct rt_path *primary, *copy;
	size_t n0 = agent1->nprimary;

	ck_assert_int_eq(rt_update(t, &k, agent1, a, 16, 0), 0);
	ck_assert_uint_eq(agent1->nprimary, n0 + 1);
	e = rt_lookup(t, &k);
	primary = (struct rt_path *)(uintptr_t)rt_entry_paths(e);
	copy = rt_copy_add(t2, &k, primary, b);
	ck_assert(copy->flags & RT_PATH_SECONDARY);
	ck_assert_ptr_eq(copy->repl, primary);
	ck_assert_ptr_eq(primary->repl, copy);
	ck_assert_ptr_eq(copy->src, agent1);
	ck_assert_ptr_eq(rt_copy_table(copy), t2);
	ck_assert_ptr_eq(rt_entry_table(rt_copy_entry(copy)), t2);
	ck_assert_uint_eq(copy->label, 16);
	ck_assert_uint_eq(rt_table_paths(t2), 1);
	ck_assert_uint_eq(agent1->nprimary, n0 + 1);
	/* A primary of the same source in t2 is a different path. */
	ck_assert_int_eq(rt_update(t2, &k, agent1, a, 99, 0), 0);
	ck_assert_uint_eq(rt_table_paths(t2), 2);
	ck_assert_uint_eq(agent1->nprimary, n0 + 2);
	ck_assert_int_eq(rt_withdraw(t2, &k, agent1), 0);
	ck_assert_uint_eq(rt_table_paths(t2), 1);
	ck_assert_uint_eq(agent1->nprimary, n0 + 1);
	/* The primary's label changes; the copy follows on update. */
	ck_assert_int_eq(rt_update(t, &k, agent1, a, 20, RT_PATH_STALE), 0);
	ck_assert_uint_eq(agent1->nprimary, n0 + 1);
	rt_copy_update(copy, a);
	ck_assert_uint_eq(copy->label, 20);
	ck_assert_ptr_eq(copy->attr, a);
	ck_assert(copy->flags & RT_PATH_STALE);
	/* Withdrawing the primary removes its copy. */
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	ck_assert_uint_eq(agent1->nprimary, n0);
	ck_assert_uint_eq(rt_table_paths(t2), 0);
	ck_assert_ptr_null(rt_lookup(t2, &k));
	attr_unref(a);
	attr_unref(b);
	rt_table_free(t2);
}
END_TEST

/*
 * rt_prefetch changes nothing: keys hinted and used in order, out of
 * order, more than the hints kept, never used, hinted for another table
 * or of another family, all end up where rt_update puts them.
 */
START_TEST(prefetch)
{
	struct rt_table *t2 = rt_table_new(RT_INET, "blue.inet.0", NULL);
	struct attr *a = mkattr("127.0.0.11", 0, NULL, 0);
	struct rt_key k[40], bad;
	char s[32];
	size_t i;

	for (i = 0; i < nitems(k); i++) {
		snprintf(s, sizeof(s), "10.9.%zu.0/24", i);
		k[i] = key(s);
	}
	for (i = 0; i < nitems(k); i++)
		rt_prefetch(t, &k[i]);
	for (i = 0; i < nitems(k); i++)
		ck_assert_int_eq(rt_update(t, &k[i], agent1, a, 0, 0), 0);
	ck_assert_uint_eq(rt_table_prefixes(t), nitems(k));
	/* Hinted for t2, then in reverse for t; one of another family. */
	for (i = 0; i < 8; i++)
		rt_prefetch(t2, &k[i]);
	for (i = nitems(k); i-- > 0;)
		rt_prefetch(t, &k[i]);
	bad = k[0];
	bad.family = RT_L3VPN;
	rt_prefetch(t, &bad);
	for (i = 0; i < nitems(k); i++) {
		ck_assert_ptr_nonnull(rt_lookup(t, &k[i]));
		ck_assert_int_eq(rt_withdraw(t, &k[i], agent1), 0);
	}
	ck_assert_uint_eq(rt_table_prefixes(t), 0);
	ck_assert_ptr_null(rt_lookup(t2, &k[0]));
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(rt_update(t2, &k[i], agent1, a, 0, 0), 0);
	for (i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(rt_lookup(t2, &k[i]));
	/* A table freed with hints for it pending. */
	for (i = 0; i < 8; i++)
		rt_prefetch(t2, &k[i]);
	ck_assert_uint_eq(rt_table_flush(t2, NULL, 0), 8);
	rt_table_free(t2);
	attr_unref(a);
}
END_TEST

/* Listener notify counting. */
static int notified;

static void
count_notify(struct rt_listener *l, void *arg)
{
	(void)l;
	(void)arg;
	notified++;
}

/* Reads every pending entry; returns how many, with the last key. */
static size_t
drain(struct rt_listener *l, char *last, size_t len)
{
	const struct rt_entry *e;
	struct rt_key k;
	size_t n = 0;

	while ((e = rt_listener_next(l)) != NULL) {
		rt_entry_key(e, &k);
		rt_key_print(&k, last, len);
		n++;
	}
	return n;
}

START_TEST(listener_feed_and_changes)
{
	struct rt_listener *l;
	char last[RT_KEY_STRLEN];

	add("10.9.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	add("10.9.0.2/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 17, 0);
	notified = 0;
	l = rt_listen(t, count_notify, NULL);
	/* The feed: both routes, then caught up. */
	ck_assert(rt_listener_pending(l));
	ck_assert_uint_eq(drain(l, last, sizeof(last)), 2);
	ck_assert(!rt_listener_pending(l));
	ck_assert_int_eq(notified, 0);
	/* A change: notified once, however many changes follow. */
	add("10.9.0.3/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 18, 0);
	add("10.9.0.4/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 19, 0);
	ck_assert_int_eq(notified, 1);
	ck_assert_uint_eq(drain(l, last, sizeof(last)), 2);
	ck_assert_str_eq(last, "10.9.0.4/32");
	/* Non-visible changes do not wake it: a worse path behind. */
	add("10.9.0.4/32", agent2, mkattr("127.0.0.12", 50, NULL, 0), 19, 0);
	ck_assert_int_eq(notified, 1);
	ck_assert(!rt_listener_pending(l));
	rt_unlisten(l);
}
END_TEST

/* A slow listener sees each entry once, in its latest state. */
START_TEST(listener_coalesces)
{
	struct rt_listener *l = rt_listen(t, count_notify, NULL);
	const struct rt_entry *e;
	char name[32];
	int i;

	for (i = 0; i < 100; i++)
		add("10.10.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0),
		    (uint32_t)(100 + i), 0);
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "10.10.1.%d/32", i);
		add(name, agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	}
	/* The entry changed 100 times: read first (it changed before the
	 * others came), once, with its last label. */
	e = rt_listener_next(l);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(rt_entry_paths(e)->label, 199);
	for (i = 0; i < 10; i++)
		ck_assert_ptr_nonnull(rt_listener_next(l));
	ck_assert_ptr_null(rt_listener_next(l));
	rt_unlisten(l);
}
END_TEST

/* An entry changed while a listener rests on it is still read once. */
START_TEST(listener_cursor_moves)
{
	struct rt_listener *l;
	const struct rt_entry *e;
	struct rt_key k;
	char s[RT_KEY_STRLEN];

	add("10.11.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	add("10.11.0.2/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	add("10.11.0.3/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	l = rt_listen(t, NULL, NULL);
	e = rt_listener_next(l); /* .1; the cursor rests on .2 */
	rt_entry_key(e, &k);
	ck_assert_str_eq(rt_key_print(&k, s, sizeof(s)), "10.11.0.1/32");
	add("10.11.0.2/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 20, 0);
	e = rt_listener_next(l);
	rt_entry_key(e, &k);
	ck_assert_str_eq(rt_key_print(&k, s, sizeof(s)), "10.11.0.3/32");
	e = rt_listener_next(l);
	rt_entry_key(e, &k);
	ck_assert_str_eq(rt_key_print(&k, s, sizeof(s)), "10.11.0.2/32");
	ck_assert_uint_eq(rt_entry_paths(e)->label, 20);
	ck_assert_ptr_null(rt_listener_next(l));
	rt_unlisten(l);
}
END_TEST

/*
 * A rewound listener reads everything again, and a withdraw it had not
 * reached yet still comes (the tombstone is kept for it).
 */
START_TEST(listener_rewind)
{
	struct rt_key k = key("10.15.0.2/32");
	struct rt_listener *l;
	const struct rt_entry *e;
	char last[RT_KEY_STRLEN];

	add("10.15.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	add("10.15.0.2/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	l = rt_listen(t, NULL, NULL);
	ck_assert_uint_eq(drain(l, last, sizeof(last)), 2);
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	rt_listener_rewind(l);
	e = rt_listener_next(l);
	ck_assert_ptr_nonnull(rt_entry_paths(e));
	e = rt_listener_next(l);
	rt_entry_key(e, &k);
	ck_assert_str_eq(rt_key_print(&k, last, sizeof(last)), "10.15.0.2/32");
	ck_assert_ptr_null(rt_entry_paths(e));
	ck_assert_ptr_null(rt_listener_next(l));
	/* Read by its only listener, the tombstone is gone. */
	ck_assert_ptr_null(rt_lookup(t, &k));
	rt_unlisten(l);
}
END_TEST

static size_t
entries(void)
{
	const struct rt_entry *e;
	size_t n = 0;

	for (e = rt_table_first(t); e != NULL; e = rt_table_next(e))
		n++;
	return n;
}

/* Withdraws reach every listener; the tombstone goes after the last. */
START_TEST(tombstones)
{
	struct rt_key k = key("10.12.0.1/32");
	struct rt_listener *fast, *slow, *late;
	const struct rt_entry *e;

	add("10.12.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	fast = rt_listen(t, NULL, NULL);
	slow = rt_listen(t, NULL, NULL);
	ck_assert_ptr_nonnull(rt_listener_next(fast));
	ck_assert_ptr_null(rt_listener_next(fast));
	ck_assert_ptr_nonnull(rt_listener_next(slow));
	ck_assert_ptr_null(rt_listener_next(slow));
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	ck_assert_uint_eq(rt_table_prefixes(t), 0);
	ck_assert_uint_eq(entries(), 1); /* the tombstone */
	/* A listener that comes now is not told of a route it never had. */
	late = rt_listen(t, NULL, NULL);
	ck_assert_ptr_null(rt_listener_next(late));
	e = rt_listener_next(fast);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(rt_entry_paths(e));
	ck_assert_ptr_null(rt_listener_next(fast));
	ck_assert_uint_eq(entries(), 1); /* slow has not read it */
	e = rt_listener_next(slow);
	ck_assert_ptr_null(rt_entry_paths(e));
	ck_assert_uint_eq(entries(), 1); /* held until slow's next call */
	ck_assert_ptr_null(rt_listener_next(slow));
	ck_assert_uint_eq(entries(), 0);
	/* Withdraw and re-add before the listener reads: one update, the
	 * latest, and no withdraw in between. */
	add("10.12.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	ck_assert_ptr_nonnull(rt_listener_next(slow));
	ck_assert_ptr_null(rt_listener_next(slow));
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	add("10.12.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 17, 0);
	e = rt_listener_next(slow);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(rt_entry_paths(e)->label, 17);
	ck_assert_ptr_null(rt_listener_next(slow));
	e = rt_listener_next(fast);
	ck_assert_uint_eq(rt_entry_paths(e)->label, 17);
	ck_assert_ptr_null(rt_listener_next(fast));
	rt_unlisten(fast);
	rt_unlisten(slow);
	rt_unlisten(late);
}
END_TEST

/* A listener that goes lets pending tombstones go too. */
START_TEST(unlisten_frees)
{
	struct rt_key k = key("10.13.0.1/32");
	struct rt_listener *l;

	add("10.13.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	l = rt_listen(t, NULL, NULL);
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	ck_assert_uint_eq(entries(), 1);
	rt_unlisten(l);
	ck_assert_uint_eq(entries(), 0);
}
END_TEST

/* Many changes with a listener that reads now and then: bounded state. */
START_TEST(churn)
{
	struct rt_listener *l = rt_listen(t, NULL, NULL);
	char name[32];
	struct rt_key k;
	int i, round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < 500; i++) {
			snprintf(name, sizeof(name), "10.%d.%d.0/24", round % 3,
			    i % 250);
			k = key(name);
			if ((i + round) % 3 == 0)
				rt_withdraw(t, &k, agent1);
			else
				add(name, agent1,
				    mkattr("127.0.0.11", 0, NULL, 0),
				    (uint32_t)i, 0);
		}
		if (round % 4 == 0)
			while (rt_listener_next(l) != NULL)
				;
	}
	while (rt_listener_next(l) != NULL)
		;
	/* Caught up: only live entries remain. */
	ck_assert_uint_eq(entries(), rt_table_prefixes(t));
	rt_unlisten(l);
}
END_TEST

/* Entry ids: unique among live entries, below the limit, reused. */
START_TEST(entry_ids)
{
	struct rt_key k = key("10.14.0.1/32");
	const struct rt_entry *a, *b;
	uint32_t ida;

	add("10.14.0.1/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	add("10.14.0.2/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	a = rt_lookup(t, &k);
	b = rt_table_next(a);
	ida = rt_entry_id(a);
	ck_assert_uint_ne(ida, rt_entry_id(b));
	ck_assert_uint_lt(ida, rt_table_id_limit(t));
	ck_assert_uint_lt(rt_entry_id(b), rt_table_id_limit(t));
	ck_assert_uint_eq(rt_table_id_limit(t), 2);
	ck_assert_int_eq(rt_withdraw(t, &k, agent1), 0);
	add("10.14.0.3/32", agent1, mkattr("127.0.0.11", 0, NULL, 0), 16, 0);
	k = key("10.14.0.3/32");
	ck_assert_uint_eq(rt_entry_id(rt_lookup(t, &k)), ida);
	ck_assert_uint_eq(rt_table_id_limit(t), 2);
}
END_TEST

Suite *
cn_rt_suite(void)
{
	Suite *s = suite_create("cn_rt");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, update_withdraw);
	tcase_add_test(tc, wrong_family);
	tcase_add_test(tc, best_path_order);
	tcase_add_test(tc, ebgp_and_xmpp_preference);
	tcase_add_test(tc, flags_in_selection);
	tcase_add_test(tc, ecmp_set);
	tcase_add_test(tc, mac_mobility);
	tcase_add_test(tc, stale_and_flush);
	tcase_add_test(tc, copies);
	tcase_add_test(tc, prefetch);
	tcase_add_test(tc, entry_ids);
	suite_add_tcase(s, tc);

	tc = tcase_create("fsm");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, listener_feed_and_changes);
	tcase_add_test(tc, listener_coalesces);
	tcase_add_test(tc, listener_cursor_moves);
	tcase_add_test(tc, listener_rewind);
	tcase_add_test(tc, tombstones);
	tcase_add_test(tc, unlisten_frees);
	tcase_add_test(tc, churn);
	suite_add_tcase(s, tc);
	return s;
}
