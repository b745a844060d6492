#!/bin/sh
# pcap-streams.sh FILE - the BGP byte streams of a capture, one line per
# TCP stream and direction: "STREAM/SRC:PORT HEX", HEX the TCP payloads
# in order (retransmissions left out), so messages split over segments
# come out whole.  BGP is TCP port 179 or 1179 (the tests' port).
# Needs tshark.  Used by tests/fuzz/make-seeds.sh and tests/bgp/tshark.sh.
set -eu
timeout 120 tshark -r "$1" -Y 'tcp.len > 0 && !tcp.analysis.retransmission &&
	(tcp.port == 179 || tcp.port == 1179)' \
	-T fields -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport \
	-e tcp.payload 2>/dev/null |
	awk -F '\t' '{
		k = $1 "/" $2 $3 ":" $4
		if (!(k in hex))
			order[n++] = k
		hex[k] = hex[k] $5
	}
	END {
		for (i = 0; i < n; i++)
			print order[i], hex[order[i]]
	}'
