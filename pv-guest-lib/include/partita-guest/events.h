/* SPDX-License-Identifier: MIT */
/* Interrupt table: exception reports, expected exceptions and upcalls. */
#ifndef PARTITA_GUEST_EVENTS_H
#define PARTITA_GUEST_EVENTS_H

#include <stdint.h>

/* The vector pt_upcall_enable() uses unless told otherwise. */
#define PT_GUEST_UPCALL_VECTOR 0xF0u

#define PT_VECTOR_UD 6u
#define PT_VECTOR_DF 8u
#define PT_VECTOR_GP 13u
#define PT_VECTOR_PF 14u

/* What an interrupt or exception entry saved, lowest address first. */
struct pt_trap_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector;
	uint64_t error_code; /* 0 for vectors without one */
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * Builds the shared IDT on first use and loads it on the calling vCPU.
 * Every vector goes to the library: exceptions 0..31 print
 * "exception N (#XX) at RIP 0x..." and shut the partition down with
 * PT_SHUTDOWN_CRASH unless expected (below); the upcall vector runs the
 * registered event callbacks; any other vector is reported as a crash.
 * Each vCPU calls it once (pt_guest_init does).
 */
void pt_idt_load(void);

/*
 * Expect one exception: the next `vector` exception on this vCPU is
 * recorded and execution resumes insn_length bytes after the faulting RIP
 * (the caller knows the length of the instruction it is about to run).
 * pt_expect_take() returns 1 and fills *frame (may be NULL) with the
 * recorded frame if it happened, else 0; either way the expectation ends.
 */
void pt_expect_exception(unsigned vector, unsigned insn_length);
int pt_expect_take(struct pt_trap_frame *frame);

/*
 * RDMSR/WRMSR that survive an injected exception: return 0, or the vector
 * of the exception raised by the instruction itself (13 for #GP). An
 * exception reported at another RIP is a crash as usual.
 */
int pt_rdmsr_safe(uint32_t msr, uint64_t *value);
int pt_wrmsr_safe(uint32_t msr, uint64_t value);

/* Event callback: runs in the upcall handler, interrupts disabled. */
typedef void (*pt_event_fn)(unsigned event, unsigned vcpu, void *arg);

/*
 * Registers fn for event bit `event` (0..63, e.g. PT_EVENT_TIMER) on every
 * vCPU. Returns 0, or -1 for a bad bit.
 */
int pt_event_register(unsigned event, pt_event_fn fn, void *arg);

/*
 * Sets the calling vCPU's VPAP upcall vector (0: PT_GUEST_UPCALL_VECTOR)
 * and clears its upcall mask. The VPAP must be enabled and the IDT loaded.
 * Upcalls then arrive whenever RFLAGS.IF is 1. Returns 0 or -1.
 */
int pt_upcall_enable(unsigned vector);
/* Sets (1) or clears (0) upcall_mask; returns the previous value. */
int pt_upcall_mask(int masked);

/* Upcalls taken on the calling vCPU, and the union of event bits seen. */
uint64_t pt_upcall_count(void);
uint64_t pt_upcall_events_seen(void);

/*
 * Waits with `sti; hlt` until *flag is non-zero (upcall handlers set such
 * flags). Returns with interrupts disabled.
 */
void pt_wait_flag(volatile uint32_t *flag);

/* Ends the partition by a triple fault: loads an empty IDT and traps. */
__attribute__((noreturn)) void pt_triple_fault(void);

#endif
