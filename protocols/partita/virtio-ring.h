/* SPDX-License-Identifier: MIT */
/* Virtio 1.x split virtqueues as Partita places them in granted memory. */
#ifndef PARTITA_VIRTIO_RING_H
#define PARTITA_VIRTIO_RING_H

#include "abi-types.h"

/*
 * The structures are virtio 1.x split virtqueues (virtio spec 1.1, 2.6),
 * little-endian as on every Partita CPU. What is Partita's own is where
 * they live and what an address means (docs/split-drivers.md):
 *
 * - Each queue's three parts sit in its own ring pages, which the
 *   front-end grants to the back-end (store key queue-<i>-ring-refs):
 *   the descriptor table at offset 0, the available ring right after it,
 *   the used ring at the next 64-byte boundary (pt_vring_layout()).
 * - Buffers live in the connection's buffer pool: pool-pages frames the
 *   front-end grants once per connection (key pool-refs), seen by the
 *   back-end as one contiguous range in ref order. A descriptor's addr is
 *   a byte offset into that pool, not a guest-physical address; indirect
 *   descriptor tables live in the pool too. The back-end maps the rings
 *   and the pool once per connection: no hypercall per request.
 * - Notifications are one event port per device, both ways, suppressed
 *   with VIRTIO_F_EVENT_IDX (used_event / avail_event below).
 */
#define PT_VIRTQ_SIZE_MAX 256u /* entries; a power of two */
#define PT_VIRTQ_USED_ALIGN 64u
#define PT_VIRTQ_RING_PAGES_MAX 2u    /* enough for PT_VIRTQ_SIZE_MAX */
#define PT_VIRTQ_POOL_PAGES_MAX 1024u /* a device may offer fewer */
#define PT_VIRTQ_QUEUES_MAX 4u

/* struct pt_vring_desc.flags */
#define PT_VRING_DESC_F_NEXT 1u
#define PT_VRING_DESC_F_WRITE 2u    /* the device writes this buffer */
#define PT_VRING_DESC_F_INDIRECT 4u /* addr/len name a descriptor table */

/* struct pt_vring_avail.flags and struct pt_vring_used.flags (ignored
 * when EVENT_IDX is negotiated, as the spec says). */
#define PT_VRING_AVAIL_F_NO_INTERRUPT 1u
#define PT_VRING_USED_F_NO_NOTIFY 1u

/* Feature bits (virtio spec 6): only these transport bits are offered. */
#define PT_VIRTIO_F_INDIRECT_DESC 28u
#define PT_VIRTIO_F_EVENT_IDX 29u
#define PT_VIRTIO_F_VERSION_1 32u
#define PT_VIRTIO_FEATURE(bit) (1ull << (bit))

struct pt_vring_desc {
	uint64_t addr; /* byte offset into the connection's buffer pool */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
PT_ABI_SIZE(struct pt_vring_desc, 16);

/* Followed by ring[size] and, with EVENT_IDX, uint16_t used_event. */
struct pt_vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
PT_ABI_SIZE(struct pt_vring_avail, 4);

struct pt_vring_used_elem {
	uint32_t id;  /* head of the chain that completed */
	uint32_t len; /* bytes the device wrote into it */
};
PT_ABI_SIZE(struct pt_vring_used_elem, 8);

/* Followed by ring[size] and, with EVENT_IDX, uint16_t avail_event. */
struct pt_vring_used {
	uint16_t flags;
	uint16_t idx;
	struct pt_vring_used_elem ring[];
};
PT_ABI_SIZE(struct pt_vring_used, 4);

/* Byte offsets of a queue's parts from the start of its ring pages. */
struct pt_vring_layout {
	uint32_t desc, avail, used_event, used, avail_event, bytes, pages;
};

static inline struct pt_vring_layout pt_vring_layout(uint32_t size)
{
	struct pt_vring_layout l;

	l.desc = 0;
	l.avail = 16u * size;
	l.used_event = l.avail + 4u + 2u * size;
	l.used = (l.used_event + 2u + PT_VIRTQ_USED_ALIGN - 1u) &
		 ~(PT_VIRTQ_USED_ALIGN - 1u);
	l.avail_event = l.used + 4u + 8u * size;
	l.bytes = l.avail_event + 2u;
	l.pages = (l.bytes + 4095u) / 4096u;
	return l;
}

/*
 * The spec's vring_need_event: after moving an index from old to new_idx,
 * notify the other side only if it asked to hear about event_idx, which
 * lies in [old, new_idx). Free-running 16-bit arithmetic.
 */
static inline int pt_vring_need_event(uint16_t event_idx, uint16_t new_idx,
				      uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1u) < (uint16_t)(new_idx - old);
}

#endif
