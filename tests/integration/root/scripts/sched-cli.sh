#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The xl-style verbs against a running guest: vcpu-list, vcpu-pin (the vCPU moves), sched, uptime, list --long, reboot (a new id), completion.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=sched-cli), on a machine of 3 CPUs: the root on CPU 0,
# guests on CPUs 1 and 2. Prints "RESULT sched-cli PASS|FAIL detail".
name=sched-cli
share=/usr/share/partita
tmp=/tmp/sched-cli

. "$(dirname "$0")/common.sh"
cleanup() { p destroy pinme >/dev/null 2>&1; }

# vcpu_field VCPU COLUMN: a column of pinme's vCPU in the vcpu-list table
# (NAME ID VCPU CPU STATE... AFFINITY TIME; STATE may be "blocked, moving").
vcpu_row() { p vcpu-list pinme | awk -v v="$1" '$1 == "pinme" && $3 == v'; }
vcpu_cpu() { vcpu_row "$1" | awk '{ print $4 }'; }
last_tick() {
	p console --debug --no-follow pinme 2>/dev/null |
		sed -n 's/^tick \([0-9]*\).*/\1/p' | tail -n 1
}
# wait_tick_after N SECONDS: the ticker printed a tick above N in time.
wait_tick_after() {
	_w=0
	while [ $_w -lt $(($2 * 5)) ]; do
		_t=$(last_tick)
		[ -n "$_t" ] && [ "$_t" -gt "$1" ] && return 0
		sleep 0.2
		_w=$((_w + 1))
	done
	return 1
}

mkdir -p "$tmp"
cpus=$(grep -c '^processor' /proc/cpuinfo)
step "the root sees $cpus CPU(s); the hypervisor's roles:"
p info | grep -E '^ +CPU [0-9]+' || true

# A two-vCPU ticker from a config of our own (reboot reads it again).
cat >"$tmp/pinme.yaml" <<EOF
name: pinme
memory: 4M
vcpus: 2
kernel: $share/ticker.elf
cmdline: interval_ms=200
EOF
step "partita create (standard output is a file, not a terminal)"
p create "$tmp/pinme.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create pinme.yaml: exit status $?"
cr=$(printf '\r')
! grep -q "$cr" "$tmp/create.txt" ||
	fail "partita create redrew its progress with carriage returns on a file"
grep -Eq '^  memory +1024/1024 pages \(100%\), [0-9]+ call\(s\)$' "$tmp/create.txt" ||
	fail "partita create printed no line per step for memory"
id1=$(sed -n 's/^Created pinme: partition \([0-9][0-9]*\)$/\1/p' "$tmp/create.txt")
[ -n "$id1" ] || fail "partita create printed no new id"
wait_console pinme '^tick [0-9]+' 10 >/dev/null || fail "pinme does not tick"

step "partita vcpu-list pinme"
p vcpu-list pinme >"$tmp/vl.txt" 2>&1 || fail "partita vcpu-list pinme: exit status $?"
cat "$tmp/vl.txt"
grep -Eq '^NAME +ID +VCPU +CPU +STATE +AFFINITY +TIME$' "$tmp/vl.txt" ||
	fail "partita vcpu-list has no header line"
grep -Eq "^pinme +$id1 +0 +1 +(running|runnable|blocked) +1-2 +[0-9]+\.[0-9]{3} s$" \
	"$tmp/vl.txt" || fail "vCPU 0 is not listed on CPU 1 with affinity 1-2"
grep -Eq "^pinme +$id1 +1 +2 +[a-z]+ +1-2 " "$tmp/vl.txt" ||
	fail "vCPU 1 is not listed on CPU 2 with affinity 1-2"
p vcpu-list >"$tmp/vl-all.txt" 2>&1 || fail "partita vcpu-list: exit status $?"
grep -Eq '^root +0 +0 +0 +running +0 +-$' "$tmp/vl-all.txt" ||
	fail "partita vcpu-list does not show the root's vCPU on CPU 0"
p vcpu-list --json pinme >"$tmp/vl.json" 2>&1 ||
	fail "partita vcpu-list --json: exit status $?"
grep -q '"cpu_time_ns": [1-9]' "$tmp/vl.json" ||
	fail "partita vcpu-list --json shows no CPU time"

step "partita vcpu-pin pinme 0 2: the vCPU moves to CPU 2"
p vcpu-pin pinme 0 2 >"$tmp/pin.txt" 2>&1 || fail "partita vcpu-pin: exit status $?"
grep -q "^Pinned vCPU 0 of pinme (partition $id1) to CPUs 2: it runs on CPU 2$" \
	"$tmp/pin.txt" || fail "partita vcpu-pin said: $(cat "$tmp/pin.txt")"
w=0
until [ "$(vcpu_cpu 0)" = 2 ] && ! vcpu_row 0 | grep -q moving; do
	w=$((w + 1))
	[ $w -lt 50 ] || fail "vCPU 0 is still listed as: $(vcpu_row 0)"
	sleep 0.2
done
vcpu_row 0 | grep -Eq ' 2 +[0-9]+\.[0-9]{3} s$' ||
	fail "vCPU 0's affinity is not 2: $(vcpu_row 0)"
# Moved: a tick printed after run0 was read is vCPU 0 running on CPU 2.
run0=$(p vcpu-list --json pinme | sed -n 's/.*"cpu_time_ns": \([0-9]*\).*/\1/p' | head -n 1)
t0=$(last_tick)
wait_tick_after "${t0:-0}" 10 || fail "pinme stopped ticking after its vCPU 0 moved"
run1=$(p vcpu-list --json pinme | sed -n 's/.*"cpu_time_ns": \([0-9]*\).*/\1/p' | head -n 1)
[ -n "$run0" ] && [ -n "$run1" ] && [ "$run1" -gt "$run0" ] ||
	fail "vCPU 0 used no CPU time on CPU 2 ($run0 -> $run1 ns)"
step "vCPU 0 runs on CPU 2 (CPU time $run0 -> $run1 ns, tick $t0 -> $(last_tick))"
p vcpu-pin pinme 0 1-2 >"$tmp/pin2.txt" 2>&1 || fail "partita vcpu-pin 1-2: exit status $?"
grep -q 'it runs on CPU 2$' "$tmp/pin2.txt" ||
	fail "a mask that keeps its CPU moved it: $(cat "$tmp/pin2.txt")"
p vcpu-pin pinme 1 all >/dev/null 2>&1 || fail "partita vcpu-pin pinme 1 all failed"

step "partita vcpu-pin refusals"
# expect_refusal STATUS REGEX CMD...: exit status and message, guest unhurt.
expect_refusal() {
	_want=$1 _re=$2
	shift 2
	p "$@" >"$tmp/refusal.txt" 2>&1
	_rc=$?
	[ $_rc -eq "$_want" ] || fail "partita $*: exit status $_rc, not $_want"
	grep -Eq -- "$_re" "$tmp/refusal.txt" ||
		fail "partita $*: said '$(cat "$tmp/refusal.txt")'"
}
expect_refusal 1 'pinme has 2 vCPU\(s\), numbered from 0: there is no vCPU 5' \
	vcpu-pin pinme 5 1
expect_refusal 1 'CPU 0 does not run guests .*guests may use CPUs 1-2' \
	vcpu-pin pinme 0 0-1
expect_refusal 2 "'x' is not a CPU list" vcpu-pin pinme 0 x
expect_refusal 2 'the vCPU is its number' vcpu-pin pinme one 1
expect_refusal 1 "'root' is the root partition" vcpu-pin root 0 1
expect_refusal 1 "no partition is called 'nosuch'" vcpu-pin nosuch 0 1
[ "$(vcpu_cpu 0)" = 2 ] || fail "a refused pin moved vCPU 0"

step "partita sched pinme"
p sched pinme >"$tmp/sched.txt" 2>&1 || fail "partita sched: exit status $?"
grep -q "^pinme (partition $id1): weight 256, cap none$" "$tmp/sched.txt" ||
	fail "partita sched said: $(cat "$tmp/sched.txt")"
p sched pinme --weight 512 --cap 30% >"$tmp/sched2.txt" 2>&1 ||
	fail "partita sched --weight 512 --cap 30%: exit status $?"
grep -q "^pinme (partition $id1): weight 512 (was 256), cap 30% (was none)$" \
	"$tmp/sched2.txt" || fail "partita sched said: $(cat "$tmp/sched2.txt")"
p sched --json pinme >"$tmp/sched.json" 2>&1 || fail "partita sched --json failed"
grep -q '"weight": 512' "$tmp/sched.json" && grep -q '"cap_percent": 30' "$tmp/sched.json" ||
	fail "partita sched --json does not read back 512 and 30"
p info pinme | grep -Eq '^Cap: +30% of a CPU per vCPU$' ||
	fail "partita info does not show the new cap"
expect_refusal 2 'the weight is a whole number from 1 to 65535' sched pinme --weight 0
expect_refusal 2 'the cap is a percentage' sched pinme --cap 101
p sched pinme --cap none >/dev/null 2>&1 || fail "partita sched --cap none failed"

step "partita list --long and partita uptime"
p list --long >"$tmp/long.txt" 2>&1 || fail "partita list --long: exit status $?"
cat "$tmp/long.txt"
grep -Eq '^ID +NAME +STATE +VCPUS +WEIGHT +CAP +CPUS +MEMORY +UPTIME +RUNTIME$' \
	"$tmp/long.txt" || fail "partita list --long has no header line"
grep -Eq "^$id1 +pinme +running +2 +512 +none +1-2 +4\.0 MiB +[0-9:.]+ +[0-9]+\.[0-9]{3} s$" \
	"$tmp/long.txt" || fail "partita list --long does not show pinme"
grep -Eq '^0 +root +running +1 +[0-9]+ +- +0 ' "$tmp/long.txt" ||
	fail "partita list --long does not show the root on CPU 0"
p uptime >"$tmp/uptime.txt" 2>&1 || fail "partita uptime: exit status $?"
grep -Eq '^Hypervisor up [0-9:.]+$' "$tmp/uptime.txt" ||
	fail "partita uptime has no hypervisor line"
grep -Eq "^pinme +$id1 +running +[0-9:.]+$" "$tmp/uptime.txt" ||
	fail "partita uptime does not show pinme"
p uptime --json pinme >"$tmp/uptime.json" 2>&1 || fail "partita uptime --json failed"
grep -q '"name": "pinme"' "$tmp/uptime.json" && ! grep -q '"name": "root"' "$tmp/uptime.json" ||
	fail "partita uptime --json pinme shows other partitions"

step "partita reboot pinme"
p vcpu-pin pinme 0 2 >/dev/null 2>&1 || fail "partita vcpu-pin before reboot failed"
p reboot pinme >"$tmp/reboot.txt" 2>&1 || fail "partita reboot: exit status $?"
cat "$tmp/reboot.txt"
grep -q '^pinme has shut down and is gone$' "$tmp/reboot.txt" ||
	fail "partita reboot did not wait for the shutdown"
id2=$(sed -n "s/^Rebooted pinme: partition $id1 is now partition \([0-9][0-9]*\)$/\1/p" \
	"$tmp/reboot.txt")
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "partita reboot gave no new id"
p list | grep -Eq "^$id2 +pinme +running " || fail "pinme is not running as partition $id2"
wait_console pinme '^tick [0-9]+' 10 >/dev/null || fail "the new pinme does not tick"
# Runtime settings do not survive: the config is what comes back.
p sched pinme | grep -q 'weight 256, cap none$' || fail "the new pinme kept runtime settings"
vcpu_row 0 | grep -Eq " 1-2 +[0-9]+\.[0-9]{3} s$" || fail "the new pinme kept the pin"
step "pinme came back as partition $id2"

step "partita reboot refusals leave the guest running"
sed 's/^memory: 4M$/memory: lots/' "$tmp/pinme.yaml" >"$tmp/broken.yaml" &&
	mv "$tmp/broken.yaml" "$tmp/pinme.yaml"
expect_refusal 1 'cannot reboot pinme: its config .* no longer checks out' reboot pinme
p list | grep -Eq "^$id2 +pinme +running " || fail "a refused reboot hurt pinme"
expect_refusal 1 "'root' is the root partition" reboot root
expect_refusal 1 "no partition is called 'nosuch'" reboot nosuch

step "shell completion (bash, with the image's completion file)"
comp=/usr/share/bash-completion/completions/partita
[ -f "$comp" ] || fail "no completion file at $comp"
if command -v bash >/dev/null 2>&1; then
	# complete WORDS...: what the completion offers for the last word.
	complete_words() {
		bash -c '. '"$comp"'; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
			_partita; echo "${COMPREPLY[*]}"' partita "$@"
	}
	[ "$(complete_words partita vcpu-p)" = vcpu-pin ] ||
		fail "completing 'vcpu-p' gave '$(complete_words partita vcpu-p)'"
	[ "$(complete_words partita sched pin)" = pinme ] ||
		fail "completing a partition name gave '$(complete_words partita sched pin)'"
	complete_words partita sched --w | grep -q -- '--weight' ||
		fail "completing 'sched --w' gave '$(complete_words partita sched --w)'"
	# busybox's applets under /usr/bin run from bash too, not only ash.
	[ "$(bash -c 'printf "b\na\n" | sort | head -n 1')" = a ] ||
		fail "bash cannot run busybox's /usr/bin/sort"
else
	fail "the image has no bash for the completion"
fi

p destroy pinme >/dev/null 2>&1 || fail "partita destroy pinme failed"
echo "RESULT sched-cli PASS vcpu moved to CPU 2, rebooted as partition $id2"
