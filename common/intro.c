/*
 * DOC: intro.c - the REST introspect and config server: the HTTP
 * layer around the pages of page.c.
 *
 * libmicrohttpd runs in external epoll mode and never starts a thread:
 * its one epoll fd is watched by a uv_poll_t, a uv_timer_t set from
 * MHD_get_timeout after every MHD_run wakes it for idle timeouts, and a
 * uv_idle_t runs it again on the next turn when it has work pending that
 * no fd will announce.  So handlers run on the loop thread and may read
 * any table.  MHD bounds connections (in all, per client address), idle
 * time and header memory; this file bounds bodies, routes by method and
 * longest path prefix, negotiates the format, and answers every bad
 * request with a 4xx page saying why.  A handler runs once per request,
 * when the whole body is in.
 */
#include "common/intro.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#define INTRO_MAX_ROUTES   64   /* routes of one server, the index too */
#define INTRO_PATH_MAX     2048 /* bytes of a request path, else 414 */
#define INTRO_LOGPATH_MAX  200  /* bytes of a path in a log line */
#define INTRO_ALLOW_MAX    128  /* bytes of an Allow header */
#define INTRO_REASON_MAX   256  /* bytes of a reason the server writes */
#define INTRO_MHDLOG_MAX   256  /* bytes of a libmicrohttpd message */
/* libmicrohttpd's pool per connection: request line, headers, buffers. */
#define INTRO_CONN_MEMORY  (32 * 1024)
/* Rendered answer; /routes pages are bounded by their limit= first. */
#define INTRO_RESPONSE_MAX (64 * 1024 * 1024)
/* The largest body_max accepted (a config document is far smaller). */
#define INTRO_BODY_LIMIT   (256 * 1024 * 1024)

/* docs/rest-api.md "Limits". */
#define INTRO_DEFAULT_CONNS   64
#define INTRO_DEFAULT_PER_IP  16
#define INTRO_DEFAULT_TIMEOUT 10
#define INTRO_DEFAULT_BODY    (1024 * 1024)

struct intro_route {
	char *method;        /* "GET" */
	char *path;          /* "/config": no trailing '/' but for "/" */
	size_t pathlen;      /* strlen(path) */
	char *name;          /* page name: "config", "index" for "/" */
	char *help;          /* NULL: not on the index */
	intro_handler_cb cb; /* fills the page */
	void *arg;           /* for cb */
};

struct intro {
	struct uvx_owner own;      /* first: the handles' data points here */
	uv_loop_t *loop;           /* borrowed */
	struct intro_opts opts;    /* copy, defaults filled in */
	struct MHD_Daemon *daemon; /* NULL unless serving */
	uv_poll_t poll;            /* MHD's epoll fd */
	uv_timer_t timer;          /* MHD's next timeout */
	uv_idle_t idle;            /* MHD has work pending now */
	struct intro_route routes[INTRO_MAX_ROUTES];
	size_t nroutes;
	uint16_t port;               /* bound, after intro_start */
	bool started;                /* intro_start succeeded */
	bool stopping;               /* intro_stop called */
	intro_stopped_cb stopped_cb; /* after the last close */
	void *stopped_arg;           /* for stopped_cb */
};

/*
 * One request, from the request line to its completion: MHD's con_cls.
 * Created by intro_on_uri, freed by intro_on_completed, which MHD calls
 * for every request it told us about, also on timeouts and shutdown.
 */
struct intro_req {
	struct intro *in;                /* server */
	struct MHD_Connection *conn;     /* MHD's, for arguments */
	const char *method;              /* MHD's, NULL before the headers */
	char *path;                      /* URL-decoded, owned; NULL if bad */
	const char *subpath;             /* below the route, in path */
	const struct intro_route *route; /* chosen with the headers */
	int bad;                         /* 0, or 400/414 for the path */
	enum page_format fmt;            /* negotiated with the headers */
	struct wbuf body;                /* at most body_max bytes, then NUL */
	size_t body_len;                 /* without the NUL */
	bool seen;                       /* the headers were handled */
	bool too_large;                  /* body over body_max: discarded */
	struct page *fail;               /* the refusal, NULL if none */
	char allow[INTRO_ALLOW_MAX];     /* its Allow header, "" if none */
	char logpath[INTRO_LOGPATH_MAX + 1]; /* raw path, printable */
	char peer[SOCKADDR_STRLEN];          /* client "addr:port" */
};

static void intro_index(
    const struct intro_req *req, struct page *page, void *arg);

struct intro *
intro_new(uv_loop_t *loop, const struct intro_opts *opts)
{
	struct intro *in = xcalloc(1, sizeof(*in));
	struct intro_opts *o = &in->opts;

	in->loop = loop;
	*o = *opts;
	if (o->addr.ss_family == AF_UNSPEC &&
	    sockaddr_parse(INTRO_DEFAULT_ADDR, 0, &o->addr) != 0)
		fatalx(
		    "%s: bad default address %s", __func__, INTRO_DEFAULT_ADDR);
	if (o->conn_limit == 0)
		o->conn_limit = INTRO_DEFAULT_CONNS;
	if (o->per_ip_limit == 0)
		o->per_ip_limit = INTRO_DEFAULT_PER_IP;
	if (o->timeout == 0)
		o->timeout = INTRO_DEFAULT_TIMEOUT;
	if (o->body_max == 0)
		o->body_max = INTRO_DEFAULT_BODY;
	o->body_max = MIN(o->body_max, (size_t)INTRO_BODY_LIMIT);
	uvx_owner_init(&in->own);
	intro_route(in, "GET", "/", "this index of the pages", intro_index, in);
	return in;
}

void
intro_route(struct intro *in, const char *method, const char *path,
    const char *help, intro_handler_cb cb, void *arg)
{
	struct intro_route *r;
	size_t i, len = strlen(path);

	if (path[0] != '/')
		fatalx("%s: path %s is not absolute", __func__, path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	for (i = 0; i < in->nroutes; i++) {
		r = &in->routes[i];
		if (strcmp(r->method, method) == 0 && r->pathlen == len &&
		    strncmp(r->path, path, len) == 0)
			fatalx("%s: %s %s twice", __func__, method, r->path);
	}
	if (in->nroutes == INTRO_MAX_ROUTES)
		fatalx("%s: more than %d routes", __func__, INTRO_MAX_ROUTES);
	r = &in->routes[in->nroutes++];
	r->method = xstrdup(method);
	r->path = xstrndup(path, len);
	r->pathlen = len;
	r->name = xstrdup(len == 1 ? "index" : r->path + 1);
	r->help = help != NULL ? xstrdup(help) : NULL;
	r->cb = cb;
	r->arg = arg;
}

/* The route table as a page: what a browser or miradorctl starts from. */
static void
intro_index(const struct intro_req *req, struct page *page, void *arg)
{
	static const char *const columns[] = {"method", "path", "help"};
	const struct intro *in = arg;
	const struct intro_route *r;
	size_t i;

	(void)req;
	page_table(page, "pages", columns, nitems(columns));
	for (i = 0; i < in->nroutes; i++) {
		r = &in->routes[i];
		if (r->help == NULL)
			continue;
		page_row(page);
		page_str(page, r->method);
		if (strcmp(r->method, "GET") == 0)
			page_link(page, r->path, r->path);
		else
			page_str(page, r->path);
		page_str(page, r->help);
	}
}

/*
 * Does route r take path (equal, or below it at a '/')?  *sub gets what
 * is below, "" if nothing.
 */
static bool
intro_route_match(
    const struct intro_route *r, const char *path, const char **sub)
{
	if (strncmp(path, r->path, r->pathlen) != 0)
		return false;
	if (path[r->pathlen] == '\0') {
		*sub = "";
		return true;
	}
	if (path[r->pathlen] == '/') {
		*sub = path + r->pathlen + 1;
		return true;
	}
	return false;
}

/*
 * The route for method on path, longest path first; NULL if none, and
 * then allow (NUL-terminated, len bytes) lists the methods that path
 * does take, empty when it takes none (404).  HEAD is routed as GET:
 * MHD sends the headers of the GET answer without its body.
 */
static const struct intro_route *
intro_route_lookup(const struct intro *in, const char *method, const char *path,
    const char **sub, char *allow, size_t len)
{
	const struct intro_route *r, *best = NULL;
	const char *s;
	struct wbuf w;
	size_t i, j;

	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
		method = MHD_HTTP_METHOD_GET;
	wbuf_init(&w, allow, len - 1);
	for (i = 0; i < in->nroutes; i++) {
		r = &in->routes[i];
		if (!intro_route_match(r, path, &s))
			continue;
		if (strcmp(r->method, method) == 0) {
			if (best == NULL || r->pathlen > best->pathlen) {
				best = r;
				*sub = s;
			}
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(in->routes[j].method, r->method) == 0 &&
			    intro_route_match(&in->routes[j], path, &s))
				break;
		if (j < i)
			continue; /* listed already */
		/* A full buffer drops the method, never the NUL. */
		if (w.len > 0 && wbuf_put_str(&w, ", ") == -1)
			continue;
		wbuf_put_str(&w, r->method);
	}
	allow[w.len] = '\0';
	return best;
}

/*
 * URL-decodes the len bytes of the raw path s into *out (owned).
 * -EINVAL for a path that is not absolute, a bad %-escape, a NUL (%00)
 * or a ".." segment: no handler ever sees one.
 */
static int
intro_path_decode(const char *s, size_t len, char **out)
{
	char *d, *q, *seg, *next, hex[3] = "";
	size_t i;

	if (len == 0 || s[0] != '/')
		return -EINVAL;
	q = d = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			*q++ = s[i];
			continue;
		}
		if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]))
			goto bad;
		memcpy(hex, s + i + 1, 2);
		if ((*q++ = (char)strtoul(hex, NULL, 16)) == '\0')
			goto bad;
		i += 2;
	}
	*q = '\0';
	for (seg = d + 1; seg != NULL; seg = next) {
		if ((next = strchr(seg, '/')) != NULL)
			next++;
		if (strncmp(seg, "..", 2) == 0 &&
		    (seg[2] == '\0' || seg[2] == '/'))
			goto bad;
	}
	*out = d;
	return 0;
bad:
	free(d);
	return -EINVAL;
}

/* The format the Accept header asks for, else the server's default;
 * ?format= overrides it. */
static enum page_format
intro_accept(const struct intro *in, const char *accept)
{
	if (accept == NULL)
		return in->opts.format;
	if (strcasestr(accept, "text/html") != NULL)
		return PAGE_HTML;
	if (strcasestr(accept, "application/xml") != NULL)
		return PAGE_XML;
	if (strcasestr(accept, "application/json") != NULL)
		return PAGE_JSON;
	return in->opts.format;
}

/*
 * Renders page and queues it with its status.  An answer over
 * INTRO_RESPONSE_MAX becomes a 500 saying so.
 */
static enum MHD_Result
intro_respond(struct intro_req *req, struct page *page, const char *allow)
{
	struct MHD_Response *resp;
	struct page *big = NULL;
	const char *ctype = NULL;
	enum MHD_Result rc;
	struct wbuf out;
	int status;

	status = page_status(page);
	wbuf_init_dyn(&out, INTRO_RESPONSE_MAX);
	if (status != 204 && page_render(page, req->fmt, &out, &ctype) != 0) {
		log_peer_warnx(req->peer, "%s %s: answer over %d bytes",
		    req->method, req->logpath, INTRO_RESPONSE_MAX);
		big = page_new("error");
		page_error(big, 500, "the answer is over the limit of %d bytes",
		    INTRO_RESPONSE_MAX);
		wbuf_reset(&out);
		if (page_render(big, req->fmt, &out, &ctype) != 0)
			fatalx("%s: error page over %d bytes", __func__,
			    INTRO_RESPONSE_MAX);
		status = 500;
		page_free(big);
	}
	/* MHD frees out.data (ours, from malloc) with the response. */
	resp = MHD_create_response_from_buffer(
	    out.len, out.data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		wbuf_fini(&out);
		return MHD_NO;
	}
	if (ctype != NULL)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(
	    resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(req->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	log_peer_debug(
	    req->peer, "%s %s %d", req->method, req->logpath, status);
	return rc;
}

/*
 * Refuses the request: an error page of the server's own, in the
 * negotiated format, kept in req until it is sent.
 */
static void intro_fail(struct intro_req *req, int status, const char *allow,
    const char *fmt, ...) PRINTFLIKE(4, 5);

static void
intro_fail(
    struct intro_req *req, int status, const char *allow, const char *fmt, ...)
{
	char reason[INTRO_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	page_free(req->fail);
	req->fail = page_new("error");
	page_error(req->fail, status, "%s", reason);
	str_lcpy(req->allow, allow != NULL ? allow : "", sizeof(req->allow));
}

static enum MHD_Result
intro_send_fail(struct intro_req *req)
{
	return intro_respond(
	    req, req->fail, req->allow[0] != '\0' ? req->allow : NULL);
}

/* Does a body follow the headers? */
static bool
intro_has_body(const struct intro_req *req)
{
	const char *clen;

	if (MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return true;
	clen = MHD_lookup_connection_value(
	    req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return clen != NULL && strcmp(clen, "0") != 0;
}

/*
 * The headers are in: everything that can be refused without the body
 * is refused here.
 */
static void
intro_begin(struct intro_req *req)
{
	struct intro *in = req->in;
	char allow[INTRO_ALLOW_MAX];
	const char *format, *clen;
	unsigned long long n;

	req->fmt = intro_accept(in,
	    MHD_lookup_connection_value(
		req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	if (req->bad == 414) {
		intro_fail(req, 414, NULL,
		    "the path is over the limit of %d bytes", INTRO_PATH_MAX);
		return;
	}
	if (req->bad != 0) {
		intro_fail(req, 400, NULL,
		    "bad path: a bad %%-escape, a NUL or a '..' segment");
		return;
	}
	format = MHD_lookup_connection_value(
	    req->conn, MHD_GET_ARGUMENT_KIND, "format");
	if (format != NULL && page_format_parse(format, &req->fmt) != 0) {
		intro_fail(req, 400, NULL,
		    "unknown format '%.32s' (json, html, text or xml)", format);
		return;
	}
	req->route = intro_route_lookup(
	    in, req->method, req->path, &req->subpath, allow, sizeof(allow));
	if (req->route == NULL && allow[0] == '\0') {
		intro_fail(req, 404, NULL, "no page %.200s", req->path);
		return;
	}
	if (req->route == NULL) {
		intro_fail(req, 405, allow,
		    "%.16s is not allowed on %.200s (allowed: %s)", req->method,
		    req->path, allow);
		return;
	}
	clen = MHD_lookup_connection_value(
	    req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen != NULL) {
		errno = 0;
		n = strtoull(clen, NULL, 10);
		if (errno != 0 || n > in->opts.body_max)
			intro_fail(req, 413, NULL,
			    "the body of %s bytes is over the limit of %zu",
			    clen, in->opts.body_max);
	}
}

/*
 * A piece of the body.  Past body_max (a chunked upload, whose length
 * was not announced) the request is marked, what was kept is freed and
 * the rest is read and dropped; the answer is 413 once it ends.
 */
static void
intro_upload(struct intro_req *req, const char *data, size_t n)
{
	if (req->too_large)
		return;
	if (n > req->in->opts.body_max - req->body.len) {
		req->too_large = true;
		wbuf_fini(&req->body);
		intro_fail(req, 413, NULL,
		    "the body is over the limit of %zu bytes",
		    req->in->opts.body_max);
		return;
	}
	if (wbuf_put_bytes(&req->body, data, n) == -1)
		fatalx("%s: body bound", __func__);
}

/* The whole request is in: run the handler and answer. */
static enum MHD_Result
intro_finish(struct intro_req *req)
{
	struct page *page;
	enum MHD_Result rc;

	if (req->fail != NULL)
		return intro_send_fail(req);
	/* body has room for the NUL: its bound is body_max + 1. */
	req->body_len = req->body.len;
	if (wbuf_put_u8(&req->body, 0) == -1)
		fatalx("%s: body bound", __func__);
	page = page_new(req->route->name);
	req->route->cb(req, page, req->route->arg);
	rc = intro_respond(req, page, NULL);
	page_free(page);
	return rc;
}

/*
 * MHD's access handler: once with the headers, once per piece of body,
 * once more at the end (upload_data_size 0).  An answer can be queued
 * only the first or the last time.  A request refused with its headers
 * is answered at once if a body follows: MHD then closes the connection
 * after the answer and never reads the body.  Without a body it is
 * answered at the end, as any other, and the connection may be kept.
 */
static enum MHD_Result
intro_on_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct intro_req *req = *con_cls;

	(void)cls;
	(void)conn;
	(void)url;
	(void)version;
	if (req == NULL)
		return MHD_NO; /* intro_on_uri did not run: cannot be */
	if (!req->seen) {
		req->seen = true;
		req->method = method;
		intro_begin(req);
		if (req->fail != NULL && intro_has_body(req))
			return intro_send_fail(req);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		intro_upload(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return intro_finish(req);
}

/*
 * The request line is in.  MHD hands over the raw URI here, before it
 * decodes it in place, where a %00 would cut the path short unseen: so
 * the path is decoded here, and every check sees all of it.
 */
static void *
intro_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct intro *in = cls;
	struct intro_req *req = xcalloc(1, sizeof(*req));
	const union MHD_ConnectionInfo *ci;
	size_t len = strcspn(uri, "?"), i;

	req->in = in;
	req->conn = conn;
	wbuf_init_dyn(&req->body, in->opts.body_max + 1);
	/* Logs show what was asked, but never a control character. */
	for (i = 0; i < MIN(len, (size_t)INTRO_LOGPATH_MAX); i++)
		req->logpath[i] = uri[i] > 0x20 && uri[i] < 0x7f ? uri[i] : '?';
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL ||
	    sockaddr_print(ci->client_addr, req->peer, sizeof(req->peer)) ==
		NULL)
		str_lcpy(req->peer, "?", sizeof(req->peer));
	if (len > INTRO_PATH_MAX)
		req->bad = 414;
	else if (intro_path_decode(uri, len, &req->path) != 0)
		req->bad = 400;
	return req;
}

static void
intro_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct intro_req *req = *con_cls;

	(void)cls;
	(void)conn;
	if (req == NULL)
		return;
	if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		log_peer_debug(req->peer, "%s: closed after %u s idle",
		    req->logpath, req->in->opts.timeout);
	wbuf_fini(&req->body);
	page_free(req->fail);
	free(req->path);
	free(req);
	*con_cls = NULL;
}

/*
 * MHD's own messages (a connection over the limit, a bad request line):
 * a client can cause them at will, so they are debug lines.
 */
static void
intro_on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[INTRO_MHDLOG_MAX];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_debug("http: %s", buf);
}

static void intro_on_timer(uv_timer_t *h);
static void intro_on_idle(uv_idle_t *h);

static struct intro *
intro_of(uv_handle_t *h)
{
	return container_of(uvx_owner_of(h), struct intro, own);
}

/* Open connections; in external mode this also reaps closed ones. */
static unsigned
intro_conns(struct intro *in)
{
	const union MHD_DaemonInfo *di;

	di = MHD_get_daemon_info(
	    in->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return di != NULL ? di->num_connections : 0;
}

/*
 * Lets MHD do what is ready (bounded work: it accepts and serves in
 * batches), then waits for its next deadline: on the timer, or on the
 * idle handle if it has work now.  Not a 0 ms timer: libuv before 1.45
 * would run one re-armed from its own callback again at once, and a
 * busy upload would then hold the loop.
 *
 * At conn_limit MHD takes its listening socket out of its epoll set and
 * puts it back only at the start of a later MHD_run; MHD_get_timeout
 * does not count that as work (0.9.75), so once the last connection
 * closes nothing would ever call it again.  Hence: whenever a run
 * closed connections, run once more on the next turn.
 */
static void
intro_run(struct intro *in)
{
	MHD_UNSIGNED_LONG_LONG ms;
	unsigned before;

	if (in->daemon == NULL)
		return;
	before = intro_conns(in);
	MHD_run(in->daemon);
	if (intro_conns(in) < before) {
		uv_timer_stop(&in->timer);
		uv_idle_start(&in->idle, intro_on_idle);
	} else if (MHD_get_timeout(in->daemon, &ms) != MHD_YES) {
		uv_timer_stop(&in->timer);
		uv_idle_stop(&in->idle);
	} else if (ms == 0) {
		uv_timer_stop(&in->timer);
		uv_idle_start(&in->idle, intro_on_idle);
	} else {
		uv_idle_stop(&in->idle);
		uv_timer_start(&in->timer, intro_on_timer, ms, 0);
	}
}

static void
intro_on_poll(uv_poll_t *h, int status, int events)
{
	(void)status; /* on error MHD_run finds out for itself */
	(void)events;
	intro_run(intro_of((uv_handle_t *)h));
}

static void
intro_on_timer(uv_timer_t *h)
{
	intro_run(intro_of((uv_handle_t *)h));
}

static void
intro_on_idle(uv_idle_t *h)
{
	intro_run(intro_of((uv_handle_t *)h));
}

int
intro_start(struct intro *in)
{
	const union MHD_DaemonInfo *di;
	struct intro_opts *o = &in->opts;
	char addr[SOCKADDR_STRLEN];
	unsigned flags;
	int rc;

	if (in->started || in->stopping || in->own.nhandles != 0)
		return -EINVAL;
	sockaddr_print((struct sockaddr *)&o->addr, addr, sizeof(addr));
	/*
	 * No MHD_USE_INTERNAL_POLLING_THREAD: the loop drives it.  Epoll
	 * gives one fd for any number of connections.
	 */
	flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (o->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	in->daemon = MHD_start_daemon(flags, 0, NULL, NULL, intro_on_access, in,
	    MHD_OPTION_EXTERNAL_LOGGER, intro_on_mhd_log, in,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&o->addr,
	    MHD_OPTION_CONNECTION_LIMIT, o->conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)INTRO_CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, intro_on_uri, in,
	    MHD_OPTION_NOTIFY_COMPLETED, intro_on_completed, in,
	    MHD_OPTION_END);
	if (in->daemon == NULL) {
		rc = errno != 0 ? -errno : -EIO;
		log_warnx("http: cannot serve on %s: %s", addr, strerror(-rc));
		return rc;
	}
	di = MHD_get_daemon_info(in->daemon, MHD_DAEMON_INFO_BIND_PORT);
	in->port = di != NULL ? di->port : 0;
	di = MHD_get_daemon_info(in->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (di == NULL) {
		rc = -EIO;
		goto fail;
	}
	if ((rc = uv_timer_init(in->loop, &in->timer)) != 0)
		goto fail;
	uvx_own(&in->own, (uv_handle_t *)&in->timer);
	if ((rc = uv_idle_init(in->loop, &in->idle)) != 0)
		goto fail;
	uvx_own(&in->own, (uv_handle_t *)&in->idle);
	if ((rc = uv_poll_init(in->loop, &in->poll, di->epoll_fd)) != 0)
		goto fail;
	uvx_own(&in->own, (uv_handle_t *)&in->poll);
	if ((rc = uv_poll_start(&in->poll, UV_READABLE, intro_on_poll)) != 0)
		goto fail;
	in->started = true;
	log_info("http: serving on %s, port %u", addr, in->port);
	intro_run(in);
	return 0;
fail:
	/* Handles already owned are closed by intro_stop. */
	log_warnx("http: cannot serve on %s: %s", addr, uv_strerror(rc));
	MHD_stop_daemon(in->daemon);
	in->daemon = NULL;
	return rc;
}

uint16_t
intro_port(const struct intro *in)
{
	return in->port;
}

static void
intro_closed(struct uvx_owner *own)
{
	struct intro *in = container_of(own, struct intro, own);

	in->started = false;
	log_debug("http: stopped, all handles closed");
	if (in->stopped_cb != NULL)
		in->stopped_cb(in, in->stopped_arg);
}

/*
 * Not from a handler: MHD_stop_daemon must not run inside MHD_run.
 * uv_close stops the poll handle at once, taking MHD's epoll fd out of
 * the loop's before MHD_stop_daemon closes it; the daemon closes every
 * connection, and intro_on_completed frees every request.
 */
void
intro_stop(struct intro *in, intro_stopped_cb cb, void *arg)
{
	struct MHD_Daemon *daemon = in->daemon;

	if (in->stopping)
		return;
	in->stopping = true;
	in->stopped_cb = cb;
	in->stopped_arg = arg;
	in->daemon = NULL;
	uvx_owner_close(&in->own, intro_closed);
	if (daemon != NULL)
		MHD_stop_daemon(daemon);
}

void
intro_free(struct intro *in)
{
	size_t i;

	if (in == NULL)
		return;
	if (in->own.nopen != 0 || in->daemon != NULL)
		fatalx("%s: %u handles still open", __func__, in->own.nopen);
	for (i = 0; i < in->nroutes; i++) {
		free(in->routes[i].method);
		free(in->routes[i].path);
		free(in->routes[i].name);
		free(in->routes[i].help);
	}
	free(in);
}

const char *
intro_req_method(const struct intro_req *req)
{
	return req->method;
}

const char *
intro_req_subpath(const struct intro_req *req)
{
	return req->subpath;
}

const char *
intro_req_arg(const struct intro_req *req, const char *name)
{
	return MHD_lookup_connection_value(
	    req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
intro_req_body(const struct intro_req *req, size_t *len)
{
	*len = req->body_len;
	return req->body.data != NULL ? (const char *)req->body.data : "";
}

const char *
intro_req_peer(const struct intro_req *req)
{
	return req->peer;
}
