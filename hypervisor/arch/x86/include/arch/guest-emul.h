/* SPDX-License-Identifier: GPL-2.0-only */
/* Vendor-neutral emulation of the CPUID leaves and MSRs guests see. */
#ifndef ARCH_GUEST_EMUL_H
#define ARCH_GUEST_EMUL_H

#include <arch/x86.h>

struct vcpu;

void guest_cpuid(const struct vcpu *v, u32 leaf, u32 subleaf,
		 struct cpuid_regs *r);

/* Return 0, or -1 when the guest must get #GP. */
int guest_rdmsr(struct vcpu *v, u32 msr, u64 *value);
int guest_wrmsr(struct vcpu *v, u32 msr, u64 value);

/* The vendor's call stub ("vmmcall; ret" on SVM), in hypercall pages. */
extern const u8 arch_hypercall_stub[];
extern const u32 arch_hypercall_stub_len;

#endif
