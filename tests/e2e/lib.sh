# tests/e2e/lib.sh - the multi-node integration suite's framework,
# sourced after tests/tap.sh: control nodes, compute nodes (vrouter +
# agent), VMs and analyzers as network namespaces holding the taps the
# vrouters create, tshark captures and field extraction, configuration
# changes over REST, bounded waits, and a cleanup (trap) that kills
# everything started and deletes every namespace created.
#
#   e2e_init NAME [SLOT]     first: needs root, tshark, /dev/net/tun (skips
#                            the whole file loudly otherwise), makes $tmp,
#                            installs the trap.  SLOT (0-11) chooses this
#                            script's addresses: $E2E_NET.(SLOT*20 + n),
#                            E2E_NET defaults to 127.0.11; ports are
#                            unique per run ($PX XMPP, $PB BGP, $PH REST,
#                            $PI agent introspect)
#   e2e_addr N               prints $E2E_NET.(SLOT*20 + N)
#   proc_start NAME CMD...   background process, $tmp/NAME.log, .pid
#   proc_stop NAME           SIGTERM; fails unless it exits 0 with no
#                            sanitizer report (the log's tail shown)
#   proc_kill NAME           SIGKILL (a crash, for fault scenarios)
#   cn_start NAME ADDR [CFG] mirador-control -N NAME, XMPP/BGP/REST on
#                            ADDR, config file CFG (default $tmp/NAME.xml,
#                            copied from $tmp/cfg.xml when missing); waits
#                            until it serves
#   cn_stop NAME
#   compute_start NAME ADDR CN-ADDR...  mirador-vrouter --underlay ADDR
#                            (socket $tmp/NAME.sock) and mirador-agent
#                            --name NAME --control each CN --introspect
#                            ADDR:$PI; waits for the config subscription
#   compute_stop NAME        agent then vrouter, both must exit 0
#   vm_start NS TAP MAC IP/LEN  waits for the tap, moves it into a new
#                            namespace NS, MAC, address, default route
#   vm_move NS TAP MAC IP/LEN   the VM's interface is now TAP (after its
#                            VMI moved): waits for it, moves it into NS
#   in_ns NS CMD...          ip netns exec
#   pings NS DST [N]         N (2) pings, 0.2 s apart, all answered
#   udp_send NS DST PORT [SPORT]  one UDP datagram
#   cap_start NAME NS|- IFACE FILTER   tshark -w $tmp/NAME.pcap (in NS, or
#                            the root namespace with -), ready on return
#   cap_stop NAME            lets the last frames in, SIGINT, waits: the
#                            file is complete on return
#   fields NAME FILTER FIELD...  one '|'-joined line per matching frame
#                            (Juniper header decoded on UDP 8099)
#   count NAME FILTER        number of matching frames
#   expect NAME WHAT FILTER WANT FIELD...  one TAP line: the matching
#                            frames grouped by FIELDS ("N|f1|f2;...",
#                            sorted as sort | uniq -c) must be WANT
#   jhdr_sane NAME WHAT      one TAP line: every UDP 8099 frame of NAME is
#                            a Juniper header with an Ethernet frame
#                            behind it, nothing malformed
#   ctl ARGS...              miradorctl against the first running CN
#   cfg_apply [FILE...]      miradorctl create on every running control
#                            node (stdin when no FILE); fails if one refuses
#   cfg_delete TYPE NAME     delete on every running control node
#   until_ok [-t SECS] CMD...  retries every 0.1 s, SECS (10) at most
#   mark NAME; since NAME; wait_log NAME PATTERN [SECS]  the lines NAME's
#                            log got since the last mark; wait for PATTERN
#   now; elapsed T0 [T1]     timestamps (s.ns) and differences (ms)
#   agent_page NAME PATH     GET an agent's introspect page
#   dp NAME ARGS...          miradorctl --dp-socket of compute node NAME
# KEEP_TMP=DIR keeps the logs and captures of the run in DIR.

E2E_NET=${E2E_NET:-127.0.11}
MC="$top_builddir/control-node/mirador-control"
CTL="$top_builddir/control-node/miradorctl"
AG="$top_builddir/agent-stub/mirador-agent"
VR="$top_builddir/datapath/mirador-vrouter"
_e2e_procs=""
_e2e_caps=""
_e2e_netns=""
_e2e_cns=""

e2e_init() {
	need_root "network namespaces and TAP devices"
	need_cmd tshark
	need_cmd ping
	need_cmd python3
	need_cmd curl
	[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
	E2E_NAME=$1
	E2E_SLOT=${2:-0}
	tmp=$(mktemp -d "/tmp/mirador-e2e-$1-XXXXXX") || exit 1
	# Ports unique per run (the addresses are this script's own).
	_b=$((20000 + ($$ * 7) % 30000))
	PX=$_b PB=$((_b + 1)) PH=$((_b + 2)) PI=$((_b + 3))
	RID=$(($$ % 100000))
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
	E2E_T0=$(now)
}

e2e_addr() { echo "$E2E_NET.$((E2E_SLOT * 20 + $1))"; }

e2e_cleanup() {
	for _p in $_e2e_caps; do kill -INT "$_p" 2>/dev/null; done
	for _p in $_e2e_procs; do
		[ -f "$tmp/$_p.pid" ] && kill -TERM "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	_i=0
	while [ $_i -lt 30 ]; do
		_left=""
		for _p in $_e2e_procs; do
			[ -f "$tmp/$_p.pid" ] && kill -0 "$(cat "$tmp/$_p.pid")" \
				2>/dev/null && _left=1
		done
		[ -z "$_left" ] && break
		sleep 0.1; _i=$((_i + 1))
	done
	for _p in $_e2e_procs; do
		[ -f "$tmp/$_p.pid" ] && kill -KILL "$(cat "$tmp/$_p.pid")" 2>/dev/null
	done
	for _ns in $_e2e_netns; do ip netns del "$_ns" 2>/dev/null; done
	if [ -n "${KEEP_TMP:-}" ]; then
		mkdir -p "$KEEP_TMP" && cp -r "$tmp"/. "$KEEP_TMP"/
	fi
	rm -rf "$tmp"
}

# bail WHY: the rest cannot run (set-up failed): the plan so far, exit 1.
bail() {
	echo "Bail out! $*"
	exit 1
}

now() { date +%s.%N; }
elapsed() { awk "BEGIN { printf \"%d\", (${2:-$(now)} - $1) * 1000 }"; }

until_ok() {
	_secs=10
	[ "$1" = -t ] && { _secs=$2; shift 2; }
	_n=$(awk "BEGIN { print int($_secs * 10) }")
	_i=0
	while [ $_i -lt "$_n" ]; do
		"$@" && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# ---- processes ----
proc_start() {
	_ps_n=$1; shift
	"$@" >>"$tmp/$_ps_n.log" 2>&1 &
	echo $! >"$tmp/$_ps_n.pid"
	case " $_e2e_procs " in *" $_ps_n "*) ;;
	*) _e2e_procs="$_e2e_procs $_ps_n" ;; esac
}
proc_stop() {
	_pid=$(cat "$tmp/$1.pid" 2>/dev/null) || return 1
	kill -TERM "$_pid" 2>/dev/null || return 1
	wait "$_pid"
	_rc=$?
	rm -f "$tmp/$1.pid"
	if [ $_rc -ne 0 ] || grep -q "Sanitizer\|runtime error" "$tmp/$1.log"
	then
		diag "$1 exited $_rc:"
		tail -30 "$tmp/$1.log" | sed 's/^/#   /'
		return 1
	fi
}
proc_kill() {
	_pid=$(cat "$tmp/$1.pid" 2>/dev/null) || return 1
	kill -KILL "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	rm -f "$tmp/$1.pid"
	return 0
}
proc_alive() { [ -f "$tmp/$1.pid" ] && kill -0 "$(cat "$tmp/$1.pid")" 2>/dev/null; }

_var() { echo "$1" | tr -c 'a-zA-Z0-9\n' _; }
mark() { eval "_mk_$(_var "$1")=$(wc -l <"$tmp/$1.log")"; }
since() {
	eval "_m=\${_mk_$(_var "$1"):-0}"
	tail -n +$((_m + 1)) "$tmp/$1.log"
}
logged() { since "$1" | grep -q -- "$2"; }
wait_log() { until_ok -t "${3:-10}" logged "$1" "$2"; }

# ---- control nodes ----
cn_start() {
	_cn_n=$1 _cn_a=$2 _cn_c=${3:-$tmp/$1.xml}
	[ -f "$_cn_c" ] || cp "$tmp/cfg.xml" "$_cn_c"
	eval "CN_ADDR_$_cn_n=$_cn_a"
	proc_start "$_cn_n" "$MC" -f -c "$_cn_c" -N "$_cn_n" -x "$_cn_a:$PX" \
		-H "$_cn_a:$PH" -b "$_cn_a:$PB"
	case " $_e2e_cns " in *" $_cn_n "*) ;; *) _e2e_cns="$_e2e_cns $_cn_n" ;; esac
	until_ok curl -sf -o /dev/null --max-time 2 "http://$_cn_a:$PH/status" || {
		tail -20 "$tmp/$_cn_n.log" | sed 's/^/#   /'
		return 1
	}
}
cn_stop() { proc_stop "$1"; }
cn_rest() { eval "echo \$CN_ADDR_$1:$PH"; }
# The running control nodes.
cns_up() {
	for _c in $_e2e_cns; do proc_alive "$_c" && echo "$_c"; done
}
ctl() {
	_c=$(cns_up | head -1)
	"$CTL" -s "$(cn_rest "$_c")" "$@"
}
cfg_apply() {
	if [ $# -eq 0 ]; then
		_e2e_nap=$((${_e2e_nap:-0} + 1))
		cat >"$tmp/apply-$_e2e_nap.xml"
		set -- "$tmp/apply-$_e2e_nap.xml"
	fi
	_rc=0
	for _c in $(cns_up); do
		"$CTL" -s "$(cn_rest "$_c")" create "$@" >"$tmp/ctl.out" 2>&1 ||
			{ _rc=1; diag "$_c refused: $(cat "$tmp/ctl.out")"; }
	done
	return $_rc
}
cfg_delete() {
	_rc=0
	for _c in $(cns_up); do
		"$CTL" -s "$(cn_rest "$_c")" delete "$1" "$2" >"$tmp/ctl.out" 2>&1 ||
			{ _rc=1; diag "$_c refused: $(cat "$tmp/ctl.out")"; }
	done
	return $_rc
}
# ctl_all ARGS...: a miradorctl command (tap-flow-disable...) on every CN.
ctl_all() {
	_rc=0
	for _c in $(cns_up); do
		"$CTL" -s "$(cn_rest "$_c")" "$@" >"$tmp/ctl.out" 2>&1 ||
			{ _rc=1; diag "$_c refused: $(cat "$tmp/ctl.out")"; }
	done
	return $_rc
}

# ---- compute nodes ----
compute_start() {
	_cs_n=$1 _cs_a=$2; shift 2
	eval "CU_ADDR_$(echo "$_cs_n" | tr -c 'a-zA-Z0-9\n' _)=$_cs_a"
	proc_start "vr-$_cs_n" "$VR" --underlay "$_cs_a" --socket "$tmp/$_cs_n.sock"
	wait_for "$tmp/vr-$_cs_n.log" "mirador-vrouter .*: underlay" || {
		tail -20 "$tmp/vr-$_cs_n.log" | sed 's/^/#   /'
		return 1
	}
	_cs_ctl=""
	for _c in "$@"; do _cs_ctl="$_cs_ctl --control $_c:$PX"; done
	eval "E2E_CONTROL_$(echo "$_cs_n" | tr -c 'a-zA-Z0-9\n' _)=\"\$_cs_ctl\""
	agent_start "$_cs_n"
}
# agent_start NAME: (again) the agent of compute node NAME, waits for
# its config subscription.
agent_start() {
	_as_ctl=$(eval "echo \$E2E_CONTROL_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)")
	[ -f "$tmp/ag-$1.log" ] && mark "ag-$1"
	# shellcheck disable=SC2086
	proc_start "ag-$1" "$AG" --name "$1" $_as_ctl --dp-socket "$tmp/$1.sock" \
		--introspect "$(cu_addr "$1"):$PI"
	wait_log "ag-$1" "config subscribed" || {
		tail -20 "$tmp/ag-$1.log" | sed 's/^/#   /'
		return 1
	}
}
# agent_start NAME: the agent again (after agent_stop / proc_kill).
compute_stop() { proc_stop "ag-$1" && proc_stop "vr-$1"; }
cu_addr() { eval "echo \$CU_ADDR_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)"; }
agent_page() { curl -sf --max-time 5 "http://$(cu_addr "$1"):$PI$2"; }
dp() { _n=$1; shift; "$CTL" --dp-socket "$tmp/$_n.sock" "$@"; }

# ---- VMs and analyzers ----
link_up() { until_ok ip link show "$1" >/dev/null 2>&1; }
in_ns() { _ns=$1; shift; ip netns exec "$_ns" "$@"; }
_ns_tap() { # NS TAP MAC IP/LEN
	ip link set "$2" netns "$1" &&
		ip -n "$1" link set dev "$2" address "$3" &&
		ip -n "$1" link set "$2" up &&
		ip -n "$1" addr add "$4" dev "$2" &&
		ip -n "$1" route add default via "${4%.*/*}.1"
}
vm_start() {
	link_up "$2" || { diag "tap $2 never appeared"; return 1; }
	ip netns add "$1" || return 1
	_e2e_netns="$_e2e_netns $1"
	ip -n "$1" link set lo up && _ns_tap "$@"
}
vm_move() {
	link_up "$2" || { diag "tap $2 never appeared"; return 1; }
	for _d in $(ip -n "$1" -o link show | awk -F': ' '$2 != "lo" {print $2}'); do
		ip -n "$1" link del "${_d%@*}" 2>/dev/null
	done
	_ns_tap "$@"
}
pings() { ip netns exec "$1" ping -q -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
udp_send() {
	ip netns exec "$1" python3 -c "import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
if len(sys.argv) > 3: s.bind(('', int(sys.argv[3])))
s.sendto(b'mirador-e2e',(sys.argv[1],int(sys.argv[2])))" "$2" "$3" ${4:+"$4"}
}

# ---- captures ----
cap_start() {
	if [ "$2" = - ]; then set -- "$1" "" "$3" "$4"; fi
	rm -f "$tmp/$1.pcap" "$tmp/$1.cap.log"
	${2:+ip netns exec "$2"} tshark -i "$3" -f "$4" -w "$tmp/$1.pcap" \
		>"$tmp/$1.cap.log" 2>&1 &
	_e2e_caps="$_e2e_caps $!"
	eval "_cap_$(_var "$1")=$!"
	wait_for "$tmp/$1.cap.log" "Capturing on" || return 1
	sleep 0.5 # dumpcap may attach its filter after saying so
}
cap_stop() {
	eval "_p=\${_cap_$(_var "$1"):-}"
	[ -n "$_p" ] || return 1
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
count() { fields "$1" "$2" frame.number | wc -l | tr -d ' '; }
expect() {
	_n=$1 _w=$2 _filt=$3 _want=$4; shift 4
	_got=$(fields "$_n" "$_filt" "$@" | sort | uniq -c |
		awk '{$1 = $1; n = $1; $1 = ""; sub(/^ /, ""); print n "|" $0}' |
		tr '\n' ';')
	_got=${_got%;}
	if [ "$_got" = "$_want" ]; then pass "$_w"; else
		fail "$_w"; diag "want: $_want"; diag "got:  $_got"; fi
}
jhdr_sane() {
	_all=$(count "$1" "udp.dstport==8099")
	_good=$(count "$1" "udp.dstport==8099 && (juniper.vn.src || juniper.vn.dst)")
	_bad=$(count "$1" "_ws.malformed || juniper.magic-number.none || juniper.vn.incorrect_format")
	_inner=$(fields "$1" "udp.dstport==8099" frame.protocols |
		grep -vc ':juniper:eth:ethertype:')
	if [ "$_all" -gt 0 ] && [ "$_bad" -eq 0 ] && [ "$_inner" -eq 0 ]; then
		pass "$2 ($_all copies, $_good with VN TLVs)"
	else
		fail "$2"
		diag "copies $_all, malformed $_bad, without an inner Ethernet frame $_inner"
	fi
}
