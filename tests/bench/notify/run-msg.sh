#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest<->root user space messaging benchmark: boots the root with the msg-events test and prints its bench lines with ratios to the null hypercall.
#
# A report, not a pass/fail test (integration-root-msg-events is the test):
# event and message round trips between partita-msgtest in the root and
# the evtchn-peer guest, and the null hypercall through the same ioctl path
# measured in the same run. Under TCG only the ratios mean much.
#
# usage: run-msg.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '10p' "$0" >&2; exit 2; }
build=$1
out=${2:-$(mktemp -d /tmp/partita-bench.XXXXXX)}

status=0
"$root/tests/integration/boot-qemu.sh" --timeout 300 "$build" \
	"$root/tests/integration/configs/root-msg-events.cfg" "$out" || status=$?
lines=$(grep -o 'bench: .*' "$out/com1.log" | tr -d '\r' || true)
if [ -z "$lines" ]; then
	echo "run-msg.sh: no bench lines (QEMU status $status); root console:" >&2
	tail -n 40 "$out/com1.log" >&2
	exit 1
fi
echo "$lines"
# median of one line: "..., median N ns, ..."
median() { echo "$lines" | sed -n "s/.*: $1: .*median \([0-9]*\) ns.*/\1/p"; }
null=$(median 'null hypercall (ioctl)')
for what in events messages; do
	m=$(median "$what")
	[ -n "$m" ] && [ -n "$null" ] && [ "$null" -gt 0 ] &&
		awk -v m="$m" -v n="$null" -v w="$what" \
			'BEGIN { printf "ratio: %s round trip median / null hypercall median = %.1f\n", w, m / n }'
done
