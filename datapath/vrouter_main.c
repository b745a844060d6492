/*
 * vrouter_main.c - mirador-vrouter: parse the command line, build the
 * datapath (libdp tables and engine), its ports (dp_io) and the
 * programming socket (dp_srv), apply a --program file, replay pcap
 * files, then run the loop until SIGINT or SIGTERM.  Everything the
 * vrouter does lives in libdp; this file only wires it.
 */
#include "datapath/dp.h"
#include "datapath/dp_io.h"
#include "datapath/dp_srv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#define EXIT_USAGE         2
#define VR_DEFAULT_SOCKET  "/run/mirador/vrouter.sock"
#define VR_DEFAULT_FLOWS   65536
#define VR_PCAP_MAX        8     /* --pcap-in and --pcap-out options each */
#define VR_FLOW_AGE_PERIOD 1000  /* ms between dp_flow_age calls */
#define VR_FLOW_AGE_MAX    86400 /* largest --flow-age, seconds */

enum {
	OPT_PCAP_IN = 256,
	OPT_PCAP_OUT,
	OPT_EXIT_AFTER_REPLAY,
	OPT_FLOW_AGE,
	OPT_NO_TAP,
};

static const struct option long_opts[] = {
    {"underlay", required_argument, NULL, 'u'},
    {"socket", required_argument, NULL, 's'},
    {"flows", required_argument, NULL, 'F'},
    {"program", required_argument, NULL, 'P'},
    {"pcap-in", required_argument, NULL, OPT_PCAP_IN},
    {"pcap-out", required_argument, NULL, OPT_PCAP_OUT},
    {"exit-after-replay", no_argument, NULL, OPT_EXIT_AFTER_REPLAY},
    {"flow-age", required_argument, NULL, OPT_FLOW_AGE},
    {"no-tap", no_argument, NULL, OPT_NO_TAP},
    {"log-file", required_argument, NULL, 'L'},
    {"debug", no_argument, NULL, 'd'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A VIF=FILE option. */
struct vr_pcap {
	char vif[DP_VIF_NAME_MAX + 1]; /* name or index */
	const char *path;              /* argv */
};

struct vr_opts {
	struct dp_io_cfg io;              /* underlay, no_tap */
	const char *socket;               /* programming socket */
	const char *program;              /* --program file or NULL */
	uint32_t flows;                   /* flow table size */
	uint32_t flow_age;                /* idle seconds, 0: no aging */
	bool exit_after_replay;           /* stop when replays are done */
	struct vr_pcap pin[VR_PCAP_MAX];  /* --pcap-in */
	unsigned npin;                    /* used */
	struct vr_pcap pout[VR_PCAP_MAX]; /* --pcap-out */
	unsigned npout;                   /* used */
};

struct vrouter {
	uv_loop_t *loop;                      /* borrowed */
	const struct vr_opts *opts;           /* borrowed */
	struct dp *dp;                        /* owned */
	struct dp_io *io;                     /* owned, closes async */
	struct dp_srv *srv;                   /* owned, closes async */
	uv_signal_t sigterm, sigint, sigusr1; /* stop, stop, stats */
	uv_timer_t age;                       /* flow aging */
	bool stopping;                        /* vr_stop called */
	int status;                           /* exit status */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mirador-vrouter [options]\n"
	    "  -u, --underlay IP        this node's IPv4 underlay address: "
	    "router id and\n"
	    "                           fabric sockets (UDP 6635, 4789 and "
	    "one ephemeral);\n"
	    "                           without it tunnels drop\n"
	    "  -s, --socket PATH        programming socket (default %s)\n"
	    "  -F, --flows N            flow table size, 1..%u (default %u)\n"
	    "  -P, --program FILE       apply FILE (miradorctl dp apply "
	    "lines) at start\n"
	    "      --pcap-in VIF=FILE   replay FILE into vif VIF (index or "
	    "name) once\n"
	    "                           programmed (repeatable)\n"
	    "      --pcap-out VIF=FILE  record every frame sent on VIF, "
	    "copies included\n"
	    "      --exit-after-replay  exit when every --pcap-in file is "
	    "replayed\n"
	    "      --no-tap             VM vifs get no tap (pcap ports only; "
	    "needs no root)\n"
	    "      --flow-age SECONDS   remove flows idle this long, 1..%u "
	    "(default: never)\n"
	    "  -L, --log-file FILE      log to FILE (default: stderr)\n"
	    "  -d, --debug              log debug messages\n"
	    "  -V, --version            print the version\n"
	    "  -h, --help               this text\n"
	    "Signals: SIGUSR1 logs the port and forwarding counters; SIGTERM "
	    "and SIGINT\nstop (the counters are printed at exit).\n",
	    VR_DEFAULT_SOCKET, DP_FLOW_MAX, VR_DEFAULT_FLOWS, VR_FLOW_AGE_MAX);
}

/* An unsigned decimal in lo..hi, or -1. */
static long
parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	return v;
}

/* VIF=FILE into p; 0 or -EINVAL. */
static int
parse_pcap(const char *arg, struct vr_pcap *p)
{
	const char *eq = strchr(arg, '=');
	size_t n;

	if (eq == NULL || eq[1] == '\0')
		return -EINVAL;
	n = (size_t)(eq - arg);
	if (n == 0 || n > DP_VIF_NAME_MAX)
		return -EINVAL;
	memcpy(p->vif, arg, n);
	p->vif[n] = '\0';
	p->path = eq + 1;
	return 0;
}

/* Prints the port and engine counters to f. */
static void
vr_print_stats(const struct vrouter *vr, FILE *f)
{
	struct dp_fwd_stats st;
	unsigned i;

	if (vr->io != NULL)
		dp_io_print_stats(vr->io, f);
	dp_fwd_get_stats(vr->dp, &st);
	fprintf(f,
	    "forwarding: rx %llu tx %llu arp-replies %llu mirror-copies %llu"
	    " flows-created %llu\n",
	    (unsigned long long)st.rx, (unsigned long long)st.tx,
	    (unsigned long long)st.arp_replies,
	    (unsigned long long)st.mirror_copies,
	    (unsigned long long)st.flows_created);
	for (i = 0; i < DP_FWD_DROP__MAX; i++)
		if (st.drop[i] != 0)
			fprintf(f, "forwarding: drop %s %llu\n",
			    dp_fwd_drop_name(i),
			    (unsigned long long)st.drop[i]);
	for (i = 0; i < DP_DROP__MAX; i++)
		if (st.decode[i] != 0)
			fprintf(f, "forwarding: decode drop %s %llu\n",
			    dp_drop_name(i), (unsigned long long)st.decode[i]);
	fflush(f);
}

/* A frame received on a port: to the engine, now in milliseconds (the
 * flow table's time unit here, see --flow-age). */
static void
vr_rx(void *arg, uint32_t vif, uint8_t *frame, size_t len, size_t room)
{
	struct vrouter *vr = arg;

	(void)dp_fwd_room(
	    vr->dp, vif, frame, len, room, uv_now(vr->loop), NULL);
}

static void
vr_io_closed(void *arg)
{
	struct vrouter *vr = arg;

	vr->io = NULL;
}

/* Closes every handle; uv_run returns once they are closed. */
static void
vr_stop(struct vrouter *vr, int status)
{
	if (vr->stopping)
		return;
	vr->stopping = true;
	if (status != EXIT_SUCCESS)
		vr->status = status;
	if (vr->io != NULL)
		vr_print_stats(vr, stderr);
	uv_close((uv_handle_t *)&vr->sigterm, NULL);
	uv_close((uv_handle_t *)&vr->sigint, NULL);
	uv_close((uv_handle_t *)&vr->sigusr1, NULL);
	uv_close((uv_handle_t *)&vr->age, NULL);
	if (vr->srv != NULL) {
		dp_srv_close(vr->srv);
		vr->srv = NULL;
	}
	if (vr->io != NULL)
		dp_io_close(vr->io, vr_io_closed, vr);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct vrouter *vr = h->data;

	if (signum == SIGUSR1) {
		vr_print_stats(vr, stderr);
		return;
	}
	log_info("%s: stopping", strsignal(signum));
	vr_stop(vr, EXIT_SUCCESS);
}

static void
on_age(uv_timer_t *h)
{
	struct vrouter *vr = h->data;
	uint32_t n;

	n = dp_flow_age(vr->dp, uv_now(vr->loop),
	    (uint64_t)vr->opts->flow_age * 1000, DP_FLOW_AGE_MAX);
	if (n > 0)
		log_debug("aged %u flows", n);
}

static void
on_replayed(void *arg)
{
	struct vrouter *vr = arg;

	log_info("pcap replay done");
	if (vr->opts->exit_after_replay)
		vr_stop(vr, EXIT_SUCCESS);
}

/*
 * Applies one parsed request as the server does: the I/O layer hears of
 * a vif after it is added (and the add is undone if its port fails) and
 * before it is deleted.
 */
static int
vr_apply(struct vrouter *vr, const struct dp_msg *m, struct dp_msg_reply *r)
{
	struct dp_vif *v;
	int rc;

	if (m->type == DP_MSG_VIF && m->op == DP_MSG_DEL &&
	    (v = dp_vif_lookup(vr->dp, m->u.vif.idx)) != NULL &&
	    v->refcnt == 0) /* the delete will succeed */
		dp_io_vif_deleting(vr->io, v);
	if ((rc = dp_msg_apply_at(vr->dp, m, uv_now(vr->loop), r)) != 0)
		return rc;
	if (m->type == DP_MSG_VIF && m->op == DP_MSG_ADD &&
	    (v = dp_vif_lookup(vr->dp, m->u.vif.idx)) != NULL &&
	    (rc = dp_io_vif_added(vr->io, v)) != 0) {
		(void)dp_vif_del(vr->dp, v->idx);
		r->status = rc;
		snprintf(
		    r->text, sizeof(r->text), "vif port: %s", strerror(-rc));
	}
	return rc;
}

/* --program: every line applied in order; the first failure stops. */
static int
vr_program(struct vrouter *vr, const char *path)
{
	struct dp_msg_reply r;
	struct dp_msg m;
	char err[DP_TEXT_ERR_MAX], *line;
	unsigned lineno = 0, applied = 0;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		log_warn("--program %s", path);
		return -errno;
	}
	line = xmalloc(DP_TEXT_LINE_MAX + 2);
	while (fgets(line, DP_TEXT_LINE_MAX + 2, f) != NULL) {
		size_t n = strlen(line);

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			log_warnx("%s:%u: line longer than %u bytes", path,
			    lineno, DP_TEXT_LINE_MAX);
			rc = -EINVAL;
			break;
		}
		if ((rc = dp_text_parse(line, &m, err, sizeof(err))) == 1) {
			rc = 0;
			continue;
		}
		if (rc != 0) {
			log_warnx("%s:%u: %s", path, lineno, err);
			break;
		}
		if ((rc = vr_apply(vr, &m, &r)) != 0) {
			log_warnx("%s:%u: %s", path, lineno, r.text);
			break;
		}
		log_debug("%s:%u: %s", path, lineno, line);
		applied++;
	}
	if (rc == 0 && ferror(f)) {
		log_warn("--program %s", path);
		rc = -EIO;
	}
	free(line);
	fclose(f);
	if (rc == 0)
		log_info("%s: %u requests applied", path, applied);
	return rc;
}

/* mkdir -p of the socket's directory (one level is enough for /run). */
static void
vr_socket_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (strlen(path) >= sizeof(dir))
		return;
	memcpy(dir, path, strlen(path) + 1);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		log_warn("mkdir %s", dir);
}

static int
vr_start_signal(struct vrouter *vr, uv_signal_t *h, int signum)
{
	h->data = vr;
	return uv_signal_start(h, on_signal, signum);
}

static int
vr_start(struct vrouter *vr)
{
	const struct vr_opts *o = vr->opts;
	struct dp_srv_ops ops = {
	    .vif_added = dp_io_vif_added,
	    .vif_deleting = dp_io_vif_deleting,
	};
	struct dp_host host = {.mac = DP_VROUTER_MAC_INIT};
	char abuf[INET_ADDRSTRLEN];
	unsigned i;
	int rc;

	/* every handle first, so that vr_stop may close them all */
	uv_timer_init(vr->loop, &vr->age);
	vr->age.data = vr;
	uv_signal_init(vr->loop, &vr->sigterm);
	uv_signal_init(vr->loop, &vr->sigint);
	uv_signal_init(vr->loop, &vr->sigusr1);
	if ((rc = vr_start_signal(vr, &vr->sigterm, SIGTERM)) != 0 ||
	    (rc = vr_start_signal(vr, &vr->sigint, SIGINT)) != 0 ||
	    (rc = vr_start_signal(vr, &vr->sigusr1, SIGUSR1)) != 0) {
		log_warnx("signals: %s", uv_strerror(rc));
		return rc;
	}
	host.router_id = o->io.underlay;
	dp_set_host(vr->dp, &host);
	if ((vr->io = dp_io_new(vr->loop, vr->dp, &o->io, vr_rx, vr, &rc)) ==
	    NULL) {
		log_warnx("fabric sockets on %s: %s",
		    inet_ntop(AF_INET, &o->io.underlay, abuf, sizeof(abuf)),
		    strerror(-rc));
		return rc;
	}
	dp_set_tx(vr->dp, dp_io_tx, vr->io);
	for (i = 0; i < o->npout; i++)
		if ((rc = dp_io_pcap_out(
			 vr->io, o->pout[i].vif, o->pout[i].path)) != 0) {
			log_warnx("--pcap-out %s=%s: %s", o->pout[i].vif,
			    o->pout[i].path, strerror(-rc));
			return rc;
		}
	for (i = 0; i < o->npin; i++)
		if ((rc = dp_io_pcap_in(
			 vr->io, o->pin[i].vif, o->pin[i].path)) != 0) {
			log_warnx("--pcap-in %s=%s: %s", o->pin[i].vif,
			    o->pin[i].path, strerror(-rc));
			return rc;
		}
	if (o->program != NULL && (rc = vr_program(vr, o->program)) != 0)
		return rc;
	vr_socket_dir(o->socket);
	vr->srv = dp_srv_new(vr->loop, vr->dp, o->socket, &ops, vr->io, &rc);
	if (vr->srv == NULL) {
		log_warnx("socket %s: %s", o->socket, strerror(-rc));
		return rc;
	}
	if (o->flow_age > 0)
		uv_timer_start(
		    &vr->age, on_age, VR_FLOW_AGE_PERIOD, VR_FLOW_AGE_PERIOD);
	if (o->npin > 0 && (rc = dp_io_replay(vr->io, on_replayed, vr)) != 0)
		return rc;
	log_info("mirador-vrouter %s: underlay %s, socket %s, %u flows",
	    PACKAGE_VERSION,
	    o->io.underlay.s_addr != INADDR_ANY
		? inet_ntop(AF_INET, &o->io.underlay, abuf, sizeof(abuf))
		: "none",
	    o->socket, o->flows);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct vr_opts opts;
	struct vrouter vr;
	enum log_level level = LOG_LEVEL_INFO;
	const char *log_file = NULL;
	uv_loop_t loop;
	long v;
	int ch, rc;

	memset(&opts, 0, sizeof(opts));
	opts.socket = VR_DEFAULT_SOCKET;
	opts.flows = VR_DEFAULT_FLOWS;
	log_init("mirador-vrouter", level);

	while ((ch = getopt_long(
		    argc, argv, "u:s:F:P:L:dVh", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (inet_pton(AF_INET, optarg, &opts.io.underlay) !=
				1 ||
			    opts.io.underlay.s_addr == INADDR_ANY) {
				fprintf(stderr,
				    "mirador-vrouter: --underlay: '%s' is not "
				    "an IPv4 address\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			opts.socket = optarg;
			break;
		case 'F':
			if ((v = parse_num(optarg, 1, DP_FLOW_MAX)) < 0) {
				fprintf(stderr,
				    "mirador-vrouter: --flows: '%s' is not "
				    "1..%u\n",
				    optarg, DP_FLOW_MAX);
				return EXIT_USAGE;
			}
			opts.flows = (uint32_t)v;
			break;
		case 'P':
			opts.program = optarg;
			break;
		case OPT_PCAP_IN:
		case OPT_PCAP_OUT: {
			bool in = ch == OPT_PCAP_IN;
			unsigned *n = in ? &opts.npin : &opts.npout;
			struct vr_pcap *p = in ? opts.pin : opts.pout;

			if (*n == VR_PCAP_MAX ||
			    parse_pcap(optarg, &p[*n]) != 0) {
				fprintf(stderr,
				    "mirador-vrouter: --pcap-%s: '%s' is not "
				    "VIF=FILE (at most %u)\n",
				    in ? "in" : "out", optarg, VR_PCAP_MAX);
				return EXIT_USAGE;
			}
			(*n)++;
			break;
		}
		case OPT_EXIT_AFTER_REPLAY:
			opts.exit_after_replay = true;
			break;
		case OPT_NO_TAP:
			opts.io.no_tap = true;
			break;
		case OPT_FLOW_AGE:
			if ((v = parse_num(optarg, 1, VR_FLOW_AGE_MAX)) < 0) {
				fprintf(stderr,
				    "mirador-vrouter: --flow-age: '%s' is not "
				    "1..%u seconds\n",
				    optarg, VR_FLOW_AGE_MAX);
				return EXIT_USAGE;
			}
			opts.flow_age = (uint32_t)v;
			break;
		case 'L':
			log_file = optarg;
			break;
		case 'd':
			level = LOG_LEVEL_DEBUG;
			break;
		case 'V':
			printf("mirador-vrouter %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mirador-vrouter: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (opts.exit_after_replay && opts.npin == 0) {
		fprintf(stderr,
		    "mirador-vrouter: --exit-after-replay needs "
		    "--pcap-in\n");
		return EXIT_USAGE;
	}
	log_set_level(level);
	if (log_file != NULL && log_open_file(log_file) != 0) {
		fprintf(stderr,
		    "mirador-vrouter: cannot open log file %s: %s\n", log_file,
		    strerror(errno));
		return EXIT_FAILURE;
	}
	signal(SIGPIPE, SIG_IGN);
	ht_seed_random();

	if ((rc = uv_loop_init(&loop)) != 0)
		fatalx("uv_loop_init: %s", uv_strerror(rc));
	memset(&vr, 0, sizeof(vr));
	vr.loop = &loop;
	vr.opts = &opts;
	vr.status = EXIT_SUCCESS;
	if ((vr.dp = dp_new(opts.flows)) == NULL)
		fatalx("dp_new(%u)", opts.flows);
	if (vr_start(&vr) != 0)
		vr_stop(&vr, EXIT_FAILURE);
	uv_run(&loop, UV_RUN_DEFAULT);
	if ((rc = uvx_loop_close_all(&loop)) != 0) {
		log_warnx(
		    "event loop did not close cleanly: %s", uv_strerror(rc));
		vr.status = EXIT_FAILURE;
	}
	dp_free(vr.dp);
	log_info("mirador-vrouter exiting (status %d)", vr.status);
	log_fini();
	return vr.status;
}
