/*
 * DOC: cn_rtkey.c - route keys and route distinguishers: the NLRI that
 * names a route in a table of one family, as struct rt_key (callers), as
 * the compact encoding tables store, compare with memcmp and hash, and
 * as Contrail's text (introspect, XMPP ids, tests).  Pure code: no I/O,
 * no logging, no allocation.
 *
 * Encodings, multi-byte fields big-endian, unused fields absent:
 *   inet         addr(4) plen(1)                            5 bytes
 *   inet6        addr(16) plen(1)                           17
 *   l3vpn        rd(8) addr(4) plen(1)                      13
 *   l3vpn-inet6  rd(8) addr(16) plen(1)                     25
 *   evpn         rd(8) type(1) tag(4), then by route type:
 *     2 MAC/IP   mac(6) iplen(1: 0, 32, 128) ip(0, 4, 16)   20, 24, 36
 *     3 IMET     iplen(1: 32, 128) originator(4, 16)        18, 30
 *     5 prefix   iplen(1: 32, 128) addr(4, 16) plen(1)      19, 31
 *   rtarget      origin-as(4) rt(8) plen(1)                 13
 * A variable part always follows the byte that sizes it (type, iplen),
 * so two keys of one family that differ in length differ in their common
 * leading bytes: memcmp over the shorter length orders them.
 *
 * A valid key: an RD with a text form (type 0, 1, or 2 with an AS above
 * 65535); prefixes of the table's family, at most 32/128 bits, host bits
 * zero; EVPN type 2 without IP (af 0) or with a specified IPv4/IPv6
 * address (0.0.0.0 would print as "no IP"), type 3 with an IPv4/IPv6
 * originator, type 5 with an IPv4/IPv6 prefix; RT constraint of 0 or
 * 32..96 bits with every bit past the length zero.  Encode, print and
 * within refuse anything else; decode and parse produce nothing else.
 * Fields a family or route type does not use are ignored by encode and
 * print and zero in what decode and parse return.
 */
#include "control-node/cn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define RD_TYPE_AS2 0 /* 2-byte AS : 4-byte number */
#define RD_TYPE_IP  1 /* IPv4 address : 2-byte number */
#define RD_TYPE_AS4 2 /* 4-byte AS : 2-byte number */

#define RTARGET_BITS 96 /* origin AS and route target */
#define RTARGET_MIN  32 /* shortest prefix but the default */

static const char *const rk_family_names[RT_FAMILY_MAX] = {
    [RT_INET] = "inet",
    [RT_INET6] = "inet6",
    [RT_EVPN] = "evpn",
    [RT_L3VPN] = "l3vpn",
    [RT_L3VPN6] = "l3vpn-inet6",
    [RT_RTARGET] = "rtarget",
};

/* NULL for a value out of range. */
const char *
rt_family_name(enum rt_family family)
{
	if ((unsigned)family >= RT_FAMILY_MAX)
		return NULL;
	return rk_family_names[family];
}

int
rt_family_parse(const char *s, enum rt_family *family)
{
	unsigned i;

	for (i = 0; i < RT_FAMILY_MAX; i++) {
		if (strcmp(s, rk_family_names[i]) == 0) {
			*family = (enum rt_family)i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Small helpers: big-endian fields at fixed offsets, bit strings, strict
 * decimal numbers and in-place splitting of a copied string.
 */

static uint64_t
rk_get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static void
rk_put_be(uint8_t *p, size_t n, uint64_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* True if every bit of b[0..n) after the first bits is zero. */
static bool
rk_zero_after(const uint8_t *b, size_t n, unsigned bits)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (bits >= 8)
			bits -= 8;
		else if ((b[i] & (0xff >> bits)) != 0)
			return false;
		else
			bits = 0;
	}
	return true;
}

/* True if the first bits of a and b agree. */
static bool
rk_bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	return rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest)) == 0;
}

/* The whole of s as a decimal number in [0, max]; no sign, no leading 0. */
static int
rk_num(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > max)
			return -EINVAL;
	}
	*v = x;
	return 0;
}

/*
 * Cuts *sp at its first sep: returns the part before (NUL-terminated in
 * place) and leaves *sp at the part after; NULL if there is no sep.
 */
static char *
rk_cut(char **sp, int sep)
{
	char *s = *sp, *end;

	if ((end = strchr(s, sep)) == NULL)
		return NULL;
	*end = '\0';
	*sp = end + 1;
	return s;
}

/* Copies s to tmp (of len bytes) for cutting; -EINVAL if it is longer. */
static int
rk_copy(char *tmp, size_t len, const char *s)
{
	return str_lcpy(tmp, s, len) < len ? 0 : -EINVAL;
}

/* Copies the printed tmp to buf: NULL if tmp failed or does not fit. */
static const char *
rk_out(const char *tmp, char *buf, size_t len)
{
	if (tmp == NULL || len == 0 || str_lcpy(buf, tmp, len) >= len)
		return NULL;
	return buf;
}

/*
 * Route distinguishers (RFC 4364 section 4.2): type(2) then, for type 0,
 * AS(2) number(4); for types 1 and 2, address or AS(4) number(2).
 */

static void
rk_rd_make(struct rt_rd *rd, unsigned type, uint32_t admin, uint32_t num)
{
	rk_put_be(rd->b, 2, type);
	if (type == RD_TYPE_AS2) {
		rk_put_be(rd->b + 2, 2, admin);
		rk_put_be(rd->b + 4, 4, num);
	} else {
		rk_put_be(rd->b + 2, 4, admin);
		rk_put_be(rd->b + 6, 2, num);
	}
}

/* ip in host byte order. */
void
rt_rd_make_ip(struct rt_rd *rd, uint32_t ip, uint16_t n)
{
	rk_rd_make(rd, RD_TYPE_IP, ip, n);
}

bool
rt_rd_is_zero(const struct rt_rd *rd)
{
	return rk_get_be(rd->b, sizeof(rd->b)) == 0;
}

/* True if rd has a text form, so that print and parse are inverses. */
static bool
rk_rd_valid(const struct rt_rd *rd)
{
	switch (rk_get_be(rd->b, 2)) {
	case RD_TYPE_AS2:
	case RD_TYPE_IP:
		return true;
	case RD_TYPE_AS4:
		return rk_get_be(rd->b + 2, 4) > UINT16_MAX;
	default:
		return false;
	}
}

/* The middle field picks the type, as in rtarget_parse. */
int
rt_rd_parse(const char *s, struct rt_rd *rd)
{
	char tmp[RT_RD_STRLEN], *rest = tmp, *admin;
	struct ipaddr ip;
	uint64_t asn, num;

	if (rk_copy(tmp, sizeof(tmp), s) != 0 ||
	    (admin = rk_cut(&rest, ':')) == NULL)
		return -EINVAL;
	if (strchr(admin, '.') != NULL) {
		if (ipaddr_parse(admin, &ip) != 0 || ip.af != AF_INET ||
		    rk_num(rest, UINT16_MAX, &num) != 0)
			return -EINVAL;
		rk_rd_make(
		    rd, RD_TYPE_IP, ntohl(ip.u.v4.s_addr), (uint32_t)num);
		return 0;
	}
	if (rk_num(admin, UINT32_MAX, &asn) != 0)
		return -EINVAL;
	if (asn <= UINT16_MAX) {
		if (rk_num(rest, UINT32_MAX, &num) != 0)
			return -EINVAL;
		rk_rd_make(rd, RD_TYPE_AS2, (uint32_t)asn, (uint32_t)num);
		return 0;
	}
	if (rk_num(rest, UINT16_MAX, &num) != 0)
		return -EINVAL;
	rk_rd_make(rd, RD_TYPE_AS4, (uint32_t)asn, (uint32_t)num);
	return 0;
}

/* NULL if len is too small or rd has no text form (rk_rd_valid). */
const char *
rt_rd_print(const struct rt_rd *rd, char *buf, size_t len)
{
	char tmp[RT_RD_STRLEN];
	const uint8_t *b = rd->b;

	if (!rk_rd_valid(rd))
		return NULL;
	if (rk_get_be(b, 2) == RD_TYPE_AS2)
		snprintf(tmp, sizeof(tmp), "%u:%u",
		    (unsigned)rk_get_be(b + 2, 2),
		    (unsigned)rk_get_be(b + 4, 4));
	else if (rk_get_be(b, 2) == RD_TYPE_IP)
		snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u:%u", b[2], b[3], b[4],
		    b[5], (unsigned)rk_get_be(b + 6, 2));
	else
		snprintf(tmp, sizeof(tmp), "%u:%u",
		    (unsigned)rk_get_be(b + 2, 4),
		    (unsigned)rk_get_be(b + 6, 2));
	return rk_out(tmp, buf, len);
}

/*
 * Validity (see the DOC block).
 */

/* Bytes of an address of family af: 4, 16, or 0 for any other af. */
static size_t
rk_addr_len(sa_family_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

/* A prefix of family af (0: either), host bits zero. */
static bool
rk_prefix_valid(const struct prefix *p, sa_family_t af)
{
	size_t n = rk_addr_len(p->addr.af);

	if (n == 0 || (af != 0 && p->addr.af != af))
		return false;
	return p->len <= n * 8 && rk_zero_after(p->addr.u.b, n, p->len);
}

static bool
rk_ip_unspecified(const struct ipaddr *ip)
{
	static const uint8_t zero[16];

	return memcmp(ip->u.b, zero, rk_addr_len(ip->af)) == 0;
}

/* Origin AS then route target: the 96-bit string RT constraint masks. */
static void
rk_rtarget_bits(const struct rt_key *k, uint8_t b[RTARGET_BITS / 8])
{
	rk_put_be(b, 4, k->origin_as);
	rk_put_be(b + 4, 8, k->rtarget);
}

static bool
rk_evpn_valid(const struct rt_key *k)
{
	switch (k->evpn_type) {
	case RT_EVPN_MAC_IP:
		if (k->ip.af == 0)
			return true;
		return rk_addr_len(k->ip.af) != 0 && !rk_ip_unspecified(&k->ip);
	case RT_EVPN_IMET:
		return rk_addr_len(k->ip.af) != 0;
	case RT_EVPN_PREFIX:
		return rk_prefix_valid(&k->prefix, 0);
	default:
		return false;
	}
}

static bool
rk_valid(const struct rt_key *k)
{
	uint8_t bits[RTARGET_BITS / 8];

	switch (k->family) {
	case RT_INET:
		return rk_prefix_valid(&k->prefix, AF_INET);
	case RT_INET6:
		return rk_prefix_valid(&k->prefix, AF_INET6);
	case RT_L3VPN:
		return rk_rd_valid(&k->rd) &&
		    rk_prefix_valid(&k->prefix, AF_INET);
	case RT_L3VPN6:
		return rk_rd_valid(&k->rd) &&
		    rk_prefix_valid(&k->prefix, AF_INET6);
	case RT_EVPN:
		return rk_rd_valid(&k->rd) && rk_evpn_valid(k);
	case RT_RTARGET:
		if (k->rt_plen != 0 &&
		    (k->rt_plen < RTARGET_MIN || k->rt_plen > RTARGET_BITS))
			return false;
		rk_rtarget_bits(k, bits);
		return rk_zero_after(bits, sizeof(bits), k->rt_plen);
	default:
		return false;
	}
}

/*
 * The compact encoding.  The writers return nonzero when w is full; puts
 * chain with || so that they run in order and stop at the first failure.
 */

/* iplen (bits: 0, 32, 128) then the address bytes. */
static int
rk_put_ip(struct wbuf *w, const struct ipaddr *ip)
{
	size_t n = rk_addr_len(ip->af);

	return wbuf_put_u8(w, (uint8_t)(n * 8)) ||
	    wbuf_put_bytes(w, ip->u.b, n);
}

static int
rk_put_prefix(struct wbuf *w, const struct prefix *p)
{
	return wbuf_put_bytes(w, p->addr.u.b, rk_addr_len(p->addr.af)) ||
	    wbuf_put_u8(w, p->len);
}

static int
rk_put_evpn(struct wbuf *w, const struct rt_key *k)
{
	int rc;

	rc = wbuf_put_bytes(w, k->rd.b, sizeof(k->rd.b)) ||
	    wbuf_put_u8(w, k->evpn_type) || wbuf_put_u32(w, k->eth_tag);
	switch (k->evpn_type) {
	case RT_EVPN_MAC_IP:
		return rc || wbuf_put_bytes(w, k->mac.b, sizeof(k->mac.b)) ||
		    rk_put_ip(w, &k->ip);
	case RT_EVPN_IMET:
		return rc || rk_put_ip(w, &k->ip);
	default: /* RT_EVPN_PREFIX, as rk_valid checked */
		return rc ||
		    wbuf_put_u8(
			w, (uint8_t)(8 * rk_addr_len(k->prefix.addr.af))) ||
		    rk_put_prefix(w, &k->prefix);
	}
}

size_t
rt_key_encode(const struct rt_key *k, uint8_t *buf)
{
	struct wbuf w;
	int rc = 0;

	if (!rk_valid(k))
		return 0;
	wbuf_init(&w, buf, RT_KEY_MAX);
	switch (k->family) {
	case RT_INET:
	case RT_INET6:
		rc = rk_put_prefix(&w, &k->prefix);
		break;
	case RT_L3VPN:
	case RT_L3VPN6:
		rc = wbuf_put_bytes(&w, k->rd.b, sizeof(k->rd.b)) ||
		    rk_put_prefix(&w, &k->prefix);
		break;
	case RT_EVPN:
		rc = rk_put_evpn(&w, k);
		break;
	default: /* RT_RTARGET, as rk_valid checked */
		rc = wbuf_put_u32(&w, k->origin_as) ||
		    wbuf_put_u64(&w, k->rtarget) || wbuf_put_u8(&w, k->rt_plen);
		break;
	}
	if (rc != 0)
		fatalx("%s: key longer than RT_KEY_MAX", __func__);
	return w.len;
}

/* The iplen byte as a family: 32, 128, or 0 (af 0) if none_ok. */
static int
rk_get_af(struct buf *b, bool none_ok, sa_family_t *af)
{
	uint8_t bits;

	if (buf_get_u8(b, &bits) != 0)
		return -1;
	if (bits == 0 && none_ok)
		*af = 0;
	else if (bits == 32)
		*af = AF_INET;
	else if (bits == 128)
		*af = AF_INET6;
	else
		return -1;
	return 0;
}

static int
rk_get_ip(struct buf *b, bool none_ok, struct ipaddr *ip)
{
	if (rk_get_af(b, none_ok, &ip->af) != 0)
		return -1;
	return buf_get_bytes(b, ip->u.b, rk_addr_len(ip->af));
}

/* Address of family af then length; rk_valid checks the rest. */
static int
rk_get_prefix(struct buf *b, sa_family_t af, struct prefix *p)
{
	p->addr.af = af;
	if (buf_get_bytes(b, p->addr.u.b, rk_addr_len(af)) != 0 ||
	    buf_get_u8(b, &p->len) != 0)
		return -1;
	return 0;
}

static int
rk_get_evpn(struct buf *b, struct rt_key *k)
{
	sa_family_t af;

	if (buf_get_bytes(b, k->rd.b, sizeof(k->rd.b)) != 0 ||
	    buf_get_u8(b, &k->evpn_type) != 0 ||
	    buf_get_u32(b, &k->eth_tag) != 0)
		return -1;
	switch (k->evpn_type) {
	case RT_EVPN_MAC_IP:
		if (buf_get_bytes(b, k->mac.b, sizeof(k->mac.b)) != 0)
			return -1;
		return rk_get_ip(b, true, &k->ip);
	case RT_EVPN_IMET:
		return rk_get_ip(b, false, &k->ip);
	case RT_EVPN_PREFIX:
		if (rk_get_af(b, false, &af) != 0)
			return -1;
		return rk_get_prefix(b, af, &k->prefix);
	default:
		return -1;
	}
}

/*
 * Reads the fields in encode's order, then insists on the whole buffer
 * and on a valid key, so only bytes encode makes come back as a key.
 */
int
rt_key_decode(
    enum rt_family family, const uint8_t *buf, size_t len, struct rt_key *k)
{
	struct rt_key r;
	struct buf b;
	int rc;

	memset(&r, 0, sizeof(r));
	r.family = family;
	buf_init(&b, buf, len);
	switch (family) {
	case RT_INET:
	case RT_INET6:
		rc = rk_get_prefix(
		    &b, family == RT_INET ? AF_INET : AF_INET6, &r.prefix);
		break;
	case RT_L3VPN:
	case RT_L3VPN6:
		rc = buf_get_bytes(&b, r.rd.b, sizeof(r.rd.b));
		if (rc == 0)
			rc = rk_get_prefix(&b,
			    family == RT_L3VPN ? AF_INET : AF_INET6, &r.prefix);
		break;
	case RT_EVPN:
		rc = rk_get_evpn(&b, &r);
		break;
	case RT_RTARGET:
		rc = buf_get_u32(&b, &r.origin_as);
		if (rc == 0)
			rc = buf_get_u64(&b, &r.rtarget);
		if (rc == 0)
			rc = buf_get_u8(&b, &r.rt_plen);
		break;
	default:
		return -EINVAL;
	}
	if (rc != 0 || buf_left(&b) != 0 || !rk_valid(&r))
		return -EINVAL;
	*k = r;
	return 0;
}

/*
 * Text.  Each part is printed into a buffer sized for it, so nothing
 * truncates before the last copy into the caller's buffer.
 */

static const char *
rk_evpn_print(const struct rt_key *k, char *buf, size_t len)
{
	char tmp[RT_KEY_STRLEN], rd[RT_RD_STRLEN], a[PREFIX_STRLEN];
	char mac[MACADDR_STRLEN];

	rt_rd_print(&k->rd, rd, sizeof(rd));
	switch (k->evpn_type) {
	case RT_EVPN_MAC_IP:
		macaddr_print(&k->mac, mac, sizeof(mac));
		/* Contrail's spelling of a MAC-only route. */
		if (k->ip.af == 0)
			str_lcpy(a, "0.0.0.0", sizeof(a));
		else
			ipaddr_print(&k->ip, a, sizeof(a));
		snprintf(tmp, sizeof(tmp), "2-%s-%" PRIu32 "-%s,%s", rd,
		    k->eth_tag, mac, a);
		break;
	case RT_EVPN_IMET:
		ipaddr_print(&k->ip, a, sizeof(a));
		snprintf(
		    tmp, sizeof(tmp), "3-%s-%" PRIu32 "-%s", rd, k->eth_tag, a);
		break;
	default: /* RT_EVPN_PREFIX */
		prefix_print(&k->prefix, a, sizeof(a));
		snprintf(
		    tmp, sizeof(tmp), "5-%s-%" PRIu32 "-%s", rd, k->eth_tag, a);
		break;
	}
	return rk_out(tmp, buf, len);
}

/*
 * "0:0:0" for the default; "<as>:target:..." for a whole route target
 * with a text form; otherwise the 64 bits in hex, with "/<plen>" when
 * only plen bits (origin AS included) count.
 */
static const char *
rk_rtarget_print(const struct rt_key *k, char *buf, size_t len)
{
	char tmp[RT_KEY_STRLEN], rt[RTARGET_STRLEN];

	if (k->rt_plen == 0)
		str_lcpy(tmp, "0:0:0", sizeof(tmp));
	else if (k->rt_plen < RTARGET_BITS)
		snprintf(tmp, sizeof(tmp), "%" PRIu32 ":0x%016" PRIx64 "/%u",
		    k->origin_as, k->rtarget, (unsigned)k->rt_plen);
	else if (rtarget_print(k->rtarget, rt, sizeof(rt)) != NULL)
		snprintf(tmp, sizeof(tmp), "%" PRIu32 ":%s", k->origin_as, rt);
	else
		snprintf(tmp, sizeof(tmp), "%" PRIu32 ":0x%016" PRIx64,
		    k->origin_as, k->rtarget);
	return rk_out(tmp, buf, len);
}

/* NULL if len is too small or k is not a valid key. */
const char *
rt_key_print(const struct rt_key *k, char *buf, size_t len)
{
	char tmp[RT_KEY_STRLEN], rd[RT_RD_STRLEN], p[PREFIX_STRLEN];

	if (!rk_valid(k))
		return NULL;
	switch (k->family) {
	case RT_INET:
	case RT_INET6:
		return rk_out(prefix_print(&k->prefix, p, sizeof(p)), buf, len);
	case RT_L3VPN:
	case RT_L3VPN6:
		rt_rd_print(&k->rd, rd, sizeof(rd));
		prefix_print(&k->prefix, p, sizeof(p));
		snprintf(tmp, sizeof(tmp), "%s:%s", rd, p);
		return rk_out(tmp, buf, len);
	case RT_EVPN:
		return rk_evpn_print(k, buf, len);
	default: /* RT_RTARGET */
		return rk_rtarget_print(k, buf, len);
	}
}

/* "<rd>:<prefix>": the RD holds exactly one ':'. */
static int
rk_parse_vpn(char *s, struct rt_key *r)
{
	char *c;

	if ((c = strchr(s, ':')) == NULL || (c = strchr(c + 1, ':')) == NULL)
		return -EINVAL;
	*c = '\0';
	if (rt_rd_parse(s, &r->rd) != 0 ||
	    prefix_parse(c + 1, &r->prefix, false) != 0)
		return -EINVAL;
	return 0;
}

/* "<type>-<rd>-<tag>-<rest>": neither RDs nor addresses hold a '-'. */
static int
rk_parse_evpn(char *s, struct rt_key *r)
{
	char *type, *rd, *tag, *mac, *rest = s;
	uint64_t v;

	if ((type = rk_cut(&rest, '-')) == NULL ||
	    (rd = rk_cut(&rest, '-')) == NULL ||
	    (tag = rk_cut(&rest, '-')) == NULL ||
	    rk_num(type, UINT8_MAX, &v) != 0)
		return -EINVAL;
	r->evpn_type = (uint8_t)v;
	if (rt_rd_parse(rd, &r->rd) != 0 || rk_num(tag, UINT32_MAX, &v) != 0)
		return -EINVAL;
	r->eth_tag = (uint32_t)v;
	switch (r->evpn_type) {
	case RT_EVPN_MAC_IP:
		if ((mac = rk_cut(&rest, ',')) == NULL ||
		    macaddr_parse(mac, &r->mac) != 0 ||
		    ipaddr_parse(rest, &r->ip) != 0)
			return -EINVAL;
		if (r->ip.af == AF_INET && rk_ip_unspecified(&r->ip))
			memset(&r->ip, 0, sizeof(r->ip)); /* MAC only */
		return 0;
	case RT_EVPN_IMET:
		return ipaddr_parse(rest, &r->ip);
	case RT_EVPN_PREFIX:
		return prefix_parse(rest, &r->prefix, false);
	default:
		return -EINVAL;
	}
}

/* Exactly "0x" and 16 lower-case hex digits, as print writes them. */
static int
rk_hex64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int i;

	if (s[0] != '0' || s[1] != 'x')
		return -EINVAL;
	for (i = 2; i < 18; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			x = x << 4 | (uint64_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			x = x << 4 | (uint64_t)(s[i] - 'a' + 10);
		else
			return -EINVAL;
	}
	if (s[18] != '\0')
		return -EINVAL;
	*v = x;
	return 0;
}

static int
rk_parse_rtarget(char *s, struct rt_key *r)
{
	static const char target[] = "target:";
	char *as, *hex, *rest = s, rt[RTARGET_STRLEN];
	uint64_t v;

	if (strcmp(s, "0:0:0") == 0)
		return 0; /* the default: every field zero */
	if ((as = rk_cut(&rest, ':')) == NULL ||
	    rk_num(as, UINT32_MAX, &v) != 0)
		return -EINVAL;
	r->origin_as = (uint32_t)v;
	r->rt_plen = RTARGET_BITS;
	if (strncmp(rest, target, sizeof(target) - 1) == 0)
		return rtarget_parse(rest, &r->rtarget);
	if ((hex = rk_cut(&rest, '/')) == NULL) {
		/* Whole: hex only where "target:" has no form. */
		if (rk_hex64(rest, &r->rtarget) != 0 ||
		    rtarget_print(r->rtarget, rt, sizeof(rt)) != NULL)
			return -EINVAL;
		return 0;
	}
	if (rk_hex64(hex, &r->rtarget) != 0 ||
	    rk_num(rest, RTARGET_BITS - 1, &v) != 0 || v < RTARGET_MIN)
		return -EINVAL;
	r->rt_plen = (uint8_t)v;
	return 0;
}

/* Takes what rt_key_print writes (IPv6 in any spelling, MACs in either
 * case); the result must be a valid key. */
int
rt_key_parse(enum rt_family family, const char *s, struct rt_key *k)
{
	char tmp[RT_KEY_STRLEN];
	struct rt_key r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.family = family;
	if (rk_copy(tmp, sizeof(tmp), s) != 0)
		return -EINVAL;
	switch (family) {
	case RT_INET:
	case RT_INET6:
		rc = prefix_parse(tmp, &r.prefix, false);
		break;
	case RT_L3VPN:
	case RT_L3VPN6:
		rc = rk_parse_vpn(tmp, &r);
		break;
	case RT_EVPN:
		rc = rk_parse_evpn(tmp, &r);
		break;
	case RT_RTARGET:
		rc = rk_parse_rtarget(tmp, &r);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc != 0 || !rk_valid(&r))
		return -EINVAL;
	*k = r;
	return 0;
}

/*
 * Between the VPN tables and the routing instances' tables.  vpn and ri
 * (ri and vpn) may be the same key.
 */
void
rt_key_strip_rd(const struct rt_key *vpn, struct rt_key *ri)
{
	struct rt_key k = *vpn;

	if (k.family == RT_L3VPN)
		k.family = RT_INET;
	else if (k.family == RT_L3VPN6)
		k.family = RT_INET6;
	memset(&k.rd, 0, sizeof(k.rd));
	*ri = k;
}

/* Keys of families without an RD (rtarget) are copied unchanged. */
void
rt_key_add_rd(
    const struct rt_key *ri, const struct rt_rd *rd, struct rt_key *vpn)
{
	struct rt_key k = *ri;

	if (k.family == RT_INET)
		k.family = RT_L3VPN;
	else if (k.family == RT_INET6)
		k.family = RT_L3VPN6;
	if (k.family == RT_L3VPN || k.family == RT_L3VPN6 ||
	    k.family == RT_EVPN)
		k.rd = *rd;
	*vpn = k;
}

static bool
rk_prefix_within(const struct prefix *a, const struct prefix *b)
{
	return a->len >= b->len && prefix_contains(b, &a->addr);
}

/*
 * Prefixes nest; EVPN type 5 prefixes nest under one RD and tag, and
 * types 2 and 3 match only themselves; an RT constraint of plen bits
 * covers every longer one that agrees on those bits.  False for
 * invalid keys.
 */
bool
rt_key_within(const struct rt_key *a, const struct rt_key *b)
{
	uint8_t ea[RT_KEY_MAX], eb[RT_KEY_MAX];
	uint8_t ba[RTARGET_BITS / 8], bb[RTARGET_BITS / 8];
	size_t la, lb;

	if (a->family != b->family || !rk_valid(a) || !rk_valid(b))
		return false;
	switch (a->family) {
	case RT_INET:
	case RT_INET6:
		return rk_prefix_within(&a->prefix, &b->prefix);
	case RT_L3VPN:
	case RT_L3VPN6:
		return memcmp(&a->rd, &b->rd, sizeof(a->rd)) == 0 &&
		    rk_prefix_within(&a->prefix, &b->prefix);
	case RT_EVPN:
		if (a->evpn_type == RT_EVPN_PREFIX &&
		    b->evpn_type == RT_EVPN_PREFIX)
			return memcmp(&a->rd, &b->rd, sizeof(a->rd)) == 0 &&
			    a->eth_tag == b->eth_tag &&
			    rk_prefix_within(&a->prefix, &b->prefix);
		la = rt_key_encode(a, ea);
		lb = rt_key_encode(b, eb);
		return la == lb && memcmp(ea, eb, la) == 0;
	default: /* RT_RTARGET */
		rk_rtarget_bits(a, ba);
		rk_rtarget_bits(b, bb);
		return a->rt_plen >= b->rt_plen &&
		    rk_bits_equal(ba, bb, b->rt_plen);
	}
}
