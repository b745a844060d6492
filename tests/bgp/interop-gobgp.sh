#!/bin/sh
# interop-gobgp.sh - mirador-control with two real GoBGP speakers, judged
# by gobgp's own CLI.  On loopback only (127.0.2.1 mirador, 127.0.2.2
# gobgpd "gw-a", iBGP route-reflection client; 127.0.2.4 gobgpd "gw-c",
# eBGP AS 65001), port 1179 each.
#   - sessions come up with inet-vpn, EVPN and route-target constraint;
#   - inet-vpn and EVPN type 2 and 3 routes flow both ways through
#     mirador: RD, label, targets, next hop and AS path as gobgp shows them;
#   - route-target constraint: gw-c gets only the targets it asked for;
#   - a withdraw reaches the other side;
#   - graceful restart: mirador is killed and started again, and gw-c
#     keeps the routes all along, then has them fresh.
# Speaks TAP.  Every process started here is stopped here.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/bgp/peers.sh"

if ! command -v gobgpd >/dev/null 2>&1 || ! command -v gobgp >/dev/null 2>&1
then
	echo "*** SKIPPED: gobgpd is not installed (run .ci/setup) ***" >&2
	echo "1..0 # SKIP gobgpd not installed"
	exit 0
fi

MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
SRV=""
T=$(mktemp -d /tmp/mirador-gobgp.XXXXXX)
MCPID="" APID="" CPID=""
cleanup() {
	for p in $MCPID $APID $CPID; do kill -9 "$p" 2>/dev/null; done
	for p in $MCPID $APID $CPID; do wait "$p" 2>/dev/null; done
	dump_logs "$T"
	rm -rf "$T"
}
trap cleanup EXIT

A="gobgp -u 127.0.2.2 -p 50051"
C="gobgp -u 127.0.2.4 -p 50051"

cat >"$T/mirador.xml" <<'EOF'
<config>
  <global-system-config>
    <autonomous-system>64512</autonomous-system>
    <graceful-restart-parameters>
      <enable>true</enable>
      <restart-time>90</restart-time>
      <end-of-rib-timeout>30</end-of-rib-timeout>
      <bgp-helper-enable>true</bgp-helper-enable>
    </graceful-restart-parameters>
  </global-system-config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>127.0.2.1</address>
    <port>1179</port>
    <hold-time>30</hold-time>
    <cluster-id>0.0.0.1</cluster-id>
  </bgp-router>
  <bgp-router name="gw-a">
    <router-type>router</router-type>
    <address>127.0.2.2</address>
    <port>1179</port>
    <peers><peer name="cn1"/></peers>
  </bgp-router>
  <bgp-router name="gw-c">
    <router-type>router</router-type>
    <address>127.0.2.4</address>
    <autonomous-system>65001</autonomous-system>
    <port>1179</port>
    <peers><peer name="cn1"/></peers>
  </bgp-router>
  <virtual-network name="default-domain:demo:red">
    <network-id>1</network-id>
    <route-target-list><route-target>target:64512:1</route-target></route-target-list>
  </virtual-network>
  <virtual-network name="default-domain:demo:blue">
    <network-id>2</network-id>
    <route-target-list><route-target>target:64512:2</route-target></route-target-list>
  </virtual-network>
</config>
EOF

# gobgpd_conf NAME ADDR AS: a gobgpd peering with mirador (GR helper and
# restarting, RFC 8538 notification, the families mirador speaks).
gobgpd_conf() {
	cat >"$T/$1.toml" <<EOF
[global.config]
  as = $3
  router-id = "$2"
  port = 1179
  local-address-list = ["$2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.2.1"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = "$2"
    remote-port = 1179
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 30
    keepalive-interval = 10
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 90
    notification-enabled = true
EOF
	for fam in l3vpn-ipv4-unicast l2vpn-evpn rtc; do
		cat >>"$T/$1.toml" <<EOF
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "$fam"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
EOF
	done
}

start_mc() {
	: >"$T/mirador.log"
	"$MC" -f -c "$T/mirador.xml" -N cn1 -L "$T/mirador.log" -l debug \
		--http 127.0.2.1:0 --xmpp 127.0.2.1:0 &
	MCPID=$!
	wait_for "$T/mirador.log" "introspect on http://" || return 1
	SRV=$(sed -n 's|.*introspect on http://\([0-9.:]*\)/.*|\1|p' \
		"$T/mirador.log" | tail -1)
	[ -n "$SRV" ]
}
ctl() { "$CTL" -s "$SRV" "$@"; }

# established CLI: the one neighbor of that gobgpd is Established.
established() { $1 neighbor 2>/dev/null | grep -q 'Establ'; }



gobgpd_conf gw-a 127.0.2.2 64512
gobgpd_conf gw-c 127.0.2.4 65001
start_a() {
	gobgpd -f "$T/gw-a.toml" -t toml -l info --api-hosts 127.0.2.2:50051 \
		--pprof-disable >>"$T/gw-a.log" 2>&1 &
	APID=$!
}
start_a
gobgpd -f "$T/gw-c.toml" -t toml -l info --api-hosts 127.0.2.4:50051 \
	--pprof-disable >"$T/gw-c.log" 2>&1 &
CPID=$!

ok "mirador-control starts" start_mc
ok "gw-a (iBGP, route-reflection client) is Established" \
	until_ok 20 established "$A"
ok "gw-c (eBGP) is Established" until_ok 20 established "$C"
for fam in l3vpn-ipv4-unicast l2vpn-evpn rtc; do
	ok "gw-a negotiated $fam with mirador" sh -c \
		"$A neighbor 127.0.2.1 | grep -q '$fam:.*advertised and received'"
done
ok "... and graceful restart with the notification flag" sh -c \
	"$A neighbor 127.0.2.1 | grep -A6 'graceful-restart:.*advertised and received' |
	grep -q 'Remote: restart time 90 sec.*notification flag set'"

# mirador asks (RTC) for the targets its networks import, so gw-a sends
# it those routes, and only those.
ok "gw-a learned mirador's route-target membership" \
	until_ok 10 rib "$A" rtc "64512:64512:1"

# gw-a announces inet-vpn and EVPN type 2 (VXLAN) and 3 under targets 1
# and 2, and one under target 3 that nobody imports.
$A global rib -a vpnv4 add 10.1.1.0/24 label 16 rd 64512:1 rt 64512:1 \
	nexthop 127.0.2.2
$A global rib -a vpnv4 add 10.2.2.0/24 label 17 rd 64512:2 rt 64512:2 \
	nexthop 127.0.2.2
$A global rib -a vpnv4 add 10.3.3.0/24 label 18 rd 64512:3 rt 64512:3 \
	nexthop 127.0.2.2
$A global rib -a evpn add macadv 02:00:00:00:00:03 192.0.2.3 etag 0 \
	label 5001 rd 64512:1 rt 64512:1 encap vxlan nexthop 127.0.2.2
$A global rib -a evpn add multicast 127.0.2.2 etag 0 rd 64512:1 \
	rt 64512:1 encap vxlan nexthop 127.0.2.2

# Route-target constraint towards gw-c: nothing until it asks.
sleep 2
ok "gw-c gets no VPN route before it asks for a target" \
	no_rib "$C" vpnv4 "10.1.1.0/24"
$C vrf add red rd 65001:1 rt import 64512:1 export 65001:1
ok "gw-c gets 10.1.1.0/24 once it asks for target 64512:1" \
	until_ok 10 rib "$C" vpnv4 "64512:1:10.1.1.0/24"
ok "... with its label, next hop, target and mirador's AS prepended" \
	sh -c "$C global rib -a vpnv4 | grep '64512:1:10.1.1.0/24' |
	grep '\[16\]' | grep '127.0.2.2' | grep ' 64512 ' | grep -q 'Extcomms: \[64512:1\]'"
ok "... imported into gw-c's VRF" sh -c "$C vrf red rib | grep -q '10.1.1.0/24'"
ok "gw-c does not get target 64512:2, which it did not ask for" \
	no_rib "$C" vpnv4 "10.2.2.0/24"
ok "gw-c gets the EVPN MAC/IP route (type 2): RD, VNI, next hop, target" \
	until_ok 10 sh -c "$C global rib -a evpn |
	grep 'macadv.*rd:64512:1.*02:00:00:00:00:03.*192.0.2.3' |
	grep '\[5001\]' | grep '127.0.2.2' | grep -q 'Extcomms: \[64512:1\], \[VXLAN\]'"
ok "gw-c gets the EVPN inclusive multicast route (type 3)" \
	until_ok 10 rib "$C" evpn "multicast.*rd:64512:1.*ip:127.0.2.2"
ok "mirador never had target 64512:3 (gw-a honours its RTC)" \
	no_rib "$C" vpnv4 "10.3.3.0/24"

# The other way: gw-c announces; gw-a asks for target 64512:1 and gets it
# reflected with gw-c's AS path.
$C global rib -a vpnv4 add 10.9.9.0/24 label 300 rd 65001:9 rt 64512:1 \
	nexthop 127.0.2.4
$C global rib -a evpn add macadv 02:00:00:00:00:09 192.0.2.9 etag 0 \
	label 5009 rd 65001:9 rt 64512:1 encap vxlan nexthop 127.0.2.4
$C global rib -a evpn add multicast 127.0.2.4 etag 0 rd 65001:9 \
	rt 64512:1 encap vxlan nexthop 127.0.2.4
$A vrf add red rd 64512:100 rt import 64512:1 export 64512:100
ok "gw-a gets gw-c's inet-vpn route through mirador" \
	until_ok 10 rib "$A" vpnv4 "65001:9:10.9.9.0/24"
ok "... with label 300, next hop 127.0.2.4, AS path 65001" \
	sh -c "$A global rib -a vpnv4 | grep '65001:9:10.9.9.0/24' |
	grep '\[300\]' | grep '127.0.2.4' | grep -q ' 65001 '"
ok "gw-a gets gw-c's EVPN type 2 route" \
	until_ok 10 sh -c "$A global rib -a evpn |
	grep 'macadv.*02:00:00:00:00:09' | grep -q '\[5009\]'"
ok "gw-a gets gw-c's EVPN type 3 route" \
	until_ok 10 rib "$A" evpn "multicast.*rd:65001:9.*ip:127.0.2.4"
ok "gw-a does not get its own routes back" \
	no_rib "$A" vpnv4 "10.1.1.0/24.*127.0.2.1"

# A withdraw.
$A global rib -a vpnv4 del 10.1.1.0/24 label 16 rd 64512:1 rt 64512:1 \
	nexthop 127.0.2.2
ok "a withdraw at gw-a reaches gw-c" \
	until_ok 10 no_rib "$C" vpnv4 "64512:1:10.1.1.0/24"
$A global rib -a vpnv4 add 10.1.1.0/24 label 16 rd 64512:1 rt 64512:1 \
	nexthop 127.0.2.2
ok "... and the route comes back" \
	until_ok 10 rib "$C" vpnv4 "64512:1:10.1.1.0/24"

# gobgpd 3.10 panics (nil pointer in handleMacMobility) when a peer that
# sent it EVPN MAC/IP routes restarts gracefully (GoBGP PR #2613): the
# type 2 routes go before the restart.
$A global rib -a evpn del macadv 02:00:00:00:00:03 192.0.2.3 etag 0 \
	label 5001 rd 64512:1 rt 64512:1 encap vxlan nexthop 127.0.2.2
$C global rib -a evpn del macadv 02:00:00:00:00:09 192.0.2.9 etag 0 \
	label 5009 rd 65001:9 rt 64512:1 encap vxlan nexthop 127.0.2.4
ok "an EVPN withdraw reaches the other side" until_ok 10 sh -c \
	"! $C global rib -a evpn | grep -q macadv && ! $A global rib -a evpn | grep -q macadv"

# Graceful restart: kill mirador (no NOTIFICATION); gw-c keeps the
# routes stale; a new mirador defers its advertisements until gw-a and
# gw-c sent End-of-RIB, then sends everything again.
kill -9 "$MCPID"
wait "$MCPID" 2>/dev/null
MCPID=""
ok "gw-c notices mirador is gone" until_ok 40 sh -c "! $C neighbor | grep -q Establ"
ok "gw-c keeps mirador's routes while it restarts" \
	rib "$C" vpnv4 "64512:1:10.1.1.0/24"
ok "mirador-control starts again" start_mc
lost=0
i=0
while [ $i -lt 150 ]; do
	rib "$C" vpnv4 "64512:1:10.1.1.0/24" || lost=$((lost + 1))
	if established "$C" && ! $C global rib -a vpnv4 |
		grep '64512:1:10.1.1.0/24' | grep -q -i 'stale'; then
		break
	fi
	sleep 0.2
	i=$((i + 1))
done
ok "gw-c is Established again" established "$C"
ok "gw-c never lost the route during the restart" test "$lost" -eq 0
ok "the route is fresh again (swept of its stale mark)" \
	until_ok 20 sh -c "$C global rib -a vpnv4 |
	grep '64512:1:10.1.1.0/24' | grep -v -q -i stale"
ok "the EVPN type 3 route is back too" \
	until_ok 10 rib "$C" evpn "multicast.*rd:64512:1.*ip:127.0.2.2"
ok "mirador logged its restart deferral" \
	grep -q "restart: advertising" "$T/mirador.log"

ok "miradorctl bgp shows both neighbors Established" sh -c \
	"'$CTL' -s $SRV bgp >'$T/bgp.txt' &&
	 grep -q 'gw-a .*Established' '$T/bgp.txt' &&
	 grep -q 'gw-c .*Established' '$T/bgp.txt'"

# Helper role: gw-a dies; mirador keeps its routes, stale, so gw-c keeps
# them too; gw-a comes back without them and its End-of-RIB sweeps them.
kill -9 "$APID"
wait "$APID" 2>/dev/null
APID=""
ok "mirador keeps gw-a's routes stale while it is away" until_ok 10 \
	sh -c "'$CTL' -s $SRV bgp gw-a | grep -q 'restarting (routes stale)'"
sleep 1
ok "gw-c still has gw-a's route" rib "$C" vpnv4 "64512:1:10.1.1.0/24"
start_a
ok "gw-a is back" until_ok 20 established "$A"
ok "the route gw-a no longer has is swept at its End-of-RIB" \
	until_ok 20 no_rib "$C" vpnv4 "64512:1:10.1.1.0/24"
ok "gw-c's own routes still reach gw-a" \
	until_ok 20 sh -c "$A vrf add red rd 64512:100 rt import 64512:1 export 64512:100 >/dev/null 2>&1; $A global rib -a vpnv4 | grep -q '65001:9:10.9.9.0/24'"

# An operator's hard reset: gw-c must drop what it had from us at once,
# then gets it again.
ok "miradorctl bgp-reset --hard gw-c" sh -c "'$CTL' -s $SRV bgp-reset --hard gw-c >/dev/null"
ok "gw-c comes back after a hard reset" until_ok 20 established "$C"
ok "gw-c has mirador's route-target membership again" \
	until_ok 20 rib "$C" rtc "64512:64512:1"
ok "a reset of an unknown neighbor is refused" sh -c "! '$CTL' -s $SRV bgp-reset nobody 2>/dev/null"

kill -TERM "$MCPID"
ok "mirador-control stops on SIGTERM" wait "$MCPID"
MCPID=""
done_testing
