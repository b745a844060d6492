#!/bin/sh
# faults.sh - the multi-node suite's fault scenarios (issue 8 item 1), on
# the topology of gateway.sh (tests/e2e/gw-lib.sh): two control nodes,
# two compute nodes each with its agent connected to both, a gobgpd
# gateway peering with both; graceful restart on (XMPP and BGP helper).
# vm1 (compute-1) pings vm2 (compute-2) all along, and its ingress is
# mirrored in mode 1 to the analyzer an1 (compute-2), captured there.
# The gateway announces an analyzer route of its own (10.19.0.50).
# Faults, each checked for "traffic and mirroring go on" during, and
# "nothing stale" after (the control nodes' /routes, the agents'
# /routes, the datapaths' rt --dump and mirror --dump, the gateway's
# RIB):
#  - agent 2 killed and restarted (its routes stay stale in the control
#    nodes and at the gateway, then are refreshed);
#  - control node 1 killed and restarted (the agents keep cn2's routes;
#    the gateway keeps the routes via cn2);
#  - the BGP session flaps: the gateway killed and restarted, then
#    cn1's session to it reset (graceful, then hard).
# Needs root, gobgpd and tshark.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
need_cmd gobgpd
need_cmd gobgp
need_cmd tshark
need_cmd ping
need_cmd curl
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
tmp=$(mktemp -d /tmp/mirador-e2e-faults-XXXXXX) || exit 1
. "$top_srcdir/tests/e2e/gw-lib.sh"

rt=64512:8000019
gw_topology
ok "gateway: gobgpd on $gwa" gw_start
e2e_up
ok "gateway Established with cn1 and cn2" until_ok 30 gw_established 2
gw_announce() {
	$GW global rib -a vpnv4 add 10.19.0.50/32 label 500 rd 64512:50 \
		rt $rt nexthop $gwsink
}
gw_announce
vmi vm1 $red compute-1 $m1 10.12.0.3 $t1 "<interface-mirror>
  <traffic-direction>ingress</traffic-direction>
  <mirror-to><analyzer-name>an1</analyzer-name>
    <analyzer-ip-address>10.19.0.9</analyzer-ip-address>
    <routing-instance>$anri</routing-instance></mirror-to>
</interface-mirror>" >"$tmp/vm1.xml"
cfg_create "$tmp/vm1.xml"
ok "compute-1 resolves the mirror to an1" until_ok 20 \
	grep -q "interface-mirror:vm1: dynamic+header" "$tmp/ag1.log"

# The steady state every fault must come back to.
# routes_ok: both control nodes have vm1, vm2, an1 and the gateway's
# route, none stale; the gateway has two fresh paths of each of the
# analyzer's routes; both agents have every session's path fresh; the
# datapaths have the routes; compute-1 has exactly one mirror entry.
cn_routes() { # N: the control node's routes of red and anvn
	for _ri in $redri $anri; do
		"$CTL" -s "$(eval echo "\$c$1"):$ph" routes --instance $_ri \
			--family inet 2>/dev/null
	done
}
cn_fresh() { # N
	cn_routes "$1" >"$tmp/cnr$1" || return 1
	for _p in 10.12.0.3/32 10.12.0.4/32 10.19.0.9/32 10.19.0.50/32; do
		grep -q "$_p" "$tmp/cnr$1" || { echo "# cn$1: no $_p" >&2; return 1; }
	done
	! grep -qi "stale" "$tmp/cnr$1"
}
gw_fresh() {
	gw_npaths vpnv4 10.19.0.9/32 "nh=$u2 .*rt=$rt" 2 &&
		gw_npaths vpnv4 10.12.0.3/32 "nh=$u1 " 2 &&
		gw_npaths vpnv4 10.12.0.4/32 "nh=$u2 " 2 &&
		gw_npaths evpn "$ma" "nh=$u2 .*rt=$rt" 4 &&
		[ "$($GW global rib -a vpnv4 -j | gw_paths . | grep -c stale)" -eq 0 ]
}
ag_fresh() { # N: the agent's paths of red: both sessions, no stale
	_r=$(curl -sf "http://$(eval echo "\$u$1"):$pi/routes?vrf=$redri") ||
		return 1
	[ "$(echo "$_r" | grep -c "^10.12.0.[34]/32 ")" -eq 4 ] &&
		[ "$(echo "$_r" | awk '$2 == "inet" && $5 != "false"' | wc -l)" -eq 0 ]
}
dp_fresh() {
	dp_has 1 $redri 10.12.0.4/32 && dp_has 2 $redri 10.12.0.3/32 &&
		[ "$("$CTL" --dp-socket "$tmp/vr1.sock" mirror --dump |
			grep -c '^ *[0-9]')" -eq 1 ]
}
steady() { # WHAT
	ok "$1: cn1 has every route, none stale" until_ok 30 cn_fresh 1
	ok "$1: cn2 has every route, none stale" until_ok 30 cn_fresh 2
	ok "$1: the gateway has both paths of each route, none stale" \
		until_ok 30 gw_fresh
	ok "$1: agent 1 has both sessions' paths, none stale" until_ok 30 ag_fresh 1
	ok "$1: agent 2 has both sessions' paths, none stale" until_ok 30 ag_fresh 2
	ok "$1: datapaths: routes and one mirror entry" until_ok 10 dp_fresh
}

# during WHAT: start a background ping (0.1 s) and a capture at an1.
during_start() {
	capture "$1" $na $ta "udp port 8099"
	ip netns exec $n1 ping -q -i 0.1 -W 1 -c "$2" 10.12.0.4 \
		>"$tmp/$1.ping" 2>&1 &
	pingpid=$!
}
# during_end NAME WHAT MINPCT: the ping's loss and the mirrored copies.
during_end() {
	wait "$pingpid"
	pingpid=""
	capstop "$1"
	_tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$tmp/$1.ping")
	_rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$tmp/$1.ping")
	_mir=$(count "$1" "icmp.type==8 && juniper.vn.src==\"$red\"")
	diag "$2: ping ${_rx:-?}/${_tx:-?}, ${_mir} requests mirrored to an1"
	ok "$2: VM traffic goes on (at least $3% of the pings)" \
		[ $((${_rx:-0} * 100)) -ge $((${_tx:-1} * $3)) ]
	ok "$2: mirroring goes on (at least $3% of the requests copied)" \
		[ $((_mir * 100)) -ge $((${_tx:-1} * $3)) ]
}

steady "before the faults"
diag "cn1's routes:"; sed 's/^/#   /' "$tmp/cnr1"
diag "agent 1 routes:"; curl -sf "http://$u1:$pi/routes?vrf=$redri" | sed "s/^/#   /"

# ---- fault 1: agent 2 killed, restarted ----
during_start ag2 60
sleep 1
kill9 ag2
ok "agent 2 down: cn1 keeps its routes stale" until_ok 10 sh -c \
	"'$CTL' -s $c1:$ph routes --instance $redri --prefix 10.12.0.4/32 | grep -qi stale"
ok "agent 2 down: the gateway keeps an1's route from both" \
	gw_npaths vpnv4 10.19.0.9/32 "nh=$u2 " 2
ok "agent 2 down: vrouter 1 keeps vm2's route" dp_has 1 $redri 10.12.0.4/32
sleep 1
ag 2
ok "agent 2 back: both sessions up" until_ok 20 sh -c \
	"[ \$(curl -sf http://$u2:$pi/xmpp-sessions | grep -c Established) -eq 2 ]"
during_end ag2 "agent 2 restart" 90
steady "after agent 2's restart"

# ---- fault 2: control node 1 killed, restarted ----
during_start cn1 80
sleep 1
kill9 cn1
ok "cn1 down: agent 1 keeps cn2's paths (datapath has vm2)" \
	dp_has 1 $redri 10.12.0.4/32
ok "cn1 down: the gateway keeps an1's route via cn2" \
	until_ok 5 gw_path vpnv4 10.19.0.9/32 $u2 $c2
sleep 2
cn 1
ok "cn1 back: agent 1 reconnects" until_ok 30 sh -c \
	"curl -sf http://$u1:$pi/xmpp-sessions | grep '^$c1:$px ' | grep -q Established"
ok "cn1 back: the gateway is Established with it" until_ok 30 gw_established 2
during_end cn1 "control node 1 restart" 90
steady "after cn1's restart"

# ---- fault 3: the gateway killed and restarted ----
during_start gwr 50
sleep 1
gw_kill
ok "gateway down: cn1 keeps its route stale" until_ok 10 sh -c \
	"'$CTL' -s $c1:$ph routes --instance $anri --prefix 10.19.0.50/32 | grep -qi stale"
gw_start
gw_announce
ok "gateway back: Established with both" until_ok 30 gw_established 2
during_end gwr "gateway restart" 95
steady "after the gateway's restart"

# ---- fault 4: cn1 resets its session to the gateway ----
for how in "" --hard; do
	ok "miradorctl bgp-reset $how gw on cn1" \
		"$CTL" -s $c1:$ph bgp-reset $how gw
	sleep 1
	ok "reset$how: the gateway is back with cn1" until_ok 30 gw_established 2
	steady "after the${how:+ hard} reset"
done

e2e_down
done_testing
