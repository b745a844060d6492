/*
 * dp_topo.h - two small vrouters for the forwarding tests, the golden
 * pcap tests and the datapath benchmark, built with the table API; and
 * frame builders.  Failures are fatal (fatalx): these are fixtures.
 *
 * Node A (underlay 127.0.3.1), VRF 1 "red" 10.1.0.0/24, VRF 2 the
 * analyzer VN 10.9.0.0/24:
 *   vif 0 fabric fab0; vif 1 tapa1 10.1.0.3; vif 2 tapa2 10.1.0.4;
 *   vif 3 tapan, a local analyzer 10.9.0.9.
 *   10.1.0.5 on B over MPLSoUDP label 100, 10.1.0.6 on B over VXLAN
 *   VNI 5001, the remote analyzer 10.9.0.10 on B over MPLSoUDP label 200.
 *   Mirrors: 0 Juniper header to 10.9.0.9 (local); 1 Juniper header to
 *   10.9.0.10 (remote, overlay); 2 Juniper header to 127.0.3.9 over the
 *   underlay; 3 no header, VXLAN VNI 9000 to B (the analyzer VN, mirror
 *   destination there); 4 static VXLAN VNI 7777 to the VTEP 127.0.3.20;
 *   5 as 0 with snap length 64 and 1-in-3 sampling; 6 no header, GRE
 *   key TA_GRE_KEY (the nexthop's) to B (Cloudpods tap flow); 7 as 6
 *   with key TA_GRE_KEY1, one analyzer on B.
 * Node B (underlay 127.0.3.2): vif 0 fabric; vif 1 tapb5 10.1.0.5
 *   (label 100, VNI 5001 -> VRF 1); vifs 3 and 4 analyzers 10.9.0.10 and
 *   10.9.0.11 in VRF 2, flagged mirror destination (VNI 9000 -> flood
 *   to both; label 200 -> vif 3).  GRE keys: TA_GRE_KEY -> the flood
 *   of both analyzers, TA_GRE_KEY1 -> vif 3 (whatever their VRF).
 */
#ifndef SDN_TESTS_DATAPATH_DP_TOPO_H
#define SDN_TESTS_DATAPATH_DP_TOPO_H

#include "datapath/dp.h"

#define TOPO_A_ROUTER "127.0.3.1"
#define TOPO_B_ROUTER "127.0.3.2"
#define TOPO_VN_RED   "default-domain:demo:red"
#define TOPO_VN_BLUE  "default-domain:demo:blue"
#define TOPO_VN_AN    "default-domain:demo:analyzer"

enum { TA_FAB = 0, TA_VM1 = 1, TA_VM2 = 2, TA_AN = 3 };
enum { TB_FAB = 0, TB_VM5 = 1, TB_AN = 3, TB_AN2 = 4 };
enum {
	TA_M_LOCAL = 0,
	TA_M_REMOTE,
	TA_M_FABRIC,
	TA_M_NOHDR,
	TA_M_STATIC,
	TA_M_SNAP,
	TA_M_GRE,
	TA_M_GRE1,
};
#define TA_VXLAN_MIRROR_VNI 9000
#define TA_STATIC_VNI       7777
#define TA_GRE_KEY          0x01001092u /* above 2^24: all 32 bits */
#define TA_GRE_KEY1         4242

/* Port mirroring of node A's VMs: DP_VIF_MIRROR_* flags and index. */
struct topo_opts {
	uint32_t vm1_flags, vm1_mirror;
	uint32_t vm2_flags, vm2_mirror;
	uint32_t an_flags, an_mirror;
};

extern const struct macaddr topo_vrouter_mac; /* 00:00:5e:00:01:00 */
extern const struct macaddr topo_vm1_mac;     /* 02:00:00:00:01:03 */
extern const struct macaddr topo_vm2_mac;     /* 02:00:00:00:01:04 */
extern const struct macaddr topo_vm5_mac;     /* 02:00:00:00:01:05 */
extern const struct macaddr topo_an_mac;      /* 02:00:00:00:09:09 */

/* Node A; o may be NULL (no port mirroring). */
struct dp *topo_a(const struct topo_opts *o, uint32_t flows);
/* Node B. */
struct dp *topo_b(uint32_t flows);

/*
 * Ethernet + IPv4 (checksummed, TTL 64) + ICMP echo request (id sport,
 * sequence dport), TCP (SYN) or UDP, then paylen pattern bytes, into b
 * (cap bytes).  Returns the frame length.
 */
size_t topo_ip4(uint8_t *b, size_t cap, const struct macaddr *dmac,
    const struct macaddr *smac, const char *src, const char *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, size_t paylen);
/* An ARP request from smac/sip for tip (42 bytes). */
size_t topo_arp(uint8_t *b, size_t cap, const struct macaddr *smac,
    const char *sip, const char *tip);

#endif /* SDN_TESTS_DATAPATH_DP_TOPO_H */
