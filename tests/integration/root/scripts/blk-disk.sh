#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-blk end to end: the disk-test guest writes 256 MiB of random-size, random-offset writes through partita-backd, reads every sector back, and its SHA-256 of the disk matches the root's sha256sum of the image after it ends; then the same with backd killed with SIGKILL mid-stream and restarted; no fds, mappings, ports or pool frames are left behind.
#
# Runs as root in the initramfs (/init, partita.test=blk-disk) with the
# store and partita-backd /init started. Prints "RESULT blk-disk PASS|FAIL".
name=blk-disk
share=/usr/share/partita
tmp=/tmp/blk-disk
img=/tmp/blk-disk.img
total=${BLK_TOTAL:-256M}

. "$(dirname "$0")/common.sh"
cleanup() { p destroy disk-test >/dev/null 2>&1; }

# The guest writes to its debug console, which goes with the partition:
# wait for its line in the hypervisor's log (partition $id) instead.
wait_debug() {
	_w=0
	while [ $_w -lt $(($2 * 5)) ]; do
		_line=$(p dmesg 2>/dev/null | grep -E -- " p$id:disk-test: " |
			sed 's/.* p[0-9]*:disk-test: //' | grep -E -m 1 -- "$1")
		[ -n "$_line" ] && { echo "$_line"; return 0; }
		sleep 0.2
		_w=$((_w + 1))
	done
	return 1
}

fds() { ls "/proc/$(pidof partita-backd)/fd" | wc -l; }
held() { p info root | sed -n 's/^Mappings held: \([0-9]*\) .*/\1/p'; }

# run SEED: one disk-test run over a fresh image; checks PASS and the hash.
run() {
	rm -f "$img"
	truncate -s 64M "$img" || fail "cannot make $img"
	cat >"$tmp/disk.yaml" <<EOT
name: disk-test
memory: 64M
kernel: $share/disk-test.elf
cmdline: total=$total seed=$1 maxio=1M qd=8 flush_every=16M
devices:
  - disk: {path: $img}
EOT
	p create --quiet "$tmp/disk.yaml" >"$tmp/create.txt" 2>&1 ||
		fail "partita create disk-test: $(cat "$tmp/create.txt")"
	id=$(cat "$tmp/create.txt")
}

# finish: waits for the verdict and the hash, then compares with the image.
finish() {
	verdict=$(wait_debug 'disk-test (PASS|FAIL)' 1200) || fail "disk-test gave no verdict in 1200 s: $(p dmesg | grep " p$id:" | tail -n 5 | tr '\n' ' ')"
	case "$verdict" in *FAIL*) fail "$verdict" ;; esac
	guest_sum=$(wait_debug 'disk-test sha256 ' 60 | awk '{print $3}')
	[ -n "$guest_sum" ] || fail "disk-test printed no sha256"
	waited=0
	while p list 2>/dev/null | grep -q ' disk-test '; do
		waited=$((waited + 1))
		[ $waited -lt 100 ] || fail "disk-test did not end after its verdict"
		sleep 0.2
	done
	root_sum=$(sha256sum "$img" | awk '{print $1}')
	[ "$guest_sum" = "$root_sum" ] ||
		fail "the guest's sha256 $guest_sum is not the image's $root_sum"
	step "$1: $verdict; sha256 $root_sum in the guest and the root"
	p destroy disk-test >/dev/null 2>&1
}

mkdir -p "$tmp"
pidof partita-backd >/dev/null || fail "/init did not start partita-backd"
free0=$(pool_free)

step "$total of random writes, verified"
run 7
finish "plain run"

# The root's grant and port bookkeeping for a 1024-page pool is taken on
# first use and kept: the baseline is after the first run.
free1=$(pool_free)
step "pool: $free0 bytes free before, $free1 after the first run"
step "$total of random writes with partita-backd killed mid-stream"
run 8
wait_debug 'disk-test wrote [0-9]+ MiB' 600 >/dev/null ||
	fail "disk-test never reported write progress"
kill -9 "$(pidof partita-backd)" || fail "no partita-backd to kill"
sleep 1
partita-backd </dev/null >>/var/log/partita-backd.log 2>&1 &
step "killed and restarted partita-backd"
finish "backd killed"

# backd lets go of the disk once it sees the guest's directories go,
# which may be a moment after the guest has ended.
waited=0
while ls -l "/proc/$(pidof partita-backd)/fd" | grep -q "$img"; do
	waited=$((waited + 1))
	[ $waited -lt 50 ] || fail "partita-backd still has $img open 10 s after the guest ended"
	sleep 0.2
done
pool_back "$free1" 0 "the second disk guest"
[ "$(held)" -eq 0 ] || fail "the root still holds $(held) grant mappings"
step "after: $(pool_free) bytes free, $(held) mappings held, backd has $(fds) files open"
cleanup
echo "RESULT $name PASS"
