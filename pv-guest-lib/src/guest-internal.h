/* SPDX-License-Identifier: MIT */
/* Library-internal state shared between the guest library's source files. */
#ifndef PARTITA_GUEST_INTERNAL_H
#define PARTITA_GUEST_INTERNAL_H

#include <stdint.h>
#include <partita/abi-types.h>
#include <partita-guest/events.h>
#include <partita-guest/smp.h>
#include <partita/vpap.h>

/* Per-vCPU stacks (crt0.asm): 1 << GUEST_STACK_SHIFT bytes each. */
#define GUEST_STACK_SHIFT 15
extern uint8_t guest_stacks[];

/* Where pt_hypercall jumps: the page once enabled, else a refusing stub. */
extern uint64_t guest_hypercall_entry;

/* A page-aligned page per vCPU for staging hypercall blocks. */
void *guest_scratch_page(unsigned vcpu);

/* Enabled VPAP of each vCPU, NULL until pt_vpap_enable. */
extern volatile struct pt_vpap *guest_vpaps[PT_GUEST_MAX_VCPUS];

/* Vector the upcall stub serves, 0 while no vCPU has enabled upcalls. */
extern volatile uint32_t guest_upcall_vector;

/* C side of every interrupt and exception (trap-entry.asm calls it). */
void guest_trap(struct pt_trap_frame *frame);
void guest_upcall_dispatch(unsigned vcpu);
/* Exception bookkeeping (expect.c): 1 when the frame was handled. */
int guest_expect_handle(struct pt_trap_frame *frame);
/* Called by crt0 when guest_main returns. */
void guest_main_returned(int status);

#endif
