#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile virtio front-ends (every bad-input case of issue 9) against partita-backd while a good shell guest's console keeps answering; backd killed with SIGKILL and restarted under a live console; 20 guests with consoles created and destroyed, leaving no store nodes, ports, mappings or pool frames behind.
#
# Runs as root in the initramfs (/init, partita.test=console-hostile), with
# partita-stored and partita-backd started by /init.
# Prints "RESULT console-hostile PASS|FAIL detail".
name=console-hostile
share=/usr/share/partita
tmp=/tmp/console-hostile

. "$(dirname "$0")/common.sh"
cleanup() {
	for g in $(p list 2>/dev/null | awk 'NR > 1 && $2 != "root" { print $2 }'); do
		p destroy "$g" >/dev/null 2>&1
	done
}

# answers N: the good shell answers "echo ok-N" through partita console.
answers() {
	echo "echo ok-$1" | p console --linger 1500 shell >"$tmp/answer.txt" 2>&1 ||
		fail "partita console shell: exit status $? ($2)"
	tr -d '\r' <"$tmp/answer.txt" | grep -q "^ok-$1\$" ||
		fail "the good shell did not answer ($2): $(tr -d '\r' <"$tmp/answer.txt" | tail -c 200)"
}

# guest NAME CMDLINE: a YAML for shell.elf or hostile-front.elf with a console.
guest_yaml() {
	cat >"$tmp/$1.yaml" <<EOT
name: $1
memory: 4M
kernel: $share/$2
cmdline: $3
devices:
  - console: {}
EOT
}

connected() {
	_w=0
	while ! p info "$1" 2>/dev/null | grep -q '^  console/0: front-end Connected, back-end Connected'; do
		_w=$((_w + 1))
		[ $_w -lt 150 ] || fail "$1's console/0 never Connected: $(p info "$1" 2>&1 | grep -A2 'console/0')"
		sleep 0.2
	done
}

store_nodes() { xenstore-ls / 2>/dev/null | wc -l; }
# Open files of a daemon, and the root's event ports in use.
fds() { ls "/proc/$(pidof "$1")/fd" | wc -l; }
root_ports() { p info root | sed -n 's/^Event ports: *\([0-9]*\) in use.*/\1/p'; }

mkdir -p "$tmp"
pidof partita-backd >/dev/null || fail "/init did not start partita-backd"
nodes0=$(store_nodes)
free0=$(pool_free)
step "before: $nodes0 store lines, $free0 bytes free in the pool"

p create --quiet "$share/shell.yaml" >"$tmp/create.txt" 2>&1 ||
	fail "partita create shell.yaml: exit status $?"
connected shell
answers 0 "at the start"

for c in avail-jump idx-beyond loop indirect-loop long-chain outside-pool \
	bad-ref not-connected state-toggle store-oversize store-ring-overrun \
	console-flood no-rx; do
	guest_yaml "hf-$c" hostile-front.elf "case=$c secs=3"
	hid=$(p create --quiet "$tmp/hf-$c.yaml" 2>"$tmp/create-$c.err") ||
		fail "partita create hf-$c: $(cat "$tmp/create-$c.err")"
	line=$(wait_console "hf-$c" "RESULT hostile-$c (DONE|FAIL)" 60) ||
		fail "hostile-front $c printed no RESULT line"
	case "$line" in *FAIL*) fail "hostile-front $c: $line" ;; esac
	broken=$(xenstore-read "/local/domain/0/backend/console/$hid/0/broken" 2>/dev/null)
	step "$c: ${broken:+broken: $broken}"
	answers "$c" "after hostile $c"
	p destroy "hf-$c" >/dev/null 2>&1 || fail "partita destroy hf-$c"
done

step "partita-backd killed with SIGKILL and started again"
kill -9 "$(pidof partita-backd)" || fail "no partita-backd to kill"
sleep 0.5
partita-backd </dev/null >>/var/log/partita-backd.log 2>&1 &
connected shell
answers restart "after the restart"
p destroy shell >/dev/null 2>&1 || fail "partita destroy shell"

# The baseline for the leak check: the shared parents the first guests
# created (/local/domain/0/backend/console) stay, as in xenstored.
nodes0=$(store_nodes)
free0=$(pool_free)
backd_fds0=$(fds partita-backd)
stored_fds0=$(fds partita-stored)
ports0=$(root_ports)
[ -n "$ports0" ] || fail "partita info root shows no event port count"
step "20 guests with consoles, created and destroyed ($nodes0 store lines, $free0 bytes free, $backd_fds0/$stored_fds0 backd/stored fds, $ports0 root ports before)"
guest_yaml many shell.elf "console=0"
for i in $(seq 1 20); do
	sed "s/^name: many/name: many-$i/" "$tmp/many.yaml" >"$tmp/many-$i.yaml"
	p create --quiet "$tmp/many-$i.yaml" >/dev/null 2>"$tmp/many.err" ||
		fail "partita create many-$i: $(cat "$tmp/many.err")"
done
for i in $(seq 1 20); do connected "many-$i"; done
for i in $(seq 1 20); do
	p destroy "many-$i" >/dev/null 2>&1 || fail "partita destroy many-$i"
done
waited=0
while [ "$(store_nodes)" -ne "$nodes0" ]; do
	waited=$((waited + 1))
	[ $waited -lt 50 ] || fail "the store has $(store_nodes) lines, not $nodes0: $(xenstore-ls / | head -n 20 | tr '\n' ' ')"
	sleep 0.2
done
pool_back "$free0" 8 "20 guests"
held=$(p info root | sed -n 's/^Mappings held: \([0-9]*\) .*/\1/p')
[ "${held:-0}" -eq 0 ] || fail "the root still holds $held grant mappings"
pidof partita-backd >/dev/null || fail "partita-backd is gone"
pidof partita-stored >/dev/null || fail "partita-stored is gone"
[ "$(fds partita-backd)" -eq "$backd_fds0" ] ||
	fail "partita-backd holds $(fds partita-backd) files, not $backd_fds0: $(ls -l /proc/$(pidof partita-backd)/fd | tail -n 5)"
[ "$(fds partita-stored)" -eq "$stored_fds0" ] ||
	fail "partita-stored holds $(fds partita-stored) files, not $stored_fds0"
[ "$(root_ports)" -eq "$ports0" ] || fail "the root has $(root_ports) event ports in use, not $ports0"
step "after: $(store_nodes) store lines, $(pool_free) bytes free, $held mappings held, $(fds partita-backd)/$(fds partita-stored) fds, $(root_ports) root ports"
echo "RESULT $name PASS"
