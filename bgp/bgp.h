/*
 * bgp.h - the public header of libbgp: Mirador's BGP speaker.
 *
 * Three layers (STYLE.md C6): a pure codec (bgp_frame.c framing,
 * bgp_msg.c messages, bgp_attr.c path attributes, bgp_nlri.c NLRI) that
 * never touches a socket or logs; an FSM (bgp_fsm.c, RFC 4271 section 8);
 * and sessions on libuv (bgp_peer.c) attached to the control node's
 * routing core as route sources and table listeners.  NLRI decode straight
 * into the core's struct rt_key and attributes into a struct attr
 * template, so a received route reaches a table without a copy in
 * between.
 */
#ifndef SDN_BGP_H
#define SDN_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "control-node/cn.h"

/* Wire sizes (RFC 4271 4.1, RFC 8654). */
#define BGP_HDR_LEN      19
#define BGP_MAX_LEN      4096  /* without the extended message cap */
#define BGP_EXT_MAX_LEN  65535 /* with it */
#define BGP_MARKER_LEN   16
#define BGP_VERSION      4
#define BGP_PORT         179
#define BGP_MIN_HOLD     3     /* a hold time is 0 or at least this */
#define BGP_SHUTDOWN_MAX 255   /* RFC 9003 shutdown text bytes */
#define BGP_AS_TRANS     23456 /* RFC 6793 */

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes and the subcodes we send (RFC 4271 4.5). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1, /* 1 sync, 2 bad length, 3 bad type */
	BGP_ERR_OPEN = 2,   /* 1 version, 2 peer AS, 3 BGP id, 4 opt
				    * param, 6 hold time, 7 capability */
	BGP_ERR_UPDATE = 3, /* 1 attr list, 2 unknown well-known,
				    * 3 missing well-known, 4 flags, 5 length,
				    * 6 origin, 8 next hop, 9 optional, 10 NLRI,
				    * 11 AS path */
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,           /* RFC 6608: 1 OpenSent, 2 OpenConfirm,
				    * 3 Established */
	BGP_ERR_CEASE = 6,         /* RFC 4486: 1 max prefixes, 2 shutdown,
				    * 3 deconfigured, 4 reset, 5 rejected,
				    * 6 config change, 7 collision, 8 resources,
				    * 9 hard reset (RFC 8538) */
	BGP_ERR_ROUTE_REFRESH = 7, /* RFC 7313: 1 bad length */
	BGP_ERR_SEND_HOLD = 8,     /* RFC 9687 */
};

/*
 * A protocol error is data, not a C error (STYLE.md C5): decoders fill
 * this and return -1; the FSM decides.  data is what the NOTIFICATION
 * carries (e.g. the bad length, the bad attribute).
 */
#define BGP_ERR_DATA_MAX 64
struct bgp_err {
	uint8_t code, subcode;          /* NOTIFICATION code/subcode */
	size_t off;                     /* byte offset of the fault in input */
	uint8_t data[BGP_ERR_DATA_MAX]; /* NOTIFICATION data */
	size_t datalen;
	char reason[128]; /* for the log, never sent */
};

/* The address families we speak (AFI/SAFI). */
enum bgp_af {
	BGP_AF_INET,      /* 1/1 */
	BGP_AF_INET_VPN,  /* 1/128 */
	BGP_AF_INET6_VPN, /* 2/128 */
	BGP_AF_EVPN,      /* 25/70 */
	BGP_AF_RTARGET,   /* 1/132 */
	BGP_AF_MAX
};
#define BGP_AF_BIT(af) (1u << (af))
/* 0 and *af for a family we speak, -1 for any other. */
int bgp_af_from_wire(uint16_t afi, uint8_t safi, enum bgp_af *af);
void bgp_af_to_wire(enum bgp_af af, uint16_t *afi, uint8_t *safi);
/* "inet", "inet-vpn", "inet6-vpn", "e-vpn", "route-target" (the config's). */
const char *bgp_af_name(enum bgp_af af);
/* The routing-core family of the af's routes. */
enum rt_family bgp_af_family(enum bgp_af af);

/* bgp_frame.c: framing. */
/*
 * Looks at the start of a receive buffer.  Returns 0 when more bytes are
 * needed, 1 when a whole message of *len bytes (header included) of type
 * *type is there, -1 on a header error (marker, length, type; RFC 4271
 * 6.1) with err filled.  max is BGP_MAX_LEN, or BGP_EXT_MAX_LEN once the
 * extended message capability is negotiated (OPEN and KEEPALIVE stay at
 * 4096, RFC 8654).
 */
int bgp_frame_check(const uint8_t *p, size_t avail, size_t max, size_t *len,
    uint8_t *type, struct bgp_err *err);
/* Writes a message header for a body of len bytes, type; -1 if no room. */
int bgp_frame_header(struct wbuf *w, size_t len, uint8_t type);

/* bgp_msg.c: OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH. */
struct bgp_gr_cap {
	bool present;
	bool restarted;        /* R bit: the speaker has restarted */
	bool notification;     /* N bit (RFC 8538) */
	uint16_t restart_time; /* seconds, 12 bits */
	uint32_t afs;          /* BGP_AF_BIT of the families listed */
	uint32_t forwarding;   /* F bit per family */
};
struct bgp_llgr_cap {
	bool present;
	uint32_t afs;                    /* families listed */
	uint32_t forwarding;             /* F bit per family */
	uint32_t stale_time[BGP_AF_MAX]; /* seconds, 24 bits */
};
#define BGP_OPEN_MAX_UNKNOWN 16
struct bgp_open {
	uint8_t version;
	uint32_t asn; /* the 4-octet AS when as4, else the field */
	uint16_t hold_time;
	uint32_t bgp_id;          /* host order */
	bool as4;                 /* 4-octet AS capability (RFC 6793) */
	uint32_t afs;             /* multiprotocol: families we speak */
	uint32_t unknown_afs;     /* count of other AFI/SAFIs advertised */
	bool route_refresh;       /* RFC 2918 */
	bool enhanced_refresh;    /* RFC 7313 */
	bool ext_msg;             /* RFC 8654 */
	struct bgp_gr_cap gr;     /* RFC 4724 */
	struct bgp_llgr_cap llgr; /* RFC 9494 */
	uint8_t unknown_caps[BGP_OPEN_MAX_UNKNOWN]; /* codes ignored */
	size_t nunknown_caps;
};
/*
 * body/len: the message without its header.  Checks O1-O8 of the
 * reference list: every capability bounded by its length, RFC 9072
 * extended parameters, version 4, hold time 0 or >= 3, BGP id not 0,
 * AS not 0.  A capability we do not know is listed, not an error.
 */
int bgp_msg_decode_open(
    const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_err *err);
/* A whole OPEN message (header included) for o. */
int bgp_msg_encode_open(const struct bgp_open *o, struct wbuf *w);
int bgp_msg_encode_keepalive(struct wbuf *w);

struct bgp_notification {
	uint8_t code, subcode;
	const uint8_t *data; /* borrowed from the input */
	size_t datalen;
	/* Cease 2/4 shutdown communication (RFC 8203/9003), sanitised:
	 * control characters and invalid UTF-8 replaced by '?'. */
	bool has_shutdown;
	char shutdown[BGP_SHUTDOWN_MAX * 4 + 1];
};
int bgp_msg_decode_notification(const uint8_t *body, size_t len,
    struct bgp_notification *n, struct bgp_err *err);
/* data may be NULL; the whole message stays within BGP_MAX_LEN. */
int bgp_msg_encode_notification(uint8_t code, uint8_t subcode, const void *data,
    size_t datalen, struct wbuf *w);
/* Cease with a shutdown communication (text cut to BGP_SHUTDOWN_MAX). */
int bgp_msg_encode_shutdown(uint8_t subcode, const char *text, struct wbuf *w);
/* "Cease/administrative shutdown" etc., for logs. */
const char *bgp_err_name(uint8_t code, uint8_t subcode, char *buf, size_t len);

enum bgp_refresh_subtype {
	BGP_REFRESH_NORMAL = 0,
	BGP_REFRESH_BORR = 1, /* RFC 7313 begin of route refresh */
	BGP_REFRESH_EORR = 2, /* end of route refresh */
};
struct bgp_refresh {
	uint16_t afi;
	uint8_t safi;
	uint8_t subtype;
	bool known_af; /* af is valid */
	enum bgp_af af;
};
/* A length other than 4 is error 7/1 (R1). */
int bgp_msg_decode_refresh(const uint8_t *body, size_t len,
    struct bgp_refresh *r, struct bgp_err *err);
int bgp_msg_encode_refresh(enum bgp_af af, uint8_t subtype, struct wbuf *w);

/* bgp_attr.c and bgp_update.c: UPDATE. */

/* RFC 7606 outcome of an UPDATE (STYLE.md C5, FRR bgp_attr_parse_ret). */
enum bgp_outcome {
	BGP_OK,       /* use it */
	BGP_DISCARD,  /* an attribute was dropped; use the rest */
	BGP_WITHDRAW, /* treat every NLRI of the UPDATE as withdrawn */
	BGP_RESET,    /* session reset (returned as -1 with err) */
};

/* What the decoder must know of the session. */
struct bgp_session_caps {
	bool as4;       /* 4-octet AS negotiated */
	bool ebgp;      /* external peer */
	uint32_t afs;   /* families negotiated (others ignored: discard) */
	size_t max_len; /* message size limit */
};

/*
 * One NLRI of a family: its key, and its label(s).  For inet-vpn and
 * inet6-vpn, label is the MPLS label (20 bits; the bottom-of-stack bit is
 * the codec's business).  For EVPN the label fields are 24-bit values
 * kept raw: a VNI with VXLAN encapsulation, or label << 4 | S with MPLS
 * (RFC 8365 5.1.3); the encapsulation extended community says which.
 * inet and route-target have none (0).
 */
struct bgp_nlri {
	struct rt_key key;
	uint32_t label;  /* see above */
	uint32_t label2; /* EVPN type 2 second label field, 0 if absent */
};

/*
 * A decoded UPDATE.  Attributes are in attr, a template to attr_intern()
 * (its arrays point into the arena or the message).  The NLRI sections are
 * kept as readers over the message, already checked, walked with
 * bgp_nlri_next() after a successful decode.
 */
struct bgp_update {
	enum bgp_outcome outcome; /* BGP_OK, BGP_DISCARD or BGP_WITHDRAW */
	char reason[160];         /* why not OK, for the log */
	struct attr attr;         /* decoded attributes */
	bool has_attrs;           /* any path attribute present */
	uint64_t seen;            /* bit per attribute type (< 64) seen */
	struct buf withdrawn;     /* IPv4 unicast withdrawn routes */
	struct buf nlri;          /* IPv4 unicast NLRI */
	bool has_reach;           /* MP_REACH_NLRI */
	enum bgp_af reach_af;
	struct buf reach_nlri;
	bool has_unreach; /* MP_UNREACH_NLRI */
	enum bgp_af unreach_af;
	struct buf unreach_nlri;
	bool eor; /* an End-of-RIB marker (RFC 4724 2) */
	enum bgp_af eor_af;
	/* The NEXT_HOP attribute (af 0: none), next hop of u->nlri: when
	 * MP_REACH_NLRI is there too, attr.nexthop is the MP_REACH one. */
	struct ipaddr inet_nexthop;
};
/*
 * Decodes an UPDATE body: structure (U1-U10), every attribute per RFC 7606
 * (table-driven, bgp_attr.c), MP_REACH/MP_UNREACH and the syntax of every
 * NLRI (N1-N7: a bad NLRI is a reset, RFC 7606 5.3).  Temporary arrays go
 * to arena.  Returns 0 with u->outcome, or -1 (reset) with err.
 */
int bgp_update_decode(const uint8_t *body, size_t len,
    const struct bgp_session_caps *caps, struct arena *arena,
    struct bgp_update *u, struct bgp_err *err);
/*
 * The next NLRI of a checked section (u->nlri/withdrawn for BGP_AF_INET,
 * reach/unreach_nlri for their af).  1 with *n, 0 at the end.  withdraw
 * says the section is a withdraw (RFC 8277 labels 0x800000/0).
 */
int bgp_nlri_next(
    enum bgp_af af, struct buf *b, bool withdraw, struct bgp_nlri *n);

/*
 * Encoding UPDATEs: a writer packs as many NLRI as fit one message (of
 * max_len) sharing one attribute set; bgp_update_writer_add returns
 * -ENOSPC when the message is full (flush it and start another).
 */
struct bgp_update_writer {
	struct wbuf *w; /* the output (messages are appended) */
	enum bgp_af af;
	bool withdraw;        /* MP_UNREACH / withdrawn routes */
	size_t start;         /* offset of this message in w */
	size_t nlri_off;      /* where the NLRI section grows */
	size_t mp_len_off;    /* MP_(UN)REACH length field, or 0 */
	size_t attrs_len_off; /* Total Path Attribute Length field */
	size_t max_len;       /* message limit */
	unsigned count;       /* NLRI in this message */
};
/*
 * Starts an UPDATE: for a reach, the attributes of a (encoded for caps:
 * AS_PATH in 2-octet form with AS4_PATH when !caps->as4) and next hop nh
 * (MP_REACH, or NEXT_HOP for inet); for a withdraw (a NULL) only the
 * withdraw section.  0, or -ENOSPC when even an empty message does not
 * fit in what is left of the wbuf, -EMSGSIZE when it does not fit in
 * caps->max_len (0: BGP_MAX_LEN), -EINVAL for a next hop the family
 * cannot carry (nothing is written then).
 */
int bgp_update_writer_start(struct bgp_update_writer *uw, struct wbuf *w,
    enum bgp_af af, const struct attr *a, const struct ipaddr *nh,
    const struct bgp_session_caps *caps);
/* 0, -ENOSPC (nothing added), or -EINVAL for an NLRI the family or the
 * core cannot hold. */
int bgp_update_writer_add(
    struct bgp_update_writer *uw, const struct bgp_nlri *n);
/* Closes the message (lengths); an empty one is removed.  0. */
int bgp_update_writer_finish(struct bgp_update_writer *uw);
/* An End-of-RIB marker for af. */
int bgp_msg_encode_eor(enum bgp_af af, struct wbuf *w);

/* bgp_attr.c: one attribute type's name ("ORIGIN"), for logs. */
const char *bgp_attr_name(uint8_t type);

/*
 * bgp_fsm.c: the finite state machine of one connection (RFC 4271 8).
 * Pure like the codec: events in, ops out, no socket and no clock, so a
 * session layer drives it on libuv and a test drives it with stubs.
 */

/* FSM states (RFC 4271 8.2.2), per connection. */
enum bgp_state {
	BGP_IDLE,
	BGP_CONNECT,
	BGP_ACTIVE,
	BGP_OPENSENT,
	BGP_OPENCONFIRM,
	BGP_ESTABLISHED,
};

/* FSM events: what the connection layer tells the FSM. */
enum bgp_event {
	BGP_EV_TCP_UP,            /* connected or accepted: send OPEN */
	BGP_EV_TCP_DOWN,          /* the peer closed, or an I/O error */
	BGP_EV_MESSAGE,           /* arg: struct bgp_msg, a whole message */
	BGP_EV_HOLD_EXPIRED,      /* hold timer */
	BGP_EV_KEEPALIVE_TIMER,   /* time to send a KEEPALIVE */
	BGP_EV_SEND_HOLD_EXPIRED, /* RFC 9687: the peer stopped reading */
	BGP_EV_STOP,              /* arg: struct bgp_err, the Cease to send */
	BGP_EV_DECODE_ERROR,      /* arg: struct bgp_err from framing */
};

enum bgp_timer {
	BGP_TIMER_HOLD,
	BGP_TIMER_KEEPALIVE,
	BGP_TIMER_SEND_HOLD,
	BGP_TIMER_MAX
};

/* A whole received message, borrowed for the event. */
struct bgp_msg {
	uint8_t type;
	const uint8_t *body; /* after the header */
	size_t len;
};

#define BGP_OPEN_HOLD 240 /* hold time while OpenSent (RFC 4271) */

struct bgp_fsm;

/*
 * What the FSM needs from below (the socket) and above (the peer), so
 * the FSM is tested with stubs.  send takes a whole message; timer with
 * secs 0 stops the timer.
 */
struct bgp_fsm_ops {
	void (*send)(struct bgp_fsm *f, const uint8_t *msg, size_t len);
	void (*close)(struct bgp_fsm *f);
	void (*timer)(struct bgp_fsm *f, enum bgp_timer t, unsigned secs);
	/* Our OPEN for this connection. */
	void (*make_open)(struct bgp_fsm *f, struct bgp_open *o);
	/* The peer's OPEN: 0 to go on, or -1 with err (AS, id, collision). */
	int (*check_open)(
	    struct bgp_fsm *f, const struct bgp_open *o, struct bgp_err *err);
	void (*established)(struct bgp_fsm *f);
	/* An UPDATE in Established: 0, or -1 with err to reset. */
	int (*update)(struct bgp_fsm *f, const uint8_t *body, size_t len,
	    struct bgp_err *err);
	void (*refresh)(struct bgp_fsm *f, const struct bgp_refresh *r);
	/* The connection went down: why (err, NULL for a plain close),
	 * whether we sent the NOTIFICATION or received it. */
	void (*down)(struct bgp_fsm *f, const struct bgp_err *err, bool sent,
	    const struct bgp_notification *rcvd);
};

/* A connection's protocol state; a session layer embeds it. */
struct bgp_fsm {
	const struct bgp_fsm_ops *ops;
	void *owner; /* the session's (or a test's) */
	enum bgp_state state;
	bool outgoing;                /* we connected */
	struct bgp_open sent_open;    /* what we offered */
	struct bgp_open rcvd_open;    /* what the peer offered */
	uint16_t hold_time;           /* negotiated, 0: no keepalives */
	struct bgp_session_caps caps; /* negotiated, in OpenConfirm on */
	uint64_t msgs_in, msgs_out;   /* counters */
};
void bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_ops *ops, void *owner,
    bool outgoing);
/* Drives f with ev (arg per event); may call any op, close included. */
void bgp_fsm_event(struct bgp_fsm *f, enum bgp_event ev, const void *arg);
/*
 * Feeds received bytes: frames whole messages and runs them through the
 * FSM.  Returns the bytes consumed (the rest is a partial message).
 * Stops at the first error (the FSM has closed the connection).
 */
size_t bgp_fsm_input(struct bgp_fsm *f, const uint8_t *p, size_t len);
const char *bgp_state_name(enum bgp_state s);
/* Negotiates the session from both OPENs into f->caps / f->hold_time. */
void bgp_fsm_negotiate(struct bgp_fsm *f);

/*
 * bgp_speaker.c: the node's BGP speaker.  Attaches to node (it applies
 * each configuration generation and stops with the node) and adds the
 * /bgp-neighbors introspect page.  It listens on the node's --bgp
 * address, else on its bgp-router's address and port.
 */
struct cn_proto *bgp_attach(struct cn_node *node);
/* What the speaker shows of one neighbor (a /bgp-neighbors row); the
 * strings are borrowed until the next configuration or stop. */
struct bgp_neighbor {
	const char *state; /* "Established", "Active", "Idle (admin-down)" */
	bool established;
	uint32_t afs;  /* BGP_AF_BIT of the negotiated families */
	bool eor_sent; /* End-of-RIB sent for every one of them */
	bool eor_rcvd; /* ... and received */
	uint64_t prefixes_in, updates_in, updates_out, flaps;
	const char *gr_state;   /* "" or the graceful restart phase */
	const char *last_error; /* "" or why the last session ended */
};
/* 0 with *n, or -ENOENT when no neighbor has that name. */
int bgp_neighbor_get(
    const struct cn_proto *p, const char *name, struct bgp_neighbor *n);
/* True while a restart holds our advertisements (RFC 4724 4.1). */
bool bgp_deferring(const struct cn_proto *p);
/*
 * Resets a neighbor's session as an operator would: Cease "administrative
 * reset" (with RFC 8538 on both sides, both keep the other's routes
 * stale and the session comes back), or hard, Cease "hard reset": routes
 * go at once.  0, or -ENOENT.
 */
int bgp_neighbor_reset(struct cn_proto *p, const char *name, bool hard);

#endif /* SDN_BGP_H */
