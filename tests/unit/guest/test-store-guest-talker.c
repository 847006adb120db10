// SPDX-License-Identifier: MIT
/*
 * The guest's store client against a store that never stops talking: watch
 * events without end, or kicks with nothing behind them. A request must
 * still end at its deadline (the transport's expired()), and a pump must
 * return after a bounded number of messages.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "store-guest.h"
#include "store-msg.h"
#include "store-ring-io.h"

#define STORE_ETIMEDOUT 110
/* The deadline, in calls to expired(): time moves on as the client asks. */
#define DEADLINE_CALLS 50u

static struct pt_store_ring_page page;
static struct store_guest client;
static unsigned expired_calls, waits, events_sent, deadline_calls;
static int talking; /* the store adds an event whenever space is freed */

/* One watch event into the response ring, if it fits. */
static void send_event(void)
{
	static const char body[] = "/local/domain/3/x\0tok";
	uint8_t msg[PT_STORE_HDR_SIZE + sizeof(body)];

	store_hdr_encode(msg, PT_STORE_OP_WATCH_EVENT, 0, 0, sizeof(body));
	memcpy(msg + PT_STORE_HDR_SIZE, body, sizeof(body));
	if (PT_STORE_RING_SIZE - (page.rsp_prod - page.rsp_cons) < sizeof(msg))
		return;
	cr_assert_eq(store_ring_write(page.rsp, &page.rsp_prod, &page.rsp_cons,
				      msg, sizeof(msg)),
		     (int)sizeof(msg));
	events_sent++;
}

/* The client freed space or sent something: a talking store answers
 * with another event, never with the reply. */
static void notify(void *ctx)
{
	if (talking)
		send_event();
}

/* A kick is always pending: the wait returns at once. */
static int wait_kicked(void *ctx)
{
	waits++;
	return 0;
}

static int expired(void *ctx)
{
	return ++expired_calls > deadline_calls ? -STORE_ETIMEDOUT : 0;
}

static const struct store_guest_ops ops = { notify, wait_kicked, NULL,
					    expired };

static void setup(void)
{
	memset(&page, 0, sizeof(page));
	expired_calls = waits = events_sent = 0;
	deadline_calls = DEADLINE_CALLS;
	talking = 0;
	store_guest_init(&client, &page, &ops);
}

TestSuite(store_guest_talker, .init = setup, .timeout = 20);

Test(store_guest_talker, endless_events_end_a_request_at_its_deadline)
{
	char buf[64];
	int ret;

	talking = 1;
	ret = store_guest_read(&client, 0, "/local/domain/3/name", buf,
			       sizeof(buf), NULL);
	cr_assert_eq(ret, -STORE_ETIMEDOUT, "got %d", ret);
	cr_assert_eq(expired_calls, DEADLINE_CALLS + 1);
	cr_assert_geq(events_sent, DEADLINE_CALLS - 1,
		      "the store kept talking (%u events)", events_sent);
	/* The events were kept (as many as fit) or counted as lost. */
	cr_assert_eq(client.ev_count, STORE_GUEST_EVENT_SLOTS);
	cr_assert_gt(client.events_lost, 0);
	cr_assert_eq(client.broken, 0, "a timeout is not a broken stream");
}

Test(store_guest_talker, endless_kicks_end_a_request_at_its_deadline)
{
	char buf[64];
	int ret;

	ret = store_guest_read(&client, 0, "/local/domain/3/name", buf,
			       sizeof(buf), NULL);
	cr_assert_eq(ret, -STORE_ETIMEDOUT, "got %d", ret);
	cr_assert_eq(waits, DEADLINE_CALLS, "one wait per look at the clock");
}

Test(store_guest_talker, a_pump_takes_a_bounded_number_of_messages)
{
	talking = 1;
	send_event();
	cr_assert_eq(store_guest_pump(&client), 0);
	cr_assert_eq(client.ev_count + client.events_lost,
		     STORE_GUEST_PUMP_MAX);
	/* The store is still talking: the next pump takes as many again. */
	cr_assert_eq(store_guest_pump(&client), 0);
	cr_assert_eq(client.ev_count + client.events_lost,
		     2 * STORE_GUEST_PUMP_MAX);
}

/* The store stops draining requests but keeps kicking: the send waits
 * for room, and the deadline ends it there too. */
Test(store_guest_talker, endless_kicks_end_a_send_into_a_full_ring)
{
	int ret;

	page.req_prod = PT_STORE_RING_SIZE; /* full of an earlier request */
	ret = store_guest_mkdir(&client, 0, "/local/domain/3/d");
	cr_assert_eq(ret, -STORE_ETIMEDOUT, "got %d", ret);
	cr_assert_eq(waits, DEADLINE_CALLS);
	cr_assert_eq(page.req_prod, PT_STORE_RING_SIZE, "nothing went out");
	cr_assert_eq(client.broken, 0, "nothing half sent");
}

/* A reply already in the ring is taken even when the time is up. */
Test(store_guest_talker, a_reply_already_there_wins_over_the_deadline)
{
	static const char value[] = "x";
	uint8_t msg[PT_STORE_HDR_SIZE + sizeof(value)];
	char buf[16];
	int ret;

	deadline_calls = 0;
	/* The client's first request has id 1. */
	store_hdr_encode(msg, PT_STORE_OP_READ, 1, 0, sizeof(value) - 1);
	memcpy(msg + PT_STORE_HDR_SIZE, value, sizeof(value));
	cr_assert_eq(store_ring_write(page.rsp, &page.rsp_prod, &page.rsp_cons,
				      msg, PT_STORE_HDR_SIZE + 1),
		     PT_STORE_HDR_SIZE + 1);
	ret = store_guest_read(&client, 0, "/local/domain/3/name", buf,
			       sizeof(buf), NULL);
	cr_assert_eq(ret, 0, "got %d", ret);
	cr_assert_str_eq(buf, "x");
	cr_assert_eq(waits, 0);
}
