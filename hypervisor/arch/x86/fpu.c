// SPDX-License-Identifier: GPL-2.0-only
/* Lazy FPU/SSE state switching between vCPUs (the same on every vendor). */
#include <arch/vcpu-state.h>
#include <hv/arch.h>
#include <hv/partition.h>

void arch_fpu_switch(struct vcpu *prev, struct vcpu *next)
{
	if (prev)
		__asm__ volatile("fxsave64 %0" : "=m"(prev->arch.fpu));
	if (next)
		__asm__ volatile("fxrstor64 %0" ::"m"(next->arch.fpu));
}
