/*
 * bgp_int.h - private to bgp/: what the codec's files share (bgp_msg.c,
 * bgp_attr.c, bgp_nlri.c, bgp_update.c), then connections, their FSM,
 * peers and the speaker.  No other directory includes it (STYLE.md C3)
 * but the FSM and session tests, which are white-box.
 */
#ifndef SDN_BGP_INT_H
#define SDN_BGP_INT_H

#include "bgp/bgp.h"

/*
 * Codec.
 */

/* Path attribute type codes (RFC 4271 5, IANA "BGP Path Attributes"). */
enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_PMSI_TUNNEL = 22,
	BGP_ATTR_TUNNEL_ENCAP = 23,
	BGP_ATTR_IPV6_EXT_COMMUNITIES = 25,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
	BGP_ATTR_OTC = 35,
};

/* Attribute flags (RFC 4271 4.3). */
#define BGP_ATTR_F_OPTIONAL   0x80
#define BGP_ATTR_F_TRANSITIVE 0x40
#define BGP_ATTR_F_PARTIAL    0x20
#define BGP_ATTR_F_EXTLEN     0x10

/* AS_PATH segment types (RFC 4271 4.3, RFC 5065 3). */
#define BGP_AS_SET           1
#define BGP_AS_SEQUENCE      2
#define BGP_AS_CONFED_SEQ    3
#define BGP_AS_CONFED_SET    4
#define BGP_AS_SEG_MAX_COUNT 255 /* ASes in one segment */

/* Wire AFI/SAFI numbers. */
#define BGP_AFI_IPV4       1
#define BGP_AFI_IPV6       2
#define BGP_AFI_L2VPN      25
#define BGP_SAFI_UCAST     1
#define BGP_SAFI_EVPN      70
#define BGP_SAFI_VPN       128
#define BGP_SAFI_RTC       132
#define BGP_WITHDRAW_LABEL 0x800000 /* RFC 8277 2.4 compatibility field */

/*
 * Decoding one UPDATE's path attributes (bgp_attr.c), driven by
 * bgp_update.c.  The context lives on bgp_update_decode's stack; what the
 * AS4 merge and the unknown attributes need is held here until the walk
 * is over.
 */
struct bgp_attr_ctx {
	const struct bgp_session_caps *caps;
	struct arena *arena;   /* converted arrays */
	struct bgp_update *u;  /* filled */
	struct bgp_err *err;   /* on reset */
	const uint8_t *body;   /* the UPDATE body, for err->off */
	uint8_t seen[32];      /* bit per type code, all 256 */
	unsigned nattrs;       /* attributes in the list */
	const uint8_t *aspath; /* AS_PATH value as received */
	size_t aspath_len;
	bool has_aspath;
	const uint8_t *as4path; /* AS4_PATH value, checked */
	size_t as4path_len;
	bool has_as4path;
	bool has_as4agg; /* AS4_AGGREGATOR, checked */
	uint32_t as4agg_as, as4agg_id;
	bool has_nexthop;    /* NEXT_HOP attribute */
	bool has_mp_nexthop; /* MP_REACH next hop */
	struct ipaddr mp_nexthop;
	uint8_t *unknown; /* kept TLVs, Partial set (arena) */
	size_t unknown_len, unknown_cap;
};
/* The attribute list attrs; 0, or -1 with ctx->err for a reset. */
int bgp__attr_walk(struct bgp_attr_ctx *ctx, struct buf *attrs);
/* After the walk: AS_PATH/AS4_PATH merge (RFC 6793 4.2.3), the kept
 * unknown attributes and the next hop into ctx->u->attr. */
void bgp__attr_finish(struct bgp_attr_ctx *ctx);
/*
 * Writes the attributes of a for caps (no MP_REACH/MP_UNREACH), in type
 * order with a's unknown ones merged in; nh (or NULL) is the NEXT_HOP
 * attribute's address.  0, or -1 when w is full.
 */
int bgp__attr_encode(struct wbuf *w, const struct attr *a,
    const struct bgp_session_caps *caps, const struct ipaddr *nh);

/*
 * bgp_update.c: raises u->outcome to o (never lowers it); the reason of
 * the first problem of the worst outcome is kept.
 */
void bgp__outcome(struct bgp_update *u, enum bgp_outcome o, const char *fmt,
    ...) PRINTFLIKE(3, 4);

/* bgp_msg.c: fills err (data may be NULL) and returns -1. */
int bgp__err(struct bgp_err *err, uint8_t code, uint8_t subcode, size_t off,
    const void *data, size_t datalen, const char *fmt, ...) PRINTFLIKE(7, 8);

/*
 * bgp_nlri.c.  Checks a whole NLRI section of af (withdraw: an
 * MP_UNREACH or the withdrawn routes); 0 with *skipped (routes that
 * bgp_nlri_next will pass over), or -1 with err (3/10; off is base plus
 * the offset in b).
 */
int bgp__nlri_check(enum bgp_af af, const struct buf *b, bool withdraw,
    size_t base, unsigned *skipped, struct bgp_err *err);
/* Appends n in af's wire form; 0, -1 when w is full, -EINVAL for an NLRI
 * of another family, an invalid key or a label out of range. */
int bgp__nlri_encode(
    struct wbuf *w, enum bgp_af af, const struct bgp_nlri *n, bool withdraw);

/*
 * Sessions.
 */
#define BGP_SEND_HOLD_MIN 8 /* seconds; RFC 9687: max(8, 2 * hold) */

/* One TCP connection with its FSM state. */
struct bgp_conn {
	struct uvx_owner own; /* first: handles' data */
	struct bgp_fsm fsm;   /* owner: the peer */
	/* I/O (bgp_peer.c) */
	uv_tcp_t tcp;
	uv_connect_t connect_req;
	uv_timer_t timers[BGP_TIMER_MAX];
	uint8_t *rbuf; /* receive buffer */
	size_t rlen, rcap;
	bool shutting; /* closing after the output drains */
	bool closing;
	struct sockaddr_storage remote;
};

/* Session tuning. */
#define BGP_RETRY_MIN     1  /* seconds to the first reconnect */
#define BGP_STABLE_SECS   60 /* up this long: the back-off starts over */
#define BGP_RETRY_MAX     60 /* reconnect back-off cap */
#define BGP_RBUF_LEN      (2 * BGP_EXT_MAX_LEN) /* receive buffer */
#define BGP_OUTQ_HIGH     (1 << 20)   /* bytes queued: stop exporting */
#define BGP_OUTQ_LOW      (256 << 10) /* bytes queued: export again */
#define BGP_OUT_CHUNK     (64 << 10)  /* bytes gathered per write */
#define BGP_EXPORT_BUDGET 2048        /* entries per export step */
#define BGP_CLOSE_WAIT_MS 1000        /* a NOTIFICATION's last chance */
#define BGP_DEFER_FAILS   3           /* failed connects: not waited for */

/* What the configuration says of one session. */
struct bgp_peer_cfg {
	char name[64];                  /* the peer's bgp-router */
	struct sockaddr_storage remote; /* address and port */
	struct sockaddr_storage local;  /* bound for connects; port 0 any */
	uint32_t remote_as, local_as;
	uint32_t router_id;  /* ours, host order */
	uint32_t cluster_id; /* ours when we reflect, else 0 */
	uint16_t hold_time;
	uint32_t afs;         /* families offered */
	char auth_key[81];    /* TCP MD5, "" for none */
	char conf_error[128]; /* why it cannot run, or "" */
	bool passive, admin_down, rr_client;
	bool gr, llgr;        /* offer graceful restart / LLGR */
	uint16_t gr_time;     /* our restart time */
	uint32_t llgr_time;   /* our long-lived stale time */
	uint16_t eor_timeout; /* wait for End-of-RIB after restart */
	bool helper;          /* keep a restarting peer's routes */
};

/* The route targets a peer asked for (RFC 4684). */
struct bgp_rtc_ent {
	uint64_t rt;    /* the target, bits past rtbits zero */
	uint8_t rtbits; /* 1..64 bits of it that count */
};
struct bgp_rtc {
	bool any;                /* the default route: every target */
	struct bgp_rtc_ent *rts; /* what it asked for */
	size_t n, cap;
};

enum bgp_gr_state {
	BGP_GR_NONE,
	BGP_GR_RESTART,  /* peer gone; its routes stale until it is back */
	BGP_GR_LLGR,     /* long-lived stale */
	BGP_GR_EOR_WAIT, /* peer back; stale until its End-of-RIB */
};

struct bgp;
struct bgp_peer {
	struct uvx_owner own; /* first: the peer's timers */
	struct bgp *bgp;
	struct bgp_peer_cfg cfg;
	struct rt_source *src;     /* persists across sessions */
	struct bgp_conn *conns[2]; /* [0] outgoing, [1] incoming */
	struct bgp_conn *est;      /* the established one */
	uv_timer_t retry;          /* reconnect */
	uv_timer_t gr_timer;       /* restart, LLGR, EoR wait */
	uv_idle_t kick;            /* export work pending */
	bool kicking;
	unsigned retry_secs;
	bool stopping;  /* deconfigured or node stop */
	bool restarted; /* send the R bit (first session) */
	/* export */
	struct rt_listener *lsn[BGP_AF_MAX];
	struct bitset sent[BGP_AF_MAX]; /* what was announced, by entry id */
	bool eor_sent[BGP_AF_MAX], eor_rcvd[BGP_AF_MAX];
	bool refresh_eorr[BGP_AF_MAX]; /* send EoRR after the feed */
	bool exporting;
	/* graceful restart (helper) */
	enum bgp_gr_state gr_state;
	uint32_t stale_afs;        /* families with stale paths */
	struct bgp_gr_cap peer_gr; /* from the peer's last OPEN */
	struct bgp_llgr_cap peer_llgr;
	struct bgp_rtc rtc;
	/* counters */
	uint64_t updates_in, updates_out, prefixes_in;
	uint64_t flaps;
	uint64_t up_since_ms;   /* uv_now when Established */
	unsigned connect_fails; /* connects failed in a row */
	char last_error[512];
};

/* The speaker of one control node. */
struct bgp_listener;
struct bgp {
	struct cn_proto proto; /* first: the node's handle */
	struct uvx_owner own;  /* the defer timer */
	struct cn_node *node;
	uv_loop_t *loop;
	struct bgp_listener *listener;       /* NULL when not listening */
	char listen_error[128];              /* why not */
	struct sockaddr_storage listen_addr; /* what we bind */
	uint16_t listen_port;                /* what we bound */
	struct bgp_peer **peers;             /* configured, name order */
	size_t npeers;
	struct bgp_peer **gone; /* deconfigured, closing */
	size_t ngone;
	struct arena arena; /* per-UPDATE scratch */
	struct wbuf out;    /* export scratch, fixed */
	uint8_t *out_mem;
	uint32_t asn, router_id, cluster_id;
	bool deferring; /* restart: hold exports */
	uv_timer_t defer;
	bool applied; /* a config was applied */
	/* Route-target membership we originate (RFC 4684): the targets our
	 * instances import, from local_src in bgp.rtarget.0. */
	struct rt_source *local_src;
	uint64_t *rtc_rts; /* sorted */
	size_t nrtc;
	bool stopping, stopped;
	cn_proto_done_cb stop_done;
};

/* bgp_speaker.c */
struct rt_table *bgp__table(const struct bgp *b, enum bgp_af af);
/* Ends the restart deferral when every peer has sent its End-of-RIB. */
void bgp__defer_check(struct bgp *b);
void bgp__peer_gone(struct bgp_peer *p);

/* bgp_peer.c */
struct bgp_peer *bgp__peer_new(struct bgp *b, const struct bgp_peer_cfg *cfg);
void bgp__peer_start(struct bgp_peer *p);
/* Resets a session (Cease subcode, e.g. 6 config change). */
void bgp__peer_reset(struct bgp_peer *p, uint8_t subcode, const char *why);
/* Closes everything of p; bgp__peer_gone(p) when done. */
void bgp__peer_stop(struct bgp_peer *p, uint8_t subcode);
void bgp__peer_free(struct bgp_peer *p);
/* An accepted connection from the peer's address. */
void bgp__peer_accept(struct bgp_peer *p, struct bgp_conn *c);
struct bgp_conn *bgp__conn_new(struct bgp *b);
/* TCP MD5 (RFC 2385) for addr on socket fd, key "" to remove; 0 or
 * -errno. */
int bgp__set_md5(int fd, const struct sockaddr_storage *addr, const char *key);
/* The peer's graceful restart timer callback (bgp__rib_gr_timer). */
void bgp__gr_cb(uv_timer_t *h);

void bgp__conn_drop(struct bgp_conn *c);
/* Sends a whole message on p's established session (the export path). */
void bgp__peer_send(struct bgp_peer *p, const uint8_t *msg, size_t len);
/* True when p's output queue is over BGP_OUTQ_HIGH. */
bool bgp__peer_congested(const struct bgp_peer *p);
void bgp__peer_kick(struct bgp_peer *p);
const char *bgp__peer_state(const struct bgp_peer *p);

/* bgp_rib.c */
void bgp__rib_up(struct bgp_peer *p);
void bgp__rib_down(struct bgp_peer *p, bool graceful);
int bgp__rib_update(
    struct bgp_peer *p, const uint8_t *body, size_t len, struct bgp_err *err);
void bgp__rib_refresh(struct bgp_peer *p, enum bgp_af af, uint8_t subtype);
void bgp__rib_gr_timer(struct bgp_peer *p);
/* The restart deferral is over: start exporting. */
void bgp__rib_resume(struct bgp_peer *p);
/* Starts (or restarts) the feed of af to p. */
void bgp__rib_feed(struct bgp_peer *p, enum bgp_af af);
void bgp__rib_unlisten(struct bgp_peer *p);
/* One export step: true while there is more to do. */
bool bgp__rib_export(struct bgp_peer *p);

#endif /* SDN_BGP_INT_H */
