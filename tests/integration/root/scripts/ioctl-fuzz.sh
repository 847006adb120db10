#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# partita.ko's ioctls: every malformed case once (partita-ioctl-fuzz
# --checks), then a seeded fuzz run; afterwards the root kernel's log has
# no warning, BUG or oops, and the driver and hypervisor still work: the
# list, a hello guest to its end, a ticker created and destroyed, and no
# root port or pool frame left behind.
#
# Kernel command line: partita.ioctl_fuzz_seed=N reproduces a run (the
# default seed is the time), partita.ioctl_fuzz_iterations=N (1000000),
# partita.ioctl_fuzz_seconds=S stops a run early (240).
name=ioctl-fuzz
tmp=/tmp/$name
mkdir -p "$tmp"
. /tests/common.sh
cleanup() { p destroy ticker >/dev/null 2>&1; }

cmdline_arg() { sed -n "s/.*[[:space:]]$1=\([0-9][0-9]*\).*/\1/p" /proc/cmdline; }
seed=$(cmdline_arg partita.ioctl_fuzz_seed)
seed=${seed:-$(date +%s)}
iterations=$(cmdline_arg partita.ioctl_fuzz_iterations)
iterations=${iterations:-1000000}
seconds=$(cmdline_arg partita.ioctl_fuzz_seconds)
seconds=${seconds:-240}
in_list() { p list | grep -Eq "^[0-9]+ +$1 "; }
root_ports() { p info root | sed -n 's/^Event ports: *\([0-9]*\) in use.*/\1/p'; }

command -v partita-ioctl-fuzz >/dev/null ||
	fail "partita-ioctl-fuzz is not in this image"
ports0=$(root_ports)
free0=$(pool_free)
[ -n "$ports0" ] && [ -n "$free0" ] || fail "partita info shows no port count or pool"
# Kernel lines from here on are this test's.
marker="partita-ioctl-fuzz: start of seed $seed"
echo "$marker" >/dev/kmsg

partita-ioctl-fuzz --checks >"$tmp/checks" 2>&1
rc=$?
grep -E 'FAIL|checks:' "$tmp/checks"
checks=$(grep -c ' ok$' "$tmp/checks")
[ $rc -eq 0 ] || fail "$(grep -c FAIL "$tmp/checks") malformed-request checks failed (exit $rc)"
step "$checks malformed-request checks answered as documented"

step "seed $seed, $iterations iterations (at most $seconds s)"
partita-ioctl-fuzz "$seed" "$iterations" "$seconds" >"$tmp/fuzz" 2>&1
rc=$?
grep '^ioctl-fuzz: ' "$tmp/fuzz" | grep -v '^ioctl-fuzz: seed [0-9]*, '
[ $rc -eq 0 ] || fail "seed $seed: the fuzzer found violations or a dead driver (exit $rc)"
done=$(sed -n 's/^ioctl-fuzz: seed [0-9]*: \([0-9]*\) iterations in \([0-9.]*\) s.*/\1 \2/p' "$tmp/fuzz")
[ -n "$done" ] || fail "the fuzzer printed no summary"

# The kernel's log since the marker: no WARN(), BUG(), oops or hung task.
dmesg >"$tmp/dmesg"
grep -qF "$marker" "$tmp/dmesg" || fail "the kernel log lost its start marker (ring too small?)"
sed -n "/$marker/,\$p" "$tmp/dmesg" >"$tmp/since"
bad=$(grep -w -E 'WARNING|BUG|Oops|general protection|cut here|Call Trace|blocked for more than' "$tmp/since" | head -n 5)
[ -z "$bad" ] || fail "seed $seed: the kernel log has: $bad"
step "kernel log clean: $(grep -c 'partita' "$tmp/since") partita lines, none a warning or oops"

# Closing the fuzzer's files undid everything made through them.
[ "$(root_ports)" = "$ports0" ] ||
	fail "after the fuzz the root has $(root_ports) event ports in use, not $ports0"
pool_back "$free0" 4 "the fuzz run"
free1=$(pool_free)

# The driver and the hypervisor still do their work.
p list >"$tmp/list" 2>&1 || fail "partita list after the fuzz: exit status $?"
p create /usr/share/partita/hello.yaml >"$tmp/hello" 2>&1 ||
	fail "create hello after the fuzz: exit status $?"
# Its last lines are read from the hypervisor log, not with 'partita
# console': hello ends a few ms after its goodbye, and a console read
# that comes later finds the partition, and its console, gone.
waited=0
while in_list hello; do
	[ $waited -lt 40 ] || fail "hello still runs 20 s after it was created"
	sleep 0.5
	waited=$((waited + 1))
done
p dmesg >"$tmp/hv-log" 2>&1 || fail "partita dmesg: exit status $?"
grep -q 'hello: goodbye from hello' "$tmp/hv-log" ||
	fail "hello did not run to its end after the fuzz"
p create /usr/share/partita/ticker.yaml >"$tmp/ticker" 2>&1 ||
	fail "create ticker after the fuzz: exit status $?"
wait_console ticker '^tick [0-9]' 20 >/dev/null || fail "ticker printed no tick"
p destroy ticker >"$tmp/destroy" 2>&1 || fail "destroy ticker: exit status $?"
waited=0
while in_list ticker; do
	[ $waited -lt 20 ] || fail "ticker still listed 10 s after its destroy"
	sleep 0.5
	waited=$((waited + 1))
done
# (The store keeps a port for partition events once it has a guest.)
pool_back "$free1" 4 "hello and ticker"
step "hello ran to its end, ticker destroyed; $ports0 root ports after the fuzz, $(pool_free) bytes free"

set -- $done
echo "RESULT $name PASS seed $seed: $checks checks, $1 iterations in $2 s, kernel log clean"
exit 0
