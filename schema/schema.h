/*
 * schema.h - the public header of libschema: Mirador's configuration as
 * typed C structs, loaded from XML validated against schema/mirador.xsd.
 *
 * A struct schema_config is one immutable generation of the configuration:
 * a set of objects sorted by type and name.  Objects are immutable and
 * refcounted, so two generations share the objects they have in common.
 * Loading either yields a whole new generation or changes nothing and
 * reports every error with file, line, element and reason.
 *
 * libxml2 stays inside schema/: no other directory sees an xmlNode.
 */
#ifndef SDN_SCHEMA_H
#define SDN_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* Limits (also enforced by the XSD where it can express them). */
#define SCHEMA_MAX_FILE_SIZE (16u << 20) /* bytes in one document */
#define SCHEMA_MAX_OBJECTS   200000      /* objects in one generation */
#define SCHEMA_ERR_MAX       32          /* errors kept per load */

/* Defaults (Contrail's where Contrail has one). */
#define SCHEMA_DEFAULT_ASN         64512
#define SCHEMA_DEFAULT_BGP_PORT    179
#define SCHEMA_DEFAULT_HOLD_TIME   90
#define SCHEMA_DEFAULT_UDP_PORT    8099 /* analyzer port, Juniper header */
#define SCHEMA_DEFAULT_GR_TIME     300
#define SCHEMA_DEFAULT_EOR_TIMEOUT 300
#define SCHEMA_GLOBAL_NAME         "default-global-system-config"

enum schema_type {
	SCHEMA_GLOBAL_SYSTEM_CONFIG,
	SCHEMA_BGP_ROUTER,
	SCHEMA_VIRTUAL_NETWORK,
	SCHEMA_NETWORK_POLICY,
	SCHEMA_VIRTUAL_ROUTER,
	SCHEMA_VIRTUAL_MACHINE_INTERFACE,
	SCHEMA_MIRROR_DESTINATION,
	SCHEMA_TAP_SERVICE,
	SCHEMA_TAP_FLOW,
	SCHEMA_TYPE_MAX
};

/* A reference to another object by name, with the line it was written on. */
struct schema_ref {
	const char *name; /* NULL: not given */
	unsigned line;    /* of the referring element */
};

/* Header of every object; the typed struct embeds it first as "obj". */
struct schema_obj {
	enum schema_type type; /* which typed struct this is */
	uint32_t refcnt;       /* generations holding it */
	const char *name;      /* unique per type */
	const char *source;    /* file it came from, or "REST" */
	unsigned line;         /* line of its element in source */
	struct arena arena;    /* owns every pointer in the object */
};

/* global-system-config: GracefulRestartParametersType. */
struct schema_gr {
	bool enable;           /* graceful restart at all */
	uint16_t restart_time; /* seconds, 0..4095 */
	uint32_t llgr_time;    /* long-lived stale time, seconds */
	uint16_t eor_timeout;  /* End-of-RIB wait, seconds */
	bool bgp_helper;       /* keep a BGP peer's routes stale */
	bool xmpp_helper;      /* keep an agent's routes stale */
};

struct schema_global {
	struct schema_obj obj;
	uint32_t asn;        /* default SCHEMA_DEFAULT_ASN */
	bool ibgp_auto_mesh; /* control nodes peer with each other */
	struct schema_gr gr; /* graceful restart parameters */
};

/* bgp-router */
enum schema_router_type {
	SCHEMA_ROUTER_CONTROL_NODE,
	SCHEMA_ROUTER_EXTERNAL_CONTROL_NODE,
	SCHEMA_ROUTER_ROUTER,
};
#define SCHEMA_AF_INET      0x01u /* inet */
#define SCHEMA_AF_INET_VPN  0x02u /* inet-vpn */
#define SCHEMA_AF_INET6_VPN 0x04u /* inet6-vpn */
#define SCHEMA_AF_EVPN      0x08u /* e-vpn */
#define SCHEMA_AF_RTARGET   0x10u /* route-target */
#define SCHEMA_AF_DEFAULT                                                      \
	(SCHEMA_AF_INET_VPN | SCHEMA_AF_INET6_VPN | SCHEMA_AF_EVPN |           \
	    SCHEMA_AF_RTARGET)

struct schema_bgp_peer {
	struct schema_ref router; /* bgp-router at the other end */
	bool passive;             /* only accept, never connect */
	uint16_t hold_time;       /* 0: the router's hold time */
};

struct schema_bgp_router {
	struct schema_obj obj;
	enum schema_router_type router_type;
	struct ipaddr address; /* where it speaks BGP */
	uint32_t identifier;   /* router id (host order); 0: from address */
	uint32_t asn;          /* 0: the global ASN */
	uint16_t port;         /* BGP port, default 179 */
	uint16_t source_port;  /* local port for connects; 0: any */
	uint16_t hold_time;    /* seconds; default 90 */
	uint32_t families;     /* SCHEMA_AF_* mask */
	const char *auth_key;  /* TCP MD5 key or NULL */
	uint32_t cluster_id;   /* route-reflector cluster; 0: none */
	bool admin_down;       /* configured but not started */
	size_t npeers;
	struct schema_bgp_peer *peers;
};

/* virtual-network */
struct schema_subnet {
	struct prefix prefix;  /* host bits zero */
	struct ipaddr gateway; /* default: first host of prefix */
};

struct schema_vn {
	struct schema_obj obj;
	uint32_t network_id;     /* VN index; allocated when not given */
	uint32_t vxlan_id;       /* 0: same as network_id */
	bool mirror_destination; /* delivers to all local ports */
	size_t nrt, nimport_rt, nexport_rt;
	uint64_t *rt;        /* route-target-list: import and export */
	uint64_t *import_rt; /* import-route-target-list */
	uint64_t *export_rt; /* export-route-target-list */
	size_t nsubnets;
	struct schema_subnet *subnets;
	size_t npolicies;
	struct schema_ref *policies; /* network-policy names, in order */
};

/* MirrorActionType (+ CN2 reference) */
enum schema_nh_mode {
	SCHEMA_NH_DYNAMIC,
	SCHEMA_NH_STATIC,
};
enum schema_traffic_dir {
	SCHEMA_DIR_INGRESS, /* from the interface (vif RX) */
	SCHEMA_DIR_EGRESS,  /* to the interface (vif TX) */
	SCHEMA_DIR_BOTH,
};

struct schema_static_nh {
	struct ipaddr vtep_ip; /* VXLAN destination */
	bool has_vtep_mac;
	struct macaddr vtep_mac; /* inner destination MAC */
	uint32_t vni;            /* 1..16777215 */
};

/* How copies are sent: shared by mirror-to and mirror-destination. */
struct schema_mirror_mode {
	bool juniper_header;         /* default true (false when static) */
	uint16_t udp_port;           /* default 8099 */
	enum schema_nh_mode nh_mode; /* default dynamic */
	bool has_static_nh;
	struct schema_static_nh static_nh;
	bool nic_assisted;
	uint16_t nic_assisted_vlan; /* 0..4094 */
};

struct schema_mirror_to {
	struct schema_ref mirror_destination; /* CN2 object name */
	const char *analyzer_name;            /* mirror entry key, or NULL */
	const char *encapsulation;            /* kept, unused (as Contrail) */
	bool has_analyzer_ip;
	struct ipaddr analyzer_ip;
	bool has_analyzer_mac;
	struct macaddr analyzer_mac;
	struct schema_ref routing_instance; /* analyzer's RI */
	struct schema_mirror_mode mode;     /* unused with mirror_destination */
	unsigned line;                      /* of the mirror-to element */
};

/* network-policy */
enum schema_addr_kind {
	SCHEMA_ADDR_ANY,    /* virtual-network "any" */
	SCHEMA_ADDR_LOCAL,  /* virtual-network "local": the policy's own VN */
	SCHEMA_ADDR_VN,     /* a named virtual network */
	SCHEMA_ADDR_SUBNET, /* a prefix */
};
struct schema_addr {
	enum schema_addr_kind kind;
	struct schema_ref vn; /* SCHEMA_ADDR_VN */
	struct prefix subnet; /* SCHEMA_ADDR_SUBNET */
};
struct schema_port_range {
	uint16_t start, end; /* inclusive; any = 0..65535 */
};
#define SCHEMA_PROTO_ANY (-1)

struct schema_rule {
	const char *name;   /* optional, for display */
	bool bidirectional; /* "<>" (default) or ">" */
	int protocol;       /* SCHEMA_PROTO_ANY or 0..255 */
	bool ipv6;          /* ethertype IPv6 */
	size_t nsrc, ndst;  /* 0 means any */
	struct schema_addr *src, *dst;
	struct schema_port_range sport, dport;
	bool pass; /* simple-action pass / deny */
	bool log;
	bool has_mirror; /* rule-level mirror-to */
	struct schema_mirror_to mirror;
	unsigned line; /* of the rule element */
};

struct schema_policy {
	struct schema_obj obj;
	bool has_mirror; /* policy-level mirror-to */
	struct schema_mirror_to mirror;
	size_t nrules;
	struct schema_rule *rules; /* in order: the first match decides */
};

/* virtual-router */
struct schema_vrouter {
	struct schema_obj obj;
	struct ipaddr ip; /* underlay (fabric) address */
};

/* virtual-machine-interface */
struct schema_label {
	const char *key, *value;
};

/* An interface address, with the line it was written on. */
struct schema_ip {
	struct ipaddr addr;
	unsigned line;
};

struct schema_vmi {
	struct schema_obj obj;
	struct schema_ref vn;      /* virtual-network */
	struct schema_ref vrouter; /* virtual-router, optional */
	struct macaddr mac;        /* given, or derived from the name */
	unsigned mac_line;         /* 0 when derived */
	size_t nips;
	struct schema_ip *ips;
	const char *tap_name; /* or NULL: the agent names it */
	size_t nlabels;
	struct schema_label *labels;
	size_t npolicies;
	struct schema_ref *policies;
	bool has_mirror; /* interface-mirror */
	enum schema_traffic_dir mirror_dir;
	struct schema_mirror_to mirror;
};

/* mirror-destination (CN2) */
enum schema_analyzer_kind {
	SCHEMA_ANALYZER_NONE,      /* static mode: no analyzer to find */
	SCHEMA_ANALYZER_SELECTOR,  /* interfaces with all these labels */
	SCHEMA_ANALYZER_INTERFACE, /* one named interface */
	SCHEMA_ANALYZER_EXTERNAL,  /* an IP outside the overlay */
};

struct schema_mirror_dest {
	struct schema_obj obj;
	enum schema_analyzer_kind kind;
	size_t nselector;
	struct schema_label *selector;
	struct schema_ref analyzer_interface;
	struct ipaddr external_ip;
	struct schema_ref routing_instance; /* external analyzer's RI */
	struct schema_mirror_mode mode;
	enum schema_traffic_dir direction; /* default both */
};

/* tap-service, tap-flow (Cloudpods) */
enum schema_tap_type {
	SCHEMA_TAP_GUEST, /* target: a virtual-machine-interface */
	SCHEMA_TAP_HOST,  /* target: a virtual-router, plus its NIC's MAC */
};
struct schema_tap_service {
	struct schema_obj obj;
	enum schema_tap_type type;
	struct schema_ref target; /* vmi (guest) or virtual-router (host) */
	bool has_mac;
	struct macaddr mac; /* host NIC */
	bool enabled;       /* default false */
};

enum schema_flow_type {
	SCHEMA_FLOW_VNIC,
	SCHEMA_FLOW_VSWITCH,
};
enum schema_flow_dir {
	SCHEMA_FLOW_IN,   /* into the VM */
	SCHEMA_FLOW_OUT,  /* out of the VM */
	SCHEMA_FLOW_BOTH, /* default */
};
struct schema_tap_flow {
	struct schema_obj obj;
	struct schema_ref tap_service;
	enum schema_flow_type type;
	struct schema_ref interface; /* vnic */
	struct schema_ref vrouter;   /* vswitch */
	struct schema_ref vn;        /* vswitch */
	uint16_t vlan_id;            /* vswitch; 0: all */
	enum schema_flow_dir direction;
	bool enabled; /* default true */
};

/* Errors: each names source, line, element and reason. */
struct schema_err {
	char source[128]; /* file name, or what the text came from */
	unsigned line;    /* 0 when unknown */
	char element[64]; /* element at fault, "" when none */
	char reason[384]; /* what is wrong */
};
/* What kind of failure a load or an edit had (REST maps it to a status). */
enum schema_fail {
	SCHEMA_FAIL_NONE,
	SCHEMA_FAIL_DOCUMENT,  /* the text is not a valid document (400) */
	SCHEMA_FAIL_CONFLICT,  /* valid, but the result is inconsistent (409) */
	SCHEMA_FAIL_NOT_FOUND, /* an edit names an object there is none of */
};
struct schema_errs {
	size_t n;              /* kept in err[] */
	size_t total;          /* found, >= n */
	enum schema_fail fail; /* set with the first error */
	struct schema_err err[SCHEMA_ERR_MAX];
};

struct schema_config;

/* schema_load.c */
/* Compiles the embedded XSD; call once before loading. 0 or -EINVAL. */
int schema_init(void);
void schema_fini(void);
/* The embedded XSD text (NUL-terminated), for --print-schema. */
const char *schema_xsd_text(void);
/*
 * Load a <config> document from a file or memory.  Returns a new
 * generation (+1 ref) or NULL with errs filled; nothing else changes.
 */
struct schema_config *schema_config_load_file(
    const char *path, struct schema_errs *errs);
struct schema_config *schema_config_load_mem(
    const char *source, const char *xml, size_t len, struct schema_errs *errs);

/*
 * Edits (REST): a new generation from base with the objects of a
 * document added or replacing same-named ones.  The document is a
 * <config> or one object element; with type/name given (NULL: any), it
 * must be exactly that one object.  *created and *replaced count the
 * document's objects that were new and that replaced one.  Returns +1
 * ref, or NULL with errs (errs->fail says which kind).
 */
struct schema_config *schema_config_put(const struct schema_config *base,
    const char *source, const char *xml, size_t len, const char *type,
    const char *name, size_t *created, size_t *replaced,
    struct schema_errs *errs);
/* A new generation from base without one object; NULL with errs. */
struct schema_config *schema_config_delete(const struct schema_config *base,
    enum schema_type type, const char *name, struct schema_errs *errs);

/* schema_config.c */
void schema_config_ref(struct schema_config *cfg);
void schema_config_unref(struct schema_config *cfg);
/* Number of objects of a type. */
size_t schema_config_count(
    const struct schema_config *cfg, enum schema_type type);
/* i-th object of a type in name order (borrowed). */
const struct schema_obj *schema_config_at(
    const struct schema_config *cfg, enum schema_type type, size_t i);
/* Object by type and name (borrowed), or NULL. */
const struct schema_obj *schema_config_lookup(
    const struct schema_config *cfg, enum schema_type type, const char *name);
/* The global-system-config, or built-in defaults when there is none. */
const struct schema_global *schema_config_global(
    const struct schema_config *cfg);
/* "virtual-network" etc.; NULL for a bad type. */
const char *schema_type_name(enum schema_type type);
/* Element name -> type; 0 or -EINVAL. */
int schema_type_parse(const char *name, enum schema_type *type);
/* Effective values of fields that default to another object's. */
uint32_t schema_bgp_router_asn(
    const struct schema_config *cfg, const struct schema_bgp_router *r);
uint32_t schema_bgp_router_identifier(const struct schema_bgp_router *r);
uint32_t schema_vn_vxlan_id(const struct schema_vn *vn);
/* "<fq-name>:<last component>": the VN's default routing instance name,
 * written into buf of at least SCHEMA_RI_NAME_MAX bytes. */
#define SCHEMA_RI_NAME_MAX 512
const char *schema_vn_ri_name(
    const struct schema_vn *vn, char *buf, size_t len);

/* What changed between two generations, per object. */
enum schema_change {
	SCHEMA_ADDED,   /* only in the new generation */
	SCHEMA_REMOVED, /* only in the old one */
	SCHEMA_CHANGED, /* in both, with different fields */
};
/* old/new are NULL for ADDED/REMOVED; both borrowed. */
typedef void (*schema_diff_cb)(enum schema_change change,
    const struct schema_obj *old, const struct schema_obj *new, void *arg);
/*
 * Calls cb for every object added, removed or changed from old to new
 * (old NULL: everything is added), in type then name order.  Returns the
 * number of differences; cb may be NULL to count only.
 */
size_t schema_config_diff(const struct schema_config *old,
    const struct schema_config *new, schema_diff_cb cb, void *arg);

/* schema_print.c */
/*
 * Canonical XML of a generation: objects in type then name order, every
 * field with its effective default.  Loading the output gives an equal
 * generation.  0, or -ENOSPC when out's bound is reached.
 */
int schema_config_print(const struct schema_config *cfg, struct wbuf *out);
/* One object as a standalone document element, indented by depth. */
int schema_obj_print(const struct schema_obj *obj, struct wbuf *out, int depth);
/* True if both objects print the same (same type, name and fields). */
bool schema_obj_equal(const struct schema_obj *a, const struct schema_obj *b);

/* schema_err.c */
/* "source:line: element 'x': reason" (parts omitted when unknown). */
const char *schema_err_print(const struct schema_err *e, char *buf, size_t len);
/* Adds an error; keeps the SCHEMA_ERR_MAX lowest lines, counts all. */
void schema_errs_add(struct schema_errs *errs, const char *source,
    unsigned line, const char *element, const char *fmt, ...) PRINTFLIKE(5, 6);
void schema_errs_init(struct schema_errs *errs);
/* Orders the kept errors by source line (stable). */
void schema_errs_sort(struct schema_errs *errs);

#endif /* SDN_SCHEMA_H */
