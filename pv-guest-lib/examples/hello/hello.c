// SPDX-License-Identifier: MIT
/*
 * The example guest kernel: discovery, hypercall page, VP assist page,
 * timer upcalls, console output, a rep call, self-info and a clean
 * shutdown, in the order a real guest kernel would do them.
 */
#include <partita-guest/guest.h>

#include "string.h"

#define HELLO_TICKS 5
#define HELLO_TICK_NS 200000000ull /* 200 ms */

/* Written by the timer callback (upcall context), read by guest_main. */
static volatile uint32_t hello_ticks;
static volatile uint64_t hello_tick_time[HELLO_TICKS];

/* Upcall context: note the tick and re-arm the one-shot timer. */
static void hello_on_timer(unsigned event, unsigned vcpu, void *arg)
{
	uint32_t n = hello_ticks;

	if (n >= HELLO_TICKS)
		return;
	hello_tick_time[n] = pt_time_ns();
	pt_atomic_store32(&hello_ticks, n + 1);
	if (n + 1 < HELLO_TICKS)
		pt_call_set_timer(pt_time_ns() + HELLO_TICK_NS);
}

static void hello_say_who(const struct pt_start_info *si)
{
	const struct pt_discovery *d = pt_discovery();
	struct pt_self_info self;

	pt_printf("hello from %s: partition %u, %u vCPU(s), %lu MiB, "
		  "weight %u\n",
		  si->name, si->partition_id, si->vcpu_count,
		  (unsigned long)(si->memory_bytes >> 20), si->weight);
	pt_printf("cmdline: \"%s\"\n", si->cmdline);
	pt_printf("hypervisor: PartitaHyper interface %u.%u, features 0x%x, "
		  "TSC %lu kHz\n",
		  d->version >> 16, d->version & 0xFFFF, d->features,
		  (unsigned long)d->tsc_khz);
	if (pt_call_self_info(&self) == 0)
		pt_printf("self-info: vCPU %u runs on physical CPU %u\n",
			  self.vcpu_index, self.physical_cpu);
}

/* Timer upcalls: the main loop sleeps with sti;hlt between ticks. */
static void hello_ticks_run(void)
{
	uint64_t start = pt_time_ns();
	uint32_t shown = 0;

	pt_event_register(PT_EVENT_TIMER, hello_on_timer, NULL);
	pt_call_set_timer(start + HELLO_TICK_NS);
	pt_irq_disable();
	while (shown < HELLO_TICKS) {
		while (pt_atomic_load32(&hello_ticks) == shown)
			pt_safe_halt();
		pt_irq_enable();
		pt_printf("tick %u at +%lu ms\n", shown + 1,
			  (unsigned long)((hello_tick_time[shown] - start) /
					  1000000));
		pt_irq_disable();
		shown++;
	}
	pt_irq_enable();
}

/* One rep call: what the hypervisor says about a few of our pages. */
static void hello_query_pages(const struct pt_start_info *si)
{
	static uint64_t gpfns[4], info[4];
	volatile struct pt_vpap *v = pt_vpap();
	size_t done = 0;
	int ret;

	gpfns[0] = PT_GUEST_START_INFO_GPA >> PT_PAGE_SHIFT;
	gpfns[1] = pt_hypercall_page_gpa() >> PT_PAGE_SHIFT;
	gpfns[2] = pt_gpa(v) >> PT_PAGE_SHIFT;
	gpfns[3] = si->memory_bytes >> PT_PAGE_SHIFT; /* just past our RAM */
	ret = pt_call_query_pages(gpfns, info, 4, &done);
	pt_printf("query_pages: status %d, %zu done: start-info 0x%lx, "
		  "hypercall page 0x%lx, VPAP 0x%lx, past RAM 0x%lx\n",
		  -ret, done, (unsigned long)info[0], (unsigned long)info[1],
		  (unsigned long)info[2], (unsigned long)info[3]);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	volatile struct pt_vpap *v;

	pt_guest_init();
	if (vcpu != 0) {
		pt_printf("vCPU %u of %s reporting, then idling\n", vcpu,
			  si->name);
		return 0;
	}
	v = pt_vpap();
	hello_say_who(si);
	hello_ticks_run();
	hello_query_pages(si);
	pt_printf("stats: %lu exits, %lu hypercalls, %lu upcalls, "
		  "%lu timer fires\n",
		  (unsigned long)v->stat_exits,
		  (unsigned long)v->stat_hypercalls,
		  (unsigned long)v->stat_upcalls,
		  (unsigned long)v->stat_timer_fires);
	pt_printf("goodbye from %s\n", si->name);
	return 0;
}
