#!/bin/sh
# vrouter-pcap.sh - mirador-vrouter offline, no root: --no-tap, a
# --program file, --pcap-in replaying an ARP request and an ICMP echo
# sent by VM 1 (10.1.0.3) to VM 2 (10.1.0.4), --pcap-out on both vifs,
# --exit-after-replay.  VM 1's file must hold the vrouter's ARP reply
# and VM 2's the routed echo (MACs rewritten, TTL 63), each with the
# replayed record's time; the process exits 0, sanitizers silent.
set -u
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d /tmp/mirador-vrouter-pcap-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

gw=00005e000100 m1=020000000103 m2=020000000104
# unhex HEX: the bytes (dash's printf has octal escapes only)
unhex() {
	for h in $(echo "$1" | sed 's/../& /g'); do
		printf "\\$(printf %03o "0x$h")"
	done
}
# hexat FILE OFFSET COUNT: bytes of FILE as hex
hexat() { od -An -tx1 -v -j "$2" -N "$3" "$1" | tr -d ' \n'; }

# pcap header; ARP who-has 10.1.0.4 at t=1 s; ICMP echo to the gateway
# MAC at t=2 s (checksums computed by hand).
unhex "d4c3b2a10200040000000000000000000000010001000000\
01000000000000002a0000002a000000\
ffffffffffff${m1}0806000108000604000102000000010\
30a0100030000000000000a010004\
02000000000000003200000032000000\
${gw}${m1}08004500002400004000400126d10a0100030a010004\
08002f6f123400016d697261646f7221" >"$tmp/in.pcap"

cat >"$tmp/prog" <<EOT
vif add idx=1 kind=vm name=vm1 mac=02:00:00:00:01:03 vrf=1 mtu=1500
vif add idx=2 kind=vm name=vm2 mac=02:00:00:00:01:04 vrf=1 mtu=1500
nh add idx=10 type=encap vrf=1 vif=1 dmac=02:00:00:00:01:03 smac=00:00:5e:00:01:00
nh add idx=11 type=encap vrf=1 vif=2 dmac=02:00:00:00:01:04 smac=00:00:5e:00:01:00
route add vrf=1 prefix=10.1.0.3/32 nh=10
route add vrf=1 prefix=10.1.0.4/32 nh=11
EOT

run() {
	timeout 20 "$top_builddir/datapath/mirador-vrouter" \
		--no-tap --socket "$tmp/vr.sock" --program "$tmp/prog" \
		--pcap-in vm1="$tmp/in.pcap" --pcap-out 1="$tmp/o1.pcap" \
		--pcap-out vm2="$tmp/o2.pcap" --exit-after-replay \
		>"$tmp/log" 2>&1 && return 0
	sed 's/^/# /' "$tmp/log"
	return 1
}
ok "replays and exits 0" run
ok "sanitizers silent" sh -c "! grep -q 'Sanitizer\\|runtime error' $tmp/log"
ok "the socket file is removed" test ! -e "$tmp/vr.sock"
ok "counters printed at exit" grep -q "pcap-in .*in.pcap vif 1: rx 2 frames" \
	"$tmp/log"

# one record each: 24 + 16 + 42 (ARP) and 24 + 16 + 50 (ICMP)
ok "VM 1 got one frame" test "$(wc -c <"$tmp/o1.pcap")" -eq 82
ok "VM 2 got one frame" test "$(wc -c <"$tmp/o2.pcap")" -eq 90
ok "ARP reply from the vrouter MAC" \
	test "$(hexat "$tmp/o1.pcap" 40 14)" = "${m1}${gw}0806"
ok "ARP reply: 10.1.0.4 is at the vrouter MAC" \
	test "$(hexat "$tmp/o1.pcap" 60 12)" = "0002${gw}0a010004"
ok "ARP reply at the request's time" \
	test "$(hexat "$tmp/o1.pcap" 24 8)" = "0100000000000000"
ok "echo routed to VM 2: MACs rewritten" \
	test "$(hexat "$tmp/o2.pcap" 40 14)" = "${m2}${gw}0800"
ok "echo routed to VM 2: TTL 63" test "$(hexat "$tmp/o2.pcap" 62 1)" = "3f"
ok "echo at the request's time" \
	test "$(hexat "$tmp/o2.pcap" 24 8)" = "0200000000000000"
done_testing
