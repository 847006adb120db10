// SPDX-License-Identifier: MIT
/* Message pages per vCPU, slot dispatch with end-of-message, post-retry. */
#include <partita-guest/events.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/message.h>
#include <partita-guest/pages.h>
#include <partita-guest/smp.h>
#include <partita-guest/start.h>
#include <partita-guest/vpap.h>

#include "guest-internal.h"
#include "string.h"

struct msg_listener {
	pt_msg_fn fn;
	void *ctx;
};

static volatile struct pt_msg_page *msg_pages[PT_GUEST_MAX_VCPUS];
static struct msg_listener msg_listeners[PT_GUEST_MAX_VCPUS][PT_MSG_SLOTS];
static uint64_t msg_received_count, msg_malformed_count;

/*
 * One slot's messages: at most one per end-of-message plus the queue, so
 * a bounded loop; a message moved in after the last EOM raises another
 * upcall anyway.
 */
static unsigned msg_drain_slot(unsigned vcpu, unsigned slot)
{
	volatile struct pt_msg_slot *s = &msg_pages[vcpu]->slots[slot];
	struct msg_listener *l = &msg_listeners[vcpu][slot];
	unsigned handled = 0;
	struct pt_msg copy;

	for (unsigned i = 0; i <= PT_MSG_QUEUE_MAX; i++) {
		pt_msg_fn fn;
		uint8_t size;

		if (!__atomic_load_n(&s->header.message_type, __ATOMIC_ACQUIRE))
			break;
		/* Read every field once: what is checked is what is used. */
		memcpy(&copy.header, (const void *)&s->header,
		       sizeof(copy.header));
		size = copy.header.payload_size;
		if (size <= PT_MSG_PAYLOAD_MAX)
			memcpy(copy.payload, (const void *)s->payload, size);
		__atomic_store_n(&s->header.message_type, PT_MSG_TYPE_NONE,
				 __ATOMIC_RELEASE);
		pt_call_msg_eom(slot);
		if (size > PT_MSG_PAYLOAD_MAX || !copy.header.message_type) {
			__atomic_add_fetch(&msg_malformed_count, 1,
					   __ATOMIC_RELAXED);
			continue;
		}
		__atomic_add_fetch(&msg_received_count, 1, __ATOMIC_RELAXED);
		fn = __atomic_load_n(&l->fn, __ATOMIC_ACQUIRE);
		if (fn)
			fn(&copy, l->ctx);
		handled++;
	}
	return handled;
}

static unsigned msg_dispatch(unsigned vcpu)
{
	volatile struct pt_vpap *v;
	unsigned handled = 0;
	uint64_t slots;

	if (vcpu >= PT_GUEST_MAX_VCPUS || !msg_pages[vcpu] ||
	    !(v = guest_vpaps[vcpu]))
		return 0;
	while ((slots = __atomic_exchange_n(&v->msg_slots_pending, 0,
					    __ATOMIC_SEQ_CST))) {
		while (slots) {
			unsigned slot = (unsigned)__builtin_ctzll(slots);

			slots &= slots - 1;
			if (slot < PT_MSG_SLOTS)
				handled += msg_drain_slot(vcpu, slot);
		}
	}
	return handled;
}

static void msg_upcall(unsigned event, unsigned vcpu, void *arg)
{
	(void)event;
	(void)arg;
	msg_dispatch(vcpu);
}

unsigned pt_msg_poll(void)
{
	return guest_event_poll(PT_EVENT_MESSAGES, msg_dispatch);
}

volatile struct pt_msg_page *pt_msg_page(void)
{
	unsigned vcpu = pt_vcpu_index();

	return vcpu < PT_GUEST_MAX_VCPUS ? msg_pages[vcpu] : NULL;
}

int pt_msg_init(void)
{
	unsigned vcpu = pt_vcpu_index();
	volatile struct pt_msg_page *page;
	int ret;

	if (vcpu >= PT_GUEST_MAX_VCPUS)
		return -PT_STATUS_INVALID_VP_INDEX;
	if (msg_pages[vcpu])
		return 0;
	page = pt_pages_alloc(1);
	if (!page)
		return -PT_STATUS_INSUFFICIENT_MEMORY;
	/* Registering the same handler on every vCPU is harmless. */
	pt_event_register(PT_EVENT_MESSAGES, msg_upcall, NULL);
	msg_pages[vcpu] = page;
	ret = pt_call_msg_set_page(pt_gpa(page));
	if (ret)
		msg_pages[vcpu] = NULL; /* the page stays taken */
	return ret;
}

int pt_msg_listen(uint32_t slot, uint32_t sender, uint32_t depth,
		  pt_msg_fn callback, void *ctx, uint32_t *connection_id)
{
	struct pt_msg_connection_in in = {
		.vcpu = pt_vcpu_index(),
		.slot = slot,
		.sender = sender,
		.depth = depth,
	};
	struct msg_listener *l;
	uint64_t irq;
	int ret;

	if (slot >= PT_MSG_SLOTS)
		return -PT_STATUS_INVALID_PARAMETER;
	ret = pt_msg_init();
	if (ret)
		return ret;
	/* The callback is in place before the first message can arrive. */
	l = &msg_listeners[in.vcpu][slot];
	irq = pt_irq_save();
	l->ctx = ctx;
	__atomic_store_n(&l->fn, callback, __ATOMIC_RELEASE);
	pt_irq_restore(irq);
	ret = pt_call_msg_create_connection(&in, connection_id);
	if (ret)
		__atomic_store_n(&l->fn, NULL, __ATOMIC_RELEASE);
	return ret;
}

int pt_msg_unlisten(uint32_t slot)
{
	unsigned vcpu = pt_vcpu_index();
	int ret;

	if (slot >= PT_MSG_SLOTS || vcpu >= PT_GUEST_MAX_VCPUS)
		return -PT_STATUS_INVALID_PARAMETER;
	ret = pt_call_msg_delete_connection(pt_msg_connection_id(
		pt_start_info()->partition_id, vcpu, slot));
	if (!ret)
		__atomic_store_n(&msg_listeners[vcpu][slot].fn, NULL,
				 __ATOMIC_RELEASE);
	return ret;
}

int pt_msg_post_retry(uint32_t connection_id, uint32_t message_type,
		      const void *buf, uint32_t len, unsigned max_tries,
		      unsigned *retries)
{
	unsigned tries = 0;
	int ret;

	for (;;) {
		ret = pt_call_msg_post(connection_id, message_type, buf, len);
		tries++;
		if (ret != -PT_STATUS_INSUFFICIENT_BUFFERS ||
		    (max_tries && tries >= max_tries))
			break;
		pt_call_yield();
	}
	if (retries)
		*retries = tries - 1;
	return ret;
}

uint64_t pt_msg_received(void)
{
	return __atomic_load_n(&msg_received_count, __ATOMIC_RELAXED);
}

uint64_t pt_msg_malformed(void)
{
	return __atomic_load_n(&msg_malformed_count, __ATOMIC_RELAXED);
}
