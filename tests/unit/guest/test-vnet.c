// SPDX-License-Identifier: MIT
/*
 * The network front-end's queues on the host, against a fake back-end
 * that fills posted receive buffers with frames and takes transmitted
 * ones off the ring, as partita-backd's TAP side would.
 */
#include <criterion/criterion.h>
#include <partita-guest/vnet.h>

#include "vnet-fixture.h"

static uint16_t rx_taken, tx_taken; /* the fake back-end's avail indexes */

static void setup(void)
{
	rx_taken = tx_taken = 0;
	vnet_fixture_init();
}

TestSuite(vnet, .init = setup);

/* Puts a frame of len bytes (byte i = seed + i) into the next posted
 * receive buffer, header first, and returns it as used. */
static void deliver(uint32_t len, uint8_t seed, uint32_t used_len)
{
	struct pt_vring_desc *desc = (void *)rxring;
	struct pt_virtio_net_hdr h = { .num_buffers = 1 };
	uint16_t head;
	uint8_t *b;

	cr_assert_neq(ring_avail(rxring)->idx, rx_taken, "a buffer is posted");
	head = ring_avail(rxring)->ring[rx_taken++ % QSIZE];
	cr_assert_eq(desc[head].len, PT_VNET_RX_BUF_BYTES);
	cr_assert(desc[head].flags & PT_VRING_DESC_F_WRITE);
	b = mem + desc[head].addr;
	memcpy(b, &h, sizeof(h));
	for (uint32_t i = 0; i < len; i++)
		b[PT_VNET_HDR_BYTES + i] = (uint8_t)(seed + i);
	ring_push(rxring, head, used_len);
}

Test(vnet, every_receive_descriptor_gets_a_whole_frame_buffer)
{
	cr_expect_eq(q.nbufs, QSIZE);
	cr_expect_eq(ring_avail(rxring)->idx, QSIZE);
	cr_expect_eq(PT_VNET_RX_BUF_BYTES, 12u + 1518u);
	cr_expect_leq(POOL_BYTES - pt_vpool_free_bytes(&pool), QSIZE * 1536u);
}

Test(vnet, a_pool_too_small_posts_fewer_and_keeps_half)
{
	static uint8_t small[2 * 4096] __attribute__((aligned(4096)));
	struct pt_vpool p;
	struct pt_vq r, t;
	static uint8_t r1[4096] __attribute__((aligned(4096)));
	static uint8_t t1[4096] __attribute__((aligned(4096)));

	memset(&q, 0, sizeof(q));
	cr_assert_eq(pt_vpool_init(&p, small, sizeof(small)), 0);
	cr_assert_eq(pt_vq_init(&r, r1, QSIZE, FEATURES, &p), 0);
	cr_assert_eq(pt_vq_init(&t, t1, QSIZE, FEATURES, &p), 0);
	cr_assert_eq(pt_vnet_queues_init(&q, &r, &t, &p), 0);
	cr_expect_eq(q.nbufs, 2, "4 KiB of 8 for receiving");
}

Test(vnet, frames_are_taken_in_order_and_buffers_posted_again)
{
	uint8_t f[PT_VIRTIO_NET_FRAME_MAX];
	int reposted;

	deliver(60, 1, PT_VNET_HDR_BYTES + 60);
	deliver(1518, 2, PT_VNET_HDR_BYTES + 1518);
	cr_assert_eq(pt_vnet_queues_harvest(&q, &reposted), 2);
	cr_expect_not(reposted);
	cr_expect_eq(q.filled_count, 2);
	cr_expect_eq(q.stats.rx_backlog_max, 2);
	cr_assert_eq(pt_vnet_queues_take(&q, f, sizeof(f)), 60);
	for (int i = 0; i < 60; i++)
		cr_expect_eq(f[i], (uint8_t)(1 + i));
	cr_assert_eq(pt_vnet_queues_take(&q, f, sizeof(f)), 1518);
	cr_expect_eq(f[1517], (uint8_t)(2 + 1517));
	cr_expect_eq(pt_vnet_queues_take(&q, f, sizeof(f)), 0, "none left");
	cr_expect_eq(ring_avail(rxring)->idx, QSIZE + 2, "both posted again");
	cr_expect_eq(q.stats.rx_frames, 2);
	cr_expect_eq(q.stats.rx_bytes, 60 + 1518);
}

Test(vnet, a_frame_is_cut_to_the_callers_buffer_but_its_length_told)
{
	uint8_t f[16];
	int reposted;

	memset(f, 0, sizeof(f));
	deliver(100, 7, PT_VNET_HDR_BYTES + 100);
	cr_assert_eq(pt_vnet_queues_harvest(&q, &reposted), 1);
	cr_expect_eq(pt_vnet_queues_take(&q, f, 10), 100);
	cr_expect_eq(f[9], 16);
	cr_expect_eq(f[10], 0, "nothing past cap");
}

Test(vnet, entries_too_short_for_a_frame_go_straight_back)
{
	int reposted;

	deliver(0, 0, PT_VNET_HDR_BYTES);
	deliver(13, 0, PT_VNET_HDR_BYTES + 13);
	deliver(0, 0, 3);
	cr_assert_eq(pt_vnet_queues_harvest(&q, &reposted), 3);
	cr_expect(reposted);
	cr_expect_eq(q.filled_count, 0);
	cr_expect_eq(q.stats.rx_short, 3);
	cr_expect_eq(ring_avail(rxring)->idx, QSIZE + 3);
}

Test(vnet, a_length_beyond_the_buffer_breaks_the_queue)
{
	int reposted;

	deliver(10, 0, PT_VNET_RX_BUF_BYTES + 1);
	cr_expect_eq(pt_vnet_queues_harvest(&q, &reposted), -PT_DEV_EBROKEN);
	cr_expect(rxq.broken);
}

Test(vnet, sent_frames_carry_a_zero_header_and_come_back_to_the_pool)
{
	uint8_t f[64];
	struct pt_vring_desc *desc = (void *)txring;
	struct pt_virtio_net_hdr h, zero = { 0 };
	uint32_t before = pt_vpool_free_bytes(&pool);
	uint16_t head;
	int reposted;

	for (int i = 0; i < 64; i++)
		f[i] = (uint8_t)i;
	cr_assert_eq(pt_vnet_queues_send(&q, f, sizeof(f)), 0);
	cr_assert_eq(ring_avail(txring)->idx, 1);
	head = ring_avail(txring)->ring[tx_taken++];
	cr_expect_eq(desc[head].len, PT_VNET_HDR_BYTES + 64);
	cr_expect_not(desc[head].flags & PT_VRING_DESC_F_WRITE);
	memcpy(&h, mem + desc[head].addr, sizeof(h));
	cr_expect_arr_eq(&h, &zero, sizeof(h));
	cr_expect_arr_eq(mem + desc[head].addr + PT_VNET_HDR_BYTES, f, 64);
	cr_expect_lt(pt_vpool_free_bytes(&pool), before);
	ring_push(txring, head, 0);
	cr_assert_eq(pt_vnet_queues_harvest(&q, &reposted), 1);
	cr_expect_eq(pt_vpool_free_bytes(&pool), before);
	cr_expect_eq(q.stats.tx_done, 1);
}

Test(vnet, frame_lengths_outside_ethernet_are_refused)
{
	static uint8_t f[PT_VIRTIO_NET_FRAME_MAX + 1];

	cr_expect_eq(pt_vnet_queues_send(&q, f, 0), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_queues_send(&q, f, 13), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_queues_send(&q, f, sizeof(f)), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_queues_send(&q, f, 14), 0);
	cr_expect_eq(pt_vnet_queues_send(&q, f, sizeof(f) - 1), 0);
	cr_expect_eq(ring_avail(txring)->idx, 2);
}

Test(vnet, a_full_transmit_queue_is_eagain)
{
	uint8_t f[60] = { 0 };
	int sent = 0, reposted;

	while (pt_vnet_queues_send(&q, f, sizeof(f)) == 0)
		sent++;
	cr_expect_eq(sent, QSIZE);
	cr_expect_eq(pt_vnet_queues_send(&q, f, sizeof(f)), -PT_DEV_EAGAIN);
	cr_expect_gt(q.stats.tx_full, 0);
	ring_push(txring, ring_avail(txring)->ring[0], 0);
	cr_assert_eq(pt_vnet_queues_harvest(&q, &reposted), 1);
	cr_expect_eq(pt_vnet_queues_send(&q, f, sizeof(f)), 0);
}

Test(vnet, mac_addresses)
{
	uint8_t m[6] = { 0 };
	static const uint8_t want[6] = { 0x02, 0x00, 0xab, 0xCD, 0x0e, 0xf1 };

	cr_expect_eq(pt_vnet_parse_mac("02:00:ab:CD:0e:f1", m), 0);
	cr_expect_arr_eq(m, want, 6);
	cr_expect_eq(pt_vnet_parse_mac("02:00:ab:cd:0e", m), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_parse_mac("02:00:ab:cd:0e:f1:", m),
		     -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_parse_mac("02-00-ab-cd-0e-f1", m), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_parse_mac("2:00:ab:cd:0e:f1", m), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_parse_mac("02:00:ab:cd:0e:fg", m), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_parse_mac("", m), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vnet_parse_mac("03:00:00:00:00:01", m), -PT_DEV_EINVAL,
		     "a multicast address");
	cr_expect_arr_eq(m, want, 6, "unchanged by failures");
}
