#!/bin/sh
# gateway.sh - the gateway scenarios of the multi-node suite (issue 8):
# the standard topology (topo.sh: cn1 + cn2 iBGP, three compute nodes
# each connected to both) on 127.0.12.x, and a gateway played by a real
# gobgpd peering with both control nodes (gateway-lib.sh).
#  - the analyzer network's routes reach the gateway from both control
#    nodes as inet-vpn and EVPN (MAC and MAC/IP), with anvn's default
#    route target (target:64512:8000119) and next hop the underlay of
#    the analyzer's compute node; an analyzer's VMI deleted: withdrawn
#    from both;
#  - an analyzer learned from the gateway: gobgpd announces 10.11.9.50/32
#    in anvn (next hop $GWSINK, label 500); vm1's ingress mirrored in
#    mode 1 to it: the copies leave compute-1 MPLSoUDP to $GWSINK, label
#    500, UDP 8099 to the analyzer inside, decoded by tshark down to the
#    Juniper TLVs and vm1's frame; the gateway's withdraw leaves the
#    entry unresolved and the copies stop.
# Needs root, gobgpd, tshark.
set -u
. "$top_srcdir/tests/tap.sh"
need_cmd gobgpd
need_cmd gobgp
E2E_NET=${E2E_NET_GW:-127.0.12}
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init gateway 0
. "$top_srcdir/tests/e2e/topo.sh"
. "$top_srcdir/tests/e2e/gateway-lib.sh"

frr=""
if [ -x "$FRR_BGPD" ] && command -v vtysh >/dev/null 2>&1; then frr=frr
else echo "*** SKIPPED: FRR is not installed (run .ci/setup): no FRR gateway ***" >&2
fi
TOPO_EXTRA=$(gw_extra $frr)
topo_up
ok "gateway: gobgpd on $GWA" gw_start
ok "gateway Established with cn1 and cn2" until_ok -t 30 gw_established 2
if [ -n "$frr" ]; then
	ok "second gateway: FRR bgpd on $FRRA" frr_start
	ok "FRR Established with cn1 and cn2" until_ok -t 30 sh -c \
		"'$CTL' -s $(cn_rest cn1) bgp frr | grep -q Established &&
		 '$CTL' -s $(cn_rest cn2) bgp frr | grep -q Established"
fi

# ---- the analyzer network's routes at the gateway ----
rt=64512:8000119
for x in an1 an2 an3; do
	ip=$(v IP $x) node=$(cu_addr "$(v NODE $x)") mac=$(v MAC $x)
	for c in $CN1 $CN2; do
		ok "gateway: inet-vpn $ip/32 from $c" until_ok -t 20 \
			gw_path vpnv4 "$ip/32" "$node" "$c"
		ok "gateway: EVPN MAC/IP $mac from $c" until_ok -t 20 \
			gw_path evpn "mac:$mac.*ip:$ip" "$node" "$c"
	done
	ok "$x: two inet-vpn paths, next hop $node, target $rt" \
		gw_npaths vpnv4 ":$ip/32" "nh=$node rt=$rt from" 2
	ok "$x: four EVPN paths (MAC and MAC/IP, from each), next hop $node, target $rt" \
		gw_npaths evpn "mac:$mac" "nh=$node rt=$rt from" 4
done
if [ -n "$frr" ]; then
	for x in an1 an2 an3; do
		ip=$(v IP $x) node=$(cu_addr "$(v NODE $x)")
		rd=$(grep "^$node:[0-9]*:$ip/32 " <<-EOT | head -1 | cut -d: -f1-2
		$($GW global rib -a vpnv4 -j | gw_paths ":$ip/32")
		EOT
		)
		until_ok -t 20 sh -c "$VTY -c 'show bgp ipv4 vpn rd $rd $ip/32' 2>/dev/null | grep -q 'from $CN2'"
		vty "show bgp ipv4 vpn rd $rd $ip/32" >"$tmp/frr-$x"
		ok "FRR: inet-vpn $ip/32 (RD $rd) from cn1 and cn2" sh -c \
			"grep -q '$node from $CN1' '$tmp/frr-$x' && grep -q '$node from $CN2' '$tmp/frr-$x'"
		ok "FRR: ... both paths with RT:$rt" \
			test "$(grep -c "RT:$rt" "$tmp/frr-$x")" -eq 2
	done
	vty "show bgp l2vpn evpn route type macip" >"$tmp/frr-evpn"
	ok "FRR: EVPN MAC/IP of an1 (next hop $CU1) with RT:$rt" sh -c \
		"grep -A3 '$MAC_an1' '$tmp/frr-evpn' | grep -q '$CU1' && grep -q 'RT:$rt' '$tmp/frr-evpn'"
	sed 's/^/#   /' "$tmp/frr-an1"
fi
diag "the gateway's inet-vpn and EVPN tables:"
gw_dump vpnv4
gw_dump evpn

# ---- an analyzer learned from the gateway ----
$GW global rib -a vpnv4 add 10.11.9.50/32 label 500 rd 64512:50 rt $rt \
	nexthop "$GWSINK"
ok "cn1 imports the gateway's analyzer route into anvn" until_ok -t 20 \
	cn_has cn1 "$ANRI" 10.11.9.50/32
ok "... with its label and next hop" \
	grep -q "10.11.9.50/32 .*bgp .*gw .*$GWSINK  *500 " "$tmp/cn_has.out"
ok "cn2 too" until_ok -t 20 cn_has cn2 "$ANRI" 10.11.9.50/32
mark ag-compute-1
ok "vm1's ingress mirrored in mode 1 to 10.11.9.50" cfg_apply <<EOT
$(vmi_xml vm1 "$(imirror ingress "$(mt_mode1 10.11.9.50)")")
EOT
if wait_log ag-compute-1 "interface-mirror:vm1: dynamic+header.*(node $GWSINK)" 20
then
	pass "compute-1 resolves it through the gateway's route (node $GWSINK)"
else
	fail "compute-1 resolves it through the gateway's route (node $GWSINK)"
	since ag-compute-1 | grep mirror | tail -5 | sed 's/^/#   /'
fi
ping_cap gwan - lo "udp and dst host $GWSINK"
# Outer: compute-1 to the gateway's next hop, MPLSoUDP label 500; then
# compute-1 to the analyzer's UDP 8099; then the Juniper TLVs, vm1's frame.
expect gwan "the gateway's next hop got vm1's 3 echo requests: MPLSoUDP label 500, UDP 8099 to 10.11.9.50, Juniper header (src VN red), vm1 -> vm2" \
	"icmp.type==8" "3|500|$RED|$GWSINK,10.11.9.50,$IP_vm2" \
	mpls.label juniper.vn.src ip.dst
n=$(count gwan "icmp.type==0")
ok "no echo reply copied (ingress only) ($n)" test "$n" -eq 0
jhdr_sane gwan "every copy to the gateway is a sane Juniper header"
dp compute-1 mirror --dump | sed 's/^/#   /'

$GW global rib -a vpnv4 del 10.11.9.50/32 label 500 rd 64512:50 rt $rt \
	nexthop "$GWSINK"
ok "the gateway's withdraw leaves cn1's anvn" until_ok -t 20 sh -c \
	"! '$CTL' -s $(cn_rest cn1) routes --instance $ANRI --prefix 10.11.9.50/32 | grep -q 10.11.9.50/32"
ok "compute-1: the entry unresolved (no route to the analyzer)" \
	until_ok -t 20 sh -c "curl -sf http://$CU1:$PI/mirrors |
	grep 'interface-mirror:vm1' | grep -q 'no route to analyzer 10.11.9.50'"
ping_cap gwan2 - lo "udp and dst host $GWSINK"
n=$(count gwan2 icmp)
ok "no copy reaches the gateway after its withdraw ($n)" test "$n" -eq 0
ok "vm1's mirror removed" cfg_apply <<EOT
$(vmi_xml vm1)
EOT

# ---- an analyzer's VMI deleted: withdrawn from both ----
ok "an2's VMI deleted" cfg_delete virtual-machine-interface an2
ok "an2's inet-vpn route withdrawn at the gateway (both paths)" \
	until_ok -t 20 gw_npaths vpnv4 ":$IP_an2/32" . 0
ok "... its EVPN routes too" until_ok -t 20 gw_npaths evpn "mac:$MAC_an2" . 0
[ -n "$frr" ] && ok "FRR: an2's inet-vpn route withdrawn" until_ok -t 20 \
	sh -c "! $VTY -c 'show bgp ipv4 vpn' | grep -q '$IP_an2/32'"
ok "an1's routes stay" gw_npaths vpnv4 ":$IP_an1/32" "nh=$CU1 " 2
ok "vm1 still pings vm2" until_ok pings "$NS_vm1" "$IP_vm2"

for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
[ -n "$frr" ] && ok "FRR bgpd stops" proc_stop frr
done_testing
