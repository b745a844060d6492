#!/bin/sh
# dp-sock-bench.sh - the datapath benchmark over real sockets, `make
# dpsockbench` (docs/benchmarks.md).  One mirador-vrouter, underlay
# 127.0.4.1, no taps, programmed by --program, fed MPLSoUDP datagrams by
# tests/bench/dp-blast from 127.0.4.3 at full speed for DPSOCK_SECS each:
#   forward   label 100 -> TUNNEL (MPLSoUDP) to 127.0.4.2:6635 (a sink)
#   to-vm     label 102 -> ENCAP to a VM vif without mirroring (no tap:
#             dp_io drops the frame, counted on its "none" port): the
#             baseline of the mirror cases
#   mode1     label 101 -> ENCAP to a VM vif with mirror=tx, Juniper
#             header in UDP to an analyzer on the underlay, 127.0.4.9:8099
#   mode2     label 103 -> the same, mirror without header: VXLAN to
#             127.0.4.2:4789, VNI 7002
#   mode4     label 104 -> the same, static mirror: VXLAN to the VTEP
#             127.0.4.20:4789, VNI 7004
# then the same engine fed from a pcap port (--pcap-in, --exit-after-
# replay) of DPSOCK_PCAP_N 128-byte frames from a VM vif, routed to the
# VM vif without a port, without and with port-RX mirroring in each
# mode (copies over the fabric sockets to the same sinks); CPU of the
# whole process.  Per case: packets sent, received by the vrouter (its
# counters, SIGUSR1), forwarded, copies, arrived at the sink, the
# vrouter's CPU seconds (/proc/PID/stat), packets per vrouter
# CPU-second, CPU ns per packet, wall rate, and the ratio to the
# baseline.  Every case runs DPSOCK_REPEAT times (interleaved); the
# median of each column is shown.
#
# Variables: DPSOCK_SECS (3), DPSOCK_REPEAT (3), DPSOCK_RATE (0: as fast
# as possible), DPSOCK_PCAP_N (1000000), DPSOCK_BASE (0: addresses
# 127.0.4.1..20; 100 gives 127.0.4.101..120), DPSOCK_KEEP=1 keeps the
# directory, DPSOCK_SMOKE=1: TAP output, DPSOCK_COUNT packets per case
# (2000) at DPSOCK_RATE (20000/s), every packet and copy checked.
set -u
. "$top_srcdir/tests/tap.sh"
VR="$top_builddir/datapath/mirador-vrouter"
BL="$top_builddir/tests/bench/dp-blast"
smoke=${DPSOCK_SMOKE:-0}
secs=${DPSOCK_SECS:-3}
base=${DPSOCK_BASE:-0}
if [ "$smoke" = 1 ]; then
	repeat=1 rate=${DPSOCK_RATE:-20000} count=${DPSOCK_COUNT:-2000}
	pcapn=$count
else
	repeat=${DPSOCK_REPEAT:-3} rate=${DPSOCK_RATE:-0} count=0
	pcapn=${DPSOCK_PCAP_N:-1000000}
fi
a() { echo "127.0.4.$(($1 + base))"; }
ul=$(a 1) peer=$(a 2) src=$(a 3) an=$(a 9) vtep=$(a 20)
hz=$(getconf CLK_TCK)
tmp=$(mktemp -d /tmp/mirador-dpsock-XXXXXX) || exit 1
res=$tmp/results
pids=""
nsink=0

cleanup() {
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null && wait_gone "$p"
		kill -KILL "$p" 2>/dev/null
	done
	if [ "${DPSOCK_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
say() { if [ "$smoke" = 1 ]; then diag "$@"; else echo "$@"; fi; }
die() { say "error: $*"; [ "$smoke" = 1 ] && fail "$*"; exit 1; }

# The common program: the fabric, the forward tunnel, the three mirror
# entries, four VM vifs (1, 2, 4 mirror TX in mode 1, 2, 4; 5 none).
program() {
	vm=00:00:5e:00:01:00
	cat <<EOT
vif add idx=0 kind=fabric name=fab0 mac=02:00:00:00:04:01 vrf=0 mtu=9000
nh add idx=10 type=tunnel vrf=0 vif=0 tun=mplsoudp sip=$ul dip=$peer label=200
mpls add label=100 nh=10
nh add idx=30 type=mirror-udp vrf=0 vif=0 analyzer=$an port=8099
mirror add idx=1 nh=30 flags=dynamic,juniper analyzer=an1 src-vn=red dst-vn=red
nh add idx=31 type=tunnel vrf=0 vif=0 tun=vxlan sip=$ul dip=$peer label=7002
mirror add idx=2 nh=31 flags=dynamic vni=7002 analyzer=an2
nh add idx=32 type=tunnel vrf=0 vif=0 tun=vxlan sip=$ul dip=$vtep label=7004
mirror add idx=4 nh=32 flags=static vni=7004 analyzer=an4
EOT
	for i in 1 2 4 5; do
		m="mirror=tx mirror-idx=$i"
		[ $i = 5 ] && m=""
		echo "vif add idx=$i kind=vm name=vm$i mac=02:00:00:00:04:1$i" \
			"vrf=1 mtu=1500 $m"
		echo "nh add idx=1$i type=encap vrf=1 vif=$i" \
			"dmac=02:00:00:00:04:1$i smac=$vm"
	done
	cat <<EOT
mpls add label=101 nh=11
mpls add label=102 nh=15
mpls add label=103 nh=12
mpls add label=104 nh=14
route add vrf=1 prefix=10.1.0.4/32 nh=15
EOT
}

# vr_cpu PID: utime + stime in ticks.
vr_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# vr_stats NAME: SIGUSR1, then the counters of that dump into
# $tmp/NAME.st as "key value" lines.
vr_stats() {
	n0=$(grep -c '^forwarding: rx' "$tmp/vr.log")
	kill -USR1 "$vrpid"
	i=0
	while [ "$(grep -c '^forwarding: rx' "$tmp/vr.log")" -le "$n0" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && die "no counters from the vrouter"
		sleep 0.05
	done
	stats_of "$tmp/vr.log" >"$tmp/$1.st"
}

# stats_of LOG: the last dump's counters of LOG.
stats_of() {
	awk -v ul="$ul" '
	function f(w,  i) { for (i = 1; i <= NF; i++) if ($i == w) return i }
	$1 == "udp" || $1 == "none" {
		k = $1 == "none" ? "none" : $2
		sub("^" ul ":", "", k)
		if (k != "none" && k != "6635" && k != "4789") k = "eph"
		v[k "_rx"] = $(f("rx") + 1); v[k "_tx"] = $(f("tx") + 1)
		v[k "_bad"] = $(f("bad") - 1)
	}
	$1 == "pcap-in" { v["pcap_rx"] = $(f("rx") + 1) }
	$1 == "forwarding:" && $2 == "rx" {
		v["fwd_rx"] = $3; v["fwd_tx"] = $5; v["copies"] = $9
	}
	END { for (k in v) print k, v[k] }' "$1"
}

# get FILE KEY
get() { awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }

# sink_start ADDR:PORT, sink_stop: prints the datagrams it got.
sink_start() {
	nsink=$((nsink + 1)) # a file each, so that wait_for sees this one
	sinkout=$tmp/sink$nsink.out
	"$BL" sink -d "$1" -i 60 -t $((secs + 120)) >"$sinkout" 2>&1 &
	sinkpid=$!
	pids="$pids $sinkpid"
	wait_for "$sinkout" "listening" || die "sink on $1"
}
# (run in $(...): a subshell cannot wait for the sink, so it waits for
# the sink's last line instead)
sink_stop() {
	kill -TERM "$sinkpid"
	wait_for "$sinkout" "datagrams=" >/dev/null
	_got=$(sed -n 's/.*datagrams=\([0-9]*\).*drops=\([0-9]*\).*/\1 \2/p' \
		"$sinkout")
	echo "${_got:-x x}"
}

# sock_case NAME LABEL SINK|-: one run through the running vrouter.
sock_case() {
	if [ "$3" != - ]; then sink_start "$3"; fi
	vr_stats before
	c0=$(vr_cpu "$vrpid")
	if [ "$smoke" = 1 ]; then
		lim="-n $count -r $rate"
	elif [ "$rate" != 0 ]; then
		lim="-t $secs -r $rate"
	else
		lim="-t $secs"
	fi
	# shellcheck disable=SC2086
	"$BL" send -s "$src" -d "$ul" -l "$2" $lim >"$tmp/send.out" \
		2>&1 || die "dp-blast send: $(cat "$tmp/send.out")"
	sleep 0.5 # the vrouter drains its socket
	c1=$(vr_cpu "$vrpid")
	vr_stats after
	if [ "$3" != - ]; then set -- "$1" "$2" "$3" $(sink_stop); else
		set -- "$1" "$2" "$3" 0 0; fi
	sent=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$tmp/send.out")
	wall=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$tmp/send.out")
	for k in 6635_rx 6635_tx 4789_tx eph_tx none_bad copies fwd_rx; do
		eval "d_$k=\$((\$(get $tmp/after.st $k) - \$(get $tmp/before.st $k)))"
	done
	# out: what left where the case sends it (VM frames: dropped by
	# dp_io for want of a tap, counted on its none port)
	case $1 in
	forward) out=$d_6635_tx ;;
	*) out=$d_none_bad ;;
	esac
	# shellcheck disable=SC2154
	echo "$1 $sent $d_6635_rx $out $d_copies $4 $5 $((c1 - c0)) $wall" \
		>>"$res"
}

# pcap_case NAME MIRROR-IDX|-: one vrouter replaying the pcap file into
# vif 6 (port RX mirroring in the mirror's mode), until it exits.
pcap_case() {
	{
		program
		m="mirror=rx mirror-idx=$2"
		[ "$2" = - ] && m=""
		echo "vif add idx=6 kind=vm name=vin mac=02:00:00:00:01:03" \
			"vrf=1 mtu=1500 $m"
	} >"$tmp/pprog"
	case $2 in
	1) sink_start "$an:8099" ;;
	2) sink_start "$peer:4789" ;;
	4) sink_start "$vtep:4789" ;;
	esac
	# times, not /proc: the process is gone when we know it is done;
	# in this shell, not $(...), whose subshell has no such children
	times >"$tmp/t0"
	"$VR" --underlay "$ul" --no-tap --socket "$tmp/p.sock" \
		--program "$tmp/pprog" --pcap-in "vin=$tmp/in.pcap" \
		--exit-after-replay >"$tmp/p.log" 2>&1 ||
		die "vrouter (pcap): $(cat "$tmp/p.log")"
	times >"$tmp/t1"
	cpu=$({ sed -n 2p "$tmp/t0"; sed -n 2p "$tmp/t1"; } | tr '\n' ' ' |
	    awk '
	function s(x,  m) { m = x; sub("m.*", "", m); sub("^[0-9]*m", "", x)
		sub("s$", "", x); return m * 60 + x }
	{ printf "%d", (s($3) + s($4) - s($1) - s($2)) * '"$hz"' + 0.5 }')
	sleep 0.3
	if [ "$2" != - ]; then set -- "$1" "$2" $(sink_stop); else
		set -- "$1" "$2" 0 0; fi
	stats_of "$tmp/p.log" >"$tmp/p.st"
	echo "$1 $(get "$tmp/p.st" pcap_rx) $(get "$tmp/p.st" fwd_rx)" \
		"$(get "$tmp/p.st" none_bad) $(get "$tmp/p.st" copies) $3 $4" \
		"$cpu 0" >>"$res"
}

[ -x "$VR" ] && [ -x "$BL" ] || die "build mirador-vrouter and dp-blast first"
program >"$tmp/prog"
"$VR" --underlay "$ul" --no-tap --socket "$tmp/vr.sock" \
	--program "$tmp/prog" >"$tmp/vr.log" 2>&1 &
vrpid=$!
pids="$pids $vrpid"
wait_for "$tmp/vr.log" "mirador-vrouter .*: underlay" ||
	die "vrouter: $(cat "$tmp/vr.log")"
"$BL" pcap -o "$tmp/in.pcap" -n "$pcapn" >/dev/null || die "pcap"

if [ "$smoke" != 1 ]; then
	echo "# datapath over sockets, $(date -u '+%Y-%m-%d %H:%M') UTC," \
		"$(nproc) cores, $(uname -r);" \
		"$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null)"
	echo "# $secs s per case at full speed (rate $rate), median of" \
		"$repeat; pcap: $pcapn frames; 118-byte datagrams (label +" \
		"114-byte IPv4), 128-byte frames to the VMs, 256 flows"
fi
: >"$res"
r=0
while [ $r -lt "$repeat" ]; do
	r=$((r + 1))
	sock_case forward 100 "$peer:6635"
	sock_case to-vm 102 -
	sock_case mode1 101 "$an:8099"
	sock_case mode2 103 "$peer:4789"
	sock_case mode4 104 "$vtep:4789"
done
kill -TERM "$vrpid"
wait "$vrpid" || die "vrouter exit: $(tail "$tmp/vr.log")"
grep -q "Sanitizer\|runtime error" "$tmp/vr.log" &&
	die "sanitizer: $(cat "$tmp/vr.log")"
r=0
while [ $r -lt "$repeat" ]; do
	r=$((r + 1))
	pcap_case pcap-fwd -
	pcap_case pcap-mode1 1
	pcap_case pcap-mode2 2
	pcap_case pcap-mode4 4
done

# The table: medians per case; per vrouter CPU-second over what the
# vrouter received (sockets) or replayed (pcap).
table() {
	awk -v hz="$hz" '
	function med(s,  a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		if (!($1 in seen)) { order[++nc] = $1; seen[$1] = 1 }
		cpu = $8 / hz
		for (i = 2; i <= 7; i++) col[$1, i] = col[$1, i] " " $i
		col[$1, "cpu"] = col[$1, "cpu"] " " cpu
		col[$1, "pps"] = col[$1, "pps"] " " (cpu > 0 ? $3 / cpu : 0)
		col[$1, "ns"] = col[$1, "ns"] " " ($3 > 0 ? cpu * 1e9 / $3 : 0)
		col[$1, "wall"] = col[$1, "wall"] " " ($9 > 0 ? $3 / $9 : 0)
	}
	END {
		printf "%-11s %9s %9s %9s %9s %9s %7s %6s %9s %7s %9s %6s %6s\n",
		    "case", "sent", "vr rx", "out", "copies", "at sink",
		    "sinkdrop", "CPU s", "pkt/CPUs", "ns/pkt", "wall pps",
		    "ratio", "/fwd"
		for (k = 1; k <= nc; k++) {
			c = order[k]
			pps[c] = med(col[c, "pps"])
		}
		for (k = 1; k <= nc; k++) {
			c = order[k]
			b = c ~ /^pcap/ ? "pcap-fwd" : (c == "forward" ? "" : "to-vm")
			f = c ~ /^pcap/ || c == "forward" || c == "to-vm" ? "" : "forward"
			printf "%-11s %9d %9d %9d %9d %9d %7d %6.2f %9.0f %7.0f %9s %6s %6s\n",
			    c, med(col[c, 2]), med(col[c, 3]), med(col[c, 4]),
			    med(col[c, 5]), med(col[c, 6]), med(col[c, 7]),
			    med(col[c, "cpu"]), pps[c], med(col[c, "ns"]),
			    c ~ /^pcap/ ? "-" : sprintf("%.0f", med(col[c, "wall"])),
			    b == "" || b == c || pps[b] == 0 ? "-" : sprintf("%.2fx", pps[c] / pps[b]),
			    f == "" || pps[f] == 0 ? "-" : sprintf("%.2fx", pps[c] / pps[f])
		}
	}' "$res"
}

if [ "$smoke" != 1 ]; then
	table
	echo "# sent: by dp-blast; vr rx: datagrams the vrouter read (6635" \
		"socket) or frames replayed; out: forwarded (tunnel datagrams," \
		"or VM frames dropped for want of a tap); copies: mirror copies" \
		"made; at sink / sinkdrop: arrived at and dropped by the sink's" \
		"socket; CPU s: the vrouter's (pcap: whole process);" \
		"pkt/CPUs, ns/pkt: per vrouter rx; ratio: pkt/CPUs against" \
		"to-vm (socket mirror cases) or pcap-fwd; /fwd: against forward" \
		"(which, like the copies, sends one datagram per packet)"
	if [ "${DPSOCK_RAW:-}" != "" ]; then cp "$res" "$DPSOCK_RAW"; fi
	exit 0
fi

# Smoke: every packet received, forwarded and copied, every copy at
# its sink (a low rate on loopback: no loss expected).
table | sed 's/^/# /'
while read -r c sent rx out copies got sdrop cpu wall; do
	case $c in
	forward) want_copies=0 want_got=$sent ;;
	to-vm | pcap-fwd) want_copies=0 want_got=0 ;;
	*) want_copies=$sent want_got=$sent ;;
	esac
	ok "$c: $sent sent, vrouter got $rx" test "$rx" -eq "$sent"
	ok "$c: $out forwarded" test "$out" -eq "$sent"
	ok "$c: $copies copies (want $want_copies)" \
		test "$copies" -eq "$want_copies"
	ok "$c: $got at the sink (want $want_got), $sdrop dropped there" \
		test "$got" -eq "$want_got"
done <"$res"
ok "9 cases" test "$(wc -l <"$res")" -eq 9
done_testing
