#!/bin/sh
# headers.sh - header discipline (STYLE.md C3): a directory's private
# header <dir>/<mod>_int.h is included only from that directory; every
# public header has an include guard SDN_<NAME>_H; the one-way
# dependencies hold (bgp/ and xmpp/ never include each other, datapath/
# includes nothing of Mirador but common/).
set -u
. "$top_srcdir/tests/tap.sh"
cd "$top_srcdir" || exit 1

bad=$(grep -rn --include='*.c' --include='*.h' -E '#include "[a-z-]+/[a-z_]+_int\.h"' \
	common schema control-node xmpp bgp agent-stub datapath tests 2>/dev/null |
	awk -F: '{ split($3, a, "\""); split(a[2], p, "/");
		split($1, f, "/"); if (f[1] != p[1]) print }')
if [ -z "$bad" ]; then
	pass "no directory includes another's *_int.h"
else
	fail "no directory includes another's *_int.h"
	printf '%s\n' "$bad" | sed 's/^/# /'
fi

missing=""
for h in $(find common schema control-node xmpp bgp agent-stub datapath -name '*.h' | sort); do
	guard="SDN_$(basename "$h" .h | tr 'a-z' 'A-Z')_H"
	grep -q "^#ifndef $guard\$" "$h" && grep -q "^#define $guard\$" "$h" ||
		missing="$missing $h($guard)"
done
if [ -z "$missing" ]; then
	pass "every header has its SDN_<NAME>_H guard"
else
	fail "every header has its SDN_<NAME>_H guard"
	echo "# missing:$missing"
fi

cross=$(grep -rln -E '#include "(bgp|xmpp)/' xmpp bgp 2>/dev/null |
	while read -r f; do
		d=${f%%/*}
		grep -l -E "#include \"$( [ "$d" = bgp ] && echo xmpp || echo bgp )/" "$f"
	done)
if [ -z "$cross" ]; then
	pass "bgp/ and xmpp/ do not include each other"
else
	fail "bgp/ and xmpp/ do not include each other"
	echo "# $cross"
fi

dp=$(grep -rn -E '#include "(schema|control-node|xmpp|bgp|agent-stub)/' datapath 2>/dev/null)
if [ -z "$dp" ]; then
	pass "datapath/ depends on common/ only"
else
	fail "datapath/ depends on common/ only"
	printf '%s\n' "$dp" | sed 's/^/# /'
fi
done_testing
