/*
 * DOC: dp_fwd_fuzzer.c - fuzz target dp-fwd: any bytes as a frame
 * through the whole forwarding engine (dp_fwd) of the fixture vrouters
 * of tests/datapath/dp_topo.h, with every mirror mode on.  The first
 * input byte chooses the node (A or B), the vif the frame enters by,
 * port mirroring and whether VM 1 has a flow policy; the rest is the
 * frame.  The engine must not crash or leak; a refused frame has a
 * named reason; an accepted one sent something; nothing sent passes
 * DP_PKT_MAX; and each of the node's own copies and tunnels decodes.
 * Built with libFuzzer by `make fuzz`, and with fuzz_main.c as a plain
 * program that runs the seeds in `make check`.
 */
#include "tests/fuzz/fuzz_check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/datapath/dp_topo.h"

static int fuzz_ntx;

static int
fuzz_tx(void *arg, const struct dp_vif *v, const uint8_t *f, size_t len,
    bool mirror)
{
	(void)arg;
	(void)mirror;
	fuzz_ntx++;
	FUZZ_CHECK(len <= DP_PKT_MAX, "%zu bytes sent", len);
	/* what goes to the fabric is ours: IPv4/GRE with a key, or
	 * IPv4/UDP whose lengths fit */
	if (v->kind == DP_VIF_FABRIC && len >= DP_GRE_OVERHEAD &&
	    f[14 + 9] == DP_IPPROTO_GRE) {
		FUZZ_CHECK(f[12] == 0x08 && f[13] == 0x00 && f[14] == 0x45 &&
			f[34] == 0x20 && f[35] == 0 && f[36] == 0x65 &&
			f[37] == 0x58,
		    "fabric frame is not IPv4/GRE with a key");
		FUZZ_CHECK((size_t)(f[16] << 8 | f[17]) == len - DP_ETH_HLEN,
		    "fabric GRE frame length");
	} else if (v->kind == DP_VIF_FABRIC) {
		FUZZ_CHECK(len >= DP_UDP4_OVERHEAD && f[12] == 0x08 &&
			f[13] == 0x00 && f[14] == 0x45 &&
			f[14 + 9] == DP_IPPROTO_UDP,
		    "fabric frame is not IPv4/UDP");
		FUZZ_CHECK((size_t)(f[16] << 8 | f[17]) == len - DP_ETH_HLEN &&
			(size_t)(f[38] << 8 | f[39]) == len - DP_ETH_HLEN - 20,
		    "fabric frame lengths");
	}
	return 0;
}

static const uint32_t fuzz_vifs_a[] = {TA_VM1, TA_VM2, TA_AN, TA_FAB};
static const uint32_t fuzz_vifs_b[] = {TB_VM5, TB_AN, TB_AN2, TB_FAB};
static const uint32_t fuzz_mirrors[] = {TA_M_LOCAL, TA_M_REMOTE, TA_M_FABRIC,
    TA_M_NOHDR, TA_M_STATIC, TA_M_SNAP, TA_M_GRE, TA_M_GRE1};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo_opts o;
	struct dp_rule r[2];
	enum dp_fwd_drop why;
	struct dp *dp;
	uint8_t sel, *frame;
	uint32_t vif;
	int rc, i;

	if (size < 1)
		return 0;
	sel = data[0];
	memset(&o, 0, sizeof(o));
	if (sel & 0x80) {
		dp = topo_b(64);
		vif = fuzz_vifs_b[sel & 3];
	} else {
		o.vm1_flags = (sel >> 2) & 3;
		o.vm1_mirror = fuzz_mirrors[(sel >> 4) & 7];
		o.vm2_flags = (sel >> 3) & 2;
		o.vm2_mirror = fuzz_mirrors[(sel >> 5) & 3];
		dp = topo_a(&o, 64);
		vif = fuzz_vifs_a[sel & 3];
		if (sel & 0x40) {
			memset(r, 0, sizeof(r));
			for (i = 0; i < 2; i++) {
				r[i].sport_hi = r[i].dport_hi = 65535;
				r[i].mirror[1] = DP_MIRROR_NONE;
			}
			r[0].af = AF_INET;
			r[0].proto = DP_IPPROTO_UDP;
			r[0].action = DP_FLOW_DENY;
			r[0].mirror[0] = TA_M_FABRIC;
			r[1].action = DP_FLOW_PASS;
			r[1].mirror[0] = TA_M_LOCAL;
			FUZZ_CHECK(
			    dp_policy_set(dp, TA_VM1, r, 2) == 0, "policy");
		}
	}
	dp_set_tx(dp, fuzz_tx, NULL);
	/* an exact-size copy, so ASan sees any read past the frame */
	frame = xmalloc(size > 1 ? size - 1 : 1);
	memcpy(frame, data + 1, size - 1);
	fuzz_ntx = 0;
	rc = dp_fwd(dp, vif, frame, size - 1, 1, &why);
	if (rc == 0)
		FUZZ_CHECK(fuzz_ntx > 0, "accepted but nothing sent");
	else
		FUZZ_CHECK(why < DP_FWD_DROP__MAX, "drop reason %d", why);
	/* the same frame again: now through the flows it made */
	memcpy(frame, data + 1, size - 1);
	(void)dp_fwd(dp, vif, frame, size - 1, 2, NULL);
	free(frame);
	dp_free(dp);
	return 0;
}
