/* SPDX-License-Identifier: MIT */
/* Guest text output through PT_CALL_CONSOLE_WRITE into the hypervisor log. */
#ifndef PARTITA_GUEST_CONSOLE_H
#define PARTITA_GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The hypervisor logs one line per newline-terminated line, tagged with the
 * partition; write whole lines so that vCPUs do not interleave mid-line.
 * Each call below is one console write (text beyond PT_CONSOLE_WRITE_MAX
 * is cut). Safe in upcall handlers: interrupts are off while the per-vCPU
 * staging page is in use. Output is dropped while the hypercall page is
 * not enabled. Return: bytes written, or a negated status.
 */
int pt_puts(const char *text); /* adds no newline */
int pt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pt_vprintf(const char *fmt, va_list ap);

/*
 * Prints "PANIC: <message>" and shuts the partition down with
 * PT_SHUTDOWN_CRASH; a triple fault when there is no hypercall page.
 */
__attribute__((noreturn, format(printf, 1, 2))) void pt_panic(const char *fmt,
							      ...);

#endif
