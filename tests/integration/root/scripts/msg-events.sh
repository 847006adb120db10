#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Events and messages between root user space and a guest: 10,000 event and 1,000 message round trips with evtchn-peer, counted on both sides and timed.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=msg-events). Prints "RESULT msg-events PASS|FAIL detail"
# and the round-trip times as "bench:" lines (docs/benchmarks.md).
name=msg-events
share=/usr/share/partita
tmp=/tmp/msg-events
events=10000
messages=1000

. "$(dirname "$0")/common.sh"
cleanup() { p destroy evtchn-peer >/dev/null 2>&1; }
# stat LABEL: the number after LABEL in partita stats
stat() { sed -n "s/^  $1 *\([0-9][0-9]*\).*/\1/p" "$tmp/stats.txt"; }

mkdir -p "$tmp"
[ -f "$share/evtchn-peer.elf" ] || fail "no $share/evtchn-peer.elf in the image"
command -v partita-msgtest >/dev/null || fail "no partita-msgtest in the image"
free0=$(pool_free)
[ -n "$free0" ] || fail "partita info --json shows no pool_free_bytes"

evtchn_peer_start
id=$peer_id port=$peer_port conn=$peer_conn
step "evtchn-peer is partition $id: port $port, connection $conn"
p info evtchn-peer >"$tmp/info0.txt" 2>&1 || fail "partita info evtchn-peer: exit status $?"
grep -Eq "^  $port +unbound +0 +p0 \\(offered\\) " "$tmp/info0.txt" ||
	fail "partita info does not show port $port offered to the root"

timeout 200 partita-msgtest echo "$id" "$port" "$conn" $events $messages \
	>"$tmp/echo.txt" 2>&1 &
echo_pid=$!
# While it runs, the guest's port is connected to the root's.
seen=0
while kill -0 $echo_pid 2>/dev/null; do
	if p info evtchn-peer >"$tmp/info.txt" 2>&1 &&
		grep -Eq "^  $port +interdomain +0 +p0 port [0-9]+ " "$tmp/info.txt"; then
		seen=1
		break
	fi
	sleep 0.2
done
wait $echo_pid || fail "partita-msgtest echo: exit status $?"
[ $seen = 1 ] || fail "partita info never showed port $port bound to the root"
grep -q "^echo done events=$events messages=$messages$" "$tmp/echo.txt" ||
	fail "partita-msgtest echo did not finish its round trips"
sed -E -n 's/^(events|messages|null hypercall)/bench: guest<->root user space: \1/p' \
	"$tmp/echo.txt"
wait_console evtchn-peer "evtchn-peer: echoed events=$events messages=$messages\$" 20 \
	>/dev/null || fail "evtchn-peer did not count $events events and $messages messages: $(p console --no-follow evtchn-peer | grep echoed | tail -n 1)"

# partita-msgtest closed its files: the guest's port is offered again.
p info evtchn-peer >"$tmp/info.txt" 2>&1 || fail "partita info evtchn-peer: exit status $?"
grep -Eq "^  $port +unbound +0 +p0 \\(offered\\) " "$tmp/info.txt" ||
	fail "after the root closed its port, port $port is not offered to it again"
grep -Eq "^  $conn +0 +0 +p0 " "$tmp/info.txt" ||
	fail "partita info does not show connection $conn from the root"
p stats evtchn-peer >"$tmp/stats.txt" 2>&1 || fail "partita stats evtchn-peer: exit status $?"
sends=$(stat 'Event sends')
deliveries=$(stat 'Deliveries')
posts=$(stat 'Posts')
msgs_in=$(stat 'Messages in')
[ -n "$sends" ] && [ "$sends" -ge $events ] ||
	fail "partita stats shows $sends event sends, not $events or more"
[ -n "$deliveries" ] && [ "$deliveries" -ge $events ] ||
	fail "partita stats shows $deliveries deliveries, not $events or more"
[ -n "$posts" ] && [ "$posts" -ge $messages ] ||
	fail "partita stats shows $posts posts, not $messages or more"
[ -n "$msgs_in" ] && [ "$msgs_in" -ge $messages ] ||
	fail "partita stats shows $msgs_in messages in, not $messages or more"

p destroy evtchn-peer >"$tmp/destroy.txt" 2>&1 || fail "partita destroy: exit status $?"
# The root's first port took a bucket frame of its port table for good.
# 1 frame for partita-msgtest's port, 4 for the store's first guest ring
# (the root keeps its grant and port bookkeeping).
pool_back "$free0" 5 "destroy"
median() { sed -n "s/^$1: .*median \([0-9]*\) ns.*/\1/p" "$tmp/echo.txt"; }
rm -rf "$tmp/info0.txt"
echo "RESULT $name PASS $events events (median $(median events) ns) and $messages messages (median $(median messages) ns) echoed, counted by both sides; pool back ($kept frame kept by the root)"
exit 0
