/* SPDX-License-Identifier: GPL-2.0-only */
/* The device side of a virtio split ring whose driver side is hostile. */
#ifndef PARTITA_BACKD_VRING_BACK_H
#define PARTITA_BACKD_VRING_BACK_H

#include <stddef.h>
#include <stdint.h>

#include <partita/virtio-ring.h>

#define VRING_POOL_PAGE 4096u

/*
 * A connection's buffer pool as this process sees it: the granted frames
 * in ref order. They need not be contiguous here (a grant map call takes
 * at most 64 frames), so every access goes through the page table.
 */
struct vring_pool {
	uint8_t *page[PT_VIRTQ_POOL_PAGES_MAX];
	uint32_t npages;
};

static inline uint64_t vring_pool_bytes(const struct vring_pool *p)
{
	return (uint64_t)p->npages * VRING_POOL_PAGE;
}

/* Is [off, off + len) inside the pool? Overflow-safe for any inputs. */
int vring_pool_contains(const struct vring_pool *p, uint64_t off, uint64_t len);
/* Copies between the pool and local memory; the range must be inside. */
void vring_pool_read(const struct vring_pool *p, uint64_t off, void *dst,
		     size_t len);
void vring_pool_write(const struct vring_pool *p, uint64_t off, const void *src,
		      size_t len);

/* One buffer of a chain: a validated range of the pool. */
struct vring_seg {
	uint64_t off;
	uint32_t len;
};

/*
 * A validated descriptor chain: seg[0 .. nread) the device reads,
 * seg[nread .. nread + nwrite) the device writes, as the spec orders them.
 */
struct vring_chain {
	uint16_t head;
	uint16_t nread, nwrite;
	uint64_t read_bytes, write_bytes;
	struct vring_seg seg[PT_VIRTQ_SIZE_MAX];
};

struct vring_back {
	uint8_t *ring; /* the queue's mapped ring pages (shared, hostile) */
	const struct vring_pool *pool;
	struct pt_vring_layout l;
	uint16_t size;
	uint16_t last_avail; /* the next available entry to consume */
	uint16_t used_idx;   /* what we last wrote to used->idx */
	uint16_t inflight;   /* popped, not yet pushed */
	uint16_t inflight_max;
	uint8_t event_idx, indirect, broken;
	uint64_t popped, pushed, throttled;
	char why[192]; /* why the ring is broken: one line */
};

/*
 * Sets up q over ring memory of ring_bytes and the pool; size must be a
 * power of two up to PT_VIRTQ_SIZE_MAX whose layout fits ring_bytes.
 * features are the negotiated ones (EVENT_IDX, INDIRECT_DESC are used).
 * Returns 0, or -EINVAL with q->why saying what was wrong.
 */
int vring_back_init(struct vring_back *q, void *ring, size_t ring_bytes,
		    const struct vring_pool *pool, uint32_t size,
		    uint64_t features, uint16_t inflight_max);

/*
 * Starts consuming where the used ring says the device stopped: a fresh
 * ring (used idx 0) and a re-attach after a restart are the same case.
 * Chains available but never used are fetched again.
 */
void vring_back_resume(struct vring_back *q);

/*
 * Fetches and validates the next available chain into *c: 1 when one
 * was fetched, 0 when none is available or the in-flight limit is
 * reached, -EPROTO when the ring is broken (q->why says why; every later
 * call fails the same way).
 */
int vring_back_pop(struct vring_back *q, struct vring_chain *c);

/*
 * Breaks the queue for a violation its device found above the ring (a
 * net frame no driver would send, say): -EPROTO, q->why set as for a
 * ring violation, and every later pop fails the same way.
 */
int vring_back_break(struct vring_back *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Returns a popped chain to the driver with len bytes written into it. */
int vring_back_push(struct vring_back *q, uint16_t head, uint32_t len);

/*
 * After pushes that moved used idx from old_used: must the driver be
 * notified? With EVENT_IDX, only if it asked for an index just passed.
 */
int vring_back_need_notify(struct vring_back *q, uint16_t old_used);

/*
 * Asks the driver to notify us when it makes buffers available past what
 * we consumed (EVENT_IDX: avail_event), then looks again: returns 1 when
 * buffers arrived meanwhile (consume them instead of sleeping).
 */
int vring_back_arm(struct vring_back *q);

/*
 * Copies at most max of a chain's readable bytes, starting `from` bytes
 * into them, out to dst; returns the count.
 */
size_t vring_chain_read(const struct vring_back *q, const struct vring_chain *c,
			uint64_t from, void *dst, size_t max);
/* Copies len bytes into the chain's writable part; returns the count. */
size_t vring_chain_write(const struct vring_back *q,
			 const struct vring_chain *c, const void *src,
			 size_t len);

#endif
