// SPDX-License-Identifier: MIT
/* One-call guest set-up on every vCPU, and what happens after guest_main. */
#include <partita-guest/console.h>
#include <partita-guest/cpu.h>
#include <partita-guest/discovery.h>
#include <partita-guest/events.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/start.h>
#include <partita-guest/vpap.h>

#include "guest-internal.h"

/* Linker-script symbols bounding the loaded image. */
extern char __image_start[], __image_end[];

/* vCPU 0 sets it once the partition-wide set-up is done. */
static volatile uint32_t guest_init_done;

uint64_t pt_image_start(void)
{
	return pt_gpa(__image_start);
}

uint64_t pt_image_end(void)
{
	return pt_gpa(__image_end);
}

static void guest_init_vcpu(void)
{
	pt_idt_load();
	if (!pt_vpap_enable())
		pt_panic("vCPU %u: VP assist page did not enable",
			 pt_vcpu_index());
	if (pt_upcall_enable(PT_GUEST_UPCALL_VECTOR))
		pt_panic("vCPU %u: upcalls did not enable", pt_vcpu_index());
}

int pt_guest_init(void)
{
	struct pt_discovery d;

	if (pt_vcpu_index() != 0) {
		pt_spin_until_set(&guest_init_done);
		guest_init_vcpu();
		return 0;
	}
	if (pt_discover(&d) || pt_hypercall_page_enable(0))
		pt_triple_fault(); /* no console to say why */
	guest_init_vcpu();
	pt_atomic_store32(&guest_init_done, 1);
	return 0;
}

void guest_main_returned(int status)
{
	if (pt_vcpu_index() == 0) {
		pt_call_shutdown(status ? PT_SHUTDOWN_CRASH
					: PT_SHUTDOWN_POWEROFF);
		pt_triple_fault(); /* no hypercall page, or it refused */
	}
	pt_irq_disable();
	for (;;)
		__asm__ volatile("hlt");
}
