/* SPDX-License-Identifier: GPL-2.0-only */
/* A guest's side of rings and pool in local memory, for backd's tests. */
#ifndef PARTITA_BACKD_TEST_UTIL_H
#define PARTITA_BACKD_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "vring-back.h"

/*
 * The pool's pages are allocated one by one so they are not contiguous:
 * code that forgot the page table would read the wrong memory (and the
 * address sanitizer would say so).
 */
static inline void tpool_init(struct vring_pool *p, uint32_t npages)
{
	uint32_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < npages; i++) {
		p->page[i] = aligned_alloc(VRING_POOL_PAGE, VRING_POOL_PAGE);
		memset(p->page[i], 0, VRING_POOL_PAGE);
	}
	p->npages = npages;
}

static inline void tpool_free(struct vring_pool *p)
{
	uint32_t i;

	for (i = 0; i < p->npages; i++)
		free(p->page[i]);
	memset(p, 0, sizeof(*p));
}

/* What the guest's driver writes into a queue's ring pages. */
struct tq {
	uint8_t *ring;
	size_t bytes;
	uint16_t size, avail_idx;
	struct pt_vring_layout l;
};

static inline void tq_init(struct tq *t, uint16_t size)
{
	t->size = size;
	t->l = pt_vring_layout(size);
	t->bytes = (size_t)t->l.pages * 4096u;
	t->ring = aligned_alloc(4096, t->bytes);
	memset(t->ring, 0, t->bytes);
	t->avail_idx = 0;
}

static inline void tq_free(struct tq *t)
{
	free(t->ring);
	t->ring = NULL;
}

static inline void tq_desc(struct tq *t, uint16_t i, uint64_t addr,
			   uint32_t len, uint16_t flags, uint16_t next)
{
	struct pt_vring_desc d = { addr, len, flags, next };

	memcpy(t->ring + t->l.desc + 16u * i, &d, sizeof(d));
}

static inline void tq_set_avail_idx(struct tq *t, uint16_t idx)
{
	t->avail_idx = idx;
	memcpy(t->ring + t->l.avail + 2u, &idx, 2);
}

/* Makes head available in the next slot and publishes the index. */
static inline void tq_publish(struct tq *t, uint16_t head)
{
	memcpy(t->ring + t->l.avail + 4u + 2u * (t->avail_idx % t->size), &head,
	       2);
	tq_set_avail_idx(t, (uint16_t)(t->avail_idx + 1));
}

static inline uint16_t tq_get16(const struct tq *t, uint32_t off)
{
	uint16_t v;

	memcpy(&v, t->ring + off, 2);
	return v;
}

static inline void tq_put16(struct tq *t, uint32_t off, uint16_t v)
{
	memcpy(t->ring + off, &v, 2);
}

static inline uint16_t tq_used_idx(const struct tq *t)
{
	return tq_get16(t, t->l.used + 2u);
}

static inline struct pt_vring_used_elem tq_used(const struct tq *t, uint16_t i)
{
	struct pt_vring_used_elem e;

	memcpy(&e, t->ring + t->l.used + 4u + 8u * (i % t->size), 8);
	return e;
}

/* A descriptor placed in the pool (indirect tables). */
static inline void tpool_desc(struct vring_pool *p, uint64_t off, uint64_t addr,
			      uint32_t len, uint16_t flags, uint16_t next)
{
	struct pt_vring_desc d = { addr, len, flags, next };

	vring_pool_write(p, off, &d, sizeof(d));
}

#define ALL_FEATURES                                    \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) |     \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1))

#endif
