/*
 * dp-blast.c - the traffic of the datapath benchmark over real sockets
 * (tests/bench/dp-sock-bench.sh, `make dpsockbench`), in three modes:
 *
 * send: MPLSoUDP (or VXLAN) datagrams from a loopback address to a
 * vrouter's fabric address, with sendmmsg in batches, as fast as
 * possible or at a given rate, for a count or a duration.  Payload: one
 * MPLS label then an IPv4/UDP packet (VXLAN: an Ethernet frame to the
 * vrouter MAC), over many flows (the inner source port varies).
 * sink: binds ADDR:PORT and counts datagrams and bytes with recvmmsg,
 * and the datagrams its socket dropped (SO_RXQ_OVFL), until SIGTERM,
 * an idle timeout or a lifetime; prints them at the end.
 * pcap: writes the same inner packets, as Ethernet frames from a VM,
 * into a classic pcap file for --pcap-in.
 *
 * One process, one socket, no library: so the tool costs no more than
 * the system calls.  Every loop is bounded by a count or a clock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BL_BATCH_MAX  256       /* datagrams per sendmmsg/recvmmsg */
#define BL_FLOWS_MAX  65536     /* inner source ports used */
#define BL_PKT_MAX    1500      /* inner IPv4 packet, bytes */
#define BL_DGRAM_MAX  9472      /* largest datagram the sink keeps */
#define BL_SOCKBUF    (4 << 20) /* SO_RCVBUF / SO_SNDBUF asked */
#define BL_LIFE_MAX   3600      /* seconds: no run outlives this */
#define BL_SEND_LIFE  60        /* seconds of a send given only -n */
#define BL_POLL_MS    100       /* sink: signal and clock checks */
#define BL_PCAP_SNAP  65535     /* pcap header snap length */
#define BL_MPLS_PORT  6635      /* RFC 7510 */
#define BL_VXLAN_PORT 4789      /* RFC 7348 */

enum bl_mode { BL_SEND, BL_SINK, BL_PCAP };

struct bl_opts {
	enum bl_mode mode;
	struct sockaddr_in src; /* send: bound before sending */
	struct sockaddr_in dst; /* send: peer; sink: bound */
	uint32_t label;         /* MPLS label (send), 16..2^20-1 */
	uint32_t vni;           /* VXLAN instead of MPLS when not 0 */
	uint64_t rate;          /* packets/s, 0: as fast as possible */
	uint64_t count;         /* packets, 0: until the duration */
	double secs;            /* duration (send), lifetime (sink) */
	double idle;            /* sink: seconds without datagrams */
	unsigned flows;         /* inner source ports */
	unsigned size;          /* inner IPv4 packet length */
	unsigned batch;         /* datagrams per system call */
	const char *out;        /* pcap: file written */
};

/* The inner packet: 10.1.0.3 -> 10.1.0.4, UDP 10000+flow -> 20000. */
static const uint8_t bl_vr_mac[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x00};
static const uint8_t bl_vm_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x03};

static volatile sig_atomic_t bl_stop;

static void
bl_on_signal(int sig)
{
	(void)sig;
	bl_stop = 1;
}

static double
bl_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bl_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
bl_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The IPv4 header checksum (RFC 1071) of the 20 bytes at ip. */
static unsigned
bl_cksum(const uint8_t *ip)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* The inner IPv4/UDP packet of flow i, size bytes, at p. */
static void
bl_ip4(uint8_t *p, unsigned size, unsigned i)
{
	memset(p, 0, size);
	p[0] = 0x45;
	bl_put16(p + 2, size);
	p[8] = 64; /* TTL */
	p[9] = 17; /* UDP */
	memcpy(p + 12, "\x0a\x01\x00\x03\x0a\x01\x00\x04", 8);
	bl_put16(p + 10, bl_cksum(p));
	bl_put16(p + 20, 10000 + i % 55000);
	bl_put16(p + 22, 20000);
	bl_put16(p + 24, size - 20);
	memset(p + 28, 0xa5, size - 28); /* UDP checksum 0: none */
}

/* An Ethernet frame from the VM to the vrouter MAC around flow i. */
static size_t
bl_frame(uint8_t *p, unsigned size, unsigned i)
{
	memcpy(p, bl_vr_mac, 6);
	memcpy(p + 6, bl_vm_mac, 6);
	p[12] = 0x08;
	p[13] = 0x00;
	bl_ip4(p + 14, size, i);
	return 14 + (size_t)size;
}

/* The UDP payload of flow i: label + packet, or VXLAN + frame. */
static size_t
bl_dgram(const struct bl_opts *o, uint8_t *p, unsigned i)
{
	uint32_t v;

	if (o->vni != 0) {
		memset(p, 0, 8);
		p[0] = 0x08; /* VNI present */
		p[4] = (uint8_t)(o->vni >> 16);
		p[5] = (uint8_t)(o->vni >> 8);
		p[6] = (uint8_t)o->vni;
		return 8 + bl_frame(p + 8, o->size, i);
	}
	v = o->label << 12 | 1u << 8 | 64; /* bottom of stack, TTL 64 */
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	bl_ip4(p + 4, o->size, i);
	return 4 + (size_t)o->size;
}

static void
bl_sockbuf(int fd, int opt)
{
	int sz = BL_SOCKBUF;

	(void)setsockopt(fd, SOL_SOCKET, opt, &sz, sizeof(sz));
}

/* Sleeps until CLOCK_MONOTONIC reaches t (at most one second). */
static void
bl_sleep_until(double t)
{
	double d = t - bl_now(CLOCK_MONOTONIC);
	struct timespec ts;

	if (d <= 0)
		return;
	if (d > 1)
		d = 1;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static int
bl_send(const struct bl_opts *o)
{
	static struct mmsghdr msg[BL_BATCH_MAX];
	static struct iovec iov[BL_BATCH_MAX];
	uint8_t *pkts;
	size_t plen = 0, stride = BL_PKT_MAX + 64;
	uint64_t sent = 0, bytes = 0, errors = 0, want, k;
	double t0, c0, end, secs, due;
	unsigned i, n;
	int fd, r;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (const struct sockaddr *)&o->src, sizeof(o->src)) == -1 ||
	    connect(fd, (const struct sockaddr *)&o->dst, sizeof(o->dst)) ==
		-1) {
		perror("dp-blast send: socket");
		if (fd != -1)
			close(fd);
		return 1;
	}
	bl_sockbuf(fd, SO_SNDBUF);
	pkts = malloc(stride * o->flows);
	if (pkts == NULL) {
		perror("dp-blast send");
		close(fd);
		return 1;
	}
	for (i = 0; i < o->flows; i++)
		plen = bl_dgram(o, pkts + stride * i, i);
	memset(msg, 0, sizeof(msg));
	t0 = bl_now(CLOCK_MONOTONIC);
	c0 = bl_cpu();
	end =
	    t0 + (o->secs > 0 ? o->secs : (o->count > 0 ? BL_SEND_LIFE : 1.0));
	fprintf(stderr, "dp-blast send: start\n");
	while (!bl_stop && (o->count == 0 || sent < o->count)) {
		want = o->batch;
		if (o->count > 0 && o->count - sent < want)
			want = o->count - sent;
		if (o->rate > 0) {
			/* the batch's first packet is due at t0 + sent/rate */
			due = t0 + (double)sent / (double)o->rate;
			bl_sleep_until(due);
		}
		if (bl_now(CLOCK_MONOTONIC) >= end)
			break;
		for (k = 0; k < want; k++) {
			iov[k].iov_base =
			    pkts + stride * ((sent + k) % o->flows);
			iov[k].iov_len = plen;
			msg[k].msg_hdr.msg_iov = &iov[k];
			msg[k].msg_hdr.msg_iovlen = 1;
		}
		n = (unsigned)want;
		r = sendmmsg(fd, msg, n, 0);
		if (r < 0) {
			/* ECONNREFUSED: an ICMP error from an earlier send */
			if (errno != EINTR)
				errors++;
			continue;
		}
		sent += (uint64_t)r; /* the next batch starts at flow sent */
		bytes += (uint64_t)r * plen;
	}
	secs = bl_now(CLOCK_MONOTONIC) - t0;
	printf("dp-blast send: packets=%llu bytes=%llu seconds=%.3f pps=%.0f "
	       "cpu=%.3f errors=%llu\n",
	    (unsigned long long)sent, (unsigned long long)bytes, secs,
	    secs > 0 ? (double)sent / secs : 0.0, bl_cpu() - c0,
	    (unsigned long long)errors);
	free(pkts);
	close(fd);
	return 0;
}

static int
bl_sink(const struct bl_opts *o)
{
	static struct mmsghdr msg[BL_BATCH_MAX];
	static struct iovec iov[BL_BATCH_MAX];
	static char ctl[BL_BATCH_MAX][CMSG_SPACE(sizeof(uint32_t))];
	struct pollfd pfd;
	struct cmsghdr *cm;
	uint64_t got = 0, bytes = 0;
	uint32_t drops = 0;
	uint8_t *bufs;
	double t0, last, now, c0;
	char abuf[INET_ADDRSTRLEN];
	int fd, on = 1, r, i;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("dp-blast sink: socket");
		return 1;
	}
	bl_sockbuf(fd, SO_RCVBUF);
	(void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)&o->dst, sizeof(o->dst)) == -1) {
		perror("dp-blast sink: bind");
		close(fd);
		return 1;
	}
	if ((bufs = malloc((size_t)BL_DGRAM_MAX * o->batch)) == NULL) {
		perror("dp-blast sink");
		close(fd);
		return 1;
	}
	inet_ntop(AF_INET, &o->dst.sin_addr, abuf, sizeof(abuf));
	fprintf(stderr, "dp-blast sink: listening on %s:%u\n", abuf,
	    ntohs(o->dst.sin_port));
	pfd.fd = fd;
	pfd.events = POLLIN;
	t0 = last = bl_now(CLOCK_MONOTONIC);
	c0 = bl_cpu();
	while (!bl_stop) {
		now = bl_now(CLOCK_MONOTONIC);
		if (now - t0 >= o->secs ||
		    (o->idle > 0 && now - last >= o->idle))
			break;
		if (poll(&pfd, 1, BL_POLL_MS) <= 0)
			continue;
		for (i = 0; i < (int)o->batch; i++) {
			iov[i].iov_base = bufs + (size_t)BL_DGRAM_MAX * i;
			iov[i].iov_len = BL_DGRAM_MAX;
			memset(&msg[i].msg_hdr, 0, sizeof(msg[i].msg_hdr));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_control = ctl[i];
			msg[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		r = recvmmsg(fd, msg, o->batch, MSG_DONTWAIT, NULL);
		if (r <= 0)
			continue;
		last = bl_now(CLOCK_MONOTONIC);
		got += (uint64_t)r;
		for (i = 0; i < r; i++) {
			bytes += msg[i].msg_len;
			for (cm = CMSG_FIRSTHDR(&msg[i].msg_hdr); cm != NULL;
			     cm = CMSG_NXTHDR(&msg[i].msg_hdr, cm))
				if (cm->cmsg_level == SOL_SOCKET &&
				    cm->cmsg_type == SO_RXQ_OVFL)
					memcpy(&drops, CMSG_DATA(cm),
					    sizeof(drops));
		}
	}
	printf("dp-blast sink %s:%u: datagrams=%llu bytes=%llu drops=%u "
	       "cpu=%.3f\n",
	    abuf, ntohs(o->dst.sin_port), (unsigned long long)got,
	    (unsigned long long)bytes, drops, bl_cpu() - c0);
	free(bufs);
	close(fd);
	return 0;
}

/* Classic pcap, microseconds, DLT_EN10MB, host byte order. */
static int
bl_pcap(const struct bl_opts *o)
{
	uint32_t gh[6] = {0xa1b2c3d4, 0, 0, 0, BL_PCAP_SNAP, 1};
	uint8_t frame[BL_PKT_MAX + 64];
	uint32_t rh[4];
	uint16_t v[2] = {2, 4};
	uint64_t i;
	size_t len = 0;
	FILE *f;

	memcpy(gh + 1, v, sizeof(v)); /* version 2.4 in host order */
	if ((f = fopen(o->out, "wb")) == NULL) {
		perror(o->out);
		return 1;
	}
	fwrite(gh, sizeof(gh), 1, f);
	for (i = 0; i < o->count; i++) {
		len = bl_frame(frame, o->size, (unsigned)(i % o->flows));
		rh[0] = (uint32_t)(i / 1000000);
		rh[1] = (uint32_t)(i % 1000000);
		rh[2] = rh[3] = (uint32_t)len;
		fwrite(rh, sizeof(rh), 1, f);
		fwrite(frame, len, 1, f);
	}
	if (fclose(f) != 0) {
		perror(o->out);
		return 1;
	}
	printf("dp-blast pcap: %llu frames of %zu bytes into %s\n",
	    (unsigned long long)o->count, len, o->out);
	return 0;
}

/* "A.B.C.D" or "A.B.C.D:PORT" into sa; 0 or -1. */
static int
bl_addr(const char *s, struct sockaddr_in *sa, unsigned defport)
{
	char buf[64];
	const char *colon = strchr(s, ':');
	size_t n = colon != NULL ? (size_t)(colon - s) : strlen(s);
	long port = defport;
	char *end;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, buf, &sa->sin_addr) != 1)
		return -1;
	if (colon != NULL) {
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' || port < 0 || port > 65535)
			return -1;
	}
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

static void
bl_usage(FILE *f)
{
	fprintf(f,
	    "usage: dp-blast send -d ADDR[:PORT] [-s ADDR] [-l LABEL | -x VNI]\n"
	    "                     [-r PPS] [-n COUNT] [-t SECONDS] [-f FLOWS]\n"
	    "                     [-S IP-BYTES] [-b BATCH]\n"
	    "       dp-blast sink -d ADDR:PORT [-i IDLE-SECONDS] [-t SECONDS]\n"
	    "       dp-blast pcap -o FILE -n COUNT [-f FLOWS] [-S IP-BYTES]\n"
	    "send: PORT 6635 (4789 with -x), LABEL 100, as fast as possible,\n"
	    "-t 1 unless -n (then at most %d s), 256 flows, 114-byte inner\n"
	    "IPv4 packets (128-byte frames), batches of 32.  sink: until\n"
	    "SIGTERM, -i (default 10) idle seconds or -t (%d).\n",
	    BL_SEND_LIFE, BL_LIFE_MAX);
}

int
main(int argc, char **argv)
{
	struct bl_opts o;
	struct sigaction sa;
	const char *dst = NULL, *src = "127.0.0.1";
	double d;
	char *end;
	int ch;

	if (argc < 2) {
		bl_usage(stderr);
		return 2;
	}
	memset(&o, 0, sizeof(o));
	if (strcmp(argv[1], "send") == 0)
		o.mode = BL_SEND;
	else if (strcmp(argv[1], "sink") == 0)
		o.mode = BL_SINK;
	else if (strcmp(argv[1], "pcap") == 0)
		o.mode = BL_PCAP;
	else {
		bl_usage(strcmp(argv[1], "-h") == 0 ? stdout : stderr);
		return strcmp(argv[1], "-h") == 0 ? 0 : 2;
	}
	o.label = 100;
	o.flows = 256;
	o.size = 114;
	o.batch = 32;
	o.idle = 10;
	optind = 2;
	while ((ch = getopt(argc, argv, "d:s:l:x:r:n:t:i:f:S:b:o:h")) != -1) {
		errno = 0;
		switch (ch) {
		case 'd':
			dst = optarg;
			break;
		case 's':
			src = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'h':
			bl_usage(stdout);
			return 0;
		case 't':
		case 'i':
			d = strtod(optarg, &end);
			if (*end != '\0' || d < 0 || d > BL_LIFE_MAX)
				goto usage;
			*(ch == 't' ? &o.secs : &o.idle) = d;
			break;
		case 'l':
		case 'x':
		case 'r':
		case 'n':
		case 'f':
		case 'S':
		case 'b': {
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || errno != 0)
				goto usage;
			if (ch == 'l')
				o.label = (uint32_t)v;
			else if (ch == 'x')
				o.vni = (uint32_t)v;
			else if (ch == 'r')
				o.rate = v;
			else if (ch == 'n')
				o.count = v;
			else if (ch == 'f')
				o.flows = (unsigned)v;
			else if (ch == 'S')
				o.size = (unsigned)v;
			else
				o.batch = (unsigned)v;
			if (v >
			    (ch == 'r' || ch == 'n' ? 1ull << 40 : 1ull << 24))
				goto usage;
			break;
		}
		default:
			goto usage;
		}
	}
	if (optind != argc || o.label < 16 || o.label > 0xfffff ||
	    o.vni > 0xffffff || o.flows < 1 || o.flows > BL_FLOWS_MAX ||
	    o.size < 28 || o.size > BL_PKT_MAX || o.batch < 1 ||
	    o.batch > BL_BATCH_MAX)
		goto usage;
	if (o.mode == BL_PCAP) {
		if (o.out == NULL || o.count == 0)
			goto usage;
		return bl_pcap(&o);
	}
	if (dst == NULL ||
	    bl_addr(dst, &o.dst,
		o.mode == BL_SINK
		    ? 0
		    : (o.vni != 0 ? BL_VXLAN_PORT : BL_MPLS_PORT)) != 0 ||
	    bl_addr(src, &o.src, 0) != 0 ||
	    (o.mode == BL_SINK && o.dst.sin_port == 0))
		goto usage;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bl_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.mode == BL_SINK) {
		if (o.secs == 0)
			o.secs = BL_LIFE_MAX;
		return bl_sink(&o);
	}
	return bl_send(&o);
usage:
	bl_usage(stderr);
	return 2;
}
