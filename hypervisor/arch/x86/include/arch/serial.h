/* SPDX-License-Identifier: GPL-2.0-only */
/* The log port: a 16550 UART (COM2) written without interrupts. */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

void serial_init(void);
/* Waits until the UART has sent everything it holds (before power-off). */
void serial_drain(void);

#endif
