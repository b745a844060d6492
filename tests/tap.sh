# tests/tap.sh - sourced by shell tests to speak TAP.
#   plan N; ok COND "name"; pass "name"; fail "name"; skip "name" "why";
#   need_root "why"  (skips the whole file loudly when not root)
#   need_cmd PROG  (skips the whole file loudly without PROG)
#   diag "text"; done_testing
#   wait_for FILE PATTERN, wait_gone PID: bounded waits (10 s)
# Every helper counts; done_testing prints the plan when none was given.
_tap_n=0
_tap_failed=0
_tap_planned=0

plan() { _tap_planned=$1; echo "1..$1"; }
diag() { echo "# $*"; }
pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
fail() {
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
}
# ok "name" command...: passes when the command succeeds.
ok() {
	_tap_name=$1; shift
	if "$@"; then pass "$_tap_name"; else fail "$_tap_name"; fi
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# Skip every remaining test of the file when not root, loudly.
need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "*** SKIPPED (not root): $1 ***" >&2
		echo "1..0 # SKIP needs root: $1"
		exit 0
	fi
}
# Skip the whole file loudly when a program is missing: need_cmd tshark.
need_cmd() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "*** SKIPPED: $1 is not installed (run .ci/setup) ***" >&2
		echo "1..0 # SKIP $1 not installed"
		exit 0
	fi
}
done_testing() {
	[ "$_tap_planned" -eq 0 ] && echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
wait_for() {
	_tap_i=0
	while [ $_tap_i -lt 100 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_tap_i=$((_tap_i + 1))
	done
	echo "# timed out waiting for '$2' in $1" >&2
	return 1
}

# wait_gone PID: up to 10 s for the process to exit.
wait_gone() {
	_tap_i=0
	while [ $_tap_i -lt 100 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		_tap_i=$((_tap_i + 1))
	done
	return 1
}
