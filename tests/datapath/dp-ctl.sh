#!/bin/sh
# dp-ctl.sh - miradorctl against mirador-vrouter's programming socket
# (--no-tap: VM vifs get no tap, so no root is needed): dp apply of a
# file of every object, the vRouter-style listings, a refused line
# stopping with its number and reason, and a parse error naming the
# field.
set -u
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d /tmp/mirador-dpctl-XXXXXX) || exit 1
sock="$tmp/vrouter.sock"
"$top_builddir/datapath/mirador-vrouter" --no-tap --socket "$sock" \
	>"$tmp/vr.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ctl() { "$top_builddir/control-node/miradorctl" --dp-socket "$sock" "$@"; }

cat >"$tmp/ok.txt" <<'EOT'
# every object once
vif add idx=0 kind=fabric name=eth0 mac=02:00:00:00:00:f0 vrf=0 mtu=1500
vif add idx=1 kind=vm name=mtap1 mac=02:00:00:00:00:01 vrf=1 mtu=1500

nh add idx=10 type=encap vrf=1 vif=1 dmac=02:00:00:00:00:01 smac=00:00:5e:00:01:00
nh add idx=11 type=encap vrf=1 vif=1 dmac=02:00:00:00:00:02 smac=00:00:5e:00:01:00
nh add idx=20 type=tunnel vrf=0 vif=0 tun=mplsoudp sip=127.0.0.1 dip=127.0.0.2 label=100
nh add idx=21 type=tunnel vrf=0 vif=0 tun=gre sip=127.0.0.1 dip=127.0.0.2 label=4294967295
nh add idx=30 type=mirror-udp vrf=1 analyzer=10.1.0.9 port=8099
nh add idx=40 type=composite ecmp=1 members=10,11
nh add idx=2 type=discard
route add vrf=1 prefix=10.1.0.3/32 nh=10
route add vrf=1 prefix=2001:db8::/64 nh=40
bridge add vrf=1 mac=02:00:00:00:00:01 nh=10
mpls add label=100 nh=10
vxlan add vni=5001 vrf=1 nh=40
gre add key=4242 nh=10
vrf add vrf=2 flags=mirror-dest
mirror add idx=0 nh=30 flags=dynamic,juniper analyzer=an1 src-vn=red
vif add idx=2 kind=vm name=mtap2 mac=02:00:00:00:00:02 vrf=1 mirror=both mirror-idx=0
flow add vrf=1 proto=6 src=10.1.0.3 dst=10.1.0.4 sport=1000 dport=80 action=pass mirror=0 src-vn=red dst-vn=blue
EOT
ok "dp apply of every object" ctl dp apply "$tmp/ok.txt"
ctl vif --list >"$tmp/vif" 2>&1
ok "vif --list shows mtap2 mirroring to 0" \
	grep -q "Flags:MrMt Ref:0 Mirror index 0" "$tmp/vif"
ok "vif --get 1" sh -c "ctl() { \"$top_builddir/control-node/miradorctl\" --dp-socket \"$sock\" \"\$@\"; }; ctl vif --get 1 | grep -q 'OS: mtap1'"
ctl nh --get 20 >"$tmp/nh" 2>&1
ok "nh --get 20 is the tunnel" grep -q "Sip:127.0.0.1 Dip:127.0.0.2 Label:100" "$tmp/nh"
ctl nh --list >"$tmp/nhl" 2>&1
ok "nh --list has 7 nexthops" test "$(grep -c '^Id:' "$tmp/nhl")" -eq 7
ctl nh --get 21 >"$tmp/nhg" 2>&1
ok "nh --get 21 is GRE with a 32-bit key" sh -c "grep -q 'Gre, Oif:0' '$tmp/nhg' && grep -q 'Key:4294967295' '$tmp/nhg'"
ctl gre --dump >"$tmp/gre" 2>&1
ok "gre --dump" grep -q -E "^ +4242 +10$" "$tmp/gre"
ctl rt --dump 1 >"$tmp/rt" 2>&1
ok "rt --dump 1 has both routes" test "$(grep -c -E '^(10.1.0.3/32|2001:db8::/64) ' "$tmp/rt")" -eq 2
ctl rt --dump 1 --family inet6 >"$tmp/rt6" 2>&1
ok "rt --dump 1 --family inet6" test "$(grep -c ':.*/' "$tmp/rt6")" -eq 1
ctl mirror --dump >"$tmp/mir" 2>&1
ok "mirror --dump" grep -q -E "^ +0 +30 +DJ .*an1" "$tmp/mir"
ctl flow -l >"$tmp/flow" 2>&1
ok "flow -l shows the pair" grep -q "^2 entries" "$tmp/flow"
ctl vrf --dump >"$tmp/vrf" 2>&1
ok "vrf --dump" grep -q -E "^ +2 +mirror-dest" "$tmp/vrf"

printf 'mpls add label=200 nh=10\nnh del idx=10\nmpls add label=300 nh=10\n' >"$tmp/busy.txt"
ctl dp apply "$tmp/busy.txt" >"$tmp/busy.out" 2>"$tmp/busy.err"
ok "a refused line stops with status 1" test $? -eq 1
ok "... naming line 2 and why" grep -q "busy.txt:2: refused: nh delete: Device or resource busy" "$tmp/busy.err"
ok "... and line 3 is not sent" sh -c "! grep -q '^3:' '$tmp/busy.out'"
printf 'vif add idx=9 kind=vm name=t9 mac=02:00:00:00:00:09 vrf=1 mtu=99999\n' >"$tmp/bad.txt"
ctl dp apply "$tmp/bad.txt" 2>"$tmp/bad.err"
ok "a parse error: status 1" test $? -eq 1
ok "... names the field" grep -q "bad.txt:1: mtu:" "$tmp/bad.err"
ctl --dp-socket "$tmp/none.sock" vif --list >/dev/null 2>&1
ok "no socket: status 3" test $? -eq 3
kill $pid
wait $pid
ok "mirador-vrouter exits 0" test $? -eq 0
ok "... sanitizers silent" sh -c "! grep -q 'Sanitizer\|runtime error' '$tmp/vr.log'"
done_testing
