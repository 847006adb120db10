#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Grants to the root: a root process maps grant-demo's page through /dev/partita and writes the pattern; ending access while mapped is refused; a destroyed granter's frames stay held until the unmap.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=msg-grant). Prints "RESULT msg-grant PASS|FAIL detail".
name=msg-grant
share=/usr/share/partita
tmp=/tmp/msg-grant

. "$(dirname "$0")/common.sh"
in_list() { p list | grep -Eq "^[0-9]+ +$1 "; }
# root_held: how many frames of others the root maps (partita info root).
root_held() { p info root | sed -n 's/^Mappings held: \([0-9]*\) .*/\1/p'; }
# wait_held N: the store daemon lets go of a dead guest's ring when it
# hears of the end, a moment after destroy returns.
wait_held() {
	_w=0
	while [ "$(root_held)" != "$1" ]; do
		_w=$((_w + 1))
		[ $_w -lt 50 ] || return 1
		sleep 0.1
	done
}
cleanup() {
	helper_stop
	p destroy grant-demo >/dev/null 2>&1
}

# create_demo: creates grant-demo; sets $id and $ref from its console.
create_demo() {
	p create --quiet "$share/grant-demo.yaml" >"$tmp/create.txt" 2>&1 ||
		fail "partita create grant-demo.yaml: exit status $?"
	id=$(cat "$tmp/create.txt")
	line=$(wait_console grant-demo 'grant-demo: granted ref=[0-9]+ ' 20) ||
		fail "grant-demo printed no 'granted ref=' line"
	ref=$(echo "$line" | sed -n 's/.*granted ref=\([0-9]*\) .*/\1/p')
	step "grant-demo is partition $id: $line"
}

mkdir -p "$tmp"
[ -f "$share/grant-demo.elf" ] || fail "no $share/grant-demo.elf in the image"
command -v partita-msgtest >/dev/null || fail "no partita-msgtest in the image"
free0=$(pool_free)
[ -n "$free0" ] || fail "partita info --json shows no pool_free_bytes"
step "pool free at start: $free0 bytes"

step "map, write, let the guest check, unmap"
create_demo
helper_start grant "$id" "$ref"
helper_wait '^check ok$' 20
mapped=$(grep '^mapped ' "$tmp/helper.txt")
step "$mapped"
wait_console grant-demo 'RESULT grant-root-write PASS' 20 >/dev/null ||
	fail "grant-demo did not see the pattern (no grant-root-write PASS)"
wait_console grant-demo 'RESULT grant-end-busy PASS' 20 >/dev/null ||
	fail "ending access while mapped was not refused (no grant-end-busy PASS)"
p info grant-demo >"$tmp/info.txt" 2>&1 || fail "partita info grant-demo: exit status $?"
# Two: the demo's page and the store's ring page (store-seed, ref 1).
grep -Eq '^Grants mapped: 2 by other partitions$' "$tmp/info.txt" ||
	fail "partita info does not show the grant mapped: $(grep '^Grant' "$tmp/info.txt")"
grep -Eq '^Grant frames: +1 ' "$tmp/info.txt" ||
	fail "partita info does not show grant-demo's one grant frame"
helper_ask copy '^copy ok$' 10
helper_ask unmap '^unmapped$' 10
wait_console grant-demo 'RESULT grant-end-free PASS' 20 >/dev/null ||
	fail "ending access after the unmap failed (no grant-end-free PASS)"
helper_stop || fail "partita-msgtest grant: exit status $?"
p stats grant-demo >"$tmp/stats.txt" 2>&1 || fail "partita stats grant-demo: exit status $?"
p destroy grant-demo >"$tmp/destroy.txt" 2>&1 || fail "partita destroy: exit status $?"
# The root's first grant mapping takes frames it keeps for good: a frame
# of mapping slots and the nested page tables of its grant window. Those
# few may stay out of the pool; the second round must then be exact.
pool_back "$free0" 4 "the first round"
step "pool free after the first round: $(pool_free) bytes ($kept frame(s) kept by the root)"

step "destroy the granter while the root maps its page"
before=$(pool_free)
create_demo
helper_start grant "$id" "$ref"
helper_wait '^check ok$' 20
wait_console grant-demo 'RESULT grant-root-write PASS' 20 >/dev/null ||
	fail "grant-demo did not see the pattern the second time"
p destroy grant-demo >"$tmp/destroy2.txt" 2>&1 ||
	fail "partita destroy while mapped: exit status $?, $(cat "$tmp/destroy2.txt")"
in_list grant-demo && fail "grant-demo is still listed after destroy"
held=$(pool_free)
step "destroyed while mapped: $(cat "$tmp/destroy2.txt"); pool free $held bytes"
[ "$held" -lt "$before" ] ||
	fail "the mapped frame went back to the pool while mapped ($held of $before bytes free)"
helper_ask check '^check ok$' 10
step "the mapping still reads the pattern after the destroy"
wait_held 1 || fail "partita info root shows $(root_held) mappings held, not 1"
helper_ask unmap '^unmapped$' 10
wait_held 0 || fail "after the unmap partita info root shows $(root_held) mappings held"
waited=0
while [ "$(pool_free)" != "$before" ]; do
	[ $waited -lt 50 ] || fail "after the unmap the pool has $(pool_free) bytes free, not $before as before the guest"
	sleep 0.1
	waited=$((waited + 1))
done
helper_stop || fail "partita-msgtest grant: exit status $?"

rm -rf "$tmp"
echo "RESULT $name PASS ref $ref mapped and checked by the guest, end busy then free, $(((before - held) / 4096)) frame(s) held after destroy until the unmap, pool back to $before bytes ($kept kept by the root since its first mapping)"
exit 0
