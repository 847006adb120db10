/* SPDX-License-Identifier: GPL-2.0-only */
/* Whether a vCPU that handled its own exit may re-enter its guest at once. */
#ifndef HV_SCHED_STAY_H
#define HV_SCHED_STAY_H

#include "arch.h"
#include "log.h"
#include "partition.h"
#include "percpu.h"

/*
 * Asked after every exit a vCPU handled itself (a hypercall, CPUID), by
 * the architecture's run loop and again by the scheduler's: the vCPU goes
 * straight back in unless its slice ended (deadline_tsc), its CPU was
 * kicked, it stopped being runnable, its partition was paused, or the log
 * or a teardown has background work for this CPU. Inline: it is on every
 * such exit's round trip.
 */
static inline bool sched_vcpu_may_stay(const struct vcpu *v, u64 deadline_tsc)
{
	return !arch_percpu_this()->sched.kicked &&
	       v->state == VCPU_STATE_RUNNABLE && !READ_ONCE(v->part->paused) &&
	       arch_tsc() < deadline_tsc && !log_port_pending() &&
	       !partition_teardown_pending();
}

#endif
