/*
 * dp-bench.c - the datapath benchmark (docs/benchmarks.md, `make
 * dpbench`): packets per second through the forwarding engine on one
 * core, from memory, with mirroring off and in every mode, and the CPU
 * time per packet.  The traffic is a pcap file (-p FILE, entering vif 1
 * of node A in tests/datapath/dp_topo.h) or, by default, 256 UDP flows
 * of -s bytes from VM 1, written to a pcap file and read back through
 * the pcap port code.  Each case replays the frames round robin for -n
  * packets (each frame copied into a receive buffer first, as a NIC
 * would, DP_FWD_ROOM bytes in, as the I/O layer does), three times; the median run is printed with its ratio to
  * routed forwarding without mirroring.  Figures are per CPU-second of
 * the process (the machine is shared; wall time is noisier), and the
 * wall-clock rate is kept for the record (struct b_run).  Every case checks that each
 * packet was forwarded and copied as often as it should: the exit
 * status is 1 if not (generated traffic only), so `--smoke` (a tiny
 * run in make check) keeps the benchmark honest.
 *
  * usage: dp-bench [-c CASE] [-n PACKETS] [-s FRAME-BYTES] [-p PCAP]
 *                 [--smoke]
 * (-c N runs the first case and the N-th, for profiling.)
 */
#include "tests/datapath/dp_topo.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define B_FLOWS  256  /* generated flows */
#define B_FRAMES 4096 /* frames kept from a pcap file */
#define B_RUNS   3    /* runs per case; the median is printed */

struct b_case {
	const char *name;     /* printed */
	struct topo_opts o;   /* port mirroring */
	uint32_t flow_mirror; /* policy on vif 1 with this mirror, or: */
	bool flows;           /* a pass-all policy (flow table, no copy) */
	const char *dst;      /* generated traffic's destination */
	uint32_t copies;      /* copies per packet expected */
	uint32_t out_vif;     /* where the forwarded frame leaves */
};

struct b_run {
	double pps;    /* packets per wall second */
	double ns_cpu; /* CPU nanoseconds per packet */
};

static uint64_t b_tx, b_copies, b_wrong;
static uint32_t b_out_vif;

static int
b_txfn(void *arg, const struct dp_vif *v, const uint8_t *f, size_t len,
    bool mirror)
{
	(void)arg;
	(void)f;
	(void)len;
	if (mirror)
		b_copies++;
	else if (v->idx == b_out_vif)
		b_tx++;
	else
		b_wrong++;
	return 0;
}

static double
b_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Traffic from VM 1 to dst: B_FLOWS flows of size bytes, through a
 * pcap file (path) and back. */
static void
b_gen(const char *path, const char *dst, size_t size)
{
	uint8_t f[2048];
	struct dp_pcap pc;
	size_t pay = size > 42 ? size - 42 : 0, n;
	int i;

	if (dp_pcap_open_write(&pc, path, DP_PKT_MAX) != 0)
		fatalx("%s: cannot write", path);
	for (i = 0; i < B_FLOWS; i++) {
		n = topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac,
		    "10.1.0.3", dst, DP_IPPROTO_UDP, (uint16_t)(10000 + i),
		    (uint16_t)(20000 + i % 7), pay);
		if (dp_pcap_write(&pc, (uint64_t)i, f, n) != 0)
			fatalx("%s: write failed", path);
	}
	if (dp_pcap_close(&pc) != 0)
		fatalx("%s: write failed", path);
}

static int
b_load(const char *path, uint8_t **frames, size_t *lens)
{
	struct dp_pcap pc;
	uint64_t ts;
	uint8_t *buf = xmalloc(DP_PKT_MAX);
	size_t len;
	int n = 0, rc;

	if (dp_pcap_open_read(&pc, path) != 0)
		fatalx("%s: %s", path, pc.err);
	while (n < B_FRAMES &&
	    (rc = dp_pcap_read(&pc, buf, DP_PKT_MAX, &len, &ts)) == 1) {
		frames[n] = xmalloc(len);
		memcpy(frames[n], buf, len);
		lens[n++] = len;
	}
	dp_pcap_close(&pc);
	free(buf);
	if (n == 0)
		fatalx("%s: no frames", path);
	return n;
}

static struct dp *
b_node(const struct b_case *c)
{
	struct dp *dp = topo_a(&c->o, 1u << 16);
	struct dp_rule r;

	if (c->flows || c->flow_mirror != DP_MIRROR_NONE) {
		memset(&r, 0, sizeof(r));
		r.sport_hi = r.dport_hi = 65535;
		r.action = DP_FLOW_PASS;
		r.mirror[0] = c->flow_mirror;
		r.mirror[1] = DP_MIRROR_NONE;
		strcpy(r.src_vn, TOPO_VN_RED);
		strcpy(r.dst_vn, TOPO_VN_RED);
		if (dp_policy_set(dp, TA_VM1, &r, 1) != 0)
			fatalx("policy");
	}
	dp_set_tx(dp, b_txfn, NULL);
	return dp;
}

/* One run of n packets; 0, or -1 if a packet went astray. */
static int
b_run(const struct b_case *c, uint8_t **frames, size_t *lens, int nf,
    uint64_t n, struct b_run *r)
{
	struct dp *dp = b_node(c);
	uint8_t *rx = xmalloc(DP_FWD_ROOM + DP_PKT_MAX);
	double w0, c0;
	uint64_t i;
	int k = 0;

	b_tx = b_copies = b_wrong = 0;
	b_out_vif = c->out_vif;
	w0 = b_now(CLOCK_MONOTONIC);
	c0 = b_now(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		memcpy(rx + DP_FWD_ROOM, frames[k], lens[k]);
		(void)dp_fwd_room(dp, TA_VM1, rx + DP_FWD_ROOM, lens[k],
		    DP_FWD_ROOM, i >> 20, NULL);
		if (++k == nf)
			k = 0;
	}
	r->ns_cpu = (b_now(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e9 / (double)n;
	r->pps = (double)n / (b_now(CLOCK_MONOTONIC) - w0);
	dp_free(dp);
	free(rx);
	if (b_tx != n || b_wrong != 0 || b_copies != n * c->copies) {
		fprintf(stderr,
		    "%s: %llu forwarded, %llu astray, %llu copies of %llu "
		    "packets (want %u copies each)\n",
		    c->name, (unsigned long long)b_tx,
		    (unsigned long long)b_wrong, (unsigned long long)b_copies,
		    (unsigned long long)n, c->copies);
		return -1;
	}
	return 0;
}

static int
b_cmp(const void *a, const void *b)
{
	const struct b_run *x = a, *y = b;

	return (x->ns_cpu > y->ns_cpu) - (x->ns_cpu < y->ns_cpu);
}

#define RX(m)                                                                  \
	{                                                                      \
		.vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = (m)               \
	}
#define NOM DP_MIRROR_NONE

static const struct b_case b_cases[] = {
    {"forward, routed to a local VM", {0}, NOM, false, "10.1.0.4", 0, TA_VM2},
    {"forward, routed to a remote VM (MPLSoUDP)", {0}, NOM, false, "10.1.0.5",
	0, TA_FAB},
    {"forward, routed, flow table (pass-all policy)", {0}, NOM, true,
	"10.1.0.4", 0, TA_VM2},
    {"mode 1 (Juniper header), port RX, local analyzer", RX(TA_M_LOCAL), NOM,
	false, "10.1.0.4", 1, TA_VM2},
    {"mode 1, port RX, analyzer behind a tunnel", RX(TA_M_REMOTE), NOM, false,
	"10.1.0.4", 1, TA_VM2},
    {"mode 1, port RX, analyzer on the underlay", RX(TA_M_FABRIC), NOM, false,
	"10.1.0.4", 1, TA_VM2},
    {"mode 1, flow mirroring (policy rule)", {0}, TA_M_LOCAL, false, "10.1.0.4",
	1, TA_VM2},
    {"mode 2 (no header), port RX, VXLAN", RX(TA_M_NOHDR), NOM, false,
	"10.1.0.4", 1, TA_VM2},
    {"mode 4 (static VXLAN), port RX", RX(TA_M_STATIC), NOM, false, "10.1.0.4",
	1, TA_VM2},
    {"mode 1, port RX and TX (2 copies)",
	{.vm1_flags = DP_VIF_MIRROR_RX,
	    .vm1_mirror = TA_M_LOCAL,
	    .vm2_flags = DP_VIF_MIRROR_TX,
	    .vm2_mirror = TA_M_LOCAL},
	NOM, false, "10.1.0.4", 2, TA_VM2},
    {NULL, {0}, 0, false, NULL, 0, 0},
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"smoke", no_argument, NULL, 'S'}, {NULL, 0, NULL, 0}};
	static uint8_t *frames[B_FRAMES];
	static size_t lens[B_FRAMES];
	struct b_run runs[B_RUNS], base = {0, 0};
	const struct b_case *c;
	const char *pcap = NULL;
	char tmp[] = "/tmp/mirador-dpbench-XXXXXX";
	uint64_t n = 5000000;
	size_t size = 128;
	int ch, nf, i, fail = 0, nruns = B_RUNS, fd, only = 0, k = 0;

	while ((ch = getopt_long(argc, argv, "c:n:s:p:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			only = atoi(optarg);
			break;
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 's':
			size = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			pcap = optarg;
			break;
		case 'S':
			n = 2000;
			nruns = 1;
			break;
		default:
			fprintf(stderr,
			    "usage: dp-bench [-c CASE] [-n PACKETS] "
			    "[-s FRAME-BYTES] [-p PCAP] [--smoke]\n");
			return 2;
		}
	}
	if (n == 0 || size < 60 || size > 1514) {
		fprintf(stderr, "dp-bench: -n above 0, -s in 60..1514\n");
		return 2;
	}
	printf("%-50s %9s %9s %7s\n", "case", "Mpps/CPU", "ns CPU", "ratio");
	for (c = b_cases; c->name != NULL; c++) {
		if (only != 0 && ++k != only && c != b_cases)
			continue;
		if (pcap == NULL) {
			if ((fd = mkstemp(tmp)) == -1)
				fatal("mkstemp");
			close(fd);
			b_gen(tmp, c->dst, size);
			nf = b_load(tmp, frames, lens);
			unlink(tmp);
			strcpy(tmp, "/tmp/mirador-dpbench-XXXXXX");
		} else
			nf = b_load(pcap, frames, lens);
		for (i = 0; i < nruns; i++)
			/* a pcap file's packets go wherever they go */
			if (b_run(c, frames, lens, nf, n, &runs[i]) != 0 &&
			    pcap == NULL)
				fail = 1;
		qsort(runs, (size_t)nruns, sizeof(runs[0]), b_cmp);
		if (c == b_cases)
			base = runs[nruns / 2];
		printf("%-50s %9.2f %9.1f %6.2fx\n", c->name,
		    1e3 / runs[nruns / 2].ns_cpu, runs[nruns / 2].ns_cpu,
		    base.ns_cpu / runs[nruns / 2].ns_cpu);
		for (i = 0; i < nf; i++)
			free(frames[i]);
	}
	printf("# %llu packets of %zu bytes per run, median of %d runs; "
	       "Mpps per CPU-second; ratio: against the first line\n",
	    (unsigned long long)n, size, nruns);
	return fail;
}
