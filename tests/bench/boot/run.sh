#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot-time benchmark: the root kernel and initrd to a shell, directly under QEMU and under Partita.
#
# usage: run.sh BUILD_DIR [RUNS]
# Boots BUILD_DIR/root/vmlinuz + initrd.img RUNS times (default 3) each way,
# alternating: (a) "direct", QEMU -kernel/-initrd with the same machine, CPU
# model, memory and kernel command line as the hypervisor gives the root;
# (b) "hypervisor", OVMF + partita.efi through boot-qemu.sh. The time is
# wall clock from QEMU start until "partita-root: shell ready" is on COM1
# (files polled every 50 ms); QEMU is then stopped. A report, never a
# pass/fail on timing; exits 1 only when a variant never reached the shell.
# Environment: BOOT_BENCH_ROOT_RE, the hypervisor's "root started" line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '5p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
runs=${2:-3}
marker='partita-root: shell ready'
loader_re='Partita loader started'
root_re=${BOOT_BENCH_ROOT_RE:-'root: starting Linux'}
limit_ms=300000
for f in root/vmlinuz root/initrd.img hypervisor/partita.efi; do
	[ -f "$build/$f" ] || { echo "run.sh: $build/$f not built" >&2; exit 2; }
done
work=$(mktemp -d /tmp/partita-bootbench.XXXXXX)

now_ms() { date +%s%3N; }
descendants() { # deepest first, so QEMU goes before its parents
	local p
	for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		descendants "$p"
		echo "$p"
	done
}
stop_tree() {
	local pids
	pids=$(descendants "$1")
	# shellcheck disable=SC2086
	kill -TERM $pids "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
alive() { kill -0 "$1" 2>/dev/null; }

# direct RUN: prints "shell_ms" or "-"
direct() {
	local out=$work/direct-$1 t0 pid shell=-
	mkdir -p "$out"
	truncate -s 160M "$out/disk.img"   # like the ESP the hypervisor run has
	t0=$(now_ms)
	qemu-system-x86_64 -machine q35 -accel tcg,thread=multi \
		-cpu max -smp 2 -m 1024 \
		-kernel "$build/root/vmlinuz" -initrd "$build/root/initrd.img" \
		-append 'console=ttyS0,115200 nr_cpus=1 pci=nommconf' \
		-drive if=none,id=disk,format=raw,file="$out/disk.img" \
		-device virtio-blk-pci,drive=disk \
		-serial file:"$out/com1.log" -serial file:"$out/com2.log" \
		-display none -monitor none -net none -no-reboot \
		</dev/null >"$out/qemu.out" 2>"$out/qemu.err" &
	pid=$!
	while alive "$pid" && [ $(($(now_ms) - t0)) -lt $limit_ms ]; do
		if grep -q "$marker" "$out/com1.log" 2>/dev/null; then
			shell=$(($(now_ms) - t0))
			break
		fi
		sleep 0.05
	done
	stop_tree "$pid"
	[ "$shell" != - ] || echo "run.sh: direct run $1 never reached the shell: $out" >&2
	echo "$shell"
}

# hypervisor RUN: prints "shell_ms loader_ms root_ms root_hv_ms" ("-" if unseen)
hypervisor() {
	local out=$work/hv-$1 t0 pid shell=- loader=- rootl=- roothv=- line
	mkdir -p "$out"
	"$top/tests/integration/boot-qemu.sh" --timeout $((limit_ms / 1000)) \
		"$build" "$here/boot-bench.cfg" "$out" >/dev/null 2>&1 &
	pid=$!
	# boot-qemu.sh creates com2.log just before it starts QEMU.
	while alive "$pid" && [ ! -e "$out/com2.log" ]; do sleep 0.01; done
	t0=$(now_ms)
	while alive "$pid" && [ $(($(now_ms) - t0)) -lt $limit_ms ]; do
		if [ "$loader" = - ] && grep -q "$loader_re" "$out/com2.log"; then
			loader=$(($(now_ms) - t0))
		fi
		if [ "$rootl" = - ] && grep -Eq "$root_re" "$out/com2.log"; then
			rootl=$(($(now_ms) - t0))
		fi
		if grep -q "$marker" "$out/com1.log" 2>/dev/null; then
			shell=$(($(now_ms) - t0))
			break
		fi
		sleep 0.05
	done
	stop_tree "$pid"
	# The hypervisor's own clock (starts with the loader) at the root line.
	line=$(grep -Em1 "$root_re" "$out/com2.log" 2>/dev/null || true)
	if [[ $line =~ ^\[\ *([0-9]+)\.([0-9]{3}) ]]; then
		roothv=$((10#${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]}))
	fi
	[ "$shell" != - ] || echo "run.sh: hypervisor run $1 never reached the shell: $out" >&2
	echo "$shell $loader $rootl $roothv"
}

stats() { # stats NAME VALUES...: "NAME n=.. min=.. median=.." over numbers
	local name=$1
	shift
	printf '%s\n' "$@" | grep -E '^[0-9]+$' | sort -n | awk -v name="$name" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { printf "BOOT %s n=0\n", name; exit }
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "BOOT %s n=%d min_ms=%d median_ms=%d\n", name, NR, v[1], med
		}'
}
median() {
	printf '%s\n' "$@" | grep -E '^[0-9]+$' | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

d_shell=() h_shell=() h_loader=() h_root=() h_roothv=() h_linux=() h_setup=()
for i in $(seq 1 "$runs"); do
	d=$(direct "$i")
	echo "BOOT run $i direct shell_ms=$d"
	d_shell+=("$d")
	read -r s l r rh < <(hypervisor "$i")
	echo "BOOT run $i hypervisor shell_ms=$s loader_ms=$l root_start_ms=$r root_start_hv_ms=$rh"
	h_shell+=("$s") h_loader+=("$l") h_root+=("$r") h_roothv+=("$rh")
	if [ "$s" != - ] && [ "$r" != - ]; then h_linux+=($((s - r))); fi
	if [ "$l" != - ] && [ "$r" != - ]; then h_setup+=($((r - l))); fi
done

stats "direct shell" "${d_shell[@]}"
stats "hypervisor shell" "${h_shell[@]}"
stats "hypervisor firmware (QEMU start to loader line)" "${h_loader[@]}"
stats "hypervisor loader line to root start (wall)" ${h_setup[@]+"${h_setup[@]}"}
stats "hypervisor clock at root start" "${h_roothv[@]}"
stats "hypervisor root start (wall)" "${h_root[@]}"
stats "hypervisor Linux (root start to shell)" ${h_linux[@]+"${h_linux[@]}"}
dm=$(median "${d_shell[@]}") hm=$(median "${h_shell[@]}")
if [ -n "$dm" ] && [ -n "$hm" ]; then
	awk -v h="$hm" -v d="$dm" 'BEGIN { printf "BOOT ratio hypervisor/direct median=%.2f\n", h / d }'
else
	echo "BOOT ratio hypervisor/direct unavailable"
fi
rm -f "$work"/*/disk.img "$work"/*/esp.img "$work"/*/vars.fd
echo "BOOT logs in $work"
[ -n "$dm" ] && [ -n "$hm" ]
