#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark, not a test: the benchmark suite's root-side operations (scripts/bench.sh) as PTBENCH records: the root's ioctl null hypercall and ping -> woken read(), event and message round trips with a guest, a guest's store read and write round trips, the virtio console echo through partita-backd; then the root's entry times (PTBOUND), including POPULATE and DESTROY of a 256 MiB guest.
#
# Runs as root in the initramfs (/init, partita.test=bench-suite). Reads
# partita.bench_ops=a,b (default all) and partita.bench_samples=N (default
# 1000) from the kernel command line. Prints "bench-suite: " progress, the
# records, then "RESULT bench-suite DONE".
name=bench-suite
share=/usr/share/partita
tmp=/tmp/bench-suite

. "$(dirname "$0")/common.sh"
cleanup() {
	p destroy evtchn-peer >/dev/null 2>&1
	p destroy store-bench >/dev/null 2>&1
	p destroy shell >/dev/null 2>&1
	p destroy big >/dev/null 2>&1
}

cmdarg() { # cmdarg NAME: the value of NAME=... on the kernel command line
	for word in $(cat /proc/cmdline); do
		case "$word" in "$1="*) echo "${word#*=}"; return 0 ;; esac
	done
	return 1
}
ops=$(cmdarg partita.bench_ops || echo all)
samples=$(cmdarg partita.bench_samples || echo 1000)
want() { [ "$ops" = all ] || echo ",$ops," | grep -q ",$1,"; }
mkdir -p "$tmp"
# The entry times reported at the end are this script's alone.
partita-notify-bench --bounds --reset >"$tmp/reset.txt" 2>&1 ||
	fail "partita-notify-bench --bounds --reset: exit status $?"

if want large_guest_destroy; then
	# Long root calls (POPULATE, DESTROY) continue in slices; their
	# longest entry is the figure to hold against the 50 us bound.
	step "create and destroy a 256 MiB guest"
	cat >"$tmp/big.yaml" <<EOT
name: big
memory: 256M
kernel: $share/ticker.elf
cmdline: interval_ms=1000
EOT
	timeout 600 partita create --quiet "$tmp/big.yaml" >"$tmp/big.txt" 2>&1 ||
		fail "partita create big (256 MiB): exit status $?"
	timeout 600 partita destroy big >>"$tmp/big.txt" 2>&1 ||
		fail "partita destroy big: exit status $?"
fi

if want root_ioctl_null || want root_ping_wake_read || want root_ping_ioctl; then
	step "notify-bench $samples"
	partita-notify-bench --records "$samples" >"$tmp/notify.txt" 2>&1 ||
		fail "partita-notify-bench: exit status $?"
	grep '^PTBENCH' "$tmp/notify.txt"
fi

if want store_read_roundtrip || want store_write_roundtrip; then
	step "store round trips $samples"
	cat >"$tmp/store-bench.yaml" <<EOT
name: store-bench
memory: 4M
kernel: $share/store-hello.elf
cmdline: bench=$samples
EOT
	p create --quiet "$tmp/store-bench.yaml" >"$tmp/create.txt" 2>&1 ||
		fail "partita create store-bench: exit status $?"
	wait_console store-bench 'store-bench done' 600 >/dev/null ||
		fail "store-hello printed no 'store-bench done' in 600 s"
	# The guest's console lines carry no prefix of their own.
	p console --no-follow store-bench | tr -d '\r' | grep -o 'PTBENCH.*' |
		grep -v 'store_guest_null_hypercall'
	p destroy store-bench >/dev/null 2>&1
fi

if want root_event_pingpong || want root_message_pingpong; then
	# The guest answers from its event handler and its main loop; the
	# root waits in read() on its event and message files.
	step "event and message round trips with evtchn-peer $samples"
	evtchn_peer_start
	partita-msgtest echo --records "$peer_id" "$peer_port" "$peer_conn" "$samples" "$samples" \
		>"$tmp/msg.txt" 2>&1 || fail "partita-msgtest echo: exit status $? ($(tail -n 1 "$tmp/msg.txt"))"
	grep '^PTBENCH' "$tmp/msg.txt"
	p destroy evtchn-peer >/dev/null 2>&1
fi

if want console_echo; then
	step "console echo $samples"
	p create --quiet "$share/shell.yaml" >"$tmp/shell.txt" 2>&1 ||
		fail "partita create shell.yaml: exit status $?"
	sid=$(cat "$tmp/shell.txt")
	tty=$(console_tty "$sid") || fail "the shell's console never connected"
	partita-console-bench "$tty" "$samples" --records >"$tmp/echo.txt" 2>&1 ||
		fail "partita-console-bench: exit status $?"
	grep '^PTBENCH' "$tmp/echo.txt"
	p destroy shell >/dev/null 2>&1
fi
partita-notify-bench --bounds >"$tmp/bounds.txt" 2>&1 ||
	fail "partita-notify-bench --bounds: exit status $?"
grep '^PTBOUND' "$tmp/bounds.txt"
cleanup
echo "RESULT $name DONE"
