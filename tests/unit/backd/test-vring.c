// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the hostile-ring-safe split ring: every bad-input case. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "backd-test-util.h"
#include "vring-back.h"

#define W PT_VRING_DESC_F_WRITE
#define N PT_VRING_DESC_F_NEXT
#define I PT_VRING_DESC_F_INDIRECT

static struct vring_pool pool;
static struct tq t;
static struct vring_back q;
static struct vring_chain c;

/* A queue of `size` over a 4-page pool, all features. */
static void setup_q(uint16_t size, uint64_t features, uint16_t inflight)
{
	tpool_init(&pool, 4);
	tq_init(&t, size);
	cr_assert_eq(vring_back_init(&q, t.ring, t.bytes, &pool, size, features,
				     inflight),
		     0, "%s", q.why);
	vring_back_resume(&q);
}

static void setup(void)
{
	setup_q(8, ALL_FEATURES, 0);
}

static void teardown(void)
{
	tq_free(&t);
	tpool_free(&pool);
}

/* The next pop must break the ring with a reason containing `what`. */
static void expect_broken(const char *what)
{
	cr_assert_eq(vring_back_pop(&q, &c), -EPROTO);
	cr_assert(q.broken);
	cr_assert(strstr(q.why, what), "reason '%s' lacks '%s'", q.why, what);
	/* Broken for good: a later call fails the same way. */
	cr_assert_eq(vring_back_pop(&q, &c), -EPROTO);
}

TestSuite(vring, .init = setup, .fini = teardown);

Test(vring, empty_ring_gives_nothing)
{
	cr_assert_eq(vring_back_pop(&q, &c), 0);
	cr_assert_not(q.broken);
}

Test(vring, direct_chain_readable_then_writable)
{
	tq_desc(&t, 3, 100, 10, N, 5);
	tq_desc(&t, 5, 4090, 20, N | W, 0); /* crosses a page */
	tq_desc(&t, 0, 16000, 8, W, 0);
	tq_publish(&t, 3);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	cr_assert_eq(c.head, 3);
	cr_assert_eq(c.nread, 1);
	cr_assert_eq(c.nwrite, 2);
	cr_assert_eq(c.read_bytes, 10);
	cr_assert_eq(c.write_bytes, 28);
	cr_assert_eq(c.seg[1].off, 4090);
	cr_assert_eq(c.seg[2].len, 8);
	cr_assert_eq(q.inflight, 1);
	cr_assert_eq(vring_back_pop(&q, &c), 0);
}

Test(vring, chain_data_across_pages)
{
	uint8_t out[20], in[20];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i + 1);
	vring_pool_write(&pool, 4090, in, sizeof(in));
	tq_desc(&t, 0, 4090, 20, N, 1);
	tq_desc(&t, 1, 8190, 4, W, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(vring_chain_read(&q, &c, 0, out, sizeof(out)), 20);
	cr_assert_arr_eq(out, in, 20);
	cr_assert_eq(vring_chain_read(&q, &c, 15, out, sizeof(out)), 5);
	cr_assert_eq(out[0], 16);
	cr_assert_eq(vring_chain_write(&q, &c, "abcdef", 6), 4);
	vring_pool_read(&pool, 8190, out, 4);
	cr_assert_arr_eq(out, "abcd", 4);
}

Test(vring, head_beyond_queue_size)
{
	tq_publish(&t, 8);
	expect_broken("beyond the queue size");
}

Test(vring, head_far_beyond_queue_size)
{
	tq_publish(&t, 0xffff);
	expect_broken("names head 65535");
}

Test(vring, next_beyond_queue_size)
{
	tq_desc(&t, 0, 0, 4, N, 8);
	tq_publish(&t, 0);
	expect_broken("names next 8");
}

Test(vring, avail_index_jumps_past_the_ring)
{
	tq_set_avail_idx(&t, 9); /* 9 ahead of 0 with a queue of 8 */
	expect_broken("more than the queue size");
}

Test(vring, avail_index_backwards_is_a_jump)
{
	tq_set_avail_idx(&t, 0xffff); /* "65535 ahead" in 16-bit arithmetic */
	expect_broken("more than the queue size");
}

Test(vring, avail_index_exactly_one_ring_ahead_is_fine)
{
	uint16_t i;

	for (i = 0; i < 8; i++) {
		tq_desc(&t, i, 64u * i, 16, 0, 0);
		tq_publish(&t, i);
	}
	for (i = 0; i < 8; i++) {
		cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
		cr_assert_eq(c.head, i);
	}
	cr_assert_eq(vring_back_pop(&q, &c), 0);
}

Test(vring, direct_self_loop)
{
	tq_desc(&t, 2, 0, 4, N, 2);
	tq_publish(&t, 2);
	expect_broken("loops");
}

Test(vring, direct_two_step_loop)
{
	tq_desc(&t, 0, 0, 4, N, 1);
	tq_desc(&t, 1, 8, 4, N, 0);
	tq_publish(&t, 0);
	expect_broken("loops");
}

Test(vring, chain_longer_than_the_queue)
{
	uint16_t i;

	/* Every descriptor used once, then back to the first: 9 hops. */
	for (i = 0; i < 8; i++)
		tq_desc(&t, i, 16u * i, 4, N, (uint16_t)((i + 1) % 8));
	tq_publish(&t, 0);
	expect_broken("longer than the queue");
}

Test(vring, whole_queue_as_one_chain_is_fine)
{
	uint16_t i;

	for (i = 0; i < 8; i++)
		tq_desc(&t, i, 16u * i, 4, i < 7 ? N : 0, (uint16_t)(i + 1));
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	cr_assert_eq(c.nread, 8);
}

Test(vring, address_outside_the_pool)
{
	tq_desc(&t, 0, 4u * 4096u, 1, 0, 0); /* first byte past the end */
	tq_publish(&t, 0);
	expect_broken("outside the pool");
}

Test(vring, range_straddles_the_pool_end)
{
	tq_desc(&t, 0, 4u * 4096u - 10u, 11, 0, 0);
	tq_publish(&t, 0);
	expect_broken("outside the pool");
}

Test(vring, range_ending_exactly_at_the_pool_end_is_fine)
{
	tq_desc(&t, 0, 4u * 4096u - 10u, 10, 0, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
}

Test(vring, address_plus_length_overflows)
{
	tq_desc(&t, 0, UINT64_MAX - 5u, 100, 0, 0);
	tq_publish(&t, 0);
	expect_broken("outside the pool");
}

Test(vring, huge_length)
{
	tq_desc(&t, 0, 0, UINT32_MAX, W, 0);
	tq_publish(&t, 0);
	expect_broken("outside the pool");
}

Test(vring, zero_length_segment)
{
	tq_desc(&t, 0, 0, 4, N, 1);
	tq_desc(&t, 1, 0, 0, W, 0);
	tq_publish(&t, 0);
	expect_broken("length 0");
}

Test(vring, readable_after_writable)
{
	tq_desc(&t, 0, 0, 4, N | W, 1);
	tq_desc(&t, 1, 8, 4, 0, 0);
	tq_publish(&t, 0);
	expect_broken("readable after a device-writable");
}

Test(vring, indirect_table_good)
{
	tpool_desc(&pool, 4096, 0, 10, N, 1);
	tpool_desc(&pool, 4112, 100, 20, N | W, 2);
	tpool_desc(&pool, 4128, 200, 30, W, 0);
	tq_desc(&t, 4, 4096, 48, I, 0);
	tq_publish(&t, 4);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	cr_assert_eq(c.head, 4);
	cr_assert_eq(c.nread, 1);
	cr_assert_eq(c.nwrite, 2);
	cr_assert_eq(c.seg[2].off, 200);
	cr_assert_eq(c.write_bytes, 50);
}

Test(vring, indirect_table_unaligned_across_pages)
{
	/* An odd offset whose second entry straddles pages 0 and 1. */
	tpool_desc(&pool, 4077, 0, 10, N, 1);
	tpool_desc(&pool, 4093, 50, 5, W, 0);
	tq_desc(&t, 0, 4077, 32, I, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	cr_assert_eq(c.seg[1].off, 50);
	cr_assert_eq(c.seg[1].len, 5);
}

Test(vring, direct_then_indirect)
{
	tpool_desc(&pool, 4096, 300, 8, W, 0);
	tq_desc(&t, 1, 0, 4, N, 2);
	tq_desc(&t, 2, 4096, 16, I, 0);
	tq_publish(&t, 1);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	cr_assert_eq(c.nread, 1);
	cr_assert_eq(c.nwrite, 1);
}

Test(vring, indirect_not_negotiated)
{
	teardown();
	setup_q(8, PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1), 0);
	tpool_desc(&pool, 0, 100, 4, 0, 0);
	tq_desc(&t, 0, 0, 16, I, 0);
	tq_publish(&t, 0);
	expect_broken("not negotiated");
}

Test(vring, indirect_with_next)
{
	tpool_desc(&pool, 0, 100, 4, 0, 0);
	tq_desc(&t, 0, 0, 16, I | N, 1);
	tq_publish(&t, 0);
	expect_broken("has NEXT");
}

Test(vring, nested_indirect)
{
	tpool_desc(&pool, 0, 64, 16, I, 0);
	tpool_desc(&pool, 64, 100, 4, 0, 0);
	tq_desc(&t, 0, 0, 16, I, 0);
	tq_publish(&t, 0);
	expect_broken("nested");
}

Test(vring, indirect_len_not_multiple_of_16)
{
	tpool_desc(&pool, 0, 100, 4, 0, 0);
	tq_desc(&t, 0, 0, 24, I, 0);
	tq_publish(&t, 0);
	expect_broken("multiple of 16");
}

Test(vring, indirect_len_zero)
{
	tq_desc(&t, 0, 0, 0, I, 0);
	tq_publish(&t, 0);
	expect_broken("multiple of 16");
}

Test(vring, indirect_table_larger_than_the_queue)
{
	tq_desc(&t, 0, 0, 16u * 9u, I, 0);
	tq_publish(&t, 0);
	expect_broken("multiple of 16 up to 128");
}

Test(vring, indirect_table_outside_the_pool)
{
	tq_desc(&t, 0, 4u * 4096u - 16u, 32, I, 0);
	tq_publish(&t, 0);
	expect_broken("indirect table at pool offset");
}

Test(vring, indirect_table_address_overflows)
{
	tq_desc(&t, 0, UINT64_MAX - 7u, 32, I, 0);
	tq_publish(&t, 0);
	expect_broken("indirect table at pool offset");
}

Test(vring, indirect_loop)
{
	tpool_desc(&pool, 0, 100, 4, N, 1);
	tpool_desc(&pool, 16, 200, 4, N, 0);
	tq_desc(&t, 0, 0, 32, I, 0);
	tq_publish(&t, 0);
	expect_broken("loops");
}

Test(vring, indirect_next_beyond_table)
{
	tpool_desc(&pool, 0, 100, 4, N, 2);
	tq_desc(&t, 0, 0, 32, I, 0);
	tq_publish(&t, 0);
	expect_broken("beyond its table");
}

Test(vring, indirect_entry_outside_the_pool)
{
	tpool_desc(&pool, 0, 4u * 4096u, 4, 0, 0);
	tq_desc(&t, 0, 0, 16, I, 0);
	tq_publish(&t, 0);
	expect_broken("outside the pool");
}

Test(vring, indirect_zero_length_entry)
{
	tpool_desc(&pool, 0, 100, 0, 0, 0);
	tq_desc(&t, 0, 0, 16, I, 0);
	tq_publish(&t, 0);
	expect_broken("length 0");
}

Test(vring, chain_with_more_segments_than_the_queue)
{
	uint16_t i;

	/* One direct segment plus a full indirect table: 9 > 8. */
	for (i = 0; i < 8; i++)
		tpool_desc(&pool, 4096u + 16u * i, 16u * i, 4, i < 7 ? N : 0,
			   (uint16_t)(i + 1));
	tq_desc(&t, 0, 0, 4, N, 1);
	tq_desc(&t, 1, 4096, 128, I, 0);
	tq_publish(&t, 0);
	expect_broken("more than 8 segments");
}

Test(vring, inflight_limit_stops_reading)
{
	uint16_t i;

	teardown();
	setup_q(8, ALL_FEATURES, 2);
	for (i = 0; i < 3; i++) {
		tq_desc(&t, i, 16u * i, 4, 0, 0);
		tq_publish(&t, i);
	}
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(vring_back_pop(&q, &c), 0, "limit of 2 reached");
	cr_assert_eq(q.throttled, 1);
	cr_assert_not(q.broken);
	cr_assert_eq(vring_back_push(&q, 0, 0), 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(c.head, 2);
}

Test(vring, push_fills_the_used_element)
{
	struct pt_vring_used_elem e;

	/* Stale bytes in the used ring must not survive a push. */
	memset(t.ring + t.l.used + 4, 0xaa, 8u * 8u);
	tq_desc(&t, 6, 0, 4, W, 0);
	tq_publish(&t, 6);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(vring_back_push(&q, c.head, 3), 0);
	cr_assert_eq(tq_used_idx(&t), 1);
	e = tq_used(&t, 0);
	cr_assert_eq(e.id, 6);
	cr_assert_eq(e.len, 3);
	cr_assert_eq(q.inflight, 0);
	/* Nothing in flight: a push is refused, the ring is not touched. */
	cr_assert_eq(vring_back_push(&q, 6, 0), -EINVAL);
	cr_assert_eq(tq_used_idx(&t), 1);
}

Test(vring, broken_ring_stays_broken)
{
	tq_publish(&t, 99);
	expect_broken("beyond");
	tq_desc(&t, 0, 0, 4, 0, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), -EPROTO);
	cr_assert_eq(vring_back_push(&q, 0, 0), -EPROTO);
	cr_assert_eq(vring_back_need_notify(&q, 0), 0);
}

Test(vring, descriptor_changed_after_fetch_does_not_change_the_chain)
{
	tq_desc(&t, 0, 40, 4, 0, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	/* The guest rewrites it afterwards: our copy is what counts. */
	tq_desc(&t, 0, UINT64_MAX, UINT32_MAX, N, 77);
	cr_assert_eq(c.seg[0].off, 40);
	cr_assert_eq(c.seg[0].len, 4);
}

Test(vring, resume_from_the_used_index)
{
	uint16_t i;

	/* An earlier daemon used 5 of 7 available chains, then died. */
	for (i = 0; i < 7; i++) {
		tq_desc(&t, i, 16u * i, 4, 0, 0);
		tq_publish(&t, i);
	}
	tq_put16(&t, t.l.used + 2u, 5);
	vring_back_resume(&q);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(c.head, 5);
	cr_assert_eq(vring_back_pop(&q, &c), 1);
	cr_assert_eq(c.head, 6);
	cr_assert_eq(vring_back_pop(&q, &c), 0);
	cr_assert_eq(vring_back_push(&q, 5, 0), 0);
	cr_assert_eq(tq_used_idx(&t), 6);
}

Test(vring, indices_wrap_around_16_bits)
{
	tq_put16(&t, t.l.used + 2u, 0xffff);
	tq_set_avail_idx(&t, 0xffff);
	vring_back_resume(&q);
	tq_desc(&t, 1, 0, 4, 0, 0);
	tq_publish(&t, 1); /* slot 0xffff % 8 = 7, avail idx wraps to 0 */
	cr_assert_eq(t.avail_idx, 0);
	cr_assert_eq(vring_back_pop(&q, &c), 1, "%s", q.why);
	cr_assert_eq(c.head, 1);
	cr_assert_eq(vring_back_push(&q, 1, 0), 0);
	cr_assert_eq(tq_used_idx(&t), 0);
}

Test(vring, init_refuses_bad_sizes)
{
	struct vring_back b;

	cr_assert_eq(vring_back_init(&b, t.ring, t.bytes, &pool, 0, 0, 0),
		     -EINVAL);
	cr_assert_eq(vring_back_init(&b, t.ring, t.bytes, &pool, 6, 0, 0),
		     -EINVAL);
	cr_assert(strstr(b.why, "power of two"));
	cr_assert_eq(vring_back_init(&b, t.ring, t.bytes, &pool, 512, 0, 0),
		     -EINVAL);
	/* 256 entries need two pages; we mapped one for 8. */
	cr_assert_eq(vring_back_init(&b, t.ring, t.bytes, &pool, 256, 0, 0),
		     -EINVAL);
	cr_assert(strstr(b.why, "bytes of ring"));
}

/* EVENT_IDX: notify only when the driver asked for an index just passed. */
static void pop_push(uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		tq_desc(&t, 0, 0, 4, W, 0);
		tq_publish(&t, 0);
		cr_assert_eq(vring_back_pop(&q, &c), 1);
		cr_assert_eq(vring_back_push(&q, 0, 1), 0);
	}
}

Test(vring, event_idx_notifies_when_asked_index_passed)
{
	tq_put16(&t, t.l.used_event, 0); /* "tell me when used passes 0" */
	pop_push(1);
	cr_assert(vring_back_need_notify(&q, 0));
}

Test(vring, event_idx_quiet_before_the_asked_index)
{
	tq_put16(&t, t.l.used_event, 3);
	pop_push(2); /* used 0 -> 2: entry 3 not yet passed */
	cr_assert_not(vring_back_need_notify(&q, 0));
	pop_push(2); /* 2 -> 4 passes 3 */
	cr_assert(vring_back_need_notify(&q, 2));
}

Test(vring, event_idx_quiet_when_the_index_was_passed_before)
{
	tq_put16(&t, t.l.used_event, 0);
	pop_push(1);
	pop_push(1); /* 1 -> 2: the driver asked about 0, already told */
	cr_assert_not(vring_back_need_notify(&q, 1));
}

Test(vring, event_idx_wraps_around)
{
	tq_put16(&t, t.l.used + 2u, 0xfffe);
	vring_back_resume(&q);
	tq_put16(&t, t.l.used_event, 0xffff);
	tq_set_avail_idx(&t, 0xfffe);
	pop_push(3); /* 0xfffe -> 1 passes 0xffff */
	cr_assert(vring_back_need_notify(&q, 0xfffe));
	cr_assert_eq(tq_used_idx(&t), 1);
}

Test(vring, nothing_pushed_nothing_to_notify)
{
	tq_put16(&t, t.l.used_event, 0);
	cr_assert_not(vring_back_need_notify(&q, 0));
}

Test(vring, without_event_idx_the_flag_decides)
{
	teardown();
	setup_q(8, PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1), 0);
	pop_push(1);
	cr_assert(vring_back_need_notify(&q, 0));
	tq_put16(&t, t.l.avail, PT_VRING_AVAIL_F_NO_INTERRUPT);
	pop_push(1);
	cr_assert_not(vring_back_need_notify(&q, 1));
}

Test(vring, arm_writes_avail_event_and_looks_again)
{
	pop_push(3);
	cr_assert_eq(vring_back_arm(&q), 0);
	cr_assert_eq(tq_get16(&t, t.l.avail_event), 3);
	tq_desc(&t, 0, 0, 4, 0, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_arm(&q), 1, "buffers arrived meanwhile");
}

Test(vring, pool_contains_is_overflow_safe)
{
	cr_assert(vring_pool_contains(&pool, 0, 4u * 4096u));
	cr_assert_not(vring_pool_contains(&pool, 1, 4u * 4096u));
	cr_assert_not(vring_pool_contains(&pool, UINT64_MAX, 2));
	cr_assert_not(vring_pool_contains(&pool, 2, UINT64_MAX));
	cr_assert(vring_pool_contains(&pool, 4u * 4096u, 0));
}
