#!/bin/sh
# faults.sh - the fault scenarios of the multi-node suite (issue 8): the
# standard topology (topo.sh) on 127.0.12.x with graceful restart on
# (BGP and XMPP helper) and the gobgpd gateway (gateway-lib.sh) peering
# with both control nodes; the gateway announces an analyzer route of
# its own (10.11.9.50/32 in anvn).  vm1's ingress is mirrored in mode 1
# to an2 (compute-2).  For each fault, while vm1 pings vm2 every 0.1 s
# and an2 captures: VM traffic and the mirror copies go on; afterwards
# nothing is stale: both control nodes' /routes (every route, no stale
# flag), both sessions' paths in the agents' /routes (none stale), the
# datapaths' routes (rt --dump) and mirror entries (mirror --dump: one
# on compute-1), the gateway's RIB (two fresh paths per route).
#  1. compute-2's agent killed and restarted: its routes stay stale in
#     the control nodes (and at the gateway), then are refreshed;
#  2. cn1 killed and restarted: the agents keep cn2's paths, the gateway
#     keeps the routes via cn2;
#  3. the gateway killed and restarted (the control nodes keep its
#     route stale, then fresh again);
#  4. cn1 resets its BGP session to the gateway, gracefully then hard.
# Needs root, gobgpd, tshark.
set -u
. "$top_srcdir/tests/tap.sh"
need_cmd gobgpd
need_cmd gobgp
E2E_NET=${E2E_NET_GW:-127.0.12}
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init faults 1
. "$top_srcdir/tests/e2e/topo.sh"
. "$top_srcdir/tests/e2e/gateway-lib.sh"

rt=64512:8000119
TOPO_EXTRA=$(gw_extra)
topo_up
ok "gateway: gobgpd on $GWA" gw_start
ok "gateway Established with cn1 and cn2" until_ok -t 30 gw_established 2
gw_announce() {
	$GW global rib -a vpnv4 add 10.11.9.50/32 label 500 rd 64512:50 \
		rt $rt nexthop "$GWSINK"
}
gw_announce
mark ag-compute-1
ok "vm1's ingress mirrored in mode 1 to an2" cfg_apply <<EOT
$(vmi_xml vm1 "$(imirror ingress "$(mt_mode1 "$IP_an2")")")
EOT
ok "compute-1 resolves it" wait_log ag-compute-1 \
	"interface-mirror:vm1: dynamic+header" 20

# ---- the steady state ----
ROUTES="$IP_vm1/32 $IP_vm2/32 $IP_vm3/32 $IP_an1/32 $IP_an2/32 $IP_an3/32 10.11.9.50/32"
cn_fresh() { # CN: red's and anvn's inet routes, every one, none stale
	for _ri in $REDRI $ANRI; do
		"$CTL" -s "$(cn_rest "$1")" routes --instance $_ri --family inet \
			--limit 1000 2>/dev/null
	done >"$tmp/routes-$1"
	for _p in $ROUTES; do
		grep -q " $_p " "$tmp/routes-$1" ||
			{ echo "# $1: no $_p" >&2; return 1; }
	done
	! grep -qi stale "$tmp/routes-$1"
}
gw_fresh() {
	for _x in vm1 vm2 vm3 an1 an2 an3; do
		gw_npaths vpnv4 ":$(v IP $_x)/32" \
			"nh=$(cu_addr "$(v NODE $_x)") " 2 || return 1
	done
	gw_npaths evpn "mac:$MAC_an2" "nh=$CU2 rt=$rt from" 4 &&
		gw_npaths vpnv4 . stale 0
}
ag_fresh() { # NODE: both sessions' paths of every VM, none stale
	agent_page "$1" "/routes?vrf=$REDRI" >"$tmp/agr-$1" || return 1
	[ "$(grep -c '^10.11.1.[345]/32 ' "$tmp/agr-$1")" -eq 6 ] &&
		[ "$(awk '$2 == "inet" && $5 != "false"' "$tmp/agr-$1" | wc -l)" -eq 0 ]
}
dp_fresh() {
	dp compute-1 rt --dump "$(agent_vrf compute-1 $REDRI)" | grep -q "$IP_vm2/32" &&
		dp compute-2 rt --dump "$(agent_vrf compute-2 $REDRI)" | grep -q "$IP_vm1/32" &&
		[ "$(dp compute-1 mirror --dump | grep -c '^ *[0-9]')" -eq 1 ] &&
		[ "$(dp compute-2 mirror --dump | grep -c '^ *[0-9]')" -eq 0 ]
}
agent_vrf() { agent_page "$1" /vrfs | awk -v n="$2" '$1 == n { print $2; exit }'; }
steady() { # WHAT
	ok "$1: cn1 has every route, none stale" until_ok -t 30 cn_fresh cn1
	ok "$1: cn2 has every route, none stale" until_ok -t 30 cn_fresh cn2
	ok "$1: the gateway has both paths of each route, none stale" \
		until_ok -t 30 gw_fresh
	for _n in compute-1 compute-2 compute-3; do
		ok "$1: $_n has both sessions' paths, none stale" \
			until_ok -t 30 ag_fresh $_n
	done
	ok "$1: datapaths: the routes, one mirror entry (compute-1)" \
		until_ok -t 10 dp_fresh
}

# during_start NAME COUNT: vm1 pings vm2 COUNT times (0.1 s), an2
# captures; during_end NAME WHAT PCT: at least PCT% answered, and
# copied to an2.
during_start() {
	cap_start "$1" "$NS_an2" "$TAP_an2" "udp port 8099"
	ip netns exec "$NS_vm1" ping -q -i 0.1 -W 1 -c "$2" "$IP_vm2" \
		>"$tmp/$1.ping" 2>&1 &
	_pingpid=$!
}
during_end() {
	wait "$_pingpid"
	cap_stop "$1"
	_tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$tmp/$1.ping")
	_rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$tmp/$1.ping")
	_mir=$(count "$1" "icmp.type==8 && juniper.vn.src==\"$RED\"")
	diag "$2: ${_rx:-?} of ${_tx:-?} pings answered, $_mir requests mirrored to an2"
	ok "$2: VM traffic goes on (at least $3% answered)" \
		[ $((${_rx:-0} * 100)) -ge $((${_tx:-1} * $3)) ]
	ok "$2: mirroring goes on (at least $3% of the requests copied)" \
		[ $((_mir * 100)) -ge $((${_tx:-1} * $3)) ]
}

steady "before the faults"

# ---- 1. compute-2's agent killed and restarted ----
during_start ag 50
sleep 1
proc_kill ag-compute-2
ok "agent down: cn1 keeps its routes, stale" until_ok sh -c \
	"'$CTL' -s $(cn_rest cn1) routes --instance $REDRI --prefix $IP_vm2/32 | grep -qi stale"
ok "agent down: the gateway keeps an2's route from both" \
	gw_npaths vpnv4 ":$IP_an2/32" "nh=$CU2 " 2
ok "agent down: compute-1 keeps vm2's route" sh -c \
	"'$CTL' --dp-socket $tmp/compute-1.sock rt --dump $(agent_vrf compute-1 $REDRI) | grep -q $IP_vm2/32"
sleep 1
ok "agent restarted" agent_start compute-2
ok "agent back: both sessions up" until_ok -t 20 sh -c \
	"[ \$(curl -sf http://$CU2:$PI/xmpp-sessions | grep -c Established) -eq 2 ]"
during_end ag "agent restart" 95
steady "after the agent's restart"
for c in cn1 cn2; do
	ok "$c swept compute-2's stale routes at its End-of-RIB" \
		grep -q "compute-2: xmpp: stale routes swept (End-of-RIB)" "$tmp/$c.log"
done

# ---- 2. cn1 killed and restarted ----
during_start cn 60
sleep 1
proc_kill cn1
ok "cn1 down: compute-1 keeps vm2's route (cn2's path)" sh -c \
	"'$CTL' --dp-socket $tmp/compute-1.sock rt --dump $(agent_vrf compute-1 $REDRI) | grep -q $IP_vm2/32"
ok "cn1 down: the gateway has an2's route via cn2" \
	until_ok -t 5 gw_path vpnv4 ":$IP_an2/32" "$CU2" "$CN2"
sleep 2
ok "cn1 restarted" cn_start cn1 "$CN1"
ok "cn1 back: compute-1 reconnects" until_ok -t 30 sh -c \
	"curl -sf http://$CU1:$PI/xmpp-sessions | grep '^$CN1:$PX ' | grep -q Established"
ok "cn1 back: the gateway is Established with it" until_ok -t 30 gw_established 2
during_end cn "control node restart" 95
steady "after cn1's restart"

# ---- 3. the gateway killed and restarted ----
during_start gw 40
sleep 1
gw_kill
ok "gateway down: cn1 keeps its route, stale" until_ok sh -c \
	"'$CTL' -s $(cn_rest cn1) routes --instance $ANRI --prefix 10.11.9.50/32 | grep -qi stale"
ok "gateway restarted" gw_start
gw_announce
ok "gateway back: Established with both" until_ok -t 30 gw_established 2
during_end gw "gateway restart" 95
steady "after the gateway's restart"

# ---- 4. cn1 resets its session to the gateway ----
for how in "" --hard; do
	ok "cn1: bgp-reset $how gw" sh -c \
		"'$CTL' -s $(cn_rest cn1) bgp-reset $how gw >/dev/null"
	sleep 1
	ok "reset$how: the gateway is back with cn1" until_ok -t 30 gw_established 2
	steady "after the${how:+ hard} reset"
done

for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
