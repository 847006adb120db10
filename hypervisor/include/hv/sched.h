/* SPDX-License-Identifier: GPL-2.0-only */
/* The scheduler: weighted (stride) sharing of physical CPUs by vCPUs. */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include "types.h"

struct vcpu;

#define SCHED_SLICE_NS 10000000ull	 /* 10 ms */
#define SCHED_CAP_PERIOD_NS 100000000ull /* a cap is a share of 100 ms */
#define SCHED_MAX_VCPUS_PER_CPU 64

void sched_init(u32 cpu_count);
/* Puts a new vCPU on its CPU's run queue. */
int sched_add_vcpu(struct vcpu *v);
/* Free run queue places on `cpu` (0 for a CPU the scheduler lacks). */
u32 sched_room(u32 cpu);
/* Makes a vCPU runnable (it has an event); safe from any CPU. */
void sched_wake(struct vcpu *v);
/* Charge `ns` of CPU time to the vCPU that used it. */
void sched_charge(struct vcpu *v, u64 ns);
/* The loop each CPU runs; CPU 0 returns once no partition is left. */
void sched_run_cpu(void);
/* Takes a vCPU of an ending partition off its CPU at the next chance. */
void sched_mark_dead(struct vcpu *v);
/* Host interrupt handlers call this: the CPU must look at its queue. */
void sched_interrupt(void);
/* Re-arms this CPU's timer after a vCPU changed its deadline. */
void sched_timer_changed(struct vcpu *v);

/*
 * Runtime affinity (vcpu-pin): v may use the CPUs of `mask` from now on.
 * It stays where it is if that CPU is in mask; else the CPU of mask with
 * the most room is chosen and v's CPU is asked to move it there between
 * two runs. *cpu: where it will run. -1 (nothing changed) when no CPU of
 * mask has room. The caller checked mask against the CPUs guests use.
 */
int sched_set_affinity(struct vcpu *v, u64 mask, u32 *cpu);
/* What each CPU's loop does when asked to: moves pinned vCPUs away. */
void sched_move_vcpus(u32 cpu);
/* Whether v is its CPU's current vCPU (running, or picked to run next). */
bool sched_vcpu_running(const struct vcpu *v);

/* For the pure selection logic (unit-tested): index of the vCPU to run. */
struct sched_candidate {
	u64 pass;
	bool runnable;
};
int sched_pick_index(const struct sched_candidate *c, int n);
/*
 * Whether a vCPU may run now (runnable, not paused, within its cap), and
 * if its cap holds it back, until when (*until, else left alone).
 */
bool sched_may_run(const struct vcpu *v, u64 now, u64 *until);
/* When a capped vCPU that starts running at `now` must stop (~0: never). */
u64 sched_cap_deadline(const struct vcpu *v, u64 now);
u64 sched_pass_increment(u64 ns, u32 weight);

#endif
