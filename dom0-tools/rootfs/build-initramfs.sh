#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the root partition's initramfs (busybox, Debian modules, partita.ko, tools, tests).
#
# usage: build-initramfs.sh --version VER --image VMLINUZ --out DIR
#            [--modules-root TREE] [--init FILE] [--module PARTITA_KO]
#            [--tool FILE]... [--tests DIR] [--share FILE]... [--dynamic FILE]...
#            [--busybox FILE] [--bash-completion FILE]
#   --version  the Debian kernel release the modules come from (uname -r form)
#   --image    the kernel image, copied to DIR/vmlinuz
#   --out      output folder: DIR/initrd.img (newc cpio, gzip) and DIR/vmlinuz
#   --modules-root  the tree holding lib/modules/VER (with modules.dep), as
#              fetch-kernel.sh unpacks it; default: the host's /
#   --init     the /init script (default: init next to this script)
#   --module   partita.ko; installed as /lib/partita/partita.ko when it exists
#   --tool     a static program installed as /bin/NAME when it exists
#   --tests    a folder of *.sh scripts installed as /tests/*.sh
#   --share    a file installed in /usr/share/partita/ (guest images and
#              partition configs, side by side so configs find their kernel)
#   --dynamic  a dynamically linked host program (e.g. Debian's xenstore-read),
#              installed at its own path with every library ldd names and
#              the program interpreter
#   --busybox  a static busybox (default /bin/busybox from busybox-static)
#   --bash-completion  partita's bash completion, installed for the bash
#              that --dynamic brings (busybox ash has no programmable
#              completion); /etc/bash.bashrc loads it
# Missing optional pieces are reported and skipped. DIR/initrd.img is only
# replaced when its content changes, so dependants do not rebuild needlessly.
set -euo pipefail
# depmod and modprobe live in /sbin, outside a normal user's PATH on Debian.
PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
# The Debian modules the root needs, in any order: dependencies are resolved
# with modprobe, load order is written to /lib/partita/modules.list.
# tun and bridge carry guests' NICs (partita-backd's TAP devices and the
# bridges configs name); bridge brings llc and stp along. veth is the I/O
# benchmark's baseline link (tests/bench/io).
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
	virtio_pci virtio_blk failover net_failover virtio_net tun bridge
	veth)

version="" image="" out="" modroot="" init=$here/init module="" tests="" busybox=/bin/busybox
tools=() shares=() dynamics=() completion=
while [ $# -gt 0 ]; do
	case "$1" in
	--version) version=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--modules-root) modroot=${2%/}; shift 2 ;;
	--init) init=$2; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--tool) tools+=("$2"); shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--share) shares+=("$2"); shift 2 ;;
	--dynamic) dynamics+=("$2"); shift 2 ;;
	--bash-completion) completion=$2; shift 2 ;;
	--busybox) busybox=$2; shift 2 ;;
	*) echo "build-initramfs: unknown option $1" >&2; exit 2 ;;
	esac
done
if [ -z "$version" ] || [ -z "$image" ] || [ -z "$out" ]; then
	sed -n '5,22p' "$0" >&2
	exit 2
fi
say() { echo "build-initramfs: $*"; }
die() { echo "build-initramfs: $*" >&2; exit 1; }

[ -f "$image" ] || die "no kernel image $image"
[ -x "$busybox" ] || die "no busybox at $busybox (install busybox-static)"
case "$(ldd "$busybox" 2>&1 || true)" in
*"not a dynamic"*) ;;
*) die "$busybox is not static (install busybox-static)" ;;
esac
[ -f "$modroot/lib/modules/$version/modules.dep" ] ||
	die "no $modroot/lib/modules/$version/modules.dep (see fetch-kernel.sh)"
modprobe_dir=()
[ -z "$modroot" ] || modprobe_dir=(-d "$modroot")

mkdir -p "$out"
stage=$out/initramfs.d
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,lib/partita,tests,var/log}
# /run is a tmpfs at boot; daemons' sockets and pid files live there.
ln -s ../run "$stage/var/run"

# busybox and one symlink per applet, at the paths busybox itself lists.
install -m 0755 "$busybox" "$stage/bin/busybox"
n=0
while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	dir=$(dirname "$applet")
	# -s: on a merged-/usr host /bin is a link to usr/bin, and resolving it
	# would make usr/bin/sort point at a usr/bin/busybox the image lacks
	# (ash runs its applets anyway; bash and other programs do not).
	rel=$(realpath -m -s --relative-to="/$dir" /bin/busybox)
	mkdir -p "$stage/$dir"
	ln -sf "$rel" "$stage/$applet"
	n=$((n + 1))
done < <("$busybox" --list-full)
say "busybox with $n applets"

# Kernel modules with their dependencies, in load order, without duplicates.
: >"$stage/lib/partita/modules.list"
declare -A seen=()
for m in "${modules[@]}"; do
	deps=$(modprobe "${modprobe_dir[@]}" --show-depends -S "$version" "$m") ||
		die "modprobe cannot resolve $m for $version"
	while read -r verb file _; do
		[ "$verb" = insmod ] || continue
		path=${file#"$modroot"}   # where it goes in the image
		[ -z "${seen[$path]:-}" ] || continue
		seen[$path]=1
		mkdir -p "$stage$(dirname "$path")"
		cp "$file" "$stage$path"   # Debian's modules are signed: never strip
		echo "$path" >>"$stage/lib/partita/modules.list"
	done <<<"$deps"
done
say "$(wc -l <"$stage/lib/partita/modules.list") modules from $version"
echo "$version" >"$stage/lib/partita/kernel-version"

if [ -n "$module" ] && [ -f "$module" ]; then
	install -m 0644 "$module" "$stage/lib/partita/partita.ko"
	say "partita.ko from $module"
else
	say "partita.ko not built: the image boots without it"
fi
for tool in ${tools[@]+"${tools[@]}"}; do
	if [ -f "$tool" ]; then
		install -m 0755 "$tool" "$stage/bin/$(basename "$tool")"
		say "tool $(basename "$tool")"
	else
		say "tool $tool not built: skipped"
	fi
done
# Host programs with their libraries, at the paths the dynamic loader
# searches by default (there is no ld.so.cache in the image).
ndyn=0
for prog in ${dynamics[@]+"${dynamics[@]}"}; do
	if [ ! -f "$prog" ]; then
		say "program $prog not on this host: skipped"
		continue
	fi
	mkdir -p "$stage$(dirname "$prog")"
	install -m 0755 "$prog" "$stage$prog"
	ndyn=$((ndyn + 1))
	while read -r lib; do
		[ -f "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done < <(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
done
# glibc loads libgcc_s at run time (pthread_cancel, as xenstore-watch
# uses): ldd does not name it.
for libc in "$stage"/lib/*/libc.so.6; do
	[ -f "$libc" ] || continue
	dir=${libc#"$stage"}
	dir=${dir%/libc.so.6}
	[ -f "$dir/libgcc_s.so.1" ] && cp -L "$dir/libgcc_s.so.1" "$stage$dir/"
done
[ "$ndyn" -eq 0 ] || say "$ndyn host programs with $(find "$stage/lib" "$stage/lib64" -name '*.so*' 2>/dev/null | wc -l) libraries"
mkdir -p "$stage/usr/share/partita"
for file in ${shares[@]+"${shares[@]}"}; do
	if [ -f "$file" ]; then
		install -m 0644 "$file" "$stage/usr/share/partita/"
	else
		say "shared file $file not built: skipped"
	fi
done
say "$(find "$stage/usr/share/partita" -type f | wc -l) files in /usr/share/partita"
# Tab completion: the login shell stays busybox ash (it completes only
# command and file names); typing 'bash' gives partita's completion.
if [ -n "$completion" ] && [ -f "$completion" ]; then
	mkdir -p "$stage/usr/share/bash-completion/completions"
	install -m 0644 "$completion" \
		"$stage/usr/share/bash-completion/completions/partita"
	cat >"$stage/etc/bash.bashrc" <<'EOF'
# Interactive bash in the root partition: the prompt, and partita's completion.
PS1='partita-root:\w# '
. /usr/share/bash-completion/completions/partita
EOF
	say "bash completion for partita"
fi
if [ -n "$tests" ] && [ -d "$tests" ]; then
	for t in "$tests"/*.sh; do
		[ -f "$t" ] && install -m 0755 "$t" "$stage/tests/"
	done
	say "$(find "$stage/tests" -name '*.sh' | wc -l) test scripts"
fi

install -m 0755 "$init" "$stage/init"
cat >"$stage/etc/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
export PS1='partita-root:\w# '
cd /root
EOF
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
echo partita-root >"$stage/etc/hostname"

# newc cpio owned by root, with fixed mtimes so equal inputs give equal bytes.
find "$stage" -exec touch -h -d @0 {} +
tmp=$out/initrd.img.tmp
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n >"$tmp"
if [ -f "$out/initrd.img" ] && cmp -s "$tmp" "$out/initrd.img"; then
	rm -f "$tmp"
	say "$out/initrd.img unchanged"
else
	mv "$tmp" "$out/initrd.img"
	say "$out/initrd.img: $(du -k "$out/initrd.img" | cut -f1) KiB"
fi
cmp -s "$image" "$out/vmlinuz" 2>/dev/null || cp "$image" "$out/vmlinuz"
