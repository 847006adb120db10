// SPDX-License-Identifier: GPL-2.0-only
/* AMD SVM set-up: enabling it per CPU and building each vCPU's VMCB. */
#include "vmcb.h"
#include <arch/cpu-local.h>
#include <arch/guest-emul.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <partita/start-info.h>
#include <string.h>

/* vmmcall; ret — the page hides the vendor instruction from guests. */
const u8 arch_hypercall_stub[] = { 0x0F, 0x01, 0xD9, 0xC3 };
const u32 arch_hypercall_stub_len = sizeof(arch_hypercall_stub);

static u64 msrpm_pa, iopm_pa;
bool svm_has_nrip;

#define MSRPM_SIZE (2 * PAGE_SIZE)
#define IOPM_SIZE (3 * PAGE_SIZE)
#define VM_CR_SVMDIS BIT(4)

/* Lets the guest access an MSR directly (both read and write). */
static void msrpm_allow(u8 *msrpm, u32 msr)
{
	u32 base;

	if (msr <= 0x1FFF)
		base = 0;
	else if (msr >= 0xC0000000 && msr <= 0xC0001FFF)
		base = 0x800 * 8, msr -= 0xC0000000;
	else
		return;
	msrpm[(base + msr * 2) / 8] &= (u8)~(3u << ((base + msr * 2) % 8));
}

void svm_init_global(void)
{
	static const u32 direct_msrs[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
		0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, /* syscall */
		0x174, 0x175, 0x176, /* sysenter */
	};
	struct cpuid_regs r;
	u8 *msrpm, *iopm;

	cpuid(0x80000001, 0, &r);
	if (!(r.ecx & BIT(2)))
		panic("this CPU has no AMD SVM");
	cpuid(0x8000000A, 0, &r);
	if (!(r.edx & BIT(0)))
		panic("this CPU has SVM but no nested paging");
	svm_has_nrip = (r.edx & BIT(3)) != 0;
	hv_info("SVM: nested paging, %u ASIDs, NRIP save %s", r.ebx,
		svm_has_nrip ? "yes" : "no (RIP advanced by decoding)");

	/* Intercept every MSR and port but the ones VMLOAD/VMSAVE switch. */
	msrpm = heap_alloc(MSRPM_SIZE, PAGE_SIZE);
	memset(msrpm, 0xFF, MSRPM_SIZE);
	for (u32 i = 0; i < ARRAY_SIZE(direct_msrs); i++)
		msrpm_allow(msrpm, direct_msrs[i]);
	iopm = heap_alloc(IOPM_SIZE, PAGE_SIZE);
	memset(iopm, 0xFF, IOPM_SIZE);
	msrpm_pa = (u64)msrpm;
	iopm_pa = (u64)iopm;
}

void svm_init_cpu(void)
{
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		panic("SVM is disabled by the firmware");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, this_cpu()->hsave_pa);
}

static struct vmcb_segment segment(u16 sel, u16 attrib)
{
	return (struct vmcb_segment){ sel, attrib, 0xFFFFFFFF, 0 };
}

/* The state promised in protocols/partita/start-info.h. */
static void init_guest_state(struct vmcb *vmcb, u64 entry)
{
	vmcb->cs = segment(PT_GUEST_CODE_SELECTOR, 0xA9B); /* L, P, code */
	vmcb->ds = vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs =
		segment(PT_GUEST_DATA_SELECTOR, 0xC93);
	vmcb->gdtr = (struct vmcb_segment){ 0, 0, 23, PT_GUEST_GDT_GPA };
	vmcb->idtr = (struct vmcb_segment){ 0, 0, 0, 0 };
	vmcb->ldtr = (struct vmcb_segment){ 0, 0x82, 0, 0 };
	vmcb->tr = (struct vmcb_segment){ 0, 0x8B, 0x67, 0 };
	vmcb->cpl = 0;
	vmcb->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	vmcb->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	vmcb->cr3 = PT_GUEST_PAGE_TABLE_GPA;
	vmcb->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	vmcb->rflags = 0x2;
	vmcb->rip = entry;
	vmcb->dr6 = 0xFFFF0FF0;
	vmcb->dr7 = 0x400;
	vmcb->g_pat = 0x0007040600070406ull; /* the reset value */
}

int arch_vcpu_init(struct vcpu *v, u64 entry, u64 rdi, u64 rsi)
{
	u64 pa = frame_alloc((u16)v->part->id, FRAME_KIND_CONTROL);
	struct vmcb *vmcb;

	if (!pa)
		return -1;
	vmcb = phys_to_virt(pa);
	v->arch.vmcb_pa = pa;
	v->arch.vmcb = vmcb;
	v->arch.asid = v->part->id * MAX_VCPUS + v->index + 1;
	v->arch.last_cpu = ~0u;
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.rdi = rdi;
	v->arch.regs.rsi = rsi;

	vmcb->intercept_misc1 =
		SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
		SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD |
		SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA |
		SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
		SVM_INTERCEPT_TASK_SWITCH | SVM_INTERCEPT_SHUTDOWN;
	vmcb->intercept_misc2 =
		SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
		SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
		SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI | SVM_INTERCEPT_SKINIT |
		SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT |
		SVM_INTERCEPT_XSETBV;
	vmcb->iopm_base_pa = iopm_pa;
	vmcb->msrpm_base_pa = msrpm_pa;
	vmcb->guest_asid = v->arch.asid;
	vmcb->int_ctl = SVM_V_INTR_MASKING;
	vmcb->np_enable = 1;
	vmcb->n_cr3 = v->part->npt_root;
	init_guest_state(vmcb, entry);

	/* A clean FPU: FCW and MXCSR at their reset values. */
	memset(v->arch.fpu, 0, sizeof(v->arch.fpu));
	*(u16 *)&v->arch.fpu[0] = 0x037F;
	*(u32 *)&v->arch.fpu[24] = 0x1F80;
	return 0;
}

void arch_fpu_switch(struct vcpu *prev, struct vcpu *next)
{
	if (prev)
		__asm__ volatile("fxsave64 %0" : "=m"(prev->arch.fpu));
	if (next)
		__asm__ volatile("fxrstor64 %0" ::"m"(next->arch.fpu));
}
