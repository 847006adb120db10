/* SPDX-License-Identifier: GPL-2.0-only */
/* The generic part of a physical CPU's state, kept inside the arch's per-CPU block. */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include "sched.h"
#include "spinlock.h"
#include "types.h"

struct vcpu;

/*
 * All of one CPU's state lives in one structure: the architecture's
 * per-CPU block (arch/x86: struct cpu_local, at the bottom of the CPU's
 * stack) embeds struct percpu, the part generic code owns. Generic code
 * reaches it only through the hooks arch_percpu()/arch_percpu_this()
 * (hv/arch.h), so there is no second array indexed by CPU number to keep
 * in step with the first.
 */

/* The scheduler's run queue of this CPU (core/sched.c). */
struct sched_cpu {
	struct spinlock lock;
	struct vcpu *vcpus[SCHED_MAX_VCPUS_PER_CPU];
	u32 count;
	struct vcpu *current;
	struct vcpu *fpu_owner;
	u64 slice_end_ns;
	u64 vtime; /* pass of the vCPU picked last */
	u64 armed_ns;
	volatile bool kicked;
	volatile bool moves; /* a vCPU here was pinned elsewhere */
};

struct percpu {
	struct sched_cpu sched;
};

#endif
