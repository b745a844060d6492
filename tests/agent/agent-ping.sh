#!/bin/sh
# agent-ping.sh - mirador-control on 127.0.5.1 (XMPP 5269, REST 8083), two
# mirador-vrouter (underlays 127.0.5.11, 127.0.5.12) and two mirador-agent
# (compute-1, compute-2), one VN, VMIs vm1 and vm2 in namespaces.  The
# agents create the taps (through the vrouters), publish the routes; the
# VMs ping each other; a VMI deleted with miradorctl is withdrawn on the
# other side; the control node killed: ping goes on (headless); back:
# the agents reconnect; an agent restarted: ping again.  Needs root.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
need_cmd ping
tmp=$(mktemp -d /tmp/mirador-agent-ping-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
AG="$top_builddir/agent-stub/mirador-agent"
cn=127.0.5.1 rest=127.0.5.1:8083
n1=mag1-$$ n2=mag2-$$ t1=tma1-$$ t2=tma2-$$
_procs=""
cleanup() {
	for _p in $_procs; do
		[ -f "$tmp/$_p.pid" ] || continue
		kill -TERM "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	sleep 0.3
	for _p in $_procs; do
		[ -f "$tmp/$_p.pid" ] && kill -KILL "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	vr_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

start() { # NAME CMD...: background, log and pid in $tmp
	_n=$1; shift
	"$@" >>"$tmp/$_n.log" 2>&1 &
	echo $! >"$tmp/$_n.pid"
	_procs="$_procs $_n"
}
stop() { # NAME: SIGTERM, must exit 0 without a sanitizer report
	_pid=$(cat "$tmp/$1.pid") || return 1
	kill -TERM "$_pid" && wait "$_pid"
	_rc=$?
	rm -f "$tmp/$1.pid"
	if [ $_rc -ne 0 ] || grep -q "Sanitizer\|runtime error" "$tmp/$1.log"
	then sed 's/^/# /' "$tmp/$1.log" | tail -30; return 1; fi
}
link_up() { # TAP: up to 10 s for the vrouter to create it
	_i=0
	while [ $_i -lt 100 ]; do
		ip link show "$1" >/dev/null 2>&1 && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
pings() { ip netns exec "$1" ping -q -c 2 -i 0.2 -W 1 "$2" >/dev/null; }
until_ok() { # up to 10 s for a command to succeed
	_i=0
	while [ $_i -lt 50 ]; do "$@" && return 0; sleep 0.2; _i=$((_i + 1)); done
	return 1
}

cat >"$tmp/cfg.xml" <<EOT
<config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>$cn</address>
    <port>11179</port>
  </bgp-router>
  <virtual-network name="d:p:red">
    <network-id>7</network-id>
    <subnets><subnet prefix="10.7.0.0/24" gateway="10.7.0.1"/></subnets>
  </virtual-network>
  <virtual-router name="compute-1"><ip-address>127.0.5.11</ip-address></virtual-router>
  <virtual-router name="compute-2"><ip-address>127.0.5.12</ip-address></virtual-router>
  <virtual-machine-interface name="vm1">
    <virtual-network>d:p:red</virtual-network>
    <virtual-router>compute-1</virtual-router>
    <mac-address>02:00:00:07:00:03</mac-address>
    <ip-addresses><ip-address>10.7.0.3</ip-address></ip-addresses>
    <tap-name>$t1</tap-name>
  </virtual-machine-interface>
  <virtual-machine-interface name="vm2">
    <virtual-network>d:p:red</virtual-network>
    <virtual-router>compute-2</virtual-router>
    <mac-address>02:00:00:07:00:04</mac-address>
    <ip-addresses><ip-address>10.7.0.4</ip-address></ip-addresses>
    <tap-name>$t2</tap-name>
  </virtual-machine-interface>
</config>
EOT
start cn "$MC" -f -c "$tmp/cfg.xml" -x $cn:5269 -H $rest -b $cn:11179
ok "control node up" wait_for "$tmp/cn.log" "xmpp"
ok "vrouter 1" vr_start vr1 --underlay 127.0.5.11 --socket "$tmp/vr1.sock"
ok "vrouter 2" vr_start vr2 --underlay 127.0.5.12 --socket "$tmp/vr2.sock"
start ag1 "$AG" --name compute-1 --control $cn:5269 --dp-socket "$tmp/vr1.sock" --introspect 127.0.5.11:8085
start ag2 "$AG" --name compute-2 --control $cn:5269 --dp-socket "$tmp/vr2.sock" --introspect 127.0.5.12:8085
ok "tap 1 created" link_up $t1
ok "tap 2 created" link_up $t2
ok "VM 1" vm_add $n1 $t1 02:00:00:07:00:03 10.7.0.3/24
ok "VM 2" vm_add $n2 $t2 02:00:00:07:00:04 10.7.0.4/24
ok "vm1 pings vm2" until_ok pings $n1 10.7.0.4
ok "vm2 pings vm1" until_ok pings $n2 10.7.0.3

vrf=$(grep -o "vrf [0-9]*: d:p:red:red" "$tmp/ag2.log" | head -1 | cut -d' ' -f2 | tr -d :)
ok "vrouter 2 has vm1's route" sh -c "'$CTL' --dp-socket '$tmp/vr2.sock' rt --dump $vrf | grep -q 10.7.0.3"

ok "control node killed" stop cn
ok "headless: vm1 still pings vm2" pings $n1 10.7.0.4
start cn "$MC" -f -c "$tmp/cfg.xml" -x $cn:5269 -H $rest -b $cn:11179
ok "agents reconnect" until_ok sh -c "[ \$(grep -c 'End-of-RIB sent' '$tmp/ag1.log') -ge 2 ]"
ok "ping after the control node is back" until_ok pings $n1 10.7.0.4

ok "agent 1 stopped cleanly" stop ag1
start ag1 "$AG" --name compute-1 --control $cn:5269 --dp-socket "$tmp/vr1.sock" --introspect 127.0.5.11:8085
ok "agent 1 restarted: adopts its vif" wait_for "$tmp/ag1.log" "adopted"
ok "ping after the agent restart" until_ok pings $n1 10.7.0.4

ok "vm1 deleted through miradorctl" "$CTL" -s $rest delete virtual-machine-interface vm1
ok "vrouter 2 loses vm1's route" until_ok sh -c "! '$CTL' --dp-socket '$tmp/vr2.sock' rt --dump $vrf | grep -q 10.7.0.3"
ok "agent 2 exits 0" stop ag2
ok "agent 1 exits 0" stop ag1
done_testing
