/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 state of a virtual processor kept by the hypervisor. */
#ifndef ARCH_VCPU_STATE_H
#define ARCH_VCPU_STATE_H

#include <hv/hcall.h>
#include <hv/types.h>

/*
 * Guest registers that VMRUN does not keep in the VMCB; order is ABI with
 * svm/vmrun.asm. RSP lives in the VMCB, and RAX too (copied here around
 * VMRUN). The four registers of the hypercall convention come first, as a
 * struct hcall_regs, so that the dispatcher reads and writes them in place
 * instead of through a copy on every call.
 */
struct guest_gprs {
	union {
		struct hcall_regs hcall;
		struct {
			u64 rax, rcx, rdx, r8;
		};
	};
	u64 rbx, rsi, rdi, rbp;
	u64 r9, r10, r11, r12, r13, r14, r15;
};

/* The offsets svm/vmrun.asm uses, and the alias the dispatcher relies on. */
_Static_assert(offsetof(struct guest_gprs, r8) ==
			       offsetof(struct guest_gprs, hcall.r8) &&
		       offsetof(struct guest_gprs, rcx) == 0x08 &&
		       offsetof(struct guest_gprs, r8) == 0x18 &&
		       offsetof(struct guest_gprs, rbx) == 0x20 &&
		       offsetof(struct guest_gprs, r15) == 0x70,
	       "guest_gprs layout differs from vmrun.asm's");

struct vmcb;

struct arch_vcpu {
	u64 vmcb_pa;
	struct vmcb *vmcb;
	struct guest_gprs regs;
	u32 asid;
	u32 last_cpu;		 /* flush the TLB when it moves or first runs */
	volatile bool flush_tlb; /* its nested map lost a page: flush */
	/* What the last VMRUN started from, for the report of an exit that
	 * kills the guest (svm-exit-report.c): the VMCB's RIP, EVENTINJ and
	 * V_IRQ state are rewritten by the exit itself. */
	u64 entry_rip, entry_event_inject, entry_int_ctl;
	u8 fpu[512] __attribute__((aligned(16))); /* fxsave image */
};

#endif
