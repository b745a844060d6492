/*
 * DOC: dp_fabric.c - the codec between UDP sockets and whole frames for
 * the fabric vif.  The engine sees every datagram as an Ethernet/IPv4/UDP
 * frame: on receive dp_io writes a synthetic header into the headroom
 * before the payload (dp_fab_hdr_build); on transmit it takes the outer
 * destination and the payload out of the frame (dp_fab_tx_parse).  GRE
 * goes through a raw IPv4 socket, which gives the IPv4 header on
 * receive (dp_fab_ip4_wrap puts an Ethernet header in front) and
 * writes it on transmit (dp_fab_gre_tx_parse takes the IPv4 payload).
 *
 * Pure: no I/O, no allocation, every read bounded by the frame length.
 */
#include "datapath/dp_io.h"

#include <errno.h>
#include <string.h>

#define DP_FAB_IP4_MAXLEN 65535 /* largest IPv4 total length */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
dp_fab_hdr_build(uint8_t *hdr, const struct dp_fab_addr *a, size_t paylen)
{
	uint8_t *ip = hdr + DP_ETH_HLEN, *udp = ip + DP_IP4_HLEN;

	if (paylen > DP_FAB_IP4_MAXLEN - DP_IP4_HLEN - DP_UDP_HLEN)
		return -EMSGSIZE;
	memcpy(hdr, a->dmac.b, 6);
	memcpy(hdr + 6, a->smac.b, 6);
	put16(hdr + 12, DP_ETHERTYPE_IP4);

	ip[0] = 0x45; /* version 4, 5 words */
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(DP_IP4_HLEN + DP_UDP_HLEN + paylen));
	put16(ip + 4, 0); /* identification */
	put16(ip + 6, 0); /* no fragment */
	ip[8] = DP_FWD_TTL;
	ip[9] = DP_IPPROTO_UDP;
	put16(ip + 10, 0);
	put32(ip + 12, a->src);
	put32(ip + 16, a->dst);
	put16(ip + 10, (uint16_t)~dp_csum_fold(ip, DP_IP4_HLEN, 0));

	put16(udp, a->sport);
	put16(udp + 2, a->dport);
	put16(udp + 4, (uint16_t)(DP_UDP_HLEN + paylen));
	put16(udp + 6, 0); /* no checksum, allowed over IPv4 */
	return 0;
}

int
dp_fab_gre_tx_parse(const uint8_t *frame, size_t len, uint32_t *dst,
    const uint8_t **pay, size_t *paylen)
{
	const uint8_t *ip;
	size_t ihl, tlen;

	if (len < DP_ETH_HLEN + DP_IP4_HLEN ||
	    get16(frame + 12) != DP_ETHERTYPE_IP4)
		return -EPROTO;
	ip = frame + DP_ETH_HLEN;
	if ((ip[0] >> 4) != 4 ||
	    (ihl = (size_t)(ip[0] & 0x0f) * 4) < DP_IP4_HLEN)
		return -EPROTO;
	tlen = get16(ip + 2);
	if (tlen < ihl + DP_GRE_HLEN || tlen > len - DP_ETH_HLEN ||
	    ip[9] != DP_IPPROTO_GRE)
		return -EPROTO;
	if (get16(ip + 6) & 0x3fff)
		return -EINVAL;
	if ((*dst = get32(ip + 16)) == 0)
		return -EINVAL;
	*pay = ip + ihl;
	*paylen = tlen - ihl;
	return 0;
}

int
dp_fab_ip4_wrap(uint8_t *frame, size_t iplen, const struct dp_fab_addr *a,
    size_t *flen, uint32_t *dst)
{
	const uint8_t *ip = frame + DP_ETH_HLEN;
	size_t ihl, tlen;

	if (iplen < DP_IP4_HLEN || (ip[0] >> 4) != 4)
		return -EPROTO;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tlen = get16(ip + 2);
	if (ihl < DP_IP4_HLEN || ihl > iplen || tlen < ihl || tlen > iplen)
		return -EPROTO;
	memcpy(frame, a->dmac.b, 6);
	memcpy(frame + 6, a->smac.b, 6);
	put16(frame + 12, DP_ETHERTYPE_IP4);
	*flen = DP_ETH_HLEN + tlen;
	*dst = get32(ip + 16);
	return 0;
}

int
dp_fab_tx_parse(const uint8_t *frame, size_t len, struct dp_fab_addr *a,
    const uint8_t **pay, size_t *paylen)
{
	const uint8_t *ip, *udp;
	size_t ihl, tlen, ulen;

	if (len < DP_UDP4_OVERHEAD || get16(frame + 12) != DP_ETHERTYPE_IP4)
		return -EPROTO;
	ip = frame + DP_ETH_HLEN;
	if ((ip[0] >> 4) != 4 ||
	    (ihl = (size_t)(ip[0] & 0x0f) * 4) < DP_IP4_HLEN)
		return -EPROTO;
	tlen = get16(ip + 2);
	/* the header and UDP fit in the total length, which fits the frame */
	if (tlen < ihl + DP_UDP_HLEN || tlen > len - DP_ETH_HLEN)
		return -EPROTO;
	if (ip[9] != DP_IPPROTO_UDP)
		return -EPROTO;
	if (get16(ip + 6) & 0x3fff) /* MF or an offset */
		return -EINVAL;
	udp = ip + ihl;
	ulen = get16(udp + 4);
	if (ulen < DP_UDP_HLEN || ulen > tlen - ihl)
		return -EPROTO;

	memcpy(a->dmac.b, frame, 6);
	memcpy(a->smac.b, frame + 6, 6);
	a->src = get32(ip + 12);
	a->dst = get32(ip + 16);
	a->sport = get16(udp);
	a->dport = get16(udp + 2);
	if (a->dst == 0 || a->dport == 0)
		return -EINVAL;
	*pay = udp + DP_UDP_HLEN;
	*paylen = ulen - DP_UDP_HLEN;
	return 0;
}
