#!/usr/bin/env bash
# The demo: installs dependencies, builds, boots the hypervisor in QEMU with
# the Debian root partition and two demo guests; on a terminal it lands in
# the root's shell, otherwise the root runs a short demo script (creates
# ticker from its YAML, lists it, shows its console, destroys it) and powers
# off. Without a root image it boots the two demo guests alone (demo.cfg).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

build=build
boot=tests/integration/boot-qemu.sh
configs=tests/integration/configs
if [ ! -f $build/root/initrd.img ]; then
	echo "demo: no root partition image (needs linux-image-amd64 and"
	echo "demo: linux-headers-amd64); booting the two demo guests alone"
	exec $boot --show $build $configs/demo.cfg
fi

if [ -t 0 ] && [ -t 1 ]; then
	cat <<'BANNER'
================================================================
 Partita demo: the hypervisor log (COM2) scrolls first: the two
 hello guests on CPU 1, then Debian Linux starting as the root
 partition on CPU 0. Its console (COM1) is this terminal.
 At the "partita-root:~#" prompt try:
     partita create /usr/share/partita/ticker.yaml
     partita list              the partitions and their states
     partita console ticker    its console, live (Ctrl-C leaves it)
     partita pause ticker      (unpause, stats, top, info ticker)
     partita destroy ticker
     partita info; partita dmesg   the hypervisor and its log
 Leave with: poweroff      (or Ctrl-A then X to stop QEMU)
================================================================
BANNER
	sleep 2
	exec $boot --show --interactive $build $configs/demo-root.cfg
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
