# tests/agent/ag-lib.sh - sourced by the agent's shell tests after
# tests/tap.sh and tests/datapath/vr-lib.sh (with tmp set): processes,
# waits, agent-log marks and tshark captures, and the cleanup their
# trap runs.
#   start NAME CMD...   background, log $tmp/NAME.log, pid $tmp/NAME.pid
#   stop NAME           SIGTERM; fails unless it exits 0 with no
#                       sanitizer report in its log
#   link_up TAP         up to 10 s for the vrouter to create TAP
#   until_ok CMD...     up to 10 s for CMD to succeed
#   pings NS DST [N]    N (2) pings must be answered
#   mark NAME; since NAME; logged NAME RE; wait_log NAME RE
#                       lines of NAME's log since the mark
#   capture NAME NS|- IFACE FILTER; capstop NAME
#                       tshark to $tmp/NAME.pcap, ready when it returns
#   fields NAME FILTER FIELDS...; count NAME FILTER
#   expect NAME "what" FILTER WANT FIELDS...
#                       frames counted by FIELDS (sort | uniq -c), ';'
#   ag_cleanup          kills what was started (and $pingpid), keeps
#                       $tmp in $KEEP_TMP when set, then vr_cleanup
_procs="" caps=""

ag_cleanup() {
	for _p in $caps; do kill -INT "$_p" 2>/dev/null; done
	for _p in $_procs; do
		[ -f "$tmp/$_p.pid" ] || continue
		kill -TERM "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	sleep 0.3
	for _p in $_procs; do
		[ -f "$tmp/$_p.pid" ] && kill -KILL "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	[ -n "${pingpid:-}" ] && kill "$pingpid" 2>/dev/null
	# KEEP_TMP=DIR keeps the logs and captures (debugging)
	[ -n "${KEEP_TMP:-}" ] && rm -rf "$KEEP_TMP" && cp -r "$tmp" "$KEEP_TMP"
	vr_cleanup
}

start() {
	_n=$1; shift
	"$@" >>"$tmp/$_n.log" 2>&1 &
	echo $! >"$tmp/$_n.pid"
	_procs="$_procs $_n"
}
stop() {
	_pid=$(cat "$tmp/$1.pid") || return 1
	kill -TERM "$_pid" && wait "$_pid"
	_rc=$?
	rm -f "$tmp/$1.pid"
	if [ $_rc -ne 0 ] || grep -q "Sanitizer\|runtime error" "$tmp/$1.log"
	then sed 's/^/# /' "$tmp/$1.log" | tail -30; return 1; fi
}
link_up() {
	_i=0
	while [ $_i -lt 500 ]; do
		ip link show "$1" >/dev/null 2>&1 && return 0
		sleep 0.02; _i=$((_i + 1))
	done
	return 1
}
until_ok() {
	_i=0
	while [ $_i -lt 100 ]; do "$@" && return 0; sleep 0.1; _i=$((_i + 1)); done
	return 1
}
pings() { ip netns exec "$1" ping -q -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null; }
mark() { eval "_mk_$1=$(wc -l <"$tmp/$1.log")"; }
since() { eval "_m=\$_mk_$1"; tail -n +$((_m + 1)) "$tmp/$1.log"; }
logged() { since "$1" | grep -q -- "$2"; }
wait_log() { until_ok logged "$1" "$2"; }
capture() {
	if [ "$2" = - ]; then set -- "$1" "" "$3" "$4"; fi
	${2:+ip netns exec "$2"} tshark -i "$3" -f "$4" -w "$tmp/$1.pcap" \
		>"$tmp/$1.cap.log" 2>&1 &
	caps="$caps $!"
	eval "cap_$1=$!"
	wait_for "$tmp/$1.cap.log" "Capturing on" || return 1
	sleep 0.5 # dumpcap may attach its filter after saying so
}
capstop() {
	eval "_p=\$cap_$1"
	sleep 0.4
	kill -INT "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	return 0
}
fields() {
	_f=$1 _filt=$2; shift 2
	_a=""
	for _e in "$@"; do _a="$_a -e $_e"; done
	# shellcheck disable=SC2086
	tshark -r "$tmp/$_f.pcap" -d udp.port==8099,juniper -Y "$_filt" \
		-T fields -E separator='|' $_a 2>/dev/null
}
count() { fields "$1" "$2" frame.number | wc -l; }
expect() {
	_n=$1 _w=$2 _filt=$3 _want=$4; shift 4
	_got=$(fields "$_n" "$_filt" "$@" | sort | uniq -c |
		awk '{print $1 "|" $2}' | tr '\n' ';')
	_got=${_got%;}
	if [ "$_got" = "$_want" ]; then pass "$_w"; else
		fail "$_w"; diag "want: $_want"; diag "got:  $_got"; fi
}
