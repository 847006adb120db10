// SPDX-License-Identifier: MIT
/*
 * The block front-end's request engine on the host, against a fake
 * back-end: a device model that takes chains off the ring as partita-backd
 * would, checks their virtio-blk layout, serves them from a RAM disk and
 * writes status bytes and used entries (honest or not).
 */
#include <criterion/criterion.h>
#include <partita-guest/vblk.h>

#define QSIZE 16u
#define POOL_BYTES (64u * 4096u)
#define CAPACITY 2048u /* sectors: a 1 MiB disk */
#define ALL_FEATURES                                \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC))

static uint8_t ring[2 * 4096] __attribute__((aligned(4096)));
static uint8_t mem[POOL_BYTES] __attribute__((aligned(4096)));
static uint8_t disk[CAPACITY * 512];
static struct pt_vpool pool;
static struct pt_vq vq;
static struct pt_vblk_queue q;
static uint16_t dev_last_avail;

/* What the fake back-end saw of the last chain it took. */
static struct {
	unsigned ndesc, ndata;
	int indirect;
	struct pt_virtio_blk_req_hdr hdr;
	struct pt_vring_desc d[QSIZE + 8];
	uint16_t head;
	int bad_layout;
} seen;

static struct pt_vblk_info info(void)
{
	struct pt_vblk_info in = {
		.capacity = CAPACITY,
		.blk_size = 512,
		.seg_max = 8,
		.size_max = 4096,
		.max_discard = 64,
		.max_write_zeroes = 64,
		.flush = 1,
		.discard = 1,
		.write_zeroes = 1,
	};

	return in;
}

static void setup_with(uint64_t features, struct pt_vblk_info in)
{
	memset(ring, 0, sizeof(ring));
	memset(mem, 0, sizeof(mem));
	for (unsigned i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 7u + 3u);
	cr_assert_eq(pt_vpool_init(&pool, mem, sizeof(mem)), 0);
	cr_assert_eq(pt_vq_init(&vq, ring, QSIZE, features, &pool), 0);
	pt_vblk_queue_init(&q, &vq, &pool, &in);
	dev_last_avail = 0;
}

static void setup(void)
{
	setup_with(ALL_FEATURES, info());
}

TestSuite(vblk, .init = setup);

static struct pt_vring_avail *avail(void)
{
	return (void *)(ring + pt_vring_layout(QSIZE).avail);
}

/* Takes the next chain as a careful back-end would: copies first. */
static int dev_pop(void)
{
	struct pt_vring_desc *desc = (void *)ring, d;

	if (avail()->idx == dev_last_avail)
		return 0;
	memset(&seen, 0, sizeof(seen));
	seen.head = avail()->ring[dev_last_avail++ % QSIZE];
	cr_assert_lt(seen.head, QSIZE);
	d = desc[seen.head];
	if (d.flags & PT_VRING_DESC_F_INDIRECT) {
		struct pt_vring_desc *t = (void *)(mem + d.addr);

		cr_assert_leq(d.addr + d.len, sizeof(mem));
		seen.indirect = 1;
		seen.ndesc = d.len / 16;
		cr_assert_leq(seen.ndesc, QSIZE + 8);
		for (unsigned i = 0; i < seen.ndesc; i++)
			seen.d[i] = t[i];
	} else {
		for (;;) {
			cr_assert_lt(seen.ndesc, QSIZE);
			seen.d[seen.ndesc++] = d;
			if (!(d.flags & PT_VRING_DESC_F_NEXT))
				break;
			d = desc[d.next];
		}
	}
	/* The virtio-blk layout: header readable, status last writable. */
	if (seen.d[0].len != 16 || (seen.d[0].flags & PT_VRING_DESC_F_WRITE) ||
	    seen.d[seen.ndesc - 1].len != 1 ||
	    !(seen.d[seen.ndesc - 1].flags & PT_VRING_DESC_F_WRITE))
		seen.bad_layout = 1;
	memcpy(&seen.hdr, mem + seen.d[0].addr, 16);
	seen.ndata = seen.ndesc - 2;
	return 1;
}

static void dev_push(uint32_t id, uint32_t len)
{
	struct pt_vring_used *used =
		(void *)(ring + pt_vring_layout(QSIZE).used);

	used->ring[used->idx % QSIZE].id = id;
	used->ring[used->idx % QSIZE].len = len;
	used->idx++;
}

static void set_status(uint8_t s)
{
	mem[seen.d[seen.ndesc - 1].addr] = s;
}

/* Serves the chain just popped from the RAM disk; status OK. */
static void dev_serve(void)
{
	uint64_t at = seen.hdr.sector * 512u;
	uint32_t written = 1;

	cr_assert_not(seen.bad_layout);
	for (unsigned i = 1; i + 1 < seen.ndesc; i++) {
		struct pt_vring_desc *d = &seen.d[i];

		if (seen.hdr.type == PT_VIRTIO_BLK_T_IN) {
			cr_assert(d->flags & PT_VRING_DESC_F_WRITE);
			memcpy(mem + d->addr, disk + at, d->len);
			written += d->len;
		} else if (seen.hdr.type == PT_VIRTIO_BLK_T_OUT) {
			cr_assert_not(d->flags & PT_VRING_DESC_F_WRITE);
			memcpy(disk + at, mem + d->addr, d->len);
		}
		at += d->len;
	}
	set_status(PT_VIRTIO_BLK_S_OK);
	dev_push(seen.head, written);
}

static int done_calls;
static struct pt_vblk_req *last_done;

static void on_done(struct pt_vblk_req *r)
{
	done_calls++;
	last_done = r;
}

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 13u);
}

Test(vblk, write_then_read_back_through_the_fake_backend)
{
	static uint8_t out[8 * 512], in[8 * 512];
	struct pt_vblk_req w, r;

	fill(out, sizeof(out), 9);
	pt_vblk_req_write(&w, 100, out, sizeof(out), on_done, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &w), 0);
	cr_expect_eq(w.state, PT_VBLK_REQ_IN_FLIGHT);
	cr_assert(dev_pop());
	cr_expect_eq(seen.hdr.type, PT_VIRTIO_BLK_T_OUT);
	cr_expect_eq(seen.hdr.sector, 100);
	dev_serve();
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(done_calls, 1);
	cr_expect_eq(last_done, &w);
	cr_expect_eq(w.state, PT_VBLK_REQ_DONE);
	cr_expect_eq(w.status, 0);
	cr_expect_arr_eq(disk + 100 * 512, out, sizeof(out));

	pt_vblk_req_read(&r, 100, in, sizeof(in), NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	dev_serve();
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(r.status, 0);
	cr_expect_arr_eq(in, out, sizeof(in));
	cr_expect_eq(q.stats.reads, 1);
	cr_expect_eq(q.stats.writes, 1);
	cr_expect_eq(q.stats.read_bytes, sizeof(in));
	cr_expect_eq(pt_vpool_free_bytes(&pool), POOL_BYTES,
		     "every pool byte given back");
}

Test(vblk, large_requests_are_split_at_size_max_through_an_indirect_table)
{
	static uint8_t out[32 * 1024];
	struct pt_vblk_req w;
	uint32_t total = 0;

	fill(out, sizeof(out), 1);
	pt_vblk_req_write(&w, 0, out, sizeof(out), NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &w), 0);
	cr_expect_eq(q.stats.indirect, 1);
	cr_expect_eq(vq.num_free, QSIZE - 1, "one ring descriptor");
	cr_assert(dev_pop());
	cr_expect(seen.indirect);
	cr_expect_eq(seen.ndata, 8, "32 KiB in 4 KiB segments");
	for (unsigned i = 1; i <= seen.ndata; i++) {
		cr_expect_leq(seen.d[i].len, 4096);
		total += seen.d[i].len;
	}
	cr_expect_eq(total, sizeof(out));
	cr_expect_eq(seen.d[1].addr % 4096, 0, "data starts on a page");
	dev_serve();
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(w.status, 0);
	cr_expect_arr_eq(disk, out, sizeof(out));
	/* A sector more than seg-max segments carry: refused. */
	pt_vblk_req_write(&w, 0, out, sizeof(out) + 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &w), -PT_DEV_EINVAL);
}

Test(vblk, max_io_follows_seg_max_size_max_queue_and_pool)
{
	struct pt_vblk_info in = info();

	cr_expect_eq(q.info.max_io_bytes, 8u * 4096u);
	in.seg_max = 4;
	setup_with(ALL_FEATURES, in);
	cr_expect_eq(q.info.max_io_bytes, 4u * 4096u);
	/* No SEG_MAX, or a larger one: the queue less header and status. */
	in.seg_max = 0;
	setup_with(ALL_FEATURES, in);
	cr_expect_eq(q.info.max_io_bytes, (QSIZE - 2u) * 4096u);
	in.seg_max = 1000;
	setup_with(ALL_FEATURES, in);
	cr_expect_eq(q.info.max_io_bytes, (QSIZE - 2u) * 4096u);
	/* No SIZE_MAX: half the pool. */
	in.size_max = 0;
	setup_with(ALL_FEATURES, in);
	cr_expect_eq(q.info.max_io_bytes, POOL_BYTES / 2u);
	/* A size_max that is no sector multiple rounds down. */
	in.size_max = 1000;
	in.seg_max = 3;
	setup_with(ALL_FEATURES, in);
	cr_expect_eq(q.info.max_io_bytes, 2560u);
}

Test(vblk, without_indirect_the_chain_uses_ring_descriptors)
{
	static uint8_t out[16 * 1024];
	struct pt_vblk_req a, b, c;

	setup_with(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1), info());
	pt_vblk_req_write(&a, 0, out, sizeof(out), NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &a), 0);
	cr_expect_eq(vq.num_free, QSIZE - 6, "header, 4 data, status");
	cr_assert(dev_pop());
	cr_expect_not(seen.indirect);
	cr_expect_eq(seen.ndata, 4);
	/* 10 left: 5 for the next, then 6 do not fit. */
	pt_vblk_req_write(&b, 64, out, 10 * 1024, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &b), 0);
	cr_expect_eq(vq.num_free, QSIZE - 11, "header, 3 data, status");
	pt_vblk_req_write(&c, 128, out, 16 * 1024, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &c), -PT_DEV_EAGAIN);
	cr_expect_eq(c.state, PT_VBLK_REQ_IDLE);
	cr_expect_gt(q.stats.busy, 0);
}

Test(vblk, requests_the_disk_cannot_take_are_refused_before_the_ring)
{
	static uint8_t buf[8192];
	struct pt_vblk_req r;
	struct pt_vblk_info ro = info();

	pt_vblk_req_read(&r, CAPACITY, buf, 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "at end");
	pt_vblk_req_read(&r, CAPACITY - 1, buf, 1024, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "across");
	pt_vblk_req_read(&r, UINT64_MAX, buf, 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "wrap");
	pt_vblk_req_read(&r, 0, buf, 100, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "partial");
	pt_vblk_req_read(&r, 0, buf, 0, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "empty");
	pt_vblk_req_read(&r, 0, NULL, 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "no buf");
	pt_vblk_req_discard(&r, 0, 65, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL,
		     "over max-discard");
	pt_vblk_req_write_zeroes(&r, CAPACITY - 1, 2, 0, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL);
	r.type = 0x7fff;
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "type");
	cr_expect_eq(avail()->idx, 0, "nothing reached the ring");

	ro.read_only = 1;
	ro.flush = 0;
	setup_with(ALL_FEATURES, ro);
	pt_vblk_req_write(&r, 0, buf, 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EROFS);
	pt_vblk_req_discard(&r, 0, 1, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EROFS);
	pt_vblk_req_write_zeroes(&r, 0, 1, 1, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EROFS);
	pt_vblk_req_flush(&r, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL,
		     "FLUSH not negotiated");
	pt_vblk_req_read(&r, 0, buf, 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), 0, "reads still work");
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL,
		     "not twice while in flight");
}

Test(vblk, flush_get_id_discard_and_write_zeroes_chains)
{
	static char id[PT_VIRTIO_BLK_ID_BYTES];
	struct pt_vblk_req r;
	struct pt_virtio_blk_discard_wz range;

	pt_vblk_req_flush(&r, NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	cr_expect_eq(seen.hdr.type, PT_VIRTIO_BLK_T_FLUSH);
	cr_expect_eq(seen.ndesc, 2, "header and status only");
	dev_serve();
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(r.status, 0);

	pt_vblk_req_get_id(&r, id, NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	cr_expect_eq(seen.hdr.type, PT_VIRTIO_BLK_T_GET_ID);
	cr_assert_eq(seen.ndata, 1);
	cr_expect_eq(seen.d[1].len, PT_VIRTIO_BLK_ID_BYTES);
	cr_expect(seen.d[1].flags & PT_VRING_DESC_F_WRITE);
	memcpy(mem + seen.d[1].addr, "disk-serial-0001\0\0\0\0", 20);
	set_status(0);
	dev_push(seen.head, 21);
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_str_eq(id, "disk-serial-0001");
	cr_expect_eq(q.stats.get_ids, 1);

	pt_vblk_req_discard(&r, 40, 8, NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	cr_expect_eq(seen.hdr.type, PT_VIRTIO_BLK_T_DISCARD);
	cr_assert_eq(seen.ndesc, 3);
	cr_expect_eq(seen.d[1].len, 16);
	cr_expect_not(seen.d[1].flags & PT_VRING_DESC_F_WRITE);
	memcpy(&range, mem + seen.d[1].addr, 16);
	cr_expect_eq(range.sector, 40);
	cr_expect_eq(range.num_sectors, 8);
	cr_expect_eq(range.flags, 0);
	dev_serve();
	pt_vblk_queue_complete(&q, 0);

	pt_vblk_req_write_zeroes(&r, 7, 3, 1, NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	memcpy(&range, mem + seen.d[1].addr, 16);
	cr_expect_eq(seen.hdr.type, PT_VIRTIO_BLK_T_WRITE_ZEROES);
	cr_expect_eq(range.sector, 7);
	cr_expect_eq(range.num_sectors, 3);
	cr_expect_eq(range.flags, PT_VIRTIO_BLK_WZ_F_UNMAP);
}

static int complete_one_with(uint8_t status, int write_it)
{
	static uint8_t buf[512];
	struct pt_vblk_req r;

	pt_vblk_req_read(&r, 1, buf, sizeof(buf), NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	if (write_it)
		set_status(status);
	dev_push(seen.head, 1);
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(r.state, PT_VBLK_REQ_DONE);
	return r.status;
}

Test(vblk, status_bytes_become_per_request_errors)
{
	cr_expect_eq(complete_one_with(PT_VIRTIO_BLK_S_IOERR, 1), -PT_DEV_EIO);
	cr_expect_eq(complete_one_with(PT_VIRTIO_BLK_S_UNSUPP, 1),
		     -PT_DEV_EUNSUPP);
	cr_expect_eq(q.stats.bad_status, 0);
	cr_expect_eq(complete_one_with(7, 1), -PT_DEV_EIO, "out of range");
	cr_expect_eq(complete_one_with(0, 0), -PT_DEV_EIO, "never written");
	cr_expect_eq(q.stats.bad_status, 2);
	cr_expect_eq(q.stats.errors, 4);
	cr_expect_eq(complete_one_with(PT_VIRTIO_BLK_S_OK, 1), 0);
	cr_expect_eq(pt_vpool_free_bytes(&pool), POOL_BYTES);
}

Test(vblk, a_failed_read_leaves_the_callers_buffer_alone)
{
	static uint8_t buf[512];
	struct pt_vblk_req r;

	memset(buf, 0xAB, sizeof(buf));
	pt_vblk_req_read(&r, 1, buf, sizeof(buf), NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	memset(mem + seen.d[1].addr, 0, 512);
	set_status(PT_VIRTIO_BLK_S_IOERR);
	dev_push(seen.head, 513);
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(buf[0], 0xAB);
	cr_expect_eq(buf[511], 0xAB);
}

Test(vblk, many_in_flight_complete_out_of_order)
{
	static uint8_t in[8][1024];
	struct pt_vblk_req r[8];
	uint16_t heads[8];
	uint64_t sectors[8];

	for (int i = 0; i < 8; i++) {
		pt_vblk_req_read(&r[i], (uint64_t)i * 10, in[i], 1024, on_done,
				 NULL);
		cr_assert_eq(pt_vblk_queue_submit(&q, &r[i]), 0);
	}
	cr_expect_eq(pt_vq_in_flight(&vq), 8);
	for (int i = 0; i < 8; i++) {
		cr_assert(dev_pop());
		heads[i] = seen.head;
		sectors[i] = seen.hdr.sector;
		/* Serve now, publish later: data and status are in place. */
		memcpy(mem + seen.d[1].addr, disk + seen.hdr.sector * 512,
		       1024);
		set_status(0);
	}
	for (int i = 7; i >= 0; i--)
		dev_push(heads[i], 1025);
	cr_assert_eq(pt_vblk_queue_complete(&q, 3), 3, "at most max");
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 5);
	cr_expect_eq(done_calls, 8);
	for (int i = 0; i < 8; i++) {
		cr_expect_eq(r[i].status, 0);
		cr_expect_eq(sectors[i], (uint64_t)i * 10);
		cr_expect_arr_eq(in[i], disk + i * 10 * 512, 1024, "req %d", i);
	}
	cr_expect_eq(pt_vpool_free_bytes(&pool), POOL_BYTES);
}

Test(vblk, the_pool_running_out_is_eagain_until_something_completes)
{
	static uint8_t big[32 * 1024];
	struct pt_vblk_req r[2];
	uint32_t hog;

	/* Leave 40 KiB: room for one 32 KiB request and its small parts. */
	cr_assert_eq(pt_vpool_alloc(&pool, POOL_BYTES - 40 * 1024, &hog), 0);
	pt_vblk_req_write(&r[0], 0, big, sizeof(big), NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r[0]), 0);
	pt_vblk_req_write(&r[1], 256, big, sizeof(big), NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r[1]), -PT_DEV_EAGAIN);
	cr_expect_eq(r[1].state, PT_VBLK_REQ_IDLE);
	cr_expect_eq(q.stats.busy, 1);
	cr_assert(dev_pop());
	dev_serve();
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r[1]), 0);
}

Test(vblk, a_buffer_in_the_pool_is_used_in_place)
{
	uint32_t off;
	struct pt_vblk_req w;
	uint32_t before;

	cr_assert_eq(pt_vpool_alloc_aligned(&pool, 8192, 4096, &off), 0);
	fill(mem + off, 8192, 5);
	before = pt_vpool_free_bytes(&pool);
	pt_vblk_req_write(&w, 3, mem + off, 8192, NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &w), 0);
	cr_expect_eq(q.stats.zero_copy, 1);
	cr_expect_eq(before - pt_vpool_free_bytes(&pool), 128,
		     "only the small parts and the indirect table");
	cr_assert(dev_pop());
	cr_expect_eq(seen.d[1].addr, off);
	dev_serve();
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_arr_eq(disk + 3 * 512, mem + off, 8192);
	cr_expect_eq(pt_vpool_free_bytes(&pool), before, "the buffer stays");
}

Test(vblk, fail_all_ends_every_request_in_flight)
{
	static uint8_t buf[4][512];
	struct pt_vblk_req r[4];

	for (int i = 0; i < 4; i++) {
		pt_vblk_req_read(&r[i], (uint64_t)i, buf[i], 512, on_done,
				 NULL);
		cr_assert_eq(pt_vblk_queue_submit(&q, &r[i]), 0);
	}
	cr_assert(dev_pop());
	dev_serve(); /* one completes before the back-end leaves */
	cr_assert_eq(pt_vblk_queue_complete(&q, 0), 1);
	cr_expect_eq(pt_vblk_queue_fail_all(&q, -PT_DEV_ECLOSED), 3);
	cr_expect_eq(done_calls, 4);
	cr_expect_eq(r[0].status, 0);
	for (int i = 1; i < 4; i++) {
		cr_expect_eq(r[i].state, PT_VBLK_REQ_DONE);
		cr_expect_eq(r[i].status, -PT_DEV_ECLOSED);
	}
	cr_expect_eq(q.stats.failed_detached, 3);
	cr_expect_eq(pt_vq_in_flight(&vq), 0);
	cr_expect_eq(pt_vpool_free_bytes(&pool), POOL_BYTES);
}

Test(vblk, a_lying_backend_breaks_the_queue_not_the_guest)
{
	static uint8_t buf[512];
	struct pt_vblk_req r;

	pt_vblk_req_read(&r, 0, buf, 512, NULL, NULL);
	cr_assert_eq(pt_vblk_queue_submit(&q, &r), 0);
	cr_assert(dev_pop());
	dev_push((seen.head + 1) % QSIZE, 1); /* not the chain in flight */
	cr_expect_eq(pt_vblk_queue_complete(&q, 0), -PT_DEV_EBROKEN);
	cr_expect_eq(r.state, PT_VBLK_REQ_IN_FLIGHT);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vblk_queue_fail_all(&q, -PT_DEV_EBROKEN), 1);
	cr_expect_eq(r.status, -PT_DEV_EBROKEN);
}

Test(vblk, reads_and_writes_come_in_whole_logical_blocks)
{
	static uint8_t buf[8192];
	struct pt_vblk_info in = info();
	struct pt_vblk_req r;

	in.blk_size = 4096;
	in.size_max = 3000; /* rounds max_io down to whole blocks */
	setup_with(ALL_FEATURES, in);
	cr_expect_eq(q.info.max_io_bytes, 20480u, "8 * 3000 in blocks");
	pt_vblk_req_read(&r, 0, buf, 512, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "a sector");
	pt_vblk_req_read(&r, 1, buf, 4096, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL, "offset");
	pt_vblk_req_write_zeroes(&r, 8, 1, 0, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), -PT_DEV_EINVAL);
	pt_vblk_req_write_zeroes(&r, 8, 8, 0, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), 0);
	pt_vblk_req_discard(&r, 3, 1, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), 0, "advisory: any range");
	pt_vblk_req_read(&r, 8, buf, 8192, NULL, NULL);
	cr_expect_eq(pt_vblk_queue_submit(&q, &r), 0);
}
