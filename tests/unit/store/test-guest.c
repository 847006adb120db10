// SPDX-License-Identifier: GPL-2.0-only
/* The freestanding guest client against the daemon's ring side, in memory. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include "store-guest.h"
#include "store-ring-conn.h"
#include "store-ring-io.h"
#include "store-test-util.h"

static struct store st;
static struct pt_store_ring_page page;
static struct store_ring_conn *rc;
static struct store_guest g;
static struct store_conn *root;
static int notified_guest, notified_store, waits;

static void notify_guest(void *ctx)
{
	notified_guest++;
}

static void notify_store(void *ctx)
{
	notified_store++;
}

/* Stands in for "block on the event port": run the store's side now. */
static int wait_store(void *ctx)
{
	int before = notified_guest;

	waits++;
	if (store_ring_conn_service(rc))
		return -EIO;
	return notified_guest == before ? -ETIMEDOUT : 0;
}

static const struct store_guest_ops ops = { notify_store, wait_store, NULL,
					    NULL };

static void setup(void)
{
	memset(&page, 0, sizeof(page));
	cr_assert_eq(store_init(&st, NULL), 0);
	root = store_conn_new(&st, 0, 1);
	rc = store_ring_conn_new(&st, 3, &page, notify_guest, NULL);
	cr_assert(rc);
	store_guest_init(&g, &page, &ops);
	notified_guest = notified_store = waits = 0;
	/* give the guest a home it owns */
	cr_assert(is_ok(call(root, PT_STORE_OP_MKDIR, 0, S("/local/domain/3")),
			PT_STORE_OP_MKDIR));
	cr_assert(is_ok(
		call(root, PT_STORE_OP_SET_PERMS, 0, S("/local/domain/3\0n3")),
		PT_STORE_OP_SET_PERMS));
}

static void teardown(void)
{
	store_ring_conn_free(rc);
	store_fini(&st);
}

TestSuite(guest, .init = setup, .fini = teardown);

Test(guest, write_read_directory)
{
	char buf[64];
	uint32_t len;

	int ret = store_guest_write(&g, 0, "name", "vm3", 3);

	cr_assert_eq(ret, 0, "write: %d", ret);
	cr_assert_eq(store_guest_write(&g, 0, "/local/domain/3/dev/0", "a", 1),
		     0);
	cr_assert_eq(store_guest_read(&g, 0, "name", buf, sizeof(buf), &len),
		     0);
	cr_assert_eq(len, 3);
	cr_assert_str_eq(buf, "vm3");
	cr_assert_eq(store_guest_directory(&g, 0, "/local/domain/3", buf,
					   sizeof(buf), &len),
		     0);
	cr_assert_eq(len, 9);
	cr_assert_eq(memcmp(buf, "name\0dev\0", 9), 0);
	cr_assert_gt(notified_store, 0);
	cr_assert_gt(notified_guest, 0);
	/* the root sees what the guest wrote, owned by the guest */
	cr_assert_str_eq(
		call(root, PT_STORE_OP_GET_PERMS, 0, S("/local/domain/3/name"))
			->data,
		"n3");
}

Test(guest, errors_come_back_as_negative_errno)
{
	char buf[8];

	cr_assert_eq(store_guest_read(&g, 0, "missing", buf, sizeof(buf), NULL),
		     -ENOENT);
	cr_assert_eq(store_guest_read(&g, 0, "/tool", buf, sizeof(buf), NULL),
		     -EACCES);
	cr_assert_eq(store_guest_write(&g, 0, "bad//path", "", 0), -EINVAL);
	cr_assert_eq(store_guest_write(&g, 0, "big", "0123456789", 10), 0);
	cr_assert_eq(store_guest_read(&g, 0, "big", buf, sizeof(buf), NULL),
		     -E2BIG);
}

Test(guest, large_messages_cross_the_small_ring)
{
	static char value[2000], back[2001];
	uint32_t len, i;

	for (i = 0; i < sizeof(value); i++)
		value[i] = (char)('a' + i % 26);
	cr_assert_eq(store_guest_write(&g, 0, "blob", value, sizeof(value)), 0);
	cr_assert_eq(store_guest_read(&g, 0, "blob", back, sizeof(back), &len),
		     0);
	cr_assert_eq(len, sizeof(value));
	cr_assert_eq(memcmp(back, value, sizeof(value)), 0);
}

Test(guest, watch_events_reach_the_guest)
{
	char path[64], token[16];

	cr_assert_eq(store_guest_watch(&g, "dev", "tk"), 0);
	cr_assert_eq(store_guest_next_event(&g, path, sizeof(path), token,
					    sizeof(token)),
		     1);
	cr_assert_str_eq(path, "dev");
	cr_assert_str_eq(token, "tk");
	cr_assert_eq(store_guest_next_event(&g, path, sizeof(path), token,
					    sizeof(token)),
		     0);
	/* a change by the root lands in the ring at once */
	cr_assert(is_ok(call(root, PT_STORE_OP_WRITE, 0,
			     V("/local/domain/3/dev/x\0"
			       "1")),
			PT_STORE_OP_WRITE));
	cr_assert_eq(store_guest_next_event(&g, path, sizeof(path), token,
					    sizeof(token)),
		     1);
	cr_assert_str_eq(path, "dev/x");
	cr_assert_eq(store_guest_unwatch(&g, "dev", "tk"), 0);
	cr_assert_eq(store_guest_unwatch(&g, "dev", "tk"), -ENOENT);
}

Test(guest, transactions_conflict)
{
	uint32_t t;
	char buf[8];

	cr_assert_eq(store_guest_write(&g, 0, "c", "0", 1), 0);
	cr_assert_eq(store_guest_txn_start(&g, &t), 0);
	cr_assert_eq(store_guest_read(&g, t, "c", buf, sizeof(buf), NULL), 0);
	cr_assert_eq(store_guest_write(&g, t, "c", "1", 1), 0);
	cr_assert(is_ok(call(root, PT_STORE_OP_WRITE, 0,
			     V("/local/domain/3/c\0"
			       "2")),
			PT_STORE_OP_WRITE));
	cr_assert_eq(store_guest_txn_end(&g, t, 1), -EAGAIN);
	cr_assert_eq(store_guest_read(&g, 0, "c", buf, sizeof(buf), NULL), 0);
	cr_assert_str_eq(buf, "2");
	cr_assert_eq(store_guest_txn_start(&g, &t), 0);
	cr_assert_eq(store_guest_write(&g, t, "c", "3", 1), 0);
	cr_assert_eq(store_guest_txn_end(&g, t, 1), 0);
}

Test(guest, hostile_indices_break_only_the_ring)
{
	page.req_prod = page.req_cons + PT_STORE_RING_SIZE + 5;
	cr_assert_eq(store_ring_conn_service(rc), -EIO);
	cr_assert(rc->conn->broken);
	cr_assert(is_ok(call(root, PT_STORE_OP_WRITE, 0,
			     V("/ok\0"
			       "1")),
			PT_STORE_OP_WRITE));
}

Test(guest, framing_error_on_the_ring)
{
	uint8_t hdr[16];

	store_hdr_encode(hdr, PT_STORE_OP_READ, 1, 0, 0x10000);
	store_ring_write(page.req, &page.req_prod, &page.req_cons, hdr, 16);
	cr_assert_eq(store_ring_conn_service(rc), -EIO);
}

Test(guest, a_dead_store_fails_requests)
{
	char buf[8];

	/* the client detects a store that returns nonsense indices */
	page.rsp_prod = page.rsp_cons + PT_STORE_RING_SIZE * 2;
	cr_assert_eq(store_guest_read(&g, 0, "x", buf, sizeof(buf), NULL),
		     -EIO);
	cr_assert_eq(store_guest_read(&g, 0, "x", buf, sizeof(buf), NULL),
		     -EIO);
	cr_assert(g.broken);
}
