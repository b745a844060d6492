#!/bin/sh
# tap-quiet.sh DRIVER [ARGS...] - runs automake's TAP driver and shows
# only the results that are not PASS (FAIL, ERROR, SKIP, XFAIL...), so
# that `make check` prints failures and the summary, not every case.
# The full per-case results stay in each test's .log and .trs files.
exec 3>&1
status=$({ { "$@"; echo $? >&4; } |
	grep -v -E '^(.\[[0-9;]*m)?PASS(.\[m)?:' >&3; } 4>&1)
exit "${status:-1}"
