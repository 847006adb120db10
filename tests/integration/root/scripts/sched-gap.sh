#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Long hypercalls give the root's Linux its CPU back between slices: a task
# that sleeps 1 ms at a time keeps running while a 256 MiB guest is created
# (POPULATE) and destroyed (DESTROY). Reports the longest gap it saw; the
# destroy returns every frame.
name=sched-gap
tmp=/tmp/$name
mkdir -p "$tmp"
. /tests/common.sh
cleanup() { p destroy big >/dev/null 2>&1; }

command -v partita-sched-gap >/dev/null ||
	fail "partita-sched-gap is not in this image"
cat >"$tmp/big.yaml" <<YAML
name: big
memory: 256M
kernel: /usr/share/partita/ticker.elf
cmdline: interval_ms=1000
YAML
free0=$(pool_free)
[ -n "$free0" ] || fail "no pool figure from partita info --json"
partita-sched-gap partita create "$tmp/big.yaml" >"$tmp/create" 2>&1 ||
	fail "create a 256 MiB guest: exit status $?"
create_gap=$(sed -n 's/^sched-gap: longest gap \([0-9]*\) us.*/\1/p' "$tmp/create")
step "create: $(grep '^sched-gap' "$tmp/create")"
partita-sched-gap partita destroy big >"$tmp/destroy" 2>&1 ||
	fail "destroy the 256 MiB guest: exit status $?"
destroy_gap=$(sed -n 's/^sched-gap: longest gap \([0-9]*\) us.*/\1/p' "$tmp/destroy")
step "destroy: $(grep '^sched-gap' "$tmp/destroy")"
[ -n "$create_gap" ] && [ -n "$destroy_gap" ] || fail "no gap figures"
free1=$(pool_free)
# The store daemon's first guest ring costs the root at most 4 frames it
# keeps (grant and port bookkeeping); every guest frame comes back.
pool_back "$free0" 4 "the destroy"
echo "RESULT $name PASS longest gap create=${create_gap}us destroy=${destroy_gap}us, every frame back"
exit 0
