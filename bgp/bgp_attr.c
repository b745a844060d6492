/*
 * DOC: bgp_attr.c - path attributes, table-driven (BIRD bgp_attr_table[]):
 * one entry per type code we know with its name, the Optional and
 * Transitive flags its spec gives it, its decoder and encoder, and the
 * RFC 7606 outcome of a malformed one.  Decoders fill the struct attr
 * template of a struct bgp_update (arrays converted to host order in the
 * caller's arena; AS paths and PMSI values pointing into the message
 * where they need no conversion); encoders write an attribute set for a
 * session.  Pure codec.
 *
 * Walk rules (RFC 7606, RFC 4271 6.3): an attribute running past the list
 * stops the walk, treat-as-withdraw (the total length still finds the
 * NLRI); a repeated one is dropped, first kept, except MP_REACH_NLRI and
 * MP_UNREACH_NLRI (reset 3/1); unknown well-known is reset 3/2; unknown
 * optional transitive is kept byte-exact with Partial set, unknown
 * optional non-transitive dropped.  Flags that contradict the spec, or
 * Partial on a well-known attribute, take the entry's outcome.  A few
 * optional transitive attributes we do not use (tunnel encapsulation,
 * IPv6 extended and large communities, OTC) get their syntax checked,
 * so that a malformed one is withdrawn rather than passed on (P10, P13),
 * and are then kept like unknown ones.
 *
 * 4-octet ASes (RFC 6793): from a 2-octet peer, AS_PATH and AGGREGATOR
 * are widened and merged with AS4_PATH and AS4_AGGREGATOR (4.2.3); a
 * malformed AS4_PATH or AS4_AGGREGATOR is discarded (section 6, our
 * decision for P11: the route keeps its AS_PATH, which is what the
 * speaker that added AS4_PATH saw), and both are discarded when they come
 * from a 4-octet peer.  Towards a 2-octet peer the encoder writes AS_TRANS
 * in AS_PATH and AGGREGATOR and adds AS4_PATH and AS4_AGGREGATOR.
 */
#include "bgp/bgp_int.h"

#include <string.h>

#define BGP_F_OT (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)
#define BGP_F_O  BGP_ATTR_F_OPTIONAL
#define BGP_F_T  BGP_ATTR_F_TRANSITIVE

#define BGP_PMSI_MAX_TYPE 7 /* RFC 6514, RFC 7524: 0..7 (FRR's bound) */
#define BGP_PMSI_IR       6 /* ingress replication: the id is an address */
#define BGP_PMSI_HDR      5 /* flags(1) type(1) label(3) */

/* What an encoder needs: the set, the session, the NEXT_HOP to write. */
struct bgp_enc {
	const struct attr *a;
	const struct bgp_session_caps *caps;
	const struct ipaddr *nh;
};

/*
 * One attribute type.  decode gets the value and returns NULL, or why it
 * is malformed (fail then applies); encode writes the attribute if the
 * set has it, nonzero when w is full.
 */
struct bgp_attr_desc {
	uint8_t type;
	const char *name;
	uint8_t flags;         /* Optional and Transitive, as specified */
	enum bgp_outcome fail; /* RFC 7606 outcome of a malformed one */
	const char *(*decode)(struct bgp_attr_ctx *ctx, struct buf *v);
	int (*encode)(const struct bgp_enc *e, struct wbuf *w);
	bool opaque; /* checked, then kept as unknown ones are */
};

/*
 * Helpers.
 */

static bool
bgp_seen(const struct bgp_attr_ctx *ctx, uint8_t type)
{
	return (ctx->seen[type / 8] & (1u << (type % 8))) != 0;
}

/* Attribute header for a value of len bytes (extended length past 255). */
static int
bgp_put_hdr(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > UINT8_MAX)
		return wbuf_put_u8(w, flags | BGP_ATTR_F_EXTLEN) ||
		    wbuf_put_u8(w, type) || wbuf_put_u16(w, (uint16_t)len);
	return wbuf_put_u8(w, flags) || wbuf_put_u8(w, type) ||
	    wbuf_put_u8(w, (uint8_t)len);
}

static int
bgp_put_u32_attr(struct wbuf *w, uint8_t flags, uint8_t type, uint32_t v)
{
	return bgp_put_hdr(w, flags, type, 4) || wbuf_put_u32(w, v);
}

/* A value of n elements of size bytes, each a whole multiple (n > 0). */
static const char *
bgp_check_array(const struct buf *v, size_t size, size_t max, size_t *n)
{
	if (buf_left(v) == 0 || buf_left(v) % size != 0)
		return "length not a positive multiple of the element";
	*n = buf_left(v) / size;
	if (*n > max)
		return "more elements than the local limit";
	return NULL;
}

/*
 * Appends a TLV to the kept unknown attributes, Partial set (RFC 4271
 * 5: we pass on what we do not recognise).  The buffer takes the whole
 * attribute list's size at first use, so it is never grown.
 */
static void
bgp_keep(struct bgp_attr_ctx *ctx, const uint8_t *tlv, size_t len)
{
	if (ctx->unknown_len + len > ATTR_MAX_UNKNOWN) {
		bgp__outcome(ctx->u, BGP_WITHDRAW,
		    "unknown attributes past the local limit of %d bytes",
		    ATTR_MAX_UNKNOWN);
		return;
	}
	if (ctx->unknown == NULL)
		ctx->unknown = arena_alloc(ctx->arena, ctx->unknown_cap);
	memcpy(ctx->unknown + ctx->unknown_len, tlv, len);
	ctx->unknown[ctx->unknown_len] |= BGP_ATTR_F_PARTIAL;
	ctx->unknown_len += len;
}

/*
 * AS paths: segments of type(1) count(1) count ASes of asize bytes.
 */

/*
 * Checks a whole path (P2): known segment types, no empty segment, no
 * overrun, no AS 0 (RFC 7607); confederation segments only where
 * confed_ok.  *len4 gets its size with 4-byte ASes, *confed whether it
 * has confederation segments.
 */
static const char *
bgp_aspath_check(
    struct buf v, size_t asize, bool confed_ok, size_t *len4, bool *confed)
{
	const uint8_t *p;
	uint8_t type, count;
	size_t i, j;
	uint32_t as;

	*len4 = 0;
	*confed = false;
	while (buf_left(&v) > 0) {
		if (buf_get_u8(&v, &type) != 0 || buf_get_u8(&v, &count) != 0)
			return "segment header truncated";
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET)
			return "unknown segment type";
		if (count == 0)
			return "empty segment";
		if (type >= BGP_AS_CONFED_SEQ) {
			if (!confed_ok)
				return "confederation segment from an external "
				       "peer";
			*confed = true;
		}
		if ((p = buf_get_ptr(&v, asize * count)) == NULL)
			return "segment overruns the attribute";
		for (i = 0; i < count; i++) {
			for (as = 0, j = 0; j < asize; j++)
				as = as << 8 | p[i * asize + j];
			if (as == 0)
				return "AS 0";
		}
		*len4 += 2 + 4 * (size_t)count;
	}
	return NULL;
}

/* Path length as best path counts it (RFC 4271 9.1.2.2, RFC 5065 5.3). */
static unsigned
bgp_aspath_hops(const uint8_t *p, size_t len, size_t asize)
{
	struct buf v;
	uint8_t type, count;
	unsigned n = 0;

	buf_init(&v, p, len);
	while (buf_get_u8(&v, &type) == 0 && buf_get_u8(&v, &count) == 0 &&
	    buf_skip(&v, asize * count) == 0) {
		if (type == BGP_AS_SEQUENCE)
			n += count;
		else if (type == BGP_AS_SET)
			n++;
	}
	return n;
}

/* Appends a segment of count ASes of asize bytes at p, widened to 4. */
static void
bgp_aspath_put(uint8_t *out, size_t *len, uint8_t type, const uint8_t *p,
    size_t count, size_t asize)
{
	size_t i;

	out[(*len)++] = type;
	out[(*len)++] = (uint8_t)count;
	for (i = 0; i < count; i++, p += asize) {
		if (asize == 2) {
			out[(*len)++] = 0;
			out[(*len)++] = 0;
		}
		memcpy(out + *len, p, asize);
		*len += asize;
	}
}

/*
 * The AS path of a 2-octet peer's route (RFC 6793 4.2.3): AS_PATH widened,
 * with AS4_PATH (if used) replacing its last ASes.  When AS_PATH has fewer
 * ASes than AS4_PATH, AS4_PATH is ignored.  Otherwise the leading ASes of
 * AS_PATH, as many as it has more, are kept (an AS_SET counts one and
 * goes whole; confederation segments count none and go along while
 * leading or next to a kept segment), then AS4_PATH follows.
 */
static void
bgp_aspath_merge(struct bgp_attr_ctx *ctx, bool use_as4)
{
	struct attr *a = &ctx->u->attr;
	unsigned need = 0, n4;
	size_t cap, len = 0, take;
	uint8_t *out, type, count;
	const uint8_t *p;
	struct buf v;

	if (use_as4) {
		need = bgp_aspath_hops(ctx->aspath, ctx->aspath_len, 2);
		n4 = bgp_aspath_hops(ctx->as4path, ctx->as4path_len, 4);
		if (need < n4)
			use_as4 = false;
		else
			need -= n4;
	}
	cap = 2 * ctx->aspath_len + (use_as4 ? ctx->as4path_len : 0);
	out = arena_alloc(ctx->arena, cap);
	buf_init(&v, ctx->aspath, ctx->aspath_len);
	while (buf_get_u8(&v, &type) == 0 && buf_get_u8(&v, &count) == 0 &&
	    (p = buf_get_ptr(&v, 2 * (size_t)count)) != NULL) {
		take = count;
		if (use_as4) {
			if (type == BGP_AS_SEQUENCE || type == BGP_AS_SET) {
				if (need == 0)
					break;
				if (type == BGP_AS_SEQUENCE)
					take = MIN(count, need);
				need -= type == BGP_AS_SEQUENCE ? (unsigned)take
								: 1;
			}
		}
		bgp_aspath_put(out, &len, type, p, take, 2);
	}
	if (use_as4) {
		memcpy(out + len, ctx->as4path, ctx->as4path_len);
		len += ctx->as4path_len;
	}
	if (len > ATTR_MAX_ASPATH) {
		bgp__outcome(ctx->u, BGP_WITHDRAW,
		    "AS path of %zu bytes past the local limit", len);
		return;
	}
	a->aspath = out;
	a->aspath_len = (uint16_t)len;
}

/*
 * Decoders.
 */

static const char *
bgp_dec_origin(struct bgp_attr_ctx *ctx, struct buf *v)
{
	uint8_t o;

	if (buf_left(v) != 1 || buf_get_u8(v, &o) != 0)
		return "length not 1";
	if (o > ATTR_ORIGIN_INCOMPLETE)
		return "unknown value";
	ctx->u->attr.origin = o;
	return NULL;
}

/* Checked here, converted in bgp__attr_finish once AS4_PATH is known. */
static const char *
bgp_dec_aspath(struct bgp_attr_ctx *ctx, struct buf *v)
{
	size_t len4;
	const char *why;
	bool confed;

	why = bgp_aspath_check(
	    *v, ctx->caps->as4 ? 4 : 2, !ctx->caps->ebgp, &len4, &confed);
	if (why != NULL)
		return why;
	if (len4 > ATTR_MAX_ASPATH)
		return "longer than the local limit";
	ctx->aspath = v->data;
	ctx->aspath_len = buf_left(v);
	ctx->has_aspath = true;
	return NULL;
}

/* The address is checked against the NLRI it serves in bgp_update.c. */
static const char *
bgp_dec_nexthop(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct ipaddr *nh = &ctx->u->inet_nexthop;

	if (buf_left(v) != 4)
		return "length not 4";
	memset(nh, 0, sizeof(*nh));
	nh->af = AF_INET;
	(void)buf_get_bytes(v, nh->u.b, 4);
	ctx->has_nexthop = true;
	return NULL;
}

/* A 4-byte value into *out, with flag set in attr.flags. */
static const char *
bgp_get_u32_flag(
    struct bgp_attr_ctx *ctx, struct buf *v, uint32_t *out, uint8_t flag)
{
	if (buf_left(v) != 4)
		return "length not 4";
	(void)buf_get_u32(v, out);
	ctx->u->attr.flags |= flag;
	return NULL;
}

static const char *
bgp_dec_med(struct bgp_attr_ctx *ctx, struct buf *v)
{
	return bgp_get_u32_flag(ctx, v, &ctx->u->attr.med, ATTR_F_MED);
}

/* From an external peer it is ignored (RFC 4271 5.1.5). */
static const char *
bgp_dec_local_pref(struct bgp_attr_ctx *ctx, struct buf *v)
{
	if (ctx->caps->ebgp)
		return buf_left(v) != 4 ? "length not 4" : NULL;
	return bgp_get_u32_flag(
	    ctx, v, &ctx->u->attr.local_pref, ATTR_F_LOCAL_PREF);
}

static const char *
bgp_dec_atomic(struct bgp_attr_ctx *ctx, struct buf *v)
{
	if (buf_left(v) != 0)
		return "length not 0";
	ctx->u->attr.flags |= ATTR_F_ATOMIC_AGG;
	return NULL;
}

/* AS(2 or 4, by the session) BGP id(4) (RFC 4271 5.1.7, RFC 6793). */
static const char *
bgp_dec_aggregator(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct attr *a = &ctx->u->attr;
	uint16_t as2;
	uint32_t as;

	if (buf_left(v) != (ctx->caps->as4 ? 8u : 6u))
		return "length not 6 (8 with 4-octet ASes)";
	if (ctx->caps->as4) {
		(void)buf_get_u32(v, &as);
	} else {
		(void)buf_get_u16(v, &as2);
		as = as2;
	}
	if (as == 0)
		return "AS 0";
	a->aggregator_as = as;
	(void)buf_get_u32(v, &a->aggregator_id);
	a->flags |= ATTR_F_AGGREGATOR;
	return NULL;
}

/* An array of 4-byte values (at most max) into the arena, host order. */
static const char *
bgp_get_u32s(struct bgp_attr_ctx *ctx, struct buf *v, size_t max,
    const uint32_t **out, uint16_t *count)
{
	uint32_t *c;
	const char *why;
	size_t n, i;

	if ((why = bgp_check_array(v, 4, max, &n)) != NULL)
		return why;
	c = arena_alloc(ctx->arena, n * sizeof(*c));
	for (i = 0; i < n; i++)
		(void)buf_get_u32(v, &c[i]);
	*out = c;
	*count = (uint16_t)n;
	return NULL;
}

static const char *
bgp_dec_communities(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct attr *a = &ctx->u->attr;

	return bgp_get_u32s(ctx, v, ATTR_MAX_COMM, &a->comm, &a->ncomm);
}

static const char *
bgp_dec_originator(struct bgp_attr_ctx *ctx, struct buf *v)
{
	return bgp_get_u32_flag(
	    ctx, v, &ctx->u->attr.originator_id, ATTR_F_ORIGINATOR);
}

static const char *
bgp_dec_cluster(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct attr *a = &ctx->u->attr;

	return bgp_get_u32s(
	    ctx, v, ATTR_MAX_CLUSTER, &a->cluster, &a->ncluster);
}

/*
 * The MP_REACH next hop (RFC 4760 3) by family: inet 4, 16 or 32 (a
 * global and a link-local IPv6 address, RFC 8950); VPN RD(8) + address
 * (12, 24 or 48, RFC 4364 4.3.2, RFC 4659 3.2.1); EVPN and route-target
 * 4 or 16.  The link-local half and the RD (zero by spec) are dropped; an
 * IPv4-mapped IPv6 address is taken as the IPv4 one (RFC 4659 3.2.1.1).
 */
static int
bgp_mp_nexthop(enum bgp_af af, const uint8_t *p, size_t len, struct ipaddr *nh)
{
	static const uint8_t mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t rd = 0;

	memset(nh, 0, sizeof(*nh));
	switch (af) {
	case BGP_AF_INET:
		if (len != 4 && len != 16 && len != 32)
			return -1;
		break;
	case BGP_AF_INET_VPN:
		if (len != 12 && len != 24 && len != 48)
			return -1;
		rd = 8;
		break;
	case BGP_AF_INET6_VPN:
		if (len != 24 && len != 48)
			return -1;
		rd = 8;
		break;
	default: /* BGP_AF_EVPN, BGP_AF_RTARGET */
		if (len != 4 && len != 16)
			return -1;
		break;
	}
	len -= rd;
	p += rd;
	if (len == 4) {
		nh->af = AF_INET;
		memcpy(nh->u.b, p, 4);
	} else if (memcmp(p, mapped, sizeof(mapped)) == 0) {
		nh->af = AF_INET;
		memcpy(nh->u.b, p + sizeof(mapped), 4);
	} else {
		nh->af = AF_INET6;
		memcpy(nh->u.b, p, 16);
	}
	return 0;
}

/*
 * AFI(2) SAFI(1); a family not negotiated (ours or not) is ignored with
 * its NLRI, as BIRD and FRR do (RFC 4760 leaves it open).  0 and *af, 1
 * when ignored, -1 when truncated.
 */
static int
bgp_mp_af(
    struct bgp_attr_ctx *ctx, struct buf *v, const char *name, enum bgp_af *af)
{
	uint16_t afi;
	uint8_t safi;

	if (buf_get_u16(v, &afi) != 0 || buf_get_u8(v, &safi) != 0)
		return -1;
	if (bgp_af_from_wire(afi, safi, af) != 0 ||
	    !(ctx->caps->afs & BGP_AF_BIT(*af))) {
		bgp__outcome(ctx->u, BGP_DISCARD,
		    "%s for AFI %u SAFI %u, not negotiated: ignored", name, afi,
		    safi);
		return 1;
	}
	return 0;
}

/* AFI SAFI nh-len nh reserved(1) NLRI (RFC 4760 3); NLRI checked later. */
static const char *
bgp_dec_mp_reach(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct bgp_update *u = ctx->u;
	const uint8_t *nh;
	enum bgp_af af;
	uint8_t nhlen;
	int rc;

	if ((rc = bgp_mp_af(ctx, v, "MP_REACH_NLRI", &af)) != 0)
		return rc < 0 ? "truncated" : NULL;
	if (buf_get_u8(v, &nhlen) != 0 ||
	    (nh = buf_get_ptr(v, nhlen)) == NULL || buf_skip(v, 1) != 0)
		return "truncated";
	if (bgp_mp_nexthop(af, nh, nhlen, &ctx->mp_nexthop) != 0)
		return "next hop length not valid for the family";
	ctx->has_mp_nexthop = true;
	u->has_reach = true;
	u->reach_af = af;
	(void)buf_get_sub(v, buf_left(v), &u->reach_nlri);
	return NULL;
}

static const char *
bgp_dec_mp_unreach(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct bgp_update *u = ctx->u;
	enum bgp_af af;
	int rc;

	if ((rc = bgp_mp_af(ctx, v, "MP_UNREACH_NLRI", &af)) != 0)
		return rc < 0 ? "truncated" : NULL;
	u->has_unreach = true;
	u->unreach_af = af;
	(void)buf_get_sub(v, buf_left(v), &u->unreach_nlri);
	return NULL;
}

static const char *
bgp_dec_ecomm(struct bgp_attr_ctx *ctx, struct buf *v)
{
	uint64_t *e;
	const char *why;
	size_t n, i;

	if ((why = bgp_check_array(v, 8, ATTR_MAX_ECOMM, &n)) != NULL)
		return why;
	e = arena_alloc(ctx->arena, n * sizeof(*e));
	for (i = 0; i < n; i++)
		(void)buf_get_u64(v, &e[i]);
	ctx->u->attr.ecomm = e;
	ctx->u->attr.necomm = (uint16_t)n;
	return NULL;
}

/*
 * From a 4-octet peer AS4_PATH and AS4_AGGREGATOR are discarded (RFC 6793
 * 6); true when this is such a peer.
 */
static bool
bgp_as4_from_new(struct bgp_attr_ctx *ctx, const char *name)
{
	if (!ctx->caps->as4)
		return false;
	bgp__outcome(ctx->u, BGP_DISCARD,
	    "%s from a 4-octet AS speaker: discarded", name);
	return true;
}

/*
 * RFC 6793 6: confederation segments are invalid in AS4_PATH; they are
 * removed and the rest used.  Anything else malformed discards it all.
 */
static const char *
bgp_dec_as4path(struct bgp_attr_ctx *ctx, struct buf *v)
{
	uint8_t *out, type, count;
	const uint8_t *p;
	size_t len4, len = 0;
	const char *why;
	bool confed;

	if (bgp_as4_from_new(ctx, "AS4_PATH"))
		return NULL;
	if ((why = bgp_aspath_check(*v, 4, true, &len4, &confed)) != NULL)
		return why;
	ctx->has_as4path = true;
	if (!confed) {
		ctx->as4path = v->data;
		ctx->as4path_len = buf_left(v);
		return NULL;
	}
	out = arena_alloc(ctx->arena, len4);
	while (buf_get_u8(v, &type) == 0 && buf_get_u8(v, &count) == 0 &&
	    (p = buf_get_ptr(v, 4 * (size_t)count)) != NULL)
		if (type < BGP_AS_CONFED_SEQ)
			bgp_aspath_put(out, &len, type, p, count, 4);
	ctx->as4path = out;
	ctx->as4path_len = len;
	bgp__outcome(
	    ctx->u, BGP_DISCARD, "AS4_PATH: confederation segments removed");
	return NULL;
}

static const char *
bgp_dec_as4agg(struct bgp_attr_ctx *ctx, struct buf *v)
{
	if (bgp_as4_from_new(ctx, "AS4_AGGREGATOR"))
		return NULL;
	if (buf_left(v) != 8)
		return "length not 8";
	(void)buf_get_u32(v, &ctx->as4agg_as);
	(void)buf_get_u32(v, &ctx->as4agg_id);
	if (ctx->as4agg_as == 0)
		return "AS 0";
	ctx->has_as4agg = true;
	return NULL;
}

/*
 * flags(1) tunnel type(1) label(3) tunnel id (RFC 6514 5); ingress
 * replication (EVPN BUM, RFC 7432 11.2) has an IPv4 or IPv6 address as
 * its id.  RFC 6514 gives no error rule: treat-as-withdraw, as FRR.
 */
static const char *
bgp_dec_pmsi(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct attr *a = &ctx->u->attr;
	size_t n = buf_left(v);
	struct buf h = *v;
	uint8_t type;

	if (n < BGP_PMSI_HDR || buf_skip(&h, 1) != 0 ||
	    buf_get_u8(&h, &type) != 0)
		return "shorter than 5";
	if (n > ATTR_MAX_PMSI)
		return "longer than the local limit";
	if (type > BGP_PMSI_MAX_TYPE)
		return "unknown tunnel type";
	if (type == BGP_PMSI_IR && n - BGP_PMSI_HDR != 4 &&
	    n - BGP_PMSI_HDR != 16)
		return "ingress replication id not an address";
	a->pmsi = buf_get_ptr(v, n);
	a->pmsi_len = (uint16_t)n;
	return NULL;
}

/*
 * Tunnel encapsulation (RFC 9012 2): tunnel TLVs type(2) length(2), each
 * holding sub-TLVs type(1) then length(1), or length(2) for types 128 and
 * up, all of which must fit exactly (P13).
 */
static const char *
bgp_dec_tunnel_encap(struct bgp_attr_ctx *ctx, struct buf *v)
{
	struct buf tlv, sub;
	uint16_t type, len, slen;
	uint8_t stype, slen8;

	(void)ctx;
	if (buf_left(v) == 0)
		return "no tunnel TLV";
	while (buf_left(v) > 0) {
		if (buf_get_u16(v, &type) != 0 || buf_get_u16(v, &len) != 0 ||
		    buf_get_sub(v, len, &tlv) != 0)
			return "tunnel TLV overruns the attribute";
		while (buf_left(&tlv) > 0) {
			if (buf_get_u8(&tlv, &stype) != 0)
				return "sub-TLV truncated";
			if (stype < 128) {
				if (buf_get_u8(&tlv, &slen8) != 0)
					return "sub-TLV truncated";
				slen = slen8;
			} else if (buf_get_u16(&tlv, &slen) != 0) {
				return "sub-TLV truncated";
			}
			if (buf_get_sub(&tlv, slen, &sub) != 0)
				return "sub-TLV overruns its tunnel TLV";
		}
	}
	return NULL;
}

/* IPv6 address specific extended communities (RFC 5701): 20 bytes each. */
static const char *
bgp_dec_ipv6_ecomm(struct bgp_attr_ctx *ctx, struct buf *v)
{
	size_t n;

	(void)ctx;
	return bgp_check_array(v, 20, SIZE_MAX, &n);
}

/* Large communities (RFC 8092 6): 12 bytes each. */
static const char *
bgp_dec_large(struct bgp_attr_ctx *ctx, struct buf *v)
{
	size_t n;

	(void)ctx;
	return bgp_check_array(v, 12, SIZE_MAX, &n);
}

/* Only to customer (RFC 9234 5): one AS, never 0 (RFC 7607). */
static const char *
bgp_dec_otc(struct bgp_attr_ctx *ctx, struct buf *v)
{
	uint32_t as;

	(void)ctx;
	if (buf_left(v) != 4)
		return "length not 4";
	(void)buf_get_u32(v, &as);
	return as == 0 ? "AS 0" : NULL;
}

/*
 * Encoders, for the session in e->caps.
 */

static int
bgp_enc_origin(const struct bgp_enc *e, struct wbuf *w)
{
	return bgp_put_hdr(w, BGP_F_T, BGP_ATTR_ORIGIN, 1) ||
	    wbuf_put_u8(w, e->a->origin);
}

/* The path with 2-byte ASes, AS_TRANS for the ones that need 4. */
static int
bgp_put_aspath2(struct wbuf *w, const struct attr *a)
{
	struct buf v;
	uint8_t type, count;
	uint32_t as;
	size_t len = 0, i;
	int rc;

	buf_init(&v, a->aspath, a->aspath_len);
	while (buf_get_u8(&v, &type) == 0 && buf_get_u8(&v, &count) == 0 &&
	    buf_skip(&v, 4 * (size_t)count) == 0)
		len += 2 + 2 * (size_t)count;
	rc = bgp_put_hdr(w, BGP_F_T, BGP_ATTR_AS_PATH, len);
	buf_init(&v, a->aspath, a->aspath_len);
	while (rc == 0 && len > 0 && buf_get_u8(&v, &type) == 0 &&
	    buf_get_u8(&v, &count) == 0) {
		rc = wbuf_put_u8(w, type) || wbuf_put_u8(w, count);
		for (i = 0; rc == 0 && i < count; i++) {
			(void)buf_get_u32(&v, &as);
			rc = wbuf_put_u16(
			    w, (uint16_t)(as > UINT16_MAX ? BGP_AS_TRANS : as));
		}
	}
	return rc;
}

/* Always written: an empty path is an empty AS_PATH (iBGP origination). */
static int
bgp_enc_aspath(const struct bgp_enc *e, struct wbuf *w)
{
	if (!e->caps->as4)
		return bgp_put_aspath2(w, e->a);
	return bgp_put_hdr(w, BGP_F_T, BGP_ATTR_AS_PATH, e->a->aspath_len) ||
	    wbuf_put_bytes(w, e->a->aspath, e->a->aspath_len);
}

static int
bgp_enc_nexthop(const struct bgp_enc *e, struct wbuf *w)
{
	if (e->nh == NULL || e->nh->af != AF_INET)
		return 0;
	return bgp_put_hdr(w, BGP_F_T, BGP_ATTR_NEXT_HOP, 4) ||
	    wbuf_put_bytes(w, e->nh->u.b, 4);
}

static int
bgp_enc_med(const struct bgp_enc *e, struct wbuf *w)
{
	if (!(e->a->flags & ATTR_F_MED))
		return 0;
	return bgp_put_u32_attr(w, BGP_F_O, BGP_ATTR_MED, e->a->med);
}

/* Never to an external peer (RFC 4271 5.1.5). */
static int
bgp_enc_local_pref(const struct bgp_enc *e, struct wbuf *w)
{
	if (!(e->a->flags & ATTR_F_LOCAL_PREF) || e->caps->ebgp)
		return 0;
	return bgp_put_u32_attr(
	    w, BGP_F_T, BGP_ATTR_LOCAL_PREF, e->a->local_pref);
}

static int
bgp_enc_atomic(const struct bgp_enc *e, struct wbuf *w)
{
	if (!(e->a->flags & ATTR_F_ATOMIC_AGG))
		return 0;
	return bgp_put_hdr(w, BGP_F_T, BGP_ATTR_ATOMIC_AGGREGATE, 0);
}

static int
bgp_enc_aggregator(const struct bgp_enc *e, struct wbuf *w)
{
	const struct attr *a = e->a;
	uint32_t as = a->aggregator_as;

	if (!(a->flags & ATTR_F_AGGREGATOR))
		return 0;
	if (e->caps->as4)
		return bgp_put_hdr(w, BGP_F_OT, BGP_ATTR_AGGREGATOR, 8) ||
		    wbuf_put_u32(w, as) || wbuf_put_u32(w, a->aggregator_id);
	return bgp_put_hdr(w, BGP_F_OT, BGP_ATTR_AGGREGATOR, 6) ||
	    wbuf_put_u16(w, (uint16_t)(as > UINT16_MAX ? BGP_AS_TRANS : as)) ||
	    wbuf_put_u32(w, a->aggregator_id);
}

/* An attribute of n 4-byte values (none when n is 0). */
static int
bgp_put_u32s(
    struct wbuf *w, uint8_t flags, uint8_t type, const uint32_t *v, size_t n)
{
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	rc = bgp_put_hdr(w, flags, type, 4 * n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = wbuf_put_u32(w, v[i]);
	return rc;
}

static int
bgp_enc_communities(const struct bgp_enc *e, struct wbuf *w)
{
	return bgp_put_u32s(
	    w, BGP_F_OT, BGP_ATTR_COMMUNITIES, e->a->comm, e->a->ncomm);
}

/* Route reflection attributes stay inside the AS (RFC 4456 8). */
static int
bgp_enc_originator(const struct bgp_enc *e, struct wbuf *w)
{
	if (!(e->a->flags & ATTR_F_ORIGINATOR) || e->caps->ebgp)
		return 0;
	return bgp_put_u32_attr(
	    w, BGP_F_O, BGP_ATTR_ORIGINATOR_ID, e->a->originator_id);
}

static int
bgp_enc_cluster(const struct bgp_enc *e, struct wbuf *w)
{
	if (e->caps->ebgp)
		return 0;
	return bgp_put_u32s(
	    w, BGP_F_O, BGP_ATTR_CLUSTER_LIST, e->a->cluster, e->a->ncluster);
}

static int
bgp_enc_ecomm(const struct bgp_enc *e, struct wbuf *w)
{
	const struct attr *a = e->a;
	size_t i;
	int rc;

	if (a->necomm == 0)
		return 0;
	rc = bgp_put_hdr(w, BGP_F_OT, BGP_ATTR_EXT_COMMUNITIES, 8 * a->necomm);
	for (i = 0; rc == 0 && i < a->necomm; i++)
		rc = wbuf_put_u64(w, a->ecomm[i]);
	return rc;
}

/*
 * To a 2-octet peer, when the path has an AS that needs 4 bytes: the
 * path without its confederation segments (RFC 6793 3, 4.2.2).
 */
static int
bgp_enc_as4path(const struct bgp_enc *e, struct wbuf *w)
{
	const struct attr *a = e->a;
	const uint8_t *p;
	uint8_t type, count;
	size_t len = 0, i;
	bool wide = false;
	struct buf v;
	int rc;

	if (e->caps->as4)
		return 0;
	buf_init(&v, a->aspath, a->aspath_len);
	while (buf_get_u8(&v, &type) == 0 && buf_get_u8(&v, &count) == 0 &&
	    (p = buf_get_ptr(&v, 4 * (size_t)count)) != NULL) {
		if (type >= BGP_AS_CONFED_SEQ)
			continue;
		len += 2 + 4 * (size_t)count;
		for (i = 0; i < count; i++)
			wide = wide || p[4 * i] != 0 || p[4 * i + 1] != 0;
	}
	if (!wide)
		return 0;
	rc = bgp_put_hdr(w, BGP_F_OT, BGP_ATTR_AS4_PATH, len);
	buf_init(&v, a->aspath, a->aspath_len);
	while (rc == 0 && buf_get_u8(&v, &type) == 0 &&
	    buf_get_u8(&v, &count) == 0 &&
	    (p = buf_get_ptr(&v, 4 * (size_t)count)) != NULL)
		if (type < BGP_AS_CONFED_SEQ)
			rc = wbuf_put_u8(w, type) || wbuf_put_u8(w, count) ||
			    wbuf_put_bytes(w, p, 4 * (size_t)count);
	return rc;
}

static int
bgp_enc_as4agg(const struct bgp_enc *e, struct wbuf *w)
{
	const struct attr *a = e->a;

	if (e->caps->as4 || !(a->flags & ATTR_F_AGGREGATOR) ||
	    a->aggregator_as <= UINT16_MAX)
		return 0;
	return bgp_put_hdr(w, BGP_F_OT, BGP_ATTR_AS4_AGGREGATOR, 8) ||
	    wbuf_put_u32(w, a->aggregator_as) ||
	    wbuf_put_u32(w, a->aggregator_id);
}

static int
bgp_enc_pmsi(const struct bgp_enc *e, struct wbuf *w)
{
	if (e->a->pmsi_len == 0)
		return 0;
	return bgp_put_hdr(w, BGP_F_OT, BGP_ATTR_PMSI_TUNNEL, e->a->pmsi_len) ||
	    wbuf_put_bytes(w, e->a->pmsi, e->a->pmsi_len);
}

/*
 * The table.  MP_REACH_NLRI and MP_UNREACH_NLRI have no encoder: the
 * UPDATE writer builds them around its NLRI.
 */
static const struct bgp_attr_desc bgp_attr_table[] = {
    [BGP_ATTR_ORIGIN] = {BGP_ATTR_ORIGIN, "ORIGIN", BGP_F_T, BGP_WITHDRAW,
	bgp_dec_origin, bgp_enc_origin, false},
    [BGP_ATTR_AS_PATH] = {BGP_ATTR_AS_PATH, "AS_PATH", BGP_F_T, BGP_WITHDRAW,
	bgp_dec_aspath, bgp_enc_aspath, false},
    [BGP_ATTR_NEXT_HOP] = {BGP_ATTR_NEXT_HOP, "NEXT_HOP", BGP_F_T, BGP_WITHDRAW,
	bgp_dec_nexthop, bgp_enc_nexthop, false},
    [BGP_ATTR_MED] = {BGP_ATTR_MED, "MULTI_EXIT_DISC", BGP_F_O, BGP_WITHDRAW,
	bgp_dec_med, bgp_enc_med, false},
    [BGP_ATTR_LOCAL_PREF] = {BGP_ATTR_LOCAL_PREF, "LOCAL_PREF", BGP_F_T,
	BGP_WITHDRAW, bgp_dec_local_pref, bgp_enc_local_pref, false},
    [BGP_ATTR_ATOMIC_AGGREGATE] = {BGP_ATTR_ATOMIC_AGGREGATE,
	"ATOMIC_AGGREGATE", BGP_F_T, BGP_DISCARD, bgp_dec_atomic,
	bgp_enc_atomic, false},
    [BGP_ATTR_AGGREGATOR] = {BGP_ATTR_AGGREGATOR, "AGGREGATOR", BGP_F_OT,
	BGP_DISCARD, bgp_dec_aggregator, bgp_enc_aggregator, false},
    [BGP_ATTR_COMMUNITIES] = {BGP_ATTR_COMMUNITIES, "COMMUNITIES", BGP_F_OT,
	BGP_WITHDRAW, bgp_dec_communities, bgp_enc_communities, false},
    [BGP_ATTR_ORIGINATOR_ID] = {BGP_ATTR_ORIGINATOR_ID, "ORIGINATOR_ID",
	BGP_F_O, BGP_WITHDRAW, bgp_dec_originator, bgp_enc_originator, false},
    [BGP_ATTR_CLUSTER_LIST] = {BGP_ATTR_CLUSTER_LIST, "CLUSTER_LIST", BGP_F_O,
	BGP_WITHDRAW, bgp_dec_cluster, bgp_enc_cluster, false},
    [BGP_ATTR_MP_REACH] = {BGP_ATTR_MP_REACH, "MP_REACH_NLRI", BGP_F_O,
	BGP_RESET, bgp_dec_mp_reach, NULL, false},
    [BGP_ATTR_MP_UNREACH] = {BGP_ATTR_MP_UNREACH, "MP_UNREACH_NLRI", BGP_F_O,
	BGP_RESET, bgp_dec_mp_unreach, NULL, false},
    [BGP_ATTR_EXT_COMMUNITIES] = {BGP_ATTR_EXT_COMMUNITIES,
	"EXTENDED_COMMUNITIES", BGP_F_OT, BGP_WITHDRAW, bgp_dec_ecomm,
	bgp_enc_ecomm, false},
    [BGP_ATTR_AS4_PATH] = {BGP_ATTR_AS4_PATH, "AS4_PATH", BGP_F_OT, BGP_DISCARD,
	bgp_dec_as4path, bgp_enc_as4path, false},
    [BGP_ATTR_AS4_AGGREGATOR] = {BGP_ATTR_AS4_AGGREGATOR, "AS4_AGGREGATOR",
	BGP_F_OT, BGP_DISCARD, bgp_dec_as4agg, bgp_enc_as4agg, false},
    [BGP_ATTR_PMSI_TUNNEL] = {BGP_ATTR_PMSI_TUNNEL, "PMSI_TUNNEL", BGP_F_OT,
	BGP_WITHDRAW, bgp_dec_pmsi, bgp_enc_pmsi, false},
    [BGP_ATTR_TUNNEL_ENCAP] = {BGP_ATTR_TUNNEL_ENCAP, "TUNNEL_ENCAPSULATION",
	BGP_F_OT, BGP_WITHDRAW, bgp_dec_tunnel_encap, NULL, true},
    [BGP_ATTR_IPV6_EXT_COMMUNITIES] = {BGP_ATTR_IPV6_EXT_COMMUNITIES,
	"IPV6_EXTENDED_COMMUNITIES", BGP_F_OT, BGP_WITHDRAW, bgp_dec_ipv6_ecomm,
	NULL, true},
    [BGP_ATTR_LARGE_COMMUNITIES] = {BGP_ATTR_LARGE_COMMUNITIES,
	"LARGE_COMMUNITY", BGP_F_OT, BGP_WITHDRAW, bgp_dec_large, NULL, true},
    [BGP_ATTR_OTC] = {BGP_ATTR_OTC, "OTC", BGP_F_OT, BGP_WITHDRAW, bgp_dec_otc,
	NULL, true},
};

static const struct bgp_attr_desc *
bgp_attr_desc(uint8_t type)
{
	if (type >= nitems(bgp_attr_table) || bgp_attr_table[type].name == NULL)
		return NULL;
	return &bgp_attr_table[type];
}

const char *
bgp_attr_name(uint8_t type)
{
	const struct bgp_attr_desc *d = bgp_attr_desc(type);

	return d == NULL ? "unknown" : d->name;
}

/*
 * The walk.
 */

/* A reset with the whole attribute as data (RFC 4271 6.3). */
static int
bgp_attr_reset(struct bgp_attr_ctx *ctx, uint8_t subcode, const uint8_t *tlv,
    size_t len, const char *name, const char *why)
{
	return bgp__err(ctx->err, BGP_ERR_UPDATE, subcode,
	    (size_t)(tlv - ctx->body), tlv, len, "%s: %s", name, why);
}

/* Flags against the spec (RFC 7606 3(c)); Partial only on optional. */
static bool
bgp_flags_ok(const struct bgp_attr_desc *d, uint8_t flags)
{
	if ((flags & BGP_F_OT) != d->flags)
		return false;
	return (d->flags & BGP_ATTR_F_OPTIONAL) ||
	    !(flags & BGP_ATTR_F_PARTIAL);
}

/* One whole attribute (tlv of len bytes, value v); 0 or -1 (reset). */
static int
bgp_attr_one(struct bgp_attr_ctx *ctx, uint8_t flags, uint8_t type,
    struct buf *v, const uint8_t *tlv, size_t len)
{
	const struct bgp_attr_desc *d = bgp_attr_desc(type);
	const char *why;

	if (bgp_seen(ctx, type)) {
		if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH)
			return bgp__err(ctx->err, BGP_ERR_UPDATE, 1,
			    (size_t)(tlv - ctx->body), NULL, 0, "%s repeated",
			    d->name);
		bgp__outcome(ctx->u, BGP_DISCARD,
		    "attribute %u repeated: first kept", type);
		return 0;
	}
	ctx->seen[type / 8] |= (uint8_t)(1u << (type % 8));
	if (type < 64)
		ctx->u->seen |= UINT64_C(1) << type;
	if (d == NULL) {
		if (!(flags & BGP_ATTR_F_OPTIONAL))
			return bgp_attr_reset(ctx, 2, tlv, len, "attribute",
			    "unrecognized well-known type");
		if (flags & BGP_ATTR_F_TRANSITIVE)
			bgp_keep(ctx, tlv, len);
		return 0; /* optional non-transitive: dropped (U11) */
	}
	if (!bgp_flags_ok(d, flags)) {
		if (d->fail == BGP_RESET)
			return bgp_attr_reset(ctx, 4, tlv, len, d->name,
			    "flags contradict the spec");
		bgp__outcome(
		    ctx->u, d->fail, "%s: flags 0x%02x", d->name, flags);
		return 0;
	}
	if ((why = d->decode(ctx, v)) != NULL) {
		if (d->fail == BGP_RESET)
			return bgp_attr_reset(ctx, 9, tlv, len, d->name, why);
		bgp__outcome(ctx->u, d->fail, "%s: %s", d->name, why);
		return 0;
	}
	if (d->opaque)
		bgp_keep(ctx, tlv, len);
	return 0;
}

/*
 * flags(1) type(1) length(1, or 2 with the Extended Length bit) value.
 * An attribute that does not fit what is left stops the walk (U2); if it
 * is an MP attribute its NLRI are lost, so that is a reset (RFC 7606
 * 7.11, N1).
 */
int
bgp__attr_walk(struct bgp_attr_ctx *ctx, struct buf *attrs)
{
	const uint8_t *tlv;
	uint8_t flags, type, len8;
	uint16_t len;
	struct buf v;
	size_t off;
	int rc;

	ctx->unknown_cap = attrs->len;
	while (buf_left(attrs) > 0) {
		off = attrs->pos;
		tlv = attrs->data + off;
		type = 0;
		len = 0;
		rc = buf_get_u8(attrs, &flags) || buf_get_u8(attrs, &type);
		if (rc == 0 && (flags & BGP_ATTR_F_EXTLEN))
			rc = buf_get_u16(attrs, &len);
		else if (rc == 0 && (rc = buf_get_u8(attrs, &len8)) == 0)
			len = len8;
		if (rc == 0)
			rc = buf_get_sub(attrs, len, &v);
		if (rc != 0) {
			if (attrs->len - off >= 2 &&
			    (type == BGP_ATTR_MP_REACH ||
				type == BGP_ATTR_MP_UNREACH))
				return bgp_attr_reset(ctx, 9, tlv,
				    attrs->len - off, bgp_attr_name(type),
				    "overruns the attribute list");
			bgp__outcome(ctx->u, BGP_WITHDRAW,
			    "attribute at byte %zu overruns the attribute list",
			    (size_t)(tlv - ctx->body));
			break;
		}
		ctx->nattrs++;
		if (bgp_attr_one(ctx, flags, type, &v, tlv, attrs->pos - off) !=
		    0)
			return -1;
	}
	return 0;
}

/*
 * After the walk.
 */

void
bgp__attr_finish(struct bgp_attr_ctx *ctx)
{
	struct attr *a = &ctx->u->attr;
	bool use_as4 = ctx->has_as4path;

	/*
	 * RFC 6793 4.2.3: an AGGREGATOR from a 2-octet speaker that is not
	 * AS_TRANS means the AS4 attributes came from before the aggregation
	 * and are ignored; AS_TRANS is replaced by AS4_AGGREGATOR.
	 */
	if (!ctx->caps->as4 && (a->flags & ATTR_F_AGGREGATOR)) {
		if (a->aggregator_as != BGP_AS_TRANS) {
			use_as4 = false;
		} else if (ctx->has_as4agg) {
			a->aggregator_as = ctx->as4agg_as;
			a->aggregator_id = ctx->as4agg_id;
		}
	}
	if (ctx->has_aspath) {
		if (ctx->caps->as4) {
			a->aspath = ctx->aspath;
			a->aspath_len = (uint16_t)ctx->aspath_len;
		} else {
			bgp_aspath_merge(ctx, use_as4);
		}
	}
	a->unknown = ctx->unknown;
	a->unknown_len = (uint16_t)ctx->unknown_len;
	if (ctx->has_mp_nexthop)
		a->nexthop = ctx->mp_nexthop;
	else if (ctx->has_nexthop)
		a->nexthop = ctx->u->inet_nexthop;
}

/*
 * Encoding.
 */

/*
 * The kept TLVs at u whose type is below before (all: 256).  Only the
 * decoder fills attr.unknown, so a TLV that does not parse is a bug.
 */
static int
bgp_put_unknown(struct wbuf *w, struct buf *u, unsigned before)
{
	const uint8_t *p;
	uint8_t flags, type, len8;
	uint16_t len = 0;
	struct buf t;
	size_t n;
	int rc;

	while (buf_left(u) > 0) {
		t = *u;
		rc = buf_get_u8(&t, &flags) || buf_get_u8(&t, &type);
		if (rc == 0 && type >= before)
			break;
		if (rc == 0 && (flags & BGP_ATTR_F_EXTLEN))
			rc = buf_get_u16(&t, &len);
		else if (rc == 0 && (rc = buf_get_u8(&t, &len8)) == 0)
			len = len8;
		n = t.pos - u->pos + len; /* header and value */
		if (rc != 0 || (p = buf_get_ptr(u, n)) == NULL)
			fatalx("%s: kept attribute does not parse", __func__);
		if (wbuf_put_bytes(w, p, n) != 0)
			return -1;
	}
	return 0;
}

int
bgp__attr_encode(struct wbuf *w, const struct attr *a,
    const struct bgp_session_caps *caps, const struct ipaddr *nh)
{
	struct bgp_enc e = {a, caps, nh};
	struct buf u;
	size_t i;

	buf_init(&u, a->unknown, a->unknown_len);
	for (i = 0; i < nitems(bgp_attr_table); i++) {
		if (bgp_attr_table[i].encode == NULL)
			continue;
		if (bgp_put_unknown(w, &u, (unsigned)i) != 0 ||
		    bgp_attr_table[i].encode(&e, w) != 0)
			return -1;
	}
	return bgp_put_unknown(w, &u, 256);
}
