/*
 * check_dp_io.c - the I/O layer without root: the synthetic header of a
 * received datagram (bytes by hand, decoded back by dp_pkt_decode), the
 * transmit frame reader on cut and odd frames, the GRE raw-socket codec
 * (transmit payload, receive wrapper, every cut), the fabric UDP sockets of
 * two dp_io on 127.0.4.1 and 127.0.4.2 exchanging MPLSoUDP, VXLAN and
 * other datagrams through a private loop (more than one batch), the
 * datagrams dropped on receive (too long, no fabric vif yet), frames
 * without a port, and pcap ports (replay, record, record times).
 */
#include "tests/datapath/suites.h"
#include "datapath/dp_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IO_A      "127.0.4.1" /* two underlay addresses of this test only */
#define IO_B      "127.0.4.2"
#define IO_WAIT   2000 /* loop turns of 1 ms at most */
#define IO_RX_MAX 64   /* frames the stub keeps */

/* The frame of one datagram: 10.0.0.1:1234 -> 10.0.0.2:6635, 4 bytes. */
static const char hdr_hex[] =
    "02 00 00 00 00 aa  02 00 00 ff ff fe  08 00"
    "45 00 00 20  00 00 00 00  40 11 66 cb  0a 00 00 01  0a 00 00 02"
    "04 d2 19 eb  00 0c 00 00"
    "de ad be ef";

static struct dp_fab_addr
fab_addr(void)
{
	struct dp_fab_addr a = {
	    .dmac = {{0x02, 0, 0, 0, 0, 0xaa}},
	    .smac = DP_IO_PEER_MAC_INIT,
	    .src = 0x0a000001,
	    .dst = 0x0a000002,
	    .sport = 1234,
	    .dport = DP_PORT_MPLSOUDP,
	};
	return a;
}

START_TEST(io_hdr_bytes)
{
	struct dp_fab_addr a = fab_addr(), b;
	uint8_t want[128], got[128];
	const uint8_t *pay;
	size_t n, plen;

	n = dt_unhex(hdr_hex, want, sizeof(want));
	ck_assert_uint_eq(n, DP_UDP4_OVERHEAD + 4);
	memset(got, 0x55, sizeof(got));
	memcpy(got + DP_UDP4_OVERHEAD, "\xde\xad\xbe\xef", 4);
	ck_assert_int_eq(dp_fab_hdr_build(got, &a, 4), 0);
	ck_assert_mem_eq(got, want, n);

	/* and back */
	ck_assert_int_eq(dp_fab_tx_parse(got, n, &b, &pay, &plen), 0);
	ck_assert_uint_eq(b.src, a.src);
	ck_assert_uint_eq(b.dst, a.dst);
	ck_assert_uint_eq(b.sport, a.sport);
	ck_assert_uint_eq(b.dport, a.dport);
	ck_assert_mem_eq(b.dmac.b, a.dmac.b, 6);
	ck_assert_ptr_eq(pay, got + DP_UDP4_OVERHEAD);
	ck_assert_uint_eq(plen, 4);
}
END_TEST

/* What the engine's decoder makes of a synthetic VXLAN frame. */
START_TEST(io_hdr_decodes)
{
	struct dp_fab_addr a = fab_addr();
	uint8_t f[DP_UDP4_OVERHEAD + DP_VXLAN_HLEN + 60];
	struct dp_pkt p;
	enum dp_drop why;

	memset(f, 0, sizeof(f));
	a.dport = DP_PORT_VXLAN;
	f[DP_UDP4_OVERHEAD] = 0x08; /* I flag */
	f[DP_UDP4_OVERHEAD + 5] = 0x13;
	f[DP_UDP4_OVERHEAD + 6] = 0x89; /* VNI 5001 */
	/* inner: broadcast ARP-less Ethernet with an unknown EtherType */
	memset(f + DP_UDP4_OVERHEAD + DP_VXLAN_HLEN, 0xff, 6);
	f[DP_UDP4_OVERHEAD + DP_VXLAN_HLEN + 12] = 0x88;
	f[DP_UDP4_OVERHEAD + DP_VXLAN_HLEN + 13] = 0xb5;
	ck_assert_int_eq(
	    dp_fab_hdr_build(f, &a, sizeof(f) - DP_UDP4_OVERHEAD), 0);
	ck_assert_int_eq(dp_pkt_decode(f, sizeof(f), &p, &why), 0);
	ck_assert_int_eq(p.encap, DP_ENCAP_VXLAN);
	ck_assert_uint_eq(p.vni, 5001);
	ck_assert_uint_eq(p.outer.ttl, DP_FWD_TTL);
	ck_assert_uint_eq(p.outer.sport, 1234);
}
END_TEST

START_TEST(io_hdr_limits)
{
	struct dp_fab_addr a = fab_addr();
	uint8_t f[DP_UDP4_OVERHEAD];

	ck_assert_int_eq(dp_fab_hdr_build(f, &a, 65535 - 28), 0);
	ck_assert_uint_eq(f[16], 0xff);
	ck_assert_uint_eq(f[17], 0xff);
	memset(f, 0x55, sizeof(f));
	ck_assert_int_eq(dp_fab_hdr_build(f, &a, 65535 - 27), -EMSGSIZE);
	ck_assert_uint_eq(f[0], 0x55); /* nothing written */
}
END_TEST

/* Every cut of a good frame is refused, and none is read past. */
START_TEST(io_tx_cut)
{
	uint8_t f[128], *c;
	struct dp_fab_addr a;
	const uint8_t *pay;
	size_t n, plen, cut;

	n = dt_unhex(hdr_hex, f, sizeof(f));
	for (cut = 0; cut < n; cut++) {
		c = dt_copy(f, cut);
		DT_ASSERT(dp_fab_tx_parse(c, cut, &a, &pay, &plen) == -EPROTO,
		    "cut at %zu accepted", cut);
		free(c);
	}
	c = dt_copy(f, n);
	ck_assert_int_eq(dp_fab_tx_parse(c, n, &a, &pay, &plen), 0);
	free(c);
}
END_TEST

/*
 * GRE through the raw socket: the transmit reader takes the IPv4
 * payload of what the engine sends (GRE header and frame) and refuses
 * every cut; the receive wrapper puts an Ethernet header in front of
 * the IPv4 datagram a raw socket gives, which decodes as the same GRE,
 * and refuses a datagram cut short, a bad version or header length.
 */
START_TEST(io_gre_codec)
{
	static const struct dp_udp4 u = {.src = 0x7f000601, .dst = 0x7f000602};
	uint8_t in[64], f[256], r[256], *c;
	struct dp_fab_addr a = fab_addr();
	const uint8_t *pay;
	size_t n, len, plen, flen, cut;
	uint32_t dst;
	struct wbuf w;
	struct dp_pkt p;
	enum dp_drop why;

	n = dt_unhex(hdr_hex, in, sizeof(in));
	wbuf_init(&w, f, sizeof(f));
	ck_assert_int_eq(dp_encap_gre(&w, &u, 4242, in, n), 0);
	len = w.len;
	ck_assert_int_eq(dp_fab_gre_tx_parse(f, len, &dst, &pay, &plen), 0);
	ck_assert_uint_eq(dst, 0x7f000602);
	ck_assert_ptr_eq(pay, f + DP_ETH_HLEN + DP_IP4_HLEN);
	ck_assert_uint_eq(plen, DP_GRE_KEY_HLEN + n);
	for (cut = 0; cut < len; cut++) {
		c = dt_copy(f, cut);
		DT_ASSERT(
		    dp_fab_gre_tx_parse(c, cut, &dst, &pay, &plen) == -EPROTO,
		    "cut at %zu accepted", cut);
		free(c);
	}
	/* UDP is not for the raw socket */
	ck_assert_int_eq(
	    dp_fab_gre_tx_parse(in, n, &dst, &pay, &plen), -EPROTO);
	/* receive: the IPv4 datagram after DP_ETH_HLEN bytes of room */
	memcpy(r + DP_ETH_HLEN, f + DP_ETH_HLEN, len - DP_ETH_HLEN);
	memset(r, 0xee, DP_ETH_HLEN);
	ck_assert_int_eq(
	    dp_fab_ip4_wrap(r, len - DP_ETH_HLEN + 3, &a, &flen, &dst), 0);
	ck_assert_uint_eq(flen, len); /* 3 bytes past the total length */
	ck_assert_uint_eq(dst, 0x7f000602);
	ck_assert_mem_eq(r, a.dmac.b, 6);
	ck_assert_int_eq(dp_pkt_decode(r, flen, &p, &why), 0);
	ck_assert_int_eq(p.encap, DP_ENCAP_GRE);
	ck_assert_uint_eq(p.key, 4242);
	ck_assert_mem_eq(r + p.inner_off, in, n);
	for (cut = 0; cut < len - DP_ETH_HLEN; cut++)
		DT_ASSERT(dp_fab_ip4_wrap(r, cut, &a, &flen, &dst) == -EPROTO,
		    "datagram of %zu bytes accepted", cut);
	r[DP_ETH_HLEN] = 0x44; /* IHL 4 */
	ck_assert_int_eq(
	    dp_fab_ip4_wrap(r, len - DP_ETH_HLEN, &a, &flen, &dst), -EPROTO);
	r[DP_ETH_HLEN] = 0x65; /* version 6 */
	ck_assert_int_eq(
	    dp_fab_ip4_wrap(r, len - DP_ETH_HLEN, &a, &flen, &dst), -EPROTO);
	r[DP_ETH_HLEN] = 0x4f; /* 60 bytes of header: above the total */
	ck_assert_int_eq(dp_fab_ip4_wrap(r, 40, &a, &flen, &dst), -EPROTO);
}
END_TEST

/* One byte (or two) changed: the result expected. */
static const struct {
	const char *name;
	size_t off;    /* byte changed */
	uint8_t val;   /* new value */
	size_t off2;   /* a second byte, 0 for none */
	uint8_t val2;  /* its value */
	int rc;        /* dp_fab_tx_parse */
	size_t paylen; /* when rc == 0 */
} odd[] = {
    {"ARP EtherType", 13, 0x06, 0, 0, -EPROTO, 0},
    {"VLAN tag", 12, 0x81, 0, 0, -EPROTO, 0},
    {"IPv6 version", 14, 0x65, 0, 0, -EPROTO, 0},
    {"IHL 4", 14, 0x44, 0, 0, -EPROTO, 0},
    {"IHL 15, past the frame", 14, 0x4f, 0, 0, -EPROTO, 0},
    {"TCP", 23, 6, 0, 0, -EPROTO, 0},
    {"total length past frame", 17, 0x21, 0, 0, -EPROTO, 0},
    {"total length below UDP", 17, 0x1b, 0, 0, -EPROTO, 0},
    {"more fragments", 20, 0x20, 0, 0, -EINVAL, 0},
    {"fragment offset", 21, 0x01, 0, 0, -EINVAL, 0},
    {"DF is fine", 20, 0x40, 0, 0, 0, 4},
    {"UDP length 7", 39, 7, 0, 0, -EPROTO, 0},
    {"UDP length past IP", 39, 13, 0, 0, -EPROTO, 0},
    {"UDP length 10: payload 2", 39, 10, 0, 0, 0, 2},
    {"IP shorter: padding ignored", 17, 0x1e, 39, 10, 0, 2},
    {"destination 0.0.0.0", 30, 0, 33, 0, -EINVAL, 0},
    {"destination port 0", 36, 0, 37, 0, -EINVAL, 0},
};

START_TEST(io_tx_odd)
{
	uint8_t f[128];
	struct dp_fab_addr a;
	const uint8_t *pay;
	size_t n, plen = 0;
	int rc;

	n = dt_unhex(hdr_hex, f, sizeof(f));
	f[odd[_i].off] = odd[_i].val;
	if (odd[_i].off2 != 0)
		f[odd[_i].off2] = odd[_i].val2;
	if (odd[_i].off == 30) /* the whole destination address */
		f[31] = f[32] = 0;
	rc = dp_fab_tx_parse(f, n, &a, &pay, &plen);
	ck_assert_msg(rc == odd[_i].rc, "%s: %d", odd[_i].name, rc);
	if (rc == 0)
		ck_assert_msg(
		    plen == odd[_i].paylen, "%s: %zu", odd[_i].name, plen);
}
END_TEST

/* IPv4 options: the payload starts after them. */
START_TEST(io_tx_options)
{
	uint8_t f[128], g[128];
	struct dp_fab_addr a;
	const uint8_t *pay;
	size_t n, plen;

	n = dt_unhex(hdr_hex, f, sizeof(f));
	memcpy(g, f, 34);
	memset(g + 34, 1, 4); /* four NOPs */
	memcpy(g + 38, f + 34, n - 34);
	g[14] = 0x46;
	g[17] = 0x24;
	ck_assert_int_eq(dp_fab_tx_parse(g, n + 4, &a, &pay, &plen), 0);
	ck_assert_uint_eq(a.dport, DP_PORT_MPLSOUDP);
	ck_assert_uint_eq(plen, 4);
	ck_assert_ptr_eq(pay, g + 46);
}
END_TEST

/* The io test bench: a loop, and what the stub rx saw. */
static uv_loop_t io_loop;
static unsigned io_nrx;
static uint32_t io_rx_vif[IO_RX_MAX];
static size_t io_rx_len[IO_RX_MAX];
static uint8_t io_rx[IO_RX_MAX][256];

static void
io_rx_cb(void *arg, uint32_t vif, uint8_t *frame, size_t len, size_t room)
{
	(void)arg;
	/* the room in front is the engine's to write (ASan checks) */
	DT_ASSERT(room == DP_FWD_ROOM, "room %zu", room);
	memset(frame - room, 0xee, room);
	if (io_nrx < IO_RX_MAX) {
		io_rx_vif[io_nrx] = vif;
		io_rx_len[io_nrx] = len;
		memcpy(io_rx[io_nrx], frame, len < 256 ? len : 256);
	}
	io_nrx++;
}

static void
io_setup(void)
{
	ck_assert_int_eq(uv_loop_init(&io_loop), 0);
	io_nrx = 0;
}

static void
io_teardown(void)
{
	uv_run(&io_loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&io_loop), 0);
}

/* Runs the loop until the stub has seen n frames (bounded). */
static void
io_wait_rx(unsigned n)
{
	unsigned i;

	for (i = 0; i < IO_WAIT && io_nrx < n; i++) {
		uv_run(&io_loop, UV_RUN_NOWAIT);
		if (io_nrx < n)
			usleep(1000);
	}
	ck_assert_uint_eq(io_nrx, n);
}

static struct dp_io *
io_new(struct dp *dp, const char *underlay, bool fabric)
{
	struct dp_io_cfg cfg;
	struct dp_io *io;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.no_tap = true;
	if (underlay != NULL)
		ck_assert_int_eq(
		    inet_pton(AF_INET, underlay, &cfg.underlay), 1);
	io = dp_io_new(&io_loop, dp, &cfg, io_rx_cb, NULL, &err);
	ck_assert_msg(io != NULL, "dp_io_new %s: %s", underlay ? underlay : "-",
	    strerror(-err));
	if (fabric) /* vif 0 of dt_dp_new */
		ck_assert_int_eq(dp_io_vif_added(io, dp_vif_lookup(dp, 0)), 0);
	return io;
}

/* A tunnel frame from A to B with a 4-byte payload tagged with seq. */
static size_t
io_frame(uint8_t *buf, size_t cap, uint16_t dport, uint32_t seq)
{
	struct dp_udp4 u;
	struct wbuf w;
	uint8_t pay[4];

	memset(&u, 0, sizeof(u));
	u.src = ntohl(inet_addr(IO_A));
	u.dst = ntohl(inet_addr(IO_B));
	u.sport = 50000;
	u.dport = dport;
	pay[0] = (uint8_t)(seq >> 24);
	pay[1] = (uint8_t)(seq >> 16);
	pay[2] = (uint8_t)(seq >> 8);
	pay[3] = (uint8_t)seq;
	wbuf_init(&w, buf, cap);
	ck_assert_int_eq(dp_encap_udp4(&w, &u, pay, sizeof(pay)), 0);
	return w.len;
}

/* The counters of the port whose name starts with prefix. */
static struct dp_io_ctr
io_ctr(const struct dp_io *io, const char *prefix)
{
	struct dp_io_port_stats st;
	uint32_t pos = 0;

	while (dp_io_port_next(io, &pos, &st))
		if (strncmp(st.name, prefix, strlen(prefix)) == 0)
			return st.ctr;
	ck_abort_msg("no port %s", prefix);
	return st.ctr;
}

/* tx_bad over the fabric sockets. */
static uint64_t
io_udp_bad(const struct dp_io *io)
{
	struct dp_io_port_stats st;
	uint32_t pos = 0;
	uint64_t n = 0;

	while (dp_io_port_next(io, &pos, &st))
		if (st.kind == DP_IO_UDP)
			n += st.ctr.tx_bad;
	return n;
}

static void
io_close_both(struct dp_io *a, struct dp_io *b)
{
	dp_io_close(a, NULL, NULL);
	if (b != NULL)
		dp_io_close(b, NULL, NULL);
	uv_run(&io_loop, UV_RUN_DEFAULT);
}

/* A plain UDP socket, and addr:port in *sin. */
static int
io_sock(const char *addr, uint16_t port, struct sockaddr_in *sin)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(s, 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inet_addr(addr);
	sin->sin_port = htons(port);
	return s;
}

/* Frame i the stub got: A -> B, port to port, IPv4 checksum good. */
static void
io_check_rx(unsigned i, uint16_t port, const struct dp_vif *v)
{
	struct dp_fab_addr a;
	const uint8_t *pay;
	size_t plen;

	ck_assert_int_eq(
	    dp_fab_tx_parse(io_rx[i], io_rx_len[i], &a, &pay, &plen), 0);
	ck_assert_uint_eq(a.src, ntohl(inet_addr(IO_A)));
	ck_assert_uint_eq(a.dst, ntohl(inet_addr(IO_B)));
	ck_assert_uint_eq(a.sport, port);
	ck_assert_uint_eq(a.dport, port);
	ck_assert_mem_eq(a.dmac.b, v->mac.b, 6);
	ck_assert_uint_eq(
	    dp_csum_fold(io_rx[i] + DP_ETH_HLEN, DP_IP4_HLEN, 0), 0xffff);
	ck_assert_uint_eq(plen, io_rx_len[i] - DP_UDP4_OVERHEAD);
}

START_TEST(io_udp_ports)
{
	struct dp *da = dt_dp_new(16), *db = dt_dp_new(16);
	struct dp_io *a = io_new(da, IO_A, true), *b = io_new(db, IO_B, true);
	struct sockaddr_in sin, from;
	socklen_t slen = sizeof(sin);
	uint8_t f[128], got[64];
	const struct dp_vif *v0 = dp_vif_lookup(da, 0);
	size_t n;
	ssize_t r;
	int s;

	/* a plain socket on B for the "other" port */
	s = io_sock(IO_B, 0, &sin);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sin, &slen), 0);

	n = io_frame(f, sizeof(f), DP_PORT_MPLSOUDP, 1);
	ck_assert_int_eq(dp_io_tx(a, v0, f, n, false), 0);
	n = io_frame(f, sizeof(f), DP_PORT_VXLAN, 2);
	ck_assert_int_eq(dp_io_tx(a, v0, f, n, false), 0);
	n = io_frame(f, sizeof(f), ntohs(sin.sin_port), 3);
	ck_assert_int_eq(dp_io_tx(a, v0, f, n, true), 0);
	dp_io_flush(a);
	io_wait_rx(2);

	/* B got each on vif 0 as a whole frame, from the matching port */
	ck_assert_uint_eq(io_rx_vif[0], 0);
	ck_assert_uint_eq(io_rx_len[0], DP_UDP4_OVERHEAD + 4);
	io_check_rx(0, DP_PORT_MPLSOUDP, dp_vif_lookup(db, 0));
	ck_assert_mem_eq(io_rx[0] + DP_UDP4_OVERHEAD, "\0\0\0\1", 4);
	io_check_rx(1, DP_PORT_VXLAN, dp_vif_lookup(db, 0));
	ck_assert_mem_eq(io_rx[1] + DP_UDP4_OVERHEAD, "\0\0\0\2", 4);

	/* the other datagram came from A's ephemeral port */
	slen = sizeof(from);
	r = recvfrom(
	    s, got, sizeof(got), MSG_DONTWAIT, (struct sockaddr *)&from, &slen);
	ck_assert_int_eq(r, 4);
	ck_assert_mem_eq(got, "\0\0\0\3", 4);
	ck_assert_uint_eq(from.sin_addr.s_addr, inet_addr(IO_A));
	ck_assert_uint_ne(ntohs(from.sin_port), DP_PORT_MPLSOUDP);
	ck_assert_uint_ne(ntohs(from.sin_port), DP_PORT_VXLAN);
	close(s);

	ck_assert_uint_eq(io_ctr(a, "udp " IO_A ":6635").tx_frames, 1);
	ck_assert_uint_eq(io_ctr(a, "udp " IO_A ":4789").tx_frames, 1);
	ck_assert_uint_eq(io_ctr(b, "udp " IO_B ":6635").rx_frames, 1);
	ck_assert_uint_eq(io_ctr(b, "udp " IO_B ":4789").rx_bytes, 4);
	io_close_both(a, b);
	dp_free(da);
	dp_free(db);
}
END_TEST

/* More than a batch each way: the send batch flushes when full, and the
 * receiver needs more than one recvmmsg. */
START_TEST(io_udp_batches)
{
	struct dp *da = dt_dp_new(16), *db = dt_dp_new(16);
	struct dp_io *a = io_new(da, IO_A, true), *b = io_new(db, IO_B, true);
	const unsigned n = DP_IO_BATCH + 8;
	uint8_t f[128];
	size_t len;
	unsigned i;

	for (i = 0; i < n; i++) {
		len = io_frame(f, sizeof(f), DP_PORT_MPLSOUDP, i);
		ck_assert_int_eq(
		    dp_io_tx(a, dp_vif_lookup(da, 0), f, len, false), 0);
	}
	ck_assert_uint_eq(io_ctr(a, "udp " IO_A ":6635").tx_batches, 1);
	dp_io_flush(a);
	ck_assert_uint_eq(io_ctr(a, "udp " IO_A ":6635").tx_batches, 2);
	ck_assert_uint_eq(io_ctr(a, "udp " IO_A ":6635").tx_frames, n);
	io_wait_rx(n);
	for (i = 0; i < n; i++)
		DT_ASSERT(
		    io_rx[i][DP_UDP4_OVERHEAD + 3] == i, "order at %u", i);
	ck_assert_uint_ge(io_ctr(b, "udp " IO_B ":6635").rx_batches, 2);
	io_close_both(a, b);
	dp_free(da);
	dp_free(db);
}
END_TEST

/* Dropped on receive: a datagram above DP_IO_DGRAM_MAX (cut by the
 * kernel), and anything before a fabric vif exists. */
START_TEST(io_udp_drops)
{
	struct dp *db = dt_dp_new(16);
	struct dp_io *b = io_new(db, IO_B, false);
	static uint8_t big[DP_IO_DGRAM_MAX + 1];
	struct sockaddr_in to;
	unsigned i;
	int s;

	s = io_sock(IO_B, DP_PORT_MPLSOUDP, &to);
	ck_assert_int_eq(
	    sendto(s, big, 8, 0, (struct sockaddr *)&to, sizeof(to)), 8);
	for (i = 0; i < IO_WAIT && io_ctr(b, "udp " IO_B ":6635").rx_drops < 1;
	     i++) {
		uv_run(&io_loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	ck_assert_uint_eq(io_ctr(b, "udp " IO_B ":6635").rx_drops, 1);
	ck_assert_int_eq(dp_io_vif_added(b, dp_vif_lookup(db, 0)), 0);
	ck_assert_int_eq(
	    sendto(s, big, sizeof(big), 0, (struct sockaddr *)&to, sizeof(to)),
	    (ssize_t)sizeof(big));
	ck_assert_int_eq(
	    sendto(s, big, 8, 0, (struct sockaddr *)&to, sizeof(to)), 8);
	io_wait_rx(1);
	ck_assert_uint_eq(io_rx_len[0], DP_UDP4_OVERHEAD + 8);
	ck_assert_uint_eq(io_ctr(b, "udp " IO_B ":6635").rx_drops, 2);
	ck_assert_uint_eq(io_ctr(b, "udp " IO_B ":6635").rx_frames, 3);
	close(s);
	io_close_both(b, NULL);
	dp_free(db);
}
END_TEST

/* Frames that cannot go anywhere are refused and counted. */
START_TEST(io_no_port)
{
	struct dp *da = dt_dp_new(16);
	struct dp_io *a = io_new(da, NULL, true), *b;
	struct dp_vif_cfg vc;
	uint8_t f[128];
	size_t n;

	n = io_frame(f, sizeof(f), DP_PORT_MPLSOUDP, 1);
	/* no underlay: the fabric drops; no tap: a VM vif drops */
	ck_assert_int_eq(dp_io_tx(a, dp_vif_lookup(da, 0), f, n, false), -1);
	ck_assert_int_eq(dp_io_tx(a, dp_vif_lookup(da, 1), f, n, false), -1);
	memset(&vc, 0, sizeof(vc));
	vc.idx = 7;
	vc.kind = DP_VIF_AGENT;
	vc.name = "pkt0";
	vc.mtu = 1500;
	ck_assert_int_eq(dp_vif_add(da, &vc), 0);
	ck_assert_int_eq(dp_io_vif_added(a, dp_vif_lookup(da, 7)), 0);
	ck_assert_int_eq(dp_io_tx(a, dp_vif_lookup(da, 7), f, n, false), -1);
	ck_assert_uint_eq(io_ctr(a, "none").tx_bad, 3);
	/* a second fabric vif is refused */
	vc.idx = 8;
	vc.kind = DP_VIF_FABRIC;
	vc.name = "eth1";
	ck_assert_int_eq(dp_vif_add(da, &vc), 0);
	ck_assert_int_eq(dp_io_vif_added(a, dp_vif_lookup(da, 8)), -EBUSY);

	/* with sockets: a frame that is no UDP/IPv4 is bad */
	b = io_new(da, IO_A, false);
	ck_assert_int_eq(dp_io_vif_added(b, dp_vif_lookup(da, 0)), 0);
	ck_assert_int_eq(dp_io_tx(b, dp_vif_lookup(da, 0), f, 30, false), -1);
	ck_assert_uint_eq(io_udp_bad(b), 1);
	dp_io_flush(b);
	io_close_both(a, b);
	dp_free(da);
}
END_TEST

/* The replayed frames, sent back out by a stub engine. */
static struct dp_io *io_echo;
static struct dp *io_echo_dp;
static bool io_replayed;

static void
io_echo_cb(void *arg, uint32_t vif, uint8_t *frame, size_t len, size_t room)
{
	(void)arg;
	(void)room;
	io_nrx++;
	ck_assert_uint_eq(vif, 1);
	ck_assert_int_eq(dp_io_tx(io_echo, dp_vif_lookup(io_echo_dp, 1), frame,
			     len, io_nrx % 2 == 0),
	    0);
}

static void
io_replay_done(void *arg)
{
	(void)arg;
	io_replayed = true;
}

START_TEST(io_pcap_ports)
{
	char in[64], out[64];
	struct dp_io_cfg cfg;
	struct dp_pcap pc;
	uint8_t f[128], g[DP_PKT_MAX];
	uint64_t ts;
	unsigned i;
	size_t n, len;
	int fd, err;

	snprintf(in, sizeof(in), "/tmp/check-dp-io-in-XXXXXX");
	snprintf(out, sizeof(out), "/tmp/check-dp-io-out-XXXXXX");
	ck_assert_int_ge((fd = mkstemp(in)), 0);
	close(fd);
	ck_assert_int_ge((fd = mkstemp(out)), 0);
	close(fd);
	ck_assert_int_eq(dp_pcap_open_write(&pc, in, 65535), 0);
	for (i = 0; i < 2 * DP_IO_BATCH + 3; i++) {
		n = io_frame(f, sizeof(f), 9999, i);
		ck_assert_int_eq(dp_pcap_write(&pc, 1000000 + i, f, n), 0);
	}
	ck_assert_int_eq(dp_pcap_close(&pc), 0);

	io_echo_dp = dt_dp_new(16);
	memset(&cfg, 0, sizeof(cfg));
	cfg.no_tap = true;
	io_echo = dp_io_new(&io_loop, io_echo_dp, &cfg, io_echo_cb, NULL, &err);
	ck_assert_ptr_nonnull(io_echo);
	ck_assert_int_eq(dp_io_pcap_in(io_echo, "1", in), 0);
	ck_assert_int_eq(dp_io_pcap_out(io_echo, "tap1", out), 0);
	ck_assert_int_eq(dp_io_pcap_in(io_echo, "", in), -EINVAL);
	ck_assert_int_eq(
	    dp_io_pcap_in(io_echo, "tap1", "/nonexistent/x"), -ENOENT);
	ck_assert_int_eq(dp_io_replay(io_echo, io_replay_done, NULL), 0);
	ck_assert(dp_io_replaying(io_echo));
	for (i = 0; i < IO_WAIT && !io_replayed; i++)
		uv_run(&io_loop, UV_RUN_NOWAIT);
	ck_assert(io_replayed);
	ck_assert(!dp_io_replaying(io_echo));
	ck_assert_uint_eq(io_nrx, 2 * DP_IO_BATCH + 3);
	ck_assert_uint_eq(io_ctr(io_echo, "pcap-in").rx_batches, 3);
	ck_assert_uint_eq(io_ctr(io_echo, "pcap-out").tx_frames, io_nrx);
	dp_io_close(io_echo, NULL, NULL); /* flushes the file */
	uv_run(&io_loop, UV_RUN_DEFAULT);

	/* every frame recorded, with its replayed time */
	ck_assert_int_eq(dp_pcap_open_read(&pc, out), 0);
	for (i = 0; i < 2 * DP_IO_BATCH + 3; i++) {
		n = io_frame(f, sizeof(f), 9999, i);
		ck_assert_int_eq(dp_pcap_read(&pc, g, sizeof(g), &len, &ts), 1);
		ck_assert_uint_eq(len, n);
		ck_assert_mem_eq(g, f, n);
		ck_assert_uint_eq(ts, 1000000 + i);
	}
	ck_assert_int_eq(dp_pcap_read(&pc, g, sizeof(g), &len, &ts), 0);
	dp_pcap_close(&pc);
	dp_free(io_echo_dp);
	unlink(in);
	unlink(out);
}
END_TEST

/* A pcap-in naming a vif that does not exist refuses to start. */
START_TEST(io_pcap_no_vif)
{
	struct dp *dp = dt_dp_new(16);
	struct dp_io *io = io_new(dp, NULL, false);
	char in[64];
	struct dp_pcap pc;
	int fd;

	snprintf(in, sizeof(in), "/tmp/check-dp-io-in-XXXXXX");
	ck_assert_int_ge((fd = mkstemp(in)), 0);
	close(fd);
	ck_assert_int_eq(dp_pcap_open_write(&pc, in, 65535), 0);
	ck_assert_int_eq(dp_pcap_close(&pc), 0);
	ck_assert_int_eq(dp_io_pcap_in(io, "tap9", in), 0);
	ck_assert_int_eq(dp_io_replay(io, NULL, NULL), -ENOENT);
	io_close_both(io, NULL);
	dp_free(dp);
	unlink(in);
}
END_TEST

Suite *
dp_io_suite(void)
{
	Suite *s = suite_create("dp_io");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, io_hdr_bytes);
	tcase_add_test(tc, io_hdr_decodes);
	tcase_add_test(tc, io_tx_options);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, io_tx_cut);
	tcase_add_test(tc, io_gre_codec);
	tcase_add_loop_test(tc, io_tx_odd, 0, sizeof(odd) / sizeof(odd[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, io_hdr_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_checked_fixture(tc, io_setup, io_teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, io_udp_ports);
	tcase_add_test(tc, io_udp_batches);
	tcase_add_test(tc, io_udp_drops);
	tcase_add_test(tc, io_no_port);
	tcase_add_test(tc, io_pcap_ports);
	tcase_add_test(tc, io_pcap_no_vif);
	suite_add_tcase(s, tc);
	return s;
}
