#!/bin/sh
# xmpp-bench.sh - the XMPP benchmark (docs/benchmarks.md): mirador-control
# against mirador-agent-sim on loopback, in three runs on fresh nodes:
#   stored:  one agent subscribes one network with no-ribout and
#            publishes XBENCH_INGEST routes (default 200000), rendered
#            before the clock starts; done when the node's page counts
#            them all as paths;
#   ingest:  the same without no-ribout: done when the agent holds them
#            all back (each is ingested, selected, and sent back);
#   scale:   XBENCH_AGENTS agents (500) x XBENCH_IFS interfaces (20) in
#            XBENCH_VNS networks (50): every agent subscribes its
#            networks, publishes an inet and an enet route per interface,
#            and is converged when it holds every route of its networks.
# Prints the figures with the node's CPU seconds and memory (from /proc)
# next to the targets of issue 5 and Contrail's anchor (~700 agents per
# control node at 594 MB RSS), then the framer alone with its fast path
# and with expat alone.  XBENCH_TIMEOUT (s, default 120) bounds each run.
# BENCH_MIRADOR picks the binary (an optimised build is what the figures
# are for).
set -eu
: "${top_builddir:=.}" "${top_srcdir:=.}"
MC=${BENCH_MIRADOR:-"$top_builddir/control-node/mirador-control"}
SIM=${BENCH_SIM:-"$top_builddir/tests/xmpp/mirador-agent-sim"}
PARSE=${BENCH_PARSE:-"$top_builddir/tests/bench/xmpp-parse-bench"}
AGENTS=${XBENCH_AGENTS:-500}
IFS_N=${XBENCH_IFS:-20}
VNS=${XBENCH_VNS:-50}
INGEST=${XBENCH_INGEST:-200000}
TIMEOUT=${XBENCH_TIMEOUT:-120}
OUT=${XBENCH_OUT:-}

T=$(mktemp -d /tmp/mirador-xbench.XXXXXX)
MCPID=
cleanup() {
	[ -n "$MCPID" ] && kill "$MCPID" 2>/dev/null && wait "$MCPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
ulimit -n 8192 2>/dev/null || ulimit -n 4096 2>/dev/null || true

log() { echo "xmpp-bench: $*" >&2; }

BASE=$((20000 + $$ % 20000))
XP=$BASE HP=$((BASE + 1)) BP=$((BASE + 2))

{
	echo "<config><bgp-router name='cn1'><router-type>control-node"
	echo "</router-type><address>127.0.0.1</address><port>$BP</port>"
	echo "</bgp-router>"
	i=0
	while [ "$i" -lt "$VNS" ]; do
		echo "<virtual-network name='default-domain:sim:vn$i'>"
		echo "<network-id>$((i + 1))</network-id></virtual-network>"
		i=$((i + 1))
	done
	echo "</config>"
} >"$T/cfg.xml"

start_node() {
	"$MC" -f -c "$T/cfg.xml" -l warn -x "127.0.0.1:$XP" \
		-H "127.0.0.1:$HP" -b "127.0.0.1:$BP" 2>>"$T/mc.log" &
	MCPID=$!
	n=0
	while ! curl -s --max-time 1 "http://127.0.0.1:$HP/" >/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || { log "node did not start"; cat "$T/mc.log" >&2; exit 1; }
		sleep 0.1
	done
	sleep 0.2
	BASE_RSS=$(awk '/^VmRSS/ { print $2 }' "/proc/$MCPID/status")
}

stop_node() {
	kill "$MCPID"
	wait "$MCPID" 2>/dev/null || true
	MCPID=
}

val() { sed -n "s/^$1=//p" "$2" | tail -1; }

log "ingest: 1 agent, $INGEST routes, stored (no-ribout)"
start_node
"$SIM" --server "127.0.0.1:$XP" --ingest "$INGEST" --pid "$MCPID" \
	--http "127.0.0.1:$HP" --timeout "$TIMEOUT" >"$T/stored" ||
	{ log "stored ingest run failed"; cat "$T/stored" >&2; exit 1; }
stop_node

log "ingest: 1 agent, $INGEST routes, reflected back to it"
start_node
"$SIM" --server "127.0.0.1:$XP" --ingest "$INGEST" --pid "$MCPID" \
	--timeout "$TIMEOUT" >"$T/ingest" || { log "ingest run failed"; cat "$T/ingest" >&2; exit 1; }
stop_node

log "scale: $AGENTS agents x $IFS_N interfaces in $VNS networks"
start_node
"$SIM" --server "127.0.0.1:$XP" --agents "$AGENTS" --interfaces "$IFS_N" \
	--vns "$VNS" --pid "$MCPID" --idle 2 --timeout "$TIMEOUT" \
	>"$T/scale" || { log "scale run failed"; cat "$T/scale" >&2; exit 1; }
stop_node

cpu_of() { awk -v a="$(val before_cpu_s "$1")" -v b="$(val after_cpu_s "$1")" \
	'BEGIN { printf "%.2f", b - a }'; }
per_cpu() { awk -v n="$INGEST" -v c="$1" \
	'BEGIN { if (c > 0) printf "%.0f", n / c; else print "-" }'; }
st_rate=$(val ingest_routes_per_s "$T/stored")
st_cpu_rate=$(per_cpu "$(cpu_of "$T/stored")")
ing_rate=$(val ingest_routes_per_s "$T/ingest")
ing_ms=$(val ingest_ms "$T/ingest")
ing_cpu_rate=$(per_cpu "$(cpu_of "$T/ingest")")
conv=$(val convergence_ms "$T/scale")
idle_rss=$(val idle_rss_kb "$T/scale")
per=$(awk -v i="$idle_rss" -v b="$BASE_RSS" -v n="$AGENTS" \
	'BEGIN { printf "%.1f", (i - b) / n }')
conv_cpu=$(awk -v a="$(val idle_cpu_s "$T/scale")" \
	-v b="$(val converged_cpu_s "$T/scale")" 'BEGIN { printf "%.2f", b - a }')
hwm=$(val held_hwm_kb "$T/scale")
items=$(val items_received "$T/scale")

{
	echo "mirador-control $("$MC" --version | awk '{ print $2 }'), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
	printf '%-44s %14s %16s\n' "figure" "mirador" "target"
	printf '%-44s %14s %16s\n' "ingest, 1 session: routes/s (wall)" "$st_rate" ">= 200000"
	printf '%-44s %14s %16s\n' "  routes per node CPU-second" "$st_cpu_rate" ">= 200000"
	printf '%-44s %14s %16s\n' "ingest + reflect to it: routes/s (wall)" "$ing_rate" ""
	printf '%-44s %14s %16s\n' "  routes per node CPU-second" "$ing_cpu_rate" ""
	printf '%-44s %14s %16s\n' "  wall ms for $INGEST routes" "$ing_ms" ""
	printf '%-44s %14s %16s\n' "$AGENTS agents converge: wall ms" "$conv" "< 10000"
	printf '%-44s %14s %16s\n' "  node CPU-seconds to converge" "$conv_cpu" ""
	printf '%-44s %14s %16s\n' "  items the agents received" "$items" ""
	printf '%-44s %14s %16s\n' "KiB per idle agent session" "$per" "< 64"
	printf '%-44s %14s %16s\n' "node peak RSS KiB with $AGENTS agents" "$hwm" "Contrail: 594 MB/700"
	# The framer alone, with its fast path and with expat alone.
	if [ -x "$PARSE" ]; then
		echo "framer alone (tests/bench/xmpp-parse-bench):"
		"$PARSE" 100000 65536 3 | sed 's/^/  /'
	fi
} | tee ${OUT:+"$OUT"}
