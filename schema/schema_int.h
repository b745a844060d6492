/*
 * schema_int.h - private to schema/: the generation struct and the steps
 * of a load (parse -> build -> check).  No other directory includes it.
 */
#ifndef SDN_SCHEMA_INT_H
#define SDN_SCHEMA_INT_H

#include "schema/schema.h"

struct _xmlDoc;
struct _xmlNode;

/* One generation: per type, objects sorted by name (each holds a ref). */
struct schema_config {
	uint32_t refcnt;
	size_t n[SCHEMA_TYPE_MAX];
	struct schema_obj **objs[SCHEMA_TYPE_MAX];
};

/* A growable list of objects being collected by a parse. */
struct schema_objv {
	struct schema_obj **v; /* owned refs */
	size_t n, cap;
};

/* schema_keyword.c: enumeration words, NULL-terminated tables. */
struct schema_keyword {
	const char *name; /* the word in XML */
	int value;        /* the C value */
};
extern const struct schema_keyword schema__router_types[];
extern const struct schema_keyword schema__families[];
extern const struct schema_keyword schema__protocols[];
extern const struct schema_keyword schema__traffic_dirs[];
extern const struct schema_keyword schema__nh_modes[];
extern const struct schema_keyword schema__tap_types[];
extern const struct schema_keyword schema__flow_types[];
extern const struct schema_keyword schema__flow_dirs[];
extern const struct schema_keyword schema__rule_dirs[];
extern const struct schema_keyword schema__simple_actions[];
extern const struct schema_keyword schema__ethertypes[];
/* The word for value, or NULL. */
const char *schema__keyword_name(const struct schema_keyword *kw, int value);
/* 0 and *value set, or -EINVAL for an unknown word. */
int schema__keyword_value(
    const struct schema_keyword *kw, const char *name, int *value);

/* schema_config.c */
/* The built-in global-system-config (defaults of every field). */
const struct schema_global *schema__global_default(void);
/* A zeroed object of the type's struct size (+1 ref), its arena ready. */
struct schema_obj *schema__obj_new(
    enum schema_type type, const char *source, unsigned line);
void schema__obj_ref(struct schema_obj *obj);
void schema__obj_unref(struct schema_obj *obj);
void schema__objv_push(struct schema_objv *ov, struct schema_obj *obj);
/* Unrefs every object and frees the vector. */
void schema__objv_fini(struct schema_objv *ov);
/*
 * Turns objects into a generation: sorts, rejects duplicates, allocates
 * missing network-ids, runs schema__config_check.  Takes the refs in ov
 * (ov is emptied).  Returns the generation (+1 ref) or NULL with errs.
 */
struct schema_config *schema__config_build(
    struct schema_objv *ov, struct schema_errs *errs);

/*
 * base's objects, less those the document's objects replace, plus the
 * document's (docv's refs are taken), built into a generation.
 */
struct schema_config *schema__config_put(const struct schema_config *base,
    struct schema_objv *docv, size_t *created, size_t *replaced,
    struct schema_errs *errs);

/* schema_parse.c */
/*
 * Typed objects from a validated document whose root is <config> or one
 * object element.  Field errors the XSD cannot see (address syntax,
 * ranges) go to errs.  Returns 0, or -EINVAL with errs filled.
 */
int schema__parse_doc(struct _xmlDoc *doc, const char *source,
    struct schema_objv *ov, struct schema_errs *errs);

/* schema_check.c */
/* Cross-object checks on a sorted, duplicate-free generation. */
void schema__config_check(
    const struct schema_config *cfg, struct schema_errs *errs);

#endif /* SDN_SCHEMA_INT_H */
