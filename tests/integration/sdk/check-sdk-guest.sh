#!/usr/bin/env bash
# The installed guest SDK: installs BUILD_DIR into a temporary prefix, moves it, builds an out-of-tree guest with pkg-config alone and boots it.
#
# usage: check-sdk-guest.sh BUILD_DIR CONFIG [check-boot.sh options...]
#   CONFIG names the guest image sdk-guest.elf; the options (--expect ...)
#   are passed to check-boot.sh for the boot.
# Moving the installed prefix before using it is what proves the .pc file
# relocatable: a prefix written into it at install time would then point
# at a folder that no longer exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { sed -n '4,9p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd) config=$2
shift 2
fail() { echo "FAIL: $*"; echo "check-sdk-guest: files kept in $work"; exit 1; }

work=$(mktemp -d /tmp/partita-sdk.XXXXXX)
cmake --install "$build" --prefix "$work/installed" >"$work/install.log" ||
	fail "cmake --install failed (see $work/install.log)"
mv "$work/installed" "$work/moved"
pc=$(find "$work/moved" -name libpartita-guest.pc)
[ -n "$pc" ] || fail "no libpartita-guest.pc installed"
! grep -q "$work" "$pc" || fail "$pc names the install path: $(grep "$work" "$pc")"

# Only the moved prefix's .pc folder is searched: no system copy can answer,
# and no --define-prefix.
export PKG_CONFIG_LIBDIR=$(dirname "$pc")
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
prefix=$(pkg-config --variable=prefix libpartita-guest)
[ "$(cd "$prefix" && pwd)" = "$work/moved" ] ||
	fail "pkg-config says prefix=$prefix, not $work/moved"
echo "check-sdk-guest: pkg-config --cflags: $(pkg-config --cflags libpartita-guest)"

# The guest's sources alone, outside the tree: only the SDK can be found.
cp -r "$here/guest" "$work/src"
make -C "$work/src" >"$work/make.log" 2>&1 ||
	{ cat "$work/make.log"; fail "building the guest with make failed"; }
cat "$work/make.log"

# boot-qemu.sh takes partita.efi and guests/*.elf from a build tree: lay one
# out with this build's hypervisor and the guest just built.
mkdir -p "$work/boot/hypervisor" "$work/boot/guests"
cp "$build/hypervisor/partita.efi" "$work/boot/hypervisor/"
cp "$work/src/sdk-guest.elf" "$work/boot/guests/"
"$here/../check-boot.sh" "$work/boot" "$config" "$@" ||
	fail "the guest built from the SDK did not boot as expected"
rm -rf "$work"
