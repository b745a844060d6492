#!/bin/sh
# agent-tap-host.sh - Cloudpods host destinations, end to end:
# mirador-control on 127.0.13.1, two vrouters (underlays 127.0.13.11
# and .12) each with its agent (compute-1, compute-2); VN red with vm1
# on compute-1 and vm2 on compute-2 (namespaces holding their taps).
#  - a tap-service of type host, target compute-2, NIC 02:00:00:0d:00:0a:
#    compute-2's agent gives the NIC a port (a tap "th" + hash in the
#    root namespace, where the host's capture tool reads it);
#  - a tap-flow vnic vm1 BOTH to it: while vm1 pings vm2, tshark on that
#    tap sees vm1's requests and replies, unchanged (the same bytes as
#    at vm1), and lo carries them in GRE with the flow's key from
#    compute-1 to compute-2;
#  - the flow disabled: no copies, compute-2's GRE key gone; enabled:
#    they resume;
#  - a host service on compute-1 itself (vm1's node) with a flow to it:
#    copies on its port, and no GRE on lo.
# Needs root and tshark.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces, TAP devices and raw GRE sockets"
need_cmd tshark
need_cmd ping
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
tmp=$(mktemp -d /tmp/mirador-agent-taphost-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
AG="$top_builddir/agent-stub/mirador-agent"
cn=127.0.13.1 rest=127.0.13.1:8083 u1=127.0.13.11 u2=127.0.13.12
red=d:p:red
m1=02:00:00:0d:00:03 m2=02:00:00:0d:00:04
nic2=02:00:00:0d:00:0a nic1=02:00:00:0d:00:0b
n1=mth1-$$ n2=mth2-$$ t1=tth1-$$ t2=tth2-$$
ts2=tsh2-$$ ts1=tsh1-$$ tf=tfh-$$ tf1=tfh1-$$
. "$top_srcdir/tests/agent/ag-lib.sh"
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
# same WHAT A B FILTER FIELDS...: two captures show the same frames
same() {
	_w=$1 _x=$2 _y=$3 _filt=$4; shift 4
	_a=$(fields "$_x" "$_filt" "$@" | sort)
	_b=$(fields "$_y" "$_filt" "$@" | sort)
	if [ -n "$_a" ] && [ "$_a" = "$_b" ]; then pass "$_w"; else
		fail "$_w"
		diag "$_x: $(echo "$_a" | tr '\n' ';')"
		diag "$_y: $(echo "$_b" | tr '\n' ';')"
	fi
}
# the tap of host service $2 on agent $1's node, from its log
host_tap() {
	sed -n "s/.*tap service $2: host NIC .* tap \(th[0-9a-f]*\).*/\1/p" \
		"$tmp/$1.log" | tail -1
}
# ping_cap: vm1 pings vm2 3 times while the host tap $1 and lo are
# captured into $2.pcap and ${2}lo.pcap
ping_cap() {
	capture "$2" - "$1" icmp
	capture "${2}lo" - lo "ip proto 47"
	ip netns exec $n1 ping -q -c 3 -i 0.2 -W 1 10.13.0.4 >/dev/null
	capstop "$2"
	capstop "${2}lo"
}
hup() { # TAP: up in the root namespace, no IPv6 chatter of its own
	sysctl -q -w "net.ipv6.conf.$1.disable_ipv6=1" 2>/dev/null
	ip link set "$1" up
}

vmi() { # NAME VN VROUTER MAC IP TAP
	cat <<EOT
<virtual-machine-interface name="$1">
  <virtual-network>$2</virtual-network>
  <virtual-router>$3</virtual-router>
  <mac-address>$4</mac-address>
  <ip-addresses><ip-address>$5</ip-address></ip-addresses>
  <tap-name>$6</tap-name>
</virtual-machine-interface>
EOT
}
cat >"$tmp/cfg.xml" <<EOT
<config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>$cn</address>
    <port>11179</port>
  </bgp-router>
  <virtual-network name="$red">
    <network-id>13</network-id>
    <subnets><subnet prefix="10.13.0.0/24" gateway="10.13.0.1"/></subnets>
  </virtual-network>
  <virtual-router name="compute-1"><ip-address>$u1</ip-address></virtual-router>
  <virtual-router name="compute-2"><ip-address>$u2</ip-address></virtual-router>
$(vmi vm1 $red compute-1 $m1 10.13.0.3 $t1)
$(vmi vm2 $red compute-2 $m2 10.13.0.4 $t2)
</config>
EOT
start cn "$MC" -f -c "$tmp/cfg.xml" -x $cn:5269 -H $rest -b $cn:11179
ok "control node up" wait_for "$tmp/cn.log" "xmpp"
ok "vrouter 1" vr_start vr1 --underlay $u1 --socket "$tmp/vr1.sock"
ok "vrouter 2" vr_start vr2 --underlay $u2 --socket "$tmp/vr2.sock"
ok "vrouter 2 has its raw GRE socket" \
	sh -c "! grep -q 'no raw socket for GRE' '$tmp/vr2.log'"
start ag1 "$AG" --name compute-1 --control $cn:5269 \
	--dp-socket "$tmp/vr1.sock" --introspect $u1:8085
start ag2 "$AG" --name compute-2 --control $cn:5269 \
	--dp-socket "$tmp/vr2.sock" --introspect $u2:8085
ok "tap vm1" link_up $t1
ok "tap vm2" link_up $t2
ok "VM 1" vm_add $n1 $t1 $m1 10.13.0.3/24
ok "VM 2" vm_add $n2 $t2 $m2 10.13.0.4/24
ok "vm1 pings vm2" until_ok pings $n1 10.13.0.4
mark ag1; mark ag2

# ---- a host on compute-2, a flow from vm1 on compute-1 ----
"$CTL" -s $rest tap-service-create --type host --target-id compute-2 \
	--mac-addr $nic2 --enable $ts2 >/dev/null
ok "compute-2 gives the host NIC a port" \
	wait_log ag2 "tap service $ts2: host NIC $nic2, vif"
h2=$(host_tap ag2 $ts2)
ok "its tap $h2 appears" link_up "$h2"
hup "$h2"
"$CTL" -s $rest tap-flow-create --tap-id $ts2 --type vnic --interface vm1 \
	--direction BOTH $tf >/dev/null
ok "compute-1 resolves the flow to GRE to compute-2" \
	wait_log ag1 "tap-flow:$tf: tap-host.*GRE key 0x[0-9a-f]* to host compute-2 $u2"
key=$(sed -n "s/.*tap-flow:$tf: tap-host.*GRE key \(0x[0-9a-f]*\).*/\1/p" \
	"$tmp/ag1.log" | tail -1)
ok "compute-2 takes GRE key $key in for the flow" \
	wait_log ag2 "tap flow $tf: GRE key $key -> nexthop"
ok "compute-2's datapath has the key" sh -c \
	"'$CTL' --dp-socket '$tmp/vr2.sock' gre --dump | grep -q '^ *$((key))  '"
sleep 0.2
capture vm1 $n1 $t1 icmp
ping_cap "$h2" h2
capstop vm1
expect h2 "host tap: vm1's 3 requests and 3 replies" \
	"icmp.type==8 || icmp.type==0" "3|0;3|8" icmp.type
# shellcheck disable=SC2086
same "host tap: the frames are vm1's, unchanged" vm1 h2 icmp \
	frame.len eth.src eth.dst ip.src ip.dst ip.id ip.ttl ip.checksum \
	icmp.type icmp.seq icmp.checksum data.data
g=$(fields h2lo "gre.key==$((key)) && icmp" ip.src ip.dst | sort -u |
	tr '\n' ';')
ok "lo: the copies in GRE key $key from $u1 to $u2 ($g)" \
	test "$g" = "$u1,10.13.0.3|$u2,10.13.0.4;$u1,10.13.0.4|$u2,10.13.0.3;"
ok "lo: no other GRE key ($(count h2lo "gre && gre.key!=$((key))"))" \
	test "$(count h2lo "gre && gre.key!=$((key))")" -eq 0

# ---- disabled, enabled ----
mark ag1; mark ag2
"$CTL" -s $rest tap-flow-disable $tf >/dev/null
ok "disabled: compute-1's entry off" wait_log ag1 "tap-flow:$tf: unresolved"
ok "disabled: compute-2 removes the key" \
	wait_log ag2 "tap flow $tf: GRE key $key removed"
sleep 0.2
ping_cap "$h2" h2off
ok "disabled: no copies on the host tap" test "$(count h2off icmp)" -eq 0
ok "disabled: no GRE on lo" test "$(count h2offlo gre)" -eq 0
mark ag1; mark ag2
"$CTL" -s $rest tap-flow-enable $tf >/dev/null
ok "enabled: compute-1 resolves again" wait_log ag1 "tap-flow:$tf: tap-host"
ok "enabled: compute-2 takes the key again" \
	wait_log ag2 "tap flow $tf: GRE key $key -> nexthop"
sleep 0.2
ping_cap "$h2" h2on
expect h2on "enabled: copies resume" \
	"icmp.type==8 || icmp.type==0" "3|0;3|8" icmp.type
"$CTL" -s $rest tap-flow-delete $tf >/dev/null

# ---- a host on compute-1, vm1's own node: no GRE ----
mark ag1; mark ag2
"$CTL" -s $rest tap-service-create --type host --target-id compute-1 \
	--mac-addr $nic1 --enable $ts1 >/dev/null
ok "compute-1 gives its host NIC a port" \
	wait_log ag1 "tap service $ts1: host NIC $nic1, vif"
h1=$(host_tap ag1 $ts1)
ok "its tap $h1 appears" link_up "$h1"
hup "$h1"
"$CTL" -s $rest tap-flow-create --tap-id $ts1 --type vnic --interface vm1 \
	--direction BOTH $tf1 >/dev/null
ok "compute-1 resolves the flow to the local vif" \
	wait_log ag1 "tap-flow:$tf1: tap-host.*host NIC $nic1 on local vif"
sleep 0.2
ping_cap "$h1" h1
expect h1 "local host tap: vm1's 3 requests and 3 replies" \
	"icmp.type==8 || icmp.type==0" "3|0;3|8" icmp.type
ok "local: no GRE on lo" test "$(count h1lo gre)" -eq 0

# ---- everything deleted ----
"$CTL" -s $rest tap-flow-delete $tf1 >/dev/null
"$CTL" -s $rest tap-service-delete $ts1 >/dev/null
"$CTL" -s $rest tap-service-delete $ts2 >/dev/null
ok "compute-1 removes its host NIC port" \
	wait_log ag1 "tap service $ts1: host NIC port $h1 removed"
ok "compute-2 removes its host NIC port" \
	wait_log ag2 "tap service $ts2: host NIC port $h2 removed"
ok "vrouter 2: no GRE key left" sh -c \
	"! '$CTL' --dp-socket '$tmp/vr2.sock' gre --dump | grep -q '^ *[0-9]'"
ok "agent 1 exits 0" stop ag1
ok "agent 2 exits 0" stop ag2
ok "vrouter 1 exits 0, sanitizers silent" vr_stop vr1
ok "vrouter 2 exits 0, sanitizers silent" vr_stop vr2
done_testing
