#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The partita CLI and partita.ko in the root: info, dmesg, --follow woken by the notification interrupt, unload and reload.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=cli-smoke). Prints "RESULT cli-smoke PASS|FAIL detail".
name=cli-smoke
ko=/lib/partita/partita.ko
tmp=/tmp/cli-smoke
follow_pid=""
. "$(dirname "$0")/common.sh"

cleanup() {
	[ -n "$follow_pid" ] && kill "$follow_pid" 2>/dev/null
	[ -n "$follow_pid" ] && wait "$follow_pid" 2>/dev/null
	follow_pid=""
}
# count of the "partita" line in /proc/interrupts (all CPUs)
irq_count() {
	awk '/ partita$/ || / partita / {
		n = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
		print n; found = 1; exit
	} END { if (!found) print -1 }' /proc/interrupts
}

mkdir -p "$tmp"
[ -x /bin/partita ] || fail "the partita CLI is not in this image"
[ -c /dev/partita ] || fail "/dev/partita is missing after loading partita.ko"

step "partita info"
partita info >"$tmp/info.txt" 2>&1 || fail "partita info: exit status $?"
grep -Eq '^Partita hypervisor, interface [0-9]+\.[0-9]+$' "$tmp/info.txt" ||
	fail "partita info shows no hypervisor version"
grep -Eq '^  0 +[0-9]+ +root$' "$tmp/info.txt" ||
	fail "partita info does not show CPU 0 as the root's"
grep -Eq '^  1 +[0-9]+ +guests$' "$tmp/info.txt" ||
	fail "partita info does not show CPU 1 as the guests'"
for line in 'Memory total:' 'Memory hypervisor:' 'Memory pool:.*free'; do
	grep -Eq "^$line" "$tmp/info.txt" ||
		fail "partita info has no '$line' line"
done
grep -q 'notifications by interrupt' "$tmp/info.txt" ||
	fail "partita.ko found no notification device"

step "partita info --json"
partita info --json >"$tmp/info.json" 2>&1 ||
	fail "partita info --json: exit status $?"
[ "$(head -c 1 "$tmp/info.json")" = "{" ] &&
	[ "$(tail -n 1 "$tmp/info.json")" = "}" ] ||
	fail "partita info --json is not one JSON object"
opens=$(tr -cd '{[' <"$tmp/info.json" | wc -c)
closes=$(tr -cd '}]' <"$tmp/info.json" | wc -c)
[ "$opens" -eq "$closes" ] || fail "partita info --json has unbalanced brackets"
for key in interface_version features cpus total_bytes hypervisor_bytes \
	pool_free_bytes hidden_ranges partitions; do
	grep -q "\"$key\": " "$tmp/info.json" ||
		fail "partita info --json has no \"$key\""
done
grep -q '"role": "root"' "$tmp/info.json" &&
	grep -q '"role": "guests"' "$tmp/info.json" ||
	fail "partita info --json lacks the CPU roles"

step "partita dmesg"
partita dmesg >"$tmp/dmesg.txt" 2>&1 || fail "partita dmesg: exit status $?"
grep -q 'Partita hypervisor, interface' "$tmp/dmesg.txt" ||
	fail "partita dmesg lacks the hypervisor's boot line"

step "partita dmesg --follow"
irqs_before=$(irq_count)
[ "$irqs_before" -ge 0 ] || fail "/proc/interrupts has no partita line"
: >"$tmp/follow.txt"
: >"$tmp/follow.err"
partita dmesg --follow >>"$tmp/follow.txt" 2>>"$tmp/follow.err" &
follow_pid=$!
# The follower has printed the log so far once its output stops growing.
size=-1 waited=0
while [ "$size" != "$(wc -c <"$tmp/follow.txt")" ]; do
	size=$(wc -c <"$tmp/follow.txt")
	[ $waited -lt 10 ] || fail "partita dmesg --follow never settled"
	sleep 1
	waited=$((waited + 1))
done
kill -0 "$follow_pid" 2>/dev/null ||
	fail "partita dmesg --follow exited: $(cat "$tmp/follow.err")"
lines_before=$(wc -l <"$tmp/follow.txt")
# Pings make the hypervisor log "root: ping N answered" (at most once a
# second); only the LOG event can wake the follower to print it.
command -v partita-notify-bench >/dev/null ||
	fail "partita-notify-bench is not in this image"
partita-notify-bench 5 >"$tmp/bench.txt" 2>&1 ||
	fail "partita-notify-bench 5: exit status $?"
found=0 waited=0
while [ $waited -lt 10 ]; do
	if tail -n +$((lines_before + 1)) "$tmp/follow.txt" |
		grep -q 'root: ping [0-9]* answered'; then
		found=1
		break
	fi
	sleep 1
	waited=$((waited + 1))
done
cleanup
[ $found -eq 1 ] ||
	fail "partita dmesg --follow did not print the new ping line within 10 s"
irqs_after=$(irq_count)
[ "$irqs_after" -gt "$irqs_before" ] && [ "$irqs_after" -gt 0 ] ||
	fail "the partita interrupt count did not grow ($irqs_before -> $irqs_after)"
step "new line after ${waited} s; partita interrupts $irqs_before -> $irqs_after"

step "rmmod partita"
services_stop
rmmod partita 2>"$tmp/rmmod.err" || fail "rmmod partita: $(cat "$tmp/rmmod.err")"
[ ! -e /dev/partita ] || fail "/dev/partita is still there after rmmod"
partita info >"$tmp/unloaded.txt" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "partita info without the module: exit status $rc, not 3"
grep -q "the partita module is not loaded: run 'modprobe partita'" \
	"$tmp/unloaded.txt" || fail "partita info without the module: unclear error"

step "insmod $ko"
insmod "$ko" 2>"$tmp/insmod.err" || fail "insmod $ko: $(cat "$tmp/insmod.err")"
[ -c /dev/partita ] || mdev -s 2>/dev/null
services_start
partita info >"$tmp/reloaded.txt" 2>&1 ||
	fail "partita info after reloading: exit status $?"
grep -Eq '^Partita hypervisor, interface' "$tmp/reloaded.txt" ||
	fail "partita info after reloading shows no version"
grep -q 'notifications by interrupt' "$tmp/reloaded.txt" ||
	fail "after reloading, partita.ko found no notification device"
partita-notify-bench 3 >"$tmp/bench2.txt" 2>&1 ||
	fail "pings after reloading: exit status $?"

rm -rf "$tmp"
echo "RESULT $name PASS info, json, dmesg, follow by interrupt, reload"
exit 0
