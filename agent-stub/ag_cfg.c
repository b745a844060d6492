/*
 * ag_cfg.c - the agent's config model (ag_cfg.h): a pure codec from the
 * config channel's object elements (as control-node/cn_xmpp_cfg.c writes
 * them) to plain structs, and the model that applies config IQs.
 *
 * Every field is checked and bounded; a bad object is logged and left
 * out, the model keeps what it had, and the session goes on (STYLE.md:
 * bad input changes nothing).  Objects are kept per type in arrays
 * sorted by name, each with the hash of the element's text so that an
 * object sent again unchanged is no change.  Loop thread only.
 */
#include "agent-stub/ag_cfg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmpp/xmpp.h"

#define OBJ_TEXT_MAX (1u << 20) /* bytes of one printed object (hash) */

static const char *const type_names[AG_TYPE_MAX] = {
    [AG_GLOBAL] = "global-system-config",
    [AG_VROUTER] = "virtual-router",
    [AG_VN] = "virtual-network",
    [AG_RI] = "routing-instance",
    [AG_VMI] = "virtual-machine-interface",
    [AG_POLICY] = "network-policy",
    [AG_MIRROR_DEST] = "mirror-destination",
    [AG_MIRROR_RES] = "mirror-resolution",
    [AG_TAP_SERVICE] = "tap-service",
    [AG_TAP_FLOW] = "tap-flow",
};

static const char *const mres_names[AG_MRES_KIND_MAX] = {
    [AG_MRES_DESTINATION] = "mirror-destination",
    [AG_MRES_INTERFACE] = "interface-mirror",
    [AG_MRES_POLICY] = "policy",
    [AG_MRES_RULE] = "policy-rule",
    [AG_MRES_TAP_SERVICE] = "tap-service",
};

const char *
ag_type_name(enum ag_type t)
{
	return (unsigned)t < AG_TYPE_MAX ? type_names[t] : "?";
}

const char *
ag_mres_kind_name(enum ag_mres_kind kind)
{
	return (unsigned)kind < AG_MRES_KIND_MAX ? mres_names[kind] : "?";
}

/*
 * The codec.  Helpers return 0 or -1 with p->err filled; absent optional
 * fields leave the output as it was (zero, NULL or the default set by
 * the caller first).
 */
struct pctx {
	char *err;
	size_t errlen;
};

static int PRINTFLIKE(2, 3) bad(struct pctx *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The text of child name (NULL when absent), checked for length. */
static int
child_text(struct pctx *p, const struct xmpp_node *el, const char *name,
    size_t max, const char **out)
{
	const struct xmpp_node *c = xmpp_node_child(el, name);

	*out = NULL;
	if (c == NULL)
		return 0;
	if (c->text_len > max || strlen(c->text) != c->text_len)
		return bad(p, "%s: too long or not text", name);
	*out = c->text;
	return 0;
}

static int
check_str(
    struct pctx *p, const char *what, const char *s, size_t max, bool empty_ok)
{
	size_t n = strlen(s);

	if (n > max)
		return bad(p, "%s: longer than %zu bytes", what, max);
	if (n == 0 && !empty_ok)
		return bad(p, "%s: empty", what);
	return 0;
}

/* An optional string child into a heap copy. */
static int
get_str(struct pctx *p, const struct xmpp_node *el, const char *name,
    size_t max, char **out)
{
	const char *t;

	if (child_text(p, el, name, max, &t) == -1)
		return -1;
	if (t == NULL)
		return 0;
	if (check_str(p, name, t, max, false) == -1)
		return -1;
	free(*out);
	*out = xstrdup(t);
	return 0;
}

static int
req_str(struct pctx *p, const struct xmpp_node *el, const char *name,
    size_t max, char **out)
{
	if (get_str(p, el, name, max, out) == -1)
		return -1;
	if (*out == NULL)
		return bad(p, "%s: missing", name);
	return 0;
}

static int
parse_u32(struct pctx *p, const char *what, const char *s, uint32_t min,
    uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return bad(p, "%s: '%.32s' is not a number", what, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return bad(p, "%s: '%.32s' not in %" PRIu32 "-%" PRIu32, what,
		    s, min, max);
	*out = (uint32_t)v;
	return 0;
}

static int
get_u32(struct pctx *p, const struct xmpp_node *el, const char *name,
    uint32_t min, uint32_t max, uint32_t *out)
{
	const char *t;

	if (child_text(p, el, name, 32, &t) == -1)
		return -1;
	return t == NULL ? 0 : parse_u32(p, name, t, min, max, out);
}

static int
parse_bool(struct pctx *p, const char *what, const char *s, bool *out)
{
	if (strcmp(s, "true") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0)
		*out = false;
	else
		return bad(p, "%s: '%.32s' is not a boolean", what, s);
	return 0;
}

static int
get_bool(
    struct pctx *p, const struct xmpp_node *el, const char *name, bool *out)
{
	const char *t;

	if (child_text(p, el, name, 8, &t) == -1)
		return -1;
	return t == NULL ? 0 : parse_bool(p, name, t, out);
}

static int
get_ip(struct pctx *p, const struct xmpp_node *el, const char *name,
    struct ipaddr *out, bool *has)
{
	const char *t;

	if (child_text(p, el, name, IPADDR_STRLEN, &t) == -1)
		return -1;
	if (t == NULL)
		return 0;
	if (ipaddr_parse(t, out) != 0)
		return bad(p, "%s: '%.48s' is not an address", name, t);
	if (has != NULL)
		*has = true;
	return 0;
}

static int
get_mac(struct pctx *p, const struct xmpp_node *el, const char *name,
    struct macaddr *out, bool *has)
{
	const char *t;

	if (child_text(p, el, name, MACADDR_STRLEN, &t) == -1)
		return -1;
	if (t == NULL)
		return 0;
	if (macaddr_parse(t, out) != 0)
		return bad(p, "%s: '%.32s' is not a MAC address", name, t);
	if (has != NULL)
		*has = true;
	return 0;
}

/* A keyword child: its index in names (NULL-terminated). */
static int
get_kw(struct pctx *p, const struct xmpp_node *el, const char *name,
    const char *const *names, int *out)
{
	const char *t;
	int i;

	if (child_text(p, el, name, 32, &t) == -1)
		return -1;
	if (t == NULL)
		return 0;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], t) == 0) {
			*out = i;
			return 0;
		}
	return bad(p, "%s: unknown value '%.32s'", name, t);
}

/* The children named item of list (at most max) as a string array. */
static int
get_refs(struct pctx *p, const struct xmpp_node *el, const char *list,
    const char *item, size_t max, char ***out, size_t *n)
{
	const struct xmpp_node *l = xmpp_node_child(el, list), *c;
	size_t k = 0;

	if (l == NULL)
		return 0;
	for (c = xmpp_node_child(l, item); c != NULL;
	     c = xmpp_node_next_same(c))
		k++;
	if (k > max)
		return bad(p, "%s: more than %zu", list, max);
	if (k == 0)
		return 0;
	*out = xcalloc(k, sizeof(**out));
	for (c = xmpp_node_child(l, item); c != NULL;
	     c = xmpp_node_next_same(c)) {
		if (check_str(p, item, c->text, AG_NAME_MAX, false) == -1)
			return -1;
		(*out)[(*n)++] = xstrdup(c->text);
	}
	return 0;
}

static int
get_labels(struct pctx *p, const struct xmpp_node *el, const char *list,
    struct ag_label **out, size_t *n)
{
	const struct xmpp_node *l = xmpp_node_child(el, list), *c;
	const char *k, *v;
	size_t cnt = 0;

	if (l == NULL)
		return 0;
	for (c = xmpp_node_child(l, "label"); c != NULL;
	     c = xmpp_node_next_same(c))
		cnt++;
	if (cnt > AG_LABELS_MAX)
		return bad(p, "%s: more than %d labels", list, AG_LABELS_MAX);
	if (cnt == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	for (c = xmpp_node_child(l, "label"); c != NULL;
	     c = xmpp_node_next_same(c)) {
		k = xmpp_node_attr(c, "key");
		v = xmpp_node_attr(c, "value");
		if (k == NULL || v == NULL)
			return bad(p, "%s: label without key or value", list);
		if (check_str(p, "label key", k, AG_NAME_MAX, false) == -1 ||
		    check_str(p, "label value", v, AG_NAME_MAX, true) == -1)
			return -1;
		(*out)[*n].key = xstrdup(k);
		(*out)[(*n)++].value = xstrdup(v);
	}
	return 0;
}

static const char *const nh_modes[] = {"dynamic", "static", NULL};
static const char *const dirs[] = {"ingress", "egress", "both", NULL};

static int
parse_mode(struct pctx *p, const struct xmpp_node *el, struct ag_mirror_mode *m,
    bool fields)
{
	const struct xmpp_node *s;
	uint32_t v;
	int kw = m->nh_mode;

	if (!fields)
		return 0;
	m->juniper_header = true;
	if (get_bool(p, el, "juniper-header", &m->juniper_header) == -1)
		return -1;
	v = m->udp_port;
	if (get_u32(p, el, "udp-port", 0, 65535, &v) == -1)
		return -1;
	m->udp_port = (uint16_t)v;
	if (get_kw(p, el, "nh-mode", nh_modes, &kw) == -1)
		return -1;
	m->nh_mode = (enum ag_nh_mode)kw;
	if ((s = xmpp_node_child(el, "static-nh-header")) != NULL) {
		m->has_static_nh = true;
		if (get_ip(p, s, "vtep-dst-ip-address", &m->vtep_ip, NULL) ==
			-1 ||
		    get_mac(p, s, "vtep-dst-mac-address", &m->vtep_mac,
			&m->has_vtep_mac) == -1 ||
		    get_u32(p, s, "vni", 1, AG_VNI_MAX, &m->vni) == -1)
			return -1;
		if (m->vtep_ip.af == 0 || m->vni == 0)
			return bad(p,
			    "static-nh-header: needs "
			    "vtep-dst-ip-address and vni");
	}
	if (get_bool(p, el, "nic-assisted-mirroring", &m->nic_assisted) == -1)
		return -1;
	v = m->nic_assisted_vlan;
	if (get_u32(p, el, "nic-assisted-mirroring-vlan", 0, 4094, &v) == -1)
		return -1;
	m->nic_assisted_vlan = (uint16_t)v;
	return 0;
}

static int
parse_mirror_to(
    struct pctx *p, const struct xmpp_node *el, struct ag_mirror_to *m)
{
	if (get_str(p, el, "mirror-destination", AG_NAME_MAX,
		&m->mirror_destination) == -1 ||
	    get_str(p, el, "analyzer-name", AG_NAME_MAX, &m->analyzer_name) ==
		-1 ||
	    get_str(p, el, "encapsulation", AG_NAME_MAX, &m->encapsulation) ==
		-1 ||
	    get_ip(p, el, "analyzer-ip-address", &m->analyzer_ip,
		&m->has_analyzer_ip) == -1 ||
	    get_mac(p, el, "analyzer-mac-address", &m->analyzer_mac,
		&m->has_analyzer_mac) == -1 ||
	    get_str(p, el, "routing-instance", AG_NAME_MAX,
		&m->routing_instance) == -1)
		return -1;
	return parse_mode(p, el, &m->mode, m->mirror_destination == NULL);
}

static void
mirror_to_free(struct ag_mirror_to *m)
{
	free(m->mirror_destination);
	free(m->analyzer_name);
	free(m->encapsulation);
	free(m->routing_instance);
}

static int
parse_vrouter(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_vrouter *vr = (struct ag_vrouter *)o;

	if (get_ip(p, el, "ip-address", &vr->ip, NULL) == -1)
		return -1;
	if (vr->ip.af == 0)
		return bad(p, "ip-address: missing");
	return 0;
}

static int
parse_vn(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_vn *vn = (struct ag_vn *)o;
	const struct xmpp_node *l, *c;
	const char *pfx, *gw;
	size_t n = 0;

	if (get_u32(p, el, "network-id", 1, AG_VNI_MAX, &vn->network_id) ==
		-1 ||
	    get_u32(p, el, "vxlan-id", 1, AG_VNI_MAX, &vn->vxlan_id) == -1 ||
	    get_bool(p, el, "mirror-destination", &vn->mirror_destination) ==
		-1 ||
	    get_refs(p, el, "network-policies", "network-policy",
		AG_POLICIES_MAX, &vn->policies, &vn->npolicies) == -1)
		return -1;
	if ((l = xmpp_node_child(el, "subnets")) == NULL)
		return 0;
	for (c = xmpp_node_child(l, "subnet"); c != NULL;
	     c = xmpp_node_next_same(c))
		n++;
	if (n > AG_SUBNETS_MAX)
		return bad(p, "subnets: more than %d", AG_SUBNETS_MAX);
	if (n == 0)
		return 0;
	vn->subnets = xcalloc(n, sizeof(*vn->subnets));
	for (c = xmpp_node_child(l, "subnet"); c != NULL;
	     c = xmpp_node_next_same(c)) {
		struct ag_subnet *s = &vn->subnets[vn->nsubnets++];

		pfx = xmpp_node_attr(c, "prefix");
		gw = xmpp_node_attr(c, "gateway");
		if (pfx == NULL || prefix_parse(pfx, &s->prefix, false) != 0)
			return bad(p, "subnet: bad prefix '%.48s'",
			    pfx != NULL ? pfx : "");
		if (gw != NULL) {
			if (ipaddr_parse(gw, &s->gateway) != 0 ||
			    !prefix_contains(&s->prefix, &s->gateway))
				return bad(
				    p, "subnet: bad gateway '%.48s'", gw);
			s->has_gateway = true;
		}
	}
	return 0;
}

static int
parse_ports(struct pctx *p, const struct xmpp_node *el, const char *name,
    struct ag_port_range *r)
{
	char buf[16], *dash;
	uint32_t a, b;
	const char *t;

	r->start = 0;
	r->end = 65535;
	if (child_text(p, el, name, sizeof(buf) - 1, &t) == -1)
		return -1;
	if (t == NULL || strcmp(t, "any") == 0)
		return 0;
	str_lcpy(buf, t, sizeof(buf));
	if ((dash = strchr(buf, '-')) != NULL)
		*dash++ = '\0';
	if (parse_u32(p, name, buf, 0, 65535, &a) == -1)
		return -1;
	b = a;
	if (dash != NULL && parse_u32(p, name, dash, a, 65535, &b) == -1)
		return -1;
	r->start = (uint16_t)a;
	r->end = (uint16_t)b;
	return 0;
}

static int
parse_addrs(struct pctx *p, const struct xmpp_node *el, const char *list,
    struct ag_addr **out, size_t *n)
{
	const struct xmpp_node *l = xmpp_node_child(el, list), *c;
	const char *vn, *sub;
	size_t cnt = 0;

	if (l == NULL)
		return 0;
	for (c = xmpp_node_child(l, "address"); c != NULL;
	     c = xmpp_node_next_same(c))
		cnt++;
	if (cnt > AG_ADDRS_MAX)
		return bad(p, "%s: more than %d", list, AG_ADDRS_MAX);
	if (cnt == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	for (c = xmpp_node_child(l, "address"); c != NULL;
	     c = xmpp_node_next_same(c)) {
		struct ag_addr *a = &(*out)[(*n)++];

		if (child_text(p, c, "virtual-network", AG_NAME_MAX, &vn) ==
			-1 ||
		    child_text(p, c, "subnet", PREFIX_STRLEN, &sub) == -1)
			return -1;
		if (sub != NULL) {
			a->kind = AG_ADDR_SUBNET;
			if (prefix_parse(sub, &a->subnet, false) != 0)
				return bad(
				    p, "%s: bad subnet '%.48s'", list, sub);
		} else if (vn == NULL || strcmp(vn, "any") == 0)
			a->kind = AG_ADDR_ANY;
		else if (strcmp(vn, "local") == 0)
			a->kind = AG_ADDR_LOCAL;
		else {
			if (check_str(p, "virtual-network", vn, AG_NAME_MAX,
				false) == -1)
				return -1;
			a->kind = AG_ADDR_VN;
			a->vn = xstrdup(vn);
		}
	}
	return 0;
}

static const char *const rule_dirs[] = {">", "<>", NULL};
static const char *const ethertypes[] = {"IPv4", "IPv6", NULL};
static const char *const actions[] = {"deny", "pass", NULL};
static const struct {
	const char *name;
	int value;
} protocols[] = {
    {"any", AG_PROTO_ANY},
    {"icmp", 1},
    {"tcp", 6},
    {"udp", 17},
    {"icmp6", 58},
    {"sctp", 132},
};

static int
parse_rule(struct pctx *p, const struct xmpp_node *el, struct ag_rule *r)
{
	const struct xmpp_node *al, *mt;
	const char *t;
	uint32_t v;
	size_t i;
	int kw;

	t = xmpp_node_attr(el, "name");
	if (t != NULL) {
		if (check_str(p, "rule name", t, AG_NAME_MAX, false) == -1)
			return -1;
		r->name = xstrdup(t);
	}
	kw = 1;
	if (get_kw(p, el, "direction", rule_dirs, &kw) == -1)
		return -1;
	r->bidirectional = kw == 1;
	r->protocol = AG_PROTO_ANY;
	if (child_text(p, el, "protocol", 16, &t) == -1)
		return -1;
	if (t != NULL) {
		for (i = 0; i < nitems(protocols); i++)
			if (strcmp(protocols[i].name, t) == 0)
				break;
		if (i < nitems(protocols))
			r->protocol = protocols[i].value;
		else if (parse_u32(p, "protocol", t, 0, 255, &v) == -1)
			return -1;
		else
			r->protocol = (int)v;
	}
	kw = 0;
	if (get_kw(p, el, "ethertype", ethertypes, &kw) == -1)
		return -1;
	r->ipv6 = kw == 1;
	if (parse_addrs(p, el, "src-addresses", &r->src, &r->nsrc) == -1 ||
	    parse_addrs(p, el, "dst-addresses", &r->dst, &r->ndst) == -1 ||
	    parse_ports(p, el, "src-ports", &r->sport) == -1 ||
	    parse_ports(p, el, "dst-ports", &r->dport) == -1)
		return -1;
	if ((al = xmpp_node_child(el, "action-list")) == NULL)
		return bad(p, "rule: no action-list");
	kw = -1;
	if (get_kw(p, al, "simple-action", actions, &kw) == -1)
		return -1;
	if (kw == -1)
		return bad(p, "rule: no simple-action");
	r->pass = kw == 1;
	if ((mt = xmpp_node_child(al, "mirror-to")) != NULL) {
		r->has_mirror = true;
		if (parse_mirror_to(p, mt, &r->mirror) == -1)
			return -1;
	}
	return get_bool(p, al, "log", &r->log);
}

static void
addrs_free(struct ag_addr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(a[i].vn);
	free(a);
}

static int
parse_policy(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_policy *pol = (struct ag_policy *)o;
	const struct xmpp_node *l, *c;
	size_t n = 0;

	if ((c = xmpp_node_child(el, "mirror-to")) != NULL) {
		pol->has_mirror = true;
		if (parse_mirror_to(p, c, &pol->mirror) == -1)
			return -1;
	}
	if ((l = xmpp_node_child(el, "rules")) == NULL)
		return 0;
	for (c = xmpp_node_child(l, "rule"); c != NULL;
	     c = xmpp_node_next_same(c))
		n++;
	if (n > AG_RULES_MAX)
		return bad(p, "rules: more than %d", AG_RULES_MAX);
	if (n == 0)
		return 0;
	pol->rules = xcalloc(n, sizeof(*pol->rules));
	for (c = xmpp_node_child(l, "rule"); c != NULL;
	     c = xmpp_node_next_same(c))
		if (parse_rule(p, c, &pol->rules[pol->nrules++]) == -1)
			return -1;
	return 0;
}

static int
parse_vmi(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_vmi *vmi = (struct ag_vmi *)o;
	const struct xmpp_node *l, *c;
	bool has_mac = false;
	size_t n = 0;
	int kw = AG_DIR_BOTH;

	if (req_str(p, el, "virtual-network", AG_NAME_MAX, &vmi->vn) == -1 ||
	    get_str(p, el, "virtual-router", AG_NAME_MAX, &vmi->vrouter) ==
		-1 ||
	    get_mac(p, el, "mac-address", &vmi->mac, &has_mac) == -1 ||
	    get_str(p, el, "tap-name", AG_TAP_NAME_MAX, &vmi->tap_name) == -1 ||
	    get_labels(p, el, "labels", &vmi->labels, &vmi->nlabels) == -1 ||
	    get_refs(p, el, "network-policies", "network-policy",
		AG_POLICIES_MAX, &vmi->policies, &vmi->npolicies) == -1)
		return -1;
	if (!has_mac)
		return bad(p, "mac-address: missing");
	if (vmi->mac.b[0] & 1)
		return bad(p, "mac-address: not unicast");
	if (vmi->tap_name != NULL && strchr(vmi->tap_name, '/') != NULL)
		return bad(p, "tap-name: '/' in an interface name");
	if ((l = xmpp_node_child(el, "ip-addresses")) != NULL) {
		for (c = xmpp_node_child(l, "ip-address"); c != NULL;
		     c = xmpp_node_next_same(c))
			n++;
		if (n > AG_IPS_MAX)
			return bad(p, "ip-addresses: more than %d", AG_IPS_MAX);
		if (n > 0)
			vmi->ips = xcalloc(n, sizeof(*vmi->ips));
		for (c = xmpp_node_child(l, "ip-address"); c != NULL;
		     c = xmpp_node_next_same(c))
			if (ipaddr_parse(c->text, &vmi->ips[vmi->nips++]) != 0)
				return bad(p,
				    "ip-address: '%.48s' is not an "
				    "address",
				    c->text);
	}
	if ((c = xmpp_node_child(el, "interface-mirror")) != NULL) {
		vmi->has_mirror = true;
		if (get_kw(p, c, "traffic-direction", dirs, &kw) == -1)
			return -1;
		vmi->mirror_dir = (enum ag_dir)kw;
		if ((l = xmpp_node_child(c, "mirror-to")) == NULL)
			return bad(p, "interface-mirror: no mirror-to");
		if (parse_mirror_to(p, l, &vmi->mirror) == -1)
			return -1;
	}
	return 0;
}

static int
parse_mirror_dest(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_mirror_dest *md = (struct ag_mirror_dest *)o;
	bool has_ip = false;
	int kw = AG_DIR_BOTH;

	if (get_labels(p, el, "analyzer-selector", &md->selector,
		&md->nselector) == -1 ||
	    get_str(p, el, "analyzer-interface", AG_NAME_MAX,
		&md->analyzer_interface) == -1 ||
	    get_ip(p, el, "external-analyzer-ip", &md->external_ip, &has_ip) ==
		-1 ||
	    get_str(p, el, "routing-instance", AG_NAME_MAX,
		&md->routing_instance) == -1 ||
	    parse_mode(p, el, &md->mode, true) == -1 ||
	    get_kw(p, el, "traffic-direction", dirs, &kw) == -1)
		return -1;
	md->direction = (enum ag_dir)kw;
	if (md->nselector > 0)
		md->kind = AG_ANALYZER_SELECTOR;
	else if (md->analyzer_interface != NULL)
		md->kind = AG_ANALYZER_INTERFACE;
	else if (has_ip)
		md->kind = AG_ANALYZER_EXTERNAL;
	return 0;
}

static const char *const tap_types[] = {"guest", "host", NULL};
static const char *const flow_types[] = {"vnic", "vswitch", NULL};
static const char *const flow_dirs[] = {"IN", "OUT", "BOTH", NULL};

static int
parse_tap_service(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_tap_service *ts = (struct ag_tap_service *)o;
	int kw = -1;

	if (get_kw(p, el, "type", tap_types, &kw) == -1 ||
	    req_str(p, el, "target", AG_NAME_MAX, &ts->target) == -1 ||
	    get_mac(p, el, "mac-address", &ts->mac, &ts->has_mac) == -1 ||
	    get_bool(p, el, "enabled", &ts->enabled) == -1)
		return -1;
	if (kw == -1)
		return bad(p, "type: missing");
	ts->type = (enum ag_tap_type)kw;
	if (ts->type == AG_TAP_HOST && !ts->has_mac)
		return bad(p, "mac-address: missing (host)");
	return 0;
}

static int
parse_tap_flow(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_tap_flow *tf = (struct ag_tap_flow *)o;
	int kw = -1, dir = AG_FLOW_BOTH;
	uint32_t vlan = 0;

	tf->enabled = true;
	if (req_str(p, el, "tap-service", AG_NAME_MAX, &tf->tap_service) ==
		-1 ||
	    get_kw(p, el, "type", flow_types, &kw) == -1 ||
	    get_str(p, el, "interface", AG_NAME_MAX, &tf->interface) == -1 ||
	    get_str(p, el, "virtual-router", AG_NAME_MAX, &tf->vrouter) == -1 ||
	    get_str(p, el, "virtual-network", AG_NAME_MAX, &tf->vn) == -1 ||
	    get_u32(p, el, "vlan-id", 1, 4095, &vlan) == -1 ||
	    get_kw(p, el, "direction", flow_dirs, &dir) == -1 ||
	    get_bool(p, el, "enabled", &tf->enabled) == -1)
		return -1;
	if (kw == -1)
		return bad(p, "type: missing");
	tf->type = (enum ag_flow_type)kw;
	tf->vlan_id = (uint16_t)vlan;
	tf->direction = (enum ag_flow_dir)dir;
	if (tf->type == AG_FLOW_VNIC && tf->interface == NULL)
		return bad(p, "interface: missing (vnic)");
	if (tf->type == AG_FLOW_VSWITCH &&
	    (tf->vrouter == NULL || tf->vn == NULL))
		return bad(p,
		    "virtual-router and virtual-network: missing "
		    "(vswitch)");
	return 0;
}

/* Attributes of the node's own elements. */
static int
attr_str(struct pctx *p, const struct xmpp_node *el, const char *name,
    size_t max, char **out)
{
	const char *t = xmpp_node_attr(el, name);

	if (t == NULL || t[0] == '\0')
		return 0;
	if (check_str(p, name, t, max, false) == -1)
		return -1;
	*out = xstrdup(t);
	return 0;
}

static int
attr_u32(struct pctx *p, const struct xmpp_node *el, const char *name,
    uint32_t max, uint32_t *out)
{
	const char *t = xmpp_node_attr(el, name);

	return t == NULL ? 0 : parse_u32(p, name, t, 0, max, out);
}

static int
attr_bool(
    struct pctx *p, const struct xmpp_node *el, const char *name, bool *out)
{
	const char *t = xmpp_node_attr(el, name);

	return t == NULL ? 0 : parse_bool(p, name, t, out);
}

static int
parse_ri(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_ri *ri = (struct ag_ri *)o;

	if (attr_str(p, el, "virtual-network", AG_NAME_MAX, &ri->vn) == -1 ||
	    attr_u32(p, el, "index", UINT32_MAX, &ri->index) == -1 ||
	    attr_u32(p, el, "vn-index", AG_VNI_MAX, &ri->vn_index) == -1 ||
	    attr_u32(p, el, "vxlan-id", AG_VNI_MAX, &ri->vxlan_id) == -1 ||
	    attr_bool(p, el, "mirror-destination", &ri->mirror_destination) ==
		-1)
		return -1;
	return 0;
}

static int
parse_mirror_res(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	struct ag_mirror_res *m = (struct ag_mirror_res *)o;
	const char *t;
	uint32_t v;
	int i;

	t = xmpp_node_attr(el, "kind");
	for (i = 0; i < AG_MRES_KIND_MAX; i++)
		if (t != NULL && strcmp(t, mres_names[i]) == 0)
			break;
	if (i == AG_MRES_KIND_MAX)
		return bad(p, "kind: missing or unknown");
	m->kind = (enum ag_mres_kind)i;
	if (attr_str(p, el, "object", AG_NAME_MAX + 16, &m->object) == -1 ||
	    attr_bool(p, el, "resolved", &m->resolved) == -1 ||
	    attr_str(p, el, "reason", AG_TEXT_MAX, &m->reason) == -1 ||
	    attr_str(p, el, "via", AG_NAME_MAX, &m->via) == -1 ||
	    attr_str(p, el, "analyzer", AG_NAME_MAX, &m->analyzer) == -1 ||
	    attr_str(p, el, "routing-instance", AG_NAME_MAX, &m->ri) == -1 ||
	    attr_str(p, el, "virtual-network", AG_NAME_MAX, &m->vn) == -1 ||
	    attr_str(p, el, "vrouter", AG_NAME_MAX, &m->vrouter) == -1 ||
	    attr_bool(p, el, "juniper-header", &m->mode.juniper_header) == -1 ||
	    attr_bool(p, el, "enabled", &m->enabled) == -1)
		return -1;
	if (m->object == NULL)
		return bad(p, "object: missing");
	if ((t = xmpp_node_attr(el, "ip")) != NULL) {
		if (ipaddr_parse(t, &m->ip) != 0)
			return bad(p, "ip: '%.48s' is not an address", t);
		m->has_ip = true;
	}
	if ((t = xmpp_node_attr(el, "mac")) != NULL) {
		if (macaddr_parse(t, &m->mac) != 0)
			return bad(p, "mac: '%.32s' is not a MAC", t);
		m->has_mac = true;
	}
	v = 0;
	if (attr_u32(p, el, "udp-port", 65535, &v) == -1)
		return -1;
	m->mode.udp_port = (uint16_t)v;
	if ((t = xmpp_node_attr(el, "nh-mode")) != NULL) {
		if (strcmp(t, "static") == 0)
			m->mode.nh_mode = AG_NH_STATIC;
		else if (strcmp(t, "dynamic") != 0)
			return bad(p, "nh-mode: '%.32s'", t);
	}
	if ((t = xmpp_node_attr(el, "vtep-ip")) != NULL) {
		if (ipaddr_parse(t, &m->mode.vtep_ip) != 0)
			return bad(p, "vtep-ip: '%.48s' is not an address", t);
		m->mode.has_static_nh = true;
	}
	if ((t = xmpp_node_attr(el, "vtep-mac")) != NULL) {
		if (macaddr_parse(t, &m->mode.vtep_mac) != 0)
			return bad(p, "vtep-mac: '%.32s' is not a MAC", t);
		m->mode.has_vtep_mac = true;
	}
	if (attr_u32(p, el, "vni", AG_VNI_MAX, &m->mode.vni) == -1)
		return -1;
	if (xmpp_node_attr(el, "nic-assisted-vlan") != NULL) {
		v = 0;
		if (attr_u32(p, el, "nic-assisted-vlan", 4094, &v) == -1)
			return -1;
		m->mode.nic_assisted = true;
		m->mode.nic_assisted_vlan = (uint16_t)v;
	}
	return 0;
}

static int
parse_global(struct pctx *p, const struct xmpp_node *el, struct ag_obj *o)
{
	(void)p;
	(void)el;
	(void)o;
	return 0;
}

typedef int (*parse_obj_cb)(
    struct pctx *, const struct xmpp_node *, struct ag_obj *);
static const struct {
	size_t size;
	parse_obj_cb parse;
} obj_types[AG_TYPE_MAX] = {
    [AG_GLOBAL] = {sizeof(struct ag_obj), parse_global},
    [AG_VROUTER] = {sizeof(struct ag_vrouter), parse_vrouter},
    [AG_VN] = {sizeof(struct ag_vn), parse_vn},
    [AG_RI] = {sizeof(struct ag_ri), parse_ri},
    [AG_VMI] = {sizeof(struct ag_vmi), parse_vmi},
    [AG_POLICY] = {sizeof(struct ag_policy), parse_policy},
    [AG_MIRROR_DEST] = {sizeof(struct ag_mirror_dest), parse_mirror_dest},
    [AG_MIRROR_RES] = {sizeof(struct ag_mirror_res), parse_mirror_res},
    [AG_TAP_SERVICE] = {sizeof(struct ag_tap_service), parse_tap_service},
    [AG_TAP_FLOW] = {sizeof(struct ag_tap_flow), parse_tap_flow},
};

static int
type_of(const struct xmpp_node *el)
{
	int t;

	for (t = 0; t < AG_TYPE_MAX; t++)
		if (xmpp_node_is(el, type_names[t]))
			return t;
	return -1;
}

struct ag_obj *
ag_obj_parse(const struct xmpp_node *el, char *err, size_t errlen)
{
	struct pctx p = {err, errlen};
	const char *name;
	struct ag_obj *o;
	int t = type_of(el);

	if (t < 0) {
		snprintf(
		    err, errlen, "unknown object <%.64s>", xmpp_node_local(el));
		return NULL;
	}
	name = xmpp_node_attr(el, "name");
	if (t == AG_GLOBAL)
		name = "";
	else if (name == NULL ||
	    check_str(&p, "name", name, AG_NAME_MAX + 32, false) == -1) {
		snprintf(err, errlen, "%s: no or bad name", type_names[t]);
		return NULL;
	}
	o = xcalloc(1, obj_types[t].size);
	o->type = (enum ag_type)t;
	o->name = xstrdup(name);
	if (obj_types[t].parse(&p, el, o) == -1) {
		ag_obj_free(o);
		return NULL;
	}
	return o;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
labels_free(struct ag_label *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].value);
	}
	free(l);
}

void
ag_obj_free(struct ag_obj *o)
{
	size_t i;

	if (o == NULL)
		return;
	switch (o->type) {
	case AG_VN: {
		struct ag_vn *vn = (struct ag_vn *)o;

		free(vn->subnets);
		strv_free(vn->policies, vn->npolicies);
		break;
	}
	case AG_RI:
		free(((struct ag_ri *)o)->vn);
		break;
	case AG_VMI: {
		struct ag_vmi *v = (struct ag_vmi *)o;

		free(v->vn);
		free(v->vrouter);
		free(v->ips);
		free(v->tap_name);
		labels_free(v->labels, v->nlabels);
		strv_free(v->policies, v->npolicies);
		mirror_to_free(&v->mirror);
		break;
	}
	case AG_POLICY: {
		struct ag_policy *pol = (struct ag_policy *)o;

		mirror_to_free(&pol->mirror);
		for (i = 0; i < pol->nrules; i++) {
			free(pol->rules[i].name);
			addrs_free(pol->rules[i].src, pol->rules[i].nsrc);
			addrs_free(pol->rules[i].dst, pol->rules[i].ndst);
			mirror_to_free(&pol->rules[i].mirror);
		}
		free(pol->rules);
		break;
	}
	case AG_MIRROR_DEST: {
		struct ag_mirror_dest *md = (struct ag_mirror_dest *)o;

		labels_free(md->selector, md->nselector);
		free(md->analyzer_interface);
		free(md->routing_instance);
		break;
	}
	case AG_MIRROR_RES: {
		struct ag_mirror_res *m = (struct ag_mirror_res *)o;

		free(m->object);
		free(m->reason);
		free(m->via);
		free(m->analyzer);
		free(m->ri);
		free(m->vn);
		free(m->vrouter);
		break;
	}
	case AG_TAP_SERVICE:
		free(((struct ag_tap_service *)o)->target);
		break;
	case AG_TAP_FLOW: {
		struct ag_tap_flow *tf = (struct ag_tap_flow *)o;

		free(tf->tap_service);
		free(tf->interface);
		free(tf->vrouter);
		free(tf->vn);
		break;
	}
	case AG_GLOBAL:
	case AG_VROUTER:
	case AG_TYPE_MAX:
		break;
	}
	free(o->name);
	free(o);
}

/*
 * The model.
 */
struct ent {
	struct ag_obj *obj;
	uint64_t hash; /* of the element's text */
	bool stale;    /* not sent again since the resync */
};
struct table {
	struct ent *v;
	size_t n, cap;
};
struct ag_cfg {
	struct table t[AG_TYPE_MAX];
	ag_cfg_change_cb cb;
	void *arg;
	bool synced;
	struct ag_cfg_stats st;
	/* The report of one apply; old objects freed after it. */
	struct ag_cfg_change *ch;
	size_t nch;
	struct ag_obj **dead;
	size_t ndead;
	struct wbuf w; /* scratch to print an object for its hash */
};

struct ag_cfg *
ag_cfg_new(ag_cfg_change_cb cb, void *arg)
{
	struct ag_cfg *cfg = xcalloc(1, sizeof(*cfg));

	cfg->cb = cb;
	cfg->arg = arg;
	cfg->ch = xcalloc(AG_CHANGES_MAX, sizeof(*cfg->ch));
	cfg->dead = xcalloc(AG_CHANGES_MAX, sizeof(*cfg->dead));
	wbuf_init_dyn(&cfg->w, OBJ_TEXT_MAX);
	return cfg;
}

void
ag_cfg_free(struct ag_cfg *cfg)
{
	size_t i, t;

	if (cfg == NULL)
		return;
	for (t = 0; t < AG_TYPE_MAX; t++) {
		for (i = 0; i < cfg->t[t].n; i++)
			ag_obj_free(cfg->t[t].v[i].obj);
		free(cfg->t[t].v);
	}
	free(cfg->ch);
	free(cfg->dead);
	wbuf_fini(&cfg->w);
	free(cfg);
}

/* Index of name in t, or where it would go (*found false). */
static size_t
find(const struct table *t, const char *name, bool *found)
{
	size_t lo = 0, hi = t->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(t->v[mid].obj->name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Reports what was gathered and frees the objects replaced. */
static void
flush(struct ag_cfg *cfg, bool eoc)
{
	size_t i;

	if ((cfg->nch > 0 || eoc) && cfg->cb != NULL)
		cfg->cb(cfg, cfg->ch, cfg->nch, eoc, cfg->arg);
	for (i = 0; i < cfg->ndead; i++)
		ag_obj_free(cfg->dead[i]);
	cfg->nch = cfg->ndead = 0;
}

static void
note(struct ag_cfg *cfg, enum ag_change_op op, struct ag_obj *old,
    const struct ag_obj *cur)
{
	const struct ag_obj *o = cur != NULL ? cur : old;
	struct ag_cfg_change *c;

	if (cfg->nch == AG_CHANGES_MAX)
		flush(cfg, false);
	c = &cfg->ch[cfg->nch++];
	c->type = o->type;
	c->op = op;
	c->name = o->name;
	c->old = old;
	c->cur = cur;
	if (old != NULL)
		cfg->dead[cfg->ndead++] = old;
}

static void
obj_update(struct ag_cfg *cfg, const struct xmpp_node *el)
{
	char err[256];
	struct ag_obj *o;
	struct table *t;
	struct ent *e;
	uint64_t hash;
	size_t i;
	bool found;

	if ((o = ag_obj_parse(el, err, sizeof(err))) == NULL) {
		log_warnx("config: %s '%.64s' ignored: %s", xmpp_node_local(el),
		    xmpp_node_attr(el, "name") != NULL
			? xmpp_node_attr(el, "name")
			: "",
		    err);
		cfg->st.bad++;
		return;
	}
	wbuf_reset(&cfg->w);
	if (xmpp_node_print(el, &cfg->w, false) != 0)
		wbuf_reset(&cfg->w);
	hash = ht_hash(cfg->w.data, cfg->w.len);
	t = &cfg->t[o->type];
	i = find(t, o->name, &found);
	if (found) {
		e = &t->v[i];
		e->stale = false;
		if (e->hash == hash) {
			cfg->st.unchanged++;
			ag_obj_free(o);
			return;
		}
		note(cfg, AG_CHG_MOD, e->obj, o);
		e->obj = o;
		e->hash = hash;
		cfg->st.updates++;
		return;
	}
	if (t->n >= AG_OBJS_MAX) {
		log_warnx("config: %s %s ignored: more than %d objects",
		    ag_type_name(o->type), o->name, AG_OBJS_MAX);
		cfg->st.bad++;
		ag_obj_free(o);
		return;
	}
	if (t->n == t->cap) {
		t->cap = MAX(16, t->cap * 2);
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	t->n++;
	t->v[i].obj = o;
	t->v[i].hash = hash;
	t->v[i].stale = false;
	note(cfg, AG_CHG_ADD, NULL, o);
	cfg->st.updates++;
}

static void
obj_remove(struct ag_cfg *cfg, enum ag_type type, size_t i)
{
	struct table *t = &cfg->t[type];

	note(cfg, AG_CHG_DEL, t->v[i].obj, NULL);
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
}

static void
obj_delete(struct ag_cfg *cfg, const struct xmpp_node *el)
{
	const char *name = xmpp_node_attr(el, "name");
	int type = type_of(el);
	size_t i;
	bool found;

	if (type == AG_GLOBAL)
		name = "";
	if (type < 0 || name == NULL) {
		log_warnx("config: delete of <%.64s> without a known type or "
			  "name ignored",
		    xmpp_node_local(el));
		cfg->st.bad++;
		return;
	}
	i = find(&cfg->t[type], name, &found);
	if (!found)
		return;
	obj_remove(cfg, (enum ag_type)type, i);
	cfg->st.deletes++;
}

/* End-of-config: what was not sent again since the resync goes. */
static void
sweep(struct ag_cfg *cfg)
{
	size_t i;
	int t;

	for (t = 0; t < AG_TYPE_MAX; t++)
		for (i = cfg->t[t].n; i-- > 0;)
			if (cfg->t[t].v[i].stale) {
				obj_remove(cfg, (enum ag_type)t, i);
				cfg->st.swept++;
			}
}

int
ag_cfg_apply(struct ag_cfg *cfg, const struct xmpp_node *iq)
{
	const struct xmpp_node *c, *op, *o;
	bool eoc = false;

	if (!xmpp_node_is(iq, "iq") ||
	    (c = xmpp_node_child(iq, "config")) == NULL)
		return -EINVAL;
	cfg->st.iqs++;
	for (op = c->child; op != NULL; op = op->next) {
		if (xmpp_node_is(op, "update")) {
			for (o = op->child; o != NULL; o = o->next)
				obj_update(cfg, o);
		} else if (xmpp_node_is(op, "delete")) {
			for (o = op->child; o != NULL; o = o->next)
				obj_delete(cfg, o);
		} else if (xmpp_node_is(op, "end-of-config")) {
			if (!cfg->synced) {
				sweep(cfg);
				cfg->synced = eoc = true;
			}
		} else
			log_warnx(
			    "config: <%.64s> ignored", xmpp_node_local(op));
	}
	flush(cfg, eoc);
	return 0;
}

int
ag_cfg_apply_text(struct ag_cfg *cfg, const char *xml, size_t len)
{
	struct xmpp_node *n;
	struct arena a;
	char err[256];
	int rc;

	arena_init(&a, 4096);
	n = xmpp_parse_doc(&a, xml, len, NULL, err, sizeof(err));
	if (n == NULL) {
		log_warnx("config: %s", err);
		rc = -EINVAL;
	} else
		rc = ag_cfg_apply(cfg, n);
	arena_fini(&a);
	return rc;
}

void
ag_cfg_resync(struct ag_cfg *cfg)
{
	size_t i;
	int t;

	for (t = 0; t < AG_TYPE_MAX; t++)
		for (i = 0; i < cfg->t[t].n; i++)
			cfg->t[t].v[i].stale = true;
	cfg->synced = false;
}

bool
ag_cfg_synced(const struct ag_cfg *cfg)
{
	return cfg->synced;
}

const struct ag_cfg_stats *
ag_cfg_stats(const struct ag_cfg *cfg)
{
	return &cfg->st;
}

const struct ag_obj *
ag_cfg_lookup(const struct ag_cfg *cfg, enum ag_type t, const char *name)
{
	bool found;
	size_t i;

	if ((unsigned)t >= AG_TYPE_MAX || name == NULL)
		return NULL;
	i = find(&cfg->t[t], name, &found);
	return found ? cfg->t[t].v[i].obj : NULL;
}

size_t
ag_cfg_count(const struct ag_cfg *cfg, enum ag_type t)
{
	return (unsigned)t < AG_TYPE_MAX ? cfg->t[t].n : 0;
}

const struct ag_obj *
ag_cfg_at(const struct ag_cfg *cfg, enum ag_type t, size_t i)
{
	if ((unsigned)t >= AG_TYPE_MAX || i >= cfg->t[t].n)
		return NULL;
	return cfg->t[t].v[i].obj;
}

const struct ag_vrouter *
ag_cfg_vrouter(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_vrouter *)ag_cfg_lookup(cfg, AG_VROUTER, name);
}

const struct ag_vn *
ag_cfg_vn(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_vn *)ag_cfg_lookup(cfg, AG_VN, name);
}

const struct ag_ri *
ag_cfg_ri(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_ri *)ag_cfg_lookup(cfg, AG_RI, name);
}

const struct ag_vmi *
ag_cfg_vmi(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_vmi *)ag_cfg_lookup(cfg, AG_VMI, name);
}

const struct ag_policy *
ag_cfg_policy(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_policy *)ag_cfg_lookup(cfg, AG_POLICY, name);
}

const struct ag_mirror_dest *
ag_cfg_mirror_dest(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_mirror_dest *)ag_cfg_lookup(
	    cfg, AG_MIRROR_DEST, name);
}

const struct ag_mirror_res *
ag_cfg_mirror_res(
    const struct ag_cfg *cfg, enum ag_mres_kind kind, const char *object)
{
	char name[AG_NAME_MAX + 64];

	snprintf(name, sizeof(name), "%s:%s", ag_mres_kind_name(kind), object);
	return (const struct ag_mirror_res *)ag_cfg_lookup(
	    cfg, AG_MIRROR_RES, name);
}

const struct ag_tap_service *
ag_cfg_tap_service(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_tap_service *)ag_cfg_lookup(
	    cfg, AG_TAP_SERVICE, name);
}

const struct ag_tap_flow *
ag_cfg_tap_flow(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_tap_flow *)ag_cfg_lookup(
	    cfg, AG_TAP_FLOW, name);
}

const struct ag_ri *
ag_cfg_vn_ri(const struct ag_cfg *cfg, const char *vn)
{
	const struct table *t = &cfg->t[AG_RI];
	const struct ag_ri *ri;
	size_t i;

	for (i = 0; i < t->n; i++) {
		ri = (const struct ag_ri *)t->v[i].obj;
		if (ri->vn != NULL && strcmp(ri->vn, vn) == 0)
			return ri;
	}
	return NULL;
}
