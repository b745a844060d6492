#!/bin/sh
# netns-ping.sh - one mirador-vrouter, two "VMs": network namespaces each
# holding one of its taps (10.1.0.3 and 10.1.0.4 in VRF 1, gateway
# 10.1.0.1).  The taps come from --program (vif add kind=vm), are moved
# into the namespaces, and the nexthops, routes and bridge entries are
# programmed with `miradorctl dp apply` when it exists (else --program).
# The VMs ping each other (ARP answered by the vrouter, routed by the
# inet table, ENCAP nexthops); SIGUSR1 prints counters; SIGTERM exits 0
# with nothing reported by the sanitizers.  Needs root.
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

t1=mvt1-$$ t2=mvt2-$$ ns1=mdp-ping1-$$ ns2=mdp-ping2-$$
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
ctl="$top_builddir/control-node/miradorctl"
if "$ctl" --help 2>&1 | grep -q "dp apply"; then
	use_ctl=1
	prog="$tmp/vifs"
else
	diag "miradorctl has no 'dp apply': everything through --program"
	use_ctl=0
	cat "$tmp/vifs" "$tmp/routes" >"$tmp/all"
	prog="$tmp/all"
fi

ok "mirador-vrouter starts with the taps" \
	vr_start vr --socket "$tmp/vr.sock" --program "$prog" --flow-age 60
ok "the taps exist" ip link show "$t1"
ok "VM 1 in its namespace" vm_add "$ns1" "$t1" "$m1" 10.1.0.3/24
ok "VM 2 in its namespace" vm_add "$ns2" "$t2" "$m2" 10.1.0.4/24
if [ $use_ctl -eq 1 ]; then
	ok "miradorctl dp apply" "$ctl" dp apply "$tmp/routes" \
		--socket "$tmp/vr.sock"
fi
ok "ns1 pings 10.1.0.4" \
	ip netns exec "$ns1" ping -c 3 -i 0.2 -W 1 10.1.0.4
ok "ns2 pings 10.1.0.3" \
	ip netns exec "$ns2" ping -c 3 -i 0.2 -W 1 10.1.0.3
ok "the gateway MAC answered ARP" \
	sh -c "ip -n $ns1 neigh show 10.1.0.4 | grep -q $gw"
kill -USR1 "$(cat "$tmp/vr.pid")"
ok "SIGUSR1: tap counters" \
	wait_for "$tmp/vr.log" "tap $t1 vif 1: rx [1-9][0-9]* frames"
ok "SIGTERM: exits 0, sanitizers silent" vr_stop vr
done_testing
