#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile block and network front-ends (issue 10's bad-input cases) against partita-backd while the net-echo guest keeps answering ping; a disk hot-attached to and detached from a running guest; a disk still served correctly at the end.
#
# Runs as root in the initramfs (/init, partita.test=blk-net-hostile) with
# the store and partita-backd /init started.
# Prints "RESULT blk-net-hostile PASS|FAIL detail".
name=blk-net-hostile
share=/usr/share/partita
tmp=/tmp/blk-net-hostile

. "$(dirname "$0")/common.sh"
cleanup() {
	for g in $(p list 2>/dev/null | awk 'NR > 1 && $2 != "root" { print $2 }'); do
		p destroy "$g" >/dev/null 2>&1
	done
}

# log_line ID REGEX SECONDS: the first of partition ID's own lines in the
# hypervisor's log matching REGEX (its debug console goes with it).
log_line() {
	_w=0
	while [ $_w -lt $(($3 * 5)) ]; do
		_l=$(p dmesg 2>/dev/null | grep " p$1:" | sed 's/.* p[0-9]*:[^:]*: //' | grep -E -m 1 -- "$2")
		[ -n "$_l" ] && { echo "$_l"; return 0; }
		sleep 0.2
		_w=$((_w + 1))
	done
	return 1
}

pings() {
	ping -c 2 -W 5 10.0.0.2 >"$tmp/ping.txt" 2>&1 ||
		fail "net-echo stopped answering ping ($1): $(tail -n 2 "$tmp/ping.txt" | tr '\n' ' ')"
}

mkdir -p "$tmp"
pidof partita-backd >/dev/null || fail "/init did not start partita-backd"
truncate -s 4M "$tmp/disk.img" "$tmp/ro.img" "$tmp/hot.img" || fail "truncate"

p create --quiet "$share/net-echo.yaml" >"$tmp/echo.id" 2>&1 ||
	fail "partita create net-echo: $(cat "$tmp/echo.id")"
be=/local/domain/0/backend/net/$(cat "$tmp/echo.id")/0
waited=0
until [ "$(xenstore-read "$be/state" 2>/dev/null)" = 4 ]; do
	waited=$((waited + 1))
	[ $waited -lt 150 ] || fail "net-echo's NIC never Connected"
	sleep 0.2
done
tap=$(xenstore-read "$be/tap")
ip addr add 10.0.0.1/24 dev "$tap" && ip link set "$tap" up || fail "cannot set up $tap"
pings "at the start"

for c in blk-outside-pool blk-zero-len blk-beyond-end blk-ro-write blk-seg-max \
	blk-bad-type blk-no-status blk-event-flood net-zero-frame net-oversize \
	net-zero-frags net-no-rx net-event-flood net-tx-flood; do
	case $c in
	blk-ro-write) dev="  - disk: {path: $tmp/ro.img, readonly: true}" ;;
	blk-*) dev="  - disk: {path: $tmp/disk.img}" ;;
	net-*) dev="  - net: {}" ;;
	esac
	cat >"$tmp/$c.yaml" <<EOT
name: hf-$c
memory: 16M
kernel: $share/hostile-front.elf
cmdline: case=$c secs=3
devices:
$dev
EOT
	hid=$(p create --quiet "$tmp/$c.yaml" 2>"$tmp/create.err") ||
		fail "partita create hf-$c: $(cat "$tmp/create.err")"
	# net-no-rx: the root sends while the guest takes nothing.
	if [ $c = net-no-rx ]; then
		htap=$(xenstore-read "/local/domain/0/backend/net/$hid/0/tap" 2>/dev/null)
		sleep 1
		[ -n "$htap" ] && ip link set "$htap" up && ip addr add 10.9.0.1/24 dev "$htap" &&
			ping -c 200 -i 0.01 -W 1 10.9.0.2 >/dev/null 2>&1
		dropped=$(xenstore-read "/local/domain/0/backend/net/$hid/0/stats/rx-dropped" 2>/dev/null)
		step "net-no-rx: $dropped frames dropped and counted"
	fi
	line=$(log_line "$hid" "RESULT hostile-$c (DONE|FAIL)" 90) ||
		fail "hostile-front $c printed no RESULT line"
	case "$line" in *FAIL*) fail "hostile-front $c: $line" ;; esac
	type=${c%%-*}
	[ $type = blk ] && type=block
	broken=$(xenstore-read "/local/domain/0/backend/$type/$hid/0/broken" 2>/dev/null)
	step "$c: $(echo "$line" | cut -c1-150)${broken:+; broken: $broken}"
	pings "after $c"
	pidof partita-backd >/dev/null || fail "partita-backd died in $c"
	p destroy "hf-$c" >/dev/null 2>&1 || fail "partita destroy hf-$c"
done

step "hot attach and detach"
cat >"$tmp/hot.yaml" <<EOT
name: hot
memory: 16M
kernel: $share/disk-test.elf
cmdline: mode=hotplug
EOT
hot=$(p create --quiet "$tmp/hot.yaml" 2>"$tmp/create.err") ||
	fail "partita create hot: $(cat "$tmp/create.err")"
log_line "$hot" 'disk-test hotplug: watching' 60 >/dev/null || fail "the hotplug guest never started watching"
p block-attach hot "$tmp/hot.img" >"$tmp/attach.txt" 2>&1 || fail "block-attach: $(cat "$tmp/attach.txt")"
step "$(cat "$tmp/attach.txt")"
log_line "$hot" 'disk-test attached block/0' 60 >/dev/null || fail "the guest never attached block/0"
io=$(log_line "$hot" 'disk-test io block/0' 60) || fail "no I/O on the hot-attached disk"
step "$io"
p block-detach hot 0 >"$tmp/detach.txt" 2>&1 || fail "block-detach: $(cat "$tmp/detach.txt")"
log_line "$hot" 'disk-test detached block/0' 60 >/dev/null || fail "the guest never saw the detach"
xenstore-read "/local/domain/0/backend/block/$hot/0/state" >/dev/null 2>&1 &&
	fail "the back-end directory outlived block-detach"
ls -l "/proc/$(pidof partita-backd)/fd" | grep -q hot.img && fail "partita-backd still has hot.img open"
p destroy hot >/dev/null 2>&1

step "a disk is still served correctly"
cat >"$tmp/good.yaml" <<EOT
name: good-disk
memory: 16M
kernel: $share/disk-test.elf
cmdline: total=16M seed=3 maxio=256K qd=4
devices:
  - disk: {path: $tmp/disk.img}
EOT
gid=$(p create --quiet "$tmp/good.yaml" 2>"$tmp/create.err") ||
	fail "partita create good-disk: $(cat "$tmp/create.err")"
verdict=$(log_line "$gid" '^disk-test (PASS|FAIL)' 300) || fail "good-disk gave no verdict"
case "$verdict" in *FAIL*) fail "good-disk: $verdict" ;; esac
pings "at the end"
cleanup
echo "RESULT $name PASS"
