/* SPDX-License-Identifier: GPL-2.0-only */
/* A guest's virtio-blk driver side in local memory, for backd's tests. */
#ifndef PARTITA_BACKD_BLK_TEST_UTIL_H
#define PARTITA_BACKD_BLK_TEST_UTIL_H

#include <partita/virtio-blk.h>

#include "backd-test-util.h"

/* One buffer of a request: pool offset, length, device-writable? */
struct tseg {
	uint64_t off;
	uint32_t len;
	int w;
};

/*
 * A pool whose pages lie next to each other, as one grant map call of
 * backd's maps them (the iovecs of a request then stay few).
 */
static inline uint8_t *tpool_init_contig(struct vring_pool *p, uint32_t npages)
{
	uint8_t *mem = aligned_alloc(VRING_POOL_PAGE,
				     (size_t)npages * VRING_POOL_PAGE);
	uint32_t i;

	memset(mem, 0, (size_t)npages * VRING_POOL_PAGE);
	memset(p, 0, sizeof(*p));
	for (i = 0; i < npages; i++)
		p->page[i] = mem + (size_t)i * VRING_POOL_PAGE;
	p->npages = npages;
	return mem;
}

/* Writes segs as a chain from descriptor `first` on; returns the head. */
static inline uint16_t tb_chain(struct tq *t, uint16_t first,
				const struct tseg *segs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t flags = segs[i].w ? PT_VRING_DESC_F_WRITE : 0;

		if (i + 1 < n)
			flags |= PT_VRING_DESC_F_NEXT;
		tq_desc(t, (uint16_t)((first + i) % t->size), segs[i].off,
			segs[i].len, flags,
			(uint16_t)((first + i + 1) % t->size));
	}
	return first;
}

/* The same through an indirect table at pool offset table (one slot). */
static inline uint16_t tb_indirect(struct tq *t, struct vring_pool *p,
				   uint16_t slot, uint64_t table,
				   const struct tseg *segs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t flags = segs[i].w ? PT_VRING_DESC_F_WRITE : 0;

		if (i + 1 < n)
			flags |= PT_VRING_DESC_F_NEXT;
		tpool_desc(p, table + 16u * i, segs[i].off, segs[i].len, flags,
			   (uint16_t)(i + 1));
	}
	tq_desc(t, slot, table, 16u * n, PT_VRING_DESC_F_INDIRECT, 0);
	return slot;
}

static inline void tb_hdr(struct vring_pool *p, uint64_t off, uint32_t type,
			  uint64_t sector)
{
	struct pt_virtio_blk_req_hdr h = { type, 0, sector };

	vring_pool_write(p, off, &h, sizeof(h));
}

static inline void tb_range(struct vring_pool *p, uint64_t off, uint64_t sector,
			    uint32_t num, uint32_t flags)
{
	struct pt_virtio_blk_discard_wz r = { sector, num, flags };

	vring_pool_write(p, off, &r, sizeof(r));
}

#define BLK_ALL_FEATURES                                           \
	(ALL_FEATURES | PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_FLUSH) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_DISCARD) |              \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_WRITE_ZEROES))

#endif
