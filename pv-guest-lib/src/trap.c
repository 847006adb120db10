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

/* Guards against an exception while reporting one. */
static volatile uint32_t guest_crashing[PT_GUEST_MAX_VCPUS];

static __attribute__((noreturn)) void guest_crash(struct pt_trap_frame *f)
{
	unsigned vcpu = pt_vcpu_index() % PT_GUEST_MAX_VCPUS;

	if (guest_crashing[vcpu]++ || !pt_hypercall_page_ready())
		pt_triple_fault();
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
