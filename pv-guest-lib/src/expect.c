// SPDX-License-Identifier: MIT
/* Letting a test provoke an exception on purpose and carry on after it. */
#include <partita-guest/events.h>

#include "guest-internal.h"
#include "string.h"

struct guest_expect {
	uint32_t armed;
	uint32_t seen;
	uint32_t vector;
	uint32_t insn_length;
	struct pt_trap_frame frame;
};

static struct guest_expect guest_expects[PT_GUEST_MAX_VCPUS];

/* Fault sites of pt_rdmsr_safe/pt_wrmsr_safe and where they resume. */
extern const char guest_rdmsr_site[], guest_rdmsr_fixup[];
extern const char guest_wrmsr_site[], guest_wrmsr_fixup[];

void pt_expect_exception(unsigned vector, unsigned insn_length)
{
	struct guest_expect *e =
		&guest_expects[pt_vcpu_index() % PT_GUEST_MAX_VCPUS];

	e->seen = 0;
	e->vector = vector;
	e->insn_length = insn_length;
	__atomic_store_n(&e->armed, 1, __ATOMIC_SEQ_CST);
}

int pt_expect_take(struct pt_trap_frame *frame)
{
	struct guest_expect *e =
		&guest_expects[pt_vcpu_index() % PT_GUEST_MAX_VCPUS];
	int seen;

	__atomic_store_n(&e->armed, 0, __ATOMIC_SEQ_CST);
	seen = (int)e->seen;
	if (seen && frame)
		memcpy(frame, &e->frame, sizeof(*frame));
	e->seen = 0;
	return seen;
}

int guest_expect_handle(struct pt_trap_frame *f)
{
	struct guest_expect *e =
		&guest_expects[pt_vcpu_index() % PT_GUEST_MAX_VCPUS];
	uint64_t rip = f->rip;

	if (rip == (uint64_t)(uintptr_t)guest_rdmsr_site) {
		f->rip = (uint64_t)(uintptr_t)guest_rdmsr_fixup;
		f->rax = f->vector;
		return 1;
	}
	if (rip == (uint64_t)(uintptr_t)guest_wrmsr_site) {
		f->rip = (uint64_t)(uintptr_t)guest_wrmsr_fixup;
		f->rax = f->vector;
		return 1;
	}
	if (!e->armed || e->vector != f->vector)
		return 0;
	memcpy(&e->frame, f, sizeof(*f));
	e->armed = 0;
	e->seen = 1;
	f->rip += e->insn_length;
	return 1;
}
