#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark, not a test: store read and write round trips from a guest through partita-stored, with the null hypercall as the same run's baseline; the virtio console's echo round trip through partita-backd, with the root's ioctl null hypercall as its baseline (tests/bench/split/run.sh).
#
# Runs as root in the initramfs (/init, partita.test=bench-split). Prints
# the guest's "store-bench" lines prefixed "bench: ", then
# "RESULT bench-split DONE".
name=bench-split
share=/usr/share/partita
tmp=/tmp/bench-split
samples=${BENCH_SAMPLES:-2000}

. "$(dirname "$0")/common.sh"
cleanup() { p destroy store-bench >/dev/null 2>&1; }

mkdir -p "$tmp"
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
p console --no-follow store-bench | grep 'store-bench ' | sed 's/^/bench: /'
p destroy store-bench >/dev/null 2>&1

# The console echo round trip through partita-backd, one byte each way,
# and the root's own null hypercall through the ioctl as its baseline.
p create --quiet "$share/shell.yaml" >"$tmp/shell.txt" 2>&1 ||
	fail "partita create shell.yaml: exit status $?"
sid=$(cat "$tmp/shell.txt")
tty=$(console_tty "$sid") || fail "the shell's console never connected"
partita-console-bench "$tty" "${BENCH_ECHO_SAMPLES:-500}" | sed 's/^/bench: /' ||
	fail "partita-console-bench: exit status $?"
partita-console-bench "$tty" --missed | sed 's/^/bench: /'
partita-notify-bench 200 2>&1 | grep -i 'null' | sed 's/^/bench: /'
p destroy shell >/dev/null 2>&1
cleanup
echo "RESULT $name DONE"
