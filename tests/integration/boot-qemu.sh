#!/usr/bin/env bash
# Boots partita.efi under QEMU (TCG, OVMF) with a boot config and its guest
# images, keeping COM1 (root console) and COM2 (hypervisor log) in files.
#
# usage: boot-qemu.sh [--show] [--show-until REGEX] [--interactive]
#                     [--timeout SECONDS] [--smp N] [--icount] [--tcg-single]
#                     BUILD_DIR CONFIG [OUT_DIR]
#   --show     print the hypervisor log live while QEMU runs
#   --show-until REGEX  print it live only up to the first line matching the
#              extended REGEX, then say where the rest goes (the demo: the
#              hypervisor's boot lines, then a clean root console)
#   --interactive  COM1 (the root's console) on this terminal instead of a file
#   --icount   QEMU's instruction clock (one TSC tick = one emulated
#              instruction, one TCG thread): for exact path lengths
#   --tcg-single  one TCG thread for all vCPUs (round-robin) instead of one
#              per vCPU; the vCPUs interleave instead of racing (see
#              docs/testing.md, "Known emulator issues")
#   BUILD_DIR  the CMake build tree (partita.efi and guests/*.elf live there)
#   CONFIG     a boot config; each "image = NAME" is copied from BUILD_DIR/guests,
#              "kernel = NAME" and "initrd = NAME" from BUILD_DIR/root
#   OUT_DIR    where esp.img, com1.log and com2.log go (default: a temp dir)
# Exit status: 0 when QEMU powered off by itself, 124 on timeout (the CPUs'
# registers at that moment are then in OUT_DIR/timeout-cpus.txt), else QEMU's.
set -euo pipefail

icount=()
show=0 show_until="" interactive=0 timeout_s=120 smp=2 accel=tcg,thread=multi
while [ $# -gt 0 ]; do
	case "$1" in
	--show) show=1; shift ;;
	--show-until) show=1; show_until=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--icount) accel=tcg; icount=(-icount shift=0,align=off,sleep=off); shift ;;
	--tcg-single) accel=tcg,thread=single; shift ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || { sed -n '5,21p' "$0" >&2; exit 2; }
build=$1 config=$2 out=${3:-$(mktemp -d /tmp/partita-boot.XXXXXX)}
mkdir -p "$out"

efi=$build/hypervisor/partita.efi
[ -f "$efi" ] || { echo "boot-qemu: $efi not built" >&2; exit 2; }

# The ESP: a FAT image on virtio loads faster under OVMF than fat:rw:.
esp=$out/esp.img
rm -f "$esp"
truncate -s 160M "$esp"
mkfs.fat -F 32 -n PARTITA "$esp" >/dev/null
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/partita
mcopy -i "$esp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$config" ::/partita/boot.cfg
for image in $(sed -n 's/^[[:space:]]*image[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$config" | sort -u); do
	src=$build/guests/$image
	[ -f "$src" ] || { echo "boot-qemu: $src not built" >&2; exit 2; }
	mcopy -i "$esp" "$src" "::/partita/$image"
done

for key in kernel initrd; do
	for file in $(sed -n "s/^[[:space:]]*$key[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$config" | sort -u); do
		src=$build/root/$file
		[ -f "$src" ] || { echo "boot-qemu: $src not built" >&2; exit 2; }
		mcopy -i "$esp" "$src" "::/partita/$file"
	done
done

ovmf_code=/usr/share/OVMF/OVMF_CODE.fd
cp /usr/share/OVMF/OVMF_VARS.fd "$out/vars.fd"
: >"$out/com1.log"
: >"$out/com2.log"

com1=file:$out/com1.log
[ $interactive -eq 1 ] && com1=mon:stdio
qemu=(qemu-system-x86_64 -machine q35 -accel "$accel" "${icount[@]}"
	-cpu max -smp "$smp" -m 1024
	-drive if=pflash,format=raw,readonly=on,file=$ovmf_code
	-drive if=pflash,format=raw,file=$out/vars.fd
	-drive if=none,id=esp,format=raw,file=$esp
	-device virtio-blk-pci,drive=esp
	-serial "$com1" -serial file:$out/com2.log
	-display none -net none -no-reboot)

# show_log: copies the hypervisor log lines from stdin to stdout as they
# come (a shell loop: awk may read ahead in blocks and show them late),
# up to the first line matching show_until when that is set. With
# show_until, the firmware's lines before the hypervisor's first are left
# out: OVMF writes them to COM1 too, and COM1 is then the terminal.
show_log() {
	local line started=0
	[ -n "$show_until" ] || started=1
	while IFS= read -r line; do
		[[ $line =~ ^\[\ *[0-9]+\.[0-9]+\]\ [A-Z]{3}\  ]] && started=1
		[ $started -eq 1 ] || continue
		printf '%s\n' "$line"
		if [ -n "$show_until" ] && [[ $line =~ $show_until ]]; then
			echo "boot-qemu: the hypervisor log goes on in $out/com2.log"
			return
		fi
	done
}
if [ $show -eq 1 ]; then
	# tail ends at its next write once show_log has returned, or when this
	# script exits.
	tail -n +1 -f --pid=$$ "$out/com2.log" | show_log &
	tail_pid=$!
	trap 'kill $tail_pid 2>/dev/null || true' EXIT
fi
# dump_cpus: what QEMU's monitor says of every CPU, into
# $out/timeout-cpus.txt, so a boot that hangs shows where each CPU was
# (the registers are the innermost guest's when a CPU is in a guest).
# The monitor sits on two FIFOs: no port to choose, nothing to install.
dump_cpus() {
	local cpu
	{
		echo 'info registers -a'
		for cpu in $(seq 0 $((smp - 1))); do echo "info lapic $cpu"; done
	} >"$out/monitor.in"
	sleep 2
	# The monitor echoes each typed line with terminal escapes: dropped.
	timeout 2 cat "$out/monitor.out" | grep -av '^(qemu)' \
		>"$out/timeout-cpus.txt" || true
}

status=0
if [ $interactive -eq 1 ]; then
	"${qemu[@]}" -monitor none 2>"$out/qemu.err" || status=$?
else
	# QEMU opens both FIFOs read-write, so neither side waits for the
	# other; the pipe buffer keeps the monitor's output until it is read.
	rm -f "$out/monitor.in" "$out/monitor.out"
	mkfifo "$out/monitor.in" "$out/monitor.out"
	"${qemu[@]}" -monitor "pipe:$out/monitor" 2>"$out/qemu.err" \
		</dev/null &
	qemu_pid=$!
	sleep "$timeout_s" &
	sleep_pid=$!
	first=0
	wait -n -p first "$qemu_pid" "$sleep_pid" && rc=0 || rc=$?
	if [ "$first" = "$qemu_pid" ]; then
		status=$rc
		kill "$sleep_pid" 2>/dev/null || true
	else
		dump_cpus
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" || true
		status=124
	fi
	rm -f "$out/monitor.in" "$out/monitor.out"
fi
[ $show -eq 1 ] && sleep 0.5
echo "boot-qemu: logs in $out (status $status)" >&2
exit $status
