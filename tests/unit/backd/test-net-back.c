// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the net data path over fake rings and a socketpair as the TAP. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backd-test-util.h"
#include "net-back.h"

#define W PT_VRING_DESC_F_WRITE
#define N PT_VRING_DESC_F_NEXT
#define QSIZE 16u
#define POOL_PAGES 16u
#define TX_AREA 0u	     /* transmit buffers: pool pages 0-7 */
#define RX_AREA (8u * 4096u) /* receive buffers: pool pages 8-15 */
#define SLOT 2048u	     /* one buffer per descriptor slot */

static struct vring_pool pool;
static struct tq trx, ttx;
static struct vring_back rx, tx;
static struct net_back nb;
static int sv[2] = { -1, -1 }; /* sv[0] the back-end's "TAP", sv[1] the root */

static void setup_sized(uint16_t qsize)
{
	signal(SIGPIPE, SIG_IGN);
	tpool_init(&pool, POOL_PAGES);
	tq_init(&trx, qsize);
	tq_init(&ttx, qsize);
	cr_assert_eq(vring_back_init(&rx, trx.ring, trx.bytes, &pool, qsize,
				     ALL_FEATURES, 0),
		     0);
	cr_assert_eq(vring_back_init(&tx, ttx.ring, ttx.bytes, &pool, qsize,
				     ALL_FEATURES, 0),
		     0);
	vring_back_resume(&rx);
	vring_back_resume(&tx);
	/* SEQPACKET keeps frame boundaries, as a TAP does. */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv),
		     0);
	cr_assert_eq(net_back_init(&nb), 0);
	net_back_connect(&nb, &rx, &tx, sv[0]);
}

static void setup(void)
{
	setup_sized(QSIZE);
}

static void teardown(void)
{
	net_back_free(&nb);
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	sv[0] = sv[1] = -1;
	tq_free(&trx);
	tq_free(&ttx);
	tpool_free(&pool);
}

/* A frame whose bytes say which frame it is and where in it they are. */
static void make_frame(uint8_t *f, size_t len, unsigned int seq)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seq * 31u + i);
}

/*
 * The guest transmits a header and a frame of len bytes from descriptor
 * slot d: header in one descriptor, frame in a second (none if len is 0).
 */
static void guest_send(uint16_t d, const struct pt_virtio_net_hdr *h,
		       unsigned int seq, uint32_t len)
{
	uint64_t off = TX_AREA + (uint64_t)d * SLOT;
	uint8_t frame[SLOT];

	cr_assert(len <= SLOT - 64);
	vring_pool_write(&pool, off, h, NET_HDR_LEN);
	make_frame(frame, len, seq);
	vring_pool_write(&pool, off + 64, frame, len);
	if (len) {
		tq_desc(&ttx, d, off, NET_HDR_LEN, N, (uint16_t)(d + 1));
		tq_desc(&ttx, (uint16_t)(d + 1), off + 64, len, 0, 0);
	} else {
		tq_desc(&ttx, d, off, NET_HDR_LEN, 0, 0);
	}
	tq_publish(&ttx, d);
}

static const struct pt_virtio_net_hdr plain_hdr;

/* The guest posts a receive buffer of len bytes at slot d, filled 0xaa. */
static void guest_post(uint16_t d, uint32_t len)
{
	uint64_t off = RX_AREA + (uint64_t)d * SLOT;
	uint8_t junk[SLOT];

	cr_assert(len <= SLOT);
	memset(junk, 0xaa, sizeof(junk));
	vring_pool_write(&pool, off, junk, SLOT);
	tq_desc(&trx, d, off, len, W, 0);
	tq_publish(&trx, d);
}

/* The root sends a frame into the TAP. */
static void root_send(unsigned int seq, size_t len)
{
	uint8_t f[4096];

	cr_assert(len <= sizeof(f));
	make_frame(f, len, seq);
	cr_assert_eq(send(sv[1], f, len, 0), (ssize_t)len, "send: %s",
		     strerror(errno));
}

/* The root reads the next frame from the TAP: its length, -1 if none. */
static ssize_t root_recv(uint8_t *buf, size_t max)
{
	ssize_t n = recv(sv[1], buf, max, MSG_DONTWAIT);

	return n < 0 ? -1 : n;
}

static void expect_frame(const uint8_t *got, size_t len, unsigned int seq)
{
	uint8_t want[4096];

	make_frame(want, len, seq);
	cr_assert_eq(memcmp(got, want, len), 0, "frame %u corrupted", seq);
}

TestSuite(net_back, .init = setup, .fini = teardown);

Test(net_back, a_frame_reaches_the_tap)
{
	uint8_t buf[4096];
	int more = 0;

	guest_send(0, &plain_hdr, 1, 60);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(root_recv(buf, sizeof(buf)), 60);
	expect_frame(buf, 60, 1);
	cr_assert_eq(tq_used_idx(&ttx), 1);
	cr_assert_eq(tq_used(&ttx, 0).id, 0);
	cr_assert_eq(tq_used(&ttx, 0).len, 0, "wrote into a transmit buffer");
	cr_assert_eq(nb.st.tx_frames, 1);
	cr_assert_eq(nb.st.tx_bytes, 60);
	cr_assert_eq(nb.st.requests, 1);
	cr_assert_eq(nb.st.tx_errors, 0);
	cr_assert_eq(more, 0);
}

Test(net_back, a_frame_in_many_pieces_arrives_whole)
{
	uint8_t frame[1000], buf[4096];
	uint64_t off = TX_AREA;
	int more = 0;

	/* Header split 5 + 7, frame in pieces of 1, 99, 400, 500 bytes. */
	static const uint32_t piece[] = { 5, 7, 1, 99, 400, 500 };
	uint8_t all[NET_HDR_LEN + sizeof(frame)];

	memset(all, 0, NET_HDR_LEN);
	make_frame(frame, sizeof(frame), 7);
	memcpy(all + NET_HDR_LEN, frame, sizeof(frame));
	for (uint16_t i = 0, at = 0; i < 6; i++) {
		/* Every piece on its own, 3000 bytes apart in the pool. */
		vring_pool_write(&pool, off + 3000u * i, all + at, piece[i]);
		tq_desc(&ttx, i, off + 3000u * i, piece[i], i < 5 ? N : 0,
			(uint16_t)(i + 1));
		at = (uint16_t)(at + piece[i]);
	}
	tq_publish(&ttx, 0);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(root_recv(buf, sizeof(buf)), (ssize_t)sizeof(frame));
	expect_frame(buf, sizeof(frame), 7);
}

Test(net_back, malformed_frames_are_dropped_counted_and_returned)
{
	struct pt_virtio_net_hdr gso = { .gso_type = 1 };
	struct pt_virtio_net_hdr csum = { .flags = NET_HDR_F_NEEDS_CSUM };
	uint8_t buf[4096];
	char line[512];
	int more = 0;

	guest_send(0, &plain_hdr, 1, 0);  /* no frame */
	guest_send(2, &plain_hdr, 2, 13); /* runt */
	guest_send(4, &plain_hdr, 3, PT_VIRTIO_NET_FRAME_MAX + 1); /* giant */
	guest_send(6, &gso, 4, 100);
	guest_send(8, &csum, 5, 100);
	/* Half a header, nothing else. */
	tq_desc(&ttx, 10, TX_AREA + 10u * SLOT, 6, 0, 0);
	tq_publish(&ttx, 10);
	/* And a good one after them all: the device still works. */
	guest_send(12, &plain_hdr, 6, 14);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(tq_used_idx(&ttx), 7, "every chain returned");
	for (uint16_t i = 0; i < 7; i++) {
		cr_assert_eq(tq_used(&ttx, i).id, 2u * i);
		cr_assert_eq(tq_used(&ttx, i).len, 0);
	}
	cr_assert_eq(nb.st.tx_errors, 6);
	cr_assert_eq(nb.st.tx_frames, 1);
	cr_assert_eq(nb.st.tx_bytes, 14);
	cr_assert_eq(nb.st.requests, 7);
	cr_assert_eq(root_recv(buf, sizeof(buf)), 14, "only the good frame");
	expect_frame(buf, 14, 6);
	cr_assert_eq(root_recv(buf, sizeof(buf)), -1);
	cr_assert_not(tx.broken);
	cr_assert_eq(net_back_note(&nb, 0, line, sizeof(line)), 1);
	cr_assert(strstr(line, "dropped 6 malformed transmit"), "%s", line);
	cr_assert(strstr(line, "shorter than the 12-byte"), "%s", line);
}

Test(net_back, a_full_size_frame_passes)
{
	uint8_t buf[4096];
	int more = 0;

	guest_send(0, &plain_hdr, 9, PT_VIRTIO_NET_FRAME_MAX);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(root_recv(buf, sizeof(buf)), PT_VIRTIO_NET_FRAME_MAX);
	expect_frame(buf, PT_VIRTIO_NET_FRAME_MAX, 9);
}

Test(net_back, all_zero_length_fragments_break_only_the_ring)
{
	uint8_t buf[64];
	int more = 0;

	tq_desc(&ttx, 0, TX_AREA, 0, N, 1);
	tq_desc(&ttx, 1, TX_AREA, 0, N, 2);
	tq_desc(&ttx, 2, TX_AREA, 0, 0, 0);
	tq_publish(&ttx, 0);
	cr_assert_eq(net_back_tx(&nb, 64, &more), -EPROTO);
	cr_assert(tx.broken);
	cr_assert(strstr(tx.why, "length 0"), "%s", tx.why);
	cr_assert_eq(root_recv(buf, sizeof(buf)), -1, "something was sent");
	cr_assert_eq(nb.st.tx_frames, 0);
}

Test(net_back, the_transmit_budget_bounds_a_round)
{
	uint8_t buf[4096];
	int more = 0, got = 0;

	for (uint16_t i = 0; i < 6; i++)
		guest_send((uint16_t)(2 * i), &plain_hdr, i, 60);
	cr_assert_eq(net_back_tx(&nb, 4, &more), 0);
	cr_assert_eq(more, 1);
	cr_assert_eq(tq_used_idx(&ttx), 4);
	more = 0;
	cr_assert_eq(net_back_tx(&nb, 4, &more), 0);
	cr_assert_eq(more, 0);
	cr_assert_eq(tq_used_idx(&ttx), 6);
	while (root_recv(buf, sizeof(buf)) == 60)
		got++;
	cr_assert_eq(got, 6);
}

/* Fills the TX ring with QSIZE / 2 frames of 1500 bytes, numbered. */
static unsigned int fill_tx(unsigned int first)
{
	for (uint16_t i = 0; i < QSIZE / 2; i++)
		guest_send((uint16_t)(2 * i), &plain_hdr, first + i, 1500);
	return QSIZE / 2;
}

Test(net_back, a_full_tap_stops_transmit_without_buffering)
{
	int small = 1, more = 0;
	uint8_t buf[4096];
	unsigned int sent, got = 0;

	/* The smallest send buffer the kernel allows: two or three frames. */
	cr_assert_eq(
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)),
		0);
	sent = fill_tx(100);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(nb.tx_wait, 1, "the TAP never filled");
	cr_assert(tq_used_idx(&ttx) < sent);
	/* At most the one frame that did not fit is held, nothing queued. */
	cr_assert_eq(tx.popped, tx.pushed + 1);
	cr_assert(net_back_poll_events(&nb) & POLLOUT);
	/* Nothing moves while the TAP stays full. */
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(tx.popped, tx.pushed + 1);
	/* The root reads; each round moves more; all arrive, in order. */
	for (int round = 0; round < 100 && got < sent; round++) {
		ssize_t n;

		while ((n = root_recv(buf, sizeof(buf))) > 0) {
			cr_assert_eq(n, 1500);
			expect_frame(buf, 1500, 100 + got);
			got++;
		}
		cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	}
	cr_assert_eq(got, sent);
	cr_assert_eq(tq_used_idx(&ttx), sent);
	cr_assert_eq(nb.tx_wait, 0);
	cr_assert_eq(nb.st.tx_frames, sent);
	cr_assert_eq(nb.st.errors, 0);
}

Test(net_back, a_frame_held_at_detach_is_sent_once_after_reattach)
{
	int small = 1, more = 0;
	uint8_t buf[4096];
	unsigned int sent, got = 0;
	ssize_t n;

	cr_assert_eq(
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)),
		0);
	sent = fill_tx(0);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(nb.tx_wait, 1);
	/* backd goes away and comes back: a fresh ring view, same memory. */
	net_back_disconnect(&nb);
	cr_assert_eq(vring_back_init(&tx, ttx.ring, ttx.bytes, &pool, QSIZE,
				     ALL_FEATURES, 0),
		     0);
	vring_back_resume(&tx);
	net_back_connect(&nb, &rx, &tx, sv[0]);
	for (int round = 0; round < 100 && got < sent; round++) {
		while ((n = root_recv(buf, sizeof(buf))) > 0) {
			expect_frame(buf, 1500, got);
			got++;
		}
		cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	}
	while ((n = root_recv(buf, sizeof(buf))) > 0)
		got++;
	cr_assert_eq(got, sent, "frames lost or sent twice");
}

Test(net_back, a_received_frame_fills_a_posted_buffer)
{
	struct pt_virtio_net_hdr h, want = { .num_buffers = 1 };
	uint8_t got[SLOT];
	int more = 0;

	guest_post(0, SLOT);
	root_send(3, 98);
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 1);
	cr_assert_eq(tq_used(&trx, 0).id, 0);
	cr_assert_eq(tq_used(&trx, 0).len, NET_HDR_LEN + 98);
	vring_pool_read(&pool, RX_AREA, &h, sizeof(h));
	cr_assert_eq(memcmp(&h, &want, sizeof(h)), 0,
		     "header not zeroed or num_buffers not 1");
	vring_pool_read(&pool, RX_AREA + NET_HDR_LEN, got, 98);
	expect_frame(got, 98, 3);
	/* Past the frame the guest's bytes are untouched. */
	vring_pool_read(&pool, RX_AREA + NET_HDR_LEN + 98, got, 1);
	cr_assert_eq(got[0], 0xaa);
	cr_assert_eq(nb.st.rx_frames, 1);
	cr_assert_eq(nb.st.rx_bytes, 98);
	cr_assert_eq(nb.st.requests, 1);
}

Test(net_back, a_frame_spans_a_chain_of_small_buffers)
{
	uint8_t got[1600];
	int more = 0;

	/* Four writable pieces: 10 + 500 + 500 + 600 bytes. */
	tq_desc(&trx, 0, RX_AREA, 10, W | N, 1);
	tq_desc(&trx, 1, RX_AREA + 2048, 500, W | N, 2);
	tq_desc(&trx, 2, RX_AREA + 4096, 500, W | N, 3);
	tq_desc(&trx, 3, RX_AREA + 6144, 600, W, 0);
	tq_publish(&trx, 0);
	root_send(5, 1500);
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	cr_assert_eq(tq_used(&trx, 0).len, NET_HDR_LEN + 1500);
	/* Reassemble what the guest sees: 10 + 500 + 500 + 502 bytes. */
	uint8_t all[NET_HDR_LEN + 1500];
	vring_pool_read(&pool, RX_AREA, all, 10);
	vring_pool_read(&pool, RX_AREA + 2048, all + 10, 500);
	vring_pool_read(&pool, RX_AREA + 4096, all + 510, 500);
	vring_pool_read(&pool, RX_AREA + 6144, all + 1010, 502);
	memcpy(got, all + NET_HDR_LEN, 1500);
	expect_frame(got, 1500, 5);
}

Test(net_back, no_frame_is_read_without_a_buffer_during_the_grace)
{
	uint8_t got[SLOT];
	int more = 0;

	root_send(1, 60);
	cr_assert_eq(net_back_rx(&nb, 64, 1000, &more), 0);
	cr_assert_eq(nb.rx_nobuf, 1);
	cr_assert_eq(nb.rx_draining, 0);
	cr_assert(net_back_needs_timer(&nb));
	cr_assert_not(net_back_poll_events(&nb) & POLLIN,
		      "would spin on a frame it may not read");
	/* The guest was only busy: a buffer within the grace gets it. */
	cr_assert_eq(net_back_rx(&nb, 64, 1000 + NET_RX_GRACE_MS - 1, &more),
		     0);
	cr_assert_eq(nb.st.rx_dropped, 0);
	guest_post(0, SLOT);
	cr_assert_eq(net_back_rx(&nb, 64, 1000 + NET_RX_GRACE_MS - 1, &more),
		     0);
	cr_assert_eq(tq_used_idx(&trx), 1);
	vring_pool_read(&pool, RX_AREA + NET_HDR_LEN, got, 60);
	expect_frame(got, 60, 1);
	cr_assert_eq(nb.st.rx_dropped, 0);
	/* Out of buffers again: a new grace starts from now. */
	cr_assert_eq(nb.rx_draining, 0);
	cr_assert_eq(nb.rx_stall_at, 1000 + NET_RX_GRACE_MS - 1);
}

Test(net_back, a_guest_that_stops_receiving_is_drained_and_counted)
{
	unsigned int sent = 0, seq = 0;
	uint64_t now = 5000;
	uint8_t got[SLOT];
	char line[512];
	int more = 0;

	root_send(seq++, 60);
	sent++;
	cr_assert_eq(net_back_rx(&nb, 64, now, &more), 0);
	cr_assert_eq(nb.st.rx_dropped, 0);
	now += NET_RX_GRACE_MS;
	cr_assert_eq(net_back_rx(&nb, 64, now, &more), 0);
	cr_assert_eq(nb.rx_draining, 1);
	cr_assert_eq(nb.st.rx_dropped, 1);
	cr_assert(net_back_poll_events(&nb) & POLLIN);
	cr_assert_not(net_back_needs_timer(&nb));
	cr_assert_eq(net_back_note(&nb, now, line, sizeof(line)), 1);
	cr_assert(strstr(line, "1 received frame(s) with no receive buffer"),
		  "%s", line);
	/*
	 * The root keeps sending, as fast as its side takes: 20,000 frames.
	 * It never blocks for long and the back-end keeps nothing.
	 */
	for (int round = 0; sent < 20000 && round < 100000; round++) {
		while (sent < 20000) {
			uint8_t f[200];

			make_frame(f, sizeof(f), seq);
			if (send(sv[1], f, sizeof(f), MSG_DONTWAIT) < 0)
				break;
			seq++;
			sent++;
		}
		more = 0;
		cr_assert_eq(net_back_rx(&nb, 64, ++now, &more), 0);
	}
	while (more) {
		more = 0;
		cr_assert_eq(net_back_rx(&nb, 64, ++now, &more), 0);
	}
	cr_assert_eq(sent, 20000);
	cr_assert_eq(nb.st.rx_dropped, sent, "dropped %lu of %u",
		     (unsigned long)nb.st.rx_dropped, sent);
	cr_assert_eq(nb.st.rx_frames, 0);
	cr_assert_eq(tq_used_idx(&trx), 0);
	/* Rate-limited: no second line within the interval, one after. */
	cr_assert_eq(net_back_note(&nb, now, line, sizeof(line)), 0);
	cr_assert_eq(net_back_note(&nb, now + NET_NOTE_INTERVAL_MS, line,
				   sizeof(line)),
		     1);
	cr_assert(strstr(line, "19999 received frame(s) with no receive"), "%s",
		  line);
	/* The guest comes back: the next frame is delivered again. */
	guest_post(0, SLOT);
	cr_assert_eq(net_back_rx(&nb, 64, ++now, &more), 0);
	cr_assert_eq(nb.rx_draining, 0);
	root_send(77, 60);
	cr_assert_eq(net_back_rx(&nb, 64, ++now, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 1);
	vring_pool_read(&pool, RX_AREA + NET_HDR_LEN, got, 60);
	expect_frame(got, 60, 77);
	cr_assert_eq(nb.st.rx_dropped, sent);
}

Test(net_back, a_buffer_too_small_for_the_frame_comes_back_empty)
{
	uint8_t got[SLOT];
	int more = 0;

	guest_post(0, 100);
	guest_post(1, SLOT);
	root_send(1, 200);
	root_send(2, 88); /* fits 100 exactly, but goes to the next buffer */
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 2);
	cr_assert_eq(tq_used(&trx, 0).id, 0);
	cr_assert_eq(tq_used(&trx, 0).len, 0);
	cr_assert_eq(tq_used(&trx, 1).id, 1);
	cr_assert_eq(tq_used(&trx, 1).len, NET_HDR_LEN + 88);
	vring_pool_read(&pool, RX_AREA + SLOT + NET_HDR_LEN, got, 88);
	expect_frame(got, 88, 2);
	/* The small buffer was not written at all. */
	vring_pool_read(&pool, RX_AREA, got, 100);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(got[i], 0xaa);
	cr_assert_eq(nb.st.rx_dropped, 1);
	cr_assert_eq(nb.st.rx_frames, 1);
	cr_assert_eq(nb.st.requests, 2);
}

Test(net_back, root_frames_of_a_bad_size_are_dropped_and_the_buffer_kept)
{
	uint8_t got[SLOT];
	int more = 0;

	guest_post(0, SLOT);
	root_send(1, PT_VIRTIO_NET_FRAME_MAX + 1);
	root_send(2, 4000);
	root_send(3, 13);
	root_send(4, 64);
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 1);
	cr_assert_eq(tq_used(&trx, 0).len, NET_HDR_LEN + 64);
	vring_pool_read(&pool, RX_AREA + NET_HDR_LEN, got, 64);
	expect_frame(got, 64, 4);
	cr_assert_eq(nb.st.rx_dropped, 3);
}

Test(net_back, the_receive_budget_bounds_a_round)
{
	int more = 0;

	for (uint16_t i = 0; i < 8; i++)
		guest_post(i, SLOT);
	for (unsigned int i = 0; i < 10; i++)
		root_send(i, 60);
	cr_assert_eq(net_back_rx(&nb, 4, 0, &more), 0);
	cr_assert_eq(more, 1);
	cr_assert_eq(tq_used_idx(&trx), 4);
	more = 0;
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 8);
	/* Two frames wait in the TAP: out of buffers, within the grace. */
	cr_assert_eq(nb.rx_nobuf, 1);
	cr_assert_eq(nb.st.rx_dropped, 0);
}

Test(net_back, a_tap_that_goes_away_fails_the_device)
{
	struct pollfd p = { .fd = sv[0], .events = POLLIN };
	int more = 0;

	guest_post(0, SLOT);
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	close(sv[1]);
	sv[1] = -1;
	cr_assert_eq(poll(&p, 1, 1000), 1);
	net_back_polled(&nb, p.revents);
	cr_assert_eq(nb.tap_failed, 1);
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), -EIO);
	cr_assert_eq(net_back_tx(&nb, 64, &more), -EIO);
	cr_assert(strstr(nb.why, "TAP"), "%s", nb.why);
	cr_assert_eq(net_back_poll_events(&nb), 0);
}

Test(net_back, a_write_to_a_dead_tap_fails_the_device)
{
	int more = 0;

	close(sv[1]);
	sv[1] = -1;
	guest_send(0, &plain_hdr, 1, 60);
	cr_assert_eq(net_back_tx(&nb, 64, &more), -EIO);
	cr_assert(strstr(nb.why, "write"), "%s", nb.why);
}

Test(net_back, nothing_moves_while_disconnected)
{
	uint8_t buf[64];
	int more = 0;

	net_back_disconnect(&nb);
	guest_send(0, &plain_hdr, 1, 60);
	guest_post(0, SLOT);
	root_send(1, 60);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(net_back_rx(&nb, 64, 0, &more), 0);
	cr_assert_eq(tx.popped + rx.popped, 0);
	cr_assert_eq(root_recv(buf, sizeof(buf)), -1);
	cr_assert_eq(net_back_poll_events(&nb), 0);
}

/*
 * XSA-432/423 through a real ring: a frame spread over more readable
 * segments than NET_TX_SEGS_MAX. The queue holds 128 descriptors so the
 * ring itself accepts chains that long (and indirect tables of up to 128
 * entries, past NET_TX_SEGS_FATAL); the net layer must drop them, or
 * break the device past the fatal limit.
 */
#define WIDE_QSIZE 128u
#define SPLIT_DATA 0u	       /* header and one-byte pieces: pool page 0 */
#define SPLIT_TABLE 4096u      /* an indirect table: pool page 1 */
#define GOOD_DATA (2u * 4096u) /* a well-formed frame: pool page 2 */

static void setup_wide(void)
{
	setup_sized(WIDE_QSIZE);
}

TestSuite(net_back_split, .init = setup_wide, .fini = teardown);

/*
 * A header and a frame of `pieces` one-byte segments, pieces + 1
 * readable descriptors: from ring slot d onwards, or from an indirect
 * table that slot d names.
 */
static void guest_send_pieces(uint16_t d, unsigned int pieces, int indirect,
			      unsigned int seq)
{
	uint8_t frame[128];
	unsigned int k;

	/* An indirect table of 129 entries fits its pool page. */
	cr_assert(pieces <= sizeof(frame));
	cr_assert(indirect || pieces + 1u < WIDE_QSIZE);
	vring_pool_write(&pool, SPLIT_DATA, &plain_hdr, NET_HDR_LEN);
	make_frame(frame, pieces, seq);
	vring_pool_write(&pool, SPLIT_DATA + NET_HDR_LEN, frame, pieces);
	for (k = 0; k <= pieces; k++) {
		uint64_t off =
			k ? SPLIT_DATA + NET_HDR_LEN + k - 1u : SPLIT_DATA;
		uint32_t len = k ? 1u : NET_HDR_LEN;
		uint16_t flags = k < pieces ? N : 0;

		if (indirect)
			tpool_desc(&pool, SPLIT_TABLE + 16u * k, off, len,
				   flags, (uint16_t)(k + 1u));
		else
			tq_desc(&ttx, (uint16_t)(d + k), off, len, flags,
				(uint16_t)(d + k + 1u));
	}
	if (indirect)
		tq_desc(&ttx, d, SPLIT_TABLE, 16u * (pieces + 1u),
			PT_VRING_DESC_F_INDIRECT, 0);
	tq_publish(&ttx, d);
}

/* A plain 60-byte frame in two descriptors from slot d. */
static void guest_send_good(uint16_t d, unsigned int seq)
{
	uint8_t frame[60];

	vring_pool_write(&pool, GOOD_DATA, &plain_hdr, NET_HDR_LEN);
	make_frame(frame, sizeof(frame), seq);
	vring_pool_write(&pool, GOOD_DATA + 64, frame, sizeof(frame));
	tq_desc(&ttx, d, GOOD_DATA, NET_HDR_LEN, N, (uint16_t)(d + 1u));
	tq_desc(&ttx, (uint16_t)(d + 1u), GOOD_DATA + 64, sizeof(frame), 0, 0);
	tq_publish(&ttx, d);
}

/* The over-split chain at head came back empty, the good one went out. */
static void expect_split_dropped_then_good(uint16_t head, uint16_t good)
{
	uint8_t buf[4096];

	cr_assert_not(tx.broken, "the ring broke: %s", tx.why);
	cr_assert_eq(tq_used_idx(&ttx), 2, "both chains returned");
	cr_assert_eq(tq_used(&ttx, 0).id, head);
	cr_assert_eq(tq_used(&ttx, 0).len, 0);
	cr_assert_eq(tq_used(&ttx, 1).id, good);
	cr_assert_eq(tq_used(&ttx, 1).len, 0);
	cr_assert_eq(nb.st.tx_errors, 1);
	cr_assert_eq(nb.last_bad, NET_TX_TOO_SPLIT);
	cr_assert_eq(nb.st.tx_frames, 1);
	cr_assert_eq(nb.st.tx_bytes, 60);
	cr_assert_eq(nb.st.requests, 2);
	cr_assert_eq(root_recv(buf, sizeof(buf)), 60, "only the good frame");
	expect_frame(buf, 60, 2);
	cr_assert_eq(root_recv(buf, sizeof(buf)), -1);
}

Test(net_back_split, forty_pieces_in_the_ring_are_dropped_not_sent)
{
	int more = 0;

	/* Descriptors 0-40: the header and 40 one-byte pieces. */
	guest_send_pieces(0, 40, 0, 1);
	guest_send_good(50, 2);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(tx.popped, 2);
	expect_split_dropped_then_good(0, 50);
}

Test(net_back_split, forty_pieces_in_an_indirect_table_are_dropped_not_sent)
{
	int more = 0;

	guest_send_pieces(0, 40, 1, 1);
	guest_send_good(50, 2);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(tx.popped, 2);
	expect_split_dropped_then_good(0, 50);
}

/*
 * Past NET_TX_SEGS_FATAL the front-end is hostile (no driver splits a
 * frame so): the queue breaks with the reason and nothing after the
 * chain is taken. Up to it the frame is only dropped.
 */
Test(net_back_split, sixty_five_segments_break_the_device)
{
	uint8_t buf[4096];
	int more = 0;

	/* A header and 64 pieces: an indirect table of 65 entries. */
	guest_send_pieces(0, 64, 1, 5);
	guest_send_good(50, 6);
	cr_assert_eq(net_back_tx(&nb, 64, &more), -EPROTO);
	cr_assert(tx.broken);
	cr_assert_str_eq(tx.why,
			 "head 0: a frame in 65 segments (more than 64)");
	cr_assert_eq(tx.popped, 1, "nothing taken after the hostile chain");
	cr_assert_eq(nb.st.tx_errors, 1);
	cr_assert_eq(nb.last_bad, NET_TX_FATAL_SPLIT);
	cr_assert_eq(root_recv(buf, sizeof(buf)), -1, "nothing sent");
	/* Broken stays broken. */
	cr_assert_eq(net_back_tx(&nb, 64, &more), -EPROTO);
}

/* Writable segments, which transmit never uses, still cost the walk: 40
 * readable and 30 writable are 70 segments, past the fatal limit. */
Test(net_back_split, writable_segments_count_towards_the_fatal_limit)
{
	int more = 0;
	unsigned k;

	vring_pool_write(&pool, SPLIT_DATA, &plain_hdr, NET_HDR_LEN);
	for (k = 0; k < 70; k++)
		tpool_desc(&pool, SPLIT_TABLE + 16u * k,
			   k ? SPLIT_DATA + 64u + k : SPLIT_DATA,
			   k ? 1u : NET_HDR_LEN,
			   (uint16_t)((k < 69 ? N : 0) | (k >= 40 ? W : 0)),
			   (uint16_t)(k + 1u));
	tq_desc(&ttx, 0, SPLIT_TABLE, 16u * 70, PT_VRING_DESC_F_INDIRECT, 0);
	tq_publish(&ttx, 0);
	cr_assert_eq(net_back_tx(&nb, 64, &more), -EPROTO);
	cr_assert_str_eq(tx.why,
			 "head 0: a frame in 70 segments (more than 64)");
	cr_assert_eq(nb.last_bad, NET_TX_FATAL_SPLIT);
}

Test(net_back_split, sixty_four_segments_are_only_dropped)
{
	int more = 0;

	guest_send_pieces(0, 63, 1, 1);
	guest_send_good(50, 2);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(tx.popped, 2);
	expect_split_dropped_then_good(0, 50);
}

Test(net_back_split, the_cap_is_exactly_thirty_two_segments)
{
	uint8_t buf[4096];
	int more = 0;

	/* A header and 31 pieces pass; a header and 32 do not. */
	guest_send_pieces(0, 31, 1, 3);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(root_recv(buf, sizeof(buf)), 31);
	expect_frame(buf, 31, 3);
	guest_send_pieces(0, 32, 1, 4);
	cr_assert_eq(net_back_tx(&nb, 64, &more), 0);
	cr_assert_eq(root_recv(buf, sizeof(buf)), -1);
	cr_assert_eq(tq_used_idx(&ttx), 2);
	cr_assert_eq(tq_used(&ttx, 1).len, 0);
	cr_assert_eq(nb.st.tx_frames, 1);
	cr_assert_eq(nb.st.tx_errors, 1);
	cr_assert_not(tx.broken);
}
