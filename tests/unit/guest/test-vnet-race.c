// SPDX-License-Identifier: MIT
/*
 * The network front-end's queues against a back-end on another CPU that
 * answers each receive buffer the moment it is posted again: pt_vq_add is
 * interposed for vnet-queues.c, so the fake back-end can answer inside the
 * front-end's own harvest loop, as a racing one could.
 */
#include <criterion/criterion.h>
#include <partita-guest/vnet.h>

static int race_vq_add(struct pt_vq *q, const struct pt_vq_seg *out,
		       unsigned nout, const struct pt_vq_seg *in, unsigned nin,
		       void *cookie);
#define pt_vq_add race_vq_add
#include "../../../pv-guest-lib/net-front/vnet-queues.c"
#undef pt_vq_add

#include "vnet-fixture.h"

static unsigned answers_left, answered; /* the racing back-end's */

/* The real add; then, while armed, the back-end hands a receive buffer
 * straight back, too short to hold a frame. */
static int race_vq_add(struct pt_vq *vq, const struct pt_vq_seg *out,
		       unsigned nout, const struct pt_vq_seg *in, unsigned nin,
		       void *cookie)
{
	int ret = pt_vq_add(vq, out, nout, in, nin, cookie);

	if (!ret && vq == &rxq && answers_left) {
		struct pt_vring_avail *a = ring_avail(rxring);

		ring_push(rxring, a->ring[(uint16_t)(a->idx - 1u) % QSIZE], 3);
		answers_left--;
		answered++;
	}
	return ret;
}

static void setup(void)
{
	answers_left = answered = 0;
	vnet_fixture_init();
}

TestSuite(vnet_race, .init = setup);

Test(vnet_race, a_backend_answering_every_repost_cannot_hold_the_harvest)
{
	struct pt_vring_avail *a = ring_avail(rxring);
	unsigned total;
	int n, reposted;

	/* A thousand answers stand in for "for ever". */
	answers_left = 1000;
	ring_push(rxring, a->ring[0], 3);
	n = pt_vnet_queues_harvest(&q, &reposted);
	cr_expect_leq(n, (int)QSIZE, "at most a queue's worth per harvest");
	cr_expect_leq(answered, QSIZE);
	cr_expect(reposted);
	/* The back-end stops; what it returned is harvested later. */
	answers_left = 0;
	total = (unsigned)n;
	while ((n = pt_vnet_queues_harvest(&q, &reposted)) > 0)
		total += (unsigned)n;
	cr_expect_eq(n, 0);
	cr_expect_eq(total, 1u + answered, "every entry, once");
	cr_expect_eq(q.stats.rx_short, total);
	cr_expect_eq(pt_vq_in_flight(&rxq), q.nbufs, "all posted again");
	cr_expect_null(rxq.broken);
}
