/*
 * ag_cfg.h - mirador-agent's config model: the objects the control
 * node's config channel sends an agent (control-node/cn_xmpp_cfg.c:
 * Mirador's config XML, schema/mirador.xsd and docs/configuration.md,
 * plus <routing-instance> and <mirror-resolution>), parsed from the
 * config IQs into plain structs.
 *
 * The structs are plain data: every field is here, strings are
 * NUL-terminated (NULL when absent), arrays are pointer + count.  A test
 * or another module may build them by hand (static storage is fine for
 * a fixture handed to a pure function); objects held by a struct ag_cfg
 * own their strings and arrays (heap), freed by ag_obj_free.
 *
 * Names are those of the config (Contrail fq-names); references between
 * objects are names, looked up with ag_cfg_lookup and the typed lookups.
 */
#ifndef SDN_AG_CFG_H
#define SDN_AG_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

struct xmpp_node;

/* Limits (docs/configuration.md "Limits"); a bigger object is refused. */
#define AG_NAME_MAX     255   /* bytes of a name or reference */
#define AG_TEXT_MAX     1024  /* bytes of a free text (reason) */
#define AG_TAP_NAME_MAX 15    /* bytes of an interface name (IFNAMSIZ-1) */
#define AG_IPS_MAX      16    /* addresses per interface */
#define AG_LABELS_MAX   64    /* labels per interface or selector */
#define AG_POLICIES_MAX 64    /* policy refs per network or interface */
#define AG_RULES_MAX    1024  /* rules per policy */
#define AG_ADDRS_MAX    64    /* addresses per rule side */
#define AG_SUBNETS_MAX  256   /* subnets per network */
#define AG_OBJS_MAX     65536 /* objects of one type in the model */
#define AG_CHANGES_MAX                                                         \
	4096 /* changes reported by one apply (more: the
			       * apply is cut into several reports) */
#define AG_VNI_MAX      0xffffff
#define AG_UDP_PORT_DEF 8099 /* analyzer port when 0 or absent */
#define AG_PROTO_ANY    (-1) /* ag_rule.protocol: any protocol */

enum ag_type {
	AG_GLOBAL,      /* global-system-config (kept, unused) */
	AG_VROUTER,     /* virtual-router */
	AG_VN,          /* virtual-network */
	AG_RI,          /* routing-instance (the node's, attributes only) */
	AG_VMI,         /* virtual-machine-interface */
	AG_POLICY,      /* network-policy */
	AG_MIRROR_DEST, /* mirror-destination */
	AG_MIRROR_RES,  /* mirror-resolution (the node's, attributes only) */
	AG_TAP_SERVICE, /* tap-service */
	AG_TAP_FLOW,    /* tap-flow */
	AG_TYPE_MAX,
};
/* The element name of a type ("virtual-network"), or "?". */
const char *ag_type_name(enum ag_type t);

/* The head of every object: the first member of each struct below. */
struct ag_obj {
	enum ag_type type;
	char *name; /* "" for global-system-config */
};

struct ag_vrouter {
	struct ag_obj obj;
	struct ipaddr ip; /* ip-address: the underlay address */
};

struct ag_subnet {
	struct prefix prefix;
	bool has_gateway;
	struct ipaddr gateway;
};
struct ag_vn {
	struct ag_obj obj;
	uint32_t network_id;
	uint32_t vxlan_id; /* 0: not configured (the RI has the effective) */
	bool mirror_destination;
	size_t nsubnets;
	struct ag_subnet *subnets;
	size_t npolicies;
	char **policies; /* network-policy names, in order */
};

/* The routing instance of a network as the control node has it. */
struct ag_ri {
	struct ag_obj obj;
	char *vn;          /* virtual-network ("" or NULL: none) */
	uint32_t index;    /* the node's instance index */
	uint32_t vn_index; /* the network-id */
	uint32_t vxlan_id; /* effective VNI */
	bool mirror_destination;
};

enum ag_nh_mode {
	AG_NH_DYNAMIC,
	AG_NH_STATIC,
};
/* How copies travel (Contrail MirrorActionType's mode fields). */
struct ag_mirror_mode {
	bool juniper_header;
	uint16_t udp_port; /* 0 as given: use AG_UDP_PORT_DEF */
	enum ag_nh_mode nh_mode;
	bool has_static_nh; /* static-nh-header was given */
	struct ipaddr vtep_ip;
	bool has_vtep_mac;
	struct macaddr vtep_mac;
	uint32_t vni;
	bool nic_assisted;
	uint16_t nic_assisted_vlan;
};
/* mirror-to: either a mirror-destination ref (+ analyzer-name) or the
 * fields themselves. */
struct ag_mirror_to {
	char *mirror_destination; /* ref, or NULL */
	char *analyzer_name;      /* or NULL */
	char *encapsulation;      /* unused, kept (or NULL) */
	bool has_analyzer_ip;
	struct ipaddr analyzer_ip;
	bool has_analyzer_mac;
	struct macaddr analyzer_mac;
	char *routing_instance; /* or NULL */
	struct ag_mirror_mode mode;
};

enum ag_dir {
	AG_DIR_INGRESS, /* from the VM */
	AG_DIR_EGRESS,  /* to the VM */
	AG_DIR_BOTH,
};

struct ag_label {
	char *key;
	char *value;
};
struct ag_vmi {
	struct ag_obj obj;
	char *vn;      /* virtual-network ref (required) */
	char *vrouter; /* virtual-router ref, or NULL */
	struct macaddr mac;
	size_t nips;
	struct ipaddr *ips;
	char *tap_name; /* NULL: the agent chooses (ag_intf.c) */
	size_t nlabels;
	struct ag_label *labels;
	size_t npolicies;
	char **policies;
	bool has_mirror; /* interface-mirror */
	enum ag_dir mirror_dir;
	struct ag_mirror_to mirror;
};

enum ag_addr_kind {
	AG_ADDR_ANY,
	AG_ADDR_LOCAL,  /* the network the policy is applied to */
	AG_ADDR_VN,     /* vn */
	AG_ADDR_SUBNET, /* subnet */
};
struct ag_addr {
	enum ag_addr_kind kind;
	char *vn; /* AG_ADDR_VN only */
	struct prefix subnet;
};
struct ag_port_range {
	uint16_t start, end; /* 0-65535: any */
};
struct ag_rule {
	char *name;         /* or NULL */
	bool bidirectional; /* "<>" (true) or ">" */
	int protocol;       /* 0-255 or AG_PROTO_ANY */
	bool ipv6;          /* ethertype IPv6 */
	size_t nsrc, ndst;  /* 0: any */
	struct ag_addr *src, *dst;
	struct ag_port_range sport, dport;
	bool pass; /* simple-action pass (else deny) */
	bool has_mirror;
	struct ag_mirror_to mirror;
	bool log;
};
struct ag_policy {
	struct ag_obj obj;
	bool has_mirror; /* policy-level mirror-to */
	struct ag_mirror_to mirror;
	size_t nrules;
	struct ag_rule *rules;
};

enum ag_analyzer_kind {
	AG_ANALYZER_NONE,
	AG_ANALYZER_SELECTOR,  /* selector labels */
	AG_ANALYZER_INTERFACE, /* analyzer_interface */
	AG_ANALYZER_EXTERNAL,  /* external_ip (+ routing_instance) */
};
struct ag_mirror_dest {
	struct ag_obj obj;
	enum ag_analyzer_kind kind;
	size_t nselector;
	struct ag_label *selector;
	char *analyzer_interface;
	struct ipaddr external_ip;
	char *routing_instance;
	struct ag_mirror_mode mode;
	enum ag_dir direction;
};

/* What a mirror-resolution is for (its kind attribute). */
enum ag_mres_kind {
	AG_MRES_DESTINATION, /* "mirror-destination" */
	AG_MRES_INTERFACE,   /* "interface-mirror": object = the VMI */
	AG_MRES_POLICY,      /* "policy": object = the policy */
	AG_MRES_RULE,        /* "policy-rule": object = "<policy>#<n>",
			      * n from 1 in rule order */
	AG_MRES_TAP_SERVICE, /* "tap-service": object = the service */
	AG_MRES_KIND_MAX,
};
/* The control node's resolution of a mirror-to or tap service (every
 * attribute add_mirror in control-node/cn_xmpp_cfg.c writes). */
struct ag_mirror_res {
	struct ag_obj obj; /* name "<kind>:<object>" */
	enum ag_mres_kind kind;
	char *object;
	bool resolved;
	char *reason;   /* why not resolved, or NULL */
	char *via;      /* the mirror-destination used, or NULL */
	char *analyzer; /* the analyzer interface (or name), or NULL */
	bool has_ip;
	struct ipaddr ip; /* analyzer address */
	bool has_mac;
	struct macaddr mac;         /* analyzer MAC */
	char *ri;                   /* analyzer's routing-instance, or NULL */
	char *vn;                   /* analyzer's virtual-network, or NULL */
	char *vrouter;              /* where the analyzer is, or NULL */
	struct ag_mirror_mode mode; /* vtep-ip, vtep-mac, vni: static nh */
	bool enabled;
};

enum ag_tap_type {
	AG_TAP_GUEST, /* target: an interface */
	AG_TAP_HOST,  /* target: a virtual-router, mac: its NIC */
};
struct ag_tap_service {
	struct ag_obj obj;
	enum ag_tap_type type;
	char *target;
	bool has_mac;
	struct macaddr mac;
	bool enabled;
};
enum ag_flow_type {
	AG_FLOW_VNIC,
	AG_FLOW_VSWITCH,
};
enum ag_flow_dir {
	AG_FLOW_IN,  /* into the VM */
	AG_FLOW_OUT, /* out of it */
	AG_FLOW_BOTH,
};
struct ag_tap_flow {
	struct ag_obj obj;
	char *tap_service;
	enum ag_flow_type type;
	char *interface;  /* vnic */
	char *vrouter;    /* vswitch */
	char *vn;         /* vswitch */
	uint16_t vlan_id; /* vswitch, 0: none */
	enum ag_flow_dir direction;
	bool enabled;
};

/*
 * One change made by one apply.  old and cur are valid during the
 * callback only (old is freed right after it).
 */
enum ag_change_op {
	AG_CHG_ADD,
	AG_CHG_MOD, /* the object was sent again with other content */
	AG_CHG_DEL,
};
struct ag_cfg_change {
	enum ag_type type;
	enum ag_change_op op;
	const char *name;
	const struct ag_obj *old; /* MOD, DEL; NULL for ADD */
	const struct ag_obj *cur; /* ADD, MOD; NULL for DEL */
};
struct ag_cfg;
/* Called after each apply that changed something (the model is already
 * the new one; lookups see it).  eoc: the first end-of-config of the
 * current sync has just been seen (n may be 0 then). */
typedef void (*ag_cfg_change_cb)(struct ag_cfg *cfg,
    const struct ag_cfg_change *ch, size_t n, bool eoc, void *arg);

struct ag_cfg_stats {
	uint64_t iqs;       /* config IQs applied */
	uint64_t updates;   /* objects added or changed */
	uint64_t deletes;   /* objects deleted */
	uint64_t unchanged; /* objects sent again as they were */
	uint64_t bad;       /* objects refused (logged) */
	uint64_t swept;     /* objects not sent again after a resync */
};

/* ag_cfg.c */
/* An empty model; cb (or NULL) is told of changes. */
struct ag_cfg *ag_cfg_new(ag_cfg_change_cb cb, void *arg);
void ag_cfg_free(struct ag_cfg *cfg);
/*
 * Applies one config IQ (<iq><config><update>|<delete>|<end-of-config>):
 * every object in it is checked; a bad one is logged and left out (the
 * model keeps the old one), the others applied.  0, or -EINVAL when iq
 * is not a config IQ (nothing changed).
 */
int ag_cfg_apply(struct ag_cfg *cfg, const struct xmpp_node *iq);
/* The same from text (a whole <iq>), for tests and fixtures. */
int ag_cfg_apply_text(struct ag_cfg *cfg, const char *xml, size_t len);
/*
 * A full resend starts (a new config subscription): every object is
 * marked stale; those not sent again by the next end-of-config are
 * deleted then (reported with that apply).
 */
void ag_cfg_resync(struct ag_cfg *cfg);
/* True once an end-of-config was seen since the last resync. */
bool ag_cfg_synced(const struct ag_cfg *cfg);
const struct ag_cfg_stats *ag_cfg_stats(const struct ag_cfg *cfg);
/* Lookups (borrowed, valid until the next apply), NULL when absent. */
const struct ag_obj *ag_cfg_lookup(
    const struct ag_cfg *cfg, enum ag_type t, const char *name);
const struct ag_vrouter *ag_cfg_vrouter(const struct ag_cfg *, const char *);
const struct ag_vn *ag_cfg_vn(const struct ag_cfg *, const char *);
const struct ag_ri *ag_cfg_ri(const struct ag_cfg *, const char *);
const struct ag_vmi *ag_cfg_vmi(const struct ag_cfg *, const char *);
const struct ag_policy *ag_cfg_policy(const struct ag_cfg *, const char *);
const struct ag_mirror_dest *ag_cfg_mirror_dest(
    const struct ag_cfg *, const char *);
/* The resolution of kind for object (name "<kind>:<object>"). */
const struct ag_mirror_res *ag_cfg_mirror_res(
    const struct ag_cfg *, enum ag_mres_kind kind, const char *object);
const struct ag_tap_service *ag_cfg_tap_service(
    const struct ag_cfg *, const char *);
const struct ag_tap_flow *ag_cfg_tap_flow(const struct ag_cfg *, const char *);
/* The routing instance of network vn (by its vn attribute), or NULL. */
const struct ag_ri *ag_cfg_vn_ri(const struct ag_cfg *, const char *vn);
/* Iteration in name order: for (i = 0; i < count; i++) at(i). */
size_t ag_cfg_count(const struct ag_cfg *cfg, enum ag_type t);
const struct ag_obj *ag_cfg_at(
    const struct ag_cfg *cfg, enum ag_type t, size_t i);
/* The kind's attribute name ("interface-mirror"), or "?". */
const char *ag_mres_kind_name(enum ag_mres_kind kind);

/* ag_cfg.c, the pure object codec */
/*
 * One object element (as cn_xmpp_cfg.c writes it) into a new heap
 * object (+ its strings), or NULL with err (>= 128 bytes) filled.
 */
struct ag_obj *ag_obj_parse(
    const struct xmpp_node *el, char *err, size_t errlen);
/* Frees an object made by ag_obj_parse (NULL: no-op). */
void ag_obj_free(struct ag_obj *obj);

#endif /* SDN_AG_CFG_H */
