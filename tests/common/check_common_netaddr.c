/*
 * DOC: check_common_netaddr.c - tests of common/netaddr.c.
 *
 * Tables of good strings with the value and canonical text they must give,
 * and of bad strings that must be refused with -EINVAL and leave the
 * output untouched.  Every good value goes round trip: print(parse(s)) is
 * the canonical text and parse(print(x)) == x.  The addresses are test
 * data only: nothing here opens a socket.
 */
#include "common/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/un.h>

#include "tests/common/suites.h"

/* test_NAME runs check_NAME(i) on every entry i of table. */
#define TABLE_TEST(name, table)                                                \
	START_TEST(test_##name)                                                \
	{                                                                      \
		size_t i;                                                      \
		for (i = 0; i < nitems(table); i++)                            \
			check_##name(i);                                       \
	}                                                                      \
	END_TEST

/*
 * IP addresses.
 */

static const struct {
	const char *in;
	const char *out; /* canonical print */
	int af;
} ip_good[] = {
    {"192.0.2.1", "192.0.2.1", AF_INET},
    {"0.0.0.0", "0.0.0.0", AF_INET},
    {"255.255.255.255", "255.255.255.255", AF_INET},
    {"10.0.0.1", "10.0.0.1", AF_INET},
    {"127.0.0.1", "127.0.0.1", AF_INET},
    {"::", "::", AF_INET6},
    {"::1", "::1", AF_INET6},
    {"2001:db8::1", "2001:db8::1", AF_INET6},
    {"2001:DB8::A", "2001:db8::a", AF_INET6},
    {"2001:db8:0:0:0:0:0:1", "2001:db8::1", AF_INET6},
    {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", AF_INET6},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", AF_INET6},
    {"fe80::1:2", "fe80::1:2", AF_INET6},
    {"::ffff:192.0.2.1", "::ffff:192.0.2.1", AF_INET6},
    {"::1:179", "::1:179", AF_INET6},
    {"::192.0.2.1", "::c000:201", AF_INET6},
    {"::ffff:0.0.0.0", "::ffff:0.0.0.0", AF_INET6},
    {"::ffff:0:0:0", "::ffff:0:0:0", AF_INET6},
    {"0:0:0:0:0:ffff:1:0", "::ffff:0.1.0.0", AF_INET6},
    {"1:0:0:0:0:ffff:c000:201", "1::ffff:c000:201", AF_INET6},
    {"1:0:0:2:0:0:0:3", "1:0:0:2::3", AF_INET6},
    {"1:0:0:0:2:0:0:3", "1::2:0:0:3", AF_INET6},
    {"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0", AF_INET6},
    {"1:0:3:4:5:6:0:0", "1:0:3:4:5:6::", AF_INET6},
    {"0:0:1:0:0:0:0:0", "0:0:1::", AF_INET6},
    {"0:0:0:0:0:0:0:1", "::1", AF_INET6},
    {"0001:0db8:00::0a", "1:db8::a", AF_INET6},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AF_INET6},
};

static const char *const ip_bad[] = {
    "",
    " 192.0.2.1",
    "192.0.2.1 ",
    "192.0.2.1\n",
    "192.0.2",
    "192.0.2.1.5",
    "192.0.2.256",
    "256.0.2.1",
    "192.0.2.01",
    "010.0.0.1",
    "192.0.2.-1",
    "+192.0.2.1",
    "192..0.2",
    "192.0.2.",
    ".192.0.2.1",
    "0x7f.0.0.1",
    "4294967295",
    "192.0.2.1/32",
    "::g",
    ":::",
    "1:2:3:4:5:6:7:8:9",
    "2001:db8::1::2",
    "fe80::1%eth0",
    "::1 ",
    "[::1]",
    "12345::",
    "::ffff:192.0.2.256",
};

/* Entry i of ip_good. */
static void
check_ipaddr_good(size_t i)
{
	char buf[IPADDR_STRLEN];
	struct ipaddr ip, again;
	size_t len = strlen(ip_good[i].out);
	uint8_t want[16];

	memset(&ip, 0xaa, sizeof(ip));
	ck_assert_msg(ipaddr_parse(ip_good[i].in, &ip) == 0, "refused \"%s\"",
	    ip_good[i].in);
	ck_assert_int_eq(ip.af, ip_good[i].af);
	/* Agrees with the libc on the value. */
	ck_assert_int_eq(inet_pton(ip.af, ip_good[i].in, want), 1);
	ck_assert_int_eq(memcmp(ip.u.b, want, ip.af == AF_INET ? 4 : 16), 0);

	ck_assert_str_eq(ipaddr_print(&ip, buf, sizeof(buf)), ip_good[i].out);
	ck_assert_int_eq(ipaddr_parse(buf, &again), 0);
	ck_assert_int_eq(ipaddr_cmp(&ip, &again), 0);
	/* Exactly room for the text and its NUL, and one byte less. */
	ck_assert_ptr_nonnull(ipaddr_print(&ip, buf, len + 1));
	ck_assert_ptr_null(ipaddr_print(&ip, buf, len));
}

TABLE_TEST(ipaddr_good, ip_good)

/* Entry i of ip_bad. */
static void
check_ipaddr_bad(size_t i)
{
	struct ipaddr ip, before;

	memset(&ip, 0x5c, sizeof(ip));
	before = ip;
	ck_assert_msg(ipaddr_parse(ip_bad[i], &ip) == -EINVAL,
	    "accepted \"%s\"", ip_bad[i]);
	ck_assert_int_eq(memcmp(&ip, &before, sizeof(ip)), 0);
}

TABLE_TEST(ipaddr_bad, ip_bad)

/* Ordered: IPv4 before IPv6, then numerically. */
START_TEST(test_ipaddr_cmp)
{
	static const char *const sorted[] = {"0.0.0.0", "9.255.255.255",
	    "10.0.0.0", "192.0.2.1", "192.0.2.2", "255.255.255.255",
	    "::", "::1", "::ffff:0.0.0.0", "2001:db8::", "ffff::"};
	struct ipaddr a, b;
	size_t i, j;

	for (i = 0; i < nitems(sorted); i++) {
		for (j = 0; j < nitems(sorted); j++) {
			ck_assert_int_eq(ipaddr_parse(sorted[i], &a), 0);
			ck_assert_int_eq(ipaddr_parse(sorted[j], &b), 0);
			if (i < j)
				ck_assert_int_lt(ipaddr_cmp(&a, &b), 0);
			else if (i > j)
				ck_assert_int_gt(ipaddr_cmp(&a, &b), 0);
			else
				ck_assert_int_eq(ipaddr_cmp(&a, &b), 0);
		}
	}
}
END_TEST

/*
 * Prefixes.
 */

static const struct {
	const char *in;
	bool host_bits; /* allow_host_bits */
	const char *out;
} pfx_good[] = {
    {"10.0.0.0/8", false, "10.0.0.0/8"},
    {"0.0.0.0/0", false, "0.0.0.0/0"},
    {"192.0.2.1/32", false, "192.0.2.1/32"},
    {"192.0.2.128/25", false, "192.0.2.128/25"},
    {"2001:db8::/32", false, "2001:db8::/32"},
    {"::/0", false, "::/0"},
    {"::1/128", false, "::1/128"},
    {"2001:db8:0:0:8000::/65", false, "2001:db8:0:0:8000::/65"},
    {"10.1.2.3/8", true, "10.0.0.0/8"},
    {"192.0.2.255/25", true, "192.0.2.128/25"},
    {"192.0.2.1/0", true, "0.0.0.0/0"},
    {"2001:db8::1/32", true, "2001:db8::/32"},
    {"2001:db8::ffff/127", true, "2001:db8::fffe/127"},
    {"10.0.0.0/8", true, "10.0.0.0/8"},
};

static const struct {
	const char *in;
	bool host_bits;
} pfx_bad[] = {
    {"10.0.0.1/8", false},
    {"192.0.2.1/24", false},
    {"2001:db8::1/32", false},
    {"::1/127", false},
    {"10.0.0.0", true},
    {"10.0.0.0/", true},
    {"/8", true},
    {"10.0.0.0/33", true},
    {"::/129", true},
    {"10.0.0.0/08", true},
    {"10.0.0.0/-1", true},
    {"10.0.0.0/+8", true},
    {"10.0.0.0/8 ", true},
    {" 10.0.0.0/8", true},
    {"10.0.0.0//8", true},
    {"10.0.0.0/8/8", true},
    {"10.0.0/8", true},
    {"10.0.0.0/4294967304", true},
    {"2001:db8::/3 2", true},
};

/* Entry i of pfx_good. */
static void
check_prefix_good(size_t i)
{
	char buf[PREFIX_STRLEN];
	struct prefix p, again;

	ck_assert_msg(
	    prefix_parse(pfx_good[i].in, &p, pfx_good[i].host_bits) == 0,
	    "refused \"%s\"", pfx_good[i].in);
	ck_assert_str_eq(prefix_print(&p, buf, sizeof(buf)), pfx_good[i].out);
	/* The canonical text parses strictly back to the same prefix. */
	ck_assert_int_eq(prefix_parse(buf, &again, false), 0);
	ck_assert_int_eq(ipaddr_cmp(&p.addr, &again.addr), 0);
	ck_assert_uint_eq(p.len, again.len);
	ck_assert(prefix_contains(&p, &p.addr));
}

TABLE_TEST(prefix_good, pfx_good)

/* Entry i of pfx_bad. */
static void
check_prefix_bad(size_t i)
{
	struct prefix p, before;

	memset(&p, 0x5c, sizeof(p));
	before = p;
	ck_assert_msg(
	    prefix_parse(pfx_bad[i].in, &p, pfx_bad[i].host_bits) == -EINVAL,
	    "accepted \"%s\"", pfx_bad[i].in);
	ck_assert_int_eq(memcmp(&p, &before, sizeof(p)), 0);
}

TABLE_TEST(prefix_bad, pfx_bad)

START_TEST(test_prefix_contains)
{
	static const struct {
		const char *pfx, *ip;
		bool in;
	} t[] = {
	    {"10.0.0.0/8", "10.255.255.255", true},
	    {"10.0.0.0/8", "11.0.0.0", false},
	    {"10.0.0.0/8", "9.255.255.255", false},
	    {"192.0.2.128/25", "192.0.2.128", true},
	    {"192.0.2.128/25", "192.0.2.127", false},
	    {"192.0.2.1/32", "192.0.2.1", true},
	    {"192.0.2.1/32", "192.0.2.0", false},
	    {"0.0.0.0/0", "255.255.255.255", true},
	    {"0.0.0.0/0", "::", false},
	    {"::/0", "2001:db8::1", true},
	    {"::/0", "0.0.0.0", false},
	    {"2001:db8::/33", "2001:db8:7fff::1", true},
	    {"2001:db8::/33", "2001:db8:8000::", false},
	    {"::1/128", "::1", true},
	    {"::1/128", "::2", false},
	};
	struct prefix p;
	struct ipaddr ip;
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		ck_assert_int_eq(prefix_parse(t[i].pfx, &p, false), 0);
		ck_assert_int_eq(ipaddr_parse(t[i].ip, &ip), 0);
		ck_assert_msg(prefix_contains(&p, &ip) == t[i].in, "%s in %s",
		    t[i].ip, t[i].pfx);
	}
}
END_TEST

/*
 * MAC addresses.
 */

static const struct {
	const char *in, *out;
	uint8_t b[6];
} mac_good[] = {
    {"02:00:5e:00:01:0a", "02:00:5e:00:01:0a", {2, 0, 0x5e, 0, 1, 0x0a}},
    {"02:00:5E:00:01:0A", "02:00:5e:00:01:0a", {2, 0, 0x5e, 0, 1, 0x0a}},
    {"ff:FF:fF:Ff:ff:ff", "ff:ff:ff:ff:ff:ff",
	{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
    {"00:00:00:00:00:00", "00:00:00:00:00:00", {0}},
};

static const char *const mac_bad[] = {
    "",
    "02:00:5e:00:01",
    "02:00:5e:00:01:",
    "02:00:5e:00:01:0a:",
    "02:00:5e:00:01:0a:00",
    "2:00:5e:00:01:0a",
    "02:00:5e:00:01:a",
    "02-00-5e-00-01-0a",
    "02:00:5e:00:01:0g",
    "0200.5e00.010a",
    "02:00:5e:00:01:0a0",
    " 02:00:5e:00:01:0a",
    "02:00:5e:00:01:0a ",
    "02::00:5e:00:01:0a",
    "020:0:5e:00:01:0a",
    "+2:00:5e:00:01:0a",
};

/* Entry i of mac_good. */
static void
check_macaddr_good(size_t i)
{
	char buf[MACADDR_STRLEN], small[MACADDR_STRLEN - 1];
	struct macaddr m, again;

	ck_assert_msg(macaddr_parse(mac_good[i].in, &m) == 0, "refused \"%s\"",
	    mac_good[i].in);
	ck_assert_int_eq(memcmp(m.b, mac_good[i].b, 6), 0);
	ck_assert_str_eq(macaddr_print(&m, buf, sizeof(buf)), mac_good[i].out);
	ck_assert_int_eq(macaddr_parse(buf, &again), 0);
	ck_assert_int_eq(memcmp(m.b, again.b, 6), 0);
	ck_assert_ptr_null(macaddr_print(&m, small, sizeof(small)));
}

TABLE_TEST(macaddr_good, mac_good)

/* Entry i of mac_bad. */
static void
check_macaddr_bad(size_t i)
{
	struct macaddr m;

	memset(&m, 0x5c, sizeof(m));
	ck_assert_msg(macaddr_parse(mac_bad[i], &m) == -EINVAL,
	    "accepted \"%s\"", mac_bad[i]);
	ck_assert_uint_eq(m.b[0], 0x5c); /* untouched */
}

TABLE_TEST(macaddr_bad, mac_bad)

/*
 * Route targets.
 */

static const struct {
	const char *s; /* canonical: printed back as is */
	uint64_t rt;
} rt_good[] = {
    {"target:64512:8000001", 0x0002fc00007a1201ULL},
    {"target:0:0", 0x0002000000000000ULL},
    {"target:65535:4294967295", 0x0002ffffffffffffULL},
    {"target:10.0.0.1:5", 0x01020a0000010005ULL},
    {"target:192.0.2.1:65535", 0x0102c0000201ffffULL},
    {"target:0.0.0.0:0", 0x0102000000000000ULL},
    {"target:4200000000:5", 0x0202fa56ea000005ULL},
    {"target:65536:0", 0x0202000100000000ULL},
    {"target:4294967295:65535", 0x0202ffffffffffffULL},
};

static const char *const rt_bad[] = {
    "",
    "target:",
    "target:64512",
    "target:64512:",
    "target::5",
    "target:64512:4294967296",
    "target:65536:65536",
    "target:4294967296:1",
    "target:10.0.0.1:65536",
    "target:10.0.0:1",
    "target:10.0.0.256:1",
    "target:010.0.0.1:1",
    "target:01:1",
    "target:1:01",
    "target:-1:1",
    "target:+1:1",
    "target:1:-1",
    "target:1:1:1",
    "target:10.0.0.1:1:1",
    "target:1:1 ",
    " target:1:1",
    "Target:1:1",
    "route-target:1:1",
    "origin:1:1",
    "target:1.5:1",
    "target:2001:db8::1:1",
    "target:18446744073709551616:1",
    "target:99999999999999999999:1",
};

/* Entry i of rt_good. */
static void
check_rtarget_good(size_t i)
{
	char buf[RTARGET_STRLEN];
	uint64_t rt = 0;

	ck_assert_msg(rtarget_parse(rt_good[i].s, &rt) == 0, "refused \"%s\"",
	    rt_good[i].s);
	ck_assert_msg(rt == rt_good[i].rt, "%s: %016llx", rt_good[i].s,
	    (unsigned long long)rt);
	ck_assert_str_eq(rtarget_print(rt, buf, sizeof(buf)), rt_good[i].s);
	/* One byte short of the text and its NUL: refused. */
	ck_assert_ptr_null(rtarget_print(rt, buf, strlen(rt_good[i].s)));
}

TABLE_TEST(rtarget_good, rt_good)

/* Entry i of rt_bad. */
static void
check_rtarget_bad(size_t i)
{
	uint64_t rt = 0x1234;

	ck_assert_msg(rtarget_parse(rt_bad[i], &rt) == -EINVAL,
	    "accepted \"%s\"", rt_bad[i]);
	ck_assert(rt == 0x1234);
}

TABLE_TEST(rtarget_bad, rt_bad)

/* Values parse never returns have no text: print refuses them. */
START_TEST(test_rtarget_print_other)
{
	static const uint64_t other[] = {
	    0x0003fc00007a1201ULL, /* type 0, subtype 3 (origin) */
	    0x0302000000000000ULL, /* type 3 */
	    0x4002000000000000ULL, /* non-transitive type 0 */
	    0x0202000000010005ULL, /* type 2 with AS 1: a type 0 text */
	    0x02020000ffff0005ULL, /* type 2 with AS 65535 */
	};
	char buf[RTARGET_STRLEN];
	size_t i;

	for (i = 0; i < nitems(other); i++)
		ck_assert_ptr_null(rtarget_print(other[i], buf, sizeof(buf)));
}
END_TEST

/*
 * Socket addresses.
 */

static const struct {
	const char *in;
	const char *out;
	int af;
} sa_good[] = {
    {"127.0.0.1:179", "127.0.0.1:179", AF_INET},
    {"127.0.0.1:0", "127.0.0.1:0", AF_INET},
    {"127.0.0.1:65535", "127.0.0.1:65535", AF_INET},
    {"127.0.0.1", "127.0.0.1:5269", AF_INET},
    {"[::1]:179", "[::1]:179", AF_INET6},
    {"[::1]", "[::1]:5269", AF_INET6},
    {"::1", "[::1]:5269", AF_INET6},
    {"[2001:DB8::1]:8081", "[2001:db8::1]:8081", AF_INET6},
    {"::ffff:127.0.0.1", "[::ffff:127.0.0.1]:5269", AF_INET6},
    /* Without brackets an IPv6 address takes no port. */
    {"::1:179", "[::1:179]:5269", AF_INET6},
};

static const char *const sa_bad[] = {
    "",
    "127.0.0.1:",
    "127.0.0.1:65536",
    "127.0.0.1:0179",
    "127.0.0.1:-1",
    "127.0.0.1:+1",
    "127.0.0.1:179 ",
    "127.0.0.1: 179",
    " 127.0.0.1:179",
    "127.0.0.1:179:1",
    "[127.0.0.1]:179",
    "[127.0.0.1]",
    "[::1]179",
    "[::1]:",
    "[::1",
    "::1]:179",
    "[[::1]]:179",
    "[]:179",
    ":179",
    "localhost:179",
    "127.0.0.1:http",
    "::ffff:127.0.0.1:179",
};

/* Entry i of sa_good. */
static void
check_sockaddr_good(size_t i)
{
	char buf[SOCKADDR_STRLEN];
	struct sockaddr_storage ss, again;

	memset(&ss, 0xaa, sizeof(ss));
	ck_assert_msg(sockaddr_parse(sa_good[i].in, 5269, &ss) == 0,
	    "refused \"%s\"", sa_good[i].in);
	ck_assert_int_eq(ss.ss_family, sa_good[i].af);
	ck_assert_str_eq(
	    sockaddr_print((struct sockaddr *)&ss, buf, sizeof(buf)),
	    sa_good[i].out);
	/* The printed form carries its port: no default needed. */
	ck_assert_int_eq(sockaddr_parse(buf, 1, &again), 0);
	ck_assert_int_eq(memcmp(&ss, &again, sizeof(ss)), 0);
}

TABLE_TEST(sockaddr_good, sa_good)

/* Entry i of sa_bad. */
static void
check_sockaddr_bad(size_t i)
{
	struct sockaddr_storage ss;

	memset(&ss, 0x5c, sizeof(ss));
	ck_assert_msg(sockaddr_parse(sa_bad[i], 179, &ss) == -EINVAL,
	    "accepted \"%s\"", sa_bad[i]);
	ck_assert_uint_eq(((uint8_t *)&ss)[0], 0x5c); /* untouched */
}

TABLE_TEST(sockaddr_bad, sa_bad)

/* The fields land where the socket API expects them. */
START_TEST(test_sockaddr_fields)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	struct sockaddr_un un;
	char buf[SOCKADDR_STRLEN];

	ck_assert_int_eq(sockaddr_parse("127.0.0.1:179", 0, &ss), 0);
	ck_assert_uint_eq(ntohs(sin->sin_port), 179);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	ck_assert_int_eq(sockaddr_parse("[::1]:5269", 0, &ss), 0);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 5269);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	ck_assert_uint_eq(sin6->sin6_scope_id, 0);
	ck_assert_uint_eq(sin6->sin6_flowinfo, 0);

	/* Other families have no text form here. */
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	ck_assert_ptr_null(
	    sockaddr_print((struct sockaddr *)&un, buf, sizeof(buf)));
	/* Nor does a buffer too small for the text. */
	ck_assert_int_eq(sockaddr_parse("127.0.0.1:179", 0, &ss), 0);
	ck_assert_ptr_null(sockaddr_print((struct sockaddr *)&ss, buf, 13));
	ck_assert_str_eq(
	    sockaddr_print((struct sockaddr *)&ss, buf, 14), "127.0.0.1:179");
}
END_TEST

/* sockaddr <-> ipaddr, both families, and a family neither knows. */
START_TEST(test_sockaddr_ipaddr)
{
	struct sockaddr_storage ss;
	struct ipaddr ip, back;
	char buf[SOCKADDR_STRLEN];

	ck_assert_int_eq(ipaddr_parse("192.0.2.7", &ip), 0);
	ck_assert_int_eq(sockaddr_from_ipaddr(&ss, &ip, 1179), 0);
	ck_assert_str_eq(
	    sockaddr_print((struct sockaddr *)&ss, buf, sizeof(buf)),
	    "192.0.2.7:1179");
	ck_assert_int_eq(
	    ipaddr_from_sockaddr(&back, (struct sockaddr *)&ss), 0);
	ck_assert_int_eq(ipaddr_cmp(&ip, &back), 0);
	ck_assert_int_eq(ipaddr_parse("2001:db8::7", &ip), 0);
	ck_assert_int_eq(sockaddr_from_ipaddr(&ss, &ip, 179), 0);
	ck_assert_str_eq(
	    sockaddr_print((struct sockaddr *)&ss, buf, sizeof(buf)),
	    "[2001:db8::7]:179");
	ck_assert_int_eq(
	    ipaddr_from_sockaddr(&back, (struct sockaddr *)&ss), 0);
	ck_assert_int_eq(ipaddr_cmp(&ip, &back), 0);
	memset(&ip, 0, sizeof(ip));
	ck_assert_int_eq(sockaddr_from_ipaddr(&ss, &ip, 1), -EINVAL);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	ck_assert_int_eq(
	    ipaddr_from_sockaddr(&back, (struct sockaddr *)&ss), -EINVAL);
}
END_TEST

/* sockaddr order and port; unspecified addresses. */
START_TEST(test_sockaddr_cmp)
{
	struct sockaddr_storage a, b, c;
	struct ipaddr ip;

	ck_assert_int_eq(sockaddr_parse("127.0.0.1:179", 0, &a), 0);
	ck_assert_int_eq(sockaddr_parse("127.0.0.1:1179", 0, &b), 0);
	ck_assert_int_eq(sockaddr_parse("127.0.0.2:179", 0, &c), 0);
	ck_assert_uint_eq(sockaddr_port((struct sockaddr *)&b), 1179);
	ck_assert_int_eq(
	    sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&a), 0);
	ck_assert_int_lt(
	    sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b), 0);
	ck_assert_int_gt(
	    sockaddr_cmp((struct sockaddr *)&c, (struct sockaddr *)&b), 0);
	ck_assert_int_eq(sockaddr_parse("[::1]:179", 0, &c), 0);
	ck_assert_int_ne(
	    sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&c), 0);
	ck_assert_uint_eq(sockaddr_port((struct sockaddr *)&c), 179);
	ck_assert_int_eq(ipaddr_parse("0.0.0.0", &ip), 0);
	ck_assert(ipaddr_is_unspecified(&ip));
	ck_assert_int_eq(ipaddr_parse("::", &ip), 0);
	ck_assert(ipaddr_is_unspecified(&ip));
	ck_assert_int_eq(ipaddr_parse("::1", &ip), 0);
	ck_assert(!ipaddr_is_unspecified(&ip));
	ck_assert_int_eq(ipaddr_parse("127.0.0.1", &ip), 0);
	ck_assert(!ipaddr_is_unspecified(&ip));
	memset(&ip, 0, sizeof(ip));
	ck_assert(ipaddr_is_unspecified(&ip));
}
END_TEST

Suite *
common_netaddr_suite(void)
{
	Suite *s = suite_create("common_netaddr");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_ipaddr_good);
	tcase_add_test(tc, test_ipaddr_cmp);
	tcase_add_test(tc, test_prefix_good);
	tcase_add_test(tc, test_prefix_contains);
	tcase_add_test(tc, test_macaddr_good);
	tcase_add_test(tc, test_rtarget_good);
	tcase_add_test(tc, test_sockaddr_good);
	tcase_add_test(tc, test_sockaddr_fields);
	tcase_add_test(tc, test_sockaddr_ipaddr);
	tcase_add_test(tc, test_sockaddr_cmp);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_ipaddr_bad);
	tcase_add_test(tc, test_prefix_bad);
	tcase_add_test(tc, test_macaddr_bad);
	tcase_add_test(tc, test_rtarget_bad);
	tcase_add_test(tc, test_rtarget_print_other);
	tcase_add_test(tc, test_sockaddr_bad);
	suite_add_tcase(s, tc);
	return s;
}
