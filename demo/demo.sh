#!/bin/sh
# demo/demo.sh - Mirador's demo, run by .ci/start (the README's first
# command).  Brings the topology of docs/examples/demo.xml up on this
# machine, on loopback 127.0.10.x, with network namespaces as VMs:
#   - two mirador-control (cn1 127.0.10.1, cn2 127.0.10.2) peered by iBGP;
#   - three compute nodes, each a mirador-vrouter + a mirador-agent
#     connected to both control nodes: compute-1 (127.0.10.11) holds
#     vm1, compute-2 (127.0.10.12) vm2, compute-3 (127.0.10.13) the two
#     analyzers an1 and an2; each VM and analyzer is a namespace holding
#     the tap its vrouter created;
#   - vm1 pings vm2 (across nodes) and sends it UDP to port 5001, while
#     tshark captures at each analyzer (and, for the static mode, on lo
#     for the VTEP 127.0.10.29); then prints, per mirror mode, what each
#     analyzer saw, decoded, and where the introspect pages are.
# Then it keeps running (vm1 pings vm2 every second) until Ctrl-C, which
# tears everything down: processes, namespaces, taps.
#
# Usage: demo/demo.sh [--cleanup]      as root, after a build
#   DEMO_ONCE=1       set up, show, tear down; exit 0 only when vm1 and
#                     vm2 ping each other and every analyzer saw what it
#                     should (1: something failed; 2: nothing failed but
#                     the mirror entries were not programmed by the agent)
#   DEMO_RESULTS=FILE one line per check: ok|fail|wait, name, detail
#   DEMO_CAPTURE=S    capture seconds [4]
#   top_builddir=DIR  the build tree [build]
#   --cleanup         remove what an interrupted demo left (namespaces
#                     and links mdemo-*, its processes), then exit
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(dirname "$here")}
top_builddir=${top_builddir:-$top_srcdir/build}
MC=$top_builddir/control-node/mirador-control
CTL=$top_builddir/control-node/miradorctl
VR=$top_builddir/datapath/mirador-vrouter
AG=$top_builddir/agent-stub/mirador-agent
CFG=$top_srcdir/docs/examples/demo.xml
ONCE=${DEMO_ONCE:-0}
CAPTURE=${DEMO_CAPTURE:-4}
RESULTS=${DEMO_RESULTS:-/dev/null}

# The topology (docs/examples/demo.xml says the same).
web=default-domain:demo:web
cns="cn1:127.0.10.1 cn2:127.0.10.2"
computes="1:127.0.10.11 2:127.0.10.12 3:127.0.10.13"
vtep=127.0.10.29
# namespace = tap name, MAC, address, compute node
vms="mdemo-vm1:02:00:00:0a:00:03:10.10.0.3:1
mdemo-vm2:02:00:00:0a:00:04:10.10.0.4:2
mdemo-an1:02:00:00:63:00:09:10.99.0.9:3
mdemo-an2:02:00:00:63:00:0a:10.99.0.10:3"
m1=02:00:00:0a:00:03 m2=02:00:00:0a:00:04

say() { printf '%s\n' "$*"; }
hdr() { printf '\n== %s\n' "$*"; }
die() { say "demo: $*" >&2; exit 1; }

# Everything left by an earlier run: namespaces and links named mdemo-*,
# processes recorded in /tmp/mirador-demo-*/.
leftovers() {
	{ ip netns list 2>/dev/null | awk '{print $1}' | grep '^mdemo-'
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' |
		sed 's/@.*//' | grep '^mdemo-'; } | sort -u
}
cleanup_old() {
	for p in /tmp/mirador-demo-*/*.pid; do
		[ -f "$p" ] && kill -TERM "$(cat "$p")" 2>/dev/null
	done
	sleep 0.5
	for p in /tmp/mirador-demo-*/*.pid; do
		[ -f "$p" ] && kill -KILL "$(cat "$p")" 2>/dev/null
	done
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^mdemo-'); do
		ip netns del "$n"
	done
	for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' |
		sed 's/@.*//' | grep '^mdemo-'); do
		ip link del "$l"
	done
	rm -rf /tmp/mirador-demo-*
}

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces and TAP devices)"
if [ "${1:-}" = --cleanup ]; then
	cleanup_old
	say "demo: cleaned up"
	exit 0
fi
[ $# -eq 0 ] || die "usage: demo/demo.sh [--cleanup]"
[ -c /dev/net/tun ] || die "no /dev/net/tun"
for c in tshark ping ip curl bash; do
	command -v $c >/dev/null 2>&1 || die "$c is not installed (run .ci/setup)"
done
for b in "$MC" "$CTL" "$VR" "$AG"; do
	[ -x "$b" ] || die "$b not built (top_builddir=$top_builddir)"
done
old=$(leftovers)
[ -z "$old" ] || die "an earlier demo left: $(printf "%s " $old)- run demo/demo.sh --cleanup"
for cn in $cns; do
	ip=${cn#*:}
	if curl -s -m 1 -o /dev/null "http://$ip:8083/status"; then
		die "something already listens on $ip:8083 (another demo?)"
	fi
done

tmp=$(mktemp -d /tmp/mirador-demo-XXXXXX) || exit 1
procs="" caps="" pingpid=""
teardown() {
	trap '' INT TERM
	[ -n "$pingpid" ] && kill "$pingpid" 2>/dev/null
	for p in $caps; do kill -INT "$p" 2>/dev/null; done
	for p in $procs; do
		[ -f "$tmp/$p.pid" ] && kill -TERM "$(cat "$tmp/$p.pid")" 2>/dev/null
	done
	for p in $procs; do
		f=$tmp/$p.pid
		[ -f "$f" ] || continue
		i=0
		while kill -0 "$(cat "$f")" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -KILL "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	# A tap goes with its namespace (or with its vrouter, if still here).
	for v in $vms; do ip netns del "${v%%:*}" 2>/dev/null; done
	for v in $vms; do ip link del "${v%%:*}" 2>/dev/null; done
	left=$(leftovers)
	if [ -n "${DEMO_KEEP:-}" ]; then
		say "demo: logs kept in $tmp"
	else
		rm -rf "$tmp"
	fi
	if [ -n "$left" ]; then
		say "demo: left behind: $left" >&2
		return 1
	fi
	say "demo: torn down (no mdemo-* namespace or link left)"
}
trap 'teardown || rc=1; exit ${rc:-1}' EXIT
trap 'exit' INT
trap 'rc=143; exit 143' TERM

start() { # NAME CMD...: in the background, log and pid in $tmp
	_n=$1; shift
	"$@" >>"$tmp/$_n.log" 2>&1 &
	echo $! >"$tmp/$_n.pid"
	procs="$procs $_n"
}
until_ok() { # TENTHS CMD...: retry every 0.1 s
	_t=$1; shift
	_i=0
	while [ $_i -lt "$_t" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
logged() { grep -q -- "$2" "$tmp/$1.log" 2>/dev/null; }
alive() { kill -0 "$(cat "$tmp/$1.pid")" 2>/dev/null; }
result() { # ok|fail|wait NAME DETAIL
	printf '%s|%s|%s\n' "$1" "$2" "$3" >>"$RESULTS"
	case $1 in
	ok) say "  [ok]      $2: $3" ;;
	fail) say "  [FAILED]  $2: $3"; failed=$((failed + 1)) ;;
	wait) say "  [WAITING] $2: $3"; waiting=$((waiting + 1)) ;;
	esac
}
failed=0 waiting=0
: >"$RESULTS" 2>/dev/null || RESULTS=/dev/null

hdr "configuration: $CFG"
"$MC" --check -c "$CFG" || die "the demo configuration does not load"

hdr "control nodes"
for cn in $cns; do
	name=${cn%%:*} ip=${cn#*:}
	# Each node its own copy: REST changes rewrite the file.
	cp "$CFG" "$tmp/$name.xml"
	start "$name" "$MC" -f -c "$tmp/$name.xml" -N "$name" -x "$ip:5269" \
		-b "$ip:10179" -H "$ip:8083"
done
for cn in $cns; do
	name=${cn%%:*} ip=${cn#*:}
	until_ok 100 curl -sf -m 1 -o /dev/null "http://$ip:8083/status" ||
		{ cat "$tmp/$name.log"; die "$name did not start"; }
	say "  $name: XMPP $ip:5269, BGP $ip:10179, REST http://$ip:8083/"
done
bgp_up() { "$CTL" -s 127.0.10.1:8083 bgp 2>/dev/null | grep -q Established; }
if until_ok 150 bgp_up; then
	say "  cn1 <-> cn2: iBGP Established"
else
	say "  cn1 <-> cn2: iBGP not Established yet (see miradorctl -s 127.0.10.1:8083 bgp)"
fi

hdr "compute nodes (mirador-vrouter + mirador-agent, each to both control nodes)"
for c in $computes; do
	i=${c%%:*} ip=${c#*:}
	start "vr$i" "$VR" --underlay "$ip" --socket "$tmp/vr$i.sock"
	until_ok 100 logged "vr$i" "underlay" ||
		{ cat "$tmp/vr$i.log"; die "vrouter $i did not start"; }
	start "ag$i" "$AG" --name "compute-$i" --control 127.0.10.1:5269 \
		--control 127.0.10.2:5269 --dp-socket "$tmp/vr$i.sock" \
		--introspect "$ip:8085"
	say "  compute-$i: vrouter on $ip (socket $tmp/vr$i.sock), agent"
done

hdr "VMs and analyzers (network namespaces holding the vrouters' taps)"
for v in $vms; do
	ns=${v%%:*} rest=${v#*:}
	node=${rest##*:} rest=${rest%:*}
	addr=${rest##*:} mac=${rest%:*}
	until_ok 150 ip link show "$ns" || die "compute-$node did not create the tap $ns (see $tmp/ag$node.log)"
	ip netns add "$ns" &&
		ip link set "$ns" netns "$ns" &&
		ip -n "$ns" link set dev "$ns" address "$mac" &&
		ip -n "$ns" link set lo up &&
		ip -n "$ns" link set "$ns" up &&
		ip -n "$ns" addr add "$addr/24" dev "$ns" &&
		ip -n "$ns" route add default via "${addr%.*}.1" ||
		die "namespace $ns"
	say "  $ns: $addr $mac on compute-$node"
done

hdr "traffic: vm1 (compute-1) <-> vm2 (compute-2)"
pings() { ip netns exec "$1" ping -q -c 1 -W 1 "$2"; }
if until_ok 150 pings mdemo-vm1 10.10.0.4 && pings mdemo-vm2 10.10.0.3 >/dev/null 2>&1; then
	result ok "overlay" "vm1 and vm2 ping each other across compute nodes"
else
	result fail "overlay" "vm1 cannot ping vm2"
fi

hdr "mirrors"
say "  the control node's resolution (miradorctl -s 127.0.10.1:8083 mirrors):"
"$CTL" -s 127.0.10.1:8083 mirrors 2>&1 | sed 's/^/    /'
# The agents program mirror entries (and vif port mirrors, policies)
# into their vrouters: wait for them to settle.
entries() { "$CTL" --dp-socket "$tmp/vr$1.sock" mirror --dump 2>/dev/null |
	grep -c '^ *[0-9]'; }
programmed() { [ "$(entries 1)" -ge 2 ] && [ "$(entries 2)" -ge 1 ]; }
if until_ok 100 programmed; then
	mirrors=yes
	sleep 1 # routes to the analyzers settle (mode 2 subscribes their instance)
	for i in 1 2; do
		say "  compute-$i's agent: http://127.0.10.1$i:8085/mirrors"
		curl -s -m 2 "http://127.0.10.1$i:8085/mirrors" | sed 's/^/    /'
		say "  compute-$i's mirror table (miradorctl --dp-socket $tmp/vr$i.sock mirror --dump):"
		"$CTL" --dp-socket "$tmp/vr$i.sock" mirror --dump 2>&1 | sed 's/^/    /'
	done
else
	# An agent that programs mirrors logs each entry ("mirror N ...");
	# without any, this agent build has no mirror programming yet.
	if logged ag1 "mirror [0-9]" || logged ag2 "mirror [0-9]"; then
		mirrors=broken
		say "  compute-1 or compute-2 logged mirror entries but its vrouter has none:"
		grep -h "mirror" "$tmp/ag1.log" "$tmp/ag2.log" | tail -10 | sed 's/^/    /'
	else
		mirrors=no
		say "  WAITING: no mirror entry in compute-1's or compute-2's vrouter."
		say "  This mirador-agent build programs no mirror (it logged none); the"
		say "  analyzers below will see nothing."
	fi
fi

hdr "capturing ${CAPTURE}s at each analyzer while vm1 pings vm2 (3) and sends UDP to port 5001 (3)"
capture() { # NAME NS|- IFACE FILTER
	if [ "$2" = - ]; then
		tshark -i "$3" -f "$4" -w "$tmp/$1.pcap" >"$tmp/$1.cap.log" 2>&1 &
	else
		ip netns exec "$2" tshark -i "$3" -f "$4" -w "$tmp/$1.pcap" \
			>"$tmp/$1.cap.log" 2>&1 &
	fi
	eval "cap_$1=$!"
	caps="$caps $!"
	until_ok 100 logged "$1.cap" "Capturing on" || say "  capture $1 did not start"
}
capture an1 mdemo-an1 mdemo-an1 "udp port 8099"
capture an2 mdemo-an2 mdemo-an2 "icmp or udp port 5001"
capture vtep - lo "udp dst port 4789 and dst host $vtep"
ip netns exec mdemo-vm1 ping -q -c 3 -i 0.3 -W 1 10.10.0.4 >/dev/null 2>&1
for n in 1 2 3; do
	ip netns exec mdemo-vm1 bash -c \
		"echo 'mirador demo $n' >/dev/udp/10.10.0.4/5001" 2>/dev/null
	sleep 0.2
done
sleep "$CAPTURE"
for c in an1 an2 vtep; do
	eval "p=\$cap_$c"
	kill -INT "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
caps=""

# fields NAME FILTER FIELDS...: one '|'-joined line per frame.
fields() {
	f=$1 filt=$2; shift 2
	a=""
	for e in "$@"; do a="$a -e $e"; done
	# shellcheck disable=SC2086
	tshark -r "$tmp/$f.pcap" -d udp.port==8099,juniper -Y "$filt" \
		-T fields -E separator='|' $a 2>/dev/null
}
count() { fields "$1" "$2" frame.number | wc -l; }
show() { # NAME FILTER FIELDS...: the frames, decoded, indented
	fields "$@" | head -20 | sed 's/^/    /'
}
# check NAME WHAT FILTER N: N frames of NAME's capture match FILTER.
check() {
	got=$(count "$1" "$3")
	if [ "$got" -eq "$4" ]; then
		result ok "$1" "$2 ($got)"
	elif [ $mirrors = no ] && [ "$got" -eq 0 ]; then
		result wait "$1" "$2: 0 of $4 (the agent programs no mirror yet)"
	else
		result fail "$1" "$2: $got, want $4"
	fi
}

hdr "mode 1: dynamic, Juniper header (vm1's port mirror, both directions -> an1 on compute-3)"
say "  tshark -r an1.pcap -d udp.port==8099,juniper: outer,inner src | outer,inner dst | src VN | dst VN | inner packet"
say "  (ingress copies carry the source VN, egress copies the destination VN; vm2 has no"
say "  listener on UDP 5001, so its port-unreachable answers are mirrored too)"
show an1 "udp.port==8099 && !ipv6" ip.src ip.dst juniper.vn.src juniper.vn.dst _ws.col.Info
check an1 "echo requests from vm1 behind the Juniper header, src VN $web" \
	"icmp.type==8 && juniper.vn.src==\"$web\"" 3
check an1 "echo replies to vm1, dst VN $web" \
	"icmp.type==0 && juniper.vn.dst==\"$web\"" 3
check an1 "UDP to port 5001 from vm1" \
	"udp.port==8099 && udp.dstport==5001 && !icmp" 3

hdr "mode 2: dynamic, no header (vm2's port mirror, both directions -> an2 on compute-3, in VXLAN)"
say "  tshark -r an2.pcap: eth src > dst | ip src > dst | packet (frames unchanged: vm1's and vm2's MACs)"
show an2 "ip" eth.src eth.dst ip.src ip.dst _ws.col.Info
check an2 "echo requests to vm2, vm2's MAC unchanged" \
	"icmp.type==8 && eth.dst==$m2" 3
check an2 "echo replies from vm2" "icmp.type==0 && eth.src==$m2" 3
check an2 "UDP to port 5001 arriving at vm2" "udp.dstport==5001 && eth.dst==$m2" 3

hdr "mode 3: static VXLAN, VNI 7777 (vm1's policy, rule 'mirror-udp-5001' -> VTEP $vtep on lo)"
say "  tshark -r vtep.pcap: VNI | outer,inner src | outer,inner dst | inner packet"
show vtep "vxlan" vxlan.vni ip.src ip.dst _ws.col.Info
check vtep "UDP to port 5001 from vm1 in VNI 7777" \
	"vxlan.vni==7777 && udp.dstport==5001 && eth.src==$m1" 3
check vtep "only that rule's flows (no ICMP)" "vxlan && icmp.type==8" 0

hdr "introspect"
for cn in $cns; do
	name=${cn%%:*} ip=${cn#*:}
	say "  $name: http://$ip:8083/  (status, routing-instances, routes, bgp-neighbors,"
	say "       xmpp-connections, mirror-destinations, config); miradorctl -s $ip:8083 status"
done
for c in $computes; do
	i=${c%%:*} ip=${c#*:}
	if curl -s -m 1 -o /dev/null "http://$ip:8085/"; then
		say "  compute-$i agent: http://$ip:8085/  (xmpp-sessions, vrfs, routes, interfaces, mirrors)"
	else
		say "  compute-$i agent: nothing answers on http://$ip:8085/ (see $tmp/ag$i.log)"
	fi
	say "  compute-$i vrouter: miradorctl --dp-socket $tmp/vr$i.sock vif --list | nh --list | rt --dump VRF | mirror --dump | flow -l"
done
say "  logs: $tmp/*.log"

for p in $procs; do
	alive "$p" || result fail "$p" "exited early (see $tmp/$p.log)"
done

hdr "summary"
say "  checks failed: $failed, waiting for agent mirror programming: $waiting"
if [ "$ONCE" = 1 ]; then
	if [ $failed -gt 0 ]; then rc=1; elif [ $waiting -gt 0 ]; then rc=2; else rc=0; fi
	exit $rc
fi

say
say "Running: vm1 pings vm2 every second.  Watch live, e.g.:"
say "  ip netns exec mdemo-an1 tshark -i mdemo-an1 -d udp.port==8099,juniper"
say "  ip netns exec mdemo-an2 tshark -i mdemo-an2 icmp"
say "  tshark -i lo udp dst port 4789 and dst host $vtep"
say "Ctrl-C tears everything down."
ip netns exec mdemo-vm1 ping -q 10.10.0.4 >/dev/null 2>&1 &
pingpid=$!
rc=0
while :; do
	sleep 1
	for p in $procs; do
		alive "$p" || { say "demo: $p exited (see $tmp/$p.log)"; rc=1; exit 1; }
	done
done
