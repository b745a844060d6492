#!/bin/sh
# agent-ping.sh - mirador-control on 127.0.5.1 (XMPP 5269, REST 8083), two
# mirador-vrouter (underlays 127.0.5.11, 127.0.5.12) and two mirador-agent
# (compute-1, compute-2), one VN, VMIs vm1 and vm2 in namespaces.  The
# agents create the taps (through the vrouters), publish the routes; the
# VMs ping each other; a VMI deleted with miradorctl is withdrawn on the
# other side; the control node killed: ping goes on (headless); back:
# the agents reconnect; an agent restarted: ping again; everything again
# over mutual TLS, and an agent with a certificate of another CA
# refused.  Needs root, openssl, curl.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "network namespaces and TAP devices"
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
need_cmd ping
need_cmd openssl
need_cmd curl
tmp=$(mktemp -d /tmp/mirador-agent-ping-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
AG="$top_builddir/agent-stub/mirador-agent"
cn=127.0.5.1 rest=127.0.5.1:8083
n1=mag1-$$ n2=mag2-$$ t1=tma1-$$ t2=tma2-$$
. "$top_srcdir/tests/agent/ag-lib.sh"
trap ag_cleanup EXIT
trap 'exit 1' INT TERM

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

# TLS: the control node asks for STARTTLS and client certificates
# signed by its CA; the agents present theirs; one signed by another CA
# is refused.
pki() { # NAME CA: a key and a certificate for NAME signed by CA
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$tmp/$1.key" -out "$tmp/$1.csr" -subj "/CN=$1" \
		2>/dev/null &&
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$2.crt" \
		-CAkey "$tmp/$2.key" -CAcreateserial -out "$tmp/$1.crt" \
		-days 1 2>/dev/null
}
ca() { # NAME: a self-signed CA
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$tmp/$1.key" -out "$tmp/$1.crt" -days 1 \
		-subj "/CN=$1" 2>/dev/null
}
mkpki() {
	ca ca && ca other && pki cn1 ca && pki compute-1 ca &&
		pki compute-2 ca && pki rogue other
}
ok "a PKI (openssl)" mkpki
ok "agent 1 stopped" stop ag1
ok "agent 2 stopped" stop ag2
ok "control node stopped" stop cn
start cn "$MC" -f -c "$tmp/cfg.xml" -x $cn:5269 -H $rest -b $cn:11179 \
	--xmpp-cert "$tmp/cn1.crt" --xmpp-key "$tmp/cn1.key" \
	--xmpp-ca "$tmp/ca.crt"
ok "control node up with TLS" wait_for "$tmp/cn.log" "xmpp"
for i in 1 2; do
	start ag$i "$AG" --name compute-$i --control $cn:5269 \
		--dp-socket "$tmp/vr$i.sock" --introspect 127.0.5.1$i:8085 \
		--xmpp-cert "$tmp/compute-$i.crt" --xmpp-key "$tmp/compute-$i.key" \
		--xmpp-ca "$tmp/ca.crt"
done
ok "over TLS: vm1 pings vm2" until_ok pings $n1 10.7.0.4
ok "agent 1's session is TLS" until_ok sh -c \
	"curl -s 'http://127.0.5.11:8085/xmpp-sessions?format=json' | grep -q '\"tls\":true'"
ok "the control node shows the agents' certificates" until_ok sh -c \
	"'$CTL' -s $rest xmpp | grep -q compute-2"
start rogue "$AG" --name compute-9 --control $cn:5269 \
	--dp-socket "$tmp/none.sock" --introspect none \
	--xmpp-cert "$tmp/rogue.crt" --xmpp-key "$tmp/rogue.key" \
	--xmpp-ca "$tmp/ca.crt"
sleep 1
ok "a certificate of another CA is refused" sh -c \
	"! '$CTL' -s $rest xmpp | grep -q compute-9"
ok "... and that agent exits cleanly" stop rogue

ok "vm1 deleted through miradorctl" "$CTL" -s $rest delete virtual-machine-interface vm1
ok "vrouter 2 loses vm1's route" until_ok sh -c "! '$CTL' --dp-socket '$tmp/vr2.sock' rt --dump $vrf | grep -q 10.7.0.3"
ok "agent 2 exits 0" stop ag2
ok "agent 1 exits 0" stop ag1
done_testing
