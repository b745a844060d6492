/*
 * ctl_main.c - miradorctl: the command line over mirador-control's REST
 * API (docs/rest-api.md).  Show pages as aligned text (the server renders
 * them) or JSON; create, replace and delete config objects from files;
 * and the Cloudpods-style tap-service / tap-flow commands.  A small
 * blocking HTTP/1.1 client: one request per connection, bounded in time
 * and size.  Exit status: 0 done, 1 the server refused (its reason on
 * stderr), 2 usage, 3 no answer.
 */
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CTL_DEFAULT_SERVER "127.0.0.1:8083"
#define CTL_TIMEOUT_MS     10000      /* connect, send, whole answer */
#define CTL_MAX_ANSWER     (64 << 20) /* bytes */
#define CTL_MAX_FILE       (16 << 20) /* bytes of a file to send */

#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_NOANSWER 3

struct ctl {
	struct sockaddr_storage server;
	const char *server_text;
	bool json;
};

struct answer {
	int status;
	struct wbuf body; /* dynamic */
};

static int
wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc == -1 && errno == EINTR);
	if (rc == 0)
		return -ETIMEDOUT;
	return rc < 0 ? -errno : 0;
}

static int
send_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	ssize_t n;
	int rc;

	while (len > 0) {
		if ((rc = wait_fd(fd, POLLOUT, CTL_TIMEOUT_MS)) != 0)
			return rc;
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Decodes a chunked body in place; 0 or -EPROTO. */
static int
dechunk(struct wbuf *b, size_t start)
{
	uint8_t *src = b->data + start, *end = b->data + b->len;
	uint8_t *dst = src;
	unsigned long size;
	char *e;

	for (;;) {
		size = strtoul((const char *)src, &e, 16);
		if ((uint8_t *)e == src)
			return -EPROTO;
		src = memchr(e, '\n', (size_t)(end - (uint8_t *)e));
		if (src == NULL)
			return -EPROTO;
		src++;
		if (size == 0)
			break;
		if (size > (size_t)(end - src))
			return -EPROTO;
		memmove(dst, src, size);
		dst += size;
		src += size;
		if (src < end && *src == '\r')
			src++;
		if (src < end && *src == '\n')
			src++;
	}
	b->len = (size_t)(dst - b->data);
	return 0;
}

/* Splits the raw answer into status and body. */
static int
parse_answer(struct answer *a)
{
	struct wbuf *b = &a->body;
	const char *hdr_end, *line, *eol;
	size_t start, clen = SIZE_MAX;
	bool chunked = false;

	if (wbuf_put_u8(b, 0) != 0)
		return -EFBIG;
	b->len--;
	if (b->len < 12 || strncmp((const char *)b->data, "HTTP/1.", 7) != 0)
		return -EPROTO;
	a->status = atoi((const char *)b->data + 9);
	hdr_end = strstr((const char *)b->data, "\r\n\r\n");
	if (hdr_end == NULL || a->status < 100 || a->status > 599)
		return -EPROTO;
	for (line = strstr((const char *)b->data, "\r\n") + 2; line < hdr_end;
	     line = eol + 2) {
		eol = strstr(line, "\r\n");
		if (strncasecmp(line, "content-length:", 15) == 0)
			clen = strtoul(line + 15, NULL, 10);
		else if (strncasecmp(line, "transfer-encoding:", 18) == 0 &&
		    strstr(line, "chunked") != NULL &&
		    strstr(line, "chunked") < eol)
			chunked = true;
	}
	start = (size_t)(hdr_end + 4 - (const char *)b->data);
	if (chunked && dechunk(b, start) != 0)
		return -EPROTO;
	if (!chunked && clen != SIZE_MAX && start + clen < b->len)
		b->len = start + clen;
	memmove(b->data, b->data + start, b->len - start);
	b->len -= start;
	return 0;
}

/* One request; the answer's body in a->body (caller frees). */
static int
request(const struct ctl *c, const char *method, const char *path,
    const char *body, size_t blen, struct answer *a)
{
	char head[16384], buf[65536], host[SOCKADDR_STRLEN];
	int fd, rc, err;
	socklen_t elen = sizeof(err);
	ssize_t n;

	wbuf_init_dyn(&a->body, CTL_MAX_ANSWER);
	a->status = 0;
	fd = socket(
	    c->server.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)&c->server,
	    c->server.ss_family == AF_INET ? sizeof(struct sockaddr_in)
					   : sizeof(struct sockaddr_in6));
	if (rc == -1 && errno != EINPROGRESS) {
		rc = -errno;
		goto done;
	}
	if ((rc = wait_fd(fd, POLLOUT, CTL_TIMEOUT_MS)) != 0)
		goto done;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 ||
	    err != 0) {
		rc = -(err != 0 ? err : errno);
		goto done;
	}
	sockaddr_print((const struct sockaddr *)&c->server, host, sizeof(host));
	if ((size_t)snprintf(head, sizeof(head),
		"%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
		"Accept: %s\r\nUser-Agent: miradorctl/%s\r\n"
		"Content-Type: application/xml\r\nContent-Length: %zu\r\n\r\n",
		method, path, host, c->json ? "application/json" : "text/plain",
		PACKAGE_VERSION, blen) >= sizeof(head)) {
		rc = -ENAMETOOLONG;
		goto done;
	}
	if ((rc = send_all(fd, head, strlen(head))) != 0 ||
	    (blen > 0 && (rc = send_all(fd, body, blen)) != 0))
		goto done;
	for (;;) {
		if ((rc = wait_fd(fd, POLLIN, CTL_TIMEOUT_MS)) != 0)
			goto done;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1) {
			rc = -errno;
			goto done;
		}
		if (n == 0)
			break;
		if (wbuf_put_bytes(&a->body, buf, (size_t)n) != 0) {
			rc = -EFBIG;
			goto done;
		}
	}
	rc = parse_answer(a);
done:
	close(fd);
	return rc;
}

/* Appends s to w percent-encoded for a URL path or query. */
static void
url_put(struct wbuf *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char ch;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~:@/,", ch) != NULL)
			wbuf_put_u8(w, ch);
		else {
			wbuf_put_u8(w, '%');
			wbuf_put_u8(w, (uint8_t)hex[ch >> 4]);
			wbuf_put_u8(w, (uint8_t)hex[ch & 15]);
		}
	}
}

/*
 * Runs a request and prints the answer: the body on stdout when it is a
 * success, on stderr with the status otherwise.  Returns an exit status.
 */
static int
run(const struct ctl *c, const char *method, const char *path, const char *body,
    size_t blen)
{
	struct answer a;
	char fullpath[8192];
	int rc;

	/* The server renders text for us unless JSON is asked for. */
	snprintf(fullpath, sizeof(fullpath), "%s%sformat=%s", path,
	    strchr(path, '?') != NULL ? "&" : "?", c->json ? "json" : "text");
	if (strncmp(path, "/config/", 8) == 0 && strcmp(method, "GET") == 0 &&
	    strchr(path + 8, '/') != NULL)
		snprintf(fullpath, sizeof(fullpath), "%s", path);
	rc = request(c, method, fullpath, body, blen, &a);
	if (rc != 0) {
		fprintf(stderr, "miradorctl: %s %s: no answer from %s: %s\n",
		    method, path, c->server_text, strerror(-rc));
		wbuf_fini(&a.body);
		return EXIT_NOANSWER;
	}
	if (a.status >= 200 && a.status < 300) {
		fwrite(a.body.data, 1, a.body.len, stdout);
		if (a.body.len > 0 && a.body.data[a.body.len - 1] != '\n')
			putchar('\n');
		wbuf_fini(&a.body);
		return EXIT_SUCCESS;
	}
	fwrite(a.body.data, 1, a.body.len, stderr);
	if (a.body.len > 0 && a.body.data[a.body.len - 1] != '\n')
		fputc('\n', stderr);
	wbuf_fini(&a.body);
	return EXIT_REFUSED;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct wbuf w;
	char buf[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	wbuf_init_dyn(&w, CTL_MAX_FILE + 1);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (wbuf_put_bytes(&w, buf, n) != 0)
			break;
	if (f != stdin)
		fclose(f);
	if (w.len > CTL_MAX_FILE || wbuf_put_u8(&w, 0) != 0) {
		wbuf_fini(&w);
		errno = EFBIG;
		return NULL;
	}
	*len = w.len - 1;
	return (char *)w.data;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: miradorctl [-s ADDR:PORT] [-j] COMMAND [ARGS]\n"
	    "  -s, --server ADDR:PORT  mirador-control's REST address "
	    "(default %s)\n"
	    "  -j, --json              print JSON instead of tables\n"
	    "commands:\n"
	    "  status | instances [NAME] | rt-groups | mirrors\n"
	    "  routes [--instance RI] [--table T] [--family F] [--prefix P "
	    "[--longer]]\n"
	    "         [--source S] [--offset N] [--limit N]\n"
	    "  config [TYPE [NAME]]        list objects; TYPE NAME prints "
	    "its XML\n"
	    "  create FILE...              create or replace the objects of "
	    "each file\n"
	    "  delete TYPE NAME\n"
	    "  tap-service-create --type guest|host --target-id TARGET "
	    "[--mac-addr MAC] NAME\n"
	    "  tap-flow-create --tap-id SERVICE --type vnic|vswitch\n"
	    "         [--interface VMI] [--host-id VROUTER --wire-id VN "
	    "[--vlan-id N]]\n"
	    "         [--direction IN|OUT|BOTH] NAME\n"
	    "  tap-service-{enable,disable,delete,show} NAME, "
	    "tap-service-list\n"
	    "  tap-flow-{enable,disable,delete,show} NAME, tap-flow-list\n"
	    "  bgp [NEIGHBOR]              BGP neighbors: state, families, "
	    "counters\n"
	    "  bgp-reset [--hard] NEIGHBOR reset a session (--hard: Cease "
	    "hard reset,\n"
	    "                              the peer drops our routes at "
	    "once)\n"
	    "  xmpp [AGENT]                XMPP agents: sessions, TLS, "
	    "counters\n"
	    "  xmpp-agent [AGENT]          their subscriptions "
	    "(instance-ids) and config\n",
	    CTL_DEFAULT_SERVER);
}

/* Escapes s for XML text. */
static void
xml_put(struct wbuf *w, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			wbuf_put_str(w, "&lt;");
			break;
		case '>':
			wbuf_put_str(w, "&gt;");
			break;
		case '&':
			wbuf_put_str(w, "&amp;");
			break;
		case '"':
			wbuf_put_str(w, "&quot;");
			break;
		default:
			wbuf_put_u8(w, (uint8_t)*s);
		}
	}
}

static void
xml_el(struct wbuf *w, const char *name, const char *value)
{
	if (value == NULL)
		return;
	wbuf_printf(w, "  <%s>", name);
	xml_put(w, value);
	wbuf_printf(w, "</%s>\n", name);
}

/* PUTs the object w holds as /config/TYPE/NAME. */
static int
put_object(
    const struct ctl *c, const char *type, const char *name, struct wbuf *w)
{
	struct wbuf path;
	int rc;

	wbuf_init_dyn(&path, 4096);
	wbuf_printf(&path, "/config/%s/", type);
	url_put(&path, name);
	wbuf_put_u8(&path, 0);
	rc = run(
	    c, "PUT", (const char *)path.data, (const char *)w->data, w->len);
	wbuf_fini(&path);
	return rc;
}

static const struct option tap_opts[] = {
    {"type", required_argument, NULL, 't'},
    {"target-id", required_argument, NULL, 'T'},
    {"mac-addr", required_argument, NULL, 'm'},
    {"tap-id", required_argument, NULL, 'S'},
    {"interface", required_argument, NULL, 'i'},
    {"guest-id", required_argument, NULL, 'i'},
    {"host-id", required_argument, NULL, 'h'},
    {"wire-id", required_argument, NULL, 'w'},
    {"vlan-id", required_argument, NULL, 'v'},
    {"direction", required_argument, NULL, 'd'},
    {"enable", no_argument, NULL, 'e'},
    {"disable", no_argument, NULL, 'D'},
    {NULL, 0, NULL, 0},
};

/* tap-service-create and tap-flow-create, as Cloudpods' climc has them. */
static int
tap_create(const struct ctl *c, bool service, int argc, char **argv)
{
	const char *type = NULL, *target = NULL, *mac = NULL, *tap = NULL;
	const char *iface = NULL, *host = NULL, *wire = NULL, *vlan = NULL;
	const char *dir = NULL, *enabled = NULL, *kind;
	struct wbuf w;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", tap_opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			type = optarg;
			break;
		case 'T':
			target = optarg;
			break;
		case 'm':
			mac = optarg;
			break;
		case 'S':
			tap = optarg;
			break;
		case 'i':
			iface = optarg;
			break;
		case 'h':
			host = optarg;
			break;
		case 'w':
			wire = optarg;
			break;
		case 'v':
			vlan = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'e':
			enabled = "true";
			break;
		case 'D':
			enabled = "false";
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || type == NULL ||
	    (service ? target == NULL : tap == NULL)) {
		fprintf(stderr, "miradorctl: %s needs --type, %s and a name\n",
		    argv[0], service ? "--target-id" : "--tap-id");
		return EXIT_USAGE;
	}
	kind = service ? "tap-service" : "tap-flow";
	wbuf_init_dyn(&w, 65536);
	wbuf_printf(&w, "<%s name=\"", kind);
	xml_put(&w, argv[optind]);
	wbuf_put_str(&w, "\">\n");
	if (service) {
		xml_el(&w, "type", type);
		xml_el(&w, "target", target);
		xml_el(&w, "mac-address", mac);
	} else {
		xml_el(&w, "tap-service", tap);
		xml_el(&w, "type", type);
		xml_el(&w, "interface", iface);
		xml_el(&w, "virtual-router", host);
		xml_el(&w, "virtual-network", wire);
		xml_el(&w, "vlan-id", vlan);
		xml_el(&w, "direction", dir);
	}
	xml_el(&w, "enabled", enabled);
	wbuf_printf(&w, "</%s>\n", kind);
	rc = put_object(c, kind, argv[optind], &w);
	wbuf_fini(&w);
	return rc;
}

static const struct option route_opts[] = {
    {"instance", required_argument, NULL, 'i'},
    {"table", required_argument, NULL, 't'},
    {"family", required_argument, NULL, 'f'},
    {"prefix", required_argument, NULL, 'p'},
    {"longer", no_argument, NULL, 'l'},
    {"source", required_argument, NULL, 's'},
    {"offset", required_argument, NULL, 'o'},
    {"limit", required_argument, NULL, 'n'},
    {NULL, 0, NULL, 0},
};

static int
routes(const struct ctl *c, int argc, char **argv)
{
	struct wbuf q;
	const char *sep = "?";
	int ch, rc;
	size_t i;

	wbuf_init_dyn(&q, 8192);
	wbuf_put_str(&q, "/routes");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", route_opts, NULL)) != -1) {
		for (i = 0; route_opts[i].name != NULL; i++)
			if (route_opts[i].val == ch)
				break;
		if (route_opts[i].name == NULL) {
			wbuf_fini(&q);
			usage(stderr);
			return EXIT_USAGE;
		}
		wbuf_printf(&q, "%s%s=", sep, route_opts[i].name);
		url_put(&q, ch == 'l' ? "1" : optarg);
		sep = "&";
	}
	if (optind != argc) {
		wbuf_fini(&q);
		usage(stderr);
		return EXIT_USAGE;
	}
	wbuf_put_u8(&q, 0);
	rc = run(c, "GET", (const char *)q.data, NULL, 0);
	wbuf_fini(&q);
	return rc;
}

/* GET of a path made of a prefix and URL-encoded name parts. */
static int
get_path(const struct ctl *c, const char *prefix, const char *a, const char *b,
    const char *suffix, const char *method)
{
	struct wbuf p;
	int rc;

	wbuf_init_dyn(&p, 8192);
	wbuf_put_str(&p, prefix);
	if (a != NULL) {
		wbuf_put_u8(&p, '/');
		url_put(&p, a);
	}
	if (b != NULL) {
		wbuf_put_u8(&p, '/');
		url_put(&p, b);
	}
	if (suffix != NULL)
		wbuf_put_str(&p, suffix);
	wbuf_put_u8(&p, 0);
	rc = run(c, method, (const char *)p.data, NULL, 0);
	wbuf_fini(&p);
	return rc;
}

static int
create(const struct ctl *c, int argc, char **argv)
{
	char *body;
	size_t len;
	int i, rc = EXIT_SUCCESS;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 1; i < argc && rc == EXIT_SUCCESS; i++) {
		if ((body = read_file(argv[i], &len)) == NULL) {
			fprintf(stderr, "miradorctl: %s: %s\n", argv[i],
			    strerror(errno));
			return EXIT_USAGE;
		}
		rc = run(c, "POST", "/config", body, len);
		free(body);
	}
	return rc;
}

/* tap-service-enable NAME and friends. */
static int
tap_action(const struct ctl *c, const char *cmd, int argc, char **argv)
{
	const char *kind =
	    strncmp(cmd, "tap-service", 11) == 0 ? "tap-service" : "tap-flow";
	const char *action = cmd + strlen(kind) + 1;

	if (strcmp(action, "list") == 0)
		return argc == 1
		    ? get_path(c, "/config", kind, NULL, NULL, "GET")
		    : EXIT_USAGE;
	if (argc != 2) {
		fprintf(stderr, "miradorctl: %s NAME\n", cmd);
		return EXIT_USAGE;
	}
	if (strcmp(action, "enable") == 0 || strcmp(action, "disable") == 0)
		return get_path(c, "/config", kind, argv[1],
		    strcmp(action, "enable") == 0 ? "/enable" : "/disable",
		    "POST");
	if (strcmp(action, "delete") == 0)
		return get_path(c, "/config", kind, argv[1], NULL, "DELETE");
	if (strcmp(action, "show") == 0)
		return get_path(c, "/config", kind, argv[1], NULL, "GET");
	usage(stderr);
	return EXIT_USAGE;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
	    {"server", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'H'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl c = {.server_text = CTL_DEFAULT_SERVER};
	const char *cmd;
	int ch;

	while ((ch = getopt_long(argc, argv, "+s:jHV", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			c.server_text = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'H':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("miradorctl %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (sockaddr_parse(c.server_text, 8083, &c.server) != 0) {
		fprintf(stderr, "miradorctl: '%s' is not ADDRESS[:PORT]\n",
		    c.server_text);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "status") == 0 && argc == 1)
		return run(&c, "GET", "/status", NULL, 0);
	if (strcmp(cmd, "instances") == 0 && argc <= 2)
		return get_path(&c, "/routing-instances",
		    argc == 2 ? argv[1] : NULL, NULL, NULL, "GET");
	if (strcmp(cmd, "rt-groups") == 0 && argc == 1)
		return run(&c, "GET", "/rt-groups", NULL, 0);
	if (strcmp(cmd, "mirrors") == 0 && argc == 1)
		return run(&c, "GET", "/mirror-destinations", NULL, 0);
	if (strcmp(cmd, "routes") == 0)
		return routes(&c, argc, argv);
	if (strcmp(cmd, "config") == 0 && argc <= 3)
		return get_path(&c, "/config", argc >= 2 ? argv[1] : NULL,
		    argc == 3 ? argv[2] : NULL, NULL, "GET");
	if (strcmp(cmd, "create") == 0)
		return create(&c, argc, argv);
	if (strcmp(cmd, "delete") == 0 && argc == 3)
		return get_path(
		    &c, "/config", argv[1], argv[2], NULL, "DELETE");
	if (strcmp(cmd, "tap-service-create") == 0)
		return tap_create(&c, true, argc, argv);
	if (strcmp(cmd, "tap-flow-create") == 0)
		return tap_create(&c, false, argc, argv);
	if (strcmp(cmd, "bgp") == 0 && argc <= 2)
		return get_path(&c, "/bgp-neighbors",
		    argc == 2 ? argv[1] : NULL, NULL, NULL, "GET");
	if (strcmp(cmd, "xmpp") == 0 && argc <= 2)
		return get_path(&c, "/xmpp-connections",
		    argc == 2 ? argv[1] : NULL, NULL, NULL, "GET");
	if (strcmp(cmd, "xmpp-agent") == 0 && argc <= 2)
		return get_path(&c, "/xmpp-agents", argc == 2 ? argv[1] : NULL,
		    NULL, NULL, "GET");
	if (strcmp(cmd, "bgp-reset") == 0 && argc == 2)
		return get_path(
		    &c, "/bgp-neighbors", argv[1], NULL, "/reset", "POST");
	if (strcmp(cmd, "bgp-reset") == 0 && argc == 3 &&
	    strcmp(argv[1], "--hard") == 0)
		return get_path(
		    &c, "/bgp-neighbors", argv[2], NULL, "/hard-reset", "POST");
	if (strncmp(cmd, "tap-service-", 12) == 0 ||
	    strncmp(cmd, "tap-flow-", 9) == 0)
		return tap_action(&c, cmd, argc, argv);
	usage(stderr);
	return EXIT_USAGE;
}
