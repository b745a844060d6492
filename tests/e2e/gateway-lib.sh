# tests/e2e/gateway-lib.sh - a gateway played by a real gobgpd, for the
# gateway and fault scenarios; sourced after lib.sh, e2e_init and
# topo.sh.  The gateway ($GWA, iBGP AS 64512) peers with cn1 and cn2 on
# $PB; its gRPC API is on $GWA:$PG ($GW is its CLI).
#   gw_extra [frr]          the config objects it needs (for TOPO_EXTRA):
#                           graceful restart on (BGP and XMPP helper),
#                           the gateway's bgp-router peering with both
#                           (and a second gateway, FRR's bgpd on $FRRA)
#   frr_start               FRR's bgpd (no zebra) peering with both
#   vty CMD                 vtysh against it
#   gw_start / gw_kill      gobgpd up (waits for its API) / SIGKILL
#   gw_established N        N sessions Established
#   gw_paths PATTERN        (stdin: gobgp -j) a line per path whose NLRI
#                           matches: "NLRI nh=.. rt=.. from=..[ stale]"
#   gw_npaths FAM PAT PATHPAT N   exactly N paths of FAM matching both
#   gw_path FAM PAT NH FROM a path with next hop NH from FROM
#   gw_dump FAM             the RIB as TAP comments
#   cn_has CN RI PREFIX     control node CN's instance RI has PREFIX
#                           (the line in $tmp/cn_has.out)
# gobgpd 3.10 panics when a peer that sent it EVPN MAC/IP routes
# restarts gracefully (GoBGP PR #2613, docs/bgp.md): its graceful
# restart covers inet-vpn only; EVPN routes go and come back.
GWA=$(e2e_addr 3) FRRA=$(e2e_addr 4) GWSINK=$(e2e_addr 5) PG=$((PX + 4))
GW="gobgp -u $GWA -p $PG"
FRR_BGPD=/usr/lib/frr/bgpd
VTY="vtysh --vty_socket $tmp/vty"

gw_extra() {
	cat <<EOT
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
  <bgp-router name="gw">
    <router-type>router</router-type>
    <address>$GWA</address>
    <port>$PB</port>
    <address-families><family>inet-vpn</family><family>e-vpn</family></address-families>
    <peers><peer name="cn1"/><peer name="cn2"/></peers>
  </bgp-router>
EOT
	[ "${1:-}" = frr ] && cat <<EOT
  <bgp-router name="frr">
    <router-type>router</router-type>
    <address>$FRRA</address>
    <port>$PB</port>
    <address-families><family>inet-vpn</family><family>e-vpn</family></address-families>
    <peers><peer name="cn1"/><peer name="cn2"/></peers>
  </bgp-router>
EOT
	return 0
}

# FRR on loopback needs allow-martian-nexthop (docs/bgp.md).
frr_start() {
	mkdir -p "$tmp/vty"
	{
		echo "frr defaults traditional"
		echo "hostname frr-gw"
		echo "log file $tmp/frr-bgpd.log informational"
		echo "router bgp 64512"
		echo " bgp router-id $FRRA"
		echo " no bgp default ipv4-unicast"
		echo " bgp allow-martian-nexthop"
		for _c in $CN1 $CN2; do
			echo " neighbor $_c remote-as 64512"
			echo " neighbor $_c port $PB"
			echo " neighbor $_c update-source $FRRA"
			echo " neighbor $_c timers connect 1"
		done
		for _af in "ipv4 vpn" "l2vpn evpn"; do
			echo " address-family $_af"
			for _c in $CN1 $CN2; do echo "  neighbor $_c activate"; done
			echo " exit-address-family"
		done
		echo "exit"
	} >"$tmp/frr.conf"
	proc_start frr "$FRR_BGPD" -f "$tmp/frr.conf" -i "$tmp/frr.pidf" -Z -S \
		-p "$PB" -l "$FRRA" -A "$FRRA" -P 0 --vty_socket "$tmp/vty"
	wait_for "$tmp/frr.pidf" .
}
vty() { $VTY -c "$1" 2>/dev/null; }

_gw_toml() {
	cat <<EOT
[global.config]
  as = 64512
  router-id = "$GWA"
  port = $PB
  local-address-list = ["$GWA"]
EOT
	for _c in $CN1 $CN2; do
		cat <<EOT
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$_c"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = "$GWA"
    remote-port = $PB
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
	[ -f "$tmp/gw.toml" ] || _gw_toml >"$tmp/gw.toml"
	proc_start gw gobgpd -f "$tmp/gw.toml" -t toml -l info \
		--api-hosts "$GWA:$PG" --pprof-disable
	until_ok sh -c "$GW global >/dev/null 2>&1"
}
gw_kill() { proc_kill gw; }
gw_established() { [ "$($GW neighbor 2>/dev/null | grep -c Establ)" -eq "$1" ]; }
gw_paths() {
	python3 -c '
import json, sys, re
pat = sys.argv[1]
d = json.load(sys.stdin)
for key, paths in (d or {}).items():
    if not re.search(pat, key):
        continue
    for p in paths:
        nh = ""
        rts = []
        for a in p.get("attrs", []):
            if a.get("type") in (3, 14):
                nh = a.get("nexthop", "")
            if a.get("type") == 16:
                for c in a.get("value", []):
                    if c.get("type") in (0, 1, 2) and c.get("subtype") == 2:
                        rts.append(str(c.get("value")))
        print("%s nh=%s rt=%s from=%s%s" % (key, nh, ",".join(rts),
              p.get("neighbor-ip", ""), " stale" if p.get("stale") else ""))
' "$1" 2>/dev/null
}
gw_npaths() {
	[ "$($GW global rib -a "$1" -j 2>/dev/null | gw_paths "$2" |
		grep -c -- "$3")" -eq "$4" ]
}
gw_path() {
	$GW global rib -a "$1" -j 2>/dev/null | gw_paths "$2" |
		grep -q "nh=$3 .*from=$4\$\|nh=$3 .*from=$4 "
}
gw_dump() { $GW global rib -a "$1" -j 2>/dev/null | gw_paths . | sed 's/^/#   /'; }
cn_has() {
	"$CTL" -s "$(cn_rest "$1")" routes --instance "$2" --prefix "$3" \
		>"$tmp/cn_has.out" 2>&1 && grep -q -- "$3" "$tmp/cn_has.out"
}
