#!/usr/bin/env bash
# The hypercall latency benchmark: boots the hcall-bench guest in QEMU and
# prints its BENCH lines (null hypercall vs bare VM exit, then event, message
# and grant operations on its own objects, in ns and as ratios). A report,
# not a pass/fail test: under TCG only the ratio means much.
#
# usage: run.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '7p' "$0" >&2; exit 2; }
build=$1
out=${2:-$(mktemp -d /tmp/partita-bench.XXXXXX)}

status=0
"$root/tests/integration/boot-qemu.sh" --timeout 240 "$build" \
	"$here/hcall-bench.cfg" "$out" || status=$?
if ! grep -q 'BENCH done' "$out/com2.log"; then
	echo "run.sh: no BENCH results (QEMU status $status); hypervisor log:" >&2
	cat "$out/com2.log" >&2
	exit 1
fi
grep -o 'BENCH .*' "$out/com2.log" | tr -d '\r'
