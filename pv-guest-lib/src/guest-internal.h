/* SPDX-License-Identifier: MIT */
/* Library-internal state shared between the guest library's source files. */
#ifndef PARTITA_GUEST_INTERNAL_H
#define PARTITA_GUEST_INTERNAL_H

#include <stdint.h>
#include <partita/abi-types.h>
#include <partita-guest/events.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/smp.h>
#include <partita/vpap.h>

/* Per-vCPU stacks (crt0.asm): 1 << GUEST_STACK_SHIFT bytes each. */
#define GUEST_STACK_SHIFT 15
extern uint8_t guest_stacks[];

/* A page-aligned page per vCPU for staging hypercall blocks. */
void *guest_scratch_page(unsigned vcpu);

/* Typed wrappers return 0 or the negated status of a call's result. */
static inline int guest_status_of(uint64_t result)
{
	return -(int)pt_hc_status(result);
}

static inline int guest_fast_call(uint16_t code, uint64_t rdx, uint64_t r8,
				  uint64_t *out_rdx, uint64_t *out_r8)
{
	return guest_status_of(pt_hypercall_fast(pt_hc_input(code, 1, 0, 0),
						 rdx, r8, out_rdx, out_r8));
}

/* Enabled VPAP of each vCPU, NULL until pt_vpap_enable. */
extern volatile struct pt_vpap *guest_vpaps[PT_GUEST_MAX_VCPUS];

/* Vector the upcall stub serves, 0 while no vCPU has enabled upcalls. */
extern volatile uint32_t guest_upcall_vector;

/* C side of every interrupt and exception (trap-entry.asm calls it). */
void guest_trap(struct pt_trap_frame *frame);
void guest_upcall_dispatch(unsigned vcpu);
/*
 * Handles one event without an upcall, interrupts off: takes its bit out of
 * the calling vCPU's pending events, then runs dispatch(vcpu).
 */
unsigned guest_event_poll(unsigned event, unsigned (*dispatch)(unsigned));
/* Exception bookkeeping (expect.c): 1 when the frame was handled. */
int guest_expect_handle(struct pt_trap_frame *frame);
/* Called by crt0 when guest_main returns. */
void guest_main_returned(int status);

#endif
