# tests/e2e/gw-lib.sh - sourced by the gateway and fault scenarios after
# tests/tap.sh, with tmp set: the topology (two control nodes, two
# compute nodes, a gobgpd gateway), all on 127.0.12.x, ports unique per
# run, namespaces named after the pid.
#   gw_topology             writes $tmp/cfg.xml and $tmp/gw.toml
#   gw_start / gw_kill      the gobgpd gateway (SIGKILL: no NOTIFICATION)
#   e2e_up                  cn1, cn2, vrouters, agents, taps, VM namespaces
#   e2e_down                stops the agents and control nodes (exit 0,
#                           no sanitizer report)
#   cfg_create FILE / cfg_delete TYPE NAME   on both control nodes
#   cn N / ag N             (re)start control node N / agent N
#   gw_established N        the gateway has N sessions Established
#   gw_paths PATTERN        (stdin: gobgp -j) one line per path whose
#                           NLRI matches: "nlri nh=.. rt=.. from=.. stale"
#   gw_path FAM PAT NH FROM a path of FAM matching PAT, next hop NH, from FROM
#   cn_has N RI PREFIX      control node N's instance RI has PREFIX
#   dp_has N VRFNAME PREFIX vrouter N has PREFIX in that instance's VRF
#   capture/capstop/fields/expect/count   tshark (as agent-mirror.sh)
. "$top_srcdir/tests/datapath/vr-lib.sh"
MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
AG="$top_builddir/agent-stub/mirador-agent"
base=$((20000 + $$ % 20000))
px=$base pb=$((base + 1)) ph=$((base + 2)) pi=$((base + 3)) pg=$((base + 4))
c1=127.0.12.1 c2=127.0.12.2 gwa=127.0.12.3 u1=127.0.12.11 u2=127.0.12.12
gwsink=127.0.12.50
GW="gobgp -u $gwa -p $pg"
red=d:p:red anvn=d:p:anvn redri=d:p:red:red anri=d:p:anvn:anvn
m1=02:00:00:12:00:03 m2=02:00:00:12:00:04 ma=02:00:00:19:00:09
n1=e2g1-$$ n2=e2g2-$$ na=e2ga-$$
t1=te2g1$$ t2=te2g2$$ ta=te2ga$$
_procs="" caps=""
e2e_cleanup() {
	for _p in $caps; do kill -INT "$_p" 2>/dev/null; done
	[ -n "${pingpid:-}" ] && kill "$pingpid" 2>/dev/null
	for _p in $_procs; do
		[ -f "$tmp/$_p.pid" ] || continue
		kill -TERM "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	sleep 0.3
	for _p in $_procs; do
		[ -f "$tmp/$_p.pid" ] && kill -KILL "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	# KEEP_TMP=DIR keeps the logs and captures (debugging)
	[ -n "${KEEP_TMP:-}" ] && rm -rf "$KEEP_TMP" && cp -r "$tmp" "$KEEP_TMP"
	vr_cleanup
}
trap e2e_cleanup EXIT
trap 'exit 1' INT TERM

start() { # NAME CMD...: background, log and pid in $tmp
	_n=$1; shift
	"$@" >>"$tmp/$_n.log" 2>&1 &
	echo $! >"$tmp/$_n.pid"
	case " $_procs " in *" $_n "*) ;; *) _procs="$_procs $_n" ;; esac
}
stop() { # NAME: SIGTERM, must exit 0 without a sanitizer report
	_pid=$(cat "$tmp/$1.pid") || return 1
	kill -TERM "$_pid" && wait "$_pid"
	_rc=$?
	rm -f "$tmp/$1.pid"
	if [ $_rc -ne 0 ] || grep -q "Sanitizer\|runtime error" "$tmp/$1.log"
	then sed 's/^/# /' "$tmp/$1.log" | tail -30; return 1; fi
}
kill9() { # NAME: SIGKILL (a crash)
	_pid=$(cat "$tmp/$1.pid") || return 1
	kill -KILL "$_pid"; wait "$_pid" 2>/dev/null
	rm -f "$tmp/$1.pid"
}
link_up() {
	_i=0
	while [ $_i -lt 500 ]; do
		ip link show "$1" >/dev/null 2>&1 && return 0
		sleep 0.02; _i=$((_i + 1))
	done
	return 1
}
until_ok() { # SECONDS COMMAND...
	_n=$(($1 * 10)); shift
	while [ $_n -gt 0 ]; do "$@" && return 0; sleep 0.1; _n=$((_n - 1)); done
	return 1
}
pings() { ip netns exec "$1" ping -q -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null; }

vmi() { # NAME VN VROUTER MAC IP TAP [EXTRA XML]
	cat <<EOT
<virtual-machine-interface name="$1">
  <virtual-network>$2</virtual-network>
  <virtual-router>$3</virtual-router>
  <mac-address>$4</mac-address>
  <ip-addresses><ip-address>$5</ip-address></ip-addresses>
  <tap-name>$6</tap-name>
  ${7:-}
</virtual-machine-interface>
EOT
}

gw_topology() {
	cat >"$tmp/cfg.xml" <<EOT
<config>
  <global-system-config>
    <autonomous-system>64512</autonomous-system>
    <graceful-restart-parameters>
      <enable>true</enable>
      <restart-time>60</restart-time>
      <end-of-rib-timeout>10</end-of-rib-timeout>
      <bgp-helper-enable>true</bgp-helper-enable>
      <xmpp-helper-enable>true</xmpp-helper-enable>
    </graceful-restart-parameters>
  </global-system-config>
  <bgp-router name="cn1">
    <router-type>control-node</router-type>
    <address>$c1</address>
    <port>$pb</port>
    <hold-time>30</hold-time>
  </bgp-router>
  <bgp-router name="cn2">
    <router-type>control-node</router-type>
    <address>$c2</address>
    <port>$pb</port>
    <hold-time>30</hold-time>
  </bgp-router>
  <bgp-router name="gw">
    <router-type>router</router-type>
    <address>$gwa</address>
    <port>$pb</port>
    <address-families><family>inet-vpn</family><family>e-vpn</family></address-families>
    <peers><peer name="cn1"/><peer name="cn2"/></peers>
  </bgp-router>
  <virtual-network name="$red">
    <network-id>12</network-id>
    <subnets><subnet prefix="10.12.0.0/24" gateway="10.12.0.1"/></subnets>
  </virtual-network>
  <virtual-network name="$anvn">
    <network-id>19</network-id>
    <mirror-destination>true</mirror-destination>
    <subnets><subnet prefix="10.19.0.0/24" gateway="10.19.0.1"/></subnets>
  </virtual-network>
  <virtual-router name="compute-1"><ip-address>$u1</ip-address></virtual-router>
  <virtual-router name="compute-2"><ip-address>$u2</ip-address></virtual-router>
$(vmi vm1 $red compute-1 $m1 10.12.0.3 $t1)
$(vmi vm2 $red compute-2 $m2 10.12.0.4 $t2)
$(vmi an1 $anvn compute-2 $ma 10.19.0.9 $ta)
</config>
EOT
	# The gateway: iBGP (AS 64512) to both control nodes, inet-vpn and
	# EVPN, graceful restart helper for inet-vpn only (gobgpd 3.10
	# panics when a peer that sent it EVPN MAC/IP routes restarts
	# gracefully, GoBGP PR #2613).
	cat >"$tmp/gw.toml" <<EOT
[global.config]
  as = 64512
  router-id = "$gwa"
  port = $pb
  local-address-list = ["$gwa"]
EOT
	for _c in $c1 $c2; do
		cat >>"$tmp/gw.toml" <<EOT
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$_c"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = "$gwa"
    remote-port = $pb
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 30
    keepalive-interval = 10
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 60
    notification-enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
EOT
	done
}

gw_start() {
	start gw gobgpd -f "$tmp/gw.toml" -t toml -l info \
		--api-hosts $gwa:$pg --pprof-disable
	until_ok 10 sh -c "$GW global >/dev/null 2>&1"
}
gw_kill() { kill9 gw; }
gw_established() { [ "$($GW neighbor 2>/dev/null | grep -c Establ)" -eq "$1" ]; }
gw_paths() {
	python3 -c '
import json, sys, re
pat = sys.argv[1]
d = json.load(sys.stdin)
for key, paths in (d or {}).items():
    if not re.search(pat, key): continue
    for p in paths:
        nh = ""; rts = []
        for a in p.get("attrs", []):
            if a.get("type") == 14: nh = a.get("nexthop", "")
            if a.get("type") == 3: nh = a.get("nexthop", "")
            if a.get("type") == 16:
                for c in a.get("value", []):
                    if c.get("type") in (0, 1, 2) and c.get("subtype") == 2:
                        rts.append(str(c.get("value")))
        print("%s nh=%s rt=%s from=%s%s" % (key, nh, ",".join(rts),
              p.get("neighbor-ip", ""), " stale" if p.get("stale") else ""))
' "$1" 2>/dev/null
}
gw_npaths() { # FAM PATTERN PATH-PATTERN N: exactly N such paths
	[ "$($GW global rib -a "$1" -j 2>/dev/null | gw_paths "$2" |
		grep -c -- "$3")" -eq "$4" ]
}
gw_path() { # FAM PATTERN NH FROM
	$GW global rib -a "$1" -j 2>/dev/null | gw_paths "$2" |
		grep -q "nh=$3 .*from=$4"
}

cn() { # N: (re)start control node N
	_a=$(eval echo "\$c$1")
	[ -f "$tmp/cfg$1.xml" ] || cp "$tmp/cfg.xml" "$tmp/cfg$1.xml"
	start cn$1 "$MC" -f -c "$tmp/cfg$1.xml" -N cn$1 -x $_a:$px -H $_a:$ph \
		-b $_a:$pb -l debug
}
ag() { # N: (re)start agent N
	_u=$(eval echo "\$u$1")
	start ag$1 "$AG" --name compute-$1 --control $c1:$px --control $c2:$px \
		--dp-socket "$tmp/vr$1.sock" --introspect $_u:$pi
}
# cfg_create FILES... / cfg_delete TYPE NAME: a config change made on
# both control nodes (each has its own file, as each Contrail control
# node reads the one config database).
cfg_create() {
	"$CTL" -s $c1:$ph create "$@" >/dev/null &&
		"$CTL" -s $c2:$ph create "$@" >/dev/null
}
cfg_delete() {
	"$CTL" -s $c1:$ph delete "$@" >/dev/null &&
		"$CTL" -s $c2:$ph delete "$@" >/dev/null
}
cn_has() { # N RI PREFIX
	"$CTL" -s "$(eval echo "\$c$1"):$ph" routes --instance "$2" \
		--prefix "$3" 2>/dev/null | grep -q -- "$3"
}
cn_hasnt() { ! cn_has "$@"; }
# vrf_of N VRFNAME: the VRF index agent N gave that instance.
vrf_of() {
	curl -sf "http://$(eval echo "\$u$1"):$pi/vrfs" |
		awk -v n="$2" '$1 == n { print $2; exit }'
}
dp_has() { # N RI PREFIX
	"$CTL" --dp-socket "$tmp/vr$1.sock" rt --dump "$(vrf_of "$1" "$2")" |
		grep -q -- "$3"
}

e2e_up() {
	cn 1
	cn 2
	ok "control node 1 up" wait_for "$tmp/cn1.log" "xmpp"
	ok "control node 2 up" wait_for "$tmp/cn2.log" "xmpp"
	ok "vrouter 1" vr_start vr1 --underlay $u1 --socket "$tmp/vr1.sock"
	ok "vrouter 2" vr_start vr2 --underlay $u2 --socket "$tmp/vr2.sock"
	ag 1
	ag 2
	ok "tap vm1" link_up $t1
	ok "tap vm2" link_up $t2
	ok "tap an1" link_up $ta
	ok "VM 1" vm_add $n1 $t1 $m1 10.12.0.3/24
	ok "VM 2" vm_add $n2 $t2 $m2 10.12.0.4/24
	ok "analyzer an1 on compute-2" vm_add $na $ta $ma 10.19.0.9/24
	ok "vm1 pings vm2" until_ok 20 pings $n1 10.12.0.4
}
e2e_down() {
	ok "agent 1 exits 0" stop ag1
	ok "agent 2 exits 0" stop ag2
	ok "control node 1 exits 0" stop cn1
	ok "control node 2 exits 0" stop cn2
}

capture() { # NAME NS|- IFACE FILTER
	if [ "$2" = - ]; then set -- "$1" "" "$3" "$4"; fi
	${2:+ip netns exec "$2"} tshark -i "$3" -f "$4" -w "$tmp/$1.pcap" \
		>"$tmp/$1.cap.log" 2>&1 &
	caps="$caps $!"
	eval "cap_$1=$!"
	wait_for "$tmp/$1.cap.log" "Capturing on" || return 1
	sleep 0.5
}
capstop() {
	eval "_p=\$cap_$1"
	sleep 0.4
	kill -INT "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	return 0
}
fields() { # NAME FILTER FIELDS...
	_f=$1 _filt=$2; shift 2
	_a=""
	for _e in "$@"; do _a="$_a -e $_e"; done
	# shellcheck disable=SC2086
	tshark -r "$tmp/$_f.pcap" -d udp.port==8099,juniper ${_filt:+-Y "$_filt"} \
		-T fields -E separator='|' $_a 2>/dev/null
}
expect() { # NAME "what" FILTER WANT FIELDS...
	_n=$1 _w=$2 _filt=$3 _want=$4; shift 4
	_got=$(fields "$_n" "$_filt" "$@" | sort | uniq -c |
		awk '{print $1 "|" $2}' | tr '\n' ';')
	_got=${_got%;}
	if [ "$_got" = "$_want" ]; then pass "$_w"; else
		fail "$_w"; diag "want: $_want"; diag "got:  $_got"; fi
}
count() { fields "$1" "$2" frame.number | wc -l; }
