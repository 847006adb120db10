/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 state of a virtual processor kept by the hypervisor. */
#ifndef ARCH_VCPU_STATE_H
#define ARCH_VCPU_STATE_H

#include <hv/types.h>

/* Guest registers that VMRUN does not keep in the VMCB; order is ABI with
 * svm/vmrun.asm. RAX and RSP live in the VMCB. */
struct guest_gprs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rax; /* copied to and from the VMCB around VMRUN */
};

struct vmcb;

struct arch_vcpu {
	u64 vmcb_pa;
	struct vmcb *vmcb;
	struct guest_gprs regs;
	u32 asid;
	u32 last_cpu;		 /* flush the TLB when it moves or first runs */
	volatile bool flush_tlb; /* its nested map lost a page: flush */
	u8 fpu[512] __attribute__((aligned(16))); /* fxsave image */
};

#endif
