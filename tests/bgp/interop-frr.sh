#!/bin/sh
# interop-frr.sh - mirador-control with FRR's bgpd, judged by vtysh and
# gobgp.  On loopback only, port 1179 each:
#   127.0.3.1 mirador (AS 64512, route reflector, cluster 0.0.0.1)
#   127.0.3.2 gobgpd "gw", iBGP client of mirador
#   127.0.3.3 FRR bgpd "frr", iBGP client of mirador
#   127.0.3.4 gobgpd "ext", AS 65010, eBGP to FRR only
# Routes flow both ways through the FRR session:
#   gw -> mirador -> FRR: inet-vpn, EVPN type 2 (VXLAN VNI) and type 3,
#     as vtysh shows them (RD, label/VNI, targets, next hop, reflection);
#   FRR -> mirador -> gw: FRR's own inet-vpn route (network ... rd ...
#     label ...), and the EVPN type 2 and 3 routes FRR learned from ext.
# Then a withdraw, and an FRR restart (its routes go and come back).
# Speaks TAP.  Every process started here is stopped here.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/bgp/peers.sh"

BGPD=/usr/lib/frr/bgpd
if [ ! -x "$BGPD" ] || ! command -v vtysh >/dev/null 2>&1 ||
	! command -v gobgpd >/dev/null 2>&1; then
	echo "*** SKIPPED: FRR or gobgpd is not installed (run .ci/setup) ***" >&2
	echo "1..0 # SKIP frr/gobgpd not installed"
	exit 0
fi

MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
T=$(mktemp -d /tmp/mirador-frr.XXXXXX)
MCPID="" GWPID="" EXTPID="" SRV=""
frr_pid() { cat "$T/frr.pid" 2>/dev/null; }
cleanup() {
	for p in $MCPID $GWPID $EXTPID $(frr_pid); do
		kill -9 "$p" 2>/dev/null
	done
	for p in $MCPID $GWPID $EXTPID; do wait "$p" 2>/dev/null; done
	dump_logs "$T"
	rm -rf "$T"
}
trap cleanup EXIT

GW="gobgp -u 127.0.3.2 -p 50051"
EXT="gobgp -u 127.0.3.4 -p 50051"
V="vtysh --vty_socket $T/vty"
mkdir "$T/vty"

cat >"$T/mirador.xml" <<'EOF'
<config>
  <global-system-config>
    <autonomous-system>64512</autonomous-system>
  </global-system-config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>127.0.3.1</address>
    <port>1179</port>
    <cluster-id>0.0.0.1</cluster-id>
  </bgp-router>
  <bgp-router name="gw">
    <router-type>router</router-type>
    <address>127.0.3.2</address>
    <port>1179</port>
    <address-families><family>inet-vpn</family><family>e-vpn</family></address-families>
    <peers><peer name="cn1"/></peers>
  </bgp-router>
  <bgp-router name="frr">
    <router-type>router</router-type>
    <address>127.0.3.3</address>
    <port>1179</port>
    <address-families><family>inet-vpn</family><family>e-vpn</family></address-families>
    <peers><peer name="cn1"/></peers>
  </bgp-router>
</config>
EOF

# FRR: no zebra (-Z); 127/8 next hops are "martian" to it unless allowed
# (reference/real-peers.md); no inline comments in FRR's config.
cat >"$T/frr.conf" <<'EOF'
frr defaults traditional
hostname frr
log file FRRLOG informational
!
route-map SETRT permit 10
 set extcommunity rt 64512:1
exit
!
router bgp 64512
 bgp router-id 127.0.3.3
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp allow-martian-nexthop
 neighbor 127.0.3.1 remote-as 64512
 neighbor 127.0.3.1 port 1179
 neighbor 127.0.3.1 update-source 127.0.3.3
 neighbor 127.0.3.1 timers connect 1
 neighbor 127.0.3.4 remote-as 65010
 neighbor 127.0.3.4 port 1179
 neighbor 127.0.3.4 update-source 127.0.3.3
 neighbor 127.0.3.4 disable-connected-check
 neighbor 127.0.3.4 timers connect 1
 !
 address-family ipv4 vpn
  neighbor 127.0.3.1 activate
  neighbor 127.0.3.4 activate
  network 10.5.5.0/24 rd 65000:5 label 500 route-map SETRT
 exit-address-family
 !
 address-family l2vpn evpn
  neighbor 127.0.3.1 activate
  neighbor 127.0.3.4 activate
 exit-address-family
exit
!
EOF
sed -i "s|FRRLOG|$T/frr.log|" "$T/frr.conf"

# gobgpd_conf NAME ADDR AS PEER PEER_AS
gobgpd_conf() {
	cat >"$T/$1.toml" <<EOF
[global.config]
  as = $3
  router-id = "$2"
  port = 1179
  local-address-list = ["$2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$4"
    peer-as = $5
  [neighbors.transport.config]
    local-address = "$2"
    remote-port = 1179
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
EOF
}

start_frr() {
	rm -f "$T/frr.pid"
	"$BGPD" -f "$T/frr.conf" -i "$T/frr.pid" -Z -S -p 1179 -l 127.0.3.3 \
		-A 127.0.3.3 -P 0 --vty_socket "$T/vty" >>"$T/frr-out.log" 2>&1 &
	wait_for "$T/frr.pid" .
}


# vty CMD PATTERN...: the vtysh output of CMD has every PATTERN.
vty() {
	_out=$($V -c "$1" 2>/dev/null) || return 1
	shift
	for _p in "$@"; do
		printf '%s\n' "$_out" | grep -q -- "$_p" || return 1
	done
}

gobgpd_conf gw 127.0.3.2 64512 127.0.3.1 64512
gobgpd_conf ext 127.0.3.4 65010 127.0.3.3 64512
gobgpd -f "$T/gw.toml" -t toml -l info --api-hosts 127.0.3.2:50051 \
	--pprof-disable >"$T/gw.log" 2>&1 &
GWPID=$!
gobgpd -f "$T/ext.toml" -t toml -l info --api-hosts 127.0.3.4:50051 \
	--pprof-disable >"$T/ext.log" 2>&1 &
EXTPID=$!
ok "FRR bgpd starts" start_frr
"$MC" -f -c "$T/mirador.xml" -N cn1 -L "$T/mirador.log" -l debug \
	--http 127.0.3.1:0 --xmpp 127.0.3.1:0 &
MCPID=$!
ok "mirador-control starts" wait_for "$T/mirador.log" "introspect on http://"
SRV=$(sed -n 's|.*introspect on http://\([0-9.:]*\)/.*|\1|p' "$T/mirador.log" | tail -1)

ok "FRR's session with mirador is Established" \
	until_ok 20 sh -c "'$CTL' -s $SRV bgp frr | grep -q 'frr .*Established'"
ok "... with inet-vpn and EVPN negotiated" \
	sh -c "'$CTL' -s $SRV bgp frr | grep -q 'inet-vpn,e-vpn  *inet-vpn,e-vpn'"
ok "gw's session with mirador is Established" \
	until_ok 20 sh -c "$GW neighbor | grep -q Establ"
ok "ext's session with FRR is Established" \
	until_ok 20 sh -c "$EXT neighbor | grep -q Establ"

# gw -> mirador -> FRR.
$GW global rib -a vpnv4 add 10.1.1.0/24 label 16 rd 64512:1 rt 64512:1 \
	nexthop 127.0.3.2
$GW global rib -a evpn add macadv 02:00:00:00:00:03 192.0.2.3 etag 0 \
	label 5001 rd 64512:1 rt 64512:1 encap vxlan nexthop 127.0.3.2
$GW global rib -a evpn add multicast 127.0.3.2 etag 0 rd 64512:1 \
	rt 64512:1 encap vxlan nexthop 127.0.3.2
ok "FRR gets the inet-vpn route through mirador" until_ok 10 \
	vty "show bgp ipv4 vpn 10.1.1.0/24" "64512:1:10.1.1.0/24"
ok "... label 16, next hop 127.0.3.2, target 64512:1" \
	vty "show bgp ipv4 vpn 10.1.1.0/24" "Remote label: 16" \
	"127.0.3.2 from 127.0.3.1" "RT:64512:1"
ok "... reflected: originator 127.0.3.2, cluster list 0.0.0.1" \
	vty "show bgp ipv4 vpn 10.1.1.0/24" \
	"Originator: 127.0.3.2, Cluster list: 0.0.0.1"
ok "FRR gets the EVPN type 2 route with VNI 5001 and VXLAN encapsulation" \
	until_ok 10 vty "show bgp l2vpn evpn route detail" \
	"entry for 64512:1:\[2\]:\[0\]:\[48\]:\[02:00:00:00:00:03\]" \
	"Route \[2\]:\[0\]:\[48\]:\[02:00:00:00:00:03\]:\[32\]:\[192.0.2.3\] VNI 5001" \
	"127.0.3.2 from 127.0.3.1" "RT:64512:1 ET:8"
ok "FRR gets the EVPN type 3 route" until_ok 10 \
	vty "show bgp l2vpn evpn" "\[3\]:\[0\]:\[32\]:\[127.0.3.2\]"

# FRR -> mirador -> gw.
ok "gw gets FRR's own inet-vpn route through mirador" \
	until_ok 10 rib "$GW" vpnv4 "65000:5:10.5.5.0/24"
ok "... label 500, next hop 127.0.3.3, target, reflection attributes" \
	sh -c "$GW global rib -a vpnv4 | grep '65000:5:10.5.5.0/24' |
	grep '\[500\]' | grep '127.0.3.3' | grep 'Originator: 127.0.3.3' |
	grep 'ClusterList: \[0.0.0.1\]' | grep -q 'Extcomms: \[64512:1\]'"
$EXT global rib -a evpn add macadv 02:00:00:00:00:07 192.0.2.7 etag 0 \
	label 5007 rd 65010:7 rt 64512:1 encap vxlan nexthop 127.0.3.4
$EXT global rib -a evpn add multicast 127.0.3.4 etag 0 rd 65010:7 \
	rt 64512:1 encap vxlan nexthop 127.0.3.4
ok "gw gets, through FRR and mirador, ext's EVPN type 2 route" \
	until_ok 10 sh -c "$GW global rib -a evpn |
	grep 'macadv.*rd:65010:7.*02:00:00:00:00:07' | grep '\[5007\]' |
	grep ' 65010 ' | grep -q VXLAN"
ok "... and its type 3 route" until_ok 10 \
	rib "$GW" evpn "multicast.*rd:65010:7.*ip:127.0.3.4"
ok "mirador holds FRR's routes with FRR as their source" sh -c \
	"'$CTL' -s $SRV routes --table bgp.l3vpn.0 |
	grep '65000:5:10.5.5.0/24' | grep -q ' frr .*127.0.3.3  *500 '"

# A withdraw each way.
$GW global rib -a vpnv4 del 10.1.1.0/24 label 16 rd 64512:1 rt 64512:1 \
	nexthop 127.0.3.2
ok "a withdraw at gw reaches FRR" until_ok 10 sh -c \
	"! $V -c 'show bgp ipv4 vpn' | grep -q '10.1.1.0/24'"
$EXT global rib -a evpn del macadv 02:00:00:00:00:07 192.0.2.7 etag 0 \
	label 5007 rd 65010:7 rt 64512:1 encap vxlan nexthop 127.0.3.4
ok "a withdraw at ext reaches gw through FRR and mirador" until_ok 10 \
	sh -c "! $GW global rib -a evpn | grep -q '02:00:00:00:00:07'"

# FRR goes away (no graceful restart configured): its routes go from
# mirador and gw; it comes back and they return.
kill "$(frr_pid)"
ok "FRR's route leaves gw when FRR stops" until_ok 20 \
	sh -c "! $GW global rib -a vpnv4 | grep -q '10.5.5.0/24'"
ok "FRR bgpd starts again" start_frr
ok "... and its route is back at gw" until_ok 30 \
	rib "$GW" vpnv4 "65000:5:10.5.5.0/24"

kill -TERM "$MCPID"
ok "mirador-control stops on SIGTERM" wait "$MCPID"
MCPID=""
done_testing
