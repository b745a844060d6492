/*
 * cn_int.h - private to control-node/: the XMPP agent channel's state,
 * shared by cn_xmpp.c (sessions, subscriptions, routes), cn_xmpp_cfg.c
 * (the config channel) and cn_xmpp_pages.c (introspect).  No other
 * directory includes this (STYLE.md C3).
 */
#ifndef SDN_CN_INT_H
#define SDN_CN_INT_H

#include "control-node/cn.h"

#include "xmpp/xmpp.h"

/* Limits of the agent channel. */
#define CX_DEFER_MAX     1024 /* routes held per agent for pending VRFs */
#define CX_AHEAD         6    /* routes read ahead of the one applied */
#define CX_SUBS_MAX      4096 /* subscriptions of one agent */
#define CX_EXPORT_BUDGET 512  /* entries exported per agent per turn */
#define CX_MSG_RESERVE   (64u << 10)  /* queue room needed per message */
#define CX_WQ_MAX        (160u << 10) /* write queue per agent session */
#define CX_EOR_QUIET_MS  1000         /* quiet time before our End-of-RIB */
#define CX_TICK_MS       250          /* timer granularity */
#define CX_CFG_PER_MSG   16           /* config objects per IQ (Contrail's) */
#define CX_NFAM          3            /* inet, inet6, evpn */

/* A route an agent published, held until its collection names the VRF
 * (the pair is merged per connection, reference 2.3). */
struct cx_pub {
	enum xmpp_item_family fam;
	uint8_t safi;
	bool eor;            /* an empty publish: End-of-RIB */
	bool bad;            /* the item did not parse (why says) */
	bool has_primary;    /* inet: a primary instance id in the node */
	uint32_t primary_id; /* ... and its value */
	char why[128];       /* why the item is bad */
	char *node;          /* the publish node (owned) */
	struct rt_key key;   /* in the instance's form (RD zero) */
	uint32_t label;      /* MPLS label or VNI */
	size_t nnh;          /* next-hops the item had */
	struct ipaddr nh;    /* the one next hop */
	bool has_nh_mac;     /* router MAC */
	struct macaddr nh_mac;
	uint8_t encaps;      /* XMPP_ENCAP_* */
	uint32_t local_pref; /* 0: none */
	uint32_t med;        /* 0: derived from local_pref */
	bool has_mobility;   /* seqno/sticky given */
	bool sticky;
	uint32_t seqno;
	size_t ntags, nsg, ncomm;
	uint32_t tags[XMPP_ITEM_MAX_LIST];
	uint32_t sg[XMPP_ITEM_MAX_LIST];
	uint32_t comm[XMPP_ITEM_MAX_LIST];
	struct cx_pub *next; /* deferred list */
	bool add;            /* associate (else dissociate) */
};

/* An agent's subscription to one routing instance. */
struct cx_sub {
	char *name;                       /* instance name (owned) */
	uint32_t instance_id;             /* the agent's VRF index */
	bool no_ribout;                   /* send it nothing */
	bool stale;                       /* from a lost session (GR) */
	struct ri *ri;                    /* NULL: pending (not configured) */
	struct rt_listener *lsn[CX_NFAM]; /* what it is sent */
	struct bitset sent[CX_NFAM];      /* items sent, by entry id */
	uint64_t items_out, retracts_out;
	struct cx_pub *defer, **defer_tail; /* routes for a pending VRF */
	size_t ndefer;
};

/* What the config channel sent one agent: object key and text hash. */
struct cx_cfg_obj {
	char *key; /* "virtual-network/default-domain:demo:red" */
	uint64_t hash;
};
struct cx_cfg {
	char *vrouter;           /* the virtual-router name */
	struct cx_cfg_obj *sent; /* sorted by key */
	size_t nsent;
	bool eoc_sent; /* end-of-config sent */
	bool dirty;    /* the queue was full: send again */
	uint64_t updates, deletes, msgs;
};

enum cx_agent_state {
	CXA_UP,    /* a session (not necessarily Established) */
	CXA_STALE, /* the session went, GR keeps its routes */
};

struct cx;
struct cx_agent {
	struct ht_node hnode; /* in cx->agents, by name */
	struct cx *cx;
	char name[XMPP_NAME_MAX];
	enum cx_agent_state state;
	struct ipaddr addr;     /* the session's remote address */
	struct rt_source *src;  /* its paths' source */
	struct xmpp_conn *conn; /* NULL while stale */
	struct cx_sub **subs;   /* sorted by name */
	size_t nsubs, capsubs;
	struct cx_pub *pub;   /* a publish waiting for its collection */
	struct cx_pub *spare; /* freed cx_pubs kept for reuse (a list) */
	size_t nspare;
	/* Routes read, prefetched, not applied yet (route_queue). */
	struct cx_ahead {
		struct cx_sub *sub;
		struct cx_pub *pub;
	} ahead[CX_AHEAD];
	size_t ahead_head, nahead;
	size_t ndefer; /* deferred routes, all subs */
	uint64_t *rtc; /* RT-constraint targets it adds, sorted */
	size_t nrtc;
	struct cx_cfg *cfg; /* config channel subscription, or NULL */
	/* export */
	bool kicked; /* on cx's kick list */
	struct cx_agent *kick_next;
	bool blocked; /* waiting for the queue to drain */
	bool eor_sent, eor_rcvd;
	uint64_t up_ms, last_rx_ms;
	uint64_t stale_until_ms; /* GR: sweep then (0: none) */
	/* counters and history */
	uint64_t routes_in, withdraws_in, bad_items, eor_in;
	uint64_t items_out, retracts_out, msgs_out;
	uint64_t flaps, sessions;
	uint64_t state_ms;                 /* uv_now of the last state change */
	char last_reason[160];             /* why the last session ended */
	struct xmpp_conn_stats last_stats; /* of the last session */
};

struct cx {
	struct cn_proto proto;
	struct uvx_owner own;
	struct cn_node *node;
	uv_loop_t *loop;
	struct xmpp_server *server;
	struct xmpp_tls *tls;
	bool started, stopping;
	cn_proto_done_cb done;
	struct ht agents; /* struct cx_agent by name */
	size_t nagents;
	uv_idle_t kick;
	uv_timer_t tick;
	struct cx_agent *kick_head;
	const struct schema_config *cfg; /* the running generation */
	struct schema_gr gr;
	unsigned hold;
	uint32_t *vn_idx; /* VN index -> name map, sorted by index */
	const char **vn_name;
	size_t nvn;
	struct xmpp_item item; /* scratch, for parse and print */
	struct wbuf msg, rmsg; /* a message of items, of retracts */
	struct wbuf cfgbuf;    /* config IQs */
	uint64_t cfg_seq;      /* config IQ ids */
	uint64_t accepted, refused;
};

/* cn_xmpp_cfg.c */
/* The agent subscribes virtual-router:<name> on its /config channel. */
void cx__cfg_subscribe(struct cx_agent *ag, const char *node);
void cx__cfg_unsubscribe(struct cx_agent *ag);
/* Sends what changed since the last call (all of it the first time). */
void cx__cfg_update(struct cx_agent *ag);
void cx__cfg_free(struct cx_cfg *c);

/* cn_xmpp_pages.c */
void cx__pages_register(struct cx *cx);

/* cn_xmpp.c */
const char *cx__agent_state(const struct cx_agent *ag);
/* Agents in name order (an array to free). */
struct cx_agent **cx__agents_sorted(const struct cx *cx, size_t *n);
/* Sends bytes on an agent's session; false (nothing sent) when the
 * queue is full (the agent waits for writable) or it has none. */
bool cx__send(struct cx_agent *ag, const struct wbuf *w);

#endif /* SDN_CN_INT_H */
