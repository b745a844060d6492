/*
 * cn_pages.c - the control node's introspect pages (GET): status,
 * routing instances, routes with filters and paging, route-target groups,
 * mirror resolutions and the configuration objects.  Each handler reads
 * the routing core and the config store and fills a page; common/page.c
 * renders it as JSON, HTML or text.  Read only: nothing here changes a
 * table.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROUTES_LIMIT_DEFAULT 100
#define ROUTES_LIMIT_MAX     10000
#define ROUTES_SORT_MAX      200000 /* above: change order, unsorted */

static const char *
rt_text(uint64_t rt, char *buf, size_t len)
{
	return rtarget_print(rt, buf, len);
}

/* A list cell of route targets. */
static void
cell_rts(struct page *p, const uint64_t *v, size_t n)
{
	char(*bufs)[RTARGET_STRLEN] = xcalloc(n + 1, sizeof(*bufs));
	const char **items = xcalloc(n + 1, sizeof(*items));
	size_t i;

	for (i = 0; i < n; i++)
		items[i] = rt_text(v[i], bufs[i], sizeof(bufs[i]));
	page_list(p, items, n);
	free(items);
	free(bufs);
}

static long
statm_rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, rss = 0;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
status_page(const struct intro_req *req, struct page *p, void *arg)
{
	struct cn_node *node = arg;
	const struct cn_config *store = cn_node_config(node);
	const struct schema_config *cfg = cn_config_running(store);
	struct ri_mgr *m = cn_node_ri_mgr(node);
	struct ht_stats st;
	struct ipaddr rid = {.af = AF_INET};
	uint64_t prefixes = 0, paths = 0, tables = 0;
	char buf[512];
	struct ri *ri;
	size_t i;
	unsigned f;
	long rss;

	(void)req;
	for (i = 0; i < ri_mgr_count(m); i++) {
		ri = ri_mgr_at(m, i);
		for (f = 0; f < RT_FAMILY_MAX; f++) {
			if (ri_table(ri, f) == NULL)
				continue;
			tables++;
			prefixes += rt_table_prefixes(ri_table(ri, f));
			paths += rt_table_paths(ri_table(ri, f));
		}
	}
	page_meta_str(p, "version", PACKAGE_VERSION);
	page_meta_u64(p, "pid", (uint64_t)getpid());
	page_meta_u64(p, "uptime-seconds", cn_node_uptime(node));
	page_meta_str(p, "config-source", cn_config_source(store));
	page_meta_u64(p, "config-generation", cn_config_generation(store));
	page_meta_str(p, "config-objects",
	    cfg != NULL ? cn_config_summary(cfg, buf, sizeof(buf)) : "none");
	page_meta_u64(p, "autonomous-system", cn_node_asn(node));
	rid.u.v4.s_addr = htonl(cn_node_router_id(node));
	page_meta_str(p, "router-id", ipaddr_print(&rid, buf, sizeof(buf)));
	page_meta_u64(p, "routing-instances", ri_mgr_count(m));
	page_meta_u64(p, "tables", tables);
	page_meta_u64(p, "prefixes", prefixes);
	page_meta_u64(p, "paths", paths);
	attr_stats(&st);
	page_meta_u64(p, "attribute-sets", st.count);
	page_meta_u64(p, "attribute-buckets", st.nbuckets);
	page_meta_u64(p, "attribute-longest-chain", st.max_chain);
	if ((rss = statm_rss_kib()) >= 0)
		page_meta_u64(p, "rss-kib", (uint64_t)rss);
}

static const char *const ri_columns[] = {"name", "virtual-network", "vn-index",
    "vxlan-id", "mirror-destination", "import-targets", "export-targets",
    "connections", "prefixes", "paths"};

static void
ri_row(struct page *p, const struct ri *ri)
{
	const char *const *conns;
	const uint64_t *rts;
	char href[SCHEMA_RI_NAME_MAX + 64];
	size_t n, prefixes = 0, paths = 0;
	unsigned f;

	for (f = 0; f < RT_FAMILY_MAX; f++) {
		if (ri_table(ri, f) == NULL)
			continue;
		prefixes += rt_table_prefixes(ri_table(ri, f));
		paths += rt_table_paths(ri_table(ri, f));
	}
	page_row(p);
	snprintf(href, sizeof(href), "/routing-instances/%s", ri_name(ri));
	page_link(p, ri_name(ri), href);
	page_str(p, ri_vn(ri));
	page_u64(p, ri_vn_index(ri));
	page_u64(p, ri_vxlan_id(ri));
	page_bool(p, ri_mirror_destination(ri));
	rts = ri_import_rts(ri, &n);
	cell_rts(p, rts, n);
	rts = ri_export_rts(ri, &n);
	cell_rts(p, rts, n);
	conns = ri_connections(ri, &n);
	page_list(p, conns, n);
	page_u64(p, prefixes);
	page_u64(p, paths);
}

static void
instances_page(const struct intro_req *req, struct page *p, void *arg)
{
	static const char *const table_columns[] = {
	    "table", "family", "prefixes", "paths", "changes"};
	struct ri_mgr *m = cn_node_ri_mgr(arg);
	const char *name = intro_req_subpath(req);
	struct rt_table *t;
	char href[SCHEMA_RI_NAME_MAX + 64];
	struct ri *ri;
	size_t i;
	unsigned f;

	if (name[0] == '\0') {
		page_table(
		    p, "routing-instances", ri_columns, nitems(ri_columns));
		for (i = 0; i < ri_mgr_count(m); i++)
			ri_row(p, ri_mgr_at(m, i));
		return;
	}
	if ((ri = ri_mgr_lookup(m, name)) == NULL) {
		page_error(p, 404, "no routing instance named %s", name);
		return;
	}
	page_meta_str(p, "name", ri_name(ri));
	page_meta_u64(p, "index", ri_index(ri));
	page_table(p, "routing-instance", ri_columns, nitems(ri_columns));
	ri_row(p, ri);
	page_table(p, "tables", table_columns, nitems(table_columns));
	for (f = 0; f < RT_FAMILY_MAX; f++) {
		if ((t = ri_table(ri, f)) == NULL)
			continue;
		page_row(p);
		snprintf(
		    href, sizeof(href), "/routes?table=%s", rt_table_name(t));
		page_link(p, rt_table_name(t), href);
		page_str(p, rt_family_name(f));
		page_u64(p, rt_table_prefixes(t));
		page_u64(p, rt_table_paths(t));
		page_u64(p, rt_table_seq(t));
	}
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

struct rmatch {
	const struct rt_entry *e;
	uint8_t key[RT_KEY_MAX];
	uint8_t keylen;
};

struct rquery {
	const char *table, *family_s, *prefix, *source;
	bool longer;
	enum rt_family family;
	bool has_family;
	size_t offset, limit;
	struct rmatch *v;
	size_t n, cap;
};

static int
parse_size(const char *s, size_t max, size_t *v)
{
	char *end;
	unsigned long long x;

	if (s == NULL)
		return 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	x = strtoull(s, &end, 10);
	if (*end != '\0' || x > max)
		return -EINVAL;
	*v = (size_t)x;
	return 0;
}

static bool
entry_has_source(const struct rt_entry *e, const char *source)
{
	const struct rt_path *path;

	for (path = rt_entry_paths(e); path != NULL; path = path->next)
		if (strcmp(path->src->name, source) == 0)
			return true;
	return false;
}

static void
match_table(struct rquery *q, struct rt_table *t)
{
	const struct rt_entry *e;
	struct rt_key fk, ek;
	uint8_t fbuf[RT_KEY_MAX], kbuf[RT_KEY_MAX];
	size_t flen = 0, klen;
	struct rmatch *m;

	if (q->table != NULL && strcmp(q->table, rt_table_name(t)) != 0)
		return;
	if (q->has_family && q->family != rt_table_family(t))
		return;
	if (q->prefix != NULL) {
		/* A prefix that is not of this table's family: no match. */
		if (rt_key_parse(rt_table_family(t), q->prefix, &fk) != 0)
			return;
		flen = rt_key_encode(&fk, fbuf);
	}
	for (e = rt_table_first(t); e != NULL; e = rt_table_next(e)) {
		if (rt_entry_paths(e) == NULL)
			continue;
		rt_entry_key(e, &ek);
		klen = rt_key_encode(&ek, kbuf);
		if (q->prefix != NULL &&
		    (q->longer ? !rt_key_within(&ek, &fk)
			       : klen != flen || memcmp(kbuf, fbuf, klen) != 0))
			continue;
		if (q->source != NULL && !entry_has_source(e, q->source))
			continue;
		if (q->n == q->cap) {
			q->cap = q->cap ? q->cap * 2 : 256;
			q->v = xreallocarray(q->v, q->cap, sizeof(*q->v));
		}
		m = &q->v[q->n++];
		m->e = e;
		m->keylen = (uint8_t)klen;
		memcpy(m->key, kbuf, klen);
	}
}

static int
rmatch_cmp(const void *a, const void *b)
{
	const struct rmatch *x = a, *y = b;
	int c;

	c = strcmp(rt_table_name(rt_entry_table(x->e)),
	    rt_table_name(rt_entry_table(y->e)));
	if (c != 0)
		return c;
	c = memcmp(x->key, y->key, MIN(x->keylen, y->keylen));
	if (c != 0)
		return c;
	return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static void
path_flags(const struct rt_path *path, const char **items, size_t *n)
{
	*n = 0;
	if (path->flags & RT_PATH_SECONDARY)
		items[(*n)++] = "secondary";
	if (path->flags & RT_PATH_STALE)
		items[(*n)++] = "stale";
	if (path->flags & RT_PATH_LLGR_STALE)
		items[(*n)++] = "llgr-stale";
	if (path->flags & RT_PATH_INFEASIBLE)
		items[(*n)++] = "infeasible";
}

static void
path_row(struct page *p, const struct rt_entry *e, const char *prefix,
    const struct rt_path *path)
{
	const struct attr *a = path->attr;
	char nh[IPADDR_STRLEN], aspath[512], rd[RT_RD_STRLEN];
	char(*ec)[ECOMM_STRLEN];
	const char **items, *flags[4];
	size_t i, nflags;

	page_row(p);
	page_str(p, rt_table_name(rt_entry_table(e)));
	page_str(p, prefix);
	page_str(p, rt_source_type_name(path->src->type));
	page_str(p, path->src->name);
	page_bool(p, path->flags & RT_PATH_BEST);
	page_bool(p, path->flags & RT_PATH_ECMP);
	page_str(p,
	    a->nexthop.af != 0 ? ipaddr_print(&a->nexthop, nh, sizeof(nh))
			       : NULL);
	page_u64(p, path->label);
	page_u64(p, attr_local_pref(a));
	if (a->flags & ATTR_F_MED)
		page_u64(p, a->med);
	else
		page_empty(p);
	page_str(p, attr_aspath_print(a, aspath, sizeof(aspath)));
	page_str(p,
	    rt_rd_is_zero(&a->source_rd)
		? NULL
		: rt_rd_print(&a->source_rd, rd, sizeof(rd)));
	ec = xcalloc(a->necomm + a->ncomm + 1, sizeof(*ec));
	items = xcalloc(a->necomm + a->ncomm + 1, sizeof(*items));
	for (i = 0; i < a->necomm; i++)
		items[i] = ecomm_print(a->ecomm[i], ec[i], sizeof(ec[i]));
	for (i = 0; i < a->ncomm; i++) {
		snprintf(ec[a->necomm + i], sizeof(ec[0]), "%u:%u",
		    a->comm[i] >> 16, a->comm[i] & 0xffff);
		items[a->necomm + i] = ec[a->necomm + i];
	}
	page_list(p, items, a->necomm + a->ncomm);
	free(items);
	free(ec);
	path_flags(path, flags, &nflags);
	page_list(p, flags, nflags);
}

static void
routes_page(const struct intro_req *req, struct page *p, void *arg)
{
	static const char *const columns[] = {"table", "prefix", "protocol",
	    "source", "best", "ecmp", "next-hop", "label", "local-pref", "med",
	    "as-path", "source-rd", "communities", "flags"};
	struct ri_mgr *m = cn_node_ri_mgr(arg);
	struct rquery q;
	const char *instance = intro_req_arg(req, "instance");
	const struct rt_path *path;
	struct rt_key k;
	char prefix[RT_KEY_STRLEN];
	struct ri *ri;
	size_t i, end;
	unsigned f;

	memset(&q, 0, sizeof(q));
	q.table = intro_req_arg(req, "table");
	q.prefix = intro_req_arg(req, "prefix");
	q.source = intro_req_arg(req, "source");
	q.longer = intro_req_arg(req, "longer") != NULL &&
	    strcmp(intro_req_arg(req, "longer"), "0") != 0;
	q.limit = ROUTES_LIMIT_DEFAULT;
	if ((q.family_s = intro_req_arg(req, "family")) != NULL) {
		if (rt_family_parse(q.family_s, &q.family) != 0) {
			page_error(p, 400,
			    "unknown family '%s' (inet, inet6, "
			    "evpn, l3vpn, l3vpn-inet6, rtarget)",
			    q.family_s);
			return;
		}
		q.has_family = true;
	}
	if (parse_size(intro_req_arg(req, "offset"), SIZE_MAX / 2, &q.offset) !=
		0 ||
	    parse_size(
		intro_req_arg(req, "limit"), ROUTES_LIMIT_MAX, &q.limit) != 0) {
		page_error(p, 400,
		    "offset and limit are numbers; limit is at "
		    "most %d",
		    ROUTES_LIMIT_MAX);
		return;
	}
	if (instance != NULL && ri_mgr_lookup(m, instance) == NULL) {
		page_error(p, 404, "no routing instance named %s", instance);
		return;
	}
	for (i = 0; i < ri_mgr_count(m); i++) {
		ri = ri_mgr_at(m, i);
		if (instance != NULL && strcmp(instance, ri_name(ri)) != 0)
			continue;
		for (f = 0; f < RT_FAMILY_MAX; f++)
			if (ri_table(ri, f) != NULL)
				match_table(&q, ri_table(ri, f));
	}
	if (q.n <= ROUTES_SORT_MAX)
		if (q.n > 1)
			qsort(q.v, q.n, sizeof(*q.v), rmatch_cmp);
	page_meta_u64(p, "total", q.n);
	page_meta_u64(p, "offset", q.offset);
	page_meta_u64(p, "limit", q.limit);
	page_meta_str(
	    p, "order", q.n <= ROUTES_SORT_MAX ? "table, key" : "change");
	page_table(p, "routes", columns, nitems(columns));
	end = q.offset + q.limit < q.n ? q.offset + q.limit : q.n;
	for (i = q.offset; i < end; i++) {
		rt_entry_key(q.v[i].e, &k);
		rt_key_print(&k, prefix, sizeof(prefix));
		for (path = rt_entry_paths(q.v[i].e); path != NULL;
		     path = path->next)
			path_row(p, q.v[i].e, prefix, path);
	}
	free(q.v);
}

static void
rtgroups_page(const struct intro_req *req, struct page *p, void *arg)
{
	static const char *const columns[] = {
	    "route-target", "importers", "exporters"};
	struct ri_mgr *m = cn_node_ri_mgr(arg);
	struct ri *const *imp, *const *exp;
	const char **names;
	char buf[RTARGET_STRLEN];
	size_t i, j, nimp, nexp;
	uint64_t rt;

	(void)req;
	page_table(p, "rt-groups", columns, nitems(columns));
	for (i = 0; i < ri_mgr_rtgroup_count(m); i++) {
		rt = ri_mgr_rtgroup(m, i, &imp, &nimp, &exp, &nexp);
		page_row(p);
		page_str(p, rtarget_print(rt, buf, sizeof(buf)));
		names = xcalloc(MAX(nimp, nexp) + 1, sizeof(*names));
		for (j = 0; j < nimp; j++)
			names[j] = ri_name(imp[j]);
		page_list(p, names, nimp);
		for (j = 0; j < nexp; j++)
			names[j] = ri_name(exp[j]);
		page_list(p, names, nexp);
		free(names);
	}
}

static const char *
mode_text(const struct schema_mirror_mode *m, char *buf, size_t len)
{
	if (m->nh_mode == SCHEMA_NH_STATIC)
		snprintf(buf, len, "static vxlan vni %u", m->static_nh.vni);
	else if (m->juniper_header)
		snprintf(
		    buf, len, "dynamic, juniper header, udp %u", m->udp_port);
	else
		snprintf(buf, len, "dynamic, no header");
	return buf;
}

static void
mirrors_page(const struct intro_req *req, struct page *p, void *arg)
{
	static const char *const columns[] = {"kind", "name", "via", "resolved",
	    "analyzer", "ip", "mac", "routing-instance", "virtual-network",
	    "virtual-router", "mode", "reason"};
	const struct cn_mirrors *ms = cn_node_mirrors(arg);
	const struct cn_mirror *r;
	char ip[IPADDR_STRLEN], mac[MACADDR_STRLEN], mode[64];
	size_t i;

	(void)req;
	page_table(p, "mirror-destinations", columns, nitems(columns));
	for (i = 0; i < ms->n; i++) {
		r = &ms->v[i];
		page_row(p);
		page_str(p, cn_mirror_kind_name(r->kind));
		page_str(p, r->name);
		page_str(p, r->via);
		page_bool(p, r->resolved);
		page_str(p, r->analyzer);
		page_str(
		    p, r->has_ip ? ipaddr_print(&r->ip, ip, sizeof(ip)) : NULL);
		page_str(p,
		    r->has_mac ? macaddr_print(&r->mac, mac, sizeof(mac))
			       : NULL);
		page_str(p, r->ri);
		page_str(p, r->vn);
		page_str(p, r->vrouter);
		page_str(p,
		    r->kind == CN_MIRROR_TAP_SERVICE
			? (r->enabled ? "tap, enabled" : "tap, disabled")
			: mode_text(&r->mode, mode, sizeof(mode)));
		page_str(p, r->reason);
	}
}

/* GET /config, /config/TYPE, /config/TYPE/NAME. */
static void
config_page(const struct intro_req *req, struct page *p, void *arg)
{
	static const char *const type_columns[] = {"type", "objects"};
	static const char *const obj_columns[] = {"name", "source", "line"};
	const struct schema_config *cfg;
	const struct schema_obj *obj;
	const char *sub = intro_req_subpath(req), *slash;
	enum schema_type type;
	char tname[64], href[SCHEMA_RI_NAME_MAX + 96];
	struct wbuf out;
	size_t i, n;
	unsigned t;

	cfg = cn_config_running(cn_node_config(arg));
	if (cfg == NULL) {
		page_error(p, 503, "no configuration loaded");
		return;
	}
	if (sub[0] == '\0') {
		page_table(p, "config", type_columns, nitems(type_columns));
		for (t = 0; t < SCHEMA_TYPE_MAX; t++) {
			page_row(p);
			snprintf(href, sizeof(href), "/config/%s",
			    schema_type_name(t));
			page_link(p, schema_type_name(t), href);
			page_u64(p, schema_config_count(cfg, t));
		}
		return;
	}
	slash = strchr(sub, '/');
	n = slash != NULL ? (size_t)(slash - sub) : strlen(sub);
	snprintf(tname, sizeof(tname), "%.*s", (int)MIN(n, 63), sub);
	if (n >= sizeof(tname) || schema_type_parse(tname, &type) != 0) {
		page_error(
		    p, 404, "unknown object type '%.*s'", (int)MIN(n, 64), sub);
		return;
	}
	if (slash == NULL || slash[1] == '\0') {
		n = schema_config_count(cfg, type);
		page_table(p, tname, obj_columns, nitems(obj_columns));
		for (i = 0; i < n; i++) {
			obj = schema_config_at(cfg, type, i);
			page_row(p);
			snprintf(href, sizeof(href), "/config/%s/%s", tname,
			    obj->name);
			page_link(p, obj->name, href);
			page_str(p, obj->source);
			page_u64(p, obj->line);
		}
		return;
	}
	obj = schema_config_lookup(cfg, type, slash + 1);
	if (obj == NULL) {
		page_error(p, 404, "no %s named '%s'", tname, slash + 1);
		return;
	}
	wbuf_init_dyn(&out, SCHEMA_MAX_FILE_SIZE);
	wbuf_put_str(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (schema_obj_print(obj, &out, 0) != 0)
		page_error(p, 500, "object too large to print");
	else
		page_raw(p, "application/xml", out.data, out.len);
	wbuf_fini(&out);
}

void
cn_pages_register(struct intro *in, struct cn_node *node)
{
	intro_route(in, "GET", "/status", "process status", status_page, node);
	intro_route(in, "GET", "/routing-instances",
	    "routing instances, their targets, connections and tables",
	    instances_page, node);
	intro_route(in, "GET", "/routes",
	    "routes (instance=, table=, family=, prefix=, longer=1, source=, "
	    "offset=, limit=)",
	    routes_page, node);
	intro_route(in, "GET", "/rt-groups",
	    "route targets: who imports and exports each", rtgroups_page, node);
	intro_route(in, "GET", "/mirror-destinations",
	    "how every mirror resolves to its analyzer", mirrors_page, node);
	intro_route(
	    in, "GET", "/config", "configuration objects", config_page, node);
}
