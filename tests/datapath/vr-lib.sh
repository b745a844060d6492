# tests/datapath/vr-lib.sh - sourced by the mirador-vrouter shell tests
# after tests/tap.sh: start and stop vrouters, and "VMs" that are network
# namespaces holding a vrouter's tap.  Everything started is recorded so
# that vr_cleanup (run from the caller's trap) removes it: processes by
# their pid, namespaces by name.
#   vr_start NAME ARGS...      starts mirador-vrouter, log in $tmp/NAME.log,
#                              pid in $tmp/NAME.pid; waits until it runs
#   vr_stop NAME               SIGTERM, waits; fails unless it exits 0
#                              with no sanitizer report in its log
#   vm_add NS TAP MAC IP/LEN   moves TAP into a new namespace NS, sets its
#                              MAC, address, link up, default via .1
#   vr_cleanup                 kills what is left, deletes the namespaces
#   capture NAME NS|- IFACE FILTER   tshark writing $tmp/NAME.pcap, ready
#                              before it returns; its pid added to $caps
#                              (the caller's, for its trap)
#   stop NAME                  SIGINT to that capture; the file is
#                              complete when it returns
# The caller sets tmp (a private directory) first.
VR_BIN="$top_builddir/datapath/mirador-vrouter"
_vr_names=""
_vr_netns=""

vr_start() {
	_n=$1; shift
	"$VR_BIN" "$@" >"$tmp/$_n.log" 2>&1 &
	echo $! >"$tmp/$_n.pid"
	_vr_names="$_vr_names $_n"
	wait_for "$tmp/$_n.log" "mirador-vrouter .*: underlay" ||
		{ sed 's/^/# /' "$tmp/$_n.log"; return 1; }
}

vr_stop() {
	_pid=$(cat "$tmp/$1.pid" 2>/dev/null) || return 1
	kill -TERM "$_pid" 2>/dev/null || return 1
	wait "$_pid"
	_rc=$?
	rm -f "$tmp/$1.pid"
	if [ $_rc -ne 0 ] || grep -q "Sanitizer\|runtime error" "$tmp/$1.log"
	then
		sed 's/^/# /' "$tmp/$1.log"
		return 1
	fi
}

vm_add() {
	ip netns add "$1" || return 1
	_vr_netns="$_vr_netns $1"
	ip link set "$2" netns "$1" &&
		ip -n "$1" link set dev "$2" address "$3" &&
		ip -n "$1" link set lo up &&
		ip -n "$1" link set "$2" up &&
		ip -n "$1" addr add "$4" dev "$2" &&
		ip -n "$1" route add default via "${4%.*/*}.1"
}

vr_cleanup() {
	for _n in $_vr_names; do
		[ -f "$tmp/$_n.pid" ] || continue
		_pid=$(cat "$tmp/$_n.pid")
		kill -TERM "$_pid" 2>/dev/null && wait_gone "$_pid"
		kill -KILL "$_pid" 2>/dev/null
	done
	for _ns in $_vr_netns; do
		ip netns del "$_ns" 2>/dev/null
	done
	rm -rf "$tmp"
}

capture() {
	if [ "$2" = - ]; then set -- "$1" "" "$3" "$4"; fi
	${2:+ip netns exec "$2"} tshark -i "$3" -f "$4" -w "$tmp/$1.pcap" \
		>"$tmp/$1.cap.log" 2>&1 &
	caps="${caps:-} $!"
		eval "cap_$1=$!"
	# tshark says so slightly before its filter is on: a moment more
	wait_for "$tmp/$1.cap.log" "Capturing on" && sleep 0.5
}

stop() {
	eval "_p=\$cap_$1"
	kill -INT "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	return 0
}
