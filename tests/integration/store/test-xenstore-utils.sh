#!/usr/bin/env bash
# Drives partita-stored with Debian's stock xenstore-utils binaries.
set -u
here=$(dirname "$0")
. "$here/store-daemon.sh"
stored=$1
fails=0
pass=0

check() { # check <description> <expected> <actual>
	if [ "$2" == "$3" ]; then
		pass=$((pass + 1))
	else
		fails=$((fails + 1))
		printf 'FAIL: %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"
	fi
}

status() { "$@" >/dev/null 2>&1; echo $?; }

store_start "$stored" --quota-nodes 200 || exit 1

check "write" 0 "$(status xenstore-write /vm/1/name alpha /vm/1/mem 512)"
check "read" "alpha" "$(xenstore-read /vm/1/name)"
check "read two keys" "alpha
512" "$(xenstore-read /vm/1/name /vm/1/mem)"
check "read escapes" 'a\nb' "$(xenstore-write /vm/1/esc 'a\nb'; xenstore-read /vm/1/esc)"
check "read missing fails" 1 "$(status xenstore-read /vm/nothing)"
check "exists" 0 "$(status xenstore-exists /vm/1/name)"
check "exists missing" 1 "$(status xenstore-exists /vm/1/nope)"
check "list" "esc
mem
name" "$(xenstore-list /vm/1 | sort)"
check "ls" '1 = ""
 name = "alpha"
 mem = "512"
 esc = "a\nb"' "$(xenstore-ls /vm)"
check "chmod" 0 "$(status xenstore-chmod /vm/1/name r5 w7)"
check "ls -p" '(r5,w7)' "$(xenstore-ls -p /vm/1 | grep '^name' | sed 's/.*(/(/')"
check "chmod bad mode" 1 "$(status xenstore-chmod /vm/1/name x5)"
check "rm" 0 "$(status xenstore-rm /vm/1/esc)"
check "rm gone" 1 "$(status xenstore-read /vm/1/esc)"
check "rm -t tidies empty parents" "" \
	"$(xenstore-write /tidy/a/b v; xenstore-rm -t /tidy/a/b; xenstore-list / | grep tidy)"
check "invalid path" 1 "$(status xenstore-write '/bad path' x)"
# Root clients are exempt from the guests' 2048-byte value quota: a value
# as long as the 4096-byte payload allows goes in and comes back whole.
big=$(head -c 4000 /dev/zero | tr '\0' x)
check "4000-byte value from the root" 0 "$(status xenstore-write /tool/x "$big")"
check "4000-byte value reads back" 4000 "$(xenstore-read /tool/x | tr -d '\n' | wc -c)"
check "4000-byte value intact" "$big" "$(xenstore-read /tool/x)"
check "value past the payload limit fails" 1 \
	"$(status xenstore-write /tool/y "$(head -c 4100 /dev/zero | tr '\0' x)")"

# A watch fires once when set, then for changes below it, not beside it.
out=$STORE_DIR/watch.out
timeout 10 xenstore-watch -n 3 /vm/1 >"$out" &
wpid=$!
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.05; done
xenstore-write /vm/10 sibling
xenstore-write /vm/1/state running
xenstore-rm /vm/1/mem
wait $wpid
check "watch events" "/vm/1
/vm/1/state
/vm/1/mem" "$(cat "$out")"

# Twenty clients at once, each in its own transaction (rm, chmod, exists and
# list use one): conflicts are retried by the tools and all must succeed.
for i in $(seq 20); do xenstore-write /par/k$i 0; done
pids=()
for i in $(seq 20); do
	( xenstore-rm /par/k$i && xenstore-write /par/n$i x &&
	  xenstore-exists /par/n$i ) >/dev/null 2>&1 &
	pids+=($!)
done
ok=0
for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
check "concurrent clients all succeed" 20 "$ok"
check "concurrent result" 20 "$(xenstore-list /par | grep -c '^n')"

# The node quota (200 here) binds guests, not the root's tools.
xenstore-write /q/seed x
n=0
while xenstore-write /q/k$n x 2>/dev/null; do
	n=$((n + 1))
	[ $n -ge 300 ] && break
done
check "root exempt from the node quota" 300 "$n"
check "daemon still serves" alpha "$(xenstore-read /vm/1/name)"

store_stop || fails=$((fails + 1))
echo "xenstore-utils: $pass passed, $fails failed"
[ $fails -eq 0 ]
