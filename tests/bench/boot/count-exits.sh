#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Counts the root's SVM exits during boot, by reason, port and code region, from QEMU's own exit log (an untimed companion to run.sh).
#
# usage: count-exits.sh BUILD_DIR [OUT_DIR]
# Boots tests/bench/boot/boot-bench.cfg (or $BOOT_BENCH_CONFIG, to try a
# different root command line) as boot-qemu.sh would (same ESP,
# same machine), with QEMU logging every #VMEXIT it emulates ("-d in_asm"
# with an empty -dfilter range: the block disassembly is filtered out, the
# exit lines are not), stops QEMU at "partita-root: shell ready", and
# prints the exits between the root's start and then: by exit code, I/O
# by port, and by where the root was (decompressor, kernel, modules, user
# space). The root partition cannot read these counts itself: the
# hypervisor refuses PT_CALL_PARTITION_STATS for partition 0. Logging
# slows the boot: read counts here, times in run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { sed -n '5p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
out=${2:-$(mktemp -d /tmp/partita-bootexits.XXXXXX)}
mkdir -p "$out"
config=${BOOT_BENCH_CONFIG:-$here/boot-bench.cfg}
for f in hypervisor/partita.efi root/vmlinuz root/initrd.img; do
	[ -f "$build/$f" ] || { echo "count-exits: $build/$f not built" >&2; exit 2; }
done

# The ESP, as tests/integration/boot-qemu.sh lays it out.
esp=$out/esp.img
rm -f "$esp"
truncate -s 160M "$esp"
mkfs.fat -F 32 -n PARTITA "$esp" >/dev/null
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/partita
mcopy -i "$esp" "$build/hypervisor/partita.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$config" ::/partita/boot.cfg
mcopy -i "$esp" "$build/root/vmlinuz" ::/partita/vmlinuz
mcopy -i "$esp" "$build/root/initrd.img" ::/partita/initrd.img
cp /usr/share/OVMF/OVMF_VARS.fd "$out/vars.fd"
rm -f "$out/qemu-exits.log" "$out/done" "$out/watching"

BOOT_TIMES_TRACK=$out/qemu-exits.log python3 -B "$here/boot-times.py" watch "$out" 600 &
watcher=$!
while [ ! -e "$out/watching" ]; do sleep 0.01; done
{
	: >"$out/com1.log"
	: >"$out/com2.log"
	exec timeout 600 qemu-system-x86_64 -machine q35 -accel tcg,thread=multi \
		-cpu max -smp 2 -m 1024 \
		-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,file="$out/vars.fd" \
		-drive if=none,id=esp,format=raw,file="$esp" \
		-device virtio-blk-pci,drive=esp \
		-serial file:"$out/com1.log" -serial file:"$out/com2.log" \
		-display none -monitor none -net none -no-reboot \
		-d in_asm -dfilter 0x1+0x1 -D "$out/qemu-exits.log" \
		</dev/null >"$out/qemu.out" 2>&1
} &
qemu=$!
while kill -0 "$watcher" 2>/dev/null && kill -0 "$qemu" 2>/dev/null; do sleep 0.2; done
kill -TERM "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
: >"$out/done"
wait "$watcher" || true
rm -f "$esp" "$out/vars.fd"
if ! grep -q 'partita-root: shell ready' "$out/com1.log"; then
	echo "count-exits: the root never reached its shell; logs in $out" >&2
	exit 1
fi

python3 -B "$here/boot-times.py" exits "$out/qemu-exits.log"
echo "EXITS logs in $out"
