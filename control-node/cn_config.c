/*
 * cn_config.c - the control node's config store.
 *
 * Holds the running generation and where it comes from (a file, or the
 * default compiled into the binary).  A load either replaces the running
 * generation whole, logging what was added, changed and removed, or
 * changes nothing and logs every error with its line and reason.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* control-node/default-config.xml, embedded at build time. */
extern const unsigned char cn_default_config_xml[];
extern const size_t cn_default_config_xml_len;

#define CN_DEFAULT_SOURCE "(embedded default)"

struct cn_config {
	char *path;                    /* NULL: embedded default */
	struct schema_config *running; /* +1 ref, NULL before load */
	unsigned generation;           /* successful loads */
};

const char *
cn_default_config_text(void)
{
	return (const char *)cn_default_config_xml;
}

struct cn_config *
cn_config_new(const char *path)
{
	struct cn_config *store = xcalloc(1, sizeof(*store));

	if (path != NULL)
		store->path = xstrdup(path);
	return store;
}

void
cn_config_free(struct cn_config *store)
{
	if (store == NULL)
		return;
	schema_config_unref(store->running);
	free(store->path);
	free(store);
}

const char *
cn_config_source(const struct cn_config *store)
{
	return store->path != NULL ? store->path : CN_DEFAULT_SOURCE;
}

const struct schema_config *
cn_config_running(const struct cn_config *store)
{
	return store->running;
}

const char *
cn_config_summary(const struct schema_config *cfg, char *buf, size_t len)
{
	const char *sep = " (";
	size_t total = 0, off, n;
	unsigned t;

	for (t = 0; t < SCHEMA_TYPE_MAX; t++)
		total += schema_config_count(cfg, (enum schema_type)t);
	off = (size_t)snprintf(buf, len, "%zu objects", total);
	for (t = 0; t < SCHEMA_TYPE_MAX && off < len; t++) {
		n = schema_config_count(cfg, (enum schema_type)t);
		if (n == 0)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%zu %s", sep,
		    n, schema_type_name((enum schema_type)t));
		sep = ", ";
	}
	if (total > 0 && off < len)
		snprintf(buf + off, len - off, ")");
	return buf;
}

struct diff_counts {
	size_t added, changed, removed;
};

static void
log_change(enum schema_change change, const struct schema_obj *old,
    const struct schema_obj *new, void *arg)
{
	struct diff_counts *dc = arg;
	const struct schema_obj *obj = new != NULL ? new : old;
	static const char *const what[] = {
	    [SCHEMA_ADDED] = "added",
	    [SCHEMA_REMOVED] = "removed",
	    [SCHEMA_CHANGED] = "changed",
	};

	if (change == SCHEMA_ADDED)
		dc->added++;
	else if (change == SCHEMA_REMOVED)
		dc->removed++;
	else
		dc->changed++;
	log_debug("config: %s %s '%s'", what[change],
	    schema_type_name(obj->type), obj->name);
}

int
cn_config_load(struct cn_config *store, struct schema_errs *errs)
{
	struct schema_config *cfg;
	struct diff_counts dc = {0, 0, 0};
	char buf[512];
	const char *text;
	size_t i;

	if (store->path != NULL)
		cfg = schema_config_load_file(store->path, errs);
	else {
		text = cn_default_config_text();
		cfg = schema_config_load_mem(
		    CN_DEFAULT_SOURCE, text, strlen(text), errs);
	}
	if (cfg == NULL) {
		for (i = 0; i < errs->n; i++)
			log_warnx("config: %s",
			    schema_err_print(&errs->err[i], buf, sizeof(buf)));
		if (errs->total > errs->n)
			log_warnx("config: %zu more errors not shown",
			    errs->total - errs->n);
		if (store->running != NULL)
			log_warnx("config: %s rejected (%zu error%s); the "
				  "running configuration stays",
			    cn_config_source(store), errs->total,
			    errs->total == 1 ? "" : "s");
		return -EINVAL;
	}
	schema_config_diff(store->running, cfg, log_change, &dc);
	if (store->running == NULL)
		log_info("config: loaded %s: %s", cn_config_source(store),
		    cn_config_summary(cfg, buf, sizeof(buf)));
	else
		log_info("config: reloaded %s: %zu added, %zu changed, "
			 "%zu removed",
		    cn_config_source(store), dc.added, dc.changed, dc.removed);
	schema_config_unref(store->running);
	store->running = cfg;
	store->generation++;
	return 0;
}
