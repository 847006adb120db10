#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark, not a test: the disk-test guest's sequential 1 MiB and random 4 KiB I/O through partita-backd at several queue depths against the root's own I/O on the same image, and ping and UDP echo with the net-echo guest (tests/bench/io/run.sh).
#
# Runs as root in the initramfs (/init, partita.test=bench-io). Prints
# "bench: " lines, then "RESULT bench-io DONE". Kernel command line
# (run.sh sets them): bench.qds=1,8,32 (one guest run per queue depth),
# bench.size=64 (MiB of image used), bench.rand=4096 (random reads per
# run), bench.net=1 (0: skip the network part).
name=bench-io
share=/usr/share/partita
tmp=/tmp/bench-io
img=/tmp/bench-io.img
opt() { sed -n "s/.*\<bench\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
qds=$(opt qds | tr ',' ' ')
qds=${qds:-1 8 32}
size=$(opt size)
size=${size:-64}
rand=$(opt rand)
rand=${rand:-4096}
net=$(opt net)

. "$(dirname "$0")/common.sh"
cleanup() { p destroy disk-bench >/dev/null 2>&1; p destroy net-echo >/dev/null 2>&1; }

# log_lines ID: the guest's own lines from the hypervisor's log.
log_lines() { p dmesg | grep " p$1:" | sed 's/.* p[0-9]*:[^:]*: //'; }

mkdir -p "$tmp"
# The image is written whole first, so that the guest's writes and the
# root's overwrite pages tmpfs already holds: a fresh sparse file would
# charge the first writer (the guest) for allocating and zeroing them.
dd if=/dev/zero of="$img" bs=1M count="$size" 2>"$tmp/dd.err" ||
	fail "cannot make $img: $(cat "$tmp/dd.err")"
for qd in $qds; do
	cat >"$tmp/disk.yaml" <<EOT
name: disk-bench
memory: 16M
kernel: $share/disk-test.elf
cmdline: mode=bench size=${size}M bs=1M rand=$rand qd=$qd
devices:
  - disk: {path: $img}
EOT
	id=$(p create --quiet "$tmp/disk.yaml" 2>"$tmp/create.err") ||
		fail "partita create disk-bench: $(cat "$tmp/create.err")"
	waited=0
	until log_lines "$id" | grep -qE '^disk-test (PASS|FAIL)'; do
		waited=$((waited + 1))
		[ $waited -lt 3000 ] || fail "disk-test bench gave no verdict"
		sleep 0.2
	done
	log_lines "$id" | grep -E '^disk-(bench|test FAIL)' | sed 's/^/bench: guest /'
	# Which threads backd's io_uring used (io-wq workers linger a few
	# seconds): iou-wrk-* means the operations were punted to a worker.
	echo "bench: backd threads $(cat /proc/"$(pidof partita-backd)"/task/*/comm | sort | uniq -c | tr -s ' \n' ' ')"
	p destroy disk-bench >/dev/null 2>&1
	waited=0
	while p list 2>/dev/null | grep -q ' disk-bench '; do
		waited=$((waited + 1))
		[ $waited -lt 100 ] || fail "disk-bench did not go away"
		sleep 0.2
	done
done
partita-disk-bench "$img" "$size" "$rand" | sed 's/^/bench: root /'

if [ "$net" = 0 ]; then
	cleanup
	echo "RESULT $name DONE"
	exit 0
fi
id=$(p create --quiet "$share/net-echo.yaml" 2>"$tmp/create.err") ||
	fail "partita create net-echo: $(cat "$tmp/create.err")"
be=/local/domain/0/backend/net/$id/0
waited=0
until [ "$(xenstore-read "$be/state" 2>/dev/null)" = 4 ]; do
	waited=$((waited + 1))
	[ $waited -lt 150 ] || fail "net/0 never Connected"
	sleep 0.2
done
tap=$(xenstore-read "$be/tap")
ip addr add 10.0.0.1/24 dev "$tap" && ip link set "$tap" up ||
	fail "cannot configure $tap"
ping -c 200 -i 0.05 10.0.0.2 | tail -n 2 | sed 's/^/bench: guest ping /'
partita-udp-exchange --count 20000 --size 1472 --window 64 --port 7 10.0.0.2 |
	sed 's/^/bench: guest /'

# The baseline: the same traffic between the root and a network namespace
# joined by a veth pair, entirely inside the root's kernel.
# busybox's ip gives the peer a name of its own: find it in sysfs.
ls /sys/class/net >"$tmp/links.before"
ip link add bench0 type veth 2>"$tmp/veth.err"
peer=$(ls /sys/class/net | grep -v -x -F -f "$tmp/links.before" | grep -v -x bench0 | head -n 1)
[ -n "$peer" ] && ip link set "$peer" name bench1 2>>"$tmp/veth.err"
if ip link show bench1 >/dev/null 2>&1; then
	unshare -n sh -c 'echo $$ >'"$tmp"'/ns.pid; exec sleep 600' &
	sleep 0.5
	nspid=$(cat "$tmp/ns.pid")
	ip link set bench1 netns "$nspid" &&
		nsenter -t "$nspid" -n sh -c 'ip addr add 10.1.0.2/24 dev bench1 && ip link set bench1 up && ip link set lo up' ||
		fail "cannot move bench1 into a namespace"
	ip addr add 10.1.0.1/24 dev bench0 && ip link set bench0 up
	nsenter -t "$nspid" -n partita-udp-exchange --serve 7 &
	sleep 0.5
	ping -c 200 -i 0.05 10.1.0.2 | tail -n 2 | sed 's/^/bench: veth ping /'
	partita-udp-exchange --count 20000 --size 1472 --window 64 --port 7 10.1.0.2 |
		sed 's/^/bench: veth /'
	kill "$nspid" 2>/dev/null
else
	echo "bench: veth baseline unavailable: $(tr '\n' ' ' <"$tmp/veth.err")"
fi
cleanup
echo "RESULT $name DONE"
