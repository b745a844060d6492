/*
 * DOC: check_cn_intro.c - tests of common/intro.c over loopback.
 *
 * The server runs on a private loop in the test's process, on 127.0.0.1
 * port 0.  Each client script runs in a forked child that speaks raw
 * HTTP/1.1 over blocking sockets (with timeouts, so it never hangs) and
 * writes what it got to a pipe as tagged records; the parent reads the
 * pipe on the loop, stops the server at EOF and then asserts on the
 * records.  A 10 ms repeating timer measures the longest gap between
 * its ticks: however hostile the client (a stalled request, a body over
 * the limit, a flood of connections), the loop must never stall.
 * Every case ends with uvx_loop_close_all() == 0.  INTRO_DEBUG=1 in
 * the environment logs every request and every libmicrohttpd message.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/control-node/suites.h"

#define TICK_MS     10                /* period of the stall detector */
#define MAX_GAP_MS  250               /* longest the loop may miss its tick */
#define CLIENT_IO_S 5                 /* client socket timeout: never hang */
#define REPORT_MAX  (1 << 20)         /* bytes a child may report */
#define RESP_MAX    (256 << 10)       /* bytes of one response */
#define BODY_MAX    1024              /* body limit of the test server */
#define FLOOD_LIMIT 4                 /* conn_limit of the flood test */
#define FLOOD_CONNS (2 * FLOOD_LIMIT) /* each backlog batch costs 1 s */
#define HIGH_FD     1024              /* children close every fd below this */

static uv_loop_t loop;
static struct intro *in;
static uint16_t port;
static uv_timer_t tick;
static uint64_t last_tick_ns, max_gap_ns;
static unsigned nticks;
static uv_pipe_t from_child;
static struct wbuf report;
static bool stopped, stop_asked;
static unsigned echo_calls;

/* ---- the server side: handlers, run by the server in the parent ---- */

static void
hello_cb(const struct intro_req *req, struct page *page, void *arg)
{
	static const char *const cols[] = {"k", "v"};

	(void)req;
	(void)arg;
	page_meta_str(page, "greeting", "hi");
	page_table(page, "t", cols, nitems(cols));
	page_row(page);
	page_str(page, "a");
	page_u64(page, 1);
}

/* Answers what it saw: subpath, ?x=, body length, then the body. */
static void
echo_cb(const struct intro_req *req, struct page *page, void *arg)
{
	const char *body, *x = intro_req_arg(req, "x");
	struct wbuf w;
	size_t len;

	(void)arg;
	echo_calls++;
	body = intro_req_body(req, &len);
	ck_assert_int_eq(body[len], '\0');
	wbuf_init_dyn(&w, BODY_MAX + 256);
	wbuf_printf(&w, "%s sub=%s x=%s len=%zu\n", intro_req_method(req),
	    intro_req_subpath(req), x != NULL ? x : "-", len);
	wbuf_put_bytes(&w, body, len);
	page_raw(page, "application/octet-stream", w.data, w.len);
	page_set_status(page, 201);
	wbuf_fini(&w);
}

static void
gone_cb(const struct intro_req *req, struct page *page, void *arg)
{
	(void)req;
	(void)arg;
	page_set_status(page, 204);
}

static void
on_stopped(struct intro *i, void *arg)
{
	ck_assert_ptr_eq(i, in);
	ck_assert_ptr_eq(arg, &stopped);
	stopped = true;
}

static void
tick_cb(uv_timer_t *t)
{
	uint64_t now = uv_hrtime();

	(void)t;
	max_gap_ns = MAX(max_gap_ns, now - last_tick_ns);
	last_tick_ns = now;
	nticks++;
}

static void
setup(void)
{
	log_init("check_cn",
	    getenv("INTRO_DEBUG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERR);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	wbuf_init_dyn(&report, REPORT_MAX);
	in = NULL;
	port = 0;
	stopped = stop_asked = false;
	echo_calls = 0;
	max_gap_ns = 0;
	nticks = 0;
}

static void
teardown(void)
{
	wbuf_fini(&report);
}

/* A server on 127.0.0.1, port 0, with the test routes. */
static void
start_server(unsigned conn_limit, unsigned per_ip, unsigned timeout)
{
	struct intro_opts opts;

	memset(&opts, 0, sizeof(opts));
	ck_assert_int_eq(sockaddr_parse("127.0.0.1:0", 0, &opts.addr), 0);
	opts.conn_limit = conn_limit;
	opts.per_ip_limit = per_ip;
	opts.timeout = timeout;
	opts.body_max = BODY_MAX;
	in = intro_new(&loop, &opts);
	intro_route(in, "GET", "/hello", "a greeting", hello_cb, NULL);
	intro_route(in, "GET", "/hidden", NULL, hello_cb, NULL);
	intro_route(in, "PUT", "/echo", "echoes the body", echo_cb, NULL);
	intro_route(in, "POST", "/echo/", NULL, echo_cb, NULL);
	intro_route(in, "DELETE", "/echo/gone", NULL, gone_cb, NULL);
	ck_assert_int_eq(intro_start(in), 0);
	port = intro_port(in);
	ck_assert_uint_ne(port, 0);
}

/* ---- the client side: runs in the child, reports through a pipe ---- */

static void
report_put(int out, const char *tag, const void *data, size_t len)
{
	char head[64];
	int n = snprintf(head, sizeof(head), "%s %zu\n", tag, len);

	if (write(out, head, (size_t)n) != n ||
	    (len > 0 && write(out, data, len) != (ssize_t)len))
		_exit(2);
}

static void
report_str(int out, const char *tag, const char *s)
{
	report_put(out, tag, s, strlen(s));
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A blocking connection from src (127.0.0.x) to the server. */
static int
client_connect_from(const char *src)
{
	struct timeval tv = {.tv_sec = CLIENT_IO_S};
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		_exit(3);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, src, &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		_exit(4);
	sin.sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		_exit(5);
	return fd;
}

static int
client_connect(void)
{
	return client_connect_from("127.0.0.1");
}

static void
send_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) <= 0)
			return; /* the server closed: what it said is read */
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Reads until the server closes.  Returns "eof", "reset" (closed with
 * unread data) or "timeout" (the server never closed: a failure).
 */
static const char *
recv_all(int fd, struct wbuf *w)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0)
			return "eof";
		if (n < 0)
			return errno == ECONNRESET ? "reset" : "timeout";
		if (wbuf_put_bytes(w, buf, (size_t)n) == -1)
			return "overflow";
	}
}

/* One request on its own connection; reports the response as tag. */
static void
http(int out, const char *tag, const void *req, size_t len)
{
	struct wbuf w;
	int fd = client_connect();

	wbuf_init_dyn(&w, RESP_MAX);
	send_all(fd, req, len);
	recv_all(fd, &w);
	close(fd);
	report_put(out, tag, w.data, w.len);
	wbuf_fini(&w);
}

static void
http_str(int out, const char *tag, const char *req)
{
	http(out, tag, req, strlen(req));
}

#define GET(path)                                                              \
	"GET " path " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
#define GET_H(path, h)                                                         \
	"GET " path " HTTP/1.1\r\nHost: t\r\n" h "\r\nConnection: close\r\n\r\n"

/* ---- the parent: runs a client against the server on the loop ---- */

static char readbuf[64 * 1024];

static void
alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)h;
	(void)hint;
	buf->base = readbuf;
	buf->len = sizeof(readbuf);
}

static void
finish_run(void)
{
	uint64_t now = uv_hrtime();

	max_gap_ns = MAX(max_gap_ns, now - last_tick_ns);
	uv_close((uv_handle_t *)&from_child, NULL);
	uv_close((uv_handle_t *)&tick, NULL);
	intro_stop(in, on_stopped, &stopped);
}

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	(void)s;
	if (n < 0) {
		finish_run(); /* EOF: the child is done */
		return;
	}
	ck_assert_int_eq(wbuf_put_bytes(&report, buf->base, (size_t)n), 0);
	/* A child may ask for the server to stop under it. */
	if (!stop_asked && memmem(report.data, report.len, "stop-now", 8)) {
		stop_asked = true;
		intro_stop(in, on_stopped, &stopped);
	}
}

static void
close_fds_but(int keep)
{
	int fd;

	for (fd = 3; fd < HIGH_FD; fd++)
		if (fd != keep)
			close(fd);
}

typedef void (*client_fn)(int out);

/*
 * Forks client, runs the loop until its report ends, stops the server
 * and closes everything; the child must have exited 0 and the loop
 * must have ticked on time all along.
 */
static void
run_client(client_fn client)
{
	int fds[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close_fds_but(fds[1]); /* the server's sockets, too */
		client(fds[1]);
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_eq(uv_pipe_init(&loop, &from_child, 0), 0);
	ck_assert_int_eq(uv_pipe_open(&from_child, fds[0]), 0);
	ck_assert_int_eq(
	    uv_read_start((uv_stream_t *)&from_child, alloc_cb, read_cb), 0);
	ck_assert_int_eq(uv_timer_init(&loop, &tick), 0);
	ck_assert_int_eq(uv_timer_start(&tick, tick_cb, TICK_MS, TICK_MS), 0);
	last_tick_ns = uv_hrtime();
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert(stopped);
	ck_assert_msg(max_gap_ns < (uint64_t)MAX_GAP_MS * 1000000,
	    "the loop stalled for %llu ms",
	    (unsigned long long)(max_gap_ns / 1000000));
	intro_free(in);
	in = NULL;
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}

/* The record tagged tag, NUL-terminated, malloc'd; the test fails
 * if the child did not report it. */
static char *
got(const char *tag, size_t *lenp)
{
	const char *p = (const char *)report.data;
	const char *end = p + report.len, *nl, *sp;
	size_t taglen = strlen(tag), len;
	char *s;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		sp = memchr(p, ' ', (size_t)(nl - p));
		ck_assert_ptr_nonnull(sp);
		len = strtoul(sp + 1, NULL, 10);
		ck_assert_uint_le(len, (size_t)(end - nl - 1));
		if ((size_t)(nl - p) > taglen && p[taglen] == ' ' &&
		    memcmp(p, tag, taglen) == 0) {
			s = xmalloc(len + 1);
			memcpy(s, nl + 1, len);
			s[len] = '\0';
			if (lenp != NULL)
				*lenp = len;
			return s;
		}
		p = nl + 1 + len;
	}
	ck_abort_msg("the client did not report %s", tag);
	return NULL;
}

/* A parsed response. */
struct resp {
	char *raw;        /* the whole response, owned */
	int status;       /* 0: none (closed without an answer) */
	const char *body; /* in raw */
	size_t body_len;
};

static void
resp_get(const char *tag, struct resp *r)
{
	size_t len;
	char *sep;

	r->raw = got(tag, &len);
	r->status = 0;
	r->body = "";
	r->body_len = 0;
	if (sscanf(r->raw, "HTTP/1.1 %d ", &r->status) != 1)
		r->status = 0;
	if ((sep = strstr(r->raw, "\r\n\r\n")) != NULL) {
		sep[2] = '\0'; /* the headers end with their last CRLF */
		r->body = sep + 4;
		r->body_len = len - (size_t)(r->body - r->raw);
	}
}

/* Has r the header "name: value" (name in any case)? */
static bool
resp_has(const struct resp *r, const char *name, const char *value)
{
	char line[256];

	snprintf(line, sizeof(line), "\r\n%s: %s\r\n", name, value);
	return strcasestr(r->raw, line) != NULL;
}

static void
resp_free(struct resp *r)
{
	free(r->raw);
}

/* Status, content type and no-store; the body is the caller's. */
static void
check_resp(const struct resp *r, int status, const char *ctype)
{
	ck_assert_int_eq(r->status, status);
	if (ctype != NULL)
		ck_assert_msg(resp_has(r, "Content-Type", ctype),
		    "no Content-Type %s in %s", ctype, r->raw);
	ck_assert(resp_has(r, "Cache-Control", "no-store"));
}

/*
 * The response tagged tag has status, content type ctype (NULL: any)
 * and Cache-Control: no-store; its body is text (NULL: anything) or,
 * with part, contains it.
 */
static void
expect_body(
    const char *tag, int status, const char *ctype, const char *text, bool part)
{
	struct resp r;

	resp_get(tag, &r);
	check_resp(&r, status, ctype);
	if (text != NULL && part)
		ck_assert_msg(strstr(r.body, text) != NULL,
		    "%s: no \"%s\" in \"%s\"", tag, text, r.body);
	else if (text != NULL)
		ck_assert_str_eq(r.body, text);
	resp_free(&r);
}

static void
expect(const char *tag, int status, const char *ctype, const char *body)
{
	expect_body(tag, status, ctype, body, false);
}

static void
expect_has(const char *tag, int status, const char *ctype, const char *part)
{
	expect_body(tag, status, ctype, part, true);
}

/* The connection reported as tag was closed by the server. */
static void
expect_closed(const char *tag)
{
	char *s = got(tag, NULL);

	ck_assert_msg(
	    strcmp(s, "eof") == 0 || strcmp(s, "reset") == 0, "%s: %s", tag, s);
	free(s);
}

#define HELLO_JSON                                                             \
	"{\"page\":\"hello\",\"meta\":{\"greeting\":\"hi\"},\"tables\":"       \
	"[{\"name\":\"t\",\"columns\":[\"k\",\"v\"],\"rows\":[{\"k\":\"a\","   \
	"\"v\":1}]}]}\n"

/* ---- the cases ---- */

static void
client_formats(int out)
{
	http_str(out, "json", GET("/hello?format=json"));
	http_str(out, "default", GET("/hello"));
	http_str(out, "html",
	    GET_H("/hello", "Accept: text/html,application/xhtml+xml"));
	http_str(out, "text", GET("/hello/?format=text"));
	http_str(out, "xml", GET_H("/hello", "Accept: application/xml"));
	http_str(out, "index", GET("/?format=text"));
	http_str(out, "head",
	    "HEAD /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
}

START_TEST(get_formats)
{
	struct resp r;

	start_server(0, 0, 0);
	run_client(client_formats);

	expect("json", 200, "application/json", HELLO_JSON);
	expect("default", 200, "application/json", HELLO_JSON);
	expect("xml", 200, "application/json", HELLO_JSON); /* not raw */
	expect_has(
	    "html", 200, "text/html; charset=utf-8", "<title>hello</title>");
	expect_has("html", 200, NULL, "<dt>greeting</dt><dd>hi</dd>");
	expect_has("html", 200, NULL, "<tr><td>a</td><td>1</td></tr>\n");
	expect("text", 200, "text/plain; charset=utf-8",
	    "greeting: hi\n\nt\nk  v\na  1\n");
	/* The index lists the routes with help, and only those. */
	expect("index", 200, "text/plain; charset=utf-8",
	    "pages\n"
	    "method  path    help\n"
	    "GET     /       this index of the pages\n"
	    "GET     /hello  a greeting\n"
	    "PUT     /echo   echoes the body\n");
	resp_get("head", &r);
	check_resp(&r, 200, "application/json");
	ck_assert_uint_eq(r.body_len, 0);
	resp_free(&r);
}
END_TEST

static void
client_errors(int out)
{
	http_str(out, "404", GET("/nope"));
	http_str(out, "404prefix", GET("/hellox"));
	http_str(out, "404html", GET("/nope?format=html"));
	http_str(out, "405",
	    "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n");
	http_str(out, "405echo", GET("/echo/x"));
	http_str(out, "badfmt", GET("/hello?format=yaml"));
	http_str(
	    out, "badfmt_html", GET_H("/hello?format=", "Accept: text/html"));
	http_str(out, "dotdot", GET("/hello/../hidden"));
	http_str(out, "dotdot_enc", GET("/hello/%2e%2E/hidden"));
	http_str(out, "nul", GET("/hello/a%00b"));
	http_str(out, "badesc", GET("/hello/%zz"));
	http_str(out, "shortesc", GET("/hello/%2"));
	http_str(out, "dots_ok", GET("/hello/..x/x..?format=text"));
	/* Refused without a body: the connection stays for the next. */
	http_str(out, "keepalive",
	    "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n" GET("/hello"));
	http_str(out, "204",
	    "DELETE /echo/gone HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
	    "\r\n");
}

START_TEST(errors)
{
	static const char *const bad[] = {
	    "dotdot", "dotdot_enc", "nul", "badesc", "shortesc"};
	struct resp r;
	size_t i;

	start_server(0, 0, 0);
	run_client(client_errors);

	expect("404", 404, "application/json",
	    "{\"error\":{\"status\":404,"
	    "\"reason\":\"no page /nope\","
	    "\"details\":[]}}\n");
	expect("404prefix", 404, "application/json", NULL);
	expect_has(
	    "404html", 404, "text/html; charset=utf-8", "<h1>error 404</h1>");
	expect_has("405", 405, "application/json", "POST is not allowed");
	resp_get("405", &r);
	ck_assert(resp_has(&r, "Allow", "GET"));
	resp_free(&r);
	/* /echo/x: PUT from /echo, POST from /echo/, once each. */
	resp_get("405echo", &r);
	check_resp(&r, 405, "application/json");
	ck_assert(resp_has(&r, "Allow", "PUT, POST"));
	resp_free(&r);
	expect("badfmt", 400, "application/json",
	    "{\"error\":{\"status\":400,\"reason\":\"unknown format 'yaml' "
	    "(json, html, text or xml)\",\"details\":[]}}\n");
	/* The error of a bad ?format= comes in the Accept format. */
	expect("badfmt_html", 400, "text/html; charset=utf-8", NULL);
	for (i = 0; i < nitems(bad); i++)
		expect_has(bad[i], 400, "application/json", "bad path");
	expect("dots_ok", 200, "text/plain; charset=utf-8", NULL);
	expect_has(
	    "keepalive", 404, "application/json", "}\nHTTP/1.1 200 OK\r\n");
	expect_has("keepalive", 404, NULL, HELLO_JSON);
	expect("204", 204, NULL, "");
	ck_assert_uint_eq(echo_calls, 0);
}
END_TEST

/* 600 bytes with NULs and high bytes, sent in two pieces. */
static void
body_pattern(char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (char)(i * 7);
}

static void
client_put(int out)
{
	static const char head[] = "PUT /echo/a%20b?x=1%262 HTTP/1.1\r\n"
				   "Host: t\r\nContent-Length: 600\r\n"
				   "Connection: close\r\n\r\n";
	static const char chunked[] =
	    "POST /echo/c HTTP/1.1\r\nHost: t\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
	char body[600];
	struct wbuf w;
	int fd;

	body_pattern(body, sizeof(body));
	fd = client_connect();
	wbuf_init_dyn(&w, RESP_MAX);
	send_all(fd, head, sizeof(head) - 1);
	send_all(fd, body, 300);
	usleep(50 * 1000); /* the handler must wait for the rest */
	send_all(fd, body + 300, 300);
	recv_all(fd, &w);
	close(fd);
	report_put(out, "put", w.data, w.len);
	wbuf_fini(&w);
	http_str(out, "chunked", chunked);
}

START_TEST(put_body)
{
	const char *want;
	char body[600];
	struct resp r;
	size_t n;

	start_server(0, 0, 0);
	run_client(client_put);

	body_pattern(body, sizeof(body));
	resp_get("put", &r);
	check_resp(&r, 201, "application/octet-stream");
	want = "PUT sub=a b x=1&2 len=600\n";
	n = strlen(want);
	ck_assert_uint_eq(r.body_len, n + sizeof(body));
	ck_assert_mem_eq(r.body, want, n);
	ck_assert_mem_eq(r.body + n, body, sizeof(body));
	resp_free(&r);

	expect("chunked", 201, "application/octet-stream",
	    "POST sub=c x=- len=11\nhello world");
	ck_assert_uint_eq(echo_calls, 2);
}
END_TEST

static void
client_too_large(int out)
{
	char req[512], chunk[BODY_MAX / 4];
	struct wbuf w;
	int fd, i;

	/* Announced: refused with the headers, the body is never read. */
	snprintf(req, sizeof(req),
	    "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n"
	    "Connection: close\r\n\r\n",
	    4 * BODY_MAX);
	http_str(out, "announced", req);

	/* Chunked: read and dropped past the limit, refused at the end. */
	memset(chunk, 'x', sizeof(chunk));
	fd = client_connect();
	wbuf_init_dyn(&w, RESP_MAX);
	snprintf(req, sizeof(req),
	    "PUT /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: close\r\n\r\n");
	send_all(fd, req, strlen(req));
	for (i = 0; i < 16; i++) {
		snprintf(req, sizeof(req), "%zx\r\n", sizeof(chunk));
		send_all(fd, req, strlen(req));
		send_all(fd, chunk, sizeof(chunk));
		send_all(fd, "\r\n", 2);
	}
	send_all(fd, "0\r\n\r\n", 5);
	recv_all(fd, &w);
	close(fd);
	report_put(out, "chunked", w.data, w.len);
	wbuf_fini(&w);

	/* Exactly at the limit is fine; and the server still answers. */
	snprintf(req, sizeof(req),
	    "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n"
	    "Connection: close\r\n\r\n",
	    BODY_MAX);
	wbuf_init_dyn(&w, 2 * BODY_MAX);
	wbuf_put_str(&w, req);
	for (i = 0; i < BODY_MAX; i++)
		wbuf_put_u8(&w, 'y');
	http(out, "at_limit", w.data, w.len);
	wbuf_fini(&w);
	http_str(out, "after", GET("/hello"));
}

START_TEST(body_over_limit)
{
	start_server(0, 0, 0);
	run_client(client_too_large);

	expect_has(
	    "announced", 413, "application/json", "over the limit of 1024");
	expect_has(
	    "chunked", 413, "application/json", "over the limit of 1024");
	expect_has("at_limit", 201, "application/octet-stream", "len=1024\n");
	expect("after", 200, "application/json", HELLO_JSON);
	/* Only the request within the limit reached the handler. */
	ck_assert_uint_eq(echo_calls, 1);
}
END_TEST

static void
client_slow(int out)
{
	static const char half[] = "GET /hello HTTP/1.1\r\nHost: t\r\n";
	char text[64];
	uint64_t t0, t1;
	struct wbuf w;
	int slow;

	slow = client_connect();
	send_all(slow, half, sizeof(half) - 1);
	t0 = now_ms();
	/* Served while the other one stalls. */
	http_str(out, "meanwhile", GET("/hello"));
	t1 = now_ms();
	snprintf(text, sizeof(text), "%llu", (unsigned long long)(t1 - t0));
	report_str(out, "meanwhile_ms", text);
	wbuf_init_dyn(&w, RESP_MAX);
	report_str(out, "slow_end", recv_all(slow, &w));
	snprintf(
	    text, sizeof(text), "%llu", (unsigned long long)(now_ms() - t0));
	report_str(out, "slow_ms", text);
	report_put(out, "slow", w.data, w.len);
	close(slow);
	wbuf_fini(&w);
}

START_TEST(slow_client)
{
	unsigned long ms;
	char *s;

	start_server(0, 0, 1); /* 1 s idle timeout */
	run_client(client_slow);

	expect("meanwhile", 200, "application/json", NULL);
	s = got("meanwhile_ms", NULL);
	ck_assert_uint_lt(strtoul(s, NULL, 10), 500);
	free(s);
	/* Closed by the server after about the timeout, with no answer. */
	expect_closed("slow_end");
	s = got("slow_ms", NULL);
	ms = strtoul(s, NULL, 10);
	ck_assert_msg(ms >= 900 && ms < 3000, "closed after %lu ms", ms);
	free(s);
	s = got("slow", NULL);
	ck_assert_ptr_null(strstr(s, "200 OK"));
	free(s);
}
END_TEST

static void
client_flood(int out)
{
	int fds[FLOOD_CONNS], i;
	char text[32];
	uint64_t t0;

	/*
	 * The kernel completes every handshake; MHD serves FLOOD_LIMIT and
	 * leaves the rest in the backlog, each with a partial request.
	 */
	for (i = 0; i < FLOOD_CONNS; i++) {
		fds[i] = client_connect();
		send_all(fds[i], "GET /hel", 8);
	}
	usleep(200 * 1000);
	for (i = 0; i < FLOOD_CONNS; i++)
		close(fds[i]);
	t0 = now_ms();
	http_str(out, "after", GET("/hello"));
	snprintf(
	    text, sizeof(text), "%llu", (unsigned long long)(now_ms() - t0));
	report_str(out, "after_ms", text);
}

/*
 * The flood's backlog reaches MHD already closed, data and FIN at once;
 * libmicrohttpd 0.9.75 (epoll, edge-triggered) takes a short read for a
 * drained socket and sees the FIN only at the idle timeout: hence 1 s
 * here, and the normal request is served within about that.  Past the
 * limit MHD also leaves its listening socket out until its next run,
 * which intro.c must provide once those connections are gone.
 */
START_TEST(flood)
{
	unsigned long ms;
	char *s;

	start_server(FLOOD_LIMIT, FLOOD_LIMIT, 1);
	run_client(client_flood);

	expect("after", 200, "application/json", HELLO_JSON);
	s = got("after_ms", NULL);
	ms = strtoul(s, NULL, 10);
	ck_assert_msg(ms < 2500, "served after %lu ms", ms);
	free(s);
	ck_assert_uint_gt(nticks, 200 / TICK_MS / 2);
}
END_TEST

static void
client_per_ip(int out)
{
	int a, b, c;
	struct wbuf w;

	/* Two stalled connections take 127.0.0.1's share ... */
	a = client_connect();
	b = client_connect();
	send_all(a, "GET /hel", 8);
	send_all(b, "GET /hel", 8);
	usleep(100 * 1000);
	/* ... so a third from it is closed at once, unanswered ... */
	c = client_connect();
	send_all(c, GET("/hello"), strlen(GET("/hello")));
	wbuf_init_dyn(&w, RESP_MAX);
	report_str(out, "third_end", recv_all(c, &w));
	report_put(out, "third", w.data, w.len);
	wbuf_fini(&w);
	close(c);
	/* ... while another address is served. */
	c = client_connect_from("127.0.0.2");
	send_all(c, GET("/hello"), strlen(GET("/hello")));
	wbuf_init_dyn(&w, RESP_MAX);
	recv_all(c, &w);
	report_put(out, "other", w.data, w.len);
	wbuf_fini(&w);
	close(c);
	close(a);
	close(b);
}

START_TEST(per_ip_limit)
{
	struct resp r;

	start_server(0, 2, 0);
	run_client(client_per_ip);

	expect_closed("third_end");
	resp_get("third", &r);
	ck_assert_int_eq(r.status, 0);
	resp_free(&r);
	expect("other", 200, "application/json", NULL);
}
END_TEST

/* Stops the server while a request is half in: it is closed, freed. */
static void
client_stop_under(int out)
{
	static const char half[] = "PUT /echo HTTP/1.1\r\nHost: t\r\n"
				   "Content-Length: 10\r\n\r\nhalf";
	struct wbuf w;
	int fd;

	fd = client_connect();
	send_all(fd, half, sizeof(half) - 1);
	usleep(50 * 1000);
	report_str(out, "stop-now", "");
	wbuf_init_dyn(&w, RESP_MAX);
	report_str(out, "end", recv_all(fd, &w));
	wbuf_fini(&w);
	close(fd);
}

START_TEST(stop_with_open_request)
{
	start_server(0, 0, 0);
	run_client(client_stop_under);
	expect_closed("end");
	ck_assert_uint_eq(echo_calls, 0);
}
END_TEST

START_TEST(stop_unstarted)
{
	struct intro_opts opts;

	memset(&opts, 0, sizeof(opts)); /* defaults: 127.0.0.1:8083 */
	in = intro_new(&loop, &opts);
	intro_stop(in, on_stopped, &stopped);
	intro_stop(in, on_stopped, &stopped); /* a second stop is a no-op */
	ck_assert(stopped);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	intro_free(in);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}
END_TEST

START_TEST(port_in_use)
{
	struct intro_opts opts;
	struct intro *second;
	char addr[32];

	start_server(0, 0, 0);
	memset(&opts, 0, sizeof(opts));
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	ck_assert_int_eq(sockaddr_parse(addr, 0, &opts.addr), 0);
	second = intro_new(&loop, &opts);
	ck_assert_int_lt(intro_start(second), 0);
	ck_assert_uint_eq(intro_port(second), 0);
	intro_stop(second, NULL, NULL);
	intro_stop(in, on_stopped, &stopped);
	ck_assert_int_eq(intro_start(in), -EINVAL); /* stopped for good */
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert(stopped);
	intro_free(second);
	intro_free(in);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}
END_TEST

Suite *
cn_intro_suite(void)
{
	Suite *s = suite_create("cn_intro");
	TCase *tc = tcase_create("io");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, get_formats);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, put_body);
	tcase_add_test(tc, body_over_limit);
	tcase_add_test(tc, slow_client);
	tcase_add_test(tc, flood);
	tcase_add_test(tc, per_ip_limit);
	tcase_add_test(tc, stop_with_open_request);
	tcase_add_test(tc, stop_unstarted);
	tcase_add_test(tc, port_in_use);
	suite_add_tcase(s, tc);
	return s;
}
