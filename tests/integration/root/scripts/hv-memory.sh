#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The root reading hypervisor memory: refused with #GP, the reader dies, the root lives on.
#
# Takes one range the hypervisor hides from the root (partita info --json,
# memory.hidden_ranges) and reads it with busybox devmem. The hypervisor
# injects #GP(0) at the faulting instruction, so devmem dies with SIGSEGV
# (status 139) without printing a value, and logs the refusal.
name=hv-memory
fail() { echo "RESULT $name FAIL $*"; exit 1; }

command -v partita >/dev/null || fail "the partita CLI is not in this image"
command -v devmem >/dev/null || fail "busybox has no devmem applet"
json=$(partita info --json) || fail "partita info --json: exit status $?"

# The first hidden range above the first MiB (Linux's /dev/mem treats the
# low MiB specially); base and size are decimal, one per line.
base=$(echo "$json" | awk '
	/"hidden_ranges"/ { inside = 1; next }
	inside && /\]/ { exit }
	inside && /"base"/ { b = $0; gsub(/[^0-9]/, "", b) }
	inside && /"size"/ {
		s = $0; gsub(/[^0-9]/, "", s)
		if (b + 0 >= 1048576 && s + 0 > 0) { print b; exit }
	}')
[ -n "$base" ] || fail "partita info --json lists no hidden range above 1 MiB"
addr=$(printf '0x%x' "$base")
echo "$name: reading hidden memory at $addr with devmem"

devmem "$addr" >/tmp/hv-memory.out 2>&1
rc=$?
echo "$name: devmem exit status $rc: $(head -c 200 /tmp/hv-memory.out)"
if grep -Eq '^0x[0-9A-Fa-f]+$' /tmp/hv-memory.out; then
	fail "devmem printed a value from hypervisor memory at $addr"
fi
[ $rc -ge 128 ] ||
	fail "devmem was not killed by a signal (status $rc): the access never reached the hypervisor"
[ $rc -eq 139 ] || echo "$name: note: signal $((rc - 128)), SIGSEGV expected"

# The root keeps running and the hypervisor logged why.
partita info >/dev/null 2>&1 || fail "partita info after the refused read: exit status $?"
partita dmesg 2>/dev/null | grep -q "access to hidden memory at $addr (read) refused" ||
	fail "the hypervisor log does not record the refused read at $addr"
rm -f /tmp/hv-memory.out
echo "RESULT $name PASS devmem $addr died with status $rc, root still running"
exit 0
