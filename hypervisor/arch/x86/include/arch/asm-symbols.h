/* SPDX-License-Identifier: GPL-2.0-only */
/* What the x86 assembly files (idt-stubs.asm, ap-trampoline.asm) define. */
#ifndef ARCH_ASM_SYMBOLS_H
#define ARCH_ASM_SYMBOLS_H

#include <hv/types.h>

/* idt-stubs.asm: one entry stub per vector, for the IDT. */
extern const u64 isr_table[256];
/* Reloads CS, DS, ES, SS after the GDT changed. */
void load_segments(void);
/* Runs fn(arg) on the stack ending at stack_top. */
void call_on_stack(void *arg, void (*fn)(void *), u64 stack_top);

/* ap-trampoline.asm: the real-mode start code copied below 1 MiB for the
 * other CPUs, and its parameter block (struct ap_params in init.c). */
extern const u8 ap_trampoline_start[], ap_trampoline_end[];
extern const u8 ap_trampoline_params[];

#endif
