#!/bin/sh
# mirror-tap.sh - Cloudpods tap-service / tap-flow.  ts1: a guest tap
# service targeting an1 (compute-1); vm1 pings vm2 (compute-2) three
# times and an1 captures what it gets (mode 2: the frames unchanged):
#  - a vnic flow on vm2, BOTH: the 3 requests and 3 replies, from
#    compute-2 to compute-1; disabled: nothing; enabled again: copies;
#  - a vswitch flow (compute-2, red), BOTH: the same; with vlan-id 100:
#    compute-2's entry carries the VLAN filter, vm2's frames tagged 100
#    are copied and the untagged ping is not copied;
#  - a host tap service: what the agent does with it (done or the reason).
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init mirror-tap 5
. "$top_srcdir/tests/e2e/topo.sh"
topo_up
ag=ag-compute-2
want="3|0|$IP_vm2|$IP_vm1;3|8|$IP_vm1|$IP_vm2"
mark $ag
ok "tap service ts1 (guest, an1) created enabled" \
	ctl_all tap-service-create --type guest --target-id an1 --enable ts1
ok "vnic tap flow on vm2, BOTH" ctl_all tap-flow-create --tap-id ts1 \
	--type vnic --interface vm2 --direction BOTH tf1
ok "compute-2 programs the tap flow" until_ok logged $ag "tap-flow:tf1: "
since $ag | grep "tap-flow:tf1" | sed 's/^/# agent: /'
sleep 0.3
ping_cap vnic "$NS_an1" "$TAP_an1" icmp
expect vnic "vnic BOTH: an1 gets vm2's 3 requests and 3 replies" icmp \
	"$want" icmp.type ip.src ip.dst
mark $ag
ok "tap flow disabled" ctl_all tap-flow-disable tf1
ok "compute-2: entry off" until_ok logged $ag "tap-flow:tf1: unresolved"
sleep 0.3
ping_cap off "$NS_an1" "$TAP_an1" icmp
ok "disabled: no copies" test "$(count off icmp)" -eq 0
mark $ag
ok "tap flow enabled" ctl_all tap-flow-enable tf1
ok "compute-2: entry on again" until_ok sh -c \
	"tail -n +1 '$tmp/$ag.log' | grep 'tap-flow:tf1' | tail -1 | grep -qv unresolved"
sleep 0.3
ping_cap on "$NS_an1" "$TAP_an1" icmp
expect on "enabled again: copies resume" icmp "$want" icmp.type ip.src ip.dst
ctl_all tap-flow-delete tf1

# ---- vswitch source ----
mark $ag
ok "vswitch tap flow (compute-2, red), BOTH" ctl_all tap-flow-create \
	--tap-id ts1 --type vswitch --host-id compute-2 --wire-id $RED \
	--direction BOTH tf2
ok "compute-2 programs it" until_ok logged $ag "tap-flow:tf2: "
sleep 0.3
ping_cap vsw "$NS_an1" "$TAP_an1" icmp
expect vsw "vswitch BOTH: an1 gets the 3 requests and 3 replies" icmp \
	"$want" icmp.type ip.src ip.dst
mark $ag
ctl_all tap-flow-delete tf2
ok "vswitch tap flow with vlan-id 100" ctl_all tap-flow-create \
	--tap-id ts1 --type vswitch --host-id compute-2 --wire-id $RED \
	--vlan-id 100 --direction BOTH tf3
ok "compute-2 programs the VLAN filter (mirror --dump: vlan=100)" \
	until_ok sh -c "'$CTL' --dp-socket '$tmp/compute-2.sock' mirror --dump | grep -q 'vlan.100'"
dp compute-2 mirror --dump | sed 's/^/# compute-2 mirror --dump: /'
sleep 0.3
ping_cap vlan "$NS_an1" "$TAP_an1" icmp
ok "VLAN 100 filter: the untagged ping is not copied" \
	test "$(count vlan icmp)" -eq 0
# vm2 sends on VLAN 100 (a VLAN interface on its tap, a static neighbour
# for the vrouter MAC: nothing answers, the port copy is taken before
# routing): exactly those frames are copied, tagged.
vlan_if() {
	ip -n "$NS_vm2" link add link "$TAP_vm2" name v100 type vlan id 100 &&
		ip -n "$NS_vm2" addr add 10.200.0.2/24 dev v100 &&
		ip -n "$NS_vm2" link set v100 up &&
		ip -n "$NS_vm2" neigh add 10.200.0.1 lladdr 00:00:5e:00:01:00 \
			dev v100
}
if vlan_if 2>"$tmp/vlan.err"; then
	ping_cap vlan2 "$NS_an1" "$TAP_an1" "vlan" "$NS_vm2" 10.200.0.1
	expect vlan2 "VLAN 100 filter: vm2's 3 tagged requests copied, tag kept" \
		"icmp" "3|100|8|10.200.0.2|10.200.0.1" vlan.id icmp.type ip.src \
		ip.dst
	ip -n "$NS_vm2" link del v100
else
	# e.g. a kernel without 802.1Q devices (no 8021q module)
	echo "*** SKIPPED: no VLAN device in vm2: $(cat "$tmp/vlan.err") ***" >&2
	skip "VLAN 100 filter: tagged frames copied" \
		"this kernel cannot make a VLAN device ($(head -1 "$tmp/vlan.err")); the filter is tested in tests/datapath (test_fwd_vlan_filter)"
fi
ctl_all tap-flow-delete tf3

# ---- host destination ----
mark ag-compute-1
ok "host tap service ts2 (compute-3, a NIC MAC)" ctl_all tap-service-create \
	--type host --target-id compute-3 --mac-addr 02:00:00:11:0e:0e --enable ts2
ok "vnic flow of vm1 to it" ctl_all tap-flow-create --tap-id ts2 \
	--type vnic --interface vm1 --direction OUT tf4
until_ok logged ag-compute-1 "tap-flow:tf4: " || true
why=$(since ag-compute-1 | grep "tap-flow:tf4: " | tail -1 | sed 's/.*tap-flow:tf4: //')
diag "compute-1 on the host tap flow: $why"
case $why in
unresolved*)
	echo "*** SKIPPED: host tap service: $why ***" >&2
	skip "host destination: GRE copies to compute-3's NIC" "agent: $why" ;;
*)
	ping_cap host - lo "ip proto 47 and dst host $CU3"
	ok "host destination: GRE copies to compute-3 ($(count host gre))" \
		test "$(count host "gre && icmp.type==8")" -eq 3 ;;
esac
for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
