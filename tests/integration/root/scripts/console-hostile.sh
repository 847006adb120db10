#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile virtio front-ends (every bad-input case of issue 9) against partita-backd while a good shell guest's console keeps answering: each ring or grant violation must leave the device broken with a reason naming it, a guest that never reads its input must hold the root's writer back, and no case may leave store nodes, mappings, ports, files or pool frames behind; backd killed with SIGKILL and restarted under a live console; 20 guests with consoles created and destroyed, leaving nothing behind either.
#
# Runs as root in the initramfs (/init, partita.test=console-hostile), with
# partita-stored and partita-backd started by /init.
# Prints "RESULT console-hostile PASS|FAIL detail".
name=console-hostile
share=/usr/share/partita
tmp=/tmp/console-hostile

. "$(dirname "$0")/common.sh"
cleanup() {
	for g in $(p list 2>/dev/null | awk 'NR > 1 && $2 != "root" { print $2 }'); do
		p destroy "$g" >/dev/null 2>&1
	done
}

# answers N: the good shell answers "echo ok-N" through partita console.
answers() {
	echo "echo ok-$1" | p console --linger 1500 shell >"$tmp/answer.txt" 2>&1 ||
		fail "partita console shell: exit status $? ($2)"
	tr -d '\r' <"$tmp/answer.txt" | grep -q "^ok-$1\$" ||
		fail "the good shell did not answer ($2): $(tr -d '\r' <"$tmp/answer.txt" | tail -c 200)"
}

# guest NAME CMDLINE: a YAML for shell.elf or hostile-front.elf with a console.
guest_yaml() {
	cat >"$tmp/$1.yaml" <<EOT
name: $1
memory: 4M
kernel: $share/$2
cmdline: $3
devices:
  - console: {}
EOT
}

store_nodes() { xenstore-ls / 2>/dev/null | wc -l; }
# Open files of a daemon, and the root's event ports in use.
fds() { ls "/proc/$(pidof "$1")/fd" | wc -l; }
root_ports() { p info root | sed -n 's/^Event ports: *\([0-9]*\) in use.*/\1/p'; }
held() { p info root | sed -n 's/^Mappings held: \([0-9]*\) .*/\1/p'; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(pidof "$1")/status"; }

# What a case could leak, in one line to compare with the baseline $held0.
counts() {
	echo "$(store_nodes) store lines, $(held) root mappings, $(root_ports) root ports, $(fds partita-backd)/$(fds partita-stored) backd/stored files"
}


# broken_as ID CASE REGEX: backd marked ID's console/0 broken with a reason
# matching REGEX (extended). It does so once it has looked at what the
# guest kicked, which may be after the guest said DONE: wait up to 10 s.
broken_as() {
	_w=0
	until broken=$(xenstore-read "/local/domain/0/backend/console/$1/0/broken" 2>/dev/null) &&
		[ -n "$broken" ]; do
		_w=$((_w + 1))
		[ $_w -lt 50 ] || fail "$2: backd never marked console/0 broken (state $(xenstore-read "/local/domain/0/backend/console/$1/0/state" 2>&1))"
		sleep 0.2
	done
	echo "$broken" | grep -Eq -- "$3" || fail "$2: broken for the wrong reason: '$broken' (expected /$3/)"
}

# not_broken ID CASE: a rude but well-formed guest keeps its device.
not_broken() {
	broken=$(xenstore-read "/local/domain/0/backend/console/$1/0/broken" 2>/dev/null)
	[ -z "$broken" ] || fail "$2: backd marked console/0 broken: $broken"
	[ "$(xenstore-read "/local/domain/0/backend/console/$1/0/state" 2>/dev/null)" = 4 ] ||
		fail "$2: console/0 is no longer Connected on backd's side"
}

# no_rx ID: 1 MiB written to the console of a guest that posted 16
# receive buffers of 256 bytes and never takes them back. backd may give
# it those 4096 bytes; the rest must wait in the pty, so the writer blocks
# (and is stopped by timeout), backd reads no more and does not grow.
no_rx() {
	_tty=$(console_tty "$1") || fail "no-rx: console/0 never Connected"
	_rss0=$(rss_kb partita-backd)
	[ -n "$_rss0" ] || fail "no-rx: no VmRSS for partita-backd"
	timeout 4 dd if=/dev/zero of="$_tty" bs=4096 count=256 2>"$tmp/no-rx-dd.txt"
	_rc=$?
	[ $_rc -eq 124 ] || [ $_rc -eq 143 ] ||
		fail "no-rx: writing 1 MiB to $_tty ended with status $_rc, not held back: $(tr '\n' ' ' <"$tmp/no-rx-dd.txt")"
	# backd publishes its counters at most once a second.
	_w=0
	until _in=$(xenstore-read "/local/domain/0/backend/console/$1/0/stats/bytes-in" 2>/dev/null) &&
		[ "${_in:-0}" -gt 0 ]; do
		_w=$((_w + 1))
		[ $_w -lt 25 ] || fail "no-rx: backd gave the guest no input (bytes-in '${_in:-}')"
		sleep 0.2
	done
	[ "$_in" -le 4096 ] ||
		fail "no-rx: backd took $_in bytes of input, more than the guest's 16 x 256 bytes of receive buffers"
	_rss=$(rss_kb partita-backd)
	[ -n "$_rss" ] && [ $((_rss - _rss0)) -lt 256 ] ||
		fail "no-rx: partita-backd grew from $_rss0 to $_rss KiB under input the guest never takes"
	step "no-rx: writer held back after $_in bytes given to the guest, backd at $_rss KiB (was $_rss0)"
}

mkdir -p "$tmp"
pidof partita-backd >/dev/null || fail "/init did not start partita-backd"
free_start=$(pool_free)
step "before: $(store_nodes) store lines, $free_start bytes free in the pool"

p create --quiet "$share/shell.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create shell.yaml: exit status $?"
connected shell
answers 0 "at the start"

# The leak baseline, before any hostile guest: each case must bring the
# counts back to it, so a leak is pinned on the case that made it. The
# shell keeps the shared parents (/local/domain/0/backend/console) alive.
counts0=$(counts)
held0=$(held)
free0=$(pool_free)
step "baseline: $counts0, $free0 bytes free"

# Why backd must break the device, for each ring or grant violation.
reason() {
	case $1 in
	avail-jump) echo 'queue 1: available index [0-9]+ is [0-9]+ ahead of the [0-9]+ consumed, more than the queue size 64' ;;
	idx-beyond) echo 'queue 1: available entry [0-9]+ names head 67, beyond the queue size 64' ;;
	loop) echo 'queue 1: head 0: descriptor chain loops or is longer than the queue' ;;
	indirect-loop) echo 'queue 1: head 0: indirect table of 2 entries loops' ;;
	# 128 entries: more than a queue of 64 may chain, refused by length.
	long-chain) echo 'queue 1: head 0: indirect table length 2048 is not a nonzero multiple of 16 up to 1024' ;;
	outside-pool) echo 'queue 1: head 0: descriptor 0 at pool offset 0xfff8 length 16 lies outside the pool of 65536 bytes' ;;
	# The guest's line names the refs it published, the revoked first.
	bad-ref) echo "cannot map the buffer pool: .*grant ref ${refs%% *} of partition $hid \(element 0 of 2\)" ;;
	# Two good refs mapped first: the driver must take them back.
	bad-ref-late) echo "cannot map the buffer pool: .*grant ref 30000 of partition $hid \(element 2 of 3\): INVALID_GRANT_REF" ;;
	esac
}

for c in avail-jump idx-beyond loop indirect-loop long-chain outside-pool \
	bad-ref bad-ref-late not-connected state-toggle store-oversize \
	store-ring-overrun console-flood no-rx; do
	guest_yaml "hf-$c" hostile-front.elf "case=$c secs=3"
	hid=$(p create --quiet "$tmp/hf-$c.yaml" 2>"$tmp/create-$c.err") ||
		fail "partita create hf-$c: $(cat "$tmp/create-$c.err")"
	line=$(wait_console "hf-$c" "RESULT hostile-$c (DONE|FAIL)" 60) ||
		fail "hostile-front $c printed no RESULT line"
	case "$line" in *FAIL*) fail "hostile-front $c: $line" ;; esac
	refs=$(echo "$line" | sed -n "s/.*pool-refs '\([0-9 ]*\)'.*/\1/p")
	case $c in
	avail-jump | idx-beyond | loop | indirect-loop | long-chain | outside-pool | bad-ref | bad-ref-late)
		broken_as "$hid" "$c" "$(reason $c)"
		step "$c: broken: $broken"
		# The failed map call took back the two grants it had mapped
		# (the guest checked they show no mapping). While the guest
		# lives, the only grant of it the root maps is its store ring
		# (partita-stored's), on the guest's side and on the root's.
		if [ $c = bad-ref-late ]; then
			step "$c: $(echo "$line" | cut -c1-160)"
			gm=$(p info "hf-$c" | sed -n 's/^Grants mapped: *\([0-9]*\) .*/\1/p')
			[ "$gm" = 1 ] && [ "$(held)" = $((held0 + 1)) ] ||
				fail "$c: ${gm:-?} of the guest's grants are mapped and the root holds $(held) mappings ($held0 before it): only its store ring should be"
			step "$c: 1 grant of the guest mapped (its store ring), the root holds $held0 + 1 mappings"
		fi
		;;
	console-flood)
		not_broken "$hid" "$c"
		step "$c: $(echo "$line" | cut -c1-120), not broken"
		;;
	no-rx)
		no_rx "$hid"
		not_broken "$hid" "$c"
		;;
	*)
		broken=$(xenstore-read "/local/domain/0/backend/console/$hid/0/broken" 2>/dev/null)
		step "$c: $(echo "$line" | cut -c1-120)${broken:+; broken: $broken}"
		;;
	esac
	answers "$c" "after hostile $c"
	pidof partita-backd >/dev/null || fail "partita-backd died in $c"
	p destroy "hf-$c" >/dev/null 2>&1 || fail "partita destroy hf-$c"
	settled "$c" 8
done
step "after the hostile guests: $(counts), $(pool_free) bytes free"
step "partita-backd killed with SIGKILL and started again"
kill -9 "$(pidof partita-backd)" || fail "no partita-backd to kill"
sleep 0.5
partita-backd </dev/null >>/var/log/partita-backd.log 2>&1 &
connected shell
answers restart "after the restart"
p destroy shell >/dev/null 2>&1 || fail "partita destroy shell"

# The baseline for the leak check: the shared parents the first guests
# created (/local/domain/0/backend/console) stay, as in xenstored.
nodes0=$(store_nodes)
free0=$(pool_free)
backd_fds0=$(fds partita-backd)
stored_fds0=$(fds partita-stored)
ports0=$(root_ports)
[ -n "$ports0" ] || fail "partita info root shows no event port count"
step "20 guests with consoles, created and destroyed ($nodes0 store lines, $free0 bytes free, $backd_fds0/$stored_fds0 backd/stored fds, $ports0 root ports before)"
guest_yaml many shell.elf "console=0"
for i in $(seq 1 20); do
	sed "s/^name: many/name: many-$i/" "$tmp/many.yaml" >"$tmp/many-$i.yaml"
	p create --quiet "$tmp/many-$i.yaml" >/dev/null 2>"$tmp/many.err" ||
		fail "partita create many-$i: $(cat "$tmp/many.err")"
done
for i in $(seq 1 20); do connected "many-$i"; done
for i in $(seq 1 20); do
	p destroy "many-$i" >/dev/null 2>&1 || fail "partita destroy many-$i"
done
waited=0
while [ "$(store_nodes)" -ne "$nodes0" ]; do
	waited=$((waited + 1))
	[ $waited -lt 50 ] || fail "the store has $(store_nodes) lines, not $nodes0: $(xenstore-ls / | head -n 20 | tr '\n' ' ')"
	sleep 0.2
done
pool_back "$free0" 8 "20 guests"
pool_back "$free_start" 8 "the whole test"
held=$(held)
[ "${held:-0}" -eq 0 ] || fail "the root still holds $held grant mappings"
pidof partita-backd >/dev/null || fail "partita-backd is gone"
pidof partita-stored >/dev/null || fail "partita-stored is gone"
[ "$(fds partita-backd)" -eq "$backd_fds0" ] ||
	fail "partita-backd holds $(fds partita-backd) files, not $backd_fds0: $(ls -l /proc/$(pidof partita-backd)/fd | tail -n 5)"
[ "$(fds partita-stored)" -eq "$stored_fds0" ] ||
	fail "partita-stored holds $(fds partita-stored) files, not $stored_fds0"
[ "$(root_ports)" -eq "$ports0" ] || fail "the root has $(root_ports) event ports in use, not $ports0"
step "after: $(store_nodes) store lines, $(pool_free) bytes free, $held mappings held, $(fds partita-backd)/$(fds partita-stored) fds, $(root_ports) root ports"
echo "RESULT $name PASS"
