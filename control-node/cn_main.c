/*
 * cn_main.c - mirador-control: parse the command line, set up logging,
 * optionally daemonize, then build the loop, start the node and run it.
 * Everything the node does lives in libcn; this file only wires it.
 */
#include "control-node/cn.h"
#include "bgp/bgp.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define EXIT_USAGE 2

enum {
	OPT_PRINT_DEFAULT = 256,
	OPT_PRINT_SCHEMA,
	OPT_DUMP,
	OPT_XMPP_CERT,
	OPT_XMPP_KEY,
	OPT_XMPP_CA,
	OPT_XMPP_HOLD,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"check", no_argument, NULL, 'n'},
    {"foreground", no_argument, NULL, 'f'},
    {"log-level", required_argument, NULL, 'l'},
    {"log-file", required_argument, NULL, 'L'},
    {"pidfile", required_argument, NULL, 'p'},
    {"xmpp", required_argument, NULL, 'x'},
    {"xmpp-cert", required_argument, NULL, OPT_XMPP_CERT},
    {"xmpp-key", required_argument, NULL, OPT_XMPP_KEY},
    {"xmpp-ca", required_argument, NULL, OPT_XMPP_CA},
    {"xmpp-hold-time", required_argument, NULL, OPT_XMPP_HOLD},
    {"bgp", required_argument, NULL, 'b'},
    {"http", required_argument, NULL, 'H'},
    {"dump-config", no_argument, NULL, OPT_DUMP},
    {"print-default-config", no_argument, NULL, OPT_PRINT_DEFAULT},
    {"print-schema", no_argument, NULL, OPT_PRINT_SCHEMA},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mirador-control [options]\n"
	    "  -c, --config FILE       configuration (default: the embedded "
	    "default)\n"
	    "  -n, --check             validate the configuration and exit: "
	    "0 valid, 1 not\n"
	    "      --dump-config       print the loaded configuration with "
	    "every default\n"
	    "  -f, --foreground        do not daemonize\n"
	    "  -l, --log-level LEVEL   err, warn, info (default) or debug\n"
	    "  -L, --log-file FILE     log to FILE (default: stderr, or "
	    "syslog as a daemon)\n"
	    "  -p, --pidfile FILE      write the pid to FILE (locked while "
	    "running)\n"
	    "  -N, --name NAME         this node's bgp-router (default: the "
	    "only control-node)\n"
	    "  -x, --xmpp ADDR[:PORT]  agent (XMPP) address, default %s\n"
	    "      --xmpp-cert FILE    PEM certificate: agents must STARTTLS\n"
	    "      --xmpp-key FILE     its private key (PEM)\n"
	    "      --xmpp-ca FILE      CA (PEM) for agents' certificates "
	    "(mutual TLS)\n"
	    "      --xmpp-hold-time S  XMPP hold time, 3..65535 s (default "
	    "90)\n"
	    "  -b, --bgp ADDR[:PORT]   BGP listen address (default: this "
	    "node's bgp-router\n"
	    "                          address and port)\n"
	    "  -H, --http ADDR[:PORT]  REST introspect address, default %s\n"
	    "      --print-default-config  print the embedded default "
	    "configuration\n"
	    "      --print-schema      print the configuration schema (XSD)\n"
	    "  -V, --version           print the version\n"
	    "  -h, --help              this text\n"
	    "Signals: SIGHUP reloads the configuration (an invalid one is "
	    "rejected and\nthe running one stays) and reopens the log file; "
	    "SIGTERM and SIGINT stop.\n",
	    CN_DEFAULT_XMPP, CN_DEFAULT_HTTP);
}

static int
parse_addr(const char *what, const char *arg, uint16_t port,
    struct sockaddr_storage *ss)
{
	if (sockaddr_parse(arg, port, ss) != 0) {
		fprintf(stderr,
		    "mirador-control: --%s: '%s' is not "
		    "ADDRESS[:PORT] (e.g. 127.0.0.1:%u or [::1]:%u)\n",
		    what, arg, port, port);
		return -EINVAL;
	}
	return 0;
}

/* Prints every error of a load, one per line, and a count. */
static void
print_errors(const struct schema_errs *errs)
{
	char buf[768];
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n",
		    schema_err_print(&errs->err[i], buf, sizeof(buf)));
	if (errs->total > errs->n)
		fprintf(stderr, "(%zu more errors not shown)\n",
		    errs->total - errs->n);
	fprintf(
	    stderr, "%zu error%s\n", errs->total, errs->total == 1 ? "" : "s");
}

/* --check and --dump-config: load once, report, exit status. */
static int
check_config(const char *path, bool dump)
{
	struct cn_config *store = cn_config_new(path);
	struct schema_errs errs;
	struct wbuf out;
	char buf[512];
	int status = EXIT_SUCCESS;

	/* Errors go to stderr once, plainly, not also as log lines. */
	log_set_level(LOG_LEVEL_ERR);
	if (cn_config_load(store, &errs) != 0) {
		print_errors(&errs);
		status = EXIT_FAILURE;
	} else if (dump) {
		wbuf_init_dyn(&out, 2 * SCHEMA_MAX_FILE_SIZE);
		if (schema_config_print(cn_config_running(store), &out) != 0) {
			fprintf(stderr,
			    "mirador-control: configuration too "
			    "large to print\n");
			status = EXIT_FAILURE;
		} else
			fwrite(out.data, 1, out.len, stdout);
		wbuf_fini(&out);
	} else
		printf("%s: OK: %s\n", cn_config_source(store),
		    cn_config_summary(
			cn_config_running(store), buf, sizeof(buf)));
	cn_config_free(store);
	return status;
}

/*
 * Opens and locks the pid file so that a second instance with the same
 * file refuses to start.  The fd stays open (and locked) until exit.
 */
static int
pidfile_open(const char *path)
{
	char buf[32];
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_warn("pidfile %s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		log_warnx("pidfile %s is locked: another mirador-control is "
			  "running",
		    path);
		close(fd);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
		log_warn("pidfile %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Detach from the terminal: fork, setsid, fork, chdir /, stdio to null. */
static int
daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == -1)
		return -errno;
	if (pid > 0)
		_exit(EXIT_SUCCESS);
	if (setsid() == -1)
		return -errno;
	if ((pid = fork()) == -1)
		return -errno;
	if (pid > 0)
		_exit(EXIT_SUCCESS);
	if (chdir("/") == -1)
		return -errno;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -errno;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* A daemon changes directory: a relative *path becomes absolute (in
 * buf).  0, or -1 (logged) when it does not resolve. */
static int
abs_path(const char **path, char *buf)
{
	if (*path == NULL)
		return 0;
	if (realpath(*path, buf) == NULL) {
		log_warn("%s", *path);
		return -1;
	}
	*path = buf;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct cn_options opts;
	struct cn_node *node;
	enum log_level level = LOG_LEVEL_INFO;
	const char *log_file = NULL, *pidfile = NULL;
	char config_abs[PATH_MAX], cert_abs[PATH_MAX], key_abs[PATH_MAX];
	char ca_abs[PATH_MAX];
	bool foreground = false, check = false, dump = false;
	uv_loop_t loop;
	int ch, rc, pid_fd = -1, status = EXIT_SUCCESS;

	memset(&opts, 0, sizeof(opts));
	sockaddr_parse(CN_DEFAULT_XMPP, 0, &opts.xmpp_addr);
	sockaddr_parse(CN_DEFAULT_HTTP, 0, &opts.http_addr);
	log_init("mirador-control", level);

	while ((ch = getopt_long(argc, argv, "c:nfl:L:p:N:x:b:H:Vh", long_opts,
		    NULL)) != -1) {
		switch (ch) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case OPT_DUMP:
			dump = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 'l':
			if (log_level_parse(optarg, &level) != 0) {
				fprintf(stderr,
				    "mirador-control: --log-level: "
				    "'%s' is not err, warn, info or debug\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'L':
			log_file = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'N':
			opts.name = optarg;
			break;
		case 'x':
			if (parse_addr("xmpp", optarg, 5269, &opts.xmpp_addr) !=
			    0)
				return EXIT_USAGE;
			break;
		case OPT_XMPP_CERT:
			opts.xmpp_cert = optarg;
			break;
		case OPT_XMPP_KEY:
			opts.xmpp_key = optarg;
			break;
		case OPT_XMPP_CA:
			opts.xmpp_ca = optarg;
			break;
		case OPT_XMPP_HOLD: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || v < 3 ||
			    v > 65535) {
				fprintf(stderr,
				    "mirador-control: --xmpp-hold-time: '%s' "
				    "is not 3..65535 seconds\n",
				    optarg);
				return EXIT_USAGE;
			}
			opts.xmpp_hold = (unsigned)v;
			break;
		}
		case 'b':
			if (parse_addr("bgp", optarg, 179, &opts.bgp_addr) != 0)
				return EXIT_USAGE;
			break;
		case 'H':
			if (parse_addr("http", optarg, 8083, &opts.http_addr) !=
			    0)
				return EXIT_USAGE;
			break;
		case OPT_PRINT_DEFAULT:
			fputs(cn_default_config_text(), stdout);
			return EXIT_SUCCESS;
		case OPT_PRINT_SCHEMA:
			fputs(schema_xsd_text(), stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("mirador-control %s\n", PACKAGE_VERSION);
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
		fprintf(stderr, "mirador-control: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}

	ht_seed_random();
	if (schema_init() != 0) {
		log_warnx("the embedded configuration schema does not compile");
		return EXIT_FAILURE;
	}
	if (check || dump) {
		status = check_config(opts.config_path, dump);
		schema_fini();
		return status;
	}

	log_set_level(level);
	if (log_file != NULL && log_open_file(log_file) != 0) {
		fprintf(stderr,
		    "mirador-control: cannot open log file %s: "
		    "%s\n",
		    log_file, strerror(errno));
		return EXIT_FAILURE;
	}
	if ((opts.xmpp_cert != NULL) != (opts.xmpp_key != NULL) ||
	    (opts.xmpp_ca != NULL && opts.xmpp_cert == NULL)) {
		fprintf(stderr,
		    "mirador-control: --xmpp-cert and --xmpp-key "
		    "go together (and --xmpp-ca needs them)\n");
		return EXIT_USAGE;
	}
	if (!foreground &&
	    (abs_path(&opts.config_path, config_abs) != 0 ||
		abs_path(&opts.xmpp_cert, cert_abs) != 0 ||
		abs_path(&opts.xmpp_key, key_abs) != 0 ||
		abs_path(&opts.xmpp_ca, ca_abs) != 0))
		return EXIT_FAILURE;
	if (!foreground) {
		if ((rc = daemonize()) != 0) {
			log_warnx("daemonize: %s", strerror(-rc));
			return EXIT_FAILURE;
		}
		if (log_file == NULL)
			log_use_syslog();
	}
	if (pidfile != NULL && (pid_fd = pidfile_open(pidfile)) == -1)
		return EXIT_FAILURE;
	signal(SIGPIPE, SIG_IGN);

	if ((rc = uv_loop_init(&loop)) != 0)
		fatalx("uv_loop_init: %s", uv_strerror(rc));
	node = cn_node_new(&loop, &opts);
	bgp_attach(node);
	cn_xmpp_attach(node);
	if (cn_node_start(node) != 0) {
		status = EXIT_FAILURE;
		cn_node_stop(node, NULL);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	cn_node_free(node);
	if ((rc = uvx_loop_close_all(&loop)) != 0) {
		log_warnx(
		    "event loop did not close cleanly: %s", uv_strerror(rc));
		status = EXIT_FAILURE;
	}
	if (pid_fd != -1) {
		unlink(pidfile);
		close(pid_fd);
	}
	schema_fini();
	log_info("mirador-control exiting (status %d)", status);
	log_fini();
	return status;
}
