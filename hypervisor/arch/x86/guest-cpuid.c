// SPDX-License-Identifier: GPL-2.0-only
/* The CPUID view of a guest: host leaves, minus what we do not virtualise,
 * plus Partita's discovery leaves. */
#include <arch/guest-emul.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/time.h>
#include <partita/cpuid.h>
#include <partita/msr.h>

#define CPUID1_ECX_MONITOR BIT(3)
#define CPUID1_ECX_VMX BIT(5)
#define CPUID1_ECX_XSAVE BIT(26)
#define CPUID1_ECX_OSXSAVE BIT(27)
#define CPUID1_ECX_AVX BIT(28)
#define CPUID_EXT_ECX_SVM BIT(2)

static void partita_leaf(u32 leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	switch (leaf) {
	case PT_CPUID_LEAF_VENDOR:
		*r = (struct cpuid_regs){ PT_CPUID_LEAF_MAX, PT_CPUID_SIG_EBX,
					  PT_CPUID_SIG_ECX, PT_CPUID_SIG_EDX };
		break;
	case PT_CPUID_LEAF_VERSION:
		r->eax = PT_INTERFACE_VERSION;
		r->ebx = PARTITA_FEATURES;
		break;
	case PT_CPUID_LEAF_MSRS:
		r->eax = PT_MSR_GUEST_OS_ID;
		r->ebx = PT_MSR_HYPERCALL;
		r->ecx = PT_MSR_VP_ASSIST;
		break;
	case PT_CPUID_LEAF_LIMITS:
		r->eax = PT_HC_REP_MAX;
		r->ebx = PT_HC_ENTRY_BUDGET_US;
		r->ecx = MAX_PARTITIONS;
		r->edx = MAX_VCPUS;
		break;
	case PT_CPUID_LEAF_TIME:
		r->eax = (u32)hv_time.tsc_khz;
		r->ebx = (u32)(hv_time.tsc_khz >> 32);
		break;
	}
}

/*
 * The root owns its CPU and its FPU state (the hypervisor never touches
 * it), so it keeps XSAVE and AVX; it loses only SVM and sees Partita.
 */
static void root_cpuid(u32 leaf, struct cpuid_regs *r)
{
	if (leaf == 1)
		r->ecx |= (u32)BIT(PT_CPUID_HV_PRESENT_BIT);
	else if (leaf == 0x80000001)
		r->ecx &= ~(u32)CPUID_EXT_ECX_SVM;
	else if (leaf == 0x8000000A)
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
}

void guest_cpuid(const struct vcpu *v, u32 leaf, u32 subleaf,
		 struct cpuid_regs *r)
{
	if (leaf >= PT_CPUID_LEAF_VENDOR && leaf <= 0x4000FFFF) {
		partita_leaf(leaf, r);
		return;
	}
	cpuid(leaf, subleaf, r);
	if (v->part->id == ROOT_PARTITION_ID) {
		root_cpuid(leaf, r);
		return;
	}
	switch (leaf) {
	case 1:
		/* No XSAVE: we switch only the legacy FPU/SSE state. */
		r->ecx &= ~(u32)(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX |
				 CPUID1_ECX_XSAVE | CPUID1_ECX_OSXSAVE |
				 CPUID1_ECX_AVX);
		r->ecx |= (u32)BIT(PT_CPUID_HV_PRESENT_BIT);
		/* The initial APIC ID names the vCPU, not the host CPU. */
		r->ebx = (r->ebx & 0x00FFFFFFu) | (v->index << 24);
		break;
	case 7:
		r->ebx = r->ecx = r->edx = 0; /* no AVX2/AVX-512 et al. */
		break;
	case 0xD:
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	case 0x80000001:
		r->ecx &= ~(u32)CPUID_EXT_ECX_SVM; /* no nesting */
		break;
	case 0x8000000A:
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	}
}
