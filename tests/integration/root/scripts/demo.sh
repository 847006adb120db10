#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The non-interactive demo in the root partition: a guest created from YAML, listed, watched and destroyed with the partita CLI.
#
# Waits (up to 30 s) for the boot-time guests the hypervisor log names to
# finish, then creates ticker from /usr/share/partita/ticker.yaml, shows
# partita list and a few seconds of its console, destroys it and prints
# RESULT demo. Every CLI call is bounded by timeout so a hung call cannot
# hang the boot.
if [ ! -x /bin/partita ]; then
	echo "RESULT demo SKIP the partita CLI is not in this image"
	exit 0
fi
failed=""
run() { # run COMMAND...: shows it as typed at the root's prompt, then runs it
	echo
	echo "partita-root# $*"
	timeout 30 "$@" || failed="$failed${failed:+, }$* exit status $?"
}

guests=$(timeout 20 partita dmesg 2>/dev/null |
	sed -n 's/.*p[1-9][0-9]*:\([^: ]*\): started:.*/\1/p' | sort -u)
waited=0
for name in $guests; do
	while ! timeout 20 partita dmesg 2>/dev/null |
		grep -Eq "$name: (shut down|destroyed|killed)"; do
		[ $waited -lt 30 ] || break 2
		sleep 1
		waited=$((waited + 1))
	done
done
[ -z "$guests" ] || echo "(waited ${waited} s for the boot-time guests: $(echo "$guests" | tr "\n" " "))"

run partita info
run partita create /usr/share/partita/ticker.yaml
run partita list
run partita console --timeout 3 ticker
run partita destroy ticker
run partita list
echo
echo "partita-root# partita dmesg | tail -n 8"
timeout 20 partita dmesg >/tmp/demo-dmesg ||
	failed="$failed${failed:+, }partita dmesg exit status $?"
tail -n 8 /tmp/demo-dmesg
rm -f /tmp/demo-dmesg
echo
if [ -z "$failed" ]; then
	echo "RESULT demo PASS"
else
	echo "RESULT demo FAIL $failed"
fi
exit 0
