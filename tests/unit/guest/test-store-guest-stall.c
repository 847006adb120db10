// SPDX-License-Identifier: MIT
/*
 * The guest's store client when the store stops reading in the middle of
 * a request: the wait gives up with part of the request in the ring, and
 * whatever the client sends after it would be read by the store as the
 * rest of that request.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "store-guest.h"
#include "store-msg.h"
#include "store-ring-io.h"

#define STORE_ETIMEDOUT 110

static struct pt_store_ring_page page;
static struct store_guest client;
static unsigned waits;

static void notify(void *ctx)
{
}

/* A store that does not answer: every wait times out. */
static int wait_gives_up(void *ctx)
{
	waits++;
	return -STORE_ETIMEDOUT;
}

static const struct store_guest_ops ops = { notify, wait_gives_up, NULL, NULL };

/* The store reads (and drops) everything in the request ring. */
static void store_drains(void)
{
	uint8_t buf[PT_STORE_RING_SIZE];

	while (store_ring_read(page.req, &page.req_prod, &page.req_cons, buf,
			       sizeof(buf)) > 0)
		;
}

static void setup(void)
{
	memset(&page, 0, sizeof(page));
	waits = 0;
	store_guest_init(&client, &page, &ops);
}

TestSuite(store_guest_stall, .init = setup);

Test(store_guest_stall, a_request_cut_by_a_timeout_breaks_the_stream)
{
	static char value[1500];
	uint32_t prod;
	int ret;

	memset(value, 'v', sizeof(value));
	/* Header, path and value are more than the ring holds. */
	ret = store_guest_write(&client, 0, "/local/domain/3/data", value,
				sizeof(value));
	cr_assert_eq(ret, -STORE_ETIMEDOUT);
	cr_assert_eq(waits, 1);
	cr_assert_eq(page.req_prod, PT_STORE_RING_SIZE, "a part went out");
	/* The store wakes up and reads what is there. */
	store_drains();
	prod = page.req_prod;
	ret = store_guest_mkdir(&client, 0, "/local/domain/3/other");
	cr_expect_eq(ret, -STORE_EIO, "the stream cannot be resynchronised");
	cr_expect_eq(page.req_prod, prod,
		     "nothing is sent after half a request");
}

Test(store_guest_stall, a_request_that_never_started_leaves_the_stream_whole)
{
	static char value[1500];
	int ret;

	memset(value, 'v', sizeof(value));
	/* The ring is full of an earlier request the store never read. */
	page.req_prod = PT_STORE_RING_SIZE;
	ret = store_guest_write(&client, 0, "/local/domain/3/data", value,
				sizeof(value));
	cr_assert_eq(ret, -STORE_ETIMEDOUT);
	cr_assert_eq(page.req_prod, PT_STORE_RING_SIZE, "nothing went out");
	cr_expect_eq(client.broken, 0);
}
