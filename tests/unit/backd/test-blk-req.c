// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of virtio-blk request parsing: every bad request, one table. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "blk-req.h"
#include "blk-test-util.h"

#define QSIZE 64
#define CAP 1000u /* sectors */

static struct tq t;
static struct vring_pool pool;
static uint8_t *mem;
static struct vring_back q;
static struct vring_chain c;
static struct blk_limits lim;
static struct blk_req r;

static void setup(void)
{
	tq_init(&t, QSIZE);
	mem = tpool_init_contig(&pool, 64);
	cr_assert_eq(vring_back_init(&q, t.ring, t.bytes, &pool, QSIZE,
				     BLK_ALL_FEATURES, 0),
		     0);
	lim = (struct blk_limits){ .capacity = CAP,
				   .align = 512,
				   .ro = 0,
				   .features = BLK_ALL_FEATURES };
}

static void teardown(void)
{
	tq_free(&t);
	free(mem);
}

/* Offers segs as one chain, pops it (the ring accepts it) and parses. */
static const struct blk_req *parse(const struct tseg *segs, unsigned int n)
{
	tb_chain(&t, 0, segs, n);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "ring refused: %s", q.why);
	blk_req_parse(&q, &c, &lim, &r);
	cr_assert_eq(vring_back_push(&q, c.head, 0), 0);
	return &r;
}

#define HDR              \
	{                \
		0, 16, 0 \
	}
#define ST               \
	{                \
		16, 1, 1 \
	}
#define D(n)                 \
	{                    \
		4096, (n), 0 \
	}
#define W(n)                 \
	{                    \
		4096, (n), 1 \
	}

struct req_case {
	const char *name;
	uint32_t type;
	uint64_t sector;
	struct tseg segs[8];
	unsigned int n;
	uint8_t status;	 /* expected */
	const char *why; /* a part of the expected reason, or NULL */
};

static const struct req_case cases[] = {
	{ "read",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { HDR, W(4096), ST },
	  3,
	  BLK_S_PENDING,
	  NULL },
	{ "write",
	  PT_VIRTIO_BLK_T_OUT,
	  5,
	  { HDR, D(512), ST },
	  3,
	  BLK_S_PENDING,
	  NULL },
	{ "header of 8 bytes",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { { 0, 8, 0 }, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "header" },
	{ "header of 32 bytes",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { { 0, 32, 0 }, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "header" },
	{ "header writable",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { { 0, 16, 1 }, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "header" },
	{ "read with device-readable data",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { HDR, D(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "device-readable" },
	{ "write with device-writable data",
	  PT_VIRTIO_BLK_T_OUT,
	  0,
	  { HDR, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "device-writable" },
	{ "read without data",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { HDR, ST },
	  2,
	  PT_VIRTIO_BLK_S_IOERR,
	  "no data" },
	{ "write without data",
	  PT_VIRTIO_BLK_T_OUT,
	  0,
	  { HDR, ST },
	  2,
	  PT_VIRTIO_BLK_S_IOERR,
	  "no data" },
	{ "part of a sector",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { HDR, W(100), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "whole number of sectors" },
	{ "segment over size-max",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { HDR, W(BLK_SIZE_MAX + 512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "size-max" },
	{ "segment of size-max",
	  PT_VIRTIO_BLK_T_IN,
	  0,
	  { HDR, W(BLK_SIZE_MAX), ST },
	  3,
	  BLK_S_PENDING,
	  NULL },
	{ "one sector beyond the end",
	  PT_VIRTIO_BLK_T_IN,
	  CAP - 1,
	  { HDR, W(1024), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "beyond the end" },
	{ "up to the end",
	  PT_VIRTIO_BLK_T_IN,
	  CAP - 2,
	  { HDR, W(1024), ST },
	  3,
	  BLK_S_PENDING,
	  NULL },
	{ "starting at the end",
	  PT_VIRTIO_BLK_T_OUT,
	  CAP,
	  { HDR, D(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "beyond the end" },
	{ "sector near 2^64 (wraps if added)",
	  PT_VIRTIO_BLK_T_IN,
	  UINT64_MAX - 1,
	  { HDR, W(1024), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "beyond the end" },
	{ "sector 2^55 (byte offset wraps)",
	  PT_VIRTIO_BLK_T_IN,
	  1ull << 55,
	  { HDR, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "beyond the end" },
	{ "flush",
	  PT_VIRTIO_BLK_T_FLUSH,
	  0,
	  { HDR, ST },
	  2,
	  BLK_S_PENDING,
	  NULL },
	{ "flush with data",
	  PT_VIRTIO_BLK_T_FLUSH,
	  0,
	  { HDR, D(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "carries data" },
	{ "flush with writable data",
	  PT_VIRTIO_BLK_T_FLUSH,
	  0,
	  { HDR, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "carries data" },
	{ "get-id",
	  PT_VIRTIO_BLK_T_GET_ID,
	  0,
	  { HDR, W(20), ST },
	  3,
	  BLK_S_PENDING,
	  NULL },
	{ "get-id with readable data",
	  PT_VIRTIO_BLK_T_GET_ID,
	  0,
	  { HDR, D(20), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "device-readable" },
	{ "get-id without data",
	  PT_VIRTIO_BLK_T_GET_ID,
	  0,
	  { HDR, ST },
	  2,
	  PT_VIRTIO_BLK_S_IOERR,
	  "no data" },
	{ "unknown type",
	  99,
	  0,
	  { HDR, ST },
	  2,
	  PT_VIRTIO_BLK_S_UNSUPP,
	  "unknown" },
	{ "unknown type with data",
	  7,
	  0,
	  { HDR, W(512), ST },
	  3,
	  PT_VIRTIO_BLK_S_UNSUPP,
	  "unknown" },
	{ "discard ranges writable",
	  PT_VIRTIO_BLK_T_DISCARD,
	  0,
	  { HDR, W(16), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "device-readable" },
	{ "discard ranges of 15 bytes",
	  PT_VIRTIO_BLK_T_DISCARD,
	  0,
	  { HDR, D(15), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "multiple of 16" },
	{ "discard without ranges",
	  PT_VIRTIO_BLK_T_DISCARD,
	  0,
	  { HDR, ST },
	  2,
	  PT_VIRTIO_BLK_S_IOERR,
	  "multiple of 16" },
	{ "discard of 17 ranges",
	  PT_VIRTIO_BLK_T_DISCARD,
	  0,
	  { HDR, D(16 * 17), ST },
	  3,
	  PT_VIRTIO_BLK_S_IOERR,
	  "more ranges" },
};

static void check(const struct req_case *k, const struct blk_req *got)
{
	cr_assert_eq(got->status, k->status, "%s: status %u, expected %u (%s)",
		     k->name, got->status, k->status,
		     got->why ? got->why : "-");
	cr_assert(got->has_status, "%s: the status byte was not found",
		  k->name);
	cr_assert_eq(got->status_off, 16, "%s", k->name);
	if (k->why)
		cr_assert(got->why && strstr(got->why, k->why),
			  "%s: reason '%s', expected '%s'", k->name,
			  got->why ? got->why : "(none)", k->why);
	else
		cr_assert_null(got->why, "%s: %s", k->name, got->why);
}

TestSuite(blk_req, .init = setup, .fini = teardown);

Test(blk_req, the_table)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct req_case *k = &cases[i];

		tb_hdr(&pool, 0, k->type, k->sector);
		/* All-zero ranges: valid ones, where a case has ranges. */
		memset(mem + 4096, 0, 16 * 17);
		check(k, parse(k->segs, k->n));
	}
}

Test(blk_req, parsed_fields)
{
	struct tseg s[] = { HDR, { 8192, 512, 1 }, { 4096, 1024, 1 }, ST };

	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 7);
	parse(s, 4);
	cr_assert_eq(r.status, BLK_S_PENDING);
	cr_assert_eq(r.type, PT_VIRTIO_BLK_T_IN);
	cr_assert_eq(r.sector, 7);
	cr_assert_eq(r.ndata, 2);
	cr_assert_eq(r.data[0].off, 8192);
	cr_assert_eq(r.data[1].len, 1024);
	cr_assert_eq(r.bytes, 1536);
}

Test(blk_req, no_status_byte)
{
	struct tseg last_readable[] = { HDR, D(512) };
	struct tseg two_bytes[] = { HDR, D(512), { 16, 2, 1 } };
	struct tseg status_only[] = { { 16, 1, 1 } };

	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_OUT, 0);
	parse(last_readable, 2);
	cr_assert_eq(r.has_status, 0);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	cr_assert(strstr(r.why, "status byte"));
	parse(two_bytes, 3);
	cr_assert_eq(r.has_status, 0);
	/* Only a status byte, no header: answered IOERR in that byte. */
	parse(status_only, 1);
	cr_assert_eq(r.has_status, 1);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
}

Test(blk_req, seg_max_data_segments)
{
	struct tseg s[BLK_SEG_MAX + 3];
	unsigned int i;

	s[0] = (struct tseg)HDR;
	for (i = 0; i < BLK_SEG_MAX + 1; i++)
		s[1 + i] = (struct tseg){ 4096 + 512u * i, 512, 1 };
	s[BLK_SEG_MAX + 2] = (struct tseg)ST;
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 0);
	/* seg-max + 1 data segments: refused, the ring itself is fine. */
	parse(s, BLK_SEG_MAX + 3);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	cr_assert(strstr(r.why, "seg-max"));
	/* seg-max of them: accepted. */
	s[BLK_SEG_MAX + 1] = (struct tseg)ST;
	parse(s, BLK_SEG_MAX + 2);
	cr_assert_eq(r.status, BLK_S_PENDING, "%s", r.why);
	cr_assert_eq(r.ndata, BLK_SEG_MAX);
}

Test(blk_req, zero_length_segment_breaks_the_ring)
{
	struct tseg s[] = { HDR, { 4096, 0, 1 }, ST };

	tb_chain(&t, 0, s, 3);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), -EPROTO);
	cr_assert(strstr(q.why, "length 0"), "%s", q.why);
}

Test(blk_req, read_only_disk)
{
	struct tseg w[] = { HDR, D(512), ST }, rd[] = { HDR, W(512), ST };
	struct tseg fl[] = { HDR, ST }, rg[] = { HDR, D(16), ST };

	lim.ro = 1;
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_OUT, 0);
	parse(w, 3);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	cr_assert(strstr(r.why, "read-only"));
	tb_range(&pool, 4096, 0, 8, 0);
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_DISCARD, 0);
	parse(rg, 3);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	cr_assert(strstr(r.why, "read-only"));
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_WRITE_ZEROES, 0);
	parse(rg, 3);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 0);
	parse(rd, 3);
	cr_assert_eq(r.status, BLK_S_PENDING);
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_FLUSH, 0);
	parse(fl, 2);
	cr_assert_eq(r.status, BLK_S_PENDING);
}

/* One range in a DISCARD or WRITE_ZEROES: its status and reason. */
static void range_case(uint32_t type, uint64_t sector, uint32_t num,
		       uint32_t flags, uint8_t status, const char *why)
{
	struct tseg s[] = { HDR, D(16), ST };

	tb_hdr(&pool, 0, type, 0);
	tb_range(&pool, 4096, sector, num, flags);
	parse(s, 3);
	cr_assert_eq(r.status, status, "%s %llu+%u flags %u: %u (%s)",
		     blk_type_name(type), (unsigned long long)sector, num,
		     flags, r.status, r.why ? r.why : "-");
	if (why)
		cr_assert(r.why && strstr(r.why, why), "%s", r.why);
}

Test(blk_req, discard_and_write_zeroes_ranges)
{
	uint32_t dc = PT_VIRTIO_BLK_T_DISCARD,
		 wz = PT_VIRTIO_BLK_T_WRITE_ZEROES;

	range_case(dc, 10, 8, 0, BLK_S_PENDING, NULL);
	cr_assert_eq(r.nranges, 1);
	cr_assert_eq(r.range[0].sector, 10);
	cr_assert_eq(r.range[0].num_sectors, 8);
	range_case(dc, 10, 8, PT_VIRTIO_BLK_WZ_F_UNMAP, PT_VIRTIO_BLK_S_UNSUPP,
		   "flags");
	range_case(wz, 10, 8, PT_VIRTIO_BLK_WZ_F_UNMAP, BLK_S_PENDING, NULL);
	range_case(wz, 10, 8, 2, PT_VIRTIO_BLK_S_UNSUPP, "flags");
	range_case(dc, CAP - 1, 2, 0, PT_VIRTIO_BLK_S_IOERR, "beyond the end");
	range_case(wz, CAP - 2, 2, 0, BLK_S_PENDING, NULL);
	range_case(wz, UINT64_MAX, 1, 0, PT_VIRTIO_BLK_S_IOERR,
		   "beyond the end");
	range_case(dc, 0, BLK_MAX_DISCARD + 1, 0, PT_VIRTIO_BLK_S_IOERR,
		   "maximum");
	range_case(wz, 0, BLK_MAX_WRITE_ZEROES + 1, 0, PT_VIRTIO_BLK_S_IOERR,
		   "maximum");
	/* A range of no sectors: nothing to do, not an error. */
	range_case(dc, 0, 0, 0, BLK_S_PENDING, NULL);
}

Test(blk_req, ranges_are_copied_once)
{
	struct tseg s[] = { HDR, D(32), ST };

	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_WRITE_ZEROES, 0);
	tb_range(&pool, 4096, 1, 2, 0);
	tb_range(&pool, 4096 + 16, 100, 4, PT_VIRTIO_BLK_WZ_F_UNMAP);
	parse(s, 3);
	cr_assert_eq(r.status, BLK_S_PENDING, "%s", r.why);
	cr_assert_eq(r.nranges, 2);
	/* The guest changes its ranges after the check: ours stay checked. */
	tb_range(&pool, 4096 + 16, UINT64_MAX, 4, 0);
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 0);
	cr_assert_eq(r.range[1].sector, 100);
	cr_assert_eq(r.range[1].flags, PT_VIRTIO_BLK_WZ_F_UNMAP);
	cr_assert_eq(r.type, PT_VIRTIO_BLK_T_WRITE_ZEROES);
}

Test(blk_req, features_not_negotiated)
{
	lim.features = ALL_FEATURES;
	range_case(PT_VIRTIO_BLK_T_DISCARD, 0, 8, 0, PT_VIRTIO_BLK_S_UNSUPP,
		   "not negotiated");
	range_case(PT_VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0,
		   PT_VIRTIO_BLK_S_UNSUPP, "not negotiated");
}

Test(blk_req, block_size_alignment)
{
	struct tseg s4k[] = { HDR, W(4096), ST }, s512[] = { HDR, W(512), ST };

	lim.align = 4096;
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 1);
	parse(s4k, 3);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	cr_assert(strstr(r.why, "aligned"));
	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 8);
	parse(s512, 3);
	cr_assert_eq(r.status, PT_VIRTIO_BLK_S_IOERR);
	parse(s4k, 3);
	cr_assert_eq(r.status, BLK_S_PENDING);
	range_case(PT_VIRTIO_BLK_T_WRITE_ZEROES, 8, 1, 0, PT_VIRTIO_BLK_S_IOERR,
		   "aligned");
	/* Discards need no alignment: holes are punched by the sector. */
	range_case(PT_VIRTIO_BLK_T_DISCARD, 3, 1, 0, BLK_S_PENDING, NULL);
}

Test(blk_req, indirect_request)
{
	struct tseg s[] = { HDR, W(512), W(512), ST };

	tb_hdr(&pool, 0, PT_VIRTIO_BLK_T_IN, 4);
	tb_indirect(&t, &pool, 5, 65536, s, 4);
	tq_publish(&t, 5);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	blk_req_parse(&q, &c, &lim, &r);
	cr_assert_eq(r.status, BLK_S_PENDING, "%s", r.why);
	cr_assert_eq(r.ndata, 2);
	cr_assert_eq(r.bytes, 1024);
}
