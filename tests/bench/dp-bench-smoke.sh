#!/bin/sh
# dp-bench-smoke.sh - the datapath benchmark, tiny: every case forwards
# each packet once and makes the copies its mirror mode should (dp-bench
# exits 1 otherwise).  Figures from here mean nothing (sanitizers).
set -u
. "$top_srcdir/tests/tap.sh"
out=$("$top_builddir/tests/bench/dp-bench" --smoke 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
ok "dp-bench --smoke: every case forwards and mirrors right" test $rc -eq 0
lines=$(echo "$out" | grep -c 'x$')
ok "dp-bench --smoke: 10 cases ($lines)" test "$lines" -eq 10
done_testing
