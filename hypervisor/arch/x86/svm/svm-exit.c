// SPDX-License-Identifier: GPL-2.0-only
/* Running a vCPU under SVM and handling the exit it comes back with. */
#include "svm.h"
#include "svm-upcall.h"
#include "vmcb.h"
#include <arch/cpu-local.h>
#include <arch/guest-emul.h>
#include <arch/root.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/events.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/sched-stay.h>
#include <fmt.h>

#define VECTOR_UD 6
#define VECTOR_GP 13

static void inject_exception(struct vmcb *vmcb, u8 vector, bool has_error,
			     u32 error)
{
	vmcb->event_inject =
		vector | SVM_EVENT_TYPE_EXCEPTION | SVM_EVENT_VALID |
		(has_error ? SVM_EVENT_ERROR_VALID | ((u64)error << 32) : 0);
}

/*
 * Steps past the intercepted instruction. Without NRIP save (QEMU's TCG)
 * we rely on the fixed length of the instructions we intercept; a guest
 * that adds prefixes to them only confuses itself.
 */
/*
 * Completes an intercepted instruction for the guest. An interrupt shadow
 * (AMD APM vol. 2, 15.21.5: INTERRUPT_SHADOW in the VMCB) ends with the
 * instruction it covered: "sti; hlt" leaves it set at the HLT exit, and if
 * it stayed set the instruction after the HLT (a "cli") would run with the
 * pending upcall still held back, and the wake-up would be lost.
 */
static void skip_instruction(struct vmcb *vmcb, u32 len)
{
	if (svm_has_nrip && vmcb->next_rip)
		vmcb->rip = vmcb->next_rip;
	else
		vmcb->rip += len;
	vmcb->int_state &= ~SVM_INTERRUPT_SHADOW;
}

/* Ends the partition for a fault of its own; other partitions run on.
 * The exit state goes to the log first, for the one who reads the kill. */
static enum vcpu_action kill(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static enum vcpu_action kill(struct vcpu *v, const char *fmt, ...)
{
	char why[96];
	va_list ap;

	svm_report_exit(v, v->arch.vmcb);
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	partition_end(v->part, PT_SHUTDOWN_CRASH, why);
	return VCPU_GONE;
}

static enum vcpu_action handle_cpuid(struct vcpu *v, struct vmcb *vmcb)
{
	struct guest_gprs *g = &v->arch.regs;
	struct cpuid_regs r;

	guest_cpuid(v, (u32)g->rax, (u32)g->rcx, &r);
	/* OSXSAVE mirrors the caller's CR4, not the hypervisor's. */
	if ((u32)g->rax == 1)
		r.ecx = (r.ecx & ~(u32)BIT(27)) |
			((vmcb->cr4 & BIT(18)) ? (u32)BIT(27) : 0);
	g->rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	skip_instruction(vmcb, 2);
	return VCPU_CONTINUE;
}

/* EFER and PAT live in the VMCB; the rest is vendor-neutral. */
static enum vcpu_action handle_msr(struct vcpu *v, struct vmcb *vmcb)
{
	struct guest_gprs *g = &v->arch.regs;
	u32 msr = (u32)g->rcx;
	bool write = vmcb->exit_info1 == 1;
	u64 value = (g->rdx << 32) | (u32)g->rax;
	int ret = 0;

	if (msr == MSR_EFER) {
		if (!write)
			value = vmcb->efer & ~EFER_SVME;
		else if ((value ^ vmcb->efer) & EFER_LME)
			ret = -1; /* no leaving long mode */
		else if (value & ~svm_efer_writable)
			ret = -1;
		else /* LMA is read-only; SVME stays on (what it read) */
			vmcb->efer = (value & ~EFER_LMA) |
				     (vmcb->efer & EFER_LMA) | EFER_SVME;
	} else if (msr == MSR_PAT) {
		if (write)
			vmcb->g_pat = value;
		else
			value = vmcb->g_pat;
	} else if (write) {
		ret = guest_wrmsr(v, msr, value);
	} else {
		ret = guest_rdmsr(v, msr, &value);
	}
	if (ret) {
		inject_exception(vmcb, VECTOR_GP, true, 0);
		return VCPU_CONTINUE;
	}
	if (!write) {
		g->rax = (u32)value;
		g->rdx = value >> 32;
	}
	skip_instruction(vmcb, 2);
	return VCPU_CONTINUE;
}

static enum vcpu_action handle_vmmcall(struct vcpu *v, struct vmcb *vmcb,
				       u64 entry_tsc)
{
	enum hcall_result result;

	/* Hypercalls only through an enabled hypercall page, and only from
	 * the kernel: user mode gets #UD, as on Hyper-V (SVM intercepts
	 * VMMCALL at every CPL, AMD APM vol. 2, 15.9). */
	if (!(v->part->hypercall_msr & 1)) {
		inject_exception(vmcb, VECTOR_UD, false, 0);
		return VCPU_CONTINUE;
	}
	if (vmcb->cpl != 0) {
		v->part->user_hypercalls++;
		log_part_ratelimited(LOG_WARN, v->part,
				     "hypercall from CPL %u refused (#UD)",
				     vmcb->cpl);
		inject_exception(vmcb, VECTOR_UD, false, 0);
		return VCPU_CONTINUE;
	}
	result = hcall_dispatch(v, &v->arch.regs.hcall, entry_tsc);
	if (result == HCALL_RETRY)
		return VCPU_CONTINUE; /* RIP stays on the vmmcall */
	skip_instruction(vmcb, 3);
	switch (result) {
	case HCALL_BLOCK:
		return VCPU_BLOCK;
	case HCALL_YIELD:
		return VCPU_YIELD;
	case HCALL_GONE:
		return VCPU_GONE;
	default:
		return VCPU_CONTINUE;
	}
}

static enum vcpu_action handle_npf(struct vcpu *v, struct vmcb *vmcb)
{
	u64 error = vmcb->exit_info1;

	return kill(v, "nested page fault at GPA 0x%llx (%s%s), rip 0x%llx",
		    (unsigned long long)vmcb->exit_info2,
		    (error & 2) ? "write" : "read",
		    (error & 16) ? ", fetch" : "",
		    (unsigned long long)vmcb->rip);
}

#define IOIO_IN BIT(0)
#define IOIO_STRING BIT(2)
#define IOIO_REP BIT(3)

/* The root's IN/OUT to a trapped port; EXITINFO2 is the next RIP (APM
 * vol. 2, 15.10.2), so no instruction decoding is needed. */
static enum vcpu_action handle_root_io(struct vcpu *v, struct vmcb *vmcb)
{
	u64 info = vmcb->exit_info1;
	u32 size = (info & BIT(4)) ? 1 : (info & BIT(5)) ? 2 : 4;
	u64 mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
	bool in = info & IOIO_IN;
	u32 value = (u32)(v->arch.regs.rax & mask);

	if ((info & (IOIO_STRING | IOIO_REP)) ||
	    !root_io_access((u16)(info >> 16), size, in, &value)) {
		inject_exception(vmcb, VECTOR_GP, true, 0);
		return VCPU_CONTINUE;
	}
	if (in)
		v->arch.regs.rax =
			size == 4 ? value : (v->arch.regs.rax & ~mask) | value;
	vmcb->rip = vmcb->exit_info2;
	return VCPU_CONTINUE;
}

/* A root access to hidden memory is refused with #GP(0) at the faulting
 * instruction: a user process dies with SIGSEGV, the kernel oopses that
 * task; the memory is never read or written. Logged, with a limit. */
static enum vcpu_action handle_root_npf(struct vcpu *v, struct vmcb *vmcb)
{
	static u64 refused;

	if (refused++ < 16)
		log_msg(LOG_WARN, "root",
			"access to hidden memory at 0x%llx "
			"(%s) refused: #GP injected at rip 0x%llx",
			(unsigned long long)vmcb->exit_info2,
			(vmcb->exit_info1 & 2) ? "write" : "read",
			(unsigned long long)vmcb->rip);
	inject_exception(vmcb, VECTOR_GP, true, 0);
	return VCPU_CONTINUE;
}

static u32 exit_reason(u64 code)
{
	switch (code) {
	case SVM_EXIT_VMMCALL:
		return PT_EXIT_HYPERCALL;
	case SVM_EXIT_CPUID:
		return PT_EXIT_CPUID;
	case SVM_EXIT_MSR:
		return PT_EXIT_MSR;
	case SVM_EXIT_HLT:
		return PT_EXIT_HALT;
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
		return PT_EXIT_INTERRUPT;
	case SVM_EXIT_NPF:
		return PT_EXIT_PAGE_FAULT;
	case SVM_EXIT_IOIO:
		return PT_EXIT_IO;
	default:
		return PT_EXIT_OTHER;
	}
}

static enum vcpu_action handle_exit(struct vcpu *v, struct vmcb *vmcb,
				    u64 entry_tsc)
{
	u64 code = vmcb->exit_code;

	/* The exits a running guest makes most, counted without the table
	 * lookup: every instruction here is on each call's round trip. */
	if (likely(code == SVM_EXIT_VMMCALL)) {
		partition_count_exit(v->part, PT_EXIT_HYPERCALL);
		return handle_vmmcall(v, vmcb, entry_tsc);
	}
	if (code == SVM_EXIT_CPUID) {
		partition_count_exit(v->part, PT_EXIT_CPUID);
		return handle_cpuid(v, vmcb);
	}
	partition_count_exit(v->part, exit_reason(code));
	/* The guest's state is gone, nothing to resume. Seen as an NPF (the
	 * host's next fetch walks its own CR3 through the guest's nested
	 * tables), so the two fast paths above need not look. */
	if (unlikely(svm_exit_holds_host_state(vmcb)))
		return kill(v,
			    "emulator fault: exit 0x%llx saved the "
			    "hypervisor's own state as the guest's",
			    (unsigned long long)code);
	if (v->part->id == ROOT_PARTITION_ID) {
		if (code == SVM_EXIT_IOIO)
			return handle_root_io(v, vmcb);
		if (code == SVM_EXIT_NPF)
			return handle_root_npf(v, vmcb);
	}
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
	case SVM_EXIT_INIT:
		return VCPU_CONTINUE; /* host work; the loop takes it */
	case SVM_EXIT_MSR:
		return handle_msr(v, vmcb);
	case SVM_EXIT_HLT:
		skip_instruction(vmcb, 1);
		v->block_deadline_ns = 0;
		return VCPU_BLOCK;
	case SVM_EXIT_NPF:
		return handle_npf(v, vmcb);
	case SVM_EXIT_SHUTDOWN:
		if (svm_shutdown_lost_paging(v, vmcb))
			return kill(v,
				    "emulator fault: triple fault on a #PF at "
				    "the entry rip 0x%llx, cr2 0x%llx, both "
				    "mapped by the guest's page tables",
				    (unsigned long long)vmcb->rip,
				    (unsigned long long)vmcb->cr2);
		return kill(v, "triple fault at rip 0x%llx",
			    (unsigned long long)vmcb->rip);
	case SVM_EXIT_IOIO:
		return kill(v, "I/O port access to 0x%llx at rip 0x%llx",
			    (unsigned long long)(vmcb->exit_info1 >> 16),
			    (unsigned long long)vmcb->rip);
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_XSETBV:
		inject_exception(vmcb, VECTOR_UD, false, 0);
		return VCPU_CONTINUE;
	case SVM_EXIT_INVD:
		skip_instruction(vmcb, 2);
		return VCPU_CONTINUE;
	}
	if ((code & 0xFFFFFFFFull) == SVM_EXIT_INVALID_LOW)
		return kill(v, "invalid guest state (VMRUN refused it)");
	return kill(v, "unexpected exit 0x%llx (info 0x%llx, 0x%llx)",
		    (unsigned long long)code,
		    (unsigned long long)vmcb->exit_info1,
		    (unsigned long long)vmcb->exit_info2);
}

/*
 * An event whose delivery the exit cut short is delivered again (AMD APM
 * vol. 2, 15.7.2): exceptions and NMIs always, external interrupts for
 * the root, whose interrupts are real. A guest's interrupted upcall comes
 * back through upcall_pending instead. The valid bit is checked first:
 * QEMU may leave a stale vector with it clear.
 */
static u64 event_to_redeliver(const struct vcpu *v, u64 info)
{
	u64 type = info & (7ull << 8);

	if (!(info & SVM_EVENT_VALID))
		return 0;
	if (type == SVM_EVENT_TYPE_EXCEPTION || type == SVM_EVENT_TYPE_NMI ||
	    (type == 0 && v->part->id == ROOT_PARTITION_ID))
		return info;
	return 0;
}

void arch_npt_flush(struct partition *p)
{
	u32 me = arch_cpu_id();

	for (u32 i = 0; i < p->vcpu_count; i++)
		WRITE_ONCE(p->vcpus[i].arch.flush_tlb, true);
	/* Pairs with the fence in arch_vcpu_run: a vCPU that enters after
	 * this sees its flag; one that entered before is waited for. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (u32 i = 0; i < p->vcpu_count; i++) {
		struct vcpu *w = &p->vcpus[i];
		struct cpu_local *cl;
		u64 exits;

		if (w->cpu == me || w->cpu >= MAX_CPUS || root_is_cpu(w->cpu))
			continue;
		cl = cpu_locals[w->cpu];
		if (!cl || READ_ONCE(cl->in_guest) != w)
			continue;
		exits = READ_ONCE(cl->guest_exits);
		arch_kick_cpu(w->cpu);
		while (READ_ONCE(cl->in_guest) == w &&
		       READ_ONCE(cl->guest_exits) == exits)
			__builtin_ia32_pause();
	}
}

/* One entry into the guest and the exit it comes back with. */
static inline __attribute__((always_inline)) enum vcpu_action
run_once(struct vcpu *v, struct cpu_local *cl, bool moved)
{
	struct vmcb *vmcb = v->arch.vmcb;
	bool irq_requested;
	u64 entry_tsc;

	svm_prepare_upcall(v->vpap, vmcb);
	if (READ_ONCE(cl->nmi_for_root) &&
	    !(vmcb->event_inject & SVM_EVENT_VALID)) {
		WRITE_ONCE(cl->nmi_for_root, false);
		vmcb->event_inject = 2 | SVM_EVENT_TYPE_NMI | SVM_EVENT_VALID;
	}
	irq_requested = (vmcb->int_ctl & SVM_V_IRQ) != 0;
	/* Flush the whole TLB (no flush-by-ASID on TCG): see arch_vcpu_run
	 * for `moved`; flush_tlb is another CPU's request. */
	vmcb->tlb_control = (moved || v->arch.flush_tlb) ? 1 : 0;
	WRITE_ONCE(v->arch.flush_tlb, false);
	vmcb->rax = v->arch.regs.rax;

	WRITE_ONCE(cl->in_guest, v);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* A flush asked for after the check above must not be missed: the
	 * flusher either sees in_guest and waits for the exit, or set the
	 * flag before we read it here. */
	if (READ_ONCE(v->arch.flush_tlb)) {
		vmcb->tlb_control = 1;
		WRITE_ONCE(v->arch.flush_tlb, false);
	}
	v->arch.entry_rip = vmcb->rip;
	v->arch.entry_event_inject = vmcb->event_inject;
	v->arch.entry_int_ctl = vmcb->int_ctl;
	svm_vmrun(v->arch.vmcb_pa, &v->arch.regs);
	WRITE_ONCE(cl->in_guest, NULL);
	__atomic_fetch_add(&cl->guest_exits, 1, __ATOMIC_SEQ_CST);

	entry_tsc = rdtsc();
	v->arch.regs.rax = vmcb->rax;
	vmcb->event_inject = event_to_redeliver(v, vmcb->exit_int_info);
	if (v->vpap) {
		v->vpap->stat_exits++;
		if (irq_requested && !(vmcb->int_ctl & SVM_V_IRQ))
			v->vpap->stat_upcalls++;
	}
	/* RAX goes back to the VMCB before the next VMRUN, above. */
	return handle_exit(v, vmcb, entry_tsc);
}

/*
 * Exits the vCPU handles itself go straight back into the guest from
 * here: no return to the scheduler's loop and no new frame per exit.
 */
enum vcpu_action arch_vcpu_run(struct vcpu *v, u64 deadline_tsc)
{
	struct cpu_local *cl = this_cpu();
	enum vcpu_action action;
	/*
	 * The TLB may hold another vCPU's translations when this one moved
	 * here or another ran here last (ASIDs can be shared when there are
	 * more vCPUs than the CPU has ASIDs). Neither changes while this
	 * loop runs, so it is decided once per call, not on every entry.
	 */
	bool moved = v->arch.last_cpu != cl->id ||
		     cl->last_control_pa != v->arch.vmcb_pa;

	v->arch.last_cpu = cl->id;
	cl->last_control_pa = v->arch.vmcb_pa;
	for (;;) {
		action = run_once(v, cl, moved);
		moved = false;
		if (action != VCPU_CONTINUE || !deadline_tsc)
			return action;
		arch_irq_window();
		if (!sched_vcpu_may_stay(v, deadline_tsc))
			return action;
	}
}
