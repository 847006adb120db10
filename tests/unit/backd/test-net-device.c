// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the net kind in backd over an in-memory store, grants, ports. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backd-test-util.h"
#include "backd.h"
#include "net-frame.h"

#include "backd-fake.h"

/* ---- a guest with one NIC, by hand ---------------------------------- */

#define DOM 5
#define FE "/local/domain/5/device/net/0"
#define BE "/local/domain/0/backend/net/5/0"
#define GUEST_MAC "02:00:00:00:05:00"
/* Frames: queue 0 ring at ref 2, queue 1 at ref 3, pool refs 8..11. */
#define POOL_REF 8
#define PORT 40

static struct backd d;
static FILE *logf;
static char *logbuf;
static size_t loglen;
static char tap[16], bridge[16];

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

static void start_backd(void)
{
	backd_init(&d, &fake_ops, logf);
	cr_assert_eq(backd_start(&d), 0);
	backd_scan(&d);
}

/* The toolstack makes the device; NULL leaves a key out. */
static void toolstack_creates(const char *mac, const char *tap_key,
			      const char *bridge_key)
{
	put(BE "/state", "1");
	put(BE "/frontend", FE);
	put(BE "/frontend-id", "%u", DOM);
	if (mac)
		put(BE "/mac", "%s", mac);
	if (tap_key)
		put(BE "/tap", "%s", tap_key);
	if (bridge_key)
		put(BE "/bridge", "%s", bridge_key);
	put(FE "/state", "1");
	put(FE "/backend", BE);
	start_backd();
}

static void front_state(int s)
{
	put(FE "/state", "%d", s);
	backd_watch_event(&d, FE "/state", "frontend");
}

static void front_keys(const char *features)
{
	put(FE "/event-channel", "%u", fk.unbound_port);
	put(FE "/driver-features", "%s", features);
	put(FE "/num-queues", "2");
	put(FE "/queue-0-size", "8");
	put(FE "/queue-0-ring-refs", "2");
	put(FE "/queue-1-size", "8");
	put(FE "/queue-1-ring-refs", "3");
	put(FE "/pool-pages", "4");
	put(FE "/pool-refs", "8 9 10 11");
}

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
	fk.next_port = PORT;
	logf = open_memstream(&logbuf, &loglen);
	snprintf(tap, sizeof(tap), "ptd%u", (unsigned)getpid());
	snprintf(bridge, sizeof(bridge), "ptn%u", (unsigned)getpid());
}

static void teardown(void)
{
	backd_shutdown(&d);
	cr_assert_eq(fk.maps, 0, "mappings leaked");
	cr_assert_eq(fk.binds, 0, "ports leaked");
	cr_assert_eq(fk.watches, 0, "watches leaked");
	cr_assert_eq(if_nametoindex(tap), 0, "the TAP outlived backd");
	fclose(logf);
	free(logbuf);
	for (int i = 0; i < FAKE_KEYS; i++) {
		free(fk.path[i]);
		free(fk.value[i]);
	}
	free(fk.frames);
}

static void expect_broken(const char *why)
{
	const char *b = get(BE "/broken");

	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(b && strstr(b, why), "broken '%s', expected '%s'", b, why);
	cr_assert_eq(fk.maps, 0, "a broken device keeps no mapping");
	cr_assert_eq(fk.binds, 0, "a broken device keeps no port");
	fflush(logf);
	cr_assert(strstr(logbuf, "backd: p5 net/0: broken: "), "log: %s",
		  logbuf);
}

/* Connecting makes a TAP: only as root with /dev/net/tun. */
static void need_tap(void)
{
	int fd;

	if (geteuid() != 0)
		cr_skip_test("not root: no TAP devices");
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		cr_skip_test("no /dev/net/tun: %s", strerror(errno));
	close(fd);
}

static void connect_device(void)
{
	front_keys("130010028");
	front_state(PT_XENBUS_STATE_INITIALISED);
	cr_assert_str_eq(get(BE "/state"), "4", "broken: %s",
			 get(BE "/broken") ? get(BE "/broken") : "-");
	front_state(PT_XENBUS_STATE_CONNECTED);
}

static int sys_int(const char *name, const char *attr)
{
	char path[128], buf[32] = "";
	int fd, n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

/* The guest sends a 60-byte frame from transmit descriptor i. */
static void guest_sends(uint16_t i)
{
	struct tq t = guest_q(PT_VIRTIO_NET_TX_QUEUE);
	uint64_t off = 8192u + 128u * i;
	uint8_t frame[NET_HDR_LEN + 60];

	memset(frame, 0, sizeof(frame));
	memset(frame + NET_HDR_LEN, 0xff, 6); /* broadcast */
	frame[NET_HDR_LEN + 6] = 0x02;
	frame[NET_HDR_LEN + 12] = 0x88; /* local experimental ethertype */
	frame[NET_HDR_LEN + 13] = 0xb5;
	memcpy(guest_pool() + off, frame, sizeof(frame));
	tq_desc(&t, i, off, sizeof(frame), 0, 0);
	tq_publish(&t, i);
}

TestSuite(net_device, .init = setup, .fini = teardown);

Test(net_device, offer_writes_features_and_device_keys)
{
	toolstack_creates(GUEST_MAC, NULL, NULL);
	cr_assert_str_eq(get(BE "/state"), "2");
	/* VERSION_1, EVENT_IDX, INDIRECT_DESC, STATUS, MAC, MTU. */
	cr_assert_str_eq(get(BE "/device-features"), "130010028");
	cr_assert_str_eq(get(BE "/max-pool-pages"), "512");
	cr_assert_str_eq(get(BE "/mtu"), "1500");
	cr_assert_str_eq(get(BE "/status"), "1");
	/* No tap key: the back-end names the TAP and says so. */
	cr_assert_str_eq(get(BE "/tap"), "pt5.0");
	cr_assert_str_eq(get(BE "/mac"), GUEST_MAC, "the guest's, untouched");
}

Test(net_device, the_toolstacks_tap_name_is_kept)
{
	toolstack_creates(GUEST_MAC, "web0", NULL);
	cr_assert_str_eq(get(BE "/state"), "2");
	cr_assert_str_eq(get(BE "/tap"), "web0");
}

Test(net_device, a_missing_mac_breaks_the_device)
{
	toolstack_creates(NULL, NULL, NULL);
	expect_broken("mac (the guest's address) is missing");
	cr_assert_null(get(BE "/device-features"), "offered anyway");
	/* Not offered again while this backd runs. */
	front_state(PT_XENBUS_STATE_INITIALISING);
	cr_assert_str_eq(get(BE "/state"), "5");
}

Test(net_device, a_malformed_mac_breaks_the_device)
{
	toolstack_creates("02:00:00:00:05", NULL, NULL);
	expect_broken("is not a MAC address");
}

Test(net_device, a_multicast_mac_breaks_the_device)
{
	toolstack_creates("03:00:00:00:05:00", NULL, NULL);
	expect_broken("multicast");
}

Test(net_device, a_bad_tap_name_breaks_the_device)
{
	toolstack_creates(GUEST_MAC, "tap%d", NULL);
	expect_broken("tap = 'tap%d' is not an interface name");
}

Test(net_device, a_bad_bridge_name_breaks_the_device)
{
	toolstack_creates(GUEST_MAC, NULL, "br/0");
	expect_broken("bridge = 'br/0' is not an interface name");
}

Test(net_device, offloads_asked_for_break_the_device)
{
	toolstack_creates(GUEST_MAC, NULL, NULL);
	/* CSUM (bit 0) was never offered. */
	front_keys("130010029");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("not a subset of the offer 130010028");
}

Test(net_device, connect_makes_the_tap_and_frames_flow)
{
	struct tq t;

	need_tap();
	toolstack_creates(GUEST_MAC, tap, NULL);
	connect_device();
	cr_assert_neq(if_nametoindex(tap), 0, "no TAP %s", tap);
	cr_assert_eq(sys_int(tap, "carrier"), 1);
	cr_assert_eq(fk.maps, 3);
	cr_assert_eq(fk.binds, 1);
	guest_sends(0);
	guest_sends(1);
	backd_port_fired(&d, PORT);
	t = guest_q(PT_VIRTIO_NET_TX_QUEUE);
	cr_assert_eq(tq_used_idx(&t), 2);
	d.now_ms = 5000;
	backd_service(&d);
	cr_assert_str_eq(get(BE "/stats/tx-frames"), "2");
	cr_assert_str_eq(get(BE "/stats/tx-bytes"), "120");
	cr_assert_str_eq(get(BE "/stats/tx-errors"), "0");
	cr_assert_not_null(get(BE "/stats/rx-dropped"));
	fflush(logf);
	cr_assert(strstr(logbuf, "TAP ptd"), "log: %s", logbuf);
	cr_assert(strstr(logbuf, ", mac " GUEST_MAC ", tap ptd"), "log: %s",
		  logbuf);
}

Test(net_device, a_missing_bridge_breaks_the_device_at_connect)
{
	need_tap();
	toolstack_creates(GUEST_MAC, tap, bridge);
	front_keys("130010028");
	front_state(PT_XENBUS_STATE_INITIALISED);
	expect_broken("does not exist");
	cr_assert_eq(if_nametoindex(tap), 0, "a TAP stayed");
}

Test(net_device, the_tap_stays_while_the_front_end_reconnects)
{
	unsigned int index;

	need_tap();
	toolstack_creates(GUEST_MAC, tap, NULL);
	connect_device();
	index = if_nametoindex(tap);
	front_state(PT_XENBUS_STATE_CLOSING);
	front_state(PT_XENBUS_STATE_CLOSED);
	cr_assert_str_eq(get(BE "/state"), "6");
	cr_assert_eq(fk.maps + fk.binds, 0);
	cr_assert_eq(if_nametoindex(tap), index, "the TAP was made again");
	cr_assert_eq(sys_int(tap, "carrier"), 0, "carrier while closed");
	front_state(PT_XENBUS_STATE_INITIALISING);
	connect_device();
	cr_assert_eq(if_nametoindex(tap), index);
	cr_assert_eq(sys_int(tap, "carrier"), 1);
}

Test(net_device, detach_closes_the_tap)
{
	need_tap();
	toolstack_creates(GUEST_MAC, tap, NULL);
	connect_device();
	put(BE "/online", "0");
	front_state(PT_XENBUS_STATE_CLOSING);
	/* The back-end serves until the front-end is Closed (section 7). */
	front_state(PT_XENBUS_STATE_CLOSED);
	cr_assert_eq(if_nametoindex(tap), 0, "the TAP outlived detach");
	cr_assert_eq(fk.maps + fk.binds, 0);
}

Test(net_device, guest_death_closes_the_tap)
{
	need_tap();
	toolstack_creates(GUEST_MAC, tap, NULL);
	connect_device();
	/* The store daemon removes both directories. */
	f_rm(NULL, "/local/domain/5");
	f_rm(NULL, "/local/domain/0/backend/net/5");
	backd_watch_event(&d, FE "/state", "frontend");
	backd_watch_event(&d, "/local/domain/0/backend/net/5", "backend");
	cr_assert_null(d.devs, "the device is remembered");
	cr_assert_eq(if_nametoindex(tap), 0, "the TAP outlived the guest");
	cr_assert_eq(fk.maps + fk.binds, 0);
}

Test(net_device, a_restarted_backd_makes_the_same_tap_again)
{
	char addr[32], again[32];
	int fd;
	ssize_t n;
	char path[96];

	need_tap();
	toolstack_creates(GUEST_MAC, tap, NULL);
	connect_device();
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", tap);
	fd = open(path, O_RDONLY);
	n = read(fd, addr, sizeof(addr) - 1);
	close(fd);
	cr_assert_gt(n, 0);
	addr[n] = 0;
	backd_shutdown(&d);
	cr_assert_eq(if_nametoindex(tap), 0);
	cr_assert_str_eq(get(BE "/state"), "4");
	start_backd();
	cr_assert_str_eq(get(BE "/state"), "4");
	cr_assert_neq(if_nametoindex(tap), 0, "not made again");
	fd = open(path, O_RDONLY);
	n = read(fd, again, sizeof(again) - 1);
	close(fd);
	cr_assert_gt(n, 0);
	again[n] = 0;
	cr_assert_str_eq(again, addr, "another address after a restart");
	cr_assert_eq(fk.maps, 3);
	cr_assert_eq(fk.binds, 1);
}

Test(net_device, a_tap_that_fails_breaks_only_its_device)
{
	struct backd_dev *dev;

	need_tap();
	toolstack_creates(GUEST_MAC, tap, NULL);
	connect_device();
	dev = backd_dev_find(&d, "net", DOM, 0);
	/* What poll says of a TAP whose interface was deleted. */
	dev->kind->polled(&d, dev, 0, POLLERR);
	backd_port_fired(&d, PORT);
	expect_broken("TAP ptd");
	cr_assert(strstr(get(BE "/broken"), "an error"), "%s",
		  get(BE "/broken"));
	cr_assert_eq(if_nametoindex(tap), 0, "a failed TAP is kept open");
}
