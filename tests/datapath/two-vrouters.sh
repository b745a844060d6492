#!/bin/sh
# two-vrouters.sh - two mirador-vrouter processes, underlays 127.0.3.1 and
# 127.0.3.2 (fabric UDP sockets on 6635, 4789 and an ephemeral port
# each), one "VM" namespace each in VRF 1 (10.1.0.3 behind A, 10.1.0.4
# behind B).  Routes to the far VM go through TUNNEL nexthops over the
# fabric vif; the far side takes them by MPLS label or VXLAN VNI.  Run
# twice: MPLSoUDP both ways, then MPLSoUDP A->B and VXLAN B->A.  The VMs
# ping each other; the fabric counters show datagrams both ways; both
# vrouters exit 0 on SIGTERM.  Needs root.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
command -v ping >/dev/null 2>&1 ||
	{ echo "*** SKIPPED: no ping (run .ci/setup) ***" >&2;
	  echo "1..0 # SKIP ping not installed"; exit 0; }
tmp=$(mktemp -d /tmp/mirador-two-vrouters-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
trap vr_cleanup EXIT
trap 'exit 1' INT TERM

gw=00:00:5e:00:01:00 ma=02:00:00:00:01:03 mb=02:00:00:00:01:04
ua=127.0.3.1 ub=127.0.3.2

# program SELF PEER MYMAC MYIP PEERIP TUN-OUT TUN-IN: one vrouter's lines.
# Out: tunnel to the peer with label 100 (MPLS) or VNI 5001 (VXLAN); in:
# MPLS label 100 and VNI 5001 both lead to the local VM.
program() {
	if [ "$6" = mplsoudp ]; then key=100; else key=5001; fi
	cat <<EOT
vif add idx=0 kind=fabric name=fab0 mac=02:00:00:00:0a:0${1##*.} vrf=0 mtu=9000
vif add idx=1 kind=vm name=$tap mac=$3 vrf=1 mtu=1500
nh add idx=10 type=encap vrf=1 vif=1 dmac=$3 smac=$gw
nh add idx=20 type=tunnel vrf=0 vif=0 tun=$6 sip=$1 dip=$2 label=$key
route add vrf=1 prefix=$4/32 nh=10
route add vrf=1 prefix=$5/32 nh=20
bridge add vrf=1 mac=$3 nh=10
mpls add label=100 nh=10
vxlan add vni=5001 vrf=1 nh=10
EOT
}

# pair RUN TUN-A TUN-B: A sends with TUN-A, B with TUN-B.
pair() {
	ta=mva$1-$$ tb=mvb$1-$$ na=mdp-a$1-$$ nb=mdp-b$1-$$
	tap=$ta program $ua $ub $ma 10.1.0.3 10.1.0.4 "$2" >"$tmp/a$1"
	tap=$tb program $ub $ua $mb 10.1.0.4 10.1.0.3 "$3" >"$tmp/b$1"
	ok "$2/$3: vrouter A on $ua" vr_start a$1 --underlay $ua \
		--socket "$tmp/a$1.sock" --program "$tmp/a$1"
	ok "$2/$3: vrouter B on $ub" vr_start b$1 --underlay $ub \
		--socket "$tmp/b$1.sock" --program "$tmp/b$1"
	ok "$2/$3: VM behind A" vm_add "$na" "$ta" $ma 10.1.0.3/24
	ok "$2/$3: VM behind B" vm_add "$nb" "$tb" $mb 10.1.0.4/24
	ok "$2/$3: A's VM pings B's" \
		ip netns exec "$na" ping -q -c 3 -i 0.2 -W 1 10.1.0.4
	ok "$2/$3: B's VM pings A's" \
		ip netns exec "$nb" ping -q -c 3 -i 0.2 -W 1 10.1.0.3
	pa=$(cat "$tmp/a$1.pid") pb=$(cat "$tmp/b$1.pid")
	kill -USR1 "$pa" "$pb"
	case $2 in mplsoudp) pta=6635 ;; *) pta=4789 ;; esac
	case $3 in mplsoudp) ptb=6635 ;; *) ptb=4789 ;; esac
	ok "$2/$3: A sent on its $pta socket" wait_for "$tmp/a$1.log" \
		"udp $ua:$pta vif 0: rx [0-9]* frames [0-9]* bytes [0-9]* batches [0-9]* drops; tx [1-9]"
	ok "$2/$3: B received on its $pta socket" wait_for "$tmp/b$1.log" \
		"udp $ub:$pta vif 0: rx [1-9]"
	ok "$2/$3: A received on its $ptb socket" wait_for "$tmp/a$1.log" \
		"udp $ua:$ptb vif 0: rx [1-9]"
	ok "$2/$3: A exits 0, sanitizers silent" vr_stop a$1
	ok "$2/$3: B exits 0, sanitizers silent" vr_stop b$1
	ip netns del "$na"
	ip netns del "$nb"
}

pair 1 mplsoudp mplsoudp
pair 2 mplsoudp vxlan
done_testing
