#!/usr/bin/env bash
# Installs the Debian packages that building, testing and the demo need.
set -euo pipefail

packages=(
	build-essential cmake nasm gnu-efi libyaml-dev libcriterion-dev
	pkg-config ovmf qemu-system-x86 mtools dosfstools
	clang libclang-rt-14-dev xenstore-utils python3
	linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod
	liburing-dev gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	--no-install-recommends "${missing[@]}"
