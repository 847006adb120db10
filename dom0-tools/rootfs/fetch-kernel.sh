#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetches the root partition's Debian kernel (image, headers, kbuild) with apt-get download and unpacks it into a cache: nothing is installed on the host.
#
# usage: fetch-kernel.sh --cache DIR [--flavour FLAVOUR]
#   --cache    where the packages and the unpacked trees are kept:
#              DIR/debs/*.deb and DIR/KVER_PKGVER/tree/ (boot/, lib/modules/,
#              usr/src/linux-headers-*, usr/lib/linux-kbuild-*)
#   --flavour  the kernel flavour (default amd64): the kernel is the one
#              apt would install for linux-image-FLAVOUR, with the headers
#              of linux-headers-FLAVOUR
# Prints, on stdout only, the lines CMake reads:
#   version=KVER  tree=DIR  image=VMLINUZ  headers=HEADERS_DIR
# Everything else goes to stderr. Once a kernel is unpacked, later runs only
# ask apt's local package lists which version it would pick (no network);
# when apt cannot answer or the download fails, the newest tree already in
# the cache is used with a warning, so an offline machine keeps building.
set -euo pipefail
# depmod and modprobe live in /sbin, outside a normal user's PATH on Debian.
PATH=$PATH:/usr/sbin:/sbin

cache="" flavour=amd64
while [ $# -gt 0 ]; do
	case "$1" in
	--cache) cache=$2; shift 2 ;;
	--flavour) flavour=$2; shift 2 ;;
	*) echo "fetch-kernel: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$cache" ] || { sed -n '5,12p' "$0" >&2; exit 2; }
say() { echo "fetch-kernel: $*" >&2; }
die() { echo "fetch-kernel: $*" >&2; exit 1; }
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# The lines CMake reads, for an unpacked tree DIR/KVER_PKGVER/tree.
report() {
	local dir=$1 kver
	kver=$(cat "$dir/kernel-version")
	echo "version=$kver"
	echo "tree=$dir/tree"
	echo "image=$dir/tree/boot/vmlinuz-$kver"
	echo "headers=$dir/tree/usr/src/linux-headers-$kver"
}

# Offline fallback: the newest complete tree in the cache, if any.
use_cached() {
	local newest
	newest=$(find "$cache" -mindepth 2 -maxdepth 2 -name complete \
		-printf '%h\n' 2>/dev/null | sort -V | tail -n 1)
	[ -n "$newest" ] || die "$1, and no kernel is unpacked in $cache yet"
	say "warning: $1; using the cached $(basename "$newest")"
	report "$newest"
	exit 0
}

# candidate PACKAGE: the version apt would install, empty if none.
candidate() {
	apt-cache policy "$1" 2>/dev/null |
		sed -n 's/^  Candidate: //p' | grep -v '^(none)$' || true
}

# depends PACKAGE=VERSION: its Depends as "NAME OP VERSION" lines (OP and
# VERSION empty when unversioned; only an alternative's first choice).
depends() {
	{ apt-cache show --no-all-versions "$1" 2>/dev/null || true; } |
		sed -n 's/^Depends: //p' | sed -n 1p | tr ',' '\n' |
		sed -e 's/|.*//' -e 's/^ *//' -e 's/ *$//' |
		sed -n 's/^\([^ ]*\)\( (\([<>=]*\) \([^)]*\))\)\{0,1\}$/\1 \3 \4/p'
}

command -v apt-cache >/dev/null || use_cached "apt-cache is not available"
meta=linux-image-$flavour
meta_version=$(candidate "$meta")
[ -n "$meta_version" ] ||
	use_cached "apt knows no $meta (run apt-get update)"

# The metapackages name the exact image and headers packages.
# (apt-cache is slow on a busy machine: a cached kernel costs two calls.)
image_pkg=$(depends "$meta=$meta_version" |
	awk '!found && $1 ~ /^linux-image-/ { print $1, $3; found = 1 }')
[ -n "$image_pkg" ] || use_cached "$meta $meta_version names no linux-image package"
read -r image_name image_version <<<"$image_pkg"
[ -n "$image_version" ] || image_version=$(candidate "$image_name")
kver=${image_name#linux-image-}
kver=${kver%-unsigned}
dir=$cache/${kver}_$image_version
if [ -f "$dir/complete" ]; then
	report "$dir"
	exit 0
fi
headers_pkg=$(depends "linux-headers-$flavour=$meta_version" |
	awk '!found && $1 ~ /^linux-headers-/ { print $1, $3; found = 1 }')
[ -n "$headers_pkg" ] ||
	use_cached "linux-headers-$flavour $meta_version names no linux-headers package"
read -r headers_name headers_version <<<"$headers_pkg"
[ -n "$headers_version" ] || headers_version=$(candidate "$headers_name")

# What an external module build needs besides the flavour's headers: the
# common headers and kbuild (exact versions, or apt's candidate when the
# dependency only says ">="). The compiler is a host package (gcc-12).
packages=("$image_name=$image_version" "$headers_name=$headers_version")
while read -r name op version; do
	case "$name" in
	linux-headers-* | linux-kbuild-*) ;;
	*) continue ;;
	esac
	[ "$op" = "=" ] || version=$(candidate "$name")
	[ -n "$version" ] || use_cached "apt has no version of $name"
	packages+=("$name=$version")
done < <(depends "$headers_name=$headers_version")

debs=$cache/debs
mkdir -p "$debs"
files=()
for spec in "${packages[@]}"; do
	name=${spec%%=*} version=${spec#*=}
	# Debian file names encode an epoch's ':' as %3a.
	pattern="${name}_${version//:/%3a}_*.deb"
	file=$(find "$debs" /var/cache/apt/archives -maxdepth 1 \
		-name "$pattern" 2>/dev/null | sed -n 1p)
	if [ -z "$file" ]; then
		say "downloading $spec"
		sandbox=()
		[ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
		(cd "$debs" && apt-get download -q "${sandbox[@]}" "$spec" >&2) ||
			use_cached "apt-get download $spec failed"
		file=$(find "$debs" -maxdepth 1 -name "$pattern" | sed -n 1p)
		[ -n "$file" ] || use_cached "apt-get download $spec gave no $pattern"
	elif [ "$(dirname "$file")" != "$debs" ]; then
		cp "$file" "$debs/"
		file=$debs/$(basename "$file")
	fi
	files+=("$file")
done

# Unpack into a fresh folder, then rename it into place, so an interrupted
# run never leaves a half tree that looks complete.
work=$(mktemp -d "$cache/unpack.XXXXXX")
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
for file in "${files[@]}"; do
	say "unpacking $(basename "$file")"
	dpkg-deb -x "$file" "$work/tree"
done
tree=$work/tree
[ -f "$tree/boot/vmlinuz-$kver" ] || die "$image_name has no boot/vmlinuz-$kver"
[ -f "$tree/usr/src/linux-headers-$kver/Makefile" ] ||
	die "$headers_name has no usr/src/linux-headers-$kver/Makefile"

# Absolute symlinks (lib/modules/KVER/build -> /usr/src/...) would point
# into the host: make them relative inside the tree.
while IFS= read -r link; do
	target=$(readlink "$link")
	case "$target" in /*) ;; *) continue ;; esac
	inside=/${link#"$tree"/}
	ln -sfn "$(realpath -ms --relative-to="$(dirname "$inside")" "$target")" "$link"
done < <(find "$tree" -type l)
# The flavour's Makefile includes the common headers' by absolute path.
sed -i "s|^include /usr/src/|include $dir/tree/usr/src/|" \
	"$tree/usr/src/linux-headers-$kver/Makefile"
# modules.dep and friends are made by the package's postinst, which never
# ran: build them in the tree (modprobe -d reads them there).
depmod -b "$tree" "$kver"

echo "$kver" >"$work/kernel-version"
printf '%s\n' "${packages[@]}" >"$work/complete"
if mv -T "$work" "$dir" 2>/dev/null; then
	trap - EXIT
	say "$kver unpacked in $dir"
else
	say "another run unpacked $kver first"
fi
[ -f "$dir/complete" ] || die "no complete tree at $dir"
report "$dir"
