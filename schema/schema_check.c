/*
 * schema_check.c - checks between objects of one generation.
 *
 * Runs on a generation whose names are unique: every reference must name
 * an object of the right type; ids and addresses that must be unique are;
 * interface addresses lie in their network's subnets; a routing-instance
 * named by a mirror is the default instance of some virtual-network; tap
 * flows do not tap their own destination or repeat a source.
 */
#include "schema/schema_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cctx {
	const struct schema_config *cfg;
	struct schema_errs *errs;
	char **ri_names; /* default RI of every VN, sorted */
	size_t nri_names;
};

#define EACH(cfg, type, i)                                                     \
	(i) = 0;                                                               \
	(i) < (cfg)->n[(type)];                                                \
	(i)++
#define OBJ(cfg, type, i) ((cfg)->objs[(type)][(i)])

static void cerr(struct cctx *, const struct schema_obj *, unsigned,
    const char *, const char *, ...) PRINTFLIKE(5, 6);

/* An error about obj, at line (or obj's line) and element. */
static void
cerr(struct cctx *cc, const struct schema_obj *obj, unsigned line,
    const char *element, const char *fmt, ...)
{
	char reason[sizeof(cc->errs->err[0].reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	schema_errs_add(cc->errs, obj->source, line ? line : obj->line, element,
	    "%s '%s': %s", schema_type_name(obj->type), obj->name, reason);
}

/* A reference must name an existing object of type; element for errors. */
static const struct schema_obj *
check_ref(struct cctx *cc, const struct schema_obj *obj,
    const struct schema_ref *ref, enum schema_type type, const char *element)
{
	const struct schema_obj *target;

	if (ref->name == NULL)
		return NULL;
	target = schema_config_lookup(cc->cfg, type, ref->name);
	if (target == NULL)
		cerr(cc, obj, ref->line, element, "no %s named '%s'",
		    schema_type_name(type), ref->name);
	return target;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
ri_names_build(struct cctx *cc)
{
	const struct schema_vn *vn;
	char buf[SCHEMA_RI_NAME_MAX];
	size_t i;

	cc->nri_names = cc->cfg->n[SCHEMA_VIRTUAL_NETWORK];
	cc->ri_names = xcalloc(cc->nri_names + 1, sizeof(*cc->ri_names));
	for (EACH(cc->cfg, SCHEMA_VIRTUAL_NETWORK, i)) {
		vn = (const struct schema_vn *)OBJ(
		    cc->cfg, SCHEMA_VIRTUAL_NETWORK, i);
		cc->ri_names[i] =
		    xstrdup(schema_vn_ri_name(vn, buf, sizeof(buf)));
	}
	qsort(cc->ri_names, cc->nri_names, sizeof(*cc->ri_names), str_cmp);
}

static void
ri_names_free(struct cctx *cc)
{
	size_t i;

	for (i = 0; i < cc->nri_names; i++)
		free(cc->ri_names[i]);
	free(cc->ri_names);
}

static void
check_ri(
    struct cctx *cc, const struct schema_obj *obj, const struct schema_ref *ref)
{
	const char *key = ref->name;

	if (key == NULL)
		return;
	if (bsearch(&key, cc->ri_names, cc->nri_names, sizeof(char *),
		str_cmp) == NULL)
		cerr(cc, obj, ref->line, "routing-instance",
		    "'%s' is not the routing instance of any virtual-network "
		    "(a network 'a:b:c' has instance 'a:b:c:c')",
		    ref->name);
}

static void
check_mirror_to(struct cctx *cc, const struct schema_obj *obj,
    const struct schema_mirror_to *m)
{
	check_ref(cc, obj, &m->mirror_destination, SCHEMA_MIRROR_DESTINATION,
	    "mirror-destination");
	check_ri(cc, obj, &m->routing_instance);
}

static void
check_policy_refs(struct cctx *cc, const struct schema_obj *obj,
    const struct schema_ref *refs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_ref(
		    cc, obj, &refs[i], SCHEMA_NETWORK_POLICY, "network-policy");
}

static int
router_addr_cmp(const void *a, const void *b)
{
	const struct schema_bgp_router *x =
	    *(const struct schema_bgp_router *const *)a;
	const struct schema_bgp_router *y =
	    *(const struct schema_bgp_router *const *)b;
	int c = ipaddr_cmp(&x->address, &y->address);

	if (c != 0)
		return c;
	if (x->port != y->port)
		return (x->port > y->port) - (x->port < y->port);
	return (x->obj.line > y->obj.line) - (x->obj.line < y->obj.line);
}

static void
check_bgp_routers(struct cctx *cc)
{
	const struct schema_bgp_router *r, **v;
	const struct schema_bgp_peer *p;
	size_t i, j, n = cc->cfg->n[SCHEMA_BGP_ROUTER];

	v = xcalloc(n + 1, sizeof(*v));
	for (EACH(cc->cfg, SCHEMA_BGP_ROUTER, i)) {
		r = (const struct schema_bgp_router *)OBJ(
		    cc->cfg, SCHEMA_BGP_ROUTER, i);
		v[i] = r;
		for (j = 0; j < r->npeers; j++) {
			p = &r->peers[j];
			if (check_ref(cc, &r->obj, &p->router,
				SCHEMA_BGP_ROUTER, "peer") == &r->obj)
				cerr(cc, &r->obj, p->router.line, "peer",
				    "cannot peer with itself");
		}
	}
	qsort(v, n, sizeof(*v), router_addr_cmp);
	for (i = 1; i < n; i++)
		if (ipaddr_cmp(&v[i - 1]->address, &v[i]->address) == 0 &&
		    v[i - 1]->port == v[i]->port)
			cerr(cc, &v[i]->obj, 0, "address",
			    "same address and "
			    "port as bgp-router '%s'",
			    v[i - 1]->obj.name);
	free(v);
}

/* Pairs (key, obj) sorted to find duplicates in one pass. */
struct dup {
	uint64_t key;                 /* what must be unique */
	const struct schema_obj *obj; /* who has it */
};

static int
dup_cmp(const void *a, const void *b)
{
	const struct dup *x = a, *y = b;

	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->obj->line > y->obj->line) - (x->obj->line < y->obj->line);
}

/* Reports each entry whose key equals its predecessor's. */
static void
report_dups(struct cctx *cc, struct dup *d, size_t n, const char *element,
    const char *what)
{
	size_t i;

	qsort(d, n, sizeof(*d), dup_cmp);
	for (i = 1; i < n; i++)
		if (d[i].key == d[i - 1].key)
			cerr(cc, d[i].obj, 0, element,
			    "%s %llu is already "
			    "used by %s '%s'",
			    what, (unsigned long long)d[i].key,
			    schema_type_name(d[i - 1].obj->type),
			    d[i - 1].obj->name);
}

static void
check_vns(struct cctx *cc)
{
	const struct schema_vn *vn;
	struct dup *ids, *vnis;
	size_t i, n = cc->cfg->n[SCHEMA_VIRTUAL_NETWORK];

	ids = xcalloc(n + 1, sizeof(*ids));
	vnis = xcalloc(n + 1, sizeof(*vnis));
	for (EACH(cc->cfg, SCHEMA_VIRTUAL_NETWORK, i)) {
		vn = (const struct schema_vn *)OBJ(
		    cc->cfg, SCHEMA_VIRTUAL_NETWORK, i);
		ids[i] = (struct dup){vn->network_id, &vn->obj};
		vnis[i] = (struct dup){schema_vn_vxlan_id(vn), &vn->obj};
		check_policy_refs(cc, &vn->obj, vn->policies, vn->npolicies);
	}
	report_dups(cc, ids, n, "network-id", "network-id");
	report_dups(cc, vnis, n, "vxlan-id", "vxlan-id");
	free(ids);
	free(vnis);
}

static void
check_policies(struct cctx *cc)
{
	const struct schema_policy *p;
	const struct schema_rule *r;
	size_t i, j, k;

	for (EACH(cc->cfg, SCHEMA_NETWORK_POLICY, i)) {
		p = (const struct schema_policy *)OBJ(
		    cc->cfg, SCHEMA_NETWORK_POLICY, i);
		if (p->has_mirror)
			check_mirror_to(cc, &p->obj, &p->mirror);
		for (j = 0; j < p->nrules; j++) {
			r = &p->rules[j];
			for (k = 0; k < r->nsrc; k++)
				check_ref(cc, &p->obj, &r->src[k].vn,
				    SCHEMA_VIRTUAL_NETWORK, "virtual-network");
			for (k = 0; k < r->ndst; k++)
				check_ref(cc, &p->obj, &r->dst[k].vn,
				    SCHEMA_VIRTUAL_NETWORK, "virtual-network");
			if (r->has_mirror)
				check_mirror_to(cc, &p->obj, &r->mirror);
		}
	}
}

static int
vrouter_ip_cmp(const void *a, const void *b)
{
	const struct schema_vrouter *x =
	    *(const struct schema_vrouter *const *)a;
	const struct schema_vrouter *y =
	    *(const struct schema_vrouter *const *)b;
	int c = ipaddr_cmp(&x->ip, &y->ip);

	if (c != 0)
		return c;
	return (x->obj.line > y->obj.line) - (x->obj.line < y->obj.line);
}

static void
check_vrouters(struct cctx *cc)
{
	const struct schema_vrouter **v;
	size_t i, n = cc->cfg->n[SCHEMA_VIRTUAL_ROUTER];

	v = xcalloc(n + 1, sizeof(*v));
	for (EACH(cc->cfg, SCHEMA_VIRTUAL_ROUTER, i))
		v[i] = (const struct schema_vrouter *)OBJ(
		    cc->cfg, SCHEMA_VIRTUAL_ROUTER, i);
	qsort(v, n, sizeof(*v), vrouter_ip_cmp);
	for (i = 1; i < n; i++)
		if (ipaddr_cmp(&v[i - 1]->ip, &v[i]->ip) == 0)
			cerr(cc, &v[i]->obj, 0, "ip-address",
			    "same "
			    "ip-address as virtual-router '%s'",
			    v[i - 1]->obj.name);
	free(v);
}

/* An (interface, address) pair, to find addresses used twice in a VN. */
struct vmi_addr {
	const struct schema_vmi *vmi;
	const struct schema_vn *vn;
	struct ipaddr ip; /* or the MAC in ip.u.b[0..5] with af 0 */
	unsigned line;    /* where it was written */
};

static int
vmi_addr_cmp(const void *a, const void *b)
{
	const struct vmi_addr *x = a, *y = b;
	int c;

	if (x->vn != y->vn)
		return strcmp(x->vn->obj.name, y->vn->obj.name);
	if (x->ip.af != y->ip.af)
		return (x->ip.af > y->ip.af) - (x->ip.af < y->ip.af);
	c = memcmp(x->ip.u.b, y->ip.u.b, sizeof(x->ip.u.b));
	if (c != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static void
check_vmi_addrs(
    struct cctx *cc, const struct schema_vmi *vmi, const struct schema_vn *vn)
{
	char buf[IPADDR_STRLEN];
	size_t i, j;

	if (vn->nsubnets == 0)
		return;
	for (i = 0; i < vmi->nips; i++) {
		for (j = 0; j < vn->nsubnets; j++)
			if (prefix_contains(
				&vn->subnets[j].prefix, &vmi->ips[i].addr))
				break;
		if (j == vn->nsubnets)
			cerr(cc, &vmi->obj, vmi->ips[i].line, "ip-address",
			    "%s is in no subnet of virtual-network '%s'",
			    ipaddr_print(&vmi->ips[i].addr, buf, sizeof(buf)),
			    vn->obj.name);
	}
}

static void
check_vmis(struct cctx *cc)
{
	const struct schema_vmi *vmi;
	const struct schema_vn *vn;
	struct vmi_addr *addrs, *a, *b;
	char buf[IPADDR_STRLEN];
	size_t i, j, n = 0, cap = 0;

	for (EACH(cc->cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i)) {
		vmi = (const struct schema_vmi *)OBJ(
		    cc->cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		cap += vmi->nips + 1;
	}
	addrs = xcalloc(cap + 1, sizeof(*addrs));
	for (EACH(cc->cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i)) {
		vmi = (const struct schema_vmi *)OBJ(
		    cc->cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		vn = (const struct schema_vn *)check_ref(cc, &vmi->obj,
		    &vmi->vn, SCHEMA_VIRTUAL_NETWORK, "virtual-network");
		check_ref(cc, &vmi->obj, &vmi->vrouter, SCHEMA_VIRTUAL_ROUTER,
		    "virtual-router");
		check_policy_refs(cc, &vmi->obj, vmi->policies, vmi->npolicies);
		if (vmi->has_mirror)
			check_mirror_to(cc, &vmi->obj, &vmi->mirror);
		if (vn == NULL)
			continue;
		check_vmi_addrs(cc, vmi, vn);
		for (j = 0; j < vmi->nips; j++)
			addrs[n++] = (struct vmi_addr){
			    vmi, vn, vmi->ips[j].addr, vmi->ips[j].line};
		a = &addrs[n++];
		*a = (struct vmi_addr){
		    .vmi = vmi, .vn = vn, .line = vmi->mac_line};
		memcpy(a->ip.u.b, vmi->mac.b, sizeof(vmi->mac.b));
	}
	qsort(addrs, n, sizeof(*addrs), vmi_addr_cmp);
	for (i = 1; i < n; i++) {
		a = &addrs[i - 1];
		b = &addrs[i];
		if (a->vn != b->vn || a->ip.af != b->ip.af ||
		    memcmp(a->ip.u.b, b->ip.u.b, sizeof(a->ip.u.b)) != 0)
			continue;
		if (b->ip.af == 0)
			cerr(cc, &b->vmi->obj, b->line, "mac-address",
			    "same MAC address as virtual-machine-interface "
			    "'%s' in virtual-network '%s'",
			    a->vmi->obj.name, b->vn->obj.name);
		else
			cerr(cc, &b->vmi->obj, b->line, "ip-address",
			    "%s is also used by virtual-machine-interface "
			    "'%s' in virtual-network '%s'",
			    ipaddr_print(&b->ip, buf, sizeof(buf)),
			    a->vmi->obj.name, b->vn->obj.name);
	}
	free(addrs);
}

static void
check_mirror_dests(struct cctx *cc)
{
	const struct schema_mirror_dest *md;
	size_t i;

	for (EACH(cc->cfg, SCHEMA_MIRROR_DESTINATION, i)) {
		md = (const struct schema_mirror_dest *)OBJ(
		    cc->cfg, SCHEMA_MIRROR_DESTINATION, i);
		check_ref(cc, &md->obj, &md->analyzer_interface,
		    SCHEMA_VIRTUAL_MACHINE_INTERFACE, "analyzer-interface");
		check_ri(cc, &md->obj, &md->routing_instance);
	}
}

static void
check_tap_services(struct cctx *cc)
{
	const struct schema_tap_service *ts;
	size_t i;

	for (EACH(cc->cfg, SCHEMA_TAP_SERVICE, i)) {
		ts = (const struct schema_tap_service *)OBJ(
		    cc->cfg, SCHEMA_TAP_SERVICE, i);
		check_ref(cc, &ts->obj, &ts->target,
		    ts->type == SCHEMA_TAP_GUEST
			? SCHEMA_VIRTUAL_MACHINE_INTERFACE
			: SCHEMA_VIRTUAL_ROUTER,
		    "target");
	}
}

/* Orders tap-flows by tap-service and source; 0 means the same source. */
static int
source_cmp(const struct schema_tap_flow *a, const struct schema_tap_flow *b)
{
	int c;

	if ((c = strcmp(a->tap_service.name, b->tap_service.name)) != 0)
		return c;
	if (a->type != b->type)
		return (a->type > b->type) - (a->type < b->type);
	if (a->type == SCHEMA_FLOW_VNIC)
		return strcmp(a->interface.name, b->interface.name);
	if ((c = strcmp(a->vrouter.name, b->vrouter.name)) != 0)
		return c;
	if ((c = strcmp(a->vn.name, b->vn.name)) != 0)
		return c;
	return (a->vlan_id > b->vlan_id) - (a->vlan_id < b->vlan_id);
}

static int
tap_flow_cmp(const void *a, const void *b)
{
	const struct schema_tap_flow *x =
	    *(const struct schema_tap_flow *const *)a;
	const struct schema_tap_flow *y =
	    *(const struct schema_tap_flow *const *)b;
	int c = source_cmp(x, y);

	if (c != 0)
		return c;
	return (x->obj.line > y->obj.line) - (x->obj.line < y->obj.line);
}

static void
check_tap_flows(struct cctx *cc)
{
	const struct schema_tap_flow *tf, **v;
	const struct schema_tap_service *ts;
	size_t i, n = 0;
	bool refs_ok;

	v = xcalloc(cc->cfg->n[SCHEMA_TAP_FLOW] + 1, sizeof(*v));
	for (EACH(cc->cfg, SCHEMA_TAP_FLOW, i)) {
		tf = (const struct schema_tap_flow *)OBJ(
		    cc->cfg, SCHEMA_TAP_FLOW, i);
		ts = (const struct schema_tap_service *)check_ref(cc, &tf->obj,
		    &tf->tap_service, SCHEMA_TAP_SERVICE, "tap-service");
		if (tf->type == SCHEMA_FLOW_VNIC) {
			refs_ok = check_ref(cc, &tf->obj, &tf->interface,
				      SCHEMA_VIRTUAL_MACHINE_INTERFACE,
				      "interface") != NULL;
			if (ts != NULL && ts->type == SCHEMA_TAP_GUEST &&
			    strcmp(ts->target.name, tf->interface.name) == 0)
				cerr(cc, &tf->obj, tf->interface.line,
				    "interface",
				    "cannot tap the interface "
				    "that tap-service '%s' delivers to",
				    ts->obj.name);
		} else {
			refs_ok = check_ref(cc, &tf->obj, &tf->vrouter,
				      SCHEMA_VIRTUAL_ROUTER,
				      "virtual-router") != NULL;
			refs_ok &= check_ref(cc, &tf->obj, &tf->vn,
				       SCHEMA_VIRTUAL_NETWORK,
				       "virtual-network") != NULL;
		}
		if (ts != NULL && refs_ok)
			v[n++] = tf;
	}
	qsort(v, n, sizeof(*v), tap_flow_cmp);
	for (i = 1; i < n; i++)
		if (source_cmp(v[i - 1], v[i]) == 0)
			cerr(cc, &v[i]->obj, 0, "tap-flow",
			    "tap-service '%s' "
			    "already has this source (tap-flow '%s')",
			    v[i]->tap_service.name, v[i - 1]->obj.name);
	free(v);
}

void
schema__config_check(const struct schema_config *cfg, struct schema_errs *errs)
{
	struct cctx cc = {.cfg = cfg, .errs = errs};

	ri_names_build(&cc);
	check_bgp_routers(&cc);
	check_vns(&cc);
	check_policies(&cc);
	check_vrouters(&cc);
	check_vmis(&cc);
	check_mirror_dests(&cc);
	check_tap_services(&cc);
	check_tap_flows(&cc);
	ri_names_free(&cc);
}
