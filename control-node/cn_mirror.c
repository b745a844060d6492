/*
 * cn_mirror.c - mirror resolution: from the configuration to the analyzer
 * every mirror sends to.
 *
 * A mirror-destination finds its analyzer by label selector (every
 * interface carrying all the labels is a candidate; the first by name is
 * chosen, so the choice is stable and the same on every node), by
 * interface name, or as an external IP; static mode needs none.  A
 * mirror-to either names a mirror-destination (and takes its resolution)
 * or gives analyzer fields, completed from the interface that owns the
 * analyzer IP when there is one.  Pure: config in, resolutions out.
 */
#include "control-node/cn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mctx {
	const struct schema_config *cfg;
	struct cn_mirrors *out;
	size_t cap;
};

static const char *const kind_names[] = {
    [CN_MIRROR_DESTINATION] = "mirror-destination",
    [CN_MIRROR_INTERFACE] = "interface-mirror",
    [CN_MIRROR_POLICY] = "policy",
    [CN_MIRROR_RULE] = "policy-rule",
    [CN_MIRROR_TAP_SERVICE] = "tap-service",
};

const char *
cn_mirror_kind_name(enum cn_mirror_kind kind)
{
	if ((unsigned)kind >= nitems(kind_names))
		return "?";
	return kind_names[kind];
}

void
cn_mirrors_init(struct cn_mirrors *m)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->arena, 4096);
}

void
cn_mirrors_fini(struct cn_mirrors *m)
{
	free(m->v);
	arena_fini(&m->arena);
	memset(m, 0, sizeof(*m));
}

static struct cn_mirror *
add(struct mctx *mc, enum cn_mirror_kind kind, const char *name)
{
	struct cn_mirrors *m = mc->out;
	struct cn_mirror *r;

	if (m->n == mc->cap) {
		mc->cap = mc->cap ? mc->cap * 2 : 16;
		m->v = xreallocarray(m->v, mc->cap, sizeof(*m->v));
	}
	r = &m->v[m->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->name = arena_strdup(&m->arena, name);
	return r;
}

static const char *
astr(struct mctx *mc, const char *s)
{
	return s != NULL ? arena_strdup(&mc->out->arena, s) : NULL;
}

static void reason(struct mctx *, struct cn_mirror *, bool, const char *, ...)
    PRINTFLIKE(4, 5);

static void
reason(
    struct mctx *mc, struct cn_mirror *r, bool resolved, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->resolved = resolved;
	r->reason = arena_strdup(&mc->out->arena, buf);
}

static const struct schema_vmi *
vmi_lookup(const struct schema_config *cfg, const char *name)
{
	return (const struct schema_vmi *)schema_config_lookup(
	    cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, name);
}

/* The interface's address mirrors send to: its first IPv4, else first. */
static const struct ipaddr *
vmi_ip(const struct schema_vmi *vmi)
{
	size_t i;

	for (i = 0; i < vmi->nips; i++)
		if (vmi->ips[i].addr.af == AF_INET)
			return &vmi->ips[i].addr;
	return vmi->nips > 0 ? &vmi->ips[0].addr : NULL;
}

/* Fills r's analyzer from interface vmi: IP, MAC, network, instance. */
static void
from_vmi(struct mctx *mc, struct cn_mirror *r, const struct schema_vmi *vmi)
{
	const struct schema_vn *vn;
	const struct ipaddr *ip;
	char ri[SCHEMA_RI_NAME_MAX];

	r->analyzer = astr(mc, vmi->obj.name);
	r->has_mac = true;
	r->mac = vmi->mac;
	if ((ip = vmi_ip(vmi)) != NULL) {
		r->has_ip = true;
		r->ip = *ip;
	}
	r->vrouter = astr(mc, vmi->vrouter.name);
	vn = (const struct schema_vn *)schema_config_lookup(
	    mc->cfg, SCHEMA_VIRTUAL_NETWORK, vmi->vn.name);
	if (vn != NULL) {
		r->vn = astr(mc, vn->obj.name);
		r->ri = astr(mc, schema_vn_ri_name(vn, ri, sizeof(ri)));
	}
}

/* An interface carries every label of the selector. */
static bool
labels_match(
    const struct schema_vmi *vmi, const struct schema_label *sel, size_t nsel)
{
	size_t i, j;

	for (i = 0; i < nsel; i++) {
		for (j = 0; j < vmi->nlabels; j++)
			if (strcmp(vmi->labels[j].key, sel[i].key) == 0 &&
			    strcmp(vmi->labels[j].value, sel[i].value) == 0)
				break;
		if (j == vmi->nlabels)
			return false;
	}
	return true;
}

static void
selector_text(const struct schema_mirror_dest *md, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < md->nselector && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%s",
		    i ? "," : "", md->selector[i].key, md->selector[i].value);
}

/* Appends " (<analyzer IP>)" to how when the analyzer has one. */
static void
append_ip(const struct cn_mirror *r, char *how, size_t len)
{
	char ip[IPADDR_STRLEN];
	size_t off = strlen(how);

	if (r->has_ip && off < len)
		snprintf(how + off, len - off, " (%s)",
		    ipaddr_print(&r->ip, ip, sizeof(ip)));
}

/* The analyzer needs an IP when copies carry the Juniper header. */
static void
check_ip(struct mctx *mc, struct cn_mirror *r, const char *how)
{
	if (r->mode.juniper_header && !r->has_ip)
		reason(mc, r, false,
		    "%s, which has no IP address: the Juniper "
		    "header mode sends copies to an IP",
		    how);
	else
		reason(mc, r, true, "%s", how);
}

static void
resolve_selector(
    struct mctx *mc, struct cn_mirror *r, const struct schema_mirror_dest *md)
{
	const struct schema_vmi *vmi, *chosen = NULL;
	char sel[256], how[768];
	size_t i, n;

	selector_text(md, sel, sizeof(sel));
	n = schema_config_count(mc->cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE);
	for (i = 0; i < n; i++) {
		vmi = (const struct schema_vmi *)schema_config_at(
		    mc->cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		if (!labels_match(vmi, md->selector, md->nselector))
			continue;
		/* Name order: the first match is the lowest name. */
		if (chosen == NULL)
			chosen = vmi;
		r->candidates++;
	}
	if (chosen == NULL) {
		reason(mc, r, false, "no interface has the labels %s", sel);
		return;
	}
	from_vmi(mc, r, chosen);
	if (r->candidates == 1)
		snprintf(how, sizeof(how), "selector %s matched interface %s",
		    sel, chosen->obj.name);
	else
		snprintf(how, sizeof(how),
		    "selector %s matched %u interfaces; "
		    "chose %s, the first by name",
		    sel, r->candidates, chosen->obj.name);
	append_ip(r, how, sizeof(how));
	check_ip(mc, r, how);
}

static void
resolve_destination(
    struct mctx *mc, struct cn_mirror *r, const struct schema_mirror_dest *md)
{
	const struct schema_vmi *vmi;
	char how[512], ip[IPADDR_STRLEN];

	r->mode = md->mode;
	if (md->mode.nh_mode == SCHEMA_NH_STATIC) {
		r->has_ip = true;
		r->ip = md->mode.static_nh.vtep_ip;
		r->has_mac = md->mode.static_nh.has_vtep_mac;
		r->mac = md->mode.static_nh.vtep_mac;
		reason(mc, r, true, "static: VXLAN to VTEP %s, VNI %u",
		    ipaddr_print(&r->ip, ip, sizeof(ip)),
		    md->mode.static_nh.vni);
		return;
	}
	switch (md->kind) {
	case SCHEMA_ANALYZER_SELECTOR:
		resolve_selector(mc, r, md);
		break;
	case SCHEMA_ANALYZER_INTERFACE:
		vmi = vmi_lookup(mc->cfg, md->analyzer_interface.name);
		if (vmi == NULL) {
			reason(mc, r, false, "no interface named %s",
			    md->analyzer_interface.name);
			break;
		}
		from_vmi(mc, r, vmi);
		snprintf(
		    how, sizeof(how), "analyzer interface %s", vmi->obj.name);
		append_ip(r, how, sizeof(how));
		check_ip(mc, r, how);
		break;
	case SCHEMA_ANALYZER_EXTERNAL:
		r->has_ip = true;
		r->ip = md->external_ip;
		r->ri = astr(mc, md->routing_instance.name);
		reason(mc, r, true,
		    "external analyzer %s, reached by routes "
		    "in %s",
		    ipaddr_print(&r->ip, ip, sizeof(ip)),
		    r->ri != NULL ? r->ri
				  : "the mirrored interface's "
				    "instance");
		break;
	case SCHEMA_ANALYZER_NONE:
		reason(mc, r, false, "no analyzer configured");
		break;
	}
}

/* The interface owning ip (in network vn when given), or NULL. */
static const struct schema_vmi *
vmi_by_ip(
    const struct schema_config *cfg, const struct ipaddr *ip, const char *ri)
{
	const struct schema_vmi *vmi;
	const struct schema_vn *vn;
	char name[SCHEMA_RI_NAME_MAX];
	size_t i, j, n;

	n = schema_config_count(cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE);
	for (i = 0; i < n; i++) {
		vmi = (const struct schema_vmi *)schema_config_at(
		    cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		for (j = 0; j < vmi->nips; j++)
			if (ipaddr_cmp(&vmi->ips[j].addr, ip) == 0)
				break;
		if (j == vmi->nips)
			continue;
		if (ri == NULL)
			return vmi;
		vn = (const struct schema_vn *)schema_config_lookup(
		    cfg, SCHEMA_VIRTUAL_NETWORK, vmi->vn.name);
		if (vn != NULL &&
		    strcmp(schema_vn_ri_name(vn, name, sizeof(name)), ri) == 0)
			return vmi;
	}
	return NULL;
}

/* A mirror-to: through its mirror-destination, or from its own fields. */
static void
resolve_mirror_to(
    struct mctx *mc, struct cn_mirror *r, const struct schema_mirror_to *mt)
{
	const struct schema_mirror_dest *md;
	const struct schema_vmi *vmi;
	const struct cn_mirror *d;
	char how[512], ip[IPADDR_STRLEN];

	if (mt->mirror_destination.name != NULL) {
		r->via = astr(mc, mt->mirror_destination.name);
		md = (const struct schema_mirror_dest *)schema_config_lookup(
		    mc->cfg, SCHEMA_MIRROR_DESTINATION, r->via);
		d = cn_mirrors_find(mc->out, CN_MIRROR_DESTINATION, r->via);
		if (md == NULL || d == NULL) {
			reason(
			    mc, r, false, "no mirror-destination %s", r->via);
			return;
		}
		/* Same resolution as the destination, under this name. */
		r->resolved = d->resolved;
		r->reason = d->reason;
		r->analyzer = d->analyzer;
		r->candidates = d->candidates;
		r->has_ip = d->has_ip;
		r->ip = d->ip;
		r->has_mac = d->has_mac;
		r->mac = d->mac;
		r->ri = d->ri;
		r->vn = d->vn;
		r->vrouter = d->vrouter;
		r->mode = d->mode;
		return;
	}
	r->mode = mt->mode;
	if (mt->mode.nh_mode == SCHEMA_NH_STATIC) {
		r->has_ip = true;
		r->ip = mt->mode.static_nh.vtep_ip;
		r->has_mac = mt->mode.static_nh.has_vtep_mac;
		r->mac = mt->mode.static_nh.vtep_mac;
		reason(mc, r, true, "static: VXLAN to VTEP %s, VNI %u",
		    ipaddr_print(&r->ip, ip, sizeof(ip)),
		    mt->mode.static_nh.vni);
		return;
	}
	r->has_ip = mt->has_analyzer_ip;
	r->ip = mt->analyzer_ip;
	vmi = mt->has_analyzer_ip
	    ? vmi_by_ip(mc->cfg, &mt->analyzer_ip, mt->routing_instance.name)
	    : NULL;
	if (vmi != NULL) {
		from_vmi(mc, r, vmi);
		/* What the config says wins over what the interface has. */
		r->ip = mt->analyzer_ip;
		snprintf(how, sizeof(how), "analyzer %s is interface %s",
		    ipaddr_print(&r->ip, ip, sizeof(ip)), vmi->obj.name);
	} else if (mt->has_analyzer_ip)
		snprintf(how, sizeof(how),
		    "analyzer %s (no interface of the "
		    "configuration has it: copies are routed to it)",
		    ipaddr_print(&r->ip, ip, sizeof(ip)));
	else
		snprintf(how, sizeof(how), "analyzer given by MAC");
	if (mt->has_analyzer_mac) {
		r->has_mac = true;
		r->mac = mt->analyzer_mac;
	}
	if (mt->routing_instance.name != NULL)
		r->ri = astr(mc, mt->routing_instance.name);
	check_ip(mc, r, how);
}

static void
resolve_tap_service(
    struct mctx *mc, struct cn_mirror *r, const struct schema_tap_service *ts)
{
	const struct schema_vrouter *vr;
	const struct schema_vmi *vmi;
	char how[512], mac[MACADDR_STRLEN];

	r->enabled = ts->enabled;
	r->mode.juniper_header = false;
	if (ts->type == SCHEMA_TAP_GUEST) {
		vmi = vmi_lookup(mc->cfg, ts->target.name);
		if (vmi == NULL) {
			reason(mc, r, false, "no interface named %s",
			    ts->target.name);
			return;
		}
		from_vmi(mc, r, vmi);
		snprintf(how, sizeof(how), "guest interface %s", vmi->obj.name);
		append_ip(r, how, sizeof(how));
		if (!ts->enabled)
			strncat(
			    how, " (disabled)", sizeof(how) - strlen(how) - 1);
		check_ip(mc, r, how);
		return;
	}
	vr = (const struct schema_vrouter *)schema_config_lookup(
	    mc->cfg, SCHEMA_VIRTUAL_ROUTER, ts->target.name);
	if (vr == NULL) {
		reason(mc, r, false, "no virtual-router named %s",
		    ts->target.name);
		return;
	}
	r->vrouter = astr(mc, vr->obj.name);
	r->has_ip = true;
	r->ip = vr->ip;
	r->has_mac = ts->has_mac;
	r->mac = ts->mac;
	reason(mc, r, true, "host %s NIC %s%s", vr->obj.name,
	    macaddr_print(&ts->mac, mac, sizeof(mac)),
	    ts->enabled ? "" : " (disabled)");
}

void
cn_mirrors_resolve(struct cn_mirrors *m, const struct schema_config *cfg)
{
	struct mctx mc = {.cfg = cfg, .out = m};
	const struct schema_mirror_dest *md;
	const struct schema_policy *p;
	const struct schema_vmi *vmi;
	struct cn_mirror *r;
	char name[300];
	size_t i, j, n;

	cn_mirrors_fini(m);
	cn_mirrors_init(m);
	/* Destinations first: mirror-tos refer to them. */
	n = schema_config_count(cfg, SCHEMA_MIRROR_DESTINATION);
	for (i = 0; i < n; i++) {
		md = (const struct schema_mirror_dest *)schema_config_at(
		    cfg, SCHEMA_MIRROR_DESTINATION, i);
		r = add(&mc, CN_MIRROR_DESTINATION, md->obj.name);
		resolve_destination(&mc, r, md);
	}
	n = schema_config_count(cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE);
	for (i = 0; i < n; i++) {
		vmi = (const struct schema_vmi *)schema_config_at(
		    cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		if (!vmi->has_mirror)
			continue;
		r = add(&mc, CN_MIRROR_INTERFACE, vmi->obj.name);
		resolve_mirror_to(&mc, r, &vmi->mirror);
	}
	n = schema_config_count(cfg, SCHEMA_NETWORK_POLICY);
	for (i = 0; i < n; i++) {
		p = (const struct schema_policy *)schema_config_at(
		    cfg, SCHEMA_NETWORK_POLICY, i);
		if (p->has_mirror) {
			r = add(&mc, CN_MIRROR_POLICY, p->obj.name);
			resolve_mirror_to(&mc, r, &p->mirror);
		}
		for (j = 0; j < p->nrules; j++) {
			if (!p->rules[j].has_mirror)
				continue;
			snprintf(
			    name, sizeof(name), "%s#%zu", p->obj.name, j + 1);
			r = add(&mc, CN_MIRROR_RULE, name);
			resolve_mirror_to(&mc, r, &p->rules[j].mirror);
		}
	}
	n = schema_config_count(cfg, SCHEMA_TAP_SERVICE);
	for (i = 0; i < n; i++) {
		r = add(&mc, CN_MIRROR_TAP_SERVICE,
		    schema_config_at(cfg, SCHEMA_TAP_SERVICE, i)->name);
		resolve_tap_service(&mc, r,
		    (const struct schema_tap_service *)schema_config_at(
			cfg, SCHEMA_TAP_SERVICE, i));
	}
}

const struct cn_mirror *
cn_mirrors_find(
    const struct cn_mirrors *m, enum cn_mirror_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].kind == kind && strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}
