// SPDX-License-Identifier: GPL-2.0-only
/* Virtio split-ring device side: every index, length and hop checked. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vring-back.h"

/*
 * Ring fields are read and written through volatile pointers so that the
 * compiler neither repeats nor merges accesses to memory the guest may
 * change at any moment: each value is fetched once into a local, and only
 * the local is checked and used (the double-fetch defence of XSA-155).
 */
static uint16_t rd16(const struct vring_back *q, uint32_t off)
{
	return *(const volatile uint16_t *)(q->ring + off);
}

static void wr16(struct vring_back *q, uint32_t off, uint16_t v)
{
	*(volatile uint16_t *)(q->ring + off) = v;
}

static void wr32(struct vring_back *q, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(q->ring + off) = v;
}

/* The first violation is the one reported; later ones only fail. */
int vring_back_break(struct vring_back *q, const char *fmt, ...)
{
	va_list ap;

	if (!q->broken) {
		va_start(ap, fmt);
		vsnprintf(q->why, sizeof(q->why), fmt, ap);
		va_end(ap);
		q->broken = 1;
	}
	return -EPROTO;
}

int vring_pool_contains(const struct vring_pool *p, uint64_t off, uint64_t len)
{
	uint64_t bytes = vring_pool_bytes(p);

	/* Never compute off + len: a hostile off near 2^64 would wrap. */
	return len <= bytes && off <= bytes - len;
}

void vring_pool_read(const struct vring_pool *p, uint64_t off, void *dst,
		     size_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint32_t in = (uint32_t)(off % VRING_POOL_PAGE);
		size_t n = VRING_POOL_PAGE - in;

		if (n > len)
			n = len;
		memcpy(d, p->page[off / VRING_POOL_PAGE] + in, n);
		d += n;
		off += n;
		len -= n;
	}
}

void vring_pool_write(const struct vring_pool *p, uint64_t off, const void *src,
		      size_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint32_t in = (uint32_t)(off % VRING_POOL_PAGE);
		size_t n = VRING_POOL_PAGE - in;

		if (n > len)
			n = len;
		memcpy(p->page[off / VRING_POOL_PAGE] + in, s, n);
		s += n;
		off += n;
		len -= n;
	}
}

/* A descriptor of an indirect table: byte by byte, each byte once. */
static void pool_fetch_desc(const struct vring_pool *p, uint64_t off,
			    struct pt_vring_desc *d)
{
	uint8_t raw[sizeof(*d)];
	size_t i;

	for (i = 0; i < sizeof(raw); i++) {
		uint64_t o = off + i;

		raw[i] = *(
			const volatile uint8_t *)(p->page[o / VRING_POOL_PAGE] +
						  o % VRING_POOL_PAGE);
	}
	memcpy(d, raw, sizeof(*d));
}

/* A descriptor of the ring's own table: each field read once. */
static void ring_fetch_desc(const struct vring_back *q, uint16_t i,
			    struct pt_vring_desc *d)
{
	const volatile struct pt_vring_desc *s =
		(const volatile struct pt_vring_desc *)(q->ring + q->l.desc +
							16u * i);

	d->addr = s->addr;
	d->len = s->len;
	d->flags = s->flags;
	d->next = s->next;
}

int vring_back_init(struct vring_back *q, void *ring, size_t ring_bytes,
		    const struct vring_pool *pool, uint32_t size,
		    uint64_t features, uint16_t inflight_max)
{
	memset(q, 0, sizeof(*q));
	if (size == 0 || size > PT_VIRTQ_SIZE_MAX || (size & (size - 1))) {
		vring_back_break(
			q, "queue size %u is not a power of two from 1 to %u",
			size, PT_VIRTQ_SIZE_MAX);
		return -EINVAL;
	}
	q->l = pt_vring_layout(size);
	if (q->l.bytes > ring_bytes) {
		vring_back_break(
			q, "a queue of %u needs %u bytes of ring, %zu mapped",
			size, q->l.bytes, ring_bytes);
		return -EINVAL;
	}
	if (!pool || pool->npages == 0 ||
	    pool->npages > PT_VIRTQ_POOL_PAGES_MAX) {
		vring_back_break(q,
				 "the buffer pool has no pages or more than %u",
				 PT_VIRTQ_POOL_PAGES_MAX);
		return -EINVAL;
	}
	q->ring = ring;
	q->pool = pool;
	q->size = (uint16_t)size;
	q->event_idx = !!(features & PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX));
	q->indirect =
		!!(features & PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC));
	q->inflight_max = inflight_max ? inflight_max : (uint16_t)size;
	return 0;
}

void vring_back_resume(struct vring_back *q)
{
	uint16_t used = rd16(q, q->l.used + 2u);

	q->used_idx = used;
	q->last_avail = used;
	q->inflight = 0;
}

/* Adds one validated segment to the chain being built. */
static int add_seg(struct vring_back *q, struct vring_chain *c,
		   const struct pt_vring_desc *d, const char *where)
{
	unsigned int n = c->nread + c->nwrite;

	if (d->len == 0)
		return vring_back_break(q, "head %u: %s has length 0", c->head,
					where);
	if (!vring_pool_contains(q->pool, d->addr, d->len))
		return vring_back_break(
			q,
			"head %u: %s at pool offset %#llx length %u lies "
			"outside the pool of %llu bytes",
			c->head, where, (unsigned long long)d->addr, d->len,
			(unsigned long long)vring_pool_bytes(q->pool));
	if (n >= q->size)
		return vring_back_break(
			q, "head %u: chain has more than %u segments", c->head,
			q->size);
	if (d->flags & PT_VRING_DESC_F_WRITE) {
		c->nwrite++;
		c->write_bytes += d->len;
	} else {
		if (c->nwrite)
			return vring_back_break(
				q,
				"head %u: %s is device-readable after a "
				"device-writable one",
				c->head, where);
		c->nread++;
		c->read_bytes += d->len;
	}
	c->seg[n].off = d->addr;
	c->seg[n].len = d->len;
	return 0;
}

/* The entries of an indirect table, already checked to lie in the pool. */
static int walk_indirect(struct vring_back *q, struct vring_chain *c,
			 const struct pt_vring_desc *ind)
{
	uint32_t n = ind->len / 16u, i = 0, hops = 0;
	struct pt_vring_desc d;
	char where[48];

	for (;;) {
		if (++hops > n)
			return vring_back_break(
				q,
				"head %u: indirect table of %u entries "
				"loops or chains past its end",
				c->head, n);
		pool_fetch_desc(q->pool, ind->addr + 16u * i, &d);
		if (d.flags & PT_VRING_DESC_F_INDIRECT)
			return vring_back_break(
				q,
				"head %u: indirect table entry %u is "
				"itself indirect (nested tables)",
				c->head, i);
		snprintf(where, sizeof(where), "indirect entry %u", i);
		if (add_seg(q, c, &d, where))
			return -EPROTO;
		if (!(d.flags & PT_VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return vring_back_break(
				q,
				"head %u: indirect entry %u names next %u, "
				"beyond its table of %u",
				c->head, i, d.next, n);
		i = d.next;
	}
}

static int check_indirect(struct vring_back *q, struct vring_chain *c,
			  const struct pt_vring_desc *d, uint16_t i)
{
	if (!q->indirect)
		return vring_back_break(
			q,
			"head %u: descriptor %u is indirect but "
			"INDIRECT_DESC was not negotiated",
			c->head, i);
	if (d->flags & PT_VRING_DESC_F_NEXT)
		return vring_back_break(
			q,
			"head %u: descriptor %u is indirect and has NEXT "
			"set",
			c->head, i);
	if (d->len == 0 || d->len % 16u || d->len > 16u * q->size)
		return vring_back_break(
			q,
			"head %u: indirect table length %u is not a "
			"nonzero multiple of 16 up to %u",
			c->head, d->len, 16u * q->size);
	if (!vring_pool_contains(q->pool, d->addr, d->len))
		return vring_back_break(
			q,
			"head %u: indirect table at pool offset %#llx "
			"length %u lies outside the pool of %llu bytes",
			c->head, (unsigned long long)d->addr, d->len,
			(unsigned long long)vring_pool_bytes(q->pool));
	return walk_indirect(q, c, d);
}

static int walk_chain(struct vring_back *q, struct vring_chain *c)
{
	uint16_t i = c->head;
	uint32_t hops = 0;
	struct pt_vring_desc d;
	char where[32];

	for (;;) {
		if (++hops > q->size)
			return vring_back_break(
				q,
				"head %u: descriptor chain loops or is "
				"longer than the queue (%u)",
				c->head, q->size);
		ring_fetch_desc(q, i, &d);
		if (d.flags & PT_VRING_DESC_F_INDIRECT)
			return check_indirect(q, c, &d, i);
		snprintf(where, sizeof(where), "descriptor %u", i);
		if (add_seg(q, c, &d, where))
			return -EPROTO;
		if (!(d.flags & PT_VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= q->size)
			return vring_back_break(
				q,
				"head %u: descriptor %u names next %u, "
				"beyond the queue size %u",
				c->head, i, d.next, q->size);
		i = d.next;
	}
}

int vring_back_pop(struct vring_back *q, struct vring_chain *c)
{
	uint16_t avail, pending, head;

	if (q->broken)
		return -EPROTO;
	if (q->inflight >= q->inflight_max) {
		q->throttled++;
		return 0;
	}
	avail = rd16(q, q->l.avail + 2u);
	pending = (uint16_t)(avail - q->last_avail);
	if (pending == 0)
		return 0;
	if (pending > q->size)
		return vring_back_break(
			q,
			"available index %u is %u ahead of the %u "
			"consumed, more than the queue size %u",
			avail, pending, q->last_avail, q->size);
	/* The ring entries were written before the index: read them after. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = rd16(q, q->l.avail + 4u + 2u * (q->last_avail % q->size));
	if (head >= q->size)
		return vring_back_break(
			q,
			"available entry %u names head %u, beyond the "
			"queue size %u",
			q->last_avail, head, q->size);
	c->head = head;
	c->nread = c->nwrite = 0;
	c->read_bytes = c->write_bytes = 0;
	if (walk_chain(q, c))
		return -EPROTO;
	q->last_avail++;
	q->inflight++;
	q->popped++;
	return 1;
}

int vring_back_push(struct vring_back *q, uint16_t head, uint32_t len)
{
	uint32_t elem = q->l.used + 4u + 8u * (q->used_idx % q->size);

	if (q->broken)
		return -EPROTO;
	if (q->inflight == 0 || head >= q->size)
		return -EINVAL;
	/* Both fields written in full: nothing of ours is left in the slot. */
	wr32(q, elem, head);
	wr32(q, elem + 4u, len);
	/* The element must be visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	wr16(q, q->l.used + 2u, q->used_idx);
	q->inflight--;
	q->pushed++;
	return 0;
}

int vring_back_need_notify(struct vring_back *q, uint16_t old_used)
{
	if (q->broken)
		return 0;
	/* Our used idx store must be ordered before reading used_event. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx)
		return pt_vring_need_event(rd16(q, q->l.used_event),
					   q->used_idx, old_used);
	if (q->used_idx == old_used)
		return 0;
	return !(rd16(q, q->l.avail) & PT_VRING_AVAIL_F_NO_INTERRUPT);
}

int vring_back_arm(struct vring_back *q)
{
	if (q->broken)
		return 0;
	if (q->event_idx)
		wr16(q, q->l.avail_event, q->last_avail);
	else
		wr16(q, q->l.used, 0);
	/* Publish the request, then look again for buffers added meanwhile. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return rd16(q, q->l.avail + 2u) != q->last_avail;
}

size_t vring_chain_read(const struct vring_back *q, const struct vring_chain *c,
			uint64_t from, void *dst, size_t max)
{
	uint8_t *d = dst;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < c->nread && done < max; i++) {
		uint64_t off = c->seg[i].off;
		size_t n = c->seg[i].len;

		if (from >= n) {
			from -= n;
			continue;
		}
		off += from;
		n -= (size_t)from;
		from = 0;
		if (n > max - done)
			n = max - done;
		vring_pool_read(q->pool, off, d + done, n);
		done += n;
	}
	return done;
}

size_t vring_chain_write(const struct vring_back *q,
			 const struct vring_chain *c, const void *src,
			 size_t len)
{
	const uint8_t *s = src;
	size_t done = 0;
	unsigned int i;

	for (i = c->nread; i < c->nread + c->nwrite && done < len; i++) {
		size_t n = c->seg[i].len;

		if (n > len - done)
			n = len - done;
		vring_pool_write(q->pool, c->seg[i].off, s + done, n);
		done += n;
	}
	return done;
}
