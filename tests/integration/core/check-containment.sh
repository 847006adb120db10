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

# crash-nested: its crash report took a second #UD at its own hypercall
# (page off), so the library handed both to the kill report: RAX the
# first vector (6) and RBX its RIP (the ud2 it printed), RSI the second
# vector (6) and RDI its RIP (inside the hypercall page). The stack words
# are read through the guest's page tables.
hex() { printf '%d' "$1"; }
said=$(grep -m1 -oE 'crash-nested: triple-fault: ud2 at 0x[0-9a-f]+, hypercall page at 0x[0-9a-f]+' "$log") || {
	echo "check-containment: crash-nested printed no addresses" >&2; exit 1; }
ud2=$(echo "$said" | sed -E 's/.*ud2 at (0x[0-9a-f]+),.*/\1/')
page=$(echo "$said" | sed -E 's/.*page at (0x[0-9a-f]+)/\1/')
regs=$(grep -m1 -E 'crash-nested: rax 0x' "$log") || {
	echo "check-containment: crash-nested's kill report has no registers" >&2; exit 1; }
field() { echo "$regs" | sed -E "s/.* $1 (0x[0-9a-f]+).*/\1/"; }
rdi=$(field rdi)
if [ "$(field rax)" != 0x6 ] || [ "$(field rbx)" != "$ud2" ] ||
	[ "$(field rsi)" != 0x6 ] || [ "$(hex "$rdi")" -lt "$(hex "$page")" ] ||
	[ "$(hex "$rdi")" -ge $(($(hex "$page") + 4096)) ]; then
	echo "check-containment: crash-nested's registers are not the two #UDs (ud2 $ud2, page $page): $regs" >&2
	exit 1
fi
grep -qE 'crash-nested: stack at rsp-0x10:( [0-9a-f]+){8}' "$log" || {
	echo "check-containment: crash-nested's kill report has no stack words" >&2; exit 1; }
echo "check-containment: crash-nested killed with #UD at $ud2 then #UD at $rdi in registers"
