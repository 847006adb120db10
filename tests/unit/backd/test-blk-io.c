// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the virtio-blk io path: a ring in memory, a real file, io_uring. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blk-io.h"
#include "blk-test-util.h"

#define QSIZE 64
#define POOL_PAGES 1024	   /* 4 MiB */
#define DISK_SECTORS 8192u /* 4 MiB */
#define ST_OK PT_VIRTIO_BLK_S_OK
#define ST_IOERR PT_VIRTIO_BLK_S_IOERR

static char path[64];
static struct tq t;
static struct vring_pool pool;
static uint8_t *mem;
static struct vring_back q;
static struct blk_backing b;
static struct blk_io io;
static uint16_t next_desc;
static char logtext[4096];

static void catch_log(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(logtext, msg, sizeof(logtext) - strlen(logtext) - 2);
	strcat(logtext, "\n");
}

/* The byte the image holds at off before any test writes. */
static uint8_t orig(uint64_t off)
{
	return (uint8_t)(off * 7u + off / 512u);
}

static void make_image(void)
{
	static uint8_t buf[DISK_SECTORS * 512u];
	const char *dir = getenv("TMPDIR");
	uint64_t i;
	int fd;

	snprintf(path, sizeof(path), "%s/blk-io-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = orig(i);
	cr_assert_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

static void setup(void)
{
	make_image();
	tq_init(&t, QSIZE);
	mem = tpool_init_contig(&pool, POOL_PAGES);
	memset(&io, 0, sizeof(io));
	io.efd = -1;
	io.log = catch_log;
	logtext[0] = 0;
	next_desc = 0;
}

static void teardown(void)
{
	blk_io_close(&io);
	blk_backing_close(&b);
	cr_assert_eq(io.bounce_used, 0, "bounce memory leaked");
	unlink(path);
	tq_free(&t);
	free(mem);
}

/* Opens the image and serves the ring with at most inflight requests. */
static void open_disk(const char *mode, const char *cache, uint16_t inflight,
		      uint64_t features)
{
	char why[256];

	cr_assert_eq(blk_backing_open(&b, path, mode, cache, why, sizeof(why)),
		     0, "%s", why);
	cr_assert_eq(blk_io_open(&io, &b, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(vring_back_init(&q, t.ring, t.bytes, &pool, QSIZE,
				     features, inflight),
		     0);
	vring_back_resume(&q);
	cr_assert_eq(blk_io_start(&io, &q, features, why, sizeof(why)), 0);
}

/*
 * Makes a request available: header and status at hdr (status at +16),
 * then data; returns the head.
 */
static uint16_t submit(uint32_t type, uint64_t sector, uint64_t hdr,
		       const struct tseg *data, unsigned int nd)
{
	struct tseg s[BLK_SEG_MAX + 2];
	uint16_t head = next_desc;
	unsigned int i;

	tb_hdr(&pool, hdr, type, sector);
	mem[hdr + 16] = 0xee; /* not a status the device would write */
	s[0] = (struct tseg){ hdr, 16, 0 };
	for (i = 0; i < nd; i++)
		s[1 + i] = data[i];
	s[1 + nd] = (struct tseg){ hdr + 16, 1, 1 };
	tb_chain(&t, head, s, nd + 2);
	next_desc = (uint16_t)((next_desc + nd + 2) % QSIZE);
	tq_publish(&t, head);
	return head;
}

/* The same through an indirect table at pool offset table. */
static uint16_t submit_indirect(uint32_t type, uint64_t sector, uint64_t hdr,
				uint64_t table, const struct tseg *data,
				unsigned int nd)
{
	struct tseg s[BLK_SEG_MAX + 2];
	uint16_t head = next_desc;
	unsigned int i;

	tb_hdr(&pool, hdr, type, sector);
	mem[hdr + 16] = 0xee;
	s[0] = (struct tseg){ hdr, 16, 0 };
	for (i = 0; i < nd; i++)
		s[1 + i] = data[i];
	s[1 + nd] = (struct tseg){ hdr + 16, 1, 1 };
	tb_indirect(&t, &pool, head, table, s, nd + 2);
	next_desc = (uint16_t)((next_desc + 1) % QSIZE);
	tq_publish(&t, head);
	return head;
}

static uint8_t status_at(uint64_t hdr)
{
	return mem[hdr + 16];
}

/* Serves until the used index reaches want, waiting on the eventfd. */
static void run(uint16_t want)
{
	int rounds;

	for (rounds = 0; rounds < 2000; rounds++) {
		struct pollfd p = { io.efd, POLLIN, 0 };
		int more = 0;

		cr_assert_eq(blk_io_service(&io, 64, &more), 0, "%s", q.why);
		cr_assert_leq(io.bounce_used, BLK_BOUNCE_BUDGET);
		if (tq_used_idx(&t) == want)
			return;
		cr_assert_lt((int16_t)(tq_used_idx(&t) - want), 0,
			     "more used than requests");
		if (!more && poll(&p, 1, 1000) == 1)
			blk_io_event(&io);
	}
	cr_assert_fail("used index %u, waited for %u", tq_used_idx(&t), want);
}

static void fill(uint64_t off, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		mem[off + i] = (uint8_t)(seed + i * 13u + i / 4096u);
}

static void file_read(uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

/* Does the image hold its original bytes over [off, off + len)? */
static int file_orig(uint64_t off, size_t len)
{
	static uint8_t buf[1u << 20];
	size_t i;

	cr_assert_leq(len, sizeof(buf));
	file_read(off, buf, len);
	for (i = 0; i < len; i++)
		if (buf[i] != orig(off + i))
			return 0;
	return 1;
}

static int file_zero(uint64_t off, size_t len)
{
	static uint8_t buf[1u << 20];
	size_t i;

	cr_assert_leq(len, sizeof(buf));
	file_read(off, buf, len);
	for (i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}

/* sync: reads and writes on backd's thread (blk_io_open picks it for
 * tmpfs images; forced here, since the test's file may be elsewhere). */
static void write_read_back(const char *cache, int sync)
{
	/* Two data segments, the second crossing a page boundary. */
	struct tseg wd[] = { { 65536, 1024, 0 },
			     { 65536 + 8192 - 512, 3072, 0 } };
	struct tseg rd[] = { { 131072, 4096, 1 } };
	uint8_t file[4096];

	open_disk("w", cache, 0, BLK_ALL_FEATURES);
	io.sync_rw = sync;
	fill(65536, 1024, 1);
	fill(65536 + 8192 - 512, 3072, 2);
	submit(PT_VIRTIO_BLK_T_OUT, 100, 0, wd, 2);
	run(1);
	cr_assert_eq(status_at(0), ST_OK, "log: %s", logtext);
	cr_assert_eq(tq_used(&t, 0).len, 1, "a write writes only its status");
	file_read(100 * 512, file, sizeof(file));
	cr_assert_arr_eq(file, mem + 65536, 1024);
	cr_assert_arr_eq(file + 1024, mem + 65536 + 8192 - 512, 3072);
	cr_assert(file_orig(99 * 512, 512), "the sector before is untouched");
	cr_assert(file_orig(108 * 512, 512), "the sector after is untouched");
	submit(PT_VIRTIO_BLK_T_IN, 100, 256, rd, 1);
	run(2);
	cr_assert_eq(status_at(256), ST_OK);
	cr_assert_eq(tq_used(&t, 1).len, 4097);
	cr_assert_arr_eq(mem + 131072, file, 4096);
	cr_assert_eq(io.st.reads, 1);
	cr_assert_eq(io.st.writes, 1);
	cr_assert_eq(io.st.bytes_read, 4096);
	cr_assert_eq(io.st.bytes_written, 4096);
	cr_assert_eq(io.st.errors, 0);
	cr_assert_eq(blk_io_inflight(&io), 0);
}

TestSuite(blk_io, .init = setup, .fini = teardown, .timeout = 30);

Test(blk_io, write_and_read_back_writeback)
{
	write_read_back("writeback", 0);
	cr_assert_eq(io.bounce_used, 0, "buffered I/O uses the pool itself");
}

Test(blk_io, write_and_read_back_synchronously)
{
	write_read_back("writeback", 1);
	cr_assert_eq(io.ops_out, 0, "nothing went through io_uring");
}

Test(blk_io, write_and_read_back_cache_none)
{
	write_read_back("none", 0);
	cr_assert(b.direct);
	cr_assert_eq(b.align % 512, 0);
}

Test(blk_io, read_only_disk_refuses_writes)
{
	struct tseg wd[] = { { 65536, 4096, 0 } }, rd[] = { { 65536, 512, 1 } };

	open_disk("r", "writeback", 0, BLK_ALL_FEATURES);
	submit(PT_VIRTIO_BLK_T_OUT, 0, 0, wd, 1);
	run(1);
	cr_assert_eq(status_at(0), ST_IOERR);
	cr_assert(file_orig(0, 4096));
	cr_assert_eq(io.st.errors, 1);
	cr_assert(strstr(logtext, "read-only"), "%s", logtext);
	submit(PT_VIRTIO_BLK_T_IN, 0, 256, rd, 1);
	run(2);
	cr_assert_eq(status_at(256), ST_OK);
	cr_assert_eq(mem[65536 + 1], orig(1));
}

Test(blk_io, beyond_the_end_is_an_error)
{
	struct tseg rd[] = { { 65536, 1024, 1 } };

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	cr_assert_eq(b.capacity, DISK_SECTORS);
	submit(PT_VIRTIO_BLK_T_IN, DISK_SECTORS - 1, 0, rd, 1);
	submit(PT_VIRTIO_BLK_T_IN, DISK_SECTORS - 2, 256, rd, 1);
	run(2);
	cr_assert_eq(status_at(0), ST_IOERR);
	cr_assert_eq(status_at(256), ST_OK);
	cr_assert_eq(io.st.errors, 1);
	cr_assert_eq(io.st.reads, 1);
	cr_assert(strstr(logtext, "read at sector 8191"), "%s", logtext);
	cr_assert(strstr(logtext, "beyond the end"), "%s", logtext);
}

Test(blk_io, flush_waits_for_what_came_before)
{
	struct tseg wd[4][1];
	uint16_t heads[5];
	int i, more = 0;

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	io.sync_rw = 0; /* the writes stay in flight whatever /tmp is */
	for (i = 0; i < 4; i++) {
		wd[i][0] =
			(struct tseg){ 65536 + 65536u * (unsigned)i, 65536, 0 };
		fill(wd[i][0].off, 65536, (uint8_t)i);
		heads[i] = submit(PT_VIRTIO_BLK_T_OUT, 128u * (unsigned)i,
				  256u * (unsigned)i, wd[i], 1);
	}
	heads[4] = submit(PT_VIRTIO_BLK_T_FLUSH, 0, 2048, NULL, 0);
	/* One round: the writes are submitted, the flush holds back. */
	cr_assert_eq(blk_io_service(&io, 64, &more), 0);
	cr_assert_eq(io.slots[4].req.type, PT_VIRTIO_BLK_T_FLUSH);
	cr_assert_eq(io.slots[4].state, BLK_SLOT_WAIT);
	for (i = 0; i < 4; i++)
		cr_assert_eq(io.slots[i].state, BLK_SLOT_IO);
	run(5);
	/* Used in the order made available: the flush last. */
	for (i = 0; i < 5; i++)
		cr_assert_eq(tq_used(&t, (uint16_t)i).id, heads[i]);
	cr_assert_eq(status_at(2048), ST_OK);
	cr_assert_eq(io.st.flushes, 1);
	cr_assert_eq(io.st.writes, 4);
}

Test(blk_io, flush_alone_completes)
{
	open_disk("w", "none", 0, BLK_ALL_FEATURES);
	submit(PT_VIRTIO_BLK_T_FLUSH, 0, 0, NULL, 0);
	run(1);
	cr_assert_eq(status_at(0), ST_OK);
}

Test(blk_io, completions_are_used_in_order)
{
	struct tseg big[BLK_SEG_MAX], id[] = { { 3u << 20, 20, 1 } };
	uint16_t w, g;
	unsigned int i;

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	/* 2 MiB in seg-max segments of size-max, then a GET_ID. */
	for (i = 0; i < BLK_SEG_MAX; i++)
		big[i] = (struct tseg){ 65536u * (1 + i), BLK_SIZE_MAX, 0 };
	fill(65536, BLK_SEG_MAX * BLK_SIZE_MAX, 9);
	w = submit(PT_VIRTIO_BLK_T_OUT, 0, 0, big, BLK_SEG_MAX);
	g = submit(PT_VIRTIO_BLK_T_GET_ID, 0, 256, id, 1);
	run(2);
	cr_assert_eq(tq_used(&t, 0).id, w);
	cr_assert_eq(tq_used(&t, 1).id, g);
	cr_assert_eq(tq_used(&t, 1).len, 21);
	cr_assert_eq(status_at(0), ST_OK, "%s", logtext);
	cr_assert_eq(status_at(256), ST_OK);
	cr_assert_arr_eq(mem + (3u << 20), b.serial, strlen(b.serial));
	cr_assert_eq(strlen(b.serial), 18);
	cr_assert_eq(mem[(3u << 20) + 18], 0, "NUL-padded");
}

Test(blk_io, unknown_type_is_unsupported)
{
	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	submit(42, 0, 0, NULL, 0);
	run(1);
	cr_assert_eq(status_at(0), PT_VIRTIO_BLK_S_UNSUPP);
	cr_assert_eq(io.st.errors, 1);
}

Test(blk_io, discard_punches_a_hole)
{
	struct tseg rg[] = { { 65536, 16, 0 } };

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	tb_range(&pool, 65536, 16, 16, 0);
	submit(PT_VIRTIO_BLK_T_DISCARD, 0, 0, rg, 1);
	run(1);
	cr_assert_eq(status_at(0), ST_OK, "%s", logtext);
	cr_assert_eq(io.st.discards, 1);
	/* ext4 and tmpfs punch holes: the range reads back as zeroes. */
	if (!io.no_punch)
		cr_assert(file_zero(16 * 512, 16 * 512));
	cr_assert(file_orig(0, 16 * 512));
	cr_assert(file_orig(32 * 512, 512));
}

/* Zeroes three ranges in one request; checks them and their neighbours. */
static void write_zeroes(uint32_t flags)
{
	struct tseg rg[] = { { 65536, 48, 0 } };

	tb_range(&pool, 65536, 10, 6, flags);
	tb_range(&pool, 65536 + 16, 100, 200, flags);
	tb_range(&pool, 65536 + 32, 1000, 0, flags); /* empty: skipped */
	submit(PT_VIRTIO_BLK_T_WRITE_ZEROES, 0, 0, rg, 1);
	run((uint16_t)(tq_used_idx(&t) + 1));
	cr_assert_eq(status_at(0), ST_OK, "%s", logtext);
	cr_assert(file_zero(10 * 512, 6 * 512));
	cr_assert(file_zero(100 * 512, 200 * 512));
	cr_assert(file_orig(9 * 512, 512));
	cr_assert(file_orig(16 * 512, 512));
	cr_assert(file_orig(99 * 512, 512));
	cr_assert(file_orig(300 * 512, 512));
	cr_assert(file_orig(1000 * 512, 512));
}

Test(blk_io, write_zeroes_with_unmap)
{
	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	write_zeroes(PT_VIRTIO_BLK_WZ_F_UNMAP);
	cr_assert_eq(io.st.write_zeroes, 1);
}

Test(blk_io, write_zeroes_without_unmap)
{
	open_disk("w", "none", 0, BLK_ALL_FEATURES);
	write_zeroes(0);
}

Test(blk_io, write_zeroes_written_for_real)
{
	/* A backing that can neither punch nor zero a range. */
	open_disk("w", "none", 0, BLK_ALL_FEATURES);
	io.no_punch = io.no_zero_range = 1;
	write_zeroes(PT_VIRTIO_BLK_WZ_F_UNMAP);
	cr_assert_eq(io.st.write_zeroes, 1);
}

Test(blk_io, in_flight_limit)
{
	struct tseg wd[] = { { 65536, 65536, 0 } };
	int i, more = 0;

	open_disk("w", "writeback", 2, BLK_ALL_FEATURES);
	cr_assert_eq(io.nslots, 2);
	for (i = 0; i < 6; i++)
		submit(PT_VIRTIO_BLK_T_OUT, 128u * (unsigned)i,
		       256u * (unsigned)i, wd, 1);
	cr_assert_eq(blk_io_service(&io, 64, &more), 0);
	cr_assert_leq(q.inflight, 2);
	cr_assert_leq(blk_io_inflight(&io), 2);
	cr_assert_gt(q.throttled, 0, "the limit held requests back");
	run(6);
	for (i = 0; i < 6; i++)
		cr_assert_eq(status_at(256u * (unsigned)i), ST_OK);
}

Test(blk_io, bounce_memory_is_bounded)
{
	struct tseg big[BLK_SEG_MAX];
	unsigned int i;

	/* Six 2 MiB writes from one pool range: 12 MiB of copies wanted. */
	open_disk("w", "none", 16, BLK_ALL_FEATURES);
	for (i = 0; i < BLK_SEG_MAX; i++)
		big[i] = (struct tseg){ 65536u * (1 + i), BLK_SIZE_MAX, 0 };
	fill(65536, BLK_SEG_MAX * BLK_SIZE_MAX, 5);
	for (i = 0; i < 6; i++)
		submit_indirect(PT_VIRTIO_BLK_T_OUT, 0, 256u * i,
				(3u << 20) + 1024u * i, big, BLK_SEG_MAX);
	run(6); /* checks the budget after every round */
	for (i = 0; i < 6; i++)
		cr_assert_eq(status_at(256u * i), ST_OK, "%s", logtext);
	{
		static uint8_t got[65536];

		file_read(0, got, sizeof(got));
		cr_assert_arr_eq(got, mem + 65536, sizeof(got));
	}
}

Test(blk_io, stop_with_io_in_flight_then_resume_redoes_it)
{
	struct tseg wd[4][1];
	uint16_t used[8];
	int i, more = 0, n;

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	io.sync_rw = 0; /* the writes stay in flight whatever /tmp is */
	for (i = 0; i < 4; i++) {
		wd[i][0] = (struct tseg){ 65536 + 524288u * (unsigned)i,
					  BLK_SIZE_MAX, 0 };
		fill(wd[i][0].off, BLK_SIZE_MAX, (uint8_t)(i + 20));
		submit(PT_VIRTIO_BLK_T_OUT, 1024u * (unsigned)i,
		       256u * (unsigned)i, wd[i], 1);
	}
	cr_assert_eq(blk_io_service(&io, 64, &more), 0);
	cr_assert_gt(io.ops_out, 0);
	/* The guest goes away, or backd: nothing of the kernel's is left. */
	blk_io_stop(&io);
	cr_assert_eq(io.ops_out, 0);
	cr_assert_null(io.slots);
	cr_assert_eq(io.bounce_used, 0);
	/* Connected again to the same ring: what was not used is redone. */
	n = tq_used_idx(&t);
	cr_assert_leq(n, 0, "nothing was used before the stop");
	cr_assert_eq(vring_back_init(&q, t.ring, t.bytes, &pool, QSIZE,
				     BLK_ALL_FEATURES, 0),
		     0);
	vring_back_resume(&q);
	cr_assert_eq(blk_io_start(&io, &q, BLK_ALL_FEATURES, logtext, 100), 0);
	run(4);
	for (i = 0; i < 4; i++) {
		used[i] = (uint16_t)tq_used(&t, (uint16_t)i).id;
		cr_assert_eq(status_at(256u * (unsigned)i), ST_OK);
	}
	for (i = 0; i < 4; i++)
		cr_assert_eq(used[i], (uint16_t)(3 * i), "each once, in order");
	cr_assert_eq(io.st.writes, 4);
}

Test(blk_io, image_that_shrank)
{
	struct tseg rd[] = { { 65536, 4096, 1 } };

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	cr_assert_eq(truncate(path, 1u << 20), 0);
	submit(PT_VIRTIO_BLK_T_IN, 4096, 0, rd, 1);
	run(1);
	cr_assert_eq(status_at(0), ST_IOERR);
	cr_assert(strstr(logtext, "ended early"), "%s", logtext);
}

Test(blk_io, image_that_shrank_synchronously)
{
	struct tseg rd[] = { { 65536, 4096, 1 } };

	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	io.sync_rw = 1;
	cr_assert_eq(truncate(path, 1u << 20), 0);
	submit(PT_VIRTIO_BLK_T_IN, 4096, 0, rd, 1);
	run(1);
	cr_assert_eq(status_at(0), ST_IOERR);
	cr_assert(strstr(logtext, "ended early"), "%s", logtext);
}

Test(blk_io, write_through_without_flush)
{
	struct tseg wd[] = { { 65536, 512, 0 } };

	open_disk("w", "writeback", 0, ALL_FEATURES);
	cr_assert(io.write_through);
	submit(PT_VIRTIO_BLK_T_OUT, 0, 0, wd, 1);
	run(1);
	cr_assert_eq(status_at(0), ST_OK);
}

Test(blk_io, fragmented_pool_mapping)
{
	struct tseg rd[] = { { 4096 + 100 * 512, 8192, 1 } };
	struct vring_pool frag;

	/* Every page mapped apart: still served, one iovec per page. */
	tpool_init(&frag, 16);
	open_disk("w", "writeback", 0, BLK_ALL_FEATURES);
	q.pool = &frag;
	io.q = &q;
	tb_hdr(&frag, 0, PT_VIRTIO_BLK_T_IN, 3);
	tq_desc(&t, 0, 0, 16, PT_VRING_DESC_F_NEXT, 1);
	tq_desc(&t, 1, rd[0].off, rd[0].len,
		PT_VRING_DESC_F_WRITE | PT_VRING_DESC_F_NEXT, 2);
	tq_desc(&t, 2, 16, 1, PT_VRING_DESC_F_WRITE, 0);
	tq_publish(&t, 0);
	run(1);
	{
		uint8_t st, got[8192];

		vring_pool_read(&frag, 16, &st, 1);
		cr_assert_eq(st, ST_OK, "%s", logtext);
		vring_pool_read(&frag, rd[0].off, got, sizeof(got));
		for (int i = 0; i < 8192; i++)
			cr_assert_eq(got[i], orig(3 * 512 + (uint64_t)i));
	}
	blk_io_stop(&io);
	tpool_free(&frag);
}

Test(blk_io, missing_image_is_reported)
{
	char why[256];

	cr_assert_eq(blk_backing_open(&b, "/nonexistent/disk.img", "w",
				      "writeback", why, sizeof(why)),
		     -ENOENT);
	cr_assert(strstr(why, "cannot open /nonexistent/disk.img: No such"),
		  "%s", why);
	cr_assert_eq(b.fd, -1);
	cr_assert_lt(
		blk_backing_open(&b, "disk.img", "w", NULL, why, sizeof(why)),
		0);
	cr_assert(strstr(why, "not an absolute path"), "%s", why);
	cr_assert_lt(blk_backing_open(&b, path, "rw", NULL, why, sizeof(why)),
		     0);
	cr_assert(strstr(why, "mode"), "%s", why);
	cr_assert_lt(
		blk_backing_open(&b, path, "w", "unsafe", why, sizeof(why)), 0);
	cr_assert(strstr(why, "cache"), "%s", why);
	cr_assert_lt(blk_backing_open(&b, "/tmp", "r", NULL, why, sizeof(why)),
		     0);
	cr_assert(strstr(why, "not a regular file or a block device"), "%s",
		  why);
}
