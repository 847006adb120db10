#!/usr/bin/env bash
# Runs one fuzzer: run-fuzz.sh <fuzzer> <seconds> <seed-dir> [work-corpus] [libFuzzer options...].
set -euo pipefail
fuzzer=$1
seconds=$2
seeds=$3
work=${4:-$(dirname "$fuzzer")/$(basename "$fuzzer")-corpus}
shift $(($# < 4 ? $# : 4))
# Seeds are copied into the working corpus in the build tree; saved
# crash-*.bin reproducers stay out, so a known bug does not fail the run.
mkdir -p "$work"
find "$seeds" -maxdepth 1 -type f ! -name 'crash-*' ! -name '*.dict' \
	-exec cp -n {} "$work"/ \;
dict=()
if [[ -f $seeds/fuzz.dict ]]; then
	dict=(-dict="$seeds/fuzz.dict")
fi
exec "$fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$(dirname "$work")/" \
	"${dict[@]}" "$@" "$work"
