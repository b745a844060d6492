#!/bin/sh
# tshark.sh - our decoder against tshark on every capture in
# tests/data/captures/: for each BGP message (found by stream and order,
# so both sides see the same one) the lines tests/bgp/bgp-decode prints
# must be exactly the lines tests/bgp/tshark-fields.awk makes of
# tshark's dissection.  Compared: message type; OPEN version, AS, hold
# time, BGP id, capabilities (families, 4-octet AS, route refresh,
# enhanced refresh, extended message, GR with its families, LLGR with
# its families, the codes of the others); UPDATE withdrawn and NLRI
# prefixes, the attribute type codes, ORIGIN, AS_PATH segments and ASes,
# NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES,
# ORIGINATOR_ID, CLUSTER_LIST, extended communities (type, subtype,
# route targets, encapsulation), PMSI tunnel, the attributes passed on,
# MP_REACH/MP_UNREACH family, next hop and routes (RD, prefix, label;
# EVPN type, RD, tag, MAC, IP, prefix, labels; RTC origin AS, target,
# length); NOTIFICATION code/subcode, data or shutdown text;
# ROUTE-REFRESH family and subtype.  One TAP line per capture.
#
# tshark 4.0 shows an EVPN label as a VNI (24 bits raw) only after a
# VXLAN encapsulation community, else as an MPLS label (the top 20
# bits): where tshark has the latter, our value is compared shifted.
# Without tshark the test is skipped, loudly.
set -u
. "$top_srcdir/tests/tap.sh"
need_cmd tshark
tmp=$(mktemp -d /tmp/mirador-tshark-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
for f in "$top_srcdir"/tests/data/captures/*.pcap*; do
	name=$(basename "$f")
	sh "$top_srcdir/tests/bgp/pcap-streams.sh" "$f" |
		"$top_builddir/tests/bgp/bgp-decode" >"$tmp/ours.raw"
	timeout 120 tshark -r "$f" -d tcp.port==1179,bgp -Y bgp -T pdml \
		2>/dev/null |
		awk -f "$top_srcdir/tests/bgp/tshark-fields.awk" \
			>"$tmp/theirs.raw"
	# The VNI caveat: shift ours where tshark shows an MPLS label.
	awk 'NR == FNR {
		if ($0 ~ / label\.mpls /) mpls1[$1 " " $2] = 1
		if ($0 ~ / label2\.mpls /) mpls2[$1 " " $2] = 1
		next
	}
	{
		k = $1 " " $2
		for (i = 3; i < NF; i++) {
			if ($i == "label" && (k in mpls1)) {
				$i = "label.mpls"; $(i + 1) = int($(i + 1) / 16)
			} else if ($i == "label2" && (k in mpls2)) {
				$i = "label2.mpls"; $(i + 1) = int($(i + 1) / 16)
			}
		}
		print
	}' "$tmp/theirs.raw" "$tmp/ours.raw" | sort >"$tmp/ours"
	sort "$tmp/theirs.raw" >"$tmp/theirs"
	msgs=$(grep -c ' type ' "$tmp/theirs")
	types=$(awk '$2 == "type" { print $3 }' "$tmp/theirs" | sort -u |
		tr '\n' ' ')
	if [ "$msgs" -gt 0 ] && diff -u "$tmp/theirs" "$tmp/ours" >"$tmp/diff"; then
		pass "$name: $msgs messages (types $types) agree on $(wc -l <"$tmp/ours") lines"
	else
		fail "$name: our decoder and tshark agree ($msgs messages)"
		head -40 "$tmp/diff" | sed 's/^/# /'
	fi
done
done_testing
