// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of backd's block disks: keys, I/O, detach, death, restart. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backd-fake.h"
#include "blk-backing.h"
#include "blk-test-util.h"

#define DOM 5
#define FE "/local/domain/5/device/block/0"
#define BE "/local/domain/0/backend/block/5/0"
/* Frames: the ring at ref 2, the pool at refs 8..23 (64 KiB). */
#define RING_REF 2
#define POOL_REF 8
#define POOL_PAGES 16
#define QSIZE 16
#define SECTORS 2048u /* 1 MiB image */

static struct backd d;
static FILE *logf;
static char *logbuf;
static size_t loglen;
static char image[64];
static int fds_before;

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

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(dir);
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1; /* the directory's own */
}

static const char *logged(void)
{
	fflush(logf);
	return logbuf;
}

static void make_image(void)
{
	static uint8_t buf[SECTORS * 512u];
	size_t i;
	int fd;

	snprintf(image, sizeof(image), "/tmp/blk-dev-XXXXXX");
	fd = mkstemp(image);
	cr_assert_geq(fd, 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i / 512u);
	cr_assert_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

/* The toolstack's part: both directories and the disk's three keys. */
static void toolstack_creates(const char *mode)
{
	put(BE "/state", "1");
	put(BE "/frontend", FE);
	put(BE "/frontend-id", "%d", DOM);
	put(BE "/params", "%s", image);
	put(BE "/mode", "%s", mode);
	put(BE "/cache", "writeback");
	put(FE "/state", "1");
	put(FE "/backend", BE);
}

static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.frames = aligned_alloc(4096, (size_t)FAKE_FRAMES * 4096u);
	memset(fk.frames, 0, (size_t)FAKE_FRAMES * 4096u);
	fk.unbound_port = 17;
	fk.next_port = 40;
	make_image();
	logf = open_memstream(&logbuf, &loglen);
	fds_before = count_fds();
	backd_init(&d, &fake_ops, logf);
	cr_assert_eq(backd_start(&d), 0);
}

static void teardown(void)
{
	int i;

	backd_shutdown(&d);
	cr_assert_eq(fk.maps, 0, "mappings leaked");
	cr_assert_eq(fk.binds, 0, "ports leaked");
	cr_assert_eq(fk.watches, 0, "watches leaked");
	cr_assert_eq(count_fds(), fds_before, "descriptors leaked");
	fclose(logf);
	free(logbuf);
	for (i = 0; i < FAKE_KEYS; i++) {
		free(fk.path[i]);
		free(fk.value[i]);
	}
	free(fk.frames);
	unlink(image);
}

static void front_state(int s)
{
	put(FE "/state", "%d", s);
	backd_watch_event(&d, FE "/state", "frontend");
}

/* The front-end takes every feature offered and connects. */
static void connect_disk(void)
{
	char refs[128] = "";
	int i;

	cr_assert_str_eq(get(BE "/state"), "2", "broken: %s",
			 get(BE "/broken") ? get(BE "/broken") : "-");
	put(FE "/event-channel", "%u", fk.unbound_port);
	put(FE "/driver-features", "%s", get(BE "/device-features"));
	put(FE "/num-queues", "1");
	put(FE "/queue-0-size", "%d", QSIZE);
	put(FE "/queue-0-ring-refs", "%d", RING_REF);
	put(FE "/pool-pages", "%d", POOL_PAGES);
	for (i = 0; i < POOL_PAGES; i++)
		snprintf(refs + strlen(refs), sizeof(refs) - strlen(refs),
			 "%s%d", i ? " " : "", POOL_REF + i);
	put(FE "/pool-refs", "%s", refs);
	front_state(PT_XENBUS_STATE_INITIALISED);
	cr_assert_str_eq(get(BE "/state"), "4", "broken: %s",
			 get(BE "/broken") ? get(BE "/broken") : "-");
	front_state(PT_XENBUS_STATE_CONNECTED);
}

static struct tq guest_q(void)
{
	struct tq t;

	t.size = QSIZE;
	t.l = pt_vring_layout(QSIZE);
	t.bytes = 4096;
	t.ring = fk.frames + (size_t)RING_REF * 4096u;
	t.avail_idx = tq_get16(&t, t.l.avail + 2u);
	return t;
}

static uint8_t *gpool(void)
{
	return fk.frames + (size_t)POOL_REF * 4096u;
}

/* A request of one data segment: header at hdr, status at hdr + 16. */
static uint16_t request(struct tq *t, uint16_t desc, uint32_t type,
			uint64_t sector, uint64_t hdr, uint64_t data,
			uint32_t len, int dev_writes)
{
	struct pt_virtio_blk_req_hdr h = { type, 0, sector };
	struct tseg s[3] = { { hdr, 16, 0 },
			     { data, len, dev_writes },
			     { hdr + 16, 1, 1 } };

	memcpy(gpool() + hdr, &h, sizeof(h));
	gpool()[hdr + 16] = 0xee;
	tb_chain(t, desc, s, 3);
	tq_publish(t, desc);
	return desc;
}

static void flush_request(struct tq *t, uint16_t desc, uint64_t hdr)
{
	struct pt_virtio_blk_req_hdr h = { PT_VIRTIO_BLK_T_FLUSH, 0, 0 };
	struct tseg s[2] = { { hdr, 16, 0 }, { hdr + 16, 1, 1 } };

	memcpy(gpool() + hdr, &h, sizeof(h));
	gpool()[hdr + 16] = 0xee;
	tb_chain(t, desc, s, 2);
	tq_publish(t, desc);
}

/* The loop's work: serve, and wait on the disk's eventfd meanwhile. */
static void serve_until(struct tq *t, uint16_t used)
{
	int rounds;

	for (rounds = 0; rounds < 1000; rounds++) {
		struct backd_dev *dev = backd_dev_find(&d, "block", DOM, 0);
		struct pollfd p;

		backd_service(&d);
		if (tq_used_idx(t) == used)
			return;
		cr_assert_not_null(dev);
		if (dev->kind->poll_fds(dev, &p, 1) == 1 &&
		    poll(&p, 1, 1000) == 1)
			dev->kind->polled(&d, dev, 0, p.revents);
	}
	cr_assert_fail("used index %u, waited for %u", tq_used_idx(t), used);
}

TestSuite(blk_device, .init = setup, .fini = teardown, .timeout = 30);

Test(blk_device, offer_writes_the_config_keys)
{
	char want[32];

	toolstack_creates("w");
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "2");
	cr_assert_str_eq(get(BE "/capacity"), "2048");
	cr_assert_str_eq(get(BE "/blk-size"), "512");
	cr_assert_str_eq(get(BE "/seg-max"), "32");
	cr_assert_str_eq(get(BE "/size-max"), "65536");
	cr_assert_str_eq(get(BE "/max-discard-sectors"), "65536");
	cr_assert_str_eq(get(BE "/max-write-zeroes-sectors"), "65536");
	cr_assert_str_eq(get(BE "/max-pool-pages"), "1024");
	cr_assert_str_eq(get(BE "/max-queue-size"), "256");
	blk_backing_serial(image, want, sizeof(want));
	cr_assert_str_eq(get(BE "/serial"), want);
	/* VERSION_1, EVENT_IDX, INDIRECT, FLUSH, DISCARD, WZ, sizes; no RO. */
	cr_assert_str_eq(get(BE "/device-features"), "130006246");
	cr_assert(strstr(logged(), "backd: p5 block/0: image /tmp/blk-dev-"),
		  "%s", logged());
}

Test(blk_device, read_only_disk_offers_ro)
{
	toolstack_creates("r");
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/device-features"), "130006266");
}

Test(blk_device, missing_image_breaks_the_device)
{
	toolstack_creates("w");
	put(BE "/params", "/nonexistent/disk.img");
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(strstr(get(BE "/broken"),
			 "cannot open /nonexistent/disk.img: No such file"),
		  "%s", get(BE "/broken"));
	cr_assert(strstr(logged(), "backd: p5 block/0: broken: cannot open"),
		  "%s", logged());
	/* The guest starting again does not make it try again and again. */
	front_state(PT_XENBUS_STATE_CLOSED);
	front_state(PT_XENBUS_STATE_INITIALISING);
	cr_assert_neq(strcmp(get(BE "/state"), "2"), 0);
	cr_assert_not_null(get(BE "/broken"));
}

Test(blk_device, missing_keys_break_the_device)
{
	toolstack_creates("w");
	f_rm(NULL, BE "/params");
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(strstr(get(BE "/broken"), "params is missing"));
}

Test(blk_device, connect_write_read_and_counters)
{
	struct tq t;
	struct backd_dev *dev;

	toolstack_creates("w");
	backd_scan(&d);
	connect_disk();
	cr_assert_eq(fk.maps, 2, "the ring and one pool chunk");
	cr_assert(strstr(logged(), "attached: port 40 (guest's 17), 16 pool "
				   "pages, queues 16, features 130006246, "
				   "image /tmp/blk-dev-"),
		  "%s", logged());
	t = guest_q();
	memset(gpool() + 4096, 0x5a, 4096);
	request(&t, 0, PT_VIRTIO_BLK_T_OUT, 8, 0, 4096, 4096, 0);
	fk.notifies = 0;
	backd_port_fired(&d, 40);
	serve_until(&t, 1);
	cr_assert_eq(gpool()[16], PT_VIRTIO_BLK_S_OK);
	request(&t, 3, PT_VIRTIO_BLK_T_IN, 8, 256, 16384, 4096, 1);
	backd_port_fired(&d, 40);
	serve_until(&t, 2);
	cr_assert_eq(gpool()[256 + 16], PT_VIRTIO_BLK_S_OK);
	cr_assert_eq(gpool()[16384 + 4095], 0x5a);
	cr_assert_geq(fk.notifies, 1, "the guest heard of its completions");
	dev = backd_dev_find(&d, "block", DOM, 0);
	backd_dev_write_stats(&d, dev, 1);
	cr_assert_str_eq(get(BE "/stats/requests"), "2");
	cr_assert_str_eq(get(BE "/stats/reads"), "1");
	cr_assert_str_eq(get(BE "/stats/writes"), "1");
	cr_assert_str_eq(get(BE "/stats/bytes-read"), "4096");
	cr_assert_str_eq(get(BE "/stats/bytes-written"), "4096");
	cr_assert_str_eq(get(BE "/stats/errors"), "0");
	cr_assert_str_eq(get(BE "/stats/inflight"), "0");
	cr_assert_str_eq(get(BE "/stats/flushes"), "0");
	cr_assert_str_eq(get(BE "/stats/discards"), "0");
	cr_assert_str_eq(get(BE "/stats/write-zeroes"), "0");
}

Test(blk_device, detach_lets_io_finish_then_releases_everything)
{
	struct tq t;

	toolstack_creates("w");
	backd_scan(&d);
	connect_disk();
	t = guest_q();
	request(&t, 0, PT_VIRTIO_BLK_T_OUT, 0, 0, 4096, 32768, 0);
	backd_port_fired(&d, 40);
	/* The toolstack asks the disk to go while the write is in flight. */
	put(BE "/online", "0");
	backd_watch_event(&d, BE "/online", "backend");
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert_eq(fk.maps, 2, "rings kept while requests finish");
	serve_until(&t, 1);
	cr_assert_eq(gpool()[16], PT_VIRTIO_BLK_S_OK);
	/* What the guest still sends before it sees Closing is served too. */
	flush_request(&t, 3, 256);
	backd_port_fired(&d, 40);
	serve_until(&t, 2);
	cr_assert_eq(gpool()[256 + 16], PT_VIRTIO_BLK_S_OK);
	front_state(PT_XENBUS_STATE_CLOSING);
	cr_assert_str_eq(get(BE "/state"), "5");
	front_state(PT_XENBUS_STATE_CLOSED);
	cr_assert_str_eq(get(BE "/state"), "6");
	cr_assert_eq(fk.maps, 0);
	cr_assert_eq(fk.binds, 0);
	/* The image and the ring are closed: only the device entry stays. */
	cr_assert_eq(count_fds(), fds_before, "image or io_uring still open");
	/* Detached for good: a front-end starting again gets no offer. */
	front_state(PT_XENBUS_STATE_INITIALISING);
	cr_assert_str_eq(get(BE "/state"), "6");
}

Test(blk_device, detach_before_connect)
{
	toolstack_creates("w");
	backd_scan(&d);
	put(BE "/online", "0");
	backd_watch_event(&d, BE "/online", "backend");
	cr_assert_str_eq(get(BE "/state"), "6");
	cr_assert_eq(count_fds(), fds_before);
}

Test(blk_device, guest_dies_with_io_in_flight)
{
	struct tq t;
	int i;

	toolstack_creates("w");
	backd_scan(&d);
	connect_disk();
	t = guest_q();
	for (i = 0; i < 4; i++)
		request(&t, (uint16_t)(3 * i), PT_VIRTIO_BLK_T_OUT,
			128u * (unsigned)i, 256u * (unsigned)i, 8192, 57344, 0);
	backd_port_fired(&d, 40);
	/* The store daemon removes both directories of the dead guest. */
	f_rm(NULL, "/local/domain/5");
	f_rm(NULL, "/local/domain/0/backend/block/5");
	backd_watch_event(&d, FE "/state", "frontend");
	cr_assert_eq(fk.maps, 0);
	cr_assert_eq(fk.binds, 0);
	backd_watch_event(&d, "/local/domain/0/backend/block/5", "backend");
	cr_assert_null(d.devs);
	cr_assert_eq(count_fds(), fds_before);
}

Test(blk_device, restart_redoes_what_was_in_flight)
{
	struct tq t;
	uint8_t buf[512];
	int i, fd;

	toolstack_creates("w");
	backd_scan(&d);
	connect_disk();
	t = guest_q();
	for (i = 0; i < 3; i++) {
		memset(gpool() + 8192 + 8192 * i, 0x30 + i, 8192);
		request(&t, (uint16_t)(3 * i), PT_VIRTIO_BLK_T_OUT,
			16u * (unsigned)i, 256u * (unsigned)i,
			8192 + 8192u * (unsigned)i, 8192, 0);
	}
	backd_port_fired(&d, 40);
	/* backd goes away with the writes in flight; the store stays. */
	backd_shutdown(&d);
	cr_assert_eq(fk.maps, 0);
	cr_assert_str_eq(get(BE "/state"), "4");
	backd_init(&d, &fake_ops, logf);
	cr_assert_eq(backd_start(&d), 0);
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "4");
	cr_assert(strstr(logged(), "re-attached, resuming at used index"));
	serve_until(&t, 3);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(tq_used(&t, (uint16_t)i).id, 3 * i,
			     "each request used once, in order");
		cr_assert_eq(gpool()[256 * i + 16], PT_VIRTIO_BLK_S_OK);
	}
	fd = open(image, O_RDONLY);
	cr_assert_eq(pread(fd, buf, 512, 32 * 512), 512);
	close(fd);
	cr_assert_eq(buf[511], 0x32);
}

Test(blk_device, hostile_ring_breaks_only_the_disk)
{
	struct tq t;

	toolstack_creates("w");
	backd_scan(&d);
	connect_disk();
	t = guest_q();
	/* A data buffer beyond the 64 KiB pool. */
	request(&t, 0, PT_VIRTIO_BLK_T_IN, 0, 0, 65536 - 512, 1024, 1);
	backd_port_fired(&d, 40);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(strstr(get(BE "/broken"), "queue 0: head 0:"), "%s",
		  get(BE "/broken"));
	cr_assert_eq(fk.maps, 0);
	cr_assert_eq(fk.binds, 0);
	cr_assert_not_null(backd_dev_find(&d, "block", DOM, 0));
}

Test(blk_device, bad_requests_are_answered_and_counted)
{
	struct tq t;
	struct backd_dev *dev;

	toolstack_creates("r");
	backd_scan(&d);
	connect_disk();
	t = guest_q();
	request(&t, 0, PT_VIRTIO_BLK_T_OUT, 0, 0, 4096, 512, 0);
	request(&t, 3, PT_VIRTIO_BLK_T_IN, SECTORS, 256, 4096, 512, 1);
	backd_port_fired(&d, 40);
	serve_until(&t, 2);
	cr_assert_eq(gpool()[16], PT_VIRTIO_BLK_S_IOERR);
	cr_assert_eq(gpool()[256 + 16], PT_VIRTIO_BLK_S_IOERR);
	cr_assert_str_eq(get(BE "/state"), "4", "the disk stays connected");
	dev = backd_dev_find(&d, "block", DOM, 0);
	backd_dev_write_stats(&d, dev, 1);
	cr_assert_str_eq(get(BE "/stats/errors"), "2");
	cr_assert(strstr(logged(), "backd: p5 block/0: write at sector 0 "
				   "(head 0): a write to a read-only disk"),
		  "%s", logged());
}

/* This test's process only: io_uring_setup fails with err. */
static void refuse_io_uring(int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO |
				 ((unsigned int)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	cr_assert_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}

Test(blk_device, no_io_uring_no_disk)
{
	refuse_io_uring(ENOSYS);
	toolstack_creates("w");
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(strstr(get(BE "/broken"), "cannot set up io_uring for "
					    "/tmp/blk-dev-"),
		  "%s", get(BE "/broken"));
	cr_assert(strstr(get(BE "/broken"), "the kernel lacks io_uring"), "%s",
		  get(BE "/broken"));
	cr_assert_null(get(BE "/capacity"), "nothing offered");
}

Test(blk_device, io_uring_disabled_no_disk)
{
	refuse_io_uring(EPERM);
	toolstack_creates("w");
	backd_scan(&d);
	cr_assert_str_eq(get(BE "/state"), "5");
	cr_assert(strstr(get(BE "/broken"), "kernel.io_uring_disabled"), "%s",
		  get(BE "/broken"));
}
