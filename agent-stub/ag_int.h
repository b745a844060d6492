/*
 * ag_int.h - mirador-agent's private header: the agent, its sessions,
 * VRFs and interfaces, and the calls between its modules (ag__).
 */
#ifndef SDN_AG_INT_H
#define SDN_AG_INT_H

#include "agent-stub/ag.h"

/* One control-node session. */
struct ag_sess {
	struct ag *ag;
	unsigned i;             /* index in ag->sess */
	struct xmpp_client *cl; /* reconnecting client */
	struct xmpp_conn *conn; /* Established, or NULL */
	bool cfg;               /* carries the config subscription */
	bool eor_sent;          /* our End-of-RIB went out */
	bool eor_rcvd;          /* its End-of-RIB came in */
	uint64_t items, retracts, bad;
	uint64_t flaps;       /* losses after Established */
	uint64_t up_at;       /* uv_now when last Established (ms) */
	char last_error[128]; /* why it last closed or failed, "" */
	char addr[SOCKADDR_STRLEN];
};

/* A VRF: one per routing instance the agent uses. */
struct ag_vrf {
	struct ag_vrf *next;
	char *ri;          /* routing instance name */
	uint32_t idx;      /* agent VRF index = instance-id */
	uint32_t vni;      /* the VN's VNI programmed (0: none) */
	bool mirror_dest;  /* flagged DP_VRF_MIRROR_DEST */
	unsigned nintf;    /* local interfaces in it */
	unsigned wants;    /* ag_ri_want counts */
	uint32_t flood_nh; /* flood composite of local vifs (0: none) */
	struct ht routes;  /* struct ag_route by key */
	size_t nroutes;
};

/* A local interface (a VMI on this vrouter). */
struct ag_intf {
	struct ag_intf *next;
	char *name; /* the VMI */
	char *vn;   /* its network */
	struct ag_vrf *vrf;
	char tap[DP_VIF_NAME_MAX + 1];
	struct macaddr mac;
	size_t nips;
	struct ipaddr ips[AG_IPS_MAX];
	uint32_t vif, nh, label; /* datapath indexes */
	uint32_t vni;            /* published with enet */
	bool seen;               /* still in the config (sync sweep) */
	/* What ag_mprog.c programmed on the vif (a new interface starts
	 * with none, whatever the last mirror state says). */
	uint32_t mflags; /* DP_VIF_MIRROR_* */
	uint32_t mirror; /* mirror index, DP_MIRROR_NONE without flags */
	bool policy;     /* a DP_MSG_POLICY is set */
};

/* The port of a host NIC: a host tap service on this node (ag_hnic.c). */
struct ag_hnic {
	struct ag_hnic *next;
	char *service;                 /* the tap service */
	char tap[DP_VIF_NAME_MAX + 1]; /* AG_HNIC_PREFIX + hash */
	struct macaddr mac;            /* the NIC's */
	uint32_t vif;                  /* kind vm, VRF 0 */
};

struct ag {
	uv_loop_t *loop;
	struct ag_opts opts;
	char name[XMPP_NAME_MAX];
	struct ag_cfg *cfg;
	struct ag_dp *dp;
	struct xmpp_tls *tls;
	struct ag_sess sess[AG_SESS_MAX];
	unsigned nsess;
	struct ag_vrf *vrfs;
	struct ag_intf *intfs;
	struct ag_hnic *hnics; /* host NIC ports */
	struct ag_hooks hooks;
	struct ag_mprog *mprog; /* mirror programming, or NULL */
	struct ipaddr self;     /* our router's ip-address (af 0: unknown) */
	struct wbuf w;          /* stanza scratch */
	struct xmpp_item item;
	ag_stopped_cb stopped;
	void *stopped_arg;
	unsigned closing; /* handles and clients still closing */
};

/* ag_ctl.c */
/* Sends w's bytes on session s (reset after); false on failure (the
 * session is closed then). */
bool ag__send(struct ag_sess *s, struct wbuf *w);
/* Subscribes (or not) vrf on every Established session. */
void ag__vrf_subscribe(struct ag *ag, struct ag_vrf *vrf, bool on);
/* Publishes (or withdraws) an interface's routes on every session. */
void ag__intf_publish(struct ag *ag, const struct ag_intf *in, bool add);
/* Publishes on one session everything it should have (after it came
 * up, or after the config synced). */
void ag__sess_sync(struct ag_sess *s);

/* ag_intf.c */
/* Applies config changes to VRFs and interfaces. */
void ag__intf_cfg(
    struct ag *ag, const struct ag_cfg_change *ch, size_t n, bool eoc);
struct ag_vrf *ag__vrf_find(const struct ag *ag, const char *ri);
struct ag_intf *ag__intf_by_label(const struct ag *ag, uint32_t label);
/* The encap nexthop of a local interface owning host prefix p, or 0. */
uint32_t ag__intf_local_nh(
    const struct ag *ag, const struct ag_vrf *vrf, const struct prefix *p);
/* Tears every VRF and interface down (at exit, datapath untouched). */
void ag__intf_fini(struct ag *ag);
/* A tap name: prefix + hex of a stable hash of name (a VMI's default
 * with AG_TAP_PREFIX, a host NIC port's with AG_HNIC_PREFIX). */
void ag__tap_name(const char *prefix, const char *name, char *out, size_t len);

/* ag_hnic.c */
/* Brings host NIC ports in line with the config (after the
 * interfaces). */
void ag__hnic_sync(struct ag *ag);
/* The port of the host NIC of MAC mac (borrowed), or NULL. */
struct ag_hnic *ag__hnic_by_mac(const struct ag *ag, const struct macaddr *mac);
/* Frees every port (at exit, datapath untouched). */
void ag__hnic_fini(struct ag *ag);

/* ag_rib.c */
/* A CN <message> on session s (items, retracts, End-of-RIB). */
void ag__rib_message(struct ag_sess *s, const struct xmpp_node *st);
/* Session s went down: its paths go stale. */
void ag__rib_sess_down(struct ag *ag, unsigned sess);
/* Reprograms one prefix of vrf (local interfaces first). */
void ag__rib_sync_prefix(
    struct ag *ag, struct ag_vrf *vrf, const struct prefix *p);
/* Reprograms every received inet route of any VRF programmed with
 * nexthop nh (an interface going: its own routes leaked into other
 * instances, the analyzer's into a mirrored network, point at it). */
void ag__rib_sync_nh(struct ag *ag, uint32_t nh);
void ag__rib_init(struct ag_vrf *vrf);
/* Removes every received route of vrf from the datapath and frees it. */
void ag__rib_fini(struct ag *ag, struct ag_vrf *vrf);

/* ag_mprog.c */
/* Interface in is about to go (already unlinked from ag->intfs): its
 * port mirror is taken off and the mirror entries that send to its vif
 * are moved off it, so that the vif and its nexthop can be deleted. */
void ag__mprog_intf_gone(struct ag *ag, struct ag_intf *in);
/* Computes and programs the mirror state again now (a host NIC port is
 * about to go, already unlinked). */
void ag__mprog_recompute(struct ag *ag);
void ag__mprog_free(struct ag_mprog *mp);

/* ag_dp.c */
struct ag_dp *ag__dp_new(struct ag *ag, const char *path);
void ag__dp_start(struct ag_dp *dp);
void ag__dp_stop(struct ag_dp *dp, void (*cb)(struct ag *ag));
void ag__dp_free(struct ag_dp *dp);
/* A vif left by an earlier agent named name: its index, else 0 with
 * *found false (the index is then reserved for the caller). */
uint32_t ag__dp_adopt_vif(struct ag_dp *dp, const char *name, bool *found);
/* The config has synced: vifs nobody adopted go. */
void ag__dp_adopt_done(struct ag_dp *dp);
/* Introspect: the journal's vif, nexthop or mirror of index idx
 * (borrowed, until the next request), or NULL. */
const struct dp_vif_cfg *ag__dp_vif(struct ag_dp *dp, uint32_t idx);
const struct dp_nh *ag__dp_nh(struct ag_dp *dp, uint32_t idx);
const struct dp_mirror_cfg *ag__dp_mirror(struct ag_dp *dp, uint32_t idx);
/* The vrouter's state (counters) of a vif, nh or mirror by a GET: 0,
 * -ENOTCONN while the vrouter is away, or its -errno. */
int ag__dp_state(struct ag_dp *dp, enum dp_msg_type type, uint32_t idx,
    struct dp_msg_state *st);

#endif /* SDN_AG_INT_H */
