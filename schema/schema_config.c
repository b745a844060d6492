/*
 * schema_config.c - configuration generations and their objects.
 *
 * Objects are refcounted and immutable once built into a generation; each
 * owns an arena holding everything it points to.  A generation is, per
 * type, an array of object refs sorted by name, so lookups are binary
 * searches and every walk is in a stable order.  Building a generation
 * also rejects duplicate names and allocates missing network-ids.
 */
#include "schema/schema_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name; /* element name */
	size_t size;      /* typed struct size */
} schema_types[SCHEMA_TYPE_MAX] = {
    [SCHEMA_GLOBAL_SYSTEM_CONFIG] = {"global-system-config",
	sizeof(struct schema_global)},
    [SCHEMA_BGP_ROUTER] = {"bgp-router", sizeof(struct schema_bgp_router)},
    [SCHEMA_VIRTUAL_NETWORK] = {"virtual-network", sizeof(struct schema_vn)},
    [SCHEMA_NETWORK_POLICY] = {"network-policy", sizeof(struct schema_policy)},
    [SCHEMA_VIRTUAL_ROUTER] = {"virtual-router", sizeof(struct schema_vrouter)},
    [SCHEMA_VIRTUAL_MACHINE_INTERFACE] = {"virtual-machine-interface",
	sizeof(struct schema_vmi)},
    [SCHEMA_MIRROR_DESTINATION] = {"mirror-destination",
	sizeof(struct schema_mirror_dest)},
    [SCHEMA_TAP_SERVICE] = {"tap-service", sizeof(struct schema_tap_service)},
    [SCHEMA_TAP_FLOW] = {"tap-flow", sizeof(struct schema_tap_flow)},
};

/* What a config without global-system-config gets. */
static const struct schema_global schema_default_global = {
    .obj = {.type = SCHEMA_GLOBAL_SYSTEM_CONFIG,
	.name = SCHEMA_GLOBAL_NAME,
	.source = "built-in"},
    .asn = SCHEMA_DEFAULT_ASN,
    .ibgp_auto_mesh = true,
    .gr = {.enable = false,
	.restart_time = SCHEMA_DEFAULT_GR_TIME,
	.llgr_time = SCHEMA_DEFAULT_GR_TIME,
	.eor_timeout = SCHEMA_DEFAULT_EOR_TIMEOUT},
};

const struct schema_global *
schema__global_default(void)
{
	return &schema_default_global;
}

const char *
schema_type_name(enum schema_type type)
{
	if ((unsigned)type >= SCHEMA_TYPE_MAX)
		return NULL;
	return schema_types[type].name;
}

int
schema_type_parse(const char *name, enum schema_type *type)
{
	unsigned i;

	for (i = 0; i < SCHEMA_TYPE_MAX; i++) {
		if (strcmp(name, schema_types[i].name) == 0) {
			*type = (enum schema_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

struct schema_obj *
schema__obj_new(enum schema_type type, const char *source, unsigned line)
{
	struct schema_obj *obj;

	if ((unsigned)type >= SCHEMA_TYPE_MAX)
		fatalx("%s: bad type %d", __func__, (int)type);
	obj = xcalloc(1, schema_types[type].size);
	obj->type = type;
	obj->refcnt = 1;
	obj->line = line;
	arena_init(&obj->arena, 512);
	obj->source = arena_strdup(&obj->arena, source);
	return obj;
}

void
schema__obj_ref(struct schema_obj *obj)
{
	if (obj->refcnt == 0 || obj->refcnt == UINT32_MAX)
		fatalx("%s: refcnt %u", __func__, obj->refcnt);
	obj->refcnt++;
}

void
schema__obj_unref(struct schema_obj *obj)
{
	if (obj == NULL)
		return;
	if (obj->refcnt == 0)
		fatalx("%s: unref of a freed object", __func__);
	if (--obj->refcnt > 0)
		return;
	arena_fini(&obj->arena);
	free(obj);
}

void
schema__objv_push(struct schema_objv *ov, struct schema_obj *obj)
{
	if (ov->n == ov->cap) {
		ov->cap = ov->cap ? ov->cap * 2 : 16;
		ov->v = xreallocarray(ov->v, ov->cap, sizeof(*ov->v));
	}
	ov->v[ov->n++] = obj;
}

void
schema__objv_fini(struct schema_objv *ov)
{
	size_t i;

	for (i = 0; i < ov->n; i++)
		schema__obj_unref(ov->v[i]);
	free(ov->v);
	ov->v = NULL;
	ov->n = ov->cap = 0;
}

static int
obj_cmp(const void *a, const void *b)
{
	const struct schema_obj *oa = *(const struct schema_obj *const *)a;
	const struct schema_obj *ob = *(const struct schema_obj *const *)b;
	int c;

	c = strcmp(oa->name, ob->name);
	if (c != 0)
		return c;
	/* Equal names: the first written sorts first, the later is the dup. */
	return (oa->line > ob->line) - (oa->line < ob->line);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Gives every virtual-network without a network-id the smallest id not
 * in use, in document order, so the same file always gets the same ids.
 */
static void
allocate_network_ids(struct schema_objv *ov)
{
	uint32_t *used, next = 1;
	size_t i, nused = 0, u = 0;
	struct schema_vn *vn;

	used = xcalloc(ov->n + 1, sizeof(*used));
	for (i = 0; i < ov->n; i++) {
		if (ov->v[i]->type != SCHEMA_VIRTUAL_NETWORK)
			continue;
		vn = (struct schema_vn *)ov->v[i];
		if (vn->network_id != 0)
			used[nused++] = vn->network_id;
	}
	qsort(used, nused, sizeof(*used), u32_cmp);
	for (i = 0; i < ov->n; i++) {
		if (ov->v[i]->type != SCHEMA_VIRTUAL_NETWORK)
			continue;
		vn = (struct schema_vn *)ov->v[i];
		if (vn->network_id != 0)
			continue;
		for (;;) {
			while (u < nused && used[u] < next)
				u++;
			if (u == nused || used[u] != next)
				break;
			next++;
		}
		vn->network_id = next++;
	}
	free(used);
}

static void
config_free(struct schema_config *cfg)
{
	size_t i;
	unsigned t;

	for (t = 0; t < SCHEMA_TYPE_MAX; t++) {
		for (i = 0; i < cfg->n[t]; i++)
			schema__obj_unref(cfg->objs[t][i]);
		free(cfg->objs[t]);
	}
	free(cfg);
}

struct schema_config *
schema__config_build(struct schema_objv *ov, struct schema_errs *errs)
{
	struct schema_config *cfg;
	struct schema_obj *obj, *prev;
	size_t i, fill[SCHEMA_TYPE_MAX] = {0};
	size_t before = errs->total;
	unsigned t;

	if (ov->n > SCHEMA_MAX_OBJECTS) {
		schema_errs_add(errs, ov->v[0]->source, 0, "config",
		    "%zu objects, more than the limit of %d", ov->n,
		    SCHEMA_MAX_OBJECTS);
		schema__objv_fini(ov);
		return NULL;
	}
	allocate_network_ids(ov);

	cfg = xcalloc(1, sizeof(*cfg));
	cfg->refcnt = 1;
	for (i = 0; i < ov->n; i++)
		cfg->n[ov->v[i]->type]++;
	for (t = 0; t < SCHEMA_TYPE_MAX; t++)
		cfg->objs[t] = xcalloc(cfg->n[t] + 1, sizeof(*cfg->objs[t]));
	for (i = 0; i < ov->n; i++) {
		obj = ov->v[i];
		cfg->objs[obj->type][fill[obj->type]++] = obj;
	}
	free(ov->v);
	ov->v = NULL;
	ov->n = ov->cap = 0;

	/* From here on, errors are about the objects together. */
	if (errs->fail == SCHEMA_FAIL_NONE)
		errs->fail = SCHEMA_FAIL_CONFLICT;
	for (t = 0; t < SCHEMA_TYPE_MAX; t++) {
		qsort(cfg->objs[t], cfg->n[t], sizeof(*cfg->objs[t]), obj_cmp);
		for (i = 1; i < cfg->n[t]; i++) {
			prev = cfg->objs[t][i - 1];
			obj = cfg->objs[t][i];
			if (t == SCHEMA_GLOBAL_SYSTEM_CONFIG)
				schema_errs_add(errs, obj->source, obj->line,
				    schema_types[t].name,
				    "only one global-system-config is allowed "
				    "(another at line %u)",
				    prev->line);
			else if (strcmp(prev->name, obj->name) == 0)
				schema_errs_add(errs, obj->source, obj->line,
				    schema_types[t].name,
				    "duplicate %s '%s' (first at line %u)",
				    schema_types[t].name, obj->name,
				    prev->line);
		}
	}
	/* With duplicate names a lookup finds one of them: still useful. */
	schema__config_check(cfg, errs);
	if (errs->total != before) {
		schema_errs_sort(errs);
		config_free(cfg);
		return NULL;
	}
	errs->fail = SCHEMA_FAIL_NONE;
	return cfg;
}

void
schema_config_ref(struct schema_config *cfg)
{
	if (cfg->refcnt == 0 || cfg->refcnt == UINT32_MAX)
		fatalx("%s: refcnt %u", __func__, cfg->refcnt);
	cfg->refcnt++;
}

void
schema_config_unref(struct schema_config *cfg)
{
	if (cfg == NULL)
		return;
	if (cfg->refcnt == 0)
		fatalx("%s: unref of a freed config", __func__);
	if (--cfg->refcnt == 0)
		config_free(cfg);
}

size_t
schema_config_count(const struct schema_config *cfg, enum schema_type type)
{
	if ((unsigned)type >= SCHEMA_TYPE_MAX)
		return 0;
	return cfg->n[type];
}

const struct schema_obj *
schema_config_at(
    const struct schema_config *cfg, enum schema_type type, size_t i)
{
	if ((unsigned)type >= SCHEMA_TYPE_MAX || i >= cfg->n[type])
		return NULL;
	return cfg->objs[type][i];
}

const struct schema_obj *
schema_config_lookup(
    const struct schema_config *cfg, enum schema_type type, const char *name)
{
	size_t lo = 0, hi, mid;
	int c;

	if ((unsigned)type >= SCHEMA_TYPE_MAX || name == NULL)
		return NULL;
	hi = cfg->n[type];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, cfg->objs[type][mid]->name);
		if (c == 0)
			return cfg->objs[type][mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct schema_global *
schema_config_global(const struct schema_config *cfg)
{
	if (cfg->n[SCHEMA_GLOBAL_SYSTEM_CONFIG] > 0)
		return (const struct schema_global *)
		    cfg->objs[SCHEMA_GLOBAL_SYSTEM_CONFIG][0];
	return &schema_default_global;
}

uint32_t
schema_bgp_router_asn(
    const struct schema_config *cfg, const struct schema_bgp_router *r)
{
	return r->asn != 0 ? r->asn : schema_config_global(cfg)->asn;
}

uint32_t
schema_bgp_router_identifier(const struct schema_bgp_router *r)
{
	if (r->identifier != 0)
		return r->identifier;
	if (r->address.af == AF_INET)
		return ntohl(r->address.u.v4.s_addr);
	return 0;
}

uint32_t
schema_vn_vxlan_id(const struct schema_vn *vn)
{
	return vn->vxlan_id != 0 ? vn->vxlan_id : vn->network_id;
}

const char *
schema_vn_ri_name(const struct schema_vn *vn, char *buf, size_t len)
{
	const char *last = strrchr(vn->obj.name, ':');

	last = last != NULL ? last + 1 : vn->obj.name;
	snprintf(buf, len, "%s:%s", vn->obj.name, last);
	return buf;
}

size_t
schema_config_diff(const struct schema_config *old,
    const struct schema_config *new, schema_diff_cb cb, void *arg)
{
	const struct schema_obj *a, *b;
	size_t i, j, calls = 0, na;
	unsigned t;
	int c;

	for (t = 0; t < SCHEMA_TYPE_MAX; t++) {
		na = old != NULL ? old->n[t] : 0;
		i = j = 0;
		/* Merge walk of two name-sorted arrays. */
		while (i < na || j < new->n[t]) {
			a = i < na ? old->objs[t][i] : NULL;
			b = j < new->n[t] ? new->objs[t][j] : NULL;
			c = a == NULL   ? 1
			    : b == NULL ? -1
					: strcmp(a->name, b->name);
			if (c < 0) {
				if (cb != NULL)
					cb(SCHEMA_REMOVED, a, NULL, arg);
				calls++;
				i++;
			} else if (c > 0) {
				if (cb != NULL)
					cb(SCHEMA_ADDED, NULL, b, arg);
				calls++;
				j++;
			} else {
				/* Shared objects are equal without looking. */
				if (a != b && !schema_obj_equal(a, b)) {
					if (cb != NULL)
						cb(SCHEMA_CHANGED, a, b, arg);
					calls++;
				}
				i++;
				j++;
			}
		}
	}
	return calls;
}

/* Every object of base but (type, name) into ov, each +1 ref. */
static void
objv_from(struct schema_objv *ov, const struct schema_config *base,
    enum schema_type skip_type, const char *skip_name)
{
	struct schema_obj *obj;
	size_t i;
	unsigned t;

	for (t = 0; t < SCHEMA_TYPE_MAX; t++) {
		for (i = 0; i < base->n[t]; i++) {
			obj = base->objs[t][i];
			if (t == skip_type && skip_name != NULL &&
			    strcmp(obj->name, skip_name) == 0)
				continue;
			schema__obj_ref(obj);
			schema__objv_push(ov, obj);
		}
	}
}

static int
type_name_cmp(const void *a, const void *b)
{
	const struct schema_obj *x = *(const struct schema_obj *const *)a;
	const struct schema_obj *y = *(const struct schema_obj *const *)b;

	if (x->type != y->type)
		return (x->type > y->type) - (x->type < y->type);
	return strcmp(x->name, y->name);
}

struct schema_config *
schema__config_put(const struct schema_config *base, struct schema_objv *docv,
    size_t *created, size_t *replaced, struct schema_errs *errs)
{
	struct schema_objv ov = {0};
	struct schema_obj **sorted, *old;
	size_t i, j;
	unsigned t;

	*created = *replaced = 0;
	/* The document's objects sorted, to find what they replace. */
	sorted = xcalloc(docv->n + 1, sizeof(*sorted));
	if (docv->n > 0)
		memcpy(sorted, docv->v, docv->n * sizeof(*sorted));
	qsort(sorted, docv->n, sizeof(*sorted), type_name_cmp);
	for (t = 0; t < SCHEMA_TYPE_MAX; t++) {
		for (i = 0; i < base->n[t]; i++) {
			old = base->objs[t][i];
			if (bsearch(&old, sorted, docv->n, sizeof(*sorted),
				type_name_cmp) != NULL)
				continue;
			schema__obj_ref(old);
			schema__objv_push(&ov, old);
		}
	}
	free(sorted);
	for (j = 0; j < docv->n; j++) {
		if (schema_config_lookup(
			base, docv->v[j]->type, docv->v[j]->name) == NULL)
			(*created)++;
		schema__objv_push(&ov, docv->v[j]);
	}
	/* The document's refs moved to ov. */
	free(docv->v);
	docv->v = NULL;
	docv->n = docv->cap = 0;
	return schema__config_build(&ov, errs);
}

struct schema_config *
schema_config_delete(const struct schema_config *base, enum schema_type type,
    const char *name, struct schema_errs *errs)
{
	struct schema_objv ov = {0};

	schema_errs_init(errs);
	if (schema_config_lookup(base, type, name) == NULL) {
		schema_errs_add(errs, "REST", 0, schema_type_name(type),
		    "no %s named '%s'", schema_type_name(type), name);
		errs->fail = SCHEMA_FAIL_NOT_FOUND;
		return NULL;
	}
	objv_from(&ov, base, type, name);
	return schema__config_build(&ov, errs);
}
