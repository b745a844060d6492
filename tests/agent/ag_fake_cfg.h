/*
 * ag_fake_cfg.h - a stand-in for the agent's config model in unit
 * tests of pure modules: the lookups of ag_cfg.h over objects a test
 * builds by hand (ag_cfg.h's plain structs).  Everything allocated
 * through it is freed by fake_cfg_free.
 */
#ifndef SDN_TESTS_AGENT_AG_FAKE_CFG_H
#define SDN_TESTS_AGENT_AG_FAKE_CFG_H

#include <stddef.h>

#include "agent-stub/ag_cfg.h"

struct ag_cfg *fake_cfg_new(void);
void fake_cfg_free(struct ag_cfg *cfg);
/* Zeroed memory owned by cfg. */
void *fake_alloc(struct ag_cfg *cfg, size_t len);
/* A copy owned by cfg (NULL stays NULL). */
char *fake_strdup(struct ag_cfg *cfg, const char *s);
/* Adds or replaces (by type and name) obj, which stays the caller's
 * (normally from fake_alloc). */
void fake_cfg_add(struct ag_cfg *cfg, struct ag_obj *obj);
/* The object, writable (a test edits it between computes), or NULL. */
struct ag_obj *fake_cfg_get(
    struct ag_cfg *cfg, enum ag_type t, const char *name);
/* Removes the object of type t named name, if there is one. */
void fake_cfg_del(struct ag_cfg *cfg, enum ag_type t, const char *name);

#endif /* SDN_TESTS_AGENT_AG_FAKE_CFG_H */
