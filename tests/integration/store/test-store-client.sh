#!/usr/bin/env bash
# Starts partita-stored with small quotas and runs the client-library test.
set -u
here=$(dirname "$0")
. "$here/store-daemon.sh"
# No hypervisor here, whatever the machine has: INTRODUCE must say so.
export PARTITA_DEVICE=/nonexistent/partita
store_start "$1" --quota-watches 4 --quota-transactions 3 || exit 1
"$2"
status=$?
store_stop || status=1
exit $status
