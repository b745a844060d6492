/*
 * agent_sim.c - mirador-agent-sim: N simulated agents (mock_agent.c), I
 * interfaces each, interface i of agent a in network (a + i / 10) % V;
 * each subscribes its networks, publishes an inet and an enet route per
 * interface and End-of-RIB, and has converged when it holds every route
 * of its networks.  Prints key=value figures (convergence, items, the
 * node's CPU and memory with --pid); --ingest R times one agent's R
 * routes instead.  Exit status 0 when everything converged in time.
 */
#include "tests/xmpp/mock_agent.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#define SIM_SEND_CHUNK (256u << 10) /* --ingest: bytes a send */

struct sim {
	uv_loop_t loop;
	struct mock_agent **ma;
	unsigned nagents, nifs, nvns;
	const char *prefix, *vn_fmt;
	unsigned long ingest;
	unsigned timeout_s, idle_s;
	int pid;
	struct sockaddr_storage server;
	struct sockaddr_storage http; /* the node's introspect, or none */
	uint64_t t0;
	unsigned stopped;
	size_t *vn_ifs; /* interfaces per network */
	size_t *want;   /* routes each agent should hold */
};

static unsigned
vn_of(const struct sim *s, unsigned a, unsigned i)
{
	return (a + i / 10) % s->nvns;
}

static void
ri_name(const struct sim *s, unsigned vn, char *buf, size_t len)
{
	char name[256];

	snprintf(name, sizeof(name), s->vn_fmt, vn);
	snprintf(buf, len, "%s:%s", name, strrchr(name, ':') + 1);
}

/* Interface (a, i) gets 10.<vn>.<a/250>.<a%250+1>-ish unique addresses:
 * 10.x.y.z with x = vn, y = a / 4 % 256, z = (a % 4) * 50 + i + 1. */
static void
if_addr(unsigned a, unsigned i, unsigned vn, char *ip, size_t len)
{
	snprintf(
	    ip, len, "10.%u.%u.%u", vn, (a / 4) % 256, (a % 4) * 50 + i + 1);
}

static void
if_mac(unsigned a, unsigned i, char *mac, size_t len)
{
	snprintf(mac, len, "02:00:%02x:%02x:%02x:%02x", (a >> 8) & 0xff,
	    a & 0xff, (i >> 8) & 0xff, i & 0xff);
}

static void
nh_of(unsigned a, char *nh, size_t len)
{
	snprintf(nh, len, "192.168.%u.%u", (a / 250) % 256, a % 250 + 1);
}

static uint64_t
now_ms(struct sim *s)
{
	uv_update_time(&s->loop);
	return uv_now(&s->loop);
}

static void
run_until(struct sim *s, bool (*cond)(struct sim *), uint64_t deadline)
{
	while (!cond(s) && now_ms(s) < deadline) {
		uv_run(&s->loop, UV_RUN_NOWAIT);
		usleep(200);
	}
}

static bool
all_up(struct sim *s)
{
	unsigned a;

	for (a = 0; a < s->nagents; a++)
		if (!mock_agent_established(s->ma[a]))
			return false;
	return true;
}

/* Routes agent a should hold: 2 per interface of each of its networks
 * (vn_ifs[v]: interfaces in network v, counted at start). */
static size_t
expected(const struct sim *s, unsigned a)
{
	bool seen[4096] = {false};
	unsigned i, vn;
	size_t n = 0;

	for (i = 0; i < s->nifs; i++) {
		vn = vn_of(s, a, i);
		if (!seen[vn]) {
			seen[vn] = true;
			n += 2 * s->vn_ifs[vn];
		}
	}
	return n;
}

static bool
all_converged(struct sim *s)
{
	unsigned a;

	for (a = 0; a < s->nagents; a++)
		if (mock_agent_total_routes(s->ma[a]) < s->want[a])
			return false;
	return true;
}

static void
publish_all(struct sim *s, unsigned a)
{
	char ri[300], ip[32], pfx[40], mac[32], nh[32];
	bool seen[4096] = {false};
	unsigned i, vn;

	nh_of(a, nh, sizeof(nh));
	for (i = 0; i < s->nifs; i++) {
		vn = vn_of(s, a, i);
		ri_name(s, vn, ri, sizeof(ri));
		if (!seen[vn]) {
			seen[vn] = true;
			mock_agent_subscribe(s->ma[a], ri, vn + 1, false);
		}
		if_addr(a, i, vn, ip, sizeof(ip));
		snprintf(pfx, sizeof(pfx), "%s/32", ip);
		if_mac(a, i, mac, sizeof(mac));
		mock_agent_publish_inet(s->ma[a], ri, pfx, nh, 16 + i, true);
		mock_agent_publish_enet(
		    s->ma[a], ri, mac, pfx, nh, 16 + i, false, true);
	}
	mock_agent_eor(s->ma[a]);
}

/* CPU seconds (user + system) and peak/current RSS (KiB) of pid. */
static void
proc_usage(int pid, double *cpu, long *rss_kb, long *hwm_kb)
{
	char path[64], line[512];
	unsigned long ut = 0, st = 0;
	FILE *f;
	char *p;

	*cpu = -1;
	*rss_kb = *hwm_kb = -1;
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL &&
		    (p = strrchr(line, ')')) != NULL &&
		    sscanf(p + 2,
			"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			&ut, &st) == 2)
			*cpu = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			sscanf(line, "VmRSS: %ld", rss_kb);
			sscanf(line, "VmHWM: %ld", hwm_kb);
		}
		fclose(f);
	}
}

static void
report_node(struct sim *s, const char *tag)
{
	double cpu;
	long rss, hwm;

	proc_usage(s->pid, &cpu, &rss, &hwm);
	if (cpu < 0)
		return;
	printf("%s_cpu_s=%.2f\n%s_rss_kb=%ld\n%s_hwm_kb=%ld\n", tag, cpu, tag,
	    rss, tag, hwm);
}

/*
 * The agent's paths on the node, read from its introspect page
 * (/xmpp-connections/<name>, "paths"); -1 when the page does not answer.
 * A plain blocking HTTP/1.0 GET: the node is another process.
 */
static long
http_paths(const struct sim *s, const char *agent)
{
	char req[256], buf[16384];
	const char *p;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = socket(s->http.ss_family, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&s->http,
		s->http.ss_family == AF_INET
		    ? sizeof(struct sockaddr_in)
		    : sizeof(struct sockaddr_in6)) != 0) {
		close(fd);
		return -1;
	}
	snprintf(req, sizeof(req),
	    "GET /xmpp-connections/%s?format=json HTTP/1.0\r\n\r\n", agent);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	while (got < sizeof(buf) - 1 &&
	    (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	if ((p = strstr(buf, "\"paths\":")) == NULL)
		return -1;
	return strtol(p + 8, NULL, 10);
}

static bool
ingest_done(struct sim *s)
{
	return mock_agent_total_routes(s->ma[0]) >= s->ingest;
}

static bool
ingest_stored(struct sim *s)
{
	static uint64_t next;

	if (now_ms(s) < next)
		return false;
	next = now_ms(s) + 20;
	return http_paths(s, "sim-0") >= (long)s->ingest;
}

static int
run_ingest(struct sim *s)
{
	char ri[300], pfx[40], nh[32];
	struct wbuf all;
	size_t off, n;
	unsigned long r;
	uint64_t t0, t1;
	int rc;

	ri_name(s, 0, ri, sizeof(ri));
	if (s->http.ss_family != 0) {
		/* Ingest alone: no-ribout, and the node's page says when. */
		char iq[600];

		snprintf(iq, sizeof(iq),
		    "<iq type=\"set\" from=\"sim-0\" to=\"" XMPP_CONTROL_JID
		    "/" XMPP_RES_BGP "\"><pubsub xmlns=\"" XMPP_PUBSUB_NS
		    "\"><subscribe node=\"%s\"><options><instance-id>1"
		    "</instance-id><no-ribout>true</no-ribout></options>"
		    "</subscribe></pubsub></iq>",
		    ri);
		mock_agent_send_raw(s->ma[0], iq, strlen(iq));
	} else
		mock_agent_subscribe(s->ma[0], ri, 1, false);
	nh_of(0, nh, sizeof(nh));
	/*
	 * Every pair is written before the clock starts (1.45 KB a route):
	 * rendering takes the simulator about as long as the node takes to
	 * ingest, and the figure is to be the node's.
	 */
	wbuf_init_dyn(&all, SIZE_MAX);
	for (r = 0; r < s->ingest; r++) {
		snprintf(pfx, sizeof(pfx), "10.%lu.%lu.%lu/32", 64 + r / 65536,
		    r / 256 % 256, r % 256);
		if (mock_agent_render_inet(s->ma[0], &all, ri, pfx, nh,
			16 + (unsigned)(r % 1000000), true) != 0) {
			fprintf(stderr, "publish %s: cannot render\n", pfx);
			wbuf_fini(&all);
			return 1;
		}
	}
	report_node(s, "before");
	t0 = now_ms(s);
	for (off = 0; off < all.len; off += n) {
		n = MIN(all.len - off, SIM_SEND_CHUNK);
		while ((rc = mock_agent_send_raw(s->ma[0],
			    (const char *)all.data + off, n)) == -ENOBUFS) {
			uv_run(&s->loop, UV_RUN_NOWAIT);
			usleep(100);
		}
		if (rc != 0) {
			fprintf(stderr, "publish: %s\n", strerror(-rc));
			wbuf_fini(&all);
			return 1;
		}
	}
	wbuf_fini(&all);
	run_until(s, s->http.ss_family != 0 ? ingest_stored : ingest_done,
	    t0 + 1000ull * s->timeout_s);
	t1 = now_ms(s);
	printf("ingest_mode=%s\ningest_routes=%lu\ningest_ms=%" PRIu64 "\n",
	    s->http.ss_family != 0 ? "stored" : "reflected",
	    s->http.ss_family != 0
		? (unsigned long)MAX(http_paths(s, "sim-0"), 0)
		: (unsigned long)mock_agent_total_routes(s->ma[0]),
	    t1 - t0);
	if (t1 > t0)
		printf("ingest_routes_per_s=%.0f\n",
		    (double)s->ingest * 1000.0 / (double)(t1 - t0));
	report_node(s, "after");
	return (s->http.ss_family != 0
		       ? http_paths(s, "sim-0") >= (long)s->ingest
		       : ingest_done(s))
	    ? 0
	    : 1;
}

static void
agent_stopped(void *arg)
{
	struct sim *s = arg;

	s->stopped++;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mirador-agent-sim --server ADDR:PORT [options]\n"
	    "  --agents N       simulated agents (default 10)\n"
	    "  --interfaces I   interfaces per agent (default 20)\n"
	    "  --vns V          networks (default 5); instance of network v\n"
	    "                   is <F with v>:<last part of it>\n"
	    "  --vn-format F    network names (default "
	    "default-domain:sim:vn%%u)\n"
	    "  --prefix P       agent names P-<n> (default sim)\n"
	    "  --ingest R       one agent publishes R routes into network 0\n"
	    "                   and waits to get them back, or with --http\n"
	    "  --http ADDR:PORT the node's introspect: with no-ribout, until\n"
	    "                   the node's page counts them\n"
	    "  --pid PID        the control node, for CPU and memory figures\n"
	    "  --idle S         hold the sessions S seconds after converging\n"
	    "  --timeout S      give up after S seconds (default 60)\n");
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {{"server", 1, NULL, 's'},
	    {"agents", 1, NULL, 'a'}, {"interfaces", 1, NULL, 'i'},
	    {"vns", 1, NULL, 'v'}, {"vn-format", 1, NULL, 'f'},
	    {"prefix", 1, NULL, 'P'}, {"ingest", 1, NULL, 'r'},
	    {"pid", 1, NULL, 'p'}, {"idle", 1, NULL, 'I'},
	    {"timeout", 1, NULL, 't'}, {"http", 1, NULL, 'H'},
	    {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct sim s;
	struct mock_agent_opts mo;
	char name[64];
	const char *server = NULL;
	unsigned a;
	int ch, status = 0;
	uint64_t t_up, t_conv;

	memset(&s, 0, sizeof(s));
	s.nagents = 10;
	s.nifs = 20;
	s.nvns = 5;
	s.prefix = "sim";
	s.vn_fmt = "default-domain:sim:vn%u";
	s.timeout_s = 60;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			server = optarg;
			break;
		case 'a':
			s.nagents = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'i':
			s.nifs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'v':
			s.nvns = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'f':
			s.vn_fmt = optarg;
			break;
		case 'P':
			s.prefix = optarg;
			break;
		case 'r':
			s.ingest = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			s.pid = atoi(optarg);
			break;
		case 'I':
			s.idle_s = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			s.timeout_s = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'H':
			if (sockaddr_parse(optarg, 8083, &s.http) != 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (server == NULL || s.nagents == 0 || s.nagents > 100000 ||
	    s.nvns == 0 || s.nvns > 4096 || s.nifs > 1000 ||
	    sockaddr_parse(server, XMPP_PORT, &s.server) != 0 ||
	    strstr(s.vn_fmt, "%u") == NULL || strchr(s.vn_fmt, ':') == NULL) {
		usage(stderr);
		return 2;
	}
	if (s.ingest > 0)
		s.nagents = 1;
	log_init("mirador-agent-sim", LOG_LEVEL_WARN);
	ht_seed_random();
	uv_loop_init(&s.loop);
	s.ma = xcalloc(s.nagents, sizeof(*s.ma));
	s.vn_ifs = xcalloc(s.nvns, sizeof(*s.vn_ifs));
	s.want = xcalloc(s.nagents, sizeof(*s.want));
	for (a = 0; a < s.nagents; a++)
		for (ch = 0; ch < (int)s.nifs; ch++)
			s.vn_ifs[vn_of(&s, a, (unsigned)ch)]++;
	for (a = 0; a < s.nagents; a++)
		s.want[a] = expected(&s, a);
	s.t0 = now_ms(&s);
	for (a = 0; a < s.nagents; a++) {
		snprintf(name, sizeof(name), "%s-%u", s.prefix, a);
		memset(&mo, 0, sizeof(mo));
		mo.name = name;
		mo.server = s.server;
		s.ma[a] = mock_agent_new(&s.loop, &mo);
		mock_agent_start(s.ma[a]);
	}
	run_until(&s, all_up, s.t0 + 1000ull * s.timeout_s);
	t_up = now_ms(&s);
	printf(
	    "agents=%u\nsessions_up_ms=%" PRIu64 "\n", s.nagents, t_up - s.t0);
	if (!all_up(&s)) {
		fprintf(stderr, "not every agent connected\n");
		status = 1;
		goto out;
	}
	if (s.ingest > 0) {
		status = run_ingest(&s);
		goto out;
	}
	report_node(&s, "idle");
	for (a = 0; a < s.nagents; a++)
		publish_all(&s, a);
	run_until(&s, all_converged, t_up + 1000ull * s.timeout_s);
	t_conv = now_ms(&s);
	{
		uint64_t items = 0, bad = 0, routes = 0;

		for (a = 0; a < s.nagents; a++) {
			items += mock_agent_items(s.ma[a]);
			bad += mock_agent_bad_messages(s.ma[a]);
			routes += mock_agent_total_routes(s.ma[a]);
		}
		printf("interfaces=%u\nvns=%u\nconverged=%s\n"
		       "convergence_ms=%" PRIu64 "\nroutes_held=%" PRIu64
		       "\nitems_received=%" PRIu64 "\nbad_messages=%" PRIu64
		       "\n",
		    s.nagents * s.nifs, s.nvns,
		    all_converged(&s) ? "yes" : "no", t_conv - t_up, routes,
		    items, bad);
		if (!all_converged(&s) || bad != 0)
			status = 1;
	}
	report_node(&s, "converged");
	if (s.idle_s > 0) {
		uint64_t end = now_ms(&s) + 1000ull * s.idle_s;

		while (now_ms(&s) < end) {
			uv_run(&s.loop, UV_RUN_NOWAIT);
			usleep(10000);
		}
		report_node(&s, "held");
	}
out:
	for (a = 0; a < s.nagents; a++)
		mock_agent_stop(s.ma[a], agent_stopped, &s);
	uv_run(&s.loop, UV_RUN_DEFAULT);
	for (a = 0; a < s.nagents; a++)
		mock_agent_free(s.ma[a]);
	free(s.ma);
	free(s.vn_ifs);
	free(s.want);
	if (uv_loop_close(&s.loop) != 0)
		status = 1;
	log_fini();
	return status;
}
