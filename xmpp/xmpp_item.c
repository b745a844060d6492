/*
 * DOC: xmpp_item.c - Contrail's pubsub items (contrail-protocol.md 2):
 * inet, inet6 and enet entries between stanza trees and struct
 * xmpp_item; the CN's messages, the agent's IQs, ids and node strings.
 *
 * Parsing is table-driven: a row per element the schema knows (name,
 * families, how to read it, where it goes), looked up by local name in
 * any order, unknown ones skipped, values checked as Contrail's
 * ProcessItem does.  Printing follows the schema's order and pugixml's
 * layout, every member written.  Pure code: no I/O, no logging, no state.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Families as bits, for the tables. */
#define XI_INET  0x1
#define XI_INET6 0x2
#define XI_ENET  0x4
#define XI_IP    (XI_INET | XI_INET6)
#define XI_ALL   (XI_IP | XI_ENET)

/* Well-known communities (RFC 1997) by name. */
#define XI_NO_EXPORT           0xffffff01u
#define XI_NO_ADVERTISE        0xffffff02u
#define XI_NO_EXPORT_SUBCONFED 0xffffff03u

static const struct {
	const char *node; /* afi/safi */
	uint16_t afi;
	uint8_t safi;
	unsigned bit;
} xi_fams[] = {
    [XMPP_ITEM_INET] = {"1/1", XMPP_AFI_IP, XMPP_SAFI_UNICAST, XI_INET},
    [XMPP_ITEM_INET6] = {"2/1", XMPP_AFI_IP6, XMPP_SAFI_UNICAST, XI_INET6},
    [XMPP_ITEM_ENET] = {"25/242", XMPP_AFI_L2VPN, XMPP_SAFI_ENET, XI_ENET},
};

static bool
xi_fam_ok(enum xmpp_item_family fam)
{
	return (unsigned)fam < nitems(xi_fams);
}

/* Names of bits, in the order they are printed. */
struct xi_name {
	const char *name;
	uint8_t bit;
};
static const struct xi_name xi_encaps[] = {
    {"gre", XMPP_ENCAP_GRE},
    {"udp", XMPP_ENCAP_UDP},
    {"vxlan", XMPP_ENCAP_VXLAN},
    {"mpls", XMPP_ENCAP_MPLS},
    {"native", XMPP_ENCAP_NATIVE},
};
static const struct xi_name xi_lb_fields[] = {
    {"l3-source-address", XMPP_LB_L3_SRC},
    {"l3-destination-address", XMPP_LB_L3_DST},
    {"l4-protocol", XMPP_LB_L4_PROTO},
    {"l4-source-port", XMPP_LB_L4_SRC},
    {"l4-destination-port", XMPP_LB_L4_DST},
};
static const char *const xi_lb_decisions[] = {
    [XMPP_LB_DEFAULT] = "",
    [XMPP_LB_FIELD_HASH] = "field-hash",
    [XMPP_LB_SOURCE_BIAS] = "source-bias",
};

/*
 * Parsing.
 */

/* What one parse knows besides the item. */
struct xi_ctx {
	struct xmpp_item *it;
	unsigned fam; /* XI_* of the family parsed */
	char *err;
	size_t errlen;
	const char *where;  /* what is being read, for errors: "" or */
	char where_buf[32]; /* "next-hop 2: " */
	bool have_nlri;
	uint32_t mob_seqno; /* <mobility seqno>, before the choice */
	uint32_t seqnum;    /* <sequence-number> */
};

static int xi_err(struct xi_ctx *c, const char *fmt, ...) PRINTFLIKE(2, 3);

/* Fills err with where and the message; returns -EINVAL. */
static int
xi_err(struct xi_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "%s", c->where);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool
xi_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/*
 * s as Contrail's strtoul reads it, stricter where strtoul is wrong: white
 * space around digits, "" or only white space is 0; a sign, any other
 * byte, or a value over 32 bits fails.
 */
static int
xi_u32_text(struct xi_ctx *c, const char *what, const char *s, uint32_t *v)
{
	const char *p = s;
	uint64_t x = 0;

	while (xi_space(*p))
		p++;
	for (; *p >= '0' && *p <= '9'; p++) {
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > UINT32_MAX)
			return xi_err(c, "<%s> %.32s is out of range", what, s);
	}
	while (xi_space(*p))
		p++;
	if (*p != '\0')
		return xi_err(c, "<%s> \"%.32s\" is not a number", what, s);
	*v = (uint32_t)x;
	return 0;
}

/* A strict decimal in [s, end) up to max, for node strings and ids. */
static int
xi_dec(const char *s, const char *end, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > max)
			return -EINVAL;
	}
	*v = (uint32_t)x;
	return 0;
}

enum xi_kind {
	XI_U32,  /* uint32_t */
	XI_BOOL, /* bool, true for "true" only */
	XI_STR,  /* char[size] */
	XI_TEXT, /* const char *, the node's text, checked later */
	XI_LIST, /* uint32_t[XMPP_ITEM_MAX_LIST] of children elem, count */
	XI_FN,   /* fn reads it */
};

struct xi_field {
	const char *name;
	unsigned fams; /* XI_* that have it */
	enum xi_kind kind;
	size_t off;       /* the member in the base */
	size_t size;      /* XI_STR: its bytes */
	size_t count;     /* XI_LIST: the count member */
	const char *elem; /* XI_LIST: the elements listed */
	int (*fn)(struct xi_ctx *c, const struct xmpp_node *n, void *base);
};

#define XI_AT(base, off) ((void *)((char *)(base) + (off)))
/* Table rows: a scalar of kind k, a string, a list, a function. */
#define XI_VAL(nm, f, k, type, m)                                              \
	{                                                                      \
		.name = (nm), .fams = (f), .kind = (k),                        \
		.off = offsetof(type, m)                                       \
	}
#define XI_STRING(nm, f, type, m)                                              \
	{                                                                      \
		.name = (nm), .fams = (f), .kind = XI_STR,                     \
		.off = offsetof(type, m), .size = sizeof(((type *)0)->m)       \
	}
#define XI_U32LIST(nm, f, type, m, cnt, el)                                    \
	{                                                                      \
		.name = (nm), .fams = (f), .kind = XI_LIST,                    \
		.off = offsetof(type, m), .count = offsetof(type, cnt),        \
		.elem = (el)                                                   \
	}
#define XI_CALL(nm, f, func)                                                   \
	{                                                                      \
		.name = (nm), .fams = (f), .kind = XI_FN, .fn = (func)         \
	}

static int
xi_field_read(struct xi_ctx *c, const struct xmpp_node *n,
    const struct xi_field *f, void *base)
{
	const struct xmpp_node *e;
	uint32_t *list;
	size_t *count;

	switch (f->kind) {
	case XI_U32:
		return xi_u32_text(c, f->name, n->text, XI_AT(base, f->off));
	case XI_BOOL:
		*(bool *)XI_AT(base, f->off) = strcmp(n->text, "true") == 0;
		return 0;
	case XI_STR:
		if (n->text_len >= f->size)
			return xi_err(c, "<%s> longer than %zu bytes", f->name,
			    f->size - 1);
		/* Zero-filled, so that equal items compare equal. */
		memset(XI_AT(base, f->off), 0, f->size);
		memcpy(XI_AT(base, f->off), n->text, n->text_len);
		return 0;
	case XI_TEXT:
		*(const char **)XI_AT(base, f->off) = n->text;
		return 0;
	case XI_LIST:
		list = XI_AT(base, f->off);
		count = XI_AT(base, f->count);
		/* A repeated list replaces the first, leaving no trace. */
		memset(list, 0, *count * sizeof(*list));
		*count = 0;
		for (e = n->child; e != NULL; e = e->next) {
			if (!xmpp_node_is(e, f->elem))
				continue;
			if (*count == XMPP_ITEM_MAX_LIST)
				return xi_err(c, "more than %d <%s>",
				    XMPP_ITEM_MAX_LIST, f->elem);
			if (xi_u32_text(c, f->elem, e->text, &list[*count]) !=
			    0)
				return -EINVAL;
			(*count)++;
		}
		return 0;
	case XI_FN:
		return f->fn(c, n, base);
	}
	return xi_err(c, "bad field kind");
}

/*
 * Reads the children of parent that the table knows, in their order.
 * A name is looked for from the entry after the last one found: agents
 * write the elements in the table's order, so each usually costs one
 * compare (a table has each name once, so where the search starts
 * changes nothing else).
 */
static int
xi_fields(struct xi_ctx *c, const struct xmpp_node *parent,
    const struct xi_field *tab, size_t ntab, void *base)
{
	const struct xmpp_node *n;
	const char *local;
	size_t i = 0, k;

	for (n = parent->child; n != NULL; n = n->next) {
		local = xmpp_node_local(n);
		for (k = 0; k < ntab; k++, i = i + 1 < ntab ? i + 1 : 0)
			if ((tab[i].fams & c->fam) != 0 &&
			    strcmp(local, tab[i].name) == 0)
				break;
		if (k == ntab)
			continue;
		if (xi_field_read(c, n, &tab[i], base) != 0)
			return -EINVAL;
		i = i + 1 < ntab ? i + 1 : 0;
	}
	return 0;
}

/* "" or 0.0.0.0/32 is no address (af 0); otherwise a prefix, host bits
 * cleared. */
static int
xi_enet_addr(const char *s, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (*s == '\0' || strcmp(s, "0.0.0.0/32") == 0)
		return 0;
	return prefix_parse(s, p, true);
}

/* The nlri as read, checked once whole. */
struct xi_nlri {
	uint32_t af, safi, eth_tag, flags;
	const char *address, *mac, *group, *source;
};

static const struct xi_field xi_nlri_tab[] = {
    XI_VAL("af", XI_ALL, XI_U32, struct xi_nlri, af),
    XI_VAL("safi", XI_ALL, XI_U32, struct xi_nlri, safi),
    XI_VAL("address", XI_ALL, XI_TEXT, struct xi_nlri, address),
    XI_VAL("ethernet-tag", XI_ENET, XI_U32, struct xi_nlri, eth_tag),
    XI_VAL("mac", XI_ENET, XI_TEXT, struct xi_nlri, mac),
    XI_VAL("group", XI_ENET, XI_TEXT, struct xi_nlri, group),
    XI_VAL("source", XI_ENET, XI_TEXT, struct xi_nlri, source),
    XI_VAL("flags", XI_ENET, XI_U32, struct xi_nlri, flags),
};

/* enet: a type-6 group and source (ProcessEnetItem). */
static int
xi_nlri_group(struct xi_ctx *c, const struct xi_nlri *r)
{
	struct xmpp_item *it = c->it;
	struct ipaddr g;

	it->has_group = false; /* a repeated <nlri> replaces the first */
	memset(&it->group, 0, sizeof(it->group));
	it->group.af = AF_INET;
	it->source = it->group;
	if (r->group != NULL && *r->group != '\0') {
		if (ipaddr_parse(r->group, &g) != 0)
			return xi_err(c, "bad group \"%.64s\"", r->group);
		/* The CN writes 0.0.0.0 for "no group". */
		if (!ipaddr_is_unspecified(&g)) {
			it->has_group = true;
			it->group = g;
		}
	}
	if (r->source != NULL && *r->source != '\0' &&
	    ipaddr_parse(r->source, &g) != 0)
		return xi_err(c, "bad source \"%.64s\"", r->source);
	/* A source means something only with a group. */
	if (it->has_group && r->source != NULL && *r->source != '\0')
		it->source = g;
	return 0;
}

static int
xi_nlri_enet(struct xi_ctx *c, const struct xi_nlri *r)
{
	static const struct macaddr zero;
	struct xmpp_item *it = c->it;
	const char *addr = r->address != NULL ? r->address : "";
	unsigned host;

	if (r->af != XMPP_AFI_L2VPN || r->safi != XMPP_SAFI_ENET)
		return xi_err(
		    c, "nlri af/safi %u/%u, not 25/242 (enet)", r->af, r->safi);
	if (r->mac == NULL || macaddr_parse(r->mac, &it->mac) != 0)
		return xi_err(
		    c, "bad MAC \"%.32s\"", r->mac != NULL ? r->mac : "");
	if (xi_enet_addr(addr, &it->prefix) != 0)
		return xi_err(c, "bad address \"%.64s\"", addr);
	if (xi_nlri_group(c, r) != 0)
		return -EINVAL;
	/* A MAC/IP route (type 2) takes a host address or exactly 0/0. */
	if (!it->has_group && memcmp(&it->mac, &zero, sizeof(zero)) != 0 &&
	    it->prefix.addr.af != 0 && it->prefix.len != 0) {
		host = it->prefix.addr.af == AF_INET ? 32 : 128;
		if (it->prefix.len != host)
			return xi_err(c,
			    "address %.64s of a MAC route is not "
			    "a host",
			    addr);
	}
	it->eth_tag = r->eth_tag;
	it->flags = r->flags;
	return 0;
}

static int
xi_nlri(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	struct xmpp_item *it = c->it;
	struct xi_nlri r;
	const char *addr;
	int want;

	(void)base;
	memset(&r, 0, sizeof(r));
	if (xi_fields(c, n, xi_nlri_tab, nitems(xi_nlri_tab), &r) != 0)
		return -EINVAL;
	c->have_nlri = true;
	if (c->fam == XI_ENET) {
		if (xi_nlri_enet(c, &r) != 0)
			return -EINVAL;
	} else {
		want = c->fam == XI_INET ? XMPP_AFI_IP : XMPP_AFI_IP6;
		if (r.af != (uint32_t)want)
			return xi_err(c, "nlri af %u, not %d (%s)", r.af, want,
			    c->fam == XI_INET ? "inet" : "inet6");
		if (r.safi != XMPP_SAFI_UNICAST &&
		    !(c->fam == XI_INET && r.safi == XMPP_SAFI_MPLS))
			return xi_err(c, "nlri safi %u, not %s", r.safi,
			    c->fam == XI_INET ? "1 or 4" : "1");
		addr = r.address != NULL ? r.address : "";
		if (prefix_parse(addr, &it->prefix, true) != 0)
			return xi_err(c, "bad prefix \"%.64s\"", addr);
		if (it->prefix.addr.af !=
		    (c->fam == XI_INET ? AF_INET : AF_INET6))
			return xi_err(c, "prefix %.64s is not %s", addr,
			    c->fam == XI_INET ? "IPv4" : "IPv6");
	}
	it->afi = (uint16_t)r.af;
	it->safi = (uint8_t)r.safi;
	return 0;
}

/* A next-hop as read: the member itself, and the texts checked later. */
struct xi_nh {
	struct xmpp_nexthop nh;
	uint32_t af;
	const char *address, *mac;
};

static int
xi_encap_list(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	struct xi_nh *r = base;
	const struct xmpp_node *e;
	size_t i, count = 0;

	r->nh.encaps = 0;
	for (e = n->child; e != NULL; e = e->next) {
		if (!xmpp_node_is(e, "tunnel-encapsulation"))
			continue;
		if (++count > XMPP_ITEM_MAX_LIST)
			return xi_err(c, "more than %d <tunnel-encapsulation>",
			    XMPP_ITEM_MAX_LIST);
		for (i = 0; i < nitems(xi_encaps); i++)
			if (strcmp(e->text, xi_encaps[i].name) == 0)
				break;
		r->nh.encaps |=
		    i < nitems(xi_encaps) ? xi_encaps[i].bit : XMPP_ENCAP_BAD;
	}
	return 0;
}

static const struct xi_field xi_nh_tab[] = {
    XI_VAL("af", XI_ALL, XI_U32, struct xi_nh, af),
    XI_VAL("address", XI_ALL, XI_TEXT, struct xi_nh, address),
    XI_VAL("mac", XI_ALL, XI_TEXT, struct xi_nh, mac),
    XI_VAL("label", XI_ALL, XI_U32, struct xi_nh, nh.label),
    XI_VAL("l3-label", XI_ENET, XI_U32, struct xi_nh, nh.l3_label),
    XI_VAL("vni", XI_IP, XI_U32, struct xi_nh, nh.vni),
    XI_CALL("tunnel-encapsulation-list", XI_ALL, xi_encap_list),
    XI_STRING("virtual-network", XI_IP, struct xi_nh, nh.vn),
    XI_U32LIST("tag-list", XI_ALL, struct xi_nh, nh.tags, nh.ntags, "tag"),
};

/* The checks of XmppDecodeAddress, and of the labels and MAC. */
static int
xi_nh_check(struct xi_ctx *c, struct xi_nh *r)
{
	const char *addr = r->address != NULL ? r->address : "";
	uint32_t label_max;

	if (r->af != XMPP_AFI_IP && r->af != XMPP_AFI_IP6)
		return xi_err(c, "af %u, not 1 or 2", r->af);
	if (ipaddr_parse(addr, &r->nh.addr) != 0)
		return xi_err(c, "bad address \"%.64s\"", addr);
	if (r->nh.addr.af != (r->af == XMPP_AFI_IP ? AF_INET : AF_INET6))
		return xi_err(c, "address %.64s is not of af %u", addr, r->af);
	if (ipaddr_is_unspecified(&r->nh.addr))
		return xi_err(c, "address %.64s is unspecified", addr);
	if (r->mac != NULL && *r->mac != '\0') {
		if (macaddr_parse(r->mac, &r->nh.mac) != 0)
			return xi_err(c, "bad MAC \"%.32s\"", r->mac);
		r->nh.has_mac = true;
	}
	label_max = c->fam == XI_ENET ? XMPP_VNI_MAX : XMPP_LABEL_MAX;
	if (r->nh.label > label_max)
		return xi_err(c, "label %u over %u", r->nh.label, label_max);
	if (r->nh.l3_label > XMPP_VNI_MAX)
		return xi_err(
		    c, "l3-label %u over %u", r->nh.l3_label, XMPP_VNI_MAX);
	if (r->nh.vni > XMPP_VNI_MAX)
		return xi_err(c, "vni %u over %u", r->nh.vni, XMPP_VNI_MAX);
	return 0;
}

static int
xi_next_hops(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	struct xmpp_item *it = c->it;
	const struct xmpp_node *e;
	struct xi_nh r;

	(void)base;
	/* A repeated list replaces the first, leaving no trace. */
	memset(it->nh, 0, it->nnh * sizeof(it->nh[0]));
	it->nnh = 0;
	for (e = n->child; e != NULL; e = e->next) {
		if (!xmpp_node_is(e, "next-hop"))
			continue;
		if (it->nnh == XMPP_ITEM_MAX_NH)
			return xi_err(
			    c, "more than %d next-hops", XMPP_ITEM_MAX_NH);
		snprintf(c->where_buf, sizeof(c->where_buf),
		    "next-hop %zu: ", it->nnh + 1);
		c->where = c->where_buf;
		memset(&r, 0, sizeof(r));
		if (xi_fields(c, e, xi_nh_tab, nitems(xi_nh_tab), &r) != 0 ||
		    xi_nh_check(c, &r) != 0)
			return -EINVAL;
		c->where = "";
		it->nh[it->nnh++] = r.nh;
	}
	return 0;
}

static int
xi_mobility(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	const char *v;

	(void)base;
	c->it->has_mobility = true;
	/* A repeated <mobility> replaces the first. */
	c->it->sticky = false;
	c->mob_seqno = 0;
	if ((v = xmpp_node_attr(n, "sticky")) != NULL)
		c->it->sticky = strcmp(v, "true") == 0;
	if ((v = xmpp_node_attr(n, "seqno")) != NULL &&
	    xi_u32_text(c, "mobility seqno", v, &c->mob_seqno) != 0)
		return -EINVAL;
	return 0;
}

static int
xi_seqnum(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	(void)base;
	return xi_u32_text(c, "sequence-number", n->text, &c->seqnum);
}

/* "no-export", "no-advertise", "no-export-subconfed", "<asn>:<value>". */
static int
xi_comm_parse(const char *s, uint32_t *v)
{
	const char *colon;
	uint32_t hi, lo;

	if (strcmp(s, "no-export") == 0)
		*v = XI_NO_EXPORT;
	else if (strcmp(s, "no-advertise") == 0)
		*v = XI_NO_ADVERTISE;
	else if (strcmp(s, "no-export-subconfed") == 0)
		*v = XI_NO_EXPORT_SUBCONFED;
	else if ((colon = strchr(s, ':')) != NULL &&
	    xi_dec(s, colon, UINT16_MAX, &hi) == 0 &&
	    xi_dec(colon + 1, colon + 1 + strlen(colon + 1), UINT16_MAX, &lo) ==
		0)
		*v = hi << 16 | lo;
	else
		return -EINVAL;
	return 0;
}

/* Contrail skips a community-tag it cannot read; so do we. */
static int
xi_comms(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	struct xmpp_item *it = c->it;
	const struct xmpp_node *e;
	uint32_t v;

	(void)base;
	memset(it->comm, 0, it->ncomm * sizeof(it->comm[0]));
	it->ncomm = 0;
	for (e = n->child; e != NULL; e = e->next) {
		if (!xmpp_node_is(e, "community-tag") ||
		    xi_comm_parse(e->text, &v) != 0)
			continue;
		if (it->ncomm == XMPP_ITEM_MAX_LIST)
			return xi_err(c, "more than %d <community-tag>",
			    XMPP_ITEM_MAX_LIST);
		it->comm[it->ncomm++] = v;
	}
	return 0;
}

/* Names outside the schema's enumerations are ignored. */
static int
xi_load_balance(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	struct xmpp_item *it = c->it;
	const struct xmpp_node *f, *e;
	size_t i;

	(void)base;
	it->lb_fields = 0;
	it->lb_decision = XMPP_LB_DEFAULT;
	if ((f = xmpp_node_child(n, "load-balance-fields")) != NULL)
		for (e = f->child; e != NULL; e = e->next) {
			if (!xmpp_node_is(e, "load-balance-field-list"))
				continue;
			for (i = 0; i < nitems(xi_lb_fields); i++)
				if (strcmp(e->text, xi_lb_fields[i].name) == 0)
					it->lb_fields |= xi_lb_fields[i].bit;
		}
	if ((e = xmpp_node_child(n, "load-balance-decision")) != NULL)
		for (i = 1; i < nitems(xi_lb_decisions); i++)
			if (strcmp(e->text, xi_lb_decisions[i]) == 0)
				it->lb_decision = (uint8_t)i;
	return 0;
}

static int
xi_replicator(struct xi_ctx *c, const struct xmpp_node *n, void *base)
{
	struct ipaddr *a = &c->it->replicator;

	(void)base;
	memset(a, 0, sizeof(*a));
	if (n->text_len == 0)
		return 0;
	if (ipaddr_parse(n->text, a) != 0 || a->af != AF_INET ||
	    ipaddr_is_unspecified(a)) {
		memset(a, 0, sizeof(*a));
		return xi_err(c, "bad replicator-address \"%.64s\"", n->text);
	}
	return 0;
}

static const struct xi_field xi_entry_tab[] = {
    XI_CALL("nlri", XI_ALL, xi_nlri),
    XI_CALL("next-hops", XI_ALL, xi_next_hops),
    XI_VAL("version", XI_IP, XI_U32, struct xmpp_item, version),
    XI_STRING("virtual-network", XI_ALL, struct xmpp_item, vn),
    XI_CALL("mobility", XI_ALL, xi_mobility),
    XI_CALL("sequence-number", XI_ALL, xi_seqnum),
    XI_U32LIST("security-group-list", XI_ALL, struct xmpp_item, sg, nsg,
	"security-group"),
    XI_CALL("community-tag-list", XI_IP, xi_comms),
    XI_VAL("local-preference", XI_ALL, XI_U32, struct xmpp_item, local_pref),
    XI_VAL("med", XI_ALL, XI_U32, struct xmpp_item, med),
    XI_CALL("load-balance", XI_IP, xi_load_balance),
    XI_STRING("sub-protocol", XI_IP, struct xmpp_item, sub_protocol),
    XI_VAL("etree-leaf", XI_ENET, XI_BOOL, struct xmpp_item, etree_leaf),
    XI_VAL("edge-replication-not-supported", XI_ENET, XI_BOOL, struct xmpp_item,
	edge_repl_not_supported),
    XI_VAL("assisted-replication-supported", XI_ENET, XI_BOOL, struct xmpp_item,
	assisted_repl),
    XI_CALL("replicator-address", XI_ENET, xi_replicator),
};

int
xmpp_item_parse(const struct xmpp_node *item, enum xmpp_item_family fam,
    struct xmpp_item *it, char *err, size_t errlen)
{
	const size_t head = offsetof(struct xmpp_item, nh);
	const size_t tail = head + sizeof(it->nh);
	const struct xmpp_node *entry;
	struct xi_ctx c;

	/* All but the next-hops, which are written as they are read. */
	memset(it, 0, head);
	memset((uint8_t *)it + tail, 0, sizeof(*it) - tail);
	memset(&c, 0, sizeof(c));
	c.it = it;
	c.err = err;
	c.errlen = errlen;
	c.where = "";
	if (!xi_fam_ok(fam))
		return xi_err(&c, "unknown family %d", (int)fam);
	c.fam = xi_fams[fam].bit;
	it->family = fam;
	entry =
	    xmpp_node_is(item, "entry") ? item : xmpp_node_child(item, "entry");
	if (entry == NULL)
		return xi_err(&c, "no <entry> in <%.32s>", item->name);
	if (xi_fields(&c, entry, xi_entry_tab, nitems(xi_entry_tab), it) != 0)
		return -EINVAL;
	if (!c.have_nlri)
		return xi_err(&c, "no <nlri>");
	it->seqno = c.mob_seqno != 0 ? c.mob_seqno : c.seqnum;
	return 0;
}

bool
xmpp_item_equal(const struct xmpp_item *a, const struct xmpp_item *b)
{
	const size_t head = offsetof(struct xmpp_item, nh);
	const size_t tail = head + sizeof(a->nh);

	/* nnh is in the head: the same count, then the same next-hops. */
	return memcmp(a, b, head) == 0 &&
	    memcmp(a->nh, b->nh, a->nnh * sizeof(a->nh[0])) == 0 &&
	    memcmp((const uint8_t *)a + tail, (const uint8_t *)b + tail,
		sizeof(*a) - tail) == 0;
}

/*
 * Ids and node strings.
 */

/* "<ip>/<plen>" of an enet address; 0.0.0.0/32 for none. */
static const char *
xi_enet_addr_print(const struct prefix *p, char *buf, size_t len)
{
	if (p->addr.af == 0)
		return str_lcpy(buf, "0.0.0.0/32", len) < len ? buf : NULL;
	return prefix_print(p, buf, len);
}

/* A group or source: 0.0.0.0 when there is none. */
static const char *
xi_ipaddr_print(const struct ipaddr *a, char *buf, size_t len)
{
	if (a->af == 0)
		return str_lcpy(buf, "0.0.0.0", len) < len ? buf : NULL;
	return ipaddr_print(a, buf, len);
}

const char *
xmpp_item_id(const struct xmpp_item *it, char *buf, size_t len)
{
	char mac[MACADDR_STRLEN], addr[PREFIX_STRLEN];
	char grp[IPADDR_STRLEN], src[IPADDR_STRLEN];
	char tag[16] = "";
	int n;

	if (it->family != XMPP_ITEM_ENET)
		return prefix_print(&it->prefix, buf, len);
	if (it->eth_tag != 0)
		snprintf(tag, sizeof(tag), "%u-", it->eth_tag);
	if (macaddr_print(&it->mac, mac, sizeof(mac)) == NULL ||
	    xi_enet_addr_print(&it->prefix, addr, sizeof(addr)) == NULL ||
	    xi_ipaddr_print(&it->group, grp, sizeof(grp)) == NULL ||
	    xi_ipaddr_print(&it->source, src, sizeof(src)) == NULL)
		return NULL;
	if (it->has_group)
		n = snprintf(
		    buf, len, "%s%s,%s,%s,%s", tag, mac, addr, grp, src);
	else
		n = snprintf(buf, len, "%s%s,%s", tag, mac, addr);
	return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* Copies [s, end) into a NUL-terminated field; -EINVAL if too long. */
static int
xi_copy(char *dst, size_t len, const char *s, const char *end)
{
	size_t n = (size_t)(end - s);

	if (n >= len)
		return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* "[<tag>-]<mac>,<ip>/<plen>[,<group>,<source>]" */
static int
xi_enet_id_parse(const char *id, struct xmpp_item *it)
{
	char field[PREFIX_STRLEN];
	const char *dash, *c1, *c2 = NULL, *c3 = NULL;

	if ((c1 = strchr(id, ',')) == NULL)
		return -EINVAL;
	dash = memchr(id, '-', (size_t)(c1 - id));
	if (dash != NULL) {
		if (xi_dec(id, dash, UINT32_MAX, &it->eth_tag) != 0)
			return -EINVAL;
		id = dash + 1;
	}
	if (xi_copy(field, sizeof(field), id, c1) != 0 ||
	    macaddr_parse(field, &it->mac) != 0)
		return -EINVAL;
	if ((c2 = strchr(c1 + 1, ',')) != NULL &&
	    ((c3 = strchr(c2 + 1, ',')) == NULL || strchr(c3 + 1, ',')))
		return -EINVAL;
	if (xi_copy(field, sizeof(field), c1 + 1,
		c2 != NULL ? c2 : c1 + strlen(c1)) != 0 ||
	    xi_enet_addr(field, &it->prefix) != 0)
		return -EINVAL;
	memset(&it->group, 0, sizeof(it->group));
	it->group.af = AF_INET;
	it->source = it->group;
	if (c2 == NULL)
		return 0;
	if (xi_copy(field, sizeof(field), c2 + 1, c3) != 0 ||
	    ipaddr_parse(field, &it->group) != 0 ||
	    ipaddr_parse(c3 + 1, &it->source) != 0)
		return -EINVAL;
	/* As in an item: an unspecified group is none, and then so is the
	 * source. */
	it->has_group = !ipaddr_is_unspecified(&it->group);
	if (!it->has_group) {
		memset(&it->group, 0, sizeof(it->group));
		it->group.af = AF_INET;
		it->source = it->group;
	}
	return 0;
}

int
xmpp_item_id_parse(
    const char *id, enum xmpp_item_family fam, struct xmpp_item *it)
{
	memset(it, 0, sizeof(*it));
	if (!xi_fam_ok(fam))
		return -EINVAL;
	it->family = fam;
	it->afi = xi_fams[fam].afi;
	it->safi = xi_fams[fam].safi;
	if (fam == XMPP_ITEM_ENET)
		return xi_enet_id_parse(id, it);
	if (prefix_parse(id, &it->prefix, true) != 0 ||
	    it->prefix.addr.af != (fam == XMPP_ITEM_INET ? AF_INET : AF_INET6))
		return -EINVAL;
	return 0;
}

const char *
xmpp_item_family_node(enum xmpp_item_family fam)
{
	return xi_fam_ok(fam) ? xi_fams[fam].node : NULL;
}

/* "<afi>/<safi>/" at the start of node: the family and the rest. */
static int
xi_node_family(
    const char *node, enum xmpp_item_family *fam, bool *mpls, const char **rest)
{
	const char *s1, *s2;
	uint32_t afi, safi;
	size_t i;

	if ((s1 = strchr(node, '/')) == NULL ||
	    (s2 = strchr(s1 + 1, '/')) == NULL ||
	    xi_dec(node, s1, UINT16_MAX, &afi) != 0 ||
	    xi_dec(s1 + 1, s2, UINT8_MAX, &safi) != 0)
		return -EINVAL;
	*mpls = afi == XMPP_AFI_IP && safi == XMPP_SAFI_MPLS;
	if (*mpls)
		safi = XMPP_SAFI_UNICAST;
	for (i = 0; i < nitems(xi_fams); i++)
		if (xi_fams[i].afi == afi && xi_fams[i].safi == safi)
			break;
	if (i == nitems(xi_fams))
		return -EINVAL;
	*fam = (enum xmpp_item_family)i;
	*rest = s2 + 1;
	return 0;
}

/* The '/'-separated fields of s: how many, each non-empty; -1 if not. */
static int
xi_node_fields(const char *s)
{
	int n = 1;

	if (*s == '\0' || *s == '/')
		return -1;
	for (; *s != '\0'; s++)
		if (*s == '/') {
			if (s[1] == '\0' || s[1] == '/')
				return -1;
			n++;
		}
	return n;
}

/*
 * The CN reads only the family, and for inet the primary instance id
 * (GetPrimaryInstanceID); the rest must have the shape of the family:
 * inet <vrf>/<addr>/<plen>[/<id>], inet6 <vrf>/<addr>/<plen>, enet
 * <mac>,<ip>/<plen> (or the broadcast form, also one '/').
 */
int
xmpp_publish_node_parse(
    const char *node, enum xmpp_item_family *fam, uint32_t *primary_id)
{
	enum xmpp_item_family f;
	const char *rest, *last;
	uint32_t id = 0;
	bool mpls;
	int n;

	if (xi_node_family(node, &f, &mpls, &rest) != 0 ||
	    (n = xi_node_fields(rest)) < 0)
		return -EINVAL;
	switch (f) {
	case XMPP_ITEM_INET:
		if (n == 4) {
			last = strrchr(rest, '/') + 1;
			if (xi_dec(last, last + strlen(last), UINT32_MAX,
				&id) != 0)
				return -EINVAL;
		} else if (n != 3)
			return -EINVAL;
		break;
	case XMPP_ITEM_INET6:
		if (n != 3)
			return -EINVAL;
		break;
	case XMPP_ITEM_ENET:
		if (n != 2 || strchr(rest, ',') == NULL)
			return -EINVAL;
		break;
	}
	*fam = f;
	if (primary_id != NULL)
		*primary_id = id;
	return 0;
}

int
xmpp_items_node_parse(
    const char *node, enum xmpp_item_family *fam, char *vrf, size_t vrflen)
{
	enum xmpp_item_family f;
	const char *rest;
	bool mpls;

	if (xi_node_family(node, &f, &mpls, &rest) != 0 ||
	    xi_node_fields(rest) != 1 ||
	    xi_copy(vrf, vrflen, rest, rest + strlen(rest)) != 0)
		return -EINVAL;
	*fam = f;
	return 0;
}

/*
 * Printing.  A writer keeps the first error and turns every later write
 * into nothing, so the printers read as the XML they write; xw_done puts
 * out back as it was when there was an error.
 */
struct xw {
	struct wbuf *out;
	size_t start;    /* out->len before */
	int rc;          /* first error */
	const char *tab; /* "\t" (the CN's items) or "" (the agent's IQs) */
};

static void
xw_init(struct xw *w, struct wbuf *out, const char *tab)
{
	w->out = out;
	w->start = out->len;
	w->rc = 0;
	w->tab = tab;
}

static int
xw_done(struct xw *w)
{
	if (w->rc != 0)
		w->out->len = w->start;
	return w->rc;
}

static void
xw_put(struct xw *w, const char *s)
{
	if (w->rc == 0 && wbuf_put_str(w->out, s) != 0)
		w->rc = -ENOSPC;
}

static void
xw_esc(struct xw *w, const char *s)
{
	if (w->rc == 0)
		w->rc = xmpp_escape(w->out, s);
}

static void
xw_indent(struct xw *w, unsigned depth)
{
	while (depth-- > 0)
		xw_put(w, w->tab);
}

/* <name>\n */
static void
xw_open(struct xw *w, unsigned depth, const char *name)
{
	xw_indent(w, depth);
	xw_put(w, "<");
	xw_put(w, name);
	xw_put(w, ">\n");
}

static void
xw_close(struct xw *w, unsigned depth, const char *name)
{
	xw_indent(w, depth);
	xw_put(w, "</");
	xw_put(w, name);
	xw_put(w, ">\n");
}

/* <name>text</name>\n, or <name />\n for "" (pugixml's forms). */
static void
xw_text(struct xw *w, unsigned depth, const char *name, const char *text)
{
	xw_indent(w, depth);
	xw_put(w, "<");
	xw_put(w, name);
	if (*text == '\0') {
		xw_put(w, " />\n");
		return;
	}
	xw_put(w, ">");
	xw_esc(w, text);
	xw_put(w, "</");
	xw_put(w, name);
	xw_put(w, ">\n");
}

static void
xw_u32(struct xw *w, unsigned depth, const char *name, uint32_t v)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", v);
	xw_text(w, depth, name, num);
}

static void
xw_bool(struct xw *w, unsigned depth, const char *name, bool v)
{
	xw_text(w, depth, name, v ? "true" : "false");
}

/* A text that must exist (an address that printed); -EINVAL if not. */
static void
xw_must(struct xw *w, unsigned depth, const char *name, const char *text)
{
	if (text == NULL) {
		if (w->rc == 0)
			w->rc = -EINVAL;
		return;
	}
	xw_text(w, depth, name, text);
}

/* <list><elem>v</elem>...</list>, or <list /> when empty. */
static void
xw_u32_list(struct xw *w, unsigned depth, const char *list, const char *elem,
    const uint32_t *v, size_t n)
{
	size_t i;

	if (n == 0) {
		xw_text(w, depth, list, "");
		return;
	}
	xw_open(w, depth, list);
	for (i = 0; i < n; i++)
		xw_u32(w, depth + 1, elem, v[i]);
	xw_close(w, depth, list);
}

/* The same for the bits named in tab, in its order. */
static void
xw_bits(struct xw *w, unsigned depth, const char *list, const char *elem,
    unsigned bits, const struct xi_name *tab, size_t ntab)
{
	bool any = false;
	size_t i;

	for (i = 0; i < ntab; i++) {
		if ((bits & tab[i].bit) == 0)
			continue;
		if (!any)
			xw_open(w, depth, list);
		any = true;
		xw_text(w, depth + 1, elem, tab[i].name);
	}
	if (any)
		xw_close(w, depth, list);
	else
		xw_text(w, depth, list, "");
}

static void
xw_comm(struct xw *w, unsigned depth, const uint32_t *comm, size_t n)
{
	char num[16];
	const char *text;
	size_t i;

	if (n == 0) {
		xw_text(w, depth, "community-tag-list", "");
		return;
	}
	xw_open(w, depth, "community-tag-list");
	for (i = 0; i < n; i++) {
		if (comm[i] == XI_NO_EXPORT)
			text = "no-export";
		else if (comm[i] == XI_NO_ADVERTISE)
			text = "no-advertise";
		else if (comm[i] == XI_NO_EXPORT_SUBCONFED)
			text = "no-export-subconfed";
		else {
			snprintf(num, sizeof(num), "%u:%u", comm[i] >> 16,
			    comm[i] & 0xffff);
			text = num;
		}
		xw_text(w, depth + 1, "community-tag", text);
	}
	xw_close(w, depth, "community-tag-list");
}

static void
xw_nexthop(struct xw *w, unsigned d, const struct xmpp_item *it,
    const struct xmpp_nexthop *nh)
{
	char addr[IPADDR_STRLEN], mac[MACADDR_STRLEN] = "";
	bool enet = it->family == XMPP_ITEM_ENET;

	xw_open(w, d, "next-hop");
	xw_u32(w, d + 1, "af",
	    nh->addr.af == AF_INET6 ? XMPP_AFI_IP6 : XMPP_AFI_IP);
	xw_must(
	    w, d + 1, "address", ipaddr_print(&nh->addr, addr, sizeof(addr)));
	if (nh->has_mac)
		macaddr_print(&nh->mac, mac, sizeof(mac));
	xw_text(w, d + 1, "mac", mac);
	xw_u32(w, d + 1, "label", nh->label);
	if (enet)
		xw_u32(w, d + 1, "l3-label", nh->l3_label);
	else
		xw_u32(w, d + 1, "vni", nh->vni);
	xw_bits(w, d + 1, "tunnel-encapsulation-list", "tunnel-encapsulation",
	    nh->encaps, xi_encaps, nitems(xi_encaps));
	if (!enet)
		xw_text(w, d + 1, "virtual-network", nh->vn);
	xw_u32_list(w, d + 1, "tag-list", "tag", nh->tags, nh->ntags);
	xw_close(w, d, "next-hop");
}

static void
xw_mobility(struct xw *w, unsigned d, const struct xmpp_item *it)
{
	char line[64];

	xw_indent(w, d);
	snprintf(line, sizeof(line),
	    "<mobility sticky=\"%s\" seqno=\"%u\" />\n",
	    it->sticky ? "true" : "false", it->seqno);
	xw_put(w, line);
}

static void
xw_nlri(struct xw *w, unsigned d, const struct xmpp_item *it)
{
	char addr[PREFIX_STRLEN], mac[MACADDR_STRLEN], ip[IPADDR_STRLEN];

	xw_open(w, d, "nlri");
	xw_u32(w, d + 1, "af", xi_fams[it->family].afi);
	if (it->family != XMPP_ITEM_ENET) {
		xw_u32(w, d + 1, "safi",
		    it->safi == XMPP_SAFI_MPLS ? XMPP_SAFI_MPLS
					       : XMPP_SAFI_UNICAST);
		xw_must(w, d + 1, "address",
		    prefix_print(&it->prefix, addr, sizeof(addr)));
		xw_close(w, d, "nlri");
		return;
	}
	xw_u32(w, d + 1, "safi", XMPP_SAFI_ENET);
	xw_u32(w, d + 1, "ethernet-tag", it->eth_tag);
	xw_must(w, d + 1, "mac", macaddr_print(&it->mac, mac, sizeof(mac)));
	xw_must(w, d + 1, "address",
	    xi_enet_addr_print(&it->prefix, addr, sizeof(addr)));
	xw_must(w, d + 1, "group",
	    xi_ipaddr_print(it->has_group ? &it->group : &(struct ipaddr){0},
		ip, sizeof(ip)));
	xw_must(w, d + 1, "source",
	    xi_ipaddr_print(it->has_group ? &it->source : &(struct ipaddr){0},
		ip, sizeof(ip)));
	xw_u32(w, d + 1, "flags", it->flags);
	xw_close(w, d, "nlri");
}

/* <entry> and what is in it, at depth d. */
static void
xw_entry(struct xw *w, unsigned d, const struct xmpp_item *it)
{
	char ip[IPADDR_STRLEN] = "";
	bool enet = it->family == XMPP_ITEM_ENET;
	size_t i;

	xw_open(w, d, "entry");
	xw_nlri(w, d + 1, it);
	if (it->nnh == 0)
		xw_text(w, d + 1, "next-hops", "");
	else {
		xw_open(w, d + 1, "next-hops");
		for (i = 0; i < it->nnh && i < XMPP_ITEM_MAX_NH; i++)
			xw_nexthop(w, d + 2, it, &it->nh[i]);
		xw_close(w, d + 1, "next-hops");
	}
	if (enet)
		xw_text(w, d + 1, "olist", "");
	else
		xw_u32(w, d + 1, "version", it->version);
	xw_text(w, d + 1, "virtual-network", it->vn);
	xw_mobility(w, d + 1, it);
	xw_u32(w, d + 1, "sequence-number", it->seqno);
	xw_u32_list(w, d + 1, "security-group-list", "security-group", it->sg,
	    MIN(it->nsg, XMPP_ITEM_MAX_LIST));
	if (!enet)
		xw_comm(w, d + 1, it->comm, MIN(it->ncomm, XMPP_ITEM_MAX_LIST));
	xw_u32(w, d + 1, "local-preference", it->local_pref);
	xw_u32(w, d + 1, "med", it->med);
	if (!enet) {
		xw_open(w, d + 1, "load-balance");
		xw_bits(w, d + 2, "load-balance-fields",
		    "load-balance-field-list", it->lb_fields, xi_lb_fields,
		    nitems(xi_lb_fields));
		xw_text(w, d + 2, "load-balance-decision",
		    it->lb_decision < nitems(xi_lb_decisions)
			? xi_lb_decisions[it->lb_decision]
			: "");
		xw_close(w, d + 1, "load-balance");
		xw_text(w, d + 1, "sub-protocol", it->sub_protocol);
	} else {
		xw_bool(w, d + 1, "edge-replication-not-supported",
		    it->edge_repl_not_supported);
		xw_bool(w, d + 1, "assisted-replication-supported",
		    it->assisted_repl);
		xw_text(w, d + 1, "leaf-olist", "");
		if (it->replicator.af != 0)
			xw_must(w, d + 1, "replicator-address",
			    ipaddr_print(&it->replicator, ip, sizeof(ip)));
		else
			xw_text(w, d + 1, "replicator-address", "");
		xw_bool(w, d + 1, "etree-leaf", it->etree_leaf);
	}
	xw_close(w, d, "entry");
}

/* <item[ id=..]> at depth d. */
static void
xw_item(struct xw *w, unsigned d, const struct xmpp_item *it, bool with_id)
{
	char id[XMPP_ITEM_ID_MAX];

	if (!xi_fam_ok(it->family)) {
		w->rc = w->rc != 0 ? w->rc : -EINVAL;
		return;
	}
	xw_indent(w, d);
	xw_put(w, "<item");
	if (with_id) {
		if (xmpp_item_id(it, id, sizeof(id)) == NULL && w->rc == 0)
			w->rc = -EINVAL;
		xw_put(w, " id=\"");
		xw_esc(w, id);
		xw_put(w, "\"");
	}
	xw_put(w, ">\n");
	xw_entry(w, d + 1, it);
	xw_close(w, d, "item");
}

/* Items sit at depth 3 in a CN message (BgpXmppMessage::AddIpReach). */
int
xmpp_item_print(const struct xmpp_item *it, struct wbuf *out)
{
	struct xw w;

	xw_init(&w, out, "\t");
	xw_item(&w, 3, it, true);
	return xw_done(&w);
}

/*
 * CN->agent messages (BgpXmppMessage::Start/GetData, SendEndOfRIB): the
 * framing text is the CN's to the byte.
 */
static void
xw_msg_head(struct xw *w, const char *from, const char *to)
{
	xw_put(w, "\n<message from=\"");
	xw_esc(w, from);
	xw_put(w, "\" to=\"");
	xw_esc(w, to);
	xw_put(w, "\">\n\t<event xmlns=\"" XMPP_PUBSUB_NS "\">");
}

int
xmpp_msg_begin(
    struct wbuf *out, const char *from, const char *to, const char *node)
{
	struct xw w;

	xw_init(&w, out, "\t");
	xw_msg_head(&w, from, to);
	xw_put(&w, "\n\t\t<items node=\"");
	xw_esc(&w, node);
	xw_put(&w, "\">\n");
	return xw_done(&w);
}

int
xmpp_msg_retract(struct wbuf *out, const char *id)
{
	struct xw w;

	xw_init(&w, out, "\t");
	xw_put(&w, "\t\t\t<retract id=\"");
	xw_esc(&w, id);
	xw_put(&w, "\" />\n");
	return xw_done(&w);
}

int
xmpp_msg_end(struct wbuf *out)
{
	struct xw w;

	xw_init(&w, out, "\t");
	xw_put(&w, "\t\t</items>\n\t</event>\n</message>\n");
	return xw_done(&w);
}

int
xmpp_msg_eor(struct wbuf *out, const char *from, const char *to)
{
	struct xw w;

	xw_init(&w, out, "\t");
	xw_msg_head(&w, from, to);
	xw_put(&w,
	    "\n<items node=\"" XMPP_EOR_NODE "\"></items>"
	    "\n\t</event>\n</message>\n");
	return xw_done(&w);
}

/*
 * Agent->CN IQs (AgentXmppChannel::ControllerSend*, the test mock's
 * AddEorMarker): one element a line, no indentation.
 */
static void
xw_iq_head(struct xw *w, const char *from, const char *to, const char *id)
{
	xw_put(w, "<iq type=\"set\" from=\"");
	xw_esc(w, from);
	xw_put(w, "\" to=\"");
	xw_esc(w, to);
	xw_put(w, "\" id=\"");
	xw_esc(w, id);
	xw_put(w, "\">\n<pubsub xmlns=\"" XMPP_PUBSUB_NS "\">\n");
}

static void
xw_iq_tail(struct xw *w)
{
	xw_put(w, "</pubsub>\n</iq>\n");
}

int
xmpp_iq_subscribe(struct wbuf *out, const char *from, const char *to,
    const char *instance, uint32_t instance_id, bool unsubscribe,
    bool options_beside)
{
	const char *verb = unsubscribe ? "unsubscribe" : "subscribe";
	char id[32];
	struct xw w;

	xw_init(&w, out, "");
	snprintf(id, sizeof(id), "%s%u", verb, instance_id);
	xw_iq_head(&w, from, to, id);
	xw_put(&w, "<");
	xw_put(&w, verb);
	xw_put(&w, " node=\"");
	xw_esc(&w, instance);
	xw_put(&w, options_beside ? "\" />\n" : "\">\n");
	xw_open(&w, 0, "options");
	xw_u32(&w, 0, "instance-id", instance_id);
	xw_close(&w, 0, "options");
	if (!options_beside)
		xw_close(&w, 0, verb);
	xw_iq_tail(&w);
	return xw_done(&w);
}

/* "1/1/<vrf>/<prefix>", "2/1/<vrf>/<prefix>", "25/242/<mac>,<ip>/<plen>" */
static int
xi_publish_node(
    const struct xmpp_item *it, const char *vrf, char *buf, size_t len)
{
	char key[PREFIX_STRLEN], mac[MACADDR_STRLEN];
	int n;

	switch (it->family) {
	case XMPP_ITEM_INET:
	case XMPP_ITEM_INET6:
		if (prefix_print(&it->prefix, key, sizeof(key)) == NULL)
			return -EINVAL;
		n = snprintf(buf, len, "%u/%u/%s/%s", xi_fams[it->family].afi,
		    it->family == XMPP_ITEM_INET && it->safi == XMPP_SAFI_MPLS
			? XMPP_SAFI_MPLS
			: XMPP_SAFI_UNICAST,
		    vrf, key);
		break;
	case XMPP_ITEM_ENET:
		if (macaddr_print(&it->mac, mac, sizeof(mac)) == NULL ||
		    xi_enet_addr_print(&it->prefix, key, sizeof(key)) == NULL)
			return -EINVAL;
		n = snprintf(buf, len, "25/242/%s,%s", mac, key);
		break;
	default:
		return -EINVAL;
	}
	return n >= 0 && (size_t)n < len ? 0 : -EINVAL;
}

int
xmpp_iq_publish(struct wbuf *out, const char *from, const char *to,
    const char *vrf, const struct xmpp_item *it, bool add)
{
	char node[XMPP_NAME_MAX + 2 * PREFIX_STRLEN];
	struct xw w;

	xw_init(&w, out, "");
	if (it != NULL && xi_publish_node(it, vrf, node, sizeof(node)) != 0)
		return -EINVAL;
	xw_iq_head(&w, from, to, "pubsub");
	if (it == NULL)
		xw_put(&w, "<publish />\n");
	else {
		xw_put(&w, "<publish node=\"");
		xw_esc(&w, node);
		xw_put(&w, "\">\n");
		xw_item(&w, 0, it, false);
		xw_close(&w, 0, "publish");
	}
	xw_iq_tail(&w);
	xw_iq_head(&w, from, to, "collection");
	if (it == NULL)
		xw_put(&w, "<collection />\n");
	else {
		xw_put(&w, "<collection node=\"");
		xw_esc(&w, vrf);
		xw_put(&w,
		    add ? "\">\n<associate node=\""
			: "\">\n<dissociate node=\"");
		xw_esc(&w, node);
		xw_put(&w, "\" />\n</collection>\n");
	}
	xw_iq_tail(&w);
	return xw_done(&w);
}

int
xmpp_iq_eor(struct wbuf *out, const char *from, const char *to)
{
	return xmpp_iq_publish(out, from, to, NULL, NULL, true);
}
