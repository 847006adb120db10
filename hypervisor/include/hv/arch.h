/* SPDX-License-Identifier: GPL-2.0-only */
/* The hooks generic code calls and each architecture implements. */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include "types.h"

struct vcpu;
struct partition;
struct boot_info;
struct percpu;

/*
 * Contract: every hook below is called with host interrupts disabled unless
 * it says otherwise, and only on the calling physical CPU unless it names
 * another one.
 */

/* Bring-up, in this order, from hv_main (core/main.c): */
/* Moves the boot CPU onto its own stack and runs fn(bi) there. */
void arch_switch_to_boot_stack(struct boot_info *bi,
			       void (*fn)(struct boot_info *));
/* Tables, timers, calibration and the vendor extension on the boot CPU. */
void arch_init_boot_cpu(struct boot_info *bi);
/* Starts the other CPUs into the scheduler. */
void arch_start_other_cpus(struct boot_info *bi);

#ifdef HV_ARCH_INLINE_HOOKS
/* The hooks of the #else branch, inline: they are on every exit's round
 * trip. */
#include <arch/hooks-inline.h>
#else
/* Time stamp counter: constant rate, synchronised across CPUs. */
u64 arch_tsc(void);
/* Index (0..n-1) of the physical CPU we run on. */
u32 arch_cpu_id(void);
/* Lets pending host interrupts run (timer, kicks), then disables them. */
void arch_irq_window(void);
/* The generic part of CPU `cpu`'s state (hv/percpu.h), and of ours. */
struct percpu *arch_percpu(u32 cpu);
struct percpu *arch_percpu_this(void);
#endif

u32 arch_cpu_count(void);
/* Whether CPU `cpu` came up, and its local APIC ID. */
bool arch_cpu_online(u32 cpu);
u32 arch_cpu_apic_id(u32 cpu);

/* Writes raw log text to the hypervisor's own port (never root's console). */
void arch_log_port_write(const char *s, size_t len);

/* Makes `cpu` leave guest mode or idle and look at its run queue again. */
void arch_kick_cpu(u32 cpu);

/* Arms this CPU's one-shot timer for an absolute time (ns); 0 disarms. */
void arch_timer_arm(u64 deadline_ns);

/* Sleeps until an interrupt arrives; returns with interrupts disabled. */
void arch_idle(void);

__attribute__((noreturn)) void arch_poweroff(void);
__attribute__((noreturn)) void arch_halt_all(void);

/* Nested paging: a partition's guest-physical to host-physical map. */
#define NPT_READ BIT(0)
#define NPT_WRITE BIT(1)
#define NPT_EXEC BIT(2)
#define NPT_RWX (NPT_READ | NPT_WRITE | NPT_EXEC)

/* Builds an empty nested page table owned by the partition. */
int arch_npt_init(struct partition *p);
/* Maps one 4 KiB page; allocates table frames owned by the partition. */
int arch_npt_map(struct partition *p, u64 gpa, u64 hpa, u32 flags);
/* Maps a naturally aligned 4 KiB, 2 MiB or 1 GiB page. */
int arch_npt_map_large(struct partition *p, u64 gpa, u64 hpa, u64 size,
		       u32 flags);
/* Removes a 4 KiB mapping made with arch_npt_map; -1 if there is none.
 * The old translation may stay cached until arch_npt_flush. */
int arch_npt_unmap(struct partition *p, u64 gpa);
/*
 * Returns once no CPU can use a translation of p's nested table from
 * before the call: vCPUs flush their TLB at their next entry, and a vCPU
 * in guest mode on another CPU is made to leave it first.
 */
void arch_npt_flush(struct partition *p);
/* The root's grant window: root-physical addresses above everything the
 * machine has, reserved in its e820 map and left out of its identity map. */
void arch_root_grant_window(u64 *base, u64 *size);
/*
 * Is the root-physical address in RAM the root was given (an e820 RAM
 * entry), and not page 0, which the hypervisor leaves unmapped? The
 * root's identity map also covers MMIO, where a read can have side
 * effects: the hypervisor touches root memory only where this holds.
 */
bool arch_root_ram(u64 gpa);
/* Returns the host address for `gpa`, or NPT_NO_PAGE; sets *flags. */
#define NPT_NO_PAGE (~0ull)
u64 arch_npt_lookup(const struct partition *p, u64 gpa, u32 *flags);

/* vCPU state: registers, control block, FPU. */
int arch_vcpu_init(struct vcpu *v, u64 entry, u64 rdi, u64 rsi);
/* Gives back what arch_vcpu_init took, for a vCPU that never ran. */
void arch_vcpu_release(struct vcpu *v);

/* What the scheduler should do after arch_vcpu_run returns. */
enum vcpu_action {
	VCPU_CONTINUE, /* run it again when it is picked */
	VCPU_YIELD,    /* give the rest of the slice away */
	VCPU_BLOCK,    /* sleep until an event or its deadline */
	VCPU_GONE,     /* its partition is shutting down or was killed */
};

/*
 * Enters the guest and handles the exit it comes back with, and goes on
 * doing so while the exit needed nothing of the scheduler (VCPU_CONTINUE)
 * and sched_vcpu_may_stay(v, deadline_tsc) (hv/sched-stay.h) agrees,
 * with an interrupt window between two entries. deadline_tsc 0: one
 * entry only. May return VCPU_CONTINUE sooner; the caller asks again.
 */
enum vcpu_action arch_vcpu_run(struct vcpu *v, u64 deadline_tsc);

/* Writes the architecture's part of a new guest's boot layout (start-info.h:
 * descriptor table, page tables over its RAM and the grant window) into
 * its memory; 0 or -1. */
int arch_write_guest_boot_tables(struct partition *p);

/* Saves `prev`'s FPU/SSE state and loads `next`'s (either may be NULL). */
void arch_fpu_switch(struct vcpu *prev, struct vcpu *next);

/* Host-virtual address of host-physical memory (identity in the hypervisor).
 * Only addresses below arch_phys_mapped_limit() are reachable. */
void *phys_to_virt(u64 pa);
u64 arch_phys_mapped_limit(void);

#endif
