// SPDX-License-Identifier: GPL-2.0-only
/* AMD SVM set-up: enabling it per CPU and building each vCPU's VMCB. */
#include "svm.h"
#include <arch/vendor.h>
#include "vmcb.h"
#include <arch/cpu-local.h>
#include <arch/guest-emul.h>
#include <arch/root.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <partita/start-info.h>
#include <string.h>

/*
 * endbr64; vmmcall; ret. The page hides the vendor instruction from guests;
 * endbr64 makes it a valid indirect-call target for kernels built with
 * IBT (Debian's is) and is a no-op on CPUs without CET.
 */
const u8 arch_hypercall_stub[] = { 0xF3, 0x0F, 0x1E, 0xFA,
				   0x0F, 0x01, 0xD9, 0xC3 };
const u32 arch_hypercall_stub_len = sizeof(arch_hypercall_stub);

static u64 msrpm_pa, iopm_pa;
static u32 asid_count = 2; /* CPUID 0x8000000A EBX; ASID 0 is the host */
static u64 root_msrpm_pa, root_iopm_pa;
bool svm_has_nrip;
u64 svm_efer_writable;

#define MSRPM_SIZE (2 * PAGE_SIZE)
#define IOPM_SIZE (3 * PAGE_SIZE)
#define VM_CR_SVMDIS BIT(4)

/* Bit index of an MSR's read intercept in the MSR permission map (the
 * write intercept is the next bit); AMD APM vol. 2, 15.11. */
static long msrpm_bit(u32 msr)
{
	if (msr <= 0x1FFF)
		return msr * 2;
	if (msr >= 0xC0000000 && msr <= 0xC0001FFF)
		return 0x800 * 8 + (msr - 0xC0000000) * 2;
	if (msr >= 0xC0010000 && msr <= 0xC0011FFF)
		return 0x1000 * 8 + (msr - 0xC0010000) * 2;
	return -1;
}

/* Lets the guest access an MSR directly (both read and write). */
static void msrpm_allow(u8 *msrpm, u32 msr)
{
	long bit = msrpm_bit(msr);

	if (bit >= 0)
		msrpm[bit / 8] &= (u8) ~(3u << (bit % 8));
}

static void msrpm_trap(u8 *msrpm, u32 msr, bool reads, bool writes)
{
	long bit = msrpm_bit(msr);

	if (bit < 0)
		return;
	if (reads)
		msrpm[bit / 8] |= (u8)(1u << (bit % 8));
	if (writes)
		msrpm[(bit + 1) / 8] |= (u8)(1u << ((bit + 1) % 8));
}

static void iopm_trap(u8 *iopm, u16 port, u32 count)
{
	for (u32 p = port; p < port + count; p++)
		iopm[p / 8] |= (u8)(1u << (p % 8));
}

/*
 * The root owns its CPU: it reaches MSRs and ports directly, except EFER
 * writes (SVME must stay on), the SVM MSRs, COM2 and PCI configuration.
 */
static void build_root_maps(void)
{
	u8 *msrpm = heap_alloc(MSRPM_SIZE, PAGE_SIZE);
	u8 *iopm = heap_alloc(IOPM_SIZE, PAGE_SIZE);

	msrpm_trap(msrpm, MSR_EFER, false, true);
	msrpm_trap(msrpm, MSR_VM_CR, true, true);
	msrpm_trap(msrpm, MSR_VM_HSAVE_PA, true, true);
	iopm_trap(iopm, LOG_PORT_BASE, LOG_PORT_COUNT);
	iopm_trap(iopm, PCI_CONF1_ADDR, 8);
	root_msrpm_pa = (u64)msrpm;
	root_iopm_pa = (u64)iopm;
}

/*
 * The EFER bits a partition may set: the long-mode basics, plus what this
 * CPU implements (a bit it lacks would make VMRUN refuse the state).
 */
static u64 efer_writable_bits(void)
{
	u64 bits = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	struct cpuid_regs r;

	cpuid(0x80000001, 0, &r);
	if (r.edx & BIT(25))
		bits |= EFER_FFXSR;
	if (r.ecx & BIT(17))
		bits |= EFER_TCE;
	cpuid(0x80000000, 0, &r);
	if (r.eax >= 0x80000021) {
		cpuid(0x80000021, 0, &r);
		if (r.eax & BIT(8))
			bits |= EFER_AUTOIBRS;
	}
	return bits;
}

void vendor_init_global(void)
{
	static const u32 direct_msrs[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
		0xC0000081,  0xC0000082,  0xC0000083,
		0xC0000084,			 /* syscall */
		0x174,	     0x175,	  0x176, /* sysenter */
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
	svm_efer_writable = efer_writable_bits();
	asid_count = r.ebx > 1 ? r.ebx : 2;
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
	build_root_maps();
}

void vendor_init_cpu(void)
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

/* 64-bit mode with paging: what guests and the root both start in. */
struct long_mode_start {
	u16 code_selector, data_selector;
	u64 gdt, gdt_limit, cr3, cr4, efer, rip;
};

static void init_long_mode(struct vmcb *vmcb, const struct long_mode_start *s)
{
	vmcb->cs = segment(s->code_selector, 0xA9B); /* L, P, code */
	vmcb->ds = vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs =
		segment(s->data_selector, 0xC93);
	vmcb->gdtr = (struct vmcb_segment){ 0, 0, (u32)s->gdt_limit, s->gdt };
	vmcb->idtr = (struct vmcb_segment){ 0, 0, 0, 0 };
	vmcb->ldtr = (struct vmcb_segment){ 0, 0x82, 0, 0 };
	vmcb->tr = (struct vmcb_segment){ 0, 0x8B, 0x67, 0 };
	vmcb->cpl = 0;
	vmcb->efer = s->efer | EFER_LME | EFER_LMA | EFER_SVME;
	vmcb->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	vmcb->cr3 = s->cr3;
	vmcb->cr4 = s->cr4 | CR4_PAE;
	vmcb->rflags = 0x2;
	vmcb->rip = s->rip;
	vmcb->dr6 = 0xFFFF0FF0;
	vmcb->dr7 = 0x400;
	vmcb->g_pat = 0x0007040600070406ull; /* the reset value */
}

/* A zeroed control block for the vCPU, owned by its partition. */
static struct vmcb *alloc_vmcb(struct vcpu *v, u32 asid)
{
	u64 pa = frame_alloc((u16)v->part->id, FRAME_KIND_CONTROL);

	if (!pa)
		return NULL;
	v->arch.vmcb_pa = pa;
	v->arch.vmcb = phys_to_virt(pa);
	v->arch.asid = asid;
	v->arch.last_cpu = ~0u;
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.vmcb->guest_asid = asid;
	v->arch.vmcb->np_enable = 1;
	v->arch.vmcb->n_cr3 = v->part->npt_root;
	return v->arch.vmcb;
}

/* The instructions every partition is denied (SVM itself: no nesting). */
#define SVM_DENIED_MISC2                                                      \
	(SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD | \
	 SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |     \
	 SVM_INTERCEPT_SKINIT)

int arch_vcpu_init(struct vcpu *v, u64 entry, u64 rdi, u64 rsi)
{
	const struct long_mode_start start = {
		.code_selector = PT_GUEST_CODE_SELECTOR,
		.data_selector = PT_GUEST_DATA_SELECTOR,
		.gdt = PT_GUEST_GDT_GPA,
		.gdt_limit = 23,
		.cr3 = PT_GUEST_PAGE_TABLE_GPA,
		.cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT,
		.efer = EFER_NXE,
		.rip = entry,
	};
	/* ASIDs may be shared: a CPU flushes when it changes vCPU. */
	struct vmcb *vmcb = alloc_vmcb(
		v, 1 + (v->part->id * MAX_VCPUS + v->index) % (asid_count - 1));

	if (!vmcb)
		return -1;
	v->arch.regs.rdi = rdi;
	v->arch.regs.rsi = rsi;
	vmcb->intercept_misc1 =
		SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
		SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD |
		SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
		SVM_INTERCEPT_MSR | SVM_INTERCEPT_TASK_SWITCH |
		SVM_INTERCEPT_SHUTDOWN;
	vmcb->intercept_misc2 = SVM_DENIED_MISC2 | SVM_INTERCEPT_MONITOR |
				SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_XSETBV;
	vmcb->iopm_base_pa = iopm_pa;
	vmcb->msrpm_base_pa = msrpm_pa;
	vmcb->int_ctl = SVM_V_INTR_MASKING;
	init_long_mode(vmcb, &start);
	vmcb->cr0 |= CR0_WP;

	/* A clean FPU: FCW and MXCSR at their reset values. */
	memset(v->arch.fpu, 0, sizeof(v->arch.fpu));
	*(u16 *)&v->arch.fpu[0] = 0x037F;
	*(u32 *)&v->arch.fpu[24] = 0x1F80;
	return 0;
}

void arch_vcpu_release(struct vcpu *v)
{
	if (v->arch.vmcb_pa)
		frame_free(v->arch.vmcb_pa);
	v->arch.vmcb_pa = 0;
	v->arch.vmcb = NULL;
}

/* The root starts as the Linux 64-bit boot protocol says, and runs with
 * its interrupts delivered directly: no INTR intercept, no V_INTR_MASKING. */
int arch_vcpu_init_root(struct vcpu *v, const struct linux_start *ls)
{
	const struct long_mode_start start = {
		.code_selector = 0x10, /* __BOOT_CS */
		.data_selector = 0x18, /* __BOOT_DS */
		.gdt = ls->gdt,
		.gdt_limit = ls->gdt_limit,
		.cr3 = ls->cr3,
		.rip = ls->entry,
	};
	struct vmcb *vmcb = alloc_vmcb(v, 1);

	if (!vmcb)
		return -1;
	v->arch.regs.rsi = ls->boot_params;
	vmcb->intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_IOIO |
				SVM_INTERCEPT_MSR | SVM_INTERCEPT_INVLPGA |
				SVM_INTERCEPT_SHUTDOWN;
	vmcb->intercept_misc2 = SVM_DENIED_MISC2;
	vmcb->iopm_base_pa = root_iopm_pa;
	vmcb->msrpm_base_pa = root_msrpm_pa;
	vmcb->int_ctl = 0;
	init_long_mode(vmcb, &start);
	return 0;
}
