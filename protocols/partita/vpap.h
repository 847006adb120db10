/* SPDX-License-Identifier: MIT */
/* The VP assist page: one shared page per vCPU, between hypervisor and guest. */
#ifndef PARTITA_VPAP_H
#define PARTITA_VPAP_H

#include "abi-types.h"

#define PT_VPAP_MAGIC 0x50415056u /* "VPAP" */
#define PT_VPAP_VERSION 1u

/* Event bits in pending_events. */
#define PT_EVENT_TIMER 0u /* the one-shot timer set by PT_CALL_SET_TIMER */
#define PT_EVENT_SHUTDOWN_REQUEST 1u /* the root asks for a clean shutdown */
#define PT_EVENT_PORTS 2u    /* event ports pending: see evtchn_pending_sel */
#define PT_EVENT_MESSAGES 3u /* message slots filled: see msg_slots_pending */

#define PT_VPAP_ARGS_OFFSET 0x100u
#define PT_VPAP_ARGS_SIZE 0x400u

/*
 * Ownership of each field: [hv] only the hypervisor writes it, [guest] only
 * the guest, [both] as described.
 *
 * Time: hypervisor time in ns = ((rdtsc() - tsc_base) * tsc_mul) >> 32.
 * The TSC is constant-rate and synchronised on every supported machine, so
 * a guest reads the time without a hypercall.
 *
 * Upcalls: when pending_events becomes non-zero the hypervisor sets
 * upcall_pending and, if upcall_vector is non-zero and upcall_mask is zero,
 * delivers a virtual interrupt with that vector once the guest's RFLAGS.IF
 * allows it. The guest clears upcall_pending, then takes bits out of
 * pending_events with an atomic exchange.
 */
struct pt_vpap {
	uint32_t magic;		/* [hv] PT_VPAP_MAGIC once enabled */
	uint16_t version;	/* [hv] PT_VPAP_VERSION */
	uint16_t size;		/* [hv] sizeof(struct pt_vpap) */
	uint32_t partition_id;	/* [hv] */
	uint32_t vcpu_index;	/* [hv] */
	uint8_t upcall_pending; /* [both] hv sets, guest clears */
	uint8_t upcall_mask;	/* [guest] non-zero: no upcall interrupts */
	uint8_t upcall_vector;	/* [guest] 32..255, 0 = no interrupts */
	uint8_t reserved0[5];
	uint64_t pending_events; /* [both] hv sets bits, guest clears */
	uint64_t tsc_base;	 /* [hv] TSC at hypervisor time 0 */
	uint64_t tsc_mul;	 /* [hv] ns per TSC tick, 32.32 fixed point */
	uint64_t tsc_khz;	 /* [hv] calibrated TSC frequency */
	uint64_t timer_deadline_ns; /* [hv] armed timer; 0 = none or fired */
	/* Per-vCPU statistics [hv], updated on every exit. */
	uint64_t stat_exits;
	uint64_t stat_hypercalls;
	uint64_t stat_continuations; /* entries that ran out of budget */
	uint64_t stat_runtime_ns;    /* time spent in guest mode */
	uint64_t stat_upcalls;	     /* virtual interrupts delivered */
	uint64_t stat_timer_fires;
	uint64_t stat_worst_entry_ns; /* longest single hypercall entry */
	/* [both] hv sets bit w when word w of the event page's pending
	 * bitmap has a newly pending port for this vCPU; guest exchanges. */
	uint64_t evtchn_pending_sel;
	/* [both] hv sets bit s when message slot s was filled; guest
	 * exchanges. */
	uint64_t msg_slots_pending;
	uint8_t reserved1[PT_VPAP_ARGS_OFFSET - 0x88];
	/* [guest] free for hypercall input and output blocks. */
	uint8_t args[PT_VPAP_ARGS_SIZE];
};
PT_ABI_OFFSET(struct pt_vpap, upcall_pending, 0x10);
PT_ABI_OFFSET(struct pt_vpap, pending_events, 0x18);
PT_ABI_OFFSET(struct pt_vpap, tsc_base, 0x20);
PT_ABI_OFFSET(struct pt_vpap, stat_exits, 0x40);
PT_ABI_OFFSET(struct pt_vpap, stat_worst_entry_ns, 0x70);
PT_ABI_OFFSET(struct pt_vpap, evtchn_pending_sel, 0x78);
PT_ABI_OFFSET(struct pt_vpap, msg_slots_pending, 0x80);
PT_ABI_OFFSET(struct pt_vpap, args, PT_VPAP_ARGS_OFFSET);
PT_ABI_SIZE(struct pt_vpap, PT_VPAP_ARGS_OFFSET + PT_VPAP_ARGS_SIZE);

#endif
