/*
 * DOC: fuzz_roundtrip.c - the round-trip half of the BGP fuzz targets:
 * what decoded is written again with the codec's own encoders
 * (bgp_msg_encode_*, the UPDATE writer) and decoded again, and the second
 * decode must agree with the first.
 *
 * Only what must survive is compared; the codec normalises on purpose:
 * - OPEN: unknown capabilities and families are not re-sent (counted and
 *   listed only), so the families, flags, GR and LLGR are compared.
 * - NOTIFICATION: data past one 4096-byte message is cut by the encoder.
 * - UPDATE: RFC 7606 outcomes other than OK/DISCARD are not re-sent; the
 *   writer sends one family and one next hop per message, so each section
 *   is written alone with the next hop it had (NEXT_HOP for inet, the
 *   MP_REACH one otherwise); towards an external peer ORIGINATOR_ID and
 *   CLUSTER_LIST are not sent (RFC 4456 8); with 2-octet ASes a path whose
 *   confederation segments hold 4-byte ASes cannot come through AS_TRANS
 *   and AS4_PATH whole (RFC 6793 4.2.3), so its path is not compared.
 *   Attribute sets are compared by interning: equal sets are one set.
 */
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FUZZ_WBUF_MAX (1 << 22) /* bytes of re-encoded UPDATEs */

/* The single message at the start of w, of type t: its body. */
static const uint8_t *
fuzz_rt_frame(
    const struct wbuf *w, size_t off, uint8_t t, size_t max, size_t *len)
{
	struct bgp_err err;
	size_t n;
	uint8_t type;

	FUZZ_CHECK(bgp_frame_check(
		       w->data + off, w->len - off, max, &n, &type, &err) == 1,
	    "an encoded message does not frame: %s", err.reason);
	FUZZ_CHECK(type == t, "encoded type %u, not %u", type, t);
	*len = n - BGP_HDR_LEN;
	return w->data + off + BGP_HDR_LEN;
}

void
fuzz_rt_open(const struct bgp_open *o)
{
	uint8_t mem[BGP_MAX_LEN];
	const uint8_t *body;
	struct bgp_open o2;
	struct bgp_err err;
	struct wbuf w;
	size_t len;
	unsigned af;

	wbuf_init(&w, mem, sizeof(mem));
	if (bgp_msg_encode_open(o, &w) != 0)
		return; /* more capabilities than one OPEN holds */
	body = fuzz_rt_frame(&w, 0, BGP_MSG_OPEN, BGP_MAX_LEN, &len);
	FUZZ_CHECK(bgp_msg_decode_open(body, len, &o2, &err) == 0,
	    "our OPEN does not decode: %s", err.reason);
	FUZZ_CHECK(o2.version == o->version && o2.asn == o->asn &&
		o2.hold_time == o->hold_time && o2.bgp_id == o->bgp_id &&
		o2.as4 == o->as4,
	    "OPEN header: AS %u/%u hold %u/%u", o->asn, o2.asn, o->hold_time,
	    o2.hold_time);
	FUZZ_CHECK(o2.afs == o->afs && o2.route_refresh == o->route_refresh &&
		o2.enhanced_refresh == o->enhanced_refresh &&
		o2.ext_msg == o->ext_msg,
	    "OPEN capabilities: families %#x/%#x", o->afs, o2.afs);
	FUZZ_CHECK(memcmp(&o2.gr, &o->gr, sizeof(o->gr)) == 0,
	    "graceful restart capability differs");
	FUZZ_CHECK(o2.llgr.present == o->llgr.present &&
		o2.llgr.afs == o->llgr.afs &&
		o2.llgr.forwarding == o->llgr.forwarding,
	    "LLGR capability differs");
	for (af = 0; af < BGP_AF_MAX; af++)
		if (o->llgr.afs & BGP_AF_BIT(af))
			FUZZ_CHECK(
			    o2.llgr.stale_time[af] == o->llgr.stale_time[af],
			    "LLGR stale time of %s", bgp_af_name(af));
}

void
fuzz_rt_notification(const struct bgp_notification *n)
{
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_notification n2;
	const uint8_t *body;
	struct bgp_err err;
	struct wbuf w;
	size_t len;
	bool whole = n->datalen <= BGP_MAX_LEN - BGP_HDR_LEN - 2;

	wbuf_init(&w, mem, sizeof(mem));
	FUZZ_CHECK(bgp_msg_encode_notification(
		       n->code, n->subcode, n->data, n->datalen, &w) == 0,
	    "NOTIFICATION does not encode");
	body = fuzz_rt_frame(&w, 0, BGP_MSG_NOTIFICATION, BGP_MAX_LEN, &len);
	FUZZ_CHECK(bgp_msg_decode_notification(body, len, &n2, &err) == 0,
	    "our NOTIFICATION does not decode: %s", err.reason);
	FUZZ_CHECK(n2.code == n->code && n2.subcode == n->subcode,
	    "NOTIFICATION %u/%u came back %u/%u", n->code, n->subcode, n2.code,
	    n2.subcode);
	FUZZ_CHECK(n2.datalen == (whole ? n->datalen : len - 2) &&
		(n2.datalen == 0 || memcmp(n2.data, n->data, n2.datalen) == 0),
	    "NOTIFICATION data of %zu bytes came back as %zu", n->datalen,
	    n2.datalen);
	if (whole)
		FUZZ_CHECK(n2.has_shutdown == n->has_shutdown &&
			strcmp(n2.shutdown, n->shutdown) == 0,
		    "shutdown communication differs");
}

void
fuzz_rt_refresh(const struct bgp_refresh *r)
{
	uint8_t mem[64];
	struct bgp_refresh r2;
	const uint8_t *body;
	struct bgp_err err;
	struct wbuf w;
	size_t len;

	if (!r->known_af)
		return; /* the encoder takes only our families */
	wbuf_init(&w, mem, sizeof(mem));
	FUZZ_CHECK(bgp_msg_encode_refresh(r->af, r->subtype, &w) == 0,
	    "ROUTE-REFRESH does not encode");
	body = fuzz_rt_frame(&w, 0, BGP_MSG_ROUTE_REFRESH, BGP_MAX_LEN, &len);
	FUZZ_CHECK(bgp_msg_decode_refresh(body, len, &r2, &err) == 0,
	    "our ROUTE-REFRESH does not decode: %s", err.reason);
	FUZZ_CHECK(memcmp(&r2, r, sizeof(r2)) == 0,
	    "ROUTE-REFRESH %u/%u/%u came back %u/%u/%u", r->afi, r->safi,
	    r->subtype, r2.afi, r2.safi, r2.subtype);
}

void
fuzz_rt_keepalive(void)
{
	uint8_t mem[BGP_HDR_LEN];
	struct wbuf w;
	size_t len;

	wbuf_init(&w, mem, sizeof(mem));
	FUZZ_CHECK(bgp_msg_encode_keepalive(&w) == 0, "KEEPALIVE");
	(void)fuzz_rt_frame(&w, 0, BGP_MSG_KEEPALIVE, BGP_MAX_LEN, &len);
	FUZZ_CHECK(len == 0, "KEEPALIVE with a body");
}

/*
 * UPDATE.
 */

/*
 * Whether a's AS path comes through a 2-octet session whole (RFC 6793
 * 4.2.2, 4.2.3): AS4_PATH leaves confederation segments out, so one with
 * a 4-byte AS, or one after the first AS_SEQUENCE or AS_SET when
 * AS4_PATH is needed, is lost; and an AGGREGATOR with a 2-byte AS other
 * than AS_TRANS makes the receiver ignore AS4_PATH.
 */
static bool
fuzz_path_survives(const struct attr *a, const struct bgp_session_caps *caps)
{
	bool wide = false, confed_wide = false, confed_after = false;
	bool plain = false, w;
	struct buf v;
	uint8_t type, count;
	const uint8_t *p;
	size_t i;

	if (caps->as4)
		return true;
	buf_init(&v, a->aspath, a->aspath_len);
	while (buf_get_u8(&v, &type) == 0 && buf_get_u8(&v, &count) == 0 &&
	    (p = buf_get_ptr(&v, 4 * (size_t)count)) != NULL) {
		for (w = false, i = 0; i < count; i++)
			w = w || p[4 * i] != 0 || p[4 * i + 1] != 0;
		if (type >= 3) { /* confederation */
			confed_wide = confed_wide || w;
			confed_after = confed_after || plain;
		} else {
			wide = wide || w;
			plain = true;
		}
	}
	if (confed_wide)
		return false;
	if (!wide)
		return true;
	return !confed_after &&
	    !((a->flags & ATTR_F_AGGREGATOR) &&
		a->aggregator_as != BGP_AS_TRANS &&
		a->aggregator_as <= UINT16_MAX);
}

/* A NEXT_HOP that bgp_update.c withdraws (0/8, multicast, class E); an
 * MP_REACH next hop for inet is not checked, the NEXT_HOP it becomes is. */
static bool
fuzz_nexthop_bogus(const struct ipaddr *nh)
{
	return nh->af == AF_INET && (nh->u.b[0] == 0 || nh->u.b[0] >= 224);
}

static bool
fuzz_nlri_eq(const struct bgp_nlri *x, const struct bgp_nlri *y, bool labels)
{
	uint8_t kx[RT_KEY_MAX], ky[RT_KEY_MAX];
	size_t lx = rt_key_encode(&x->key, kx), ly = rt_key_encode(&y->key, ky);

	if (lx != ly || memcmp(kx, ky, lx) != 0)
		return false;
	return !labels || (x->label == y->label && x->label2 == y->label2);
}

/*
 * Every message the writer made from off on: each must decode with caps,
 * cleanly, with the attribute set want (NULL for a withdraw), and their
 * routes together must be the section's.
 */
static void
fuzz_rt_check(const struct wbuf *w, size_t off,
    const struct bgp_session_caps *caps, struct attr *want,
    const struct fuzz_nlris *sec)
{
	struct fuzz_nlris got;
	struct bgp_update u;
	struct bgp_err err;
	struct arena arena;
	const uint8_t *body;
	struct attr *a;
	size_t len, seen = 0, i;
	struct buf b;

	arena_init(&arena, 0);
	while (off < w->len) {
		body =
		    fuzz_rt_frame(w, off, BGP_MSG_UPDATE, caps->max_len, &len);
		off += BGP_HDR_LEN + len;
		FUZZ_CHECK(
		    bgp_update_decode(body, len, caps, &arena, &u, &err) == 0,
		    "our UPDATE resets the session: %s", err.reason);
		FUZZ_CHECK(u.outcome == BGP_OK, "our UPDATE: %s", u.reason);
		if (sec->af == BGP_AF_INET)
			b = sec->withdraw ? u.withdrawn : u.nlri;
		else
			b = sec->withdraw ? u.unreach_nlri : u.reach_nlri;
		FUZZ_CHECK(sec->af == BGP_AF_INET ||
			(sec->withdraw
				? u.has_unreach && u.unreach_af == sec->af
				: u.has_reach && u.reach_af == sec->af),
		    "our UPDATE lost its MP attribute");
		fuzz_nlri_walk(sec->af, b, sec->withdraw, &arena, &got);
		FUZZ_CHECK(seen + got.count <= sec->count,
		    "%zu routes came back, %zu sent", seen + got.count,
		    sec->count);
		for (i = 0; i < got.count; i++)
			FUZZ_CHECK(fuzz_nlri_eq(&got.n[i], &sec->n[seen + i],
				       !sec->withdraw),
			    "%s route %zu differs", bgp_af_name(sec->af),
			    seen + i);
		seen += got.count;
		if (want != NULL) {
			a = attr_intern(&u.attr);
			FUZZ_CHECK(a == want,
			    "%s attributes differ after a round trip",
			    bgp_af_name(sec->af));
			attr_unref(a);
		}
		arena_reset(&arena);
	}
	FUZZ_CHECK(seen == sec->count, "%zu routes came back, %zu sent", seen,
	    sec->count);
	arena_fini(&arena);
}

/*
 * Writes one section with the writer, a message at a time, and checks
 * what it wrote.  want is the set the routes must come back with.
 */
static void
fuzz_rt_section(const struct fuzz_nlris *sec, const struct attr *a,
    const struct ipaddr *nh, const struct bgp_session_caps *caps,
    size_t write_max, struct attr *want)
{
	struct bgp_session_caps wcaps = *caps;
	struct bgp_update_writer uw;
	struct wbuf w;
	size_t i = 0;
	int rc;

	if (!sec->present || sec->count == 0)
		return;
	wcaps.max_len = write_max;
	wbuf_init_dyn(&w, FUZZ_WBUF_MAX);
	while (i < sec->count) {
		rc = bgp_update_writer_start(&uw, &w, sec->af, a, nh, &wcaps);
		if (rc == -EMSGSIZE || rc == -EINVAL)
			goto done; /* attributes too big; a next hop the
				    * writer cannot carry (IPv6 for inet) */
		FUZZ_CHECK(rc == 0, "writer start: %d", rc);
		while (i < sec->count &&
		    (rc = bgp_update_writer_add(&uw, &sec->n[i])) == 0)
			i++;
		FUZZ_CHECK(rc == 0 || rc == -ENOSPC,
		    "a decoded %s route the writer refuses: %d",
		    bgp_af_name(sec->af), rc);
		if (rc == -ENOSPC && uw.count == 0)
			goto done; /* a route alone is too long (bgp_rib.c
				    * skips it the same way) */
		FUZZ_CHECK(bgp_update_writer_finish(&uw) == 0, "finish");
	}
	fuzz_rt_check(&w, 0, caps, want, sec);
done:
	wbuf_fini(&w);
}

/* The set a section's routes come back with: a with the next hop they
 * were sent with, less what the session does not carry. */
static struct attr *
fuzz_rt_want(const struct attr *a, const struct ipaddr *nh,
    const struct bgp_session_caps *caps)
{
	struct attr t = *a;

	t.refcnt = 0;
	t.nexthop = *nh;
	if (caps->ebgp) {
		t.flags &= (uint8_t)~ATTR_F_ORIGINATOR;
		t.originator_id = 0;
		t.cluster = NULL;
		t.ncluster = 0;
	}
	return attr_intern(&t);
}

void
fuzz_rt_update(const struct bgp_update *u, struct attr *a,
    const struct bgp_session_caps *caps, size_t write_max,
    const struct fuzz_nlris secs[4])
{
	uint8_t mem[64];
	struct bgp_update u2;
	struct bgp_err err;
	struct arena arena;
	const uint8_t *body;
	struct attr *want;
	const struct ipaddr *nh;
	struct wbuf w;
	size_t len;
	int i;

	if (u->eor) {
		wbuf_init(&w, mem, sizeof(mem));
		FUZZ_CHECK(bgp_msg_encode_eor(u->eor_af, &w) == 0, "EoR");
		body = fuzz_rt_frame(&w, 0, BGP_MSG_UPDATE, BGP_MAX_LEN, &len);
		arena_init(&arena, 0);
		FUZZ_CHECK(bgp_update_decode(
			       body, len, caps, &arena, &u2, &err) == 0 &&
			u2.eor && u2.eor_af == u->eor_af,
		    "End-of-RIB for %s does not come back",
		    bgp_af_name(u->eor_af));
		arena_fini(&arena);
	}
	/* Withdraws carry no attributes: any outcome sends them. */
	fuzz_rt_section(&secs[0], NULL, NULL, caps, write_max, NULL);
	fuzz_rt_section(&secs[3], NULL, NULL, caps, write_max, NULL);
	if (u->outcome == BGP_WITHDRAW || !fuzz_path_survives(a, caps))
		return;
	for (i = 1; i <= 2; i++) {
		if (!secs[i].present || secs[i].count == 0)
			continue;
		nh = secs[i].af == BGP_AF_INET && i == 1 ? &u->inet_nexthop
							 : &a->nexthop;
		if (secs[i].af == BGP_AF_INET && i == 2 &&
		    (a->nexthop.af != AF_INET || fuzz_nexthop_bogus(nh)))
			continue; /* the writer sends inet with NEXT_HOP only:
				   * not an RFC 8950 one */
		want = fuzz_rt_want(a, nh, caps);
		fuzz_rt_section(&secs[i], a, nh, caps, write_max, want);
		attr_unref(want);
	}
}
