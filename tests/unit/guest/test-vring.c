// SPDX-License-Identifier: MIT
/*
 * The virtqueue driver logic on the host, against a small device model
 * that reads the rings as a back-end would and writes used entries,
 * honest or hostile.
 */
#include <criterion/criterion.h>
#include <partita-guest/virtio.h>

#define QSIZE 8u
#define ALL_FEATURES                                \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC))

static uint8_t ring[2 * 4096] __attribute__((aligned(4096)));
static uint8_t mem[4 * 4096] __attribute__((aligned(4096)));
static struct pt_vpool pool;
static struct pt_vq q;
static uint16_t dev_last_avail; /* the model's consumer index */

static void setup_features(uint64_t features)
{
	memset(ring, 0, sizeof(ring));
	memset(mem, 0, sizeof(mem));
	cr_assert_eq(pt_vpool_init(&pool, mem, sizeof(mem)), 0);
	cr_assert_eq(pt_vq_init(&q, ring, QSIZE, features, &pool), 0);
	dev_last_avail = 0;
}

static void setup(void)
{
	setup_features(ALL_FEATURES);
}

TestSuite(vring, .init = setup);

/* The model's view of one chain: its segments in order. */
struct chain {
	unsigned n;
	struct pt_vring_desc d[64];
	uint16_t head;
	int indirect;
};

/* Pops the next available chain as a careful back-end would. */
static int dev_pop(struct chain *c)
{
	struct pt_vring_layout l = pt_vring_layout(QSIZE);
	struct pt_vring_avail *avail = (void *)(ring + l.avail);
	struct pt_vring_desc *desc = (void *)(ring + l.desc);
	struct pt_vring_desc d;

	if (avail->idx == dev_last_avail)
		return 0;
	c->head = avail->ring[dev_last_avail++ % QSIZE];
	cr_assert_lt(c->head, QSIZE);
	d = desc[c->head];
	c->n = 0;
	c->indirect = !!(d.flags & PT_VRING_DESC_F_INDIRECT);
	if (c->indirect) {
		struct pt_vring_desc *t = (void *)(mem + d.addr);
		unsigned i = 0;

		cr_assert_eq(d.len % 16, 0);
		cr_assert_leq(d.addr + d.len, sizeof(mem));
		for (;;) {
			cr_assert_lt(i, d.len / 16);
			c->d[c->n++] = t[i];
			if (!(t[i].flags & PT_VRING_DESC_F_NEXT))
				break;
			i = t[i].next;
		}
		return 1;
	}
	for (;;) {
		cr_assert_lt(c->n, QSIZE);
		c->d[c->n++] = d;
		if (!(d.flags & PT_VRING_DESC_F_NEXT))
			break;
		cr_assert_lt(d.next, QSIZE);
		d = desc[d.next];
	}
	return 1;
}

/* Writes a used entry and moves used->idx. */
static void dev_push(uint32_t id, uint32_t len)
{
	struct pt_vring_layout l = pt_vring_layout(QSIZE);
	struct pt_vring_used *used = (void *)(ring + l.used);

	used->ring[used->idx % QSIZE].id = id;
	used->ring[used->idx % QSIZE].len = len;
	used->idx++;
}

static uint16_t *avail_event(void)
{
	return (uint16_t *)(ring + pt_vring_layout(QSIZE).avail_event);
}

static uint16_t used_event(void)
{
	return *(uint16_t *)(ring + pt_vring_layout(QSIZE).used_event);
}

static struct pt_vq_seg seg(uint32_t off, uint32_t len)
{
	return (struct pt_vq_seg){ off, len };
}

Test(vring, init_checks_size_and_layout)
{
	struct pt_vq v;

	cr_expect_eq(pt_vq_init(&v, ring, 0, 0, &pool), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vq_init(&v, ring, 6, 0, &pool), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vq_init(&v, ring, 512, 0, &pool), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vq_init(&v, NULL, 8, 0, &pool), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vq_init(&v, ring, 256, ALL_FEATURES, &pool), 0);
	cr_expect_eq(pt_vring_layout(256).pages, 2);
	cr_expect_eq((uint8_t *)v.used - ring, pt_vring_layout(256).used);
	cr_expect_eq(((uint8_t *)v.used - ring) % 64, 0);
	cr_expect_eq(v.num_free, 256);
}

Test(vring, direct_chain_readable_then_writable)
{
	struct pt_vq_seg out[2] = { seg(0, 10), seg(64, 20) };
	struct pt_vq_seg in[1] = { seg(128, 30) };
	struct chain c;

	setup_features(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1));
	cr_assert_eq(pt_vq_add(&q, out, 2, in, 1, (void *)0x11), 0);
	cr_expect_eq(q.num_free, QSIZE - 3);
	cr_expect_eq(q.stats.indirect, 0);
	cr_assert(dev_pop(&c));
	cr_assert_eq(c.n, 3);
	cr_expect_eq(c.d[0].addr, 0);
	cr_expect_eq(c.d[0].len, 10);
	cr_expect_eq(c.d[0].flags, PT_VRING_DESC_F_NEXT);
	cr_expect_eq(c.d[1].addr, 64);
	cr_expect_eq(c.d[1].flags, PT_VRING_DESC_F_NEXT);
	cr_expect_eq(c.d[2].addr, 128);
	cr_expect_eq(c.d[2].len, 30);
	cr_expect_eq(c.d[2].flags, PT_VRING_DESC_F_WRITE);
}

Test(vring, indirect_when_negotiated_and_more_than_one_segment)
{
	struct pt_vq_seg out[1] = { seg(0, 16) };
	struct pt_vq_seg in[3] = { seg(64, 1), seg(128, 2), seg(192, 3) };
	uint32_t before = pt_vpool_free_bytes(&pool);
	struct chain c;
	void *cookie;
	uint32_t len;

	cr_assert_eq(pt_vq_add(&q, out, 1, in, 3, (void *)0x22), 0);
	cr_expect_eq(q.num_free, QSIZE - 1, "one ring descriptor");
	cr_expect_eq(q.stats.indirect, 1);
	cr_expect_lt(pt_vpool_free_bytes(&pool), before, "table from the pool");
	cr_assert(dev_pop(&c));
	cr_expect(c.indirect);
	cr_assert_eq(c.n, 4);
	cr_expect_eq(c.d[0].flags, PT_VRING_DESC_F_NEXT);
	cr_expect_eq(c.d[1].flags,
		     PT_VRING_DESC_F_NEXT | PT_VRING_DESC_F_WRITE);
	cr_expect_eq(c.d[3].flags, PT_VRING_DESC_F_WRITE);
	cr_expect_eq(c.d[3].addr, 192);
	/* A single segment never goes indirect. */
	cr_assert_eq(pt_vq_add(&q, out, 1, NULL, 0, NULL), 0);
	cr_assert(dev_pop(&c));
	cr_expect_not(c.indirect);
	/* Completing the first chain gives its table back. */
	dev_push(0, 6);
	cr_assert_eq(pt_vq_get_used(&q, &cookie, &len), 1);
	cr_expect_eq(cookie, (void *)0x22);
	cr_expect_eq(len, 6);
	cr_expect_eq(pt_vpool_free_bytes(&pool), before);
}

Test(vring, indirect_falls_back_to_direct_when_pool_is_full)
{
	struct pt_vq_seg out[2] = { seg(0, 8), seg(64, 8) };
	uint32_t off;
	struct chain c;

	/* Take the whole pool so there is no room for a table. */
	cr_assert_eq(pt_vpool_alloc(&pool, sizeof(mem), &off), 0);
	cr_assert_eq(pt_vq_add(&q, out, 2, NULL, 0, NULL), 0);
	cr_expect_eq(q.stats.indirect, 0);
	cr_expect_eq(q.num_free, QSIZE - 2);
	cr_assert(dev_pop(&c));
	cr_expect_not(c.indirect);
	cr_expect_eq(c.n, 2);
}

Test(vring, bad_segments_and_chain_lengths_are_refused)
{
	struct pt_vq_seg s[QSIZE + 1];

	for (unsigned i = 0; i <= QSIZE; i++)
		s[i] = seg(i * 64, 8);
	cr_expect_eq(pt_vq_add(&q, NULL, 0, NULL, 0, NULL), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vq_add(&q, s, QSIZE + 1, NULL, 0, NULL), -PT_DEV_EINVAL,
		     "longer than the queue");
	s[0] = seg(0, 0);
	cr_expect_eq(pt_vq_add(&q, s, 1, NULL, 0, NULL), -PT_DEV_EINVAL,
		     "empty segment");
	s[0] = seg(sizeof(mem) - 4, 8);
	cr_expect_eq(pt_vq_add(&q, s, 1, NULL, 0, NULL), -PT_DEV_EINVAL,
		     "beyond the pool");
	s[0] = seg(8, UINT32_MAX);
	cr_expect_eq(pt_vq_add(&q, NULL, 0, s, 1, NULL), -PT_DEV_EINVAL,
		     "wraps");
	cr_expect_eq(q.num_free, QSIZE, "nothing taken");
	cr_expect_eq(q.avail_idx, 0);
}

Test(vring, full_ring_says_again_and_recovers)
{
	struct pt_vq_seg s = seg(0, 8), two[2] = { seg(0, 8), seg(64, 8) };
	struct chain c;
	void *cookie;
	uint32_t len;

	setup_features(0);
	for (unsigned i = 0; i < QSIZE - 1; i++)
		cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_add(&q, two, 2, NULL, 0, NULL), -PT_DEV_EAGAIN,
		     "two descriptors, one free");
	cr_expect_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), -PT_DEV_EAGAIN);
	cr_assert(dev_pop(&c));
	dev_push(c.head, 0);
	cr_assert_eq(pt_vq_get_used(&q, &cookie, &len), 1);
	cr_expect_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
}

Test(vring, many_rounds_keep_the_free_list_whole)
{
	struct pt_vq_seg out[3] = { seg(0, 8), seg(64, 8), seg(128, 8) };
	struct pt_vq_seg in[2] = { seg(192, 8), seg(256, 8) };
	unsigned done = 0;

	setup_features(PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX));
	for (unsigned round = 0; round < 1000; round++) {
		struct chain c;
		void *cookie;
		uint32_t len;
		unsigned nout = 1 + round % 3, nin = round % 3;

		while (pt_vq_add(&q, out, nout, in, nin,
				 (void *)(uintptr_t)(round + 1)) == 0)
			;
		/* Complete in a shuffled order: odd heads first. */
		struct chain all[QSIZE];
		unsigned n = 0;

		while (dev_pop(&all[n]))
			n++;
		for (unsigned k = 0; k < n; k++)
			if (all[k].head % 2)
				dev_push(all[k].head, 8 * nin);
		for (unsigned k = 0; k < n; k++)
			if (!(all[k].head % 2))
				dev_push(all[k].head, 0);
		while (pt_vq_get_used(&q, &cookie, &len) == 1)
			done++;
		cr_assert_null(q.broken, "%s", q.broken);
		cr_assert_eq(q.num_free, QSIZE, "round %u", round);
		cr_assert_eq(pt_vq_in_flight(&q), 0);
		(void)c;
	}
	cr_expect_eq(q.stats.completed, done);
}

Test(vring, used_index_running_ahead_breaks_the_queue)
{
	struct pt_vq_seg s = seg(0, 8);
	void *cookie;
	uint32_t len;

	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	dev_push(0, 0);
	dev_push(0, 0); /* two entries for one chain in flight */
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), -PT_DEV_EBROKEN);
	cr_expect_not_null(q.broken);
	cr_expect_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), -PT_DEV_EBROKEN,
		     "a broken queue stays broken");
}

Test(vring, used_id_out_of_range_breaks_the_queue)
{
	struct pt_vq_seg s = seg(0, 8);
	void *cookie = NULL;
	uint32_t len;

	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, (void *)1), 0);
	dev_push(QSIZE, 0);
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), -PT_DEV_EBROKEN);
	cr_expect_null(cookie);
	cr_expect_str_eq(q.broken, "used id beyond the queue size");
}

Test(vring, used_id_not_in_flight_breaks_the_queue)
{
	struct pt_vq_seg two[2] = { seg(0, 8), seg(64, 8) };
	struct pt_vq_seg one = seg(0, 8);
	void *cookie;
	uint32_t len;

	setup_features(0); /* direct: the chain holds descriptors 0 and 1 */
	cr_assert_eq(pt_vq_add(&q, two, 2, NULL, 0, NULL), 0);
	cr_assert_eq(pt_vq_add(&q, &one, 1, NULL, 0, NULL), 0);
	dev_push(1, 0); /* descriptor 1 is inside a chain, not a head */
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), -PT_DEV_EBROKEN);
	cr_expect_str_eq(q.broken, "used id is not a chain in flight");
}

Test(vring, used_id_twice_breaks_the_queue)
{
	struct pt_vq_seg s = seg(0, 8);
	void *cookie;
	uint32_t len;

	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	dev_push(0, 0);
	dev_push(0, 0);
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), 1);
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), -PT_DEV_EBROKEN);
}

Test(vring, used_length_beyond_writable_bytes_breaks_the_queue)
{
	struct pt_vq_seg out = seg(0, 100),
			 in[2] = { seg(128, 10), seg(192, 20) };
	void *cookie;
	uint32_t len;

	cr_assert_eq(pt_vq_add(&q, &out, 1, in, 2, NULL), 0);
	dev_push(0, 31); /* 30 writable bytes; the readable 100 do not count */
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), -PT_DEV_EBROKEN);
	setup();
	cr_assert_eq(pt_vq_add(&q, &out, 1, NULL, 0, NULL), 0);
	dev_push(0, 1); /* a transmit buffer has no writable byte */
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), -PT_DEV_EBROKEN);
	setup();
	cr_assert_eq(pt_vq_add(&q, &out, 1, in, 2, NULL), 0);
	dev_push(0, 30);
	cr_expect_eq(pt_vq_get_used(&q, &cookie, &len), 1);
	cr_expect_eq(len, 30);
}

Test(vring, event_idx_suppresses_kicks_the_device_did_not_ask_for)
{
	struct pt_vq_seg s = seg(0, 8);

	/* The device asks to hear when avail passes index 0. */
	*avail_event() = 0;
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_kick_prepare(&q), 1);
	/* Still asking for 0: the next adds need no kick. */
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_kick_prepare(&q), 0);
	cr_expect_eq(q.stats.kicks_suppressed, 1);
	/* It now asks for index 4 (the 5th chain); add chains 3 and 4. */
	*avail_event() = 4;
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_kick_prepare(&q), 0, "avail 3 -> 4 skips 4");
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_kick_prepare(&q), 1, "avail 4 -> 5 passes 4");
	/* Nothing new: never a kick. */
	cr_expect_eq(pt_vq_kick_prepare(&q), 0);
	cr_expect_eq(q.stats.kicks, 2);
}

Test(vring, event_idx_across_the_16_bit_wrap)
{
	cr_expect_eq(pt_vring_need_event(0xFFFF, 0, 0xFFFF), 1);
	cr_expect_eq(pt_vring_need_event(0xFFFE, 0, 0xFFFF), 0);
	cr_expect_eq(pt_vring_need_event(0, 1, 0xFFFE), 1);
	cr_expect_eq(pt_vring_need_event(5, 5, 2), 0);
	cr_expect_eq(pt_vring_need_event(4, 5, 2), 1);
	cr_expect_eq(pt_vring_need_event(2, 5, 2), 1);
	cr_expect_eq(pt_vring_need_event(1, 5, 2), 0);
}

Test(vring, without_event_idx_the_no_notify_flag_decides)
{
	struct pt_vq_seg s = seg(0, 8);
	struct pt_vring_used *used =
		(void *)(ring + pt_vring_layout(QSIZE).used);

	setup_features(0);
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_kick_prepare(&q), 1);
	used->flags = PT_VRING_USED_F_NO_NOTIFY;
	cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_kick_prepare(&q), 0);
}

Test(vring, used_event_follows_the_harvest)
{
	struct pt_vq_seg s = seg(0, 8);
	void *cookie;
	uint32_t len;
	struct chain c;

	cr_expect_eq(used_event(), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(pt_vq_add(&q, &s, 1, NULL, 0, NULL), 0);
	cr_expect_eq(pt_vq_enable_events(&q), 0, "nothing used yet");
	for (int i = 0; i < 2; i++) {
		cr_assert(dev_pop(&c));
		dev_push(c.head, 0);
	}
	cr_expect_eq(pt_vq_enable_events(&q), 1, "entries are waiting");
	cr_assert_eq(pt_vq_get_used(&q, &cookie, &len), 1);
	cr_assert_eq(pt_vq_get_used(&q, &cookie, &len), 1);
	cr_assert_eq(pt_vq_get_used(&q, &cookie, &len), 0);
	cr_expect_eq(pt_vq_enable_events(&q), 0);
	cr_expect_eq(used_event(), 2, "the next entry wanted is index 2");
}

Test(vring, detach_returns_every_chain_in_flight)
{
	struct pt_vq_seg s[2] = { seg(0, 8), seg(64, 8) };
	void *cookie;
	unsigned seen = 0;

	for (uintptr_t i = 1; i <= 5; i++)
		cr_assert_eq(pt_vq_add(&q, s, 1 + i % 2, NULL, 0, (void *)i),
			     0);
	while (pt_vq_detach(&q, &cookie) == 1)
		seen |= 1u << (uintptr_t)cookie;
	cr_expect_eq(seen, 0x3e);
	cr_expect_eq(q.num_free, QSIZE);
	cr_expect_eq(pt_vpool_free_bytes(&pool), sizeof(mem),
		     "indirect tables freed");
}

Test(vring, storm_limit_counts_per_window)
{
	struct pt_evlimit l = { .window_ns = 1000, .limit = 3 };

	cr_expect_eq(pt_evlimit_hit(&l, 100), 0);
	cr_expect_eq(pt_evlimit_hit(&l, 200), 0);
	cr_expect_eq(pt_evlimit_hit(&l, 300), 0);
	cr_expect_eq(pt_evlimit_hit(&l, 400), 1);
	cr_expect_eq(pt_evlimit_hit(&l, 500), 1);
	cr_expect_eq(pt_evlimit_hit(&l, 1100), 0, "a new window");
	cr_expect_eq(pt_evlimit_hit(&l, 50), 0, "time going back restarts");
}

Test(vring, strerror_names_every_code)
{
	for (int e = PT_DEV_EINVAL; e <= PT_DEV_EROFS; e++)
		cr_expect_str_neq(pt_dev_strerror(-e), "?", "0x%x", e);
	cr_expect_str_eq(pt_dev_strerror(-5), "?");
	cr_expect_str_eq(pt_dev_strerror(0), "success");
}
