// SPDX-License-Identifier: MIT
/* The event page, per-port handlers and the two-level pending scan. */
#include <partita-guest/events.h>
#include <partita-guest/evtchn.h>
#include <partita-guest/start.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/pages.h>
#include <partita-guest/smp.h>
#include <partita-guest/vpap.h>

#include "guest-internal.h"

struct evtchn_handler {
	pt_evtchn_fn fn;
	void *ctx;
};

static struct evtchn_handler evtchn_handlers[PT_EVTCHN_PORTS];
static volatile struct pt_event_page *evtchn_page;
static struct pt_spinlock evtchn_init_lock = PT_SPINLOCK_INIT;
static uint64_t evtchn_handled_count, evtchn_unhandled_count;

volatile struct pt_event_page *pt_evtchn_page(void)
{
	return evtchn_page;
}

int pt_evtchn_set_handler(uint32_t port, pt_evtchn_fn fn, void *ctx)
{
	struct evtchn_handler *h;
	uint64_t irq;

	if (port == 0 || port >= PT_EVTCHN_PORTS)
		return -PT_STATUS_INVALID_PORT_ID;
	h = &evtchn_handlers[port];
	/* The pair must not be seen half-written by this vCPU's upcall. */
	irq = pt_irq_save();
	__atomic_store_n(&h->fn, NULL, __ATOMIC_RELEASE);
	h->ctx = ctx;
	__atomic_store_n(&h->fn, fn, __ATOMIC_RELEASE);
	pt_irq_restore(irq);
	return 0;
}

static void evtchn_run(uint32_t port)
{
	struct evtchn_handler *h = &evtchn_handlers[port];
	pt_evtchn_fn fn = __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE);

	if (fn) {
		__atomic_add_fetch(&evtchn_handled_count, 1, __ATOMIC_RELAXED);
		fn(port, h->ctx);
	} else {
		__atomic_add_fetch(&evtchn_unhandled_count, 1,
				   __ATOMIC_RELAXED);
	}
}

/*
 * Second level of the scan: ports pending and not masked in one word.
 * Clearing the pending bit before the handler runs means a send during
 * the handler sets it again and is not lost.
 */
static unsigned evtchn_scan_word(volatile struct pt_event_page *page,
				 unsigned word)
{
	unsigned ran = 0;
	uint64_t ready;

	ready = __atomic_load_n(&page->pending[word], __ATOMIC_ACQUIRE) &
		~__atomic_load_n(&page->mask[word], __ATOMIC_ACQUIRE);
	while (ready) {
		unsigned bit = (unsigned)__builtin_ctzll(ready);
		uint64_t b = 1ull << bit;

		ready &= ready - 1;
		if (__atomic_fetch_and(&page->pending[word], ~b,
				       __ATOMIC_SEQ_CST) &
		    b) {
			evtchn_run(word * 64u + bit);
			ran++;
		}
	}
	return ran;
}

/* First level: the vCPU's selector names the words to look at. */
static unsigned evtchn_dispatch(unsigned vcpu)
{
	volatile struct pt_event_page *page = evtchn_page;
	volatile struct pt_vpap *v;
	unsigned ran = 0;
	uint64_t sel;

	if (!page || vcpu >= PT_GUEST_MAX_VCPUS || !(v = guest_vpaps[vcpu]))
		return 0;
	while ((sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0,
					  __ATOMIC_SEQ_CST))) {
		while (sel) {
			unsigned word = (unsigned)__builtin_ctzll(sel);

			sel &= sel - 1;
			ran += evtchn_scan_word(page, word);
		}
	}
	return ran;
}

static void evtchn_upcall(unsigned event, unsigned vcpu, void *arg)
{
	(void)event;
	(void)arg;
	evtchn_dispatch(vcpu);
}

unsigned pt_evtchn_poll(void)
{
	return guest_event_poll(PT_EVENT_PORTS, evtchn_dispatch);
}

int pt_evtchn_init(void)
{
	const struct pt_start_info *si = pt_start_info();
	volatile struct pt_event_page *page;
	int ret = 0;

	pt_spin_lock(&evtchn_init_lock);
	if (evtchn_page)
		goto out;
	if (si->version >= 2 && si->event_page_gpa) {
		/* Registered by the hypervisor for the store (start-info.h). */
		evtchn_page = (volatile struct pt_event_page *)(uintptr_t)
				      si->event_page_gpa;
		pt_event_register(PT_EVENT_PORTS, evtchn_upcall, NULL);
		goto out;
	}
	page = pt_pages_alloc(1);
	if (!page) {
		ret = -PT_STATUS_INSUFFICIENT_MEMORY;
		goto out;
	}
	/* Hook the upcall first: a port may fire as soon as it exists. */
	evtchn_page = page;
	pt_event_register(PT_EVENT_PORTS, evtchn_upcall, NULL);
	ret = pt_call_evtchn_set_page(pt_gpa(page));
	if (ret) {
		/* The page stays taken: the allocator never gives back. */
		pt_event_register(PT_EVENT_PORTS, NULL, NULL);
		evtchn_page = NULL;
	}
out:
	pt_spin_unlock(&evtchn_init_lock);
	return ret;
}

static int evtchn_check(uint32_t port)
{
	if (!evtchn_page)
		return -PT_STATUS_INVALID_PARTITION_STATE;
	if (port == 0 || port >= PT_EVTCHN_PORTS)
		return -PT_STATUS_INVALID_PORT_ID;
	return 0;
}

int pt_evtchn_mask(uint32_t port)
{
	int ret = evtchn_check(port);

	if (!ret)
		__atomic_fetch_or(&evtchn_page->mask[port / 64u],
				  1ull << (port % 64u), __ATOMIC_SEQ_CST);
	return ret;
}

int pt_evtchn_unmask(uint32_t port)
{
	uint64_t b = 1ull << (port % 64u);
	int ret = evtchn_check(port);

	if (ret)
		return ret;
	__atomic_fetch_and(&evtchn_page->mask[port / 64u], ~b,
			   __ATOMIC_SEQ_CST);
	/* A send while masked only set pending: have it delivered now. */
	if (__atomic_load_n(&evtchn_page->pending[port / 64u],
			    __ATOMIC_SEQ_CST) &
	    b)
		ret = pt_call_evtchn_unmask(port);
	return ret;
}

int pt_evtchn_close(uint32_t port)
{
	int ret = pt_call_evtchn_close(port);

	if (!ret)
		pt_evtchn_set_handler(port, NULL, NULL);
	return ret;
}

uint64_t pt_evtchn_handled(void)
{
	return __atomic_load_n(&evtchn_handled_count, __ATOMIC_RELAXED);
}

uint64_t pt_evtchn_unhandled(void)
{
	return __atomic_load_n(&evtchn_unhandled_count, __ATOMIC_RELAXED);
}

int pt_evtchn_alloc_wait(uint32_t remote_id, uint32_t vcpu,
			 uint64_t deadline_ns, uint32_t *port)
{
	int ret;

	while ((ret = pt_call_evtchn_alloc_unbound(remote_id, vcpu, port)) ==
		       -PT_STATUS_INVALID_PARTITION_ID &&
	       pt_time_ns() < deadline_ns)
		pt_sleep_ns(1000000);
	return ret;
}

int pt_evtchn_bind_wait(uint32_t remote_id, uint32_t vcpu, uint32_t remote_port,
			uint64_t deadline_ns, uint32_t *port)
{
	int ret;

	while (((ret = pt_call_evtchn_bind_interdomain(remote_id, vcpu,
						       remote_port, port)) ==
			-PT_STATUS_INVALID_PARTITION_ID ||
		ret == -PT_STATUS_INVALID_PORT_ID) &&
	       pt_time_ns() < deadline_ns)
		pt_sleep_ns(1000000);
	return ret;
}
