# tests/e2e/topo.sh - the suite's standard topology, sourced after
# lib.sh and e2e_init.  Addresses (slot S: $E2E_NET.(S*20 + n)):
#   cn1 .1, cn2 .2        mirador-control, iBGP peers (ibgp-auto-mesh)
#   compute-1..3 .11-.13  mirador-vrouter + mirador-agent, each agent
#                         connected to both control nodes
#   VTEP .9, EXT .8       addresses on lo: a static-mode VTEP and an
#                         external analyzer, captured on lo
# Networks: red (tenant, 10.11.1.0/24, id 111, VNI 111) and anvn
# (10.11.9.0/24, id 119, mirror-destination).  Interfaces:
#   vm1 red compute-1 10.11.1.3    an1 anvn compute-1 10.11.9.9  site=one
#   vm2 red compute-2 10.11.1.4    an2 anvn compute-2 10.11.9.10 site=two
#   vm3 red compute-3 10.11.1.5    an3 anvn compute-3 10.11.9.11 site=three
# every analyzer labelled role=analyzer.  Each is a namespace $NS_x
# holding tap $TAP_x (MAC $MAC_x, address $IP_x, node $NODE_x).
#   topo_config               writes $tmp/cfg.xml (+ $TOPO_EXTRA objects)
#   topo_up                   starts it all (TAP lines), VMs ping
#   vmi_xml NAME [XML] [NODE] [TAP]  the VMI object of NAME with extra
#                             fields (mirrors, policies), on NODE
#   red_xml [XML]             the network red with extra fields
#   mt_mode1 IP | mt_mode2 MAC | mt_mode4 VTEP VNI   mirror-to bodies
#   imirror DIR BODY          an interface-mirror (analyzer-name an)
#   vm_ping NS DST            3 pings 0.2 s apart (some may be lost)
#   ping_cap CAP NS IFACE FILTER [FROM DST]  capture while FROM (vm1)
#                             pings DST (vm2) 3 times
RED=d:p:red ANVN=d:p:anvn ANRI=d:p:anvn:anvn REDRI=d:p:red:red
CN1=$(e2e_addr 1) CN2=$(e2e_addr 2)
CU1=$(e2e_addr 11) CU2=$(e2e_addr 12) CU3=$(e2e_addr 13)
VTEP=$(e2e_addr 9) EXT=$(e2e_addr 8)
GWMAC=00:00:5e:00:01:00
_topo_set() { # NAME VN NODE MAC IP LABELS
	eval "VN_$1=$2 NODE_$1=$3 MAC_$1=$4 IP_$1=$5 LBL_$1='$6'"
	eval "TAP_$1=t$RID$1 NS_$1=e2e$RID-$1"
}
_topo_set vm1 $RED compute-1 02:00:00:11:01:03 10.11.1.3 ""
_topo_set vm2 $RED compute-2 02:00:00:11:01:04 10.11.1.4 ""
_topo_set vm3 $RED compute-3 02:00:00:11:01:05 10.11.1.5 ""
_topo_set an1 $ANVN compute-1 02:00:00:11:09:09 10.11.9.9 one
_topo_set an2 $ANVN compute-2 02:00:00:11:09:0a 10.11.9.10 two
_topo_set an3 $ANVN compute-3 02:00:00:11:09:0b 10.11.9.11 three
TOPO_VMIS="vm1 vm2 vm3 an1 an2 an3"
v() { eval "echo \$${1}_$2"; } # v FIELD NAME: v IP vm1

vmi_xml() { # NAME [EXTRA-XML] [NODE] [TAP]
	_lb=$(v LBL "$1")
	cat <<EOT
<virtual-machine-interface name="$1">
  <virtual-network>$(v VN "$1")</virtual-network>
  <virtual-router>${3:-$(v NODE "$1")}</virtual-router>
  <mac-address>$(v MAC "$1")</mac-address>
  <ip-addresses><ip-address>$(v IP "$1")</ip-address></ip-addresses>
  <tap-name>${4:-$(v TAP "$1")}</tap-name>
EOT
	[ -n "$_lb" ] && cat <<EOT
  <labels><label key="role" value="analyzer"/><label key="site" value="$_lb"/></labels>
EOT
	[ -n "${2:-}" ] && echo "  $2"
	echo "</virtual-machine-interface>"
}
red_xml() { # [EXTRA-XML]: the tenant network red
	cat <<EOT
<virtual-network name="$RED">
  <network-id>111</network-id>
  <subnets><subnet prefix="10.11.1.0/24" gateway="10.11.1.1"/></subnets>
  ${1:-}
</virtual-network>
EOT
}
mt_mode1() {
	echo "<analyzer-ip-address>$1</analyzer-ip-address><routing-instance>$ANRI</routing-instance>"
}
mt_mode2() {
	echo "<juniper-header>false</juniper-header><analyzer-mac-address>$1</analyzer-mac-address><routing-instance>$ANRI</routing-instance>"
}
mt_mode4() {
	echo "<nh-mode>static</nh-mode><static-nh-header><vtep-dst-ip-address>$1</vtep-dst-ip-address><vni>$2</vni></static-nh-header>"
}
imirror() { # DIRECTION BODY
	echo "<interface-mirror><traffic-direction>$1</traffic-direction><mirror-to><analyzer-name>an</analyzer-name>$2</mirror-to></interface-mirror>"
}

topo_config() {
	cat >"$tmp/cfg.xml" <<EOT
<config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>$CN1</address>
    <port>$PB</port>
  </bgp-router>
  <bgp-router name="cn2">
    <router-type>control-node</router-type>
    <address>$CN2</address>
    <port>$PB</port>
  </bgp-router>
$(red_xml)
  <virtual-network name="$ANVN">
    <network-id>119</network-id>
    <mirror-destination>true</mirror-destination>
    <subnets><subnet prefix="10.11.9.0/24" gateway="10.11.9.1"/></subnets>
  </virtual-network>
  <virtual-router name="compute-1"><ip-address>$CU1</ip-address></virtual-router>
  <virtual-router name="compute-2"><ip-address>$CU2</ip-address></virtual-router>
  <virtual-router name="compute-3"><ip-address>$CU3</ip-address></virtual-router>
$(for _x in $TOPO_VMIS; do vmi_xml "$_x"; done)
${TOPO_EXTRA:-}
</config>
EOT
}

topo_up() {
	_tu_failed=$_tap_failed
	_topo_up
	[ "$_tap_failed" -eq "$_tu_failed" ] ||
		bail "the standard topology did not come up (logs: KEEP_TMP=DIR)"
}
_topo_up() {
	topo_config
	"$MC" --check -c "$tmp/cfg.xml" >"$tmp/check.out" 2>&1 ||
		{ fail "topology config valid"; sed 's/^/# /' "$tmp/check.out"; return 1; }
	ok "cn1 up on $CN1" cn_start cn1 "$CN1"
	ok "cn2 up on $CN2" cn_start cn2 "$CN2"
	ok "cn1 and cn2 peer over iBGP" until_ok sh -c \
		"'$CTL' -s $CN1:$PH bgp | grep -q Established"
	ok "compute-1 on $CU1" compute_start compute-1 "$CU1" "$CN1" "$CN2"
	ok "compute-2 on $CU2" compute_start compute-2 "$CU2" "$CN1" "$CN2"
	ok "compute-3 on $CU3" compute_start compute-3 "$CU3" "$CN1" "$CN2"
	for _x in $TOPO_VMIS; do
		ok "$_x: namespace holding $(v TAP "$_x") on $(v NODE "$_x")" \
			vm_start "$(v NS "$_x")" "$(v TAP "$_x")" "$(v MAC "$_x")" \
			"$(v IP "$_x")/24"
	done
	ok "vm1 pings vm2 (compute-1 -> compute-2)" until_ok pings "$NS_vm1" "$IP_vm2"
	ok "vm1 pings vm3 (compute-1 -> compute-3)" until_ok pings "$NS_vm1" "$IP_vm3"
	ok "agents: both XMPP sessions up on every node" until_ok sh -c \
		"for a in $CU1 $CU2 $CU3; do [ \$(curl -sf http://\$a:$PI/xmpp-sessions | grep -c Established) -ge 2 ] || exit 1; done"
}

# Three pings from NS to DST (a late reply is not an error here: the
# captures count what arrived).
vm_ping() { ip netns exec "$1" ping -q -c 3 -i 0.2 -W 1 "$2" >/dev/null 2>&1; return 0; }
ping_cap() { # CAP NS IFACE FILTER [FROM-NS DST]
	cap_start "$1" "$2" "$3" "$4" || return 1
	vm_ping "${5:-$NS_vm1}" "${6:-$IP_vm2}"
	cap_stop "$1"
}
