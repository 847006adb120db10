#!/usr/bin/env bash
# Checks the proportional-share test: the iteration counts of the two weight
# guests must both be non-zero and in the ratio of their weights +-10%.
# usage: check-weight.sh COM2_LOG
set -euo pipefail
log=$1
mapfile -t lines < <(grep -Eo 'RESULT weight COUNT name=[^ ]+ weight=[0-9]+ iterations=[0-9]+' "$log")
if [ ${#lines[@]} -ne 2 ]; then
	echo "check-weight: expected 2 COUNT lines, found ${#lines[@]}" >&2
	exit 1
fi
printf '%s\n' "${lines[@]}" | awk '
{
	for (i = 1; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "weight") w[NR] = kv[2]
		if (kv[1] == "iterations") n[NR] = kv[2]
		if (kv[1] == "name") name[NR] = kv[2]
	}
}
END {
	hi = (w[1] >= w[2]) ? 1 : 2; lo = 3 - hi
	if (n[1] <= 0 || n[2] <= 0) {
		printf "check-weight: a count is zero (%s=%d, %s=%d)\n", name[1], n[1], name[2], n[2]
		exit 1
	}
	want = w[hi] / w[lo]; got = n[hi] / n[lo]
	printf "check-weight: %s weight %d: %.0f iterations; %s weight %d: %.0f iterations; ratio %.3f, want %.3f +-10%%\n", name[hi], w[hi], n[hi], name[lo], w[lo], n[lo], got, want
	if (got < want * 0.9 || got > want * 1.1) exit 1
}'
