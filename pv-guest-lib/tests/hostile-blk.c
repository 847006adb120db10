// SPDX-License-Identifier: MIT
/*
 * The hostile front-end's block cases, on block/0: it connects like any
 * guest, then sends chains the library would never build, and reports
 * what the back-end answered ("RESULT hostile-<case> DONE answered IOERR
 * ..."), or FAIL where an answer shows the back-end did what it must
 * not. Whether partita-backd, the store and the other guests carried on
 * is the root test's to check. Cases (secs=N for the flood, default 5):
 *   blk-outside-pool  a read whose data descriptor ends past the pool
 *                     (FAIL if answered OK)
 *   blk-zero-len      a read with a zero-length data segment; a header of
 *                     zero bytes
 *   blk-beyond-end    reads and a write at and across the disk's end and
 *                     at sector 2^63 (FAIL if any is answered OK)
 *   blk-ro-write      a write (and a discard) to a read-only disk: FAIL
 *                     unless answered IOERR (UNSUPP also for the discard)
 *   blk-seg-max       a read of seg-max + 1 data segments (indirect):
 *                     FAIL unless answered IOERR (a request too long
 *                     to serve, not a broken ring)
 *   blk-bad-type      request type 0x7fff (FAIL if answered OK)
 *   blk-no-status     the status descriptor not device-writable (FAIL if
 *                     the back-end wrote into it anyway)
 *   blk-event-flood   events on the port as fast as they go, then a read
 */
#include <partita-guest/guest.h>
#include <partita-guest/vblk.h>

#include "fmt.h"
#include "hostile.h"
#include "string.h"

#define RQ PT_VIRTIO_BLK_REQUEST_QUEUE
#define ANSWER_NS (10 * HOSTILE_SEC)
#define UNWRITTEN 0xEEu
#define W PT_VRING_DESC_F_WRITE

static struct pt_vblk blk;
static uint32_t meta; /* header at +0, status at +16, range at +32 */

static struct pt_vdev *dev(void)
{
	return &blk.front.dev;
}

static uint8_t *pool(uint32_t off)
{
	return pt_vpool_ptr(&dev()->pool, off);
}

static uint32_t pool_buf(uint32_t len)
{
	uint32_t off = 0;

	if (pt_vpool_alloc_aligned(&dev()->pool, len, 64, &off))
		pt_panic("hostile-blk: pool full");
	memset(pool(off), 'x', len);
	return off;
}

static void header(uint32_t type, uint64_t sector)
{
	struct pt_virtio_blk_req_hdr h = { type, 0, sector };

	memcpy(pool(meta), &h, sizeof(h));
	pool(meta)[16] = UNWRITTEN;
}

/* What came back for the last request, as words a root test greps. */
static const char *answer(const struct hostile_used *u, char *buf, unsigned cap)
{
	uint8_t s = pool(meta)[16];

	if (!u->answered) {
		char says[128];

		hostile_backend_says(&blk.front.xb, says, sizeof(says));
		fmt_snprintf(buf, cap, "no answer (%s)", says);
	} else if (s == PT_VIRTIO_BLK_S_OK) {
		fmt_snprintf(buf, cap, "answered OK");
	} else if (s == PT_VIRTIO_BLK_S_IOERR) {
		fmt_snprintf(buf, cap, "answered IOERR");
	} else if (s == PT_VIRTIO_BLK_S_UNSUPP) {
		fmt_snprintf(buf, cap, "answered UNSUPP");
	} else {
		fmt_snprintf(buf, cap, "answered status 0x%02x", s);
	}
	return buf;
}

static int answered_ok(const struct hostile_used *u)
{
	return u->answered && pool(meta)[16] == PT_VIRTIO_BLK_S_OK;
}

/* header, one data segment, status: the usual three descriptors. */
static void simple(uint32_t type, uint64_t sector, uint32_t data, uint32_t len,
		   uint16_t dflags, struct hostile_used *u)
{
	struct hostile_seg s[3] = {
		{ meta, 16, 0 },
		{ data, len, dflags },
		{ meta + 16, 1, W },
	};

	header(type, sector);
	hostile_chain(dev(), RQ, s, 3, ANSWER_NS, u);
}

static void outside_pool(void)
{
	struct hostile_used u;
	char a[160];
	uint32_t end = dev()->pool.bytes;

	simple(PT_VIRTIO_BLK_T_IN, 0, end - 256u, 512, W, &u);
	if (answered_ok(&u))
		hostile_fail("a read into pool bytes %u..%u of %u %s",
			     end - 256, end + 256, end,
			     answer(&u, a, sizeof(a)));
	else
		hostile_done("read into pool bytes %u..%u of %u: %s", end - 256,
			     end + 256, end, answer(&u, a, sizeof(a)));
}

static void zero_len(void)
{
	uint32_t data = pool_buf(512);
	struct hostile_seg s[4] = {
		{ meta, 16, 0 },
		{ data, 0, W },
		{ data, 512, W },
		{ meta + 16, 1, W },
	};
	struct hostile_seg h[2] = { { meta, 0, 0 }, { meta + 16, 1, W } };
	struct hostile_used u;
	char a[160], b[160];

	header(PT_VIRTIO_BLK_T_IN, 0);
	hostile_chain(dev(), RQ, s, 4, ANSWER_NS, &u);
	answer(&u, a, sizeof(a));
	header(PT_VIRTIO_BLK_T_IN, 0);
	hostile_chain(dev(), RQ, h, 2, ANSWER_NS, &u);
	hostile_done("zero-length data segment: %s; zero-length header: %s", a,
		     answer(&u, b, sizeof(b)));
}

static void beyond_end(void)
{
	const struct pt_vblk_info *in = pt_vblk_info(&blk);
	uint64_t cap = in->capacity;
	uint32_t data = pool_buf(1024);
	struct {
		const char *what;
		uint32_t type;
		uint64_t sector;
		uint32_t len;
	} t[] = {
		{ "read at the end", PT_VIRTIO_BLK_T_IN, cap, 512 },
		{ "read across the end", PT_VIRTIO_BLK_T_IN, cap - 1, 1024 },
		{ "write across the end", PT_VIRTIO_BLK_T_OUT, cap - 1, 1024 },
		{ "read at sector 2^63", PT_VIRTIO_BLK_T_IN, 1ull << 63, 512 },
	};
	char line[400] = "", a[160];
	int bad = 0;

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hostile_used u;
		size_t n = strlen(line);

		simple(t[i].type, t[i].sector, data, t[i].len,
		       t[i].type == PT_VIRTIO_BLK_T_IN ? W : 0, &u);
		bad |= answered_ok(&u);
		fmt_snprintf(line + n, sizeof(line) - n, "%s%s: %s",
			     i ? "; " : "", t[i].what,
			     answer(&u, a, sizeof(a)));
	}
	if (bad)
		hostile_fail("capacity %llu: %s", (unsigned long long)cap,
			     line);
	else
		hostile_done("capacity %llu: %s", (unsigned long long)cap,
			     line);
}

static void ro_write(void)
{
	uint32_t data = pool_buf(512);
	struct hostile_used u;
	char a[160], b[160] = "not negotiated";
	int ok;

	if (!pt_vblk_info(&blk)->read_only) {
		hostile_fail("block/0 is not read-only: give this case a "
			     "readonly disk");
		return;
	}
	simple(PT_VIRTIO_BLK_T_OUT, 0, data, 512, 0, &u);
	ok = u.answered && pool(meta)[16] == PT_VIRTIO_BLK_S_IOERR;
	answer(&u, a, sizeof(a));
	if (pt_vblk_info(&blk)->discard) {
		struct pt_virtio_blk_discard_wz r = { 0, 1, 0 };
		struct hostile_seg s[3] = {
			{ meta, 16, 0 },
			{ meta + 32, 16, 0 },
			{ meta + 16, 1, W },
		};

		header(PT_VIRTIO_BLK_T_DISCARD, 0);
		memcpy(pool(meta + 32), &r, sizeof(r));
		hostile_chain(dev(), RQ, s, 3, ANSWER_NS, &u);
		ok &= u.answered && (pool(meta)[16] == PT_VIRTIO_BLK_S_IOERR ||
				     pool(meta)[16] == PT_VIRTIO_BLK_S_UNSUPP);
		answer(&u, b, sizeof(b));
	}
	if (ok)
		hostile_done("write to a read-only disk: %s; discard: %s", a,
			     b);
	else
		hostile_fail("write to a read-only disk: %s; discard: %s "
			     "(expected IOERR)",
			     a, b);
}

static void seg_max(void)
{
	static struct hostile_seg s[PT_VIRTQ_SIZE_MAX + 2];
	uint32_t limit = pt_vblk_info(&blk)->seg_max;
	uint32_t n = limit + 1u, data, table;
	struct hostile_used u;
	char a[160];

	/* Without SEG_MAX, or with one the queue is shorter than, the
	 * chain is longer than the queue instead (backd offers SEG_MAX;
	 * IOERR is the answer required either way). */
	if (!limit || limit >= PT_VIRTQ_SIZE_MAX)
		n = PT_VIRTQ_SIZE_MAX;
	data = pool_buf(n * 512u);
	table = pool_buf((n + 2u) * 16u);
	s[0] = (struct hostile_seg){ meta, 16, 0 };
	for (uint32_t i = 0; i < n; i++)
		s[1 + i] = (struct hostile_seg){ data + i * 512u, 512, W };
	s[n + 1] = (struct hostile_seg){ meta + 16, 1, W };
	header(PT_VIRTIO_BLK_T_IN, 0);
	hostile_chain_indirect(dev(), RQ, s, n + 2, table, ANSWER_NS, &u);
	answer(&u, a, sizeof(a));
	if (u.answered && pool(meta)[16] == PT_VIRTIO_BLK_S_IOERR)
		hostile_done("read of %u data segments, seg-max %u, queue "
			     "size %u: %s",
			     n, limit, dev()->vq[RQ].size, a);
	else
		hostile_fail("read of %u data segments, seg-max %u, queue "
			     "size %u: %s (expected IOERR)",
			     n, limit, dev()->vq[RQ].size, a);
}

static void bad_type(void)
{
	uint32_t data = pool_buf(512);
	struct hostile_used u;
	char a[160];

	simple(0x7fffu, 0, data, 512, W, &u);
	if (answered_ok(&u))
		hostile_fail("request type 0x7fff: %s (expected UNSUPP)",
			     answer(&u, a, sizeof(a)));
	else
		hostile_done("request type 0x7fff: %s",
			     answer(&u, a, sizeof(a)));
}

static void no_status(void)
{
	uint32_t data = pool_buf(512);
	struct hostile_seg s[3] = {
		{ meta, 16, 0 },
		{ data, 512, W },
		{ meta + 16, 1, 0 }, /* device-readable: it may not write */
	};
	struct hostile_used u;
	char says[128];

	header(PT_VIRTIO_BLK_T_IN, 0);
	hostile_chain(dev(), RQ, s, 3, ANSWER_NS, &u);
	hostile_backend_says(&blk.front.xb, says, sizeof(says));
	if (pool(meta)[16] != UNWRITTEN)
		hostile_fail("the back-end wrote 0x%02x into a read-only "
			     "status descriptor (%s)",
			     pool(meta)[16], says);
	else
		hostile_done("read-only status descriptor left alone, %s; %s",
			     u.answered ? "answered" : "no answer", says);
}

static void event_flood(void)
{
	uint64_t secs = pt_cmdline_u64("secs", 5), sends;
	static uint8_t buf[65536];
	int ret;

	sends = hostile_event_flood(dev(), secs);
	/* One logical block, whatever the disk's block size. */
	ret = pt_vblk_read(&blk, 0, buf, pt_vblk_info(&blk)->blk_size);
	hostile_done("%llu events in %llu s, then a read: %s",
		     (unsigned long long)sends, (unsigned long long)secs,
		     ret ? pt_dev_strerror(ret) : "OK");
}

int hostile_blk_case(void)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} cases[] = {
		{ "blk-outside-pool", outside_pool },
		{ "blk-zero-len", zero_len },
		{ "blk-beyond-end", beyond_end },
		{ "blk-ro-write", ro_write },
		{ "blk-seg-max", seg_max },
		{ "blk-bad-type", bad_type },
		{ "blk-no-status", no_status },
		{ "blk-event-flood", event_flood },
	};
	int ret;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(hostile_which, cases[i].name))
			continue;
		ret = pt_vblk_open(&blk, 0, pt_time_ns() + 60 * HOSTILE_SEC);
		if (ret) {
			hostile_fail("block/0: %s (%s)", pt_dev_strerror(ret),
				     blk.front.xb.why);
			return 1;
		}
		hostile_wake_on_stop(dev());
		pt_printf("hostile-front: block/0 connected, capacity %llu, "
			  "port %u\n",
			  (unsigned long long)pt_vblk_info(&blk)->capacity,
			  dev()->port);
		meta = pool_buf(64);
		cases[i].run();
		return 1;
	}
	return 0;
}
