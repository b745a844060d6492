/*
 * cn_ri.c - routing instances, route-target groups and replication.
 *
 * ri_mgr_apply() turns a config generation into instances: one per
 * virtual network plus the master, each with its import and export
 * targets (own ones, defaults, and the export targets of the instances it
 * is connected to by policy or by a mirror to an analyzer).  Route-target
 * groups map each target to the instances importing and exporting it.
 *
 * Replication follows Contrail's RoutePathReplicator: a primary path in an
 * instance table goes to the master's VPN table and to the instances that
 * import the instance's export targets; a primary path in a VPN table goes
 * to the instances that import one of its targets.  For one primary the
 * set of wanted copies is computed whole and compared with the copies it
 * has, so a config change touches exactly the copies that change.
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ri {
	char *name;
	uint32_t index;    /* instance id (VN network-id; 0 master) */
	char *vn;          /* virtual network, "" for the master */
	uint32_t vn_index; /* OriginVn index */
	uint32_t vxlan_id;
	bool mirror_dest;
	bool master;
	uint64_t *import, *export; /* sorted, unique */
	size_t nimport, nexport;
	char **conns; /* connected instances, sorted */
	size_t nconns;
	struct rt_table *tables[RT_FAMILY_MAX];
	struct ri_mgr *mgr;
};

struct rtgroup {
	uint64_t rt;
	struct ri **imp, **exp; /* importers, exporters */
	size_t nimp, nexp, capimp, capexp;
};

#define REPL_MAX_TARGETS 1024 /* instances one path is copied to */

/* A copy a primary should have. */
struct want {
	struct rt_table *table;
	struct rt_key key;
	struct attr *attr; /* borrowed */
	bool done;         /* an existing copy matched it */
};

struct wants {
	struct want v[REPL_MAX_TARGETS];
	size_t n;
	bool busy; /* replication does not nest: a guard */
};

struct ri_mgr {
	struct ri *master;   /* also in v */
	struct wants *wants; /* scratch of repl_primary */
	struct ri **v;       /* live instances, name order */
	size_t n;
	struct ri **zombies; /* deleted, waiting for listeners to go */
	size_t nzombies;
	struct rtgroup *groups; /* by rt */
	size_t ngroups;
	uint32_t asn, router_id;
};

/* What the config asks an instance to be. */
struct ri_spec {
	char name[SCHEMA_RI_NAME_MAX];
	const struct schema_vn *vn;
	uint64_t *import, *export;
	size_t nimport, nexport, capimport;
	char **conns;
	size_t nconns, capconns;
};

static const enum rt_family vrf_families[] = {RT_INET, RT_INET6, RT_EVPN};
static const struct {
	enum rt_family family;
	const char *table;
} master_tables[] = {
    {RT_INET, "inet.0"},
    {RT_L3VPN, "bgp.l3vpn.0"},
    {RT_L3VPN6, "bgp.l3vpn-inet6.0"},
    {RT_EVPN, "bgp.evpn.0"},
    {RT_RTARGET, "bgp.rtarget.0"},
};

static void repl_primary(
    struct rt_table *, struct rt_entry *, struct rt_path *, void *);

/* ------------------------------------------------------------------ */
/* Sorted sets of route targets and names                              */
/* ------------------------------------------------------------------ */

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and removes duplicates; returns the new count. */
static size_t
u64_set(uint64_t *v, size_t n)
{
	size_t i, k = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), u64_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

static bool
u64_has(const uint64_t *v, size_t n, uint64_t x)
{
	return n > 0 && bsearch(&x, v, n, sizeof(*v), u64_cmp) != NULL;
}

static bool
u64_eq(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

static void
rts_add(uint64_t **v, size_t *n, size_t *cap, const uint64_t *add, size_t nadd)
{
	if (*n + nadd > *cap) {
		*cap = (*n + nadd) * 2 + 4;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	if (nadd > 0)
		memcpy(*v + *n, add, nadd * sizeof(**v));
	*n += nadd;
}

/* ------------------------------------------------------------------ */
/* Instances                                                           */
/* ------------------------------------------------------------------ */

static struct ri *
ri_new(struct ri_mgr *m, const char *name, bool master)
{
	struct ri *ri = xcalloc(1, sizeof(*ri));
	char tname[SCHEMA_RI_NAME_MAX + 32];
	size_t i;

	ri->name = xstrdup(name);
	ri->vn = xstrdup("");
	ri->master = master;
	ri->mgr = m;
	if (master) {
		for (i = 0; i < nitems(master_tables); i++)
			ri->tables[master_tables[i].family] =
			    rt_table_new(master_tables[i].family,
				master_tables[i].table, ri);
	} else {
		for (i = 0; i < nitems(vrf_families); i++) {
			snprintf(tname, sizeof(tname), "%s.%s.0", name,
			    rt_family_name(vrf_families[i]));
			ri->tables[vrf_families[i]] =
			    rt_table_new(vrf_families[i], tname, ri);
		}
	}
	for (i = 0; i < RT_FAMILY_MAX; i++)
		if (ri->tables[i] != NULL)
			rt_table_set_repl(ri->tables[i], repl_primary, m);
	return ri;
}

static void
ri_free(struct ri *ri)
{
	size_t i;

	for (i = 0; i < RT_FAMILY_MAX; i++)
		rt_table_free(ri->tables[i]);
	for (i = 0; i < ri->nconns; i++)
		free(ri->conns[i]);
	free(ri->conns);
	free(ri->import);
	free(ri->export);
	free(ri->vn);
	free(ri->name);
	free(ri);
}

/* True when no table of ri has an entry or a listener left. */
static bool
ri_empty(const struct ri *ri)
{
	size_t i;

	for (i = 0; i < RT_FAMILY_MAX; i++)
		if (ri->tables[i] != NULL &&
		    rt_table_first(ri->tables[i]) != NULL)
			return false;
	return true;
}

struct ri_mgr *
ri_mgr_new(void)
{
	struct ri_mgr *m = xcalloc(1, sizeof(*m));

	m->wants = xcalloc(1, sizeof(*m->wants));
	m->v = xcalloc(1, sizeof(*m->v));
	m->v[0] = m->master = ri_new(m, RI_MASTER_NAME, true);
	m->n = 1;
	return m;
}

static void
groups_free(struct ri_mgr *m)
{
	size_t i;

	for (i = 0; i < m->ngroups; i++) {
		free(m->groups[i].imp);
		free(m->groups[i].exp);
	}
	free(m->groups);
	m->groups = NULL;
	m->ngroups = 0;
}

void
ri_mgr_free(struct ri_mgr *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	/* Copies point across instances: clear every table first. */
	for (i = 0; i < m->n; i++)
		for (j = 0; j < RT_FAMILY_MAX; j++)
			if (m->v[i]->tables[j] != NULL)
				rt_table_clear(m->v[i]->tables[j]);
	for (i = 0; i < m->nzombies; i++)
		for (j = 0; j < RT_FAMILY_MAX; j++)
			if (m->zombies[i]->tables[j] != NULL)
				rt_table_clear(m->zombies[i]->tables[j]);
	for (i = 0; i < m->n; i++)
		ri_free(m->v[i]);
	for (i = 0; i < m->nzombies; i++)
		ri_free(m->zombies[i]);
	free(m->v);
	free(m->zombies);
	groups_free(m);
	free(m->wants);
	free(m);
}

struct ri *
ri_mgr_master(const struct ri_mgr *m)
{
	return m->master;
}

static int
ri_name_cmp(const void *a, const void *b)
{
	return strcmp(
	    (*(struct ri *const *)a)->name, (*(struct ri *const *)b)->name);
}

struct ri *
ri_mgr_lookup(const struct ri_mgr *m, const char *name)
{
	struct ri key = {.name = (char *)(uintptr_t)name}, *kp = &key, **r;

	r = bsearch(&kp, m->v, m->n, sizeof(*m->v), ri_name_cmp);
	return r != NULL ? *r : NULL;
}

size_t
ri_mgr_count(const struct ri_mgr *m)
{
	return m->n;
}

struct ri *
ri_mgr_at(const struct ri_mgr *m, size_t i)
{
	return i < m->n ? m->v[i] : NULL;
}

const char *
ri_name(const struct ri *ri)
{
	return ri->name;
}

bool
ri_is_master(const struct ri *ri)
{
	return ri->master;
}

uint32_t
ri_index(const struct ri *ri)
{
	return ri->index;
}

const char *
ri_vn(const struct ri *ri)
{
	return ri->vn;
}

uint32_t
ri_vn_index(const struct ri *ri)
{
	return ri->vn_index;
}

uint32_t
ri_vxlan_id(const struct ri *ri)
{
	return ri->vxlan_id;
}

bool
ri_mirror_destination(const struct ri *ri)
{
	return ri->mirror_dest;
}

const uint64_t *
ri_import_rts(const struct ri *ri, size_t *n)
{
	*n = ri->nimport;
	return ri->import;
}

const uint64_t *
ri_export_rts(const struct ri *ri, size_t *n)
{
	*n = ri->nexport;
	return ri->export;
}

const char *const *
ri_connections(const struct ri *ri, size_t *n)
{
	*n = ri->nconns;
	return (const char *const *)ri->conns;
}

struct rt_table *
ri_table(const struct ri *ri, enum rt_family family)
{
	return (unsigned)family < RT_FAMILY_MAX ? ri->tables[family] : NULL;
}

struct ri *
ri_of_table(const struct rt_table *t)
{
	return rt_table_owner(t);
}

/* ------------------------------------------------------------------ */
/* Route-target groups                                                 */
/* ------------------------------------------------------------------ */

static struct rtgroup *
group_find(const struct ri_mgr *m, uint64_t rt)
{
	size_t lo = 0, hi = m->ngroups, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->groups[mid].rt == rt)
			return &m->groups[mid];
		if (m->groups[mid].rt < rt)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
group_push(struct ri ***v, size_t *n, size_t *cap, struct ri *ri)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = ri;
}

static int
group_cmp(const void *a, const void *b)
{
	return u64_cmp(
	    &((const struct rtgroup *)a)->rt, &((const struct rtgroup *)b)->rt);
}

static void
groups_build(struct ri_mgr *m)
{
	uint64_t *all = NULL;
	size_t i, j, n = 0, cap = 0;
	struct rtgroup *g;
	struct ri *ri;

	groups_free(m);
	for (i = 0; i < m->n; i++) {
		rts_add(&all, &n, &cap, m->v[i]->import, m->v[i]->nimport);
		rts_add(&all, &n, &cap, m->v[i]->export, m->v[i]->nexport);
	}
	n = u64_set(all, n);
	m->groups = xcalloc(n + 1, sizeof(*m->groups));
	for (i = 0; i < n; i++)
		m->groups[i].rt = all[i];
	m->ngroups = n;
	qsort(m->groups, n, sizeof(*m->groups), group_cmp);
	/* Instances are in name order, so each group's lists are too. */
	for (i = 0; i < m->n; i++) {
		ri = m->v[i];
		for (j = 0; j < ri->nimport; j++) {
			g = group_find(m, ri->import[j]);
			group_push(&g->imp, &g->nimp, &g->capimp, ri);
		}
		for (j = 0; j < ri->nexport; j++) {
			g = group_find(m, ri->export[j]);
			group_push(&g->exp, &g->nexp, &g->capexp, ri);
		}
	}
	free(all);
}

size_t
ri_mgr_rtgroup_count(const struct ri_mgr *m)
{
	return m->ngroups;
}

uint64_t
ri_mgr_rtgroup(const struct ri_mgr *m, size_t i, struct ri *const **importers,
    size_t *nimporters, struct ri *const **exporters, size_t *nexporters)
{
	const struct rtgroup *g = &m->groups[i];

	*importers = g->imp;
	*nimporters = g->nimp;
	*exporters = g->exp;
	*nexporters = g->nexp;
	return g->rt;
}

/* ------------------------------------------------------------------ */
/* Replication                                                         */
/* ------------------------------------------------------------------ */

static void
want_add(struct wants *w, struct rt_table *t, const struct rt_key *k,
    struct attr *attr)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < w->n; i++)
		if (w->v[i].table == t)
			return;
	if (w->n == nitems(w->v)) {
		log_warnx("replication: a path goes to more than %zu "
			  "instances; the rest get no copy",
		    nitems(w->v));
		return;
	}
	w->v[w->n].table = t;
	w->v[w->n].key = *k;
	w->v[w->n].attr = attr;
	w->v[w->n].done = false;
	w->n++;
}

static enum rt_family
vpn_family(enum rt_family f)
{
	return f == RT_INET ? RT_L3VPN : f == RT_INET6 ? RT_L3VPN6 : RT_EVPN;
}

static enum rt_family
vrf_family(enum rt_family f)
{
	return f == RT_L3VPN ? RT_INET : f == RT_L3VPN6 ? RT_INET6 : RT_EVPN;
}

/*
 * The attributes an instance path is exported with: its route targets
 * and OriginVn replaced by the instance's (+1 ref).
 */
static struct attr *
export_attr(const struct ri *ri, const struct attr *a)
{
	static uint64_t ecomm[ATTR_MAX_ECOMM];
	struct attr tmpl = *a;
	uint32_t asn, idx;
	size_t i, n = 0;

	for (i = 0; i < a->necomm && n < nitems(ecomm); i++)
		if (!ecomm_is_rt(a->ecomm[i]) &&
		    ecomm_get_origin_vn(a->ecomm[i], &asn, &idx) != 0)
			ecomm[n++] = a->ecomm[i];
	for (i = 0; i < ri->nexport && n < nitems(ecomm); i++)
		ecomm[n++] = ri->export[i];
	if (ri->vn_index != 0 && n < nitems(ecomm))
		ecomm[n++] = ecomm_origin_vn(ri->mgr->asn, ri->vn_index);
	tmpl.ecomm = ecomm;
	tmpl.necomm = (uint16_t)n;
	return attr_intern(&tmpl);
}

/* Adds the instances importing rt (but skip) to the wanted copies. */
static void
want_importers(struct wants *w, const struct ri_mgr *m, uint64_t rt,
    const struct ri *skip, enum rt_family family, const struct rt_key *k,
    struct attr *attr)
{
	const struct rtgroup *g = group_find(m, rt);
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nimp; i++)
		if (g->imp[i] != skip && !g->imp[i]->master)
			want_add(w, g->imp[i]->tables[family], k, attr);
}

static bool
same_key(const struct rt_entry *e, const struct rt_key *k)
{
	uint8_t a[RT_KEY_MAX], b[RT_KEY_MAX];
	struct rt_key ek;
	size_t na, nb;

	rt_entry_key(e, &ek);
	na = rt_key_encode(&ek, a);
	nb = rt_key_encode(k, b);
	return na == nb && memcmp(a, b, na) == 0;
}

/* Makes primary's copies exactly the wanted ones. */
static void
repl_sync(struct rt_path *primary, struct wants *w)
{
	struct rt_path *c, *next;
	size_t i;

	for (c = primary->repl; c != NULL; c = next) {
		next = rt_copy_next(c);
		for (i = 0; i < w->n; i++)
			if (!w->v[i].done &&
			    w->v[i].table == rt_copy_table(c) &&
			    same_key(rt_copy_entry(c), &w->v[i].key))
				break;
		if (i == w->n) {
			rt_copy_remove(c);
			continue;
		}
		w->v[i].done = true;
		rt_copy_update(c, w->v[i].attr);
	}
	for (i = 0; i < w->n; i++)
		if (!w->v[i].done)
			rt_copy_add(
			    w->v[i].table, &w->v[i].key, primary, w->v[i].attr);
}

/* The key a VRF path of ri with source RD rd (zero: the instance's own)
 * has in the master's VPN table. */
static void
vpn_key(const struct ri_mgr *m, const struct ri *ri, const struct rt_key *k,
    const struct rt_rd *rd, struct rt_key *vk)
{
	struct rt_rd r = *rd;

	if (rt_rd_is_zero(&r))
		rt_rd_make_ip(&r, m->router_id, (uint16_t)ri->index);
	rt_key_add_rd(k, &r, vk);
}

void
ri_mgr_prefetch(const struct ri_mgr *m, const struct ri *ri,
    const struct rt_key *k, const struct rt_rd *rd)
{
	struct rt_table *t = ri_table(ri, k->family), *vt;
	struct rt_key vk;

	if (t == NULL)
		return;
	rt_prefetch(t, k);
	if (ri->master || m->master == NULL ||
	    (k->family != RT_INET && k->family != RT_INET6 &&
		k->family != RT_EVPN) ||
	    (vt = ri_table(m->master, vpn_family(k->family))) == NULL)
		return;
	vpn_key(m, ri, k, rd, &vk); /* as repl_primary makes it */
	rt_prefetch(vt, &vk);
}

static void
repl_primary(
    struct rt_table *t, struct rt_entry *e, struct rt_path *p, void *arg)
{
	struct ri_mgr *m = arg;
	struct wants *w = m->wants;
	struct ri *ri = ri_of_table(t);
	enum rt_family f = rt_table_family(t);
	struct attr *xattr = NULL;
	struct rt_key k, vk;
	size_t i;

	if (w->busy)
		fatalx("%s: replication nested", __func__);
	w->busy = true;
	w->n = 0;
	rt_entry_key(e, &k);
	if (p->flags & RT_PATH_INFEASIBLE)
		goto sync;
	if (ri->master) {
		if (f != RT_L3VPN && f != RT_L3VPN6 && f != RT_EVPN)
			goto sync;
		rt_key_strip_rd(&k, &vk);
		for (i = 0; i < p->attr->necomm; i++)
			if (ecomm_is_rt(p->attr->ecomm[i]))
				want_importers(w, m, p->attr->ecomm[i], NULL,
				    vrf_family(f), &vk, p->attr);
		goto sync;
	}
	xattr = export_attr(ri, p->attr);
	vpn_key(m, ri, &k, &p->attr->source_rd, &vk);
	want_add(w, ri_mgr_master(m)->tables[vpn_family(f)], &vk, xattr);
	for (i = 0; i < ri->nexport; i++)
		want_importers(w, m, ri->export[i], ri, f, &k, xattr);
sync:
	repl_sync(p, w);
	attr_unref(xattr);
	w->busy = false;
}

/* ------------------------------------------------------------------ */
/* Applying a configuration                                            */
/* ------------------------------------------------------------------ */

static uint64_t
default_rt(uint32_t asn, uint32_t network_id)
{
	char buf[64];
	uint64_t rt;

	if (asn <= 65535)
		snprintf(buf, sizeof(buf), "target:%u:%u", asn,
		    RI_RT_BASE + network_id);
	else
		snprintf(buf, sizeof(buf), "target:%u:%u", asn,
		    RI_RT_BASE_AS4 + network_id);
	if (rtarget_parse(buf, &rt) != 0) {
		log_warnx("virtual network %u: no default route target "
			  "fits AS %u; give it one",
		    network_id, asn);
		return 0;
	}
	return rt;
}

static void
spec_conn(struct ri_spec *s, const char *other)
{
	size_t i;

	if (strcmp(s->name, other) == 0)
		return;
	for (i = 0; i < s->nconns; i++)
		if (strcmp(s->conns[i], other) == 0)
			return;
	if (s->nconns == s->capconns) {
		s->capconns = s->capconns ? s->capconns * 2 : 4;
		s->conns =
		    xreallocarray(s->conns, s->capconns, sizeof(*s->conns));
	}
	s->conns[s->nconns++] = xstrdup(other);
}

static struct ri_spec *
spec_find(struct ri_spec *specs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(specs[i].name, name) == 0)
			return &specs[i];
	return NULL;
}

static void
spec_connect(struct ri_spec *specs, size_t n, const char *a, const char *b)
{
	struct ri_spec *sa = spec_find(specs, n, a),
		       *sb = spec_find(specs, n, b);

	if (sa == NULL || sb == NULL || sa == sb)
		return;
	spec_conn(sa, b);
	spec_conn(sb, a);
}

/* addr matches the network vn a policy is attached to. */
static bool
addr_is(const struct schema_addr *addr, const char *vn)
{
	return addr->kind == SCHEMA_ADDR_ANY ||
	    addr->kind == SCHEMA_ADDR_LOCAL ||
	    (addr->kind == SCHEMA_ADDR_VN && strcmp(addr->vn.name, vn) == 0);
}

static bool
side_has(const struct schema_addr *v, size_t n, const char *vn, bool named)
{
	size_t i;

	if (n == 0) /* no addresses: any */
		return !named;
	for (i = 0; i < n; i++) {
		if (named ? (v[i].kind == SCHEMA_ADDR_VN &&
				strcmp(v[i].vn.name, vn) == 0)
			  : addr_is(&v[i], vn))
			return true;
	}
	return false;
}

/*
 * Network a lets network b talk to it: one of a's policies has a pass
 * rule with a on one side and b named on the other.  "any" names no
 * network: a connection needs both networks to name each other
 * (Contrail's schema transformer).
 */
static bool
vn_allows(
    const struct schema_config *cfg, const struct schema_vn *a, const char *b)
{
	const struct schema_policy *p;
	const struct schema_rule *r;
	size_t i, j;

	for (i = 0; i < a->npolicies; i++) {
		p = (const struct schema_policy *)schema_config_lookup(
		    cfg, SCHEMA_NETWORK_POLICY, a->policies[i].name);
		if (p == NULL)
			continue;
		for (j = 0; j < p->nrules; j++) {
			r = &p->rules[j];
			if (!r->pass)
				continue;
			if ((side_has(r->src, r->nsrc, a->obj.name, false) &&
				side_has(r->dst, r->ndst, b, true)) ||
			    (side_has(r->dst, r->ndst, a->obj.name, false) &&
				side_has(r->src, r->nsrc, b, true)))
				return true;
		}
	}
	return false;
}

/* Connects a and b when each lets the other talk to it. */
static void
policy_pair(const struct schema_config *cfg, struct ri_spec *specs, size_t n,
    const struct schema_vn *a, const char *b_name)
{
	const struct schema_vn *b;
	char ra[SCHEMA_RI_NAME_MAX], rb[SCHEMA_RI_NAME_MAX];

	b = (const struct schema_vn *)schema_config_lookup(
	    cfg, SCHEMA_VIRTUAL_NETWORK, b_name);
	if (b == NULL || b == a || !vn_allows(cfg, b, a->obj.name))
		return;
	spec_connect(specs, n, schema_vn_ri_name(a, ra, sizeof(ra)),
	    schema_vn_ri_name(b, rb, sizeof(rb)));
}

/* For each network, the networks its pass rules name are candidates. */
static void
policy_connections(
    const struct schema_config *cfg, struct ri_spec *specs, size_t n)
{
	const struct schema_policy *p;
	const struct schema_rule *r;
	const struct schema_vn *a;
	size_t i, j, k, x;

	for (i = 0; i < n; i++) {
		a = specs[i].vn;
		for (j = 0; j < a->npolicies; j++) {
			p = (const struct schema_policy *)schema_config_lookup(
			    cfg, SCHEMA_NETWORK_POLICY, a->policies[j].name);
			for (k = 0; p != NULL && k < p->nrules; k++) {
				r = &p->rules[k];
				if (!r->pass)
					continue;
				if (side_has(
					r->src, r->nsrc, a->obj.name, false))
					for (x = 0; x < r->ndst; x++)
						if (r->dst[x].kind ==
						    SCHEMA_ADDR_VN)
							policy_pair(cfg, specs,
							    n, a,
							    r->dst[x].vn.name);
				if (side_has(
					r->dst, r->ndst, a->obj.name, false))
					for (x = 0; x < r->nsrc; x++)
						if (r->src[x].kind ==
						    SCHEMA_ADDR_VN)
							policy_pair(cfg, specs,
							    n, a,
							    r->src[x].vn.name);
			}
		}
	}
}

/* A mirror from network vn to an analyzer in another instance. */
static void
mirror_connect(const struct schema_config *cfg, struct ri_spec *specs, size_t n,
    const char *vn_name, const struct cn_mirror *r)
{
	const struct schema_vn *vn;
	char ri[SCHEMA_RI_NAME_MAX];

	if (r == NULL || !r->resolved || r->ri == NULL)
		return;
	vn = (const struct schema_vn *)schema_config_lookup(
	    cfg, SCHEMA_VIRTUAL_NETWORK, vn_name);
	if (vn != NULL)
		spec_connect(
		    specs, n, schema_vn_ri_name(vn, ri, sizeof(ri)), r->ri);
}

static void
mirror_connections(const struct schema_config *cfg,
    const struct cn_mirrors *mirrors, struct ri_spec *specs, size_t n)
{
	const struct schema_vmi *vmi;
	const struct schema_policy *p;
	const struct schema_vn *vn;
	char name[300];
	size_t i, j, k;

	for (i = 0;
	     i < schema_config_count(cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE);
	     i++) {
		vmi = (const struct schema_vmi *)schema_config_at(
		    cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, i);
		if (vmi->has_mirror)
			mirror_connect(cfg, specs, n, vmi->vn.name,
			    cn_mirrors_find(
				mirrors, CN_MIRROR_INTERFACE, vmi->obj.name));
	}
	/* A policy's mirrors connect every network the policy is on. */
	for (i = 0; i < n; i++) {
		vn = specs[i].vn;
		for (j = 0; j < vn->npolicies; j++) {
			p = (const struct schema_policy *)schema_config_lookup(
			    cfg, SCHEMA_NETWORK_POLICY, vn->policies[j].name);
			if (p == NULL)
				continue;
			if (p->has_mirror)
				mirror_connect(cfg, specs, n, vn->obj.name,
				    cn_mirrors_find(mirrors, CN_MIRROR_POLICY,
					p->obj.name));
			for (k = 0; k < p->nrules; k++) {
				if (!p->rules[k].has_mirror)
					continue;
				snprintf(name, sizeof(name), "%s#%zu",
				    p->obj.name, k + 1);
				mirror_connect(cfg, specs, n, vn->obj.name,
				    cn_mirrors_find(
					mirrors, CN_MIRROR_RULE, name));
			}
		}
	}
}

static void
specs_free(struct ri_spec *specs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(specs[i].import);
		free(specs[i].export);
		for (j = 0; j < specs[i].nconns; j++)
			free(specs[i].conns[j]);
		free(specs[i].conns);
	}
	free(specs);
}

static struct ri_spec *
specs_build(const struct schema_config *cfg, const struct cn_mirrors *mirrors,
    uint32_t asn, size_t *np)
{
	size_t i, j, n = schema_config_count(cfg, SCHEMA_VIRTUAL_NETWORK);
	size_t capexport;
	const struct schema_vn *vn;
	struct ri_spec *specs, *s, *o;
	uint64_t def;

	specs = xcalloc(n + 1, sizeof(*specs));
	for (i = 0; i < n; i++) {
		s = &specs[i];
		vn = (const struct schema_vn *)schema_config_at(
		    cfg, SCHEMA_VIRTUAL_NETWORK, i);
		s->vn = vn;
		schema_vn_ri_name(vn, s->name, sizeof(s->name));
		capexport = 0;
		rts_add(
		    &s->import, &s->nimport, &s->capimport, vn->rt, vn->nrt);
		rts_add(&s->import, &s->nimport, &s->capimport, vn->import_rt,
		    vn->nimport_rt);
		rts_add(&s->export, &s->nexport, &capexport, vn->rt, vn->nrt);
		rts_add(&s->export, &s->nexport, &capexport, vn->export_rt,
		    vn->nexport_rt);
		/* The default target, when the network exports none. */
		if (s->nexport == 0 &&
		    (def = default_rt(asn, vn->network_id)) != 0) {
			rts_add(
			    &s->import, &s->nimport, &s->capimport, &def, 1);
			rts_add(&s->export, &s->nexport, &capexport, &def, 1);
		}
		s->nexport = u64_set(s->export, s->nexport);
	}
	policy_connections(cfg, specs, n);
	mirror_connections(cfg, mirrors, specs, n);
	/* Each instance imports what the instances it is connected to export. */
	for (i = 0; i < n; i++) {
		s = &specs[i];
		for (j = 0; j < s->nconns; j++) {
			o = spec_find(specs, n, s->conns[j]);
			if (o != NULL)
				rts_add(&s->import, &s->nimport, &s->capimport,
				    o->export, o->nexport);
		}
		s->nimport = u64_set(s->import, s->nimport);
		if (s->nconns > 1)
			qsort(s->conns, s->nconns, sizeof(*s->conns), str_cmp);
	}
	*np = n;
	return specs;
}

/* What an apply needs to remember of an instance to see what changed. */
struct before {
	struct ri *ri;
	uint64_t *export;
	size_t nexport;
	uint32_t index, vn_index;
};

static bool
exports_changed_rt(const struct ri *ri, const uint64_t *changed, size_t n)
{
	size_t i;

	for (i = 0; i < ri->nexport; i++)
		if (u64_has(changed, n, ri->export[i]))
			return true;
	return false;
}

/* Targets whose set of importing instances differs between two group
 * tables (old: a copy taken before the rebuild). */
static uint64_t *
changed_rts(
    const struct rtgroup *old, size_t nold, const struct ri_mgr *m, size_t *n)
{
	uint64_t *v = xcalloc(nold + m->ngroups + 1, sizeof(*v));
	const struct rtgroup *g;
	size_t i, k = 0;

	for (i = 0; i < nold; i++) {
		g = group_find(m, old[i].rt);
		if (g == NULL || g->nimp != old[i].nimp ||
		    (g->nimp > 0 &&
			memcmp(g->imp, old[i].imp, g->nimp * sizeof(*g->imp)) !=
			    0))
			v[k++] = old[i].rt;
	}
	for (i = 0; i < m->ngroups; i++) {
		g = &m->groups[i];
		if (g->nimp == 0)
			continue;
		/* New targets: absent before. */
		if (nold == 0 ||
		    bsearch(g, old, nold, sizeof(*old), group_cmp) == NULL)
			v[k++] = g->rt;
	}
	*n = u64_set(v, k);
	return v;
}

/* Re-replicates a VPN primary only when one of its targets changed. */
struct rerepl {
	struct ri_mgr *m;
	const uint64_t *changed;
	size_t nchanged;
};

static void
rerepl_vpn(struct rt_table *t, struct rt_entry *e, struct rt_path *p, void *arg)
{
	const struct rerepl *rr = arg;
	size_t i;

	for (i = 0; i < p->attr->necomm; i++)
		if (ecomm_is_rt(p->attr->ecomm[i]) &&
		    u64_has(rr->changed, rr->nchanged, p->attr->ecomm[i]))
			break;
	if (i < p->attr->necomm)
		repl_primary(t, e, p, rr->m);
}

static void
rerepl_all(struct rt_table *t, struct rt_entry *e, struct rt_path *p, void *arg)
{
	repl_primary(t, e, p, ((const struct rerepl *)arg)->m);
}

static void
retire(struct ri_mgr *m, struct ri *ri)
{
	size_t i;

	for (i = 0; i < RT_FAMILY_MAX; i++)
		if (ri->tables[i] != NULL)
			rt_table_clear(ri->tables[i]);
	m->zombies =
	    xreallocarray(m->zombies, m->nzombies + 1, sizeof(*m->zombies));
	m->zombies[m->nzombies++] = ri;
}

/* Frees the retired instances nobody listens to any more. */
static void
reap(struct ri_mgr *m)
{
	size_t i, k = 0;

	for (i = 0; i < m->nzombies; i++) {
		if (ri_empty(m->zombies[i]))
			ri_free(m->zombies[i]);
		else
			m->zombies[k++] = m->zombies[i];
	}
	m->nzombies = k;
}

static void
ri_set(struct ri *ri, struct ri_spec *s)
{
	size_t i;

	ri->index = s->vn->network_id;
	free(ri->vn);
	ri->vn = xstrdup(s->vn->obj.name);
	ri->vn_index = s->vn->network_id;
	ri->vxlan_id = schema_vn_vxlan_id(s->vn);
	ri->mirror_dest = s->vn->mirror_destination;
	free(ri->import);
	free(ri->export);
	ri->import = s->import;
	ri->nimport = s->nimport;
	ri->export = s->export;
	ri->nexport = s->nexport;
	s->import = s->export = NULL;
	for (i = 0; i < ri->nconns; i++)
		free(ri->conns[i]);
	free(ri->conns);
	ri->conns = s->conns;
	ri->nconns = s->nconns;
	s->conns = NULL;
	s->nconns = 0;
}

void
ri_mgr_apply(struct ri_mgr *m, const struct schema_config *cfg,
    const struct cn_mirrors *mirrors, uint32_t asn, uint32_t router_id)
{
	struct ri_spec *specs;
	struct before *before;
	struct rtgroup *oldg;
	struct rerepl rr = {.m = m};
	struct ri **live, *ri, *master;
	uint64_t *changed;
	size_t n, nold, noldg, i, j, k, nchanged;
	bool node_changed;
	unsigned f;

	node_changed = m->asn != asn || m->router_id != router_id;
	m->asn = asn;
	m->router_id = router_id;
	specs = specs_build(cfg, mirrors, asn, &n);

	/* Remember what replication depends on. */
	nold = m->n;
	before = xcalloc(nold + 1, sizeof(*before));
	for (i = 0; i < nold; i++) {
		ri = m->v[i];
		before[i].ri = ri;
		before[i].export =
		    xcalloc(ri->nexport + 1, sizeof(*ri->export));
		if (ri->nexport > 0)
			memcpy(before[i].export, ri->export,
			    ri->nexport * sizeof(*ri->export));
		before[i].nexport = ri->nexport;
		before[i].index = ri->index;
		before[i].vn_index = ri->vn_index;
	}
	oldg = m->groups;
	noldg = m->ngroups;
	m->groups = NULL;
	m->ngroups = 0;

	/* New instance list: the master, then one per network. */
	master = ri_mgr_master(m);
	live = xcalloc(n + 1, sizeof(*live));
	live[0] = master;
	for (i = 0; i < n; i++) {
		ri = ri_mgr_lookup(m, specs[i].name);
		if (ri == NULL)
			ri = ri_new(m, specs[i].name, false);
		ri_set(ri, &specs[i]);
		live[i + 1] = ri;
	}
	/* Instances no longer configured go (their routes first). */
	for (i = 0; i < nold; i++) {
		ri = m->v[i];
		for (j = 0; j < n + 1; j++)
			if (live[j] == ri)
				break;
		if (j == n + 1)
			retire(m, ri);
	}
	free(m->v);
	m->v = live;
	m->n = n + 1;
	qsort(m->v, m->n, sizeof(*m->v), ri_name_cmp);
	groups_build(m);

	/* Re-replicate what the change touches, and nothing else. */
	changed = changed_rts(oldg, noldg, m, &nchanged);
	rr.changed = changed;
	rr.nchanged = nchanged;
	for (i = 0; i < m->n; i++) {
		ri = m->v[i];
		if (ri->master)
			continue;
		for (k = 0; k < nold && before[k].ri != ri; k++)
			;
		if (!node_changed && k < nold &&
		    u64_eq(before[k].export, before[k].nexport, ri->export,
			ri->nexport) &&
		    before[k].index == ri->index &&
		    before[k].vn_index == ri->vn_index &&
		    !exports_changed_rt(ri, changed, nchanged))
			continue;
		for (f = 0; f < RT_FAMILY_MAX; f++)
			if (ri->tables[f] != NULL)
				rt_table_walk(ri->tables[f], rerepl_all, &rr);
	}
	if (nchanged > 0)
		for (f = 0; f < RT_FAMILY_MAX; f++)
			if (master->tables[f] != NULL)
				rt_table_walk(
				    master->tables[f], rerepl_vpn, &rr);
	reap(m);

	free(changed);
	for (i = 0; i < noldg; i++) {
		free(oldg[i].imp);
		free(oldg[i].exp);
	}
	free(oldg);
	for (i = 0; i < nold; i++)
		free(before[i].export);
	free(before);
	specs_free(specs, n);
}
