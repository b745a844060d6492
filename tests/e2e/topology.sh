#!/bin/sh
# topology.sh - the standard topology (tests/e2e/topo.sh) comes up and
# goes down cleanly: two control nodes peered over iBGP, three compute
# nodes each connected to both, VMs and analyzers in namespaces; VM
# traffic between every pair of nodes; each control node holds every
# VM's route (learned from its own agents or over iBGP); everything
# stops with exit 0 and silent sanitizers.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_init topology 0
. "$top_srcdir/tests/e2e/topo.sh"

topo_up
ok "vm2 pings vm3 (compute-2 -> compute-3)" until_ok pings "$NS_vm2" "$IP_vm3"
ok "an1 pings an2 in the analyzer network" until_ok pings "$NS_an1" "$IP_an2"
for c in cn1 cn2; do
	for x in vm1 vm2 vm3 an1 an2 an3; do
		ip=$(v IP $x)
		ok "$c has $x's route $ip/32" until_ok sh -c \
			"'$CTL' -s $(cn_rest $c) routes --prefix $ip/32 | grep -q '$ip/32'"
	done
done
ok "compute-1's introspect: /vrfs lists red and anvn" sh -c \
	"curl -sf http://$CU1:$PI/vrfs | grep -q '$REDRI' &&
	 curl -sf http://$CU1:$PI/vrfs | grep -q '$ANRI'"
diag "set up in $(elapsed "$E2E_T0") ms"
for n in compute-1 compute-2 compute-3; do
	ok "$n stops cleanly (agent and vrouter exit 0)" compute_stop $n
done
ok "cn1 exits 0" cn_stop cn1
ok "cn2 exits 0" cn_stop cn2
done_testing
