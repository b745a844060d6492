/*
 * DOC: dp_pkt.c - pure packet decode: Ethernet with one 802.1Q tag, ARP,
 * IPv4 (header checksum, options, fragments), IPv6 with a bounded walk
 * of extension headers, UDP, TCP, ICMP and ICMPv6, and the overlays
 * VXLAN (UDP 4789), MPLSoUDP (UDP 6635) and GRE (IPv4 protocol 47, key,
 * transparent Ethernet bridging) down to the inner frame.
 *
 * Codec layer (STYLE.md C6): no allocation, no I/O, no logging.  Every
 * read goes through struct buf; a bad frame is an enum dp_drop, which
 * the forwarding path counts per reason.
 */
#include "datapath/dp.h"

#include <string.h>

static const char *const dp_drop_names[DP_DROP__MAX] = {
    [DP_DROP_NONE] = "none",
    [DP_DROP_TRUNCATED] = "truncated",
    [DP_DROP_BAD_VERSION] = "bad-version",
    [DP_DROP_BAD_HLEN] = "bad-header-length",
    [DP_DROP_BAD_CSUM] = "bad-checksum",
    [DP_DROP_BAD_LEN] = "bad-length",
    [DP_DROP_OVERSIZE] = "oversize",
    [DP_DROP_BAD_VXLAN] = "bad-vxlan",
    [DP_DROP_TOO_MANY_LABELS] = "too-many-labels",
    [DP_DROP_TOO_MANY_EXTHDR] = "too-many-ext-headers",
    [DP_DROP_BAD_ARP] = "bad-arp",
    [DP_DROP_BAD_MPLS] = "bad-mpls-payload",
    [DP_DROP_BAD_GRE] = "bad-gre",
};

const char *
dp_drop_name(enum dp_drop reason)
{
	if ((unsigned)reason >= DP_DROP__MAX)
		return "unknown";
	return dp_drop_names[reason];
}

uint16_t
dp_csum_fold(const uint8_t *data, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Failure with a reason; the callers' one exit. */
static int
dp_fail(enum dp_drop *reason, enum dp_drop why)
{
	*reason = why;
	return -1;
}

/* UDP, TCP or ICMP at b's position; b ends at the IP datagram's end. */
static int
dp_pkt_l4(struct buf *b, struct dp_hdrs *h, enum dp_drop *reason)
{
	const uint8_t *q;
	size_t left;
	uint16_t ulen;
	unsigned doff;

	h->l4_off = (uint16_t)b->pos;
	switch (h->proto) {
	case DP_IPPROTO_UDP:
		left = buf_left(b);
		if ((q = buf_get_ptr(b, DP_UDP_HLEN)) == NULL)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		ulen = (uint16_t)(q[4] << 8 | q[5]);
		/* A first fragment holds only part of the datagram. */
		if (ulen < DP_UDP_HLEN ||
		    (ulen > left && (h->flags & DP_F_FRAG) == 0))
			return dp_fail(reason, DP_DROP_BAD_LEN);
		h->flags |= DP_F_UDP;
		break;
	case DP_IPPROTO_TCP:
		if ((q = buf_get_ptr(b, 20)) == NULL)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		doff = (unsigned)(q[12] >> 4) * 4;
		if (doff < 20)
			return dp_fail(reason, DP_DROP_BAD_HLEN);
		if (buf_skip(b, doff - 20) == -1)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		h->tcp_flags = q[13];
		h->flags |= DP_F_TCP;
		break;
	case DP_IPPROTO_ICMP:
	case DP_IPPROTO_ICMP6:
		/* Type, code, checksum and 4 bytes (echo id and sequence). */
		if ((q = buf_get_ptr(b, 8)) == NULL)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		h->sport = (uint16_t)(q[0] << 8 | q[1]);
		h->dport = (uint16_t)(q[4] << 8 | q[5]);
		h->flags |= DP_F_ICMP;
		h->pay_off = (uint16_t)b->pos;
		return 0;
	default:
		h->pay_off = h->l4_off;
		return 0;
	}
	h->sport = (uint16_t)(q[0] << 8 | q[1]);
	h->dport = (uint16_t)(q[2] << 8 | q[3]);
	h->pay_off = (uint16_t)b->pos;
	return 0;
}

/* IPv4 at b's position; narrows b to the datagram. */
static int
dp_pkt_ip4(struct buf *b, struct dp_hdrs *h, enum dp_drop *reason)
{
	const uint8_t *q;
	size_t hlen, tlen;
	uint16_t frag;

	h->l3_off = (uint16_t)b->pos;
	if ((q = buf_get_ptr(b, DP_IP4_HLEN)) == NULL)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if (q[0] >> 4 != 4)
		return dp_fail(reason, DP_DROP_BAD_VERSION);
	hlen = (size_t)(q[0] & 0x0f) * 4;
	if (hlen < DP_IP4_HLEN)
		return dp_fail(reason, DP_DROP_BAD_HLEN);
	if (buf_skip(b, hlen - DP_IP4_HLEN) == -1)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	tlen = (size_t)(q[2] << 8 | q[3]);
	if (tlen < hlen)
		return dp_fail(reason, DP_DROP_BAD_LEN);
	if (h->l3_off + tlen > b->len)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if (dp_csum_fold(q, hlen, 0) != 0xffff)
		return dp_fail(reason, DP_DROP_BAD_CSUM);
	h->flags |= DP_F_IP4;
	if (hlen > DP_IP4_HLEN)
		h->flags |= DP_F_IPOPT;
	h->ttl = q[8];
	h->proto = q[9];
	memcpy(h->src, q + 12, 4);
	memcpy(h->dst, q + 16, 4);
	h->end = (uint16_t)(h->l3_off + tlen);
	b->len = h->end;
	frag = (uint16_t)(q[6] << 8 | q[7]);
	if (frag & 0x3fff) { /* MF or an offset */
		h->flags |= DP_F_FRAG;
		if (frag & 0x1fff) { /* not the first: no L4 header here */
			h->l4_off = h->pay_off = (uint16_t)b->pos;
			return 0;
		}
	}
	return dp_pkt_l4(b, h, reason);
}

/* IPv6 at b's position, with at most DP_PKT_MAX_EXTHDR extensions. */
static int
dp_pkt_ip6(struct buf *b, struct dp_hdrs *h, enum dp_drop *reason)
{
	const uint8_t *q, *e;
	size_t plen, elen;
	uint8_t nh;
	int n;

	h->l3_off = (uint16_t)b->pos;
	if ((q = buf_get_ptr(b, DP_IP6_HLEN)) == NULL)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if (q[0] >> 4 != 6)
		return dp_fail(reason, DP_DROP_BAD_VERSION);
	plen = (size_t)(q[4] << 8 | q[5]);
	if (h->l3_off + DP_IP6_HLEN + plen > b->len)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	h->flags |= DP_F_IP6;
	h->ttl = q[7];
	memcpy(h->src, q + 8, 16);
	memcpy(h->dst, q + 24, 16);
	h->end = (uint16_t)(h->l3_off + DP_IP6_HLEN + plen);
	b->len = h->end;
	nh = q[6];
	for (n = 0;; n++) {
		if (nh != 0 && nh != 43 && nh != 44 && nh != 60)
			break; /* hop-by-hop, routing, fragment, dest opts */
		if (n == DP_PKT_MAX_EXTHDR)
			return dp_fail(reason, DP_DROP_TOO_MANY_EXTHDR);
		if ((e = buf_get_ptr(b, 8)) == NULL)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		if (nh == 44) {
			h->flags |= DP_F_FRAG;
			if ((e[2] << 8 | e[3]) & 0xfff8) {
				h->proto = e[0];
				h->l4_off = h->pay_off = (uint16_t)b->pos;
				return 0;
			}
		} else {
			elen = ((size_t)e[1] + 1) * 8;
			if (buf_skip(b, elen - 8) == -1)
				return dp_fail(reason, DP_DROP_TRUNCATED);
		}
		nh = e[0];
	}
	h->proto = nh;
	return dp_pkt_l4(b, h, reason);
}

/* ARP for IPv4 over Ethernet (RFC 826): 28 bytes. */
static int
dp_pkt_arp(struct buf *b, struct dp_hdrs *h, enum dp_drop *reason)
{
	const uint8_t *q;

	h->l3_off = (uint16_t)b->pos;
	if ((q = buf_get_ptr(b, 28)) == NULL)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if ((q[0] << 8 | q[1]) != 1 || (q[2] << 8 | q[3]) != DP_ETHERTYPE_IP4 ||
	    q[4] != 6 || q[5] != 4)
		return dp_fail(reason, DP_DROP_BAD_ARP);
	h->flags |= DP_F_ARP;
	h->arp_op = (uint16_t)(q[6] << 8 | q[7]);
	memcpy(h->src, q + 14, 4);
	memcpy(h->dst, q + 24, 4);
	h->end = h->l4_off = h->pay_off = (uint16_t)b->pos; /* no L4 */
	return 0;
}

/* One level from off up to lim: Ethernet first unless noeth. */
static int
dp_pkt_level(const uint8_t *frame, size_t off, size_t lim, bool noeth,
    struct dp_hdrs *h, enum dp_drop *reason)
{
	struct buf b;
	uint16_t type;
	uint8_t v;

	memset(h, 0, sizeof(*h));
	buf_init(&b, frame, lim);
	b.pos = off;
	h->l2_off = (uint16_t)off;
	if (noeth) {
		h->flags |= DP_F_NOETH;
		if (buf_peek_u8(&b, &v) == -1)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		type = v >> 4 == 6 ? DP_ETHERTYPE_IP6 : DP_ETHERTYPE_IP4;
	} else {
		if (buf_skip(&b, 12) == -1 || buf_get_u16(&b, &type) == -1)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		if (type == DP_ETHERTYPE_VLAN) {
			if (buf_get_u16(&b, &h->vlan_tci) == -1 ||
			    buf_get_u16(&b, &type) == -1)
				return dp_fail(reason, DP_DROP_TRUNCATED);
			h->flags |= DP_F_VLAN;
		}
	}
	h->ethertype = type;
	switch (type) {
	case DP_ETHERTYPE_IP4:
		return dp_pkt_ip4(&b, h, reason);
	case DP_ETHERTYPE_IP6:
		return dp_pkt_ip6(&b, h, reason);
	case DP_ETHERTYPE_ARP:
		return dp_pkt_arp(&b, h, reason);
	default: /* another EtherType: forwarded at L2 only */
		h->l3_off = h->l4_off = h->pay_off = (uint16_t)b.pos;
		h->end = (uint16_t)lim;
		return 0;
	}
}

int
dp_pkt_decode_mpls(
    const uint8_t *frame, struct dp_pkt *p, bool l3, enum dp_drop *reason)
{
	if (p->encap != DP_ENCAP_MPLSOUDP)
		return dp_fail(reason, DP_DROP_BAD_MPLS);
	*reason = DP_DROP_NONE;
	return dp_pkt_level(
	    frame, p->inner_off, p->outer.end, l3, &p->inner, reason);
}

/* The label stack at off: up to DP_PKT_MAX_LABELS entries. */
static int
dp_pkt_mpls(const uint8_t *frame, struct dp_pkt *p, enum dp_drop *reason)
{
	struct buf b;
	uint32_t lse;
	uint8_t v;

	buf_init(&b, frame, p->outer.end);
	b.pos = p->outer.pay_off;
	do {
		if (p->nlabels == DP_PKT_MAX_LABELS)
			return dp_fail(reason, DP_DROP_TOO_MANY_LABELS);
		if (buf_get_u32(&b, &lse) == -1)
			return dp_fail(reason, DP_DROP_TRUNCATED);
		p->nlabels++;
		p->label = lse >> 12;
	} while ((lse & 0x100) == 0);
	p->inner_off = (uint16_t)b.pos;
	/*
	 * Without the label table, the first nibble decides (as routers
	 * hashing MPLS payloads do): 4 or 6 is IP, anything else Ethernet.
	 * dp_pkt_decode_mpls() redoes it once the label is looked up.
	 */
	if (buf_peek_u8(&b, &v) == -1)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	return dp_pkt_level(frame, b.pos, p->outer.end,
	    v >> 4 == 4 || v >> 4 == 6, &p->inner, reason);
}

/* VXLAN (RFC 7348): flags with I (0x08), 3 reserved, VNI, 1 reserved. */
static int
dp_pkt_vxlan(const uint8_t *frame, struct dp_pkt *p, enum dp_drop *reason)
{
	struct buf b;
	const uint8_t *q;

	buf_init(&b, frame, p->outer.end);
	b.pos = p->outer.pay_off;
	if ((q = buf_get_ptr(&b, DP_VXLAN_HLEN)) == NULL)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if ((q[0] & 0x08) == 0)
		return dp_fail(reason, DP_DROP_BAD_VXLAN);
	p->vni = (uint32_t)q[4] << 16 | (uint32_t)q[5] << 8 | q[6];
	p->inner_off = (uint16_t)b.pos;
	return dp_pkt_level(
	    frame, b.pos, p->outer.end, false, &p->inner, reason);
}

/* GRE header bits (RFC 2784, RFC 2890), in the first 16-bit word. */
#define GRE_F_CSUM 0x8000u /* C: checksum and reserved1 present */
#define GRE_F_KEY  0x2000u /* K: key present */
#define GRE_F_SEQ  0x1000u /* S: sequence number present */
#define GRE_F_VER  0x0007u /* version: 0 */
/* Everything else (R, s, recursion, flags of RFC 1701) must be 0. */
#define GRE_F_UNSUPPORTED                                                      \
	((uint16_t) ~(GRE_F_CSUM | GRE_F_KEY | GRE_F_SEQ | GRE_F_VER))

/*
 * GRE with a key over IPv4 (RFC 2890): version 0, K set, protocol
 * 0x6558 (an Ethernet frame follows); a checksum (C) and a sequence
 * number (S) are skipped, not checked (the outer IPv4 header is, and
 * the inner frame is a copy).  Anything else is DP_DROP_BAD_GRE; a cut
 * header is DP_DROP_TRUNCATED as for every other header.
 */
static int
dp_pkt_gre(const uint8_t *frame, struct dp_pkt *p, enum dp_drop *reason)
{
	struct buf b;
	uint16_t fl, proto;

	buf_init(&b, frame, p->outer.end);
	b.pos = p->outer.pay_off;
	if (buf_get_u16(&b, &fl) == -1 || buf_get_u16(&b, &proto) == -1)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if ((fl & GRE_F_VER) != 0 || (fl & GRE_F_UNSUPPORTED) != 0 ||
	    (fl & GRE_F_KEY) == 0 || proto != DP_ETHERTYPE_TEB)
		return dp_fail(reason, DP_DROP_BAD_GRE);
	if ((fl & GRE_F_CSUM) && buf_skip(&b, 4) == -1)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if (buf_get_u32(&b, &p->key) == -1)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	if ((fl & GRE_F_SEQ) && buf_skip(&b, 4) == -1)
		return dp_fail(reason, DP_DROP_TRUNCATED);
	p->inner_off = (uint16_t)b.pos;
	return dp_pkt_level(
	    frame, b.pos, p->outer.end, false, &p->inner, reason);
}

int
dp_pkt_decode(
    const uint8_t *frame, size_t len, struct dp_pkt *p, enum dp_drop *reason)
{
	memset(p, 0, sizeof(*p));
	*reason = DP_DROP_NONE;
	if (len > DP_PKT_MAX)
		return dp_fail(reason, DP_DROP_OVERSIZE);
	p->len = (uint16_t)len;
	if (dp_pkt_level(frame, 0, len, false, &p->outer, reason) == -1)
		return -1;
	/*
	 * One overlay only (DP_PKT_MAX_DEPTH): a tunnel inside the inner
	 * frame is payload.  A fragment's tunnel header is reassembly's.
	 */
	if (p->outer.flags & DP_F_FRAG)
		return 0;
	if ((p->outer.flags & DP_F_IP4) && p->outer.proto == DP_IPPROTO_GRE) {
		p->encap = DP_ENCAP_GRE;
		return dp_pkt_gre(frame, p, reason);
	}
	if ((p->outer.flags & DP_F_UDP) == 0)
		return 0;
	switch (p->outer.dport) {
	case DP_PORT_VXLAN:
		p->encap = DP_ENCAP_VXLAN;
		return dp_pkt_vxlan(frame, p, reason);
	case DP_PORT_MPLSOUDP:
		p->encap = DP_ENCAP_MPLSOUDP;
		return dp_pkt_mpls(frame, p, reason);
	default:
		return 0;
	}
}
