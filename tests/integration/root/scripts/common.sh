#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the root test scripts (sourced, not a test): failure reporting,
# progress lines and bounded CLI calls. A script sets $name and $tmp first
# and may define cleanup() after sourcing this file.

cleanup() { :; }

# Prints the RESULT line, then the tail of every log the script kept.
fail() {
	cleanup
	echo "RESULT $name FAIL $*"
	for f in "$tmp"/*; do
		[ -s "$f" ] || continue
		echo "--- $f"
		tail -n 15 "$f"
	done
	exit 1
}

step() { echo "$name: $*"; }

# Every CLI call is bounded, so a hung call fails the test, not the boot.
p() { timeout 30 partita "$@"; }

# Free bytes in the hypervisor's guest memory pool.
pool_free() {
	p info --json | sed -n 's/.*"pool_free_bytes": \([0-9]*\).*/\1/p'
}

# wait_console NAME REGEX SECONDS: prints the first line of NAME's console
# that matches REGEX (extended), waiting up to SECONDS; fails otherwise.
wait_console() {
	_waited=0
	while [ $_waited -lt $(($3 * 5)) ]; do
		_line=$(p console --no-follow "$1" 2>/dev/null | grep -E -m 1 -- "$2")
		if [ -n "$_line" ]; then
			echo "$_line"
			return 0
		fi
		sleep 0.2
		_waited=$((_waited + 1))
	done
	return 1
}

# connected NAME: waits up to 30 s for NAME's console/0 to be Connected on
# both ends, as partita info shows it; fails the test if it never is.
connected() {
	_w=0
	while ! p info "$1" 2>/dev/null | grep -q '^  console/0: front-end Connected, back-end Connected'; do
		_w=$((_w + 1))
		[ $_w -lt 150 ] || fail "$1's console/0 never Connected: $(p info "$1" 2>&1 | grep -A2 'console/0')"
		sleep 0.2
	done
}

# console_tty ID: prints the pty backd serves partition ID's console on,
# once the back-end is connected (state 4), waiting up to 20 s; fails
# otherwise.
console_tty() {
	for _i in $(seq 1 100); do
		_tty=$(xenstore-read "/local/domain/0/backend/console/$1/0/tty" 2>/dev/null) &&
			[ "$(xenstore-read "/local/domain/0/backend/console/$1/0/state")" = 4 ] &&
			{ echo "$_tty"; return 0; }
		sleep 0.2
	done
	return 1
}

# Hundredths of a second since boot, for timing CLI calls.
now_cs() { sed 's/^\([0-9]*\)\.\([0-9][0-9]\).*/\1\2/' /proc/uptime; }

# A background partita-msgtest that takes commands: helper_start ARGS...
# runs it with its stdin on a FIFO (fd 3 here) and its output in
# $tmp/helper.txt; helper_ask CMD REGEX SECONDS sends CMD and sets
# $helper_line to the first new output line matching REGEX, or fails on a
# FAIL line, the helper's end or a timeout (not in $(...): fail must exit).
helper_start() {
	rm -f "$tmp/helper.in"
	mkfifo "$tmp/helper.in" || fail "mkfifo $tmp/helper.in failed"
	: >"$tmp/helper.txt"
	partita-msgtest "$@" <"$tmp/helper.in" >"$tmp/helper.txt" 2>&1 &
	helper_pid=$!
	exec 3>"$tmp/helper.in"
}

# helper_wait REGEX SECONDS [FROM_LINE]: the same without a command.
helper_wait() {
	_waited=0
	while [ $_waited -lt $(($2 * 10)) ]; do
		_new=$(tail -n +$((${3:-0} + 1)) "$tmp/helper.txt")
		_line=$(echo "$_new" | grep -E -m 1 -- "$1")
		if [ -n "$_line" ]; then
			helper_line=$_line
			return 0
		fi
		_bad=$(echo "$_new" | grep -E -m 1 -- 'FAIL|^partita-msgtest: ')
		[ -z "$_bad" ] || fail "partita-msgtest: $_bad"
		kill -0 "$helper_pid" 2>/dev/null ||
			fail "partita-msgtest ended before printing '$1'"
		sleep 0.1
		_waited=$((_waited + 1))
	done
	fail "partita-msgtest printed no '$1' within $2 s"
}

helper_ask() {
	_from=$(wc -l <"$tmp/helper.txt")
	echo "$1" >&3
	helper_wait "$2" "$3" "$_from"
}

# Ends the helper: EOF on its stdin, then its exit status (killed after 10 s).
helper_stop() {
	[ -n "${helper_pid:-}" ] || return 0
	exec 3>&-
	_waited=0
	while kill -0 "$helper_pid" 2>/dev/null && [ $_waited -lt 100 ]; do
		sleep 0.1
		_waited=$((_waited + 1))
	done
	kill "$helper_pid" 2>/dev/null
	wait "$helper_pid"
	_rc=$?
	helper_pid=
	return $_rc
}

# pool_back BEFORE MAX_KEPT WHAT: the pool's free bytes are back to BEFORE,
# less at most MAX_KEPT frames the root partition keeps for good once it
# first uses ports or grants (a bucket of its port table, its grant
# mapping slots and window page tables); sets $kept to that count.
pool_back() {
	_now=$(pool_free)
	kept=$((($1 - _now) / 4096))
	[ "$_now" -le "$1" ] && [ $kept -le "$2" ] ||
		fail "after $3 the pool has $_now bytes free, not $1 (less at most $2 frame(s) the root keeps)"
}

# settled WHAT KEEP: the caller's counts (its function `counts`) are back
# to $counts0 (backd tears a device down after the guest is gone, so this
# waits up to 10 s), and the pool gave back every frame of $free0 but at
# most KEEP the root keeps.
settled() {
	_w=0
	while [ "$(counts)" != "$counts0" ]; do
		_w=$((_w + 1))
		[ $_w -lt 50 ] || fail "after $1: $(counts), not $counts0: $(xenstore-ls / | head -n 20 | tr '\n' ' ')"
		sleep 0.2
	done
	pool_back "$free0" "$2" "$1"
}

# partita-stored and partita-backd keep /dev/partita open, so a test that
# unloads partita.ko stops them first and starts them again after, as
# /init does (the store starts empty again: no guest is running then).
services_stop() {
	for _d in partita-backd partita-stored; do
		_pid=$(pidof $_d) || continue
		kill $_pid
		_w=0
		while kill -0 $_pid 2>/dev/null; do
			_w=$((_w + 1))
			[ $_w -lt 50 ] || fail "$_d did not stop on SIGTERM"
			sleep 0.1
		done
	done
}

services_start() {
	partita-stored --socket /var/run/xenstored/socket \
		--pid-file /var/run/partita-stored.pid \
		</dev/null >>/var/log/partita-stored.log 2>&1 &
	_w=0
	until xenstore-ls / >/dev/null 2>&1; do
		_w=$((_w + 1))
		[ $_w -lt 50 ] || fail "partita-stored did not answer again"
		sleep 0.1
	done
	partita-backd --pid-file /var/run/partita-backd.pid \
		</dev/null >>/var/log/partita-backd.log 2>&1 &
}

# Creates the evtchn-peer guest from $share and reads what it prints: sets
# peer_id, peer_port and peer_conn (its event port and message connection).
evtchn_peer_start() {
	local line
	p create --quiet "$share/evtchn-peer.yaml" >"$tmp/peer-create.txt" 2>&1 ||
		fail "partita create evtchn-peer.yaml: exit status $?"
	peer_id=$(cat "$tmp/peer-create.txt")
	line=$(wait_console evtchn-peer 'evtchn-peer: port=[0-9]+' 20) ||
		fail "evtchn-peer printed no port"
	peer_port=${line##*port=}
	line=$(wait_console evtchn-peer 'evtchn-peer: connection=0x[0-9a-f]+' 20) ||
		fail "evtchn-peer printed no connection"
	peer_conn=${line##*connection=}
}
