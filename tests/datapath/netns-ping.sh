#!/bin/sh
# netns-ping.sh - one mirador-vrouter, two "VMs": network namespaces each
# holding one of its taps (10.1.0.3 and 10.1.0.4 in VRF 1, gateway
# 10.1.0.1).  Everything is programmed through the socket with
# `miradorctl dp apply`: the vifs (kind vm) make the taps, which are
# moved into the namespaces; then nexthops, routes and bridge entries.  The VMs ping each other (ARP
# answered by the vrouter, routed by the inet table, ENCAP nexthops);
# SIGUSR1 prints counters; a vif added again is updated in place, its
# tap kept; deleting a vif removes its tap; a vif on a
# device that is no tap is refused and undone; SIGTERM exits 0 with
# nothing reported by the sanitizers.  Needs root.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
command -v ping >/dev/null 2>&1 ||
	{ echo "*** SKIPPED: no ping (run .ci/setup) ***" >&2;
	  echo "1..0 # SKIP ping not installed"; exit 0; }
tmp=$(mktemp -d /tmp/mirador-netns-ping-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
trap vr_cleanup EXIT
trap 'exit 1' INT TERM

t1=mvt1-$$ t2=mvt2-$$ t3=mvt3-$$ ns1=mdp-ping1-$$ ns2=mdp-ping2-$$
gw=00:00:5e:00:01:00 m1=02:00:00:00:01:03 m2=02:00:00:00:01:04
cat >"$tmp/vifs" <<EOT
vif add idx=1 kind=vm name=$t1 mac=$m1 vrf=1 mtu=1500
vif add idx=2 kind=vm name=$t2 mac=$m2 vrf=1 mtu=1500
EOT
cat >"$tmp/routes" <<EOT
nh add idx=10 type=encap vrf=1 vif=1 dmac=$m1 smac=$gw
nh add idx=11 type=encap vrf=1 vif=2 dmac=$m2 smac=$gw
route add vrf=1 prefix=10.1.0.3/32 nh=10
route add vrf=1 prefix=10.1.0.4/32 nh=11
bridge add vrf=1 mac=$m1 nh=10
bridge add vrf=1 mac=$m2 nh=11
EOT
cat >"$tmp/undo" <<EOT
route del vrf=1 prefix=10.1.0.4/32
bridge del vrf=1 mac=$m2
nh del idx=11
vif del idx=2
EOT
# link_gone NS DEV: up to 5 s for DEV to leave NS.
link_gone() {
	i=0
	while [ $i -lt 50 ]; do
		ip -n "$1" link show "$2" >/dev/null 2>&1 || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# apply FILE: through the socket (and so dp_srv's vif hooks).
ctl="$top_builddir/control-node/miradorctl"
apply() { "$ctl" --dp-socket "$tmp/vr.sock" dp apply "$1"; }

ok "mirador-vrouter starts" vr_start vr --socket "$tmp/vr.sock" --flow-age 60
ok "vif add over the socket" apply "$tmp/vifs"
ok "miradorctl vif --list names the taps" sh -c \
	"'$ctl' --dp-socket '$tmp/vr.sock' vif --list | grep -q $t2"
ok "the taps exist" sh -c "ip link show $t1 >/dev/null && ip link show $t2 >/dev/null"
ok "VM 1 in its namespace" vm_add "$ns1" "$t1" "$m1" 10.1.0.3/24
ok "VM 2 in its namespace" vm_add "$ns2" "$t2" "$m2" 10.1.0.4/24
ok "nexthops, routes, bridge entries over the socket" apply "$tmp/routes"
ok "ns1 pings 10.1.0.4" \
	ip netns exec "$ns1" ping -q -c 3 -i 0.2 -W 1 10.1.0.4
ok "ns2 pings 10.1.0.3" \
	ip netns exec "$ns2" ping -q -c 3 -i 0.2 -W 1 10.1.0.3
echo "vif add idx=1 kind=vm name=$t1 mac=$m1 vrf=1 mtu=1400" >"$tmp/update"
ok "vif 1 added again: updated in place" apply "$tmp/update"
ok "... its tap stays in the namespace" ip -n "$ns1" link show "$t1"
ok "... and still forwards" \
	ip netns exec "$ns1" ping -q -c 1 -W 1 10.1.0.4
ok "the gateway MAC answered ARP" \
	sh -c "ip -n $ns1 neigh show 10.1.0.4 | grep -q $gw"
kill -USR1 "$(cat "$tmp/vr.pid")"
ok "SIGUSR1: tap counters" \
	wait_for "$tmp/vr.log" "tap $t1 vif 1: rx [1-9][0-9]* frames"
ok "vif 2 deleted over the socket" apply "$tmp/undo"
ok "its tap is gone" link_gone "$ns2" "$t2"
echo "vif add idx=3 kind=vm name=lo mac=$m2 vrf=1 mtu=1500" >"$tmp/bad"
echo "vif add idx=3 kind=vm name=$t3 mac=$m2 vrf=1 mtu=1500" >"$tmp/good"
if apply "$tmp/bad" 2>/dev/null; then
	fail "a vif on a device that is no tap (lo) is refused"
else
	pass "a vif on a device that is no tap (lo) is refused"
fi
ok "and undone: the index is free again" apply "$tmp/good"
ok "its tap exists" sh -c "ip link show $t3 >/dev/null"
ok "SIGTERM: exits 0, sanitizers silent" vr_stop vr
done_testing
