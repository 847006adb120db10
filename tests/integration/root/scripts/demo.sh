#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The non-interactive demo in the root partition: partita info and the hypervisor log.
#
# Waits (up to 30 s) for the boot-time guests the hypervisor log names to
# finish, so the log tail shows their whole run, then prints RESULT demo.
# Every CLI call is bounded by timeout so a hung call cannot hang the boot.
if [ ! -x /bin/partita ]; then
	echo "RESULT demo SKIP the partita CLI is not in this image"
	exit 0
fi
echo
echo "partita-root# partita info"
failed=""
timeout 20 partita info || failed="partita info exit status $?"

guests=$(timeout 20 partita dmesg 2>/dev/null |
	sed -n 's/.*p[1-9][0-9]*:\([^: ]*\): created:.*/\1/p' | sort -u)
waited=0
for name in $guests; do
	while ! timeout 20 partita dmesg 2>/dev/null |
		grep -Eq "$name: (shut down|destroyed|killed)"; do
		[ $waited -lt 30 ] || break 2
		sleep 1
		waited=$((waited + 1))
	done
done
[ -z "$guests" ] || echo "(waited ${waited} s for guests: $(echo "$guests" | tr "\n" " "))"

echo
echo "partita-root# partita dmesg | tail -n 20"
timeout 20 partita dmesg >/tmp/demo-dmesg ||
	failed="$failed${failed:+, }partita dmesg exit status $?"
tail -n 20 /tmp/demo-dmesg
echo
if [ -z "$failed" ]; then
	echo "RESULT demo PASS"
else
	echo "RESULT demo FAIL $failed"
fi
rm -f /tmp/demo-dmesg
exit 0
