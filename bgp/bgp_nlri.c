/*
 * DOC: bgp_nlri.c - NLRI of the families we speak, decoded straight into
 * the routing core's struct rt_key: inet (RFC 4271 4.3), inet-vpn and
 * inet6-vpn (RFC 4364, RFC 4659, labels per RFC 8277), EVPN route types
 * 2, 3 and 5 (RFC 7432, RFC 9136) and route-target constraint (RFC 4684).
 * Pure codec.
 *
 * An UPDATE's NLRI sections are checked whole by bgp__nlri_check before
 * anything is applied (a syntax error resets the session, RFC 7606 5.3),
 * then walked with bgp_nlri_next; both use one decoder, so they cannot
 * disagree.  Host bits past a prefix length are cleared (RFC 4271 4.3
 * calls them irrelevant; the core wants them zero).  Two kinds of NLRI
 * are well-formed but passed over: EVPN route types we do not carry
 * (skipped by their length, N4), and routes whose RD has no form in the
 * core (a type other than 0, 1 and 2, or type 2 with a 2-byte AS), which
 * the caller counts as discarded.
 */
#include "bgp/bgp_int.h"

#include <errno.h>
#include <string.h>

#define BGP_LABEL_BOS     0x01 /* bottom of stack, in the label field */
#define BGP_LABEL_BITS    24   /* one label field */
#define BGP_RD_BITS       64
#define BGP_ESI_LEN       10
#define BGP_EVPN_MAC_BITS 48
#define BGP_RTC_BITS      96 /* origin AS(4) route target(8) */
#define BGP_RTC_MIN       32 /* shortest RTC prefix but the default */
#define BGP_EVPN5_V4_LEN  34 /* RD ESI tag plen addr(4) gw(4) label */
#define BGP_EVPN5_V6_LEN  58 /* the same with 16-byte addresses */

/* What the decoder made of one NLRI. */
enum bgp_nlri_res {
	NLRI_BAD = -1,    /* malformed: the section is refused */
	NLRI_OK = 1,      /* *n is a route */
	NLRI_SKIP = 0,    /* an EVPN route type we do not carry */
	NLRI_UNUSABLE = 2 /* well-formed, but the core has no key for it */
};

static size_t
bgp_addr_len(sa_family_t af)
{
	return af == AF_INET ? 4 : 16;
}

/*
 * The first bits of an address of family af, in (bits + 7) / 8 bytes;
 * host bits cleared.  -1 past the family's length or the input.
 */
static int
bgp_nlri_get_prefix(
    struct buf *b, unsigned bits, sa_family_t af, struct prefix *p)
{
	size_t n = (bits + 7) / 8;

	memset(p, 0, sizeof(*p));
	if (bits > 8 * bgp_addr_len(af) ||
	    buf_get_bytes(b, p->addr.u.b, n) != 0)
		return -1;
	if (bits % 8 != 0)
		p->addr.u.b[n - 1] &= (uint8_t)(0xff00 >> (bits % 8));
	p->addr.af = af;
	p->len = (uint8_t)bits;
	return 0;
}

/* RD types the core prints and parses (cn_rtkey.c, RFC 4364 4.2). */
static bool
bgp_rd_usable(const struct rt_rd *rd)
{
	unsigned type = (unsigned)rd->b[0] << 8 | rd->b[1];
	uint32_t as = (uint32_t)rd->b[2] << 24 | (uint32_t)rd->b[3] << 16 |
	    (uint32_t)rd->b[4] << 8 | rd->b[5];

	return type == 0 || type == 1 || (type == 2 && as > UINT16_MAX);
}

static int
bgp_nlri_inet(struct buf *b, struct bgp_nlri *n)
{
	uint8_t plen;

	n->key.family = RT_INET;
	if (buf_get_u8(b, &plen) != 0 ||
	    bgp_nlri_get_prefix(b, plen, AF_INET, &n->key.prefix) != 0)
		return NLRI_BAD;
	return NLRI_OK;
}

/*
 * The label fields of a labelled NLRI, out of *bits.  A withdraw has one
 * compatibility field whose value is ignored (RFC 8277 2.4: 0x800000, or
 * 0 from older speakers).  A reach has a stack ending at the field with
 * the bottom-of-stack bit; one that runs out of prefix length first is
 * malformed (N3).  We never send the Multiple Labels capability, so a
 * longer stack is tolerated and only its top label kept.
 */
static int
bgp_nlri_labels(struct buf *b, unsigned *bits, bool withdraw, uint32_t *label)
{
	uint32_t v;
	bool top = true;

	for (;;) {
		if (*bits < BGP_LABEL_BITS || buf_get_u24(b, &v) != 0)
			return -1;
		*bits -= BGP_LABEL_BITS;
		if (withdraw)
			return 0;
		if (top)
			*label = v >> 4;
		top = false;
		if (v & BGP_LABEL_BOS)
			return 0;
	}
}

/* VPN-IPv4 and VPN-IPv6: plen(1) labels RD(8) prefix (RFC 4364 4.3.4). */
static int
bgp_nlri_vpn(struct buf *b, bool withdraw, sa_family_t af, struct bgp_nlri *n)
{
	uint8_t plen;
	unsigned bits;

	n->key.family = af == AF_INET ? RT_L3VPN : RT_L3VPN6;
	if (buf_get_u8(b, &plen) != 0)
		return NLRI_BAD;
	bits = plen;
	if (bgp_nlri_labels(b, &bits, withdraw, &n->label) != 0 ||
	    bits < BGP_RD_BITS ||
	    buf_get_bytes(b, n->key.rd.b, sizeof(n->key.rd.b)) != 0 ||
	    bgp_nlri_get_prefix(b, bits - BGP_RD_BITS, af, &n->key.prefix) != 0)
		return NLRI_BAD;
	return bgp_rd_usable(&n->key.rd) ? NLRI_OK : NLRI_UNUSABLE;
}

/* IP length in bits (0 only if none_ok, 32, 128) then the address. */
static int
bgp_evpn_ip(struct buf *r, bool none_ok, struct ipaddr *ip)
{
	uint8_t bits;

	memset(ip, 0, sizeof(*ip));
	if (buf_get_u8(r, &bits) != 0)
		return -1;
	if (bits == 0 && none_ok)
		return 0;
	if (bits != 32 && bits != 128)
		return -1;
	ip->af = bits == 32 ? AF_INET : AF_INET6;
	return buf_get_bytes(r, ip->u.b, bits / 8);
}

static bool
bgp_ip_unspecified(const struct ipaddr *ip)
{
	static const uint8_t zero[16];

	return memcmp(ip->u.b, zero, bgp_addr_len(ip->af)) == 0;
}

/*
 * Type 2, MAC/IP (RFC 7432 7.2): RD ESI tag MAC-len(48) MAC IP-len IP
 * label1 [label2].  The ESI is not part of the key.  An unspecified IP
 * is taken as no IP, the only way the core holds it.
 */
static int
bgp_evpn_mac_ip(struct buf *r, struct bgp_nlri *n)
{
	struct rt_key *k = &n->key;
	uint8_t maclen;

	if (buf_get_bytes(r, k->rd.b, sizeof(k->rd.b)) != 0 ||
	    buf_skip(r, BGP_ESI_LEN) != 0 || buf_get_u32(r, &k->eth_tag) != 0 ||
	    buf_get_u8(r, &maclen) != 0 || maclen != BGP_EVPN_MAC_BITS ||
	    buf_get_bytes(r, k->mac.b, sizeof(k->mac.b)) != 0 ||
	    bgp_evpn_ip(r, true, &k->ip) != 0 || buf_get_u24(r, &n->label) != 0)
		return -1;
	if (k->ip.af != 0 && bgp_ip_unspecified(&k->ip))
		memset(&k->ip, 0, sizeof(k->ip));
	if (buf_left(r) > 0 && buf_get_u24(r, &n->label2) != 0)
		return -1;
	return 0;
}

/* Type 3, inclusive multicast (RFC 7432 7.3): RD tag IP-len originator. */
static int
bgp_evpn_imet(struct buf *r, struct rt_key *k)
{
	if (buf_get_bytes(r, k->rd.b, sizeof(k->rd.b)) != 0 ||
	    buf_get_u32(r, &k->eth_tag) != 0 ||
	    bgp_evpn_ip(r, false, &k->ip) != 0)
		return -1;
	return 0;
}

/*
 * Type 5, IP prefix (RFC 9136 3.1): RD ESI tag plen prefix gateway label,
 * prefix and gateway both 4 or 16 bytes, so the route length (34 or 58)
 * gives the family.  The gateway is not part of the key.
 */
static int
bgp_evpn_prefix(struct buf *r, struct bgp_nlri *n)
{
	struct rt_key *k = &n->key;
	sa_family_t af;
	uint8_t plen, addr[16];
	struct buf a;

	if (r->len == BGP_EVPN5_V4_LEN)
		af = AF_INET;
	else if (r->len == BGP_EVPN5_V6_LEN)
		af = AF_INET6;
	else
		return -1;
	if (buf_get_bytes(r, k->rd.b, sizeof(k->rd.b)) != 0 ||
	    buf_skip(r, BGP_ESI_LEN) != 0 || buf_get_u32(r, &k->eth_tag) != 0 ||
	    buf_get_u8(r, &plen) != 0 ||
	    buf_get_bytes(r, addr, bgp_addr_len(af)) != 0 ||
	    buf_skip(r, bgp_addr_len(af)) != 0 ||
	    buf_get_u24(r, &n->label) != 0)
		return -1;
	buf_init(&a, addr, bgp_addr_len(af));
	return bgp_nlri_get_prefix(&a, plen, af, &k->prefix);
}

/*
 * type(1) length(1) value.  Every route is bounded by its length, which
 * must match what its type holds exactly (N4); a type we do not carry
 * is skipped whole.
 */
static int
bgp_nlri_evpn(struct buf *b, struct bgp_nlri *n)
{
	uint8_t type, len;
	struct buf r;
	int rc;

	n->key.family = RT_EVPN;
	if (buf_get_u8(b, &type) != 0 || buf_get_u8(b, &len) != 0 ||
	    buf_get_sub(b, len, &r) != 0)
		return NLRI_BAD;
	n->key.evpn_type = type;
	switch (type) {
	case RT_EVPN_MAC_IP:
		rc = bgp_evpn_mac_ip(&r, n);
		break;
	case RT_EVPN_IMET:
		rc = bgp_evpn_imet(&r, &n->key);
		break;
	case RT_EVPN_PREFIX:
		rc = bgp_evpn_prefix(&r, n);
		break;
	default:
		return NLRI_SKIP;
	}
	if (rc != 0 || buf_left(&r) != 0)
		return NLRI_BAD;
	return bgp_rd_usable(&n->key.rd) ? NLRI_OK : NLRI_UNUSABLE;
}

/*
 * RT membership (RFC 4684 4): plen(1) then the first plen bits of origin
 * AS(4) route target(8).  0 is the default route; 1..31 cannot be (the
 * origin AS is never cut), nor anything past 96 (N5).
 */
static int
bgp_nlri_rtarget(struct buf *b, struct bgp_nlri *n)
{
	uint8_t plen, bits[BGP_RTC_BITS / 8];
	size_t nb, i;

	memset(bits, 0, sizeof(bits));
	n->key.family = RT_RTARGET;
	if (buf_get_u8(b, &plen) != 0)
		return NLRI_BAD;
	if (plen == 0)
		return NLRI_OK;
	if (plen < BGP_RTC_MIN || plen > BGP_RTC_BITS)
		return NLRI_BAD;
	nb = (plen + 7u) / 8;
	if (buf_get_bytes(b, bits, nb) != 0)
		return NLRI_BAD;
	if (plen % 8 != 0)
		bits[nb - 1] &= (uint8_t)(0xff00 >> (plen % 8));
	for (i = 0; i < 4; i++)
		n->key.origin_as = n->key.origin_as << 8 | bits[i];
	for (i = 4; i < sizeof(bits); i++)
		n->key.rtarget = n->key.rtarget << 8 | bits[i];
	n->key.rt_plen = plen;
	return NLRI_OK;
}

/* One NLRI of af at b, consumed (also when skipped). */
static int
bgp_nlri_one(enum bgp_af af, struct buf *b, bool withdraw, struct bgp_nlri *n)
{
	memset(n, 0, sizeof(*n));
	switch (af) {
	case BGP_AF_INET:
		return bgp_nlri_inet(b, n);
	case BGP_AF_INET_VPN:
		return bgp_nlri_vpn(b, withdraw, AF_INET, n);
	case BGP_AF_INET6_VPN:
		return bgp_nlri_vpn(b, withdraw, AF_INET6, n);
	case BGP_AF_EVPN:
		return bgp_nlri_evpn(b, n);
	case BGP_AF_RTARGET:
		return bgp_nlri_rtarget(b, n);
	default:
		return NLRI_BAD;
	}
}

int
bgp__nlri_check(enum bgp_af af, const struct buf *sec, bool withdraw,
    size_t base, unsigned *unusable, struct bgp_err *err)
{
	struct bgp_nlri n;
	struct buf b = *sec;
	size_t off;
	int rc;

	*unusable = 0;
	while (buf_left(&b) > 0) {
		off = b.pos;
		rc = bgp_nlri_one(af, &b, withdraw, &n);
		if (rc == NLRI_BAD)
			return bgp__err(err, BGP_ERR_UPDATE, 10, base + off,
			    NULL, 0, "malformed %s NLRI at byte %zu",
			    bgp_af_name(af), base + off);
		if (rc == NLRI_UNUSABLE)
			(*unusable)++;
	}
	return 0;
}

/* Only routes come out: skipped and unusable NLRI are passed over. */
int
bgp_nlri_next(enum bgp_af af, struct buf *b, bool withdraw, struct bgp_nlri *n)
{
	int rc;

	while (buf_left(b) > 0) {
		rc = bgp_nlri_one(af, b, withdraw, n);
		if (rc == NLRI_OK)
			return 1;
		if (rc == NLRI_BAD) {
			/* Not from a checked section: stop the walk. */
			b->pos = b->len;
			break;
		}
	}
	return 0;
}

/*
 * Encoding.  The writers return nonzero when w is full; puts chain with
 * || so they stop at the first failure, and the caller rewinds w.
 */

/* The first p->len bits of the address. */
static int
bgp_put_prefix_bits(struct wbuf *w, const struct prefix *p)
{
	return wbuf_put_bytes(w, p->addr.u.b, (p->len + 7u) / 8);
}

static int
bgp_put_evpn_ip(struct wbuf *w, const struct ipaddr *ip)
{
	size_t n = ip->af == 0 ? 0 : bgp_addr_len(ip->af);

	return wbuf_put_u8(w, (uint8_t)(8 * n)) ||
	    wbuf_put_bytes(w, ip->u.b, n);
}

static int
bgp_put_evpn(struct wbuf *w, const struct bgp_nlri *n)
{
	static const uint8_t zero[16];
	const struct rt_key *k = &n->key;
	size_t lenoff, alen;
	int rc;

	rc = wbuf_put_u8(w, k->evpn_type);
	lenoff = w->len;
	rc = rc || wbuf_put_u8(w, 0) ||
	    wbuf_put_bytes(w, k->rd.b, sizeof(k->rd.b));
	switch (k->evpn_type) {
	case RT_EVPN_MAC_IP:
		rc = rc || wbuf_put_bytes(w, zero, BGP_ESI_LEN) ||
		    wbuf_put_u32(w, k->eth_tag) ||
		    wbuf_put_u8(w, BGP_EVPN_MAC_BITS) ||
		    wbuf_put_bytes(w, k->mac.b, sizeof(k->mac.b)) ||
		    bgp_put_evpn_ip(w, &k->ip) || wbuf_put_u24(w, n->label);
		if (n->label2 != 0)
			rc = rc || wbuf_put_u24(w, n->label2);
		break;
	case RT_EVPN_IMET:
		rc = rc || wbuf_put_u32(w, k->eth_tag) ||
		    bgp_put_evpn_ip(w, &k->ip);
		break;
	default: /* RT_EVPN_PREFIX: rt_key_encode took no other */
		alen = bgp_addr_len(k->prefix.addr.af);
		rc = rc || wbuf_put_bytes(w, zero, BGP_ESI_LEN) ||
		    wbuf_put_u32(w, k->eth_tag) ||
		    wbuf_put_u8(w, k->prefix.len) ||
		    wbuf_put_bytes(w, k->prefix.addr.u.b, alen) ||
		    wbuf_put_bytes(w, zero, alen) || wbuf_put_u24(w, n->label);
		break;
	}
	return rc || wbuf_set_u8(w, lenoff, (uint8_t)(w->len - lenoff - 1));
}

static int
bgp_put_rtarget(struct wbuf *w, const struct rt_key *k)
{
	uint8_t bits[BGP_RTC_BITS / 8];
	size_t i;

	for (i = 0; i < 4; i++)
		bits[i] = (uint8_t)(k->origin_as >> (24 - 8 * i));
	for (i = 0; i < 8; i++)
		bits[4 + i] = (uint8_t)(k->rtarget >> (56 - 8 * i));
	return wbuf_put_u8(w, k->rt_plen) ||
	    wbuf_put_bytes(w, bits, (k->rt_plen + 7u) / 8);
}

int
bgp__nlri_encode(
    struct wbuf *w, enum bgp_af af, const struct bgp_nlri *n, bool withdraw)
{
	uint8_t key[RT_KEY_MAX];
	const struct rt_key *k = &n->key;
	size_t start = w->len;
	uint32_t label;
	int rc;

	/* rt_key_encode refuses every key the core could not hold. */
	if (af >= BGP_AF_MAX || k->family != bgp_af_family(af) ||
	    rt_key_encode(k, key) == 0)
		return -EINVAL;
	switch (af) {
	case BGP_AF_INET:
		rc = wbuf_put_u8(w, k->prefix.len) ||
		    bgp_put_prefix_bits(w, &k->prefix);
		break;
	case BGP_AF_INET_VPN:
	case BGP_AF_INET6_VPN:
		if (!withdraw && n->label > 0xfffff)
			return -EINVAL;
		label = withdraw ? BGP_WITHDRAW_LABEL
				 : n->label << 4 | BGP_LABEL_BOS;
		rc = wbuf_put_u8(w,
			 (uint8_t)(BGP_LABEL_BITS + BGP_RD_BITS +
			     k->prefix.len)) ||
		    wbuf_put_u24(w, label) ||
		    wbuf_put_bytes(w, k->rd.b, sizeof(k->rd.b)) ||
		    bgp_put_prefix_bits(w, &k->prefix);
		break;
	case BGP_AF_EVPN:
		if (n->label > 0xffffff || n->label2 > 0xffffff)
			return -EINVAL;
		rc = bgp_put_evpn(w, n);
		break;
	default: /* BGP_AF_RTARGET */
		rc = bgp_put_rtarget(w, k);
		break;
	}
	if (rc != 0) {
		w->len = start;
		return -1;
	}
	return 0;
}
