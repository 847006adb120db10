#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# partita.ko's messaging files without a guest: two root ports bound to each
# other, messages to the root's own connection, every file's error answers;
# then again after the module is unloaded and loaded.
name=drv-loopback
tmp=/tmp/$name
mkdir -p "$tmp"
. /tests/common.sh

command -v partita-drv-selftest >/dev/null ||
	fail "partita-drv-selftest is not in this image"
partita-drv-selftest loopback >"$tmp/first" 2>&1
rc=$?
cat "$tmp/first"
[ $rc -eq 0 ] || fail "$rc checks failed on the first run"
services_stop
rmmod partita || fail "rmmod partita: exit status $?"
insmod /lib/partita/partita.ko || fail "insmod partita.ko: exit status $?"
services_start
partita-drv-selftest loopback >"$tmp/second" 2>&1
rc=$?
cat "$tmp/second"
[ $rc -eq 0 ] || fail "$rc checks failed after the module was reloaded"
passes=$(grep -c "RESULT drv-.* PASS" "$tmp/first" "$tmp/second" | awk -F: '{ n += $2 } END { print n }')
echo "RESULT $name PASS $passes driver checks, before and after a reload"
exit 0
