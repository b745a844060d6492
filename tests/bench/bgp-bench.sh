#!/bin/sh
# bgp-bench.sh - the BGP benchmark (`make bench`, docs/benchmarks.md).
#
# A generator (bgp-blaster inject, 127.0.4.2, AS 65001) sends N IPv4
# unicast and N inet-vpn routes to the device under test (127.0.4.1:1179,
# AS 65000), which re-advertises them to a monitor (bgp-blaster monitor,
# 127.0.4.3, AS 65002).  The DUT is mirador-control, then BIRD, FRR bgpd
# and gobgpd, each with the same two eBGP sessions.  For each DUT and N it
# prints CPU seconds, peak RSS, bytes per route and the time to 100 %:
#
#   cpu      utime+stime of the DUT process (/proc/PID/stat), from just
#            before the first UPDATE until it is idle after the monitor
#            has every route (its CPU time unchanged for a second);
#   peak     VmHWM of the DUT process at that point;
#   B/route  (VmRSS then - VmRSS just before the first UPDATE) / (2 N),
#            2 N being the routes the DUT holds;
#   time     from the generator's first UPDATE until the monitor has all
#            2 N routes (both CLOCK_MONOTONIC).
# Then the DUT is stopped (SIGTERM, SIGKILL after BENCH_STOP_WAIT
# seconds), and the generator and monitor (SIGKILL).
#
# Environment: BENCH_N (routes per family, default "100000 1000000"),
# BENCH_DUTS (default "mirador bird frr gobgp"; one that is not installed
# is skipped, loudly), BENCH_REPEAT (runs per DUT and N, the median is
# shown, default 1), BENCH_TIMEOUT (seconds per run, default 900),
# BENCH_OUT (also write the table there), BENCH_TABLE (write one line per
# DUT and N there: "dut n cpu peak_kb bpr time gen_cpu mon_cpu"),
# BENCH_MIRADOR (the mirador-control to run, e.g. another build's, for a
# before/after), BENCH_KEEP=1 (keep the work directory), BENCH_PERF=DIR (record the DUT
# with `perf record -g` from the first UPDATE to idle, into
# DIR/DUT-N-RUN.data; the profile costs the DUT some CPU).  Loopback only; every process started is stopped.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BENCH_N=${BENCH_N:-"100000 1000000"}
BENCH_DUTS=${BENCH_DUTS:-"mirador bird frr gobgp"}
BENCH_REPEAT=${BENCH_REPEAT:-1}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}

BLASTER="$top_builddir/tests/bench/bgp-blaster"
MC=${BENCH_MIRADOR:-"$top_builddir/control-node/mirador-control"}
FRR_BGPD=/usr/lib/frr/bgpd
DUT_IP=127.0.4.1
GEN_IP=127.0.4.2
MON_IP=127.0.4.3
PORT=1179
HZ=$(getconf CLK_TCK)

for f in "$BLASTER" "$MC"; do
	[ -x "$f" ] || {
		echo "bgp-bench: $f is not built (make)" >&2
		exit 1
	}
done

T=$(mktemp -d /tmp/mirador-bench.XXXXXX)
chmod 755 "$T"
PIDS=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bgp-bench: work directory kept: $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bgp-bench: $*" >&2; }

# ---------------------------------------------------------------------
# The four DUTs: configuration and start.  Each start_X leaves the PID of
# the process to measure in DUT_PID (and adds it to PIDS).

have_mirador() { true; }
ver_mirador() {
	v=$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null || echo "?")
	[ -n "${BENCH_MIRADOR:-}" ] && v="$BENCH_MIRADOR"
	echo "mirador-control $v"
}
start_mirador() {
	cat >"$1/mirador.xml" <<EOF
<config>
  <global-system-config>
    <autonomous-system>65000</autonomous-system>
  </global-system-config>
  <bgp-router name="dut">
    <router-type>control-node</router-type>
    <address>$DUT_IP</address>
    <port>$PORT</port>
    <address-families><family>inet</family><family>inet-vpn</family></address-families>
    <peers>
      <peer name="gen"><passive>true</passive></peer>
      <peer name="mon"><passive>true</passive></peer>
    </peers>
  </bgp-router>
  <bgp-router name="gen">
    <router-type>router</router-type>
    <address>$GEN_IP</address>
    <autonomous-system>65001</autonomous-system>
    <address-families><family>inet</family><family>inet-vpn</family></address-families>
  </bgp-router>
  <bgp-router name="mon">
    <router-type>router</router-type>
    <address>$MON_IP</address>
    <autonomous-system>65002</autonomous-system>
    <address-families><family>inet</family><family>inet-vpn</family></address-families>
  </bgp-router>
</config>
EOF
	"$MC" -f -c "$1/mirador.xml" -N dut -L "$1/mirador.log" -l info \
		--http "$DUT_IP:0" --xmpp "$DUT_IP:0" 2>>"$1/mirador.err" &
	DUT_PID=$!
	PIDS="$PIDS $DUT_PID"
}

have_bird() { command -v bird >/dev/null 2>&1; }
ver_bird() { bird --version 2>&1 | head -1; }
start_bird() {
	# multihop: the peers are not on a shared subnet (loopback), so next
	# hops are recursive; with no IGP they stay unresolved, which BIRD
	# keeps and exports (it programs no FIB here anyway).
	cat >"$1/bird.conf" <<EOF
router id $DUT_IP;
log stderr { warning, error, fatal, bug };
ipv4 table master4;
vpn4 table vpntab4;
protocol device { }
template bgp dut {
  local $DUT_IP port $PORT as 65000;
  strict bind yes;
  passive on;
  multihop;
  ipv4 { import all; export all; };
  vpn4 mpls { import all; export all; };
}
protocol bgp gen from dut { neighbor $GEN_IP as 65001; }
protocol bgp mon from dut { neighbor $MON_IP as 65002; }
EOF
	bird -f -c "$1/bird.conf" -s "$1/bird.ctl" -P "$1/bird.pid" \
		2>>"$1/bird.log" &
	DUT_PID=$!
	PIDS="$PIDS $DUT_PID"
}

have_frr() { [ -x "$FRR_BGPD" ]; }
ver_frr() { echo "FRR $("$FRR_BGPD" --version | sed -n 's/^bgpd version //p')"; }
start_frr() {
	# -Z: no zebra (no FIB to program), so bgpd is the one process.
	cat >"$1/frr.conf" <<EOF
frr defaults traditional
hostname dut
!
router bgp 65000
 bgp router-id $DUT_IP
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor $GEN_IP remote-as 65001
 neighbor $MON_IP remote-as 65002
 neighbor $GEN_IP passive
 neighbor $MON_IP passive
 neighbor $GEN_IP disable-connected-check
 neighbor $MON_IP disable-connected-check
 neighbor $GEN_IP advertisement-interval 0
 neighbor $MON_IP advertisement-interval 0
 !
 address-family ipv4 unicast
  neighbor $GEN_IP activate
  neighbor $MON_IP activate
 exit-address-family
 !
 address-family ipv4 vpn
  neighbor $GEN_IP activate
  neighbor $MON_IP activate
 exit-address-family
exit
!
EOF
	mkdir -p "$1/frr"
	chown frr:frr "$1/frr" 2>/dev/null
	"$FRR_BGPD" -f "$1/frr.conf" -i "$1/frr/bgpd.pid" -Z -S \
		-p "$PORT" -l "$DUT_IP" -P 0 --vty_socket "$1/frr" \
		--log stdout --log-level warnings >>"$1/frr.log" 2>&1 &
	DUT_PID=$!
	PIDS="$PIDS $DUT_PID"
}

have_gobgp() { command -v gobgpd >/dev/null 2>&1; }
ver_gobgp() { echo "GoBGP $(gobgpd --version | sed -n 's/^gobgpd version //p')"; }
start_gobgp() {
	_d=$1
	{
		cat <<EOF
[global.config]
  as = 65000
  router-id = "$DUT_IP"
  port = $PORT
  local-address-list = ["$DUT_IP"]
EOF
		# (sh has no local variables: _nb, not n, which the caller has)
		for _nb in "$GEN_IP 65001" "$MON_IP 65002"; do
			set -- $_nb
			cat <<EOF
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$1"
    peer-as = $2
  [neighbors.transport.config]
    local-address = "$DUT_IP"
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv4-unicast"
EOF
		done
	} >"$_d/gobgpd.toml"
	gobgpd -f "$_d/gobgpd.toml" -t toml -l warn -p \
		--api-hosts "$DUT_IP:50051" --pprof-disable >>"$_d/gobgpd.log" 2>&1 &
	DUT_PID=$!
	PIDS="$PIDS $DUT_PID"
}

# ---------------------------------------------------------------------
# Measuring.

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wait_line FILE PATTERN SECONDS [PID]: FILE has a line matching PATTERN;
# fails early when PID (a blaster) is gone.
wait_line() {
	_n=$(($3 * 10))
	while [ "$_n" -gt 0 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
			grep -q -- "$2" "$1" 2>/dev/null && return 0
			return 1
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# Waits (at most 30 s) until PID used no CPU for a second.
wait_idle() {
	_prev=$(cpu_ticks "$1")
	_n=30
	while [ "$_n" -gt 0 ]; do
		sleep 1
		_cur=$(cpu_ticks "$1")
		[ "$_cur" = "$_prev" ] && return 0
		_prev=$_cur
		_n=$((_n - 1))
	done
}

# Stops everything: the DUT first with SIGTERM, so that it can exit
# cleanly (and a profiler around it write its data), for at most
# BENCH_STOP_WAIT seconds (10); then SIGKILL for whatever is left.
stop_all() {
	if [ -n "${DUT_PID:-}" ] && kill -TERM "$DUT_PID" 2>/dev/null; then
		_n=$((${BENCH_STOP_WAIT:-10} * 10))
		while [ "$_n" -gt 0 ] && kill -0 "$DUT_PID" 2>/dev/null; do
			sleep 0.1
			_n=$((_n - 1))
		done
	fi
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
}

# run_one DUT N RUN: one measurement; prints "cpu peak_kb bpr time gen_cpu
# mon_cpu" on stdout, or nothing (with the reason on stderr) on failure.
run_one() {
	W="$T/$1-$2-$3"
	mkdir -p "$W"
	chmod 755 "$W"
	"start_$1" "$W"
	"$BLASTER" monitor -l "$MON_IP" -r "$DUT_IP:$PORT" -a 65002 \
		-p 65000 -n "$2" -t "$BENCH_TIMEOUT" >"$W/mon.out" 2>&1 &
	MON_PID=$!
	"$BLASTER" inject -l "$GEN_IP" -r "$DUT_IP:$PORT" -a 65001 \
		-p 65000 -n "$2" -g "$W/go" -t "$BENCH_TIMEOUT" \
		>"$W/gen.out" 2>&1 &
	GEN_PID=$!
	PIDS="$PIDS $MON_PID $GEN_PID"
	if ! wait_line "$W/mon.out" established 60 "$MON_PID" ||
		! wait_line "$W/gen.out" established 60 "$GEN_PID"; then
		log "$1: sessions did not come up"
		tail -n 5 "$W"/*.out "$W"/*.log >&2 2>/dev/null
		stop_all
		return 1
	fi
	sleep 2
	wait_idle "$DUT_PID"
	cpu0=$(cpu_ticks "$DUT_PID")
	rss0=$(status_kb "$DUT_PID" VmRSS)
	gcpu0=$(cpu_ticks "$GEN_PID")
	mcpu0=$(cpu_ticks "$MON_PID")
	PERF_PID=""
	if [ -n "${BENCH_PERF:-}" ]; then
		mkdir -p "$BENCH_PERF"
		perf record -q ${BENCH_PERF_OPTS:--g} -p "$DUT_PID" -o "$BENCH_PERF/$1-$2-$3.data" \
			>/dev/null 2>&1 &
		PERF_PID=$!
		sleep 1
	fi
	: >"$W/go"
	if ! wait_line "$W/mon.out" complete "$BENCH_TIMEOUT" "$MON_PID"; then
		log "$1 N=$2: the monitor did not get every route"
		tail -n 5 "$W"/*.out "$W"/*.log >&2 2>/dev/null
		stop_all
		return 1
	fi
	wait_idle "$DUT_PID"
	cpu1=$(cpu_ticks "$DUT_PID")
	rss1=$(status_kb "$DUT_PID" VmRSS)
	hwm=$(status_kb "$DUT_PID" VmHWM)
	gcpu1=$(cpu_ticks "$GEN_PID")
	mcpu1=$(cpu_ticks "$MON_PID")
	if [ -n "$PERF_PID" ]; then
		kill -INT "$PERF_PID" 2>/dev/null
		wait "$PERF_PID" 2>/dev/null
	fi
	t0=$(awk '$2 == "start" {print $1}' "$W/gen.out")
	t1=$(awk '$2 == "complete" {print $1}' "$W/mon.out")
	stop_all
	awk -v c0="$cpu0" -v c1="$cpu1" -v r0="$rss0" -v r1="$rss1" \
		-v hwm="$hwm" -v t0="$t0" -v t1="$t1" -v n="$2" -v hz="$HZ" \
		-v g0="$gcpu0" -v g1="$gcpu1" -v m0="$mcpu0" -v m1="$mcpu1" \
		'BEGIN { printf "%.2f %d %.1f %.2f %.2f %.2f\n", (c1 - c0) / hz,
		hwm, (r1 - r0) * 1024 / (2 * n), t1 - t0, (g1 - g0) / hz,
		(m1 - m0) / hz }'
}

# median of the lines on stdin, column by column
median() {
	sort -n -k1,1 | awk '{ for (i = 1; i <= NF; i++) v[i, NR] = $i; nf = NF }
	END { if (NR == 0) exit; m = int((NR + 1) / 2);
	  for (i = 1; i <= nf; i++) {
	    n = 0; for (j = 1; j <= NR; j++) a[++n] = v[i, j];
	    for (j = 1; j <= n; j++) for (k = j + 1; k <= n; k++)
	      if (a[k] < a[j]) { t = a[j]; a[j] = a[k]; a[k] = t }
	    printf "%s%s", a[m], (i < nf ? " " : "\n") } }'
}

# ---------------------------------------------------------------------

if nm "$top_builddir/control-node/.libs/mirador-control" "$MC" 2>/dev/null |
	grep -q __asan_init; then
	log "WARNING: mirador-control is built with sanitizers; configure" \
		"an optimised build (CFLAGS='-O2 -g', no --enable-sanitizers)"
fi

RES="$T/results"
: >"$RES"
{
	echo "# BGP benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
		"$(uname -r)"
	echo "# generator AS 65001 -> DUT AS 65000 -> monitor AS 65002 (eBGP)," \
		"loopback; N IPv4 unicast + N inet-vpn routes; median of" \
		"$BENCH_REPEAT run(s)"
} | tee -a "$RES"
for n in $BENCH_N; do
	printf '\nN = %s routes per family (%s held)\n' "$n" "$((2 * n))" |
		tee -a "$RES"
	printf '%-26s %8s %10s %9s %9s %8s %8s\n' DUT "CPU s" "peak MiB" \
		"B/route" "100% s" "gen CPU" "mon CPU" | tee -a "$RES"
	for d in $BENCH_DUTS; do
		if ! "have_$d"; then
			log "*** $d is not installed: skipped (run .ci/setup) ***"
			continue
		fi
		: >"$T/runs"
		r=1
		while [ "$r" -le "$BENCH_REPEAT" ]; do
			log "$d N=$n run $r"
			run_one "$d" "$n" "$r" >>"$T/runs"
			r=$((r + 1))
		done
		m=$(median <"$T/runs")
		if [ -z "$m" ]; then
			printf '%-26s %s\n' "$("ver_$d")" "FAILED" | tee -a "$RES"
			continue
		fi
		echo "$d $n $m" >>"$T/table"
		set -- $m
		printf '%-26s %8s %10.1f %9s %9s %8s %8s\n' "$("ver_$d")" \
			"$1" "$(echo "$2" | awk '{print $1 / 1024}')" "$3" \
			"$4" "$5" "$6" | tee -a "$RES"
	done
	# Ratios: each other DUT over mirador (> 1: mirador does better).
	if grep -q "^mirador $n " "$T/table" 2>/dev/null; then
		printf 'ratio other/mirador:   %8s %10s %9s %9s\n' CPU peak \
			B/route 100% | tee -a "$RES"
		awk -v n="$n" '$2 == n { c[$1] = $3; p[$1] = $4; b[$1] = $5;
		  t[$1] = $6; o[++k] = $1 }
		  function r(x, y) { return y > 0 ? sprintf("%.2f", x / y) : "-" }
		  END { for (i = 1; i <= k; i++) if (o[i] != "mirador")
		    printf "  %-20s %8s %10s %9s %9s\n", o[i],
		      r(c[o[i]], c["mirador"]), r(p[o[i]], p["mirador"]),
		      r(b[o[i]], b["mirador"]), r(t[o[i]], t["mirador"]) }' \
			"$T/table" | tee -a "$RES"
	fi
done
[ -n "${BENCH_OUT:-}" ] && cp "$RES" "$BENCH_OUT"
[ -n "${BENCH_TABLE:-}" ] && { cat "$T/table" 2>/dev/null || :; } >"$BENCH_TABLE"
exit 0
