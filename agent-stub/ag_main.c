/*
 * ag_main.c - mirador-agent: a thin main.  Parses the options, builds
 * the loop and the agent (ag_ctl.c), runs until SIGTERM or SIGINT, then
 * closes every handle and frees everything (the datapath is left as
 * programmed: a restarted agent adopts it).
 */
#include "agent-stub/ag.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "common/intro.h"

enum {
	OPT_CONTROL = 256,
	OPT_NAME,
	OPT_DP_SOCKET,
	OPT_CERT,
	OPT_KEY,
	OPT_CA,
	OPT_INTROSPECT,
};

static const struct option longopts[] = {
    {"name", required_argument, NULL, OPT_NAME},
    {"control", required_argument, NULL, OPT_CONTROL},
    {"dp-socket", required_argument, NULL, OPT_DP_SOCKET},
    {"xmpp-cert", required_argument, NULL, OPT_CERT},
    {"xmpp-key", required_argument, NULL, OPT_KEY},
    {"xmpp-ca", required_argument, NULL, OPT_CA},
    {"introspect", required_argument, NULL, OPT_INTROSPECT},
    {"debug", no_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mirador-agent --name VROUTER --control ADDR[:PORT] "
	    "[--control ADDR[:PORT]]\n"
	    "                     --dp-socket PATH [options]\n"
	    "  --name NAME            this compute node's virtual-router "
	    "name\n"
	    "  --control ADDR[:PORT]  a control node's XMPP address (port "
	    "5269); twice\n"
	    "                         for two control nodes\n"
	    "  --dp-socket PATH       mirador-vrouter's programming socket\n"
	    "  --xmpp-cert FILE, --xmpp-key FILE, --xmpp-ca FILE\n"
	    "                         STARTTLS with this certificate (and "
	    "CA)\n"
	    "  --introspect ADDR:PORT introspect pages (default " AG_INTROSPECT
	    "; none: off)\n"
	    "  -d, --debug            log everything\n"
	    "  -h, --help             this text\n"
	    "  -V, --version          print the version\n");
}

struct main_ctx {
	uv_loop_t loop;
	uv_signal_t sigterm, sigint;
	struct ag *ag;
	struct intro *intro; /* NULL with --introspect none */
	int closing;
	int waiting; /* the agent and the intro server still stopping */
};

static void
on_closed(uv_handle_t *h)
{
	(void)h;
}

static void
stopped_one(struct main_ctx *m)
{
	if (--m->waiting > 0)
		return;
	uv_close((uv_handle_t *)&m->sigterm, on_closed);
	uv_close((uv_handle_t *)&m->sigint, on_closed);
}

static void
on_stopped(struct ag *ag, void *arg)
{
	(void)ag;
	stopped_one(arg);
}

static void
on_intro_stopped(struct intro *in, void *arg)
{
	(void)in;
	stopped_one(arg);
}

static void
stop_all(struct main_ctx *m)
{
	m->waiting = m->intro != NULL ? 2 : 1;
	if (m->intro != NULL)
		intro_stop(m->intro, on_intro_stopped, m);
	ag_stop(m->ag, on_stopped, m);
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct main_ctx *m = s->data;

	if (m->closing++)
		return;
	log_info("signal %d: exiting", signum);
	stop_all(m);
}

int
main(int argc, char *argv[])
{
	struct ag_opts o;
	struct main_ctx m;
	struct intro_opts io;
	const char *introspect = AG_INTROSPECT;
	enum log_level level = LOG_LEVEL_INFO;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	while ((ch = getopt_long(argc, argv, "dhV", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_NAME:
			o.name = optarg;
			break;
		case OPT_CONTROL:
			if (o.ncontrol == AG_SESS_MAX) {
				fprintf(stderr,
				    "mirador-agent: at most %d --control\n",
				    AG_SESS_MAX);
				return 2;
			}
			if (sockaddr_parse(optarg, XMPP_PORT,
				&o.control[o.ncontrol]) != 0) {
				fprintf(stderr,
				    "mirador-agent: bad --control '%s'\n",
				    optarg);
				return 2;
			}
			o.ncontrol++;
			break;
		case OPT_DP_SOCKET:
			o.dp_socket = optarg;
			break;
		case OPT_CERT:
			o.xmpp_cert = optarg;
			break;
		case OPT_KEY:
			o.xmpp_key = optarg;
			break;
		case OPT_CA:
			o.xmpp_ca = optarg;
			break;
		case OPT_INTROSPECT:
			introspect = optarg;
			break;
		case 'd':
			level = LOG_LEVEL_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("mirador-agent %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || o.name == NULL || o.name[0] == '\0' ||
	    o.ncontrol == 0 || o.dp_socket == NULL ||
	    (o.xmpp_cert != NULL) != (o.xmpp_key != NULL) ||
	    strlen(o.name) >= XMPP_NAME_MAX) {
		usage(stderr);
		return 2;
	}
	memset(&io, 0, sizeof(io));
	io.format = PAGE_TEXT;
	if (strcmp(introspect, "none") == 0)
		introspect = NULL;
	else if (sockaddr_parse(introspect, 8085, &io.addr) != 0) {
		fprintf(stderr, "mirador-agent: bad --introspect '%s'\n",
		    introspect);
		return 2;
	}
	log_init("mirador-agent", level);
	ht_seed_random();
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&m.loop);
	if ((m.ag = ag_new(&m.loop, &o)) == NULL) {
		uv_loop_close(&m.loop);
		return 1;
	}
	ag_mprog_start(m.ag);
	uv_signal_init(&m.loop, &m.sigterm);
	uv_signal_init(&m.loop, &m.sigint);
	m.sigterm.data = m.sigint.data = &m;
	uv_signal_start(&m.sigterm, on_signal, SIGTERM);
	uv_signal_start(&m.sigint, on_signal, SIGINT);
	log_info("mirador-agent %s: virtual-router %s, %zu control node%s, "
		 "datapath %s",
	    PACKAGE_VERSION, o.name, o.ncontrol, o.ncontrol > 1 ? "s" : "",
	    o.dp_socket);
	if (introspect != NULL) {
		m.intro = intro_new(&m.loop, &io);
		ag_pages_register(m.intro, m.ag);
		if ((rc = intro_start(m.intro)) != 0) {
			/* Pages are a convenience: the agent runs without
			 * (the server is still stopped and freed at exit). */
			log_warnx("introspect %s: %s; no pages", introspect,
			    strerror(-rc));
		} else
			log_info("introspect on %s", introspect);
	}
	if ((rc = ag_start(m.ag)) != 0) {
		log_warnx("start: %s", uv_strerror(rc));
		stop_all(&m);
	}
	uv_run(&m.loop, UV_RUN_DEFAULT);
	intro_free(m.intro);
	ag_free(m.ag);
	rc = uv_loop_close(&m.loop);
	log_fini();
	return rc == 0 ? 0 : 1;
}
