#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# partita-backd in the root: its options, a start with no devices, a device directory it negotiates and refuses through the live store, and a clean exit on SIGTERM.
#
# Runs as root in the initramfs (/init, partita.test=backd-smoke). Uses the
# store /init started, or starts partita-stored itself. Prints
# "RESULT backd-smoke PASS|FAIL".
name=backd-smoke
tmp=/tmp/backd-smoke
be=/local/domain/0/backend/console/99/0
fe=/local/domain/99/device/console/0

. "$(dirname "$0")/common.sh"
cleanup() {
	[ -n "$backd_pid" ] && kill "$backd_pid" 2>/dev/null
	[ -n "$stored_pid" ] && kill "$stored_pid" 2>/dev/null
}

# wait_log FILE REGEX SECONDS: waits for a line in FILE.
wait_log() {
	_w=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		_w=$((_w + 1))
		[ $_w -lt $(($3 * 10)) ] || return 1
		sleep 0.1
	done
}

# wait_key PATH VALUE SECONDS: waits for a store key to hold VALUE.
wait_key() {
	_w=0
	while [ "$(xenstore-read "$1" 2>/dev/null)" != "$2" ]; do
		_w=$((_w + 1))
		[ $_w -lt $(($3 * 10)) ] || return 1
		sleep 0.1
	done
}

mkdir -p "$tmp"
command -v partita-backd >/dev/null || fail "no partita-backd in the image"

partita-backd --help >"$tmp/help.txt" 2>&1 || fail "partita-backd --help: exit status $?"
grep -q -- "--store-wait" "$tmp/help.txt" || fail "--help does not list --store-wait"
partita-backd --inflight 0 >"$tmp/badopt.txt" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "--inflight 0: exit status $rc, expected 2"
grep -q "is not a number from 1 to 256" "$tmp/badopt.txt" ||
	fail "--inflight 0 gave: $(cat "$tmp/badopt.txt")"
step "options: --help and a bad --inflight answered"

sock=${XENSTORED_PATH:-/var/run/xenstored/socket}
if [ ! -S "$sock" ]; then
	command -v partita-stored >/dev/null ||
		fail "no store running and no partita-stored in the image"
	mkdir -p "$(dirname "$sock")"
	partita-stored --socket "$sock" >"$tmp/stored.log" 2>&1 &
	stored_pid=$!
	step "started partita-stored (pid $stored_pid)"
fi

partita-backd --pid-file "$tmp/backd.pid" --verbose --socket "$sock" \
	>"$tmp/backd.log" 2>&1 &
backd_pid=$!
wait_log "$tmp/backd.log" "^backd: serving /local/domain/0/backend" 15 ||
	fail "partita-backd did not start serving"
sleep 1
kill -0 "$backd_pid" 2>/dev/null || fail "partita-backd exited after starting"
[ "$(cat "$tmp/backd.pid" 2>/dev/null)" = "$backd_pid" ] ||
	fail "pid file holds '$(cat "$tmp/backd.pid" 2>/dev/null)', not $backd_pid"
if grep -q ": found," "$tmp/backd.log"; then
	fail "found a device with no guest running"
fi
step "serving, no devices"

if command -v xenstore-write >/dev/null && command -v xenstore-read >/dev/null; then
	# A toolstack-style device pair for a guest that does not exist.
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" 99 "$be/state" 1 \
		"$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 ||
		fail "xenstore-write of the device directories failed"
	wait_key "$be/state" 2 10 || fail "back-end never reached InitWait"
	feat=$(xenstore-read "$be/device-features")
	[ "$feat" = 130000000 ] || fail "device-features '$feat', expected 130000000"
	step "offer: InitWait, device-features $feat"
	# Connected before the back-end: refused, the device only.
	xenstore-write "$fe/state" 4 || fail "xenstore-write $fe/state failed"
	wait_key "$be/state" 5 10 || fail "back-end did not move to Closing"
	why=$(xenstore-read "$be/broken" 2>/dev/null)
	case "$why" in
	*"before the back-end"*) step "refused: $why" ;;
	*) fail "broken key '$why'" ;;
	esac
	grep -q "backd: p99 console/0: broken: " "$tmp/backd.log" ||
		fail "no tagged log line for the broken device"
	xenstore-rm /local/domain/99 || fail "xenstore-rm /local/domain/99 failed"
	xenstore-rm /local/domain/0/backend/console/99 ||
		fail "xenstore-rm of the back-end directory failed"
	wait_log "$tmp/backd.log" "backd: p99 console/0: removed" 10 ||
		fail "the device was not removed with its directory"
	step "removed with its directory"
else
	step "no xenstore-write in the image: device negotiation not tried"
fi

kill -TERM "$backd_pid"
wait "$backd_pid"
rc=$?
backd_pid=
[ $rc -eq 0 ] || fail "partita-backd exit status $rc after SIGTERM"
grep -q "^backd: stopped" "$tmp/backd.log" || fail "no 'stopped' line"
[ ! -e "$tmp/backd.pid" ] || fail "pid file left behind"
step "SIGTERM: exit 0, pid file removed"

cleanup
stored_pid=
echo "RESULT $name PASS"
