#!/usr/bin/env bash
# Store benchmark: starts partita-stored on a temporary socket and reports
# operations per second with one client and with many. Not a test.
# Usage: run-bench.sh <partita-stored> <store-bench> [clients] [seconds]
set -eu
here=$(dirname "$0")
. "$here/../../integration/store/store-daemon.sh"
stored=$1
bench=$2
many=${3:-8}
seconds=${4:-2}
store_start "$stored" --quota-nodes 100000
echo "partita-stored benchmark, $(nproc) CPUs, ${seconds}s per figure"
"$bench" 1 "$seconds"
"$bench" "$many" "$seconds"
store_stop
