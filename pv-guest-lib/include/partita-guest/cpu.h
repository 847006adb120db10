/* SPDX-License-Identifier: MIT */
/* Thin inline wrappers for the x86 instructions a Partita guest uses. */
#ifndef PARTITA_GUEST_CPU_H
#define PARTITA_GUEST_CPU_H

#include <stdint.h>

struct pt_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct pt_cpuid_regs pt_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct pt_cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/*
 * RDMSR/WRMSR of an MSR the hypervisor does not know raise #GP; use
 * pt_rdmsr_safe()/pt_wrmsr_safe() (events.h) when that is a possibility.
 */
static inline uint64_t pt_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void pt_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)value),
			   "d"((uint32_t)(value >> 32))
			 : "memory");
}

static inline uint64_t pt_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* RDTSC that does not start before earlier instructions have finished. */
static inline uint64_t pt_rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void pt_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline void pt_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void pt_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/* Disables interrupts and returns the previous RFLAGS for pt_irq_restore. */
static inline uint64_t pt_irq_save(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void pt_irq_restore(uint64_t flags)
{
	__asm__ volatile("pushq %0; popfq" : : "r"(flags) : "memory", "cc");
}

/*
 * Enables interrupts and halts in one step: STI's one-instruction shadow
 * means an interrupt that is already pending wakes the HLT instead of being
 * taken before it. Returns with interrupts disabled again, so the caller
 * re-checks its wake-up condition without a race.
 */
static inline void pt_safe_halt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static inline uint64_t pt_read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t pt_read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void pt_invlpg(const volatile void *addr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

/* Guest-physical address of a guest object: guest RAM is identity-mapped. */
static inline uint64_t pt_gpa(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif
