#!/bin/sh
# regress.sh - every seed of tests/fuzz/seeds/ (the BGP captures and
# hand-made messages, the XMPP streams and documents, the datapath's
# hand-made frames, and each crash the fuzzers ever found) replayed
# through its fuzz target bodies, built with the project's compiler and
# sanitizers: what once crashed stays fixed.
# One TAP line per target.
set -u
. "$top_srcdir/tests/tap.sh"
seeds=$top_srcdir/tests/fuzz/seeds
for t in bgp-msg bgp-roundtrip xmpp-stanza xmpp-item dp-pkt dp-fwd dp-msg; do
	case $t in
	bgp-*) dir=$seeds/bgp ;;
	*) dir=$seeds/$t ;;
	esac
	if out=$("$top_builddir/tests/fuzz/$t-regress" "$dir" 2>&1); then
		pass "$t: $(printf '%s\n' "$out" | tail -1) replayed"
	else
		fail "$t: a seed fails"
		printf '%s\n' "$out" | tail -30 | sed 's/^/# /'
	fi
done
done_testing
