// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of backd's devices over an in-memory store, grants and ports. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backd-test-util.h"
#include "backd.h"

#include "backd-fake.h"

/* ---- a guest's front-end, by hand --------------------------------- */

#define DOM 5
#define FE "/local/domain/5/device/console/0"
#define BE "/local/domain/0/backend/console/5/0"
/* Frames: queue 0 ring at ref 2, queue 1 at ref 3, pool refs 8..11. */
#define POOL_REF 8

static struct backd d;
static FILE *logf;
static char *logbuf;
static size_t loglen;

static void put(const char *path, const char *fmt, ...)
{
	char v[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	f_write(NULL, path, v);
}

static const char *get(const char *path)
{
	int i = find(path);

	return i < 0 ? NULL : fk.value[i];
}

static void toolstack_creates(uint32_t dom, uint32_t n)
{
	char be[96], fe[96], p[160];

	snprintf(be, sizeof(be), "/local/domain/0/backend/console/%u/%u", dom,
		 n);
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/console/%u", dom, n);
	snprintf(p, sizeof(p), "%s/state", be);
	put(p, "1");
	snprintf(p, sizeof(p), "%s/frontend", be);
	put(p, "%s", fe);
	snprintf(p, sizeof(p), "%s/frontend-id", be);
	put(p, "%u", dom);
	snprintf(p, sizeof(p), "%s/state", fe);
	put(p, "1");
	snprintf(p, sizeof(p), "%s/backend", fe);
	put(p, "%s", be);
}

static void front_state(int s)
{
	put(FE "/state", "%d", s);
	backd_watch_event(&d, FE "/state", "frontend");
}

/* The front-end's step 2: keys for two queues of 8 and a 4-page pool. */
static void front_keys(void)
{
	put(FE "/event-channel", "%u", fk.unbound_port);
	put(FE "/driver-features", "130000000");
	put(FE "/num-queues", "2");
	put(FE "/queue-0-size", "8");
	put(FE "/queue-0-ring-refs", "2");
	put(FE "/queue-1-size", "8");
	put(FE "/queue-1-ring-refs", "3");
	put(FE "/pool-pages", "4");
	put(FE "/pool-refs", "8 9 10 11");
}

/* The guest's view of a queue: its ring frame, wrapped for the helpers. */
static struct tq guest_q(unsigned int qi)
{
	struct tq t;

	t.size = 8;
	t.l = pt_vring_layout(8);
	t.bytes = 4096;
	t.ring = fk.frames + (size_t)(2 + qi) * 4096u;
	t.avail_idx = tq_get16(&t, t.l.avail + 2u);
	return t;
}

static uint8_t *guest_pool(void)
{
	return fk.frames + (size_t)POOL_REF * 4096u;
}

static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.frames = aligned_alloc(4096, (size_t)FAKE_FRAMES * 4096u);
	memset(fk.frames, 0, (size_t)FAKE_FRAMES * 4096u);
	fk.unbound_port = 17;
	fk.next_port = 40;
	logf = open_memstream(&logbuf, &loglen);
	backd_init(&d, &fake_ops, logf);
	cr_assert_eq(backd_start(&d), 0);
	toolstack_creates(DOM, 0);
	backd_scan(&d);
}

static void teardown(void)
{
	int i;

	backd_shutdown(&d);
	cr_assert_eq(fk.maps, 0, "mappings leaked");
	cr_assert_eq(fk.binds, 0, "ports leaked");
	cr_assert_eq(fk.watches, 0, "watches leaked");
	fclose(logf);
	free(logbuf);
	for (i = 0; i < FAKE_KEYS; i++) {
		free(fk.path[i]);
		free(fk.value[i]);
	}
	free(fk.frames);
}

static void connect_device(void)
{
	front_keys();
	front_state(PT_XENBUS_STATE_INITIALISED);
	cr_assert_str_eq(get(BE "/state"), "4", "broken: %s",
			 get(BE "/broken") ? get(BE "/broken") : "-");
	front_state(PT_XENBUS_STATE_CONNECTED);
}

static void expect_broken(const char *why)
{
	const char *b = get(BE "/broken");

	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(b && strstr(b, why), "broken '%s', expected '%s'", b, why);
	cr_assert_eq(fk.maps, 0, "a broken device keeps no mapping");
	cr_assert_eq(fk.binds, 0, "a broken device keeps no port");
	fflush(logf);
	cr_assert(strstr(logbuf, "backd: p5 console/0: broken: "), "log: %s",
		  logbuf);
}

TestSuite(device, .init = setup, .fini = teardown);

Test(device, offer_on_discovery)
{
	cr_assert_str_eq(get(BE "/state"), "2");
	cr_assert_str_eq(get(BE "/device-features"), "130000000");
	cr_assert_str_eq(get(BE "/max-queue-size"), "256");
	cr_assert_str_eq(get(BE "/max-pool-pages"), "256");
	cr_assert_eq(fk.watches, 2, "root and front-end state watches");
}

Test(device, connect_maps_binds_and_names_the_tty)
{
	connect_device();
	cr_assert_eq(fk.maps, 3, "two rings and one pool chunk");
	cr_assert_eq(fk.binds, 1);
	cr_assert(get(BE "/tty") && !strncmp(get(BE "/tty"), "/dev/pts/", 9));
	cr_assert_null(get(BE "/broken"));
}

Test(device, output_flows_and_the_guest_is_notified)
{
	struct tq t;
	struct backd_dev *dev;

	connect_device();
	t = guest_q(PT_VIRTIO_CONSOLE_TX_QUEUE);
	memcpy(guest_pool() + 100, "hi there", 8);
	tq_desc(&t, 0, 100, 8, 0, 0);
	tq_put16(&t, t.l.used_event, 0);
	tq_publish(&t, 0);
	fk.notifies = 0;
	backd_port_fired(&d, 40);
	cr_assert_eq(tq_used_idx(&t), 1);
	cr_assert_eq(fk.notifies, 1);
	dev = backd_dev_find(&d, "console", DOM, 0);
	cr_assert_eq(dev->con.bytes_out, 8);
	cr_assert_eq(dev->con.out.len, 8, "nobody attached: kept");
	/* It asked to hear when we pass avail index 1. */
	cr_assert_eq(tq_get16(&t, t.l.avail_event), 1);
	/* Not asked this time (used_event stays 0): no event. */
	tq_desc(&t, 1, 100, 8, 0, 0);
	tq_publish(&t, 1);
	backd_port_fired(&d, 40);
	cr_assert_eq(tq_used_idx(&t), 2);
	cr_assert_eq(fk.notifies, 1);
	d.now_ms = 5000;
	backd_dev_write_stats(&d, dev, 0);
	cr_assert_str_eq(get(BE "/stats/bytes-out"), "16");
	cr_assert_str_eq(get(BE "/stats/requests"), "2");
	cr_assert_str_eq(get(BE "/stats/dropped"), "0");
}

Test(device, stats_are_rate_limited)
{
	struct backd_dev *dev;

	connect_device();
	dev = backd_dev_find(&d, "console", DOM, 0);
	d.now_ms = 10000;
	dev->con.bytes_in = 1;
	backd_dev_write_stats(&d, dev, 0);
	cr_assert_str_eq(get(BE "/stats/bytes-in"), "1");
	dev->con.bytes_in = 2;
	d.now_ms = 10500;
	backd_dev_write_stats(&d, dev, 0);
	cr_assert_str_eq(get(BE "/stats/bytes-in"), "1", "twice in 0.5 s");
	d.now_ms = 11000;
	backd_dev_write_stats(&d, dev, 0);
	cr_assert_str_eq(get(BE "/stats/bytes-in"), "2");
}

Test(device, missing_event_channel)
{
	front_keys();
	f_rm(NULL, FE "/event-channel");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("event-channel is missing");
}

Test(device, features_beyond_the_offer)
{
	front_keys();
	put(FE "/driver-features", "130000001");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("not a subset");
}

Test(device, wrong_queue_count)
{
	front_keys();
	put(FE "/num-queues", "3");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("num-queues = '3'");
}

Test(device, queue_size_not_a_power_of_two)
{
	front_keys();
	put(FE "/queue-1-size", "6");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("not a power of two");
}

Test(device, queue_size_too_large)
{
	front_keys();
	put(FE "/queue-0-size", "512");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("queue-0-size");
}

Test(device, ring_refs_wrong_count)
{
	front_keys();
	put(FE "/queue-0-ring-refs", "2 4");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("queue-0-ring-refs");
}

Test(device, pool_refs_do_not_match_pool_pages)
{
	front_keys();
	put(FE "/pool-refs", "8 9 10");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("pool-refs");
}

Test(device, pool_pages_out_of_range)
{
	front_keys();
	put(FE "/pool-pages", "257");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("pool-pages");
}

Test(device, unknown_grant_ref)
{
	front_keys();
	put(FE "/queue-1-ring-refs", "4000");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("grant ref 4000 is not granted");
}

Test(device, revoked_grant_ref)
{
	front_keys();
	fk.revoked[10] = 1;
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("grant ref 10 is not granted");
}

Test(device, port_not_offered)
{
	front_keys();
	put(FE "/event-channel", "18");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("cannot bind to event port 18");
}

Test(device, connected_before_the_back_end)
{
	front_state(PT_XENBUS_STATE_CONNECTED);
	expect_broken("before the back-end");
}

Test(device, hostile_ring_breaks_only_its_device)
{
	struct tq t;
	struct backd_dev *dev;

	connect_device();
	t = guest_q(PT_VIRTIO_CONSOLE_TX_QUEUE);
	tq_desc(&t, 0, 0, 4, PT_VRING_DESC_F_NEXT, 0); /* self loop */
	tq_publish(&t, 0);
	backd_port_fired(&d, 40);
	expect_broken("queue 1: head 0: descriptor chain loops");
	dev = backd_dev_find(&d, "console", DOM, 0);
	cr_assert_not_null(dev, "the device stays known");
	cr_assert_eq(dev->attached, 0);
	/* Events on its old port now reach nothing. */
	backd_port_fired(&d, 40);
	/* The front-end closes and starts again: a clean connection. */
	front_state(PT_XENBUS_STATE_CLOSED);
	cr_assert_str_eq(get(BE "/state"), "6");
	front_state(PT_XENBUS_STATE_INITIALISING);
	cr_assert_str_eq(get(BE "/state"), "2");
	cr_assert_null(get(BE "/broken"));
	memset(t.ring, 0, 4096);
	connect_device();
}

Test(device, close_and_restart)
{
	connect_device();
	front_state(PT_XENBUS_STATE_CLOSING);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert_eq(fk.maps, 0);
	cr_assert_eq(fk.binds, 0);
	front_state(PT_XENBUS_STATE_CLOSED);
	cr_assert_str_eq(get(BE "/state"), "6");
	front_state(PT_XENBUS_STATE_INITIALISING);
	cr_assert_str_eq(get(BE "/state"), "2");
	connect_device();
	cr_assert_eq(fk.maps, 3);
	cr_assert_eq(fk.binds, 1);
}

Test(device, rapid_toggling_leaks_nothing)
{
	int i;

	connect_device();
	for (i = 0; i < 50; i++) {
		/* Closing, Closed, Initialising: seen at once. */
		put(FE "/state", "1");
		backd_watch_event(&d, FE "/state", "frontend");
		cr_assert_str_eq(get(BE "/state"), "2");
		cr_assert_eq(fk.maps, 0);
		put(FE "/state", "3");
		backd_watch_event(&d, FE "/state", "frontend");
		cr_assert_str_eq(get(BE "/state"), "4");
		put(FE "/state", "6");
		backd_watch_event(&d, FE "/state", "frontend");
		backd_watch_event(&d, FE "/state", "frontend");
		cr_assert_str_eq(get(BE "/state"), "6");
		cr_assert_eq(fk.maps, 0);
		cr_assert_eq(fk.binds, 0);
	}
}

Test(device, restart_reattaches_and_resumes)
{
	struct tq t;
	struct backd_dev *dev;

	connect_device();
	/* backd goes away: nothing held, the store keeps Connected. */
	backd_shutdown(&d);
	cr_assert_eq(fk.maps, 0);
	cr_assert_eq(fk.binds, 0);
	cr_assert_str_eq(get(BE "/state"), "4");
	/* Meanwhile the guest writes, and its port is unbound again. */
	t = guest_q(PT_VIRTIO_CONSOLE_TX_QUEUE);
	memcpy(guest_pool(), "while away", 10);
	tq_desc(&t, 0, 0, 10, 0, 0);
	tq_publish(&t, 0);
	/* A new backd. */
	backd_init(&d, &fake_ops, logf);
	cr_assert_eq(backd_start(&d), 0);
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "4");
	cr_assert_eq(fk.maps, 3);
	cr_assert_eq(fk.binds, 1);
	cr_assert_eq(tq_used_idx(&t), 1, "served on re-attach");
	dev = backd_dev_find(&d, "console", DOM, 0);
	cr_assert_eq(dev->con.bytes_out, 10);
	cr_assert_geq(fk.notifies, 1);
}

Test(device, restart_with_the_front_end_closing)
{
	connect_device();
	backd_shutdown(&d);
	put(FE "/state", "5");
	backd_init(&d, &fake_ops, logf);
	backd_start(&d);
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert_eq(fk.maps, 0);
	put(FE "/state", "6");
	backd_watch_event(&d, FE "/state", "frontend");
	cr_assert_str_eq(get(BE "/state"), "6");
}

Test(device, guest_dies_mid_request)
{
	struct tq t;

	connect_device();
	t = guest_q(PT_VIRTIO_CONSOLE_RX_QUEUE);
	tq_desc(&t, 0, 0, 64, PT_VRING_DESC_F_WRITE, 0);
	tq_publish(&t, 0);
	backd_port_fired(&d, 40);
	/* The store daemon removes both directories. */
	f_rm(NULL, "/local/domain/5");
	f_rm(NULL, "/local/domain/0/backend/console/5");
	backd_watch_event(&d, FE "/state", "frontend");
	cr_assert_eq(fk.maps, 0);
	cr_assert_eq(fk.binds, 0);
	backd_watch_event(&d, "/local/domain/0/backend/console/5", "backend");
	cr_assert_null(d.devs, "the device is forgotten");
	cr_assert_eq(fk.watches, 1);
}

Test(device, frontend_key_of_another_guest_is_ignored)
{
	toolstack_creates(6, 0);
	put("/local/domain/0/backend/console/6/0/frontend",
	    "/local/domain/7/device/console/0");
	backd_scan(&d);
	cr_assert_null(backd_dev_find(&d, "console", 6, 0));
	cr_assert_str_eq(get("/local/domain/0/backend/console/6/0/state"), "1");
}

Test(device, our_own_keys_do_not_wake_the_machine)
{
	/* A stats write event for a known device: nothing re-read. */
	connect_device();
	put(BE "/state", "3"); /* would be refused-or-offered if looked at */
	backd_watch_event(&d, BE "/stats/bytes-out", "backend");
	cr_assert_str_eq(get(BE "/state"), "3");
	put(BE "/state", "4");
}

Test(device, two_devices_one_breaks)
{
	struct backd_dev *good;

	toolstack_creates(DOM, 1);
	backd_scan(&d);
	good = backd_dev_find(&d, "console", DOM, 1);
	cr_assert_not_null(good);
	cr_assert_str_eq(get(BE "/state"), "2");
	cr_assert_str_eq(get("/local/domain/0/backend/console/5/1/state"), "2");
	put(FE "/state", "4");
	backd_watch_event(&d, FE "/state", "frontend");
	expect_broken("before the back-end");
	cr_assert_str_eq(get("/local/domain/0/backend/console/5/1/state"), "2");
	cr_assert_null(get("/local/domain/0/backend/console/5/1/broken"));
}

Test(device, watch_events_find_and_ignore_the_right_paths)
{
	/* A new device's state key event finds it. */
	toolstack_creates(8, 2);
	backd_watch_event(&d, "/local/domain/0/backend/console/8/2/state",
			  "backend");
	cr_assert_not_null(backd_dev_find(&d, "console", 8, 2));
	cr_assert_str_eq(get("/local/domain/0/backend/console/8/2/state"), "2");
	/* Types we do not serve, malformed ids, paths elsewhere: nothing. */
	put("/local/domain/0/backend/vbd/8/0/state", "1");
	put("/local/domain/0/backend/vbd/8/0/frontend",
	    "/local/domain/8/device/vbd/0");
	backd_watch_event(&d, "/local/domain/0/backend/vbd/8/0/state",
			  "backend");
	cr_assert_null(backd_dev_find(&d, "vbd", 8, 0));
	cr_assert_str_eq(get("/local/domain/0/backend/vbd/8/0/state"), "1");
	backd_watch_event(&d, "/local/domain/0/backend/console/08/2",
			  "backend");
	backd_watch_event(&d, "/local/domain/0/backend/console/x/2", "backend");
	backd_watch_event(&d, "/local/domain/0/backendX/console/8/2",
			  "backend");
	backd_watch_event(&d, "/local/domain/9/device/console/0/state",
			  "frontend");
	/* The whole back-end tree: a scan, which also finds gone devices. */
	f_rm(NULL, "/local/domain/0/backend/console/8");
	backd_watch_event(&d, "/local/domain/0/backend", "backend");
	cr_assert_null(backd_dev_find(&d, "console", 8, 2));
	cr_assert_not_null(backd_dev_find(&d, "console", DOM, 0));
}

Test(device, device_found_once_its_frontend_key_arrives)
{
	/* The state key written before the frontend key: not yet. */
	put("/local/domain/0/backend/console/9/0/state", "1");
	backd_watch_event(&d, "/local/domain/0/backend/console/9/0/state",
			  "backend");
	cr_assert_null(backd_dev_find(&d, "console", 9, 0));
	put("/local/domain/0/backend/console/9/0/frontend",
	    "/local/domain/9/device/console/0");
	put("/local/domain/9/device/console/0/state", "1");
	backd_watch_event(&d, "/local/domain/0/backend/console/9/0/frontend",
			  "backend");
	cr_assert_not_null(backd_dev_find(&d, "console", 9, 0));
	cr_assert_str_eq(get("/local/domain/0/backend/console/9/0/state"), "2");
}

Test(device, kinds_table)
{
	const struct backd_kind *con = backd_kind_find("console");
	const struct backd_kind *blk = backd_kind_find("block");

	cr_assert_not_null(con);
	cr_assert_eq(con->nqueues, 2);
	cr_assert_eq(con->features, 0x130000000ull);
	cr_assert_eq(con->max_pool_pages, 256);
	cr_assert_not_null(blk);
	cr_assert_eq(blk->nqueues, 1);
	cr_assert_eq(blk->max_pool_pages, PT_VIRTQ_POOL_PAGES_MAX);
	cr_assert_null(backd_kind_find("vbd"));
	cr_assert_null(backd_kind_find(""));
}
