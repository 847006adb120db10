#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Lifecycle soak: create/destroy cycles in one CLI process; the pool's free frames and the process's open files must come back.
#
# Runs as root in the initramfs after partita.ko is loaded (/init,
# partita.test=soak). The cycle count is partita.soak_cycles= on the kernel
# command line (default 200; soak-1000.sh runs 1000). Prints
# "RESULT soak PASS|FAIL detail" with the figures.
name=${SOAK_NAME:-soak}
share=/usr/share/partita
cycles=${SOAK_CYCLES:-}
if [ -z "$cycles" ]; then
	for word in $(cat /proc/cmdline); do
		case "$word" in partita.soak_cycles=*) cycles=${word#*=} ;; esac
	done
fi
cycles=${cycles:-200}

pool_free() {
	timeout 30 partita info --json |
		sed -n 's/.*"pool_free_bytes": \([0-9]*\).*/\1/p'
}

# The store daemon's first guest ring costs the root frames it keeps
# (its grant and port bookkeeping): one guest first, outside the count.
timeout 30 partita create --quiet "$share/ticker.yaml" >/dev/null 2>&1 &&
	timeout 30 partita destroy ticker >/dev/null 2>&1
free0=$(pool_free)
echo "$name: $cycles cycles of $share/ticker.yaml, pool free $free0 bytes"
out=$(partita soak "$share/ticker.yaml" "$cycles" 2>&1)
rc=$?
echo "$out"
free1=$(pool_free)
summary=$(echo "$out" | sed -n 's/^soak: \([0-9]* of [0-9]* cycles in .*\)$/\1/p')
if [ $rc -ne 0 ] || [ -z "$summary" ]; then
	echo "RESULT $name FAIL partita soak exit status $rc: $(echo "$out" | tail -n 1)"
	exit 1
fi
if [ "$free1" != "$free0" ]; then
	echo "RESULT $name FAIL the pool has $free1 bytes free after the soak, not $free0"
	exit 1
fi
if timeout 30 partita list | grep -q ' ticker '; then
	echo "RESULT $name FAIL a ticker partition is left after the soak"
	exit 1
fi
echo "RESULT $name PASS $summary"
exit 0
