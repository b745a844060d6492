/*
 * DOC: dp_io.c - the ports of one datapath, the I/O layer around dp_fwd.
 *
 * A VM vif is a TAP device of its name, read non-blocking from a
 * uv_poll_t, at most DP_IO_BATCH frames per wakeup, written one frame
 * per write().  The fabric vif is three UDP sockets on the underlay
 * address (MPLSoUDP, VXLAN, and an ephemeral port for other UDP such as
 * mirror copies), read with one recvmmsg of DP_IO_BATCH datagrams per
 * wakeup into slots with DP_UDP4_OVERHEAD bytes of headroom for the
 * synthetic header (dp_fabric.c), written with sendmmsg from a per
 * socket batch flushed when full and after every callback.  GRE (IPv4
 * protocol 47) has no port: a raw socket of protocol 47 bound to the
 * underlay address receives it (the kernel gives the IPv4 header, we
 * put an Ethernet header in front) and sends it (we give the GRE header
 * and the inner frame, the kernel writes the IPv4 header).  Opening it
 * needs CAP_NET_RAW: without, the fabric runs without GRE.  pcap files
 * replay into a vif and record what a vif sends.
 *
 * Every buffer is allocated when the I/O layer or a port is created,
 * never per packet.  A full socket or tap drops (counted), never queues.
 */
#include "datapath/dp_io.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/if_tun.h>

#define DP_IO_PCAP_MAX 16 /* pcap-in and pcap-out ports */
/* rx slot: room for tunnel headers, the synthetic headers, a datagram */
#define DP_IO_SLOT     (DP_FWD_ROOM + DP_UDP4_OVERHEAD + DP_IO_DGRAM_MAX)
#define DP_IO_SOCKBUF  (1 << 20) /* SO_RCVBUF / SO_SNDBUF asked */
#define DP_IO_TUN_PATH "/dev/net/tun"
#define DP_IO_PATH_MAX 1024 /* bytes of a pcap file name */

enum dp_io_sock {
	DP_IO_SOCK_MPLS = 0, /* bound to DP_PORT_MPLSOUDP */
	DP_IO_SOCK_VXLAN,    /* bound to DP_PORT_VXLAN */
	DP_IO_SOCK_OTHER,    /* bound to an ephemeral port */
	DP_IO_SOCK_GRE,      /* raw, IPv4 protocol 47 (may stay closed) */
	DP_IO_SOCK__MAX
};

/* A VM vif's tap. */
struct dp_io_tap {
	struct dp_io *io;               /* owner */
	uint32_t vif;                   /* vif index */
	int fd;                         /* /dev/net/tun, -1 once closed */
	uv_poll_t poll;                 /* readable */
	char name[DP_VIF_NAME_MAX + 1]; /* interface name */
	struct dp_io_ctr ctr;           /* counters */
};

/* One fabric socket (UDP, or the raw GRE one) and its transmit batch. */
struct dp_io_udp {
	struct dp_io *io;                    /* owner */
	int fd;                              /* -1 when not open */
	uint16_t port;                       /* bound port, host order; 0 GRE */
	uv_poll_t poll;                      /* readable */
	unsigned tn;                         /* datagrams queued */
	struct mmsghdr tmsg[DP_IO_BATCH];    /* sendmmsg vector */
	struct iovec tiov[DP_IO_BATCH];      /* one per message */
	struct sockaddr_in tto[DP_IO_BATCH]; /* destinations */
	uint8_t *tbuf;                       /* DP_IO_BATCH payloads */
	struct dp_io_ctr ctr;                /* counters */
};

/* A pcap port. */
struct dp_io_pcap {
	enum dp_io_port_kind kind;      /* DP_IO_PCAP_IN or _OUT */
	char spec[DP_VIF_NAME_MAX + 1]; /* vif name or index as given */
	uint32_t vif;                   /* resolved index, DP_VIF_MAX if not */
	bool open;                      /* pc holds a file */
	struct dp_pcap pc;              /* the file */
	char path[DP_IO_PATH_MAX];      /* its name */
	struct dp_io_ctr ctr;           /* counters */
};

struct dp_io {
	uv_loop_t *loop;                       /* borrowed */
	struct dp *dp;                         /* borrowed */
	dp_io_rx_cb rx;                        /* dp_fwd or a test's */
	void *rx_arg;                          /* its argument */
	struct dp_io_cfg cfg;                  /* copy */
	struct dp_io_tap *tap[DP_VIF_MAX];     /* per VM vif, owned */
	uint32_t fabric_vif;                   /* DP_VIF_MAX when none */
	bool has_udp;                          /* sockets bound */
	struct dp_io_udp udp[DP_IO_SOCK__MAX]; /* fabric sockets */
	/* one receive batch for every socket: used within one callback */
	struct mmsghdr rmsg[DP_IO_BATCH];      /* recvmmsg vector */
	struct iovec riov[DP_IO_BATCH];        /* after the headroom */
	struct sockaddr_in rfrom[DP_IO_BATCH]; /* senders */
	uint8_t *rbuf;                         /* DP_IO_BATCH slots */
	uint8_t *frame; /* tap and pcap reads, DP_FWD_ROOM in */
	struct dp_io_pcap pcap[DP_IO_PCAP_MAX];  /* ports */
	unsigned npcap;                          /* used */
	struct dp_io_pcap *pcap_out[DP_VIF_MAX]; /* recording per vif */
	struct dp_io_ctr noport;                 /* sent to no port */
	/* replay */
	uv_idle_t idle;            /* one batch per turn */
	bool replaying;            /* idle started */
	unsigned replay_i;         /* pcap port replayed */
	dp_io_replay_cb replay_cb; /* when done */
	void *replay_arg;          /* its argument */
	bool use_ts;               /* pcap-out takes ts_usec */
	uint64_t ts_usec;          /* replayed record's time */
	/* closing */
	unsigned nopen;          /* handles not closed */
	bool closing;            /* dp_io_close called */
	dp_io_close_cb close_cb; /* after the last handle */
	void *close_arg;         /* its argument */
};

/* One of io's handles is closed; after the last one, io is freed. */
static void
io_handle_done(struct dp_io *io)
{
	unsigned i;

	if (--io->nopen > 0 || !io->closing)
		return;
	for (i = 0; i < DP_IO_SOCK__MAX; i++)
		free(io->udp[i].tbuf);
	free(io->rbuf);
	free(io->frame);
	if (io->close_cb != NULL)
		io->close_cb(io->close_arg);
	free(io);
}

static void
io_handle_closed(uv_handle_t *h)
{
	io_handle_done(h->data);
}

/* A pcap port's vif spec: an index or a name. */
static bool
pcap_matches(const struct dp_io_pcap *p, const struct dp_vif *v)
{
	char *end;
	unsigned long idx = strtoul(p->spec, &end, 10);

	if (p->spec[0] >= '0' && p->spec[0] <= '9' && *end == '\0')
		return idx == v->idx;
	return strcmp(p->spec, v->name) == 0;
}

/* The vif a spec names in dp's tables, or DP_VIF_MAX. */
static uint32_t
pcap_resolve(const struct dp_io *io, const struct dp_io_pcap *p)
{
	struct dp_vif *v;
	uint32_t pos = 0;

	while ((v = dp_vif_next(io->dp, &pos)) != NULL)
		if (pcap_matches(p, v))
			return v->idx;
	return DP_VIF_MAX;
}

/* Now in microseconds for a recorded frame: the replayed record's time
 * while replaying (so offline output is reproducible), else the clock. */
static uint64_t
io_ts_usec(const struct dp_io *io)
{
	struct timeval tv;

	if (io->use_ts)
		return io->ts_usec;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* Fabric sockets */

static void udp_poll_cb(uv_poll_t *h, int status, int events);
static void gre_poll_cb(uv_poll_t *h, int status, int events);

/* The transmit batch of a socket just bound, and its poll handle. */
static int
sock_start(struct dp_io *io, struct dp_io_udp *u, uv_poll_cb cb)
{
	unsigned i;
	int rc;

	u->tbuf = xmalloc((size_t)DP_IO_BATCH * DP_IO_DGRAM_MAX);
	for (i = 0; i < DP_IO_BATCH; i++) {
		u->tiov[i].iov_base = u->tbuf + (size_t)i * DP_IO_DGRAM_MAX;
		u->tmsg[i].msg_hdr.msg_iov = &u->tiov[i];
		u->tmsg[i].msg_hdr.msg_iovlen = 1;
		u->tmsg[i].msg_hdr.msg_name = &u->tto[i];
		u->tmsg[i].msg_hdr.msg_namelen = sizeof(u->tto[i]);
	}
	if ((rc = uv_poll_init(io->loop, &u->poll, u->fd)) != 0) {
		close(u->fd);
		u->fd = -1;
		return rc;
	}
	u->poll.data = u;
	io->nopen++;
	return uv_poll_start(&u->poll, UV_READABLE, cb);
}

/*
 * The raw GRE socket, bound to the underlay address (the kernel then
 * delivers only GRE to that address, and sends from it).  Not being
 * allowed to open it is no error: the fabric runs without GRE and GRE
 * frames are dropped (counted on the "none" port).
 */
static int
gre_open(struct dp_io *io, struct dp_io_udp *u)
{
	struct sockaddr_in sin;
	int sz = DP_IO_SOCKBUF, rc;
	char abuf[INET_ADDRSTRLEN];

	u->io = io;
	u->fd = socket(
	    AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_GRE);
	if (u->fd == -1 && (errno == EPERM || errno == EACCES)) {
		log_warnx("fabric: no raw socket for GRE (%s): GRE tunnels "
			  "will drop",
		    strerror(errno));
		return 0;
	}
	if (u->fd == -1)
		return -errno;
	(void)setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = io->cfg.underlay;
	if (bind(u->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		rc = -errno;
		log_warn("fabric: bind gre %s",
		    inet_ntop(AF_INET, &io->cfg.underlay, abuf, sizeof(abuf)));
		close(u->fd);
		u->fd = -1;
		return rc;
	}
	log_debug("fabric: gre %s",
	    inet_ntop(AF_INET, &io->cfg.underlay, abuf, sizeof(abuf)));
	return sock_start(io, u, gre_poll_cb);
}

static int
udp_open(struct dp_io *io, struct dp_io_udp *u, uint16_t port)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int one = 1, sz = DP_IO_SOCKBUF, rc;
	char abuf[INET_ADDRSTRLEN];

	u->io = io;
	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd == -1)
		return -errno;
	(void)setsockopt(u->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	(void)setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = io->cfg.underlay;
	sin.sin_port = htons(port);
	if (bind(u->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(u->fd, (struct sockaddr *)&sin, &slen) == -1) {
		rc = -errno;
		log_warn("fabric: bind %s:%u",
		    inet_ntop(AF_INET, &io->cfg.underlay, abuf, sizeof(abuf)),
		    port);
		close(u->fd);
		u->fd = -1;
		return rc;
	}
	u->port = ntohs(sin.sin_port);
	log_debug("fabric: udp %s:%u",
	    inet_ntop(AF_INET, &io->cfg.underlay, abuf, sizeof(abuf)), u->port);
	return sock_start(io, u, udp_poll_cb);
}

/* Sends u's batch; what the kernel refuses is counted and dropped. */
static void
udp_flush(struct dp_io_udp *u)
{
	unsigned off = 0, i;
	int n;

	while (off < u->tn) {
		n = sendmmsg(u->fd, u->tmsg + off, u->tn - off, MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				u->ctr.tx_eagain += u->tn - off;
				break;
			}
			/* the first message failed: skip it, send the rest */
			log_debug("fabric: sendmmsg port %u: %s", u->port,
			    strerror(errno));
			u->ctr.tx_errors++;
			off++;
			continue;
		}
		u->ctr.tx_batches++;
		for (i = off; i < off + (unsigned)n; i++) {
			u->ctr.tx_frames++;
			u->ctr.tx_bytes += u->tmsg[i].msg_len;
		}
		off += (unsigned)n;
	}
	u->tn = 0;
}

void
dp_io_flush(struct dp_io *io)
{
	unsigned i;

	for (i = 0; i < DP_IO_SOCK__MAX; i++)
		if (io->udp[i].fd != -1 && io->udp[i].tn > 0)
			udp_flush(&io->udp[i]);
}

/*
 * One recvmmsg of up to DP_IO_BATCH datagrams on u into the receive
 * slots, each read hdr bytes after the engine's room (where the
 * synthetic header goes).  The datagrams, or 0 (nothing, or an error
 * logged).
 */
static int
sock_recv(struct dp_io *io, struct dp_io_udp *u, int status, size_t hdr)
{
	unsigned i;
	int n;

	if (status < 0) {
		log_warnx(
		    "fabric: poll port %u: %s", u->port, uv_strerror(status));
		return 0;
	}
	for (i = 0; i < DP_IO_BATCH; i++) {
		io->riov[i].iov_base =
		    io->rbuf + (size_t)i * DP_IO_SLOT + DP_FWD_ROOM + hdr;
		io->riov[i].iov_len = DP_IO_SLOT - DP_FWD_ROOM - hdr;
		io->rmsg[i].msg_hdr.msg_iov = &io->riov[i];
		io->rmsg[i].msg_hdr.msg_iovlen = 1;
		io->rmsg[i].msg_hdr.msg_name = &io->rfrom[i];
		io->rmsg[i].msg_hdr.msg_namelen = sizeof(io->rfrom[i]);
		io->rmsg[i].msg_hdr.msg_control = NULL;
		io->rmsg[i].msg_hdr.msg_controllen = 0;
		io->rmsg[i].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(u->fd, io->rmsg, DP_IO_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0) {
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			log_warn("fabric: recvmmsg port %u", u->port);
		return 0;
	}
	u->ctr.rx_batches++;
	return n;
}

/* The fabric vif, or NULL. */
static struct dp_vif *
io_fabric(const struct dp_io *io)
{
	return io->fabric_vif < DP_VIF_MAX
	    ? dp_vif_lookup(io->dp, io->fabric_vif)
	    : NULL;
}

static void
udp_poll_cb(uv_poll_t *h, int status, int events)
{
	struct dp_io_udp *u = h->data;
	struct dp_io *io = u->io;
	struct dp_fab_addr a;
	struct dp_vif *v;
	uint8_t *slot;
	unsigned i;
	int n;

	(void)events;
	if ((n = sock_recv(io, u, status, DP_UDP4_OVERHEAD)) == 0)
		return;
	v = io_fabric(io);
	memset(&a, 0, sizeof(a));
	if (v != NULL)
		a.dmac = v->mac;
	a.smac = (struct macaddr)DP_IO_PEER_MAC_INIT;
	a.dst = ntohl(io->cfg.underlay.s_addr);
	a.dport = u->port;
	for (i = 0; i < (unsigned)n; i++) {
		struct msghdr *m = &io->rmsg[i].msg_hdr;
		size_t len = io->rmsg[i].msg_len;

		u->ctr.rx_frames++;
		u->ctr.rx_bytes += len;
		if (v == NULL || (m->msg_flags & MSG_TRUNC) ||
		    m->msg_namelen != sizeof(struct sockaddr_in) ||
		    io->rfrom[i].sin_family != AF_INET) {
			u->ctr.rx_drops++;
			continue;
		}
		a.src = ntohl(io->rfrom[i].sin_addr.s_addr);
		a.sport = ntohs(io->rfrom[i].sin_port);
		slot = io->rbuf + (size_t)i * DP_IO_SLOT + DP_FWD_ROOM;
		if (dp_fab_hdr_build(slot, &a, len) != 0) {
			u->ctr.rx_drops++;
			continue;
		}
		io->rx(io->rx_arg, v->idx, slot, DP_UDP4_OVERHEAD + len,
		    DP_FWD_ROOM);
	}
	dp_io_flush(io);
}

/*
 * GRE received on the raw socket: the IPv4 datagram, header included,
 * read DP_ETH_HLEN bytes after the room, gets a synthetic Ethernet
 * header (destination the fabric vif's MAC) and goes to the engine as a
 * whole frame.  GRE to another address is dropped (rx_foreign): the
 * bound socket should never see it, but two vrouters on one host each
 * have a raw GRE socket, and an unbound one would see everything.
 */
static void
gre_poll_cb(uv_poll_t *h, int status, int events)
{
	struct dp_io_udp *u = h->data;
	struct dp_io *io = u->io;
	struct dp_fab_addr a;
	struct dp_vif *v;
	uint8_t *slot;
	size_t flen;
	uint32_t dst;
	unsigned i;
	int n;

	(void)events;
	if ((n = sock_recv(io, u, status, DP_ETH_HLEN)) == 0)
		return;
	v = io_fabric(io);
	memset(&a, 0, sizeof(a));
	if (v != NULL)
		a.dmac = v->mac;
	a.smac = (struct macaddr)DP_IO_PEER_MAC_INIT;
	for (i = 0; i < (unsigned)n; i++) {
		size_t len = io->rmsg[i].msg_len;

		u->ctr.rx_frames++;
		u->ctr.rx_bytes += len;
		slot = io->rbuf + (size_t)i * DP_IO_SLOT + DP_FWD_ROOM;
		if (v == NULL || (io->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    dp_fab_ip4_wrap(slot, len, &a, &flen, &dst) != 0) {
			u->ctr.rx_drops++;
			continue;
		}
		if (dst != ntohl(io->cfg.underlay.s_addr)) {
			u->ctr.rx_foreign++;
			continue;
		}
		io->rx(io->rx_arg, v->idx, slot, flen, DP_FWD_ROOM);
	}
	dp_io_flush(io);
}

/* Queues an entry of u's batch: len bytes of pay to dst:port. */
static void
sock_queue(struct dp_io_udp *u, const uint8_t *pay, size_t len, uint32_t dst,
    uint16_t port)
{
	unsigned k;

	if (u->tn == DP_IO_BATCH)
		udp_flush(u);
	k = u->tn++;
	memcpy(u->tiov[k].iov_base, pay, len);
	u->tiov[k].iov_len = len;
	memset(&u->tto[k], 0, sizeof(u->tto[k]));
	u->tto[k].sin_family = AF_INET;
	u->tto[k].sin_addr.s_addr = htonl(dst);
	u->tto[k].sin_port = htons(port);
}

/* Queues the GRE header and inner frame of a GRE frame on the raw
 * socket (the kernel writes the IPv4 header, from the bound address). */
static int
gre_send(struct dp_io *io, const uint8_t *frame, size_t len)
{
	struct dp_io_udp *u = &io->udp[DP_IO_SOCK_GRE];
	const uint8_t *pay;
	size_t plen;
	uint32_t dst;

	if (u->fd == -1) {
		io->noport.tx_bad++; /* no raw socket: no GRE */
		return -1;
	}
	if (dp_fab_gre_tx_parse(frame, len, &dst, &pay, &plen) != 0 ||
	    plen > DP_IO_DGRAM_MAX) {
		u->ctr.tx_bad++;
		return -1;
	}
	sock_queue(u, pay, plen, dst, 0);
	return 0;
}

/* Queues the payload of a fabric frame on the socket of its port. */
static int
fab_send(struct dp_io *io, const uint8_t *frame, size_t len)
{
	struct dp_fab_addr a;
	struct dp_io_udp *u;
	const uint8_t *pay;
	size_t plen;

	if (len >= DP_ETH_HLEN + DP_IP4_HLEN && frame[12] == 0x08 &&
	    frame[13] == 0x00 && frame[DP_ETH_HLEN + 9] == DP_IPPROTO_GRE)
		return gre_send(io, frame, len);
	if (dp_fab_tx_parse(frame, len, &a, &pay, &plen) != 0) {
		io->udp[DP_IO_SOCK_OTHER].ctr.tx_bad++;
		return -1;
	}
	/* The socket bound to the destination port, so that the peer sees
	 * the tunnel's port as the source too. */
	if (a.dport == DP_PORT_MPLSOUDP)
		u = &io->udp[DP_IO_SOCK_MPLS];
	else if (a.dport == DP_PORT_VXLAN)
		u = &io->udp[DP_IO_SOCK_VXLAN];
	else
		u = &io->udp[DP_IO_SOCK_OTHER];
	if (plen > DP_IO_DGRAM_MAX) {
		u->ctr.tx_bad++;
		return -1;
	}
	sock_queue(u, pay, plen, a.dst, a.dport);
	return 0;
}

/* TAP ports */

static void tap_poll_cb(uv_poll_t *h, int status, int events);

/* ioctl on an interface through a throw-away socket. */
static int
if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s, rc = 0;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -errno;
	if (ioctl(s, req, ifr) == -1)
		rc = -errno;
	close(s);
	return rc;
}

static int
tap_open(struct dp_io *io, const struct dp_vif *v)
{
	struct dp_io_tap *t;
	struct ifreq ifr;
	int rc;

	if (io->tap[v->idx] != NULL)
		return -EEXIST;
	t = xcalloc(1, sizeof(*t));
	t->io = io;
	t->vif = v->idx;
	memcpy(t->name, v->name, sizeof(t->name));
	t->fd = open(DP_IO_TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd == -1) {
		rc = -errno;
		log_warn("vif %u: %s", v->idx, DP_IO_TUN_PATH);
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, v->name, sizeof(v->name));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(t->fd, TUNSETIFF, &ifr) == -1) {
		rc = -errno;
		log_warn("vif %u: tap %s", v->idx, v->name);
		goto fail;
	}
	/* The MAC is the VM's (datapath/README.md); link up, the vif's MTU. */
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, v->mac.b, 6);
	if ((rc = if_ioctl(SIOCSIFHWADDR, &ifr)) != 0)
		goto fail_log;
	ifr.ifr_mtu = (int)v->mtu;
	if ((rc = if_ioctl(SIOCSIFMTU, &ifr)) != 0)
		goto fail_log;
	if ((rc = if_ioctl(SIOCGIFFLAGS, &ifr)) != 0)
		goto fail_log;
	ifr.ifr_flags |= IFF_UP;
	if ((rc = if_ioctl(SIOCSIFFLAGS, &ifr)) != 0)
		goto fail_log;
	if ((rc = uv_poll_init(io->loop, &t->poll, t->fd)) != 0)
		goto fail;
	t->poll.data = t;
	io->nopen++;
	io->tap[v->idx] = t;
	(void)uv_poll_start(&t->poll, UV_READABLE, tap_poll_cb);
	log_info("vif %u: tap %s up, mtu %u", v->idx, v->name, v->mtu);
	return 0;

fail_log:
	log_warnx("vif %u: tap %s: %s", v->idx, v->name, strerror(-rc));
fail:
	if (t->fd != -1)
		close(t->fd);
	free(t);
	return rc;
}

static void
tap_closed(uv_handle_t *h)
{
	struct dp_io_tap *t = h->data;
	struct dp_io *io = t->io;

	free(t); /* h is inside t */
	io_handle_done(io);
}

/* Detaches the tap at once (the interface goes away with the fd), and
 * frees it when libuv has closed the handle. */
static void
tap_close(struct dp_io *io, struct dp_io_tap *t)
{
	io->tap[t->vif] = NULL;
	uv_poll_stop(&t->poll);
	close(t->fd);
	t->fd = -1;
	uv_close((uv_handle_t *)&t->poll, tap_closed);
}

static void
tap_poll_cb(uv_poll_t *h, int status, int events)
{
	struct dp_io_tap *t = h->data;
	struct dp_io *io = t->io;
	unsigned i;
	ssize_t n;

	(void)events;
	if (status < 0) {
		log_warnx("tap %s: poll: %s", t->name, uv_strerror(status));
		return;
	}
	for (i = 0; i < DP_IO_BATCH; i++) {
		n = read(t->fd, io->frame + DP_FWD_ROOM, DP_IO_FRAME_MAX);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == -1 && errno != EAGAIN &&
			    errno != EWOULDBLOCK) {
				/* a tap that fails once fails again: no spin */
				log_warn("tap %s: read; stopped", t->name);
				uv_poll_stop(&t->poll);
			}
			break;
		}
		t->ctr.rx_frames++;
		t->ctr.rx_bytes += (uint64_t)n;
		io->rx(io->rx_arg, t->vif, io->frame + DP_FWD_ROOM, (size_t)n,
		    DP_FWD_ROOM);
		/* the engine never deletes vifs, so t is still ours */
	}
	if (i > 0)
		t->ctr.rx_batches++;
	dp_io_flush(io);
}

static int
tap_send(struct dp_io_tap *t, const uint8_t *frame, size_t len)
{
	ssize_t n;

	do
		n = write(t->fd, frame, len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			t->ctr.tx_eagain++;
		else
			t->ctr.tx_errors++;
		return -1;
	}
	t->ctr.tx_batches++;
	t->ctr.tx_frames++;
	t->ctr.tx_bytes += len;
	return 0;
}

/* The transmit dispatcher */

static void
pcap_record(
    struct dp_io *io, struct dp_io_pcap *p, const uint8_t *frame, size_t len)
{
	if (dp_pcap_write(&p->pc, io_ts_usec(io), frame, len) != 0) {
		p->ctr.tx_errors++;
		return;
	}
	p->ctr.tx_frames++;
	p->ctr.tx_bytes += len;
}

int
dp_io_tx(void *arg, const struct dp_vif *vif, const uint8_t *frame, size_t len,
    bool mirror)
{
	struct dp_io *io = arg;
	struct dp_io_pcap *po;

	(void)mirror; /* copies go where the engine says, and are recorded */
	if (vif->idx >= DP_VIF_MAX)
		return -1;
	po = io->pcap_out[vif->idx];
	if (po != NULL)
		pcap_record(io, po, frame, len);
	switch (vif->kind) {
	case DP_VIF_VM:
		if (io->tap[vif->idx] != NULL)
			return tap_send(io->tap[vif->idx], frame, len);
		break;
	case DP_VIF_FABRIC:
		if (io->has_udp)
			return fab_send(io, frame, len);
		break;
	case DP_VIF_AGENT:
		break;
	}
	if (po != NULL)
		return 0; /* a pcap-only port */
	io->noport.tx_bad++;
	return -1;
}

/* Hooks */

int
dp_io_vif_added(void *arg, const struct dp_vif *v)
{
	struct dp_io *io = arg;
	unsigned i;
	int rc = 0;

	if (io->closing)
		return -ESHUTDOWN;
	switch (v->kind) {
	case DP_VIF_VM:
		if (!io->cfg.no_tap)
			rc = tap_open(io, v);
		break;
	case DP_VIF_FABRIC:
		if (io->fabric_vif != DP_VIF_MAX) {
			log_warnx("vif %u: vif %u is the fabric already",
			    v->idx, io->fabric_vif);
			return -EBUSY;
		}
		io->fabric_vif = v->idx;
		if (!io->has_udp)
			log_warnx("vif %u: fabric without an underlay "
				  "address: tunnels will drop",
			    v->idx);
		break;
	case DP_VIF_AGENT:
		break;
	}
	if (rc != 0)
		return rc;
	for (i = 0; i < io->npcap; i++) {
		struct dp_io_pcap *p = &io->pcap[i];

		if (!pcap_matches(p, v))
			continue;
		p->vif = v->idx;
		if (p->kind == DP_IO_PCAP_OUT)
			io->pcap_out[v->idx] = p;
	}
	return 0;
}

void
dp_io_vif_deleting(void *arg, const struct dp_vif *v)
{
	struct dp_io *io = arg;
	unsigned i;

	if (v->idx >= DP_VIF_MAX)
		return;
	if (io->tap[v->idx] != NULL)
		tap_close(io, io->tap[v->idx]);
	if (io->fabric_vif == v->idx)
		io->fabric_vif = DP_VIF_MAX;
	io->pcap_out[v->idx] = NULL;
	for (i = 0; i < io->npcap; i++)
		if (io->pcap[i].vif == v->idx)
			io->pcap[i].vif = DP_VIF_MAX;
}

/* pcap ports */

static struct dp_io_pcap *
pcap_port_new(struct dp_io *io, enum dp_io_port_kind kind, const char *vif,
    const char *path)
{
	struct dp_io_pcap *p;
	size_t n = strlen(vif);

	if (io->npcap == DP_IO_PCAP_MAX || n == 0 || n > DP_VIF_NAME_MAX ||
	    strlen(path) >= DP_IO_PATH_MAX)
		return NULL;
	p = &io->pcap[io->npcap];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	memcpy(p->spec, vif, n + 1);
	memcpy(p->path, path, strlen(path) + 1);
	p->vif = pcap_resolve(io, p);
	return p;
}

int
dp_io_pcap_out(struct dp_io *io, const char *vif, const char *path)
{
	struct dp_io_pcap *p;
	int rc;

	if ((p = pcap_port_new(io, DP_IO_PCAP_OUT, vif, path)) == NULL)
		return -EINVAL;
	if ((rc = dp_pcap_open_write(&p->pc, path, DP_PKT_MAX)) != 0)
		return rc;
	p->open = true;
	io->npcap++;
	if (p->vif != DP_VIF_MAX)
		io->pcap_out[p->vif] = p;
	return 0;
}

int
dp_io_pcap_in(struct dp_io *io, const char *vif, const char *path)
{
	struct dp_io_pcap *p;
	int rc;

	if ((p = pcap_port_new(io, DP_IO_PCAP_IN, vif, path)) == NULL)
		return -EINVAL;
	if ((rc = dp_pcap_open_read(&p->pc, path)) != 0) {
		if (rc == -EPROTO)
			log_warnx("%s: %s", path, p->pc.err);
		return rc;
	}
	p->open = true;
	io->npcap++;
	return 0;
}

static void
pcap_close(struct dp_io_pcap *p)
{
	if (!p->open)
		return;
	p->open = false;
	if (dp_pcap_close(&p->pc) != 0 && p->kind == DP_IO_PCAP_OUT)
		log_warnx("%s: write failed", p->path);
}

/* One batch of the current pcap-in file per loop turn. */
static void
replay_idle_cb(uv_idle_t *h)
{
	struct dp_io *io = h->data;
	struct dp_io_pcap *p;
	unsigned i;
	size_t len;
	int rc;

	while (io->replay_i < io->npcap &&
	    (io->pcap[io->replay_i].kind != DP_IO_PCAP_IN ||
		!io->pcap[io->replay_i].open))
		io->replay_i++;
	if (io->replay_i == io->npcap) {
		uv_idle_stop(&io->idle);
		io->replaying = false;
		if (io->replay_cb != NULL)
			io->replay_cb(io->replay_arg);
		return;
	}
	p = &io->pcap[io->replay_i];
	io->use_ts = true;
	for (i = 0; i < DP_IO_BATCH; i++) {
		rc = dp_pcap_read(&p->pc, io->frame + DP_FWD_ROOM,
		    DP_IO_FRAME_MAX, &len, &io->ts_usec);
		if (rc == 1 && p->vif == DP_VIF_MAX) {
			p->ctr.rx_drops++; /* the vif was deleted meanwhile */
			continue;
		}
		if (rc == 1) {
			p->ctr.rx_frames++;
			p->ctr.rx_bytes += len;
			io->rx(io->rx_arg, p->vif, io->frame + DP_FWD_ROOM, len,
			    DP_FWD_ROOM);
			continue;
		}
		if (rc < 0)
			log_warnx("%s: %s", p->path, p->pc.err);
		log_info("%s: replayed %llu frames into vif %u", p->path,
		    (unsigned long long)p->ctr.rx_frames, p->vif);
		pcap_close(p);
		io->replay_i++;
		break;
	}
	if (i > 0)
		p->ctr.rx_batches++;
	dp_io_flush(io);
	io->use_ts = false;
}

int
dp_io_replay(struct dp_io *io, dp_io_replay_cb cb, void *arg)
{
	unsigned i;

	if (io->replaying || io->closing)
		return -EBUSY;
	for (i = 0; i < io->npcap; i++) {
		struct dp_io_pcap *p = &io->pcap[i];

		if (p->kind != DP_IO_PCAP_IN || !p->open)
			continue;
		if ((p->vif = pcap_resolve(io, p)) == DP_VIF_MAX) {
			log_warnx(
			    "--pcap-in %s=%s: no such vif", p->spec, p->path);
			return -ENOENT;
		}
	}
	io->replay_i = 0;
	io->replay_cb = cb;
	io->replay_arg = arg;
	io->replaying = true;
	return uv_idle_start(&io->idle, replay_idle_cb);
}

bool
dp_io_replaying(const struct dp_io *io)
{
	return io->replaying;
}

/* Life cycle */

struct dp_io *
dp_io_new(uv_loop_t *loop, struct dp *dp, const struct dp_io_cfg *cfg,
    dp_io_rx_cb rx, void *rx_arg, int *err)
{
	static const uint16_t ports[DP_IO_SOCK__MAX] = {
	    DP_PORT_MPLSOUDP, DP_PORT_VXLAN, 0, 0};
	struct dp_io *io;
	unsigned i;
	int rc;

	io = xcalloc(1, sizeof(*io));
	io->loop = loop;
	io->dp = dp;
	io->cfg = *cfg;
	io->rx = rx;
	io->rx_arg = rx_arg;
	io->fabric_vif = DP_VIF_MAX;
	io->frame = xmalloc(DP_FWD_ROOM + DP_IO_FRAME_MAX);
	for (i = 0; i < DP_IO_SOCK__MAX; i++)
		io->udp[i].fd = -1;
	(void)uv_idle_init(loop, &io->idle);
	io->idle.data = io;
	io->nopen++;
	if (cfg->underlay.s_addr != INADDR_ANY) {
		io->rbuf = xmalloc((size_t)DP_IO_BATCH * DP_IO_SLOT);
		for (i = 0; i < DP_IO_SOCK__MAX; i++) {
			rc = i == DP_IO_SOCK_GRE
			    ? gre_open(io, &io->udp[i])
			    : udp_open(io, &io->udp[i], ports[i]);
			if (rc != 0) {
				*err = rc;
				dp_io_close(io, NULL, NULL);
				return NULL;
			}
		}
		io->has_udp = true;
	}
	*err = 0;
	return io;
}

static void
udp_closed(uv_handle_t *h)
{
	struct dp_io_udp *u = h->data;

	io_handle_done(u->io);
}

void
dp_io_close(struct dp_io *io, dp_io_close_cb cb, void *arg)
{
	unsigned i;

	if (io->closing)
		return;
	dp_io_flush(io);
	io->closing = true;
	io->close_cb = cb;
	io->close_arg = arg;
	for (i = 0; i < DP_VIF_MAX; i++)
		if (io->tap[i] != NULL)
			tap_close(io, io->tap[i]);
	for (i = 0; i < DP_IO_SOCK__MAX; i++) {
		struct dp_io_udp *u = &io->udp[i];

		if (u->fd == -1)
			continue;
		if (u->poll.data != NULL) { /* handle initialised */
			uv_poll_stop(&u->poll);
			uv_close((uv_handle_t *)&u->poll, udp_closed);
		}
		close(u->fd);
		u->fd = -1;
	}
	for (i = 0; i < io->npcap; i++)
		pcap_close(&io->pcap[i]);
	io->replaying = false;
	uv_close((uv_handle_t *)&io->idle, io_handle_closed);
}

/* Counters */

static void
port_name(char *buf, size_t len, const char *kind, const char *what)
{
	snprintf(buf, len, "%s %s", kind, what);
}

bool
dp_io_port_next(
    const struct dp_io *io, uint32_t *pos, struct dp_io_port_stats *st)
{
	const uint32_t tap0 = DP_IO_SOCK__MAX, pcap0 = tap0 + DP_VIF_MAX;
	const uint32_t end = pcap0 + DP_IO_PCAP_MAX;
	char abuf[INET_ADDRSTRLEN], what[48];
	uint32_t i;

	for (; *pos <= end; (*pos)++) {
		i = *pos;
		memset(st, 0, sizeof(*st));
		st->vif = DP_VIF_MAX;
		if (i < tap0) {
			const struct dp_io_udp *u = &io->udp[i];

			if (u->fd == -1)
				continue;
			st->kind = i == DP_IO_SOCK_GRE ? DP_IO_GRE : DP_IO_UDP;
			st->vif = io->fabric_vif;
			inet_ntop(
			    AF_INET, &io->cfg.underlay, abuf, sizeof(abuf));
			if (st->kind == DP_IO_GRE)
				snprintf(what, sizeof(what), "%s", abuf);
			else
				snprintf(
				    what, sizeof(what), "%s:%u", abuf, u->port);
			port_name(st->name, sizeof(st->name),
			    st->kind == DP_IO_GRE ? "gre" : "udp", what);
			st->ctr = u->ctr;
		} else if (i < pcap0) {
			const struct dp_io_tap *t = io->tap[i - tap0];

			if (t == NULL)
				continue;
			st->kind = DP_IO_TAP;
			st->vif = t->vif;
			port_name(st->name, sizeof(st->name), "tap", t->name);
			st->ctr = t->ctr;
		} else if (i < end) {
			const struct dp_io_pcap *p = &io->pcap[i - pcap0];

			if (i - pcap0 >= io->npcap)
				continue;
			st->kind = p->kind;
			st->vif = p->vif;
			port_name(st->name, sizeof(st->name),
			    p->kind == DP_IO_PCAP_IN ? "pcap-in" : "pcap-out",
			    p->path);
			st->ctr = p->ctr;
		} else {
			st->kind = DP_IO_NOPORT;
			port_name(
			    st->name, sizeof(st->name), "none", "(no port)");
			st->ctr = io->noport;
		}
		(*pos)++;
		return true;
	}
	return false;
}

void
dp_io_print_stats(const struct dp_io *io, FILE *f)
{
	struct dp_io_port_stats st;
	uint32_t pos = 0;

	while (dp_io_port_next(io, &pos, &st)) {
		const struct dp_io_ctr *c = &st.ctr;

		if (st.vif < DP_VIF_MAX)
			fprintf(f, "%s vif %u:", st.name, st.vif);
		else
			fprintf(f, "%s:", st.name);
		fprintf(f,
		    " rx %llu frames %llu bytes %llu batches %llu drops;"
		    " tx %llu frames %llu bytes %llu batches %llu eagain"
		    " %llu errors %llu bad",
		    (unsigned long long)c->rx_frames,
		    (unsigned long long)c->rx_bytes,
		    (unsigned long long)c->rx_batches,
		    (unsigned long long)c->rx_drops,
		    (unsigned long long)c->tx_frames,
		    (unsigned long long)c->tx_bytes,
		    (unsigned long long)c->tx_batches,
		    (unsigned long long)c->tx_eagain,
		    (unsigned long long)c->tx_errors,
		    (unsigned long long)c->tx_bad);
		if (st.kind == DP_IO_GRE)
			fprintf(f, "; rx %llu foreign",
			    (unsigned long long)c->rx_foreign);
		fputc('\n', f);
	}
}
