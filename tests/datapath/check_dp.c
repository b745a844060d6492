/*
 * check_dp.c - runner for the libdp unit tests (the tables: vif, nexthop,
 * inet LPM, bridge, label, mirror, flow; packet decode, encapsulation
 * builders, the Juniper mirror header, pcap files), and the helpers the
 * suites share.
 */
#include "tests/datapath/suites.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dp *
dt_dp_new(uint32_t flow_max)
{
	struct dp_vif_cfg v;
	struct dp_nh nh;
	struct dp *dp;

	dp = dp_new(flow_max);
	DT_ASSERT(dp != NULL, "dp_new(%u)", flow_max);
	memset(&v, 0, sizeof(v));
	v.idx = 0;
	v.kind = DP_VIF_FABRIC;
	v.name = "eth0";
	v.mtu = 1500;
	DT_ASSERT(dp_vif_add(dp, &v) == 0, "vif 0");
	v.idx = 1;
	v.kind = DP_VIF_VM;
	v.name = "tap1";
	v.vrf = 1;
	v.mac.b[0] = 0x02;
	v.mac.b[5] = 0x01;
	DT_ASSERT(dp_vif_add(dp, &v) == 0, "vif 1");
	dt_nh_discard(dp, 1);
	memset(&nh, 0, sizeof(nh));
	nh.idx = 2;
	nh.type = DP_NH_ENCAP;
	nh.vif = 1;
	nh.vrf = 1;
	DT_ASSERT(dp_nh_add(dp, &nh) == 0, "nh 2");
	memset(&nh, 0, sizeof(nh));
	nh.idx = 3;
	nh.type = DP_NH_TUNNEL;
	nh.tun = DP_TUN_MPLSOUDP;
	nh.vif = 0;
	nh.sip.s_addr = htonl(0x0a000001);
	nh.dip.s_addr = htonl(0x0a000002);
	nh.label = 100;
	DT_ASSERT(dp_nh_add(dp, &nh) == 0, "nh 3");
	return dp;
}

void
dt_nh_discard(struct dp *dp, uint32_t idx)
{
	struct dp_nh nh;

	memset(&nh, 0, sizeof(nh));
	nh.idx = idx;
	nh.type = DP_NH_DISCARD;
	DT_ASSERT(dp_nh_add(dp, &nh) == 0, "discard nh %u", idx);
}

struct prefix
dt_prefix(const char *s)
{
	struct prefix p;

	DT_ASSERT(prefix_parse(s, &p, false) == 0, "prefix %s", s);
	return p;
}

struct ipaddr
dt_ip(const char *s)
{
	struct ipaddr ip;

	DT_ASSERT(ipaddr_parse(s, &ip) == 0, "address %s", s);
	return ip;
}

size_t
dt_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		DT_ASSERT(n < cap, "hex past %zu bytes", cap);
		DT_ASSERT(isxdigit((unsigned char)s[0]) &&
			isxdigit((unsigned char)s[1]) &&
			sscanf(s, "%2x", &v) == 1,
		    "bad hex at \"%.10s\"", s);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

uint8_t *
dt_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n > 0 ? n : 1);

	DT_ASSERT(c != NULL, "out of memory");
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

int
main(void)
{
	SRunner *sr;
	int nfailed;

	ht_seed((const uint8_t *)"mirador-dp-tests");
	sr = srunner_create(dp_tables_obj_suite());
	srunner_add_suite(sr, dp_tables_rt_suite());
	srunner_add_suite(sr, dp_tables_flow_suite());
	srunner_add_suite(sr, dp_pkt_suite());
	srunner_add_suite(sr, dp_encap_suite());
	srunner_add_suite(sr, dp_jhdr_suite());
	srunner_add_suite(sr, dp_pcap_suite());
	srunner_add_suite(sr, dp_msg_suite());
	srunner_add_suite(sr, dp_io_suite());
	srunner_add_suite(sr, dp_fwd_suite());
	srunner_add_suite(sr, dp_srv_suite());
	srunner_add_suite(sr, dp_text_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
