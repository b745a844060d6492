/*
 * xmpp.h - the public header of libxmpp: the XMPP transport and codec
 * that Contrail vRouter agents and control nodes speak (see
 * reference/contrail-protocol.md sections 1 and 2), shared by
 * mirador-control (server side) and mirador-agent (client side).
 *
 * Three layers (STYLE.md C6), no routing knowledge (STYLE.md C1):
 *   - xmpp_stanza.c: a small stanza tree in an arena, builders, printer;
 *   - xmpp_parser.c: framing: expat over the byte stream, with hard limits,
 *     turning bytes into stream open/close, keepalives and stanza trees;
 *   - xmpp_item.c: the pure codec of Contrail's pubsub items (inet, inet6,
 *     enet entries; CN->agent item/retract messages; agent->CN publish,
 *     collection and subscribe IQs) in wire-format structs;
 *   - xmpp_fsm.c, xmpp_conn.c, xmpp_tls.c, xmpp_server.c, xmpp_client.c:
 *     connections on libuv (stream open, STARTTLS through memory BIOs,
 *     whitespace keepalive and hold timer, a bounded write queue with a
 *     send-hold timer), the listening server and the reconnecting client.
 */
#ifndef SDN_XMPP_H
#define SDN_XMPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

#include "common/common.h"

/* Contrail's constants (contrail-protocol.md 1.1). */
#define XMPP_PORT        5269
#define XMPP_CONTROL_JID "network-control@contrailsystems.com"
#define XMPP_PUBSUB_NS   "http://jabber.org/protocol/pubsub"
#define XMPP_STREAM_NS   "http://etherx.jabber.org/streams"
#define XMPP_TLS_NS      "urn:ietf:params:xml:ns:xmpp-tls"
#define XMPP_RES_BGP     "bgp-peer"
#define XMPP_RES_CONFIG  "config"
#define XMPP_EOR_NODE    "0/0/EndOfRib"
#define XMPP_STREAM_ID   "++123"
#define XMPP_KEEPALIVE   "\xc8\x80" /* U+0200, the whitespace ping */
#define XMPP_HOLD_TIME   90         /* seconds, not negotiated */
#define XMPP_OPEN_TIME   15         /* seconds to get the stream open */
#define XMPP_CONNECT_MAX 30         /* seconds, client back-off cap */
#define XMPP_MAX_REACH   32         /* items per CN->agent message */
#define XMPP_MAX_UNREACH 256        /* retracts per CN->agent message */

/* Parser limits: defaults, and the bounds a configuration may set. */
#define XMPP_STANZA_MAX (256u << 10) /* bytes of one stanza */
#define XMPP_DEPTH_MAX  32           /* element nesting in a stanza */
#define XMPP_ATTRS_MAX  16           /* attributes on one element */
#define XMPP_NAME_MAX   256          /* bytes of a name or JID */
#define XMPP_WQ_MAX     (4u << 20)   /* write-queue bytes before -ENOBUFS */
#define XMPP_SEND_HOLD  90           /* seconds a full queue may not move */

/* Connections: limits and defaults (xmpp_conn.c, _server.c, _client.c). */
#define XMPP_TCP_HOLD   30          /* seconds, TCP keepalive input (1.5) */
#define XMPP_TCP_PROBES 3           /* TCP keepalive probes (1.5) */
#define XMPP_RBUF_LEN   (64u << 10) /* receive buffer, one per thread */
#define XMPP_PBUF_LEN   (16u << 10) /* TLS plaintext, one per TLS session */
#define XMPP_WQ_CHUNK   (64u << 10) /* small sends coalesce into these */
#define XMPP_CLOSE_WAIT 2000        /* ms a closing queue may take to go */
#define XMPP_MAX_CONNS  4096        /* server default */
#define XMPP_BACKOFF_MS 1000        /* client's first retry delay */
#define XMPP_REASON_MAX 256         /* bytes of a close reason */

/*
 * xmpp_stanza.c: a stanza as a tree.  Every node and string lives in the
 * arena of the tree's owner (the parser's, for a received stanza: valid
 * during the callback only; anything kept must be copied).  Element
 * names are as written, prefix included ("stream:features"); matching
 * helpers compare local names (after the last ':'), as Contrail does.
 */
struct xmpp_attr {
	const char *name;
	const char *value;
};
struct xmpp_node {
	const char *name;         /* element name, prefix kept */
	struct xmpp_node *parent; /* NULL for the stanza */
	struct xmpp_node *child;  /* first child element */
	struct xmpp_node *last;   /* last child element */
	struct xmpp_node *next;   /* next sibling */
	struct xmpp_attr *attrs;
	size_t nattrs;
	const char *text; /* character data directly inside, "" if none */
	size_t text_len;
};
/* A new element named name in arena a, with no parent. */
struct xmpp_node *xmpp_node_new(struct arena *a, const char *name);
/* A new last child of parent named name (parent's arena a). */
struct xmpp_node *xmpp_node_add(
    struct arena *a, struct xmpp_node *parent, const char *name);
/* A new child with text (a common shape: <label>27</label>). */
struct xmpp_node *xmpp_node_add_text(struct arena *a, struct xmpp_node *parent,
    const char *name, const char *text);
/* Sets (adds or replaces) an attribute; strings copied into a. */
void xmpp_node_set_attr(
    struct arena *a, struct xmpp_node *n, const char *name, const char *value);
/* Replaces the text; copied into a. */
void xmpp_node_set_text(struct arena *a, struct xmpp_node *n, const char *text);
/* The value of attribute name, or NULL. */
const char *xmpp_node_attr(const struct xmpp_node *n, const char *name);
/* The local name of n ("features" for "stream:features"). */
const char *xmpp_node_local(const struct xmpp_node *n);
/* True if n's local name is local. */
bool xmpp_node_is(const struct xmpp_node *n, const char *local);
/* The first child whose local name is local, or NULL. */
struct xmpp_node *xmpp_node_child(const struct xmpp_node *n, const char *local);
/* The next sibling after c with the same local name, or NULL. */
struct xmpp_node *xmpp_node_next_same(const struct xmpp_node *c);
/* The first element below n (depth first, n excluded) named local. */
struct xmpp_node *xmpp_node_find(const struct xmpp_node *n, const char *local);
/* The text of the child named local, or NULL when there is no child. */
const char *xmpp_node_child_text(const struct xmpp_node *n, const char *local);
/*
 * Prints n and its subtree as XML (attributes in order, '&<>"' escaped,
 * the text before the children; an element without children or text
 * self-closed, except the root n when full is set, which writes
 * "<x></x>": Contrail's framing needs explicit close tags on <iq> and
 * <message>).  0, -ENOSPC, or -EINVAL for a control character in a
 * string (XML 1.0 cannot carry one).
 */
int xmpp_node_print(const struct xmpp_node *n, struct wbuf *out, bool full);
/* Escapes s into out for text or an attribute value ('&<>"', and tab,
 * newline and carriage return as character references); 0, -ENOSPC, or
 * -EINVAL for another control character. */
int xmpp_escape(struct wbuf *out, const char *s);

/*
 * xmpp_parser.c: framing.  Bytes of one stream go in as they arrive, in
 * pieces of any size; events come out in order:
 *   OPEN      the stream header (node: <stream:stream> with attributes,
 *             no children);
 *   STANZA    a complete child of the stream (iq, message, features,
 *             starttls, proceed, ...) as a tree;
 *   KEEPALIVE a run of whitespace between stanzas (' ', \t, \r, \n and
 *             the bytes C8 80), one event per feed that has any;
 *   CLOSE     </stream:stream>.
 * Expat parses each unit (the header, each stanza) from a reset parser,
 * so an XML declaration in front of a stanza is accepted (Contrail's CN
 * sends one before config IQs and TLS elements).  DOCTYPE, entity
 * declarations, processing instructions, encodings other than UTF-8 and
 * namespaced garbage (a name with two ':', or an empty prefix or local
 * part) are errors; limits are enforced while parsing, before the unit
 * is whole.  Expat >= 2.6 has reparse deferral turned off, so a stanza
 * that ends a read is delivered at once.
 */
enum xmpp_event {
	XMPP_EV_OPEN,
	XMPP_EV_STANZA,
	XMPP_EV_KEEPALIVE,
	XMPP_EV_CLOSE,
};
/* 0 takes the default; a value above the default is clamped to it. */
struct xmpp_limits {
	size_t stanza_max;  /* bytes of a unit; 0: XMPP_STANZA_MAX */
	unsigned depth_max; /* 0: XMPP_DEPTH_MAX */
	unsigned attrs_max; /* 0: XMPP_ATTRS_MAX */
};
/* Return 0 to go on, 1 to stop feeding after this event (the rest of
 * the input is left for the next feed, e.g. TLS bytes after <proceed/>).
 * The callback may reset the parser (not free it): feeding stops then
 * too.  node is NULL for KEEPALIVE and CLOSE. */
typedef int (*xmpp_parser_cb)(
    void *arg, enum xmpp_event ev, const struct xmpp_node *node);
struct xmpp_parser;
struct xmpp_parser *xmpp_parser_new(
    const struct xmpp_limits *lim, xmpp_parser_cb cb, void *arg);
void xmpp_parser_free(struct xmpp_parser *p);
/* Back to the start of a stream (after STARTTLS, a new header). */
void xmpp_parser_reset(struct xmpp_parser *p);
/*
 * Feeds len bytes.  Returns the bytes consumed (len, or fewer when a
 * callback returned 1), or -EPROTO with xmpp_parser_error() saying why
 * (the parser is then dead until reset).
 */
ssize_t xmpp_parser_feed(struct xmpp_parser *p, const void *data, size_t len);
const char *xmpp_parser_error(const struct xmpp_parser *p);
/* Bytes buffered in an unfinished unit (for introspect and tests). */
size_t xmpp_parser_pending(const struct xmpp_parser *p);
/*
 * The fast path (on by default): plain stanzas (ASCII names, printable
 * ASCII values and text, the predefined entities) are scanned without
 * expat, into the same trees; everything else still goes to expat.  Off
 * for tests that compare the two, and for benchmarks.
 */
void xmpp_parser_set_fast(struct xmpp_parser *p, bool on);
/*
 * One whole document from memory (a test, a file, a fuzz input) into a
 * tree in arena a, with the same limits and rejections.  NULL with err
 * (at least 128 bytes) filled when it is not one well-formed element.
 */
struct xmpp_node *xmpp_parse_doc(struct arena *a, const void *data, size_t len,
    const struct xmpp_limits *lim, char *err, size_t errlen);

/*
 * xmpp_item.c: Contrail's pubsub items, a pure codec (section 2).  Items
 * are wire-format structs: addresses parsed, strings bounded, no routing
 * tables.  Parsers read a tree, match local names, never depend on
 * element order (a repeated scalar: the last counts), ignore unknown
 * elements, read integers as Contrail's strtoul does (white space around
 * allowed, "" is 0; anything but digits, a sign included, or a value over
 * 32 bits fails) and fill err (at least 128 bytes) on the first bad
 * field.  Booleans are true for the exact text "true" only.  Printers
 * write the CN's and the agent's forms.
 */
#define XMPP_ITEM_MAX_NH   64 /* next-hops in one item */
#define XMPP_ITEM_MAX_LIST 64 /* SGs, tags, communities, encaps */
#define XMPP_VN_MAX        256
#define XMPP_AFI_IP        1
#define XMPP_AFI_IP6       2
#define XMPP_AFI_L2VPN     25
#define XMPP_SAFI_UNICAST  1
#define XMPP_SAFI_MPLS     4
#define XMPP_SAFI_ENET     242
#define XMPP_SAFI_MCAST    241
#define XMPP_LABEL_MAX     0xfffff  /* an MPLS label (inet, inet6) */
#define XMPP_VNI_MAX       0xffffff /* enet labels, VNIs */

/* Tunnel encapsulations, as bits (the names "gre", "udp", "vxlan",
 * "mpls", "native"). */
#define XMPP_ENCAP_GRE    0x01
#define XMPP_ENCAP_UDP    0x02
#define XMPP_ENCAP_VXLAN  0x04
#define XMPP_ENCAP_MPLS   0x08
#define XMPP_ENCAP_NATIVE 0x10
#define XMPP_ENCAP_BAD    0x80 /* an unknown name was listed (not printed) */

/* inet load-balance: the fields hashed ("l3-source-address",
 * "l3-destination-address", "l4-protocol", "l4-source-port",
 * "l4-destination-port"), and the decision. */
#define XMPP_LB_L3_SRC      0x01
#define XMPP_LB_L3_DST      0x02
#define XMPP_LB_L4_PROTO    0x04
#define XMPP_LB_L4_SRC      0x08
#define XMPP_LB_L4_DST      0x10
#define XMPP_LB_DEFAULT     0 /* no decision given */
#define XMPP_LB_FIELD_HASH  1 /* "field-hash" */
#define XMPP_LB_SOURCE_BIAS 2 /* "source-bias" */

/* inet load-balance: the fields hashed ("l3-source-address",
 * "l3-destination-address", "l4-protocol", "l4-source-port",
 * "l4-destination-port"), and the decision. */
#define XMPP_LB_L3_SRC      0x01
#define XMPP_LB_L3_DST      0x02
#define XMPP_LB_L4_PROTO    0x04
#define XMPP_LB_L4_SRC      0x08
#define XMPP_LB_L4_DST      0x10
#define XMPP_LB_DEFAULT     0 /* no decision given */
#define XMPP_LB_FIELD_HASH  1 /* "field-hash" */
#define XMPP_LB_SOURCE_BIAS 2 /* "source-bias" */

struct xmpp_nexthop {
	struct ipaddr addr;   /* the vRouter (IPv4 in practice), never 0 */
	bool has_mac;         /* <mac> was not empty */
	struct macaddr mac;   /* router MAC (vhost) */
	uint32_t label;       /* MPLS label or VNI */
	uint32_t l3_label;    /* enet only */
	uint32_t vni;         /* inet only, informational */
	uint8_t encaps;       /* XMPP_ENCAP_* */
	char vn[XMPP_VN_MAX]; /* inet only */
	size_t ntags;
	uint32_t tags[XMPP_ITEM_MAX_LIST];
};

enum xmpp_item_family {
	XMPP_ITEM_INET,  /* 1/1 (and 1/4) */
	XMPP_ITEM_INET6, /* 2/1 */
	XMPP_ITEM_ENET,  /* 25/242 */
};
struct xmpp_item {
	enum xmpp_item_family family;
	uint16_t afi;
	uint8_t safi;
	/*
	 * inet, inet6: prefix.  enet: mac, the address "ip/plen" in prefix
	 * (af 0 when it was empty or 0.0.0.0/32: a MAC-only route; with a
	 * zero MAC and no group, the type-5 prefix), eth_tag, and a type-6
	 * group and source (has_group: <group> named an address other than
	 * 0.0.0.0 or ::, which is how the CN writes "none"; group and source
	 * are AF_INET 0.0.0.0 when not given, and source too without a
	 * group).
	 */
	struct prefix prefix;
	struct macaddr mac;
	uint32_t eth_tag;
	bool has_group;
	struct ipaddr group, source;
	uint32_t flags; /* enet nlri flags */
	size_t nnh;
	struct xmpp_nexthop nh[XMPP_ITEM_MAX_NH];
	uint32_t version;
	char vn[XMPP_VN_MAX]; /* entry virtual-network */
	bool has_mobility;    /* <mobility> was there (always printed) */
	bool sticky;
	uint32_t seqno; /* mobility seqno, else sequence-number */
	uint32_t local_pref;
	uint32_t med;
	size_t nsg;
	uint32_t sg[XMPP_ITEM_MAX_LIST];
	size_t ncomm;
	uint32_t comm[XMPP_ITEM_MAX_LIST]; /* community-tag-list, parsed */
	char sub_protocol[32];             /* inet */
	uint8_t lb_fields;                 /* inet: XMPP_LB_L3_SRC... */
	uint8_t lb_decision;               /* inet: XMPP_LB_DEFAULT... */
	bool etree_leaf;                   /* enet from here on */
	bool edge_repl_not_supported;
	bool assisted_repl;
	struct ipaddr replicator; /* replicator-address; af 0: none */
};
/*
 * Parses the <item> (or its <entry>) of a publish or of a CN message for
 * family into it (zeroed first: what the entry lacks is 0, "" or false).
 * The <item>'s id attribute is not read, so an <entry> given directly
 * parses the same: the key comes from <nlri>, as Contrail's receivers
 * take it.  Checks what Contrail's ProcessItem checks that does not
 * depend on the instance: af/safi, the prefix (host bits are cleared, as
 * Contrail does), MAC, addresses (a next-hop's matches its af, 1 or 2,
 * and is not 0), label bounds (XMPP_LABEL_MAX for inet and inet6,
 * XMPP_VNI_MAX for enet labels and VNIs), integers, string and list
 * lengths.  An unknown encapsulation name sets XMPP_ENCAP_BAD, an
 * unknown community-tag is skipped (both as Contrail does).  No next-hop
 * is not an error here: a withdraw needs none; an add needs exactly one
 * (the caller's check, nnh == 1).  0 or -EINVAL with err.  Next-hops
 * past nnh are left as they were (zeroing all XMPP_ITEM_MAX_NH of them,
 * 36 KiB, was a tenth of the ingest): compare items with
 * xmpp_item_equal, not memcmp.
 */
int xmpp_item_parse(const struct xmpp_node *item, enum xmpp_item_family fam,
    struct xmpp_item *it, char *err, size_t errlen);
/* Every field the same, next-hops up to nnh, to the byte (for items
 * parsed, or built from zeroed memory). */
bool xmpp_item_equal(const struct xmpp_item *a, const struct xmpp_item *b);
/* The item id (CN->agent): "10.1.1.3/32", "fd00::3/128",
 * "[<tag>-]<mac>,<ip>/<plen>[,<group>,<source>]" (",group,source" for a
 * type-6 route); into buf, returns buf, or NULL when len is too small. */
#define XMPP_ITEM_ID_MAX 160 /* bytes an id needs at most, NUL included */
const char *xmpp_item_id(const struct xmpp_item *it, char *buf, size_t len);
/* Parses an item id (a retract) of family into it's key fields (it is
 * zeroed first, and gets the family's afi and safi).  0 or -EINVAL. */
int xmpp_item_id_parse(
    const char *id, enum xmpp_item_family fam, struct xmpp_item *it);
/*
 * Prints <item id=..><entry>..</entry></item> as the CN does: every
 * member, in the schema's order, one element a line indented with tabs
 * as pugixml does inside a message (three tabs for <item>).  It writes
 * what it is given: the CN's default "gre" for a labelled next-hop
 * without encapsulation is the caller's to set.  0, -ENOSPC or -EINVAL
 * (an address of no family, a control character in a string); on error
 * out is as it was.
 */
int xmpp_item_print(const struct xmpp_item *it, struct wbuf *out);
/* The "afi/safi" of a family ("1/1", "2/1", "25/242"). */
const char *xmpp_item_family_node(enum xmpp_item_family fam);
/*
 * Node strings.  Publish nodes: "1/1/<vrf>/<prefix>[/<primary-id>]",
 * "2/1/<vrf>/<prefix>", "25/242/<mac>,<ip>/<plen>"; the family (and for
 * inet the optional primary instance id) is read from them.  0/-EINVAL.
 */
int xmpp_publish_node_parse(
    const char *node, enum xmpp_item_family *fam, uint32_t *primary_id);
/* "1/1/<vrf>" etc. -> family and the instance name (borrowed from node,
 * NUL-terminated into vrf of vrflen bytes).  0 or -EINVAL. */
int xmpp_items_node_parse(
    const char *node, enum xmpp_item_family *fam, char *vrf, size_t vrflen);

/*
 * CN->agent messages: a <message><event><items node=..> holding items or
 * retracts (never both), written exactly as the CN does (section 2.7;
 * to is the whole JID, "compute-7/bgp-peer").  begin writes the head,
 * then each xmpp_item_print or xmpp_msg_retract one item or retract, end
 * the tail.  All return 0, -ENOSPC or -EINVAL (a control character), and
 * leave out as it was on error.
 */
int xmpp_msg_begin(
    struct wbuf *out, const char *from, const char *to, const char *node);
int xmpp_msg_retract(struct wbuf *out, const char *id);
int xmpp_msg_end(struct wbuf *out);
/* The End-of-RIB message (node 0/0/EndOfRib, empty items). */
int xmpp_msg_eor(struct wbuf *out, const char *from, const char *to);
/*
 * Agent->CN IQs (used by the agent and the tests), as the agent writes
 * them (sections 2.2, 2.3, Appendix A.1, A.2): subscribe or unsubscribe
 * instance with instance-id (options inside <subscribe> unless
 * options_beside; id "subscribe<instance-id>"); a publish of one item
 * (its node from the item: "1/1/<vrf>/<prefix>" ("1/4/..." for safi
 * 4), "2/1/<vrf>/<prefix>",
 * "25/242/<mac>,<ip>/<plen>"; NULL: the empty EoR publish, section 1.6)
 * followed by its collection (associate or dissociate), ids "pubsub"
 * and "collection" (the CN reads no IQ id; a pure codec keeps no
 * counter).  0, -ENOSPC or -EINVAL; out as it was on error.
 */
int xmpp_iq_subscribe(struct wbuf *out, const char *from, const char *to,
    const char *instance, uint32_t instance_id, bool unsubscribe,
    bool options_beside);
int xmpp_iq_publish(struct wbuf *out, const char *from, const char *to,
    const char *vrf, const struct xmpp_item *it, bool add);
int xmpp_iq_eor(struct wbuf *out, const char *from, const char *to);

/*
 * xmpp_tls.c: TLS contexts (OpenSSL).  A server context always has its
 * certificate and key; with a CA it asks for and verifies the client's
 * certificate (mutual TLS).  A client context verifies the server against
 * the CA when one is given and presents its own certificate when given.
 * TLS 1.2 at least.
 */
struct xmpp_tls_opts {
	const char *cert; /* PEM file */
	const char *key;  /* PEM file */
	const char *ca;   /* PEM file, or NULL */
};
struct xmpp_tls;
/* NULL with err filled when a file does not load. */
struct xmpp_tls *xmpp_tls_new(
    const struct xmpp_tls_opts *opts, bool server, char *err, size_t errlen);
void xmpp_tls_free(struct xmpp_tls *tls);

/*
 * xmpp_conn.c: one connection, either side, on a uv_tcp_t.  The FSM
 * (xmpp_fsm.c) runs the stream open (and STARTTLS when a TLS context is
 * set), then Established: stanzas go up, and the user sends bytes it has
 * printed.  Keepalives go out every hold/3 seconds; the hold timer closes
 * a peer silent for hold seconds (unless bytes wait unread).  Sends are
 * copied into a write queue bounded at wq_max bytes: past it, send
 * returns -ENOBUFS and ops->writable is called when the queue has drained
 * below half.  A queue that does not move for send_hold seconds closes
 * the connection.  A protocol error or a limit closes only this
 * connection, with the reason given to ops->closed.
 */
enum xmpp_state {
	XMPP_ST_IDLE,        /* client: waiting to connect */
	XMPP_ST_CONNECT,     /* client: TCP connect in progress */
	XMPP_ST_ACTIVE,      /* server: accepted, waiting for the open */
	XMPP_ST_OPENSENT,    /* client: open sent, waiting for the reply */
	XMPP_ST_OPENCONFIRM, /* STARTTLS negotiation and handshake */
	XMPP_ST_ESTABLISHED,
	XMPP_ST_CLOSED,
};
const char *xmpp_state_name(enum xmpp_state st);

struct xmpp_conn;
struct xmpp_conn_ops {
	/*
	 * Server side: the client's stream header arrived (from: its name,
	 * to: whom it addressed).  Return 0 to accept (the reply is sent),
	 * or -1 with *reason set to refuse (the connection closes with that
	 * reason).  NULL: accept all.  Called once per connection: with
	 * STARTTLS, for the plain header; the header sent again over TLS
	 * must carry the same 'from' (a certificate check belongs in
	 * established, with xmpp_conn_tls_peer).
	 */
	int (*open)(struct xmpp_conn *c, const char *from, const char *to,
	    const char **reason, void *arg);
	/* The stream is up (after TLS when configured). */
	void (*established)(struct xmpp_conn *c, void *arg);
	/* A stanza in Established (tree valid during the call).  The
	 * callee may close c. */
	void (*stanza)(
	    struct xmpp_conn *c, const struct xmpp_node *st, void *arg);
	/* The write queue drained below half after -ENOBUFS. */
	void (*writable)(struct xmpp_conn *c, void *arg);
	/* Every stanza of one read was handed to stanza: the end of a
	 * batch, for a callee that queues work between stanzas. */
	void (*received)(struct xmpp_conn *c, void *arg);
	/* The connection is down (reason for the log and introspect).
	 * Called exactly once per connection, from the loop, also for a
	 * client's failed connect.  After this returns the library frees
	 * c: drop every pointer.  Every op may be NULL. */
	void (*closed)(struct xmpp_conn *c, const char *reason, void *arg);
};
struct xmpp_conn_opts {
	const char *name;     /* our stream 'from' (agent name / CN host) */
	const char *to;       /* client: the stream 'to' (XMPP_CONTROL_JID) */
	const char *xmlns;    /* client: subcluster ("" usually) */
	struct xmpp_tls *tls; /* STARTTLS required when set (borrowed) */
	unsigned hold_time;   /* seconds; 0: XMPP_HOLD_TIME */
	unsigned open_time;   /* seconds; 0: XMPP_OPEN_TIME */
	unsigned send_hold;   /* seconds; 0: XMPP_SEND_HOLD */
	size_t wq_max;        /* bytes; 0: XMPP_WQ_MAX */
	struct xmpp_limits lim;
	unsigned tcp_hold; /* seconds (1.5); 0: XMPP_TCP_HOLD */
};
struct xmpp_conn_stats {
	uint64_t rx_bytes, tx_bytes;
	uint64_t rx_stanzas, tx_msgs; /* tx_msgs: xmpp_conn_send calls */
	uint64_t rx_keepalives, tx_keepalives;
	uint64_t wq_full;   /* -ENOBUFS answers */
	size_t wq_bytes;    /* queued now */
	size_t wq_peak;     /* largest queue seen */
	uint64_t est_at_ms; /* uv_now when Established, 0 before */
};
/* Accessors (borrowed). */
enum xmpp_state xmpp_conn_state(const struct xmpp_conn *c);
const char *xmpp_conn_peer_name(const struct xmpp_conn *c); /* "" before open */
const struct sockaddr_storage *xmpp_conn_remote(const struct xmpp_conn *c);
const struct sockaddr_storage *xmpp_conn_local(const struct xmpp_conn *c);
bool xmpp_conn_tls(const struct xmpp_conn *c); /* TLS is up */
/* The TLS peer certificate's subject ("" without), for introspect. */
const char *xmpp_conn_tls_peer(const struct xmpp_conn *c);
const struct xmpp_conn_stats *xmpp_conn_stats(const struct xmpp_conn *c);
void *xmpp_conn_get_data(const struct xmpp_conn *c);
void xmpp_conn_set_data(struct xmpp_conn *c, void *data);
/* Queues bytes (a whole stanza).  0, -ENOBUFS (queue full: wait for
 * ops->writable), -ENOTCONN (not Established), -EMSGSIZE (len > wq_max:
 * never fits). */
int xmpp_conn_send(struct xmpp_conn *c, const void *data, size_t len);
/* True when a send of len bytes would be taken; false also asks for
 * ops->writable once the queue has drained below half. */
bool xmpp_conn_can_send(struct xmpp_conn *c, size_t len);
/* Sends </stream:stream> (best effort: the queue gets XMPP_CLOSE_WAIT
 * ms to go) and closes; ops->closed follows (from the loop, never from
 * inside this call).  No-op on a connection already closing. */
void xmpp_conn_close(struct xmpp_conn *c, const char *reason);

/*
 * xmpp_fsm.c: the stream state machine of one connection (sections
 * 1.3-1.5; OpenBGPD bgp_fsm()): a nested switch on state and event, one
 * change_state() that logs and re-arms the timers.  Events in, ops out;
 * it never touches a socket, a timer or TLS, so a test drives it with
 * stub ops.  xmpp_conn.c embeds one in each connection.
 *   server: ACTIVE -open-> reply -> ESTABLISHED, or with TLS OPENCONFIRM:
 *     features, <starttls/>, <proceed/>, handshake, open, reply;
 *   client: CONNECT -tcp-> open, OPENSENT -reply-> keepalive, ESTABLISHED,
 *     or with TLS OPENCONFIRM: features, <starttls/>, <proceed/>,
 *     handshake, open, reply, keepalive.
 * The open timer bounds each state before Established; then the
 * keepalive timer sends C8 80 every hold/3 and the hold timer, restarted
 * by every received byte, closes a silent peer.
 */
enum xmpp_timer {
	XMPP_TIMER_OPEN,      /* the stream must come up */
	XMPP_TIMER_HOLD,      /* the peer must send something */
	XMPP_TIMER_KEEPALIVE, /* we send C8 80 */
	XMPP_TIMER_SEND_HOLD, /* the write queue must move (xmpp_conn.c) */
	XMPP_TIMER_MAX,
};
enum xmpp_fsm_event {
	XMPP_FEV_CONNECT,   /* client: the TCP connect starts */
	XMPP_FEV_TCP_UP,    /* connected (client) or accepted (server) */
	XMPP_FEV_DOWN,      /* arg reason: TCP or TLS failed, say no more */
	XMPP_FEV_RX,        /* bytes arrived: the hold timer restarts */
	XMPP_FEV_OPEN,      /* arg: the peer's stream header (node) */
	XMPP_FEV_STANZA,    /* arg: a stanza (node) */
	XMPP_FEV_KEEPALIVE, /* whitespace between stanzas */
	XMPP_FEV_CLOSE,     /* </stream:stream> */
	XMPP_FEV_TLS_UP,    /* the handshake is done */
	XMPP_FEV_ERROR,     /* arg reason: framing (the parser's) */
	XMPP_FEV_STOP,      /* arg reason: a local close */
	/* The timers of enum xmpp_timer expired. */
	XMPP_FEV_OPEN_TIMER,
	XMPP_FEV_HOLD_TIMER,
	XMPP_FEV_KEEPALIVE_TIMER,
	XMPP_FEV_SEND_HOLD_TIMER,
};
/* Where OPENCONFIRM is in the STARTTLS exchange. */
enum xmpp_tls_step {
	XMPP_TLS_NONE,
	XMPP_TLS_STARTTLS,  /* server: features sent, waits <starttls/>;
			     * client: waits <stream:features> */
	XMPP_TLS_PROCEED,   /* client: <starttls/> sent, waits <proceed/> */
	XMPP_TLS_HANDSHAKE, /* TLS handshake running */
	XMPP_TLS_REOPEN,    /* over TLS: waits the second open or reply */
};
struct xmpp_fsm;
struct xmpp_fsm_ops {
	/* Queues bytes of ours (header, TLS elements, keepalive, close);
	 * never refused (the send-hold timer bounds them). */
	void (*send)(struct xmpp_fsm *f, const void *data, size_t len);
	/* Starts timer t to fire in ms (replacing it); 0 stops it. */
	void (*timer)(struct xmpp_fsm *f, enum xmpp_timer t, uint64_t ms);
	/* Starts TLS now (after <proceed/> went out or came in): later
	 * sends are encrypted, the parser starts a new stream.  0, or -1
	 * with *reason. */
	int (*start_tls)(struct xmpp_fsm *f, const char **reason);
	/* True when received bytes wait unread in the socket. */
	bool (*rx_pending)(struct xmpp_fsm *f);
	/* The user's hooks (xmpp_conn_ops). */
	int (*open)(struct xmpp_fsm *f, const char *from, const char *to,
	    const char **reason);
	void (*established)(struct xmpp_fsm *f);
	void (*stanza)(struct xmpp_fsm *f, const struct xmpp_node *st);
	/* The stream is over (state CLOSED, timers stopped): close the
	 * transport, after the queue has gone when flush is set. */
	void (*down)(struct xmpp_fsm *f, const char *reason, bool flush);
};
struct xmpp_fsm {
	const struct xmpp_fsm_ops *ops;
	void *owner; /* the connection's (or a test's) */
	enum xmpp_state state;
	enum xmpp_tls_step step;      /* in OPENCONFIRM */
	bool server;                  /* we accepted */
	bool tls;                     /* STARTTLS required */
	bool tls_up;                  /* the handshake is done */
	bool hdr_sent;                /* our header of this stream went out */
	const char *name;             /* our 'from' (borrowed) */
	const char *to;               /* client: the 'to' (borrowed) */
	const char *xmlns;            /* client: the 'xmlns' (borrowed) */
	unsigned hold_time;           /* seconds */
	unsigned open_time;           /* seconds */
	char where[SOCKADDR_STRLEN];  /* log label before the peer's name */
	char peer[XMPP_NAME_MAX + 1]; /* the peer's 'from', "" before */
	struct xmpp_conn_stats stats; /* the FSM's counters; the owner's */
};
/* Defaults applied (opts is read, its strings borrowed); state IDLE. */
void xmpp_fsm_init(struct xmpp_fsm *f, const struct xmpp_fsm_ops *ops,
    void *owner, const struct xmpp_conn_opts *opts, bool server);
/* Drives f with ev (arg per event); may call any op, down included. */
void xmpp_fsm_event(
    struct xmpp_fsm *f, enum xmpp_fsm_event ev, const void *arg);
/* A new hold time (0: XMPP_HOLD_TIME); re-arms in Established. */
void xmpp_fsm_set_hold(struct xmpp_fsm *f, unsigned hold_time);

/*
 * xmpp_server.c: listens, accepts, runs one xmpp_conn per client with
 * the same ops and opts.  Connections beyond max_conns are refused.
 */
struct xmpp_server;
struct xmpp_server_opts {
	struct sockaddr_storage addr; /* port 0: any */
	struct xmpp_conn_opts conn;
	unsigned max_conns; /* 0: XMPP_MAX_CONNS */
};
struct xmpp_server *xmpp_server_new(uv_loop_t *loop,
    const struct xmpp_server_opts *opts, const struct xmpp_conn_ops *ops,
    void *arg);
/* Binds and listens; 0 or -errno. */
int xmpp_server_start(struct xmpp_server *s);
uint16_t xmpp_server_port(const struct xmpp_server *s);
size_t xmpp_server_conn_count(const struct xmpp_server *s);
/* Changes the hold time of new and current connections (0: default). */
void xmpp_server_set_hold(struct xmpp_server *s, unsigned hold_time);
/* Closes the listener and every connection (each gets ops->closed);
 * cb after the last handle closed.  Free the server after cb (or
 * without a start). */
typedef void (*xmpp_server_stopped_cb)(struct xmpp_server *s, void *arg);
void xmpp_server_stop(
    struct xmpp_server *s, xmpp_server_stopped_cb cb, void *arg);
void xmpp_server_free(struct xmpp_server *s);

/*
 * xmpp_client.c: a client that connects to one server and reconnects
 * after a loss with back-off min(backoff_ms * 2^(n-1), XMPP_CONNECT_MAX
 * s) (n failures in a row; reset once Established; the first connect
 * goes at once).  Each attempt is a new xmpp_conn with the same ops
 * (ops->closed on each loss or failed connect).
 */
struct xmpp_client;
struct xmpp_client_opts {
	struct sockaddr_storage server; /* control node address and port */
	struct sockaddr_storage local;  /* bind address; family 0: any */
	struct xmpp_conn_opts conn;
	unsigned backoff_ms; /* first retry delay; 0: XMPP_BACKOFF_MS */
};
struct xmpp_client *xmpp_client_new(uv_loop_t *loop,
    const struct xmpp_client_opts *opts, const struct xmpp_conn_ops *ops,
    void *arg);
int xmpp_client_start(struct xmpp_client *cl);
/* The current connection, or NULL between attempts. */
struct xmpp_conn *xmpp_client_conn(const struct xmpp_client *cl);
/* Failures in a row (the n of the back-off); 0 once Established. */
unsigned xmpp_client_attempts(const struct xmpp_client *cl);
/* Stops retrying and closes the connection (ops->closed); cb after the
 * last handle closed.  Free the client after cb (or without a start). */
typedef void (*xmpp_client_stopped_cb)(struct xmpp_client *cl, void *arg);
void xmpp_client_stop(
    struct xmpp_client *cl, xmpp_client_stopped_cb cb, void *arg);
void xmpp_client_free(struct xmpp_client *cl);

#endif /* SDN_XMPP_H */
