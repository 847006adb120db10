/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 hooks on every exit's round trip, inline in the hypervisor's build. */
#ifndef ARCH_HOOKS_INLINE_H
#define ARCH_HOOKS_INLINE_H

/*
 * Included by hv/arch.h when HV_ARCH_INLINE_HOOKS is defined (the
 * hypervisor itself). Host unit tests leave it undefined and link shims
 * of these hooks instead, which is why they are not simply inline there.
 */
#include <arch/cpu-local.h>
#include <arch/x86.h>

static inline u64 arch_tsc(void)
{
	return rdtsc();
}

static inline u32 arch_cpu_id(void)
{
	return this_cpu()->id;
}

static inline struct percpu *arch_percpu(u32 cpu)
{
	return &cpu_locals[cpu]->core;
}

static inline struct percpu *arch_percpu_this(void)
{
	return &this_cpu()->core;
}

static inline void arch_irq_window(void)
{
	/* sti holds interrupts off for one more instruction: two nops let
	 * a pending one in before cli. */
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
}

#endif
