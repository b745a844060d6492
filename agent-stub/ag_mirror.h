/*
 * ag_mirror.h - mirador-agent's mirror and policy resolution: from the
 * config model (ag_cfg.h) and a view of the received routes to the
 * datapath state this node should have: mirror entries (with a nexthop
 * spec, or a discard nexthop and the reason when unresolved), the port
 * mirror of every local interface, its policy as datapath rules, and the
 * routing instances to subscribe only for mirroring.  Pure: no I/O, no
 * libuv; the core calls ag_mirror_compute after every config change and
 * every route change in an instance the last result watches, then
 * programs ag_mirror_diff(old, new).  agent-stub/README.md "Mirror
 * resolution" tells the whole story.
 */
#ifndef SDN_AG_MIRROR_H
#define SDN_AG_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent-stub/ag_cfg.h"
#include "common/common.h"
#include "datapath/dp.h"

/* Limits. */
#define AG_MIRROR_ENTRIES_MAX DP_MIRROR_MAX /* entries (= dp indexes) */
#define AG_MIRROR_KEY_MAX     (2 * AG_NAME_MAX + 40) /* bytes of a key */
#define AG_MIRROR_REASON_MAX  512 /* bytes of a reason, NUL included */
#define AG_MIRROR_RIS_MAX     AG_MIRROR_ENTRIES_MAX /* extra instances */
#define AG_MIRROR_GRE_KEY_MIN 0x10   /* GRE keys of tap flows (Cloudpods) */
#define AG_MIRROR_GRE_KEY_MAX 0x7fff /* (ids 0x10..0x7fff there too) */
#define AG_POLICY_RULES_MAX   DP_POLICY_RULES_MAX /* dp rules per vif */

/* ---- The view the core gives: its received routes. ---- */

/* Encapsulations a route offers (ag_mpath.encaps). */
#define AG_ENCAP_MPLSOGRE 0x01u
#define AG_ENCAP_MPLSOUDP 0x02u
#define AG_ENCAP_VXLAN    0x04u

/* The best path of a received route. */
struct ag_mpath {
	bool local;            /* one of this node's interfaces */
	uint32_t vif;          /* local: its vif index */
	struct ipaddr nexthop; /* remote: the node's underlay address */
	uint32_t label;        /* remote: MPLS label (0: none) */
	uint32_t vni;          /* remote: VXLAN VNI (0: none) */
	uint32_t encaps;       /* remote: AG_ENCAP_* offered */
};
/* Longest match of ip in instance ri's inet routes: true and *out. */
typedef bool (*ag_mview_inet_cb)(
    void *arg, const char *ri, const struct ipaddr *ip, struct ag_mpath *out);
/* Exact match of mac in instance ri's enet routes: true and *out. */
typedef bool (*ag_mview_enet_cb)(
    void *arg, const char *ri, const struct macaddr *mac, struct ag_mpath *out);
/* The local VRF of instance ri: true and *vrf, false when it has none
 * (not subscribed yet). */
typedef bool (*ag_mview_vrf_cb)(void *arg, const char *ri, uint32_t *vrf);
/* The vif of a host NIC (a tap-service host destination on this node):
 * true and *vif. */
typedef bool (*ag_mview_nic_cb)(
    void *arg, const struct macaddr *mac, uint32_t *vif);

struct ag_mirror_view {
	void *arg;                /* given to every callback */
	ag_mview_inet_cb inet;    /* required */
	ag_mview_enet_cb enet;    /* required */
	ag_mview_vrf_cb vrf;      /* required */
	ag_mview_nic_cb host_nic; /* NULL: no host NIC has a vif */
	bool gre;                 /* the datapath has GRE tunnels */
};

/* ---- The result: the desired state. ---- */

/* What uses a mirror entry. */
enum ag_msrc {
	AG_MSRC_INTERFACE = 1, /* interface-mirror of a local VMI */
	AG_MSRC_POLICY,        /* policy-level mirror-to */
	AG_MSRC_RULE,          /* rule-level mirror-to */
	AG_MSRC_TAP_FLOW,      /* a Cloudpods tap flow */
};
/* How copies travel (reference/contrail-protocol.md 5.2 numbers). */
enum ag_mmode {
	AG_MMODE_HEADER = 1,    /* dynamic + Juniper header: UDP to ip:port */
	AG_MMODE_NO_HEADER = 2, /* dynamic: frame to the analyzer's MAC */
	AG_MMODE_STATIC = 4,    /* VXLAN to a configured VTEP */
	AG_MMODE_TAP_GUEST,     /* tap service: frame to an interface */
	AG_MMODE_TAP_HOST,      /* tap service: frame to a host NIC */
};
enum ag_mnh_type {
	AG_MNH_DISCARD = 1, /* sends nothing: unresolved or disabled */
	AG_MNH_MIRROR_UDP,  /* DP_NH_MIRROR_UDP */
	AG_MNH_TUNNEL,      /* DP_NH_TUNNEL to a remote node or VTEP */
	AG_MNH_ENCAP,       /* DP_NH_ENCAP to a local vif */
};
enum ag_mtun {
	AG_MTUN_MPLSOUDP = 1, /* DP_TUN_MPLSOUDP, label */
	AG_MTUN_VXLAN,        /* DP_TUN_VXLAN, VNI */
	AG_MTUN_GRE,          /* GRE keyed by the tap flow (no dp yet) */
};
/* A nexthop to make for an entry; the core picks its dp index, the
 * fabric vif and the tunnel source address. */
struct ag_mnh {
	enum ag_mnh_type type;
	uint32_t vrf;       /* MIRROR_UDP: routed in; ENCAP: the vif's */
	struct ipaddr ip;   /* MIRROR_UDP: analyzer; TUNNEL: remote end */
	uint16_t port;      /* MIRROR_UDP: analyzer UDP port */
	enum ag_mtun tun;   /* TUNNEL */
	uint32_t label;     /* TUNNEL: label, VNI or GRE key */
	uint32_t vif;       /* ENCAP */
	struct macaddr mac; /* ENCAP: analyzer MAC (the frame keeps its own) */
};

struct ag_mentry {
	char key[AG_MIRROR_KEY_MAX];       /* identity: "<kind>:<name>[@ri]" */
	uint32_t idx;                      /* dp mirror index (< 256) */
	enum ag_msrc src;                  /* the first user's kind */
	char object[AG_NAME_MAX + 16];     /* VMI, policy, "p#n" or flow */
	enum ag_mmode mode;                /* how copies travel */
	char analyzer[AG_NAME_MAX + 1];    /* analyzer (dp entry name) */
	char ri[AG_NAME_MAX + 1];          /* instance looked in, or "" */
	bool resolved;                     /* sends copies */
	bool off;                          /* disabled or filtered: no vif
					   * is attached to it */
	char reason[AG_MIRROR_REASON_MAX]; /* how, or why not */
	struct ag_mnh nh;                  /* DISCARD when !resolved */
	uint32_t flags;                    /* DP_MIRROR_* */
	uint32_t vni;                      /* STATIC: the VNI, else 0 */
	uint16_t vlan;                     /* vswitch tap flow: VLAN filter
					   * (only that 802.1Q tag), 0 none */
	char src_vn[DP_VN_NAME_MAX + 1];   /* port mirror: the VMI's VN */
	char dst_vn[DP_VN_NAME_MAX + 1];   /* likewise; "" for flows */
	uint32_t users;                    /* vifs and rules using it */
};
/* The port mirror of one local interface (every local VMI has one). */
struct ag_mvif {
	char vmi[AG_NAME_MAX + 1];
	uint32_t flags;  /* DP_VIF_MIRROR_RX/TX */
	uint32_t mirror; /* entry index, DP_MIRROR_NONE without flags */
};
/* The datapath policy of one local interface. */
struct ag_mpolicy {
	char vmi[AG_NAME_MAX + 1];
	bool set;   /* false: the VMI has no policy (no flows) */
	uint32_t n; /* rules (1..AG_POLICY_RULES_MAX when set) */
	struct dp_rule rules[AG_POLICY_RULES_MAX];
	char note[AG_MIRROR_REASON_MAX]; /* what was cut, "" when none */
};
/*
 * A GRE key this node takes in: a tap flow to a host tap service on
 * this node (the flow's own node, whichever it is, sends its copies in
 * GRE with that key).  Both ends compute the key from the flow's name
 * alone; two flows whose keys collide are told apart here only: the
 * one that held the key keeps it (else the first by name), a flow to
 * the same NIC shares it, one to another NIC is refused.
 */
struct ag_mgre {
	char flow[AG_NAME_MAX + 1];        /* the tap flow (identity) */
	char service[AG_NAME_MAX + 1];     /* its host tap service */
	uint32_t key;                      /* ag_mirror_gre_key(flow) */
	bool ok;                           /* copies go to the NIC's vif */
	bool prog;                         /* ok and holds the datapath's
					    * key entry (a sharer does not) */
	uint32_t vif;                      /* ok: the host NIC's vif */
	struct macaddr mac;                /* ok: the NIC's MAC */
	char reason[AG_MIRROR_REASON_MAX]; /* how, or why not */
};
struct ag_mirror_state {
	size_t n; /* entries, sorted by key */
	struct ag_mentry *v;
	size_t nvifs; /* local VMIs, by name */
	struct ag_mvif *vifs;
	size_t npolicies; /* likewise */
	struct ag_mpolicy *policies;
	size_t nris; /* instances to subscribe for mirrors only */
	char (*ris)[AG_NAME_MAX + 1];
	size_t nwatch; /* instances whose routes were consulted */
	char (*watch)[AG_NAME_MAX + 1];
	size_t ngres; /* GRE keys taken in, by flow name */
	struct ag_mgre *gres;
};

/* ag_mirror.c */
/* An empty state (no entries, no vifs). */
void ag_mirror_state_init(struct ag_mirror_state *st);
void ag_mirror_state_fini(struct ag_mirror_state *st);
/*
 * Computes the desired state of node vrouter into out (initialised by
 * the caller, emptied first) from cfg and view.  prev (or NULL) is the
 * last result: an entry whose key is still there keeps its index, a new
 * one takes the lowest index free in both.  Always succeeds; every
 * problem is in an entry's reason or a policy's note.
 */
void ag_mirror_compute(const struct ag_cfg *cfg, const char *vrouter,
    const struct ag_mirror_view *view, const struct ag_mirror_state *prev,
    struct ag_mirror_state *out);
/* True if st consulted ri's routes: a route change there needs a new
 * ag_mirror_compute. */
bool ag_mirror_watches(const struct ag_mirror_state *st, const char *ri);
/* Borrowed entry of key, or NULL. */
const struct ag_mentry *ag_mirror_find(
    const struct ag_mirror_state *st, const char *key);
/* Borrowed entry at index idx, or NULL. */
const struct ag_mentry *ag_mirror_at_index(
    const struct ag_mirror_state *st, uint32_t idx);
/* Borrowed port mirror / policy of vmi, or NULL. */
const struct ag_mvif *ag_mirror_vif(
    const struct ag_mirror_state *st, const char *vmi);
const struct ag_mpolicy *ag_mirror_policy(
    const struct ag_mirror_state *st, const char *vmi);
/* "dynamic+header", "dynamic", "static", "tap-guest", "tap-host". */
const char *ag_mirror_mode_name(enum ag_mmode mode);
/* The GRE key of tap flow name (a hash into the Cloudpods id range). */
uint32_t ag_mirror_gre_key(const char *flow);
/* Borrowed GRE key entry of tap flow flow, or NULL. */
const struct ag_mgre *ag_mirror_gre(
    const struct ag_mirror_state *st, const char *flow);

/*
 * The changes that take the datapath from old to new, in the order to
 * apply them (each step valid for dp_mirror_del's -EBUSY and so on):
 * subscribe; detach the vifs of mirrors deleted or changed (VIF_SET
 * with the new flags and index when they no longer use one, else flags
 * 0); delete those mirrors and the GRE keys that go or change; add the
 * new and changed mirrors, then GRE keys; set every vif
 * whose port mirror differs; set or delete policies that differ;
 * unsubscribe.  A changed entry (nexthop, flags, VNI, names) is a
 * MIRROR_DEL then a MIRROR_ADD of the same index.
 */
enum ag_mchg_op {
	AG_MCHG_SUBSCRIBE = 1, /* ri */
	AG_MCHG_VIF_DETACH,    /* vif (old): port mirror off for now */
	AG_MCHG_MIRROR_DEL,    /* mirror (old) */
	AG_MCHG_MIRROR_ADD,    /* mirror (new) */
	AG_MCHG_VIF_SET,       /* vif (new): flags and index */
	AG_MCHG_POLICY_SET,    /* policy (new) */
	AG_MCHG_POLICY_DEL,    /* policy (old) */
	AG_MCHG_UNSUBSCRIBE,   /* ri */
	AG_MCHG_GRE_DEL,       /* gre (old) */
	AG_MCHG_GRE_ADD,       /* gre (new): key -> the NIC's vif */
};
struct ag_mchg {
	enum ag_mchg_op op;
	const struct ag_mentry *mirror;  /* MIRROR_* */
	const struct ag_mvif *vif;       /* VIF_* */
	const struct ag_mpolicy *policy; /* POLICY_* */
	const struct ag_mgre *gre;       /* GRE_* */
	const char *ri;                  /* (UN)SUBSCRIBE */
};
/* The changes (pointers into old and new, valid while both are) into a
 * heap array *out (free() it); returns how many (0: *out NULL). */
size_t ag_mirror_diff(const struct ag_mirror_state *old,
    const struct ag_mirror_state *new, struct ag_mchg **out);
/* "subscribe", "mirror-add", ... for an op. */
const char *ag_mchg_op_name(enum ag_mchg_op op);

/* ag_policy.c */
/*
 * The datapath rules of one config rule applied to interface vmi (whose
 * network is vn, NULL when unknown): every src x dst address pair,
 * networks through their subnets, both ways when bidirectional, each
  * rule with action, mirror (DP_MIRROR_NONE or an index) and the VN
 * names; with expand, an "any" side is the interface's network's
 * subnets, named, then the rest ("__UNKNOWN__").  Appends to out[*n] up to
 * cap.  0; -ENOENT when an address
 * names a network cfg does not have (why set); -ENOSPC when cap was
 * reached (what fitted is there).
 */
int ag_policy_rule_expand(const struct ag_cfg *cfg, const struct ag_vn *vn,
    const struct ag_rule *rule, uint32_t mirror, bool expand,
    struct dp_rule *out, uint32_t cap, uint32_t *n, char *why, size_t whylen);

#endif /* SDN_AG_MIRROR_H */
