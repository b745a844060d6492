/*
 * DOC: cn_attr.c - interned path attribute sets, and helpers that read
 * AS paths and extended communities.  Part of the routing core.
 *
 * One intern table per process, used from the loop thread only: a keyed
 * hash table (common ht, SipHash) of struct attr, each set one allocation
 * with its arrays in trailing storage, so a set is freed in one go when
 * its last reference goes (OpenBGPD path_getcache/path_unref).  Two sets
 * are the same set if every field and every array byte agrees; the table
 * does not interpret flags, sort communities or check wire syntax: the
 * decoders in bgp/ and the XMPP glue check their input against the
 * ATTR_MAX_* bounds before they fill a template, so a template past a
 * bound is a programming error (fatalx).
 */
#include "control-node/cn.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AS_PATH segment types (RFC 4271 4.3, RFC 5065 3). */
#define AS_SET             1
#define AS_SEQUENCE        2
#define AS_CONFED_SEQUENCE 3
#define AS_CONFED_SET      4

/* Extended community type and subtype pairs (ECOMM_TYPE << 8 | SUBTYPE). */
#define EC_ORIGIN_VN     0x8071 /* 2-byte AS, 4-byte VN index */
#define EC_ORIGIN_VN_AS4 0x8271 /* 4-byte AS, 2-byte VN index */
#define EC_SECGROUP      0x8004 /* 2-byte AS, 4-byte id */
#define EC_TAG           0x8084 /* 2 bytes zero, 4-byte tag */
#define EC_ENCAP         0x030c /* 4 bytes zero, 2-byte tunnel type */
#define EC_MAC_MOBILITY  0x0600 /* flags, reserved, 4-byte sequence */
#define EC_ROUTER_MAC    0x0603 /* 6-byte MAC */
#define EC_SUBTYPE_RT    0x02   /* route target, types 0x00..0x02 */

#define EC_MM_STICKY 0x01 /* MAC mobility flags: sticky (static) MAC */

#define ECOMM_MAKE(ts, value) ((uint64_t)(ts) << 48 | (value))
#define ECOMM_TS(e)           ((uint16_t)((e) >> 48))

/*
 * The arrays of a set, in the order of its trailing storage: largest
 * alignment first, so each starts aligned after struct attr.
 */
enum {
	ATTR_ARR_ECOMM,
	ATTR_ARR_COMM,
	ATTR_ARR_CLUSTER,
	ATTR_ARR_ASPATH,
	ATTR_ARR_UNKNOWN,
	ATTR_ARR_PMSI,
	ATTR_NARR
};
struct attr_arr {
	const void *p; /* borrowed; NULL when empty */
	size_t len;    /* bytes */
};
_Static_assert(sizeof(struct attr) % _Alignof(uint64_t) == 0,
    "ecomm storage right after struct attr must be aligned");

/* Scalar fields serialised for hashing and comparing (no padding). */
#define ATTR_SCALARS_LEN 60

static struct ht attr_table; /* the intern table */
static bool attr_table_ready;

static struct ht *
attr_tbl(void)
{
	if (!attr_table_ready) {
		ht_init(&attr_table, 0);
		attr_table_ready = true;
	}
	return &attr_table;
}

/* Bytes of the nexthop's address; fatalx for a family no caller sets. */
static size_t
attr_nexthop_len(const struct attr *a)
{
	switch (a->nexthop.af) {
	case 0:
		return 0;
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		fatalx("attr: nexthop family %u", (unsigned)a->nexthop.af);
	}
}

/* Big-endian stores for attr_scalars (hot: every intern, every compare). */
static inline uint8_t *
sc_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *
sc_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* Every scalar field, big-endian, the nexthop's unused bytes zero. */
static void
attr_scalars(const struct attr *a, uint8_t out[ATTR_SCALARS_LEN])
{
	uint8_t *p = out;

	*p++ = a->origin;
	*p++ = a->flags;
	p = sc_u16(p, a->aspath_len);
	p = sc_u16(p, a->ncomm);
	p = sc_u16(p, a->necomm);
	p = sc_u16(p, a->ncluster);
	p = sc_u16(p, a->unknown_len);
	p = sc_u16(p, a->pmsi_len);
	p = sc_u32(p, a->local_pref);
	p = sc_u32(p, a->med);
	p = sc_u32(p, a->originator_id);
	p = sc_u32(p, a->aggregator_as);
	p = sc_u32(p, a->aggregator_id);
	p = sc_u16(p, a->nexthop.af);
	memset(p, 0, 16);
	memcpy(p, a->nexthop.u.b, attr_nexthop_len(a));
	p += 16;
	memcpy(p, a->source_rd.b, sizeof(a->source_rd.b));
	p += sizeof(a->source_rd.b);
	if (p != out + ATTR_SCALARS_LEN)
		fatalx("%s: ATTR_SCALARS_LEN is not %td", __func__, p - out);
}

static void
attr_arrays(const struct attr *a, struct attr_arr arr[ATTR_NARR])
{
	arr[ATTR_ARR_ECOMM].p = a->ecomm;
	arr[ATTR_ARR_ECOMM].len = a->necomm * sizeof(*a->ecomm);
	arr[ATTR_ARR_COMM].p = a->comm;
	arr[ATTR_ARR_COMM].len = a->ncomm * sizeof(*a->comm);
	arr[ATTR_ARR_CLUSTER].p = a->cluster;
	arr[ATTR_ARR_CLUSTER].len = a->ncluster * sizeof(*a->cluster);
	arr[ATTR_ARR_ASPATH].p = a->aspath;
	arr[ATTR_ARR_ASPATH].len = a->aspath_len;
	arr[ATTR_ARR_UNKNOWN].p = a->unknown;
	arr[ATTR_ARR_UNKNOWN].len = a->unknown_len;
	arr[ATTR_ARR_PMSI].p = a->pmsi;
	arr[ATTR_ARR_PMSI].len = a->pmsi_len;
}

/* The bounds callers check wire input against; past them is a bug. */
static void
attr_check(const struct attr *t, const struct attr_arr arr[ATTR_NARR])
{
	unsigned i;

	if (t->aspath_len > ATTR_MAX_ASPATH || t->ncomm > ATTR_MAX_COMM ||
	    t->necomm > ATTR_MAX_ECOMM || t->ncluster > ATTR_MAX_CLUSTER ||
	    t->unknown_len > ATTR_MAX_UNKNOWN || t->pmsi_len > ATTR_MAX_PMSI)
		fatalx("attr_intern: array over its ATTR_MAX_* bound");
	for (i = 0; i < ATTR_NARR; i++)
		if (arr[i].len > 0 && arr[i].p == NULL)
			fatalx("attr_intern: array %u of %zu bytes at NULL", i,
			    arr[i].len);
}

static uint64_t
attr_hash(const struct attr *a)
{
	uint8_t sc[ATTR_SCALARS_LEN];
	struct attr_arr arr[ATTR_NARR];
	struct ht_hasher h;
	unsigned i;

	attr_scalars(a, sc);
	attr_arrays(a, arr);
	ht_hasher_init(&h);
	ht_hasher_add(&h, sc, sizeof(sc));
	/* The lengths are in the scalars, so the arrays cannot run on. */
	for (i = 0; i < ATTR_NARR; i++)
		if (arr[i].len > 0) /* an empty array may be NULL */
			ht_hasher_add(&h, arr[i].p, arr[i].len);
	return ht_hasher_final(&h);
}

/* ht_eq_cb: an interned set against a template. */
static bool
attr_eq(const struct ht_node *node, const void *key)
{
	const struct attr *a = container_of(node, const struct attr, node);
	const struct attr *t = key;
	uint8_t sa[ATTR_SCALARS_LEN], st[ATTR_SCALARS_LEN];
	struct attr_arr aa[ATTR_NARR], ta[ATTR_NARR];
	unsigned i;

	attr_scalars(a, sa);
	attr_scalars(t, st);
	if (memcmp(sa, st, sizeof(sa)) != 0)
		return false;
	attr_arrays(a, aa);
	attr_arrays(t, ta);
	for (i = 0; i < ATTR_NARR; i++)
		if (aa[i].len > 0 && memcmp(aa[i].p, ta[i].p, aa[i].len) != 0)
			return false;
	return true;
}

/* One allocation: the set, then its arrays in attr_arrays order. */
static struct attr *
attr_copy(const struct attr *t, const struct attr_arr arr[ATTR_NARR])
{
	uint8_t *at[ATTR_NARR], *p;
	struct attr *a;
	size_t total = sizeof(*a);
	unsigned i;

	for (i = 0; i < ATTR_NARR; i++)
		total += arr[i].len; /* bounded by attr_check */
	a = xmalloc(total);
	p = (uint8_t *)(a + 1);
	for (i = 0; i < ATTR_NARR; i++) {
		at[i] = arr[i].len > 0 ? p : NULL;
		if (arr[i].len > 0)
			memcpy(p, arr[i].p, arr[i].len);
		p += arr[i].len;
	}
	*a = *t;
	memset(&a->node, 0, sizeof(a->node));
	a->refcnt = 1;
	/* Only the family's bytes count; keep the rest zero. */
	memset(&a->nexthop, 0, sizeof(a->nexthop));
	a->nexthop.af = t->nexthop.af;
	memcpy(a->nexthop.u.b, t->nexthop.u.b, attr_nexthop_len(t));
	a->ecomm = (const uint64_t *)at[ATTR_ARR_ECOMM];
	a->comm = (const uint32_t *)at[ATTR_ARR_COMM];
	a->cluster = (const uint32_t *)at[ATTR_ARR_CLUSTER];
	a->aspath = at[ATTR_ARR_ASPATH];
	a->unknown = at[ATTR_ARR_UNKNOWN];
	a->pmsi = at[ATTR_ARR_PMSI];
	return a;
}

/* Loop thread only.  tmpl may itself be an interned set. */
struct attr *
attr_intern(const struct attr *tmpl)
{
	struct attr_arr arr[ATTR_NARR];
	struct ht_node *node;
	struct attr *a;
	uint64_t hash;

	attr_arrays(tmpl, arr);
	attr_check(tmpl, arr);
	hash = attr_hash(tmpl);
	node = ht_lookup(attr_tbl(), hash, tmpl, attr_eq);
	if (node != NULL)
		return attr_ref(container_of(node, struct attr, node));
	a = attr_copy(tmpl, arr);
	ht_insert(attr_tbl(), &a->node, hash);
	return a;
}

/* +1 ref on an interned set; fatalx on a template or on overflow. */
struct attr *
attr_ref(struct attr *a)
{
	if (a->refcnt == 0)
		fatalx("attr_ref: %p is not interned", (void *)a);
	if (a->refcnt == UINT32_MAX)
		fatalx("attr_ref: %p refcnt overflow", (void *)a);
	a->refcnt++;
	return a;
}

void
attr_unref(struct attr *a)
{
	if (a == NULL)
		return;
	if (a->refcnt == 0)
		fatalx("attr_unref: %p refcnt underflow", (void *)a);
	if (--a->refcnt > 0)
		return;
	ht_remove(attr_tbl(), &a->node); /* fatalx if not interned */
	free(a);
}

size_t
attr_count(void)
{
	return attr_tbl()->count;
}

void
attr_stats(struct ht_stats *st)
{
	ht_get_stats(attr_tbl(), st);
}

/*
 * AS paths: segments of type(1) count(1) AS(4 * count).  A walk stops at
 * the first malformed segment (unknown type, count 0, or running past
 * the end): only the well-formed segments before it count.
 */
static bool
attr_aspath_next(struct buf *b, uint8_t *type, struct buf *ases, uint8_t *count)
{
	if (buf_get_u8(b, type) != 0 || buf_get_u8(b, count) != 0 ||
	    *type < AS_SET || *type > AS_CONFED_SET || *count == 0)
		return false;
	return buf_get_sub(b, 4 * (size_t)*count, ases) == 0;
}

/* AS_SEQUENCE counts its ASes, AS_SET 1, confederation segments 0. */
unsigned
attr_aspath_count(const struct attr *a)
{
	struct buf b, ases;
	uint8_t type, count;
	unsigned n = 0;

	buf_init(&b, a->aspath, a->aspath_len);
	while (attr_aspath_next(&b, &type, &ases, &count)) {
		if (type == AS_SEQUENCE)
			n += count;
		else if (type == AS_SET)
			n++;
	}
	return n;
}

/* 0 when the path is empty or does not start with an AS_SEQUENCE. */
uint32_t
attr_aspath_first(const struct attr *a)
{
	struct buf b, ases;
	uint8_t type, count;
	uint32_t as;

	buf_init(&b, a->aspath, a->aspath_len);
	if (!attr_aspath_next(&b, &type, &ases, &count) ||
	    type != AS_SEQUENCE || buf_get_u32(&ases, &as) != 0)
		return 0;
	return as;
}

const char *
attr_aspath_print(const struct attr *a, char *buf, size_t len)
{
	struct buf b, ases;
	uint8_t type, count, i;
	uint32_t as;
	size_t off = 0;
	const char *open, *close;

	buf[0] = '\0';
	buf_init(&b, a->aspath, a->aspath_len);
	while (off < len && attr_aspath_next(&b, &type, &ases, &count)) {
		open = type == AS_SET            ? "{"
		    : type == AS_CONFED_SEQUENCE ? "("
		    : type == AS_CONFED_SET      ? "["
						 : "";
		close = type == AS_SET           ? "}"
		    : type == AS_CONFED_SEQUENCE ? ")"
		    : type == AS_CONFED_SET      ? "]"
						 : "";
		off += (size_t)snprintf(
		    buf + off, len - off, "%s%s", off > 0 ? " " : "", open);
		for (i = 0; i < count && off < len; i++) {
			if (buf_get_u32(&ases, &as) != 0)
				break;
			off += (size_t)snprintf(buf + off, len - off, "%s%u",
			    i > 0 ? (type == AS_SEQUENCE ||
						type == AS_CONFED_SEQUENCE
					    ? " "
					    : ",")
				  : "",
			    as);
		}
		if (off < len)
			off +=
			    (size_t)snprintf(buf + off, len - off, "%s", close);
	}
	return buf;
}

uint32_t
attr_local_pref(const struct attr *a)
{
	if (a->flags & ATTR_F_LOCAL_PREF)
		return a->local_pref;
	return ATTR_DEFAULT_LOCAL_PREF;
}

/*
 * Extended communities.
 */

bool
ecomm_is_rt(uint64_t e)
{
	return ECOMM_SUBTYPE(e) == EC_SUBTYPE_RT && ECOMM_TYPE(e) <= 0x02;
}

/* 0 when a 4-byte AS leaves vn_index (> 65535) no room. */
uint64_t
ecomm_origin_vn(uint32_t asn, uint32_t vn_index)
{
	if (asn <= UINT16_MAX)
		return ECOMM_MAKE(EC_ORIGIN_VN, (uint64_t)asn << 32 | vn_index);
	if (vn_index > UINT16_MAX)
		return 0;
	return ECOMM_MAKE(EC_ORIGIN_VN_AS4, (uint64_t)asn << 16 | vn_index);
}

int
ecomm_get_origin_vn(uint64_t e, uint32_t *asn, uint32_t *vn_index)
{
	switch (ECOMM_TS(e)) {
	case EC_ORIGIN_VN:
		*asn = (uint32_t)(e >> 32) & 0xffff;
		*vn_index = (uint32_t)e;
		return 0;
	case EC_ORIGIN_VN_AS4:
		*asn = (uint32_t)(e >> 16);
		*vn_index = (uint32_t)e & 0xffff;
		return 0;
	default:
		return -EINVAL;
	}
}

uint64_t
ecomm_encap(enum ecomm_encap type)
{
	return ECOMM_MAKE(EC_ENCAP, (uint16_t)type);
}

/* 0 for an AS above 65535, which the 2-byte AS field cannot hold. */
uint64_t
ecomm_security_group(uint32_t asn, uint32_t id)
{
	if (asn > UINT16_MAX)
		return 0;
	return ECOMM_MAKE(EC_SECGROUP, (uint64_t)asn << 32 | id);
}

uint64_t
ecomm_tag(uint32_t tag)
{
	return ECOMM_MAKE(EC_TAG, tag);
}

uint64_t
ecomm_mac_mobility(uint32_t seq, bool sticky)
{
	return ECOMM_MAKE(
	    EC_MAC_MOBILITY, (uint64_t)(sticky ? EC_MM_STICKY : 0) << 40 | seq);
}

uint64_t
ecomm_router_mac(const struct macaddr *mac)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < sizeof(mac->b); i++)
		v = v << 8 | mac->b[i];
	return ECOMM_MAKE(EC_ROUTER_MAC, v);
}

int
ecomm_get_encap(uint64_t e, enum ecomm_encap *type)
{
	if (ECOMM_TS(e) != EC_ENCAP || (e >> 16 & 0xffffffff) != 0)
		return -EINVAL;
	*type = (enum ecomm_encap)(e & 0xffff);
	return 0;
}

int
ecomm_get_security_group(uint64_t e, uint32_t *asn, uint32_t *id)
{
	if (ECOMM_TS(e) != EC_SECGROUP)
		return -EINVAL;
	*asn = (uint32_t)(e >> 32) & 0xffff;
	*id = (uint32_t)e;
	return 0;
}

int
ecomm_get_tag(uint64_t e, uint32_t *tag)
{
	if (ECOMM_TS(e) != EC_TAG)
		return -EINVAL;
	*tag = (uint32_t)e;
	return 0;
}

int
ecomm_get_mac_mobility(uint64_t e, uint32_t *seq, bool *sticky)
{
	if (ECOMM_TS(e) != EC_MAC_MOBILITY)
		return -EINVAL;
	*seq = (uint32_t)e;
	*sticky = (e >> 40 & EC_MM_STICKY) != 0;
	return 0;
}

int
ecomm_get_router_mac(uint64_t e, struct macaddr *mac)
{
	unsigned i;

	if (ECOMM_TS(e) != EC_ROUTER_MAC)
		return -EINVAL;
	for (i = 0; i < sizeof(mac->b); i++)
		mac->b[i] = (uint8_t)(e >> (8 * (5 - i)));
	return 0;
}

/* Contrail's names (reference section 2.4). */
static const char *
ecomm_encap_name(uint64_t e)
{
	if ((e >> 16 & 0xffffffff) != 0)
		return NULL; /* the reserved bytes */
	switch (e & 0xffff) {
	case ECOMM_ENCAP_GRE:
		return "gre";
	case ECOMM_ENCAP_VXLAN:
		return "vxlan";
	case ECOMM_ENCAP_MPLS:
		return "mpls";
	case ECOMM_ENCAP_MPLS_UDP:
		return "udp";
	case ECOMM_ENCAP_NATIVE:
		return "native";
	default:
		return NULL;
	}
}

/* The named form of e into tmp, or false for the hex fallback. */
static bool
ecomm_name(uint64_t e, char *tmp, size_t len)
{
	struct macaddr mac;
	char macs[MACADDR_STRLEN];
	const char *name;
	uint32_t asn = 0, idx = 0;
	unsigned i, flags = (unsigned)(e >> 40) & 0xff;

	if (ecomm_is_rt(e))
		return rtarget_print(e, tmp, len) != NULL;
	switch (ECOMM_TS(e)) {
	case EC_ORIGIN_VN:
	case EC_ORIGIN_VN_AS4:
		ecomm_get_origin_vn(e, &asn, &idx);
		snprintf(tmp, len, "origin-vn:%" PRIu32 ":%" PRIu32, asn, idx);
		return true;
	case EC_ENCAP:
		if ((name = ecomm_encap_name(e)) == NULL)
			return false;
		snprintf(tmp, len, "encapsulation:%s", name);
		return true;
	case EC_SECGROUP:
		snprintf(tmp, len, "secgroup:%u:%u",
		    (unsigned)(e >> 32) & 0xffff, (unsigned)(uint32_t)e);
		return true;
	case EC_TAG:
		if ((e >> 32 & 0xffff) != 0)
			return false;
		snprintf(tmp, len, "tag:%u", (unsigned)(uint32_t)e);
		return true;
	case EC_MAC_MOBILITY:
		if ((flags & ~EC_MM_STICKY) != 0 || (e >> 32 & 0xff) != 0)
			return false;
		snprintf(tmp, len, "mac-mobility:%u%s", (unsigned)(uint32_t)e,
		    flags & EC_MM_STICKY ? ":sticky" : "");
		return true;
	case EC_ROUTER_MAC:
		for (i = 0; i < sizeof(mac.b); i++)
			mac.b[i] = (uint8_t)(e >> (40 - 8 * i));
		macaddr_print(&mac, macs, sizeof(macs));
		snprintf(tmp, len, "router-mac:%s", macs);
		return true;
	default:
		return false;
	}
}

/* NULL if len is too small. */
const char *
ecomm_print(uint64_t e, char *buf, size_t len)
{
	char tmp[ECOMM_STRLEN];

	if (!ecomm_name(e, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "0x%016" PRIx64, e);
	if (str_lcpy(buf, tmp, len) >= len)
		return NULL;
	return buf;
}

/* Of several MAC mobility communities, the highest sequence counts. */
uint32_t
attr_mac_mobility_seq(const struct attr *a)
{
	uint32_t seq = 0;
	unsigned i;

	for (i = 0; i < a->necomm; i++)
		if (ECOMM_TS(a->ecomm[i]) == EC_MAC_MOBILITY)
			seq = MAX(seq, (uint32_t)a->ecomm[i]);
	return seq;
}

bool
attr_has_ecomm(const struct attr *a, uint64_t e)
{
	unsigned i;

	for (i = 0; i < a->necomm; i++)
		if (a->ecomm[i] == e)
			return true;
	return false;
}
