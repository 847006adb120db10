#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The store in the root: partita-stored started by /init answers Debian's stock xenstore-* (a 4000-byte value from the root, ls, list, chmod, rm, watch), and serves a guest's ring once it is introduced.
#
# Runs as root in the initramfs (/init, partita.test=store-root). Prints
# "RESULT store-root PASS|FAIL detail".
name=store-root
share=/usr/share/partita
tmp=/tmp/store-root
mkdir -p "$tmp"

. "$(dirname "$0")/common.sh"
cleanup() { p destroy ticker >/dev/null 2>&1; }
op() { timeout 10 partita-store-op "$@"; }

sock=/var/run/xenstored/socket
[ -S "$sock" ] || fail "no store socket at $sock"
[ -s /var/run/partita-stored.pid ] && kill -0 "$(cat /var/run/partita-stored.pid)" ||
	fail "partita-stored is not running (pid file /var/run/partita-stored.pid)"
for t in read write ls rm watch chmod exists list; do
	[ -x "/usr/bin/xenstore-$t" ] || fail "xenstore-$t is not in the image"
done

# A value as long as the root's socket allows (no guest quota for the root).
big=$(awk 'BEGIN { while (i++ < 4000) printf "x" }')
timeout 10 xenstore-write /tool/x "$big" 2>"$tmp/write.txt" ||
	fail "xenstore-write of a 4000-byte value failed: $(cat "$tmp/write.txt")"
got=$(timeout 10 xenstore-read /tool/x) || fail "xenstore-read /tool/x failed"
[ "${#got}" -eq 4000 ] || fail "read back ${#got} bytes, not 4000"
[ "$got" = "$big" ] || fail "the 4000-byte value came back changed"
step "4000-byte value written and read back"

timeout 10 xenstore-write /tool/a/b 1 /tool/a/c 2 || fail "xenstore-write two keys"
timeout 10 xenstore-ls / >"$tmp/ls.txt" 2>&1 || fail "xenstore-ls / failed"
grep -q '^tool = ""' "$tmp/ls.txt" || fail "xenstore-ls / shows no /tool"
grep -q '^  b = "1"' "$tmp/ls.txt" || fail "xenstore-ls / shows no /tool/a/b"
grep -q '^local = ""' "$tmp/ls.txt" || fail "xenstore-ls / shows no /local"
step "xenstore-ls / lists $(wc -l <"$tmp/ls.txt") lines"
[ "$(timeout 10 xenstore-list /tool/a | tr '\n' ' ')" = "b c " ] ||
	fail "xenstore-list /tool/a: $(xenstore-list /tool/a 2>&1)"
timeout 10 xenstore-chmod /tool/a n0 r5 || fail "xenstore-chmod failed"
timeout 10 xenstore-ls -p /tool | grep '^a ' | grep -q '(n0,r5)' ||
	fail "permissions not shown: $(xenstore-ls -p /tool 2>&1 | head -n 3)"
timeout 10 xenstore-watch -n 2 /tool/a >"$tmp/watch.txt" 2>&1 &
wpid=$!
sleep 0.5
timeout 10 xenstore-write /tool/a/d 4
wait $wpid
[ "$(tr '\n' ' ' <"$tmp/watch.txt")" = "/tool/a /tool/a/d " ] ||
	fail "xenstore-watch saw: $(tr '\n' ' ' <"$tmp/watch.txt")"
timeout 10 xenstore-rm /tool/a || fail "xenstore-rm failed"
timeout 10 xenstore-exists /tool/a && fail "/tool/a still exists after rm"
step "list, chmod, watch, rm and exists work"

# A guest: introduced with the grant ref and port its start-info names.
stats() { op control stats; }
step "store: $(stats)"
p create --quiet "$share/ticker.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create ticker.yaml: exit status $?"
id=$(cat "$tmp/create.txt")
# partita create introduces it already; the same INTRODUCE again is a no-op.
op introduce "$id" 1 1 >"$tmp/intro.txt" 2>&1 ||
	fail "introduce $id 1 1: $(cat "$tmp/intro.txt"); log: $(tail -n 2 /var/log/partita-stored.log)"
[ "$(op is-introduced "$id")" = T ] || fail "guest $id not introduced"
step "guest $id introduced: $(stats)"
p destroy ticker >/dev/null 2>&1 || fail "partita destroy ticker failed"
# The partition-state event releases it: no polling in the daemon.
i=0
while [ "$(op is-introduced "$id")" = T ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(op is-introduced "$id")" = F ] ||
	fail "guest $id still introduced 5 s after its end"
timeout 10 xenstore-exists "/local/domain/$id" &&
	fail "/local/domain/$id left behind"
grep -q "domain $id released" /var/log/partita-stored.log ||
	fail "no release line in the store's log"
step "guest $id released on its end: $(stats)"
echo "RESULT $name PASS"
