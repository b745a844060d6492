#!/bin/sh
# regress.sh - every seed of tests/fuzz/seeds/ (the captures, the
# hand-made messages and each crash the fuzzers ever found) replayed
# through both fuzz target bodies, built with the project's compiler and
# sanitizers: what once crashed stays fixed.  One TAP line per target.
set -u
. "$top_srcdir/tests/tap.sh"
seeds=$top_srcdir/tests/fuzz/seeds
for t in bgp-msg bgp-roundtrip; do
	if out=$("$top_builddir/tests/fuzz/$t-regress" "$seeds" 2>&1); then
		pass "$t: $(printf '%s\n' "$out" | tail -1) replayed"
	else
		fail "$t: a seed fails"
		printf '%s\n' "$out" | tail -30 | sed 's/^/# /'
	fi
done
done_testing
