#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the root test scripts (sourced, not a test): failure reporting,
# progress lines and bounded CLI calls. A script sets $name and $tmp first
# and may define cleanup() after sourcing this file.

cleanup() { :; }

# Prints the RESULT line, then the tail of every log the script kept.
fail() {
	cleanup
	echo "RESULT $name FAIL $*"
	for f in "$tmp"/*; do
		[ -s "$f" ] || continue
		echo "--- $f"
		tail -n 15 "$f"
	done
	exit 1
}

step() { echo "$name: $*"; }

# Every CLI call is bounded, so a hung call fails the test, not the boot.
p() { timeout 30 partita "$@"; }

# Free bytes in the hypervisor's guest memory pool.
pool_free() {
	p info --json | sed -n 's/.*"pool_free_bytes": \([0-9]*\).*/\1/p'
}
