// SPDX-License-Identifier: MIT
/*
 * Messaging operations of the suite, on the guest's own objects: an event
 * sent to its own port and dispatched, a message posted to itself and
 * received, grant map+unmap of 1 and 64 pages, grant copy of 4 KiB.
 */
#include <partita-guest/guest.h>

#include "ops.h"

#define MAP_BATCH 64u

static uint32_t event_port;
static uint32_t msg_conn;
static uint32_t grant_refs[MAP_BATCH];
static int grants_ready;
static uint8_t copy_buf[PT_PAGE_SIZE] __attribute__((aligned(PT_PAGE_SIZE)));
static volatile uint32_t events_in, messages_in;

static void on_event(uint32_t port, void *ctx)
{
	events_in++;
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	messages_in++;
}

/* One end of a self-bound pair; the other end's handler counts. */
static int setup_event_self(void)
{
	uint32_t q = 0;
	int ret = pt_evtchn_init();

	if (!ret)
		ret = pt_call_evtchn_alloc_unbound(bench_self_id, 0,
						   &event_port);
	if (!ret)
		ret = pt_call_evtchn_bind_interdomain(bench_self_id, 0,
						      event_port, &q);
	if (!ret)
		ret = pt_evtchn_set_handler(q, on_event, NULL);
	return ret;
}

/*
 * Send, then dispatch by polling (interrupts are off): the hypervisor's
 * send path plus the guest's two-level scan and the handler.
 */
static int once_event_self(uint64_t *ticks)
{
	uint32_t before = events_in;
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_evtchn_send(event_port);

	pt_evtchn_poll();
	*ticks = pt_rdtsc_ordered() - t0;
	if (!ret && events_in == before)
		return -PT_STATUS_NOT_FOUND; /* sent but never dispatched */
	return ret;
}

static int setup_message_self(void)
{
	return pt_msg_listen(1, bench_self_id, 0, on_message, NULL, &msg_conn);
}

/* Post to its own connection, receive by polling (copy + EOM). */
static int once_message_self(uint64_t *ticks)
{
	static const uint32_t payload[4] = { 1, 2, 3, 4 };
	uint32_t before = messages_in;
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_msg_post(msg_conn, 1, payload, sizeof(payload));

	pt_msg_poll();
	*ticks = pt_rdtsc_ordered() - t0;
	if (!ret && messages_in == before)
		return -PT_STATUS_NOT_FOUND;
	return ret;
}

/* MAP_BATCH pages granted to itself, shared by the grant operations. */
static int setup_grants(void)
{
	uint8_t *pages;
	int ret;

	if (grants_ready)
		return 0;
	pages = pt_pages_alloc(MAP_BATCH);
	if (!pages)
		return -PT_STATUS_INSUFFICIENT_MEMORY;
	ret = pt_grant_table_init(1);
	for (unsigned i = 0; !ret && i < MAP_BATCH; i++)
		ret = pt_grant_alloc(bench_self_id,
				     (pt_gpa(pages) >> PT_PAGE_SHIFT) + i, 0,
				     &grant_refs[i]);
	grants_ready = !ret;
	return ret;
}

static int time_map_unmap(unsigned count, uint64_t *ticks)
{
	uint32_t handles[MAP_BATCH];
	void *addr = NULL;
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_grant_map(bench_self_id, grant_refs, count, 0, &addr,
			       handles, NULL);

	if (!ret)
		ret = pt_grant_unmap(addr, handles, count);
	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

static int once_map_unmap_1(uint64_t *ticks)
{
	return time_map_unmap(1, ticks);
}

static int once_map_unmap_64(uint64_t *ticks)
{
	return time_map_unmap(MAP_BATCH, ticks);
}

static int once_grant_copy(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_grant_copy_from(bench_self_id, grant_refs[0], 0, copy_buf,
				     PT_PAGE_SIZE);

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

const struct bench_op bench_ops_msg[] = {
	{ "event_send_self", 1, 1, setup_event_self, once_event_self },
	{ "message_post_receive_self", 4, 1, setup_message_self,
	  once_message_self },
	{ "grant_map_unmap_1", 10, 1, setup_grants, once_map_unmap_1 },
	{ "grant_map_unmap_64", 60, 1, setup_grants, once_map_unmap_64 },
	{ "grant_copy_4k", 10, 1, setup_grants, once_grant_copy },
	{ NULL, 0, 0, NULL, NULL },
};
