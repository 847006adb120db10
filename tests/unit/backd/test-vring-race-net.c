// SPDX-License-Identifier: GPL-2.0-only
/* XSA-155 double-fetch tests of net transmit: a thread rewrites header and lengths as frames go out. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backd-test-util.h"
#include "net-back.h"
#include "race-test-util.h"

#define N PT_VRING_DESC_F_NEXT
#define QSIZE 8u
#define PAGES 4u
#define POOL_END ((uint64_t)PAGES * VRING_POOL_PAGE)
#define FRAME 60u
/* The frame byte the guest flips, and its two values (one bit apart). */
#define FLIPPED 20u
#define BYTE_A 0x5au
#define BYTE_B 0x5bu

/*
 * Flipped values are chosen as race-test-util.h says. A frame is only
 * ever 60 bytes here, and it sits where the pool's exact allocations
 * make any longer read trip the address sanitizer.
 */
static struct vring_pool pool;
static struct tq t;
static struct vring_back tx;
static struct net_back nb;
static int sv[2] = { -1, -1 }; /* sv[0] the back-end's "TAP", sv[1] the root */

/* A frame whose bytes say where in it they are, as test-net-back.c's. */
static uint8_t frame_byte(size_t i)
{
	return i == FLIPPED ? BYTE_A : (uint8_t)(7u * 31u + i);
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	tpool_init(&pool, PAGES);
	tq_init(&t, QSIZE);
	race_reset();
	/* SEQPACKET keeps frame boundaries, as a TAP does. */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv),
		     0);
	cr_assert_eq(net_back_init(&nb), 0);
}

static void teardown(void)
{
	/* A failed assertion lands here with the guest still flipping. */
	finish();
	net_back_free(&nb);
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	sv[0] = sv[1] = -1;
	tq_free(&t);
	tpool_free(&pool);
}

static void *rdesc(uint16_t i, size_t field)
{
	return t.ring + t.l.desc + 16u * i + field;
}

static void *pool_at(uint64_t off)
{
	return pool.page[off / VRING_POOL_PAGE] + off % VRING_POOL_PAGE;
}

/* The header at pool offset 0 in descriptor 0, the frame at `at` in 1. */
static void guest_frame(uint64_t at)
{
	static const struct pt_virtio_net_hdr plain;
	uint8_t f[FRAME];

	for (size_t i = 0; i < FRAME; i++)
		f[i] = frame_byte(i);
	vring_pool_write(&pool, 0, &plain, NET_HDR_LEN);
	vring_pool_write(&pool, at, f, FRAME);
	tq_desc(&t, 0, 0, NET_HDR_LEN, N, 1);
	tq_desc(&t, 1, at, FRAME, 0, 0);
	/* Every case flips one frame byte: the TAP gets one value or the other. */
	flip(pool_at(at + FLIPPED), 1, BYTE_A, BYTE_B);
}

/*
 * One chain through a fresh queue (the ring may have broken last round)
 * to the TAP: 1 with the frame checked, 0 when nothing came out.
 */
static int transmit_once(void)
{
	uint64_t before = nb.st.tx_frames;
	uint8_t got[4096];
	int more = 0, r;
	ssize_t n;

	tq_put16(&t, t.l.used + 2u, 0);
	tq_set_avail_idx(&t, 0);
	tq_publish(&t, 0);
	cr_assert_eq(vring_back_init(&tx, t.ring, t.bytes, &pool, QSIZE,
				     ALL_FEATURES, 0),
		     0);
	vring_back_resume(&tx);
	net_back_connect(&nb, NULL, &tx, sv[0]);
	r = net_back_tx(&nb, 1, &more);
	cr_assert(r == 0 || r == -EPROTO, "net_back_tx gave %d", r);
	n = recv(sv[1], got, sizeof(got), MSG_DONTWAIT);
	if (n < 0) {
		cr_assert_eq(nb.st.tx_frames, before, "a frame was lost");
		return 0;
	}
	cr_assert_eq(nb.st.tx_frames, before + 1);
	cr_assert_eq(n, FRAME, "a frame of %zd bytes was never checked", n);
	for (size_t i = 0; i < FRAME; i++)
		if (i == FLIPPED)
			cr_assert(got[i] == BYTE_A || got[i] == BYTE_B,
				  "frame byte %#x was never written", got[i]);
		else
			cr_assert_eq(got[i], frame_byte(i),
				     "frame byte %zu is %#x", i, got[i]);
	cr_assert_eq(recv(sv[1], got, sizeof(got), MSG_DONTWAIT), -1,
		     "two frames from one chain");
	return 1;
}

/*
 * Transmits again and again while the flipper runs. Frames must both
 * have gone out and been dropped, or the race never took place and the
 * case proved nothing.
 */
static void race(void)
{
	long long begin = now_ns();
	unsigned long sent = 0, dropped = 0, rounds;

	start();
	for (rounds = 0; racing(begin, rounds, sent && dropped); rounds++) {
		if (transmit_once())
			sent++;
		else
			dropped++;
	}
	finish();
	cr_assert(sent && dropped,
		  "the race did not happen: %lu sent, %lu dropped in %lu "
		  "rounds",
		  sent, dropped, rounds);
}

TestSuite(net_race, .init = setup, .fini = teardown, .timeout = 10);

Test(net_race, header_fields_flip_while_frames_are_taken)
{
	/*
	 * flags and gso_type decide the verdict; the other fields are
	 * ignored without offloads and flip to their extremes too. Only the
	 * 60 frame bytes may reach the TAP, never a header byte.
	 */
	flip(pool_at(0), 1, 0, NET_HDR_F_NEEDS_CSUM);
	flip(pool_at(1), 1, PT_VIRTIO_NET_HDR_GSO_NONE, 0x80);
	flip(pool_at(2), 2, 0, 0xffff);	 /* hdr_len */
	flip(pool_at(4), 2, 0, 0xffff);	 /* gso_size */
	flip(pool_at(6), 2, 0, 0xffff);	 /* csum_start */
	flip(pool_at(8), 2, 0, 0xffff);	 /* csum_offset */
	flip(pool_at(10), 2, 1, 0xffff); /* num_buffers */
	guest_frame(4096);
	race();
}

Test(net_race, a_runt_length_flips_in_while_frames_are_taken)
{
	/* 60 bytes, or 13: one short of an Ethernet header. */
	guest_frame(4096);
	flip(rdesc(1, 8), 4, FRAME, 13);
	race();
}

Test(net_race, lengths_past_the_pool_flip_in_while_frames_are_taken)
{
	/*
	 * The frame ends the pool: any other length overruns it. The
	 * header's 12 or 0x100c (one byte apart, inside the pool) makes a
	 * giant; mixed with the frame's 60 no torn value is a good frame.
	 */
	guest_frame(POOL_END - FRAME);
	flip(rdesc(1, 8), 4, FRAME, 0xffffffffu);
	flip(rdesc(0, 8), 4, NET_HDR_LEN, 0x100c);
	race();
}
