// SPDX-License-Identifier: MIT
/* What happens on an interrupt or exception: dispatch, or report and crash. */
#include <partita-guest/console.h>
#include <partita-guest/cpu.h>
#include <partita-guest/events.h>
#include <partita-guest/hypercall.h>

#include "guest-internal.h"

static const char *const guest_exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "22",	 "23",
	"24",  "25",  "26",  "27",  "#HV", "#VC", "#SX", "31",
};

/* Guards against an exception while reporting one, and keeps the one
 * being reported for the last resort below. */
static volatile uint32_t guest_crashing[PT_GUEST_MAX_VCPUS];
static const struct pt_trap_frame
	*volatile guest_crash_frame[PT_GUEST_MAX_VCPUS];

/*
 * When the library cannot print (a second exception came while it was
 * reporting the first, or there is no hypercall page yet), the exception
 * goes to the hypervisor's kill report instead: a triple fault with the
 * registers set as docs/guest-guide.md ("When the library cannot report
 * a crash") describes. RSI is 0xFF when no second exception came.
 */
static __attribute__((noreturn)) void
crash_in_registers(const struct pt_trap_frame *first,
		   const struct pt_trap_frame *second)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} empty = { 0, 0 };
	/* The words just below and at the interrupted stack pointer (what
	 * a ret just popped, what is on top): only read inside the
	 * library's stacks, so that a wild RSP cannot fault again here. */
	uint64_t lo = (uint64_t)(uintptr_t)guest_stacks;
	uint64_t hi = lo + ((uint64_t)PT_GUEST_MAX_VCPUS << GUEST_STACK_SHIFT);
	uint64_t sp = first->rsp, below = 0, top = 0;

	if (sp >= lo + 8 && sp <= hi - 8) {
		below = *(const uint64_t *)(uintptr_t)(sp - 8);
		top = *(const uint64_t *)(uintptr_t)sp;
	}
	register uint64_t r8 __asm__("r8") = below;
	register uint64_t r9 __asm__("r9") = top;
	__asm__ volatile(
		"cli; lidt %6; int3"
		:
		: "a"(first->vector), "b"(first->rip), "c"(first->error_code),
		  "d"(first->rsp), "S"(second ? second->vector : 0xFF),
		  "D"(second ? second->rip : 0), "m"(empty), "r"(r8), "r"(r9)
		: "memory");
	__builtin_unreachable();
}

static __attribute__((noreturn)) void guest_crash(struct pt_trap_frame *f)
{
	unsigned vcpu = pt_vcpu_index() % PT_GUEST_MAX_VCPUS;

	if (guest_crashing[vcpu]++) {
		const struct pt_trap_frame *first = guest_crash_frame[vcpu];

		crash_in_registers(first ? first : f, first ? f : NULL);
	}
	guest_crash_frame[vcpu] = f;
	if (!pt_hypercall_page_ready())
		crash_in_registers(f, NULL);
	if (f->vector < 32)
		pt_printf(
			"exception %lu (%s) at RIP 0x%lx error 0x%lx vcpu %u\n",
			f->vector, guest_exception_names[f->vector], f->rip,
			f->error_code, vcpu);
	else
		pt_printf("unexpected interrupt vector %lu at RIP 0x%lx vcpu "
			  "%u\n",
			  f->vector, f->rip, vcpu);
	if (f->vector == PT_VECTOR_PF)
		pt_printf("page fault address 0x%lx\n", pt_read_cr2());
	pt_printf("rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx rsp 0x%lx\n", f->rax,
		  f->rbx, f->rcx, f->rdx, f->rsp);
	pt_call_shutdown(PT_SHUTDOWN_CRASH);
	pt_triple_fault();
}

void guest_trap(struct pt_trap_frame *f)
{
	uint32_t upcall_vector = guest_upcall_vector;

	if (upcall_vector && f->vector == upcall_vector) {
		guest_upcall_dispatch(pt_vcpu_index());
		return;
	}
	if (f->vector < 32 && guest_expect_handle(f))
		return;
	guest_crash(f);
}
