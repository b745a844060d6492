#!/bin/sh
# run.sh TARGET SECONDS [RUNS [CORPUS]] - runs the libFuzzer build of
# TARGET (bgp-msg, bgp-roundtrip, xmpp-stanza, xmpp-item, dp-pkt, dp-fwd, dp-msg) for at
# most SECONDS and RUNS inputs on its seeds (tests/fuzz/seeds/bgp/ for
# both BGP targets, tests/fuzz/seeds/TARGET/ otherwise) with its
# dictionary (tests/fuzz/bgp.dict, xmpp.dict, dp.dict).  New inputs go
# to CORPUS
# (default tests/fuzz/corpus/TARGET in the build tree, kept between runs
# so a run goes on where the last stopped); a crash is written to
# tests/fuzz/crashes/TARGET/ and makes the exit status nonzero.  Prints
# one summary line: "TARGET: N runs in S s, cov C, ft F, corpus K".
# The whole libFuzzer log is in tests/fuzz/TARGET.fuzz.log.
# Needs top_srcdir and top_builddir in the environment (make sets them).
set -u
t=$1
secs=$2
runs=${3:--1}
dir=$top_builddir/tests/fuzz
corpus=${4:-$dir/corpus/$t}
crashes=$dir/crashes/$t
log=$dir/$t.fuzz.log
bin=$dir/$t-fuzzer
case $t in
bgp-*) seeds=bgp dict=bgp ;;
*) seeds=$t dict=${t%%-*} ;;
esac
[ -x "$bin" ] || { echo "$t: $bin not built" >&2; exit 1; }
mkdir -p "$corpus" "$crashes"
# Messages up to 16 KiB reach past 4096 (extended messages) without
# making every input slow; the seeds are all smaller.  The XMPP targets
# reach their limits through the selector's smaller ones.
# timeout: a bound on the whole run even if libFuzzer's own one fails.
timeout $((secs + 120)) \
	"$bin" -max_total_time="$secs" -runs="$runs" -max_len=16384 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-dict="$top_srcdir/tests/fuzz/$dict.dict" \
	-artifact_prefix="$crashes/" \
	"$corpus" "$top_srcdir/tests/fuzz/seeds/$seeds" >"$log" 2>&1
rc=$?
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
cov=$(printf '%s\n' "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$done_line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
if [ $rc -ne 0 ]; then
	echo "$t: libFuzzer exited $rc; see $log" >&2
	grep -E 'ERROR|FUZZ_CHECK|SUMMARY|Test unit written|^    #[0-9]' "$log" |
		head -30 >&2
	exit 1
fi
echo "$t: ${execs:-?} runs in ${time:-?} s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
