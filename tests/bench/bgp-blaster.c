/*
 * bgp-blaster.c - the route generator and the monitor of the BGP
 * benchmark (tests/bench/bgp-bench.sh), on libbgp's codec.
 *
 * inject: connects to the device under test, opens a session (IPv4
 * unicast and inet-vpn), waits for a go file, then sends N routes of each
 * family packed into UPDATEs (many NLRI per message, a few attribute
 * sets) and End-of-RIB, and stays up until killed.  monitor: connects,
 * opens the same session and counts the routes it is sent, per family,
 * until it has the expected number; it says when, and stays up too.
 *
 * One process, one session, one non-blocking socket driven by poll(2):
 * no thread, no libuv, so neither tool costs more than the codec.  Both
 * answer the hold timer with KEEPALIVEs.  Times are CLOCK_MONOTONIC, the
 * same clock in every process of the machine, so the script subtracts
 * the injector's start from the monitor's completion.
 */
#include "bgp/bgp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HOLD_TIME   90                 /* offered */
#define RBUF_LEN    (4 * BGP_MAX_LEN)  /* receive buffer */
#define OUT_HIGH    (256 << 10)        /* queue no more UPDATEs past this */
#define MAX_ROUTES  (1u << 20)         /* /28s in 10.0.0.0/8 */
#define RUN_SECS    (6 * 3600)         /* a blaster never outlives this */
#define NSETS_MAX   64                 /* attribute sets */
#define RUN_LEN     4096               /* routes in a row sharing a set */
#define VPN_RD_SPAN (1u << 14)         /* routes per route distinguisher */
#define VPN_RT      "target:65535:999" /* nobody imports it */

enum mode { MODE_INJECT, MODE_MONITOR };

struct opts {
	enum mode mode;
	struct sockaddr_storage local, remote;
	uint32_t asn, peer_as, id;
	unsigned n;       /* routes per family (inject), expected (monitor) */
	unsigned nsets;   /* attribute sets (inject) */
	const char *go;   /* inject: file whose existence starts the send */
	unsigned timeout; /* seconds to connect, then to complete */
	struct ipaddr nh4, nh_vpn;
};

/* One session. */
struct sess {
	int fd;
	uint8_t rbuf[RBUF_LEN];
	size_t rlen;
	uint8_t *out; /* queued output */
	size_t olen, ooff, ocap;
	bool open_rcvd, established;
	uint16_t hold;
	double last_in, last_out;
	struct bgp_session_caps caps;
	struct arena arena; /* UPDATE decode scratch */
	/* inject */
	bool sending, sent;
	enum bgp_af gen_af;
	unsigned gen_i;
	/* monitor */
	uint8_t *seen[BGP_AF_MAX]; /* a bit per route index */
	unsigned count[BGP_AF_MAX];
	unsigned other, updates;
	bool complete;
};

static const struct opts *o;
static volatile sig_atomic_t stop_sig;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...) PRINTFLIKE(1, 2);
static void
say(const char *fmt, ...)
{
	va_list ap;

	printf("%.6f ", now());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static NORETURN void die(const char *fmt, ...) PRINTFLIKE(1, 2);
static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bgp-blaster: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Output queue                                                        */
/* ------------------------------------------------------------------ */

static size_t
out_pending(const struct sess *s)
{
	return s->olen - s->ooff;
}

static void
out_put(struct sess *s, const uint8_t *p, size_t len)
{
	if (s->ooff > 0 && s->ooff == s->olen)
		s->ooff = s->olen = 0;
	if (s->olen + len > s->ocap) {
		if (s->ooff > 0) {
			memmove(s->out, s->out + s->ooff, s->olen - s->ooff);
			s->olen -= s->ooff;
			s->ooff = 0;
		}
		while (s->olen + len > s->ocap)
			s->ocap = s->ocap ? s->ocap * 2 : 64 << 10;
		s->out = xrealloc(s->out, s->ocap);
	}
	memcpy(s->out + s->olen, p, len);
	s->olen += len;
	s->last_out = now();
}

static void
out_wbuf(struct sess *s, const struct wbuf *w)
{
	out_put(s, w->data, w->len);
}

static void
send_keepalive(struct sess *s)
{
	uint8_t mem[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	bgp_msg_encode_keepalive(&w);
	out_wbuf(s, &w);
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

/* Route i of a family: 10.0.0.0/8 cut into /28s; VPN routes add an RD
 * (65001:<i / VPN_RD_SPAN + 1>) and a label per RD, as per-VRF labels. */
static void
route_make(enum bgp_af af, unsigned i, struct bgp_nlri *n)
{
	uint32_t rdn = i / VPN_RD_SPAN + 1;

	memset(n, 0, sizeof(*n));
	n->key.family = af == BGP_AF_INET ? RT_INET : RT_L3VPN;
	n->key.prefix.addr.af = AF_INET;
	n->key.prefix.addr.u.v4.s_addr = htonl(0x0a000000u | (i << 4));
	n->key.prefix.len = 28;
	if (af == BGP_AF_INET_VPN) {
		n->key.rd.b[1] = 0; /* type 0: 2-byte AS, 4-byte number */
		n->key.rd.b[2] = 0xfd;
		n->key.rd.b[3] = 0xe9; /* 65001 */
		n->key.rd.b[4] = (uint8_t)(rdn >> 24);
		n->key.rd.b[5] = (uint8_t)(rdn >> 16);
		n->key.rd.b[6] = (uint8_t)(rdn >> 8);
		n->key.rd.b[7] = (uint8_t)rdn;
		n->label = 1000 + rdn;
	}
}

/* The index of a route made by route_make, or -1 for any other. */
static long
route_index(const struct bgp_nlri *n)
{
	uint32_t a;

	if (n->key.prefix.addr.af != AF_INET || n->key.prefix.len != 28)
		return -1;
	a = ntohl(n->key.prefix.addr.u.v4.s_addr);
	if ((a >> 24) != 10)
		return -1;
	return (long)((a & 0xffffff) >> 4);
}

/*
 * Attribute set k of a family: ORIGIN IGP, AS_PATH our AS, COMMUNITIES
 * 65001:k; VPN routes carry VPN_RT too.  Arrays in static storage.
 */
static void
attr_make(enum bgp_af af, unsigned k, struct attr *a)
{
	static uint8_t aspath[6];
	static uint32_t comm;
	static uint64_t ecomm;

	memset(a, 0, sizeof(*a));
	aspath[0] = 2; /* AS_SEQUENCE */
	aspath[1] = 1;
	aspath[2] = (uint8_t)(o->asn >> 24);
	aspath[3] = (uint8_t)(o->asn >> 16);
	aspath[4] = (uint8_t)(o->asn >> 8);
	aspath[5] = (uint8_t)o->asn;
	a->origin = ATTR_ORIGIN_IGP;
	a->aspath = aspath;
	a->aspath_len = sizeof(aspath);
	comm = 65001u << 16 | k;
	a->comm = &comm;
	a->ncomm = 1;
	if (af == BGP_AF_INET_VPN) {
		if (rtarget_parse(VPN_RT, &ecomm) != 0)
			die("bad route target %s", VPN_RT);
		a->ecomm = &ecomm;
		a->necomm = 1;
	}
	a->nexthop = af == BGP_AF_INET ? o->nh4 : o->nh_vpn;
}

static unsigned
set_of(unsigned i)
{
	return (i / RUN_LEN) % o->nsets;
}

/*
 * Queues UPDATEs until the queue is over OUT_HIGH or every route and
 * End-of-RIB of both families is queued.
 */
static void
generate(struct sess *s)
{
	static uint8_t mem[64 << 10];
	struct bgp_update_writer uw;
	struct bgp_nlri n;
	struct attr a;
	struct wbuf w;
	unsigned set;
	int rc;

	while (!s->sent && out_pending(s) < OUT_HIGH) {
		wbuf_init(&w, mem, sizeof(mem));
		if (s->gen_i == o->n) {
			if (bgp_msg_encode_eor(s->gen_af, &w) != 0)
				die("End-of-RIB does not encode");
			out_wbuf(s, &w);
			if (s->gen_af == BGP_AF_INET) {
				s->gen_af = BGP_AF_INET_VPN;
				s->gen_i = 0;
			} else {
				s->sent = true;
				say("sent routes=%u per family", o->n);
			}
			continue;
		}
		/* One message: a run of routes sharing a set. */
		set = set_of(s->gen_i);
		attr_make(s->gen_af, set, &a);
		if (bgp_update_writer_start(
			&uw, &w, s->gen_af, &a, &a.nexthop, &s->caps) != 0)
			die("UPDATE does not encode");
		while (s->gen_i < o->n && set_of(s->gen_i) == set) {
			route_make(s->gen_af, s->gen_i, &n);
			if ((rc = bgp_update_writer_add(&uw, &n)) == -ENOSPC)
				break;
			if (rc != 0)
				die("route %u does not encode", s->gen_i);
			s->gen_i++;
		}
		bgp_update_writer_finish(&uw);
		out_wbuf(s, &w);
	}
}

/* ------------------------------------------------------------------ */
/* Received messages                                                   */
/* ------------------------------------------------------------------ */

static void
count_section(struct sess *s, enum bgp_af af, struct buf *b, bool withdraw)
{
	struct bgp_nlri n;
	uint8_t bit;
	long i;

	while (bgp_nlri_next(af, b, withdraw, &n) == 1) {
		if (af != BGP_AF_INET && af != BGP_AF_INET_VPN) {
			s->other++;
			continue;
		}
		if ((i = route_index(&n)) < 0 || (unsigned long)i >= o->n) {
			s->other++;
			continue;
		}
		bit = (uint8_t)(1u << (i % 8));
		if (!withdraw && !(s->seen[af][i / 8] & bit)) {
			s->seen[af][i / 8] |= bit;
			s->count[af]++;
		} else if (withdraw && (s->seen[af][i / 8] & bit)) {
			s->seen[af][i / 8] &= (uint8_t)~bit;
			s->count[af]--;
		}
	}
}

static void
on_update(struct sess *s, const uint8_t *body, size_t len)
{
	struct bgp_update u;
	struct bgp_err err;
	bool wd;

	if (o->mode != MODE_MONITOR)
		return; /* the injector reads and drops */
	arena_reset(&s->arena);
	if (bgp_update_decode(body, len, &s->caps, &s->arena, &u, &err) != 0)
		die("bad UPDATE: %s", err.reason);
	if (u.eor)
		return;
	if (s->updates++ == 0)
		say("first-update");
	wd = u.outcome == BGP_WITHDRAW;
	count_section(s, BGP_AF_INET, &u.withdrawn, true);
	if (u.has_unreach)
		count_section(s, u.unreach_af, &u.unreach_nlri, true);
	count_section(s, BGP_AF_INET, &u.nlri, wd);
	if (u.has_reach)
		count_section(s, u.reach_af, &u.reach_nlri, wd);
	if (!s->complete && s->count[BGP_AF_INET] == o->n &&
	    s->count[BGP_AF_INET_VPN] == o->n) {
		s->complete = true;
		say("complete inet=%u inet-vpn=%u updates=%u other=%u",
		    s->count[BGP_AF_INET], s->count[BGP_AF_INET_VPN],
		    s->updates, s->other);
	}
}

static void
on_open(struct sess *s, const uint8_t *body, size_t len)
{
	struct bgp_open peer;
	struct bgp_err err;

	if (bgp_msg_decode_open(body, len, &peer, &err) != 0)
		die("bad OPEN: %s", err.reason);
	if (peer.asn != o->peer_as)
		die("OPEN from AS %u, expected %u", peer.asn, o->peer_as);
	s->caps.as4 = peer.as4;
	s->caps.ebgp = peer.asn != o->asn;
	s->caps.afs =
	    peer.afs & (BGP_AF_BIT(BGP_AF_INET) | BGP_AF_BIT(BGP_AF_INET_VPN));
	s->caps.max_len = BGP_MAX_LEN;
	s->hold = MIN(peer.hold_time, HOLD_TIME);
	if (s->caps.afs !=
	    (BGP_AF_BIT(BGP_AF_INET) | BGP_AF_BIT(BGP_AF_INET_VPN)))
		die("the peer does not speak inet and inet-vpn");
	s->open_rcvd = true;
	send_keepalive(s);
}

static void
on_message(struct sess *s, uint8_t type, const uint8_t *body, size_t len)
{
	struct bgp_notification nt;
	struct bgp_err err;
	char name[64];

	switch (type) {
	case BGP_MSG_OPEN:
		if (s->open_rcvd)
			die("a second OPEN");
		on_open(s, body, len);
		break;
	case BGP_MSG_KEEPALIVE:
		if (s->open_rcvd && !s->established) {
			s->established = true;
			say("established hold=%u", s->hold);
		}
		break;
	case BGP_MSG_UPDATE:
		if (!s->established)
			die("UPDATE before Established");
		on_update(s, body, len);
		break;
	case BGP_MSG_NOTIFICATION:
		if (bgp_msg_decode_notification(body, len, &nt, &err) != 0)
			die("bad NOTIFICATION");
		die("NOTIFICATION received: %s",
		    bgp_err_name(nt.code, nt.subcode, name, sizeof(name)));
	default:
		break; /* ROUTE-REFRESH: never asked for (not offered) */
	}
}

static void
input(struct sess *s)
{
	struct bgp_err err;
	size_t off = 0, len;
	uint8_t type;
	ssize_t n;
	int rc;

	n = read(s->fd, s->rbuf + s->rlen, sizeof(s->rbuf) - s->rlen);
	if (n == 0)
		die("the peer closed the connection");
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		die("read: %s", strerror(errno));
	}
	s->rlen += (size_t)n;
	s->last_in = now();
	while ((rc = bgp_frame_check(s->rbuf + off, s->rlen - off, BGP_MAX_LEN,
		    &len, &type, &err)) == 1) {
		on_message(
		    s, type, s->rbuf + off + BGP_HDR_LEN, len - BGP_HDR_LEN);
		off += len;
	}
	if (rc < 0)
		die("bad message header: %s", err.reason);
	memmove(s->rbuf, s->rbuf + off, s->rlen - off);
	s->rlen -= off;
}

static void
output(struct sess *s)
{
	ssize_t n;

	n = write(s->fd, s->out + s->ooff, out_pending(s));
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		die("write: %s", strerror(errno));
	}
	s->ooff += (size_t)n;
}

/* ------------------------------------------------------------------ */
/* Session                                                             */
/* ------------------------------------------------------------------ */

/* Connects from o->local to o->remote, retrying until the deadline. */
static int
connect_retry(double deadline)
{
	socklen_t sl = o->local.ss_family == AF_INET
	    ? sizeof(struct sockaddr_in)
	    : sizeof(struct sockaddr_in6);
	int fd, one = 1;

	for (;;) {
		if ((fd = socket(o->remote.ss_family, SOCK_STREAM, 0)) < 0)
			die("socket: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (o->local.ss_family != 0 &&
		    bind(fd, (const struct sockaddr *)&o->local, sl) != 0)
			die("bind: %s", strerror(errno));
		if (connect(fd, (const struct sockaddr *)&o->remote, sl) == 0)
			break;
		close(fd);
		if (now() > deadline || stop_sig)
			die("connect: %s", strerror(errno));
		usleep(200 * 1000);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void
send_open(struct sess *s)
{
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_open op;
	struct wbuf w;

	memset(&op, 0, sizeof(op));
	op.version = BGP_VERSION;
	op.asn = o->asn;
	op.hold_time = HOLD_TIME;
	op.bgp_id = o->id;
	op.as4 = true;
	op.afs = BGP_AF_BIT(BGP_AF_INET) | BGP_AF_BIT(BGP_AF_INET_VPN);
	op.route_refresh = true;
	wbuf_init(&w, mem, sizeof(mem));
	if (bgp_msg_encode_open(&op, &w) != 0)
		die("OPEN does not encode");
	out_wbuf(s, &w);
}

static void
on_signal(int sig)
{
	stop_sig = sig;
}

static void
run(struct sess *s)
{
	double deadline = now() + o->timeout, t;
	struct pollfd pfd;
	int rc;

	s->fd = connect_retry(deadline);
	say("connected");
	send_open(s);
	for (;;) {
		if (stop_sig) {
			say("stopped by signal %d", (int)stop_sig);
			return;
		}
		t = now();
		if (!s->established && t > deadline)
			die("no session after %us", o->timeout);
		if (s->established && o->mode == MODE_MONITOR && !s->complete &&
		    t > deadline)
			die("incomplete after %us: inet %u, inet-vpn %u of %u",
			    o->timeout, s->count[BGP_AF_INET],
			    s->count[BGP_AF_INET_VPN], o->n);
		if (t > deadline + RUN_SECS)
			die("ran for too long");
		if (s->established && s->hold > 0) {
			if (t - s->last_in > s->hold)
				die("hold timer expired");
			if (t - s->last_out > s->hold / 3.0)
				send_keepalive(s);
		}
		if (o->mode == MODE_INJECT && s->established && !s->sending &&
		    access(o->go, F_OK) == 0) {
			s->sending = true;
			/* The measured time starts here. */
			deadline = now() + o->timeout;
			say("start");
		}
		if (s->sending)
			generate(s);
		pfd.fd = s->fd;
		pfd.events = POLLIN | (out_pending(s) > 0 ? POLLOUT : 0);
		rc = poll(
		    &pfd, 1, o->mode == MODE_INJECT && !s->sending ? 10 : 1000);
		if (rc < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (rc <= 0)
			continue;
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			input(s);
		if (pfd.revents & POLLOUT)
			output(s);
	}
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bgp-blaster inject|monitor -l LOCAL -r REMOTE:PORT "
	    "-a AS -p PEER-AS -n N\n"
	    "           [-g GO-FILE] [-s SETS] [-t TIMEOUT] [-4 NEXTHOP] "
	    "[-v VPN-NEXTHOP]\n"
	    "inject sends N IPv4 unicast and N inet-vpn routes once GO-FILE\n"
	    "exists; monitor waits for them (TIMEOUT seconds, default 600).\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct opts opt;
	static struct sess s;
	struct sockaddr_in *sin;
	struct ipaddr ip;
	unsigned long v;
	int c;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "inject") == 0)
		opt.mode = MODE_INJECT;
	else if (strcmp(argv[1], "monitor") == 0)
		opt.mode = MODE_MONITOR;
	else
		usage();
	opt.nsets = 16;
	opt.timeout = 600;
	ipaddr_parse("192.0.2.1", &opt.nh4);
	ipaddr_parse("198.51.100.1", &opt.nh_vpn);
	optind = 2;
	while ((c = getopt(argc, argv, "l:r:a:p:n:g:s:t:4:v:")) != -1) {
		switch (c) {
		case 'l':
			if (ipaddr_parse(optarg, &ip) != 0 ||
			    sockaddr_from_ipaddr(&opt.local, &ip, 0) != 0)
				usage();
			break;
		case 'r':
			if (sockaddr_parse(optarg, BGP_PORT, &opt.remote) != 0)
				usage();
			break;
		case 'a':
		case 'p':
		case 'n':
		case 's':
		case 't':
			v = strtoul(optarg, NULL, 10);
			if (v == 0 || v > UINT32_MAX)
				usage();
			if (c == 'a')
				opt.asn = (uint32_t)v;
			else if (c == 'p')
				opt.peer_as = (uint32_t)v;
			else if (c == 'n')
				opt.n = (unsigned)v;
			else if (c == 's')
				opt.nsets = (unsigned)v;
			else
				opt.timeout = (unsigned)v;
			break;
		case 'g':
			opt.go = optarg;
			break;
		case '4':
			if (ipaddr_parse(optarg, &opt.nh4) != 0 ||
			    opt.nh4.af != AF_INET)
				usage();
			break;
		case 'v':
			if (ipaddr_parse(optarg, &opt.nh_vpn) != 0 ||
			    opt.nh_vpn.af != AF_INET)
				usage();
			break;
		default:
			usage();
		}
	}
	if (opt.local.ss_family != AF_INET || opt.remote.ss_family != AF_INET ||
	    opt.asn == 0 || opt.peer_as == 0 || opt.n == 0 ||
	    opt.n > MAX_ROUTES || opt.nsets > NSETS_MAX ||
	    (opt.mode == MODE_INJECT && opt.go == NULL))
		usage();
	sin = (struct sockaddr_in *)&opt.local;
	opt.id = ntohl(sin->sin_addr.s_addr);
	o = &opt;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	arena_init(&s.arena, 0);
	s.gen_af = BGP_AF_INET;
	if (opt.mode == MODE_MONITOR) {
		s.seen[BGP_AF_INET] = xcalloc(1, opt.n / 8 + 1);
		s.seen[BGP_AF_INET_VPN] = xcalloc(1, opt.n / 8 + 1);
	}
	run(&s);
	if (s.fd >= 0)
		close(s.fd);
	arena_fini(&s.arena);
	free(s.out);
	free(s.seen[BGP_AF_INET]);
	free(s.seen[BGP_AF_INET_VPN]);
	return 0;
}
