/* SPDX-License-Identifier: GPL-2.0-only */
/* SVM code called from shim tests: the fault classifier, the upcall line. */
#ifndef TEST_SVM_BRIDGE_H
#define TEST_SVM_BRIDGE_H

#include <hv/types.h>

struct partition;
struct pt_vpap;

struct bridge_shutdown {
	u64 cr0, cr3, cr4, efer;
	u64 rip, cr2, idt, exit_int_info;
	u64 entry_rip, entry_event_inject; /* what the last VMRUN started */
};

/* svm_shutdown_lost_paging() on a vCPU of `p` with these fields. */
bool bridge_shutdown_lost_paging(struct partition *p,
				 const struct bridge_shutdown *s);

/* The int_ctl svm_prepare_upcall() leaves for an entry with these. */
u64 bridge_prepare_upcall(const struct pt_vpap *vpap, u64 int_state,
			  u64 int_ctl);

#endif
