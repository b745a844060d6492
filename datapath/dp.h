/*
 * dp.h - the public interface of libdp.la, the datapath of mirador-vrouter
 * (DESIGN.md section 5): the forwarding tables (vif, nexthop, per-VRF
 * inet and bridge, MPLS label and VXLAN VNI, mirror, flow) and the
 * packet codec.  Depends on common/ only.
 */
#ifndef SDN_DP_H
#define SDN_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/common.h"

/* dp_vif.c, dp_nh.c, dp_rt.c, dp_bridge.c, dp_label.c, dp_mirror.c, dp_flow.c */

/*
 * Limits.  Every index is checked against these at programming time and
 * a value outside gets -EINVAL with nothing changed.
 */
#define DP_VIF_MAX      4096     /* vif indexes 0..DP_VIF_MAX-1 */
#define DP_VIF_NAME_MAX 15       /* bytes of a vif name (IFNAMSIZ - 1) */
#define DP_VIF_MTU_MIN  68       /* RFC 791 minimum */
#define DP_VIF_MTU_MAX  9216     /* jumbo frames */
#define DP_NH_MAX       65536    /* nexthop indexes 1..DP_NH_MAX-1; 0 is none */
#define DP_NH_COMP_MAX  32       /* members of a composite nexthop */
#define DP_VRF_MAX      4096     /* VRF ids 0..DP_VRF_MAX-1 */
#define DP_RT_MAX       262144   /* routes over all VRFs, both families */
#define DP_BRIDGE_MAX   65536    /* MAC entries over all VRFs */
#define DP_MPLS_MAX     65536    /* entries in the MPLS label table */
#define DP_MPLS_MIN     16       /* labels 0..15 are reserved (RFC 3032) */
#define DP_LABEL_MAX    0xfffff  /* largest MPLS label (20 bits) */
#define DP_VXLAN_MAX    16384    /* entries in the VXLAN VNI table */
#define DP_GRE_MAX      16384    /* entries in the GRE key table */
#define DP_VNI_MAX      0xffffff /* largest VNI (24 bits); 0 is invalid */
#define DP_MIRROR_MAX   256      /* mirror indexes 0..DP_MIRROR_MAX-1 */
#define DP_VN_NAME_MAX  255      /* bytes of a VN or analyzer name */
#define DP_SNAPLEN_MAX  65535    /* largest snap length; 0 is no truncation */
#define DP_SAMPLE_MAX   1000000  /* largest 1-in-N sampling rate */
#define DP_VLAN_MAX     4095     /* largest VLAN id of a mirror filter */
#define DP_FLOW_MAX     1048576  /* largest table size given to dp_new */
#define DP_FLOW_AGE_MAX 4096     /* flows examined by one dp_flow_age call */
#define DP_FLOW_MIRRORS 2        /* mirror indexes per flow */
#define DP_MIRROR_NONE  0xffffffffu /* no mirror index */

/* Packet and byte counters, updated by the forwarding thread. */
struct dp_ctr {
	uint64_t pkts;  /* packets */
	uint64_t bytes; /* bytes of those packets */
};

/* Counts one packet of len bytes. */
static inline void
dp_ctr_add(struct dp_ctr *c, uint64_t len)
{
	c->pkts++;
	c->bytes += len;
}

/*
 * dp_tab.c: the tables of one datapath instance.  Only the loop thread changes
 * them (STYLE.md C4).
 */
struct dp;
/* An empty instance whose flow table holds at most flow_max entries
 * (1..DP_FLOW_MAX, both directions counted); NULL if out of range. */
struct dp *dp_new(uint32_t flow_max);
/* Frees every table and entry. */
void dp_free(struct dp *dp);

/* dp_vif.c: interfaces. */
enum dp_vif_kind {
	DP_VIF_VM = 1, /* a VM tap */
	DP_VIF_FABRIC, /* the underlay */
	DP_VIF_AGENT,  /* the agent's packet channel */
};
#define DP_VIF_MIRROR_RX 0x01u /* mirror what the VM sends (ingress) */
#define DP_VIF_MIRROR_TX 0x02u /* mirror what the VM receives (egress) */
struct dp_vif_cfg {
	uint32_t idx;          /* < DP_VIF_MAX */
	enum dp_vif_kind kind; /* one of enum dp_vif_kind */
	const char *name;      /* 1..DP_VIF_NAME_MAX bytes, copied */
	struct macaddr mac;    /* the interface's MAC */
	uint32_t vrf;          /* < DP_VRF_MAX */
	uint32_t flags;        /* DP_VIF_MIRROR_* */
	uint32_t mirror; /* existing mirror index if flags, else ignored */
	uint32_t mtu;    /* DP_VIF_MTU_MIN..DP_VIF_MTU_MAX */
};
struct dp_vif {
	uint32_t idx;                   /* index */
	enum dp_vif_kind kind;          /* kind */
	char name[DP_VIF_NAME_MAX + 1]; /* NUL-terminated */
	struct macaddr mac;             /* MAC */
	uint32_t vrf;                   /* VRF */
	uint32_t flags;                 /* DP_VIF_MIRROR_* */
	uint32_t mirror;                /* DP_MIRROR_NONE when no flags */
	uint32_t mtu;                   /* MTU */
	uint32_t refcnt;                /* nexthops using it */
	struct dp_ctr rx;               /* received from the interface */
	struct dp_ctr tx;               /* sent to the interface */
	struct dp_ctr drop;             /* dropped */
};
/*
 * Adds a vif (it holds a ref on its mirror entry while mirroring).  The
 * same index again with the same kind and name updates its MAC, VRF,
 * mirror flags and index, and MTU in place.  0, -EINVAL (bad field or
 * mirror missing) or -EEXIST (the index holds another vif).
 */
int dp_vif_add(struct dp *dp, const struct dp_vif_cfg *cfg);
/* 0, -ENOENT, or -EBUSY while a nexthop uses it. */
int dp_vif_del(struct dp *dp, uint32_t idx);
/* Borrowed vif or NULL. */
struct dp_vif *dp_vif_lookup(const struct dp *dp, uint32_t idx);
/* Iteration in index order: start with *pos = 0; NULL at the end. */
struct dp_vif *dp_vif_next(const struct dp *dp, uint32_t *pos);

/* dp_nh.c: nexthops. */
enum dp_nh_type {
	DP_NH_DISCARD = 1, /* drop */
	DP_NH_RECEIVE,     /* to the host (agent vif) */
	DP_NH_ENCAP,       /* to a local vif with an L2 rewrite */
	DP_NH_TUNNEL,      /* MPLSoUDP, VXLAN or GRE over a fabric vif */
	DP_NH_MIRROR_UDP,  /* UDP to an analyzer ip:port */
	DP_NH_COMPOSITE,   /* ECMP or L2 flood over member nexthops */
};
enum dp_tun_type {
	DP_TUN_MPLSOUDP = 1, /* label in an MPLS header, UDP port 6635 */
	DP_TUN_VXLAN,        /* VNI in a VXLAN header, UDP port 4789 */
	DP_TUN_GRE,          /* 32-bit key in a GRE header, IPv4 protocol 47 */
};
struct dp_nh {
	uint32_t idx;         /* 1..DP_NH_MAX-1 */
	enum dp_nh_type type; /* kind; the fields used depend on it */
	uint32_t vrf;         /* < DP_VRF_MAX */
	uint32_t vif;         /* ENCAP, TUNNEL: the vif out (must exist) */
	struct macaddr dmac;  /* ENCAP: inner dst; TUNNEL: outer dst MAC */
	struct macaddr smac;  /* ENCAP, TUNNEL: source MAC written */
	/* TUNNEL */
	enum dp_tun_type tun; /* encapsulation */
	struct in_addr sip;   /* outer source IPv4 */
	struct in_addr dip;   /* outer destination IPv4 (not 0) */
	uint32_t
	    label; /* MPLS label (DP_MPLS_MIN..), VNI (1..), GRE key (any) */
	/* MIRROR_UDP */
	struct ipaddr an_ip; /* analyzer address, v4 or v6 */
	uint16_t an_port;    /* analyzer port, not 0 */
	/* COMPOSITE */
	bool ecmp;                     /* ECMP if true, else L2 flood */
	uint32_t ncomp;                /* 1..DP_NH_COMP_MAX members */
	uint32_t comp[DP_NH_COMP_MAX]; /* member nexthops, not composite */
	/* state (ignored in dp_nh_add's argument) */
	uint32_t refcnt;   /* routes, labels, mirrors, composites using it */
	struct dp_ctr ctr; /* packets sent through it */
};
/*
 * Adds a copy of nh (configuration fields only), taking a ref on its vif
 * or members.  0, -EINVAL (bad field, missing vif/member) or -EEXIST.
 */
int dp_nh_add(struct dp *dp, const struct dp_nh *nh);
/* 0, -ENOENT, or -EBUSY while anything uses it. */
int dp_nh_del(struct dp *dp, uint32_t idx);
/* Borrowed nexthop or NULL. */
struct dp_nh *dp_nh_lookup(const struct dp *dp, uint32_t idx);
/* Iteration in index order: start with *pos = 0; NULL at the end. */
struct dp_nh *dp_nh_next(const struct dp *dp, uint32_t *pos);
/* The ECMP member for a flow hash (a non-ECMP nexthop is itself). */
struct dp_nh *dp_nh_ecmp_pick(
    const struct dp *dp, const struct dp_nh *nh, uint64_t hash);

/*
 * dp_rt.c: per-VRF inet tables, one path-compressed binary trie per VRF
 * and family.  A lookup visits at most W + 1 nodes (W = 32 or 128), each
 * visit comparing at most 16 key bytes, so it is O(W) whatever the
 * number of routes; inserts and deletes are O(W) too.
 */
#define DP_VRF_MIRROR_DEST 0x01u /* deliver to all local ports (mirror) */
struct dp_rt_stats {
	uint32_t routes; /* prefixes with a nexthop */
	uint32_t nodes;  /* trie nodes, glue included */
};
/* Sets a VRF's DP_VRF_* flags.  0 or -EINVAL. */
int dp_vrf_set_flags(struct dp *dp, uint32_t vrf, uint32_t flags);
/* The VRF's flags (0 for a VRF never seen). */
uint32_t dp_vrf_flags(const struct dp *dp, uint32_t vrf);
/*
 * Adds or replaces the route p in vrf with nexthop nh (ref taken; the
 * replaced one's dropped).  0, -EINVAL (bad prefix, VRF or missing nh)
 * or -ENOSPC past DP_RT_MAX.
 */
int dp_rt_add(struct dp *dp, uint32_t vrf, const struct prefix *p, uint32_t nh);
/* Deletes exactly p.  0, -EINVAL or -ENOENT. */
int dp_rt_del(struct dp *dp, uint32_t vrf, const struct prefix *p);
/* The nexthop index of the longest prefix holding ip, or 0 for none;
 * *plen (may be NULL) gets the matched length. */
uint32_t dp_rt_lookup(
    const struct dp *dp, uint32_t vrf, const struct ipaddr *ip, uint8_t *plen);
/* Nexthop of exactly p, or 0. */
uint32_t dp_rt_get(const struct dp *dp, uint32_t vrf, const struct prefix *p);
/* Walk of one VRF's routes of family af; cb returning nonzero stops it
 * and is returned.  cb must not change the table. */
typedef int (*dp_rt_walk_cb)(const struct prefix *p, uint32_t nh, void *arg);
int dp_rt_walk(const struct dp *dp, uint32_t vrf, sa_family_t af,
    dp_rt_walk_cb cb, void *arg);
/* Counts of one VRF and family. */
void dp_rt_get_stats(
    const struct dp *dp, uint32_t vrf, sa_family_t af, struct dp_rt_stats *st);

/* dp_bridge.c: per-VRF bridge tables, MAC -> nexthop and label/VNI. */
struct dp_bridge {
	struct ht_node hn;  /* in the dp's bridge table */
	uint32_t vrf;       /* VRF */
	struct macaddr mac; /* key */
	uint32_t nh;        /* nexthop (ref held) */
	uint32_t label;     /* label or VNI to send with, 0 for none */
	struct dp_ctr ctr;  /* packets bridged to it */
};
/* Adds or replaces; 0, -EINVAL (VRF, missing nh) or -ENOSPC. */
int dp_bridge_add(struct dp *dp, uint32_t vrf, const struct macaddr *mac,
    uint32_t nh, uint32_t label);
/* 0 or -ENOENT. */
int dp_bridge_del(struct dp *dp, uint32_t vrf, const struct macaddr *mac);
/* Borrowed entry or NULL. */
struct dp_bridge *dp_bridge_lookup(
    const struct dp *dp, uint32_t vrf, const struct macaddr *mac);
/* Every entry; cb returning nonzero stops the walk and is returned. */
typedef int (*dp_bridge_walk_cb)(const struct dp_bridge *b, void *arg);
int dp_bridge_walk(const struct dp *dp, dp_bridge_walk_cb cb, void *arg);

/* dp_label.c: MPLS label table and VXLAN VNI table. */
/* label -> nh; adds or replaces.  0, -EINVAL or -ENOSPC. */
int dp_mpls_add(struct dp *dp, uint32_t label, uint32_t nh);
int dp_mpls_del(struct dp *dp, uint32_t label); /* 0 or -ENOENT */
/* The label's nexthop index, or 0. */
uint32_t dp_mpls_lookup(const struct dp *dp, uint32_t label);
/* vni -> VRF and nexthop; adds or replaces.  0, -EINVAL or -ENOSPC. */
int dp_vxlan_add(struct dp *dp, uint32_t vni, uint32_t vrf, uint32_t nh);
int dp_vxlan_del(struct dp *dp, uint32_t vni); /* 0 or -ENOENT */
/* The VNI's nexthop index (and *vrf), or 0. */
uint32_t dp_vxlan_lookup(const struct dp *dp, uint32_t vni, uint32_t *vrf);
/* Every label (vrf 0) or VNI entry, in hash order; cb returning nonzero
 * stops the walk and is returned.  cb must not change the table. */
typedef int (*dp_label_walk_cb)(
    uint32_t key, uint32_t vrf, uint32_t nh, void *arg);
int dp_mpls_walk(const struct dp *dp, dp_label_walk_cb cb, void *arg);
int dp_vxlan_walk(const struct dp *dp, dp_label_walk_cb cb, void *arg);
/*
 * GRE key -> nexthop (receiving side of GRE mirror tunnels): a GRE frame
 * from the fabric is handed, unchanged, to its key's nexthop.  Any
 * 32-bit key; adds or replaces.  0, -EINVAL (missing nh) or -ENOSPC.
 */
int dp_gre_add(struct dp *dp, uint32_t key, uint32_t nh);
int dp_gre_del(struct dp *dp, uint32_t key); /* 0 or -ENOENT */
/* The key's nexthop index, or 0. */
uint32_t dp_gre_lookup(const struct dp *dp, uint32_t key);
/* Every key (vrf 0), in hash order, as dp_mpls_walk. */
int dp_gre_walk(const struct dp *dp, dp_label_walk_cb cb, void *arg);

/* dp_mirror.c: the mirror table (reference/contrail-protocol.md 5). */
#define DP_MIRROR_DYNAMIC     0x01u /* to an analyzer VM, routed */
#define DP_MIRROR_STATIC      0x02u /* VXLAN to a configured VTEP */
#define DP_MIRROR_JUNIPER_HDR 0x04u /* Juniper TLV header (dynamic only) */
struct dp_mirror_cfg {
	uint32_t idx;         /* < DP_MIRROR_MAX */
	uint32_t nh;          /* existing nexthop */
	uint32_t flags;       /* DYNAMIC or STATIC, maybe JUNIPER_HDR */
	uint32_t vni;         /* 1..DP_VNI_MAX for STATIC, else 0 */
	const char *analyzer; /* 0..DP_VN_NAME_MAX bytes, NULL is "" */
	const char *src_vn;   /* 0..DP_VN_NAME_MAX bytes, NULL is "" */
	const char *dst_vn;   /* 0..DP_VN_NAME_MAX bytes, NULL is "" */
	uint32_t snaplen;     /* 0 (whole frame) or 14..DP_SNAPLEN_MAX */
	uint32_t sample;      /* 1-in-N, 0 or 1 is every packet */
	uint16_t vlan; /* 0, or 1..DP_VLAN_MAX: only frames with that tag */
};
struct dp_mirror {
	uint32_t idx;                      /* index */
	uint32_t nh;                       /* nexthop (ref held) */
	uint32_t flags;                    /* DP_MIRROR_* */
	uint32_t vni;                      /* static VNI */
	char analyzer[DP_VN_NAME_MAX + 1]; /* analyzer name */
	char src_vn[DP_VN_NAME_MAX + 1];   /* source VN name */
	char dst_vn[DP_VN_NAME_MAX + 1];   /* destination VN name */
	uint32_t snaplen;                  /* 0 or bytes kept */
	uint32_t sample;                   /* 1-in-N (>= 1) */
	uint32_t sample_ctr;               /* packets since the last copy */
	uint16_t vlan;                     /* VLAN filter, 0 for none */
	uint32_t refcnt;                   /* vifs mirroring to it */
	struct dp_ctr ctr;                 /* copies sent */
	struct dp_ctr skipped;             /* packets not sampled */
};
/*
 * Adds an entry; names longer than DP_VN_NAME_MAX are refused, never
 * truncated.  Bumps the flow generation.  0, -EINVAL or -EEXIST.
 */
int dp_mirror_add(struct dp *dp, const struct dp_mirror_cfg *cfg);
/* 0, -ENOENT, or -EBUSY while a vif mirrors to it.  Bumps the flow
 * generation, so flows naming it are re-evaluated. */
int dp_mirror_del(struct dp *dp, uint32_t idx);
/* Borrowed entry or NULL. */
struct dp_mirror *dp_mirror_lookup(const struct dp *dp, uint32_t idx);
/* Iteration in index order: start with *pos = 0; NULL at the end. */
struct dp_mirror *dp_mirror_next(const struct dp *dp, uint32_t *pos);
/*
 * Whether this packet of len bytes is copied (1 in m->sample): counts it
 * in m->ctr with the truncated length when true, in m->skipped if not.
 */
bool dp_mirror_sample(struct dp_mirror *m, uint32_t len);
/* The bytes of a len-byte frame that a copy carries (snap length). */
uint32_t dp_mirror_snap(const struct dp_mirror *m, uint32_t len);

/* dp_flow.c: the flow table. */
struct dp_flow_key {
	uint32_t vrf;    /* VRF */
	uint8_t af;      /* AF_INET or AF_INET6 */
	uint8_t proto;   /* IP protocol */
	uint16_t sport;  /* source port (ICMP: id), host order */
	uint16_t dport;  /* destination port, host order */
	uint8_t pad[2];  /* zero */
	uint8_t sip[16]; /* source; v4 in the first 4 bytes, rest zero */
	uint8_t dip[16]; /* destination, likewise */
};
enum dp_flow_action {
	DP_FLOW_PASS = 1, /* forward */
	DP_FLOW_DENY,     /* drop */
};
struct dp_flow_cfg {
	enum dp_flow_action action;       /* PASS or DENY */
	uint32_t mirror[DP_FLOW_MIRRORS]; /* DP_MIRROR_NONE or existing */
	const char *src_vn;               /* 0..DP_VN_NAME_MAX, NULL is "" */
	const char *dst_vn;               /* 0..DP_VN_NAME_MAX, NULL is "" */
};
struct dp_flow {
	struct ht_node hn;                /* in the flow hash */
	struct dp_flow *next_all;         /* list in creation order */
	struct dp_flow *prev_all;         /* (for bounded aging walks) */
	struct dp_flow_key key;           /* key */
	struct dp_flow *rev;              /* the reverse entry */
	bool reverse;                     /* this is the reverse entry */
	enum dp_flow_action action;       /* action */
	uint32_t mirror[DP_FLOW_MIRRORS]; /* DP_MIRROR_NONE or index */
	char *src_vn;                     /* owned */
	char *dst_vn;                     /* owned */
	uint64_t created;                 /* time of creation */
	uint64_t last_used;               /* time of the last packet */
	uint64_t gen;                     /* policy generation evaluated */
	uint32_t vif; /* the VM vif whose policy made it, else DP_VIF_MAX */
	struct dp_ctr ctr; /* packets matched */
};
struct dp_flow_stats {
	uint32_t count; /* entries, both directions */
	uint32_t max;   /* the bound given to dp_new */
	uint64_t full;  /* creations refused for lack of room */
	uint64_t aged;  /* entries aged out */
	uint64_t gen;   /* current generation */
};
/*
 * Fills the reverse of k into r (addresses and ports swapped).  Returns r.
 */
struct dp_flow_key *dp_flow_key_reverse(
    const struct dp_flow_key *k, struct dp_flow_key *r);
/*
 * Creates the forward entry k and its reverse (same action, mirrors
 * and swapped VN names), both last used at now.  *out (may be NULL) gets
 * the borrowed forward entry.  0, -EINVAL, -EEXIST (either key present)
 * or -ENOSPC when the table cannot take two more entries.
 */
int dp_flow_add(struct dp *dp, const struct dp_flow_key *k,
    const struct dp_flow_cfg *cfg, uint64_t now, struct dp_flow **out);
/* Deletes k's entry and its reverse.  0 or -ENOENT. */
int dp_flow_del(struct dp *dp, const struct dp_flow_key *k);
/* Borrowed entry or NULL. */
struct dp_flow *dp_flow_lookup(
    const struct dp *dp, const struct dp_flow_key *k);
/* Counts a packet of len bytes at now. */
void dp_flow_touch(struct dp_flow *f, uint64_t now, uint32_t len);
/*
 * Updates f and its reverse after a re-evaluation: action, mirrors and
 * generation.  0 or -EINVAL.
 */
int dp_flow_update(
    struct dp *dp, struct dp_flow *f, const struct dp_flow_cfg *cfg);
/* True if f was evaluated before the last policy or mirror change. */
bool dp_flow_stale(const struct dp *dp, const struct dp_flow *f);
/* Marks every flow stale (a policy changed); returns the new generation. */
uint64_t dp_flow_invalidate_all(struct dp *dp);
/*
 * Ages out pairs whose both entries were idle for more than idle at now,
 * examining at most budget (<= DP_FLOW_AGE_MAX) entries from where the
 * last call stopped, a removed pair counting as two, so it removes at
 * most budget + 1.  Returns the entries removed.
 */
uint32_t dp_flow_age(
    struct dp *dp, uint64_t now, uint64_t idle, uint32_t budget);
/* Every entry; cb returning nonzero stops the walk and is returned.
 * cb may not change the table. */
typedef int (*dp_flow_walk_cb)(struct dp_flow *f, void *arg);
int dp_flow_walk(struct dp *dp, dp_flow_walk_cb cb, void *arg);
void dp_flow_get_stats(const struct dp *dp, struct dp_flow_stats *st);

/* dp_pkt.c, dp_encap.c, dp_jhdr.c, dp_pcap.c */

#define DP_ETH_HLEN       14    /* DMAC, SMAC, EtherType */
#define DP_VLAN_HLEN      4     /* one 802.1Q tag */
#define DP_IP4_HLEN       20    /* IPv4 without options */
#define DP_IP6_HLEN       40    /* IPv6 fixed header */
#define DP_UDP_HLEN       8     /* UDP header */
#define DP_VXLAN_HLEN     8     /* flags, reserved, VNI, reserved */
#define DP_MPLS_HLEN      4     /* one label stack entry */
#define DP_GRE_HLEN       4     /* GRE flags, version and protocol */
#define DP_GRE_KEY_HLEN   8     /* the GRE header we send: with a key */
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
#define DP_ETHERTYPE_TEB  0x6558 /* transparent Ethernet bridging (GRE) */

#define DP_IPPROTO_ICMP  1
#define DP_IPPROTO_TCP   6
#define DP_IPPROTO_UDP   17
#define DP_IPPROTO_GRE   47
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
	DP_DROP_BAD_GRE, /* GRE version, flags or protocol unsupported */
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
	DP_ENCAP_GRE,      /* IPv4 protocol 47, key, Ethernet (RFC 2890) */
};

/* A decoded frame: outer headers, and inner ones behind an overlay. */
struct dp_pkt {
	uint16_t len;         /* frame length */
	struct dp_hdrs outer; /* the frame's own headers */
	enum dp_encap encap;  /* DP_ENCAP_NONE: inner unset */
	uint32_t vni;         /* VXLAN VNI */
	uint32_t key;         /* GRE key */
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
 * Ethernet, IPv4 (protocol 47, checksummed, DF clear) and a GRE header
 * (K bit, version 0, protocol 0x6558, the key) before the Ethernet frame
 * (u's ports are not used).  Same returns as dp_encap_udp4.
 */
#define DP_GRE_OVERHEAD (DP_ETH_HLEN + DP_IP4_HLEN + DP_GRE_KEY_HLEN)
int dp_encap_gre(struct wbuf *w, const struct dp_udp4 *u, uint32_t key,
    const uint8_t *frame, size_t len);
/*
 * The same in place: the len payload bytes at data have at least
 * DP_ENCAP_ROOM writable bytes in front of them, where the headers are
 * written (kind DP_ENCAP_NONE: plain UDP; label is the VNI, MPLS
 * label or GRE key; DP_ENCAP_GRE writes no UDP header).  Returns the new start with *len grown, or NULL with *err
 * -EINVAL (label or VNI out of range) or -EMSGSIZE (past DP_PKT_MAX).
 */
#define DP_ENCAP_ROOM (DP_UDP4_OVERHEAD + DP_VXLAN_HLEN)
uint8_t *dp_encap_push(uint8_t *data, size_t *len, const struct dp_udp4 *u,
    enum dp_encap kind, uint32_t label, int *err);
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

/*
 * dp_policy.c: per-vif policy, the ordered rules that create flows for
 * packets sent or received by a VM vif.  The first matching rule gives
 * the flow's action, mirrors and VN names; no match is an implicit deny.
 * A vif without a policy creates no flows (everything passes).  Setting
 * or deleting a policy bumps the flow generation, so existing flows are
 * re-evaluated on their next packet.
 */
#define DP_POLICY_RULES_MAX 64 /* rules in one vif's policy */
struct dp_rule {
	uint8_t af;                       /* 0 any, AF_INET or AF_INET6 */
	uint8_t proto;                    /* IP protocol, 0 any */
	struct prefix src;                /* source; length 0 any (af set) */
	struct prefix dst;                /* destination; likewise */
	uint16_t sport_lo, sport_hi;      /* source ports, lo <= hi */
	uint16_t dport_lo, dport_hi;      /* destination ports, lo <= hi */
	enum dp_flow_action action;       /* PASS or DENY */
	uint32_t mirror[DP_FLOW_MIRRORS]; /* DP_MIRROR_NONE or an index */
	char src_vn[DP_VN_NAME_MAX + 1];  /* the flow's source VN */
	char dst_vn[DP_VN_NAME_MAX + 1];  /* the flow's destination VN */
};
/*
 * Replaces vif's policy with a copy of n rules (1..DP_POLICY_RULES_MAX).
 * A rule's prefixes must have af's family when af is set (length 0 with
 * any family when not), ports lo <= hi, mirrors < DP_MIRROR_MAX or
 * DP_MIRROR_NONE (they need not exist yet: a missing mirror sends no
 * copy).  0, -EINVAL (bad rule, missing or non-VM vif).
 */
int dp_policy_set(
    struct dp *dp, uint32_t vif, const struct dp_rule *rules, uint32_t n);
/* 0 or -ENOENT. */
int dp_policy_del(struct dp *dp, uint32_t vif);
/* vif's rules (*n of them), borrowed, or NULL without a policy. */
const struct dp_rule *dp_policy_get(
    const struct dp *dp, uint32_t vif, uint32_t *n);
/* The first rule of vif's policy matching k, or NULL. */
const struct dp_rule *dp_policy_match(
    const struct dp *dp, uint32_t vif, const struct dp_flow_key *k);

/*
 * dp_fwd.c: the forwarding engine.  dp_fwd() takes one frame received on
 * a vif and sends what comes of it (the frame forwarded, flooded, an ARP
 * reply, mirror copies) through the tx callback, from a scratch buffer
 * of the dp: no allocation per packet.  A fabric vif's frames are whole
 * Ethernet/IPv4/UDP datagrams (the I/O layer puts synthetic headers in
 * front of what a UDP socket receives, and sends the payload of what
 * the engine transmits on it to the outer destination address and port).
 *
 * A VM frame is routed (L3, inet table of the vif's VRF) when its
 * destination MAC is the vrouter's, else bridged (bridge table; broadcast
 * and unknown multicast through the ff:ff:ff:ff:ff:ff entry, a flood
 * composite).  ARP requests from a VM are answered with the vrouter's
 * MAC.  A VM vif with a policy creates flows (dp_policy_match) for IP
 * packets; denied flows are dropped after their mirror copies are sent.
 * From the fabric: VXLAN VNI -> VRF (a VRF flagged DP_VRF_MIRROR_DEST
 * hands the inner frame unchanged to the VNI's nexthop, whatever its
 * MAC), MPLS label -> nexthop, GRE key -> nexthop (always a mirror copy:
 * the inner frame as is, never mirrored again nor sent back).  Mirror copies: port mirroring of the
 * receiving vif (RX) and of the vif a packet is delivered to (TX), and
 * the flow's mirrors; each mirror entry applies its sampling and snap
 * length; copies are never mirrored again.
 */
#define DP_VROUTER_MAC_INIT                                                    \
	{                                                                      \
		{                                                              \
			0x00, 0x00, 0x5e, 0x00, 0x01, 0x00                     \
		}                                                              \
	}
#define DP_FWD_FLOOD_MAX DP_NH_COMP_MAX /* copies of one flood */
#define DP_FWD_TTL       64             /* TTL of packets we build */

/* Forwarding drop reasons beyond the decode ones (dp_fwd_drop_name). */
enum dp_fwd_drop {
	DP_FWD_DROP_DECODE = 0, /* dp_pkt_decode refused it (see .decode) */
	DP_FWD_DROP_NO_VIF,     /* received on a vif not in the table */
	DP_FWD_DROP_NO_ROUTE,   /* no inet route / bridge entry */
	DP_FWD_DROP_DISCARD,    /* discard nexthop */
	DP_FWD_DROP_DENY,       /* the flow's action is deny */
	DP_FWD_DROP_FLOW_FULL,  /* no room for a new flow */
	DP_FWD_DROP_NOT_TUNNEL, /* fabric packet that is no tunnel of ours */
	DP_FWD_DROP_NO_LABEL,   /* unknown MPLS label */
	DP_FWD_DROP_NO_VNI,     /* unknown VXLAN VNI */
	DP_FWD_DROP_MTU,        /* the result is longer than the vif's MTU */
	DP_FWD_DROP_TTL,        /* routed packet with TTL <= 1 */
	DP_FWD_DROP_LOOP,       /* would go back out where it came from */
	DP_FWD_DROP_NH,         /* a nexthop that cannot send this */
	DP_FWD_DROP_NO_KEY,     /* unknown GRE key */
	DP_FWD_DROP__MAX
};
/* A constant name per reason ("no-route", ...); "unknown" out of range. */
const char *dp_fwd_drop_name(enum dp_fwd_drop reason);

struct dp_fwd_stats {
	uint64_t rx;                     /* frames given to dp_fwd */
	uint64_t tx;                     /* frames sent, copies included */
	uint64_t drop[DP_FWD_DROP__MAX]; /* per forwarding reason */
	uint64_t decode[DP_DROP__MAX];   /* per decode reason */
	uint64_t arp_replies;            /* ARP requests answered */
	uint64_t mirror_copies;          /* copies sent */
	uint64_t mirror_missing;         /* flow mirror index not in table */
	uint64_t mirror_fail;            /* copies that could not be sent */
	uint64_t flows_created;          /* flow pairs created */
	uint64_t flows_reevaluated;      /* stale flows evaluated again */
};

/* The node: its underlay IPv4 (capture host, tunnel source when a
 * nexthop gives none) and the vrouter MAC (gateway MAC, ARP answers). */
struct dp_host {
	struct in_addr router_id; /* network order */
	struct macaddr mac;       /* DP_VROUTER_MAC_INIT by default */
};
void dp_set_host(struct dp *dp, const struct dp_host *h);
void dp_get_host(const struct dp *dp, struct dp_host *h);

/*
 * The transmit callback: send len bytes of frame (borrowed until it
 * returns) out of vif.  mirror is true for a mirror copy.  Returns 0,
 * or -1 if the frame could not be queued (counted, not retried).
 */
typedef int (*dp_tx_fn)(void *arg, const struct dp_vif *vif,
    const uint8_t *frame, size_t len, bool mirror);
void dp_set_tx(struct dp *dp, dp_tx_fn fn, void *arg);

/*
 * Forwards frame (len bytes, received on vif at now, in the flow
 * table's time unit) and counts it.  The engine may rewrite frame in
 * place.  Returns 0 when something was sent or consumed, or -1 with
 * the reason counted (and in *why if not NULL).
 */
int dp_fwd(struct dp *dp, uint32_t vif, uint8_t *frame, size_t len,
    uint64_t now, enum dp_fwd_drop *why);
/*
 * The same for a frame with room writable bytes in front of it (an I/O
 * layer reading into buf + DP_FWD_ROOM): tunnel headers are then
 * written there instead of copying the frame.
 */
#define DP_FWD_ROOM 64
int dp_fwd_room(struct dp *dp, uint32_t vif, uint8_t *frame, size_t len,
    size_t room, uint64_t now, enum dp_fwd_drop *why);
void dp_fwd_get_stats(const struct dp *dp, struct dp_fwd_stats *st);

/*
 * dp_msg.c: the programming protocol, the codec of the messages the
 * agent sends over the unix socket (datapath/README.md has the wire
 * layout).  Integers are big-endian.  Pure: no I/O, no allocation.
 */
#define DP_MSG_MAGIC   0x4d44u /* "MD" */
#define DP_MSG_VERSION 1       /* the only version decoded */
#define DP_MSG_HLEN    12      /* fixed header bytes */
#define DP_MSG_MAX     65535   /* largest body (the 16-bit length) */
#define DP_MSG_STR_MAX 255     /* bytes of a length-prefixed string */
#define DP_MSG_ERR_MAX 128     /* bytes of a reply's text, NUL included */
#define DP_MSG_F_ENTRY 0x01u   /* header flag: an entry of a GET/DUMP */

enum dp_msg_type {
	DP_MSG_VIF = 1, /* struct dp_vif_cfg */
	DP_MSG_NH,      /* struct dp_nh */
	DP_MSG_ROUTE,   /* struct dp_msg_route */
	DP_MSG_BRIDGE,  /* struct dp_msg_bridge */
	DP_MSG_MPLS,    /* struct dp_msg_mpls */
	DP_MSG_VXLAN,   /* struct dp_msg_vxlan */
	DP_MSG_MIRROR,  /* struct dp_mirror_cfg */
	DP_MSG_REPLY,   /* struct dp_msg_reply */
	DP_MSG_POLICY,  /* struct dp_msg_policy, rules in dp_msg.rules */
	DP_MSG_FLOW,    /* struct dp_msg_flow */
	DP_MSG_VRF,     /* struct dp_msg_vrf */
	DP_MSG_GRE,     /* struct dp_msg_gre */
};
#define DP_MSG_TYPE_LAST DP_MSG_GRE /* largest type code */
enum dp_msg_op {
	DP_MSG_ADD = 1, /* body: the whole entry */
	DP_MSG_DEL,     /* body: the key only */
	DP_MSG_GET,     /* body: the key only */
	DP_MSG_DUMP,    /* body: empty (route: VRF and optional family) */
};
struct dp_msg_route {
	uint32_t vrf;    /* < DP_VRF_MAX */
	struct prefix p; /* v4 or v6, host bits zero; DUMP: af 0 is both */
	uint32_t nh;     /* nexthop index (ADD) */
};
struct dp_msg_bridge {
	uint32_t vrf;       /* < DP_VRF_MAX */
	struct macaddr mac; /* key */
	uint32_t nh;        /* nexthop index (ADD) */
	uint32_t label;     /* label or VNI, 0 for none (ADD) */
};
struct dp_msg_mpls {
	uint32_t label; /* DP_MPLS_MIN..DP_LABEL_MAX */
	uint32_t nh;    /* nexthop index (ADD) */
};
struct dp_msg_vxlan {
	uint32_t vni; /* 1..DP_VNI_MAX */
	uint32_t vrf; /* < DP_VRF_MAX (ADD) */
	uint32_t nh;  /* nexthop index (ADD) */
};
struct dp_msg_gre {
	uint32_t key; /* any 32-bit GRE key */
	uint32_t nh;  /* nexthop index (ADD) */
};
struct dp_msg_policy {
	uint32_t vif; /* < DP_VIF_MAX */
	uint32_t n;   /* rules in dp_msg.rules, 1..DP_POLICY_RULES_MAX (ADD) */
};
struct dp_msg_flow {
	struct dp_flow_key key; /* AF_INET or AF_INET6, pad zero */
	struct dp_flow_cfg cfg; /* (ADD) names point into the dp_msg */
};
struct dp_msg_vrf {
	uint32_t vrf;   /* < DP_VRF_MAX */
	uint32_t flags; /* DP_VRF_* (ADD) */
};
/* A decoded request; the strings of u.vif, u.mirror and u.flow point
 * into it, so it is used where it was decoded, never copied. */
struct dp_msg {
	enum dp_msg_type type; /* not DP_MSG_REPLY */
	enum dp_msg_op op;     /* operation */
	uint32_t seq;          /* echoed in the reply */
	union {
		struct dp_vif_cfg vif;
		struct dp_nh nh;
		struct dp_msg_route rt;
		struct dp_msg_bridge br;
		struct dp_msg_mpls mpls;
		struct dp_msg_vxlan vxlan;
		struct dp_mirror_cfg mirror;
		struct dp_msg_policy policy;
		struct dp_msg_flow flow;
		struct dp_msg_vrf vrf;
		struct dp_msg_gre gre;
	} u;
	char name[DP_VIF_NAME_MAX + 1];    /* storage for u.vif.name */
	char analyzer[DP_VN_NAME_MAX + 1]; /* for u.mirror.analyzer */
	char src_vn[DP_VN_NAME_MAX + 1];   /* for u.mirror/u.flow src_vn */
	char dst_vn[DP_VN_NAME_MAX + 1];   /* for u.mirror/u.flow dst_vn */
	struct dp_rule rules[DP_POLICY_RULES_MAX]; /* u.policy's rules */
};
/*
 * The state an entry carries after its ADD body (zero where the type
 * has none): counters and references of the table object.
 */
struct dp_msg_state {
	uint32_t refcnt;    /* vif, nh, mirror */
	struct dp_ctr ctr;  /* vif rx; nh, bridge, flow; mirror copies */
	struct dp_ctr tx;   /* vif tx */
	struct dp_ctr drop; /* vif drops; mirror packets skipped */
	bool reverse;       /* flow: the reverse entry */
	uint64_t created;   /* flow */
	uint64_t last_used; /* flow */
	uint64_t gen;       /* flow: generation evaluated */
};
/* One entry of a GET or DUMP answer: msg.op is the request's. */
struct dp_msg_entry {
	struct dp_msg msg;      /* type, op, seq and the ADD fields */
	struct dp_msg_state st; /* the type's state tail */
};
struct dp_msg_reply {
	uint32_t seq;              /* the request's */
	int32_t status;            /* 0 or a negative errno */
	char text[DP_MSG_ERR_MAX]; /* "" on success, else why */
};
/* Why a decode failed: a constant reason and the byte offset. */
struct dp_msg_err {
	const char *reason; /* static text */
	size_t off;         /* where reading stopped in the message */
};
/*
 * Encodes the request m (header and body) into w.  0, -EINVAL (a string
 * too long, unknown type or op, a bad rule count) or -ENOBUFS (w full);
 * nothing written on failure.
 */
int dp_msg_encode(struct wbuf *w, const struct dp_msg *m);
/*
 * Decodes one whole request of exactly len bytes into *m, checking every
 * field against the limits above.  0, -EPROTO (header, length, truncated
 * or trailing bytes) or -EINVAL (a field out of range), *err set.
 */
int dp_msg_decode(
    const uint8_t *data, size_t len, struct dp_msg *m, struct dp_msg_err *err);
/*
 * Encodes an entry: header flag DP_MSG_F_ENTRY, e->msg's type, op and
 * seq, the ADD body of e->msg, then the type's state tail from e->st.
 * 0, -EINVAL or -ENOBUFS; nothing written on failure.
 */
int dp_msg_encode_entry(struct wbuf *w, const struct dp_msg_entry *e);
/* Decodes an entry of exactly len bytes, like dp_msg_decode. */
int dp_msg_decode_entry(const uint8_t *data, size_t len, struct dp_msg_entry *e,
    struct dp_msg_err *err);
/*
 * Reads the header at data (at least DP_MSG_HLEN bytes) for framing:
 * 0 and *blen the body length, or -EPROTO (magic, version, length above
 * DP_MSG_MAX) with *err set.
 */
int dp_msg_decode_frame(const uint8_t *data, size_t len, size_t *blen,
    uint32_t *seq, struct dp_msg_err *err);
/* Encodes a reply.  0 or -ENOBUFS. */
int dp_msg_reply_encode(struct wbuf *w, const struct dp_msg_reply *r);
/* Decodes a reply of exactly len bytes.  0, -EPROTO or -EINVAL. */
int dp_msg_reply_decode(const uint8_t *data, size_t len, struct dp_msg_reply *r,
    struct dp_msg_err *err);
/* "vif", "nh", ... for a type; "unknown" out of range. */
const char *dp_msg_type_name(enum dp_msg_type type);
/*
 * Applies one decoded ADD or DEL to dp's tables and fills r (seq, the
 * table function's status, and a text on failure).  GET and DUMP are
 * -EOPNOTSUPP here (the server answers them).  On failure nothing
 * changed.  Returns r->status.  A flow added gets created = 0.
 */
int dp_msg_apply(struct dp *dp, const struct dp_msg *m, struct dp_msg_reply *r);
/* The same with now, the time a flow added is created and last used. */
int dp_msg_apply_at(struct dp *dp, const struct dp_msg *m, uint64_t now,
    struct dp_msg_reply *r);

/*
 * dp_text.c: the text form of requests (one per line, the `miradorctl
 * dp apply` format in datapath/README.md).  Pure.
 */
#define DP_TEXT_LINE_MAX 65536 /* bytes of one line */
#define DP_TEXT_ERR_MAX  160   /* bytes of a parse error, NUL included */
/*
 * Parses one line into *m (seq 0).  Returns 0, 1 for a blank or comment
 * line (m unset), or -EINVAL with err naming the bad field.
 */
int dp_text_parse(const char *line, struct dp_msg *m, char *err, size_t errlen);

#endif /* SDN_DP_H */
