#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# partita console against the shell guest's virtio console: a scripted line and its answer, Ctrl-] in the input, output kept while detached, info's device line, --debug.
#
# Runs as root in the initramfs (/init, partita.test=console-shell) with the
# store /init started; starts partita-backd itself if /init did not.
# Prints "RESULT console-shell PASS|FAIL detail".
name=console-shell
share=/usr/share/partita
tmp=/tmp/console-shell

. "$(dirname "$0")/common.sh"
backd_pid=
cleanup() {
	p destroy shell >/dev/null 2>&1
	[ -n "$backd_pid" ] && kill "$backd_pid" 2>/dev/null
	:
}

mkdir -p "$tmp"
[ -S /var/run/xenstored/socket ] || fail "no store: /init did not start partita-stored"
if ! pidof partita-backd >/dev/null 2>&1; then
	command -v partita-backd >/dev/null || fail "no partita-backd in the image"
	partita-backd >"$tmp/backd.log" 2>&1 &
	backd_pid=$!
	step "started partita-backd (pid $backd_pid)"
fi

p create "$share/shell.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create shell.yaml: exit status $?"
id=$(sed -n 's/^Created shell: partition \([0-9][0-9]*\)$/\1/p' "$tmp/create.txt")
[ -n "$id" ] || fail "partita create printed no id"
step "shell is partition $id"

# The guest connects on its own; wait until the back-end says Connected.
waited=0
while ! p info shell 2>/dev/null |
	grep -Eq '^  console/0: front-end Connected, back-end Connected, tty /dev/pts/[0-9]+$'; do
	waited=$((waited + 1))
	[ $waited -lt 100 ] || fail "console/0 never Connected: $(p info shell 2>&1 | grep -A3 Devices)"
	sleep 0.2
done
step "partita info: $(p info shell | grep '^  console/0')"

step "echo hello through partita console"
echo "echo hello" | p console --linger 2000 shell >"$tmp/echo.txt" 2>&1 ||
	fail "partita console (scripted): exit status $?"
grep -q 'hello' "$tmp/echo.txt" || fail "no answer from the shell: $(head -c 300 "$tmp/echo.txt")"
tr -d '\r' <"$tmp/echo.txt" | grep -q '^hello$' ||
	fail "the shell did not answer 'hello' on a line of its own"

step "Ctrl-] in the input leaves and the rest is not sent"
printf 'echo first\n\035echo never\n' | p console --linger 2000 shell >"$tmp/esc.txt" 2>&1 ||
	fail "partita console with Ctrl-]: exit status $?"
echo "echo after" | p console --linger 2000 shell >"$tmp/after.txt" 2>&1 ||
	fail "partita console after Ctrl-]: exit status $?"
grep -q never "$tmp/esc.txt" "$tmp/after.txt" && fail "bytes after Ctrl-] reached the guest"
tr -d '\r' <"$tmp/after.txt" | grep -q '^after$' || fail "the console did not answer after a Ctrl-] detach: $(head -c 300 "$tmp/after.txt")"

step "output made while nobody was attached is shown on the next attach"
tty=$(p info shell | sed -n 's|^  console/0: .*, tty \(/dev/pts/[0-9]*\)$|\1|p')
[ -n "$tty" ] || fail "partita info names no tty"
partita-console-bench "$tty" --missed >"$tmp/missed.txt" 2>&1 ||
	fail "$(cat "$tmp/missed.txt")"

step "partita info --json lists the device"
p info --json shell >"$tmp/info.json" 2>&1 || fail "partita info --json: exit status $?"
grep -q '"frontend_state": "Connected"' "$tmp/info.json" ||
	fail "info --json shows no Connected front-end"
grep -q '"stats": {' "$tmp/info.json" || fail "info --json shows no stats"

step "--debug keeps the hypervisor's console"
p console --debug --no-follow shell >"$tmp/debug.txt" 2>&1 ||
	fail "partita console --debug --no-follow: exit status $?"
[ -s "$tmp/debug.txt" ] || fail "the debug console is empty"

step "a guest without a virtio console is told so"
p create "$share/ticker.yaml" >/dev/null 2>&1 || fail "partita create ticker.yaml: exit status $?"
p console ticker </dev/null >"$tmp/none.txt" 2>&1
rc=$?
p destroy ticker >/dev/null 2>&1
[ $rc -eq 1 ] || fail "partita console ticker: exit status $rc, not 1"
grep -q "^partita: ticker has no virtio console" "$tmp/none.txt" ||
	fail "partita console ticker said: $(cat "$tmp/none.txt")"

cleanup
backd_pid=
echo "RESULT $name PASS"
