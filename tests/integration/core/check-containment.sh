#!/usr/bin/env bash
# Checks the containment test's order of events: both misbehaving guests
# were killed before the survivor reported, i.e. it outlived them.
# usage: check-containment.sh COM2_LOG
set -euo pipefail
log=$1
line_of() { grep -nE -m1 -- "$1" "$log" | cut -d: -f1; }
wild=$(line_of 'wild-write: killed:')
triple=$(line_of 'triple-fault: killed:')
survivor=$(line_of 'survivor: RESULT survivor PASS')
if [ -z "$wild" ] || [ -z "$triple" ] || [ -z "$survivor" ]; then
	echo "check-containment: missing lines (wild=$wild triple=$triple survivor=$survivor)" >&2
	exit 1
fi
if [ "$survivor" -lt "$wild" ] || [ "$survivor" -lt "$triple" ]; then
	echo "check-containment: survivor reported (line $survivor) before the kills (lines $wild, $triple)" >&2
	exit 1
fi
echo "check-containment: kills at lines $wild and $triple, survivor PASS at line $survivor"
