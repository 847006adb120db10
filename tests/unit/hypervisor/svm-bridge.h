/* SPDX-License-Identifier: GPL-2.0-only */
/* The VMCB fields of a shutdown exit, for svm-bridge.c's classifier call. */
#ifndef TEST_SVM_BRIDGE_H
#define TEST_SVM_BRIDGE_H

#include <hv/types.h>

struct partition;

struct bridge_shutdown {
	u64 cr0, cr3, cr4, efer;
	u64 rip, cr2, idt, exit_int_info;
	u64 entry_rip, entry_event_inject; /* what the last VMRUN started */
};

/* svm_shutdown_lost_paging() on a vCPU of `p` with these fields. */
bool bridge_shutdown_lost_paging(struct partition *p,
				 const struct bridge_shutdown *s);

#endif
