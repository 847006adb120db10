#!/usr/bin/env bash
# Runs the store fuzzer for a while: run-fuzz.sh <fuzzer> <seconds> [corpus].
# The short run is an integration test; for a long one see docs/store.md.
set -eu
fuzzer=$1
seconds=$2
corpus=${3:-$(dirname "$fuzzer")/store-corpus}
here=$(dirname "$0")
mkdir -p "$corpus"
exec "$fuzzer" -max_total_time="$seconds" -dict="$here/store.dict" \
	-max_len=4096 -print_final_stats=1 -artifact_prefix="$corpus/../" \
	"$corpus"
