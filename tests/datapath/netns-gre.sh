#!/bin/sh
# netns-gre.sh - a Cloudpods tap flow to a tap service on another node:
# mirror copies over GRE keyed by the flow id, through real processes,
# taps and the raw GRE sockets.  Vrouter A (127.0.6.1) holds VM 1
# (10.1.0.3) and VM 2 (10.1.0.4); VM 1's port RX is mirrored (dynamic,
# no header) through a GRE tunnel nexthop with key 4242 to vrouter B
# (127.0.6.2), where "gre add key=4242" hands the copies to an analyzer
# namespace.  VM 1 pings VM 2 three times, and:
#  - the analyzer sees exactly the three echo requests, as VM 1 sent
#    them (the same bytes as captured on VM 1's side);
#  - lo carries them in GRE (IPv4 protocol 47) with key 4242, from
#    127.0.6.1 to 127.0.6.2, and no other key;
#  - both vrouters have a raw GRE socket on this one host: A's, bound to
#    127.0.6.1, takes none of the GRE to 127.0.6.2 (and counts nothing
#    foreign); B's takes them all.
# Needs root (raw sockets, namespaces, taps) and tshark.
set -u
. "$top_srcdir/tests/tap.sh"
need_root "raw GRE sockets, network namespaces and TAP devices"
need_cmd tshark
need_cmd ping
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
tmp=$(mktemp -d /tmp/mirador-netns-gre-XXXXXX) || exit 1
. "$top_srcdir/tests/datapath/vr-lib.sh"
caps=""
cleanup() {
	for p in $caps; do kill -INT "$p" 2>/dev/null; done
	vr_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

gw=00:00:5e:00:01:00 m1=02:00:00:00:01:03 m2=02:00:00:00:01:04
mb=02:00:00:00:09:0a
ua=127.0.6.1 ub=127.0.6.2 key=4242
t1=mgv1-$$ t2=mgv2-$$ tb=mgan-$$
n1=mdp-g1-$$ n2=mdp-g2-$$ nb=mdp-gb-$$

cat >"$tmp/a" <<EOT
vif add idx=0 kind=fabric name=fab0 mac=02:00:00:00:0a:61 vrf=0 mtu=9000
nh add idx=21 type=tunnel vrf=0 vif=0 tun=gre sip=$ua dip=$ub label=$key
mirror add idx=0 nh=21 flags=dynamic analyzer=tap-service-1
vif add idx=1 kind=vm name=$t1 mac=$m1 vrf=1 mtu=1500 mirror=rx mirror-idx=0
vif add idx=2 kind=vm name=$t2 mac=$m2 vrf=1 mtu=1500
nh add idx=10 type=encap vrf=1 vif=1 dmac=$m1 smac=$gw
nh add idx=11 type=encap vrf=1 vif=2 dmac=$m2 smac=$gw
route add vrf=1 prefix=10.1.0.3/32 nh=10
route add vrf=1 prefix=10.1.0.4/32 nh=11
EOT
cat >"$tmp/b" <<EOT
vif add idx=0 kind=fabric name=fab0 mac=02:00:00:00:0a:62 vrf=0 mtu=9000
vif add idx=3 kind=vm name=$tb mac=$mb vrf=2 mtu=1500
nh add idx=12 type=encap vrf=2 vif=3 dmac=$mb smac=$gw
gre add key=$key nh=12
EOT

fields() {
	f=$1 filt=$2; shift 2
	args=""
	for e in "$@"; do args="$args -e $e"; done
	# shellcheck disable=SC2086
	tshark -r "$tmp/$f.pcap" -Y "$filt" -T fields -E separator='|' \
		$args 2>/dev/null
}
# same WHAT A B FILTER FIELDS...: two captures show the same frames
same() {
	what=$1 a=$2 b=$3 filt=$4; shift 4
	x=$(fields "$a" "$filt" "$@")
	y=$(fields "$b" "$filt" "$@")
	if [ -n "$x" ] && [ "$x" = "$y" ]; then
		pass "$what"
	else
		fail "$what"
		diag "$a: $(echo "$x" | tr '\n' ';')"
		diag "$b: $(echo "$y" | tr '\n' ';')"
	fi
}

ok "vrouter A on $ua" vr_start a --underlay $ua --socket "$tmp/a.sock" \
	--program "$tmp/a"
ok "vrouter B on $ub" vr_start b --underlay $ub --socket "$tmp/b.sock" \
	--program "$tmp/b"
ok "A has its raw GRE socket" \
	sh -c "! grep -q 'no raw socket for GRE' '$tmp/a.log'"
ok "VM 1" vm_add "$n1" "$t1" $m1 10.1.0.3/24
ok "VM 2" vm_add "$n2" "$t2" $m2 10.1.0.4/24
ok "analyzer on B" vm_add "$nb" "$tb" $mb 10.9.0.10/24
ok "capture at VM 1" capture vm1 "$n1" "$t1" "icmp"
ok "capture at the analyzer" capture an "$nb" "$tb" "icmp"
ok "capture of GRE on lo" capture lo - lo "ip proto 47"
ok "VM 1 pings VM 2" ip netns exec "$n1" ping -q -c 3 -i 0.2 -W 1 10.1.0.4
sleep 0.5
stop vm1
stop an
stop lo

n=$(fields an "icmp" frame.number | wc -l)
r=$(fields an "icmp.type==8" frame.number | wc -l)
ok "the analyzer got 3 ICMP frames, all echo requests ($n, $r)" \
	test "$n" -eq 3 -a "$r" -eq 3
# shellcheck disable=SC2086
same "the analyzer's requests are VM 1's, unchanged" vm1 an "icmp.type==8" \
	frame.len eth.src eth.dst ip.src ip.dst ip.id ip.ttl ip.checksum \
	icmp.seq icmp.checksum data.data
g=$(fields lo "gre.key==$key && icmp.type==8" ip.src ip.dst | sort | uniq -c |
	awk '{print $1 "|" $2}')
# (the analyzer's count above is the exact one: a capture of lo, where
# every other test's traffic runs too, was seen to miss a frame)
n=${g%%|*}
ok "lo: the requests in GRE key $key from $ua to $ub ($g)" \
	test "${g#*|}" = "$ua,10.1.0.3|$ub,10.1.0.4" -a "${n:-0}" -ge 1 \
	-a "${n:-0}" -le 3
o=$(fields lo "gre && gre.key!=$key" frame.number | wc -l)
k=$(fields lo "gre.proto==0x6558 && gre.key==$key" frame.number | wc -l)
ok "lo: no other key, all transparent Ethernet ($o other, $k)" \
		test "$o" -eq 0 -a "$k" -ge 1
ok "A exits 0, sanitizers silent" vr_stop a
ok "B exits 0, sanitizers silent" vr_stop b
# the counters each prints at exit: "gre ADDR vif 0: rx N frames ...
# ; rx M foreign"
ga=$(grep "gre $ua vif 0:" "$tmp/a.log")
gb=$(grep "gre $ub vif 0:" "$tmp/b.log")
diag "A: $ga"
diag "B: $gb"
ok "A's GRE socket took none of the GRE to $ub" \
	sh -c "echo '$ga' | grep -q ': rx 0 frames .*; rx 0 foreign'"
ok "B's GRE socket took them, none foreign" \
	sh -c "echo '$gb' | grep -q -E ': rx [1-9][0-9]* frames .*; rx 0 foreign'"
done_testing
