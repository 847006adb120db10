#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-net end to end: the net-echo guest behind its TAP answers the root's ping, and 10,000 numbered UDP datagrams come back intact, none lost beyond what the back-end counts as dropped; the TAP goes with the guest.
#
# Runs as root in the initramfs (/init, partita.test=net-echo) with the
# store and partita-backd /init started. Prints "RESULT net-echo PASS|FAIL".
name=net-echo
share=/usr/share/partita
tmp=/tmp/net-echo

. "$(dirname "$0")/common.sh"
cleanup() { p destroy net-echo >/dev/null 2>&1; }

stat_of() { xenstore-read "$be/stats/$1" 2>/dev/null || echo 0; }

mkdir -p "$tmp"
pidof partita-backd >/dev/null || fail "/init did not start partita-backd"
free0=$(pool_free)
id=$(p create --quiet "$share/net-echo.yaml" 2>"$tmp/create.err") ||
	fail "partita create net-echo.yaml: $(cat "$tmp/create.err")"
be=/local/domain/0/backend/net/$id/0
waited=0
until [ "$(xenstore-read "$be/state" 2>/dev/null)" = 4 ]; do
	waited=$((waited + 1))
	[ $waited -lt 150 ] || fail "net/0 never Connected: $(p info net-echo | grep -A3 'net/0')"
	sleep 0.2
done
tap=$(xenstore-read "$be/tap")
step "net-echo is partition $id, NIC on $tap: $(p info net-echo | grep '^  net/0')"
ip addr add 10.0.0.1/24 dev "$tap" || fail "ip addr add on $tap failed"
ip link set "$tap" up || fail "ip link set $tap up failed"

ping -c 5 -W 5 10.0.0.2 >"$tmp/ping.txt" 2>&1 ||
	fail "ping 10.0.0.2: $(tail -n 3 "$tmp/ping.txt" | tr '\n' ' ')"
step "ping: $(grep -E 'packets|round-trip' "$tmp/ping.txt" | tr '\n' ' ')"

dropped0=$(stat_of rx-dropped)
partita-udp-exchange --count 10000 --size 512 --window 32 --port 7 10.0.0.2 \
	>"$tmp/udp.txt" 2>&1 || fail "partita-udp-exchange: $(cat "$tmp/udp.txt")"
line=$(cat "$tmp/udp.txt")
step "$line"
lost=$(echo "$line" | sed -n 's/.* lost=\([0-9]*\) .*/\1/p')
dropped=$(($(stat_of rx-dropped) - dropped0))
[ -n "$lost" ] || fail "no loss count in: $line"
[ "$lost" -le "$dropped" ] ||
	fail "$lost datagrams lost but the back-end counts $dropped dropped"
step "back-end counters: $(p info net-echo | grep -A2 '^  net/0' | tail -n 1)"

p destroy net-echo >/dev/null 2>&1 || fail "partita destroy net-echo"
waited=0
while ip link show "$tap" >/dev/null 2>&1; do
	waited=$((waited + 1))
	[ $waited -lt 50 ] || fail "$tap outlived its guest"
	sleep 0.2
done
pool_back "$free0" 8 "net-echo"
echo "RESULT $name PASS"
