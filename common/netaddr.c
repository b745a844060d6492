/*
 * DOC: netaddr.c - text forms of IP addresses, prefixes, MAC addresses,
 * route targets and socket addresses (configuration, XMPP, introspect).
 *
 * Parsers are strict: the whole string must be one token (no spaces,
 * signs or trailing bytes), decimal numbers have no leading zeros and
 * must be in range.  IPv6 and MAC addresses take either case, and IPv6
 * any RFC 4291 spelling; print gives the canonical one (RFC 5952, lower
 * case), so print(parse(s)) == s for canonical s and parse(print(x)) == x.
 * Pure code: no I/O, no logging.
 */
#include "common/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define RT_SUBTYPE_TARGET 0x02 /* RFC 4360 route target subtype */
#define RT_TYPE_AS2       0x00 /* two-octet AS specific */
#define RT_TYPE_IPV4      0x01 /* IPv4 address specific */
#define RT_TYPE_AS4       0x02 /* four-octet AS specific (RFC 5668) */

/*
 * Parses a decimal number in [0, max] from *sp up to the first non-digit,
 * which becomes *sp.  No sign, no leading zero (but "0" itself).
 */
static int
na_parse_uint(const char **sp, uint64_t max, uint64_t *v)
{
	const char *s = *sp;
	uint64_t x = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > max)
			return -EINVAL;
	}
	*sp = s;
	*v = x;
	return 0;
}

/* The whole of s as a decimal number in [0, max]. */
static int
na_parse_num(const char *s, uint64_t max, uint64_t *v)
{
	if (na_parse_uint(&s, max, v) != 0 || *s != '\0')
		return -EINVAL;
	return 0;
}

/* Copies s[0..end) into dst as a string; -EINVAL if it does not fit. */
static int
na_copy_field(char *dst, size_t len, const char *s, const char *end)
{
	size_t n = (size_t)(end - s);

	if (n >= len)
		return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/*
 * Dotted quad, exactly four decimal octets.  Written out rather than left
 * to inet_pton so that the leading-zero rule (010 is octal to some tools)
 * does not depend on the libc.
 */
static int
na_parse_v4(const char *s, struct in_addr *a)
{
	uint8_t b[4];
	uint64_t x;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *s++ != '.')
			return -EINVAL;
		if (na_parse_uint(&s, 255, &x) != 0)
			return -EINVAL;
		b[i] = (uint8_t)x;
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(a, b, sizeof(b));
	return 0;
}

int
ipaddr_parse(const char *s, struct ipaddr *ip)
{
	struct ipaddr r;

	memset(&r, 0, sizeof(r));
	if (strchr(s, ':') == NULL) {
		if (na_parse_v4(s, &r.u.v4) != 0)
			return -EINVAL;
		r.af = AF_INET;
	} else {
		/* inet_pton takes the whole string or nothing. */
		if (inet_pton(AF_INET6, s, &r.u.v6) != 1)
			return -EINVAL;
		r.af = AF_INET6;
	}
	*ip = r;
	return 0;
}

/* Copies s into buf; NULL when it does not fit. */
static const char *
na_copy(const char *s, char *buf, size_t len)
{
	if (str_lcpy(buf, s, len) >= len)
		return NULL;
	return buf;
}

static const char *na_printf(char *buf, size_t len, const char *fmt, ...)
    PRINTFLIKE(3, 4);

/* Prints with a bounded snprintf; NULL when the result does not fit. */
static const char *
na_printf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return NULL;
	return buf;
}

static void
na_print_v4(const uint8_t *b, char *out, size_t len)
{
	snprintf(out, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/*
 * RFC 5952 text: lower-case hex without leading zeros, the longest run
 * of two or more zero words (the first of equals) as "::", and the dotted
 * quad only for IPv4-mapped addresses.  Written out because libcs differ:
 * glibc prints 0:0:0:0:0:0:1:179 as "::0.1.1.121".
 */
static void
na_print_v6(const uint8_t *b, char *out, size_t len)
{
	static const uint8_t mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	int i, nwords = 8, best = -1, bestlen = 0, run = 0;
	uint16_t w[8];
	size_t off = 0;

	if (memcmp(b, mapped, sizeof(mapped)) == 0)
		nwords = 6; /* the last two words print as a.b.c.d */
	for (i = 0; i < 8; i++)
		w[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
	for (i = 0; i < nwords; i++) {
		run = w[i] == 0 ? run + 1 : 0;
		if (run > bestlen) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	if (bestlen < 2) {
		best = -1;
		bestlen = 0;
	}

	out[0] = '\0';
	for (i = 0; i < nwords && off < len; i++) {
		if (i == best) {
			off += (size_t)snprintf(out + off, len - off, "::");
			i += bestlen - 1;
			continue;
		}
		/* A ':' between words, not right after "::". */
		off += (size_t)snprintf(out + off, len - off, "%s%x",
		    i > 0 && i != best + bestlen ? ":" : "", w[i]);
	}
	/* Word 5 is ffff, so a ':' always precedes the quad. */
	if (nwords == 6 && off < len)
		snprintf(out + off, len - off, ":%u.%u.%u.%u", b[12], b[13],
		    b[14], b[15]);
}

/* NULL if len is too small or the family unknown. */
const char *
ipaddr_print(const struct ipaddr *ip, char *buf, size_t len)
{
	char tmp[IPADDR_STRLEN];

	if (ip->af == AF_INET)
		na_print_v4(ip->u.b, tmp, sizeof(tmp));
	else if (ip->af == AF_INET6)
		na_print_v6(ip->u.b, tmp, sizeof(tmp));
	else
		return NULL;
	return na_copy(tmp, buf, len);
}

static size_t
na_addr_len(sa_family_t af)
{
	return af == AF_INET ? 4 : 16;
}

/* IPv4 sorts before IPv6; within a family, numerically. */
int
ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->af != b->af)
		return a->af == AF_INET ? -1 : 1;
	return memcmp(a->u.b, b->u.b, na_addr_len(a->af));
}

/* True if the first len bits of a and b agree. */
static bool
na_bits_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

/* Clears the bits after the first len of an address of n bytes. */
static void
na_mask(uint8_t *a, size_t n, unsigned len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (len >= 8)
			len -= 8;
		else {
			a[i] &= (uint8_t)(0xff << (8 - len));
			len = 0;
		}
	}
}

int
prefix_parse(const char *s, struct prefix *p, bool allow_host_bits)
{
	char addr[IPADDR_STRLEN];
	const char *slash;
	struct prefix r;
	struct ipaddr masked;
	uint64_t len;

	if ((slash = strchr(s, '/')) == NULL ||
	    na_copy_field(addr, sizeof(addr), s, slash) != 0)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	if (ipaddr_parse(addr, &r.addr) != 0)
		return -EINVAL;
	if (na_parse_num(slash + 1, na_addr_len(r.addr.af) * 8, &len) != 0)
		return -EINVAL;
	r.len = (uint8_t)len;
	masked = r.addr;
	na_mask(masked.u.b, na_addr_len(r.addr.af), r.len);
	if (!allow_host_bits && ipaddr_cmp(&masked, &r.addr) != 0)
		return -EINVAL;
	r.addr = masked;
	*p = r;
	return 0;
}

const char *
prefix_print(const struct prefix *p, char *buf, size_t len)
{
	char addr[IPADDR_STRLEN];

	if (ipaddr_print(&p->addr, addr, sizeof(addr)) == NULL)
		return NULL;
	return na_printf(buf, len, "%s/%u", addr, (unsigned)p->len);
}

bool
prefix_contains(const struct prefix *p, const struct ipaddr *ip)
{
	if (p->addr.af != ip->af || p->len > na_addr_len(ip->af) * 8)
		return false;
	return na_bits_equal(p->addr.u.b, ip->u.b, p->len);
}

static int
na_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
macaddr_parse(const char *s, struct macaddr *mac)
{
	struct macaddr r;
	int i, hi, lo;

	for (i = 0; i < 6; i++, s += 3) {
		hi = na_hexval(s[0]);
		lo = hi < 0 ? -1 : na_hexval(s[1]);
		if (lo < 0)
			return -EINVAL;
		/* Five ':' separators, then the end of the string. */
		if (s[2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		r.b[i] = (uint8_t)(hi << 4 | lo);
	}
	*mac = r;
	return 0;
}

const char *
macaddr_print(const struct macaddr *mac, char *buf, size_t len)
{
	const uint8_t *b = mac->b;

	return na_printf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1],
	    b[2], b[3], b[4], b[5]);
}

/*
 * Route targets.  The middle field picks the type: a dotted quad is type
 * 1; a number up to 65535 is type 0 (with a 32-bit value), above that
 * type 2 (with a 16-bit value).
 */
int
rtarget_parse(const char *s, uint64_t *rt)
{
	static const char pfx[] = "target:";
	char mid[IPADDR_STRLEN];
	const char *colon;
	struct in_addr a;
	uint64_t asn, val;

	if (strncmp(s, pfx, sizeof(pfx) - 1) != 0)
		return -EINVAL;
	s += sizeof(pfx) - 1;
	if ((colon = strchr(s, ':')) == NULL ||
	    na_copy_field(mid, sizeof(mid), s, colon) != 0)
		return -EINVAL;

	if (strchr(mid, '.') != NULL) {
		if (na_parse_v4(mid, &a) != 0 ||
		    na_parse_num(colon + 1, UINT16_MAX, &val) != 0)
			return -EINVAL;
		*rt = (uint64_t)RT_TYPE_IPV4 << 56 |
		    (uint64_t)RT_SUBTYPE_TARGET << 48 |
		    (uint64_t)ntohl(a.s_addr) << 16 | val;
		return 0;
	}
	if (na_parse_num(mid, UINT32_MAX, &asn) != 0)
		return -EINVAL;
	if (asn <= UINT16_MAX) {
		if (na_parse_num(colon + 1, UINT32_MAX, &val) != 0)
			return -EINVAL;
		*rt = (uint64_t)RT_TYPE_AS2 << 56 |
		    (uint64_t)RT_SUBTYPE_TARGET << 48 | asn << 32 | val;
		return 0;
	}
	if (na_parse_num(colon + 1, UINT16_MAX, &val) != 0)
		return -EINVAL;
	*rt = (uint64_t)RT_TYPE_AS4 << 56 | (uint64_t)RT_SUBTYPE_TARGET << 48 |
	    asn << 16 | val;
	return 0;
}

/*
 * NULL when len is too small or rt is no value rtarget_parse returns:
 * another subtype or type, or type 2 with an AS below 65536, which would
 * print like a type 0 target.
 */
const char *
rtarget_print(uint64_t rt, char *buf, size_t len)
{
	unsigned type = (unsigned)(rt >> 56), subtype = (rt >> 48) & 0xff;
	struct in_addr a;
	char addr[IPADDR_STRLEN];
	uint64_t asn;

	if (subtype != RT_SUBTYPE_TARGET)
		return NULL;
	switch (type) {
	case RT_TYPE_AS2:
		return na_printf(buf, len, "target:%u:%u",
		    (unsigned)((rt >> 32) & 0xffff),
		    (unsigned)(rt & 0xffffffff));
	case RT_TYPE_IPV4:
		a.s_addr = htonl((uint32_t)(rt >> 16));
		na_print_v4((const uint8_t *)&a, addr, sizeof(addr));
		return na_printf(
		    buf, len, "target:%s:%u", addr, (unsigned)(rt & 0xffff));
	case RT_TYPE_AS4:
		asn = (rt >> 16) & 0xffffffff;
		if (asn <= UINT16_MAX)
			return NULL;
		return na_printf(buf, len, "target:%u:%u", (unsigned)asn,
		    (unsigned)(rt & 0xffff));
	default:
		return NULL;
	}
}

/*
 * "a.b.c.d:port", "[v6]:port", "[v6]", or a bare address (default_port).
 * A bare IPv6 address takes no port: "::1:179" is an address.
 */
int
sockaddr_parse(
    const char *s, uint16_t default_port, struct sockaddr_storage *ss)
{
	char addr[IPADDR_STRLEN];
	const char *end, *port = NULL;
	bool bracket = s[0] == '[';
	struct ipaddr ip;
	uint64_t pnum = default_port;

	if (bracket) {
		if ((end = strchr(++s, ']')) == NULL)
			return -EINVAL;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -EINVAL;
	} else if ((end = strchr(s, ':')) != NULL &&
	    strchr(end + 1, ':') == NULL)
		port = end + 1; /* exactly one ':': IPv4 with port */
	else
		end = s + strlen(s);
	if (na_copy_field(addr, sizeof(addr), s, end) != 0 ||
	    ipaddr_parse(addr, &ip) != 0)
		return -EINVAL;
	/* Brackets are for IPv6 only. */
	if (bracket && ip.af != AF_INET6)
		return -EINVAL;
	if (port != NULL && na_parse_num(port, UINT16_MAX, &pnum) != 0)
		return -EINVAL;

	memset(ss, 0, sizeof(*ss));
	if (ip.af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)pnum);
		sin->sin_addr = ip.u.v4;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)pnum);
		sin6->sin6_addr = ip.u.v6;
	}
	return 0;
}

const char *
sockaddr_print(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	struct ipaddr ip;
	char addr[IPADDR_STRLEN];

	memset(&ip, 0, sizeof(ip));
	ip.af = sa->sa_family;
	if (sa->sa_family == AF_INET)
		ip.u.v4 = sin->sin_addr;
	else if (sa->sa_family == AF_INET6)
		ip.u.v6 = sin6->sin6_addr;
	if (ipaddr_print(&ip, addr, sizeof(addr)) == NULL)
		return NULL;
	if (sa->sa_family == AF_INET)
		return na_printf(buf, len, "%s:%u", addr, ntohs(sin->sin_port));
	return na_printf(buf, len, "[%s]:%u", addr, ntohs(sin6->sin6_port));
}

int
ipaddr_from_sockaddr(struct ipaddr *ip, const struct sockaddr *sa)
{
	memset(ip, 0, sizeof(*ip));
	if (sa->sa_family == AF_INET) {
		ip->af = AF_INET;
		ip->u.v4 =
		    ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		ip->af = AF_INET6;
		ip->u.v6 =
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		return 0;
	}
	return -EINVAL;
}

int
sockaddr_from_ipaddr(
    struct sockaddr_storage *ss, const struct ipaddr *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (ip->af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = ip->u.v4;
		sin->sin_port = htons(port);
		return 0;
	}
	if (ip->af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = ip->u.v6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

uint16_t
sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(
		    ((const struct sockaddr_in *)(const void *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	return 0;
}

int
sockaddr_cmp(const struct sockaddr *a, const struct sockaddr *b)
{
	struct ipaddr x, y;
	uint16_t px, py;
	int c;

	if (a->sa_family != b->sa_family)
		return a->sa_family < b->sa_family ? -1 : 1;
	if (ipaddr_from_sockaddr(&x, a) != 0 ||
	    ipaddr_from_sockaddr(&y, b) != 0)
		return 0;
	if ((c = ipaddr_cmp(&x, &y)) != 0)
		return c;
	px = sockaddr_port(a);
	py = sockaddr_port(b);
	return (px > py) - (px < py);
}

bool
ipaddr_is_unspecified(const struct ipaddr *ip)
{
	static const uint8_t zero[16];

	if (ip->af == AF_INET)
		return ip->u.v4.s_addr == 0;
	if (ip->af == AF_INET6)
		return memcmp(ip->u.b, zero, sizeof(zero)) == 0;
	return true;
}
