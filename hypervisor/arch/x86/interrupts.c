// SPDX-License-Identifier: GPL-2.0-only
/* Host interrupt and exception handling. */
#include <arch/apic.h>
#include <arch/x86.h>
#include <hv/log.h>
#include <arch/cpu-local.h>
#include <hv/arch.h>
#include <hv/root.h>
#include <hv/sched.h>

struct irq_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

__attribute__((visibility("hidden"))) void arch_interrupt(struct irq_frame *f);

static u64 nmis_ignored;

void arch_interrupt(struct irq_frame *f)
{
	if (f->vector == 2) {
		/* Nothing of ours sends NMIs. On the root's CPU they are
		 * Linux's (watchdog, perf): handed on at the next entry.
		 * Elsewhere counted, not logged: the log lock may be held by
		 * the code this NMI interrupted. */
		if (root_is_cpu(arch_cpu_id()))
			WRITE_ONCE(this_cpu()->nmi_for_root, true);
		else
			__atomic_fetch_add(&nmis_ignored, 1, __ATOMIC_RELAXED);
		return;
	}
	if (f->vector < 32)
		panic("exception %llu (error 0x%llx) at rip 0x%llx, rsp "
		      "0x%llx, "
		      "cr2 0x%llx",
		      (unsigned long long)f->vector,
		      (unsigned long long)f->error, (unsigned long long)f->rip,
		      (unsigned long long)f->rsp,
		      (unsigned long long)read_cr2());
	switch (f->vector) {
	case VECTOR_TIMER:
	case VECTOR_KICK:
		apic_eoi();
		if (READ_ONCE(hv_panicking))
			arch_halt_all(); /* another CPU panicked */
		sched_interrupt();
		break;
	case VECTOR_SPURIOUS:
		break; /* no EOI for the spurious vector */
	default:
		apic_eoi();
		log_msg(LOG_WARN, "hv", "unexpected interrupt vector %llu",
			(unsigned long long)f->vector);
		break;
	}
}
