// SPDX-License-Identifier: MIT
/*
 * The xenbus front-end helper negotiating against the store daemon's core
 * in memory, with a scripted back-end that plays the root's side of
 * docs/split-drivers.md section 2 (partition 3, device console/0).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <partita-guest/vblk.h>
#include <partita-guest/xenbus.h>
#include "store-guest.h"
#include "store-ring-conn.h"
#include "store-ring-io.h"
#include "store-test-util.h"

#define FE "/local/domain/3/device/console/0"
#define BE "/local/domain/0/backend/console/3/0"

static struct store st;
static struct pt_store_ring_page page;
static struct store_ring_conn *rc;
static struct store_guest g;
static struct store_conn *root;
static struct pt_xenbus xb;

/* The scripted back-end. */
static struct {
	int offer;     /* go to InitWait when Initialising */
	int connect;   /* go to Connected when the front-end is ready */
	int refuse;    /* go to Closing instead of Connected */
	int conflict;  /* spoil the next transaction once */
	int keys_seen; /* the front-end's keys were all there */
	int waits, timeouts, txn_starts;
} be;

static void notify_guest(void *ctx)
{
}

static void notify_store(void *ctx)
{
}

static void root_write(const char *path, const char *value)
{
	char buf[512];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	cr_assert(is_ok(call(root, PT_STORE_OP_WRITE, 0, buf,
			     (uint32_t)(pl + vl)),
			PT_STORE_OP_WRITE),
		  "root write %s", path);
}

static int root_read(const char *path, char *out, size_t cap)
{
	struct reply *r = call(root, PT_STORE_OP_READ, 0, path,
			       (uint32_t)strlen(path) + 1);

	if (r->type != PT_STORE_OP_READ)
		return -1;
	snprintf(out, cap, "%s", r->data);
	return 0;
}

static unsigned root_state(const char *dir)
{
	char path[128], v[16];

	snprintf(path, sizeof(path), "%s/state", dir);
	if (root_read(path, v, sizeof(v)))
		return 0;
	return (unsigned)atoi(v);
}

static void root_state_set(const char *dir, unsigned s)
{
	char path[128], v[16];

	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(v, sizeof(v), "%u", s);
	root_write(path, v);
}

static int front_has(const char *key)
{
	char path[128], v[4200];

	snprintf(path, sizeof(path), FE "/%s", key);
	return !root_read(path, v, sizeof(v));
}

/* One move of the back-end, as it would react to a watch event. */
static int backend_step(void)
{
	unsigned fs = root_state(FE), bs = root_state(BE);

	if (be.offer && (bs == 1 || (bs >= 5 && fs == 1))) {
		root_write(BE "/device-features", "130000000");
		root_write(BE "/max-queue-size", "128");
		root_write(BE "/max-pool-pages", "32");
		root_state_set(BE, 2);
		return 1;
	}
	if (bs == 2 && fs == 3 && (be.connect || be.refuse)) {
		be.keys_seen =
			front_has("event-channel") &&
			front_has("driver-features") &&
			front_has("num-queues") && front_has("queue-0-size") &&
			front_has("queue-0-ring-refs") &&
			front_has("pool-pages") && front_has("pool-refs");
		root_state_set(BE, be.refuse ? 5 : 4);
		return 1;
	}
	if (bs == 4 && fs == 5) {
		root_state_set(BE, 6);
		return 1;
	}
	return 0;
}

/* The store client's transport: peek at the request, then serve it. */
static int wait_store(void *ctx)
{
	uint8_t hdr[16];

	for (uint32_t i = 0; i < 16; i++)
		hdr[i] = page.req[(page.req_cons + i) % PT_STORE_RING_SIZE];
	if (page.req_prod - page.req_cons >= 16) {
		uint32_t type, tx;

		memcpy(&type, hdr, 4);
		memcpy(&tx, hdr + 8, 4);
		if (type == PT_STORE_OP_TRANSACTION_START)
			be.txn_starts++;
		/* Someone else writes our state while the transaction
		 * is open: its commit must fail with EAGAIN. */
		if (be.conflict && type == PT_STORE_OP_WRITE && tx) {
			be.conflict = 0;
			root_write(FE "/state", "1");
		}
	}
	return store_ring_conn_service(rc) ? -EIO : 0;
}

static const struct store_guest_ops gops = { notify_store, wait_store, NULL,
					     NULL };

/* The helper's waiter: the back-end moves, then its event is taken. */
static int wait_event(void *ctx, char *path, uint32_t pcap, char *token,
		      uint32_t tcap, uint64_t deadline_ns)
{
	be.waits++;
	backend_step();
	store_ring_conn_service(rc);
	if (store_guest_next_event(&g, path, pcap, token, tcap) == 1)
		return 0;
	be.timeouts++;
	return -PT_DEV_ETIMEDOUT;
}

static int t_read(void *ctx, uint32_t tx, const char *path, char *buf,
		  uint32_t cap)
{
	return store_guest_read(&g, tx, path, buf, cap, NULL);
}

static int t_write(void *ctx, uint32_t tx, const char *path, const char *value)
{
	return store_guest_write(&g, tx, path, value, (uint32_t)strlen(value));
}

static int t_directory(void *ctx, uint32_t tx, const char *path, char *buf,
		       uint32_t cap, uint32_t *len)
{
	return store_guest_directory(&g, tx, path, buf, cap, len);
}

static int t_watch(void *ctx, const char *path, const char *token)
{
	return store_guest_watch(&g, path, token);
}

static int t_unwatch(void *ctx, const char *path, const char *token)
{
	return store_guest_unwatch(&g, path, token);
}

static int t_txn_start(void *ctx, uint32_t *tx)
{
	return store_guest_txn_start(&g, tx);
}

static int t_txn_end(void *ctx, uint32_t tx, int commit)
{
	return store_guest_txn_end(&g, tx, commit);
}

static const struct pt_xenbus_ops xops = {
	.read = t_read,
	.write = t_write,
	.directory = t_directory,
	.watch = t_watch,
	.unwatch = t_unwatch,
	.txn_start = t_txn_start,
	.txn_end = t_txn_end,
	.wait_event = wait_event,
};

static void setup(void)
{
	memset(&page, 0, sizeof(page));
	memset(&be, 0, sizeof(be));
	cr_assert_eq(store_init(&st, NULL), 0);
	root = store_conn_new(&st, 0, 1);
	rc = store_ring_conn_new(&st, 3, &page, notify_guest, NULL);
	cr_assert(rc);
	store_guest_init(&g, &page, &gops);
	/* What the toolstack writes for a `console: {}` device: each
	 * directory's permissions first, which its keys then inherit. */
	cr_assert(is_ok(call(root, PT_STORE_OP_MKDIR, 0, S("/local/domain/3")),
			PT_STORE_OP_MKDIR));
	cr_assert(is_ok(call(root, PT_STORE_OP_SET_PERMS, 0,
			     S("/local/domain/3\0n0\0r3")),
			PT_STORE_OP_SET_PERMS));
	cr_assert(is_ok(call(root, PT_STORE_OP_MKDIR, 0, S(FE)),
			PT_STORE_OP_MKDIR));
	cr_assert(is_ok(call(root, PT_STORE_OP_SET_PERMS, 0, S(FE "\0n3")),
			PT_STORE_OP_SET_PERMS));
	cr_assert(is_ok(call(root, PT_STORE_OP_MKDIR, 0, S(BE)),
			PT_STORE_OP_MKDIR));
	cr_assert(is_ok(call(root, PT_STORE_OP_SET_PERMS, 0, S(BE "\0n0\0r3")),
			PT_STORE_OP_SET_PERMS));
	root_write(FE "/backend", BE);
	root_write(FE "/backend-id", "0");
	root_write(FE "/state", "1");
	root_write(BE "/frontend", FE);
	root_write(BE "/frontend-id", "3");
	root_write(BE "/state", "1");
}

static void teardown(void)
{
	store_ring_conn_free(rc);
	store_fini(&st);
}

TestSuite(xenbus, .init = setup, .fini = teardown);

Test(xenbus, open_finds_the_backend_and_watches_it)
{
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0, "%s",
		     xb.why);
	cr_expect_str_eq(xb.front, FE);
	cr_expect_str_eq(xb.back, BE);
	cr_expect_eq(xb.backend_id, 0);
	cr_expect_eq(xb.state, PT_XENBUS_STATE_INITIALISING);
	cr_expect(xb.watching);
	pt_xenbus_close(&xb);
	cr_expect_not(xb.watching);
}

Test(xenbus, open_of_a_missing_device)
{
	cr_expect_eq(pt_xenbus_open(&xb, &xops, 3, "console", 1),
		     -PT_DEV_ENODEV);
	cr_expect_eq(xb.detail, ENOENT);
	cr_expect_eq(pt_xenbus_open(&xb, NULL, 3, "console", 0),
		     -PT_DEV_ENOSTORE);
}

Test(xenbus, open_refuses_a_backend_that_is_not_a_backend_dir)
{
	root_write(FE "/backend", "/local/domain/3/data");
	cr_expect_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0),
		     -PT_DEV_EBADKEY);
	root_write(FE "/backend", "/local/domain/0/backend/");
	cr_expect_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0),
		     -PT_DEV_EBADKEY);
	root_write(FE "/backend", BE);
	root_write(FE "/backend-id", "zero");
	cr_expect_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0),
		     -PT_DEV_EBADKEY);
	root_write(FE "/backend-id", "70000");
	cr_expect_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0),
		     -PT_DEV_EBADKEY);
	root_write(FE "/backend-id", "0");
	root_write(FE "/state", "9");
	cr_expect_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0),
		     -PT_DEV_EBADKEY);
}

static void publish_front_keys(int expect)
{
	static const struct pt_xenbus_kv kv[] = {
		{ "event-channel", "5" },
		{ "driver-features", "130000000" },
		{ "num-queues", "2" },
		{ "queue-0-size", "64" },
		{ "queue-0-ring-refs", "2" },
		{ "queue-1-size", "64" },
		{ "queue-1-ring-refs", "3" },
		{ "pool-pages", "2" },
		{ "pool-refs", "4 5" },
	};

	cr_assert_eq(pt_xenbus_publish(&xb, kv, 9, PT_XENBUS_STATE_INITIALISED),
		     expect, "%s", xb.why);
}

Test(xenbus, the_whole_walk_connect_close_reconnect)
{
	uint64_t v;
	uint32_t s;
	char refs[32];

	be.offer = be.connect = 1;
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_assert_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_INIT_WAIT, 0, 0, &s),
		     0, "%s", xb.why);
	cr_expect_eq(s, PT_XENBUS_STATE_INIT_WAIT);
	cr_assert_eq(pt_xenbus_read_backend_u64(&xb, "device-features", 1, &v),
		     0);
	cr_expect_eq(v, 0x130000000ull);
	cr_assert_eq(pt_xenbus_read_backend_u64(&xb, "max-queue-size", 0, &v),
		     0);
	cr_expect_eq(v, 128);
	cr_expect_eq(pt_xenbus_read_backend_u64(&xb, "no-such-key", 0, &v),
		     -PT_DEV_EBADKEY);
	publish_front_keys(0);
	cr_expect_eq(root_state(FE), PT_XENBUS_STATE_INITIALISED);
	cr_assert_eq(
		pt_xenbus_wait_backend(&xb, 1u << PT_XENBUS_STATE_CONNECTED,
				       (1u << PT_XENBUS_STATE_CLOSING) |
					       (1u << PT_XENBUS_STATE_CLOSED),
				       0, NULL),
		0, "%s", xb.why);
	cr_expect(be.keys_seen, "keys were there when the state said so");
	cr_assert_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CONNECTED), 0);
	cr_expect_eq(root_state(FE), PT_XENBUS_STATE_CONNECTED);
	root_read(FE "/pool-refs", refs, sizeof(refs));
	cr_expect_str_eq(refs, "4 5");

	/* Close: Closing, the back-end follows, Closed. */
	cr_assert_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CLOSING), 0);
	cr_assert_eq(pt_xenbus_wait_backend(&xb, 1u << PT_XENBUS_STATE_CLOSED,
					    0, 0, NULL),
		     0);
	cr_assert_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CLOSED), 0);
	/* Reconnect: Initialising, the back-end returns to InitWait. */
	cr_assert_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_INITIALISING), 0);
	cr_assert_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_INIT_WAIT, 0, 0, NULL),
		     0);
	publish_front_keys(0);
	cr_assert_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_CONNECTED, 0, 0, NULL),
		     0);
	cr_assert_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CONNECTED), 0);
}

Test(xenbus, out_of_order_moves_are_refused_and_not_written)
{
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_expect_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CONNECTED),
		     -PT_DEV_ESTATE);
	cr_expect_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CLOSED),
		     -PT_DEV_ESTATE);
	cr_expect_eq(pt_xenbus_switch(&xb, 42), -PT_DEV_ESTATE);
	cr_expect_eq(pt_xenbus_publish(&xb, NULL, 0, PT_XENBUS_STATE_CONNECTED),
		     -PT_DEV_ESTATE);
	cr_expect_eq(root_state(FE), PT_XENBUS_STATE_INITIALISING);
}

Test(xenbus, a_silent_backend_times_out)
{
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_expect_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_INIT_WAIT, 0, 1, NULL),
		     -PT_DEV_ETIMEDOUT);
	cr_expect_gt(be.timeouts, 0);
	cr_expect_neq(xb.why[0], 0);
}

Test(xenbus, a_backend_that_closes_instead_of_connecting)
{
	be.offer = be.refuse = 1;
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_assert_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_INIT_WAIT, 0, 0, NULL),
		     0);
	be.offer = 0;
	publish_front_keys(0);
	cr_expect_eq(
		pt_xenbus_wait_backend(&xb, 1u << PT_XENBUS_STATE_CONNECTED,
				       (1u << PT_XENBUS_STATE_CLOSING) |
					       (1u << PT_XENBUS_STATE_CLOSED),
				       0, NULL),
		-PT_DEV_ECLOSED);
	cr_expect_eq(xb.detail, PT_XENBUS_STATE_CLOSING);
}

Test(xenbus, a_vanished_backend_directory)
{
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_assert(is_ok(call(root, PT_STORE_OP_RM, 0, S(BE)), PT_STORE_OP_RM));
	cr_expect_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_INIT_WAIT, 0, 0, NULL),
		     -PT_DEV_ENODEV);
	/* The parent is not the guest's to read: EACCES, same answer. */
	cr_expect_eq(xb.detail, EACCES);
}

Test(xenbus, a_conflicting_transaction_is_retried)
{
	char v[16];

	be.offer = 1;
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_assert_eq(pt_xenbus_wait_backend(
			     &xb, 1u << PT_XENBUS_STATE_INIT_WAIT, 0, 0, NULL),
		     0);
	be.conflict = 1;
	publish_front_keys(0);
	cr_expect_eq(be.conflict, 0, "the conflict happened");
	cr_expect_eq(be.txn_starts, 2, "and the transaction ran again");
	cr_expect_eq(root_state(FE), PT_XENBUS_STATE_INITIALISED);
	root_read(FE "/event-channel", v, sizeof(v));
	cr_expect_str_eq(v, "5");
}

Test(xenbus, a_denied_write_is_a_store_error)
{
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	/* The front-end directory taken away from the guest. */
	cr_assert(is_ok(call(root, PT_STORE_OP_SET_PERMS, 0, S(FE "\0n0\0r3")),
			PT_STORE_OP_SET_PERMS));
	cr_assert(is_ok(
		call(root, PT_STORE_OP_SET_PERMS, 0, S(FE "/state\0n0\0r3")),
		PT_STORE_OP_SET_PERMS));
	cr_expect_eq(pt_xenbus_switch(&xb, PT_XENBUS_STATE_CLOSING),
		     -PT_DEV_ESTORE);
	cr_expect_eq(xb.detail, EACCES);
	cr_expect_eq(xb.state, PT_XENBUS_STATE_INITIALISING);
}

Test(xenbus, devices_of_a_type_are_listed_sorted)
{
	unsigned ids[4];

	cr_expect_eq(pt_xenbus_list_devices(&xops, 3, "block", ids, 4), 0,
		     "no block directory yet");
	root_write("/local/domain/3/device/block/10/state", "1");
	root_write("/local/domain/3/device/block/2/state", "1");
	root_write("/local/domain/3/device/block/0/state", "1");
	root_write("/local/domain/3/device/block/x/state", "1");
	root_write("/local/domain/3/device/block/007/state", "1");
	cr_assert_eq(pt_xenbus_list_devices(&xops, 3, "block", ids, 4), 3);
	cr_expect_eq(ids[0], 0);
	cr_expect_eq(ids[1], 2);
	cr_expect_eq(ids[2], 10);
	cr_assert_eq(pt_xenbus_list_devices(&xops, 3, "block", ids, 2), 2,
		     "at most max");
	cr_expect_eq(ids[0], 0);
	cr_expect_eq(ids[1], 2);
	cr_expect_eq(pt_xenbus_list_devices(&xops, 3, "console", ids, 4), 1);
	cr_expect_eq(pt_xenbus_list_devices(NULL, 3, "block", ids, 4),
		     -PT_DEV_ENOSTORE);
}

/* The block keys a back-end writes before InitWait. */
static void block_keys(void)
{
	root_write(BE "/capacity", "2097152");
	root_write(BE "/blk-size", "4096");
	root_write(BE "/seg-max", "126");
	root_write(BE "/size-max", "65536");
	root_write(BE "/max-discard-sectors", "8192");
	root_write(BE "/max-write-zeroes-sectors", "4096");
	root_write(BE "/serial", "partita-disk-0");
}

#define BLK_OFFER                                      \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_SIZE_MAX) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_SEG_MAX) |  \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_BLK_SIZE) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_DISCARD) |  \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_WRITE_ZEROES))

Test(xenbus, block_keys_are_read_as_the_disk_s_config)
{
	struct pt_vblk_info in;

	block_keys();
	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_assert_eq(pt_vblk_read_info(&xb, BLK_OFFER, &in), 0, "%s", xb.why);
	cr_expect_eq(in.capacity, 2097152);
	cr_expect_eq(in.blk_size, 4096);
	cr_expect_eq(in.seg_max, 126);
	cr_expect_eq(in.size_max, 65536);
	cr_expect_eq(in.max_discard, 8192);
	cr_expect_eq(in.max_write_zeroes, 4096);
	cr_expect_str_eq(in.serial, "partita-disk-0");
	cr_expect_eq(in.read_only, 0);
	/* Keys of features not offered are not looked at. */
	root_write(BE "/seg-max", "lots");
	cr_assert_eq(pt_vblk_read_info(
			     &xb, PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_RO), &in),
		     0);
	cr_expect_eq(in.seg_max, 0);
	cr_expect_eq(in.blk_size, 512);
	cr_expect_eq(in.read_only, 1);
	/* A serial longer than GET_ID's 20 bytes is cut like GET_ID. */
	root_write(BE "/serial", "0123456789abcdefghijKLMN");
	cr_assert_eq(pt_vblk_read_info(&xb, 0, &in), 0);
	cr_expect_str_eq(in.serial, "0123456789abcdefghij");
}

Test(xenbus, bad_block_keys_are_refused_with_the_key_named)
{
	struct pt_vblk_info in;

	cr_assert_eq(pt_xenbus_open(&xb, &xops, 3, "console", 0), 0);
	cr_expect_eq(pt_vblk_read_info(&xb, 0, &in), -PT_DEV_EBADKEY,
		     "capacity missing");
	block_keys();
	root_write(BE "/capacity", "0");
	cr_expect_eq(pt_vblk_read_info(&xb, 0, &in), -PT_DEV_EBADKEY);
	cr_expect(strstr(xb.why, "capacity"), "%s", xb.why);
	root_write(BE "/capacity", "-5");
	cr_expect_eq(pt_vblk_read_info(&xb, 0, &in), -PT_DEV_EBADKEY);
	root_write(BE "/capacity", "99999999999999999999999");
	cr_expect_eq(pt_vblk_read_info(&xb, 0, &in), -PT_DEV_EBADKEY);
	root_write(BE "/capacity", "100");
	root_write(BE "/blk-size", "1000");
	cr_expect_eq(pt_vblk_read_info(&xb, BLK_OFFER, &in), -PT_DEV_EBADKEY);
	cr_expect(strstr(xb.why, "blk-size"), "%s", xb.why);
	root_write(BE "/blk-size", "512");
	root_write(BE "/seg-max", "0");
	cr_expect_eq(pt_vblk_read_info(&xb, BLK_OFFER, &in), -PT_DEV_EBADKEY);
	root_write(BE "/seg-max", "4");
	root_write(BE "/size-max", "100");
	cr_expect_eq(pt_vblk_read_info(&xb, BLK_OFFER, &in), -PT_DEV_EBADKEY,
		     "a segment smaller than a sector");
	root_write(BE "/size-max", "4096");
	cr_assert(is_ok(
		call(root, PT_STORE_OP_RM, 0, S(BE "/max-discard-sectors")),
		PT_STORE_OP_RM));
	cr_expect_eq(pt_vblk_read_info(&xb, BLK_OFFER, &in), -PT_DEV_EBADKEY,
		     "DISCARD offered without its limit");
	cr_expect_eq(pt_vblk_read_info(&xb, 0, &in), 0, "without DISCARD");
}
