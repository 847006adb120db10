#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# partita introduce and create against the live store: a boot-time guest gets its home, a created guest its devices.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=store-introduce) with ticker-boot started by the hypervisor
# from root-store-introduce.cfg. Uses the store /init started, or starts
# one of its own. Prints "RESULT store-introduce PASS|FAIL detail".
name=store-introduce
share=/usr/share/partita
tmp=/tmp/store-introduce

. "$(dirname "$0")/common.sh"
own_store=
cleanup() {
	[ -n "$own_store" ] && kill "$own_store" 2>/dev/null
	[ -n "${made:-}" ] && p destroy "$made" >/dev/null 2>&1
	:
}
# xs PATH: the value at PATH, with the stock tool the store serves.
xs() { timeout 10 xenstore-read "$1" 2>/dev/null; }
expect_xs() { # expect_xs PATH VALUE
	_v=$(xs "$1")
	[ "$_v" = "$2" ] || fail "$1 is '$_v', not '$2'"
}

mkdir -p "$tmp"
command -v xenstore-read >/dev/null ||
	fail "xenstore-read is not in the root image"
if [ -n "${XENSTORED_PATH:-}" ] || [ -S /var/run/xenstored/socket ]; then
	step "using the store /init started"
else
	command -v partita-stored >/dev/null ||
		fail "partita-stored is not in the root image"
	partita-stored --socket "$tmp/socket" 2>"$tmp/stored.log" &
	own_store=$!
	export XENSTORED_PATH="$tmp/socket"
	for _ in $(seq 50); do [ -S "$tmp/socket" ] && break; sleep 0.1; done
	[ -S "$tmp/socket" ] || fail "partita-stored did not start"
	step "started partita-stored on $tmp/socket"
fi

boot=$(p list | sed -n 's/^\([0-9][0-9]*\) *ticker-boot .*/\1/p')
[ -n "$boot" ] || fail "partita list shows no ticker-boot"
step "ticker-boot, started by the hypervisor, is partition $boot"

step "partita introduce --all"
p introduce --all >"$tmp/intro1.txt" 2>&1 ||
	fail "partita introduce --all: exit status $?"
# /init may have introduced it already; either way it is known now.
grep -Eq "^Introduced ticker-boot \(partition $boot\) to the store: /local/domain/$boot$|^Nothing to introduce" \
	"$tmp/intro1.txt" || fail "introduce --all said: $(cat "$tmp/intro1.txt")"
expect_xs "/local/domain/$boot/name" ticker-boot
expect_xs "/local/domain/$boot/domid" "$boot"
expect_xs "/local/domain/$boot/memory/target" 4096
expect_xs "/local/domain/$boot/vcpus" 1
perms=$(timeout 10 xenstore-ls -p "/local/domain/$boot" 2>/dev/null | grep '^data ')
echo "$perms" | grep -q "(n$boot)" || fail "data/ is not the guest's: $perms"

step "introduce again: nothing to do"
p introduce --all >"$tmp/intro2.txt" 2>&1 ||
	fail "second partita introduce --all: exit status $?"
grep -q '^Nothing to introduce: the store knows every running guest already$' \
	"$tmp/intro2.txt" || fail "second introduce --all said: $(cat "$tmp/intro2.txt")"
p introduce ticker-boot >"$tmp/intro3.txt" 2>&1 ||
	fail "partita introduce ticker-boot: exit status $?"
grep -q "^ticker-boot (partition $boot) is known to the store already; nothing to do$" \
	"$tmp/intro3.txt" || fail "introduce ticker-boot said: $(cat "$tmp/intro3.txt")"

step "usage errors"
p introduce >/dev/null 2>&1
[ $? -eq 2 ] || fail "partita introduce without arguments did not exit 2"
p introduce --all ticker-boot >/dev/null 2>&1
[ $? -eq 2 ] || fail "partita introduce --all NAME did not exit 2"
p introduce root >"$tmp/root.txt" 2>&1
[ $? -eq 1 ] || fail "partita introduce root did not exit 1"

step "partita create with a console device"
cat >"$tmp/con.yaml" <<YAML
name: con-guest
memory: 4M
kernel: $share/ticker.elf
cmdline: interval_ms=500
devices:
  - console: {}
YAML
p create "$tmp/con.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create con.yaml: exit status $?"
made=$(sed -n 's/^Created con-guest: partition \([0-9][0-9]*\)$/\1/p' "$tmp/create.txt")
[ -n "$made" ] || fail "partita create printed no id"
grep -q "^  store   /local/domain/$made, 1 device(s)$" "$tmp/create.txt" ||
	fail "partita create showed no store line"
expect_xs "/local/domain/$made/name" con-guest
expect_xs "/local/domain/$made/device/console/0/backend" \
	"/local/domain/0/backend/console/$made/0"
expect_xs "/local/domain/$made/device/console/0/backend-id" 0
expect_xs "/local/domain/0/backend/console/$made/0/frontend" \
	"/local/domain/$made/device/console/0"
expect_xs "/local/domain/0/backend/console/$made/0/frontend-id" "$made"
p introduce con-guest 2>&1 | grep -q "known to the store already" ||
	fail "a created guest is not known to the store"
p info con-guest >"$tmp/info.txt" 2>&1 || fail "partita info con-guest: exit status $?"
grep -Eq '^  console/0: front-end [A-Za-z]+, back-end [A-Za-z]+' "$tmp/info.txt" ||
	fail "partita info shows no console device"
p destroy con-guest >/dev/null 2>&1 || fail "partita destroy con-guest: exit status $?"
made=

step "partita create without a store warns and still creates"
XENSTORED_PATH=$tmp/no-such-socket p create "$tmp/con.yaml" >"$tmp/nostore.txt" 2>&1 ||
	fail "partita create without a store: exit status $?"
grep -q "^partita: warning: no store answers at $tmp/no-such-socket" "$tmp/nostore.txt" ||
	fail "no warning without a store: $(cat "$tmp/nostore.txt")"
grep -q '^Created con-guest: partition' "$tmp/nostore.txt" ||
	fail "partita create without a store did not create"
p destroy con-guest >/dev/null 2>&1 || fail "partita destroy con-guest: exit status $?"

cleanup
own_store=
echo "RESULT $name PASS"
