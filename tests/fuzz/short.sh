#!/bin/sh
# short.sh - a short libFuzzer run of each fuzz target in make check:
# about 7 s and at most 500000 inputs each, from the seeds, into a
# scratch corpus that is removed afterwards.  One TAP line per target.
# Without clang and libFuzzer (configure says) it is skipped, loudly.
set -u
. "$top_srcdir/tests/tap.sh"
if [ ! -x "$top_builddir/tests/fuzz/bgp-msg-fuzzer" ]; then
	echo "*** SKIPPED: no clang with libFuzzer (run .ci/setup, then configure) ***" >&2
	echo "1..0 # SKIP clang with libFuzzer not found by configure"
	exit 0
fi
scratch=$(mktemp -d /tmp/mirador-fuzz-XXXXXX) || exit 1
trap 'rm -rf "$scratch"' EXIT
for t in bgp-msg bgp-roundtrip xmpp-stanza xmpp-item dp-pkt dp-fwd dp-msg; do
	if out=$(sh "$top_srcdir/tests/fuzz/run.sh" "$t" 7 500000 \
		"$scratch/$t" 2>&1); then
		pass "$out"
	else
		fail "$t: a crash in a short fuzz run"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
done_testing
