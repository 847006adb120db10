#!/usr/bin/env bash
# Decides whether a failed hypercall fuzzer boot is wholly explained by the
# known QEMU multi-threaded TCG fault (docs/testing.md, "Known emulator
# issues"): exit 0 only when the one kill is the fuzzer's "killed: emulator
# fault:" and everything the hypervisor owes the other guests is right;
# otherwise exit 1, saying why. check-boot.sh --inconclusive-check runs it.
# usage: check-hcall-fuzz-emulator-fault.sh COM2_LOG
set -euo pipefail
log=$1
no() { echo "check-hcall-fuzz-emulator-fault: not inconclusive: $*" >&2; exit 1; }
count() { awk -v re="$1" '$0 ~ re { n++ } END { print n + 0 }' "$log"; }

fault='\] ERR p[0-9]+:hcall-fuzz: killed: emulator fault: '
[ "$(count "$fault")" = 1 ] || no "no single 'killed: emulator fault:' line for the fuzzer"
[ "$(count 'killed:')" = 1 ] || no "another guest kill besides the emulator fault"

# What the hypervisor itself must never log, kill or no kill.
if grep -nE '\] ERR (hv|PANIC|root): |frame table check failed|PANIC: |: exception [0-9]+ \(' "$log" >&2; then
	no "a hypervisor error or a guest exception (above)"
fi
# Before its kill the fuzzer may have found a wrong answer: that is real.
if grep -nE 'p[0-9]+:hcall-fuzz: .*(FAIL|RESULT hcall-fuzz [^P])' "$log" >&2; then
	no "the fuzzer reported a failure before it was killed (above)"
fi
[ "$(count 'p[0-9]+:hcall-fuzz: hcall-fuzz: seed=0x[0-9a-f]+ ')" = 1 ] || no "no seed line from the fuzzer"

# The worker: a PASS (the kill came after the done message), or a FAIL
# whose only cause is the fuzzer's end: memory and timer right. The log
# wraps long lines: the RESULT line's next worker line may continue it.
[ "$(count 'p[0-9]+:hcall-worker: RESULT hcall-fuzz-worker ')" = 1 ] || no "not exactly one worker RESULT line"
worker=$(awk '{ sub(/\r$/, "") }
	/p[0-9]+:hcall-worker: RESULT hcall-fuzz-worker / { r = $0; n = NR; next }
	n && NR == n + 1 { if (sub(/^.*p[0-9]+:hcall-worker: /, "") && !/^shut down/) r = r $0; exit }
	END { print r }' "$log")
if ! grep -qE 'RESULT hcall-fuzz-worker PASS ' <<<"$worker"; then
	grep -qE 'RESULT hcall-fuzz-worker FAIL .* bad_words=0 timer_fires=[1-9][0-9]* early=0 .* bad_headers=0 .*\(the fuzzer ended without its done message\)$' <<<"$worker" ||
		no "the worker failed for its own reasons: $worker"
fi
grep -qE 'p[0-9]+:hcall-worker: shut down \(poweroff\)' "$log" || no "the worker did not power off"

grep -qE '\] INF hv: all partitions have ended' "$log" || no "the hypervisor did not see every partition end"
pool=$(awk '/\] INF hv: pool: [0-9]+\/[0-9]+ frames free/ { p = $0 } END { print p }' "$log")
[ -n "$pool" ] || no "no pool report at power-off"
read -r free total < <(sed -E 's/.*pool: ([0-9]+)\/([0-9]+) frames free.*/\1 \2/' <<<"$pool")
[ "$free" = "$total" ] || no "pool at power-off: $free of $total frames free"
grep -q 'frame table consistent' <<<"$pool" || no "pool at power-off: $pool"
grep -qE '\] INF hv: powering off' "$log" || no "no power-off line"
echo "check-hcall-fuzz-emulator-fault: $(grep -oE 'killed: emulator fault: .*' "$log" | tr -d '\r'); worker and pool right"
