#!/bin/sh
# tshark-jhdr.sh - tshark's Juniper dissector on the mode-1 mirror
# copies libdp builds (tests/datapath/dp-jhdr-pcap): port RX (source VN
# only), port TX (destination VN only), flow (capture host, flags with
# the ingress bit, both VNs) and no metadata.  For each copy tshark must
# see the TLVs, then the original Ethernet frame behind them (inner MAC,
# IPv4 and UDP ports), both IPv4 header checksums good, the source port
# in 49152-65535, and nothing malformed.  One TAP line per copy, and
# one for the file.  Without tshark the test is skipped, loudly.
set -u
. "$top_srcdir/tests/tap.sh"
need_cmd tshark
tmp=$(mktemp -d /tmp/mirador-jhdr-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok "dp-jhdr-pcap writes the copies" \
	"$top_builddir/tests/datapath/dp-jhdr-pcap" "$tmp/j.pcap"
tshark -o ip.check_checksum:TRUE -r "$tmp/j.pcap" \
	-d udp.port==8099,juniper -T fields -E separator='|' \
	-e frame.protocols -e juniper.vn.src -e juniper.vn.dst \
	-e juniper.vn.flags -e juniper.vn.host_ip -e eth.src -e ip.src \
	-e ip.checksum.status -e udp.srcport -e udp.dstport \
	-e _ws.malformed >"$tmp/got" 2>"$tmp/err"

p='eth:ethertype:ip:udp:juniper:eth:ethertype:ip:udp:data'
m='02:00:00:00:00:01,52:54:00:aa:bb:01|192.168.0.11,10.1.1.1|1,1'
cat >"$tmp/want" <<EOT
$p|default-domain:demo:red||||$m|55780,1234|8099,40001|
$p||default-domain:demo:blue|||$m|55780,1234|8099,40001|
$p|default-domain:demo:red|default-domain:demo:blue|0x400000a0|192.168.0.11|$m|55780,1234|8099,40001|
$p|||||$m|55780,1234|8099,40001|
EOT
for n in 1 2 3 4; do
	name=$(sed -n "${n}p" <<EOT
port RX: source VN, then the frame
port TX: destination VN, then the frame
flow: host, flags 0x400000a0 (ingress, pass, mirror), both VNs
no metadata: FF 00, then the frame
EOT
)
	want=$(sed -n "${n}p" "$tmp/want")
	got=$(sed -n "${n}p" "$tmp/got")
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name"
		diag "want: $want"
		diag "got:  $got"
	fi
done
sport=$(cut -d'|' -f9 "$tmp/got" | cut -d, -f1 | sort -u)
ok "one source port, in 49152-65535 ($sport)" \
	test "$sport" -ge 49152 -a "$sport" -le 65535
[ -s "$tmp/err" ] && sed 's/^/# tshark: /' "$tmp/err"
done_testing
