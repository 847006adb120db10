#!/usr/bin/env bash
# The demo: installs dependencies, builds, boots the hypervisor in QEMU with
# the Debian root partition and two demo guests; on a terminal it lands in
# the root's shell, otherwise the root runs a short demo script (creates
# ticker from its YAML, lists it, shows its console, destroys it) and powers
# off. Without a root image it boots the two demo guests alone (demo.cfg).
#
# usage: demo.sh [--prebuilt BUILD_DIR]
#   --prebuilt  skip installing and building; boot what BUILD_DIR holds
#               (for testing the demo itself)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
if [ "${1:-}" = --prebuilt ]; then
	[ $# -eq 2 ] || { sed -n '8,10p' "$0" >&2; exit 2; }
	build=$2
else
	[ $# -eq 0 ] || { sed -n '8,10p' "$0" >&2; exit 2; }
	scripts/install-deps.sh
	scripts/build.sh
fi

boot=tests/integration/boot-qemu.sh
configs=tests/integration/configs
if [ ! -f $build/root/initrd.img ]; then
	echo "demo: no root partition image (the Debian kernel could not be"
	echo "demo: fetched; see the build's fetch-kernel messages); booting"
	echo "demo: the two demo guests alone"
	exec $boot --show $build $configs/demo.cfg
fi

if [ -t 0 ] && [ -t 1 ]; then
	# The hypervisor's lines are shown until it starts Linux; after that
	# this terminal is the root's console alone (the hello guests keep
	# logging, into the file).
	out=$(mktemp -d /tmp/partita-demo.XXXXXX)
	cat <<BANNER
================================================================
 Partita demo: the hypervisor's boot lines come first (COM2), up
 to starting Debian Linux as the root partition on CPU 0; then
 this terminal is the root's console (COM1) alone. The whole
 hypervisor log, with the two hello guests on CPU 1, is in
     $out/com2.log
 At the "partita-root:~#" prompt try:
     partita dmesg --follow    the hypervisor log, live (Ctrl-C)
     partita create /usr/share/partita/ticker.yaml
     partita list              the partitions and their states
     partita console ticker    its console, live (Ctrl-C leaves it)
     partita pause ticker      (unpause, stats, top, info ticker)
     partita destroy ticker
     partita info              the hypervisor and its partitions
 Leave with: poweroff      (or Ctrl-A then X to stop QEMU)
================================================================
BANNER
	sleep 2
	exec $boot --show-until 'INF root: starting Linux on CPU' --interactive \
		$build $configs/demo-root.cfg "$out"
fi

# No terminal (automation): the same boot with the root's demo script.
out=$(mktemp -d /tmp/partita-demo.XXXXXX)
sed '/^\[root\]/,/^\[/ s/^\(cmdline[[:space:]]*=.*\)$/\1 partita.test=demo/' \
	$configs/demo-root.cfg >"$out/demo-root.cfg"
status=0
$boot --show --timeout 300 $build "$out/demo-root.cfg" "$out" || status=$?
echo "==== root console (COM1), kernel messages left out ===="
# Kernel lines go; hypervisor log lines that partita dmesg printed
# ("[ time] INF ...") stay.
sed -e 's/\x1b\[[0-9;=]*[A-Za-z]//g' -e 's/\r$//' "$out/com1.log" |
	awk '/^\[ *[0-9]+\.[0-9]+\] (ERR|WRN|INF|DBG) / { print; next }
	     /^\[ *[0-9]+\.[0-9]+\]/ || /^BdsDxe: / { next }
	     { print }' || true
exit $status
