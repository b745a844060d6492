/*
 * dp-jhdr-pcap.c - writes a pcap of mode-1 mirror copies for
 * tshark-jhdr.sh: Ethernet/IPv4/UDP to port 8099 carrying the Juniper
 * header and the original frame, one copy each for port RX, port TX,
 * a flow and no metadata, built with libdp only.
 * Usage: dp-jhdr-pcap FILE
 */
#include "datapath/dp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The original frame: IPv4/UDP 10.1.1.1:1234 -> 10.1.1.2:40001 "abcd". */
static const uint8_t jp_frame[] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0x02, 0x52,
    0x54, 0x00, 0xaa, 0xbb, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x12,
    0x34, 0x00, 0x00, 0x40, 0x11, 0x52, 0x95, 0x0a, 0x01, 0x01, 0x01, 0x0a,
    0x01, 0x01, 0x02, 0x04, 0xd2, 0x9c, 0x41, 0x00, 0x0c, 0x00, 0x00, 0x61,
    0x62, 0x63, 0x64};

static int
jp_copy(struct dp_pcap *pc, const struct dp_jhdr *j, uint64_t ts)
{
	uint8_t pay[DP_JHDR_MAX + sizeof(jp_frame)], out[1024];
	struct dp_udp4 u = {
	    .dmac = {0x02, 0, 0, 0, 0, 0x02},
	    .smac = {0x02, 0, 0, 0, 0, 0x01},
	    .src = 0xc0a8000b, /* 192.168.0.11 */
	    .dst = 0x0a090909, /* 10.9.9.9 */
	    .dport = DP_PORT_JMIRROR,
	};
	struct wbuf wp, wo;
	struct dp_pkt p;
	enum dp_drop why;

	if (dp_pkt_decode(jp_frame, sizeof(jp_frame), &p, &why) == -1) {
		fprintf(stderr, "frame: %s\n", dp_drop_name(why));
		return -1;
	}
	u.sport = dp_mirror_sport(&p);
	wbuf_init(&wp, pay, sizeof(pay));
	wbuf_init(&wo, out, sizeof(out));
	if (dp_jhdr_encode(&wp, j) != 0 ||
	    wbuf_put_bytes(&wp, jp_frame, sizeof(jp_frame)) == -1 ||
	    dp_encap_udp4(&wo, &u, pay, wp.len) != 0 ||
	    dp_pcap_write(pc, ts, out, wo.len) != 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct dp_pcap pc;
	struct dp_jhdr j;
	int error = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dp-jhdr-pcap FILE\n");
		return 2;
	}
	if (dp_pcap_open_write(&pc, argv[1], 65535) != 0) {
		perror(argv[1]);
		return 1;
	}
	dp_jhdr_port_rx(&j, "default-domain:demo:red");
	error |= jp_copy(&pc, &j, 1000000);
	dp_jhdr_port_tx(&j, "default-domain:demo:blue");
	error |= jp_copy(&pc, &j, 2000000);
	dp_jhdr_flow(&j, 0xc0a8000b, DP_JHDR_F_INGRESS | 1u << 5 | 1u << 7,
	    "default-domain:demo:red", "default-domain:demo:blue");
	error |= jp_copy(&pc, &j, 3000000);
	memset(&j, 0, sizeof(j));
	error |= jp_copy(&pc, &j, 4000000);
	if (dp_pcap_close(&pc) != 0 || error != 0) {
		fprintf(stderr, "%s: write failed\n", argv[1]);
		return 1;
	}
	return 0;
}
