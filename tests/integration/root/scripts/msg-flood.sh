#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A guest flooding the root with events and messages: the CLI keeps answering, events coalesce, every message is either read or refused.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=msg-flood). Prints "RESULT msg-flood PASS|FAIL detail".
name=msg-flood
share=/usr/share/partita
tmp=/tmp/msg-flood
secs=5
bound_cs=500 # the longest a CLI call may take during the flood (5 s)

. "$(dirname "$0")/common.sh"
cleanup() {
	helper_stop
	p destroy evtchn-flood >/dev/null 2>&1
}
# timed NAME CMD...: runs a partita command, fails if it fails or is slow.
slowest=0
timed() {
	_label=$1
	shift
	_t0=$(now_cs)
	p "$@" >"$tmp/timed.txt" 2>&1 || fail "partita $* during the flood: exit status $?"
	_dt=$(($(now_cs) - _t0))
	[ $_dt -le $bound_cs ] ||
		fail "partita $* took $_dt/100 s during the flood (bound $bound_cs/100 s)"
	[ $_dt -le $slowest ] || slowest=$_dt
	grep -q "$_label" "$tmp/timed.txt" || fail "partita $* did not show $_label"
}

mkdir -p "$tmp"
[ -f "$share/evtchn-peer.elf" ] || fail "no $share/evtchn-peer.elf in the image"
command -v partita-msgtest >/dev/null || fail "no partita-msgtest in the image"
free0=$(pool_free)
[ -n "$free0" ] || fail "partita info --json shows no pool_free_bytes"

# The root's connection exists before the guest that floods it.
helper_start flood
helper_wait '^connection=0x[0-9a-f]+$' 10
conn=${helper_line#connection=}
step "root message connection $conn"
cat >"$tmp/flood.yaml" <<EOT
name: evtchn-flood
memory: 4M
kernel: $share/evtchn-peer.elf
cmdline: mode=flood secs=$secs conn=$conn
max_event_ports: 16
EOT
p create --quiet "$tmp/flood.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create of the flood config: exit status $?, $(cat "$tmp/create.txt")"
id=$(cat "$tmp/create.txt")
line=$(wait_console evtchn-flood 'evtchn-peer: port=[0-9]+' 20) ||
	fail "evtchn-peer printed no port"
port=${line##*port=}
helper_ask "bind $id $port" '^bound root port ' 10
step "evtchn-flood is partition $id; $helper_line; flooding for $secs s"

# The CLI answers while the flood goes on, and the root reads slowly.
calls=0
t_start=$(now_cs)
while ! p console --no-follow evtchn-flood | grep -q 'RESULT evtchn-flood DONE'; do
	[ $(($(now_cs) - t_start)) -lt $(((secs + 30) * 100)) ] ||
		fail "evtchn-flood did not finish its $secs s flood in $((secs + 30)) s"
	timed evtchn-flood list
	timed 'Event ports:' info evtchn-flood
	calls=$((calls + 2))
done
# At least one list and one info while it flooded; each was bounded above.
[ $calls -ge 2 ] || fail "no CLI calls were made during the flood"
line=$(wait_console evtchn-flood 'RESULT evtchn-flood DONE sends=[0-9]+ posts=[0-9]+ queue_full=[0-9]+' 5) ||
	fail "evtchn-flood printed no result"
sends=$(echo "$line" | sed -n 's/.*sends=\([0-9]*\).*/\1/p')
posts=$(echo "$line" | sed -n 's/.*posts=\([0-9]*\).*/\1/p')
full=$(echo "$line" | sed -n 's/.*queue_full=\([0-9]*\).*/\1/p')
step "$line; $calls CLI calls, the slowest $slowest/100 s"

helper_ask counts '^read events=' 10
step "read during the flood: $helper_line"
helper_ask drain '^drained events=' 30
step "$helper_line"
fired=$(echo "$helper_line" | sed -n 's/.*events=\([0-9]*\).*/\1/p')
read_msgs=$(echo "$helper_line" | sed -n 's/.*messages=\([0-9]*\).*/\1/p')
wrong=$(echo "$helper_line" | sed -n 's/.*wrong=\([0-9]*\).*/\1/p')
[ "$wrong" = 0 ] || fail "$wrong messages came out of order or changed (a loss): $(grep -m 1 '^unexpected' "$tmp/helper.txt")"
[ "$read_msgs" = "$posts" ] ||
	fail "the guest had $posts posts accepted but the root read $read_msgs messages"
[ "$full" -gt 0 ] || fail "the guest was never answered queue-full while the root read slowly"
[ "$fired" -gt 0 ] || fail "the root's port never fired"
[ "$fired" -lt "$sends" ] || step "note: no event coalesced ($fired of $sends sends fired)"
p stats evtchn-flood >"$tmp/stats.txt" 2>&1 || fail "partita stats evtchn-flood: exit status $?"
hv_full=$(sed -n 's/^  Queue full *\([0-9]*\)$/\1/p' "$tmp/stats.txt")
hv_posts=$(sed -n 's/^  Posts *\([0-9]*\)$/\1/p' "$tmp/stats.txt")
[ "$hv_full" = "$full" ] && [ "$hv_posts" = "$posts" ] ||
	fail "partita stats counts $hv_posts posts and $hv_full queue-full answers, the guest $posts and $full"
helper_stop || fail "partita-msgtest flood: exit status $?"

p destroy evtchn-flood >"$tmp/destroy.txt" 2>&1 || fail "partita destroy: exit status $?"
# The root's first port took a bucket frame of its port table for good.
# 1 frame for partita-msgtest's port, 4 for the store's first guest ring
# (the root keeps its grant and port bookkeeping).
pool_back "$free0" 5 "destroy"
rm -rf "$tmp"
echo "RESULT $name PASS $sends sends fired the root's port $fired times; $posts messages posted, all $read_msgs read in order, $full refused as queue-full; $calls CLI calls answered, the slowest in $slowest/100 s"
exit 0
