/*
 * DOC: bgp_frame.c - BGP message framing (RFC 4271 4.1, 6.1; RFC 8654).
 *
 * The bottom layer of the codec: it finds whole messages at the start of
 * a receive buffer and writes message headers.  The header is validated
 * (marker, length against the type's minimum and the negotiated maximum,
 * type) before the body is waited for, so a peer cannot make us buffer a
 * message we would refuse anyway (B4).  Pure code: the buffer is the
 * caller's (bgp_peer.c owns the reassembly), nothing is logged.
 */
#include "bgp/bgp_int.h"

#include <string.h>

static const uint8_t bgp_marker[BGP_MARKER_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Smallest and largest whole message of each type (RFC 4271 4.1, 6.1). */
static const struct {
	uint16_t min;
	bool small; /* stays within BGP_MAX_LEN whatever is negotiated */
	bool exact; /* min is the only valid length */
} bgp_frame_sizes[] = {
    [BGP_MSG_OPEN] = {29, true, false},
    [BGP_MSG_UPDATE] = {23, false, false},
    [BGP_MSG_NOTIFICATION] = {21, false, false},
    [BGP_MSG_KEEPALIVE] = {19, true, true},
    [BGP_MSG_ROUTE_REFRESH] = {23, false, false},
};

/*
 * RFC 4271 6.1: a length error carries the length as data, a type error
 * the type.  The length is checked before the type only where it cannot
 * depend on it (below the header size).
 */
int
bgp_frame_check(const uint8_t *p, size_t avail, size_t max, size_t *len,
    uint8_t *type, struct bgp_err *err)
{
	struct buf b;
	uint16_t l;
	uint8_t t;
	size_t limit;

	if (avail < BGP_HDR_LEN)
		return 0;
	buf_init(&b, p, avail);
	if (memcmp(buf_get_ptr(&b, BGP_MARKER_LEN), bgp_marker,
		BGP_MARKER_LEN) != 0)
		return bgp__err(err, BGP_ERR_HEADER, 1, 0, NULL, 0,
		    "marker is not all ones");
	(void)buf_get_u16(&b, &l); /* the header is there: cannot fail */
	(void)buf_get_u8(&b, &t);
	if (l < BGP_HDR_LEN)
		return bgp__err(err, BGP_ERR_HEADER, 2, BGP_MARKER_LEN, p + 16,
		    2, "length %u is less than the header", l);
	if (t < BGP_MSG_OPEN || t >= nitems(bgp_frame_sizes))
		return bgp__err(err, BGP_ERR_HEADER, 3, BGP_MARKER_LEN + 2, &t,
		    1, "unknown message type %u", t);
	limit = MIN(max, BGP_EXT_MAX_LEN);
	if (bgp_frame_sizes[t].small)
		limit = BGP_MAX_LEN;
	if (l < bgp_frame_sizes[t].min ||
	    (bgp_frame_sizes[t].exact && l != bgp_frame_sizes[t].min) ||
	    l > limit)
		return bgp__err(err, BGP_ERR_HEADER, 2, BGP_MARKER_LEN, p + 16,
		    2, "bad length %u for message type %u (limit %zu)", l, t,
		    limit);
	if (avail < l)
		return 0;
	*len = l;
	*type = t;
	return 1;
}

/* Nothing is written when w has no room for the whole header. */
int
bgp_frame_header(struct wbuf *w, size_t len, uint8_t type)
{
	ssize_t off;

	if (len > BGP_EXT_MAX_LEN - BGP_HDR_LEN ||
	    (off = wbuf_reserve(w, BGP_HDR_LEN)) < 0)
		return -1;
	memcpy(w->data + off, bgp_marker, BGP_MARKER_LEN);
	(void)wbuf_set_u16(
	    w, (size_t)off + BGP_MARKER_LEN, (uint16_t)(len + BGP_HDR_LEN));
	(void)wbuf_set_u8(w, (size_t)off + BGP_MARKER_LEN + 2, type);
	return 0;
}
