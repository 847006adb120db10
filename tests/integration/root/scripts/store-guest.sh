#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The store reaches a guest: store-hello reads its name from its home and writes a key that Debian's stock xenstore-read sees in the root; xenstore-ls shows its tree; a watch round trip through the guest; its home goes when it does.
#
# Runs as root in the initramfs (/init, partita.test=store-guest), with
# partita-stored started by /init. Prints "RESULT store-guest PASS|FAIL".
name=store-guest
share=/usr/share/partita
tmp=/tmp/store-guest

. "$(dirname "$0")/common.sh"
cleanup() { p destroy store-hello >/dev/null 2>&1; }

mkdir -p "$tmp"
for tool in xenstore-read xenstore-write xenstore-ls xenstore-exists; do
	command -v $tool >/dev/null || fail "no $tool in the image"
done
xenstore-ls / >"$tmp/ls-root.txt" 2>&1 || fail "xenstore-ls /: exit status $? (is partita-stored running?)"

p create --quiet "$share/store-hello.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create store-hello.yaml: exit status $?"
id=$(cat "$tmp/create.txt")
home=/local/domain/$id
step "store-hello is partition $id"

for r in store-name store-domid store-write store-others-closed; do
	line=$(wait_console store-hello "RESULT $r (PASS|FAIL)" 30) ||
		fail "store-hello printed no RESULT $r line"
	case "$line" in *PASS*) step "$line" ;; *) fail "guest: $line" ;; esac
done

val=$(xenstore-read "$home/data/hello" 2>"$tmp/read.err") ||
	fail "xenstore-read $home/data/hello: $(cat "$tmp/read.err")"
[ "$val" = "hello from store-hello" ] ||
	fail "xenstore-read $home/data/hello gave '$val'"
step "xenstore-read $home/data/hello: $val"

xenstore-ls "$home" >"$tmp/ls.txt" 2>&1 || fail "xenstore-ls $home: exit status $?"
grep -Eq '^name = "store-hello"' "$tmp/ls.txt" ||
	fail "xenstore-ls $home shows no name: $(head -c 300 "$tmp/ls.txt")"
grep -Eq '^ +hello = "hello from store-hello"' "$tmp/ls.txt" ||
	fail "xenstore-ls $home shows no data/hello"
step "xenstore-ls $home: $(wc -l <"$tmp/ls.txt") lines"

wait_console store-hello 'store-hello: watching data/ping' 20 >/dev/null ||
	fail "store-hello did not start watching data/ping"
for n in 1 2 3 42; do
	xenstore-write "$home/data/ping" "$n" || fail "xenstore-write ping $n"
	waited=0
	while [ "$(xenstore-read "$home/data/pong" 2>/dev/null)" != "$n" ]; do
		waited=$((waited + 1))
		[ $waited -lt 100 ] || fail "no pong $n from the guest in 10 s"
		sleep 0.1
	done
done
step "ping/pong through the guest's watch: 4 of 4"

p destroy store-hello >"$tmp/destroy.txt" 2>&1 || fail "partita destroy: exit status $?"
waited=0
while xenstore-exists "$home" 2>/dev/null; do
	waited=$((waited + 1))
	[ $waited -lt 50 ] || fail "$home still exists 5 s after destroy"
	sleep 0.1
done
step "$home removed after destroy"
echo "RESULT $name PASS"
