#!/bin/sh
# format.sh - every C file of the project is formatted as .clang-format
# says (KNF: tabs, 80 columns, return type on its own line).  One TAP
# line per directory.  Without clang-format the test is skipped, loudly.
set -u
. "$top_srcdir/tests/tap.sh"
cd "$top_srcdir" || exit 1
need_cmd clang-format
for d in common schema control-node xmpp bgp agent-stub datapath tests; do
	files=$(find "$d" -name '*.[ch]' | sort)
	[ -n "$files" ] || continue
	# shellcheck disable=SC2086
	if out=$(clang-format --dry-run -Werror $files 2>&1); then
		pass "$d/ is formatted"
	else
		fail "$d/ is formatted"
		printf '%s\n' "$out" | head -20 | sed 's/^/# /'
	fi
done
done_testing
