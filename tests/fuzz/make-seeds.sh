#!/bin/sh
# make-seeds.sh - regenerates the BGP fuzz seeds in tests/fuzz/seeds/bgp/
# and the hand-made captures tests/data/captures/handmade-*.pcap; run it from
# anywhere after changing handmade.txt or a capture, and commit the
# result (the tests never run it: they need neither tshark's capture
# export nor this script).  Needs tshark and text2pcap (.ci/setup).
#
#   cap-stream-*  one direction of a TCP stream of a capture, whole
#   cap-msg-*     each distinct message of the captures
#   hand-*        each message of handmade.txt, and hand-stream-* all the
#                 well-formed ones of a session kind in one stream
#   crash-*       inputs the fuzzers once crashed on: kept, never made here
# Every seed starts with the selector byte of tests/fuzz/fuzz.h; the
# captures' sessions are 4-octet AS iBGP (selector 01).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
seeds=$top/tests/fuzz/seeds/bgp
captures=$top/tests/data/captures
tmp=$(mktemp -d /tmp/mirador-seeds-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$seeds"
rm -f "$seeds"/cap-* "$seeds"/hand-*

# Shared awk: hex to printf octal escapes; message type names.
AWK_LIB='
function hexval(c) { return index("0123456789abcdef", tolower(c)) - 1 }
function esc(h,   i, out) {
	out = ""
	for (i = 1; i < length(h); i += 2)
		out = out sprintf("\\%03o",
		    hexval(substr(h, i, 1)) * 16 + hexval(substr(h, i + 1, 1)))
	return out
}
function tname(t) {
	split("open update notification keepalive refresh", names, " ")
	return (t >= 1 && t <= 5) ? names[t] : "type" t
}'

# 1. The real captures: each stream, and each distinct message.
n=0
for f in bgp-live.pcapng test-encaps.pcap; do
	sh "$top/tests/bgp/pcap-streams.sh" "$captures/$f" |
		awk -v cap="${f%%.*}" "$AWK_LIB"'
		{
			label = $1
			gsub(/[\/:]/, "-", label)
			print "cap-stream-" cap "-" label, esc("01" $2)
			h = $2
			while (length(h) >= 38) {
				len = 0
				for (i = 33; i <= 36; i++)
					len = len * 16 + hexval(substr(h, i, 1))
				m = substr(h, 1, 2 * len)
				h = substr(h, 2 * len + 1)
				t = hexval(substr(m, 37, 1)) * 16 + \
				    hexval(substr(m, 38, 1))
				print "msg-" tname(t), esc("01" m)
			}
		}'
done >"$tmp/caps"
# Distinct messages only, numbered in capture order.
awk '$1 ~ /^msg-/ { if (seen[$2]++) next; n++
	printf "cap-%s-%03d %s\n", $1, n, $2; next } { print }' \
	"$tmp/caps" >"$tmp/list"

# 2. handmade.txt: seeds, streams per selector, and the pcap hex dumps.
grep -v -e '^#' -e '^[[:space:]]*$' "$top/tests/fuzz/handmade.txt" |
	awk -v dumps="$tmp/dump" "$AWK_LIB"'
	# "[...]" and "{...}": the bytes inside after their 1/2-byte count.
	function group(endc,   out, c, inner, n) {
		out = ""
		while (pos <= length(s)) {
			c = substr(s, pos, 1)
			if (c == endc)
				return out
			if (c == " ") {
				pos++
			} else if (c == "[" || c == "{") {
				pos++
				inner = group(c == "[" ? "]" : "}")
				pos++
				n = length(inner) / 2
				if (n > (c == "[" ? 255 : 65535)) {
					print name ": " c " group of " n \
					    " bytes" >"/dev/stderr"
					exit 1
				}
				out = out sprintf(c == "[" ? "%02x" : "%04x", n) inner
			} else {
				out = out substr(s, pos, 2)
				pos += 2
			}
		}
		return out
	}
	{
		name = $1; sel = $2; kind = $3; type = $4
		s = $0
		for (i = 1; i <= 4; i++)
			sub(/^[^ ]+ +/, "", s)
		if (NF == 4)
			s = ""
		pos = 1
		body = group("")
		if (kind == "raw")
			m = body
		else
			m = "ffffffffffffffffffffffffffffffff" \
			    sprintf("%04x%02x", 19 + length(body) / 2, type) body
		print "hand-" name, esc(sel m)
		if (kind != "bad" && kind != "raw")
			stream[sel] = stream[sel] m
		if (kind == "ok") {
			# A fixed time for each packet: the same file each run.
			dump = dumps "-" (sel == "00" ? "as2" : "as4")
			printf "2026-01-01 00:00:%02d.000000\n", ++npkt[dump] >dump
			line = "000000"
			for (i = 1; i < length(m); i += 2)
				line = line " " substr(m, i, 2)
			print line >dump
		}
	}
	END {
		for (sel in stream)
			print "hand-stream-" sel, esc(sel stream[sel])
	}' >>"$tmp/list"

while read -r name bytes; do
	# shellcheck disable=SC2059
	printf "$bytes" >"$seeds/$name"
done <"$tmp/list"

# 3. The hand-made captures: each "ok" message a TCP segment from
# 127.0.0.2:1179 to 127.0.0.3, one file per session kind.
for k in as4 as2; do
	text2pcap -q -F pcap -t '%Y-%m-%d %H:%M:%S.' -4 127.0.0.2,127.0.0.3 \
		-T 1179,40179 "$tmp/dump-$k" \
		"$captures/handmade-$k.pcap"
done
echo "make-seeds: $(ls "$seeds" | wc -l) seeds in tests/fuzz/seeds/bgp"
