// SPDX-License-Identifier: GPL-2.0-only
/*
 * Calls svm-exit-report.c's fault classifier and svm-upcall.h's upcall
 * line from tests built on the shim. This file sees the real x86 and SVM headers (the shim's vcpu has
 * no SVM state); the test hands over the partition, which both builds lay
 * out alike, and the VMCB fields the classifier reads.
 */
#include "svm-bridge.h"
#include "svm.h"
#include "svm-upcall.h"
#include "vmcb.h"
#include <arch/cpu-local.h>
#include <hv/partition.h>
#include <string.h>

/* What svm-exit-report.c links against but the classifier never uses. */
const u8 svm_vmrun_host_resume[1];
struct cpu_local *cpu_locals[MAX_CPUS];

bool bridge_shutdown_lost_paging(struct partition *p,
				 const struct bridge_shutdown *s)
{
	static struct vcpu v;
	static struct vmcb vmcb;

	memset(&v, 0, sizeof(v));
	memset(&vmcb, 0, sizeof(vmcb));
	v.part = p;
	v.arch.entry_rip = s->entry_rip;
	v.arch.entry_event_inject = s->entry_event_inject;
	vmcb.exit_code = SVM_EXIT_SHUTDOWN;
	vmcb.cr0 = s->cr0;
	vmcb.cr3 = s->cr3;
	vmcb.cr4 = s->cr4;
	vmcb.efer = s->efer;
	vmcb.rip = s->rip;
	vmcb.cr2 = s->cr2;
	vmcb.idtr.base = s->idt;
	vmcb.exit_int_info = s->exit_int_info;
	return svm_shutdown_lost_paging(&v, &vmcb);
}

u64 bridge_prepare_upcall(const struct pt_vpap *vpap, u64 int_state,
			  u64 int_ctl)
{
	static struct vmcb vmcb;

	memset(&vmcb, 0, sizeof(vmcb));
	vmcb.int_state = int_state;
	vmcb.int_ctl = int_ctl;
	svm_prepare_upcall(vpap, &vmcb);
	return vmcb.int_ctl;
}
