#!/bin/sh
# agent-two-cn.sh - two control nodes (issue 7 item 1): mirador-control
# cn1 on 127.0.8.1 and cn2 on 127.0.8.2, iBGP peers (ibgp-auto-mesh), two
# compute nodes (vrouters on 127.0.8.11 and .12, each agent --control
# both), VMs of one VN ping each other.  cn1 stopped: the agents keep
# their routes (the datapath does not lose them), ping goes on without a
# loss burst, /xmpp-sessions shows one session down and the config on
# cn2; cn1 back: both sessions up, routes from both.  The introspect
# pages of a running agent are checked on the way.  Needs root.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
need_cmd ping
need_cmd curl
tmp=$(mktemp -d /tmp/mirador-agent-two-cn-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
AG="$top_builddir/agent-stub/mirador-agent"
# Unique ports per run (127.0.8.x only): XMPP, BGP, REST, introspect.
base=$((20000 + $$ % 20000))
px=$base pb=$((base + 1)) ph=$((base + 2)) pi=$((base + 3))
c1=127.0.8.1 c2=127.0.8.2 u1=127.0.8.11 u2=127.0.8.12
n1=m2c1-$$ n2=m2c2-$$ t1=t2ca$$ t2=t2cb$$
i1=http://$u1:$pi
. "$top_srcdir/tests/agent/ag-lib.sh"
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
page() { curl -sf --max-time 5 "$i1$1"; }
has() { page "$1" | grep -q -- "$2"; }
# The session row of control node $1 on agent 1 has $2 (a regex).
sess() { page /xmpp-sessions | grep "^$1:$px " | grep -q -- "$2"; }
dp_has() { "$CTL" --dp-socket "$tmp/vr$1.sock" rt --dump "$2" | grep -q "$3"; }

cat >"$tmp/cfg.xml" <<EOT
<config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>$c1</address>
    <port>$pb</port>
  </bgp-router>
  <bgp-router name="cn2">
    <router-type>control-node</router-type>
    <address>$c2</address>
    <port>$pb</port>
  </bgp-router>
  <virtual-network name="d:p:blue">
    <network-id>8</network-id>
    <subnets><subnet prefix="10.8.0.0/24" gateway="10.8.0.1"/></subnets>
  </virtual-network>
  <virtual-router name="compute-1"><ip-address>$u1</ip-address></virtual-router>
  <virtual-router name="compute-2"><ip-address>$u2</ip-address></virtual-router>
  <virtual-machine-interface name="vm1">
    <virtual-network>d:p:blue</virtual-network>
    <virtual-router>compute-1</virtual-router>
    <mac-address>02:00:00:08:00:03</mac-address>
    <ip-addresses><ip-address>10.8.0.3</ip-address></ip-addresses>
    <tap-name>$t1</tap-name>
  </virtual-machine-interface>
  <virtual-machine-interface name="vm2">
    <virtual-network>d:p:blue</virtual-network>
    <virtual-router>compute-2</virtual-router>
    <mac-address>02:00:00:08:00:04</mac-address>
    <ip-addresses><ip-address>10.8.0.4</ip-address></ip-addresses>
    <tap-name>$t2</tap-name>
  </virtual-machine-interface>
</config>
EOT
cn() { # N: control node N
	_a=$(eval echo "\$c$1")
	start cn$1 "$MC" -f -c "$tmp/cfg.xml" -N cn$1 -x $_a:$px -H $_a:$ph \
		-b $_a:$pb
}
# cn2 starts once the agents took their config from cn1, so that losing
# cn1 moves the config subscription to cn2.
cn 1
ok "control node 1 up" wait_for "$tmp/cn1.log" "xmpp"
ok "vrouter 1" vr_start vr1 --underlay $u1 --socket "$tmp/vr1.sock"
ok "vrouter 2" vr_start vr2 --underlay $u2 --socket "$tmp/vr2.sock"
for k in 1 2; do
	u=$(eval echo "\$u$k")
	start ag$k "$AG" --name compute-$k --control $c1:$px --control $c2:$px \
		--dp-socket "$tmp/vr$k.sock" --introspect $u:$pi
done
ok "agent 1 takes its config from cn1" wait_for "$tmp/ag1.log" \
	"$c1:$px: config subscribed"
ok "agent 2 takes its config from cn1" wait_for "$tmp/ag2.log" \
	"$c1:$px: config subscribed"
cn 2
ok "control node 2 up" wait_for "$tmp/cn2.log" "xmpp"
ok "tap 1 created" link_up $t1
ok "tap 2 created" link_up $t2
ok "VM 1" vm_add $n1 $t1 02:00:00:08:00:03 10.8.0.3/24
ok "VM 2" vm_add $n2 $t2 02:00:00:08:00:04 10.8.0.4/24
ok "vm1 pings vm2" until_ok pings $n1 10.8.0.4
ok "vm2 pings vm1" until_ok pings $n2 10.8.0.3

vrf=$(grep -o "vrf [0-9]*: d:p:blue:blue" "$tmp/ag1.log" | head -1 | cut -d' ' -f2 | tr -d :)
ok "agent 1: both sessions up" until_ok sh -c \
	"[ \$(grep -c 'End-of-RIB received' '$tmp/ag1.log') -ge 2 ]"
# Introspect: the index and each page, text and JSON.
ok "introspect: index lists the pages" has / "/xmpp-sessions"
ok "introspect: session to cn1 Established" sess $c1 Established
ok "introspect: session to cn2 Established" sess $c2 Established
ok "introspect: the config on cn1" sess $c1 "Established *false *true"
ok "introspect: JSON on ?format=json" has "/xmpp-sessions?format=json" \
	'"sessions"'
ok "introspect: JSON on Accept" sh -c "curl -sf -H 'Accept: application/json' \
	$i1/vrfs | grep -q '\"vrfs\"'"
ok "introspect: /vrfs shows the VRF and vm1" has /vrfs "d:p:blue:blue .*vm1"
ok "introspect: /routes has vm2's route from both sessions" sh -c \
	"[ \$(curl -sf '$i1/routes?vrf=d:p:blue:blue' | grep -c '^10.8.0.4/32 ') -eq 2 ]"
ok "introspect: /routes without a VRF is a 400" sh -c \
	"[ \$(curl -s -o /dev/null -w '%{http_code}' $i1/routes) = 400 ]"
ok "introspect: /interfaces shows vm1 with counters" has /interfaces \
	"^vm1 *$t1 "
ok "introspect: /mirrors answers" has /mirrors "index"
page /xmpp-sessions | sed 's/^/# /'

# cn1 goes: routes stay, ping goes on (40 at 0.1 s; at most 3 lost).
ip netns exec $n1 ping -q -c 40 -i 0.1 -W 1 10.8.0.4 >"$tmp/ping.out" 2>&1 &
pp=$!
sleep 0.5
ok "control node 1 stopped" stop cn1
ok "vrouter 1 keeps vm2's route" dp_has 1 "$vrf" 10.8.0.4
ok "vrouter 2 keeps vm1's route" dp_has 2 "$vrf" 10.8.0.3
wait $pp
rcvd=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$tmp/ping.out")
diag "ping during the loss: ${rcvd:-?} of 40 received"
ok "no loss burst while cn1 goes" [ "${rcvd:-0}" -ge 37 ]
ok "introspect: cn1's session down" until_ok sess $c1 "Idle\|Connect\|Closed"
ok "introspect: config moved to cn2" sess $c2 "Established *false *true"
ok "introspect: cn1's session has a flap" sess $c1 " 1 *[0-9]* *[a-z]"
ok "vm1 still pings vm2" pings $n1 10.8.0.4
ok "vm2 still pings vm1" pings $n2 10.8.0.3
page /xmpp-sessions | sed 's/^/# /'

cn 1
ok "control node 1 back: agent 1 reconnects" until_ok sess $c1 Established
ok "agent 2 reconnects" until_ok sh -c \
	"curl -sf http://$u2:$pi/xmpp-sessions | grep '^$c1:$px ' | grep -q Established"
ok "routes from both sessions again" until_ok sh -c \
	"[ \$(curl -sf '$i1/routes?vrf=d:p:blue:blue' | grep -c '^10.8.0.4/32 ') -eq 2 ]"
ok "ping with both control nodes back" pings $n1 10.8.0.4
page /xmpp-sessions | sed 's/^/# /'
page "/routes?vrf=d:p:blue:blue" | sed 's/^/# /'

ok "agent 1 exits 0" stop ag1
ok "agent 2 exits 0" stop ag2
ok "control node 1 exits 0" stop cn1
ok "control node 2 exits 0" stop cn2
done_testing
