/*
 * dp_io.h - the packet I/O of one datapath (DESIGN.md section 5): a TAP
 * device per VM vif, UDP sockets on the underlay address for the fabric
 * vif (MPLSoUDP 6635, VXLAN 4789, and one ephemeral port for other UDP
 * such as mirror copies), and pcap-file ports for offline tests and
 * benchmarks.  Batched receive and send, buffers allocated once.
 */
#ifndef SDN_DP_IO_H
#define SDN_DP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <uv.h>

#include "datapath/dp.h"

/* dp_fabric.c: the synthetic headers of the fabric port (pure codec). */

#define DP_IO_BATCH     32 /* frames read per wakeup, datagrams per sendmmsg */
#define DP_IO_FRAME_MAX DP_PKT_MAX /* largest frame read from a tap */
/* Largest UDP payload received or sent on the fabric: a VXLAN frame of
 * the largest MTU (Ethernet, one VLAN tag, VXLAN header) with room to
 * spare; a longer datagram is cut by the kernel and dropped. */
#define DP_IO_DGRAM_MAX 9472
/* The fixed MAC the synthetic header gives the sender of a datagram. */
#define DP_IO_PEER_MAC_INIT                                                    \
	{                                                                      \
		{                                                              \
			0x02, 0x00, 0x00, 0xff, 0xff, 0xfe                     \
		}                                                              \
	}

/* The addresses of one datagram; addresses and ports in host order. */
struct dp_fab_addr {
	struct macaddr dmac; /* Ethernet destination (our fabric vif's MAC) */
	struct macaddr smac; /* Ethernet source (DP_IO_PEER_MAC_INIT) */
	uint32_t src;        /* IPv4 source: the sender */
	uint32_t dst;        /* IPv4 destination: our underlay address */
	uint16_t sport;      /* UDP source port */
	uint16_t dport;      /* UDP destination port */
};

/*
 * Writes the DP_UDP4_OVERHEAD bytes of Ethernet + IPv4 (TTL 64, header
 * checksummed, no options) + UDP (checksum 0) that describe a datagram
 * of paylen bytes into hdr, which the payload follows.  0, or -EMSGSIZE
 * when the IPv4 datagram would pass 65535 bytes (nothing written).
 */
int dp_fab_hdr_build(uint8_t *hdr, const struct dp_fab_addr *a, size_t paylen);
/*
 * Reads a whole Ethernet/IPv4/UDP frame the engine sends on the fabric:
 * *a gets its addresses, *pay and *paylen the UDP payload (borrowed from
 * frame).  The IPv4 total length and UDP length bound the payload
 * (Ethernet padding is ignored).  0, -EPROTO (cut, not IPv4 or UDP, bad
 * lengths) or -EINVAL (a fragment, destination 0.0.0.0 or port 0).
 */
int dp_fab_tx_parse(const uint8_t *frame, size_t len, struct dp_fab_addr *a,
    const uint8_t **pay, size_t *paylen);
/*
 * Reads a whole Ethernet/IPv4/GRE frame the engine sends on the fabric:
 * *dst the outer destination (host order), *pay and *paylen the IPv4
 * payload (GRE header and inner frame, borrowed), bounded by the total
 * length.  0, -EPROTO (cut, not IPv4/GRE, bad lengths) or -EINVAL (a
 * fragment, destination 0.0.0.0).
 */
int dp_fab_gre_tx_parse(const uint8_t *frame, size_t len, uint32_t *dst,
    const uint8_t **pay, size_t *paylen);
/*
 * Makes a frame of an IPv4 datagram read from a raw socket: frame holds
 * DP_ETH_HLEN bytes of room, then iplen bytes received.  Checks the
 * version, the header length (20..60, within iplen) and the total
 * length (at least the header, at most iplen: bytes past it dropped),
 * then writes a->dmac, a->smac and EtherType IPv4 in the room.  *flen
 * gets the frame's length, *dst the IPv4 destination (host order).
 * 0 or -EPROTO (nothing written).
 */
int dp_fab_ip4_wrap(uint8_t *frame, size_t iplen, const struct dp_fab_addr *a,
    size_t *flen, uint32_t *dst);

/* dp_io.c: the ports. */

enum dp_io_port_kind {
	DP_IO_TAP = 1,  /* a VM vif's tap device */
	DP_IO_UDP,      /* one fabric UDP socket */
	DP_IO_PCAP_IN,  /* a pcap file replayed into a vif */
	DP_IO_PCAP_OUT, /* a pcap file recording a vif's transmits */
	DP_IO_NOPORT,   /* frames sent to a vif without a port */
	DP_IO_GRE,      /* the fabric's raw IPv4 socket of protocol 47 */
};

/* Counters of one port. */
struct dp_io_ctr {
	uint64_t rx_batches; /* wakeups (or recvmmsg calls) with frames */
	uint64_t rx_frames;  /* frames received */
	uint64_t rx_bytes;   /* their bytes */
	uint64_t rx_drops;   /* received but not forwarded: cut, no vif */
	uint64_t rx_foreign; /* GRE to another address (not ours), dropped */
	uint64_t tx_batches; /* sendmmsg calls (1 per write for a tap) */
	uint64_t tx_frames;  /* frames or datagrams sent */
	uint64_t tx_bytes;   /* their bytes */
	uint64_t tx_eagain;  /* dropped: the socket or tap was full */
	uint64_t tx_errors;  /* dropped: any other send error */
	uint64_t tx_bad;     /* dropped: a frame the port cannot send (on
				"none": also GRE without a raw socket) */
};

/* One port's name and counters, for dp_io_port_next. */
struct dp_io_port_stats {
	enum dp_io_port_kind kind; /* what it is */
	uint32_t vif;              /* vif index, or DP_VIF_MAX for none */
	char name[64];             /* "tap mtap1", "udp 127.0.0.1:6635" */
	struct dp_io_ctr ctr;      /* counters */
};

struct dp_io_cfg {
	struct in_addr underlay; /* fabric address, network order; 0: none */
	bool no_tap; /* VM vifs get no tap (pcap ports only, no root) */
};

/*
 * What dp_io does with a frame received on vif: the binary calls dp_fwd
  * (tests stub it), so this file does not depend on the engine.  frame is
 * writable and borrowed until the callback returns, and so are the room
 * bytes in front of it (DP_FWD_ROOM: dp_fwd_room writes tunnel headers
 * there instead of copying the frame).
 */
typedef void (*dp_io_rx_cb)(
    void *arg, uint32_t vif, uint8_t *frame, size_t len, size_t room);
/* Called once when every pcap-in port has been replayed. */
typedef void (*dp_io_replay_cb)(void *arg);
/* Called once dp_io_close has closed every handle; io is freed after. */
typedef void (*dp_io_close_cb)(void *arg);

struct dp_io;
/*
 * The I/O layer of dp in loop.  With an underlay address it binds the
 * three fabric sockets at once; NULL and *err = -errno if one fails.
 * Frames received go to rx(rx_arg, ...).  On failure the handles
 * opened so far close when the loop runs.
 */
struct dp_io *dp_io_new(uv_loop_t *loop, struct dp *dp,
    const struct dp_io_cfg *cfg, dp_io_rx_cb rx, void *rx_arg, int *err);
/* Closes every port and handle; cb(arg) once they are closed. */
void dp_io_close(struct dp_io *io, dp_io_close_cb cb, void *arg);
/*
 * The dp_tx_fn to give dp_set_tx(dp, dp_io_tx, io): VM vif -> its tap,
 * fabric vif -> the UDP socket of the outer destination port, and a
 * copy to the vif's pcap-out file if any.  0 or -1 (counted).
 */
int dp_io_tx(void *io, const struct dp_vif *vif, const uint8_t *frame,
    size_t len, bool mirror);
/* Sends every queued datagram (done after each receive batch too). */
void dp_io_flush(struct dp_io *io);

/*
 * The dp_srv_ops hooks: a VM vif gets a tap of its name (opened, link
 * up, its MAC and MTU set); a fabric vif takes the fabric sockets; a
 * vif named by a pcap-out port starts recording.  0 or -errno.
 */
int dp_io_vif_added(void *io, const struct dp_vif *v);
/* Closes the vif's tap and stops what refers to it. */
void dp_io_vif_deleting(void *io, const struct dp_vif *v);

/*
 * Records every frame sent on vif (an index or a name) into path, from
 * when the vif exists.  0, -EINVAL (bad spec, too many) or -errno.
 */
int dp_io_pcap_out(struct dp_io *io, const char *vif, const char *path);
/* Queues path for replay into vif (index or name) by dp_io_replay. */
int dp_io_pcap_in(struct dp_io *io, const char *vif, const char *path);
/*
 * Replays the pcap-in files in order, DP_IO_BATCH records per loop
 * iteration, each into dp_fwd on its vif; cb(arg) when all are done.
 * 0, or -ENOENT when a file's vif does not exist (nothing replayed).
 */
int dp_io_replay(struct dp_io *io, dp_io_replay_cb cb, void *arg);
/* Whether a replay is still running. */
bool dp_io_replaying(const struct dp_io *io);

/* Port iteration: start with *pos = 0; false at the end. */
bool dp_io_port_next(
    const struct dp_io *io, uint32_t *pos, struct dp_io_port_stats *st);
/* Prints every port's counters, one line each, to f. */
void dp_io_print_stats(const struct dp_io *io, FILE *f);

#endif /* SDN_DP_IO_H */
