#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The 1000-cycle lifecycle soak: boots the root partition, which runs partita soak with 1000 create/destroy cycles.
#
# usage: run.sh BUILD_DIR [CYCLES]
# Boots tests/integration/configs/root-soak.cfg with partita.test=soak-1000
# (or, given CYCLES, soak.sh with that count) and a test timeout long
# enough for it, then prints the soak's figures: cycles, wall time, the
# pool's free frames and the CLI's open files before and after. Exit status
# 0 when the soak passed, 1 when it failed or never finished. Not in ctest
# (about 40 s of cycles plus the boot under TCG; the 200-cycle soak is).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '5p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
cycles=${2:-}
out=$(mktemp -d /tmp/partita-soak.XXXXXX)
if [ -n "$cycles" ]; then
	tests="partita.test=soak partita.soak_cycles=$cycles" result=soak
else
	tests="partita.test=soak-1000" result=soak-1000
fi
sed -e "s/partita\.test=soak partita\.soak_cycles=[0-9]*/$tests partita.test_timeout=3000/" \
	"$top/tests/integration/configs/root-soak.cfg" >"$out/soak.cfg"
status=0
"$top/tests/integration/boot-qemu.sh" --timeout 3300 "$build" "$out/soak.cfg" \
	"$out" || status=$?
sed -e 's/\r$//' "$out/com1.log" | grep -E "^(soak|soak-1000): |^RESULT $result " || true
if grep -q "^RESULT $result PASS" "$out/com1.log" && [ $status -eq 0 ]; then
	rm -rf "$out"
	exit 0
fi
echo "run.sh: the soak failed or did not finish (QEMU status $status); logs in $out" >&2
exit 1
