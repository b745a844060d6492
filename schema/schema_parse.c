/*
 * schema_parse.c - typed objects from a validated XML document.
 *
 * Runs after XSD validation, so element order and simple types are known
 * good; what is checked here is what the XSD cannot express within one
 * object: address syntax, route-target ranges, mode combinations.  Each
 * error names the line and element.  Every string and array an object
 * points to is allocated in that object's arena.
 */
#include "schema/schema_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

struct pctx {
	const char *source;       /* for errors */
	struct schema_errs *errs; /* where errors go */
	struct schema_obj *obj;   /* object being built (its arena) */
	bool failed;              /* an error was reported */
};

static unsigned
node_line(const xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 && l <= (long)UINT_MAX ? (unsigned)l : 0;
}

static bool
name_is(const xmlNode *n, const char *name)
{
	return strcmp((const char *)n->name, name) == 0;
}

static void perr(struct pctx *, const xmlNode *, const char *, ...)
    PRINTFLIKE(3, 4);

static void
perr(struct pctx *pc, const xmlNode *n, const char *fmt, ...)
{
	char reason[sizeof(pc->errs->err[0].reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	schema_errs_add(pc->errs, pc->source, node_line(n),
	    (const char *)n->name, "%s", reason);
	pc->failed = true;
}

/* Copies s without leading and trailing XML whitespace into the arena. */
static const char *
dup_trimmed(struct pctx *pc, const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 &&
	    (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
		s[len - 1] == '\r'))
		len--;
	return arena_strndup(&pc->obj->arena, s, len);
}

/* The element's text, trimmed, in the object's arena. */
static const char *
text(struct pctx *pc, const xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s;

	s = dup_trimmed(pc, c != NULL ? (const char *)c : "");
	xmlFree(c);
	return s;
}

/* An attribute's value, trimmed, or NULL when absent. */
static const char *
attr(struct pctx *pc, const xmlNode *n, const char *name)
{
	xmlChar *c = xmlGetProp(n, (const xmlChar *)name);
	const char *s;

	if (c == NULL)
		return NULL;
	s = dup_trimmed(pc, (const char *)c);
	xmlFree(c);
	return s;
}

static int
parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v > max)
		return -ERANGE;
	return 0;
}

static uint32_t
get_u32(struct pctx *pc, const xmlNode *n, uint32_t min, uint32_t max)
{
	const char *s = text(pc, n);
	unsigned long v;

	if (parse_ulong(s, max, &v) != 0 || v < min) {
		perr(pc, n, "'%s' is not a number from %u to %u", s, min, max);
		return min;
	}
	return (uint32_t)v;
}

static bool
get_bool(struct pctx *pc, const xmlNode *n)
{
	const char *s = text(pc, n);

	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		return true;
	if (strcmp(s, "false") != 0 && strcmp(s, "0") != 0)
		perr(pc, n, "'%s' is not true or false", s);
	return false;
}

/* One word of an enumeration; def (with an error) for anything else. */
static int
get_keyword(
    struct pctx *pc, const xmlNode *n, const struct schema_keyword *kw, int def)
{
	const char *s = text(pc, n);
	char words[256];
	size_t i, len = 0;
	int v;

	if (schema__keyword_value(kw, s, &v) == 0)
		return v;
	words[0] = '\0';
	for (i = 0; kw[i].name != NULL && len < sizeof(words); i++)
		len +=
		    (size_t)snprintf(words + len, sizeof(words) - len, "%s%s",
			i == 0                       ? ""
			    : kw[i + 1].name == NULL ? " or "
						     : ", ",
			kw[i].name);
	perr(pc, n, "'%s' is not %s", s, words);
	return def;
}

static void
get_ip(struct pctx *pc, const xmlNode *n, const char *s, struct ipaddr *ip)
{
	if (ipaddr_parse(s, ip) != 0)
		perr(pc, n, "'%s' is not an IPv4 or IPv6 address", s);
}

static void
get_mac(struct pctx *pc, const xmlNode *n, struct macaddr *mac)
{
	const char *s = text(pc, n);

	if (macaddr_parse(s, mac) != 0)
		perr(pc, n, "'%s' is not a MAC address", s);
	else if (mac->b[0] & 0x01)
		perr(pc, n, "'%s' is a multicast MAC address", s);
}

static void
get_prefix(struct pctx *pc, const xmlNode *n, const char *s, struct prefix *p)
{
	if (prefix_parse(s, p, true) != 0) {
		perr(pc, n, "'%s' is not an address/length prefix", s);
		return;
	}
	if (prefix_parse(s, p, false) != 0)
		perr(pc, n, "prefix '%s' has host bits set", s);
}

static void
get_ref(struct pctx *pc, const xmlNode *n, struct schema_ref *ref)
{
	ref->name = text(pc, n);
	ref->line = node_line(n);
}

static size_t
count_children(const xmlNode *n)
{
	return (size_t)xmlChildElementCount((xmlNode *)(uintptr_t)n);
}

#define FOREACH_CHILD(c, n)                                                    \
	for ((c) = xmlFirstElementChild((xmlNode *)(uintptr_t)(n));            \
	     (c) != NULL; (c) = xmlNextElementSibling(c))

/* <route-target-list>: parsed, each unique within the list. */
static uint64_t *
get_rt_list(struct pctx *pc, const xmlNode *n, size_t *count)
{
	uint64_t *rts;
	size_t i, k = 0;
	const char *s;
	xmlNode *c;

	rts = arena_zalloc(
	    &pc->obj->arena, (count_children(n) + 1) * sizeof(*rts));
	FOREACH_CHILD(c, n)
	{
		s = text(pc, c);
		if (rtarget_parse(s, &rts[k]) != 0) {
			perr(pc, c,
			    "route target '%s' does not parse "
			    "(target:<asn>:<number> or target:<ipv4>:<number>, "
			    "numbers in range)",
			    s);
			continue;
		}
		for (i = 0; i < k; i++)
			if (rts[i] == rts[k])
				break;
		if (i < k) {
			perr(pc, c, "route target '%s' is listed twice", s);
			continue;
		}
		k++;
	}
	*count = k;
	return rts;
}

/* <network-policies>: references in order, each once. */
static struct schema_ref *
get_ref_list(struct pctx *pc, const xmlNode *n, size_t *count)
{
	struct schema_ref *refs;
	size_t i, k = 0;
	xmlNode *c;

	refs = arena_zalloc(
	    &pc->obj->arena, (count_children(n) + 1) * sizeof(*refs));
	FOREACH_CHILD(c, n)
	{
		get_ref(pc, c, &refs[k]);
		for (i = 0; i < k; i++)
			if (strcmp(refs[i].name, refs[k].name) == 0)
				break;
		if (i < k) {
			perr(pc, c, "'%s' is listed twice", refs[k].name);
			continue;
		}
		k++;
	}
	*count = k;
	return refs;
}

/* <labels> or <analyzer-selector>: key=value pairs, keys unique. */
static struct schema_label *
get_labels(struct pctx *pc, const xmlNode *n, size_t *count)
{
	struct schema_label *l;
	size_t i, k = 0;
	xmlNode *c;

	l = arena_zalloc(&pc->obj->arena, (count_children(n) + 1) * sizeof(*l));
	FOREACH_CHILD(c, n)
	{
		l[k].key = attr(pc, c, "key");
		l[k].value = attr(pc, c, "value");
		if (l[k].key == NULL || l[k].value == NULL) {
			perr(pc, c, "a label needs key and value");
			continue;
		}
		for (i = 0; i < k; i++)
			if (strcmp(l[i].key, l[k].key) == 0)
				break;
		if (i < k) {
			perr(pc, c, "label key '%s' is given twice", l[k].key);
			continue;
		}
		k++;
	}
	*count = k;
	return l;
}

static void
get_static_nh(struct pctx *pc, const xmlNode *n, struct schema_static_nh *nh)
{
	xmlNode *c;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "vtep-dst-ip-address"))
			get_ip(pc, c, text(pc, c), &nh->vtep_ip);
		else if (name_is(c, "vtep-dst-mac-address")) {
			get_mac(pc, c, &nh->vtep_mac);
			nh->has_vtep_mac = true;
		} else if (name_is(c, "vni"))
			nh->vni = get_u32(pc, c, 1, 16777215);
	}
	if (nh->vtep_ip.af == 0 || nh->vni == 0)
		perr(pc, n, "needs <vtep-dst-ip-address> and <vni>");
}

static enum schema_traffic_dir
get_direction(struct pctx *pc, const xmlNode *n)
{
	return (enum schema_traffic_dir)get_keyword(
	    pc, n, schema__traffic_dirs, SCHEMA_DIR_BOTH);
}

/* Which mode fields a mirror element gave, for defaults and checks. */
struct mode_seen {
	const xmlNode *juniper_header; /* element, or NULL */
	const xmlNode *nic_vlan;
	const xmlNode *static_nh;
};

static void
mode_init(struct schema_mirror_mode *m)
{
	memset(m, 0, sizeof(*m));
	m->juniper_header = true;
	m->udp_port = SCHEMA_DEFAULT_UDP_PORT;
	m->nh_mode = SCHEMA_NH_DYNAMIC;
}

/* Consumes c if it is a mode field; true if it was. */
static bool
mode_field(struct pctx *pc, const xmlNode *c, struct schema_mirror_mode *m,
    struct mode_seen *seen)
{
	if (name_is(c, "juniper-header")) {
		m->juniper_header = get_bool(pc, c);
		seen->juniper_header = c;
	} else if (name_is(c, "udp-port"))
		m->udp_port = (uint16_t)get_u32(pc, c, 1, 65535);
	else if (name_is(c, "nh-mode"))
		m->nh_mode = (enum schema_nh_mode)get_keyword(
		    pc, c, schema__nh_modes, SCHEMA_NH_DYNAMIC);
	else if (name_is(c, "static-nh-header")) {
		get_static_nh(pc, c, &m->static_nh);
		m->has_static_nh = true;
		seen->static_nh = c;
	} else if (name_is(c, "nic-assisted-mirroring"))
		m->nic_assisted = get_bool(pc, c);
	else if (name_is(c, "nic-assisted-mirroring-vlan")) {
		m->nic_assisted_vlan = (uint16_t)get_u32(pc, c, 0, 4094);
		seen->nic_vlan = c;
	} else
		return false;
	return true;
}

/*
 * Mode defaults and combinations.  Static mode sends the original frame
 * over VXLAN, never with the Juniper header (Contrail does not support
 * that combination either), so the header defaults to off there.
 */
static void
mode_finish(struct pctx *pc, const xmlNode *n, struct schema_mirror_mode *m,
    const struct mode_seen *seen)
{
	if (m->nh_mode == SCHEMA_NH_STATIC) {
		if (seen->juniper_header == NULL)
			m->juniper_header = false;
		else if (m->juniper_header)
			perr(pc, seen->juniper_header,
			    "nh-mode static sends the original frame over "
			    "VXLAN: the Juniper header cannot be used with it");
		if (!m->has_static_nh)
			perr(pc, n, "nh-mode static needs <static-nh-header>");
	} else if (m->has_static_nh)
		perr(pc, seen->static_nh,
		    "<static-nh-header> needs "
		    "<nh-mode>static</nh-mode>");
	if (seen->nic_vlan != NULL && !m->nic_assisted)
		perr(pc, seen->nic_vlan,
		    "needs "
		    "<nic-assisted-mirroring>true</nic-assisted-mirroring>");
}

/* MirrorActionType, with the CN2 <mirror-destination> reference. */
static void
get_mirror_to(struct pctx *pc, const xmlNode *n, struct schema_mirror_to *m)
{
	struct mode_seen seen = {0};
	const xmlNode *other = NULL;
	xmlNode *c;

	memset(m, 0, sizeof(*m));
	mode_init(&m->mode);
	m->line = node_line(n);
	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "mirror-destination")) {
			get_ref(pc, c, &m->mirror_destination);
			continue;
		}
		if (name_is(c, "analyzer-name")) {
			m->analyzer_name = text(pc, c);
			continue;
		}
		if (other == NULL)
			other = c;
		if (mode_field(pc, c, &m->mode, &seen))
			continue;
		if (name_is(c, "encapsulation"))
			m->encapsulation = text(pc, c);
		else if (name_is(c, "analyzer-ip-address")) {
			get_ip(pc, c, text(pc, c), &m->analyzer_ip);
			m->has_analyzer_ip = true;
		} else if (name_is(c, "analyzer-mac-address")) {
			get_mac(pc, c, &m->analyzer_mac);
			m->has_analyzer_mac = true;
		} else if (name_is(c, "routing-instance"))
			get_ref(pc, c, &m->routing_instance);
	}
	if (m->mirror_destination.name != NULL) {
		if (other != NULL)
			perr(pc, other,
			    "a mirror-to naming mirror-destination "
			    "'%s' takes analyzer and mode from it; remove <%s>",
			    m->mirror_destination.name, other->name);
		return;
	}
	mode_finish(pc, n, &m->mode, &seen);
	if (m->mode.nh_mode == SCHEMA_NH_STATIC)
		return;
	if (m->mode.juniper_header && !m->has_analyzer_ip)
		perr(pc, n,
		    "dynamic mirroring with the Juniper header needs "
		    "<analyzer-ip-address> (or a <mirror-destination>)");
	if (!m->mode.juniper_header &&
	    (!m->has_analyzer_mac || m->routing_instance.name == NULL))
		perr(pc, n,
		    "dynamic mirroring without the Juniper header "
		    "needs <analyzer-mac-address> and <routing-instance> "
		    "(or a <mirror-destination>)");
}

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

static void
parse_global(struct pctx *pc, const xmlNode *n)
{
	struct schema_global *g = (struct schema_global *)pc->obj;
	const struct schema_global *def = schema__global_default();
	xmlNode *c, *gc;

	g->asn = def->asn;
	g->ibgp_auto_mesh = def->ibgp_auto_mesh;
	g->gr = def->gr;
	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "autonomous-system"))
			g->asn = get_u32(pc, c, 1, UINT32_MAX);
		else if (name_is(c, "ibgp-auto-mesh"))
			g->ibgp_auto_mesh = get_bool(pc, c);
		else if (name_is(c, "graceful-restart-parameters")) {
			FOREACH_CHILD(gc, c)
			{
				if (name_is(gc, "enable"))
					g->gr.enable = get_bool(pc, gc);
				else if (name_is(gc, "restart-time"))
					g->gr.restart_time =
					    (uint16_t)get_u32(pc, gc, 0, 4095);
				else if (name_is(gc, "long-lived-restart-time"))
					g->gr.llgr_time =
					    get_u32(pc, gc, 0, 16777215);
				else if (name_is(gc, "end-of-rib-timeout"))
					g->gr.eor_timeout =
					    (uint16_t)get_u32(pc, gc, 0, 4095);
				else if (name_is(gc, "bgp-helper-enable"))
					g->gr.bgp_helper = get_bool(pc, gc);
				else if (name_is(gc, "xmpp-helper-enable"))
					g->gr.xmpp_helper = get_bool(pc, gc);
			}
		}
	}
}

static uint32_t
get_families(struct pctx *pc, const xmlNode *n)
{
	uint32_t mask = 0, bit;
	xmlNode *c;

	FOREACH_CHILD(c, n)
	{
		bit = (uint32_t)get_keyword(pc, c, schema__families, 0);
		if (mask & bit)
			perr(pc, c, "address family '%s' is listed twice",
			    text(pc, c));
		mask |= bit;
	}
	return mask;
}

static uint16_t
get_hold_time(struct pctx *pc, const xmlNode *n)
{
	uint32_t v = get_u32(pc, n, 0, 65535);

	if (v == 1 || v == 2) {
		perr(pc, n,
		    "hold time %u: must be 0 or at least 3 seconds "
		    "(RFC 4271)",
		    v);
		return SCHEMA_DEFAULT_HOLD_TIME;
	}
	return (uint16_t)v;
}

static uint32_t
get_ipv4_u32(struct pctx *pc, const xmlNode *n)
{
	struct ipaddr ip;
	const char *s = text(pc, n);

	if (ipaddr_parse(s, &ip) != 0 || ip.af != AF_INET) {
		perr(pc, n, "'%s' is not an IPv4 address", s);
		return 0;
	}
	return ntohl(ip.u.v4.s_addr);
}

static void
parse_bgp_router(struct pctx *pc, const xmlNode *n)
{
	struct schema_bgp_router *r = (struct schema_bgp_router *)pc->obj;
	struct schema_bgp_peer *p;
	bool have_address = false;
	xmlNode *c, *pn, *pc2;

	r->router_type = SCHEMA_ROUTER_ROUTER;
	r->port = SCHEMA_DEFAULT_BGP_PORT;
	r->hold_time = SCHEMA_DEFAULT_HOLD_TIME;
	r->families = SCHEMA_AF_DEFAULT;
	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "router-type"))
			r->router_type = (enum schema_router_type)get_keyword(
			    pc, c, schema__router_types, SCHEMA_ROUTER_ROUTER);
		else if (name_is(c, "address")) {
			get_ip(pc, c, text(pc, c), &r->address);
			have_address = true;
		} else if (name_is(c, "identifier"))
			r->identifier = get_ipv4_u32(pc, c);
		else if (name_is(c, "autonomous-system"))
			r->asn = get_u32(pc, c, 1, UINT32_MAX);
		else if (name_is(c, "port"))
			r->port = (uint16_t)get_u32(pc, c, 1, 65535);
		else if (name_is(c, "source-port"))
			r->source_port = (uint16_t)get_u32(pc, c, 0, 65535);
		else if (name_is(c, "hold-time"))
			r->hold_time = get_hold_time(pc, c);
		else if (name_is(c, "address-families"))
			r->families = get_families(pc, c);
		else if (name_is(c, "auth-key"))
			r->auth_key = text(pc, c);
		else if (name_is(c, "cluster-id"))
			r->cluster_id = get_ipv4_u32(pc, c);
		else if (name_is(c, "admin-down"))
			r->admin_down = get_bool(pc, c);
		else if (name_is(c, "peers")) {
			r->peers = arena_zalloc(&pc->obj->arena,
			    (count_children(c) + 1) * sizeof(*r->peers));
			FOREACH_CHILD(pn, c)
			{
				p = &r->peers[r->npeers++];
				p->router.name = attr(pc, pn, "name");
				p->router.line = node_line(pn);
				FOREACH_CHILD(pc2, pn)
				{
					if (name_is(pc2, "passive"))
						p->passive = get_bool(pc, pc2);
					else if (name_is(pc2, "hold-time"))
						p->hold_time =
						    get_hold_time(pc, pc2);
				}
			}
		}
	}
	if (!have_address)
		perr(pc, n, "bgp-router '%s' needs <address>", r->obj.name);
	if (r->identifier == 0 && r->address.af == AF_INET6)
		perr(pc, n,
		    "bgp-router '%s' has an IPv6 address and needs an "
		    "IPv4 <identifier>",
		    r->obj.name);
}

/* First usable host of p, or af 0 when the prefix has no room for one. */
static void
default_gateway(const struct prefix *p, struct ipaddr *gw)
{
	unsigned bits = p->addr.af == AF_INET ? 32 : 128;
	int i;

	memset(gw, 0, sizeof(*gw));
	if (p->len + 1u >= bits)
		return;
	*gw = p->addr;
	/* network + 1, with carry (the host part is at least two bits). */
	for (i = p->addr.af == AF_INET ? 3 : 15; i >= 0; i--)
		if (++gw->u.b[i] != 0)
			break;
}

static void
get_subnets(struct pctx *pc, const xmlNode *n, struct schema_vn *vn)
{
	struct schema_subnet *sn;
	const char *s;
	size_t i;
	xmlNode *c;

	vn->subnets = arena_zalloc(
	    &pc->obj->arena, (count_children(n) + 1) * sizeof(*vn->subnets));
	FOREACH_CHILD(c, n)
	{
		sn = &vn->subnets[vn->nsubnets];
		s = attr(pc, c, "prefix");
		if (s == NULL) {
			perr(pc, c, "a subnet needs prefix");
			continue;
		}
		get_prefix(pc, c, s, &sn->prefix);
		if (sn->prefix.addr.af == 0)
			continue;
		s = attr(pc, c, "gateway");
		if (s == NULL)
			default_gateway(&sn->prefix, &sn->gateway);
		else {
			get_ip(pc, c, s, &sn->gateway);
			if (sn->gateway.af != 0 &&
			    !prefix_contains(&sn->prefix, &sn->gateway))
				perr(pc, c, "gateway %s is outside %s", s,
				    attr(pc, c, "prefix"));
		}
		for (i = 0; i < vn->nsubnets; i++) {
			if (prefix_contains(
				&vn->subnets[i].prefix, &sn->prefix.addr) ||
			    prefix_contains(
				&sn->prefix, &vn->subnets[i].prefix.addr)) {
				perr(pc, c,
				    "subnet %s overlaps another subnet "
				    "of the same virtual-network",
				    attr(pc, c, "prefix"));
				break;
			}
		}
		if (i == vn->nsubnets)
			vn->nsubnets++;
	}
}

static void
parse_vn(struct pctx *pc, const xmlNode *n)
{
	struct schema_vn *vn = (struct schema_vn *)pc->obj;
	xmlNode *c;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "network-id"))
			vn->network_id = get_u32(pc, c, 1, 16777215);
		else if (name_is(c, "vxlan-id"))
			vn->vxlan_id = get_u32(pc, c, 1, 16777215);
		else if (name_is(c, "mirror-destination"))
			vn->mirror_destination = get_bool(pc, c);
		else if (name_is(c, "route-target-list"))
			vn->rt = get_rt_list(pc, c, &vn->nrt);
		else if (name_is(c, "import-route-target-list"))
			vn->import_rt = get_rt_list(pc, c, &vn->nimport_rt);
		else if (name_is(c, "export-route-target-list"))
			vn->export_rt = get_rt_list(pc, c, &vn->nexport_rt);
		else if (name_is(c, "subnets"))
			get_subnets(pc, c, vn);
		else if (name_is(c, "network-policies"))
			vn->policies = get_ref_list(pc, c, &vn->npolicies);
	}
}

static int
get_protocol(struct pctx *pc, const xmlNode *n)
{
	const char *s = text(pc, n);
	unsigned long v;
	int proto;

	if (schema__keyword_value(schema__protocols, s, &proto) == 0)
		return proto;
	if (parse_ulong(s, 255, &v) != 0) {
		perr(pc, n,
		    "'%s' is not a protocol (any, tcp, udp, icmp, "
		    "icmp6, sctp or 0..255)",
		    s);
		return SCHEMA_PROTO_ANY;
	}
	return (int)v;
}

/* "any", "80" or "8000-8080". */
static void
get_ports(struct pctx *pc, const xmlNode *n, struct schema_port_range *r)
{
	const char *s = text(pc, n), *dash;
	unsigned long lo, hi;
	char first[8];

	r->start = 0;
	r->end = 65535;
	if (strcmp(s, "any") == 0)
		return;
	dash = strchr(s, '-');
	if (dash == NULL) {
		if (parse_ulong(s, 65535, &lo) != 0)
			goto bad;
		hi = lo;
	} else {
		if ((size_t)(dash - s) >= sizeof(first))
			goto bad;
		memcpy(first, s, (size_t)(dash - s));
		first[dash - s] = '\0';
		if (parse_ulong(first, 65535, &lo) != 0 ||
		    parse_ulong(dash + 1, 65535, &hi) != 0 || lo > hi)
			goto bad;
	}
	r->start = (uint16_t)lo;
	r->end = (uint16_t)hi;
	return;
bad:
	perr(pc, n,
	    "'%s' is not a port range (any, N or N-M with "
	    "N <= M <= 65535)",
	    s);
}

static struct schema_addr *
get_addresses(struct pctx *pc, const xmlNode *n, size_t *count)
{
	struct schema_addr *a;
	size_t k = 0;
	const char *s;
	xmlNode *c, *v;

	a = arena_zalloc(&pc->obj->arena, (count_children(n) + 1) * sizeof(*a));
	FOREACH_CHILD(c, n)
	{
		v = xmlFirstElementChild(c);
		if (v == NULL) {
			perr(pc, c,
			    "an address needs <virtual-network> or "
			    "<subnet>");
			continue;
		}
		if (name_is(v, "subnet")) {
			a[k].kind = SCHEMA_ADDR_SUBNET;
			get_prefix(pc, v, text(pc, v), &a[k].subnet);
		} else {
			s = text(pc, v);
			if (strcmp(s, "any") == 0)
				a[k].kind = SCHEMA_ADDR_ANY;
			else if (strcmp(s, "local") == 0)
				a[k].kind = SCHEMA_ADDR_LOCAL;
			else {
				a[k].kind = SCHEMA_ADDR_VN;
				get_ref(pc, v, &a[k].vn);
			}
		}
		k++;
	}
	*count = k;
	return a;
}

static void
get_actions(struct pctx *pc, const xmlNode *n, struct schema_rule *r)
{
	xmlNode *c;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "simple-action"))
			r->pass = get_keyword(pc, c, schema__simple_actions, 0);
		else if (name_is(c, "log"))
			r->log = get_bool(pc, c);
		else if (name_is(c, "mirror-to")) {
			get_mirror_to(pc, c, &r->mirror);
			r->has_mirror = true;
		}
	}
}

static void
get_rule(struct pctx *pc, const xmlNode *n, struct schema_rule *r)
{
	xmlNode *c;

	r->name = attr(pc, n, "name");
	r->bidirectional = true;
	r->protocol = SCHEMA_PROTO_ANY;
	r->sport.end = r->dport.end = 65535;
	r->line = node_line(n);
	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "direction"))
			r->bidirectional =
			    get_keyword(pc, c, schema__rule_dirs, 1);
		else if (name_is(c, "protocol"))
			r->protocol = get_protocol(pc, c);
		else if (name_is(c, "ethertype"))
			r->ipv6 = get_keyword(pc, c, schema__ethertypes, 0);
		else if (name_is(c, "src-addresses"))
			r->src = get_addresses(pc, c, &r->nsrc);
		else if (name_is(c, "dst-addresses"))
			r->dst = get_addresses(pc, c, &r->ndst);
		else if (name_is(c, "src-ports"))
			get_ports(pc, c, &r->sport);
		else if (name_is(c, "dst-ports"))
			get_ports(pc, c, &r->dport);
		else if (name_is(c, "action-list"))
			get_actions(pc, c, r);
	}
}

static void
parse_policy(struct pctx *pc, const xmlNode *n)
{
	struct schema_policy *p = (struct schema_policy *)pc->obj;
	xmlNode *c, *rn;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "mirror-to")) {
			get_mirror_to(pc, c, &p->mirror);
			p->has_mirror = true;
		} else if (name_is(c, "rules")) {
			p->rules = arena_zalloc(&pc->obj->arena,
			    (count_children(c) + 1) * sizeof(*p->rules));
			FOREACH_CHILD(rn, c)
			get_rule(pc, rn, &p->rules[p->nrules++]);
		}
	}
}

static void
parse_vrouter(struct pctx *pc, const xmlNode *n)
{
	struct schema_vrouter *vr = (struct schema_vrouter *)pc->obj;
	bool seen = false;
	xmlNode *c;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "ip-address")) {
			get_ip(pc, c, text(pc, c), &vr->ip);
			seen = true;
		}
	}
	if (!seen)
		perr(pc, n, "virtual-router '%s' needs <ip-address>",
		    vr->obj.name);
}

/*
 * A stable locally administered unicast MAC for an interface configured
 * without one: 02 followed by five bytes of FNV-1a of its name, so the
 * same name always gets the same MAC.
 */
static void
derive_mac(const char *name, struct macaddr *mac)
{
	uint64_t h = 0xcbf29ce484222325ull;
	int i;

	for (; *name != '\0'; name++) {
		h ^= (uint8_t)*name;
		h *= 0x100000001b3ull;
	}
	mac->b[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac->b[i] = (uint8_t)(h >> (8 * (i - 1)));
}

static void
parse_vmi(struct pctx *pc, const xmlNode *n)
{
	struct schema_vmi *vmi = (struct schema_vmi *)pc->obj;
	bool have_mac = false;
	size_t i;
	xmlNode *c, *ic;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "virtual-network"))
			get_ref(pc, c, &vmi->vn);
		else if (name_is(c, "virtual-router"))
			get_ref(pc, c, &vmi->vrouter);
		else if (name_is(c, "mac-address")) {
			get_mac(pc, c, &vmi->mac);
			vmi->mac_line = node_line(c);
			have_mac = true;
		} else if (name_is(c, "ip-addresses")) {
			vmi->ips = arena_zalloc(&pc->obj->arena,
			    (count_children(c) + 1) * sizeof(*vmi->ips));
			FOREACH_CHILD(ic, c)
			{
				get_ip(pc, ic, text(pc, ic),
				    &vmi->ips[vmi->nips].addr);
				vmi->ips[vmi->nips].line = node_line(ic);
				for (i = 0; i < vmi->nips; i++)
					if (ipaddr_cmp(&vmi->ips[i].addr,
						&vmi->ips[vmi->nips].addr) == 0)
						break;
				if (i < vmi->nips)
					perr(pc, ic, "'%s' is listed twice",
					    text(pc, ic));
				else
					vmi->nips++;
			}
		} else if (name_is(c, "tap-name"))
			vmi->tap_name = text(pc, c);
		else if (name_is(c, "labels"))
			vmi->labels = get_labels(pc, c, &vmi->nlabels);
		else if (name_is(c, "network-policies"))
			vmi->policies = get_ref_list(pc, c, &vmi->npolicies);
		else if (name_is(c, "interface-mirror")) {
			vmi->has_mirror = true;
			FOREACH_CHILD(ic, c)
			{
				if (name_is(ic, "traffic-direction"))
					vmi->mirror_dir = get_direction(pc, ic);
				else if (name_is(ic, "mirror-to"))
					get_mirror_to(pc, ic, &vmi->mirror);
			}
		}
	}
	if (!have_mac)
		derive_mac(vmi->obj.name, &vmi->mac);
	if (vmi->vn.name == NULL)
		perr(pc, n,
		    "virtual-machine-interface '%s' needs "
		    "<virtual-network>",
		    vmi->obj.name);
}

static void
parse_mirror_dest(struct pctx *pc, const xmlNode *n)
{
	struct schema_mirror_dest *md = (struct schema_mirror_dest *)pc->obj;
	struct mode_seen seen = {0};
	const xmlNode *how = NULL, *ri = NULL;
	xmlNode *c;

	mode_init(&md->mode);
	md->direction = SCHEMA_DIR_BOTH;
	FOREACH_CHILD(c, n)
	{
		if (mode_field(pc, c, &md->mode, &seen))
			continue;
		if (name_is(c, "analyzer-selector") ||
		    name_is(c, "analyzer-interface") ||
		    name_is(c, "external-analyzer-ip")) {
			if (how != NULL) {
				perr(pc, c,
				    "give one of <analyzer-selector>, "
				    "<analyzer-interface> or "
				    "<external-analyzer-ip>, not both <%s> "
				    "and <%s>",
				    how->name, c->name);
				continue;
			}
			how = c;
		}
		if (name_is(c, "analyzer-selector")) {
			md->kind = SCHEMA_ANALYZER_SELECTOR;
			md->selector = get_labels(pc, c, &md->nselector);
		} else if (name_is(c, "analyzer-interface")) {
			md->kind = SCHEMA_ANALYZER_INTERFACE;
			get_ref(pc, c, &md->analyzer_interface);
		} else if (name_is(c, "external-analyzer-ip")) {
			md->kind = SCHEMA_ANALYZER_EXTERNAL;
			get_ip(pc, c, text(pc, c), &md->external_ip);
		} else if (name_is(c, "routing-instance")) {
			get_ref(pc, c, &md->routing_instance);
			ri = c;
		} else if (name_is(c, "traffic-direction"))
			md->direction = get_direction(pc, c);
	}
	mode_finish(pc, n, &md->mode, &seen);
	if (ri != NULL && md->kind != SCHEMA_ANALYZER_EXTERNAL)
		perr(pc, ri,
		    "routing-instance applies to an "
		    "<external-analyzer-ip> only");
	if (md->mode.nh_mode == SCHEMA_NH_STATIC)
		return;
	if (md->kind == SCHEMA_ANALYZER_NONE)
		perr(pc, n,
		    "dynamic mirroring needs an analyzer: "
		    "<analyzer-selector>, <analyzer-interface> or "
		    "<external-analyzer-ip>");
	else if (md->kind == SCHEMA_ANALYZER_EXTERNAL &&
	    !md->mode.juniper_header)
		perr(pc, how,
		    "an external analyzer is reached by IP: it needs "
		    "the Juniper header (its MAC is not known)");
}

static void
parse_tap_service(struct pctx *pc, const xmlNode *n)
{
	struct schema_tap_service *ts = (struct schema_tap_service *)pc->obj;
	const xmlNode *macn = NULL;
	xmlNode *c;

	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "type"))
			ts->type = (enum schema_tap_type)get_keyword(
			    pc, c, schema__tap_types, SCHEMA_TAP_GUEST);
		else if (name_is(c, "target"))
			get_ref(pc, c, &ts->target);
		else if (name_is(c, "mac-address")) {
			get_mac(pc, c, &ts->mac);
			ts->has_mac = true;
			macn = c;
		} else if (name_is(c, "enabled"))
			ts->enabled = get_bool(pc, c);
	}
	if (ts->type == SCHEMA_TAP_HOST && !ts->has_mac)
		perr(pc, n,
		    "a host tap-service needs <mac-address> of the "
		    "host NIC that receives the copies");
	if (ts->type == SCHEMA_TAP_GUEST && macn != NULL)
		perr(pc, macn,
		    "a guest tap-service receives on its target "
		    "interface; <mac-address> is for type host");
}

static void
parse_tap_flow(struct pctx *pc, const xmlNode *n)
{
	struct schema_tap_flow *tf = (struct schema_tap_flow *)pc->obj;
	const xmlNode *vnic_only = NULL, *vswitch_only = NULL;
	xmlNode *c;

	tf->direction = SCHEMA_FLOW_BOTH;
	tf->enabled = true;
	FOREACH_CHILD(c, n)
	{
		if (name_is(c, "tap-service"))
			get_ref(pc, c, &tf->tap_service);
		else if (name_is(c, "type"))
			tf->type = (enum schema_flow_type)get_keyword(
			    pc, c, schema__flow_types, SCHEMA_FLOW_VNIC);
		else if (name_is(c, "interface")) {
			get_ref(pc, c, &tf->interface);
			vnic_only = c;
		} else if (name_is(c, "virtual-router")) {
			get_ref(pc, c, &tf->vrouter);
			vswitch_only = c;
		} else if (name_is(c, "virtual-network")) {
			get_ref(pc, c, &tf->vn);
			vswitch_only = c;
		} else if (name_is(c, "vlan-id")) {
			tf->vlan_id = (uint16_t)get_u32(pc, c, 1, 4095);
			vswitch_only = c;
		} else if (name_is(c, "direction"))
			tf->direction = (enum schema_flow_dir)get_keyword(
			    pc, c, schema__flow_dirs, SCHEMA_FLOW_BOTH);
		else if (name_is(c, "enabled"))
			tf->enabled = get_bool(pc, c);
	}
	if (tf->type == SCHEMA_FLOW_VNIC) {
		if (tf->interface.name == NULL)
			perr(pc, n, "a vnic tap-flow needs <interface>");
		if (vswitch_only != NULL)
			perr(pc, vswitch_only,
			    "<%s> is for vswitch tap-flows; "
			    "a vnic tap-flow taps one <interface>",
			    vswitch_only->name);
	} else {
		if (tf->vrouter.name == NULL || tf->vn.name == NULL)
			perr(pc, n,
			    "a vswitch tap-flow needs <virtual-router> "
			    "and <virtual-network>");
		if (vnic_only != NULL)
			perr(pc, vnic_only,
			    "<interface> is for vnic "
			    "tap-flows; a vswitch tap-flow taps a "
			    "virtual-network on a virtual-router");
	}
}

typedef void (*parse_obj_cb)(struct pctx *, const xmlNode *);

static const parse_obj_cb parsers[SCHEMA_TYPE_MAX] = {
    [SCHEMA_GLOBAL_SYSTEM_CONFIG] = parse_global,
    [SCHEMA_BGP_ROUTER] = parse_bgp_router,
    [SCHEMA_VIRTUAL_NETWORK] = parse_vn,
    [SCHEMA_NETWORK_POLICY] = parse_policy,
    [SCHEMA_VIRTUAL_ROUTER] = parse_vrouter,
    [SCHEMA_VIRTUAL_MACHINE_INTERFACE] = parse_vmi,
    [SCHEMA_MIRROR_DESTINATION] = parse_mirror_dest,
    [SCHEMA_TAP_SERVICE] = parse_tap_service,
    [SCHEMA_TAP_FLOW] = parse_tap_flow,
};

static int
parse_object(struct pctx *pc, const xmlNode *n, struct schema_objv *ov)
{
	enum schema_type type;
	const char *name;

	if (schema_type_parse((const char *)n->name, &type) != 0) {
		perr(pc, n, "unknown object <%s>", n->name);
		return -EINVAL;
	}
	pc->obj = schema__obj_new(type, pc->source, node_line(n));
	name = attr(pc, n, "name");
	if (name == NULL && type == SCHEMA_GLOBAL_SYSTEM_CONFIG)
		name = arena_strdup(&pc->obj->arena, SCHEMA_GLOBAL_NAME);
	if (name == NULL || *name == '\0') {
		perr(pc, n, "<%s> needs a name attribute", n->name);
		schema__obj_unref(pc->obj);
		pc->obj = NULL;
		return -EINVAL;
	}
	pc->obj->name = name;
	parsers[type](pc, n);
	schema__objv_push(ov, pc->obj);
	pc->obj = NULL;
	return 0;
}

int
schema__parse_doc(xmlDoc *doc, const char *source, struct schema_objv *ov,
    struct schema_errs *errs)
{
	struct pctx pc = {.source = source, .errs = errs};
	const xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *c;

	if (root == NULL) {
		schema_errs_add(errs, source, 0, "", "empty document");
		return -EINVAL;
	}
	if (name_is(root, "config")) {
		FOREACH_CHILD(c, root)
		parse_object(&pc, c, ov);
	} else
		parse_object(&pc, root, ov);
	return pc.failed ? -EINVAL : 0;
}
