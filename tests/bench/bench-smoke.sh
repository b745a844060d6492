#!/bin/sh
# bench-smoke.sh - `make bench`'s benchmark, tiny (1000 routes per family),
# so that it keeps working: for mirador-control and each of BIRD, FRR and
# GoBGP that is installed, the monitor gets every route through the DUT.
# Nothing is measured here (see docs/benchmarks.md).  Speaks TAP.
set -u
. "$top_srcdir/tests/tap.sh"

T=$(mktemp -d /tmp/mirador-bench-smoke.XXXXXX)
trap 'rm -rf "$T"' EXIT

BENCH_N=1000 BENCH_TIMEOUT=60 BENCH_TABLE="$T/table" \
	sh "$top_srcdir/tests/bench/bgp-bench.sh" >"$T/out" 2>"$T/err"
rc=$?
ok "bgp-bench.sh runs to its end" test "$rc" -eq 0
sed 's/^/# /' "$T/out"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"

# row DUT: the DUT's row is in the table (the monitor had every route).
row() { grep -q "^$1 1000 " "$T/table"; }
ok "mirador-control passes 2000 routes to the monitor" row mirador
for d in "bird bird BIRD" "frr /usr/lib/frr/bgpd FRR" "gobgp gobgpd GoBGP"; do
	set -- $d
	if command -v "$2" >/dev/null 2>&1; then
		ok "$3 passes 2000 routes to the monitor" row "$1"
	else
		skip "$3 passes 2000 routes to the monitor" "$2 not installed"
	fi
done
done_testing
