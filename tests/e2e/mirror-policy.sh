#!/bin/sh
# mirror-policy.sh - flow mirroring from network policies, mode 1 to the
# analyzer an2 (compute-2), every copy decoded by tshark (source and
# destination VN TLVs, the flags TLV: pass/deny, mirror, direction, the
# inner packet):
#  - rule level, a policy on vm1's interface: rule 1 ICMP pass + mirror,
#    rule 2 UDP 7000 deny + mirror (the denied flow is mirrored with the
#    deny flag and vm2 does not get it), rule 3 UDP pass (not mirrored),
#    rule 4 anything pass + mirror: UDP 7001 matches rule 3 first, so
#    only the first matching rule's flows are mirrored;
#  - policy level, a policy on the network red with mirror-to: every
#    flow it passes is mirrored (by compute-1 for vm1 and by compute-2
#    for vm2: both ends apply it), the flow it denies is not.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init mirror-policy 2
. "$top_srcdir/tests/e2e/topo.sh"
topo_up
ag=ag-compute-1
m1=$(mt_mode1 $IP_an2)
rule() { # NAME PROTO DPORT ACTION MIRROR?
	echo "<rule name=\"$1\">"
	[ "$2" != any ] && echo "<protocol>$2</protocol>"
	[ -n "$3" ] && echo "<dst-ports>$3</dst-ports>"
	echo "<action-list><simple-action>$4</simple-action>"
	[ -n "$5" ] && echo "<mirror-to><analyzer-name>an2</analyzer-name>$m1</mirror-to>"
	echo "</action-list></rule>"
}
# traffic CAP: vm1 pings vm2 3 times and sends UDP 7000 and 7001 while
# an2 and vm2 capture.
traffic() {
	cap_start "$1" "$NS_an2" "$TAP_an2" "udp port 8099" &&
		cap_start "$1-vm2" "$NS_vm2" "$TAP_vm2" "udp" || return 1
	vm_ping "$NS_vm1" "$IP_vm2"
	udp_send "$NS_vm1" "$IP_vm2" 7000 40000
	udp_send "$NS_vm1" "$IP_vm2" 7001 40001
	cap_stop "$1"
	cap_stop "$1-vm2"
}
F="icmp.type udp.dstport juniper.vn.src juniper.vn.dst juniper.vn.flags ip.src"

# ---- rule level ----
cfg_apply <<EOT
<config>
<network-policy name="d:p:rules">
  <rules>
$(rule icmp icmp "" pass m)
$(rule no7000 udp 7000 deny m)
$(rule udp udp "" pass "")
$(rule all any "" pass m)
  </rules>
</network-policy>
$(vmi_xml vm1 "<network-policies><network-policy>d:p:rules</network-policy></network-policies>")
</config>
EOT
ok "rule level: compute-1 programs the rules' entries" \
	until_ok logged $ag "rule:d:p:rules#2.*dynamic+header"
sleep 0.3
traffic rule
J="juniper.vn.flags.pass juniper.vn.flags.deny juniper.vn.flags.mirror juniper.vn.flags.direction"
expect rule "rule level: ping mirrored by compute-1 (3 requests: pass, ingress; 3 replies: pass, egress)" \
	"udp.dstport==8099 && (icmp.type==0 || icmp.type==8)" \
	"3|0|1|0|1|0|$CU1,$IP_vm2|$IP_an2,$IP_vm1;3|8|1|0|1|1|$CU1,$IP_vm1|$IP_an2,$IP_vm2" \
	icmp.type $J ip.src ip.dst
expect rule "rule level: denied UDP 7000 mirrored once with the deny flag (rule 2)" \
	"udp.dstport==8099 && !icmp && udp.dstport==7000" \
	"1|0|1|1|1|$CU1,$IP_vm1" $J ip.src
n=$(count rule "udp.dstport==8099 && !icmp && udp.dstport==7001")
ok "rule level: UDP 7001 not mirrored: rule 3 matched first, not rule 4 ($n)" \
	test "$n" -eq 0
expect rule-vm2 "rule level: vm2 got UDP 7001, not the denied 7000" "udp" \
	"1|7001" udp.dstport
# The rules use `any`: the agent expands it into the known networks'
# subnets, so the flow's VN names are those of its addresses (as
# Contrail takes them from the route lookup).
expect rule "rule level: flow copies carry source and destination VN TLVs (red, red)" \
	"udp.dstport==8099 && !(icmp.type==3)" "7|$RED|$RED" juniper.vn.src juniper.vn.dst
jhdr_sane rule "rule level: every copy a Juniper header + frame"

# ---- policy level, on the network ----
cfg_apply <<EOT
<config>
$(vmi_xml vm1)
<network-policy name="d:p:level">
  <mirror-to><analyzer-name>an2</analyzer-name>$m1</mirror-to>
  <rules>
$(rule no7000 udp 7000 deny "")
$(rule all any "" pass "")
  </rules>
</network-policy>
$(red_xml "<network-policies><network-policy>d:p:level</network-policy></network-policies>")
</config>
EOT
cfg_delete network-policy d:p:rules
ok "policy level: compute-1 programs the policy's entry" \
	until_ok logged ag-compute-1 "policy:d:p:level.*dynamic+header"
ok "policy level: compute-2 too (vm2 is in red)" \
	until_ok logged ag-compute-2 "policy:d:p:level.*dynamic+header"
sleep 0.3
traffic level
expect level "policy level: ping mirrored at both ends (compute-1: requests ingress, replies egress; compute-2 the opposite)" \
	"udp.dstport==8099 && (icmp.type==0 || icmp.type==8)" \
	"3|0|1|0|1|0|$CU1,$IP_vm2;3|0|1|0|1|1|$CU2,$IP_vm2;3|8|1|0|1|0|$CU2,$IP_vm1;3|8|1|0|1|1|$CU1,$IP_vm1" \
	icmp.type $J ip.src
expect level "policy level: passed UDP 7001 mirrored at both ends, denied UDP 7000 not" \
	"udp.dstport==8099 && !icmp" \
	"1|8099,7001|1|0|1|0|$CU2,$IP_vm1;1|8099,7001|1|0|1|1|$CU1,$IP_vm1" \
	udp.dstport $J ip.src
expect level-vm2 "policy level: vm2 got UDP 7001, not the denied 7000" "udp" \
	"1|7001" udp.dstport
jhdr_sane level "policy level: every copy a Juniper header + frame"
for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
