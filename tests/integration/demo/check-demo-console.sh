#!/usr/bin/env bash
# The interactive demo's console: runs scripts/demo.sh on a pseudo-terminal (script), types at the root's prompt, and checks that no hypervisor log line reaches the terminal once the root has started.
#
# usage: check-demo-console.sh SOURCE_DIR BUILD_DIR
# At the prompt it creates ticker (which logs to the hypervisor log every
# few hundred ms), waits, destroys it, echoes a marker and powers off. It
# fails when: the root never gave a prompt or never powered off; the banner
# or the "log goes on in FILE" line is missing; FILE lacks the hello and
# ticker lines (so the check would prove nothing); or any hypervisor log
# line appears on the terminal after the banner's last boot line.
# DEMO_CONSOLE_KEEP=1 keeps the files of a passing run too.
set -uo pipefail
[ $# -eq 2 ] || { sed -n '4,10p' "$0" >&2; exit 2; }
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
work=$(mktemp -d /tmp/partita-democon.XXXXXX)
ts=$work/typescript
: >"$ts"

# wait_for REGEX SECONDS: until the terminal output matches REGEX.
wait_for() {
	local tries=$(($2 * 2))
	until grep -aEq -- "$1" "$ts"; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.5
	done
}
# What a user types, each line once the terminal shows what it waits for.
type_session() {
	wait_for 'partita-root:~# ' 240 || return 0
	sleep 1
	echo "partita create /usr/share/partita/ticker.yaml"
	wait_for 'partita-root:~# .*partita create' 20 || true
	sleep 5
	echo "partita destroy ticker"
	sleep 2
	echo 'echo DEMO-MARK-$((6 * 7))'
	wait_for 'DEMO-MARK-42' 30 || true
	echo "poweroff"
	wait_for 'partita-root: powering off' 60 || true
	sleep 2
}

status=0
type_session | timeout -k 10 300 script -qfec \
	"$src/scripts/demo.sh --prebuilt $build" "$ts" >/dev/null 2>&1 ||
	status=$?
# The terminal as the user saw it: without colours and carriage returns.
sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$ts" >"$work/terminal.txt"
term=$work/terminal.txt

failed=()
[ $status -eq 0 ] || failed+=("the demo did not end by itself (status $status)")
grep -q 'Partita demo:' "$term" || failed+=("no banner")
log=$(sed -n 's/^boot-qemu: the hypervisor log goes on in \(.*\)$/\1/p' "$term" | head -n 1)
if [ -z "$log" ] || [ ! -f "$log" ]; then
	failed+=("no 'hypervisor log goes on in FILE' line naming a file")
	log=/dev/null
else
	grep -qF -- "     $log" "$term" || failed+=("the banner does not name $log")
	grep -Eq 'p[0-9]+:hello-beta: goodbye' "$log" ||
		failed+=("$log lacks the hello guests' lines")
	grep -Eq 'p[0-9]+:ticker: ' "$log" ||
		failed+=("$log has no ticker line: nothing was logged during the session")
fi
grep -q 'INF root: starting Linux on CPU' "$term" ||
	failed+=("the hypervisor's boot lines were not shown")
grep -q 'partita-root:~# ' "$term" || failed+=("no root prompt")
grep -q '^DEMO-MARK-42' "$term" || failed+=("the shell did not answer what was typed")
grep -q 'partita-root: powering off' "$term" || failed+=("the root did not power off")
# From the root's first line on ("partita-root: init on ..."), no line may
# be a hypervisor log line ("[  12.345678] INF ...") or a guest's tagged
# line; the switch line must come before it.
switch=$(grep -n '^boot-qemu: the hypervisor log goes on in ' "$term" | sed -n 's/:.*//;1p')
root_first=$(grep -n '^partita-root: ' "$term" | sed -n 's/:.*//;1p')
if [ -n "$switch" ] && [ -n "$root_first" ] && [ "$switch" -gt "$root_first" ]; then
	failed+=("the hypervisor's boot lines were shown late, inside the root's console (line $switch, after line $root_first)")
fi
sed -n "${root_first:-1},\$p" "$term" |
	grep -E '^\[ *[0-9]+\.[0-9]+\] (ERR|WRN|INF|DBG) |p[0-9]+:(hello|ticker)' \
		>"$work/interleaved.txt"
[ ! -s "$work/interleaved.txt" ] ||
	failed+=("$(wc -l <"$work/interleaved.txt") hypervisor log lines on the root's console, first: $(head -n 1 "$work/interleaved.txt")")

if [ ${#failed[@]} -gt 0 ]; then
	echo "==== terminal ===="; cat "$term"
	echo "==== hypervisor log ($log) ===="; cat "$log"
	printf 'FAIL: %s\n' "${failed[@]}"
	echo "check-demo-console: files kept in $work"
	exit 1
fi
echo "PASS demo console: $(grep -c . "$log") hypervisor log lines kept in the file, none on the root's console"
[ -n "${DEMO_CONSOLE_KEEP:-}" ] || rm -rf "$work" "$(dirname "$log")"
