/*
 * DOC: dp_encap.c - builders of outer headers: Ethernet + IPv4 + UDP in
 * front of a payload, VXLAN and MPLSoUDP tunnels, and the hashed UDP
 * source port of mirror copies.
 *
 * Pure encoders (STYLE.md C6): they write into a caller's struct wbuf
 * (a fixed ring slot on the forwarding path, so nothing is allocated per
 * packet) and leave it as it was when the result would not fit.
 */
#include "datapath/dp.h"

#include <errno.h>
#include <string.h>

/* Outer headers for a UDP payload of plen bytes, then the payload parts. */
static int
dp_encap_write(struct wbuf *w, const struct dp_udp4 *u, const uint8_t *shim,
    size_t shimlen, const uint8_t *payload, size_t len)
{
	uint8_t h[DP_UDP4_OVERHEAD];
	size_t ulen = DP_UDP_HLEN + shimlen + len;
	size_t tlen = DP_IP4_HLEN + ulen;
	size_t save = w->len;
	uint16_t sum;
	uint8_t *ip, *udp;

	if (DP_ETH_HLEN + tlen > DP_PKT_MAX)
		return -EMSGSIZE;
	memcpy(h, u->dmac, 6);
	memcpy(h + 6, u->smac, 6);
	h[12] = DP_ETHERTYPE_IP4 >> 8;
	h[13] = DP_ETHERTYPE_IP4 & 0xff;
	ip = h + DP_ETH_HLEN;
	ip[0] = 0x45;
	ip[1] = 0;
	ip[2] = (uint8_t)(tlen >> 8);
	ip[3] = (uint8_t)tlen;
	ip[4] = (uint8_t)(u->ip_id >> 8);
	ip[5] = (uint8_t)u->ip_id;
	ip[6] = ip[7] = 0;
	ip[8] = u->ttl != 0 ? u->ttl : 64;
	ip[9] = DP_IPPROTO_UDP;
	ip[10] = ip[11] = 0;
	ip[12] = (uint8_t)(u->src >> 24);
	ip[13] = (uint8_t)(u->src >> 16);
	ip[14] = (uint8_t)(u->src >> 8);
	ip[15] = (uint8_t)u->src;
	ip[16] = (uint8_t)(u->dst >> 24);
	ip[17] = (uint8_t)(u->dst >> 16);
	ip[18] = (uint8_t)(u->dst >> 8);
	ip[19] = (uint8_t)u->dst;
	sum = (uint16_t)~dp_csum_fold(ip, DP_IP4_HLEN, 0);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	udp = ip + DP_IP4_HLEN;
	udp[0] = (uint8_t)(u->sport >> 8);
	udp[1] = (uint8_t)u->sport;
	udp[2] = (uint8_t)(u->dport >> 8);
	udp[3] = (uint8_t)u->dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	udp[6] = udp[7] = 0; /* no checksum: allowed over IPv4 (RFC 768) */
	if (wbuf_put_bytes(w, h, sizeof(h)) == -1 ||
	    wbuf_put_bytes(w, shim, shimlen) == -1 ||
	    wbuf_put_bytes(w, payload, len) == -1) {
		w->len = save;
		return -ENOBUFS;
	}
	return 0;
}

int
dp_encap_udp4(
    struct wbuf *w, const struct dp_udp4 *u, const uint8_t *payload, size_t len)
{
	return dp_encap_write(w, u, NULL, 0, payload, len);
}

int
dp_encap_vxlan(struct wbuf *w, const struct dp_udp4 *u, uint32_t vni,
    const uint8_t *frame, size_t len)
{
	uint8_t vx[DP_VXLAN_HLEN] = {0x08, 0, 0, 0, 0, 0, 0, 0};

	if (vni >= 1u << 24)
		return -EINVAL;
	vx[4] = (uint8_t)(vni >> 16);
	vx[5] = (uint8_t)(vni >> 8);
	vx[6] = (uint8_t)vni;
	return dp_encap_write(w, u, vx, sizeof(vx), frame, len);
}

int
dp_encap_mplsoudp(struct wbuf *w, const struct dp_udp4 *u, uint32_t label,
    const uint8_t *frame, size_t len)
{
	uint8_t lse[DP_MPLS_HLEN];
	uint32_t v;

	if (label >= 1u << 20)
		return -EINVAL;
	v = label << 12 | 0x100 | 64; /* bottom of stack, TTL 64 */
	lse[0] = (uint8_t)(v >> 24);
	lse[1] = (uint8_t)(v >> 16);
	lse[2] = (uint8_t)(v >> 8);
	lse[3] = (uint8_t)v;
	return dp_encap_write(w, u, lse, sizeof(lse), frame, len);
}

/* FNV-1a, 32-bit (offset basis 2166136261, prime 16777619). */
static uint32_t
dp_fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

uint16_t
dp_mirror_sport(const struct dp_pkt *p)
{
	const struct dp_hdrs *h =
	    p->encap != DP_ENCAP_NONE ? &p->inner : &p->outer;
	size_t alen = (h->flags & DP_F_IP6) ? 16 : 4;
	uint8_t ports[4];
	uint32_t x = 2166136261u;

	ports[0] = (uint8_t)(h->sport >> 8);
	ports[1] = (uint8_t)h->sport;
	ports[2] = (uint8_t)(h->dport >> 8);
	ports[3] = (uint8_t)h->dport;
	x = dp_fnv1a(x, &h->proto, 1);
	x = dp_fnv1a(x, h->src, alen);
	x = dp_fnv1a(x, h->dst, alen);
	x = dp_fnv1a(x, ports, sizeof(ports));
	return (uint16_t)(DP_SPORT_MIN + x % (65536 - DP_SPORT_MIN));
}
