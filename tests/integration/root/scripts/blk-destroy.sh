#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A disk guest destroyed with I/O in flight, twice: while it streams writes and flushes it is destroyed; then every block it saw flushed is intact in the image (partita-disk-check), and partita-backd and partita-stored hold no more files, the root no more mappings or event ports, the hypervisor's pool no fewer free frames than before the second guest.
#
# Runs as root in the initramfs (/init, partita.test=blk-destroy) with the
# store and partita-backd /init started. Prints "RESULT blk-destroy PASS|FAIL".
name=blk-destroy
share=/usr/share/partita
tmp=/tmp/blk-destroy
img=/tmp/blk-destroy.img
bs=65536
blocks=1024 # a 64 MiB image
window=256
# Destroyed once this many writes are flushed: the disk written round twice.
kill_after=$((2 * blocks))
# blocks outside the window once the stream has gone round: all must check.
min_checked=$((blocks - window))

. "$(dirname "$0")/common.sh"
cleanup() { p destroy disk-stream >/dev/null 2>&1; }

guest_lines() { p dmesg 2>/dev/null | grep -E -- " p$1:disk-stream: " | sed 's/.* p[0-9]*:disk-stream: //'; }
last_flushed() { guest_lines "$1" | sed -n 's/^disk-test flushed gen=\([0-9]*\)$/\1/p' | tail -n 1; }
fds() { ls "/proc/$(pidof "$1")/fd" | wc -l; }
held() { p info root | sed -n 's/^Mappings held: \([0-9]*\) .*/\1/p'; }
root_ports() { p info root | sed -n 's/^Event ports: *\([0-9]*\) in use.*/\1/p'; }

# round SEED: one guest streaming over a fresh image, destroyed mid-stream,
# the image checked.
round() {
	rm -f "$img"
	truncate -s $((blocks * bs)) "$img" || fail "cannot make $img"
	cat >"$tmp/disk.yaml" <<EOT
name: disk-stream
memory: 16M
kernel: $share/disk-test.elf
cmdline: mode=stream seed=$1 bs=$bs qd=8 flush_every=1M window=$window
devices:
  - disk: {path: $img}
EOT
	id=$(p create --quiet "$tmp/disk.yaml" 2>"$tmp/create.err") ||
		fail "partita create disk-stream: $(cat "$tmp/create.err")"
	waited=0
	while :; do
		f=$(last_flushed "$id")
		[ "${f:-0}" -ge "$kill_after" ] && break
		bad=$(guest_lines "$id" | grep -m 1 'disk-test \(FAIL\|PASS\)')
		[ -z "$bad" ] || fail "the stream guest ended by itself: $bad"
		waited=$((waited + 1))
		[ $waited -lt 600 ] || fail "only ${f:-no} writes flushed after 120 s: $(guest_lines "$id" | tail -n 3 | tr '\n' ' ')"
		sleep 0.2
	done
	p destroy disk-stream >"$tmp/destroy.txt" 2>&1 ||
		fail "partita destroy disk-stream: $(cat "$tmp/destroy.txt")"
	# The guest's lines stay in the hypervisor's log after it is gone.
	guest_lines "$id" | grep -q '^disk-test stream seed='"$1"' bs='"$bs"' blocks='"$blocks"' window='"$window"' ' ||
		fail "the guest's stream line does not match: $(guest_lines "$id" | grep stream)"
	p dmesg | grep " p$id:" | grep -q 'dropped by the rate limit' &&
		fail "the hypervisor dropped some of the guest's lines: the last flushed one is unknown"
	f=$(last_flushed "$id")
	# backd lets go of the disk once it sees the directories go.
	waited=0
	while ls -l "/proc/$(pidof partita-backd)/fd" 2>/dev/null | grep -q "$img"; do
		waited=$((waited + 1))
		[ $waited -lt 50 ] || fail "partita-backd still has $img open 10 s after the destroy"
		sleep 0.2
	done
	waited=0
	while [ "$(held)" -ne 0 ]; do
		waited=$((waited + 1))
		[ $waited -lt 50 ] || fail "the root still holds $(held) grant mappings 10 s after the destroy"
		sleep 0.2
	done
	partita-disk-check "$img" "$1" $bs $blocks "$f" $window $min_checked >"$tmp/check.txt" 2>&1 ||
		fail "the image after the destroy: $(tr '\n' ' ' <"$tmp/check.txt")"
	step "seed $1: destroyed at flushed write $f; $(tail -n 1 "$tmp/check.txt" | sed 's/^disk-check: //')"
}

mkdir -p "$tmp"
pidof partita-backd >/dev/null || fail "/init did not start partita-backd"

round 11
# The root's grant and port bookkeeping is taken on first use and kept
# (as in blk-disk): the baseline is after the first guest.
free0=$(pool_free)
backd0=$(fds partita-backd)
stored0=$(fds partita-stored)
ports0=$(root_ports)
[ -n "$ports0" ] || fail "partita info root shows no event port count"
step "baseline: $free0 bytes free, $backd0/$stored0 backd/stored fds, $ports0 root ports"

round 12
pool_back "$free0" 0 "the second stream guest"
[ "$(fds partita-backd)" -eq "$backd0" ] ||
	fail "partita-backd holds $(fds partita-backd) files, not $backd0: $(ls -l /proc/$(pidof partita-backd)/fd | tail -n 5)"
[ "$(fds partita-stored)" -eq "$stored0" ] ||
	fail "partita-stored holds $(fds partita-stored) files, not $stored0"
[ "$(root_ports)" -eq "$ports0" ] || fail "the root has $(root_ports) event ports in use, not $ports0"
pidof partita-backd >/dev/null || fail "partita-backd is gone"
# Informative: whether backd itself still had requests when the guest went.
grep 'block/0: stopping with' /var/log/partita-backd.log | tail -n 2 | sed "s/^/$name: /"
step "after: $(pool_free) bytes free, $(held) mappings held, $(fds partita-backd)/$(fds partita-stored) fds, $(root_ports) root ports"
cleanup
echo "RESULT $name PASS"
