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
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* control-node/default-config.xml, embedded at build time. */
extern const unsigned char cn_default_config_xml[];
extern const size_t cn_default_config_xml_len;

#define CN_DEFAULT_SOURCE "(embedded default)"

struct cn_config {
	char *path;                    /* NULL: embedded default */
	struct schema_config *running; /* +1 ref, NULL before load */
	unsigned generation;           /* successful loads and edits */
	cn_config_apply_cb apply;      /* after each new generation */
	void *apply_arg;
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

/* Makes cfg (+1 ref, taken) the running generation and says what
 * changed; what names the cause in the log line. */
static void
install(struct cn_config *store, struct schema_config *cfg, const char *what)
{
	struct diff_counts dc = {0, 0, 0};
	char buf[512];

	schema_config_diff(store->running, cfg, log_change, &dc);
	if (store->running == NULL)
		log_info("config: loaded %s: %s", cn_config_source(store),
		    cn_config_summary(cfg, buf, sizeof(buf)));
	else
		log_info("config: %s: %zu added, %zu changed, %zu removed",
		    what, dc.added, dc.changed, dc.removed);
	schema_config_unref(store->running);
	store->running = cfg;
	store->generation++;
	if (store->apply != NULL)
		store->apply(cfg, store->apply_arg);
}

static void
log_errors(const struct schema_errs *errs)
{
	char buf[512];
	size_t i;

	for (i = 0; i < errs->n; i++)
		log_warnx("config: %s",
		    schema_err_print(&errs->err[i], buf, sizeof(buf)));
	if (errs->total > errs->n)
		log_warnx(
		    "config: %zu more errors not shown", errs->total - errs->n);
}

int
cn_config_load(struct cn_config *store, struct schema_errs *errs)
{
	struct schema_config *cfg;
	char what[600];
	const char *text;

	if (store->path != NULL)
		cfg = schema_config_load_file(store->path, errs);
	else {
		text = cn_default_config_text();
		cfg = schema_config_load_mem(
		    CN_DEFAULT_SOURCE, text, strlen(text), errs);
	}
	if (cfg == NULL) {
		log_errors(errs);
		if (store->running != NULL)
			log_warnx("config: %s rejected (%zu error%s); the "
				  "running configuration stays",
			    cn_config_source(store), errs->total,
			    errs->total == 1 ? "" : "s");
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "reloaded %s", cn_config_source(store));
	install(store, cfg, what);
	return 0;
}

unsigned
cn_config_generation(const struct cn_config *store)
{
	return store->generation;
}

void
cn_config_set_apply(struct cn_config *store, cn_config_apply_cb cb, void *arg)
{
	store->apply = cb;
	store->apply_arg = arg;
}

bool
cn_config_writable(const struct cn_config *store)
{
	return store->path != NULL;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
cn_config_save(const struct schema_config *cfg, const char *path)
{
	struct wbuf out;
	char *tmp, *dir;
	int fd, rc, dfd;

	wbuf_init_dyn(&out, 2 * SCHEMA_MAX_FILE_SIZE);
	if (schema_config_print(cfg, &out) != 0) {
		wbuf_fini(&out);
		return -EFBIG;
	}
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd == -1) {
		rc = -errno;
		goto done;
	}
	rc = write_all(fd, out.data, out.len);
	if (rc == 0 && fsync(fd) == -1)
		rc = -errno;
	if (close(fd) == -1 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		goto done;
	}
	/* The rename itself must reach the disk. */
	dir = xstrdup(path);
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		if (fsync(dfd) == -1)
			rc = -errno;
		close(dfd);
	}
	free(dir);
done:
	free(tmp);
	wbuf_fini(&out);
	return rc;
}

/* Saves cfg (+1 ref, taken) then installs it; on failure nothing changes. */
static int
commit(struct cn_config *store, struct schema_config *cfg, const char *what)
{
	int rc;

	if ((rc = cn_config_save(cfg, store->path)) != 0) {
		log_warnx("config: %s: cannot save %s: %s; nothing changed",
		    what, store->path, strerror(-rc));
		schema_config_unref(cfg);
		return rc;
	}
	install(store, cfg, what);
	return 0;
}

int
cn_config_put(struct cn_config *store, const char *who, const char *xml,
    size_t len, const char *type, const char *name, size_t *created,
    size_t *replaced, struct schema_errs *errs)
{
	struct schema_config *cfg;
	char what[256];

	*created = *replaced = 0;
	schema_errs_init(errs);
	if (store->path == NULL || store->running == NULL)
		return -EROFS;
	cfg = schema_config_put(store->running, "REST", xml, len, type, name,
	    created, replaced, errs);
	if (cfg == NULL) {
		log_info("config: change from %s rejected (%zu error%s)", who,
		    errs->total, errs->total == 1 ? "" : "s");
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "changed by %s", who);
	return commit(store, cfg, what);
}

int
cn_config_delete(struct cn_config *store, const char *who,
    enum schema_type type, const char *name, struct schema_errs *errs)
{
	struct schema_config *cfg;
	char what[512];

	schema_errs_init(errs);
	if (store->path == NULL || store->running == NULL)
		return -EROFS;
	cfg = schema_config_delete(store->running, type, name, errs);
	if (cfg == NULL) {
		log_info("config: delete of %s '%s' by %s rejected",
		    schema_type_name(type), name, who);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "%s '%s' deleted by %s",
	    schema_type_name(type), name, who);
	return commit(store, cfg, what);
}
