#!/bin/sh
# cli.sh - mirador-control as a user runs it: --check on good and bad
# files (exit status, line numbers), the embedded default, --dump-config
# round trip, a foreground run with SIGHUP reloads (good and bad) and
# SIGTERM, and a daemon with a locked pid file.  Speaks TAP.
# Every wait is bounded; every process started here is stopped here.
set -u
. "$top_srcdir/tests/tap.sh"

MC="$top_builddir/control-node/mirador-control"
T=$(mktemp -d /tmp/mirador-cli.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT



# status CMD...: runs it, prints its exit status.
status() {
	"$@" >"$T/out" 2>"$T/err"
	echo $?
}

ok "--help exits 0" [ "$(status "$MC" --help)" = 0 ]
ok "--help lists --check" grep -q -- "--check" "$T/out"
ok "--version prints the version" sh -c "'$MC' --version | grep -q '^mirador-control [0-9]'"
ok "an unknown option exits 2" [ "$(status "$MC" --no-such-option)" = 2 ]
ok "a stray argument exits 2" [ "$(status "$MC" stray)" = 2 ]
ok "a bad --xmpp address exits 2" [ "$(status "$MC" --xmpp 300.1.1.1:5269 --check)" = 2 ]
ok "a bad --log-level exits 2" [ "$(status "$MC" -l loud --check)" = 2 ]

# The embedded default configuration.
ok "--check without --config checks the embedded default" \
	[ "$(status "$MC" --check)" = 0 ]
ok "... and says so" grep -q "^(embedded default): OK: 5 objects" "$T/out"
"$MC" --print-default-config >"$T/default.xml"
ok "--print-default-config prints a file that checks" \
	[ "$(status "$MC" --check -c "$T/default.xml")" = 0 ]
"$MC" --print-schema >"$T/schema.xsd"
ok "--print-schema prints the XSD" cmp -s "$T/schema.xsd" "$top_srcdir/schema/mirador.xsd"

# Every example configuration checks.
for f in "$top_srcdir"/docs/examples/*.xml; do
	ok "example $(basename "$f") checks" [ "$(status "$MC" --check -c "$f")" = 0 ]
done

# A bad file: exit 1, every error named by file and line.
cat >"$T/bad.xml" <<'EOF'
<config>
  <virtual-network name="red">
    <network-id>1</network-id>
  </virtual-network>
  <virtual-machine-interface name="vm1">
    <virtual-network>blue</virtual-network>
  </virtual-machine-interface>
  <virtual-router name="r1"><ip-address>10.0.0.300</ip-address></virtual-router>
</config>
EOF
ok "--check on a bad file exits 1" [ "$(status "$MC" --check -c "$T/bad.xml")" = 1 ]
ok "... naming file, line and element" \
	grep -q "^$T/bad.xml:8: element 'ip-address': '10.0.0.300' is not an IPv4 or IPv6 address$" "$T/err"
ok "... with a count" grep -q "^1 error$" "$T/err"
ok "... and nothing on stdout" [ ! -s "$T/out" ]
sed -i 's/10.0.0.300/10.0.0.30/' "$T/bad.xml"
ok "a reference to a missing object exits 1" [ "$(status "$MC" --check -c "$T/bad.xml")" = 1 ]
ok "... naming the line of the reference" \
	grep -q "^$T/bad.xml:6: element 'virtual-network': virtual-machine-interface 'vm1': no virtual-network named 'blue'$" "$T/err"
ok "a missing file exits 1" [ "$(status "$MC" --check -c "$T/none.xml")" = 1 ]
ok "... and says why" grep -q "cannot open: No such file or directory" "$T/err"

# --dump-config: every default written out; the dump is stable.
"$MC" --dump-config -c "$top_srcdir/docs/examples/two-vns-mirror.xml" >"$T/d1.xml"
"$MC" --dump-config -c "$T/d1.xml" >"$T/d2.xml"
ok "--dump-config output loads and dumps the same" cmp -s "$T/d1.xml" "$T/d2.xml"
ok "... with defaults filled in" grep -q "<udp-port>8099</udp-port>" "$T/d1.xml"

# A foreground run: SIGHUP reloads, a bad file is rejected, SIGTERM stops.
cp "$top_srcdir/docs/examples/two-vns-mirror.xml" "$T/run.xml"
"$MC" -f -c "$T/run.xml" -L "$T/run.log" -l debug \
	--xmpp 127.0.0.1:0 --bgp 127.0.0.1:0 --http 127.0.0.1:0 &
MCPID=$!
PIDS="$PIDS $MCPID"
ok "foreground start logs the configuration" wait_for "$T/run.log" "config: loaded $T/run.xml: 16 objects"
ok "... and runs" wait_for "$T/run.log" "control node running"
sed -i 's|<network-id>2</network-id>|<network-id>7</network-id>|' "$T/run.xml"
kill -HUP "$MCPID"
ok "SIGHUP reloads a changed file" wait_for "$T/run.log" "reloaded $T/run.xml: 0 added, 1 changed, 0 removed"
ok "... naming what changed" wait_for "$T/run.log" "changed virtual-network 'default-domain:demo:blue'"
printf '<config>\n<bogus/>\n</config>\n' >"$T/run.xml"
kill -HUP "$MCPID"
ok "SIGHUP with a bad file logs the error with its line" \
	wait_for "$T/run.log" "config: $T/run.xml:2: element 'bogus'"
ok "... and keeps the running configuration" \
	wait_for "$T/run.log" "rejected (1 error); the running configuration stays"
ok "... and keeps running" kill -0 "$MCPID"
kill -TERM "$MCPID"
ok "SIGTERM stops it" wait_gone "$MCPID"
wait "$MCPID"
ok "... with exit status 0" [ $? = 0 ]
ok "... after closing every handle" grep -q "mirador-control exiting (status 0)" "$T/run.log"

# A bad file at start-up: exit 1 and the reason in the log.
"$MC" -f -c "$T/run.xml" -L "$T/bad.log"
ok "start-up on a bad file exits 1" [ $? = 1 ]
ok "... with the reason logged" grep -q "run.xml:2: element 'bogus'" "$T/bad.log"

# A daemon: detaches, writes and locks its pid file, SIGTERM removes it.
cp "$top_srcdir/docs/examples/two-vns-mirror.xml" "$T/run.xml"
"$MC" -c "$T/run.xml" -L "$T/daemon.log" -p "$T/mc.pid"
ok "daemon start returns 0 at once" [ $? = 0 ]
ok "... writes its pid file" wait_for "$T/mc.pid" "[0-9]"
DPID=$(cat "$T/mc.pid" 2>/dev/null)
PIDS="$PIDS $DPID"
ok "... and runs" wait_for "$T/daemon.log" "control node running"
"$MC" -f -c "$T/run.xml" -L "$T/second.log" -p "$T/mc.pid"
ok "a second instance on the same pid file exits 1" [ $? = 1 ]
ok "... saying why" grep -q "another mirador-control is running" "$T/second.log"
kill -TERM "$DPID"
ok "SIGTERM stops the daemon" wait_gone "$DPID"
ok "... and removes its pid file" [ ! -e "$T/mc.pid" ]

done_testing
