/*
 * DOC: bgp_update.c - UPDATE messages (RFC 4271 4.3, RFC 4760, RFC 7606):
 * the decoder that turns a body into a struct bgp_update and its RFC 7606
 * outcome, the writer that packs NLRI sharing one attribute set into
 * messages, End-of-RIB markers (RFC 4724 2), and the address family
 * helpers.  Pure codec.
 *
 * Decoding is all or nothing for the session: the structure (U1), every
 * attribute (bgp_attr.c) and the syntax of every NLRI section are checked
 * before bgp_update_decode returns, so a caller that gets 0 can walk the
 * sections with bgp_nlri_next and apply them without a late surprise;
 * a reset comes back as -1 before anything was applied.  The outcome
 * says how to apply them: as they are, or all as withdrawn.
 *
 * Writing: MP_REACH_NLRI goes first (RFC 7606 5.1, so a receiver can find
 * the NLRI even when a later attribute is malformed).  Its NLRI are
 * appended after the other attributes while the message fills, and moved
 * in behind the MP_REACH header when it is finished: one move per
 * message instead of one per NLRI.
 */
#include "bgp/bgp_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Address families.
 */

static const struct {
	uint16_t afi;
	uint8_t safi;
	const char *name; /* as the config spells it */
	enum rt_family family;
} bgp_afs[BGP_AF_MAX] = {
    [BGP_AF_INET] = {BGP_AFI_IPV4, BGP_SAFI_UCAST, "inet", RT_INET},
    [BGP_AF_INET_VPN] = {BGP_AFI_IPV4, BGP_SAFI_VPN, "inet-vpn", RT_L3VPN},
    [BGP_AF_INET6_VPN] = {BGP_AFI_IPV6, BGP_SAFI_VPN, "inet6-vpn", RT_L3VPN6},
    [BGP_AF_EVPN] = {BGP_AFI_L2VPN, BGP_SAFI_EVPN, "e-vpn", RT_EVPN},
    [BGP_AF_RTARGET] = {BGP_AFI_IPV4, BGP_SAFI_RTC, "route-target", RT_RTARGET},
};

int
bgp_af_from_wire(uint16_t afi, uint8_t safi, enum bgp_af *af)
{
	unsigned i;

	for (i = 0; i < BGP_AF_MAX; i++) {
		if (bgp_afs[i].afi == afi && bgp_afs[i].safi == safi) {
			*af = (enum bgp_af)i;
			return 0;
		}
	}
	return -1;
}

/* af must be one of ours (a programming error otherwise). */
void
bgp_af_to_wire(enum bgp_af af, uint16_t *afi, uint8_t *safi)
{
	if ((unsigned)af >= BGP_AF_MAX)
		fatalx("%s: family %d", __func__, (int)af);
	*afi = bgp_afs[af].afi;
	*safi = bgp_afs[af].safi;
}

/* NULL for a value out of range. */
const char *
bgp_af_name(enum bgp_af af)
{
	if ((unsigned)af >= BGP_AF_MAX)
		return NULL;
	return bgp_afs[af].name;
}

enum rt_family
bgp_af_family(enum bgp_af af)
{
	if ((unsigned)af >= BGP_AF_MAX)
		fatalx("%s: family %d", __func__, (int)af);
	return bgp_afs[af].family;
}

/*
 * Decoding.
 */

void
bgp__outcome(struct bgp_update *u, enum bgp_outcome o, const char *fmt, ...)
{
	va_list ap;

	if (o <= u->outcome)
		return;
	u->outcome = o;
	va_start(ap, fmt);
	vsnprintf(u->reason, sizeof(u->reason), fmt, ap);
	va_end(ap);
}

/* Checks one section; the count of unusable NLRI is added to *unusable. */
static int
bgp_update_check(const uint8_t *body, enum bgp_af af, const struct buf *sec,
    bool withdraw, unsigned *unusable, struct bgp_err *err)
{
	unsigned n;

	if (bgp__nlri_check(
		af, sec, withdraw, (size_t)(sec->data - body), &n, err) != 0)
		return -1;
	*unusable += n;
	return 0;
}

/* A NEXT_HOP that can never be a neighbour's (RFC 7606 7.3): 0/8,
 * multicast, class E and broadcast.  127/8 is let through: Mirador's own
 * nodes run on loopback addresses (DESIGN.md 1). */
static bool
bgp_nexthop_bogus(const struct ipaddr *nh)
{
	uint8_t first = nh->u.b[0];

	return first == 0 || first >= 224;
}

/*
 * RFC 7606 3(d): a missing mandatory attribute is treat-as-withdraw.
 * ORIGIN and AS_PATH for any reachable NLRI, NEXT_HOP for inet NLRI
 * (RFC 4760 made it discretionary otherwise).  LOCAL_PREF is not
 * required from internal peers either: like BIRD, FRR and GoBGP we take
 * the default.
 */
static void
bgp_update_mandatory(const struct bgp_attr_ctx *ctx)
{
	struct bgp_update *u = ctx->u;
	bool inet = buf_left(&u->nlri) > 0;
	char nh[IPADDR_STRLEN];

	if (!inet && !(u->has_reach && buf_left(&u->reach_nlri) > 0))
		return;
	if (!(u->seen & UINT64_C(1) << BGP_ATTR_ORIGIN))
		bgp__outcome(u, BGP_WITHDRAW, "missing ORIGIN");
	else if (!(u->seen & UINT64_C(1) << BGP_ATTR_AS_PATH))
		bgp__outcome(u, BGP_WITHDRAW, "missing AS_PATH");
	else if (inet && !(u->seen & UINT64_C(1) << BGP_ATTR_NEXT_HOP))
		bgp__outcome(u, BGP_WITHDRAW, "missing NEXT_HOP");
	else if (inet && ctx->has_nexthop &&
	    bgp_nexthop_bogus(&u->inet_nexthop))
		bgp__outcome(u, BGP_WITHDRAW, "NEXT_HOP %s is not unicast",
		    ipaddr_print(&u->inet_nexthop, nh, sizeof(nh)));
}

/*
 * End-of-RIB (RFC 4724 2): for inet the empty UPDATE, else an UPDATE
 * whose only attribute is an empty MP_UNREACH_NLRI.  One that carries
 * anything malformed is not taken as a marker (U5).
 */
static void
bgp_update_eor(const struct bgp_attr_ctx *ctx, size_t len)
{
	struct bgp_update *u = ctx->u;

	if (u->outcome != BGP_OK || buf_left(&u->withdrawn) > 0 ||
	    buf_left(&u->nlri) > 0)
		return;
	if (len == 4) {
		u->eor = true;
		u->eor_af = BGP_AF_INET;
	} else if (ctx->nattrs == 1 && u->has_unreach &&
	    buf_left(&u->unreach_nlri) == 0) {
		u->eor = true;
		u->eor_af = u->unreach_af;
	}
}

int
bgp_update_decode(const uint8_t *body, size_t len,
    const struct bgp_session_caps *caps, struct arena *arena,
    struct bgp_update *u, struct bgp_err *err)
{
	struct bgp_attr_ctx ctx;
	struct buf b, attrs;
	uint16_t wlen, alen;
	unsigned unusable = 0;

	memset(u, 0, sizeof(*u));
	buf_init(&b, body, len);
	/* U1: without these lengths the NLRI cannot be found. */
	if (buf_get_u16(&b, &wlen) != 0 ||
	    buf_get_sub(&b, wlen, &u->withdrawn) != 0)
		return bgp__err(err, BGP_ERR_UPDATE, 1, 0, NULL, 0,
		    "withdrawn routes length overruns the message");
	if (buf_get_u16(&b, &alen) != 0 || buf_get_sub(&b, alen, &attrs) != 0)
		return bgp__err(err, BGP_ERR_UPDATE, 1, 2 + (size_t)wlen, NULL,
		    0, "total path attribute length overruns the message");
	(void)buf_get_sub(&b, buf_left(&b), &u->nlri);
	u->has_attrs = alen > 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.caps = caps;
	ctx.arena = arena;
	ctx.u = u;
	ctx.err = err;
	ctx.body = body;
	if (bgp__attr_walk(&ctx, &attrs) != 0)
		return -1;

	/* Every NLRI, before any is used (RFC 7606 5.3). */
	if (bgp_update_check(
		body, BGP_AF_INET, &u->withdrawn, true, &unusable, err) != 0 ||
	    bgp_update_check(
		body, BGP_AF_INET, &u->nlri, false, &unusable, err) != 0 ||
	    (u->has_reach &&
		bgp_update_check(body, u->reach_af, &u->reach_nlri, false,
		    &unusable, err) != 0) ||
	    (u->has_unreach &&
		bgp_update_check(body, u->unreach_af, &u->unreach_nlri, true,
		    &unusable, err) != 0))
		return -1;
	if (unusable > 0)
		bgp__outcome(u, BGP_DISCARD,
		    "%u NLRI with an RD the routing core cannot hold skipped",
		    unusable);

	/* The legacy sections are IPv4 unicast, which needs negotiating. */
	if (!(caps->afs & BGP_AF_BIT(BGP_AF_INET)) &&
	    (buf_left(&u->withdrawn) > 0 || buf_left(&u->nlri) > 0)) {
		bgp__outcome(u, BGP_DISCARD,
		    "IPv4 unicast NLRI, not negotiated: ignored");
		buf_init(&u->withdrawn, NULL, 0);
		buf_init(&u->nlri, NULL, 0);
	}

	bgp__attr_finish(&ctx);
	bgp_update_mandatory(&ctx);
	bgp_update_eor(&ctx, len);
	return 0;
}

/*
 * Writing.
 */

/* Bytes an MP_REACH next hop of nh takes for af (RD included), 0 if af
 * cannot carry it. */
static size_t
bgp_mp_nexthop_len(enum bgp_af af, const struct ipaddr *nh)
{
	size_t alen = nh->af == AF_INET ? 4 : nh->af == AF_INET6 ? 16 : 0;

	switch (af) {
	case BGP_AF_INET_VPN:
		return alen == 0 ? 0 : 8 + alen;
	case BGP_AF_INET6_VPN:
		return alen == 0 ? 0 : 8 + 16; /* IPv4 as IPv4-mapped */
	default:
		return alen;
	}
}

/* RD(0) for the VPN families, then the address (RFC 4364 4.3.2, RFC 4659
 * 3.2.1.1 for an IPv4 next hop of VPN-IPv6). */
static int
bgp_put_mp_nexthop(struct wbuf *w, enum bgp_af af, const struct ipaddr *nh)
{
	static const uint8_t zero[8];
	static const uint8_t mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t len = bgp_mp_nexthop_len(af, nh);
	int rc;

	rc = wbuf_put_u8(w, (uint8_t)len);
	if (af == BGP_AF_INET_VPN || af == BGP_AF_INET6_VPN)
		rc = rc || wbuf_put_bytes(w, zero, sizeof(zero));
	if (af == BGP_AF_INET6_VPN && nh->af == AF_INET)
		rc = rc || wbuf_put_bytes(w, mapped, sizeof(mapped));
	return rc || wbuf_put_bytes(w, nh->u.b, nh->af == AF_INET ? 4 : 16);
}

/* The MP attribute's header: flags, type, length(2, fixed up later). */
static int
bgp_put_mp_hdr(struct bgp_update_writer *uw, uint8_t type)
{
	struct wbuf *w = uw->w;

	if (wbuf_put_u8(w, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_EXTLEN) != 0 ||
	    wbuf_put_u8(w, type) != 0)
		return -1;
	uw->mp_len_off = w->len;
	return wbuf_put_u16(w, 0);
}

static bool
bgp_writer_inet_withdraw(const struct bgp_update_writer *uw)
{
	return uw->af == BGP_AF_INET && uw->withdraw;
}

int
bgp_update_writer_start(struct bgp_update_writer *uw, struct wbuf *w,
    enum bgp_af af, const struct attr *a, const struct ipaddr *nh,
    const struct bgp_session_caps *caps)
{
	uint16_t afi;
	uint8_t safi;
	int rc;

	memset(uw, 0, sizeof(*uw));
	uw->w = w;
	uw->af = af;
	uw->withdraw = a == NULL;
	uw->start = w->len;
	uw->max_len = caps->max_len == 0 ? BGP_MAX_LEN
					 : MIN(caps->max_len, BGP_EXT_MAX_LEN);
	if ((unsigned)af >= BGP_AF_MAX)
		return -EINVAL;
	if (!uw->withdraw &&
	    (nh == NULL || bgp_mp_nexthop_len(af, nh) == 0 ||
		(af == BGP_AF_INET && nh->af != AF_INET)))
		return -EINVAL;
	bgp_af_to_wire(af, &afi, &safi);
	rc = bgp_frame_header(w, 0, BGP_MSG_UPDATE) || wbuf_put_u16(w, 0);
	if (!bgp_writer_inet_withdraw(uw)) {
		uw->attrs_len_off = w->len;
		rc = rc || wbuf_put_u16(w, 0);
		if (af != BGP_AF_INET)
			rc = rc ||
			    bgp_put_mp_hdr(uw,
				uw->withdraw ? BGP_ATTR_MP_UNREACH
					     : BGP_ATTR_MP_REACH) ||
			    wbuf_put_u16(w, afi) || wbuf_put_u8(w, safi);
		if (af != BGP_AF_INET && !uw->withdraw)
			rc = rc || bgp_put_mp_nexthop(w, af, nh) ||
			    wbuf_put_u8(w, 0); /* reserved */
		if (!uw->withdraw)
			rc = rc ||
			    bgp__attr_encode(
				w, a, caps, af == BGP_AF_INET ? nh : NULL);
	}
	uw->nlri_off = w->len;
	if (rc != 0) {
		w->len = uw->start;
		return -ENOSPC;
	}
	/* An inet withdraw still owes its 2-byte attribute length. */
	if (w->len - uw->start + (bgp_writer_inet_withdraw(uw) ? 2 : 0) >
	    uw->max_len) {
		w->len = uw->start;
		return -EMSGSIZE;
	}
	return 0;
}

int
bgp_update_writer_add(struct bgp_update_writer *uw, const struct bgp_nlri *n)
{
	struct wbuf *w = uw->w;
	size_t pre = w->len, owed = bgp_writer_inet_withdraw(uw) ? 2 : 0;
	int rc;

	rc = bgp__nlri_encode(w, uw->af, n, uw->withdraw);
	if (rc == -EINVAL)
		return -EINVAL;
	/* What is owed must fit the message and the writer too. */
	if (rc == 0 && owed > 0) {
		rc = wbuf_put_u16(w, 0);
		w->len -= rc == 0 ? owed : 0;
	}
	if (rc != 0 || w->len - uw->start + owed > uw->max_len) {
		w->len = pre;
		return -ENOSPC;
	}
	uw->count++;
	return 0;
}

/* Rotates p[0, n) left by k bytes in place (three reversals). */
static void
bgp_rotate(uint8_t *p, size_t k, size_t n)
{
	size_t i, j;
	uint8_t t;

	for (i = 0, j = k; i + 1 < j; i++, j--)
		t = p[i], p[i] = p[j - 1], p[j - 1] = t;
	for (i = k, j = n; i + 1 < j; i++, j--)
		t = p[i], p[i] = p[j - 1], p[j - 1] = t;
	for (i = 0, j = n; i + 1 < j; i++, j--)
		t = p[i], p[i] = p[j - 1], p[j - 1] = t;
}

int
bgp_update_writer_finish(struct bgp_update_writer *uw)
{
	struct wbuf *w = uw->w;
	size_t mp_end, nlri_len;

	if (uw->count == 0) {
		w->len = uw->start;
		return 0;
	}
	nlri_len = w->len - uw->nlri_off;
	if (bgp_writer_inet_withdraw(uw)) {
		(void)wbuf_set_u16(
		    w, uw->start + BGP_HDR_LEN, (uint16_t)nlri_len);
		(void)wbuf_put_u16(w, 0); /* room was checked by add */
	} else {
		if (uw->mp_len_off != 0) {
			/* len(2) AFI(2) SAFI(1) [nh-len(1) nh reserved(1)] */
			mp_end = uw->mp_len_off + 2 + 3;
			if (!uw->withdraw)
				mp_end += 1 + w->data[mp_end] + 1;
			bgp_rotate(w->data + mp_end, uw->nlri_off - mp_end,
			    w->len - mp_end);
			(void)wbuf_set_u16(w, uw->mp_len_off,
			    (uint16_t)(mp_end + nlri_len - uw->mp_len_off - 2));
		}
		(void)wbuf_set_u16(w, uw->attrs_len_off,
		    (uint16_t)((uw->af == BGP_AF_INET ? uw->nlri_off : w->len) -
			uw->attrs_len_off - 2));
	}
	(void)wbuf_set_u16(
	    w, uw->start + BGP_MARKER_LEN, (uint16_t)(w->len - uw->start));
	uw->count = 0;
	uw->start = w->len;
	return 0;
}

int
bgp_msg_encode_eor(enum bgp_af af, struct wbuf *w)
{
	size_t start = w->len;
	uint16_t afi;
	uint8_t safi;
	int rc;

	if (af == BGP_AF_INET) {
		rc = bgp_frame_header(w, 4, BGP_MSG_UPDATE) ||
		    wbuf_put_u32(w, 0);
	} else {
		bgp_af_to_wire(af, &afi, &safi);
		rc = bgp_frame_header(w, 10, BGP_MSG_UPDATE) ||
		    wbuf_put_u16(w, 0) || wbuf_put_u16(w, 6) ||
		    wbuf_put_u8(w, BGP_ATTR_F_OPTIONAL) ||
		    wbuf_put_u8(w, BGP_ATTR_MP_UNREACH) || wbuf_put_u8(w, 3) ||
		    wbuf_put_u16(w, afi) || wbuf_put_u8(w, safi);
	}
	if (rc != 0) {
		w->len = start;
		return -1;
	}
	return 0;
}
