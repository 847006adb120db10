#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot-time benchmark: the root kernel and initrd booted directly, through OVMF and the kernel's EFI stub, and through OVMF and Partita.
#
# usage: run.sh BUILD_DIR [RUNS]
# Boots BUILD_DIR/root/vmlinuz + initrd.img RUNS times (default 5) three
# ways, interleaved, the order rotating each round, on the harness's
# machine (q35, TCG, -cpu max, -smp 2, -m 1024) with the same kernel
# command line (the hypervisor's additions included):
#   direct      QEMU -kernel/-initrd (SeaBIOS), a blank 160 MiB virtio disk
#   efistub     OVMF boots \partita\vmlinuz from a FAT disk laid out like
#               the hypervisor's ESP, through an NVRAM boot entry whose
#               optional data is the command line with initrd= (and
#               video=efifb:off, below); the entry
#               is made once per invocation with the UEFI shell's bcfg
#   hypervisor  OVMF, partita.efi and the root (boot-qemu.sh, boot-bench.cfg)
# boot-times.py stamps every serial line with host monotonic time; QEMU
# is stopped at "partita-root: shell ready". Prints per-run milestones
# and a summary (median, min, max, per-round ratios); a report, never a
# pass/fail on timing: exits 1 only when a variant never reached the
# shell. Environment: BOOT_BENCH_KEEP=1 keeps the disk images;
# BOOT_BENCH_CONFIG=FILE boots FILE instead of boot-bench.cfg (its cmdline
# is then every variant's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
[ $# -ge 1 ] || { sed -n '5p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
runs=${2:-5}
limit_s=300
for f in root/vmlinuz root/initrd.img hypervisor/partita.efi; do
	[ -f "$build/$f" ] || { echo "run.sh: $build/$f not built" >&2; exit 2; }
done
ovmf_code=/usr/share/OVMF/OVMF_CODE.fd ovmf_vars=/usr/share/OVMF/OVMF_VARS.fd
for f in "$ovmf_code" "$ovmf_vars"; do
	[ -f "$f" ] || { echo "run.sh: $f missing (install ovmf)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/partita-bootbench.XXXXXX)
times=(python3 -B "$here/boot-times.py")

# The same command line everywhere: the config's, plus what the hypervisor
# appends for the root (docs/root-partition.md).
config=${BOOT_BENCH_CONFIG:-$here/boot-bench.cfg}
cmdline=$(sed -n 's/^[[:space:]]*cmdline[[:space:]]*=[[:space:]]*//p' "$config")
hv_append='nr_cpus=1 pci=nommconf nox2apic intremap=off'
# The stub's own additions: its initrd, and no console on the framebuffer
# OVMF leaves behind (the root gets none; drawing every kernel line on a
# 1280x800 efifb roughly doubled the kernel's time to /init).
stub_extra='initrd=\partita\initrd.img video=efifb:off'

machine=(-machine q35 -accel "tcg,thread=multi" -cpu max -smp 2 -m 1024)
serial_args() { # OUT: COM1 and COM2 into files, as boot-qemu.sh has them
	echo -serial "file:$1/com1.log" -serial "file:$1/com2.log" \
		-display none -monitor none -net none -no-reboot
}
ovmf_args() { # VARS
	echo -drive "if=pflash,format=raw,readonly=on,file=$ovmf_code" \
		-drive "if=pflash,format=raw,file=$1"
}

# The EFI-stub disk: the hypervisor's ESP layout without partita.efi.
stub_esp=$work/stub-esp.img
make_stub_esp() {
	truncate -s 160M "$stub_esp"
	mkfs.fat -F 32 -n PARTITA "$stub_esp" >/dev/null
	mmd -i "$stub_esp" ::/EFI ::/EFI/BOOT ::/partita
	mcopy -i "$stub_esp" "$build/root/vmlinuz" ::/partita/vmlinuz
	mcopy -i "$stub_esp" "$build/root/initrd.img" ::/partita/initrd.img
}

# One boot of the UEFI shell (startup.nsh, after its 5 s countdown) adds
# Boot entry 0 for \partita\vmlinuz with the command line as its optional
# data, which BdsDxe passes to the image as LoadOptions: the EFI stub's
# command line. "0x0": this shell's bcfg -opt misreads a bare "0".
stub_vars=$work/stub-vars.fd
make_stub_vars() {
	local out=$work/stub-setup
	mkdir -p "$out"
	python3 -c 'import sys; sys.stdout.buffer.write((sys.argv[1] + "\0").encode("utf-16-le"))' \
		"$cmdline $hv_append $stub_extra" >"$out/options.bin"
	printf '%s\r\n' 'bcfg boot add 0 fs0:\partita\vmlinuz "Linux EFI stub"' \
		'bcfg boot -opt 0x0 fs0:\options.bin' 'bcfg boot dump -v' 'reset -s' \
		>"$out/startup.nsh"
	cp --sparse=always "$stub_esp" "$out/esp.img"
	mcopy -i "$out/esp.img" "$out/startup.nsh" "$out/options.bin" ::/
	cp "$ovmf_vars" "$stub_vars"
	# shellcheck disable=SC2046
	timeout 180 qemu-system-x86_64 "${machine[@]}" $(ovmf_args "$stub_vars") \
		-drive "if=none,id=esp,format=raw,file=$out/esp.img" \
		-device virtio-blk-pci,drive=esp $(serial_args "$out") \
		</dev/null >"$out/qemu.out" 2>&1 || true
	rm -f "$out/esp.img"
	if ! tr -d '\r' <"$out/com1.log" | grep -A4 'Desc    - Linux EFI stub' |
		grep -q 'Optional- Y'; then
		echo "run.sh: could not add the EFI stub's boot entry; the shell said:" >&2
		tr -d '\r' <"$out/com1.log" | grep -a -A12 'Shell> bcfg' >&2 || true
		exit 1
	fi
}

# launch VARIANT OUT: starts the boot in the background (pid in $launched);
# each variant creates OUT/com2.log just before QEMU starts (time 0).
launch() {
	local variant=$1 out=$2
	case "$variant" in
	hypervisor)
		"$top/tests/integration/boot-qemu.sh" --timeout "$limit_s" \
			"$build" "$config" "$out" >/dev/null 2>&1 &
		;;
	direct)
		truncate -s 160M "$out/disk.img" # like the ESP the others have
		# shellcheck disable=SC2046
		{
			: >"$out/com1.log"
			: >"$out/com2.log"
			exec timeout "$limit_s" qemu-system-x86_64 "${machine[@]}" \
				-kernel "$build/root/vmlinuz" -initrd "$build/root/initrd.img" \
				-append "$cmdline $hv_append" \
				-drive "if=none,id=disk,format=raw,file=$out/disk.img" \
				-device virtio-blk-pci,drive=disk $(serial_args "$out") \
				</dev/null >"$out/qemu.out" 2>&1
		} &
		;;
	efistub)
		cp --sparse=always "$stub_esp" "$out/esp.img"
		cp "$stub_vars" "$out/vars.fd"
		# shellcheck disable=SC2046
		{
			: >"$out/com1.log"
			: >"$out/com2.log"
			exec timeout "$limit_s" qemu-system-x86_64 "${machine[@]}" \
				$(ovmf_args "$out/vars.fd") \
				-drive "if=none,id=esp,format=raw,file=$out/esp.img" \
				-device virtio-blk-pci,drive=esp $(serial_args "$out") \
				</dev/null >"$out/qemu.out" 2>&1
		} &
		;;
	esac
	launched=$!
}

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

# boot VARIANT RUN: one boot, watched; prints its milestones line.
boot() {
	local variant=$1 out=$work/$1-$2 watcher
	mkdir -p "$out"
	"${times[@]}" watch "$out" "$limit_s" &
	watcher=$!
	while [ ! -e "$out/watching" ] && alive "$watcher"; do sleep 0.01; done
	launch "$variant" "$out"
	while alive "$watcher" && alive "$launched"; do sleep 0.1; done
	if alive "$watcher"; then # QEMU ended first: let the watcher drain
		: >"$out/done"
		wait "$watcher" || true
	else
		wait "$watcher" || true
	fi
	stop_tree "$launched"
	"${times[@]}" report "$out"
	[ "${BOOT_BENCH_KEEP:-0}" = 1 ] || rm -f "$out/disk.img" "$out/esp.img" "$out/vars.fd"
}

echo "BOOT building the EFI stub's disk and boot entry (one UEFI shell boot)"
make_stub_esp
make_stub_vars
variants=(direct efistub hypervisor)
results=$work/results.txt
: >"$results"
for i in $(seq 1 "$runs"); do
	for k in 0 1 2; do
		v=${variants[$(((i - 1 + k) % 3))]}
		line=$(boot "$v" "$i")
		echo "BOOT run $i $v $line"
		echo "$i $v $line" >>"$results"
	done
done
"${times[@]}" summary "$results"
status=$?
[ "${BOOT_BENCH_KEEP:-0}" = 1 ] || rm -f "$stub_esp"
echo "BOOT logs in $work"
exit $status
