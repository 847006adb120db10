#!/usr/bin/env bash
# Integration test of the benchmark suite: a short run (three guest operations, few samples, both clocks) through scripts/bench.sh, then checks that every output exists and parses.
#
# usage: check-smoke.sh BUILD_DIR
# Checks: results.json is valid JSON (python3) and reads back through
# partita-bench-compare (compared with itself: no regression); results.csv
# has its header and one row per operation and clock; report.md has a
# table per clock; every plot is a non-empty PNG.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
[ $# -eq 1 ] || { sed -n '4p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
out=$(mktemp -d /tmp/partita-bench-smoke.XXXXXX)
ops=null_hypercall,zero_pages_rep16,timer_upcall_latency
# bare_exit and empty_window always run: they are what the others are read against.
expect_ops="empty_window bare_exit null_hypercall zero_pages_rep16 timer_upcall_latency"

fail() { echo "FAIL: $*" >&2; echo "(outputs kept in $out)" >&2; exit 1; }

"$src/scripts/bench.sh" --no-build --no-root --build "$build" --clock both \
	--ops "$ops" --samples 60 --out "$out/run" || fail "bench.sh: exit status $?"
run=$out/run

for f in results.json results.csv report.md meta.txt plots/plots.gp; do
	[ -s "$run/$f" ] || fail "$f missing or empty"
done
python3 -m json.tool "$run/results.json" >/dev/null || fail "results.json is not valid JSON"
"$build/tests/bench/suite/partita-bench-compare" "$run" "$run" >"$out/compare.txt" ||
	fail "compare of the run with itself: exit status $? ($(tail -n 1 "$out/compare.txt"))"
grep -q '0 regressed, 0 missing in B' "$out/compare.txt" || fail "compare summary: $(tail -n 1 "$out/compare.txt")"

head -n 1 "$run/results.csv" | grep -q '^op,clock,side,unit,samples,' || fail "results.csv header"
for clock in wall icount; do
	grep -q "^## $clock clock" "$run/report.md" || fail "report.md has no $clock table"
	for op in $expect_ops; do
		grep -q "^$op,$clock,guest," "$run/results.csv" || fail "results.csv: no $op/$clock row"
		grep -q "^| $op | guest |" "$run/report.md" || fail "report.md: no $op row"
		png=$run/plots/$clock-$op-cdf.png
		[ -s "$png" ] || fail "$png missing or empty"
		[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
			fail "$png is not a PNG"
	done
	png=$run/plots/$clock-ratios.png
	[ -s "$png" ] && [ "$(head -c 4 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e47 ] ||
		fail "$png missing or not a PNG"
done
# The icount clock is exact: same-CPU paths have one value throughout.
grep -q '^null_hypercall,icount,guest,instructions,60,' "$run/results.csv" ||
	fail "icount null_hypercall row: $(grep '^null_hypercall,icount' "$run/results.csv")"
rows=$(($(wc -l <"$run/results.csv") - 1))
[ "$rows" -eq 10 ] || fail "results.csv has $rows rows, want 10 (5 operations x 2 clocks)"
echo "bench-suite smoke: PASS ($rows records; $(sed -n 's/^run_seconds=//p' "$run/meta.txt") s)"
rm -rf "$out"
