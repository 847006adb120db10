#!/usr/bin/env bash
# Installs the Debian packages that building, testing and the demo need.
#
# No kernel is installed into the host: the root partition's Debian kernel
# and headers are downloaded and unpacked into the build tree by
# dom0-tools/rootfs/fetch-kernel.sh (at CMake configure time). What is
# installed here are the tools that build runs: dpkg-deb and apt-get (always
# present), kmod (depmod, modprobe), cpio, busybox-static, and for building
# partita.ko against the unpacked headers the kernel's compiler (gcc-12)
# and the libraries kbuild's programs link with (libelf1, libssl3).
set -euo pipefail

packages=(
	build-essential cmake nasm gnu-efi libyaml-dev libcriterion-dev
	pkg-config ovmf qemu-system-x86 mtools dosfstools
	clang libclang-rt-14-dev xenstore-utils python3
	busybox-static cpio kmod gcc-12 libelf1 libssl3
	liburing-dev gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
# fetch-kernel.sh asks apt which linux-image-amd64 it would install: a
# fresh machine (or container) may have no package lists yet.
lists_ok=0
case "$(apt-cache policy linux-image-amd64 2>/dev/null)" in
*"Candidate: "[0-9]*) lists_ok=1 ;;
esac
[ ${#missing[@]} -eq 0 ] && [ $lists_ok -eq 1 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: updating apt's package lists"
$sudo apt-get update -qq
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	--no-install-recommends "${missing[@]}"
