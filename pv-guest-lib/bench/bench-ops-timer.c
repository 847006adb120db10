// SPDX-License-Identifier: MIT
/*
 * Timer operation of the suite: how late the timer upcall runs after the
 * deadline set with SET_TIMER, the guest blocked in between (the timer's
 * expiry, the hypervisor's wake-up and the upcall into the guest).
 */
#include <partita-guest/guest.h>

#include "ops.h"

/* Far enough ahead that the guest is halted when the timer fires. */
#define TIMER_AHEAD_NS 20000u
/* How long past the deadline the wait gives up (a lost timer). */
#define TIMER_GIVE_UP_NS 1000000000ull

static volatile uint64_t timer_seen_ns;
static volatile uint32_t timer_fired;

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
	timer_seen_ns = pt_time_ns();
	timer_fired = 1;
}

static int setup_timer(void)
{
	if (pt_event_register(PT_EVENT_TIMER, on_timer, NULL) ||
	    pt_upcall_enable(0))
		return -PT_STATUS_OPERATION_DENIED;
	return 0;
}

static int once_timer(uint64_t *ticks)
{
	uint64_t deadline, late_ns;
	int ret;

	pt_irq_disable();
	timer_fired = 0;
	deadline = pt_time_ns() + TIMER_AHEAD_NS;
	ret = pt_call_set_timer(deadline);
	/*
	 * BLOCK with interrupts on: the timer's event wakes the vCPU and
	 * its upcall is delivered as the call returns. BLOCK's own deadline
	 * bounds the wait, so a lost wake-up fails this operation instead
	 * of hanging the suite.
	 */
	pt_irq_enable();
	while (!ret && !timer_fired &&
	       pt_time_ns() < deadline + TIMER_GIVE_UP_NS)
		ret = pt_call_block(deadline + TIMER_GIVE_UP_NS);
	pt_irq_disable();
	if (ret)
		return ret;
	if (!timer_fired)
		return -PT_STATUS_NOT_FOUND; /* the timer never fired */
	late_ns = timer_seen_ns > deadline ? timer_seen_ns - deadline : 0;
	/* Samples are TSC ticks like every other operation's. */
	*ticks = late_ns * pt_vpap()->tsc_khz / 1000000u;
	return 0;
}

const struct bench_op bench_ops_timer[] = {
	{ "timer_upcall_latency", 20, 1, setup_timer, once_timer },
	{ NULL, 0, 0, NULL, NULL },
};
