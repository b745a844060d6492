/*
 * dp-golden.c - pcap in, pcap out: for each mirror mode and direction a
 * scenario on the fixture vrouters of dp_topo.h replays
 * tests/data/dp/<name>.in.pcap into one vif and writes every frame the
 * engine sends (forwarded frames and copies, in order) to
 * OUTDIR/<name>.out.pcap, which must equal tests/data/dp/<name>.out.pcap
 * byte for byte.  Prints TAP.  With --update it writes both files of
 * every scenario into DATADIR instead (review the diff: the semantic
 * checks are in check_dp_fwd.c and tshark-golden.sh).
 *
 * usage: dp-golden [--update] DATADIR OUTDIR
 */
#include "tests/datapath/dp_topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define G_FRAMES  16         /* input frames of one scenario */
#define G_FILEMAX (1u << 20) /* bytes of a golden file compared */

struct g_frames {
	uint8_t *f[G_FRAMES];
	size_t len[G_FRAMES];
	int n;
};

struct g_scen {
	const char *name;     /* file stem */
	const char *what;     /* TAP description */
	bool node_b;          /* runs on node B, else A */
	struct topo_opts o;   /* node A's port mirroring */
	uint32_t flow_mirror; /* flow rules on vifs 1 and 2 with it */
	uint32_t in_vif;      /* where the input enters */
	void (*build)(struct g_frames *in, const struct g_scen *s);
	const char *from; /* build: the copies of this scenario */
};

static struct dp *g_dp;
static struct dp_pcap g_out;
static uint64_t g_ts;
static int g_fail;

static int
g_tx(void *arg, const struct dp_vif *v, const uint8_t *f, size_t len,
    bool mirror)
{
	(void)arg;
	(void)v;
	(void)mirror;
	return dp_pcap_write(&g_out, g_ts, f, len) == 0 ? 0 : -1;
}

static void
g_add(struct g_frames *in, const uint8_t *f, size_t len)
{
	if (in->n == G_FRAMES)
		fatalx("more than %d input frames", G_FRAMES);
	in->f[in->n] = xmalloc(len);
	memcpy(in->f[in->n], f, len);
	in->len[in->n++] = len;
}

/* A ping to the neighbour (routed), UDP to its MAC (bridged), TCP to
 * B's VM (tunnelled). */
static void
g_vm_traffic(struct g_frames *in, const struct g_scen *s)
{
	uint8_t f[512];

	(void)s;
	g_add(in, f,
	    topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
		"10.1.0.4", DP_IPPROTO_ICMP, 7, 1, 56));
	g_add(in, f,
	    topo_ip4(f, sizeof(f), &topo_vm2_mac, &topo_vm1_mac, "10.1.0.3",
		"10.1.0.4", DP_IPPROTO_UDP, 40001, 1234, 32));
	g_add(in, f,
	    topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac, "10.1.0.3",
		"10.1.0.5", DP_IPPROTO_TCP, 33000, 22, 0));
}

/* TCP to ports 80 (first rule: pass, mirror), 81 (second: deny,
 * mirror), 82 (third: pass). */
static void
g_flow_traffic(struct g_frames *in, const struct g_scen *s)
{
	uint8_t f[512];
	uint16_t port;

	(void)s;
	for (port = 80; port <= 82; port++)
		g_add(in, f,
		    topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac,
			"10.1.0.3", "10.1.0.4", DP_IPPROTO_TCP, 1000, port, 0));
}

/* Seven 342-byte UDP frames: 1-in-3 sampling copies 3, each cut to 64. */
static void
g_sample_traffic(struct g_frames *in, const struct g_scen *s)
{
	uint8_t f[512];
	int i;

	(void)s;
	for (i = 0; i < 7; i++)
		g_add(in, f,
		    topo_ip4(f, sizeof(f), &topo_vrouter_mac, &topo_vm1_mac,
			"10.1.0.3", "10.1.0.4", DP_IPPROTO_UDP,
			(uint16_t)(5000 + i), 9, 300));
}

static const struct g_scen g_scens[];
static const struct g_scen *g_find(const char *name);
static struct dp *g_node(const struct g_scen *s);

/* The fabric copies that scenario s->from sends (node B's input). */
static struct g_frames *g_collect;

static int
g_collect_tx(void *arg, const struct dp_vif *v, const uint8_t *f, size_t len,
    bool mirror)
{
	(void)arg;
	if (v->kind == DP_VIF_FABRIC && mirror)
		g_add(g_collect, f, len);
	return 0;
}

static void
g_copies_of(struct g_frames *in, const struct g_scen *s)
{
	const struct g_scen *from = g_find(s->from);
	struct g_frames src = {.n = 0};
	struct dp *dp = g_node(from);
	int i;

	from->build(&src, from);
	g_collect = in;
	dp_set_tx(dp, g_collect_tx, NULL);
	for (i = 0; i < src.n; i++) {
		(void)dp_fwd(dp, from->in_vif, src.f[i], src.len[i], 1, NULL);
		free(src.f[i]);
	}
	dp_free(dp);
}

#define M_RX(m)                                                                \
	{                                                                      \
		.vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = (m)               \
	}
#define M_TX(m)                                                                \
	{                                                                      \
		.vm2_flags = DP_VIF_MIRROR_TX, .vm2_mirror = (m)               \
	}
#define M_BOTH(m)                                                              \
	{                                                                      \
		.vm1_flags = DP_VIF_MIRROR_RX, .vm1_mirror = (m),              \
		.vm2_flags = DP_VIF_MIRROR_TX, .vm2_mirror = (m)               \
	}
#define NOFLOW DP_MIRROR_NONE

static const struct g_scen g_scens[] = {
    {"port-rx-jhdr", "mode 1, port RX, local analyzer", false, M_RX(TA_M_LOCAL),
	NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"port-tx-jhdr", "mode 1, port TX, local analyzer", false, M_TX(TA_M_LOCAL),
	NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"port-both-jhdr", "mode 1, port RX and TX, local analyzer", false,
	M_BOTH(TA_M_LOCAL), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"port-rx-jhdr-remote", "mode 1, port RX, analyzer behind node B", false,
	M_RX(TA_M_REMOTE), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"recv-jhdr-remote", "mode 1 copies arriving at node B", true, {0}, NOFLOW,
	TB_FAB, g_copies_of, "port-rx-jhdr-remote"},
    {"port-rx-jhdr-fabric", "mode 1, port RX, analyzer on the underlay", false,
	M_RX(TA_M_FABRIC), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"flow-jhdr", "mode 1, flow mirroring by rule, deny mirrored", false, {0},
	TA_M_LOCAL, TA_VM1, g_flow_traffic, NULL},
    {"port-rx-nohdr", "mode 2, port RX, VXLAN to node B", false,
	M_RX(TA_M_NOHDR), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"port-tx-nohdr", "mode 2, port TX, VXLAN to node B", false,
	M_TX(TA_M_NOHDR), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"recv-nohdr", "mode 2 copies at node B: every analyzer port", true, {0},
	NOFLOW, TB_FAB, g_copies_of, "port-rx-nohdr"},
    {"flow-nohdr", "mode 2, flow mirroring by rule", false, {0}, TA_M_NOHDR,
	TA_VM1, g_flow_traffic, NULL},
    {"port-rx-static", "mode 4, port RX, VXLAN to the VTEP", false,
	M_RX(TA_M_STATIC), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"port-tx-static", "mode 4, port TX, VXLAN to the VTEP", false,
	M_TX(TA_M_STATIC), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"flow-static", "mode 4, flow mirroring by rule", false, {0}, TA_M_STATIC,
	TA_VM1, g_flow_traffic, NULL},
    {"snap-sample", "snap length 64, 1 in 3", false, M_RX(TA_M_SNAP), NOFLOW,
	TA_VM1, g_sample_traffic, NULL},
    {"port-rx-gre", "mode 2, port RX, GRE key 0x01001092 to node B", false,
	M_RX(TA_M_GRE), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"port-tx-gre", "mode 2, port TX, GRE key 4242 to node B", false,
	M_TX(TA_M_GRE1), NOFLOW, TA_VM1, g_vm_traffic, NULL},
    {"recv-gre", "GRE copies at node B: the key's analyzer ports", true, {0},
	NOFLOW, TB_FAB, g_copies_of, "port-rx-gre"},
    {"recv-gre1", "GRE copies at node B: one analyzer port", true, {0}, NOFLOW,
	TB_FAB, g_copies_of, "port-tx-gre"},
    {NULL, NULL, false, {0}, 0, 0, NULL, NULL},
};

static const struct g_scen *
g_find(const char *name)
{
	const struct g_scen *s;

	for (s = g_scens; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	fatalx("no scenario %s", name);
}

static void
g_rules(struct dp *dp, uint32_t mirror)
{
	struct dp_rule r[3];
	int i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		r[i].af = AF_INET;
		r[i].proto = DP_IPPROTO_TCP;
		r[i].sport_hi = r[i].dport_hi = 65535;
		r[i].action = DP_FLOW_PASS;
		r[i].mirror[0] = mirror;
		r[i].mirror[1] = DP_MIRROR_NONE;
		strcpy(r[i].src_vn, TOPO_VN_RED);
		strcpy(r[i].dst_vn, TOPO_VN_BLUE);
	}
	r[0].dport_lo = r[0].dport_hi = 80;
	r[1].dport_lo = r[1].dport_hi = 81;
	r[1].action = DP_FLOW_DENY;
	r[2].mirror[0] = DP_MIRROR_NONE;
	if (dp_policy_set(dp, TA_VM1, r, 3) != 0 ||
	    dp_policy_set(dp, TA_VM2, &r[2], 1) != 0)
		fatalx("policy");
}

static struct dp *
g_node(const struct g_scen *s)
{
	struct dp *dp = s->node_b ? topo_b(1024) : topo_a(&s->o, 1024);

	if (s->flow_mirror != NOFLOW)
		g_rules(dp, s->flow_mirror);
	return dp;
}

static void
g_path(
    char *buf, size_t len, const char *dir, const char *name, const char *ext)
{
	if ((size_t)snprintf(buf, len, "%s/%s.%s", dir, name, ext) >= len)
		fatalx("path too long");
}

/* Replays in.pcap into the scenario's node, writing out.pcap. */
static int
g_run(const struct g_scen *s, const char *in, const char *out)
{
	struct dp_pcap pin;
	uint8_t *buf = xmalloc(DP_PKT_MAX);
	size_t len;
	int rc;

	if ((rc = dp_pcap_open_read(&pin, in)) != 0) {
		printf(
		    "# %s: %s\n", in, rc == -EPROTO ? pin.err : strerror(-rc));
		free(buf);
		return -1;
	}
	if (dp_pcap_open_write(&g_out, out, DP_PKT_MAX) != 0)
		fatalx("%s: cannot write", out);
	g_dp = g_node(s);
	dp_set_tx(g_dp, g_tx, NULL);
	while ((rc = dp_pcap_read(&pin, buf, DP_PKT_MAX, &len, &g_ts)) == 1)
		(void)dp_fwd(g_dp, s->in_vif, buf, len, g_ts / 1000000, NULL);
	if (rc != 0)
		printf("# %s: %s\n", in, pin.err);
	dp_free(g_dp);
	dp_pcap_close(&pin);
	if (dp_pcap_close(&g_out) != 0)
		fatalx("%s: write failed", out);
	free(buf);
	return rc;
}

static void
g_write_in(const struct g_scen *s, const char *path)
{
	struct g_frames in = {.n = 0};
	struct dp_pcap pc;
	int i;

	s->build(&in, s);
	if (dp_pcap_open_write(&pc, path, DP_PKT_MAX) != 0)
		fatalx("%s: cannot write", path);
	for (i = 0; i < in.n; i++) {
		if (dp_pcap_write(&pc, (uint64_t)(i + 1) * 1000000, in.f[i],
			in.len[i]) != 0)
			fatalx("%s: write failed", path);
		free(in.f[i]);
	}
	if (dp_pcap_close(&pc) != 0)
		fatalx("%s: write failed", path);
}

/* The whole file, at most G_FILEMAX bytes; NULL if unreadable. */
static uint8_t *
g_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (f == NULL)
		return NULL;
	b = xmalloc(G_FILEMAX);
	*len = fread(b, 1, G_FILEMAX, f);
	fclose(f);
	return b;
}

int
main(int argc, char **argv)
{
	char in[1024], want[1024], got[1024];
	const struct g_scen *s;
	uint8_t *a, *b;
	size_t alen, blen, i;
	bool update = false;
	int n = 0;

	if (argc > 1 && strcmp(argv[1], "--update") == 0) {
		update = true;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: dp-golden [--update] DATADIR OUTDIR\n");
		return 2;
	}
	for (s = g_scens; s->name != NULL; s++)
		n++;
	printf("1..%d\n", n);
	n = 0;
	for (s = g_scens; s->name != NULL; s++) {
		n++;
		g_path(in, sizeof(in), argv[1], s->name, "in.pcap");
		g_path(want, sizeof(want), argv[1], s->name, "out.pcap");
		g_path(got, sizeof(got), argv[2], s->name, "out.pcap");
		if (update) {
			g_write_in(s, in);
			if (g_run(s, in, want) != 0)
				fatalx("%s: replay failed", s->name);
			printf("ok %d - %s: written\n", n, s->name);
			continue;
		}
		a = b = NULL;
		if (g_run(s, in, got) != 0 ||
		    (a = g_slurp(want, &alen)) == NULL ||
		    (b = g_slurp(got, &blen)) == NULL) {
			printf("not ok %d - %s (%s): cannot run\n", n, s->name,
			    s->what);
			g_fail++;
		} else if (alen != blen || memcmp(a, b, alen) != 0) {
			for (i = 0; i < alen && i < blen && a[i] == b[i]; i++)
				;
			printf("not ok %d - %s (%s)\n# %s and %s differ at "
			       "byte %zu (%zu vs %zu bytes)\n",
			    n, s->name, s->what, want, got, i, alen, blen);
			g_fail++;
		} else
			printf("ok %d - %s (%s)\n", n, s->name, s->what);
		free(a);
		free(b);
	}
	return g_fail != 0;
}
