#!/bin/sh
# mirror-move.sh - the analyzer moves: vm1's ingress copies (mode 1, to
# an2's address) while vm1 pings vm2 every 50 ms; an2's VMI is replaced
# with virtual-router compute-3 (a new tap there, moved into an2's
# namespace): the copies must follow, routed by compute-1 to the new
# node from the analyzer's route.  Measured and printed: apply -> new
# tap, apply -> first copy on it, the longest gap between copies;
# asserted: the first copy on the new tap within 1 s of the tap being
# in place, and the copies resume within 1 s of the move.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init mirror-move 4
. "$top_srcdir/tests/e2e/topo.sh"
topo_up
ag=ag-compute-1
newtap=t${RID}an2b
mark $ag
vmi_xml vm1 "$(imirror ingress "$(mt_mode1 $IP_an2)")" | cfg_apply
ok "compute-1 mirrors vm1 to an2 on compute-2" \
	until_ok logged $ag "interface-mirror:vm1: dynamic+header.*node $CU2"
sleep 0.3
# -i any (SLL2: the interface index of each frame) sees the new tap too.
rm -f "$tmp/move.cap.log"
ip netns exec "$NS_an2" tshark -i any -y LINUX_SLL2 -f "udp port 8099" \
	-w "$tmp/move.pcap" >"$tmp/move.cap.log" 2>&1 &
_e2e_caps="$_e2e_caps $!"
_cap_move=$!
wait_for "$tmp/move.cap.log" "Capturing on" && sleep 0.5
ip netns exec "$NS_vm1" ping -q -c 80 -i 0.05 -W 1 "$IP_vm2" >/dev/null 2>&1 &
pp=$!
sleep 1
mark $ag
t0=$(now)
vmi_xml an2 "" compute-3 "$newtap" | cfg_apply
ok "an2's tap appears on compute-3 and moves into its namespace" \
	vm_move "$NS_an2" "$newtap" "$MAC_an2" "$IP_an2/24"
tt=$(now)
# Mode 1's entry (UDP to an2's address) does not change: the copies are
# routed by an2's route, which now points to compute-3.
ok "compute-1's route to an2 now points to compute-3 (route-driven)" \
	until_ok sh -c "curl -sf 'http://$CU1:$PI/routes?vrf=$ANRI' |
		grep '^$IP_an2/32 ' | grep -q 'to $CU3'" ||
	{ curl -sf "http://$CU1:$PI/routes?vrf=$ANRI" | sed 's/^/# /'; false; }
tr=$(now)
wait $pp
cap_stop move
idx=$(ip -n "$NS_an2" -o link show "$newtap" | cut -d: -f1)
old=$(fields move "icmp.type==8 && sll.ifindex!=$idx" frame.time_epoch | tail -1)
first=$(fields move "icmp.type==8 && sll.ifindex==$idx" frame.time_epoch | head -1)
n=$(count move "icmp.type==8 && sll.ifindex==$idx")
gap=$(fields move "icmp.type==8" frame.time_epoch | sort -n |
	awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { printf "%d", g * 1000 }')
diag "apply -> tap in place $(elapsed "$t0" "$tt") ms, -> compute-1's route to compute-3 $(elapsed "$t0" "$tr") ms, -> first copy on compute-3 $( [ -n "$first" ] && elapsed "$t0" "$first" || echo never) ms; last copy via compute-2 $( [ -n "$old" ] && elapsed "$t0" "$old" || echo never) ms; longest gap between copies $gap ms; $n copies via compute-3"
ok "copies arrive through compute-3 ($n)" test "$n" -gt 10
ok "first copy on the new tap within 1 s of it being in place" \
	test -n "$first" -a "$(elapsed "$tt" "${first:-0}")" -lt 1000
ok "copies resume within 1 s (longest gap $gap ms)" test "$gap" -lt 1000
expect move "every copy: TLV red, vm1's request, from compute-1" \
	"icmp.type==8" "$(count move "icmp.type==8")|$RED|$CU1,$IP_vm1" \
	juniper.vn.src ip.src
for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
