#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest lifecycle through the partita CLI: create, list, info, console, pause, unpause, stats, top, shutdown, destroy, errors.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=lifecycle). Prints "RESULT lifecycle PASS|FAIL detail".
name=lifecycle
share=/usr/share/partita
tmp=/tmp/lifecycle

. "$(dirname "$0")/common.sh"
last_tick() { # last_tick NAME: the highest "tick N" in its console ring
	p console --no-follow "$1" 2>/dev/null |
		sed -n 's/^tick \([0-9]*\).*/\1/p' | tail -n 1
}
in_list() { p list | grep -Eq "^[0-9]+ +$1 "; }

mkdir -p "$tmp"
free0=$(pool_free)
[ -n "$free0" ] || fail "partita info --json shows no pool_free_bytes"
step "pool free at start: $free0 bytes"

step "partita create $share/ticker.yaml"
p create "$share/ticker.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create ticker.yaml: exit status $?"
grep -Eq '^  memory +1024/1024 pages \(100%\)' "$tmp/create.txt" ||
	fail "partita create showed no memory progress"
grep -Eq '^  image +[0-9]+/[0-9]+ bytes \(100%\)' "$tmp/create.txt" ||
	fail "partita create showed no image progress"
id=$(sed -n 's/^Created ticker: partition \([0-9][0-9]*\)$/\1/p' "$tmp/create.txt")
[ -n "$id" ] || fail "partita create printed no new id"
step "ticker is partition $id"

step "partita list"
p list >"$tmp/list.txt" 2>&1 || fail "partita list: exit status $?"
grep -Eq '^ID +NAME +STATE +VCPUS +WEIGHT +MEMORY +RUNTIME$' "$tmp/list.txt" ||
	fail "partita list has no header line"
grep -Eq "^$id +ticker +running +1 +256 +4\.0 MiB +[0-9]+\.[0-9]{3} s$" \
	"$tmp/list.txt" || fail "partita list does not show ticker running"
grep -Eq '^0 +root +running ' "$tmp/list.txt" ||
	fail "partita list does not show the root"
p list --json >"$tmp/list.json" 2>&1 || fail "partita list --json: exit status $?"
grep -A 1 '"name": "ticker"' "$tmp/list.json" | grep -q '"state": "running"' ||
	fail "partita list --json does not show ticker running"
grep -B 1 '"name": "ticker"' "$tmp/list.json" | grep -q "\"id\": $id," ||
	fail "partita list --json gives ticker another id"

step "partita info ticker"
p info ticker >"$tmp/info.txt" 2>&1 || fail "partita info ticker: exit status $?"
for line in "Partition: +ticker \\(id $id\\)" 'State: +running' 'vCPUs: +1' \
	'On crash: +destroy' 'Memory: +4\.0 MiB, 4\.0 MiB populated' \
	'Frames owned: +[1-9][0-9]* ' 'Command line: +interval_ms=500'; do
	grep -Eq "^$line" "$tmp/info.txt" || fail "partita info ticker lacks '$line'"
done
p info --json "$id" >"$tmp/info.json" 2>&1 ||
	fail "partita info --json $id: exit status $?"
frames=$(sed -n 's/.*"frames_owned": \([0-9]*\).*/\1/p' "$tmp/info.json")
[ -n "$frames" ] && [ "$frames" -ge 1024 ] ||
	fail "partita info --json shows $frames frames owned, not 1024 or more"
[ "$(pool_free)" -lt "$free0" ] || fail "the pool's free memory did not shrink"

step "partita console ticker"
# Wait (bounded by --timeout) until the first ticks are in the ring.
p console --timeout 3 ticker >"$tmp/console1.txt" 2>&1 ||
	fail "partita console --timeout 3: exit status $?"
grep -q '^ticker ticker: every 500 ms$' "$tmp/console1.txt" ||
	fail "the console lacks the ticker's first line"
grep -Eq '^tick [0-9]+$' "$tmp/console1.txt" || fail "the console shows no tick lines"
before=$(last_tick ticker)
p console --timeout 2 ticker >"$tmp/console2.txt" 2>&1 ||
	fail "partita console --timeout 2: exit status $?"
after=$(sed -n 's/^tick \([0-9]*\)$/\1/p' "$tmp/console2.txt" | tail -n 1)
[ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ] ||
	fail "partita console did not follow new ticks (tick $before, then $after)"
step "console followed tick $before -> $after"

step "partita pause ticker"
p pause ticker >"$tmp/pause.txt" 2>&1 || fail "partita pause: exit status $?"
p list | grep -Eq "^$id +ticker +paused " || fail "partita list does not show ticker paused"
sleep 0.3
t1=$(last_tick ticker)
sleep 1.5
t2=$(last_tick ticker)
[ "$t1" = "$t2" ] || fail "ticker made progress while paused (tick $t1 -> $t2)"
p pause ticker >"$tmp/pause2.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'cannot pause ticker: it is paused' "$tmp/pause2.txt" ||
	fail "pausing a paused partition: exit status $rc, $(cat "$tmp/pause2.txt")"

step "partita unpause ticker"
p unpause ticker >"$tmp/unpause.txt" 2>&1 || fail "partita unpause: exit status $?"
sleep 1.5
t3=$(last_tick ticker)
[ -n "$t3" ] && [ "$t3" -gt "$t2" ] ||
	fail "ticker made no progress after unpause (tick $t2 -> $t3)"
step "paused at tick $t2 for 1.5 s, then tick $t3"

step "partita stats ticker"
p stats ticker >"$tmp/stats.txt" 2>&1 || fail "partita stats: exit status $?"
calls=$(sed -n 's/^Hypercalls: *\([0-9]*\)$/\1/p' "$tmp/stats.txt")
[ -n "$calls" ] && [ "$calls" -gt 0 ] || fail "partita stats shows no hypercalls"
grep -Eq '^Runtime: +[0-9]+\.[0-9]{3} s$' "$tmp/stats.txt" ||
	fail "partita stats shows no runtime"
grep -Eq '^  CONSOLE_WRITE +[1-9][0-9]* ' "$tmp/stats.txt" ||
	fail "partita stats does not count the ticker's console writes"
p stats --json ticker | grep -q '"hypercalls": [1-9]' ||
	fail "partita stats --json shows no hypercalls"

step "partita top"
p top --iterations 2 --interval 0.5 >"$tmp/top.txt" 2>&1 ||
	fail "partita top: exit status $?"
[ "$(grep -c '^partita top - up' "$tmp/top.txt")" -eq 2 ] ||
	fail "partita top did not show two screens"
grep -Eq "^$id +ticker +running +1 +[0-9]+\.[0-9] " "$tmp/top.txt" ||
	fail "partita top shows no CPU use for ticker"

step "errors"
p create "$share/ticker.yaml" >"$tmp/dup.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "a partition called ticker exists already (id $id, running)" \
	"$tmp/dup.txt" || fail "duplicate create: exit status $rc, $(cat "$tmp/dup.txt")"
p pause nosuch >"$tmp/unknown.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "no partition is called 'nosuch'" "$tmp/unknown.txt" ||
	fail "pause nosuch: exit status $rc, $(cat "$tmp/unknown.txt")"
printf 'name: broken\nmemory: 4M\nkernel: %s/ticker.elf\nvcpus: many\n' \
	"$share" >"$tmp/bad.yaml"
count=$(p list | wc -l)
p create "$tmp/bad.yaml" >"$tmp/bad.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "^$tmp/bad.yaml:4:8: found vcpus 'many'" "$tmp/bad.txt" ||
	fail "create of a bad YAML: exit status $rc, $(cat "$tmp/bad.txt")"
[ "$(p list | wc -l)" -eq "$count" ] || fail "a bad YAML created a partition"
p check "$share/ticker.yaml" "$share/hello.yaml" >"$tmp/check.txt" 2>&1 ||
	fail "partita check of good files: exit status $?"
[ "$(grep -c '^OK: ' "$tmp/check.txt")" -eq 2 ] || fail "partita check printed no OK lines"
p check "$share/hello.yaml" "$tmp/bad.yaml" >"$tmp/check-bad.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "^$tmp/bad.yaml:4:8: " "$tmp/check-bad.txt" ||
	fail "partita check of a bad file: exit status $rc"
p unpause >/dev/null 2>&1
[ $? -eq 2 ] || fail "partita unpause without a name is not a usage error"

step "partita shutdown --wait ticker, with a stopped console follower"
# The follower is stopped while ticker says goodbye and is torn down, so it
# reads again only once the partition is gone: a slow follower's race, made
# certain. It must still print the goodbye, then how ticker ended.
partita console --timeout 60 ticker >"$tmp/follow.txt" 2>&1 &
follower=$!
waited=0
until grep -q '^tick ' "$tmp/follow.txt"; do
	[ $waited -lt 100 ] || fail "the console follower printed no tick in 10 s"
	sleep 0.1
	waited=$((waited + 1))
done
kill -STOP $follower
p shutdown --wait --timeout 20 ticker >"$tmp/shutdown.txt" 2>&1 ||
	fail "partita shutdown --wait: exit status $?"
kill -CONT $follower
wait $follower || fail "the stopped console follower: exit status $?"
grep -q '^ticker ticker: shutdown requested, goodbye$' "$tmp/follow.txt" ||
	fail "the console follower lost ticker's goodbye: $(tail -n 2 "$tmp/follow.txt")"
grep -q '^partita: ticker has ended (poweroff) and is gone$' "$tmp/follow.txt" ||
	fail "the console follower did not say how ticker ended"
grep -q '^ticker has shut down and is gone$' "$tmp/shutdown.txt" ||
	fail "partita shutdown --wait did not report the end"
in_list ticker && fail "ticker is still listed after shutdown --wait"
p dmesg | grep -q "p$id:ticker: ticker ticker: shutdown requested, goodbye" ||
	fail "the ticker did not end through its shutdown handler"
free1=$(pool_free)
# The store daemon's first guest ring and port cost the root frames it
# keeps (its grant and port bookkeeping): at most 4, once; exact after.
pool_back "$free0" 4 "shutdown"
free0=$free1

step "create and destroy"
p create --quiet "$share/ticker.yaml" >"$tmp/create2.txt" 2>&1 ||
	fail "partita create --quiet: exit status $?"
grep -Eq '^[0-9]+$' "$tmp/create2.txt" || fail "partita create --quiet printed more than the id"
p destroy ticker >"$tmp/destroy.txt" 2>&1 || fail "partita destroy: exit status $?"
grep -Eq '^Destroyed ticker \(partition [0-9]+\): [0-9]+ frames returned to the pool$' \
	"$tmp/destroy.txt" || fail "partita destroy printed no frame count"
in_list ticker && fail "ticker is still listed after destroy"
free2=$(pool_free)
[ "$free2" = "$free0" ] || fail "after destroy the pool has $free2 bytes free, not $free0"

step "hello runs to its end"
p create "$share/hello.yaml" >"$tmp/hello.txt" 2>&1 || fail "partita create hello.yaml: exit status $?"
# console follows until the partition ends by itself.
p console --timeout 20 hello >"$tmp/hello-console.txt" 2>&1 ||
	fail "partita console hello: exit status $?"
grep -q '^hello from hello: ' "$tmp/hello-console.txt" &&
	grep -q '^goodbye from hello$' "$tmp/hello-console.txt" ||
	fail "the hello console lacks its greeting or goodbye"
waited=0
while in_list hello; do
	[ $waited -lt 20 ] || fail "hello is still listed 10 s after it ended"
	sleep 0.5
	waited=$((waited + 1))
done
free3=$(pool_free)
[ "$free3" = "$free0" ] || fail "after hello the pool has $free3 bytes free, not $free0"

rm -rf "$tmp"
echo "RESULT $name PASS create id $id, ticks $before->$after, paused at $t2, then $t3, $calls hypercalls, pool back to $free0 bytes"
exit 0
