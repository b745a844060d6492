/*
 * dp.h - public header of libdp.la, the user-space datapath: packet
 * decode, encapsulation builders, the Juniper mirror header, pcap files.
 */
#ifndef SDN_DP_H
#define SDN_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/common.h"

/* dp_pkt.c, dp_encap.c, dp_jhdr.c, dp_pcap.c */

#define DP_ETH_HLEN       14    /* DMAC, SMAC, EtherType */
#define DP_VLAN_HLEN      4     /* one 802.1Q tag */
#define DP_IP4_HLEN       20    /* IPv4 without options */
#define DP_IP6_HLEN       40    /* IPv6 fixed header */
#define DP_UDP_HLEN       8     /* UDP header */
#define DP_VXLAN_HLEN     8     /* flags, reserved, VNI, reserved */
#define DP_MPLS_HLEN      4     /* one label stack entry */
#define DP_PKT_MAX        65535 /* largest frame decoded or built */
#define DP_PKT_MAX_LABELS 4     /* MPLS labels walked before giving up */
#define DP_PKT_MAX_EXTHDR 4     /* IPv6 extension headers walked */
#define DP_PKT_MAX_DEPTH  2     /* levels: outer, one inner (not again) */
#define DP_PORT_VXLAN     4789  /* IANA VXLAN */
#define DP_PORT_MPLSOUDP  6635  /* RFC 7510 MPLS-in-UDP */
#define DP_PORT_JMIRROR   8099  /* default analyzer port (mode 1) */
#define DP_SPORT_MIN      49152 /* mirror source ports: 49152-65535 */

#define DP_ETHERTYPE_IP4  0x0800
#define DP_ETHERTYPE_ARP  0x0806
#define DP_ETHERTYPE_VLAN 0x8100
#define DP_ETHERTYPE_IP6  0x86dd

#define DP_IPPROTO_ICMP  1
#define DP_IPPROTO_TCP   6
#define DP_IPPROTO_UDP   17
#define DP_IPPROTO_ICMP6 58

/* Why a packet was dropped; dp_drop_name() gives a stable name. */
enum dp_drop {
	DP_DROP_NONE = 0,
	DP_DROP_TRUNCATED,       /* a header runs past the frame */
	DP_DROP_BAD_VERSION,     /* IP version does not match EtherType */
	DP_DROP_BAD_HLEN,        /* IPv4 IHL < 5 or TCP offset < 5 */
	DP_DROP_BAD_CSUM,        /* IPv4 header checksum */
	DP_DROP_BAD_LEN,         /* IP/UDP length field vs the bytes */
	DP_DROP_OVERSIZE,        /* frame above DP_PKT_MAX */
	DP_DROP_BAD_VXLAN,       /* VXLAN I flag clear */
	DP_DROP_TOO_MANY_LABELS, /* no bottom of stack in time */
	DP_DROP_TOO_MANY_EXTHDR, /* IPv6 extension chain too long */
	DP_DROP_BAD_ARP,         /* ARP not Ethernet/IPv4 */
	DP_DROP_BAD_MPLS,        /* label payload neither IP nor Ethernet */
	DP_DROP__MAX
};
/* A constant name per reason ("truncated", ...); "unknown" out of range. */
const char *dp_drop_name(enum dp_drop reason);

/* Flags of struct dp_hdrs. */
#define DP_F_VLAN  0x0001 /* 802.1Q tag present */
#define DP_F_ARP   0x0002 /* ARP */
#define DP_F_IP4   0x0004 /* IPv4 */
#define DP_F_IP6   0x0008 /* IPv6 */
#define DP_F_FRAG  0x0010 /* IP fragment (no L4 unless offset 0) */
#define DP_F_IPOPT 0x0020 /* IPv4 options present */
#define DP_F_UDP   0x0040 /* UDP */
#define DP_F_TCP   0x0080 /* TCP */
#define DP_F_ICMP  0x0100 /* ICMP or ICMPv6 */
#define DP_F_L4    (DP_F_UDP | DP_F_TCP | DP_F_ICMP)
#define DP_F_NOETH 0x0200 /* level starts at IP (MPLS L3 label) */

/* One level of headers; offsets are from the start of the whole frame. */
struct dp_hdrs {
	uint32_t flags;     /* DP_F_* */
	uint16_t l2_off;    /* Ethernet header (if !DP_F_NOETH) */
	uint16_t l3_off;    /* IP or ARP header */
	uint16_t l4_off;    /* L4 header if DP_F_L4, else where it would be */
	uint16_t pay_off;   /* first byte after the L4 header */
	uint16_t end;       /* end of the IP datagram (<= frame len) */
	uint16_t ethertype; /* after the VLAN tag */
	uint16_t vlan_tci;  /* if DP_F_VLAN */
	uint8_t proto;      /* IP protocol (last next-header for v6) */
	uint8_t ttl;        /* TTL or hop limit */
	uint8_t src[16];    /* IPv4 in the first 4 bytes, or IPv6 */
	uint8_t dst[16];    /* same */
	uint16_t sport;     /* UDP/TCP; ICMP type<<8|code */
	uint16_t dport;     /* UDP/TCP; ICMP echo id */
	uint8_t tcp_flags;  /* if DP_F_TCP */
	uint16_t arp_op;    /* if DP_F_ARP */
};

/* Overlay encapsulation found at the outer level. */
enum dp_encap {
	DP_ENCAP_NONE = 0,
	DP_ENCAP_VXLAN,    /* UDP 4789 */
	DP_ENCAP_MPLSOUDP, /* UDP 6635 */
};

/* A decoded frame: outer headers, and inner ones behind an overlay. */
struct dp_pkt {
	uint16_t len;         /* frame length */
	struct dp_hdrs outer; /* the frame's own headers */
	enum dp_encap encap;  /* DP_ENCAP_NONE: inner unset */
	uint32_t vni;         /* VXLAN VNI */
	uint32_t label;       /* MPLS bottom-of-stack label */
	uint8_t nlabels;      /* labels in the stack */
	uint16_t inner_off;   /* inner Ethernet frame, or inner IP */
	struct dp_hdrs inner; /* inner headers, if encap */
};

/*
 * Decodes frame (len bytes, borrowed) into *p without allocating.
 * Returns 0, or -1 with *reason set (p then partly filled).
 */
int dp_pkt_decode(
    const uint8_t *frame, size_t len, struct dp_pkt *p, enum dp_drop *reason);
/*
 * After an MPLS label lookup: decodes the payload behind the label stack
 * again as IP (l3) or as an Ethernet frame, overriding the first-nibble
 * guess of dp_pkt_decode().  p must come from a successful decode of the
 * same frame with encap DP_ENCAP_MPLSOUDP.  0, or -1 with *reason.
 */
int dp_pkt_decode_mpls(
    const uint8_t *frame, struct dp_pkt *p, bool l3, enum dp_drop *reason);
/* The Internet checksum (RFC 1071) of len bytes, folded, not inverted. */
uint16_t dp_csum_fold(const uint8_t *data, size_t len, uint32_t sum);

/* Outer Ethernet + IPv4 + UDP for a tunnel or a mirror copy. */
struct dp_udp4 {
	uint8_t dmac[6]; /* next hop MAC */
	uint8_t smac[6]; /* our MAC */
	uint32_t src;    /* IPv4 source, host order */
	uint32_t dst;    /* IPv4 destination, host order */
	uint16_t sport;  /* UDP source port */
	uint16_t dport;  /* UDP destination port */
	uint8_t ttl;     /* 0 means 64 */
	uint16_t ip_id;  /* IPv4 identification */
};
#define DP_UDP4_OVERHEAD (DP_ETH_HLEN + DP_IP4_HLEN + DP_UDP_HLEN)

/*
 * Writes Ethernet, IPv4 (checksummed, DF clear) and UDP (checksum 0,
 * allowed for IPv4) and then the len payload bytes into w.  Returns 0,
 * -EMSGSIZE when the datagram would pass DP_PKT_MAX, or -ENOBUFS when w
 * is full (nothing usable written then).
 */
int dp_encap_udp4(struct wbuf *w, const struct dp_udp4 *u,
    const uint8_t *payload, size_t len);
/* The same with a VXLAN header (I flag, vni < 2^24) before frame. */
int dp_encap_vxlan(struct wbuf *w, const struct dp_udp4 *u, uint32_t vni,
    const uint8_t *frame, size_t len);
/* The same with one MPLS label (bottom of stack, TTL 64, label < 2^20). */
int dp_encap_mplsoudp(struct wbuf *w, const struct dp_udp4 *u, uint32_t label,
    const uint8_t *frame, size_t len);
/*
 * Mirror UDP source port of a decoded frame: FNV-1a (32-bit) over the
 * innermost level's protocol, source and destination addresses (4 or 16
 * bytes) and ports, in that order, mapped to 49152 + hash % 16384.
 */
uint16_t dp_mirror_sport(const struct dp_pkt *p);

/* The Juniper mirror header (reference §6.2). */
#define DP_JHDR_CAPTURE_HOST 1
#define DP_JHDR_FLAGS        2
#define DP_JHDR_SRC_VN       3
#define DP_JHDR_DST_VN       4
#define DP_JHDR_END          255
#define DP_JHDR_F_INGRESS    0x40000000u /* FLAGS bit 30 */
#define DP_JHDR_VN_MAX       255         /* VN name bytes (one-byte length) */
#define DP_JHDR_MAX          (6 + 6 + 2 * (2 + DP_JHDR_VN_MAX) + 2) /* 528 */

#define DP_JHDR_HAS_HOST  0x01 /* TLV 1 present */
#define DP_JHDR_HAS_FLAGS 0x02 /* TLV 2 present */
#define DP_JHDR_HAS_SRC   0x04 /* TLV 3 present */
#define DP_JHDR_HAS_DST   0x08 /* TLV 4 present */

struct dp_jhdr {
	uint8_t has;        /* DP_JHDR_HAS_* */
	uint32_t host;      /* capture host IPv4, host order */
	uint32_t flags;     /* action bitmap | DP_JHDR_F_INGRESS */
	const char *src_vn; /* borrowed, not NUL-terminated on decode */
	size_t src_vn_len;  /* bytes of src_vn */
	const char *dst_vn; /* borrowed, likewise */
	size_t dst_vn_len;  /* bytes of dst_vn */
};

/* Port RX mirroring: TLV 3 only.  vn borrowed (NUL-terminated). */
void dp_jhdr_port_rx(struct dp_jhdr *j, const char *vn);
/* Port TX mirroring: TLV 4 only. */
void dp_jhdr_port_tx(struct dp_jhdr *j, const char *vn);
/* Flow mirroring: TLVs 1, 2, 3, 4. */
void dp_jhdr_flow(struct dp_jhdr *j, uint32_t host, uint32_t flags,
    const char *src_vn, const char *dst_vn);
/*
 * Writes the TLVs present in j, in type order, then FF 00.  Returns 0,
 * -EINVAL for a VN name above DP_JHDR_VN_MAX bytes (nothing written), or
 * -ENOBUFS when w is full.
 */
int dp_jhdr_encode(struct wbuf *w, const struct dp_jhdr *j);
/*
 * Reads TLVs up to FF 00 from data; *hlen gets the header length (the
 * original frame follows).  VN pointers borrow data.  Unknown types are
 * skipped; a TLV 1 or 2 of length other than 4 is -EPROTO; running out
 * of bytes is -EPROTO.  Returns 0 or -EPROTO.
 */
int dp_jhdr_decode(
    const uint8_t *data, size_t len, struct dp_jhdr *j, size_t *hlen);

/* Classic pcap files, microseconds, DLT_EN10MB (1). */
#define DP_PCAP_MAGIC        0xa1b2c3d4u /* microsecond, native order */
#define DP_PCAP_LINKTYPE_ETH 1           /* DLT_EN10MB */
#define DP_PCAP_SNAPLEN_MAX  262144u     /* largest snaplen accepted */
#define DP_PCAP_PKT_MAX      DP_PKT_MAX  /* largest record read or written */
#define DP_PCAP_ERRLEN       128         /* bytes of the error message */

struct dp_pcap {
	FILE *f;                  /* owned */
	bool swapped;             /* file in the other byte order */
	bool writing;             /* opened by dp_pcap_open_write */
	uint32_t snaplen;         /* from the file, or given */
	uint64_t records;         /* records read or written */
	char err[DP_PCAP_ERRLEN]; /* last error, "" if none */
};

/*
 * Opens path and checks the global header: magic (either byte order,
 * microsecond only), version 2.4, link type Ethernet, snaplen at most
 * DP_PCAP_SNAPLEN_MAX.  Returns 0, -errno, or -EPROTO with pc->err set.
 */
int dp_pcap_open_read(struct dp_pcap *pc, const char *path);
/*
 * Reads the next record into buf (cap bytes): *len captured bytes,
 * *ts_usec the time.  Returns 1, 0 at a clean end of file, or -EPROTO
 * (pc->err set) on a cut record or a length above snaplen, cap or
 * DP_PCAP_PKT_MAX.
 */
int dp_pcap_read(struct dp_pcap *pc, uint8_t *buf, size_t cap, size_t *len,
    uint64_t *ts_usec);
/* Creates path with a global header for snaplen.  0 or -errno/-EINVAL. */
int dp_pcap_open_write(struct dp_pcap *pc, const char *path, uint32_t snaplen);
/* Appends a record, cut to snaplen.  0, -EMSGSIZE (> DP_PKT_MAX), -errno. */
int dp_pcap_write(
    struct dp_pcap *pc, uint64_t ts_usec, const uint8_t *data, size_t len);
/* Closes the file; for a writer, 0 or -errno from the final flush. */
int dp_pcap_close(struct dp_pcap *pc);

#endif /* SDN_DP_H */
