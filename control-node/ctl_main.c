/*
 * ctl_main.c - miradorctl: the command line over mirador-control's REST
 * API (docs/rest-api.md).  Show pages as aligned text (the server renders
 * them) or JSON; create, replace and delete config objects from files;
 * and the Cloudpods-style tap-service / tap-flow commands.  A small
 * blocking HTTP/1.1 client: one request per connection, bounded in time
 * and size.  The vRouter-style commands (vif, nh, rt, mirror, flow, vrf,
 * gre, dp apply) speak the datapath's programming socket (dp_client.c).
 * Exit status: 0 done, 1 the server refused (its reason on stderr),
 * 2 usage, 3 no answer.
 */
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "datapath/dp_srv.h"

#define CTL_DEFAULT_SERVER "127.0.0.1:8083"
#define CTL_DEFAULT_DP     "/run/mirador/vrouter.sock"
#define CTL_DP_ENV         "MIRADOR_DP_SOCKET"
#define CTL_TIMEOUT_MS     10000      /* connect, send, whole answer */
#define CTL_MAX_ANSWER     (64 << 20) /* bytes */
#define CTL_MAX_FILE       (16 << 20) /* bytes of a file to send */

#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_NOANSWER 3

struct ctl {
	struct sockaddr_storage server;
	const char *server_text;
	const char *dp_socket; /* the datapath's programming socket */
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
	    "(instance-ids) and config\n"
	    "datapath (--dp-socket PATH, default $%s or %s):\n"
	    "  vif --list | vif --get N    interfaces\n"
	    "  nh --list | nh --get N      nexthops\n"
	    "  rt --dump VRF [--family inet|inet6]\n"
	    "  mirror --dump | flow -l | vrf --dump | gre --dump\n"
	    "  dp apply FILE|-             one request per line "
	    "(datapath/README.md)\n",
	    CTL_DEFAULT_SERVER, CTL_DP_ENV, CTL_DEFAULT_DP);
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

/*
 * The datapath commands.  Each opens the programming socket, sends one
 * request per command (or per line for dp apply) and prints the
 * entries as they come, in the layout of the vRouter tools.
 */
static struct dp_client *
dp_open(const struct ctl *c)
{
	struct dp_client *dc;
	int err = 0;

	if ((dc = dp_client_new(c->dp_socket, CTL_TIMEOUT_MS, &err)) == NULL)
		fprintf(stderr, "miradorctl: %s: %s\n", c->dp_socket,
		    strerror(-err));
	return dc;
}

static const char *
dp_ctr_line(const struct dp_ctr *ctr, char *buf, size_t len)
{
	snprintf(buf, len, "packets:%llu  bytes:%llu",
	    (unsigned long long)ctr->pkts, (unsigned long long)ctr->bytes);
	return buf;
}

static int
dp_print_vif(const struct dp_msg_entry *e, void *arg)
{
	static const char *const kinds[] = {
	    "?", "Virtual", "Physical", "Agent"};
	const struct dp_vif_cfg *v = &e->msg.u.vif;
	char mac[MACADDR_STRLEN], ctr[96];

	(void)arg;
	printf("vif0/%-6u OS: %s\n", v->idx, v->name);
	printf("            Type:%s HWaddr:%s\n",
	    kinds[v->kind <= DP_VIF_AGENT ? v->kind : 0],
	    macaddr_print(&v->mac, mac, sizeof(mac)));
	printf("            Vrf:%u Flags:%s%s%s Ref:%u", v->vrf,
	    v->flags & DP_VIF_MIRROR_RX ? "Mr" : "",
	    v->flags & DP_VIF_MIRROR_TX ? "Mt" : "", v->flags == 0 ? "-" : "",
	    e->st.refcnt);
	if (v->flags != 0)
		printf(" Mirror index %u", v->mirror);
	printf(" Mtu:%u\n", v->mtu);
	printf("            RX %s errors:0\n",
	    dp_ctr_line(&e->st.ctr, ctr, sizeof(ctr)));
	printf("            TX %s errors:0\n",
	    dp_ctr_line(&e->st.tx, ctr, sizeof(ctr)));
	printf(
	    "            Drops:%llu\n\n", (unsigned long long)e->st.drop.pkts);
	return 0;
}

static int
dp_print_nh(const struct dp_msg_entry *e, void *arg)
{
	static const char *const types[] = {"?", "Drop", "Receive", "Encap",
	    "Tunnel", "Mirror-UDP", "Composite"};
	const struct dp_nh *nh = &e->msg.u.nh;
	char a[IPADDR_STRLEN], b[IPADDR_STRLEN], m1[MACADDR_STRLEN],
	    m2[MACADDR_STRLEN], ctr[96];
	uint32_t i;

	(void)arg;
	printf("Id:%-10u Type:%-12s Ref_cnt:%-8u Vrf:%u\n", nh->idx,
	    types[nh->type <= DP_NH_COMPOSITE ? nh->type : 0], e->st.refcnt,
	    nh->vrf);
	switch (nh->type) {
	case DP_NH_ENCAP:
		printf("              Oif:%u Dmac:%s Smac:%s\n", nh->vif,
		    macaddr_print(&nh->dmac, m1, sizeof(m1)),
		    macaddr_print(&nh->smac, m2, sizeof(m2)));
		break;
	case DP_NH_TUNNEL:
		printf("              Flags:Valid, %s, Oif:%u\n",
		    nh->tun == DP_TUN_VXLAN     ? "Vxlan"
			: nh->tun == DP_TUN_GRE ? "Gre"
						: "MPLSoUDP",
		    nh->vif);
		printf("              Sip:%s Dip:%s %s:%u\n",
		    inet_ntop(AF_INET, &nh->sip, a, sizeof(a)),
		    inet_ntop(AF_INET, &nh->dip, b, sizeof(b)),
		    nh->tun == DP_TUN_VXLAN     ? "Vni"
			: nh->tun == DP_TUN_GRE ? "Key"
						: "Label",
		    nh->label);
		break;
	case DP_NH_MIRROR_UDP:
		printf("              Flags:Valid, Udp, Oif:%u\n", nh->vif);
		printf("              Sip:%s Dip:%s Dport:%u\n",
		    inet_ntop(AF_INET, &nh->sip, a, sizeof(a)),
		    ipaddr_print(&nh->an_ip, b, sizeof(b)), nh->an_port);
		break;
	case DP_NH_COMPOSITE:
		printf("              Flags:Valid, %s\n              Sub NH:",
		    nh->ecmp ? "Ecmp" : "L2 flood");
		for (i = 0; i < nh->ncomp; i++)
			printf(" %u", nh->comp[i]);
		printf("\n");
		break;
	default:
		break;
	}
	printf(
	    "              %s\n\n", dp_ctr_line(&e->st.ctr, ctr, sizeof(ctr)));
	return 0;
}

static int
dp_print_rt(const struct dp_msg_entry *e, void *arg)
{
	char p[PREFIX_STRLEN];

	(void)arg;
	printf("%-43s %u\n", prefix_print(&e->msg.u.rt.p, p, sizeof(p)),
	    e->msg.u.rt.nh);
	return 0;
}

static int
dp_print_mirror(const struct dp_msg_entry *e, void *arg)
{
	const struct dp_mirror_cfg *m = &e->msg.u.mirror;
	char flags[8];

	(void)arg;
	snprintf(flags, sizeof(flags), "%s%s%s",
	    m->flags & DP_MIRROR_DYNAMIC ? "D" : "",
	    m->flags & DP_MIRROR_STATIC ? "S" : "",
	    m->flags & DP_MIRROR_JUNIPER_HDR ? "J" : "");
	printf("%5u %10u %7s %10u %8u %10llu  %s\n", m->idx, m->nh, flags,
	    m->vni, e->st.refcnt, (unsigned long long)e->st.ctr.pkts,
	    m->analyzer);
	if (m->snaplen != 0 || m->sample > 1 || m->vlan != 0)
		printf("%5s snap %u, 1 in %u, vlan %u, %llu skipped\n", "",
		    m->snaplen, m->sample > 1 ? m->sample : 1, m->vlan,
		    (unsigned long long)e->st.drop.pkts);
	return 0;
}

/* "addr:port" of one side of a flow key. */
static const char *
dp_flow_side(const struct dp_flow_key *k, const uint8_t *a, uint16_t port,
    char *buf, size_t len)
{
	char ip[IPADDR_STRLEN];

	inet_ntop(k->af, a, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, port);
	return buf;
}

static int
dp_print_flow(const struct dp_msg_entry *e, void *arg)
{
	const struct dp_msg_flow *f = &e->msg.u.flow;
	char src[IPADDR_STRLEN + 8], dst[IPADDR_STRLEN + 8], mir[24];
	unsigned *n = arg;

	if (f->cfg.mirror[0] == DP_MIRROR_NONE)
		snprintf(mir, sizeof(mir), "-");
	else if (f->cfg.mirror[1] == DP_MIRROR_NONE)
		snprintf(mir, sizeof(mir), "%u", f->cfg.mirror[0]);
	else
		snprintf(mir, sizeof(mir), "%u,%u", f->cfg.mirror[0],
		    f->cfg.mirror[1]);
	printf("%-28s %-28s %5u %5u %3s %3s %7s %9llu %11llu  %s -> %s\n",
	    dp_flow_side(&f->key, f->key.sip, f->key.sport, src, sizeof(src)),
	    dp_flow_side(&f->key, f->key.dip, f->key.dport, dst, sizeof(dst)),
	    f->key.proto, f->key.vrf, f->cfg.action == DP_FLOW_DENY ? "D" : "F",
	    e->st.reverse ? "R" : "F", mir, (unsigned long long)e->st.ctr.pkts,
	    (unsigned long long)e->st.ctr.bytes,
	    f->cfg.src_vn[0] != '\0' ? f->cfg.src_vn : "-",
	    f->cfg.dst_vn[0] != '\0' ? f->cfg.dst_vn : "-");
	(*n)++;
	return 0;
}

static int
dp_print_vrf(const struct dp_msg_entry *e, void *arg)
{
	(void)arg;
	printf("%5u  %s\n", e->msg.u.vrf.vrf,
	    e->msg.u.vrf.flags & DP_VRF_MIRROR_DEST ? "mirror-dest" : "-");
	return 0;
}

static int
dp_print_gre(const struct dp_msg_entry *e, void *arg)
{
	(void)arg;
	printf("%10u  %u\n", e->msg.u.gre.key, e->msg.u.gre.nh);
	return 0;
}

/* Sends m and prints its entries with cb; an exit status. */
static int
dp_query(
    const struct ctl *c, struct dp_msg *m, dp_client_entry_cb cb, void *arg)
{
	struct dp_client *dc = dp_open(c);
	struct dp_msg_reply r;
	int rc;

	if (dc == NULL)
		return EXIT_NOANSWER;
	rc = dp_client_request(dc, m, cb, arg, &r);
	dp_client_free(dc);
	if (rc != 0) {
		fprintf(stderr, "miradorctl: %s: %s\n", c->dp_socket,
		    strerror(-rc));
		return EXIT_NOANSWER;
	}
	if (r.status != 0) {
		fprintf(stderr, "miradorctl: %s\n", r.text);
		return EXIT_REFUSED;
	}
	return EXIT_SUCCESS;
}

/* A number argument below max; false (and a message) if not one. */
static bool
dp_arg_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long x;
	char *end;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || x >= max) {
		fprintf(stderr, "miradorctl: '%s' is not a number below %u\n",
		    s, max);
		return false;
	}
	*v = (uint32_t)x;
	return true;
}

/* vif, nh: --list or --get N. */
static int
dp_cmd_table(const struct ctl *c, enum dp_msg_type type, int argc, char **argv)
{
	static struct dp_msg m;
	dp_client_entry_cb cb = type == DP_MSG_VIF ? dp_print_vif : dp_print_nh;
	uint32_t max = type == DP_MSG_VIF ? DP_VIF_MAX : DP_NH_MAX;
	uint32_t idx = 0;

	memset(&m, 0, sizeof(m));
	m.type = type;
	if (argc == 2 &&
	    (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "-l") == 0))
		m.op = DP_MSG_DUMP;
	else if (argc == 3 && strcmp(argv[1], "--get") == 0) {
		if (!dp_arg_u32(argv[2], max, &idx))
			return EXIT_USAGE;
		m.op = DP_MSG_GET;
	} else {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (type == DP_MSG_VIF) {
		m.u.vif.idx = idx;
		if (m.op == DP_MSG_DUMP)
			printf(
			    "Vrouter Interface Table\n\nFlags: Mr=Mirror rx, "
			    "Mt=Mirror tx\n\n");
	} else
		m.u.nh.idx = idx;
	return dp_query(c, &m, cb, NULL);
}

/* rt --dump VRF [--family inet|inet6] */
static int
dp_cmd_rt(const struct ctl *c, int argc, char **argv)
{
	static struct dp_msg m;
	uint32_t vrf;

	memset(&m, 0, sizeof(m));
	if ((argc != 3 && argc != 5) || strcmp(argv[1], "--dump") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!dp_arg_u32(argv[2], DP_VRF_MAX, &vrf))
		return EXIT_USAGE;
	if (argc == 5) {
		if (strcmp(argv[3], "--family") != 0 ||
		    (strcmp(argv[4], "inet") != 0 &&
			strcmp(argv[4], "inet6") != 0)) {
			usage(stderr);
			return EXIT_USAGE;
		}
		m.u.rt.p.addr.af =
		    strcmp(argv[4], "inet") == 0 ? AF_INET : AF_INET6;
	}
	m.type = DP_MSG_ROUTE;
	m.op = DP_MSG_DUMP;
	m.u.rt.vrf = vrf;
	printf("Vrouter routing table 0/%u/unicast\n", vrf);
	printf("%-43s %s\n", "Destination", "Nexthop");
	return dp_query(c, &m, dp_print_rt, NULL);
}

/* mirror --dump, flow -l, vrf --dump, gre --dump */
static int
dp_cmd_dump(const struct ctl *c, enum dp_msg_type type)
{
	static struct dp_msg m;
	unsigned n = 0;
	int rc;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.op = DP_MSG_DUMP;
	switch (type) {
	case DP_MSG_MIRROR:
		printf("Mirror Table\n\nFlags:D=Dynamic Mirroring, S=Static "
		       "(VXLAN), J=Juniper header\n");
		printf("%5s %10s %7s %10s %8s %10s  %s\n", "Index", "NextHop",
		    "Flags", "VNI", "Ref", "Copies", "Analyzer");
		printf("------------------------------------------------------"
		       "--------------\n");
		return dp_query(c, &m, dp_print_mirror, NULL);
	case DP_MSG_FLOW:
		printf("Flow table\n\nAction:F=Forward, D=Deny  "
		       "Dir:F=Forward, R=Reverse\n\n");
		printf("%-28s %-28s %5s %5s %3s %3s %7s %9s %11s  %s\n",
		    "Source:Port", "Destination:Port", "Proto", "Vrf", "Act",
		    "Dir", "Mirrors", "Packets", "Bytes", "SrcVN -> DstVN");
		rc = dp_query(c, &m, dp_print_flow, &n);
		if (rc == EXIT_SUCCESS)
			printf("\n%u entries\n", n);
		return rc;
	case DP_MSG_GRE:
		printf("GRE key table\n\n%10s  %s\n", "Key", "NextHop");
		return dp_query(c, &m, dp_print_gre, NULL);
	default:
		printf("%5s  %s\n", "Vrf", "Flags");
		return dp_query(c, &m, dp_print_vrf, NULL);
	}
}

/*
 * dp apply FILE|-: one request per line, stopping at the first that
 * does not parse or is refused (exit 1, with its line number).
 */
static int
dp_cmd_apply(const struct ctl *c, const char *path)
{
	static struct dp_msg m;
	char err[DP_TEXT_ERR_MAX], *text, *line, *next;
	struct dp_client *dc;
	struct dp_msg_reply r;
	unsigned lineno = 0;
	size_t len;
	int rc, status = EXIT_SUCCESS;

	if ((text = read_file(path, &len)) == NULL) {
		fprintf(stderr, "miradorctl: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if ((dc = dp_open(c)) == NULL) {
		free(text);
		return EXIT_NOANSWER;
	}
	for (line = text; line != NULL && status == EXIT_SUCCESS; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((rc = dp_text_parse(line, &m, err, sizeof(err))) == 1)
			continue;
		if (rc != 0) {
			fprintf(stderr, "miradorctl: %s:%u: %s\n", path, lineno,
			    err);
			status = EXIT_REFUSED;
		} else if ((rc = dp_client_request(dc, &m, NULL, NULL, &r)) !=
		    0) {
			fprintf(stderr, "miradorctl: %s:%u: %s: %s\n", path,
			    lineno, c->dp_socket, strerror(-rc));
			status = EXIT_NOANSWER;
		} else if (r.status != 0) {
			fprintf(stderr, "miradorctl: %s:%u: refused: %s\n",
			    path, lineno, r.text);
			status = EXIT_REFUSED;
		} else
			printf("%u: %s %s: ok\n", lineno,
			    dp_msg_type_name(m.type),
			    m.op == DP_MSG_ADD ? "add" : "del");
	}
	dp_client_free(dc);
	free(text);
	return status;
}

/* The datapath commands; -1 if cmd is none of them. */
static int
dp_cmd(const struct ctl *c, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "vif") == 0)
		return dp_cmd_table(c, DP_MSG_VIF, argc, argv);
	if (strcmp(cmd, "nh") == 0)
		return dp_cmd_table(c, DP_MSG_NH, argc, argv);
	if (strcmp(cmd, "rt") == 0)
		return dp_cmd_rt(c, argc, argv);
	if (strcmp(cmd, "mirror") == 0 && argc == 2 &&
	    strcmp(argv[1], "--dump") == 0)
		return dp_cmd_dump(c, DP_MSG_MIRROR);
	if (strcmp(cmd, "flow") == 0 && argc == 2 &&
	    (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "--list") == 0))
		return dp_cmd_dump(c, DP_MSG_FLOW);
	if (strcmp(cmd, "vrf") == 0 && argc == 2 &&
	    strcmp(argv[1], "--dump") == 0)
		return dp_cmd_dump(c, DP_MSG_VRF);
	if (strcmp(cmd, "gre") == 0 && argc == 2 &&
	    strcmp(argv[1], "--dump") == 0)
		return dp_cmd_dump(c, DP_MSG_GRE);
	if (strcmp(cmd, "dp") == 0 && argc == 3 &&
	    strcmp(argv[1], "apply") == 0)
		return dp_cmd_apply(c, argv[2]);
	return -1;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
	    {"server", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"dp-socket", required_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'H'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl c = {.server_text = CTL_DEFAULT_SERVER};
	const char *cmd;
	int ch, rc;

	c.dp_socket = getenv(CTL_DP_ENV) != NULL && *getenv(CTL_DP_ENV) != 0
	    ? getenv(CTL_DP_ENV)
	    : CTL_DEFAULT_DP;
	while ((ch = getopt_long(argc, argv, "+s:jHV", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			c.server_text = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'D':
			c.dp_socket = optarg;
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
	if ((rc = dp_cmd(&c, cmd, argc, argv)) != -1)
		return rc;
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
