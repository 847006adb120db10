#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Crashing guests: on_crash preserve keeps one crashed with its frames until destroy; the default destroys it by itself.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=crash). Prints "RESULT crash PASS|FAIL detail".
name=crash
share=/usr/share/partita
tmp=/tmp/crash

. "$(dirname "$0")/common.sh"
in_list() { p list | grep -Eq "^[0-9]+ +$1 "; }

mkdir -p "$tmp"
free0=$(pool_free)
[ -n "$free0" ] || fail "partita info --json shows no pool_free_bytes"

step "on_crash: preserve ($share/crash-preserve.yaml)"
p create "$share/crash-preserve.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create crash-preserve.yaml: exit status $?"
# The console follows until the partition ends (woken by the hypervisor).
p console --timeout 20 ticker-crash >"$tmp/console.txt" 2>&1 ||
	fail "partita console ticker-crash: exit status $?"
grep -q '^crashing on purpose after tick 3$' "$tmp/console.txt" ||
	fail "ticker-crash did not reach its crash"
grep -q '^partita: ticker-crash has ended (crashed' "$tmp/console.txt" ||
	fail "partita console did not say that ticker-crash crashed"
p list >"$tmp/list.txt" 2>&1 || fail "partita list: exit status $?"
grep -Eq '^[0-9]+ +ticker-crash +crashed ' "$tmp/list.txt" ||
	fail "partita list does not show ticker-crash crashed"
p list --json | grep -A 1 '"name": "ticker-crash"' | grep -q '"state": "crashed"' ||
	fail "partita list --json does not show ticker-crash crashed"
p info ticker-crash >"$tmp/info.txt" 2>&1 || fail "partita info ticker-crash: exit status $?"
grep -Eq '^On crash: +preserve$' "$tmp/info.txt" || fail "info does not say on_crash preserve"
grep -Eq '^Exit: +.+' "$tmp/info.txt" || fail "info does not say why it ended"
frames=$(p info --json ticker-crash | sed -n 's/.*"frames_owned": \([0-9]*\).*/\1/p')
[ -n "$frames" ] && [ "$frames" -ge 1024 ] ||
	fail "the crashed partition holds $frames frames, not its memory"
held=$(pool_free)
[ "$held" -lt "$free0" ] || fail "the crashed partition's frames went back to the pool"
sleep 1
in_list ticker-crash || fail "the preserved partition went away by itself"
p console --no-follow ticker-crash | grep -q '^tick 3$' ||
	fail "the preserved partition's console is gone"
p pause ticker-crash >"$tmp/pause.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'it has crashed and is kept for inspection' "$tmp/pause.txt" ||
	fail "pause of a crashed partition: exit status $rc, $(cat "$tmp/pause.txt")"
p destroy ticker-crash >"$tmp/destroy.txt" 2>&1 || fail "partita destroy ticker-crash: exit status $?"
in_list ticker-crash && fail "ticker-crash is listed after destroy"
free1=$(pool_free)
[ "$free1" = "$free0" ] || fail "after destroy the pool has $free1 bytes free, not $free0"
step "preserved with $frames frames; destroy returned them"

step "on_crash: destroy (the default)"
printf 'name: crash-destroy\nmemory: 4M\nkernel: %s/ticker.elf\ncmdline: interval_ms=200 crash_after=2\n' \
	"$share" >"$tmp/crash-destroy.yaml"
p create "$tmp/crash-destroy.yaml" >"$tmp/create2.txt" 2>&1 ||
	fail "partita create crash-destroy.yaml: exit status $?"
p console --timeout 20 crash-destroy >"$tmp/console2.txt" 2>&1 ||
	fail "partita console crash-destroy: exit status $?"
grep -q '^crashing on purpose after tick 2$' "$tmp/console2.txt" ||
	fail "crash-destroy did not reach its crash"
waited=0
while in_list crash-destroy; do
	[ $waited -lt 20 ] || fail "crash-destroy is still listed 10 s after its crash"
	sleep 0.5
	waited=$((waited + 1))
done
p dmesg | grep -Eq 'crash-destroy: destroyed after crash, returned [0-9]+ frames' ||
	fail "the log does not show crash-destroy destroyed after its crash"
free2=$(pool_free)
[ "$free2" = "$free0" ] || fail "after the crash the pool has $free2 bytes free, not $free0"

rm -rf "$tmp"
echo "RESULT $name PASS preserve kept $frames frames until destroy; default destroyed by itself; pool back to $free0 bytes"
exit 0
