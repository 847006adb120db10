// SPDX-License-Identifier: MIT
/*
 * The console front-end against a back-end on another CPU that answers
 * each receive buffer with an empty entry the moment it is posted again:
 * pt_vq_add is interposed for vconsole.c, so the fake back-end can answer
 * inside the front-end's own harvest loop, as a racing one could. The
 * negotiation and the device's pages are faked: only the rings matter.
 */
#include <criterion/criterion.h>
#include <partita-guest/vconsole.h>
#include <string.h>

static int race_vq_add(struct pt_vq *q, const struct pt_vq_seg *out,
		       unsigned nout, const struct pt_vq_seg *in, unsigned nin,
		       void *cookie);
#define pt_vq_add race_vq_add
#include "../../../pv-guest-lib/console-front/vconsole.c"
#undef pt_vq_add

#define QSIZE PT_VCONSOLE_QUEUE_SIZE
#include "vring-device.h"

static uint8_t rings[2][8192] __attribute__((aligned(4096)));
static uint8_t pool_mem[PT_VCONSOLE_POOL_PAGES * 4096u]
	__attribute__((aligned(4096)));
static struct pt_vconsole con;
static unsigned answers_left, answered; /* the racing back-end's */

/* The real add; then, while armed, the back-end hands the receive buffer
 * straight back, empty. */
static int race_vq_add(struct pt_vq *vq, const struct pt_vq_seg *out,
		       unsigned nout, const struct pt_vq_seg *in, unsigned nin,
		       void *cookie)
{
	int ret = pt_vq_add(vq, out, nout, in, nin, cookie);

	if (!ret && vq == &con.front.dev.vq[RXQ] && answers_left) {
		struct pt_vring_avail *a = ring_avail(rings[RXQ]);

		ring_push(rings[RXQ], a->ring[(uint16_t)(a->idx - 1u) % QSIZE],
			  0);
		answers_left--;
		answered++;
	}
	return ret;
}

/* --- what vconsole.c calls besides the rings, faked --- */

int pt_xenbus_open_self(struct pt_xenbus *xb, const char *type, unsigned n)
{
	memset(xb, 0, sizeof(*xb));
	return 0;
}

int pt_virtio_front_connect(struct pt_virtio_front *f,
			    const struct pt_vdev_config *want,
			    uint64_t features, uint64_t required,
			    uint64_t deadline_ns)
{
	struct pt_vdev *d = &f->dev;

	memset(rings, 0, sizeof(rings));
	d->num_queues = 2;
	d->features = features;
	cr_assert_eq(pt_vpool_init(&d->pool, pool_mem, sizeof(pool_mem)), 0);
	for (unsigned q = 0; q < 2; q++)
		cr_assert_eq(pt_vq_init(&d->vq[q], rings[q], QSIZE, features,
					&d->pool),
			     0);
	d->allocated = 1;
	return 0;
}

int pt_virtio_front_disconnect(struct pt_virtio_front *f, uint64_t deadline_ns)
{
	f->dev.allocated = 0;
	return 0;
}

int pt_vdev_kick(struct pt_vdev *d, unsigned qi)
{
	return 0;
}

int pt_vdev_wait(struct pt_vdev *d, uint64_t deadline_ns)
{
	return 0;
}

void pt_vdev_spurious(struct pt_vdev *d)
{
}

/* Time moves 1 us each time anyone looks. */
static uint64_t now_ns;

uint64_t pt_time_ns(void)
{
	return now_ns += 1000;
}

static void setup(void)
{
	answers_left = answered = 0;
	now_ns = 0;
	cr_assert_eq(pt_vconsole_open(&con, 0, 1), 0);
}

TestSuite(vconsole_race, .init = setup);

Test(vconsole_race, a_backend_answering_every_repost_cannot_hold_the_harvest)
{
	struct pt_vq *rxq = &con.front.dev.vq[RXQ];
	struct pt_vring_avail *a = ring_avail(rings[RXQ]);
	unsigned total;
	int n;

	/* A thousand answers stand in for "for ever". */
	answers_left = 1000;
	ring_push(rings[RXQ], a->ring[0], 0);
	n = harvest(&con);
	cr_expect_leq(n, (int)QSIZE, "at most a queue's worth per harvest");
	cr_expect_leq(answered, QSIZE);
	/* The back-end stops; what it returned is harvested later. */
	answers_left = 0;
	total = (unsigned)n;
	while ((n = harvest(&con)) > 0)
		total += (unsigned)n;
	cr_expect_eq(n, 0);
	cr_expect_eq(total, 1u + answered, "every entry, once");
	cr_expect_eq(pt_vq_in_flight(rxq), PT_VCONSOLE_RX_BUFS,
		     "all posted again");
	cr_expect_eq(con.filled_count, 0);
	cr_expect_null(rxq->broken);
}

/*
 * The same back-end against a read with a deadline: a harvest takes a
 * queue's worth, entries stay pending, and the read must still end at
 * its deadline with nothing read instead of running on for as long as
 * the back-end answers.
 */
Test(vconsole_race, a_backend_answering_every_repost_cannot_hold_a_read)
{
	uint8_t buf[16];
	long n;

	answers_left = 100000;
	ring_push(rings[RXQ], ring_avail(rings[RXQ])->ring[0], 0);
	n = pt_vconsole_read(&con, buf, sizeof(buf), now_ns + 50000);
	cr_assert_eq(n, 0, "nothing was received: %ld", n);
	cr_assert_lt(answered, 100000u, "the read ended at its deadline");
	cr_assert_leq(answered, 60u * QSIZE, "%u answers taken", answered);
}
