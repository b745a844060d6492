/*
 * DOC: bgp_msg.c - the small BGP messages: OPEN with its capabilities
 * (RFC 4271 4.2, RFC 5492, RFC 9072), KEEPALIVE, NOTIFICATION with the
 * shutdown communication (RFC 8203, RFC 9003), ROUTE-REFRESH (RFC 2918,
 * RFC 7313), and the error helper every decoder of the codec uses.
 *
 * Pure codec (STYLE.md C6): decoders take the message body without its
 * header (bgp_frame.c checked that), read it through struct buf only and
 * report a protocol error as a filled struct bgp_err, never by logging;
 * encoders write whole messages and leave the writer as it was when
 * there is no room.  What an OPEN means for the session (collision, our
 * own BGP identifier, the peer AS we expect) is the FSM's business.
 */
#include "bgp/bgp_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Optional parameter types (RFC 5492, RFC 9072). */
#define BGP_OPT_CAPABILITIES 2
#define BGP_OPT_EXT          255 /* RFC 9072 marker, in the type's place */

/* Capability codes (IANA "Capability Codes"). */
#define BGP_CAP_MP       1      /* RFC 4760 */
#define BGP_CAP_RR       2      /* RFC 2918 */
#define BGP_CAP_EXT_MSG  6      /* RFC 8654 */
#define BGP_CAP_GR       64     /* RFC 4724 */
#define BGP_CAP_AS4      65     /* RFC 6793 */
#define BGP_CAP_ERR      70     /* RFC 7313 */
#define BGP_CAP_LLGR     71     /* RFC 9494 */
#define BGP_GR_R         0x8000 /* restart state */
#define BGP_GR_N         0x4000 /* graceful notification (RFC 8538) */
#define BGP_GR_TIME_MASK 0x0fff
#define BGP_AF_F         0x80 /* forwarding state kept, GR and LLGR */
#define BGP_GR_TUPLE     4    /* AFI(2) SAFI(1) flags(1) */
#define BGP_LLGR_TUPLE   7    /* AFI(2) SAFI(1) flags(1) time(3) */

#define BGP_OPEN_FIXED  10  /* version .. optional parameters length */
#define BGP_PLAIN_MAX   255 /* optional parameters in the plain form */
#define BGP_CAPBUF_SIZE 512 /* more than every capability we send */

/* Cease subcodes that carry a shutdown communication (RFC 9003 2). */
#define BGP_CEASE_SHUTDOWN   2
#define BGP_CEASE_RESET      4
#define BGP_CEASE_HARD_RESET 9 /* RFC 8538: data is code, subcode, data */

int
bgp__err(struct bgp_err *err, uint8_t code, uint8_t subcode, size_t off,
    const void *data, size_t datalen, const char *fmt, ...)
{
	va_list ap;

	memset(err, 0, sizeof(*err));
	err->code = code;
	err->subcode = subcode;
	err->off = off;
	/* Past BGP_ERR_DATA_MAX the data is cut (e.g. a long attribute). */
	err->datalen = MIN(datalen, sizeof(err->data));
	if (err->datalen > 0)
		memcpy(err->data, data, err->datalen);
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* The header's length field of a body of len bytes, as error data. */
static void
bgp_msg_len_data(size_t len, uint8_t out[2])
{
	size_t l = MIN(len + BGP_HDR_LEN, BGP_EXT_MAX_LEN);

	out[0] = (uint8_t)(l >> 8);
	out[1] = (uint8_t)l;
}

/*
 * OPEN.
 */

/* Appends c to the codes of the capabilities we do not know, once. */
static void
bgp_open_unknown_cap(struct bgp_open *o, uint8_t c)
{
	size_t i;

	for (i = 0; i < o->nunknown_caps; i++)
		if (o->unknown_caps[i] == c)
			return;
	if (o->nunknown_caps < BGP_OPEN_MAX_UNKNOWN)
		o->unknown_caps[o->nunknown_caps++] = c;
}

/* AFI(2) SAFI(1) of a tuple: 0 and *af for a family we speak, else -1. */
static int
bgp_open_get_af(struct buf *v, enum bgp_af *af)
{
	uint16_t afi;
	uint8_t safi;

	if (buf_get_u16(v, &afi) != 0 || buf_get_u8(v, &safi) != 0)
		return -1;
	return bgp_af_from_wire(afi, safi, af);
}

/*
 * The AFI(2) SAFI(1) flags(1) that start a GR and an LLGR tuple: 0 and
 * *af for a family we speak, -1 for another; *fwd is the F bit.
 */
static int
bgp_open_tuple(struct buf *v, enum bgp_af *af, bool *fwd)
{
	int known = bgp_open_get_af(v, af);
	uint8_t fl = 0;

	(void)buf_get_u8(v, &fl);
	*fwd = (fl & BGP_AF_F) != 0;
	return known;
}

/* Graceful restart (RFC 4724 3); the caller checked the length. */
static void
bgp_open_gr(struct buf *v, struct bgp_gr_cap *gr)
{
	enum bgp_af af;
	uint16_t rt;
	bool fwd;

	/* A repeated capability replaces the earlier one (O6). */
	memset(gr, 0, sizeof(*gr));
	gr->present = true;
	(void)buf_get_u16(v, &rt);
	gr->restarted = (rt & BGP_GR_R) != 0;
	gr->notification = (rt & BGP_GR_N) != 0;
	gr->restart_time = rt & BGP_GR_TIME_MASK;
	while (buf_left(v) >= BGP_GR_TUPLE) {
		if (bgp_open_tuple(v, &af, &fwd) != 0)
			continue;
		gr->afs |= BGP_AF_BIT(af);
		if (fwd)
			gr->forwarding |= BGP_AF_BIT(af);
	}
}

/* Long-lived graceful restart (RFC 9494 4); the caller checked the length. */
static void
bgp_open_llgr(struct buf *v, struct bgp_llgr_cap *llgr)
{
	enum bgp_af af;
	uint32_t t;
	bool fwd;
	int known;

	memset(llgr, 0, sizeof(*llgr));
	llgr->present = true;
	while (buf_left(v) >= BGP_LLGR_TUPLE) {
		known = bgp_open_tuple(v, &af, &fwd);
		(void)buf_get_u24(v, &t);
		if (known != 0)
			continue;
		llgr->afs |= BGP_AF_BIT(af);
		if (fwd)
			llgr->forwarding |= BGP_AF_BIT(af);
		llgr->stale_time[af] = t;
	}
}

/*
 * The capabilities of one Capabilities parameter.  Each is bounded by its
 * own length (O3), which must fit the parameter and suit its code; a
 * capability we do not know is only listed.  base is the offset of cb in
 * the body, for err->off.
 */
static int
bgp_open_caps(
    struct buf *cb, size_t base, struct bgp_open *o, struct bgp_err *err)
{
	struct buf v;
	enum bgp_af af;
	uint8_t code, clen, safi;
	uint16_t afi;
	size_t off;
	uint32_t as4;

	while (buf_left(cb) > 0) {
		off = base + cb->pos;
		if (buf_get_u8(cb, &code) != 0 || buf_get_u8(cb, &clen) != 0 ||
		    buf_get_sub(cb, clen, &v) != 0)
			return bgp__err(err, BGP_ERR_OPEN, 0, off, NULL, 0,
			    "capability at %zu overruns its parameter", off);
		switch (code) {
		case BGP_CAP_MP: /* AFI(2) reserved(1) SAFI(1) */
			if (clen != 4)
				goto bad_len;
			(void)buf_get_u16(&v, &afi);
			(void)buf_skip(&v, 1);
			(void)buf_get_u8(&v, &safi);
			if (bgp_af_from_wire(afi, safi, &af) == 0)
				o->afs |= BGP_AF_BIT(af);
			else
				o->unknown_afs++;
			break;
		case BGP_CAP_RR:
			o->route_refresh = true;
			break;
		case BGP_CAP_ERR:
			o->enhanced_refresh = true;
			break;
		case BGP_CAP_EXT_MSG:
			o->ext_msg = true;
			break;
		case BGP_CAP_AS4:
			if (clen != 4)
				goto bad_len;
			(void)buf_get_u32(&v, &as4);
			if (as4 == 0) /* RFC 7607 */
				return bgp__err(err, BGP_ERR_OPEN, 2, off + 2,
				    NULL, 0, "4-octet AS capability with AS 0");
			o->as4 = true;
			o->asn = as4;
			break;
		case BGP_CAP_GR:
			if (clen < 2 || (clen - 2) % BGP_GR_TUPLE != 0)
				goto bad_len;
			bgp_open_gr(&v, &o->gr);
			break;
		case BGP_CAP_LLGR:
			if (clen % BGP_LLGR_TUPLE != 0)
				goto bad_len;
			bgp_open_llgr(&v, &o->llgr);
			break;
		default:
			bgp_open_unknown_cap(o, code);
			break;
		}
	}
	return 0;
bad_len:
	return bgp__err(err, BGP_ERR_OPEN, 0, off, NULL, 0,
	    "capability %u with bad length %u", code, clen);
}

int
bgp_msg_decode_open(
    const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_err *err)
{
	static const uint8_t version_data[2] = {0, BGP_VERSION};
	struct buf b, params, p;
	uint8_t lendata[2], optlen, ptype, peek;
	uint16_t as2, plen, extlen;
	bool ext = false;
	size_t off, rest;

	memset(o, 0, sizeof(*o));
	buf_init(&b, body, len);
	if (buf_get_u8(&b, &o->version) != 0 || buf_get_u16(&b, &as2) != 0 ||
	    buf_get_u16(&b, &o->hold_time) != 0 ||
	    buf_get_u32(&b, &o->bgp_id) != 0 || buf_get_u8(&b, &optlen) != 0) {
		bgp_msg_len_data(len, lendata);
		return bgp__err(err, BGP_ERR_HEADER, 2, 0, lendata, 2,
		    "OPEN body of %zu bytes", len);
	}
	if (o->version != BGP_VERSION)
		return bgp__err(err, BGP_ERR_OPEN, 1, 0, version_data, 2,
		    "version %u", o->version);

	/*
	 * RFC 9072: a Non-Ext OP Len of 255 followed by a Non-Ext OP Type of
	 * 255 announces a 2-byte length, and 2-byte parameter lengths.
	 */
	if (optlen == BGP_PLAIN_MAX && buf_peek_u8(&b, &peek) == 0 &&
	    peek == BGP_OPT_EXT) {
		(void)buf_skip(&b, 1);
		if (buf_get_u16(&b, &extlen) != 0)
			return bgp__err(err, BGP_ERR_OPEN, 0, b.pos, NULL, 0,
			    "extended optional parameters length missing");
		ext = true;
		plen = extlen;
	} else {
		plen = optlen;
	}
	/* The parameters fill the rest of the message exactly (O1, O2). */
	rest = buf_left(&b);
	if (buf_get_sub(&b, plen, &params) != 0 || buf_left(&b) != 0)
		return bgp__err(err, BGP_ERR_OPEN, 0, BGP_OPEN_FIXED - 1, NULL,
		    0, "optional parameters length %u, %zu bytes follow", plen,
		    rest);
	while (buf_left(&params) > 0) {
		off = (size_t)(params.data - body) + params.pos;
		if (buf_get_u8(&params, &ptype) != 0 ||
		    (ext ? buf_get_u16(&params, &plen)
			 : buf_get_u8(&params, &optlen)) != 0)
			return bgp__err(err, BGP_ERR_OPEN, 0, off, NULL, 0,
			    "optional parameter header truncated");
		if (!ext)
			plen = optlen;
		if (buf_get_sub(&params, plen, &p) != 0)
			return bgp__err(err, BGP_ERR_OPEN, 0, off, NULL, 0,
			    "optional parameter of %u bytes overruns", plen);
		if (ptype != BGP_OPT_CAPABILITIES)
			return bgp__err(err, BGP_ERR_OPEN, 4, off, NULL, 0,
			    "optional parameter type %u", ptype);
		if (bgp_open_caps(&p, (size_t)(p.data - body), o, err) != 0)
			return -1;
	}

	/* The 4-octet AS capability, when present, set o->asn. */
	if (as2 == 0) /* RFC 7607 */
		return bgp__err(err, BGP_ERR_OPEN, 2, 1, NULL, 0, "AS 0");
	if (!o->as4)
		o->asn = as2;
	if (o->hold_time > 0 && o->hold_time < BGP_MIN_HOLD)
		return bgp__err(err, BGP_ERR_OPEN, 6, 3, NULL, 0,
		    "hold time %u", o->hold_time);
	if (o->bgp_id == 0)
		return bgp__err(
		    err, BGP_ERR_OPEN, 3, 5, NULL, 0, "BGP identifier 0");
	return 0;
}

/* AFI(2) SAFI(1) of af. */
static int
bgp_put_af(struct wbuf *w, enum bgp_af af)
{
	uint16_t afi;
	uint8_t safi;

	bgp_af_to_wire(af, &afi, &safi);
	return wbuf_put_u16(w, afi) || wbuf_put_u8(w, safi);
}

/* Families of ours in a set of BGP_AF_BITs. */
static unsigned
bgp_af_count(uint32_t afs)
{
	unsigned af, n = 0;

	for (af = 0; af < BGP_AF_MAX; af++)
		n += (afs & BGP_AF_BIT(af)) != 0;
	return n;
}

/* Every capability o has, in code order; nonzero when c is full. */
static int
bgp_open_put_caps(struct wbuf *c, const struct bgp_open *o)
{
	unsigned af, n;
	uint16_t afi;
	uint8_t safi;
	int rc = 0;

	for (af = 0; af < BGP_AF_MAX; af++) {
		if (!(o->afs & BGP_AF_BIT(af)))
			continue;
		bgp_af_to_wire(af, &afi, &safi);
		rc = rc || wbuf_put_u8(c, BGP_CAP_MP) || wbuf_put_u8(c, 4) ||
		    wbuf_put_u16(c, afi) || wbuf_put_u8(c, 0) ||
		    wbuf_put_u8(c, safi);
	}
	if (o->route_refresh)
		rc = rc || wbuf_put_u8(c, BGP_CAP_RR) || wbuf_put_u8(c, 0);
	if (o->ext_msg)
		rc = rc || wbuf_put_u8(c, BGP_CAP_EXT_MSG) || wbuf_put_u8(c, 0);
	if (o->gr.present) {
		n = bgp_af_count(o->gr.afs);
		rc = rc || wbuf_put_u8(c, BGP_CAP_GR) ||
		    wbuf_put_u8(c, (uint8_t)(2 + BGP_GR_TUPLE * n)) ||
		    wbuf_put_u16(c,
			(uint16_t)((o->gr.restarted ? BGP_GR_R : 0) |
			    (o->gr.notification ? BGP_GR_N : 0) |
			    (o->gr.restart_time & BGP_GR_TIME_MASK)));
		for (af = 0; af < BGP_AF_MAX; af++)
			if (o->gr.afs & BGP_AF_BIT(af))
				rc = rc || bgp_put_af(c, af) ||
				    wbuf_put_u8(c,
					o->gr.forwarding & BGP_AF_BIT(af)
					    ? BGP_AF_F
					    : 0);
	}
	if (o->as4)
		rc = rc || wbuf_put_u8(c, BGP_CAP_AS4) || wbuf_put_u8(c, 4) ||
		    wbuf_put_u32(c, o->asn);
	if (o->enhanced_refresh)
		rc = rc || wbuf_put_u8(c, BGP_CAP_ERR) || wbuf_put_u8(c, 0);
	if (o->llgr.present) {
		n = bgp_af_count(o->llgr.afs);
		rc = rc || wbuf_put_u8(c, BGP_CAP_LLGR) ||
		    wbuf_put_u8(c, (uint8_t)(BGP_LLGR_TUPLE * n));
		for (af = 0; af < BGP_AF_MAX; af++)
			if (o->llgr.afs & BGP_AF_BIT(af))
				rc = rc || bgp_put_af(c, af) ||
				    wbuf_put_u8(c,
					o->llgr.forwarding & BGP_AF_BIT(af)
					    ? BGP_AF_F
					    : 0) ||
				    wbuf_put_u24(
					c, o->llgr.stale_time[af] & 0xffffff);
	}
	return rc;
}

/*
 * All capabilities go in one Capabilities parameter.  The plain form
 * holds 253 bytes of them; past that the RFC 9072 form is used (only a
 * peer that understands it could take such an OPEN anyway).
 */
int
bgp_msg_encode_open(const struct bgp_open *o, struct wbuf *w)
{
	uint8_t capbuf[BGP_CAPBUF_SIZE];
	struct wbuf c;
	size_t start = w->len, body;
	bool ext;
	int rc;

	wbuf_init(&c, capbuf, sizeof(capbuf));
	if (bgp_open_put_caps(&c, o) != 0)
		return -1;
	ext = c.len + 2 > BGP_PLAIN_MAX;
	body = BGP_OPEN_FIXED;
	if (c.len > 0)
		body += ext ? 3 + 3 + c.len : 2 + c.len;
	rc = bgp_frame_header(w, body, BGP_MSG_OPEN) ||
	    wbuf_put_u8(w, BGP_VERSION) ||
	    wbuf_put_u16(
		w, (uint16_t)(o->asn > UINT16_MAX ? BGP_AS_TRANS : o->asn)) ||
	    wbuf_put_u16(w, o->hold_time) || wbuf_put_u32(w, o->bgp_id);
	if (c.len == 0)
		rc = rc || wbuf_put_u8(w, 0);
	else if (!ext)
		rc = rc || wbuf_put_u8(w, (uint8_t)(2 + c.len)) ||
		    wbuf_put_u8(w, BGP_OPT_CAPABILITIES) ||
		    wbuf_put_u8(w, (uint8_t)c.len);
	else
		rc = rc || wbuf_put_u8(w, BGP_PLAIN_MAX) ||
		    wbuf_put_u8(w, BGP_OPT_EXT) ||
		    wbuf_put_u16(w, (uint16_t)(3 + c.len)) ||
		    wbuf_put_u8(w, BGP_OPT_CAPABILITIES) ||
		    wbuf_put_u16(w, (uint16_t)c.len);
	rc = rc || wbuf_put_bytes(w, capbuf, c.len);
	if (rc != 0) {
		w->len = start;
		return -1;
	}
	return 0;
}

int
bgp_msg_encode_keepalive(struct wbuf *w)
{
	return bgp_frame_header(w, 0, BGP_MSG_KEEPALIVE);
}

/*
 * NOTIFICATION.
 */

/*
 * The length of the UTF-8 sequence at p (of n bytes), 0 if none starts
 * there; *ok says whether it is a printable character (not a control,
 * C0 or C1, and not an overlong form, a surrogate or past U+10FFFF).
 */
static size_t
bgp_utf8_seq(const uint8_t *p, size_t n, bool *ok)
{
	uint32_t cp, min;
	size_t len, i;

	*ok = false;
	if (p[0] < 0x80) {
		*ok = p[0] >= 0x20 && p[0] != 0x7f;
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2, cp = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, cp = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, cp = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ok = cp > 0x9f;
	return len;
}

/*
 * RFC 9003 3: the text must never be logged verbatim.  Each invalid byte
 * and each control character becomes '?'; out holds at least n + 1.
 */
static void
bgp_shutdown_sanitise(const uint8_t *p, size_t n, char *out)
{
	size_t i = 0, len;
	char *o = out;
	bool ok;

	while (i < n) {
		len = bgp_utf8_seq(p + i, n - i, &ok);
		if (len == 0 || !ok) {
			*o++ = '?';
			i += len == 0 ? 1 : len;
			continue;
		}
		memcpy(o, p + i, len);
		o += len;
		i += len;
	}
	*o = '\0';
}

/*
 * A shutdown communication (length octet, UTF-8 text) at the start of
 * data.  A length past the data makes it invalid (R3): the text is not
 * used at all, and data stays available raw.
 */
static void
bgp_notification_shutdown(
    const uint8_t *data, size_t datalen, struct bgp_notification *n)
{
	if (datalen < 1 || data[0] > datalen - 1)
		return;
	n->has_shutdown = true;
	bgp_shutdown_sanitise(data + 1, data[0], n->shutdown);
}

int
bgp_msg_decode_notification(const uint8_t *body, size_t len,
    struct bgp_notification *n, struct bgp_err *err)
{
	uint8_t lendata[2];
	struct buf b;

	memset(n, 0, sizeof(*n));
	buf_init(&b, body, len);
	if (buf_get_u8(&b, &n->code) != 0 || buf_get_u8(&b, &n->subcode) != 0) {
		bgp_msg_len_data(len, lendata);
		return bgp__err(err, BGP_ERR_HEADER, 2, 0, lendata, 2,
		    "NOTIFICATION body of %zu bytes", len);
	}
	n->datalen = buf_left(&b);
	n->data = n->datalen > 0 ? body + b.pos : NULL;
	if (n->code != BGP_ERR_CEASE)
		return 0;
	if (n->subcode == BGP_CEASE_SHUTDOWN || n->subcode == BGP_CEASE_RESET)
		bgp_notification_shutdown(n->data, n->datalen, n);
	/* A hard reset wrapping a shutdown (RFC 8538 3) carries its text. */
	else if (n->subcode == BGP_CEASE_HARD_RESET && n->datalen >= 2 &&
	    n->data[0] == BGP_ERR_CEASE &&
	    (n->data[1] == BGP_CEASE_SHUTDOWN || n->data[1] == BGP_CEASE_RESET))
		bgp_notification_shutdown(n->data + 2, n->datalen - 2, n);
	return 0;
}

int
bgp_msg_encode_notification(uint8_t code, uint8_t subcode, const void *data,
    size_t datalen, struct wbuf *w)
{
	size_t start = w->len;

	if (data == NULL)
		datalen = 0;
	datalen = MIN(datalen, BGP_MAX_LEN - BGP_HDR_LEN - 2);
	if (bgp_frame_header(w, 2 + datalen, BGP_MSG_NOTIFICATION) != 0 ||
	    wbuf_put_u8(w, code) != 0 || wbuf_put_u8(w, subcode) != 0 ||
	    wbuf_put_bytes(w, data, datalen) != 0) {
		w->len = start;
		return -1;
	}
	return 0;
}

/* The text is cut at a character boundary, never inside a UTF-8 sequence. */
int
bgp_msg_encode_shutdown(uint8_t subcode, const char *text, struct wbuf *w)
{
	uint8_t data[1 + BGP_SHUTDOWN_MAX];
	size_t n = text == NULL ? 0 : strlen(text);

	if (n > BGP_SHUTDOWN_MAX) {
		n = BGP_SHUTDOWN_MAX;
		while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80)
			n--;
	}
	data[0] = (uint8_t)n;
	if (n > 0)
		memcpy(data + 1, text, n);
	return bgp_msg_encode_notification(
	    BGP_ERR_CEASE, subcode, data, 1 + n, w);
}

/* Names of codes and subcodes (RFC 4271 4.5, 6608, 4486, 8538, 7313). */
static const char *const bgp_code_names[] = {
    [BGP_ERR_HEADER] = "Message header error",
    [BGP_ERR_OPEN] = "OPEN message error",
    [BGP_ERR_UPDATE] = "UPDATE message error",
    [BGP_ERR_HOLD] = "Hold timer expired",
    [BGP_ERR_FSM] = "Finite state machine error",
    [BGP_ERR_CEASE] = "Cease",
    [BGP_ERR_ROUTE_REFRESH] = "ROUTE-REFRESH message error",
    [BGP_ERR_SEND_HOLD] = "Send hold timer expired",
};
static const char *const bgp_header_names[] = {NULL,
    "connection not synchronized", "bad message length", "bad message type"};
static const char *const bgp_open_names[] = {NULL, "unsupported version number",
    "bad peer AS", "bad BGP identifier", "unsupported optional parameter",
    "authentication failure", "unacceptable hold time",
    "unsupported capability"};
static const char *const bgp_update_names[] = {NULL, "malformed attribute list",
    "unrecognized well-known attribute", "missing well-known attribute",
    "attribute flags error", "attribute length error",
    "invalid ORIGIN attribute", "AS routing loop", "invalid NEXT_HOP attribute",
    "optional attribute error", "invalid network field", "malformed AS_PATH"};
static const char *const bgp_fsm_names[] = {NULL,
    "unexpected message in OpenSent", "unexpected message in OpenConfirm",
    "unexpected message in Established"};
static const char *const bgp_cease_names[] = {NULL,
    "maximum number of prefixes reached", "administrative shutdown",
    "peer de-configured", "administrative reset", "connection rejected",
    "other configuration change", "connection collision resolution",
    "out of resources", "hard reset", "BFD down"};
static const char *const bgp_refresh_names[] = {NULL, "invalid message length"};

static const struct {
	const char *const *names;
	size_t n;
} bgp_subcode_names[] = {
    [BGP_ERR_HEADER] = {bgp_header_names, nitems(bgp_header_names)},
    [BGP_ERR_OPEN] = {bgp_open_names, nitems(bgp_open_names)},
    [BGP_ERR_UPDATE] = {bgp_update_names, nitems(bgp_update_names)},
    [BGP_ERR_FSM] = {bgp_fsm_names, nitems(bgp_fsm_names)},
    [BGP_ERR_CEASE] = {bgp_cease_names, nitems(bgp_cease_names)},
    [BGP_ERR_ROUTE_REFRESH] = {bgp_refresh_names, nitems(bgp_refresh_names)},
};

/* "Cease/administrative shutdown"; subcode 0 (unspecific) gives the code
 * alone; numbers for what has no name.  Returns buf. */
const char *
bgp_err_name(uint8_t code, uint8_t subcode, char *buf, size_t len)
{
	const char *cn = NULL, *sn = NULL;

	if (code < nitems(bgp_code_names))
		cn = bgp_code_names[code];
	if (code < nitems(bgp_subcode_names) &&
	    subcode < bgp_subcode_names[code].n)
		sn = bgp_subcode_names[code].names[subcode];
	if (cn == NULL)
		snprintf(buf, len, "code %u/subcode %u", code, subcode);
	else if (sn != NULL)
		snprintf(buf, len, "%s/%s", cn, sn);
	else if (subcode == 0)
		snprintf(buf, len, "%s", cn);
	else
		snprintf(buf, len, "%s/subcode %u", cn, subcode);
	return buf;
}

/*
 * ROUTE-REFRESH.
 */

/*
 * Without ORF (which we never negotiate) the body is AFI(2) subtype(1)
 * SAFI(1); any other length is 7/1 with the whole message as data
 * (RFC 7313 5).  An unknown subtype is returned for the FSM to ignore.
 */
int
bgp_msg_decode_refresh(
    const uint8_t *body, size_t len, struct bgp_refresh *r, struct bgp_err *err)
{
	uint8_t msg[BGP_ERR_DATA_MAX];
	struct wbuf w;
	struct buf b;

	memset(r, 0, sizeof(r[0]));
	if (len != 4) {
		wbuf_init(&w, msg, sizeof(msg));
		(void)bgp_frame_header(&w, len, BGP_MSG_ROUTE_REFRESH);
		(void)wbuf_put_bytes(&w, body, MIN(len, sizeof(msg) - w.len));
		return bgp__err(err, BGP_ERR_ROUTE_REFRESH, 1, 0, msg, w.len,
		    "ROUTE-REFRESH body of %zu bytes", len);
	}
	buf_init(&b, body, len);
	(void)buf_get_u16(&b, &r->afi);
	(void)buf_get_u8(&b, &r->subtype);
	(void)buf_get_u8(&b, &r->safi);
	r->known_af = bgp_af_from_wire(r->afi, r->safi, &r->af) == 0;
	return 0;
}

int
bgp_msg_encode_refresh(enum bgp_af af, uint8_t subtype, struct wbuf *w)
{
	size_t start = w->len;
	uint16_t afi;
	uint8_t safi;

	bgp_af_to_wire(af, &afi, &safi);
	if (bgp_frame_header(w, 4, BGP_MSG_ROUTE_REFRESH) != 0 ||
	    wbuf_put_u16(w, afi) != 0 || wbuf_put_u8(w, subtype) != 0 ||
	    wbuf_put_u8(w, safi) != 0) {
		w->len = start;
		return -1;
	}
	return 0;
}
