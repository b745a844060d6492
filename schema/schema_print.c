/*
 * schema_print.c - canonical XML of objects and generations.
 *
 * The printer writes every field with its effective value, in schema
 * order, objects in type then name order, two spaces per level.  Loading
 * what it writes gives an equal generation, so the same text serves as
 * the golden dump of the loader, the saved running config and the REST
 * representation, and equality of two objects is equality of their text.
 */
#include "schema/schema_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct pw {
	struct wbuf *w; /* output */
	bool full;      /* a write hit the bound */
};

static void
put(struct pw *pw, const char *s)
{
	if (wbuf_put_str(pw->w, s) != 0)
		pw->full = true;
}

static void
indent(struct pw *pw, int depth)
{
	while (depth-- > 0)
		put(pw, "  ");
}

/* s with &, <, >, " and ' escaped (valid in text and attributes). */
static void
put_esc(struct pw *pw, const char *s)
{
	char one[2] = {0, 0};

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			put(pw, "&amp;");
			break;
		case '<':
			put(pw, "&lt;");
			break;
		case '>':
			put(pw, "&gt;");
			break;
		case '"':
			put(pw, "&quot;");
			break;
		case '\'':
			put(pw, "&apos;");
			break;
		default:
			one[0] = *s;
			put(pw, one);
		}
	}
}

/* <name> or <name attr="value"> (attr NULL for none), then a newline. */
static void
open_el(struct pw *pw, int depth, const char *name, const char *attr,
    const char *value, bool empty)
{
	indent(pw, depth);
	put(pw, "<");
	put(pw, name);
	if (attr != NULL && value != NULL) {
		put(pw, " ");
		put(pw, attr);
		put(pw, "=\"");
		put_esc(pw, value);
		put(pw, "\"");
	}
	put(pw, empty ? "/>\n" : ">\n");
}

static void
close_el(struct pw *pw, int depth, const char *name)
{
	indent(pw, depth);
	put(pw, "</");
	put(pw, name);
	put(pw, ">\n");
}

static void
el_str(struct pw *pw, int depth, const char *name, const char *value)
{
	if (value == NULL)
		return;
	indent(pw, depth);
	put(pw, "<");
	put(pw, name);
	put(pw, ">");
	put_esc(pw, value);
	put(pw, "</");
	put(pw, name);
	put(pw, ">\n");
}

static void
el_u32(struct pw *pw, int depth, const char *name, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	el_str(pw, depth, name, buf);
}

static void
el_bool(struct pw *pw, int depth, const char *name, bool v)
{
	el_str(pw, depth, name, v ? "true" : "false");
}

static void
el_ip(struct pw *pw, int depth, const char *name, const struct ipaddr *ip)
{
	char buf[IPADDR_STRLEN];

	el_str(pw, depth, name, ipaddr_print(ip, buf, sizeof(buf)));
}

static void
el_ipv4_u32(struct pw *pw, int depth, const char *name, uint32_t v)
{
	struct ipaddr ip = {.af = AF_INET};

	ip.u.v4.s_addr = htonl(v);
	el_ip(pw, depth, name, &ip);
}

static void
el_mac(struct pw *pw, int depth, const char *name, const struct macaddr *m)
{
	char buf[MACADDR_STRLEN];

	el_str(pw, depth, name, macaddr_print(m, buf, sizeof(buf)));
}

static void
el_kw(struct pw *pw, int depth, const char *name,
    const struct schema_keyword *kw, int value)
{
	el_str(pw, depth, name, schema__keyword_name(kw, value));
}

static void
el_refs(struct pw *pw, int depth, const char *list, const char *item,
    const struct schema_ref *refs, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	open_el(pw, depth, list, NULL, NULL, false);
	for (i = 0; i < n; i++)
		el_str(pw, depth + 1, item, refs[i].name);
	close_el(pw, depth, list);
}

static void
el_rts(
    struct pw *pw, int depth, const char *list, const uint64_t *rts, size_t n)
{
	char buf[RTARGET_STRLEN];
	size_t i;

	if (n == 0)
		return;
	open_el(pw, depth, list, NULL, NULL, false);
	for (i = 0; i < n; i++)
		el_str(pw, depth + 1, "route-target",
		    rtarget_print(rts[i], buf, sizeof(buf)));
	close_el(pw, depth, list);
}

static void
el_labels(struct pw *pw, int depth, const char *list,
    const struct schema_label *l, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	open_el(pw, depth, list, NULL, NULL, false);
	for (i = 0; i < n; i++) {
		indent(pw, depth + 1);
		put(pw, "<label key=\"");
		put_esc(pw, l[i].key);
		put(pw, "\" value=\"");
		put_esc(pw, l[i].value);
		put(pw, "\"/>\n");
	}
	close_el(pw, depth, list);
}

static void
print_mode(struct pw *pw, int d, const struct schema_mirror_mode *m)
{
	el_bool(pw, d, "juniper-header", m->juniper_header);
	el_u32(pw, d, "udp-port", m->udp_port);
	el_kw(pw, d, "nh-mode", schema__nh_modes, m->nh_mode);
	if (m->has_static_nh) {
		open_el(pw, d, "static-nh-header", NULL, NULL, false);
		el_ip(pw, d + 1, "vtep-dst-ip-address", &m->static_nh.vtep_ip);
		if (m->static_nh.has_vtep_mac)
			el_mac(pw, d + 1, "vtep-dst-mac-address",
			    &m->static_nh.vtep_mac);
		el_u32(pw, d + 1, "vni", m->static_nh.vni);
		close_el(pw, d, "static-nh-header");
	}
	el_bool(pw, d, "nic-assisted-mirroring", m->nic_assisted);
	if (m->nic_assisted)
		el_u32(
		    pw, d, "nic-assisted-mirroring-vlan", m->nic_assisted_vlan);
}

static void
print_mirror_to(struct pw *pw, int d, const struct schema_mirror_to *m)
{
	open_el(pw, d, "mirror-to", NULL, NULL, false);
	el_str(pw, d + 1, "mirror-destination", m->mirror_destination.name);
	el_str(pw, d + 1, "analyzer-name", m->analyzer_name);
	if (m->mirror_destination.name == NULL) {
		el_str(pw, d + 1, "encapsulation", m->encapsulation);
		if (m->has_analyzer_ip)
			el_ip(
			    pw, d + 1, "analyzer-ip-address", &m->analyzer_ip);
		if (m->has_analyzer_mac)
			el_mac(pw, d + 1, "analyzer-mac-address",
			    &m->analyzer_mac);
		el_str(pw, d + 1, "routing-instance", m->routing_instance.name);
		print_mode(pw, d + 1, &m->mode);
	}
	close_el(pw, d, "mirror-to");
}

static void
print_global(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_global *g = (const struct schema_global *)obj;

	el_u32(pw, d, "autonomous-system", g->asn);
	el_bool(pw, d, "ibgp-auto-mesh", g->ibgp_auto_mesh);
	open_el(pw, d, "graceful-restart-parameters", NULL, NULL, false);
	el_bool(pw, d + 1, "enable", g->gr.enable);
	el_u32(pw, d + 1, "restart-time", g->gr.restart_time);
	el_u32(pw, d + 1, "long-lived-restart-time", g->gr.llgr_time);
	el_u32(pw, d + 1, "end-of-rib-timeout", g->gr.eor_timeout);
	el_bool(pw, d + 1, "bgp-helper-enable", g->gr.bgp_helper);
	el_bool(pw, d + 1, "xmpp-helper-enable", g->gr.xmpp_helper);
	close_el(pw, d, "graceful-restart-parameters");
}

static void
print_bgp_router(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_bgp_router *r =
	    (const struct schema_bgp_router *)obj;
	const struct schema_bgp_peer *p;
	const struct schema_keyword *kw;
	size_t i;

	el_kw(pw, d, "router-type", schema__router_types, r->router_type);
	el_ip(pw, d, "address", &r->address);
	if (r->identifier != 0)
		el_ipv4_u32(pw, d, "identifier", r->identifier);
	if (r->asn != 0)
		el_u32(pw, d, "autonomous-system", r->asn);
	el_u32(pw, d, "port", r->port);
	if (r->source_port != 0)
		el_u32(pw, d, "source-port", r->source_port);
	el_u32(pw, d, "hold-time", r->hold_time);
	open_el(pw, d, "address-families", NULL, NULL, false);
	for (kw = schema__families; kw->name != NULL; kw++)
		if (r->families & (uint32_t)kw->value)
			el_str(pw, d + 1, "family", kw->name);
	close_el(pw, d, "address-families");
	el_str(pw, d, "auth-key", r->auth_key);
	if (r->cluster_id != 0)
		el_ipv4_u32(pw, d, "cluster-id", r->cluster_id);
	el_bool(pw, d, "admin-down", r->admin_down);
	if (r->npeers == 0)
		return;
	open_el(pw, d, "peers", NULL, NULL, false);
	for (i = 0; i < r->npeers; i++) {
		p = &r->peers[i];
		if (!p->passive && p->hold_time == 0) {
			open_el(
			    pw, d + 1, "peer", "name", p->router.name, true);
			continue;
		}
		open_el(pw, d + 1, "peer", "name", p->router.name, false);
		if (p->passive)
			el_bool(pw, d + 2, "passive", true);
		if (p->hold_time != 0)
			el_u32(pw, d + 2, "hold-time", p->hold_time);
		close_el(pw, d + 1, "peer");
	}
	close_el(pw, d, "peers");
}

static void
print_vn(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_vn *vn = (const struct schema_vn *)obj;
	char pbuf[PREFIX_STRLEN], gbuf[IPADDR_STRLEN];
	size_t i;

	el_u32(pw, d, "network-id", vn->network_id);
	if (vn->vxlan_id != 0)
		el_u32(pw, d, "vxlan-id", vn->vxlan_id);
	el_bool(pw, d, "mirror-destination", vn->mirror_destination);
	el_rts(pw, d, "route-target-list", vn->rt, vn->nrt);
	el_rts(
	    pw, d, "import-route-target-list", vn->import_rt, vn->nimport_rt);
	el_rts(
	    pw, d, "export-route-target-list", vn->export_rt, vn->nexport_rt);
	if (vn->nsubnets > 0) {
		open_el(pw, d, "subnets", NULL, NULL, false);
		for (i = 0; i < vn->nsubnets; i++) {
			indent(pw, d + 1);
			put(pw, "<subnet prefix=\"");
			put(pw,
			    prefix_print(
				&vn->subnets[i].prefix, pbuf, sizeof(pbuf)));
			if (vn->subnets[i].gateway.af != 0) {
				put(pw, "\" gateway=\"");
				put(pw,
				    ipaddr_print(&vn->subnets[i].gateway, gbuf,
					sizeof(gbuf)));
			}
			put(pw, "\"/>\n");
		}
		close_el(pw, d, "subnets");
	}
	el_refs(pw, d, "network-policies", "network-policy", vn->policies,
	    vn->npolicies);
}

static void
print_addrs(struct pw *pw, int d, const char *list, const struct schema_addr *a,
    size_t n)
{
	char buf[PREFIX_STRLEN];
	size_t i;

	if (n == 0)
		return;
	open_el(pw, d, list, NULL, NULL, false);
	for (i = 0; i < n; i++) {
		open_el(pw, d + 1, "address", NULL, NULL, false);
		switch (a[i].kind) {
		case SCHEMA_ADDR_ANY:
			el_str(pw, d + 2, "virtual-network", "any");
			break;
		case SCHEMA_ADDR_LOCAL:
			el_str(pw, d + 2, "virtual-network", "local");
			break;
		case SCHEMA_ADDR_VN:
			el_str(pw, d + 2, "virtual-network", a[i].vn.name);
			break;
		case SCHEMA_ADDR_SUBNET:
			el_str(pw, d + 2, "subnet",
			    prefix_print(&a[i].subnet, buf, sizeof(buf)));
			break;
		}
		close_el(pw, d + 1, "address");
	}
	close_el(pw, d, list);
}

static void
el_ports(
    struct pw *pw, int d, const char *name, const struct schema_port_range *r)
{
	char buf[16];

	if (r->start == 0 && r->end == 65535)
		return;
	if (r->start == r->end)
		snprintf(buf, sizeof(buf), "%u", r->start);
	else
		snprintf(buf, sizeof(buf), "%u-%u", r->start, r->end);
	el_str(pw, d, name, buf);
}

static void
print_rule(struct pw *pw, int d, const struct schema_rule *r)
{
	const char *proto;

	open_el(pw, d, "rule", "name", r->name, false);
	el_kw(pw, d + 1, "direction", schema__rule_dirs, r->bidirectional);
	proto = schema__keyword_name(schema__protocols, r->protocol);
	if (proto != NULL)
		el_str(pw, d + 1, "protocol", proto);
	else
		el_u32(pw, d + 1, "protocol", (uint32_t)r->protocol);
	el_kw(pw, d + 1, "ethertype", schema__ethertypes, r->ipv6);
	print_addrs(pw, d + 1, "src-addresses", r->src, r->nsrc);
	el_ports(pw, d + 1, "src-ports", &r->sport);
	print_addrs(pw, d + 1, "dst-addresses", r->dst, r->ndst);
	el_ports(pw, d + 1, "dst-ports", &r->dport);
	open_el(pw, d + 1, "action-list", NULL, NULL, false);
	el_kw(pw, d + 2, "simple-action", schema__simple_actions, r->pass);
	if (r->has_mirror)
		print_mirror_to(pw, d + 2, &r->mirror);
	el_bool(pw, d + 2, "log", r->log);
	close_el(pw, d + 1, "action-list");
	close_el(pw, d, "rule");
}

static void
print_policy(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_policy *p = (const struct schema_policy *)obj;
	size_t i;

	if (p->has_mirror)
		print_mirror_to(pw, d, &p->mirror);
	if (p->nrules == 0)
		return;
	open_el(pw, d, "rules", NULL, NULL, false);
	for (i = 0; i < p->nrules; i++)
		print_rule(pw, d + 1, &p->rules[i]);
	close_el(pw, d, "rules");
}

static void
print_vrouter(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_vrouter *vr = (const struct schema_vrouter *)obj;

	el_ip(pw, d, "ip-address", &vr->ip);
}

static void
print_vmi(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_vmi *vmi = (const struct schema_vmi *)obj;
	size_t i;

	el_str(pw, d, "virtual-network", vmi->vn.name);
	el_str(pw, d, "virtual-router", vmi->vrouter.name);
	el_mac(pw, d, "mac-address", &vmi->mac);
	if (vmi->nips > 0) {
		open_el(pw, d, "ip-addresses", NULL, NULL, false);
		for (i = 0; i < vmi->nips; i++)
			el_ip(pw, d + 1, "ip-address", &vmi->ips[i].addr);
		close_el(pw, d, "ip-addresses");
	}
	el_str(pw, d, "tap-name", vmi->tap_name);
	el_labels(pw, d, "labels", vmi->labels, vmi->nlabels);
	el_refs(pw, d, "network-policies", "network-policy", vmi->policies,
	    vmi->npolicies);
	if (vmi->has_mirror) {
		open_el(pw, d, "interface-mirror", NULL, NULL, false);
		el_kw(pw, d + 1, "traffic-direction", schema__traffic_dirs,
		    vmi->mirror_dir);
		print_mirror_to(pw, d + 1, &vmi->mirror);
		close_el(pw, d, "interface-mirror");
	}
}

static void
print_mirror_dest(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_mirror_dest *md =
	    (const struct schema_mirror_dest *)obj;

	switch (md->kind) {
	case SCHEMA_ANALYZER_SELECTOR:
		el_labels(
		    pw, d, "analyzer-selector", md->selector, md->nselector);
		break;
	case SCHEMA_ANALYZER_INTERFACE:
		el_str(
		    pw, d, "analyzer-interface", md->analyzer_interface.name);
		break;
	case SCHEMA_ANALYZER_EXTERNAL:
		el_ip(pw, d, "external-analyzer-ip", &md->external_ip);
		el_str(pw, d, "routing-instance", md->routing_instance.name);
		break;
	case SCHEMA_ANALYZER_NONE:
		break;
	}
	print_mode(pw, d, &md->mode);
	el_kw(pw, d, "traffic-direction", schema__traffic_dirs, md->direction);
}

static void
print_tap_service(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_tap_service *ts =
	    (const struct schema_tap_service *)obj;

	el_kw(pw, d, "type", schema__tap_types, ts->type);
	el_str(pw, d, "target", ts->target.name);
	if (ts->has_mac)
		el_mac(pw, d, "mac-address", &ts->mac);
	el_bool(pw, d, "enabled", ts->enabled);
}

static void
print_tap_flow(struct pw *pw, int d, const struct schema_obj *obj)
{
	const struct schema_tap_flow *tf = (const struct schema_tap_flow *)obj;

	el_str(pw, d, "tap-service", tf->tap_service.name);
	el_kw(pw, d, "type", schema__flow_types, tf->type);
	el_str(pw, d, "interface", tf->interface.name);
	el_str(pw, d, "virtual-router", tf->vrouter.name);
	el_str(pw, d, "virtual-network", tf->vn.name);
	if (tf->vlan_id != 0)
		el_u32(pw, d, "vlan-id", tf->vlan_id);
	el_kw(pw, d, "direction", schema__flow_dirs, tf->direction);
	el_bool(pw, d, "enabled", tf->enabled);
}

typedef void (*print_obj_cb)(struct pw *, int, const struct schema_obj *);

static const print_obj_cb printers[SCHEMA_TYPE_MAX] = {
    [SCHEMA_GLOBAL_SYSTEM_CONFIG] = print_global,
    [SCHEMA_BGP_ROUTER] = print_bgp_router,
    [SCHEMA_VIRTUAL_NETWORK] = print_vn,
    [SCHEMA_NETWORK_POLICY] = print_policy,
    [SCHEMA_VIRTUAL_ROUTER] = print_vrouter,
    [SCHEMA_VIRTUAL_MACHINE_INTERFACE] = print_vmi,
    [SCHEMA_MIRROR_DESTINATION] = print_mirror_dest,
    [SCHEMA_TAP_SERVICE] = print_tap_service,
    [SCHEMA_TAP_FLOW] = print_tap_flow,
};

static void
print_obj(struct pw *pw, const struct schema_obj *obj, int depth)
{
	const char *type = schema_type_name(obj->type);
	size_t mark;

	open_el(pw, depth, type, "name", obj->name, false);
	mark = pw->w->len;
	printers[obj->type](pw, depth + 1, obj);
	if (!pw->full && pw->w->len == mark) {
		/* No field: <type name="x"/>, replacing the ">\n". */
		pw->w->len = mark - 2;
		put(pw, "/>\n");
	} else
		close_el(pw, depth, type);
}

int
schema_obj_print(const struct schema_obj *obj, struct wbuf *out, int depth)
{
	struct pw pw = {.w = out};

	print_obj(&pw, obj, depth);
	return pw.full ? -ENOSPC : 0;
}

int
schema_config_print(const struct schema_config *cfg, struct wbuf *out)
{
	struct pw pw = {.w = out};
	unsigned t;
	size_t i;

	put(&pw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config>\n");
	for (t = 0; t < SCHEMA_TYPE_MAX; t++)
		for (i = 0; i < cfg->n[t]; i++)
			print_obj(&pw, cfg->objs[t][i], 1);
	put(&pw, "</config>\n");
	return pw.full ? -ENOSPC : 0;
}

bool
schema_obj_equal(const struct schema_obj *a, const struct schema_obj *b)
{
	struct wbuf wa, wb;
	bool eq;

	if (a->type != b->type || strcmp(a->name, b->name) != 0)
		return false;
	wbuf_init_dyn(&wa, SCHEMA_MAX_FILE_SIZE);
	wbuf_init_dyn(&wb, SCHEMA_MAX_FILE_SIZE);
	schema_obj_print(a, &wa, 0);
	schema_obj_print(b, &wb, 0);
	eq = wa.len == wb.len &&
	    (wa.len == 0 || memcmp(wa.data, wb.data, wa.len) == 0);
	wbuf_fini(&wa);
	wbuf_fini(&wb);
	return eq;
}
