/* SPDX-License-Identifier: MIT */
/* The device's side of a test's split ring of QSIZE entries (the includer defines QSIZE). */
#ifndef TEST_VRING_DEVICE_H
#define TEST_VRING_DEVICE_H

#include <partita/virtio-ring.h>
#include <stdint.h>

static inline struct pt_vring_avail *ring_avail(uint8_t *ring)
{
	return (void *)(ring + pt_vring_layout(QSIZE).avail);
}

static inline struct pt_vring_used *ring_used(uint8_t *ring)
{
	return (void *)(ring + pt_vring_layout(QSIZE).used);
}

/* Returns the chain at head `id` as used with `len`, as a back-end does. */
static inline void ring_push(uint8_t *ring, uint32_t id, uint32_t len)
{
	struct pt_vring_used *u = ring_used(ring);

	u->ring[u->idx % QSIZE].id = id;
	u->ring[u->idx % QSIZE].len = len;
	u->idx++;
}

#endif
