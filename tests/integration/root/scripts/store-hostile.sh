#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile store clients: guests that break their own ring (oversize header, producer past consumer), flood requests without reading replies, and probe permissions and quotas; a good guest's store round trips and the root's tools keep working throughout.
#
# Runs as root in the initramfs (/init, partita.test=store-hostile), with
# partita-stored started by /init. Prints "RESULT store-hostile PASS|FAIL".
name=store-hostile
share=/usr/share/partita
tmp=/tmp/store-hostile
stored_log=/var/log/partita-stored.log

. "$(dirname "$0")/common.sh"
cleanup() {
	for g in store-hello hostile-perm hostile-oversize hostile-overrun \
		hostile-flood; do
		p destroy $g >/dev/null 2>&1
	done
}

# hostile CASE [WORDS]: creates hostile-CASE running store-hostile.elf.
hostile() {
	cat >"$tmp/$1.yaml" <<-EOT
		name: hostile-$1
		memory: 4M
		kernel: $share/store-hostile.elf
		cmdline: case=$1 $2
	EOT
	p create --quiet "$tmp/$1.yaml" >"$tmp/create-$1.txt" 2>&1 ||
		fail "partita create hostile-$1: exit status $?"
	cat "$tmp/create-$1.txt"
}

# good_round_trip N: the good guest answers ping N within 10 s.
good_round_trip() {
	xenstore-write "$home/data/ping" "$1" || fail "xenstore-write ping $1"
	_w=0
	while [ "$(xenstore-read "$home/data/pong" 2>/dev/null)" != "$1" ]; do
		_w=$((_w + 1))
		[ $_w -lt 100 ] || fail "the good guest gave no pong $1 in 10 s ($2)"
		sleep 0.1
	done
	xenstore-ls / >/dev/null 2>&1 || fail "xenstore-ls / failed ($2)"
}

mkdir -p "$tmp"
p create --quiet "$share/store-hello.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create store-hello.yaml: exit status $?"
id=$(cat "$tmp/create.txt")
home=/local/domain/$id
wait_console store-hello 'store-hello: watching data/ping' 30 >/dev/null ||
	fail "store-hello did not start watching data/ping"
good_round_trip 1 "before"

hid=$(hostile perm "peer=$id")
line=$(wait_console hostile-perm 'RESULT store-hostile (PASS|FAIL)' 60) ||
	fail "hostile-perm printed no suite RESULT"
case "$line" in *PASS*) step "perm: $line" ;; *)
	p console --no-follow hostile-perm | grep 'FAIL' | head -n 5 >"$tmp/perm-fails.txt"
	fail "perm: $line" ;; esac
good_round_trip 2 "after perm"

for c in oversize overrun; do
	hid=$(hostile $c)
	wait_console hostile-$c "RESULT store-hostile-$c DONE" 30 >/dev/null ||
		fail "hostile-$c did not finish"
	good_round_trip "3$c" "after $c"
	if [ -f "$stored_log" ]; then
		grep -q "$hid" "$stored_log" ||
			fail "the store's log says nothing of partition $hid ($c)"
		step "$c: $(grep "$hid" "$stored_log" | tail -n 1)"
	fi
	p destroy hostile-$c >/dev/null 2>&1 || fail "destroy hostile-$c"
done

hid=$(hostile flood "secs=8")
sleep 2
start=$(now_cs)
for n in 1 2 3 4 5; do good_round_trip "4$n" "during the flood"; done
step "5 good round trips during the flood in $(( $(now_cs) - start ))0 ms"
wait_console hostile-flood 'RESULT store-hostile-flood DONE' 30 >"$tmp/flood.txt" ||
	fail "hostile-flood did not finish"
step "flood: $(cat "$tmp/flood.txt")"
good_round_trip 5 "after the flood"
pidof partita-stored >/dev/null || fail "partita-stored is gone"
cleanup
echo "RESULT $name PASS"
