#!/bin/sh
# tshark-golden.sh - tshark reads the golden outputs of the forwarding
# engine (tests/data/dp/*.out.pcap, which golden.sh proves are what the
# engine sends): every Juniper-header copy decodes with
# -d udp.port==8099,juniper and shows the right source VN, destination
# VN, flags and capture host and the original frame behind it; VXLAN
# copies carry the mirror VNI and the original frame, GRE copies the
# nexthop's key and the original frame; nothing is
# malformed and every IPv4 header checksum is good.  Without tshark the
# test is skipped, loudly.
set -u
. "$top_srcdir/tests/tap.sh"
need_cmd tshark
d="$top_srcdir/tests/data/dp"
tmp=$(mktemp -d /tmp/mirador-tgold-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
red=default-domain:demo:red
blue=default-domain:demo:blue

# fields NAME FILTER FIELDS...: one line per matching frame, '|'-joined.
fields() {
	f=$1; filt=$2; shift 2
	args=""
	for e in "$@"; do args="$args -e $e"; done
	# shellcheck disable=SC2086
	tshark -o ip.check_checksum:TRUE -r "$d/$f.out.pcap" \
		-d udp.port==8099,juniper -Y "$filt" -T fields \
		-E separator='|' $args 2>>"$tmp/err"
}

# expect NAME "description" FILTER "want lines" FIELDS...
expect() {
	name=$1; what=$2; filt=$3; want=$4; shift 4
	got=$(fields "$name" "$filt" "$@")
	if [ "$got" = "$want" ]; then
		pass "$name: $what"
	else
		fail "$name: $what"
		diag "want: $(echo "$want" | tr '\n' ';')"
		diag "got:  $(echo "$got" | tr '\n' ';')"
	fi
}

J='juniper.vn.src juniper.vn.dst juniper.vn.flags juniper.vn.host_ip'
I='ip.dst udp.dstport'
P='eth:ethertype:ip:udp:juniper:eth:ethertype:ip'

# mode 1, port RX: TLV 3 only, the VM's frames as sent (3 copies)
# shellcheck disable=SC2086
expect port-rx-jhdr "source VN only, then the frame" "udp.dstport==8099" \
"$P:icmp:data|$red|||
$P:udp:data|$red|||
$P:tcp|$red|||" frame.protocols $J
# mode 1, port TX: TLV 4 only, only what VM 2 receives (2 copies)
# shellcheck disable=SC2086
expect port-tx-jhdr "destination VN only" "udp.dstport==8099" \
"|$red||
|$red||" $J
# shellcheck disable=SC2086
expect port-both-jhdr "RX then TX copies" "udp.dstport==8099" \
"$red|||
|$red||
$red|||
|$red||
$red|||" $J
# the analyzer is the local VM 10.9.0.9 (outer, then the inner frame's
# addresses); source ports in 49152-65535
expect port-rx-jhdr "from 127.0.3.1 to 10.9.0.9:8099, checksums good" \
	"udp.dstport==8099" \
"127.0.3.1,10.1.0.3|10.9.0.9,10.1.0.4|8099|1,1
127.0.3.1,10.1.0.3|10.9.0.9,10.1.0.4|8099,1234|1,1
127.0.3.1,10.1.0.3|10.9.0.9,10.1.0.5|8099|1,1" \
	ip.src ip.dst udp.dstport ip.checksum.status
sports=$(fields port-rx-jhdr "udp.dstport==8099" udp.srcport | cut -d, -f1)
bad=$(echo "$sports" | awk '$1 < 49152 || $1 > 65535')
ok "port-rx-jhdr: source ports in 49152-65535 ($(echo $sports))" \
	test -n "$sports" -a -z "$bad"
# shellcheck disable=SC2086
expect port-rx-jhdr-fabric "over the underlay to 127.0.3.9" "udp.dstport==8099" \
"$red||||127.0.3.9,10.1.0.4|8099
$red||||127.0.3.9,10.1.0.4|8099,1234
$red||||127.0.3.9,10.1.0.5|8099" $J $I
# mode 1 remote: at node B the copies reach the analyzer 10.9.0.10
# shellcheck disable=SC2086
expect recv-jhdr-remote "node B hands them to 10.9.0.10" "udp.dstport==8099" \
"$red||||10.9.0.10,10.1.0.4|8099
$red||||10.9.0.10,10.1.0.4|8099,1234
$red||||10.9.0.10,10.1.0.5|8099" $J $I
# flow: host, flags (ingress|pass|mirror, ingress|deny|mirror), VNs
# shellcheck disable=SC2086
expect flow-jhdr "first matching rule; deny mirrored too" "udp.dstport==8099" \
"$red|$blue|0x400000a0|127.0.3.1|80
$red|$blue|0x40000088|127.0.3.1|81" $J tcp.dstport
# modes 2 and 4: VXLAN with the mirror VNI around the original frame
# (outer values first, then the inner frame's)
expect port-rx-nohdr "mode 2: VXLAN 9000 to node B" "vxlan.vni==9000" \
"127.0.3.2,10.1.0.4|9000|02:fa:00:00:00:01,02:00:00:00:01:03|127.0.3.1,10.1.0.3
127.0.3.2,10.1.0.4|9000|02:fa:00:00:00:01,02:00:00:00:01:03|127.0.3.1,10.1.0.3
127.0.3.2,10.1.0.5|9000|02:fa:00:00:00:01,02:00:00:00:01:03|127.0.3.1,10.1.0.3" \
	ip.dst vxlan.vni eth.src ip.src
# node B gives each copy to both analyzer ports (vifs 3 and 4) with its
# original destination MAC: the vrouter's (routed) or VM 2's (bridged)
expect recv-nohdr "node B: both analyzers, MACs unchanged" "eth" \
"00:00:5e:00:01:00|10.1.0.4
00:00:5e:00:01:00|10.1.0.4
02:00:00:00:01:04|10.1.0.4
02:00:00:00:01:04|10.1.0.4
00:00:5e:00:01:00|10.1.0.5
00:00:5e:00:01:00|10.1.0.5" eth.dst ip.dst
expect port-tx-static "mode 4: VXLAN 7777 to the VTEP" "vxlan.vni==7777" \
"127.0.3.20,10.1.0.4|7777|02:fa:00:00:00:02,02:00:00:00:01:04
127.0.3.20,10.1.0.4|7777|02:fa:00:00:00:02,02:00:00:00:01:04" \
	ip.dst vxlan.vni eth.dst
expect flow-static "mode 4 flows: ports 80 and 81 only" "vxlan" \
"127.0.3.20,10.1.0.4|80
127.0.3.20,10.1.0.4|81" ip.dst tcp.dstport
# snap length 64 and 1 in 3: copies of packets 1, 4 and 7 (inner source
# ports 5000, 5003, 5006), cut to 64 bytes: 42 + 27 (TLVs) + 64 = 133
# shellcheck disable=SC2086
expect snap-sample "3 of 7 copied, 64 bytes each" "udp.dstport==8099" \
"$red|49861,5000|133
$red|58756,5003|133
$red|52995,5006|133" juniper.vn.src udp.srcport frame.len
# GRE (Cloudpods tap flow to another node): IPv4 protocol 47, the
# nexthop's 32-bit key, transparent Ethernet bridging, the VM's frame
expect port-rx-gre "GRE key 0x01001092 to node B, checksums good" \
	"gre.key==0x01001092" \
"127.0.3.1,10.1.0.3|127.0.3.2,10.1.0.4|47,1|0x6558|02:fa:00:00:00:01,02:00:00:00:01:03|1,1
127.0.3.1,10.1.0.3|127.0.3.2,10.1.0.4|47,17|0x6558|02:fa:00:00:00:01,02:00:00:00:01:03|1,1
127.0.3.1,10.1.0.3|127.0.3.2,10.1.0.5|47,6|0x6558|02:fa:00:00:00:01,02:00:00:00:01:03|1,1" \
	ip.src ip.dst ip.proto gre.proto eth.src ip.checksum.status
expect port-tx-gre "GRE key 4242: what VM 2 receives" "gre.key==4242" \
"127.0.3.2,10.1.0.4|0x00001092|02:fa:00:00:00:02,02:00:00:00:01:04
127.0.3.2,10.1.0.4|0x00001092|02:fa:00:00:00:02,02:00:00:00:01:04" \
	ip.dst gre.key eth.dst
ok "port-rx-gre: no UDP around GRE" test \
	"$(fields port-rx-gre "gre && udp.port==4789" frame.number)" = ""
# node B: the key's flood (both analyzers), or one analyzer, unchanged
expect recv-gre "node B: both analyzers, MACs unchanged" "eth" \
"00:00:5e:00:01:00|10.1.0.4
00:00:5e:00:01:00|10.1.0.4
02:00:00:00:01:04|10.1.0.4
02:00:00:00:01:04|10.1.0.4
00:00:5e:00:01:00|10.1.0.5
00:00:5e:00:01:00|10.1.0.5" eth.dst ip.dst
expect recv-gre1 "node B: key 4242, one analyzer" "eth" \
"02:00:00:00:01:04|10.1.0.4
02:00:00:00:01:04|10.1.0.4" eth.dst ip.dst
for f in "$d"/*.out.pcap; do
	n=$(tshark -r "$f" -d udp.port==8099,juniper -Y _ws.malformed \
		2>>"$tmp/err" | wc -l)
	case $f in
	# a copy cut to 64 bytes is a cut frame: tshark says so
	*/snap-sample.out.pcap) continue ;;
	esac
	ok "$(basename "$f"): nothing malformed" test "$n" -eq 0
done
grep -v 'Running as user' "$tmp/err" | sed 's/^/# tshark: /' 
done_testing
