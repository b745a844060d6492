#!/bin/sh
# agent-sim.sh - mirador-control as a process with 20 simulated agents
# (mirador-agent-sim, 4 interfaces each in 4 networks): every agent
# converges (holds every route of its networks), no message breaks the
# limits, the introspect page lists the agents with their
# subscriptions, and a small run of the XMPP benchmark gets to its end.
# Loopback only; speaks TAP.
set -u
. "$top_srcdir/tests/tap.sh"

T=$(mktemp -d /tmp/mirador-agent-sim.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$T"' EXIT
MC="$top_builddir/control-node/mirador-control"
SIM="$top_builddir/tests/xmpp/mirador-agent-sim"
BASE=$((20000 + ($$ * 7) % 20000))
XP=$BASE HP=$((BASE + 1)) BP=$((BASE + 2))
{
	echo "<config><bgp-router name='cn1'><router-type>control-node"
	echo "</router-type><address>127.0.0.1</address><port>$BP</port>"
	echo "</bgp-router>"
	for i in 0 1 2 3; do
		echo "<virtual-network name='default-domain:sim:vn$i'>"
		echo "<network-id>$((i + 1))</network-id></virtual-network>"
	done
	echo "</config>"
} >"$T/cfg.xml"
"$MC" -f -c "$T/cfg.xml" -l warn -x "127.0.0.1:$XP" -H "127.0.0.1:$HP" \
	-b "127.0.0.1:$BP" 2>"$T/mc.log" &
PID=$!
"$SIM" --server "127.0.0.1:$XP" --agents 20 --interfaces 4 --vns 4 \
	--pid $PID --idle 1 --timeout 30 >"$T/out" 2>"$T/err"
rc=$?
sed 's/^/# /' "$T/out"
ok "20 agents converge" test "$rc" -eq 0
ok "every agent holds every route of its networks" \
	grep -q '^converged=yes' "$T/out"
ok "no message breaks the 32 items / 256 retracts rule" \
	grep -q '^bad_messages=0' "$T/out"
# routes_held: agents 0..19, vn_of = (a + i/10) % 4 = a % 4: 5 agents x 4
# interfaces = 20 interfaces per network, 2 routes each, 40 per agent.
ok "routes held: 20 agents x 40" grep -q '^routes_held=800$' "$T/out"
kill $PID; wait $PID 2>/dev/null; PID=
ok "the node stopped cleanly" test "$(grep -c 'ERROR\|AddressSanitizer' "$T/mc.log")" -eq 0

# The same with the sessions held, read through the introspect pages.
"$MC" -f -c "$T/cfg.xml" -l warn -x "127.0.0.1:$XP" -H "127.0.0.1:$HP" \
	-b "127.0.0.1:$BP" 2>"$T/mc2.log" &
PID=$!
"$SIM" --server "127.0.0.1:$XP" --agents 3 --interfaces 2 --vns 4 \
	--idle 2 --timeout 30 >"$T/out2" 2>&1 &
SPID=$!
sleep 1.5
curl -s --max-time 5 "http://127.0.0.1:$HP/xmpp-connections?format=json" >"$T/conn"
curl -s --max-time 5 "http://127.0.0.1:$HP/xmpp-agents/sim-1?format=json" >"$T/agent"
wait $SPID
ok "/xmpp-connections lists the 3 agents, Established" \
	test "$(grep -o '"state":"Established"' "$T/conn" | wc -l)" -eq 3
ok "/xmpp-agents/sim-1 shows its subscription with instance-id 2" \
	grep -q '"instance":"default-domain:sim:vn1:vn1","instance-id":2' "$T/agent"
kill $PID; wait $PID 2>/dev/null; PID=

XBENCH_AGENTS=20 XBENCH_IFS=4 XBENCH_VNS=4 XBENCH_INGEST=2000 \
	XBENCH_TIMEOUT=30 sh "$top_srcdir/tests/bench/xmpp-bench.sh" \
	>"$T/bench" 2>"$T/bench.err"
rc=$?
sed 's/^/# /' "$T/bench"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/bench.err"
ok "xmpp-bench.sh runs to its end (tiny)" test "$rc" -eq 0
done_testing
