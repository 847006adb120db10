#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Root-side check that COM2 (the hypervisor's log port) is denied to the root partition.
#
# The hypervisor makes COM2 read as absent: Linux finds no UART at 0x2F8,
# /dev/ttyS1 cannot be opened, and port writes go nowhere. The marker
# strings below must never reach the hypervisor log; the harness rejects
# them on COM2 (--reject ROOT-MARKER-COM2), this script checks what the root
# itself can see. Prints "RESULT com2-denied/<check> PASS|FAIL".
fails=0
result() { # result CHECK PASS|FAIL DETAIL
	echo "RESULT com2-denied/$1 $2 $3"
	[ "$2" = PASS ] || fails=$((fails + 1))
}
port_read() { # port_read PORT: one byte from an I/O port, as two hex digits
	dd if=/dev/port bs=1 skip="$1" count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'
}
port_write() { # port_write PORT STRING: each byte of STRING to the same port
	s=$2
	while [ -n "$s" ]; do
		c=${s%"${s#?}"}
		s=${s#?}
		printf '%s' "$c" | dd of=/dev/port bs=1 seek="$1" count=1 conv=notrunc 2>/dev/null
	done
}

line=$(grep -i 'port:000002F8' /proc/tty/driver/serial 2>/dev/null)
case "$line" in
"" | *uart:unknown*) result proc-serial PASS "no UART at 0x2F8: ${line:-no line}" ;;
*) result proc-serial FAIL "Linux sees a UART at 0x2F8: $line" ;;
esac

if [ -e /dev/ttyS1 ] &&
	err=$(timeout 5 sh -c 'echo ROOT-MARKER-COM2-TTY >/dev/ttyS1' 2>&1); then
	result tty-write FAIL "/dev/ttyS1 accepted a write"
else
	result tty-write PASS "refused: ${err:-no /dev/ttyS1}"
fi

if [ ! -c /dev/port ]; then
	result port-scratch FAIL "no /dev/port"
else
	port_write $((0x2FF)) Z   # scratch register: 0x5A reads back on a real UART
	scr=$(port_read $((0x2FF)))
	lsr=$(port_read $((0x2FD)))
	if [ "$scr" = 5a ]; then
		result port-scratch FAIL "scratch register kept 0x5a (lsr 0x$lsr)"
	else
		result port-scratch PASS "scratch 0x$scr, lsr 0x$lsr"
	fi
	port_write $((0x2F8)) "ROOT-MARKER-COM2-PORT
"
	result port-write PASS "wrote a marker to 0x2F8 and kept running"
fi

if [ $fails -eq 0 ]; then
	echo "RESULT com2-denied PASS"
else
	echo "RESULT com2-denied FAIL $fails check(s)"
fi
exit 0
