/*
 * bgp_int.h - libbgp's private header: what the codec's files share and
 * nobody outside bgp/ may see (STYLE.md C3).  The codec section below is
 * used by bgp_msg.c, bgp_attr.c, bgp_nlri.c and bgp_update.c.
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

#endif /* SDN_BGP_INT_H */
