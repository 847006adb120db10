// SPDX-License-Identifier: GPL-2.0-only
/* The hypervisor log port: a 16550 UART on COM2, never root's COM1. */
#include <arch/serial.h>
#include <arch/x86.h>
#include <hv/arch.h>

#define LOG_PORT 0x2F8 /* COM2 */
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

void serial_init(void)
{
	outb(LOG_PORT + UART_IER, 0x00); /* polled: no interrupts */
	outb(LOG_PORT + UART_LCR, 0x80); /* divisor latch */
	outb(LOG_PORT + 0, 0x01);	 /* 115200 baud */
	outb(LOG_PORT + 1, 0x00);
	outb(LOG_PORT + UART_LCR, 0x03); /* 8N1 */
	outb(LOG_PORT + UART_FCR, 0x07);
	outb(LOG_PORT + UART_MCR, 0x03);
}

void arch_log_port_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			while (!(inb(LOG_PORT + UART_LSR) & UART_LSR_THRE))
				;
			outb(LOG_PORT + UART_THR, '\r');
		}
		while (!(inb(LOG_PORT + UART_LSR) & UART_LSR_THRE))
			;
		outb(LOG_PORT + UART_THR, (u8)s[i]);
	}
}

/* Waits until the last byte has left the UART (before power-off). */
void serial_drain(void)
{
	while (!(inb(LOG_PORT + UART_LSR) & UART_LSR_TEMT))
		;
}
