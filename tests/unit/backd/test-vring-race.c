// SPDX-License-Identifier: GPL-2.0-only
/* XSA-155 double-fetch tests: a second thread rewrites the ring and pool while backd pops and parses. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "backd-test-util.h"
#include "blk-req.h"
#include "race-test-util.h"
#include "vring-back.h"

#define W PT_VRING_DESC_F_WRITE
#define N PT_VRING_DESC_F_NEXT
#define I PT_VRING_DESC_F_INDIRECT
#define QSIZE 8u
#define PAGES 4u
#define POOL_END ((uint64_t)PAGES * VRING_POOL_PAGE)
/* Outside the pool; any byte-wise mix with 0 is 0 or itself. */
#define FAR (1ull << 40)

/*
 * Flipped values are chosen as race-test-util.h says. The pool's pages
 * are exact allocations, so a length used unchecked also trips the
 * address sanitizer when the chain is read.
 */

static struct vring_pool pool;
static struct tq t;
static struct vring_back q;
static struct vring_chain c;

/* Addresses of a ring descriptor's fields, and of a pool table entry's. */
static void *rdesc(uint16_t i, size_t field)
{
	return t.ring + t.l.desc + 16u * i + field;
}

static void *pdesc(uint64_t off, size_t field)
{
	off += field;
	return pool.page[off / VRING_POOL_PAGE] + off % VRING_POOL_PAGE;
}

static void setup(void)
{
	tpool_init(&pool, PAGES);
	tq_init(&t, QSIZE);
	race_reset();
}

static void teardown(void)
{
	/* A failed assertion lands here with the guest still flipping. */
	finish();
	tq_free(&t);
	tpool_free(&pool);
}

/* A fresh queue with `head` available: the ring may have broken last round. */
static int pop_fresh(uint16_t head)
{
	tq_put16(&t, t.l.used + 2u, 0);
	tq_set_avail_idx(&t, 0);
	tq_publish(&t, head);
	cr_assert_eq(vring_back_init(&q, t.ring, t.bytes, &pool, QSIZE,
				     ALL_FEATURES, 0),
		     0);
	vring_back_resume(&q);
	return vring_back_pop(&q, &c);
}

/* Every segment of c inside the pool; its bytes read through. */
static void touch_chain(void)
{
	static uint8_t sink[PAGES * VRING_POOL_PAGE];

	for (unsigned int i = 0; i < c.nread + c.nwrite; i++)
		cr_assert(
			vring_pool_contains(&pool, c.seg[i].off, c.seg[i].len),
			"segment %u at %#llx length %u handed out", i,
			(unsigned long long)c.seg[i].off, c.seg[i].len);
	vring_chain_read(&q, &c, 0, sink, sizeof(sink));
}

/*
 * Pops `head` again and again while the flipper runs; each popped chain
 * goes to expect(). Both outcomes must have happened, or the race never
 * took place and the case proved nothing.
 */
static void race(uint16_t head, void (*expect)(void))
{
	long long begin = now_ns();
	unsigned long ok = 0, refused = 0, rounds;

	start();
	for (rounds = 0; racing(begin, rounds, ok && refused); rounds++) {
		int r = pop_fresh(head);

		if (r == 1) {
			touch_chain();
			expect();
			ok++;
		} else {
			cr_assert_eq(r, -EPROTO);
			refused++;
		}
	}
	finish();
	cr_assert(ok && refused,
		  "the race did not happen: %lu popped, %lu refused in %lu "
		  "rounds",
		  ok, refused, rounds);
}

TestSuite(vring_race, .init = setup, .fini = teardown, .timeout = 10);

static void expect_one_end_seg(void)
{
	cr_assert_eq(c.nread + c.nwrite, 1);
	cr_assert_eq(c.seg[0].off, POOL_END - 16);
	cr_assert_eq(c.seg[0].len, 16, "length %#x was never checked",
		     c.seg[0].len);
	cr_assert_eq(c.read_bytes, 16);
}

Test(vring_race, descriptor_length_flips_during_the_pop)
{
	/* 16 bytes at the pool's very end: any other length overruns it. */
	tq_desc(&t, 0, POOL_END - 16, 16, 0, 0);
	flip(rdesc(0, 8), 4, 16, 0xffffffffu);
	race(0, expect_one_end_seg);
}

static void expect_seg_at_zero(void)
{
	cr_assert_eq(c.nread + c.nwrite, 1);
	cr_assert_eq(c.seg[0].off, 0, "offset %#llx was never checked",
		     (unsigned long long)c.seg[0].off);
	cr_assert_eq(c.seg[0].len, 16);
}

Test(vring_race, descriptor_address_flips_during_the_pop)
{
	tq_desc(&t, 0, 0, 16, 0, 0);
	flip(rdesc(0, 0), 8, 0, FAR);
	race(0, expect_seg_at_zero);
}

static void expect_two_segs(void)
{
	cr_assert_eq(c.nread + c.nwrite, 2);
	cr_assert_eq(c.seg[0].off, 0);
	cr_assert_eq(c.seg[1].off, 64, "next was not the checked 1");
	cr_assert_eq(c.seg[1].len, 32);
}

Test(vring_race, descriptor_next_flips_during_the_pop)
{
	tq_desc(&t, 0, 0, 16, N, 1);
	tq_desc(&t, 1, 64, 32, 0, 0);
	flip(rdesc(0, 14), 2, 1, 200);
	race(0, expect_two_segs);
}

static void expect_end_then_maybe_one(void)
{
	cr_assert_eq(c.seg[0].off, POOL_END - 16);
	cr_assert_eq(c.seg[0].len, 16, "length %#x was never checked",
		     c.seg[0].len);
	if (c.nread + c.nwrite == 1)
		return;
	cr_assert_eq(c.nread + c.nwrite, 2);
	cr_assert_eq(c.seg[1].off, 64);
	cr_assert_eq(c.seg[1].len, 32);
}

Test(vring_race, descriptor_flags_and_length_flip_together)
{
	/* NEXT on and off, and the length: every mix the checks allow. */
	tq_desc(&t, 0, POOL_END - 16, 16, 0, 1);
	tq_desc(&t, 1, 64, 32, 0, 0);
	flip(rdesc(0, 8), 4, 16, 0xffffffffu);
	flip(rdesc(0, 12), 2, 0, N);
	race(0, expect_end_then_maybe_one);
}

/* The indirect table at pool offset 4096: entry 0, then entry 1. */
#define TABLE 4096u

static void expect_indirect_pair(void)
{
	cr_assert_eq(c.nread + c.nwrite, 2);
	cr_assert_eq(c.seg[0].off, POOL_END - 16);
	cr_assert_eq(c.seg[0].len, 16, "entry length %#x was never checked",
		     c.seg[0].len);
	cr_assert_eq(c.seg[1].off, 0, "entry offset %#llx was never checked",
		     (unsigned long long)c.seg[1].off);
	cr_assert_eq(c.seg[1].len, 8);
}

Test(vring_race, indirect_entries_flip_during_the_walk)
{
	tpool_desc(&pool, TABLE, POOL_END - 16, 16, N, 1);
	tpool_desc(&pool, TABLE + 16, 0, 8, 0, 0);
	tq_desc(&t, 0, TABLE, 32, I, 0);
	flip(pdesc(TABLE, 8), 4, 16, 0xffffffffu);
	flip(pdesc(TABLE, 14), 2, 1, 200);
	flip(pdesc(TABLE + 16, 0), 8, 0, FAR);
	race(0, expect_indirect_pair);
}

Test(vring_race, indirect_table_length_flips_during_the_pop)
{
	/* Two entries, or a table far past the pool and the queue. */
	tpool_desc(&pool, TABLE, POOL_END - 16, 16, N, 1);
	tpool_desc(&pool, TABLE + 16, 0, 8, 0, 0);
	tq_desc(&t, 0, TABLE, 32, I, 0);
	flip(rdesc(0, 8), 4, 32, 0xffffffe0u);
	race(0, expect_indirect_pair);
}

/*
 * A block write of 512 bytes at sector 8 of a 1024-sector disk. The
 * guest flips the header's sector past the disk and its type to one
 * unknown: a request carried out must be the write it checked.
 */
static const struct blk_limits disk = { .capacity = 1024, .align = 512 };

Test(vring_race, block_header_flips_during_the_parse)
{
	struct pt_virtio_blk_req_hdr h = { .type = PT_VIRTIO_BLK_T_OUT,
					   .sector = 8 };
	long long begin = now_ns();
	unsigned long pending = 0, refused = 0, rounds;
	struct blk_req r;

	vring_pool_write(&pool, 0, &h, sizeof(h));
	tq_desc(&t, 0, 0, 16, N, 1);
	tq_desc(&t, 1, 512, 512, N, 2);
	tq_desc(&t, 2, 100, 1, W, 0);
	flip(pdesc(8, 0), 8, 8, 8 + FAR);
	flip(pdesc(0, 0), 4, PT_VIRTIO_BLK_T_OUT, 0x80000001u);
	start();
	for (rounds = 0; racing(begin, rounds, pending && refused); rounds++) {
		cr_assert_eq(pop_fresh(0), 1, "%s", q.why);
		blk_req_parse(&q, &c, &disk, &r);
		if (r.status != BLK_S_PENDING) {
			refused++;
			continue;
		}
		pending++;
		cr_assert_eq(r.type, PT_VIRTIO_BLK_T_OUT,
			     "type %#x was never checked", r.type);
		cr_assert_eq(r.sector, 8, "sector %#llx was never checked",
			     (unsigned long long)r.sector);
		cr_assert_eq(r.ndata, 1);
		cr_assert_eq(r.bytes, 512);
	}
	finish();
	cr_assert(pending && refused,
		  "the race did not happen: %lu pending, %lu refused in %lu "
		  "rounds",
		  pending, refused, rounds);
}

/*
 * A discard or write-zeroes of two ranges; the guest flips the second
 * one. Its sector takes 8 or 0xffffffffffffff08 (the low byte is the
 * same, so any mix other than 8 is at least 0xff08, past the disk, and
 * the second overflows sector + count); its num_sectors 16 or 0xff000010
 * (one byte differs: over the maximum, and overflowing); its flags 0 or
 * a bit no type has. Carried out, the request must hold what was checked.
 */
static const struct blk_limits ranged = {
	.capacity = 1024,
	.align = 512,
	.features = PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_DISCARD) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_WRITE_ZEROES),
};

static void race_ranges(uint32_t type)
{
	struct pt_virtio_blk_req_hdr h = { .type = type };
	struct pt_virtio_blk_discard_wz g[2] = {
		{ .sector = 100, .num_sectors = 8 },
		{ .sector = 8, .num_sectors = 16 },
	};
	long long begin = now_ns();
	unsigned long pending = 0, refused = 0, rounds;
	struct blk_req r;

	vring_pool_write(&pool, 0, &h, sizeof(h));
	vring_pool_write(&pool, 512, g, sizeof(g));
	tq_desc(&t, 0, 0, 16, N, 1);
	tq_desc(&t, 1, 512, sizeof(g), N, 2);
	tq_desc(&t, 2, 100, 1, W, 0);
	flip(pdesc(512 + 16, 0), 8, 8, 0xffffffffffffff08ull);
	flip(pdesc(512 + 16, 8), 4, 16, 0xff000010u);
	flip(pdesc(512 + 16, 12), 4, 0, 0x80000000u);
	start();
	for (rounds = 0; racing(begin, rounds, pending && refused); rounds++) {
		cr_assert_eq(pop_fresh(0), 1, "%s", q.why);
		blk_req_parse(&q, &c, &ranged, &r);
		if (r.status != BLK_S_PENDING) {
			refused++;
			continue;
		}
		pending++;
		cr_assert_eq(r.type, type);
		cr_assert_eq(r.nranges, 2);
		cr_assert_eq(r.range[0].sector, 100);
		cr_assert_eq(r.range[0].num_sectors, 8);
		cr_assert_eq(r.range[1].sector, 8,
			     "sector %#llx was never checked",
			     (unsigned long long)r.range[1].sector);
		cr_assert_eq(r.range[1].num_sectors, 16,
			     "num_sectors %#x was never checked",
			     r.range[1].num_sectors);
		cr_assert_eq(r.range[1].flags, 0,
			     "flags %#x were never checked", r.range[1].flags);
	}
	finish();
	cr_assert(pending && refused,
		  "the race did not happen: %lu pending, %lu refused in %lu "
		  "rounds",
		  pending, refused, rounds);
}

Test(vring_race, discard_ranges_flip_during_the_parse)
{
	race_ranges(PT_VIRTIO_BLK_T_DISCARD);
}

Test(vring_race, write_zeroes_ranges_flip_during_the_parse)
{
	race_ranges(PT_VIRTIO_BLK_T_WRITE_ZEROES);
}
