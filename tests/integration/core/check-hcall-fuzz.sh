#!/usr/bin/env bash
# Checks the hypercall fuzzer boot after the fact: the hypervisor outlived
# the run and logged no error of its own, the worker reported after the
# fuzzer, and at power-off every pool frame was back and the frame table
# consistent (report_pool in hypervisor/core/main.c).
# usage: check-hcall-fuzz.sh COM2_LOG
set -euo pipefail
log=$1
fail() { echo "check-hcall-fuzz: $*" >&2; exit 1; }
# Line number of the first match (awk reads it all: no SIGPIPE in pipes).
line_of() { awk -v re="$1" '$0 ~ re { print NR; exit }' "$log"; }

# The hypervisor's own errors: ERR lines tagged hv, PANIC or root, and
# the frame table check. (Guest kills are "ERR p<id>:<name>: killed:",
# rejected by the test itself.)
if grep -nE '\] ERR (hv|PANIC|root): |frame table check failed' "$log" >&2; then
	fail "the hypervisor logged an internal error (above)"
fi

seed=$(line_of 'p[0-9]+:hcall-fuzz: hcall-fuzz: seed=0x[0-9a-f]+ ')
fuzz=$(line_of 'p[0-9]+:hcall-fuzz: RESULT hcall-fuzz PASS')
worker=$(line_of 'p[0-9]+:hcall-worker: RESULT hcall-fuzz-worker PASS')
ended=$(line_of '\] INF hv: all partitions have ended')
[ -n "$seed" ] || fail "no seed line from the fuzzer"
[ -n "$fuzz" ] || fail "no RESULT hcall-fuzz PASS"
[ -n "$worker" ] || fail "no RESULT hcall-fuzz-worker PASS"
[ -n "$ended" ] || fail "the hypervisor did not see every partition end"
first=$(awk '/p[0-9]+:hcall-fuzz: / && !/: started: / { print NR; exit }' "$log")
[ "$first" = "$seed" ] || fail "the seed is not the fuzzer's first line (line $seed, first $first)"
[ "$worker" -gt "$fuzz" ] || fail "the worker reported (line $worker) before the fuzzer finished (line $fuzz)"
[ "$ended" -gt "$worker" ] || fail "partitions ended before the worker reported"

pool=$(awk '/\] INF hv: pool: [0-9]+\/[0-9]+ frames free/ { p = $0 } END { print p }' "$log")
[ -n "$pool" ] || fail "no pool report at power-off"
read -r free total < <(sed -E 's/.*pool: ([0-9]+)\/([0-9]+) frames free.*/\1 \2/' <<<"$pool")
[ "$free" = "$total" ] || fail "pool at power-off: $free of $total frames free"
grep -q 'frame table consistent' <<<"$pool" || fail "pool at power-off: $pool"
grep -qE '\] INF hv: powering off' "$log" || fail "no power-off line"
echo "check-hcall-fuzz: $(sed -E 's/.*RESULT hcall-fuzz PASS //' <<<"$(sed -n "${fuzz}p" "$log")"); pool $free/$total free and consistent"
