/*
 * DOC: dp_pkt_fuzzer.c - fuzz target dp-pkt: any bytes as an Ethernet
 * frame through dp_pkt_decode() (offsets ordered and inside the frame,
 * a named drop reason otherwise, the mirror port in range) and as a
 * Juniper mirror header (what decodes encodes again and decodes the
 * same).  Built with libFuzzer by `make fuzz`, and with fuzz_main.c as a
 * plain program that runs the seeds in `make check`.
 */
#include "tests/fuzz/fuzz_check.h"

#include <string.h>

#include "datapath/dp.h"

/* Offsets of one level: l2 <= l3 <= l4 <= payload <= end <= lim. */
static void
fuzz_dp_hdrs(const struct dp_hdrs *h, size_t lim)
{
	FUZZ_CHECK(h->l2_off <= h->l3_off && h->l3_off <= h->l4_off &&
		h->l4_off <= h->pay_off && h->pay_off <= h->end &&
		h->end <= lim,
	    "offsets %u %u %u %u %u of %zu", h->l2_off, h->l3_off, h->l4_off,
	    h->pay_off, h->end, lim);
}

static void
fuzz_dp_jhdr(const uint8_t *data, size_t size)
{
	uint8_t mem[DP_JHDR_MAX];
	struct dp_jhdr j, k;
	struct wbuf w;
	size_t hlen, hlen2;

	if (dp_jhdr_decode(data, size, &j, &hlen) != 0)
		return;
	FUZZ_CHECK(hlen >= 2 && hlen <= size, "hlen %zu of %zu", hlen, size);
	wbuf_init(&w, mem, sizeof(mem));
	FUZZ_CHECK(dp_jhdr_encode(&w, &j) == 0, "decoded header re-encodes");
	FUZZ_CHECK(
	    dp_jhdr_decode(mem, w.len, &k, &hlen2) == 0 && hlen2 == w.len,
	    "re-encoded header decodes whole");
	FUZZ_CHECK(k.has == j.has && k.host == j.host && k.flags == j.flags &&
		k.src_vn_len == j.src_vn_len && k.dst_vn_len == j.dst_vn_len,
	    "round trip keeps the TLVs");
	FUZZ_CHECK((j.src_vn_len == 0 ||
		       memcmp(k.src_vn, j.src_vn, j.src_vn_len) == 0) &&
		(j.dst_vn_len == 0 ||
		    memcmp(k.dst_vn, j.dst_vn, j.dst_vn_len) == 0),
	    "round trip keeps the VN names");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_pkt p;
	enum dp_drop why;
	uint16_t sport;

	if (dp_pkt_decode(data, size, &p, &why) == -1) {
		FUZZ_CHECK(why > DP_DROP_NONE && why < DP_DROP__MAX,
		    "drop reason %d", (int)why);
	} else {
		FUZZ_CHECK(why == DP_DROP_NONE && p.len == size, "decoded");
		fuzz_dp_hdrs(&p.outer, size);
		if (p.encap != DP_ENCAP_NONE) {
			FUZZ_CHECK(p.inner_off >= p.outer.pay_off &&
				p.inner.l2_off == p.inner_off,
			    "inner at %u", p.inner_off);
			fuzz_dp_hdrs(&p.inner, p.outer.end);
		}
		sport = dp_mirror_sport(&p);
		FUZZ_CHECK(sport >= DP_SPORT_MIN, "sport %u", sport);
	}
	fuzz_dp_jhdr(data, size);
	return 0;
}
