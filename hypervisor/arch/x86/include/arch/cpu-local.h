/* SPDX-License-Identifier: GPL-2.0-only */
/* A CPU's state, all of it, found from the stack pointer of the running CPU. */
#ifndef ARCH_CPU_LOCAL_H
#define ARCH_CPU_LOCAL_H

#include <hv/limits.h>
#include <hv/percpu.h>
#include <hv/types.h>

/*
 * Every CPU runs on a CPU_STACK_SIZE stack aligned to its size, with its
 * cpu_local at the bottom, so `rsp & ~(size-1)` finds it without a
 * segment register (FS/GS hold the guest's values after VMRUN).
 */
#define CPU_STACK_SIZE (32 * 1024ull)

struct cpu_local {
	u32 id;
	u32 apic_id;
	u64 hsave_pa; /* SVM host save area */
	volatile bool online;
	volatile bool nmi_for_root; /* taken in host mode, Linux's to see */
	/* The vCPU in guest mode on this CPU (NULL: in the hypervisor), and
	 * how many times it left guest mode: arch_npt_flush waits on them. */
	void *volatile in_guest;
	volatile u64 guest_exits;
	u64 stack_top;
	/* The control block (VMCB) that ran here last: a different one
	 * means the TLB may hold another vCPU's translations. */
	u64 last_control_pa;
	/* Generic code's part: run queue and the rest (hv/percpu.h). */
	struct percpu core;
};

static inline struct cpu_local *this_cpu(void)
{
	u64 rsp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	return (struct cpu_local *)(rsp & ~(CPU_STACK_SIZE - 1));
}

extern struct cpu_local *cpu_locals[MAX_CPUS];

#endif
