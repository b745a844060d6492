#!/bin/sh
# rest.sh - mirador-control's REST API through miradorctl, as an operator
# uses it: create objects from files, read them back, watch the routing
# instances follow, get precise refusals (and no change) for bad input,
# the Cloudpods tap commands, then restart the process and find every
# change still there.  Speaks TAP.  Only 127.0.0.1, on a port the server
# picks; every process started here is stopped here.
set -u
. "$top_srcdir/tests/tap.sh"

MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
T=$(mktemp -d /tmp/mirador-rest.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT


# start LOG [ARGS...]: starts the control node, sets PID and SRV.
start() {
	log=$1
	shift
	: >"$log"
	"$MC" -f -L "$log" -l debug --http 127.0.0.1:0 \
		--xmpp 127.0.0.1:0 --bgp 127.0.0.1:0 "$@" &
	PID=$!
	wait_for "$log" "introspect on http://" || return 1
	SRV=$(sed -n 's|.*introspect on http://\([0-9.:]*\)/.*|\1|p' "$log" | tail -1)
	[ -n "$SRV" ]
}

stop() {
	kill -TERM "$PID"
	wait "$PID"
	rc=$?
	PID=""
	return $rc
}

ctl() { "$CTL" -s "$SRV" "$@" >"$T/out" 2>"$T/err"; }

cat >"$T/cfg.xml" <<'EOF'
<config>
  <virtual-network name="default-domain:demo:red">
    <network-id>1</network-id>
    <subnets><subnet prefix="10.1.0.0/24"/></subnets>
  </virtual-network>
  <virtual-router name="compute1"><ip-address>127.0.0.11</ip-address></virtual-router>
</config>
EOF
cat >"$T/blue.xml" <<'EOF'
<config>
  <virtual-network name="default-domain:demo:blue">
    <network-id>2</network-id>
    <subnets><subnet prefix="10.2.0.0/24"/></subnets>
  </virtual-network>
  <virtual-machine-interface name="default-domain:demo:vm2">
    <virtual-network>default-domain:demo:blue</virtual-network>
    <virtual-router>compute1</virtual-router>
    <ip-addresses><ip-address>10.2.0.3</ip-address></ip-addresses>
    <labels><label key="role" value="dpi"/></labels>
  </virtual-machine-interface>
  <mirror-destination name="dpi">
    <analyzer-selector><label key="role" value="dpi"/></analyzer-selector>
  </mirror-destination>
</config>
EOF

ok "mirador-control starts on a config file" start "$T/log1" -c "$T/cfg.xml"
ok "status answers" ctl status
ok "... with the config file and generation 1" \
	sh -c "grep -q 'config-source: $T/cfg.xml' '$T/out' && grep -q 'config-generation: 1' '$T/out'"

# Create from a file.
ok "create from a file" ctl create "$T/blue.xml"
ok "... reports what it created" grep -q "^created: 3" "$T/out"
ok "the network is listed" sh -c "'$CTL' -s $SRV config virtual-network | grep -q '^default-domain:demo:blue  *REST'"
ok "it reads back as XML with its defaults" \
	sh -c "'$CTL' -s $SRV config virtual-network default-domain:demo:blue | grep -q '<subnet prefix=\"10.2.0.0/24\" gateway=\"10.2.0.1\"/>'"
ok "its routing instance exists with the default target" \
	sh -c "'$CTL' -s $SRV instances default-domain:demo:blue:blue | grep -q 'target:64512:8000002'"
ok "the mirror destination resolves to the new interface" \
	sh -c "'$CTL' -s $SRV mirrors | grep '^mirror-destination  *dpi ' | grep -q 'true  *default-domain:demo:vm2  *10.2.0.3'"
ok "the file now holds the change" grep -q 'default-domain:demo:vm2' "$T/cfg.xml"
ok "... and still checks" sh -c "'$MC' --check -c '$T/cfg.xml' >/dev/null"

# Bad input: a precise refusal and no change.
gen_before=$("$CTL" -s "$SRV" status | sed -n 's/^config-generation: //p')
cp "$T/cfg.xml" "$T/cfg.before"
printf '<virtual-network name="x">\n<network-id>abc</network-id>\n</virtual-network>\n' >"$T/bad.xml"
ctl create "$T/bad.xml"
ok "an invalid document is refused" [ $? = 1 ]
ok "... with 400, the line, the element and the reason" \
	sh -c "grep -q '^error 400' '$T/err' && grep -q \"REST:2: element 'network-id': 'abc' is not a valid value\" '$T/err'"
printf '<virtual-machine-interface name="lost"><virtual-network>nowhere</virtual-network></virtual-machine-interface>\n' >"$T/dangling.xml"
ctl create "$T/dangling.xml"
ok "a dangling reference is refused" [ $? = 1 ]
ok "... with 409 and the reference named" \
	sh -c "grep -q '^error 409' '$T/err' && grep -q \"no virtual-network named 'nowhere'\" '$T/err'"
ctl delete virtual-network default-domain:demo:blue
ok "deleting a network an interface uses is refused" [ $? = 1 ]
ok "... saying which interface" grep -q "virtual-machine-interface 'default-domain:demo:vm2': no virtual-network named 'default-domain:demo:blue'" "$T/err"
ctl delete virtual-network default-domain:demo:none
ok "deleting what does not exist is a 404" grep -q '^error 404' "$T/err"
gen_after=$("$CTL" -s "$SRV" status | sed -n 's/^config-generation: //p')
ok "nothing changed: same generation" [ "$gen_before" = "$gen_after" ]
ok "... and the same file" cmp -s "$T/cfg.xml" "$T/cfg.before"
printf '<virtual-network name="a">' >"$T/cut.xml"
ctl create "$T/cut.xml"
ok "a truncated body is refused" grep -q '^error 400' "$T/err"

# Cloudpods tap commands.
ok "tap-service-create (guest)" ctl tap-service-create --type guest --target-id default-domain:demo:vm2 sniffer
ok "a tap service starts disabled" sh -c "'$CTL' -s $SRV tap-service-show sniffer | grep -q '<enabled>false</enabled>'"
ok "tap-service-enable" ctl tap-service-enable sniffer
ok "... enables it" sh -c "'$CTL' -s $SRV tap-service-show sniffer | grep -q '<enabled>true</enabled>'"
ok "tap-flow-create (vswitch, VLAN)" ctl tap-flow-create --tap-id sniffer --type vswitch --host-id compute1 --wire-id default-domain:demo:red --vlan-id 100 --direction IN red-in
ok "tap-flow-disable" ctl tap-flow-disable red-in
ok "... disables it" sh -c "'$CTL' -s $SRV tap-flow-show red-in | grep -q '<enabled>false</enabled>'"
ctl tap-flow-create --tap-id sniffer --type vnic --interface default-domain:demo:vm2 self
ok "tapping the tap service's own interface is refused" grep -q "cannot tap the interface that tap-service 'sniffer' delivers to" "$T/err"
ok "tap-flow-list lists it" sh -c "'$CTL' -s $SRV tap-flow-list | grep -q '^red-in '"

# Other renderings and errors.
ok "JSON on request" sh -c "'$CTL' -j -s $SRV status | grep -q '\"page\":\"status\"'"
ok "HTML for a browser" sh -c "curl -s -H 'Accept: text/html' http://$SRV/routing-instances | grep -q '<a href=\"/routing-instances/default-domain:demo:blue:blue\">'"
ctl routes --family bogus
ok "a bad filter is a 400 with the reason" grep -q "unknown family 'bogus'" "$T/err"

# Restart: everything is still there.
ok "SIGTERM stops it cleanly" stop
ok "it starts again on the saved file" start "$T/log2" -c "$T/cfg.xml"
ok "the created network is still there" sh -c "'$CTL' -s $SRV config virtual-network default-domain:demo:blue | grep -q '<network-id>2</network-id>'"
ok "the tap service is still enabled" sh -c "'$CTL' -s $SRV tap-service-show sniffer | grep -q '<enabled>true</enabled>'"
ok "the tap flow is still disabled" sh -c "'$CTL' -s $SRV tap-flow-show red-in | grep -q '<enabled>false</enabled>'"
ok "its instance is back" sh -c "'$CTL' -s $SRV instances | grep -q '^default-domain:demo:blue:blue '"
ok "delete works" ctl delete tap-flow red-in
ok "... and is gone" sh -c "! '$CTL' -s $SRV tap-flow-show red-in 2>/dev/null"
ok "stop again" stop

# On the embedded default there is no file to save to.
ok "it starts on the embedded default" start "$T/log3"
ctl create "$T/blue.xml"
ok "changes are refused with the way out" grep -q "start mirador-control with --config FILE" "$T/err"
ok "stop" stop
ok "miradorctl without a server says so" sh -c "'$CTL' -s 127.0.0.1:1 status 2>&1 | grep -q 'no answer from 127.0.0.1:1'"

done_testing
