#!/bin/sh
# golden.sh - pcap in, pcap out: dp-golden replays every scenario's
# tests/data/dp/<name>.in.pcap through the forwarding engine and
# compares what it sends with <name>.out.pcap (TAP from dp-golden).
# After a deliberate change of the output: dp-golden --update
# tests/data/dp /tmp, then review the new files with tshark.
set -u
tmp=$(mktemp -d /tmp/mirador-golden-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$top_builddir/tests/datapath/dp-golden" "$top_srcdir/tests/data/dp" "$tmp"
