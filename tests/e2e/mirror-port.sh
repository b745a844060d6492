#!/bin/sh
# mirror-port.sh - port mirroring (interface-mirror on vm1, compute-1)
# in each direction and each mode, with the analyzer on the same node
# (an1, compute-1) and on another node (an2, compute-2).  vm1 pings vm2
# (compute-2) three times; what the analyzer captures must be exactly:
#   ingress: vm1's 3 echo requests; egress: the 3 replies vm1 receives;
#   both: the 6.
#   mode 1 (Juniper header, UDP 8099): every copy decoded by tshark,
#     source VN TLV = red for ingress, destination VN TLV = red for
#     egress, no flags TLV (port mirror), the inner IPv4 addresses;
#   mode 2 (no header, VXLAN to the analyzer's node): the frames
#     unchanged (vm1's MAC as source of requests / destination of replies);
#   mode 4 (static VXLAN, VNI 7777, to the VTEP on lo).
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init mirror-port 1
. "$top_srcdir/tests/e2e/topo.sh"
topo_up
ag=ag-compute-1

# conf NAME WHAT DIR BODY MODE-PATTERN: vm1's interface-mirror set
# (after clearing the previous one), waits until compute-1 programs it.
conf() {
	_cn=$1 _dir=$3 _body=$4 _mp=$5
	case $_dir in ingress) _fl=rx ;; egress) _fl=tx ;; both) _fl=rxtx ;; esac
	mark $ag
	vmi_xml vm1 | cfg_apply || return 1
	wait_log $ag "interface vm1: port mirror off" 5 ||
		logged $ag "interface vm1: port mirror" || true
	mark $ag
	vmi_xml vm1 "$(imirror "$_dir" "$_body")" | cfg_apply || return 1
	wait_log $ag "interface vm1: port mirror $_fl " &&
		until_ok logged $ag "interface-mirror:vm1: $_mp"
}
want_icmp() { # DIR "REQ" "REP": the expected lines of both kinds
	case $1 in
	ingress) echo "$2" ;; egress) echo "$3" ;; both) echo "$3;$2" ;;
	esac
}

for an in an1 an2; do
	where="same node"; [ $an = an2 ] && where="other node"
	ns=$(v NS $an) tap=$(v TAP $an) aip=$(v IP $an) amac=$(v MAC $an)
	for dir in ingress egress both; do
		# ---- mode 1 ----
		w="mode 1 $dir, analyzer $where"
		ok "$w: programmed" conf m1 "$w" $dir "$(mt_mode1 $aip)" \
			"dynamic+header"
		ping_cap m1-$an-$dir "$ns" "$tap" "udp port 8099"
				# (port mirroring copies every frame: an ARP vm1 sends in
		# the window is copied too, so the echo copies are counted)
		expect m1-$an-$dir "$w: exactly the copies from compute-1, VN TLVs, inner frames" \
			"udp.dstport==8099 && icmp" \
			"$(want_icmp $dir "3|8|$RED||$CU1,$IP_vm1|$aip,$IP_vm2" "3|0||$RED|$CU1,$IP_vm2|$aip,$IP_vm1")" \
			icmp.type juniper.vn.src juniper.vn.dst ip.src ip.dst
		n=$(count m1-$an-$dir "udp.dstport==8099 && juniper.vn.flags")
		ok "$w: no flags TLV on port copies ($n)" test "$n" -eq 0
		jhdr_sane m1-$an-$dir "$w: every copy a Juniper header + frame"
		# ---- mode 2 ----
		w="mode 2 $dir, analyzer $where"
		ok "$w: programmed" conf m2 "$w" $dir "$(mt_mode2 $amac)" \
			"dynamic,"
		ping_cap m2-$an-$dir "$ns" "$tap" "icmp"
		expect m2-$an-$dir "$w: exactly the frames, unchanged" "icmp" \
			"$(want_icmp $dir "3|8|$MAC_vm1|$GWMAC|$IP_vm1|$IP_vm2" "3|0|$GWMAC|$MAC_vm1|$IP_vm2|$IP_vm1")" \
			icmp.type eth.src eth.dst ip.src ip.dst
	done
done
# ---- mode 4: the VTEP wherever the analyzer is ----
for dir in ingress egress both; do
	w="mode 4 $dir, VTEP $VTEP"
	ok "$w: programmed" conf m4 "$w" $dir "$(mt_mode4 $VTEP 7777)" static
	ping_cap m4-$dir - lo "udp dst port 4789 and dst host $VTEP"
	expect m4-$dir "$w: exactly the frames in VNI 7777 from compute-1" \
		"icmp" \
		"$(want_icmp $dir "3|8|7777|$CU1,$IP_vm1|$VTEP,$IP_vm2" "3|0|7777|$CU1,$IP_vm2|$VTEP,$IP_vm1")" \
		icmp.type vxlan.vni ip.src ip.dst
done
vmi_xml vm1 | cfg_apply
ok "mirror removed: compute-1 has no mirror entry left" until_ok sh -c \
	"! '$CTL' --dp-socket '$tmp/compute-1.sock' mirror --dump | grep -q '^ *[0-9]'"
for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
