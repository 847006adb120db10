/* SPDX-License-Identifier: GPL-2.0-only */
/* The upcall as a virtual interrupt: what V_IRQ says on each entry. */
#ifndef SVM_UPCALL_H
#define SVM_UPCALL_H

#include "vmcb.h"
#include <hv/types.h>
#include <partita/vpap.h>

/*
 * Mirrors the VPAP's upcall state into the virtual interrupt line.
 *
 * No upcall is raised on an entry inside an interrupt shadow (an exit,
 * usually a host interrupt, landed between "sti" and the instruction it
 * covers). AMD holds a virtual interrupt back for that one instruction,
 * but QEMU's TCG delivers it at once: the guest's "sti; hlt" then took
 * the upcall before the HLT, the handler consumed the wake-up it waited
 * for, and the HLT slept for good (one cross-CPU ping-pong in five hung
 * so under load). Held back, the shadowed instruction runs first: an
 * intercepted HLT exits at once and the upcall is raised on the way back
 * in, after it; any other instruction gets it at the vCPU's next exit (a
 * slice at most, and only after such an exit).
 */
static inline void svm_prepare_upcall(const struct pt_vpap *vpap,
				      struct vmcb *vmcb)
{
	u64 ctl = vmcb->int_ctl & ~(SVM_V_IRQ | (0xFFull << 32) |
				    (0xFull << SVM_V_INTR_PRIO_SHIFT));

	if (vpap && READ_ONCE(vpap->upcall_pending) &&
	    !READ_ONCE(vpap->upcall_mask) && vpap->upcall_vector >= 32 &&
	    !(vmcb->int_state & SVM_INTERRUPT_SHADOW))
		ctl |= SVM_V_IRQ | SVM_V_IGN_TPR |
		       (0xFull << SVM_V_INTR_PRIO_SHIFT) |
		       ((u64)vpap->upcall_vector << SVM_V_INTR_VECTOR_SHIFT);
	vmcb->int_ctl = ctl;
}

#endif
