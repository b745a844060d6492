/*
 * ag_fake_cfg.c - the lookups of ag_cfg.h over hand-built objects, kept
 * per type in name order (as the real model iterates), for tests of
 * the agent's pure modules.  Not the model: no parsing, no changes.
 */
#include "tests/agent/ag_fake_cfg.h"

#include <stdlib.h>
#include <string.h>

#define FAKE_OBJS_MAX 256 /* objects of one type in a fixture */

struct ag_cfg {
	struct ag_obj *objs[AG_TYPE_MAX][FAKE_OBJS_MAX];
	size_t n[AG_TYPE_MAX];
	void **allocs;
	size_t nallocs, cap;
};

struct ag_cfg *
fake_cfg_new(void)
{
	return xcalloc(1, sizeof(struct ag_cfg));
}

void
fake_cfg_free(struct ag_cfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nallocs; i++)
		free(cfg->allocs[i]);
	free(cfg->allocs);
	free(cfg);
}

void *
fake_alloc(struct ag_cfg *cfg, size_t len)
{
	if (cfg->nallocs == cfg->cap) {
		cfg->cap = cfg->cap ? cfg->cap * 2 : 64;
		cfg->allocs =
		    xreallocarray(cfg->allocs, cfg->cap, sizeof(void *));
	}
	return cfg->allocs[cfg->nallocs++] = xcalloc(1, len ? len : 1);
}

char *
fake_strdup(struct ag_cfg *cfg, const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = fake_alloc(cfg, strlen(s) + 1);
	memcpy(d, s, strlen(s));
	return d;
}

void
fake_cfg_del(struct ag_cfg *cfg, enum ag_type t, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n[t]; i++) {
		if (strcmp(cfg->objs[t][i]->name, name) != 0)
			continue;
		memmove(&cfg->objs[t][i], &cfg->objs[t][i + 1],
		    (cfg->n[t] - i - 1) * sizeof(cfg->objs[t][0]));
		cfg->n[t]--;
		return;
	}
}

struct ag_obj *
fake_cfg_get(struct ag_cfg *cfg, enum ag_type t, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n[t]; i++)
		if (strcmp(cfg->objs[t][i]->name, name) == 0)
			return cfg->objs[t][i];
	return NULL;
}

void
fake_cfg_add(struct ag_cfg *cfg, struct ag_obj *obj)
{
	enum ag_type t = obj->type;
	size_t i;

	fake_cfg_del(cfg, t, obj->name);
	if (cfg->n[t] == FAKE_OBJS_MAX)
		abort();
	for (i = 0; i < cfg->n[t]; i++)
		if (strcmp(cfg->objs[t][i]->name, obj->name) > 0)
			break;
	memmove(&cfg->objs[t][i + 1], &cfg->objs[t][i],
	    (cfg->n[t] - i) * sizeof(cfg->objs[t][0]));
	cfg->objs[t][i] = obj;
	cfg->n[t]++;
}

const struct ag_obj *
ag_cfg_lookup(const struct ag_cfg *cfg, enum ag_type t, const char *name)
{
	size_t i;

	if ((unsigned)t >= AG_TYPE_MAX || name == NULL)
		return NULL;
	for (i = 0; i < cfg->n[t]; i++)
		if (strcmp(cfg->objs[t][i]->name, name) == 0)
			return cfg->objs[t][i];
	return NULL;
}

size_t
ag_cfg_count(const struct ag_cfg *cfg, enum ag_type t)
{
	return (unsigned)t < AG_TYPE_MAX ? cfg->n[t] : 0;
}

const struct ag_obj *
ag_cfg_at(const struct ag_cfg *cfg, enum ag_type t, size_t i)
{
	return i < ag_cfg_count(cfg, t) ? cfg->objs[t][i] : NULL;
}

const struct ag_vn *
ag_cfg_vn(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_vn *)ag_cfg_lookup(cfg, AG_VN, name);
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

const struct ag_tap_service *
ag_cfg_tap_service(const struct ag_cfg *cfg, const char *name)
{
	return (const struct ag_tap_service *)ag_cfg_lookup(
	    cfg, AG_TAP_SERVICE, name);
}

const struct ag_mirror_res *
ag_cfg_mirror_res(
    const struct ag_cfg *cfg, enum ag_mres_kind kind, const char *object)
{
	const struct ag_mirror_res *r;
	size_t i;

	for (i = 0; i < cfg->n[AG_MIRROR_RES]; i++) {
		r = (const struct ag_mirror_res *)cfg->objs[AG_MIRROR_RES][i];
		if (r->kind == kind && strcmp(r->object, object) == 0)
			return r;
	}
	return NULL;
}

const struct ag_ri *
ag_cfg_vn_ri(const struct ag_cfg *cfg, const char *vn)
{
	const struct ag_ri *ri;
	size_t i;

	for (i = 0; vn != NULL && i < cfg->n[AG_RI]; i++) {
		ri = (const struct ag_ri *)cfg->objs[AG_RI][i];
		if (ri->vn != NULL && strcmp(ri->vn, vn) == 0)
			return ri;
	}
	return NULL;
}

const char *
ag_mres_kind_name(enum ag_mres_kind kind)
{
	static const char *const names[] = {
	    [AG_MRES_DESTINATION] = "mirror-destination",
	    [AG_MRES_INTERFACE] = "interface-mirror",
	    [AG_MRES_POLICY] = "policy",
	    [AG_MRES_RULE] = "policy-rule",
	    [AG_MRES_TAP_SERVICE] = "tap-service",
	};

	return (unsigned)kind < AG_MRES_KIND_MAX ? names[kind] : "?";
}
