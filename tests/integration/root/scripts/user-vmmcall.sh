#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# An unprivileged root process executing vmmcall itself: it gets SIGILL,
# the guest it tried to pause keeps running, and the hypervisor logs it.
name=user-vmmcall
tmp=/tmp/$name
mkdir -p "$tmp"
. /tests/common.sh
cleanup() { p destroy ticker >/dev/null 2>&1; }

command -v partita-user-vmmcall >/dev/null ||
	fail "partita-user-vmmcall is not in this image"
p create /usr/share/partita/ticker.yaml >"$tmp/create" 2>&1 ||
	fail "create ticker: exit status $?"
id=$(sed -n 's/^Created ticker: partition \([0-9][0-9]*\)$/\1/p' "$tmp/create")
[ -n "$id" ] || fail "partita create printed no new id"
step "ticker is partition $id"

partita-user-vmmcall "$id" >"$tmp/run" 2>&1
rc=$?
cat "$tmp/run"
[ $rc -eq 132 ] || fail "expected death by SIGILL (132), got status $rc"
p list >"$tmp/list" 2>&1 || fail "partita list: exit status $?"
grep ticker "$tmp/list" | grep -q running ||
	fail "ticker is not running any more: $(grep ticker "$tmp/list")"
p dmesg 2>/dev/null | grep -q "hypercall from CPL 3 refused" ||
	fail "the hypervisor log does not record the refused hypercall"
cleanup
echo "RESULT $name PASS SIGILL for uid 65534, ticker still running"
exit 0
