// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report of an exit that kills a guest: the exit state, the guest's
 * registers and the words around its stack pointer, enough to tell a
 * guest's own fault from an emulator that recorded the wrong state
 * (docs/testing.md, known emulator issues) and to see how a guest got
 * where it died (a return address just popped is still below RSP).
 * Also the two exits QEMU's TCG gets wrong (docs/testing.md, known
 * emulator issues), recognised so that their kills say so.
 */
#include "svm.h"
#include "vmcb.h"
#include <arch/cpu-local.h>
#include <arch/guest-walk.h>
#include <arch/x86.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <fmt.h>

/* Names what the faulting GPA is, as a host physical address, when it is
 * one of the hypervisor's own structures: no guest RAM is there. */
static void name_gpa(const struct vcpu *v, u64 gpa, char *buf, size_t size)
{
	u64 page = gpa & ~0xFFFull;
	const struct frame_info *f;

	if (page == (read_cr3() & ~0xFFFull)) {
		fmt_snprintf(buf, size, "the hypervisor's own CR3");
		return;
	}
	for (u32 i = 0; i < v->part->vcpu_count; i++) {
		if (v->part->vcpus[i].arch.vmcb_pa == page) {
			fmt_snprintf(buf, size, "VMCB of vCPU %u", i);
			return;
		}
	}
	for (u32 c = 0; c < MAX_CPUS; c++) {
		const struct cpu_local *cl = cpu_locals[c];

		if (!cl)
			continue;
		if (cl->hsave_pa == page) {
			fmt_snprintf(buf, size, "host save area of CPU %u", c);
			return;
		}
		if (gpa >= (u64)cl && gpa < (u64)cl + CPU_STACK_SIZE) {
			fmt_snprintf(buf, size, "stack of CPU %u", c);
			return;
		}
	}
	f = frame_lookup(page);
	if (f)
		fmt_snprintf(buf, size, "pool frame owner 0x%x kind %u",
			     f->owner, f->kind);
	else
		fmt_snprintf(buf, size, "not a pool frame");
}

/* The CPU whose hypervisor stack holds rsp, or MAX_CPUS for none. */
static u32 stack_cpu(u64 rsp)
{
	for (u32 c = 0; c < MAX_CPUS; c++) {
		const struct cpu_local *cl = cpu_locals[c];

		if (cl && rsp >= (u64)cl && rsp < (u64)cl + CPU_STACK_SIZE)
			return c;
	}
	return MAX_CPUS;
}

/* Every general register with RFLAGS and CR2, in two lines. */
static void report_registers(const struct vcpu *v, const struct vmcb *vmcb)
{
	const struct guest_gprs *r = &v->arch.regs;
	const struct {
		const char *name;
		u64 value;
	} regs[] = {
		{ "rax", vmcb->rax }, { "rbx", r->rbx },
		{ "rcx", r->rcx },    { "rdx", r->rdx },
		{ "rsi", r->rsi },    { "rdi", r->rdi },
		{ "rbp", r->rbp },    { "r8", r->r8 },
		{ "r9", r->r9 },      { "r10", r->r10 },
		{ "r11", r->r11 },    { "r12", r->r12 },
		{ "r13", r->r13 },    { "r14", r->r14 },
		{ "r15", r->r15 },    { "rflags", vmcb->rflags },
		{ "cr2", vmcb->cr2 },
	};
	char line[200];
	size_t at = 0;

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		at += (size_t)fmt_snprintf(line + at, sizeof(line) - at,
					   "%s%s 0x%llx", at ? " " : "",
					   regs[i].name,
					   (unsigned long long)regs[i].value);
		if (i == 7 || i + 1 == ARRAY_SIZE(regs)) {
			log_part(LOG_WARN, v->part, "%s", line);
			at = 0;
		}
	}
}

/* Words around the guest's RSP, read through its own page tables: two
 * below it (what a ret or pop just took), six from it up. */
#define STACK_BELOW 2
#define STACK_WORDS 8
static void report_stack(const struct vcpu *v, const struct vmcb *vmcb)
{
	const struct guest_paging pg = { vmcb->cr0, vmcb->cr3, vmcb->cr4,
					 vmcb->efer };
	u64 from = vmcb->rsp - STACK_BELOW * 8, w[STACK_WORDS];
	char line[STACK_WORDS * 20 + 1] = "";
	size_t n = guest_read_virt(v->part, &pg, from, w, sizeof(w)) / 8;

	if (!n) {
		log_part(LOG_WARN, v->part,
			 "stack at rsp-0x%x: not readable through the guest's "
			 "page tables",
			 STACK_BELOW * 8);
		return;
	}
	for (size_t i = 0, at = 0; i < n; i++)
		at += (size_t)fmt_snprintf(line + at, sizeof(line) - at,
					   " %llx", (unsigned long long)w[i]);
	log_part(LOG_WARN, v->part, "stack at rsp-0x%x:%s", STACK_BELOW * 8,
		 line);
}

bool svm_exit_holds_host_state(const struct vmcb *vmcb)
{
	return vmcb->rip == (u64)svm_vmrun_host_resume &&
	       vmcb->cr3 == read_cr3();
}

#define VECTOR_PF 14
#define VECTOR_DF 8
#define PF_ERROR_FETCH 0x10 /* I/D set; not present, read, supervisor */
#define IDT_GATE_BYTES 16

/* A whole 16-byte IDT gate readable through the guest's own tables. */
static bool gate_readable(const struct vcpu *v, const struct guest_paging *pg,
			  u64 gate)
{
	u64 gpa;

	return !guest_walk_permits(v->part, pg, gate, GUEST_ACCESS_READ,
				   &gpa) &&
	       !guest_walk_permits(v->part, pg, gate + IDT_GATE_BYTES - 1,
				   GUEST_ACCESS_READ, &gpa);
}

/*
 * The one shape the emulator was seen to produce (docs/testing.md, "Known
 * emulator issues"): the first fetch after VMRUN faults "not present" at
 * the entry RIP, delivering that #PF faults on its gate, and the #DF gate
 * (CR2) faults too -- while the guest's tables, read now, would have let
 * all three through. Anything else a guest can make by itself (NX,
 * reserved bits, a read-only stack, an event injected on entry, another
 * error code or CR2) stays a plain triple fault. A guest that races its
 * own tables back into place from another vCPU can still fake it; it only
 * changes the kill's wording, never whether it is killed.
 */
bool svm_shutdown_lost_paging(const struct vcpu *v, const struct vmcb *vmcb)
{
	const struct guest_paging pg = { vmcb->cr0, vmcb->cr3, vmcb->cr4,
					 vmcb->efer };
	u64 info = vmcb->exit_int_info, gpa;
	u64 idt = vmcb->idtr.base;

	if ((info & (SVM_EVENT_VALID | SVM_EVENT_ERROR_VALID | 0x7FFull)) !=
		    (SVM_EVENT_VALID | SVM_EVENT_ERROR_VALID |
		     SVM_EVENT_TYPE_EXCEPTION | VECTOR_PF) ||
	    (u32)(info >> 32) != PF_ERROR_FETCH)
		return false;
	if (vmcb->rip != v->arch.entry_rip ||
	    (v->arch.entry_event_inject & SVM_EVENT_VALID) ||
	    vmcb->cr2 != idt + VECTOR_DF * IDT_GATE_BYTES)
		return false;
	return !guest_walk_permits(v->part, &pg, vmcb->rip, GUEST_ACCESS_FETCH,
				   &gpa) &&
	       gate_readable(v, &pg, idt + VECTOR_PF * IDT_GATE_BYTES) &&
	       gate_readable(v, &pg, idt + VECTOR_DF * IDT_GATE_BYTES);
}

void svm_report_exit(const struct vcpu *v, const struct vmcb *vmcb)
{
	bool npf = vmcb->exit_code == SVM_EXIT_NPF;
	u32 cpu = v->arch.last_cpu;
	u64 hsave = cpu < MAX_CPUS && cpu_locals[cpu]
			    ? cpu_locals[cpu]->hsave_pa
			    : 0;
	u32 rsp_cpu = stack_cpu(vmcb->rsp);
	char what[48] = "", rsp_what[24] = "";

	if (npf)
		name_gpa(v, vmcb->exit_info2, what, sizeof(what));
	if (rsp_cpu < MAX_CPUS)
		fmt_snprintf(rsp_what, sizeof(rsp_what), " (stack of CPU %u)",
			     rsp_cpu);
	log_part(LOG_WARN, v->part,
		 "exit 0x%llx of vCPU %u on CPU %u: info1 0x%llx info2 "
		 "0x%llx%s%s%s "
		 "exitintinfo 0x%llx rip 0x%llx%s cpl %u cs 0x%x/0x%x "
		 "int_state 0x%llx",
		 (unsigned long long)vmcb->exit_code, v->index, cpu,
		 (unsigned long long)vmcb->exit_info1,
		 (unsigned long long)vmcb->exit_info2, npf ? " (" : "", what,
		 npf ? ")" : "", (unsigned long long)vmcb->exit_int_info,
		 (unsigned long long)vmcb->rip,
		 vmcb->rip == (u64)svm_vmrun_host_resume
			 ? " (the hypervisor's VMSAVE)"
			 : "",
		 vmcb->cpl, vmcb->cs.selector, vmcb->cs.attrib,
		 (unsigned long long)vmcb->int_state);
	log_part(
		LOG_WARN, v->part,
		"vCPU %u entered at rip 0x%llx with eventinj 0x%llx "
		"int_ctl 0x%llx; now int_ctl 0x%llx, rsp 0x%llx%s, cr3 0x%llx, "
		"idtr 0x%llx, vmcb 0x%llx, hsave 0x%llx",
		v->index, (unsigned long long)v->arch.entry_rip,
		(unsigned long long)v->arch.entry_event_inject,
		(unsigned long long)v->arch.entry_int_ctl,
		(unsigned long long)vmcb->int_ctl,
		(unsigned long long)vmcb->rsp, rsp_what,
		(unsigned long long)vmcb->cr3,
		(unsigned long long)vmcb->idtr.base,
		(unsigned long long)v->arch.vmcb_pa, (unsigned long long)hsave);
	report_registers(v, vmcb);
	report_stack(v, vmcb);
}
