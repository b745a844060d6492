/*
 * cn.h - the public header of libcn: the control node.  For now the
 * config store (running generation, load and reload), the node that
 * owns the event loop's handles and signals, and the introspect pages
 * and REST server; the routing core, BGP and XMPP channels attach here
 * in later steps.
 */
#ifndef SDN_CN_H
#define SDN_CN_H

#include <stdbool.h>
#include <sys/socket.h>

#include <uv.h>

#include "common/common.h"
#include "common/intro.h"
#include "schema/schema.h"

struct ri_mgr;
struct cn_mirrors;

/* Default listen addresses (DESIGN.md section 1). */
#define CN_DEFAULT_XMPP "0.0.0.0:5269"
#define CN_DEFAULT_HTTP "127.0.0.1:8083"

struct cn_options {
	const char *config_path;           /* NULL: the embedded default */
	const char *name;                  /* this node's bgp-router, or NULL */
	struct sockaddr_storage xmpp_addr; /* agents (XMPP) */
	struct sockaddr_storage bgp_addr;  /* BGP; family 0: the bgp-router's */
	struct sockaddr_storage http_addr; /* REST introspect */
	const char *xmpp_cert;             /* STARTTLS for agents: PEM */
	const char *xmpp_key;              /* its key */
	const char *xmpp_ca;               /* mutual TLS: clients' CA */
	unsigned xmpp_hold;                /* seconds; 0: 90 */
};

/* cn_config.c */
struct cn_config;
/* The embedded default configuration (NUL-terminated XML). */
const char *cn_default_config_text(void);
/* A store for path (NULL: the embedded default); nothing loaded yet. */
struct cn_config *cn_config_new(const char *path);
void cn_config_free(struct cn_config *store);
/*
 * Loads the source into a new generation.  On success it becomes the
 * running one and the change is logged; on failure errs says why, every
 * error is logged, and the running generation stays.  0 or -EINVAL.
 */
int cn_config_load(struct cn_config *store, struct schema_errs *errs);
/* The running generation (borrowed), NULL before the first load. */
const struct schema_config *cn_config_running(const struct cn_config *store);
/* The file name, or "(embedded default)". */
const char *cn_config_source(const struct cn_config *store);
/* "N objects (N virtual-network, ...)" into buf. */
const char *cn_config_summary(
    const struct schema_config *cfg, char *buf, size_t len);
/* Successful loads and edits so far. */
unsigned cn_config_generation(const struct cn_config *store);
/* Called with each new running generation (after it is installed). */
typedef void (*cn_config_apply_cb)(const struct schema_config *cfg, void *arg);
void cn_config_set_apply(
    struct cn_config *store, cn_config_apply_cb cb, void *arg);
/* True when edits can be saved (the store has a file). */
bool cn_config_writable(const struct cn_config *store);
/*
 * REST edits (schema_config_put/_delete on the running generation): the
 * result is saved to the file atomically (temporary file, fsync, rename)
 * and only then installed.  who names the requester in the log.  0, or
 * -EINVAL with errs (errs->fail: document, conflict, not found), -EROFS
 * without a file, -errno when saving fails (nothing changed).
 */
int cn_config_put(struct cn_config *store, const char *who, const char *xml,
    size_t len, const char *type, const char *name, size_t *created,
    size_t *replaced, struct schema_errs *errs);
int cn_config_delete(struct cn_config *store, const char *who,
    enum schema_type type, const char *name, struct schema_errs *errs);
/* Writes cfg to path atomically; 0 or -errno (the old file stays). */
int cn_config_save(const struct schema_config *cfg, const char *path);

/* cn_node.c */
struct cn_node;
typedef void (*cn_node_stopped_cb)(struct cn_node *node);
/* A node on loop with opts (copied); nothing runs until start. */
struct cn_node *cn_node_new(uv_loop_t *loop, const struct cn_options *opts);
/*
 * Loads the configuration and installs SIGTERM/SIGINT (stop) and SIGHUP
 * (reload config, reopen log) handlers.  0, or -EINVAL when the
 * configuration does not load (errors logged).
 */
int cn_node_start(struct cn_node *node);
/* Reloads the configuration as SIGHUP does; 0 or -EINVAL (old kept). */
int cn_node_reload(struct cn_node *node);
/* Closes every handle; cb runs after the last close. */
void cn_node_stop(struct cn_node *node, cn_node_stopped_cb cb);
/* Frees a stopped (or never started) node. */
void cn_node_free(struct cn_node *node);
const struct cn_config *cn_node_config(const struct cn_node *node);
struct cn_config *cn_node_config_store(struct cn_node *node);
struct ri_mgr *cn_node_ri_mgr(const struct cn_node *node);
const struct cn_mirrors *cn_node_mirrors(const struct cn_node *node);
/* The introspect server (NULL before start or without one). */
struct intro *cn_node_intro(const struct cn_node *node);
/* Seconds since start, this node's AS and router id (host order). */
uint64_t cn_node_uptime(const struct cn_node *node);
uint32_t cn_node_asn(const struct cn_node *node);
uint32_t cn_node_router_id(const struct cn_node *node);

/*
 * Protocols (BGP, XMPP) attach to the node: each new configuration
 * generation is applied to them after the routing instances, and the
 * node's stop stops them (asynchronously) before its own handles go.
 * The node owns an added protocol and frees it with itself.
 */
struct cn_proto;
typedef void (*cn_proto_done_cb)(struct cn_proto *p);
struct cn_proto_ops {
	const char *name;
	/* Before the routing instances change to cfg (NULL: nothing to
	 * do): let go of tables of instances that are going. */
	void (*prepare)(struct cn_proto *p, const struct schema_config *cfg);
	void (*apply)(struct cn_proto *p, const struct schema_config *cfg);
	/* Close every handle, then done(p). */
	void (*stop)(struct cn_proto *p, cn_proto_done_cb done);
	void (*free)(struct cn_proto *p);
};
struct cn_proto {
	const struct cn_proto_ops *ops;
	struct cn_node *node; /* set by cn_node_add_proto */
	struct cn_proto *next;
};
void cn_node_add_proto(struct cn_node *node, struct cn_proto *p);
uv_loop_t *cn_node_loop(const struct cn_node *node);
const struct cn_options *cn_node_options(const struct cn_node *node);
/* This node's bgp-router in the running config (--name, or the only
 * control node), or NULL. */
const struct schema_bgp_router *cn_node_self(const struct cn_node *node);

/*
 * cn_xmpp.c: the XMPP channel for vRouter agents (Contrail-compatible,
 * reference/contrail-protocol.md): attaches to node, listens on its
 * --xmpp address once the first configuration is applied, and adds the
 * /xmpp-connections and /xmpp-agents pages.
 */
struct cn_proto *cn_xmpp_attach(struct cn_node *node);
/* The port agents connect to, 0 before it listens. */
uint16_t cn_xmpp_port(const struct cn_proto *p);

/* cn_pages.c: the introspect pages (GET) on an intro server. */
void cn_pages_register(struct intro *in, struct cn_node *node);
/* cn_rest.c: the config API (PUT, POST, DELETE under /config). */
void cn_rest_register(struct intro *in, struct cn_node *node);

/*
 * cn_rtkey.c: route keys.  A key is the NLRI that identifies a route in a
 * table of one family (RFC 4364 for VPN, RFC 7432/9136 for EVPN, RFC 4684
 * for route-target constraint; labels are never part of a key).  Tables
 * store keys in a compact encoded form that compares with memcmp and
 * hashes as bytes; struct rt_key is the decoded form used by callers.
 */
enum rt_family {
	RT_INET,    /* IPv4 unicast: <ri>.inet.0, inet.0 */
	RT_INET6,   /* IPv6 unicast: <ri>.inet6.0 */
	RT_EVPN,    /* EVPN: <ri>.evpn.0 (RD 0), bgp.evpn.0 */
	RT_L3VPN,   /* VPN-IPv4: bgp.l3vpn.0 */
	RT_L3VPN6,  /* VPN-IPv6: bgp.l3vpn-inet6.0 */
	RT_RTARGET, /* route-target constraint: bgp.rtarget.0 */
	RT_FAMILY_MAX
};
/* "inet", "inet6", "evpn", "l3vpn", "l3vpn-inet6", "rtarget"; NULL if
 * out of range. */
const char *rt_family_name(enum rt_family family);
int rt_family_parse(const char *s, enum rt_family *family);

/* Route distinguisher, 8 bytes in wire order (RFC 4364 section 4.2). */
struct rt_rd {
	uint8_t b[8];
};
#define RT_RD_STRLEN 32
/* Type 1 RD <ipv4>:<n> (the SourceRD <nexthop>:<instance-id>), ip in
 * host byte order. */
void rt_rd_make_ip(struct rt_rd *rd, uint32_t ip, uint16_t n);
bool rt_rd_is_zero(const struct rt_rd *rd);
/* "asn:n" (type 0 or 2, by AS size) or "a.b.c.d:n" (type 1); 0/-EINVAL. */
int rt_rd_parse(const char *s, struct rt_rd *rd);
const char *rt_rd_print(const struct rt_rd *rd, char *buf, size_t len);

enum rt_evpn_type {
	RT_EVPN_MAC_IP = 2, /* MAC/IP advertisement */
	RT_EVPN_IMET = 3,   /* inclusive multicast Ethernet tag */
	RT_EVPN_PREFIX = 5, /* IP prefix */
};

struct rt_key {
	enum rt_family family;
	struct rt_rd rd;      /* L3VPN, L3VPN6, EVPN (zero in an RI) */
	struct prefix prefix; /* INET, INET6, L3VPN(6), EVPN type 5 */
	uint8_t evpn_type;    /* EVPN: enum rt_evpn_type */
	uint32_t eth_tag;     /* EVPN */
	struct macaddr mac;   /* EVPN type 2 */
	struct ipaddr ip;     /* EVPN type 2 (af 0: MAC only), type 3 */
	uint32_t origin_as;   /* RTARGET */
	uint64_t rtarget;     /* RTARGET, an RT as in rtarget_parse */
	uint8_t rt_plen;      /* RTARGET: prefix bits, 0 or 32..96 */
};
#define RT_KEY_MAX    48  /* bytes of an encoded key */
#define RT_KEY_STRLEN 160 /* bytes of a printed key */
/*
 * The compact encoding: family-specific fixed fields, host bits zero,
 * unused fields absent.  Equal keys encode to equal bytes and the order
 * of encoded bytes sorts keys of one family by RD, then address.
 * Returns the length (<= RT_KEY_MAX), 0 for an invalid key.
 */
size_t rt_key_encode(const struct rt_key *k, uint8_t *buf);
/* The inverse of rt_key_encode; 0 or -EINVAL for bytes it never makes. */
int rt_key_decode(
    enum rt_family family, const uint8_t *buf, size_t len, struct rt_key *k);
/*
 * Text forms (Contrail's): inet "10.1.1.0/24"; l3vpn
 * "64512:1:10.1.1.0/24"; evpn "2-<rd>-<tag>-<mac>,<ip>" (ip "0.0.0.0"
 * when MAC only), "3-<rd>-<tag>-<ip>", "5-<rd>-<tag>-<prefix>"; rtarget
 * "<origin-as>:<rt>" e.g. "64512:target:64512:1", "0:0:0" for the default,
 * "<origin-as>:0x<16 hex digits>[/<plen>]" for an RT with no target: form
 * or a prefix shorter than 96 bits.  NULL if len is too small or the key
 * is invalid (one rt_key_encode refuses).
 */
const char *rt_key_print(const struct rt_key *k, char *buf, size_t len);
int rt_key_parse(enum rt_family family, const char *s, struct rt_key *k);
/* The routing-instance form of a VPN key (RD dropped or zeroed) and back. */
void rt_key_strip_rd(const struct rt_key *vpn, struct rt_key *ri);
void rt_key_add_rd(
    const struct rt_key *ri, const struct rt_rd *rd, struct rt_key *vpn);
/* True if a is b or more specific than b (same family and RD). */
bool rt_key_within(const struct rt_key *a, const struct rt_key *b);

/*
 * cn_attr.c: path attributes, interned (hash-consed, refcounted,
 * immutable; OpenBGPD path_getcache/path_unref, BIRD rta).  To make a
 * set: fill a struct attr on the stack (arrays may point anywhere),
 * attr_intern() it, and use the returned +1 ref; to change one, copy it,
 * edit the copy, intern that and unref the old.  The MPLS label is not
 * an attribute (it is part of the path), so routes of one source share
 * their attribute sets.  Loop thread only.
 */
#define ATTR_ORIGIN_IGP        0
#define ATTR_ORIGIN_EGP        1
#define ATTR_ORIGIN_INCOMPLETE 2

#define ATTR_F_LOCAL_PREF 0x01 /* local_pref is set */
#define ATTR_F_MED        0x02 /* med is set */
#define ATTR_F_ATOMIC_AGG 0x04
#define ATTR_F_AGGREGATOR 0x08 /* aggregator_as/_id are set */
#define ATTR_F_ORIGINATOR 0x10 /* originator_id is set */

#define ATTR_DEFAULT_LOCAL_PREF 100

/* Bounds on the arrays of one set (wire limits are larger; see bgp/). */
#define ATTR_MAX_ASPATH  4096 /* bytes of AS_PATH */
#define ATTR_MAX_COMM    1024
#define ATTR_MAX_ECOMM   1024
#define ATTR_MAX_CLUSTER 255
#define ATTR_MAX_UNKNOWN 4096 /* bytes of unknown transitive attributes */
#define ATTR_MAX_PMSI    64   /* bytes of PMSI_TUNNEL */

struct attr {
	struct ht_node node;    /* in the intern table */
	uint32_t refcnt;        /* 0 in a template */
	uint8_t origin;         /* ATTR_ORIGIN_* */
	uint8_t flags;          /* ATTR_F_* */
	uint16_t aspath_len;    /* bytes at aspath */
	uint16_t ncomm, necomm; /* entries at comm, ecomm */
	uint16_t ncluster;      /* entries at cluster */
	uint16_t unknown_len;   /* bytes at unknown */
	uint16_t pmsi_len;      /* bytes at pmsi */
	uint32_t local_pref;
	uint32_t med;
	uint32_t originator_id;
	uint32_t aggregator_as;
	uint32_t aggregator_id;
	struct ipaddr nexthop;   /* af 0: none */
	struct rt_rd source_rd;  /* Contrail SourceRD; zero: none */
	const uint8_t *aspath;   /* AS_PATH segments, 4-octet ASes */
	const uint32_t *comm;    /* COMMUNITIES */
	const uint64_t *ecomm;   /* EXTENDED_COMMUNITIES, host order */
	const uint32_t *cluster; /* CLUSTER_LIST */
	const uint8_t *unknown;  /* unknown optional transitive, wire TLVs */
	const uint8_t *pmsi;     /* PMSI_TUNNEL value */
};
/* Interns tmpl (any refcnt, arrays anywhere); returns the set, +1 ref. */
struct attr *attr_intern(const struct attr *tmpl);
struct attr *attr_ref(struct attr *a);
/* Drops a ref; the set is freed after the last.  NULL is a no-op. */
void attr_unref(struct attr *a);
/* Sets interned now, and the intern table's shape. */
size_t attr_count(void);
void attr_stats(struct ht_stats *st);
/* Number of ASes in the AS path (an AS_SET counts 1, RFC 4271 9.1.2.2). */
unsigned attr_aspath_count(const struct attr *a);
/* The AS path as text: "65001 65002 {65003,65004}", "" when empty;
 * confederation segments in parentheses.  Returns buf. */
const char *attr_aspath_print(const struct attr *a, char *buf, size_t len);
/* The first AS of the path (the neighbour AS), 0 when empty or not
 * starting with an AS_SEQUENCE. */
uint32_t attr_aspath_first(const struct attr *a);
/* The effective LOCAL_PREF (ATTR_DEFAULT_LOCAL_PREF when unset). */
uint32_t attr_local_pref(const struct attr *a);

/*
 * Extended communities as host-order uint64_t: type << 56 | subtype << 48
 * | value (RFC 4360).  The Contrail ones: OriginVn 0x8071 (4-byte AS
 * 0x8271), security group 0x8004, tag 0x8084, encapsulation 0x030c
 * (RFC 5512), MAC mobility 0x0600 and router MAC 0x0603 (RFC 7432/9135).
 */
#define ECOMM_TYPE(e)    ((uint8_t)((e) >> 56))
#define ECOMM_SUBTYPE(e) ((uint8_t)((e) >> 48))
enum ecomm_encap {
	ECOMM_ENCAP_GRE = 2, /* MPLS over GRE */
	ECOMM_ENCAP_VXLAN = 8,
	ECOMM_ENCAP_MPLS = 10,
	ECOMM_ENCAP_MPLS_UDP = 13, /* MPLS over UDP (RFC 7510) */
	ECOMM_ENCAP_NATIVE = 16,
};
#define ECOMM_STRLEN 48
bool ecomm_is_rt(uint64_t e);
/* 0x8071 (2-byte AS) or 0x8271; 0 if asn > 65535 and vn_index > 65535. */
uint64_t ecomm_origin_vn(uint32_t asn, uint32_t vn_index);
/* 0 or -EINVAL if e is not an OriginVn. */
int ecomm_get_origin_vn(uint64_t e, uint32_t *asn, uint32_t *vn_index);
uint64_t ecomm_encap(enum ecomm_encap type);
/* 0 if asn > 65535 (the AS field has 2 bytes). */
uint64_t ecomm_security_group(uint32_t asn, uint32_t id);
uint64_t ecomm_tag(uint32_t tag);
uint64_t ecomm_mac_mobility(uint32_t seq, bool sticky);
uint64_t ecomm_router_mac(const struct macaddr *mac);
/* The inverses: 0, or -EINVAL when e is not of that kind. */
int ecomm_get_encap(uint64_t e, enum ecomm_encap *type);
int ecomm_get_security_group(uint64_t e, uint32_t *asn, uint32_t *id);
int ecomm_get_tag(uint64_t e, uint32_t *tag);
int ecomm_get_mac_mobility(uint64_t e, uint32_t *seq, bool *sticky);
int ecomm_get_router_mac(uint64_t e, struct macaddr *mac);
/* "target:64512:1", "origin-vn:64512:5", "encapsulation:vxlan",
 * "secgroup:64512:8000001", "tag:7", "mac-mobility:3[:sticky]",
 * "router-mac:02:..", or "0x<16 hex digits>" for anything else. */
const char *ecomm_print(uint64_t e, char *buf, size_t len);
/* The MAC mobility sequence of a set (0 when absent, the highest of
 * several), for best path. */
uint32_t attr_mac_mobility_seq(const struct attr *a);
bool attr_has_ecomm(const struct attr *a, uint64_t e);

/*
 * cn_rt.c: routing tables (BIRD nest/rt-table.c, OpenBGPD rde_rib.c).
 * A table holds entries, one per key; an entry holds paths, one per
 * source, kept sorted best first (RFC 4271 9.1.2 plus Contrail's rules);
 * the best path and those equal to it up to the router-id tie-breaks form
 * the ECMP set.  A path is primary (from its source) or secondary (a copy
 * made by replication, linked to its primary).
 *
 * Listeners (BGP peers, XMPP agents) read changes at their own pace.  A
 * table keeps its entries on a change list in the order of their last
 * change; a listener is a cursor in that list.  A changed entry moves to
 * the tail, so a slow listener sees each entry once, in its latest state,
 * however often it changed: updates coalesce and nothing is queued per
 * listener.  A new listener starts at the head, so it is fed the whole
 * table the same way.  An entry whose last path went stays as a
 * tombstone until every listener has passed it (to send the withdraw).
 */
enum rt_source_type {
	RT_SRC_LOCAL, /* the control node itself (config, static) */
	RT_SRC_XMPP,  /* a vRouter agent */
	RT_SRC_BGP,   /* a BGP peer */
};
struct rt_source {
	enum rt_source_type type;
	char name[64];      /* agent or peer name, for display */
	struct ipaddr addr; /* peer address (last tie-break) */
	uint32_t router_id; /* BGP identifier (tie-break) */
	uint32_t peer_as;   /* BGP: the peer's AS */
	bool ebgp;          /* BGP: external peer */
	bool rr_client;     /* BGP: a route-reflection client of ours */
	uint32_t refcnt;
	size_t nprimary; /* its primary paths, in every table (cn_rt.c) */
};
/* A source named name (+1 ref); the caller fills the other fields. */
struct rt_source *rt_source_new(enum rt_source_type type, const char *name);
struct rt_source *rt_source_ref(struct rt_source *src);
void rt_source_unref(struct rt_source *src);
const char *rt_source_type_name(enum rt_source_type type);

#define RT_PATH_SECONDARY  0x0001 /* a replicated copy */
#define RT_PATH_STALE      0x0002 /* graceful restart: kept, to be swept */
#define RT_PATH_LLGR_STALE 0x0004 /* long-lived stale: least preferred */
#define RT_PATH_INFEASIBLE 0x0008 /* never best (e.g. no usable encap) */
#define RT_PATH_BEST       0x0100 /* set by selection: the best path */
#define RT_PATH_ECMP       0x0200 /* set by selection: in the ECMP set */
/* Flags a source may set; selection owns the others. */
#define RT_PATH_USER_FLAGS                                                     \
	(RT_PATH_STALE | RT_PATH_LLGR_STALE | RT_PATH_INFEASIBLE)

struct rt_entry;
struct rt_table;
struct rt_path {
	struct rt_path *next;  /* in the entry, best first */
	struct attr *attr;     /* +1 ref */
	struct rt_source *src; /* +1 ref; a secondary: its primary's */
	struct rt_path *repl;  /* primary: first copy; copy: primary */
	uint32_t label;        /* MPLS label or VNI, 0 when none */
	uint16_t flags;        /* RT_PATH_* */
};

/* A table of family named name, empty.  owner is for the caller. */
struct rt_table *rt_table_new(
    enum rt_family family, const char *name, void *owner);
/* Frees an empty table without listeners; fatalx otherwise. */
void rt_table_free(struct rt_table *t);
const char *rt_table_name(const struct rt_table *t);
enum rt_family rt_table_family(const struct rt_table *t);
void *rt_table_owner(const struct rt_table *t);
size_t rt_table_prefixes(const struct rt_table *t); /* entries with paths */
size_t rt_table_paths(const struct rt_table *t);
uint64_t rt_table_seq(const struct rt_table *t); /* changes so far */

/*
 * Replication hook: called after a primary path of the table was added,
 * changed (new attr, label or flags) or removed (path NULL), so copies
 * can follow.  It may change other tables, never this one.
 */
typedef void (*rt_repl_cb)(
    struct rt_table *t, struct rt_entry *e, struct rt_path *path, void *arg);
void rt_table_set_repl(struct rt_table *t, rt_repl_cb cb, void *arg);

/*
 * Adds or replaces src's primary path for key k: attr (borrowed; the path
 * takes its own ref), label, flags (RT_PATH_USER_FLAGS).  A replacement
 * equal to the current path changes nothing.  0, or -EINVAL for a key of
 * another family.
 */
int rt_update(struct rt_table *t, const struct rt_key *k, struct rt_source *src,
    struct attr *attr, uint32_t label, uint16_t flags);
/* Removes src's primary path for k; 0, or -ENOENT when there is none. */
int rt_withdraw(
    struct rt_table *t, const struct rt_key *k, struct rt_source *src);
/* Graceful restart: flag every primary path of src (and clear it). */
size_t rt_table_mark_stale(
    struct rt_table *t, const struct rt_source *src, uint16_t flag);
/* Removes src's primary paths that carry flag (all of them for 0). */
size_t rt_table_flush(
    struct rt_table *t, const struct rt_source *src, uint16_t flag);

/* Copies (replication): a secondary path of primary in t under k. */
struct rt_path *rt_copy_add(struct rt_table *t, const struct rt_key *k,
    struct rt_path *primary, struct attr *attr);
/* Changes a copy's attr/label/flags to follow its primary. */
void rt_copy_update(struct rt_path *copy, struct attr *attr);
/* Removes one copy. */
void rt_copy_remove(struct rt_path *copy);
/* The table and entry a copy lives in. */
struct rt_table *rt_copy_table(const struct rt_path *copy);
const struct rt_entry *rt_copy_entry(const struct rt_path *copy);
/* The next copy of the same primary after copy (NULL at the end). */
struct rt_path *rt_copy_next(const struct rt_path *copy);

/*
 * A hint for callers with a batch of keys (an UPDATE's NLRI): k is a key
 * of t that rt_update or rt_withdraw will be given soon, after a few
 * other keys.  What the lookup will read is loaded into the CPU cache
 * meanwhile, and the key's hash kept for it.  Changes nothing.
 */
void rt_prefetch(const struct rt_table *t, const struct rt_key *k);

/* Entries. */
const struct rt_entry *rt_lookup(
    const struct rt_table *t, const struct rt_key *k);
void rt_entry_key(const struct rt_entry *e, struct rt_key *k);
/* Paths, best first; NULL for a tombstone (the route was withdrawn). */
const struct rt_path *rt_entry_paths(const struct rt_entry *e);
struct rt_table *rt_entry_table(const struct rt_entry *e);
uint64_t rt_entry_seq(const struct rt_entry *e);
/*
 * A small id, unique in the table while the entry exists (reused after),
 * below rt_table_id_limit(): for per-listener bitmaps of what was sent.
 */
uint32_t rt_entry_id(const struct rt_entry *e);
uint32_t rt_table_id_limit(const struct rt_table *t);
/* The table's entries in change order (tombstones included). */
const struct rt_entry *rt_table_first(const struct rt_table *t);
const struct rt_entry *rt_table_next(const struct rt_entry *e);
/*
 * Calls cb for every primary path of t (re-replication after a config
 * change).  cb may change other tables, never t.
 */
typedef void (*rt_walk_cb)(
    struct rt_table *t, struct rt_entry *e, struct rt_path *primary, void *arg);
void rt_table_walk(struct rt_table *t, rt_walk_cb cb, void *arg);
/* Removes every path of t, primaries and copies (an instance going). */
void rt_table_clear(struct rt_table *t);
/* Path order: <0 when a is better than b (RFC 4271 9.1.2 + Contrail). */
int rt_path_cmp(const struct rt_path *a, const struct rt_path *b);

/* Listeners. */
struct rt_listener;
/* Called when the listener has changes to read after being caught up;
 * it must not change tables (schedule the reading instead). */
typedef void (*rt_notify_cb)(struct rt_listener *l, void *arg);
/* A listener at the head of t: it will first be fed every entry. */
struct rt_listener *rt_listen(
    struct rt_table *t, rt_notify_cb notify, void *arg);
void rt_unlisten(struct rt_listener *l);
/*
 * The next entry with a change l has not seen (in its latest state), or
 * NULL when l is caught up; the entry stays valid until the next call.
 * The initial feed skips tombstones that were withdrawn before l came.
 */
const struct rt_entry *rt_listener_next(struct rt_listener *l);
/*
 * Starts l over from the head, tombstones still in the table included:
 * a reader that must see everything again (a route refresh, a changed
 * filter) gets every entry and the withdraws it has not read yet.
 */
void rt_listener_rewind(struct rt_listener *l);
bool rt_listener_pending(const struct rt_listener *l);
struct rt_table *rt_listener_table(const struct rt_listener *l);

/*
 * cn_mirror.c: mirror resolution.  Every mirror-destination, every
 * mirror-to (in an interface-mirror, a policy, or a policy rule) and
 * every tap-service is resolved against the configuration to the
 * analyzer it sends to: IP, MAC, routing instance, the interface chosen
 * and why, or the reason it cannot resolve.  Recomputed for each config
 * generation; the routing core uses it for analyzer connections, the
 * introspect shows it, agents get it with their config.
 */
enum cn_mirror_kind {
	CN_MIRROR_DESTINATION, /* a mirror-destination object */
	CN_MIRROR_INTERFACE,   /* a VMI's interface-mirror */
	CN_MIRROR_POLICY,      /* a network-policy's policy-level mirror-to */
	CN_MIRROR_RULE,        /* a policy rule's mirror-to */
	CN_MIRROR_TAP_SERVICE, /* a tap-service */
};
struct cn_mirror {
	enum cn_mirror_kind kind;
	const char *name; /* object name; a rule: "<policy>#<n>" */
	const char *via;  /* the mirror-destination used, or NULL */
	bool resolved;
	const char *reason;   /* how it resolved, or why it does not */
	const char *analyzer; /* the chosen interface, or NULL */
	unsigned candidates;  /* interfaces a selector matched */
	bool has_ip;
	struct ipaddr ip; /* analyzer (or VTEP, static mode) */
	bool has_mac;
	struct macaddr mac;
	const char *ri;      /* analyzer's routing instance, or NULL */
	const char *vn;      /* analyzer's virtual network, or NULL */
	const char *vrouter; /* where the analyzer interface is */
	struct schema_mirror_mode mode;
	bool enabled; /* tap-service: enabled */
};
struct cn_mirrors {
	size_t n;
	struct cn_mirror *v; /* kind, then name order */
	struct arena arena;  /* the strings */
};
void cn_mirrors_init(struct cn_mirrors *m);
void cn_mirrors_fini(struct cn_mirrors *m);
/* Replaces m's content with the resolutions of cfg. */
void cn_mirrors_resolve(struct cn_mirrors *m, const struct schema_config *cfg);
const struct cn_mirror *cn_mirrors_find(
    const struct cn_mirrors *m, enum cn_mirror_kind kind, const char *name);
const char *cn_mirror_kind_name(enum cn_mirror_kind kind);

/*
 * cn_ri.c: routing instances (Contrail's RoutingInstance, RtGroupMgr,
 * RoutePathReplicator).  Each virtual network has a default instance
 * "<vn>:<last component of vn>" with inet, inet6 and evpn tables; the
 * master instance holds inet.0, bgp.l3vpn.0, bgp.l3vpn-inet6.0,
 * bgp.evpn.0 and bgp.rtarget.0.  A network's route targets default to
 * target:<asn>:<8000000 + network-id> (target:<asn>:<8000 + id> with a
 * 4-byte AS) when its config exports none.  Policies that let two
 * networks talk, and a mirror from one network to an analyzer in
 * another, connect them: each imports the other's export targets.
 *
 * Replication: every feasible primary path in an instance table is
 * copied to the master's VPN table (RD = its SourceRD, or
 * <router-id>:<instance-index>; the instance's export targets and an
 * OriginVn added) and to every other instance importing one of those
 * targets; every feasible primary path in a VPN table (learned over
 * BGP) is copied to every instance importing one of its targets.
 * Copies are never copied again.  Applying a new config changes exactly
 * the copies whose targets, keys or attributes change.
 */
#define RI_MASTER_NAME "default-domain:default-project:ip-fabric:__default__"
#define RI_RT_BASE     8000000 /* default targets: base + network-id */
#define RI_RT_BASE_AS4 8000    /* the same with a 4-byte AS */
struct ri;
struct ri_mgr;
struct ri_mgr *ri_mgr_new(void);
/* Frees every instance; no table may have a listener left. */
void ri_mgr_free(struct ri_mgr *m);
/*
 * Makes the instances match cfg (with the mirror resolutions for analyzer
 * connections); asn and router_id (host order) are this node's.
 */
void ri_mgr_apply(struct ri_mgr *m, const struct schema_config *cfg,
    const struct cn_mirrors *mirrors, uint32_t asn, uint32_t router_id);
struct ri *ri_mgr_master(const struct ri_mgr *m);
/*
 * rt_prefetch for a route about to be added to ri (a batch's): its entry
 * in ri's table of k's family and, for a VRF, the copy replication will
 * make in the master's VPN table with source RD rd (zero: the instance's
 * own).  Changes nothing.
 */
void ri_mgr_prefetch(const struct ri_mgr *m, const struct ri *ri,
    const struct rt_key *k, const struct rt_rd *rd);
struct ri *ri_mgr_lookup(const struct ri_mgr *m, const char *name);
/* Instances in name order (master included); i < ri_mgr_count. */
size_t ri_mgr_count(const struct ri_mgr *m);
struct ri *ri_mgr_at(const struct ri_mgr *m, size_t i);
/* Route-target groups: RTs in numeric order, with who imports and who
 * exports each (instance pointers, borrowed, valid until the next
 * apply). */
size_t ri_mgr_rtgroup_count(const struct ri_mgr *m);
uint64_t ri_mgr_rtgroup(const struct ri_mgr *m, size_t i,
    struct ri *const **importers, size_t *nimporters,
    struct ri *const **exporters, size_t *nexporters);

const char *ri_name(const struct ri *ri);
bool ri_is_master(const struct ri *ri);
uint32_t ri_index(const struct ri *ri);    /* instance id */
const char *ri_vn(const struct ri *ri);    /* "" for the master */
uint32_t ri_vn_index(const struct ri *ri); /* VN network-id */
uint32_t ri_vxlan_id(const struct ri *ri);
bool ri_mirror_destination(const struct ri *ri);
const uint64_t *ri_import_rts(const struct ri *ri, size_t *n); /* sorted */
const uint64_t *ri_export_rts(const struct ri *ri, size_t *n); /* sorted */
/* Names of the instances this one is connected to, sorted. */
const char *const *ri_connections(const struct ri *ri, size_t *n);
/* The instance's table of family, or NULL when it has none. */
struct rt_table *ri_table(const struct ri *ri, enum rt_family family);
/* The instance owning a table (its rt_table_owner). */
struct ri *ri_of_table(const struct rt_table *t);

#endif /* SDN_CN_H */
