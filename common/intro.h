/*
 * intro.h - the introspect page model (page.c: typed tables rendered as
 * JSON, HTML or text) and the REST server around it (intro.c:
 * libmicrohttpd driven by the uv loop).  Shared by mirador-control and
 * mirador-agent; knows nothing of what the pages show.  Loop thread only.
 */
#ifndef SDN_INTRO_H
#define SDN_INTRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

#include "common/common.h"

/*
 * page.c: what an introspect handler fills.  A page has meta fields
 * (key/value pairs above any table) and tables of rows; cells are
 * strings, numbers, booleans, lists of strings, links or empty.  It
 * renders as JSON (machines), HTML (browsers) or aligned text (miradorctl),
 * or carries a raw document (config objects as XML).  An error page has an
 * HTTP status, a reason and detail lines (e.g. one per config error).
 */
enum page_format {
	PAGE_JSON,
	PAGE_HTML,
	PAGE_TEXT,
	PAGE_XML, /* raw XML pages only; others render as JSON */
};
#define PAGE_MAX_COLUMNS 32
struct page;
/* A page named name ("routes"); status 200 until an error is set. */
struct page *page_new(const char *name);
void page_free(struct page *p);
/* A key/value pair shown above the tables (status, totals, paging). */
void page_meta_str(struct page *p, const char *key, const char *value);
void page_meta_u64(struct page *p, const char *key, uint64_t value);
/* Starts a table with these columns; later rows and cells go to it. */
void page_table(struct page *p, const char *name, const char *const *columns,
    size_t ncolumns);
/* Starts a row; cells follow in column order (missing ones are empty). */
void page_row(struct page *p);
void page_str(struct page *p, const char *value); /* NULL: empty */
void page_u64(struct page *p, uint64_t value);
void page_bool(struct page *p, bool value);
void page_list(struct page *p, const char *const *items, size_t n);
/* A cell showing text; HTML makes it a link to href. */
void page_link(struct page *p, const char *text, const char *href);
void page_empty(struct page *p);
/* Marks the page an error: status (4xx/5xx) and reason; replaces content. */
void page_error(struct page *p, int status, const char *fmt, ...)
    PRINTFLIKE(3, 4);
/* One more line under the reason (e.g. "file:line: element 'x': ..."). */
void page_error_detail(struct page *p, const char *fmt, ...) PRINTFLIKE(2, 3);
/* A raw body (e.g. an XML object) sent as is with its content type. */
void page_raw(
    struct page *p, const char *content_type, const void *data, size_t len);
/* Sets the status of a successful page (201 Created, 204 No Content). */
void page_set_status(struct page *p, int status);
int page_status(const struct page *p);
/* Renders into out; *content_type gets the MIME type.  0 or -ENOSPC. */
int page_render(const struct page *p, enum page_format fmt, struct wbuf *out,
    const char **content_type);
/* "json", "html", "text", "xml" -> format; 0 or -EINVAL. */
int page_format_parse(const char *s, enum page_format *fmt);

/*
 * intro.c: the REST introspect and config server.  libmicrohttpd in
 * external epoll mode, driven by a uv_poll_t on its epoll fd and a
 * uv_timer_t from MHD_get_timeout: no thread but the loop's touches any
 * table.  Handlers are synchronous; the server bounds connections, time
 * and body size and answers bad requests with 4xx and a reason.
 */
#define INTRO_DEFAULT_ADDR                                                     \
	"127.0.0.1:8083" /* addr family 0 (mirador-control's) */
struct intro_opts {
	struct sockaddr_storage addr; /* where to listen (port 0: any) */
	unsigned conn_limit;          /* open connections, default 64 */
	unsigned per_ip_limit;        /* per client address, default 16 */
	unsigned timeout;             /* idle seconds, default 10 */
	size_t body_max;              /* request body bytes, default 1 MiB */
	enum page_format format;      /* without Accept or ?format= (JSON) */
};
struct intro;
struct intro_req;
typedef void (*intro_handler_cb)(
    const struct intro_req *req, struct page *page, void *arg);
typedef void (*intro_stopped_cb)(struct intro *in, void *arg);
/* A stopped server on loop; 0 fields of opts take the defaults. */
struct intro *intro_new(uv_loop_t *loop, const struct intro_opts *opts);
/*
 * Routes method ("GET", "PUT", "POST", "DELETE") on paths equal to path
 * or below it ("/config" matches "/config/vn/x"); the longest match
 * wins.  help (for the index page "/") may be NULL to hide the route.
 */
void intro_route(struct intro *in, const char *method, const char *path,
    const char *help, intro_handler_cb cb, void *arg);
/* Binds and starts serving; 0 or -errno.  Once: a stopped server stays
 * stopped (-EINVAL). */
int intro_start(struct intro *in);
/* The bound port (after intro_start). */
uint16_t intro_port(const struct intro *in);
/* Closes the listener and every connection; cb(in, arg) after the last
 * close.  Not from a handler (libmicrohttpd cannot stop inside its own
 * run). */
void intro_stop(struct intro *in, intro_stopped_cb cb, void *arg);
void intro_free(struct intro *in);
/* Request accessors for handlers (all borrowed, valid during the call). */
const char *intro_req_method(const struct intro_req *req);
/* The path below the route's path, "" if none ("/config" + "/vn/x" ->
 * "vn/x"), URL-decoded. */
const char *intro_req_subpath(const struct intro_req *req);
/* A query argument, or NULL. */
const char *intro_req_arg(const struct intro_req *req, const char *name);
const char *intro_req_body(const struct intro_req *req, size_t *len);
/* The client address as text, for logs. */
const char *intro_req_peer(const struct intro_req *req);

#endif /* SDN_INTRO_H */
