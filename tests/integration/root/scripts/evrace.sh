#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The root driver's port release raced against its interrupt (XSA-331/441): a guest storms four root ports while root user space binds, reads and drops them, in thousands of rounds, under slab debugging.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=evrace; the config puts slub_debug=FZPU on the kernel
# command line). Prints "RESULT evrace PASS|FAIL detail".
name=evrace
share=/usr/share/partita
tmp=/tmp/evrace
secs=${EVRACE_SECONDS:-25} # the rounds stop after this long...
rounds=${EVRACE_ROUNDS:-6000} # ...or this many
min_rounds=500 # about 2,000 on an idle machine; fewer under load

. "$(dirname "$0")/common.sh"
cleanup() {
	p destroy evtchn-storm >/dev/null 2>&1
	p destroy evtchn-peer >/dev/null 2>&1
}
# Everything the rounds could leak, as in console-hostile.sh.
store_nodes() { xenstore-ls / 2>/dev/null | wc -l; }
fds() { ls "/proc/$(pidof "$1")/fd" | wc -l; }
root_ports() { p info root | sed -n 's/^Event ports: *\([0-9]*\) in use.*/\1/p'; }
counts() {
	echo "$(store_nodes) store lines, $(root_ports) root ports, $(fds partita-backd)/$(fds partita-stored) backd/stored files"
}
# The kernel's lines since the marker this script wrote at its start.
dmesg_since() { dmesg | sed -n '/partita-evrace: start/,$p'; }
bad_kernel_lines='BUG|WARNING|Oops|general protection|Poison overwritten|Redzone|Object (already free|padding)|list_(add|del) corruption|corrupted|hung task|soft lockup|rcu.*stall|Call Trace'

mkdir -p "$tmp"
grep -q 'slub_debug=FZPU' /proc/cmdline || fail "the kernel runs without slub_debug=FZPU: a use after free would go unseen"
[ "$(cat /sys/kernel/slab/kmalloc-64/poison 2>/dev/null)" = 1 ] ||
	fail "SLUB does not poison kmalloc-64 (no /sys/kernel/slab/kmalloc-64/poison = 1)"
[ -f "$share/evtchn-peer.elf" ] || fail "no $share/evtchn-peer.elf in the image"
command -v partita-msgtest >/dev/null || fail "no partita-msgtest in the image"
echo "partita-evrace: start" >/dev/kmsg
# The baseline comes after a first guest's life: the store and the root
# keep what a first guest creates for good (the shared store parents, the
# store's bookkeeping), as console-hostile.sh notes.
evtchn_peer_start
p destroy evtchn-peer >"$tmp/destroy.txt" 2>&1 || fail "partita destroy evtchn-peer: exit status $?"
sleep 1
counts0=$(counts)
free0=$(pool_free)
[ -n "$free0" ] || fail "partita info --json shows no pool_free_bytes"
step "baseline: $counts0, $free0 bytes free"

cat >"$tmp/storm.yaml" <<EOT
name: evtchn-storm
memory: 4M
kernel: $share/evtchn-peer.elf
cmdline: mode=storm secs=600
max_event_ports: 16
EOT
p create --quiet "$tmp/storm.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create of the storm config: exit status $?, $(cat "$tmp/create.txt")"
id=$(cat "$tmp/create.txt")
line=$(wait_console evtchn-storm 'evtchn-peer: storm ports=[0-9,]+' 20) ||
	fail "evtchn-peer printed no storm ports"
ports=${line##*ports=}
step "evtchn-storm is partition $id, storming its ports $ports"

timeout $((secs + 60)) partita-msgtest evrace "$id" "$ports" "$secs" "$rounds" \
	>"$tmp/evrace.txt" 2>&1
rc=$?
grep '^progress' "$tmp/evrace.txt" | tail -n 1 | sed "s/^/$name: /"
[ $rc = 0 ] || {
	dmesg_since | grep -E -A 20 "$bad_kernel_lines" | head -n 40 >"$tmp/dmesg.txt"
	fail "partita-msgtest evrace: exit status $rc: $(grep -m 1 '^partita-msgtest: ' "$tmp/evrace.txt")"
}
race=$(grep '^evrace done ' "$tmp/evrace.txt") || fail "partita-msgtest evrace printed no result"
step "$race"
done_rounds=$(echo "$race" | sed -n 's/.* rounds=\([0-9]*\).*/\1/p')
events=$(echo "$race" | sed -n 's/.* events=\([0-9]*\).*/\1/p')
[ "$done_rounds" -ge $min_rounds ] ||
	fail "only $done_rounds rounds in $secs s, fewer than $min_rounds"
for v in unbind release release-unread reader-read reader-poll reader-epoll unbind-reader child-killed; do
	echo "$race" | grep -Eq " $v=[1-9]" || fail "no round of the $v kind ran"
done

# The guest stormed through it all and stops when asked.
p list | grep -Eq "^$id +evtchn-storm +running " ||
	fail "evtchn-storm is not running after the rounds: $(p list | grep evtchn-storm)"
p stats evtchn-storm >"$tmp/stats.txt" 2>&1 || fail "partita stats evtchn-storm: exit status $?"
sends=$(sed -n 's/^  Event sends *\([0-9][0-9]*\).*/\1/p' "$tmp/stats.txt")
[ -n "$sends" ] || fail "partita stats shows no event sends for evtchn-storm"
# A port fires only after a send since it last fired (the driver takes the
# pending bit as it queues the port, a close clears it).
[ "$events" -le "$sends" ] || fail "the root read $events events, more than the $sends the guest sent"
# It prints its RESULT line (checked on COM2) as it stops.
p shutdown --wait --timeout 20 evtchn-storm >"$tmp/shutdown.txt" 2>&1 ||
	fail "partita shutdown evtchn-storm: exit status $?: $(cat "$tmp/shutdown.txt")"
step "the guest sent $sends events, the root read $events"
p destroy evtchn-storm >/dev/null 2>&1

# Events still reach root user space: 200 round trips with a new peer.
evtchn_peer_start
timeout 60 partita-msgtest echo "$peer_id" "$peer_port" "$peer_conn" 200 20 \
	>"$tmp/echo.txt" 2>&1 || fail "partita-msgtest echo after the rounds: exit status $?"
grep -q '^echo done events=200 messages=20$' "$tmp/echo.txt" ||
	fail "partita-msgtest echo did not finish its round trips after the rounds"
p destroy evtchn-peer >"$tmp/destroy.txt" 2>&1 || fail "partita destroy evtchn-peer: exit status $?"
xenstore-write /evrace/after ok && [ "$(xenstore-read /evrace/after)" = ok ] &&
	xenstore-rm /evrace || fail "the store did not answer after the rounds"

# No root port, store node or daemon file left; the pool whole but for
# the frames the root keeps once it first uses ports.
settled "the rounds" 5
dmesg_since >"$tmp/dmesg.txt"
grep -q 'partita-evrace: start' "$tmp/dmesg.txt" ||
	fail "the kernel log no longer holds this test's start marker: it cannot be checked"
bad=$(grep -E -m 3 "$bad_kernel_lines" "$tmp/dmesg.txt")
[ -z "$bad" ] || fail "the kernel reported: $bad"
rm -f "$tmp/dmesg.txt"
echo "RESULT $name PASS $done_rounds rounds ($(echo "$race" | sed 's/^evrace done rounds=[0-9]* //')), $events events read of $sends sent; no slab, list or lockup report; ports, store and files back to $counts0"
exit 0
