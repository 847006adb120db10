#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The I/O benchmark: boots the root, which times the disk-test guest's disk I/O and the net-echo guest's ping and UDP echo against the root's own I/O on the same image and over a veth pair in the same run, and prints the figures.
#
# A report, not a pass/fail test. Wall clock by default; with --icount
# every cycle figure is an exact count of emulated instructions (one TCG
# thread; see docs/benchmarks.md).
#
# usage: run.sh [--icount] BUILD_DIR [OUT_DIR]
set -euo pipefail
clock=()
if [ "${1:-}" = --icount ]; then
	clock=(--icount)
	shift
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '9p' "$0" >&2; exit 2; }
build=$1
out=${2:-$(mktemp -d /tmp/partita-bench.XXXXXX)}

status=0
"$root/tests/integration/boot-qemu.sh" "${clock[@]}" --timeout 1200 "$build" \
	"$here/bench-io.cfg" "$out" || status=$?
if ! grep -q 'RESULT bench-io DONE' "$out/com1.log"; then
	echo "run.sh: no results (QEMU status $status); root console:" >&2
	tail -n 40 "$out/com1.log" >&2
	exit 1
fi
grep -o 'bench: .*' "$out/com1.log" | tr -d '\r'
