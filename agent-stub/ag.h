/*
 * ag.h - mirador-agent: the modules around the config model (ag_cfg.h).
 *
 *   ag_ctl.c   sessions to one or two control nodes (xmpp_client), the
 *              config subscription on one of them, RI subscriptions,
 *              publishes and End-of-RIB on all; received items to ag_rib;
 *   ag_dp.c    the datapath: a dp_client on the vrouter's socket, index
 *              allocators, a journal of what was programmed (to delete
 *              it, and to program it all again when the vrouter restarts);
 *   ag_intf.c  VRFs (one per routing instance) and interfaces (vif, tap,
 *              encap nexthop, label, local routes, VNI flood composite);
 *   ag_hnic.c  host NIC ports (host tap services on this node);
 *   ag_rib.c   received routes per VRF and per session (prefix or MAC ->
 *              paths), their datapath routes and bridge entries, stale
 *              paths swept at End-of-RIB, and the lookups a mirror
 *              module uses.
 * Loop thread only.
 */
#ifndef SDN_AG_H
#define SDN_AG_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "agent-stub/ag_cfg.h"
#include "common/common.h"
#include "datapath/dp.h"
#include "xmpp/xmpp.h"

#define AG_SESS_MAX    2    /* control nodes (Contrail MAX_XMPP_SERVERS) */
#define AG_ECMP_MAX    16   /* next-hops kept per received path */
#define AG_DP_TIMEOUT  2000 /* ms a datapath request may take */
#define AG_DP_RETRY_MS 1000 /* datapath reconnect and liveness period */
#define AG_VRF_MIN     1    /* agent VRF indexes (0 is the fabric) */
#define AG_LABEL_MIN   16   /* MPLS labels handed to interfaces */
#define AG_FABRIC_VIF  0    /* the fabric vif's index */
#define AG_MTU         1500 /* VM vif MTU */
#define AG_FABRIC_MTU  9000
#define AG_INTROSPECT  "127.0.0.1:8085" /* default --introspect */
#define AG_TAP_PREFIX  "tap"            /* default tap name: + hash */
#define AG_HNIC_PREFIX "th" /* host NIC port tap: + hash of service */
#define AG_VROUTER_MAC "00:00:5e:00:01:00" /* the gateway MAC */

struct ag;

struct ag_opts {
	const char *name; /* the virtual-router name */
	size_t ncontrol;  /* 1..AG_SESS_MAX */
	struct sockaddr_storage control[AG_SESS_MAX];
	const char *dp_socket;                      /* the vrouter's socket */
	const char *xmpp_cert, *xmpp_key, *xmpp_ca; /* TLS when cert set */
	unsigned backoff_ms;                        /* 0: XMPP_BACKOFF_MS */
};

/* One received next-hop (inet or enet). */
struct ag_rnh {
	struct ipaddr addr; /* the vrouter (tunnel destination) */
	uint32_t label;     /* MPLS label or VNI */
	uint8_t encaps;     /* XMPP_ENCAP_* */
};
/* A route of a VRF as received: the paths of each session. */
struct ag_path {
	bool present;
	bool stale; /* its session went down; swept at an End-of-RIB */
	size_t nnh;
	struct ag_rnh nh[AG_ECMP_MAX];
};
enum ag_rfam {
	AG_RT_INET, /* inet and inet6: prefix */
	AG_RT_ENET, /* MAC (the address part is not a key) */
};
struct ag_route {
	struct ht_node hn; /* in the VRF's table */
	enum ag_rfam fam;
	struct prefix prefix; /* AG_RT_INET */
	struct macaddr mac;   /* AG_RT_ENET */
	struct ag_path path[AG_SESS_MAX];
	uint32_t dp_nh; /* the nexthop programmed (0: none) */
};

/* ag_ctl.c */
/* The agent on loop with opts (strings borrowed).  NULL with a log. */
struct ag *ag_new(uv_loop_t *loop, const struct ag_opts *opts);
/* Connects to the datapath and the control nodes.  0 or -errno. */
int ag_start(struct ag *ag);
/* Closes the sessions and the datapath client; cb once all is closed
 * (the datapath is left as programmed). */
typedef void (*ag_stopped_cb)(struct ag *ag, void *arg);
void ag_stop(struct ag *ag, ag_stopped_cb cb, void *arg);
void ag_free(struct ag *ag);
/* The config model (borrowed). */
struct ag_cfg *ag_config(struct ag *ag);
/* Sessions Established now. */
unsigned ag_sessions_up(const struct ag *ag);

/* ag_intf.c: VRFs and what the mirror module may ask of them */
/*
 * Asks for (want) or gives back the routing instance ri_name: while
 * wanted, the agent keeps a VRF for it and subscribes it on every
 * session even with no local interface in it (mirror mode 2, the
 * analyzer's instance).  Counted: each true needs one false.
 * The VRF index, or 0 when ri_name is unknown to the config yet (the
 * want is kept and honoured when the instance appears).
 */
uint32_t ag_ri_want(struct ag *ag, const char *ri_name, bool want);
/* The agent VRF index of ri_name, 0 when it has none. */
uint32_t ag_vrf_index(const struct ag *ag, const char *ri_name);

/* ag_rib.c: the received routes (borrowed, valid until the next event) */
/* Longest match for ip in VRF ri_name's inet/inet6 routes, or NULL. */
const struct ag_route *ag_rib_lookup(
    const struct ag *ag, const char *ri_name, const struct ipaddr *ip);
/* Exact match for mac in VRF ri_name's enet routes, or NULL. */
const struct ag_route *ag_rib_lookup_mac(
    const struct ag *ag, const char *ri_name, const struct macaddr *mac);
/* The path a route is programmed with (first session that has one). */
const struct ag_path *ag_route_best(const struct ag_route *rt);
/* The router's own underlay address (from the config), or NULL. */
const struct ipaddr *ag_self_ip(const struct ag *ag);

/*
 * Hooks for a mirror module: called after every config change and
 * after every received route change of a VRF, so it can re-resolve.
 * One hook; NULL to remove.
 */
struct ag_hooks {
	void (*cfg_changed)(
	    struct ag *ag, const struct ag_cfg_change *ch, size_t n, void *arg);
	void (*routes_changed)(struct ag *ag, const char *ri_name, void *arg);
	void *arg;
};
void ag_set_hooks(struct ag *ag, const struct ag_hooks *h);

/*
 * ag_pages.c: the introspect pages.  ag_pages_register puts them on an
 * intro server; each ag_page_* fills one page (the server renders it).
 */
struct intro;
struct page;
void ag_pages_register(struct intro *in, struct ag *ag);
/* /xmpp-sessions: each control node's session. */
void ag_page_sessions(struct ag *ag, struct page *pg);
/* /vrfs: the VRFs and why each is subscribed. */
void ag_page_vrfs(struct ag *ag, struct page *pg);
/* /routes?vrf=NAME: received paths per session; 400/404 without vrf. */
void ag_page_routes(struct ag *ag, const char *vrf, struct page *pg);
/* /interfaces: local interfaces, with the vrouter's counters. */
void ag_page_interfaces(struct ag *ag, struct page *pg);
/* /mirrors: the mirror entries programmed, with their counters. */
void ag_page_mirrors(struct ag *ag, struct page *pg);

/* ag_dp.c: the datapath as the agent programs it */
struct ag_dp;
/* Sends (and records) one ADD or DEL; the journal keeps ADDs so that
 * everything can be programmed again after a vrouter restart.  0 or
 * -errno (logged with the message).  While the vrouter is away the
 * journal changes and the request waits for the replay. */
int ag_dp_request(struct ag_dp *dp, const struct dp_msg *m);
/* The programming state (borrowed). */
struct ag_dp *ag_datapath(struct ag *ag);
/* Index allocators: 0 or the lowest free index; release gives it back. */
enum ag_ids {
	AG_IDS_VIF,
	AG_IDS_NH,
	AG_IDS_VRF,
	AG_IDS_LABEL,
	AG_IDS_MIRROR,
	AG_IDS_MAX,
};
uint32_t ag_dp_alloc(struct ag_dp *dp, enum ag_ids kind);
void ag_dp_release(struct ag_dp *dp, enum ag_ids kind, uint32_t idx);
/* A shared tunnel nexthop to (dip, tun, label): +1 ref; 0 on failure. */
uint32_t ag_dp_tunnel_ref(
    struct ag_dp *dp, struct in_addr dip, enum dp_tun_type tun, uint32_t label);
/* A composite of members (ecmp or flood), shared by member set: +1 ref. */
uint32_t ag_dp_composite_ref(
    struct ag_dp *dp, uint32_t vrf, bool ecmp, const uint32_t *m, size_t n);
/* Drops a reference taken by a _ref call (deletes at 0). */
void ag_dp_nh_unref(struct ag_dp *dp, uint32_t nh);
/* True while connected to the vrouter. */
bool ag_dp_up(const struct ag_dp *dp);

/* ag_mprog.c: the mirror module (ag_mirror.h) wired into the agent */
struct ag_mirror_state;
/*
 * Installs the hooks (ag_set_hooks) that recompute the mirror entries,
 * port mirrors and policies after every config change and every route
 * change in an instance they consulted, and program the difference in
 * the datapath.  Nothing is recomputed while headless.  Call once,
 * after ag_new.
 */
void ag_mprog_start(struct ag *ag);
/* The state last programmed (borrowed, valid until the next event), or
 * NULL before ag_mprog_start. */
const struct ag_mirror_state *ag_mprog_state(const struct ag *ag);

#endif /* SDN_AG_H */
