/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for the x86 vCPU state: what the shim's vCPU hooks record. */
#ifndef ARCH_VCPU_STATE_H
#define ARCH_VCPU_STATE_H

#include <hv/types.h>

struct arch_vcpu {
	u64 entry; /* arguments of the last arch_vcpu_init */
	u64 rdi;
	u64 rsi;
	u32 init_calls;
	u64 runs;    /* arch_vcpu_run calls */
	u32 flushes; /* arch_npt_flush calls on its partition */
};

#endif
