# tests/bgp/peers.sh - sourced by the interop tests after tests/tap.sh:
# bounded waits and the real peers' tables.
#   until_ok SECONDS COMMAND...  retries COMMAND every 0.2 s
#   rib CLI FAMILY PATTERN       a gobgpd's table shows PATTERN
#   no_rib CLI FAMILY PATTERN    ... does not
#   dump_logs DIR                on failure, the tail of every DIR/*.log
until_ok() {
	_n=$(($1 * 5))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

rib() { $1 global rib -a "$2" 2>/dev/null | grep -q -- "$3"; }
no_rib() { ! $1 global rib -a "$2" 2>/dev/null | grep -q -- "$3"; }

dump_logs() {
	[ "$_tap_failed" -ne 0 ] || return 0
	for _f in "$1"/*.log; do
		echo "# ---- $_f" >&2
		tail -n 40 "$_f" | sed 's/^/# /' >&2
	done
}
