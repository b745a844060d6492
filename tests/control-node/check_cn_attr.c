/*
 * DOC: check_cn_attr.c - tests of control-node/cn_attr.c.
 *
 * Interning: the same content gives the same set (one more ref), any one
 * field or array element changed gives another, the arrays are copied
 * into the set, and the table is empty again after the last unref (the
 * fixture checks attr_count() == 0 after every test).  Programming
 * errors (arrays past their bounds, refcount overflow and underflow) are
 * fatalx: those tests expect SIGABRT.  Then the AS path helpers on
 * tables of well-formed and malformed paths, and the extended community
 * helpers with their text forms.  Each test forks, so each starts with
 * an empty intern table.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/control-node/suites.h"

static void
setup(void)
{
	static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

	log_init("check_cn", LOG_LEVEL_ERR);
	ht_seed(key);
}

static void
teardown(void)
{
	ck_assert_uint_eq(attr_count(), 0);
}

/* A template with every field set and arrays it owns, to be mutated. */
struct tmpl {
	struct attr a;
	uint8_t aspath[10];
	uint32_t comm[2];
	uint64_t ecomm[3];
	uint32_t cluster[1];
	uint8_t unknown[7];
	uint8_t pmsi[9];
};

static const uint8_t base_aspath[10] = {
    2, 2, 0, 0, 0xfc, 0x01, 0, 0, 0xfc, 0x02};
static const uint32_t base_comm[2] = {0xfc000001, 0xffffff01};
static const uint64_t base_ecomm[3] = {
    0x0002fc0000000001, 0x8071fc0000000005, 0x030c000000000008};
static const uint32_t base_cluster[1] = {0x0a000001};
static const uint8_t base_unknown[7] = {0xc0, 0x20, 0x04, 1, 2, 3, 4};
static const uint8_t base_pmsi[9] = {0, 6, 0, 0, 0x10, 10, 0, 0, 1};

static void
tmpl_init(struct tmpl *t)
{
	struct attr *a = &t->a;

	memset(t, 0, sizeof(*t));
	memcpy(t->aspath, base_aspath, sizeof(t->aspath));
	memcpy(t->comm, base_comm, sizeof(t->comm));
	memcpy(t->ecomm, base_ecomm, sizeof(t->ecomm));
	memcpy(t->cluster, base_cluster, sizeof(t->cluster));
	memcpy(t->unknown, base_unknown, sizeof(t->unknown));
	memcpy(t->pmsi, base_pmsi, sizeof(t->pmsi));
	a->origin = ATTR_ORIGIN_IGP;
	a->flags = ATTR_F_LOCAL_PREF | ATTR_F_MED;
	a->local_pref = 200;
	a->med = 100;
	a->originator_id = 0x0a000002;
	a->aggregator_as = 64512;
	a->aggregator_id = 0x0a000003;
	ck_assert_int_eq(ipaddr_parse("10.0.0.1", &a->nexthop), 0);
	ck_assert_int_eq(rt_rd_parse("10.0.0.1:1", &a->source_rd), 0);
	a->aspath = t->aspath;
	a->aspath_len = sizeof(t->aspath);
	a->comm = t->comm;
	a->ncomm = nitems(t->comm);
	a->ecomm = t->ecomm;
	a->necomm = nitems(t->ecomm);
	a->cluster = t->cluster;
	a->ncluster = nitems(t->cluster);
	a->unknown = t->unknown;
	a->unknown_len = sizeof(t->unknown);
	a->pmsi = t->pmsi;
	a->pmsi_len = sizeof(t->pmsi);
}

/* The set holds exactly the base content. */
static void
ck_base(const struct attr *a)
{
	ck_assert_uint_eq(a->aspath_len, sizeof(base_aspath));
	ck_assert_mem_eq(a->aspath, base_aspath, sizeof(base_aspath));
	ck_assert_uint_eq(a->ncomm, nitems(base_comm));
	ck_assert_mem_eq(a->comm, base_comm, sizeof(base_comm));
	ck_assert_uint_eq(a->necomm, nitems(base_ecomm));
	ck_assert_mem_eq(a->ecomm, base_ecomm, sizeof(base_ecomm));
	ck_assert_uint_eq(a->ncluster, nitems(base_cluster));
	ck_assert_mem_eq(a->cluster, base_cluster, sizeof(base_cluster));
	ck_assert_uint_eq(a->unknown_len, sizeof(base_unknown));
	ck_assert_mem_eq(a->unknown, base_unknown, sizeof(base_unknown));
	ck_assert_uint_eq(a->pmsi_len, sizeof(base_pmsi));
	ck_assert_mem_eq(a->pmsi, base_pmsi, sizeof(base_pmsi));
	ck_assert_uint_eq(a->local_pref, 200);
	ck_assert_uint_eq(a->med, 100);
}

START_TEST(test_intern_same)
{
	struct tmpl t;
	struct attr *a, *b, *c;

	tmpl_init(&t);
	a = attr_intern(&t.a);
	ck_assert_uint_eq(a->refcnt, 1);
	ck_assert_uint_eq(attr_count(), 1);
	ck_base(a);

	/* A second template with the same content, other memory. */
	tmpl_init(&t);
	t.a.refcnt = 77; /* ignored */
	b = attr_intern(&t.a);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(a->refcnt, 2);
	ck_assert_uint_eq(attr_count(), 1);

	/* An interned set is a template too. */
	c = attr_intern(a);
	ck_assert_ptr_eq(c, a);
	ck_assert_uint_eq(a->refcnt, 3);
	ck_assert_ptr_eq(attr_ref(a), a);
	ck_assert_uint_eq(a->refcnt, 4);

	attr_unref(a);
	attr_unref(a);
	attr_unref(b);
	ck_assert_uint_eq(attr_count(), 1);
	ck_assert_uint_eq(a->refcnt, 1);
	attr_unref(c);
	ck_assert_uint_eq(attr_count(), 0);
	attr_unref(NULL);
}
END_TEST

/* Change number i: one field or one array element or length. */
static void
mutate(struct tmpl *t, int i)
{
	struct attr *a = &t->a;

	switch (i) {
	case 0:
		a->origin = ATTR_ORIGIN_INCOMPLETE;
		break;
	case 1:
		a->flags |= ATTR_F_ATOMIC_AGG;
		break;
	case 2:
		a->local_pref++;
		break;
	case 3:
		a->med++;
		break;
	case 4:
		a->originator_id++;
		break;
	case 5:
		a->aggregator_as++;
		break;
	case 6:
		a->aggregator_id++;
		break;
	case 7:
		a->nexthop.u.b[3]++;
		break;
	case 8:
		a->nexthop.af = AF_INET6; /* same leading bytes */
		break;
	case 9:
		a->nexthop.af = 0;
		memset(&a->nexthop.u, 0, sizeof(a->nexthop.u));
		break;
	case 10:
		a->source_rd.b[7]++;
		break;
	case 11:
		t->aspath[9]++;
		break;
	case 12:
		a->aspath_len -= 4;
		break;
	case 13:
		t->comm[1]++;
		break;
	case 14:
		a->ncomm--;
		break;
	case 15:
		t->ecomm[2]++;
		break;
	case 16:
		a->necomm--;
		break;
	case 17:
		t->cluster[0]++;
		break;
	case 18:
		a->ncluster = 0;
		break;
	case 19:
		t->unknown[6]++;
		break;
	case 20:
		a->unknown_len--;
		break;
	case 21:
		t->pmsi[0] = 1;
		break;
	case 22:
		a->pmsi_len = 0;
		break;
	case 23:
		/* Same element values in another order. */
		t->comm[0] = base_comm[1];
		t->comm[1] = base_comm[0];
		break;
	default:
		ck_abort();
	}
}
#define NMUTATIONS 24

START_TEST(test_intern_differs)
{
	struct tmpl t;
	struct attr *a, *b, *again;

	tmpl_init(&t);
	a = attr_intern(&t.a);
	mutate(&t, _i);
	b = attr_intern(&t.a);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->refcnt, 1);
	ck_assert_uint_eq(b->refcnt, 1);
	ck_assert_uint_eq(attr_count(), 2);
	ck_base(a);
	/* The changed content finds its own set again. */
	again = attr_intern(&t.a);
	ck_assert_ptr_eq(again, b);
	attr_unref(again);
	attr_unref(b);
	attr_unref(a);
}
END_TEST

/* Only the family's bytes of the nexthop count. */
START_TEST(test_intern_nexthop_bytes)
{
	struct tmpl t;
	struct attr *a, *b;

	tmpl_init(&t);
	a = attr_intern(&t.a);
	t.a.nexthop.u.b[8] = 0x77;
	b = attr_intern(&t.a);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(a->nexthop.u.b[8], 0);
	attr_unref(a);
	attr_unref(b);
}
END_TEST

/* The set owns copies: the template's memory may change or go. */
START_TEST(test_intern_copies)
{
	struct tmpl *t = malloc(sizeof(*t));
	struct attr *a, *b;

	ck_assert_ptr_nonnull(t);
	tmpl_init(t);
	a = attr_intern(&t->a);
	ck_assert_ptr_ne(a->aspath, t->aspath);
	ck_assert_ptr_ne(a->ecomm, t->ecomm);
	memset(t->aspath, 0xee, sizeof(t->aspath));
	memset(t->comm, 0xee, sizeof(t->comm));
	memset(t->ecomm, 0xee, sizeof(t->ecomm));
	memset(t->cluster, 0xee, sizeof(t->cluster));
	memset(t->unknown, 0xee, sizeof(t->unknown));
	memset(t->pmsi, 0xee, sizeof(t->pmsi));
	ck_base(a);
	b = attr_intern(&t->a);
	ck_assert_ptr_ne(a, b);
	free(t);
	ck_base(a);
	/* Trailing storage: ecomm first, each array aligned. */
	ck_assert_ptr_eq(a->ecomm, (const void *)(a + 1));
	ck_assert_uint_eq((uintptr_t)a->ecomm % _Alignof(uint64_t), 0);
	ck_assert_uint_eq((uintptr_t)a->comm % _Alignof(uint32_t), 0);
	ck_assert_uint_eq((uintptr_t)a->cluster % _Alignof(uint32_t), 0);
	attr_unref(a);
	attr_unref(b);
}
END_TEST

/* Empty arrays: any pointer (NULL too) gives the same set, with NULL. */
START_TEST(test_intern_empty)
{
	static const uint8_t junk[4] = {1, 2, 3, 4};
	struct attr t, *a, *b;

	memset(&t, 0, sizeof(t));
	a = attr_intern(&t);
	ck_assert_ptr_null(a->aspath);
	ck_assert_ptr_null(a->ecomm);
	ck_assert_uint_eq(attr_aspath_count(a), 0);
	ck_assert_uint_eq(attr_aspath_first(a), 0);
	ck_assert_uint_eq(attr_mac_mobility_seq(a), 0);
	t.aspath = junk;
	t.pmsi = junk;
	t.unknown = junk;
	b = attr_intern(&t);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_null(b->pmsi);
	attr_unref(a);
	attr_unref(b);
}
END_TEST

/* The arrays at their bounds are fine. */
START_TEST(test_intern_at_bounds)
{
	static uint8_t big[ATTR_MAX_UNKNOWN];
	static uint64_t ecomm[ATTR_MAX_ECOMM];
	static uint32_t comm[ATTR_MAX_COMM];
	struct attr t, *a;

	memset(&t, 0, sizeof(t));
	t.aspath = big;
	t.aspath_len = ATTR_MAX_ASPATH;
	t.unknown = big;
	t.unknown_len = ATTR_MAX_UNKNOWN;
	t.pmsi = big;
	t.pmsi_len = ATTR_MAX_PMSI;
	t.comm = comm;
	t.ncomm = ATTR_MAX_COMM;
	t.cluster = comm;
	t.ncluster = ATTR_MAX_CLUSTER;
	t.ecomm = ecomm;
	t.necomm = ATTR_MAX_ECOMM;
	a = attr_intern(&t);
	ck_assert_uint_eq(a->necomm, ATTR_MAX_ECOMM);
	attr_unref(a);
}
END_TEST

/* Many sets: the table grows and shows it; all go after their unref. */
START_TEST(test_intern_many)
{
	struct attr t, *sets[500];
	struct ht_stats st;
	size_t i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < nitems(sets); i++) {
		t.med = (uint32_t)i;
		sets[i] = attr_intern(&t);
	}
	ck_assert_uint_eq(attr_count(), nitems(sets));
	attr_stats(&st);
	ck_assert_uint_eq(st.count, nitems(sets));
	ck_assert_uint_ge(st.nbuckets, nitems(sets));
	ck_assert_uint_gt(st.used, 0);
	ck_assert_uint_ge(st.max_chain, 1);
	for (i = 0; i < nitems(sets); i++) {
		t.med = (uint32_t)i;
		ck_assert_ptr_eq(attr_intern(&t), sets[i]);
		attr_unref(sets[i]);
		attr_unref(sets[i]);
	}
	attr_stats(&st);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_uint_eq(st.used, 0);
}
END_TEST

/*
 * Programming errors: fatalx, so SIGABRT.
 */

/* Array i one past its bound. */
START_TEST(test_intern_over_bound)
{
	static uint8_t big[ATTR_MAX_UNKNOWN + 8];
	static uint64_t ecomm[ATTR_MAX_ECOMM + 1];
	static uint32_t comm[ATTR_MAX_COMM + 1];
	struct attr t;

	memset(&t, 0, sizeof(t));
	t.aspath = t.unknown = t.pmsi = big;
	t.comm = t.cluster = comm;
	t.ecomm = ecomm;
	switch (_i) {
	case 0:
		t.aspath_len = ATTR_MAX_ASPATH + 1;
		break;
	case 1:
		t.ncomm = ATTR_MAX_COMM + 1;
		break;
	case 2:
		t.necomm = ATTR_MAX_ECOMM + 1;
		break;
	case 3:
		t.ncluster = ATTR_MAX_CLUSTER + 1;
		break;
	case 4:
		t.unknown_len = ATTR_MAX_UNKNOWN + 1;
		break;
	default:
		t.pmsi_len = ATTR_MAX_PMSI + 1;
		break;
	}
	attr_intern(&t);
}
END_TEST

START_TEST(test_intern_null_array)
{
	struct attr t;

	memset(&t, 0, sizeof(t));
	t.ncomm = 1;
	attr_intern(&t);
}
END_TEST

START_TEST(test_intern_bad_nexthop)
{
	struct attr t;

	memset(&t, 0, sizeof(t));
	t.nexthop.af = AF_UNIX;
	attr_intern(&t);
}
END_TEST

START_TEST(test_ref_overflow)
{
	struct attr t, *a;

	memset(&t, 0, sizeof(t));
	a = attr_intern(&t);
	a->refcnt = UINT32_MAX;
	attr_ref(a);
}
END_TEST

START_TEST(test_ref_template)
{
	struct attr t;

	memset(&t, 0, sizeof(t));
	attr_ref(&t);
}
END_TEST

START_TEST(test_unref_underflow)
{
	struct attr t;

	memset(&t, 0, sizeof(t));
	attr_unref(&t);
}
END_TEST

/* A copy of an interned set is not linked: unref finds it missing. */
START_TEST(test_unref_unlinked)
{
	struct attr t, copy, *a;

	memset(&t, 0, sizeof(t));
	a = attr_intern(&t);
	copy = *a;
	attr_unref(&copy);
}
END_TEST

/*
 * AS paths.
 */

static const struct {
	const char *name;
	const char *hex; /* segments */
	unsigned count;
	uint32_t first;
} paths[] = {
    {"empty", "", 0, 0},
    {"sequence", "02 03 00000001 00000002 00000003", 3, 1},
    {"4-byte", "02 01 fa56ea00", 1, 4200000000},
    {"set", "01 02 00000001 00000002", 1, 0},
    {"sequence set", "02 02 00000007 00000008 01 03 00000001 00000002 00000003",
	3, 7},
    {"set sequence", "01 01 00000009 02 01 00000007", 2, 0},
    {"confed seq", "03 01 0000fde8 02 02 00000001 00000002", 2, 0},
    {"confed set", "04 02 0000fde8 0000fde9", 0, 0},
    {"seq confed", "02 01 00000005 03 02 0000fde8 0000fde9 04 01 00000001", 1,
	5},
    {"truncated tail", "02 01 00000005 02 02 00000001", 1, 5},
    {"truncated first", "02 02 00000001", 0, 0},
    {"header only", "02", 0, 0},
    {"header count", "02 01", 0, 0},
    {"bad type", "02 01 00000005 05 01 00000001", 1, 5},
    {"type 0", "00 01 00000001 02 01 00000005", 0, 0},
    {"count 0", "02 00 02 01 00000001", 0, 0},
    {"count 0 tail", "02 01 00000005 02 00", 1, 5},
    {"trailing byte", "02 01 00000005 ff", 1, 5},
};

START_TEST(test_aspath)
{
	uint8_t bytes[64];
	const char *s = paths[_i].hex;
	struct attr t, *a;
	unsigned v;
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		ck_assert_int_eq(sscanf(s++, "%2x", &v), 1);
		bytes[n++] = (uint8_t)v;
	}
	memset(&t, 0, sizeof(t));
	t.aspath = bytes;
	t.aspath_len = (uint16_t)n;
	/* The set's copy is exactly n bytes long: ASan sees an over-read. */
	a = attr_intern(&t);
	ck_assert_msg(attr_aspath_count(a) == paths[_i].count, "%s: %u",
	    paths[_i].name, attr_aspath_count(a));
	ck_assert_msg(attr_aspath_first(a) == paths[_i].first, "%s: %u",
	    paths[_i].name, attr_aspath_first(a));
	attr_unref(a);
}
END_TEST

/* Full segments: 255 ASes each, the most a count byte holds. */
START_TEST(test_aspath_long)
{
	static uint8_t path[2 * (2 + 4 * 255) + 2 + 4];
	struct attr t, *a;
	size_t off = 0, i, s;

	for (s = 0; s < 2; s++) {
		path[off++] = 2;
		path[off++] = 255;
		for (i = 0; i < 255; i++, off += 4)
			path[off + 3] = (uint8_t)(i + 1);
	}
	path[off++] = 1; /* and a set of one */
	path[off++] = 1;
	off += 4;
	ck_assert_uint_eq(off, sizeof(path));
	memset(&t, 0, sizeof(t));
	t.aspath = path;
	t.aspath_len = (uint16_t)off;
	a = attr_intern(&t);
	ck_assert_uint_eq(attr_aspath_count(a), 511);
	ck_assert_uint_eq(attr_aspath_first(a), 1);
	attr_unref(a);
}
END_TEST

START_TEST(test_local_pref)
{
	struct attr t;

	memset(&t, 0, sizeof(t));
	t.local_pref = 5;
	ck_assert_uint_eq(attr_local_pref(&t), ATTR_DEFAULT_LOCAL_PREF);
	t.flags = ATTR_F_LOCAL_PREF;
	ck_assert_uint_eq(attr_local_pref(&t), 5);
	t.local_pref = 0;
	ck_assert_uint_eq(attr_local_pref(&t), 0);
}
END_TEST

/*
 * Extended communities.
 */

START_TEST(test_ecomm_make)
{
	struct macaddr mac;
	uint32_t asn, idx;
	uint64_t rt;

	ck_assert_uint_eq(ecomm_origin_vn(64512, 5), 0x8071fc0000000005);
	ck_assert_uint_eq(ecomm_origin_vn(0, 4294967295), 0x80710000ffffffff);
	ck_assert_uint_eq(ecomm_origin_vn(4200000000, 7), 0x8271fa56ea000007);
	ck_assert_uint_eq(ecomm_origin_vn(65536, 65535), 0x827100010000ffff);
	ck_assert_uint_eq(ecomm_origin_vn(65536, 65536), 0);
	ck_assert_int_eq(
	    ecomm_get_origin_vn(0x8071fc0000000005, &asn, &idx), 0);
	ck_assert_uint_eq(asn, 64512);
	ck_assert_uint_eq(idx, 5);
	ck_assert_int_eq(
	    ecomm_get_origin_vn(0x8271fa56ea000007, &asn, &idx), 0);
	ck_assert_uint_eq(asn, 4200000000);
	ck_assert_uint_eq(idx, 7);
	ck_assert_int_eq(
	    ecomm_get_origin_vn(0x0002fc0000000005, &asn, &idx), -EINVAL);
	ck_assert_int_eq(
	    ecomm_get_origin_vn(0x8072fc0000000005, &asn, &idx), -EINVAL);

	ck_assert_uint_eq(ecomm_encap(ECOMM_ENCAP_GRE), 0x030c000000000002);
	ck_assert_uint_eq(ecomm_encap(ECOMM_ENCAP_VXLAN), 0x030c000000000008);
	ck_assert_uint_eq(
	    ecomm_encap(ECOMM_ENCAP_MPLS_UDP), 0x030c00000000000d);
	ck_assert_uint_eq(
	    ecomm_security_group(64512, 8000001), 0x8004fc00007a1201);
	ck_assert_uint_eq(ecomm_security_group(65536, 1), 0);
	ck_assert_uint_eq(ecomm_tag(7), 0x8084000000000007);
	ck_assert_uint_eq(ecomm_tag(0xffffffff), 0x80840000ffffffff);
	ck_assert_uint_eq(ecomm_mac_mobility(3, false), 0x0600000000000003);
	ck_assert_uint_eq(ecomm_mac_mobility(3, true), 0x0600010000000003);
	ck_assert_uint_eq(
	    ecomm_mac_mobility(0xffffffff, true), 0x06000100ffffffff);
	ck_assert_int_eq(macaddr_parse("02:00:5e:00:01:0a", &mac), 0);
	ck_assert_uint_eq(ecomm_router_mac(&mac), 0x060302005e00010a);

	ck_assert_int_eq(rtarget_parse("target:64512:1", &rt), 0);
	ck_assert(ecomm_is_rt(rt));
	ck_assert_int_eq(rtarget_parse("target:1.2.3.4:5", &rt), 0);
	ck_assert(ecomm_is_rt(rt));
	ck_assert_int_eq(rtarget_parse("target:4200000000:5", &rt), 0);
	ck_assert(ecomm_is_rt(rt));
	ck_assert(ecomm_is_rt(0x0202000000010001)); /* no text form, an RT */
	ck_assert(!ecomm_is_rt(0x0302000000000001));
	ck_assert(!ecomm_is_rt(0x4002000000000001));
	ck_assert(!ecomm_is_rt(0x0003fc0000000001));
	ck_assert(!ecomm_is_rt(ecomm_origin_vn(64512, 1)));
}
END_TEST

static const struct {
	uint64_t e;
	const char *text;
} ecomm_texts[] = {
    {0x0002fc0000000001, "target:64512:1"},
    {0x0102010203040005, "target:1.2.3.4:5"},
    {0x0202fa56ea000007, "target:4200000000:7"},
    {0x0202000000010001, "0x0202000000010001"},
    {0x8071fc0000000005, "origin-vn:64512:5"},
    {0x8271fa56ea000007, "origin-vn:4200000000:7"},
    {0x030c000000000002, "encapsulation:gre"},
    {0x030c000000000008, "encapsulation:vxlan"},
    {0x030c00000000000a, "encapsulation:mpls"},
    {0x030c00000000000d, "encapsulation:udp"},
    {0x030c000000000010, "encapsulation:native"},
    {0x030c000000000009, "0x030c000000000009"},
    {0x030c000100000008, "0x030c000100000008"},
    {0x8004fc00007a1201, "secgroup:64512:8000001"},
    {0x8084000000000007, "tag:7"},
    {0x8084fc0000000007, "0x8084fc0000000007"},
    {0x0600000000000003, "mac-mobility:3"},
    {0x0600010000000003, "mac-mobility:3:sticky"},
    {0x06000000ffffffff, "mac-mobility:4294967295"},
    {0x0600020000000003, "0x0600020000000003"},
    {0x0600000100000003, "0x0600000100000003"},
    {0x0601000000000003, "0x0601000000000003"},
    {0x060302005e00010a, "router-mac:02:00:5e:00:01:0a"},
    {0x0000000000000000, "0x0000000000000000"},
    {0xffffffffffffffff, "0xffffffffffffffff"},
};

START_TEST(test_ecomm_print)
{
	char buf[ECOMM_STRLEN];
	size_t n = strlen(ecomm_texts[_i].text);

	ck_assert_str_eq(ecomm_print(ecomm_texts[_i].e, buf, sizeof(buf)),
	    ecomm_texts[_i].text);
	ck_assert_ptr_nonnull(ecomm_print(ecomm_texts[_i].e, buf, n + 1));
	ck_assert_ptr_null(ecomm_print(ecomm_texts[_i].e, buf, n));
}
END_TEST

/* The helpers' values print as the cn.h comment shows. */
START_TEST(test_ecomm_print_made)
{
	char buf[ECOMM_STRLEN];
	struct macaddr mac;

	ck_assert_str_eq(
	    ecomm_print(ecomm_origin_vn(64512, 5), buf, sizeof(buf)),
	    "origin-vn:64512:5");
	ck_assert_str_eq(
	    ecomm_print(ecomm_encap(ECOMM_ENCAP_VXLAN), buf, sizeof(buf)),
	    "encapsulation:vxlan");
	ck_assert_str_eq(
	    ecomm_print(ecomm_security_group(64512, 8000001), buf, sizeof(buf)),
	    "secgroup:64512:8000001");
	ck_assert_str_eq(ecomm_print(ecomm_tag(7), buf, sizeof(buf)), "tag:7");
	ck_assert_str_eq(
	    ecomm_print(ecomm_mac_mobility(3, true), buf, sizeof(buf)),
	    "mac-mobility:3:sticky");
	ck_assert_int_eq(macaddr_parse("02:00:5e:00:01:0a", &mac), 0);
	ck_assert_str_eq(ecomm_print(ecomm_router_mac(&mac), buf, sizeof(buf)),
	    "router-mac:02:00:5e:00:01:0a");
}
END_TEST

START_TEST(test_attr_ecomm)
{
	uint64_t ec[4];
	struct attr t, *a;

	memset(&t, 0, sizeof(t));
	ec[0] = ecomm_mac_mobility(3, false);
	ec[1] = 0x0002fc0000000001;
	ec[2] = ecomm_mac_mobility(9, true);
	ec[3] = ecomm_mac_mobility(5, false);
	t.ecomm = ec;
	t.necomm = 4;
	a = attr_intern(&t);
	ck_assert_uint_eq(attr_mac_mobility_seq(a), 9);
	ck_assert(attr_has_ecomm(a, 0x0002fc0000000001));
	ck_assert(attr_has_ecomm(a, ecomm_mac_mobility(5, false)));
	ck_assert(!attr_has_ecomm(a, ecomm_mac_mobility(5, true)));
	ck_assert(!attr_has_ecomm(a, 0x0002fc0000000002));
	attr_unref(a);

	t.necomm = 2;
	a = attr_intern(&t);
	ck_assert_uint_eq(attr_mac_mobility_seq(a), 3);
	attr_unref(a);
	t.ecomm = ec + 1;
	t.necomm = 1;
	a = attr_intern(&t);
	ck_assert_uint_eq(attr_mac_mobility_seq(a), 0);
	attr_unref(a);
}
END_TEST

Suite *
cn_attr_suite(void)
{
	Suite *s = suite_create("cn_attr");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_intern_same);
	tcase_add_loop_test(tc, test_intern_differs, 0, NMUTATIONS);
	tcase_add_test(tc, test_intern_nexthop_bytes);
	tcase_add_test(tc, test_intern_copies);
	tcase_add_test(tc, test_intern_empty);
	tcase_add_test(tc, test_intern_many);
	tcase_add_loop_test(tc, test_aspath, 0, (int)nitems(paths));
	tcase_add_test(tc, test_aspath_long);
	tcase_add_test(tc, test_local_pref);
	tcase_add_test(tc, test_ecomm_make);
	tcase_add_loop_test(tc, test_ecomm_print, 0, (int)nitems(ecomm_texts));
	tcase_add_test(tc, test_ecomm_print_made);
	tcase_add_test(tc, test_attr_ecomm);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_intern_at_bounds);
	tcase_add_loop_test_raise_signal(
	    tc, test_intern_over_bound, SIGABRT, 0, 6);
	tcase_add_test_raise_signal(tc, test_intern_null_array, SIGABRT);
	tcase_add_test_raise_signal(tc, test_intern_bad_nexthop, SIGABRT);
	tcase_add_test_raise_signal(tc, test_ref_overflow, SIGABRT);
	tcase_add_test_raise_signal(tc, test_ref_template, SIGABRT);
	tcase_add_test_raise_signal(tc, test_unref_underflow, SIGABRT);
	tcase_add_test_raise_signal(tc, test_unref_unlinked, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
