#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The I/O benchmark: boots the root, which times the disk-test guest's disk I/O and the net-echo guest's ping and UDP echo against the root's own I/O on the same image and over a veth pair in the same run, and prints the figures.
#
# A report, not a pass/fail test. Wall clock by default; with --icount
# every cycle figure is an exact count of emulated instructions (one TCG
# thread; see docs/benchmarks.md). --qds 1,8,32 runs the disk guest once
# per queue depth; --size MiB of image and --rand random 4 KiB reads per
# run shrink a slow (icount) run; --no-net skips the network part.
#
# usage: run.sh [--icount] [--qds LIST] [--size MIB] [--rand N] [--no-net] BUILD_DIR [OUT_DIR]
set -euo pipefail
clock=()
extra=""
while [ $# -gt 0 ]; do
	case "$1" in
	--icount) clock=(--icount); shift ;;
	--qds) extra="$extra bench.qds=$2"; shift 2 ;;
	--size) extra="$extra bench.size=$2"; shift 2 ;;
	--rand) extra="$extra bench.rand=$2"; shift 2 ;;
	--no-net) extra="$extra bench.net=0"; shift ;;
	*) break ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '11p' "$0" >&2; exit 2; }
build=$1
out=${2:-$(mktemp -d /tmp/partita-bench.XXXXXX)}
mkdir -p "$out"
# The options reach bench-io.sh on the root's kernel command line.
sed "s|^cmdline = .*|&$extra|" "$here/bench-io.cfg" >"$out/bench-io.cfg"

status=0
"$root/tests/integration/boot-qemu.sh" "${clock[@]}" --timeout 2700 "$build" \
	"$out/bench-io.cfg" "$out" || status=$?
if ! grep -q 'RESULT bench-io DONE' "$out/com1.log"; then
	echo "run.sh: no results (QEMU status $status); root console:" >&2
	tail -n 40 "$out/com1.log" >&2
	exit 1
fi
grep -o 'bench: .*' "$out/com1.log" | tr -d '\r'
