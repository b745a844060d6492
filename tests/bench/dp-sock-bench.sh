#!/bin/sh
# dp-sock-bench.sh - the datapath benchmark over real sockets, `make
# dpsockbench` (docs/benchmarks.md).  One mirador-vrouter, underlay
# 127.0.4.1, programmed by --program, fed MPLSoUDP datagrams by
# tests/bench/dp-blast from 127.0.4.3 at full speed for DPSOCK_SECS each.
# With taps (DPSOCK_TAP=1, the default as root): each VM vif's tap,
# made by the vrouter, is moved into a namespace of its own ("the VM":
# 10.1.0.4/24 on the tap, link up) where a dp-blast sink on
# 10.1.0.4:20000 reads the frames, so a packet to a VM costs a tap
# write and the kernel's receive up to a UDP socket.  Without
# (DPSOCK_TAP=0, the smoke test, or not root): --no-tap, and dp_io
# drops a VM's frame (counted on its "none" port).  Cases:
#   forward   label 100 -> TUNNEL (MPLSoUDP) to 127.0.4.2:6635 (a sink)
#   to-vm     label 102 -> ENCAP to VM vif 5 without mirroring: the
#             baseline of the mirror cases
#   mode1     label 101 -> ENCAP to VM vif 1 with mirror=tx, Juniper
#             header in UDP to an analyzer on the underlay, 127.0.4.9:8099
#   mode2     label 103 -> the same (vif 2), mirror without header:
#             VXLAN to 127.0.4.2:4789, VNI 7002
#   mode4     label 104 -> the same (vif 4), static mirror: VXLAN to
#             the VTEP 127.0.4.20:4789, VNI 7004
# then the same engine fed from a pcap port (--pcap-in, --exit-after-
# replay) of DPSOCK_PCAP_N 128-byte frames from a VM vif, routed to VM
# vif 5, without and with port-RX mirroring in each mode (copies over
# the fabric sockets to the same sinks); CPU of the whole process.
# With taps the pcap vrouter runs in a namespace of its own (its own
# loopback for the underlay and the sinks), where vif 5's tap is made
# beforehand, persistent, 10.1.0.4/24 and up, with the VM's sink on it,
# so that the replay, which starts at once, finds it ready.
# Per case: packets sent, received by the vrouter (its counters,
# SIGUSR1), forwarded (tunnel datagrams, tap writes, or frames dropped
# without a tap), copies, arrived at the mirror sink and at the VM's,
# the vrouter's CPU seconds (/proc/PID/stat), packets per vrouter
# CPU-second, CPU ns per packet, wall rate, and the ratio to the
# baseline.  Every case runs DPSOCK_REPEAT times (interleaved); the
# median of each column is shown.
#
# Variables: DPSOCK_SECS (3), DPSOCK_REPEAT (3), DPSOCK_RATE (0: as fast
# as possible), DPSOCK_PCAP_N (1000000), DPSOCK_TAP (1 as root with
# /dev/net/tun and ip, else 0; the smoke test: 0), DPSOCK_BASE (0:
# addresses 127.0.4.1..20; 100 gives 127.0.4.101..120), DPSOCK_KEEP=1
# keeps the directory, DPSOCK_SMOKE=1: TAP output, DPSOCK_COUNT packets
# per case (2000) at DPSOCK_RATE (20000/s), every packet and copy
# checked.
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
if [ "$smoke" = 1 ]; then
	tap=${DPSOCK_TAP:-0}
elif [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] &&
    command -v ip >/dev/null 2>&1; then
	tap=${DPSOCK_TAP:-1}
else
	tap=${DPSOCK_TAP:-0}
fi
a() { echo "127.0.4.$(($1 + base))"; }
ul=$(a 1) peer=$(a 2) src=$(a 3) an=$(a 9) vtep=$(a 20)
hz=$(getconf CLK_TCK)
tmp=$(mktemp -d /tmp/mirador-dpsock-XXXXXX) || exit 1
res=$tmp/results
pids=""
nsink=0
netns=""
notap=--no-tap
[ "$tap" = 1 ] && notap=""
vmip=10.1.0.4 # the inner packets' destination (dp-blast)
# tn I: vif I's name, its tap's with DPSOCK_TAP=1 (unique on the host)
tn() { echo "dpv$1-$$"; }

cleanup() {
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null && wait_gone "$p"
		kill -KILL "$p" 2>/dev/null
	done
	for n in $netns; do
		ip netns del "$n" 2>/dev/null
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
		echo "vif add idx=$i kind=vm name=$(tn $i)" \
			"mac=02:00:00:00:04:1$i" \
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
	$1 == "tap" {
		k = "tap" $4; sub(":", "", k)
		v[k "_tx"] = $(f("tx") + 1)
		v[k "_err"] = $(f("eagain") - 1) + $(f("errors") - 1)
	}
	$1 == "pcap-in" { v["pcap_rx"] = $(f("rx") + 1) }
	$1 == "forwarding:" && $2 == "rx" {
		v["fwd_rx"] = $3; v["fwd_tx"] = $5; v["copies"] = $9
	}
	END { for (k in v) print k, v[k] }' "$1"
}

# get FILE KEY
get() { awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }

# sink_start SLOT ADDR:PORT [NETNS]: a sink, slot m (mirror copies or
# tunnel) or v (the VM's), in NETNS if given.  sink_stop SLOT: prints
# the datagrams it got and those its socket dropped.
sink_start() {
	nsink=$((nsink + 1)) # a file each, so that wait_for sees this one
	_so=$tmp/sink$nsink.out
	if [ -n "${3:-}" ]; then # ip netns exec execs: $! is the sink
		ip netns exec "$3" "$BL" sink -d "$2" -i 60 \
			-t $((secs + 120)) >"$_so" 2>&1 &
	else
		"$BL" sink -d "$2" -i 60 -t $((secs + 120)) >"$_so" 2>&1 &
	fi
	eval "sinkpid_$1=\$! sinkout_$1=\$_so"
	pids="$pids $!"
	wait_for "$_so" "listening" || die "sink on $2: $(cat "$_so")"
}
# (run in $(...): a subshell cannot wait for the sink, so it waits for
# the sink's last line instead)
# shellcheck disable=SC2154 # set by eval
sink_stop() {
	eval "_sp=\$sinkpid_$1 _so=\$sinkout_$1"
	kill -TERM "$_sp"
	wait_for "$_so" "datagrams=" >/dev/null
	_got=$(sed -n 's/.*datagrams=\([0-9]*\).*drops=\([0-9]*\).*/\1 \2/p' \
		"$_so")
	echo "${_got:-x x}"
}

# ns_add NS: a namespace, deleted by cleanup, loopback up, no IPv6 (a
# tap's own router solicitations and MLD reports would be traffic).
ns_add() {
	ip netns add "$1" || return 1
	netns="$netns $1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null &&
		ip -n "$1" link set lo up
}

# vm_ns I: vif I's tap into a namespace of its own, the VM: its MAC,
# 10.1.0.4/24, link up.  The kernel there takes the frames in, as a
# VM's would, up to the socket of the sink started by the case.
vm_ns() {
	_ns=mdps-vm$1-$$
	ns_add "$_ns" || return 1
	ip link set "$(tn "$1")" netns "$_ns" &&
		ip -n "$_ns" link set "$(tn "$1")" address "02:00:00:00:04:1$1" &&
		ip -n "$_ns" addr add "$vmip/24" dev "$(tn "$1")" &&
		ip -n "$_ns" link set "$(tn "$1")" up
}

# sock_case NAME LABEL SINK|- VIF|-: one run through the running
# vrouter; VIF: the VM vif the packets go to.
# shellcheck disable=SC2154 # set by eval
sock_case() {
	if [ "$3" != - ]; then sink_start m "$3"; fi
	if [ "$4" != - ] && [ "$tap" = 1 ]; then
		sink_start v "$vmip:20000" "mdps-vm$4-$$"
	fi
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
	m="0 0" v="0 0"
	if [ "$3" != - ]; then m=$(sink_stop m); fi
	if [ "$4" != - ] && [ "$tap" = 1 ]; then v=$(sink_stop v); fi
	sent=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$tmp/send.out")
	wall=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$tmp/send.out")
	tk=""
	[ "$4" != - ] && tk=tap$4_tx
	for k in 6635_rx 6635_tx none_bad copies $tk; do
		eval "d_$k=\$((\$(get $tmp/after.st $k) - \$(get $tmp/before.st $k)))"
	done
	# out: what left where the case sends it: tunnel datagrams, tap
	# writes, or (no taps) VM frames dropped by dp_io on its none port
	if [ "$1" = forward ]; then
		out=$d_6635_tx
	elif [ "$tap" = 1 ]; then
		eval "out=\$d_tap$4_tx"
	else
		out=$d_none_bad
	fi
	echo "$1 $sent $d_6635_rx $out $d_copies $m $((c1 - c0)) $wall $v" \
		>>"$res"
}

# pcap_case NAME MIRROR-IDX|-: one vrouter replaying the pcap file into
# vif 6 (port RX mirroring in the mirror's mode), until it exits.  With
# taps, in the namespace $pns, where vif 5's tap waits for it.
pcap_case() {
	{
		program
		m="mirror=rx mirror-idx=$2"
		[ "$2" = - ] && m=""
		echo "vif add idx=6 kind=vm name=$(tn 6)" \
			"mac=02:00:00:00:01:03 vrf=1 mtu=1500 $m"
	} >"$tmp/pprog"
	case $2 in
	1) sink_start m "$an:8099" "$pns" ;;
	2) sink_start m "$peer:4789" "$pns" ;;
	4) sink_start m "$vtep:4789" "$pns" ;;
	esac
	[ "$tap" = 1 ] && sink_start v "$vmip:20000" "$pns"
	# times, not /proc: the process is gone when we know it is done;
	# in this shell, not $(...), whose subshell has no such children
	times >"$tmp/t0"
	# shellcheck disable=SC2086
	$inpns "$VR" --underlay "$ul" $notap --socket "$tmp/p.sock" \
		--program "$tmp/pprog" --pcap-in "$(tn 6)=$tmp/in.pcap" \
		--exit-after-replay >"$tmp/p.log" 2>&1 ||
		die "vrouter (pcap): $(cat "$tmp/p.log")"
	times >"$tmp/t1"
	cpu=$({ sed -n 2p "$tmp/t0"; sed -n 2p "$tmp/t1"; } | tr '\n' ' ' |
	    awk '
	function s(x,  m) { m = x; sub("m.*", "", m); sub("^[0-9]*m", "", x)
		sub("s$", "", x); return m * 60 + x }
	{ printf "%d", (s($3) + s($4) - s($1) - s($2)) * '"$hz"' + 0.5 }')
	sleep 0.3
	m="0 0" v="0 0"
	if [ "$2" != - ]; then m=$(sink_stop m); fi
	if [ "$tap" = 1 ]; then v=$(sink_stop v); fi
	stats_of "$tmp/p.log" >"$tmp/p.st"
	if [ "$tap" = 1 ]; then
		out=$(get "$tmp/p.st" tap5_tx)
	else
		out=$(get "$tmp/p.st" none_bad)
	fi
	echo "$1 $(get "$tmp/p.st" pcap_rx) $(get "$tmp/p.st" fwd_rx)" \
		"$out $(get "$tmp/p.st" copies) $m $cpu 0 $v" >>"$res"
}

[ -x "$VR" ] && [ -x "$BL" ] || die "build mirador-vrouter and dp-blast first"
program >"$tmp/prog"
# shellcheck disable=SC2086
"$VR" --underlay "$ul" $notap --socket "$tmp/vr.sock" \
	--program "$tmp/prog" >"$tmp/vr.log" 2>&1 &
vrpid=$!
pids="$pids $vrpid"
wait_for "$tmp/vr.log" "mirador-vrouter .*: underlay" ||
	die "vrouter: $(cat "$tmp/vr.log")"
pns="" inpns=""
if [ "$tap" = 1 ]; then
	for i in 1 2 4 5; do
		vm_ns $i || die "VM namespace for vif $i"
	done
	# the pcap vrouter's namespace, and vif 5's tap made persistent
	# there (the vrouter attaches to it by name)
	pns=mdps-pcap-$$ inpns="ip netns exec $pns"
	ns_add "$pns" &&
		ip -n "$pns" tuntap add mode tap name "$(tn 5)" &&
		ip -n "$pns" link set "$(tn 5)" address 02:00:00:00:04:15 &&
		ip -n "$pns" addr add "$vmip/24" dev "$(tn 5)" &&
		ip -n "$pns" link set "$(tn 5)" up || die "tap in $pns"
fi
"$BL" pcap -o "$tmp/in.pcap" -n "$pcapn" >/dev/null || die "pcap"

if [ "$smoke" != 1 ]; then
	echo "# datapath over sockets, $(date -u '+%Y-%m-%d %H:%M') UTC," \
		"$(nproc) cores, $(uname -r);" \
		"$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null)"
	echo "# $secs s per case at full speed (rate $rate), median of" \
		"$repeat; pcap: $pcapn frames; 118-byte datagrams (label +" \
		"114-byte IPv4), 128-byte frames to the VMs, 256 flows"
	if [ "$tap" = 1 ]; then
		echo "# VM vifs: taps, each in a namespace with 10.1.0.4/24" \
			"and a UDP sink (pcap: one namespace, vrouter included)"
	else
		echo "# VM vifs: no taps (--no-tap): frames to VMs dropped" \
			"by dp_io, at no I/O cost"
	fi
fi
: >"$res"
r=0
while [ $r -lt "$repeat" ]; do
	r=$((r + 1))
	sock_case forward 100 "$peer:6635" -
	sock_case to-vm 102 - 5
	sock_case mode1 101 "$an:8099" 1
	sock_case mode2 103 "$peer:4789" 2
	sock_case mode4 104 "$vtep:4789" 4
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
		for (i = 2; i <= 11; i++) if (i != 8 && i != 9)
			col[$1, i] = col[$1, i] " " $i
		col[$1, "cpu"] = col[$1, "cpu"] " " cpu
		col[$1, "pps"] = col[$1, "pps"] " " (cpu > 0 ? $3 / cpu : 0)
		col[$1, "ns"] = col[$1, "ns"] " " ($3 > 0 ? cpu * 1e9 / $3 : 0)
		col[$1, "wall"] = col[$1, "wall"] " " ($9 > 0 ? $3 / $9 : 0)
	}
	END {
		printf "%-11s %9s %9s %9s %9s %9s %7s %9s %7s %6s %9s %7s %9s %6s %6s\n",
		    "case", "sent", "vr rx", "out", "copies", "at sink",
		    "sinkdrop", "at VM", "VMdrop", "CPU s", "pkt/CPUs",
		    "ns/pkt", "wall pps", "ratio", "/fwd"
		for (k = 1; k <= nc; k++) {
			c = order[k]
			pps[c] = med(col[c, "pps"])
		}
		for (k = 1; k <= nc; k++) {
			c = order[k]
			b = c ~ /^pcap/ ? "pcap-fwd" : (c == "forward" ? "" : "to-vm")
			f = c ~ /^pcap/ || c == "forward" || c == "to-vm" ? "" : "forward"
			printf "%-11s %9d %9d %9d %9d %9d %7d %9d %7d %6.2f %9.0f %7.0f %9s %6s %6s\n",
			    c, med(col[c, 2]), med(col[c, 3]), med(col[c, 4]),
			    med(col[c, 5]), med(col[c, 6]), med(col[c, 7]),
			    med(col[c, 10]), med(col[c, 11]),
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
		"tap writes, or without taps VM frames dropped by dp_io);" \
		"copies: mirror copies made; at sink / sinkdrop: arrived at and" \
		"dropped by the socket of the tunnel's or the analyzer's sink;" \
		"at VM / VMdrop: the same at the VM's sink (taps only);" \
		"CPU s: the vrouter's (pcap: whole process); pkt/CPUs, ns/pkt:" \
		"per vrouter rx; ratio: pkt/CPUs against to-vm (socket mirror" \
		"cases) or pcap-fwd, the same forwarding without the copy;" \
		"/fwd: against forward (one tunnel datagram per packet)"
	if [ "${DPSOCK_RAW:-}" != "" ]; then cp "$res" "$DPSOCK_RAW"; fi
	exit 0
fi

# Smoke: every packet received, forwarded and copied, every copy at
# its sink, with taps every frame at its VM's (a low rate on loopback:
# no loss expected).
table | sed 's/^/# /'
while read -r c sent rx out copies got sdrop cpu wall vgot vdrop; do
	case $c in
	forward) want_copies=0 want_got=$sent ;;
	to-vm | pcap-fwd) want_copies=0 want_got=0 ;;
	*) want_copies=$sent want_got=$sent ;;
	esac
	want_vm=0
	[ "$tap" = 1 ] && [ "$c" != forward ] && want_vm=$sent
	ok "$c: $sent sent, vrouter got $rx" test "$rx" -eq "$sent"
	ok "$c: $out forwarded" test "$out" -eq "$sent"
	ok "$c: $copies copies (want $want_copies)" \
		test "$copies" -eq "$want_copies"
	ok "$c: $got at the sink (want $want_got), $sdrop dropped there" \
		test "$got" -eq "$want_got"
	ok "$c: $vgot at the VM (want $want_vm), $vdrop dropped there" \
		test "$vgot" -eq "$want_vm"
done <"$res"
ok "9 cases" test "$(wc -l <"$res")" -eq 9
done_testing
