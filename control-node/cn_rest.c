/*
 * cn_rest.c - the config API: PUT /config/TYPE/NAME (create or replace
 * one object), POST /config (a <config> of objects), DELETE
 * /config/TYPE/NAME, and POST /config/{tap-service,tap-flow}/NAME/
 * {enable,disable}.  Bodies are the documents of the config file, checked
 * by the same schema; the store applies a change whole or not at all and
 * saves it before it runs.  Errors: 400 for a bad document, 409 when the
 * change would break the configuration or there is no file to save to,
 * 404 for what does not exist.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Turns a store result into the page: status, reason, one line per error. */
static void
result(struct page *p, int rc, const struct schema_errs *errs, const char *what)
{
	char buf[768];
	size_t i;
	int status;

	if (rc == -EROFS) {
		page_error(p, 409,
		    "running on the embedded default "
		    "configuration: start mirador-control with --config FILE "
		    "to change it");
		return;
	}
	if (rc != -EINVAL) {
		page_error(p, 500, "%s: cannot save the configuration: %s",
		    what, strerror(-rc));
		return;
	}
	status = errs->fail == SCHEMA_FAIL_NOT_FOUND ? 404
	    : errs->fail == SCHEMA_FAIL_CONFLICT     ? 409
						     : 400;
	page_error(p, status, "%s: %s", what,
	    status == 404       ? "not found"
		: status == 409 ? "the configuration would not be consistent"
				: "the document is not valid");
	for (i = 0; i < errs->n; i++)
		page_error_detail(
		    p, "%s", schema_err_print(&errs->err[i], buf, sizeof(buf)));
	if (errs->total > errs->n)
		page_error_detail(
		    p, "(%zu more errors not shown)", errs->total - errs->n);
}

/* Splits "TYPE/NAME[/ACTION]" (NAME may hold no '/'); 0 or -EINVAL. */
static int
split(const char *sub, char *type, size_t tlen, char *name, size_t nlen,
    const char **action)
{
	const char *a = strchr(sub, '/'), *b;

	if (a == NULL || a == sub || (size_t)(a - sub) >= tlen)
		return -EINVAL;
	snprintf(type, tlen, "%.*s", (int)(a - sub), sub);
	b = strchr(a + 1, '/');
	*action = b != NULL ? b + 1 : NULL;
	if (b == NULL)
		b = a + 1 + strlen(a + 1);
	if (b == a + 1 || (size_t)(b - a - 1) >= nlen)
		return -EINVAL;
	snprintf(name, nlen, "%.*s", (int)(b - a - 1), a + 1);
	return 0;
}

static void
report_put(struct page *p, const char *type, const char *name, size_t created,
    size_t replaced)
{
	page_meta_str(p, "result", created > 0 ? "created" : "replaced");
	if (type != NULL) {
		page_meta_str(p, "type", type);
		page_meta_str(p, "name", name);
	}
	page_meta_u64(p, "created", created);
	page_meta_u64(p, "replaced", replaced);
	if (created > 0)
		page_set_status(p, 201);
}

static void
put_handler(const struct intro_req *req, struct page *p, void *arg)
{
	struct cn_config *store = cn_node_config_store(arg);
	char type[64], name[SCHEMA_RI_NAME_MAX], what[SCHEMA_RI_NAME_MAX + 96];
	struct schema_errs errs;
	enum schema_type t;
	const char *body, *action;
	size_t len, created, replaced;
	int rc;

	if (split(intro_req_subpath(req), type, sizeof(type), name,
		sizeof(name), &action) != 0 ||
	    action != NULL) {
		page_error(p, 400,
		    "PUT /config/TYPE/NAME with the object's "
		    "XML as the body");
		return;
	}
	if (schema_type_parse(type, &t) != 0) {
		page_error(p, 404, "unknown object type '%s'", type);
		return;
	}
	body = intro_req_body(req, &len);
	snprintf(what, sizeof(what), "%s '%s'", type, name);
	rc = cn_config_put(store, intro_req_peer(req), body, len, type, name,
	    &created, &replaced, &errs);
	if (rc != 0) {
		result(p, rc, &errs, what);
		return;
	}
	report_put(p, type, name, created, replaced);
}

/*
 * POST /config/{tap-service,tap-flow}/NAME/{enable,disable}: the object
 * as it is, with <enabled> set, put back.
 */
static void
enable_handler(struct page *p, struct cn_config *store, const char *who,
    const char *type, const char *name, bool enable)
{
	const struct schema_config *cfg = cn_config_running(store);
	const struct schema_obj *obj;
	struct schema_errs errs;
	const char *on = "<enabled>true</enabled>";
	const char *off = "<enabled>false</enabled>";
	char what[SCHEMA_RI_NAME_MAX + 96];
	struct wbuf out, edited;
	const char *at;
	size_t created, replaced;
	enum schema_type t;
	int rc;

	snprintf(what, sizeof(what), "%s '%s'", type, name);
	if (schema_type_parse(type, &t) != 0 ||
	    (t != SCHEMA_TAP_SERVICE && t != SCHEMA_TAP_FLOW)) {
		page_error(p, 404,
		    "only tap-service and tap-flow can be "
		    "enabled and disabled");
		return;
	}
	if (cfg == NULL || (obj = schema_config_lookup(cfg, t, name)) == NULL) {
		page_error(p, 404, "no %s named '%s'", type, name);
		return;
	}
	/* The canonical form always has <enabled> for these two types. */
	wbuf_init_dyn(&out, SCHEMA_MAX_FILE_SIZE);
	wbuf_init_dyn(&edited, SCHEMA_MAX_FILE_SIZE);
	schema_obj_print(obj, &out, 0);
	wbuf_put_u8(&out, 0);
	at = strstr((const char *)out.data, enable ? off : on);
	if (at == NULL) {
		page_meta_str(p, "result", "unchanged");
		page_meta_str(p, "enabled", enable ? "true" : "false");
		goto done;
	}
	wbuf_put_bytes(
	    &edited, out.data, (size_t)(at - (const char *)out.data));
	wbuf_put_str(&edited, enable ? on : off);
	wbuf_put_str(&edited, at + strlen(enable ? off : on));
	rc = cn_config_put(store, who, (const char *)edited.data, edited.len,
	    type, name, &created, &replaced, &errs);
	if (rc != 0) {
		result(p, rc, &errs, what);
		goto done;
	}
	page_meta_str(p, "result", enable ? "enabled" : "disabled");
	page_meta_str(p, "enabled", enable ? "true" : "false");
done:
	wbuf_fini(&out);
	wbuf_fini(&edited);
}

static void
post_handler(const struct intro_req *req, struct page *p, void *arg)
{
	struct cn_config *store = cn_node_config_store(arg);
	const char *sub = intro_req_subpath(req), *body, *action;
	char type[64], name[SCHEMA_RI_NAME_MAX];
	struct schema_errs errs;
	size_t len, created, replaced;
	int rc;

	if (sub[0] != '\0') {
		if (split(sub, type, sizeof(type), name, sizeof(name),
			&action) != 0 ||
		    action == NULL ||
		    (strcmp(action, "enable") != 0 &&
			strcmp(action, "disable") != 0)) {
			page_error(p, 400,
			    "POST /config with a <config> "
			    "document, or POST /config/TYPE/NAME/enable or "
			    "/disable");
			return;
		}
		enable_handler(p, store, intro_req_peer(req), type, name,
		    strcmp(action, "enable") == 0);
		return;
	}
	body = intro_req_body(req, &len);
	rc = cn_config_put(store, intro_req_peer(req), body, len, NULL, NULL,
	    &created, &replaced, &errs);
	if (rc != 0) {
		result(p, rc, &errs, "configuration");
		return;
	}
	report_put(p, NULL, NULL, created, replaced);
}

static void
delete_handler(const struct intro_req *req, struct page *p, void *arg)
{
	struct cn_config *store = cn_node_config_store(arg);
	char type[64], name[SCHEMA_RI_NAME_MAX], what[SCHEMA_RI_NAME_MAX + 96];
	struct schema_errs errs;
	enum schema_type t;
	const char *action;
	int rc;

	if (split(intro_req_subpath(req), type, sizeof(type), name,
		sizeof(name), &action) != 0 ||
	    action != NULL) {
		page_error(p, 400, "DELETE /config/TYPE/NAME");
		return;
	}
	if (schema_type_parse(type, &t) != 0) {
		page_error(p, 404, "unknown object type '%s'", type);
		return;
	}
	snprintf(what, sizeof(what), "%s '%s'", type, name);
	rc = cn_config_delete(store, intro_req_peer(req), t, name, &errs);
	if (rc != 0) {
		result(p, rc, &errs, what);
		return;
	}
	page_set_status(p, 204);
}

void
cn_rest_register(struct intro *in, struct cn_node *node)
{
	intro_route(in, "PUT", "/config",
	    "PUT /config/TYPE/NAME: create or replace an object (XML body)",
	    put_handler, node);
	intro_route(in, "POST", "/config",
	    "POST /config: create or replace the objects of a <config>; "
	    "POST /config/TYPE/NAME/enable|disable (tap-service, tap-flow)",
	    post_handler, node);
	intro_route(in, "DELETE", "/config",
	    "DELETE /config/TYPE/NAME: delete an object", delete_handler, node);
}
