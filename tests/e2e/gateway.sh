#!/bin/sh
# gateway.sh - the multi-node suite's gateway scenarios (issue 8 item 1):
# two mirador-control (cn1 127.0.12.1, cn2 127.0.12.2, iBGP auto-mesh),
# two compute nodes (vrouter + agent on 127.0.12.11 and .12, each agent
# connected to both control nodes), and a gateway played by a real
# gobgpd (127.0.12.3) peering with both control nodes.
#  - the analyzer network's routes reach the gateway from both control
#    nodes as inet-vpn and EVPN, with the network's route target and the
#    compute node's underlay as next hop; deleting the analyzer's VMI
#    withdraws them from both;
#  - an analyzer learned from the gateway (an inet-vpn route it
#    announces) is used as the destination of a mode 1 (Juniper header)
#    mirror: the copies leave compute-1 MPLSoUDP towards the gateway's
#    next hop, decoded by tshark down to the Juniper TLVs.
# Needs root, gobgpd and tshark.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
need_cmd gobgpd
need_cmd gobgp
need_cmd tshark
need_cmd ping
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
tmp=$(mktemp -d /tmp/mirador-e2e-gw-XXXXXX) || exit 1
. "$top_srcdir/tests/e2e/gw-lib.sh"

gw_topology
ok "gateway: gobgpd on $gwa" gw_start
e2e_up

# ---- 1. the analyzer network's routes exported to the gateway ----
# anvn has network-id 19: target:64512:8000019.
rt=64512:8000019
ok "gateway Established with cn1 and cn2" until_ok 30 gw_established 2
ok "gateway: inet-vpn 10.19.0.9/32 from cn1" until_ok 20 \
	gw_path vpnv4 "10.19.0.9/32" $u2 $c1
ok "gateway: inet-vpn 10.19.0.9/32 from cn2" until_ok 20 \
	gw_path vpnv4 "10.19.0.9/32" $u2 $c2
ok "... next hop compute-2 ($u2), target $rt, both paths" \
	gw_npaths vpnv4 10.19.0.9/32 "nh=$u2 .*rt=$rt" 2
ok "gateway: EVPN MAC/IP of an1 from cn1" until_ok 20 \
	gw_path evpn "$ma" $u2 $c1
ok "gateway: EVPN MAC/IP of an1 from cn2" until_ok 20 \
	gw_path evpn "$ma" $u2 $c2
ok "... next hop compute-2, target $rt, both paths (MAC and MAC+IP)" \
	gw_npaths evpn "$ma" "nh=$u2 .*rt=$rt" 4
$GW global rib -a vpnv4 | sed 's/^/# /'
$GW global rib -a evpn | sed 's/^/# /'

# ---- 2. an analyzer learned from the gateway, mirror mode 1 ----
# The gateway announces 10.19.0.50/32 in anvn (its target) with the
# next hop $gwsink and label 500: an analyzer "beyond the gateway".
$GW global rib -a vpnv4 add 10.19.0.50/32 label 500 rd 64512:50 rt $rt \
	nexthop $gwsink
ok "cn1 imports the gateway's analyzer route into anvn" until_ok 20 \
	cn_has 1 "$anri" 10.19.0.50/32
ok "cn2 too" until_ok 20 cn_has 2 "$anri" 10.19.0.50/32
vmi vm1 $red compute-1 $m1 10.12.0.3 $t1 "<interface-mirror>
  <traffic-direction>ingress</traffic-direction>
  <mirror-to><analyzer-name>gw-an</analyzer-name>
    <analyzer-ip-address>10.19.0.50</analyzer-ip-address>
    <routing-instance>$anri</routing-instance></mirror-to>
</interface-mirror>" >"$tmp/vm1.xml"
cfg_create "$tmp/vm1.xml"
if until_ok 20 grep -q "interface-mirror:vm1: dynamic+header.*routed in .*(node $gwsink)" "$tmp/ag1.log"
then
	pass "compute-1 resolves the gateway's analyzer (mode 1)"
else
	fail "compute-1 resolves the gateway's analyzer (mode 1)"
	grep "mirror" "$tmp/ag1.log" | tail -5 | sed 's/^/# /'
fi
sleep 0.3
capture gwan - lo "udp and dst host $gwsink"
ip netns exec $n1 ping -q -c 3 -i 0.2 -W 1 10.12.0.4 >/dev/null
capstop gwan
# Outer: compute-1 to the gateway's next hop, MPLSoUDP label 500; then
# compute-1 to the analyzer's UDP 8099; then the Juniper TLVs and vm1's
# frame.
expect gwan "the gateway's next hop got 3 echo requests: MPLSoUDP label 500, UDP to the analyzer, Juniper header (src VN red)" \
	"icmp.type==8" "3|500|$red|$gwsink,10.19.0.50,10.12.0.4" \
	mpls.label juniper.vn.src ip.dst
"$CTL" --dp-socket "$tmp/vr1.sock" mirror --dump | sed 's/^/# /'
curl -sf http://$u1:$pi/mirrors | sed 's/^/# /'
[ -n "${E2E_PAUSE:-}" ] && { echo "# paused: $tmp"; sleep $E2E_PAUSE; }

# The gateway withdraws it: the entry is unresolved, copies stop.
$GW global rib -a vpnv4 del 10.19.0.50/32 label 500 rd 64512:50 rt $rt \
	nexthop $gwsink
ok "the gateway's withdraw leaves cn1's anvn" until_ok 20 \
	cn_hasnt 1 "$anri" 10.19.0.50/32
ok "compute-1: the entry unresolved (no route to the analyzer)" \
	until_ok 20 sh -c "curl -sf http://$u1:$pi/mirrors |
	grep 'interface-mirror:vm1' | grep -q 'no route to analyzer 10.19.0.50'"
capture gwan2 - lo "udp and dst host $gwsink"
ip netns exec $n1 ping -q -c 3 -i 0.2 -W 1 10.12.0.4 >/dev/null
capstop gwan2
ok "no copy reaches the gateway after the withdraw" \
	test "$(count gwan2 "icmp")" -eq 0
vmi vm1 $red compute-1 $m1 10.12.0.3 $t1 >"$tmp/vm1.xml"
cfg_create "$tmp/vm1.xml"

# ---- 1 again: the analyzer's VMI deleted, withdrawn from both ----
cfg_delete virtual-machine-interface an1
ok "an1's VMI deleted: inet-vpn withdrawn at the gateway" until_ok 20 \
	sh -c "! $GW global rib -a vpnv4 | grep -q '10.19.0.9/32'"
ok "... EVPN withdrawn too" until_ok 20 \
	sh -c "! $GW global rib -a evpn | grep -q '$ma'"
ok "vm1 still pings vm2" pings $n1 10.12.0.4

e2e_down
done_testing
