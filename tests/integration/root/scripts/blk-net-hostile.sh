#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile block and network front-ends (issue 10's bad-input cases) against partita-backd while the net-echo guest keeps answering ping: each case must end as the defence says (the device broken for the right reason, or kept Connected), a guest that takes no frames must have them dropped and counted, and no case may leave store nodes, mappings, ports, files, interfaces or pool frames behind; a disk hot-attached to and detached from a running guest; a disk still served correctly at the end.
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

# Store lines, less the empty directories of a device type: the first
# block guest creates /local/domain/0/backend/block and it stays, as in
# xenstored (a leak below it still shows).
store_nodes() { xenstore-ls / 2>/dev/null | grep -Evc '^ *(block|net) = ""$'; }
fds() { ls "/proc/$(pidof "$1")/fd" | wc -l; }
root_ports() { p info root | sed -n 's/^Event ports: *\([0-9]*\) in use.*/\1/p'; }
held() { p info root | sed -n 's/^Mappings held: \([0-9]*\) .*/\1/p'; }

# What a case could leak, in one line to compare with the baseline.
counts() {
	echo "$(store_nodes) store lines, $(held) root mappings, $(root_ports) root ports, $(fds partita-backd)/$(fds partita-stored) backd/stored files, $(ls /sys/class/net | wc -l) interfaces"
}


# The defence's outcome for each case: "broken REGEX" (backd gave up on
# the device for that reason) or "kept" (the request was answered or the
# frame dropped, and the device stays Connected).
outcome() {
	case $1 in
	blk-outside-pool) echo 'broken queue 0: head 0: descriptor 1 at pool offset 0x[0-9a-f]+ length 512 lies outside the pool' ;;
	blk-zero-len) echo 'broken queue 0: head 0: descriptor 1 has length 0' ;;
	blk-no-status) echo 'broken queue 0: head 0: descriptor 2 is device-readable after a device-writable one' ;;
	net-zero-frags) echo 'broken queue 1: head 0: descriptor 0 has length 0' ;;
	net-fatal-split) echo 'broken queue 1: head 0: a frame in 101 segments \(more than 64\)' ;;
	*) echo kept ;;
	esac
}

# wait_stat BE KEY: backd's counter KEY of back-end BE, once it is above
# 0 (backd publishes its counters at most once a second); 0 after 5 s.
wait_stat() {
	_w=0
	until _v=$(xenstore-read "$1/stats/$2" 2>/dev/null) && [ "${_v:-0}" -gt 0 ]; do
		_w=$((_w + 1))
		[ $_w -lt 25 ] || { echo 0; return; }
		sleep 0.2
	done
	echo "$_v"
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

# The leak baseline, before any hostile guest (net-echo's NIC is up).
counts0=$(counts)
free0=$(pool_free)
step "baseline: $counts0, $free0 bytes free"

for c in blk-outside-pool blk-zero-len blk-beyond-end blk-ro-write blk-seg-max \
	blk-bad-type blk-no-status blk-event-flood net-zero-frame net-oversize \
	net-too-split net-fatal-split net-zero-frags net-no-rx net-event-flood \
	net-tx-flood; do
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
	type=${c%%-*}
	[ $type = blk ] && type=block
	hbe=/local/domain/0/backend/$type/$hid/0
	# net-no-rx: the guest posted 256 receive buffers and takes none
	# back. 400 echo requests (the neighbour entry saves the ARP the
	# guest would never answer) fill them and must then be dropped and
	# counted, while net-echo keeps answering.
	if [ $c = net-no-rx ]; then
		waited=0
		until [ "$(xenstore-read "$hbe/state" 2>/dev/null)" = 4 ]; do
			waited=$((waited + 1))
			[ $waited -lt 150 ] || fail "net-no-rx: the NIC never Connected"
			sleep 0.2
		done
		htap=$(xenstore-read "$hbe/tap") || fail "net-no-rx: no tap in $hbe"
		ip link set "$htap" up && ip addr add 10.9.0.1/24 dev "$htap" &&
			arp -i "$htap" -s 10.9.0.2 02:00:00:00:09:02 ||
			fail "net-no-rx: cannot set up $htap"
		ping -c 400 -i 0.01 -W 1 10.9.0.2 >"$tmp/no-rx-ping.txt" 2>&1 &
		flood=$!
		pings "while net-no-rx is flooded"
		wait $flood
		grep -q '400 packets transmitted' "$tmp/no-rx-ping.txt" ||
			fail "net-no-rx: the flood did not send 400 frames: $(tail -n 2 "$tmp/no-rx-ping.txt" | tr '\n' ' ')"
		dropped=$(wait_stat "$hbe" rx-dropped)
		[ "$dropped" -gt 0 ] || fail "net-no-rx: no frame dropped and counted (rx-dropped 0)"
		given=$(xenstore-read "$hbe/stats/rx-frames" 2>/dev/null)
		[ "${given:-0}" -le 256 ] ||
			fail "net-no-rx: backd put $given frames into the guest's 256 receive buffers"
		step "net-no-rx: $given frames given, $dropped dropped and counted"
	fi
	line=$(log_line "$hid" "RESULT hostile-$c (DONE|FAIL)" 90) ||
		fail "hostile-front $c printed no RESULT line"
	case "$line" in *FAIL*) fail "hostile-front $c: $line" ;; esac
	want=$(outcome $c)
	case "$want" in
	broken\ *)
		waited=0
		until broken=$(xenstore-read "$hbe/broken" 2>/dev/null) && [ -n "$broken" ]; do
			waited=$((waited + 1))
			[ $waited -lt 50 ] || fail "$c: backd never marked $type/0 broken"
			sleep 0.2
		done
		echo "$broken" | grep -Eq -- "${want#broken }" ||
			fail "$c: broken for the wrong reason: '$broken' (expected /${want#broken }/)"
		;;
	kept)
		broken=$(xenstore-read "$hbe/broken" 2>/dev/null)
		[ -z "$broken" ] || fail "$c: backd marked $type/0 broken: $broken"
		[ "$(xenstore-read "$hbe/state" 2>/dev/null)" = 4 ] ||
			fail "$c: $type/0 is no longer Connected on backd's side"
		;;
	esac
	# Dropped, not just ignored: counted where the root can see it.
	if [ $c = net-too-split ]; then
		errs=$(wait_stat "$hbe" tx-errors)
		[ "$errs" -gt 0 ] || fail "net-too-split: the frame was not counted (tx-errors 0)"
	fi
	step "$c: $(echo "$line" | cut -c1-150)${broken:+; broken: $broken}"
	pings "after $c"
	pidof partita-backd >/dev/null || fail "partita-backd died in $c"
	p destroy "hf-$c" >/dev/null 2>&1 || fail "partita destroy hf-$c"
	# The root may keep 16 frames (more than for consoles: the first
	# block guest's 4 MiB pool makes it grow its mapping slots and window
	# page tables, for good).
	settled "$c" 16
done
step "after the hostile guests: $(counts), $(pool_free) bytes free ($kept frames kept by the root)"

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
