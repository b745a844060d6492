#!/bin/sh
# mirror-dest.sh - CN2-style mirror-destination objects:
#  - analyzer-selector: labels role=analyzer,site=two choose an2
#    (compute-2): vm1's ingress copies (mode 1) reach an2 and no other
#    analyzer; the selector replaced by site=three: they go to an3
#    (compute-3) instead;
#  - external-analyzer-ip: an address on the fabric side ($EXT on lo,
#    outside the overlay): the copies leave compute-1's underlay to it,
#    captured on lo.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init mirror-dest 3
. "$top_srcdir/tests/e2e/topo.sh"
topo_up
ag=ag-compute-1
md() { # NAME SITE: a mirror-destination choosing by labels
	cat <<EOT
<mirror-destination name="$1">
  <analyzer-selector><label key="role" value="analyzer"/><label key="site" value="$2"/></analyzer-selector>
</mirror-destination>
EOT
}
usemd() { # MIRROR-DESTINATION: vm1's ingress mirrored through it
	vmi_xml vm1 "<interface-mirror><traffic-direction>ingress</traffic-direction><mirror-to><mirror-destination>$1</mirror-destination></mirror-to></interface-mirror>"
}
caps3() { # TAG: capture at the three analyzers while vm1 pings vm2
	for a in an1 an2 an3; do
		cap_start "$1-$a" "$(v NS $a)" "$(v TAP $a)" "udp port 8099" || return 1
	done
	vm_ping "$NS_vm1" "$IP_vm2"
	for a in an1 an2 an3; do cap_stop "$1-$a"; done
}
W="icmp.type juniper.vn.src ip.src ip.dst"

# ---- analyzer-selector ----
mark $ag
printf '<config>%s%s</config>\n' "$(md md-sel two)" "$(usemd md-sel)" | cfg_apply
ok "selector site=two: cn1 resolves md-sel to an2" until_ok sh -c \
	"'$CTL' -s $(cn_rest cn1) mirrors | grep md-sel | grep -q '$IP_an2'"
ok "selector site=two: compute-1 programs it" \
	until_ok logged $ag "interface-mirror:vm1: dynamic+header.*$IP_an2"
sleep 0.3
caps3 sel2
expect sel2-an2 "selector site=two: an2 gets vm1's 3 requests (TLV red)" \
	"udp.dstport==8099 && icmp" "3|8|$RED|$CU1,$IP_vm1|$IP_an2,$IP_vm2" $W
ok "selector site=two: an1 and an3 get nothing" test \
	"$(count sel2-an1 udp)$(count sel2-an3 udp)" = 00
jhdr_sane sel2-an2 "selector site=two: every copy a Juniper header + frame"

mark $ag
md md-sel three | cfg_apply
ok "selector site=three: compute-1 re-resolves to an3" \
	until_ok logged $ag "interface-mirror:vm1: dynamic+header.*$IP_an3"
sleep 0.3
caps3 sel3
expect sel3-an3 "selector site=three: an3 gets vm1's 3 requests" \
	"udp.dstport==8099 && icmp" "3|8|$RED|$CU1,$IP_vm1|$IP_an3,$IP_vm2" $W
ok "selector site=three: an1 and an2 get nothing" test \
	"$(count sel3-an1 udp)$(count sel3-an2 udp)" = 00
"$CTL" -s "$(cn_rest cn1)" mirrors | grep "md-sel" | sed 's/^/# cn1 mirrors: /'

# ---- external analyzer through the fabric ----
mark $ag
printf '<config><mirror-destination name="md-ext"><external-analyzer-ip>%s</external-analyzer-ip></mirror-destination>%s</config>\n' \
	"$EXT" "$(usemd md-ext)" | cfg_apply
"$CTL" -s "$(cn_rest cn1)" mirrors | grep "md-ext" | sed 's/^/# cn1 mirrors: /'
# Without a route to it (a gateway advertising it over BGP: the gateway
# scenarios) the entry must stay unresolved, with the reason, and send
# nothing; with one it must go out of the fabric.
ok "external analyzer $EXT: cn1 resolves md-ext to it" sh -c \
	"'$CTL' -s $(cn_rest cn1) mirrors | grep md-ext | grep -q '$EXT'"
if until_ok -t 3 logged $ag "interface-mirror:vm1: dynamic+header"; then
	ping_cap ext - lo "udp dst port 8099 and dst host $EXT"
	expect ext "external analyzer: the 3 requests leave compute-1's underlay to $EXT" \
		"udp.dstport==8099 && icmp" "3|8|$RED|$CU1,$IP_vm1|$EXT,$IP_vm2" $W
else
	why=$(since $ag | grep "interface-mirror:vm1: unresolved" | tail -1 |
		sed 's/.*discarded): //')
	ok "external analyzer unrouted: compute-1 says why ($why)" \
		test -n "$why"
	ping_cap ext - lo "udp dst port 8099 and dst host $EXT"
	ok "external analyzer unrouted: nothing sent to $EXT" \
		test "$(count ext udp)" -eq 0
		# with a route from a gateway the copies do go through the fabric:
	# tests/e2e/gateway.sh (an analyzer learned from gobgpd)
fi
for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
