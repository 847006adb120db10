// SPDX-License-Identifier: MIT
/* Upcalls: the virtual interrupt that reports pending events in the VPAP. */
#include <partita-guest/cpu.h>
#include <partita-guest/events.h>
#include <partita-guest/vpap.h>

#include "guest-internal.h"

struct guest_event_slot {
	pt_event_fn fn;
	void *arg;
};

static struct guest_event_slot guest_events[64];

volatile uint32_t guest_upcall_vector;

struct guest_upcall_stats {
	uint64_t count;
	uint64_t seen;
};

static struct guest_upcall_stats guest_upcall_stats[PT_GUEST_MAX_VCPUS];

int pt_event_register(unsigned event, pt_event_fn fn, void *arg)
{
	if (event >= 64)
		return -1;
	guest_events[event].arg = arg;
	__atomic_store_n(&guest_events[event].fn, fn, __ATOMIC_RELEASE);
	return 0;
}

int pt_upcall_enable(unsigned vector)
{
	volatile struct pt_vpap *v = pt_vpap();

	if (!vector)
		vector = PT_GUEST_UPCALL_VECTOR;
	if (!v || vector < 32 || vector > 255)
		return -1;
	/* One stub serves upcalls; every vCPU must use the same vector. */
	if (guest_upcall_vector && guest_upcall_vector != vector)
		return -1;
	guest_upcall_vector = vector;
	v->upcall_vector = (uint8_t)vector;
	__atomic_store_n(&v->upcall_mask, 0, __ATOMIC_SEQ_CST);
	return 0;
}

int pt_upcall_mask(int masked)
{
	volatile struct pt_vpap *v = pt_vpap();
	int old;

	if (!v)
		return -1;
	old = v->upcall_mask;
	__atomic_store_n(&v->upcall_mask, masked ? 1 : 0, __ATOMIC_SEQ_CST);
	return old;
}

/*
 * The VPAP contract: clear upcall_pending first, then take the events with
 * one atomic exchange, so an event raised in between raises a new upcall
 * rather than being lost. There is no EOI: no virtual APIC is involved.
 */
void guest_upcall_dispatch(unsigned vcpu)
{
	volatile struct pt_vpap *v;
	uint64_t events;

	if (vcpu >= PT_GUEST_MAX_VCPUS || !(v = guest_vpaps[vcpu]))
		return;
	__atomic_store_n(&v->upcall_pending, 0, __ATOMIC_SEQ_CST);
	events = __atomic_exchange_n(&v->pending_events, 0, __ATOMIC_SEQ_CST);
	guest_upcall_stats[vcpu].count++;
	guest_upcall_stats[vcpu].seen |= events;
	while (events) {
		unsigned bit = (unsigned)__builtin_ctzll(events);
		pt_event_fn fn = __atomic_load_n(&guest_events[bit].fn,
						 __ATOMIC_ACQUIRE);

		events &= events - 1;
		if (fn)
			fn(bit, vcpu, guest_events[bit].arg);
	}
}

/*
 * After a poll took the last pending event, upcall_pending would still
 * say "interrupt me": the hypervisor keeps the virtual interrupt raised
 * on every entry and the guest later takes an upcall that finds nothing.
 * Clear it when nothing is pending, then look again: the hypervisor sets
 * pending_events before upcall_pending, so an event that arrived in
 * between is seen here and its upcall asked for again.
 */
static void settle_upcall(volatile struct pt_vpap *v)
{
	if (__atomic_load_n(&v->pending_events, __ATOMIC_SEQ_CST) ||
	    !__atomic_load_n(&v->upcall_pending, __ATOMIC_SEQ_CST))
		return;
	__atomic_store_n(&v->upcall_pending, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&v->pending_events, __ATOMIC_SEQ_CST))
		__atomic_store_n(&v->upcall_pending, 1, __ATOMIC_SEQ_CST);
}

unsigned guest_event_poll(unsigned event, unsigned (*dispatch)(unsigned))
{
	unsigned vcpu = pt_vcpu_index();
	volatile struct pt_vpap *v = NULL;
	uint64_t irq = pt_irq_save();
	unsigned ran;

	if (vcpu < PT_GUEST_MAX_VCPUS && (v = guest_vpaps[vcpu]))
		__atomic_fetch_and(&v->pending_events, ~(1ull << event),
				   __ATOMIC_SEQ_CST);
	ran = dispatch(vcpu);
	if (v)
		settle_upcall(v);
	pt_irq_restore(irq);
	return ran;
}

uint64_t pt_upcall_count(void)
{
	return guest_upcall_stats[pt_vcpu_index() % PT_GUEST_MAX_VCPUS].count;
}

uint64_t pt_upcall_events_seen(void)
{
	return guest_upcall_stats[pt_vcpu_index() % PT_GUEST_MAX_VCPUS].seen;
}

void pt_wait_flag(volatile uint32_t *flag)
{
	pt_irq_disable();
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		pt_safe_halt();
}
