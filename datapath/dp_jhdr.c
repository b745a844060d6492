/*
 * DOC: dp_jhdr.c - the Juniper mirror header (reference §6.2): TLVs of a
 * one-byte type and a one-byte length, 1 capture host, 2 action flags,
 * 3 source VN, 4 destination VN, ended by FF 00, in front of the copied
 * Ethernet frame of a mode-1 mirror packet.
 *
 * Pure codec.  Unlike the vRouter, which writes a VN name's length
 * truncated to 8 bits and so corrupts the stream past 255 bytes, the
 * encoder refuses such a name; the programming API refuses it earlier.
 */
#include "datapath/dp.h"

#include <errno.h>
#include <string.h>

void
dp_jhdr_port_rx(struct dp_jhdr *j, const char *vn)
{
	memset(j, 0, sizeof(*j));
	j->has = DP_JHDR_HAS_SRC;
	j->src_vn = vn;
	j->src_vn_len = strlen(vn);
}

void
dp_jhdr_port_tx(struct dp_jhdr *j, const char *vn)
{
	memset(j, 0, sizeof(*j));
	j->has = DP_JHDR_HAS_DST;
	j->dst_vn = vn;
	j->dst_vn_len = strlen(vn);
}

void
dp_jhdr_flow(struct dp_jhdr *j, uint32_t host, uint32_t flags,
    const char *src_vn, const char *dst_vn)
{
	memset(j, 0, sizeof(*j));
	j->has = DP_JHDR_HAS_HOST | DP_JHDR_HAS_FLAGS | DP_JHDR_HAS_SRC |
	    DP_JHDR_HAS_DST;
	j->host = host;
	j->flags = flags;
	j->src_vn = src_vn;
	j->src_vn_len = strlen(src_vn);
	j->dst_vn = dst_vn;
	j->dst_vn_len = strlen(dst_vn);
}

int
dp_jhdr_encode(struct wbuf *w, const struct dp_jhdr *j)
{
	size_t save = w->len;

	if (((j->has & DP_JHDR_HAS_SRC) && j->src_vn_len > DP_JHDR_VN_MAX) ||
	    ((j->has & DP_JHDR_HAS_DST) && j->dst_vn_len > DP_JHDR_VN_MAX))
		return -EINVAL;
	if ((j->has & DP_JHDR_HAS_HOST) &&
	    (wbuf_put_u8(w, DP_JHDR_CAPTURE_HOST) == -1 ||
		wbuf_put_u8(w, 4) == -1 || wbuf_put_u32(w, j->host) == -1))
		goto full;
	if ((j->has & DP_JHDR_HAS_FLAGS) &&
	    (wbuf_put_u8(w, DP_JHDR_FLAGS) == -1 || wbuf_put_u8(w, 4) == -1 ||
		wbuf_put_u32(w, j->flags) == -1))
		goto full;
	if ((j->has & DP_JHDR_HAS_SRC) &&
	    (wbuf_put_u8(w, DP_JHDR_SRC_VN) == -1 ||
		wbuf_put_u8(w, (uint8_t)j->src_vn_len) == -1 ||
		wbuf_put_bytes(w, j->src_vn, j->src_vn_len) == -1))
		goto full;
	if ((j->has & DP_JHDR_HAS_DST) &&
	    (wbuf_put_u8(w, DP_JHDR_DST_VN) == -1 ||
		wbuf_put_u8(w, (uint8_t)j->dst_vn_len) == -1 ||
		wbuf_put_bytes(w, j->dst_vn, j->dst_vn_len) == -1))
		goto full;
	if (wbuf_put_u8(w, DP_JHDR_END) == -1 || wbuf_put_u8(w, 0) == -1)
		goto full;
	return 0;
full:
	w->len = save;
	return -ENOBUFS;
}

int
dp_jhdr_decode(const uint8_t *data, size_t len, struct dp_jhdr *j, size_t *hlen)
{
	struct buf b, v;
	uint8_t type, tlen;

	memset(j, 0, sizeof(*j));
	buf_init(&b, data, len);
	for (;;) {
		if (buf_get_u8(&b, &type) == -1 ||
		    buf_get_u8(&b, &tlen) == -1 ||
		    buf_get_sub(&b, tlen, &v) == -1)
			return -EPROTO;
		switch (type) {
		case DP_JHDR_END: /* always FF 00 */
			if (tlen != 0)
				return -EPROTO;
			*hlen = b.pos;
			return 0;
		case DP_JHDR_CAPTURE_HOST:
			if (tlen != 4 || buf_get_u32(&v, &j->host) == -1)
				return -EPROTO;
			j->has |= DP_JHDR_HAS_HOST;
			break;
		case DP_JHDR_FLAGS:
			if (tlen != 4 || buf_get_u32(&v, &j->flags) == -1)
				return -EPROTO;
			j->has |= DP_JHDR_HAS_FLAGS;
			break;
		case DP_JHDR_SRC_VN:
			j->src_vn = (const char *)v.data;
			j->src_vn_len = tlen;
			j->has |= DP_JHDR_HAS_SRC;
			break;
		case DP_JHDR_DST_VN:
			j->dst_vn = (const char *)v.data;
			j->dst_vn_len = tlen;
			j->has |= DP_JHDR_HAS_DST;
			break;
		default: /* a type we do not know: skipped */
			break;
		}
	}
}
