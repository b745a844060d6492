/*
 * DOC: dp_encap.c - builders of outer headers: Ethernet + IPv4 + UDP in
 * front of a payload, VXLAN and MPLSoUDP tunnels, GRE (Ethernet + IPv4
 * protocol 47 + a keyed GRE header, no UDP), and the hashed UDP source
 * port of mirror copies.
 *
 * Pure encoders (STYLE.md C6): they write into a caller's struct wbuf
 * (a fixed ring slot on the forwarding path, so nothing is allocated per
 * packet) and leave it as it was when the result would not fit.
 */
#include "datapath/dp.h"

#include <errno.h>
#include <string.h>

/* The 34 bytes of Ethernet and IPv4 (protocol proto) for iplen bytes
 * of IPv4 payload. */
static void
dp_encap_ip4(uint8_t *h, const struct dp_udp4 *u, uint8_t proto, size_t iplen)
{
	size_t tlen = DP_IP4_HLEN + iplen;
	uint8_t *ip = h + DP_ETH_HLEN;
	uint16_t sum;

	memcpy(h, u->dmac, 6);
	memcpy(h + 6, u->smac, 6);
	h[12] = DP_ETHERTYPE_IP4 >> 8;
	h[13] = DP_ETHERTYPE_IP4 & 0xff;
	ip[0] = 0x45;
	ip[1] = 0;
	ip[2] = (uint8_t)(tlen >> 8);
	ip[3] = (uint8_t)tlen;
	ip[4] = (uint8_t)(u->ip_id >> 8);
	ip[5] = (uint8_t)u->ip_id;
	ip[6] = ip[7] = 0;
	ip[8] = u->ttl != 0 ? u->ttl : 64;
	ip[9] = proto;
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
}

/* The 42 bytes of Ethernet, IPv4 and UDP for ulen bytes of UDP payload. */
static void
dp_encap_hdr(uint8_t *h, const struct dp_udp4 *u, size_t ulen)
{
	uint8_t *udp = h + DP_ETH_HLEN + DP_IP4_HLEN;

	dp_encap_ip4(h, u, DP_IPPROTO_UDP, DP_UDP_HLEN + ulen);
	udp[0] = (uint8_t)(u->sport >> 8);
	udp[1] = (uint8_t)u->sport;
	udp[2] = (uint8_t)(u->dport >> 8);
	udp[3] = (uint8_t)u->dport;
	udp[4] = (uint8_t)((DP_UDP_HLEN + ulen) >> 8);
	udp[5] = (uint8_t)(DP_UDP_HLEN + ulen);
	udp[6] = udp[7] = 0; /* no checksum: allowed over IPv4 (RFC 768) */
}

/* The shim of an encapsulation (VXLAN header or one MPLS label) into
 * sh; its length, or -EINVAL for a label or VNI out of range. */
static int
dp_encap_shim(uint8_t *sh, enum dp_encap kind, uint32_t label)
{
	uint32_t v;

	switch (kind) {
	case DP_ENCAP_NONE:
		return 0;
	case DP_ENCAP_VXLAN:
		if (label >= 1u << 24)
			return -EINVAL;
		memset(sh, 0, DP_VXLAN_HLEN);
		sh[0] = 0x08;
		sh[4] = (uint8_t)(label >> 16);
		sh[5] = (uint8_t)(label >> 8);
		sh[6] = (uint8_t)label;
		return DP_VXLAN_HLEN;
	case DP_ENCAP_MPLSOUDP:
		if (label >= 1u << 20)
			return -EINVAL;
		v = label << 12 | 0x100 | 64; /* bottom of stack, TTL 64 */
		sh[0] = (uint8_t)(v >> 24);
		sh[1] = (uint8_t)(v >> 16);
		sh[2] = (uint8_t)(v >> 8);
		sh[3] = (uint8_t)v;
		return DP_MPLS_HLEN;
	case DP_ENCAP_GRE:
		/* K bit, version 0, transparent Ethernet bridging, key */
		sh[0] = 0x20;
		sh[1] = 0;
		sh[2] = DP_ETHERTYPE_TEB >> 8;
		sh[3] = DP_ETHERTYPE_TEB & 0xff;
		sh[4] = (uint8_t)(label >> 24);
		sh[5] = (uint8_t)(label >> 16);
		sh[6] = (uint8_t)(label >> 8);
		sh[7] = (uint8_t)label;
		return DP_GRE_KEY_HLEN;
	}
	return -EINVAL;
}

/* Bytes of the outer headers before the shim: no UDP for GRE. */
static size_t
dp_encap_outer(enum dp_encap kind)
{
	return kind == DP_ENCAP_GRE ? DP_ETH_HLEN + DP_IP4_HLEN
				    : DP_UDP4_OVERHEAD;
}

/* The outer headers of kind for plen bytes (shim and payload) after. */
static void
dp_encap_outer_hdr(
    uint8_t *h, const struct dp_udp4 *u, enum dp_encap kind, size_t plen)
{
	if (kind == DP_ENCAP_GRE)
		dp_encap_ip4(h, u, DP_IPPROTO_GRE, plen);
	else
		dp_encap_hdr(h, u, plen);
}

/* Outer headers for a UDP payload of plen bytes, then the payload parts. */
static int
dp_encap_write(struct wbuf *w, const struct dp_udp4 *u, enum dp_encap kind,
    uint32_t label, const uint8_t *payload, size_t len)
{
	uint8_t h[DP_UDP4_OVERHEAD + DP_VXLAN_HLEN];
	size_t save = w->len;
	int sl;

	size_t ol = dp_encap_outer(kind);

	if ((sl = dp_encap_shim(h + ol, kind, label)) < 0)
		return sl;
	if (ol + (size_t)sl + len > DP_PKT_MAX)
		return -EMSGSIZE;
	dp_encap_outer_hdr(h, u, kind, (size_t)sl + len);
	if (wbuf_put_bytes(w, h, ol + (size_t)sl) == -1 ||
	    wbuf_put_bytes(w, payload, len) == -1) {
		w->len = save;
		return -ENOBUFS;
	}
	return 0;
}

uint8_t *
dp_encap_push(uint8_t *data, size_t *len, const struct dp_udp4 *u,
    enum dp_encap kind, uint32_t label, int *err)
{
	uint8_t sh[DP_VXLAN_HLEN];
	size_t ol = dp_encap_outer(kind);
	int sl;

	if ((sl = dp_encap_shim(sh, kind, label)) < 0) {
		*err = sl;
		return NULL;
	}
	if (ol + (size_t)sl + *len > DP_PKT_MAX) {
		*err = -EMSGSIZE;
		return NULL;
	}
	data -= sl;
	memcpy(data, sh, (size_t)sl);
	*len += (size_t)sl;
	data -= ol;
	dp_encap_outer_hdr(data, u, kind, *len);
	*len += ol;
	return data;
}

int
dp_encap_udp4(
    struct wbuf *w, const struct dp_udp4 *u, const uint8_t *payload, size_t len)
{
	return dp_encap_write(w, u, DP_ENCAP_NONE, 0, payload, len);
}

int
dp_encap_vxlan(struct wbuf *w, const struct dp_udp4 *u, uint32_t vni,
    const uint8_t *frame, size_t len)
{
	return dp_encap_write(w, u, DP_ENCAP_VXLAN, vni, frame, len);
}

int
dp_encap_mplsoudp(struct wbuf *w, const struct dp_udp4 *u, uint32_t label,
    const uint8_t *frame, size_t len)
{
	return dp_encap_write(w, u, DP_ENCAP_MPLSOUDP, label, frame, len);
}

int
dp_encap_gre(struct wbuf *w, const struct dp_udp4 *u, uint32_t key,
    const uint8_t *frame, size_t len)
{
	return dp_encap_write(w, u, DP_ENCAP_GRE, key, frame, len);
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
