#!/bin/sh
# dp-sock-smoke.sh - the datapath benchmark over sockets, tiny: 2000
# packets per case at 20000/s on 127.0.4.101..120 (check_dp_io has
# .1 and .2), and a 2000-frame pcap replay per mode; every packet must
# be received, forwarded and copied, and every copy reach its sink.
# Figures from here mean nothing (sanitizers, low rate).  No root, no
# taps (DPSOCK_TAP=1 as root adds them, and checks every VM got its frames).
DPSOCK_SMOKE=1 DPSOCK_BASE=100 exec ${SHELL:-/bin/sh} \
	"$top_srcdir/tests/bench/dp-sock-bench.sh"
