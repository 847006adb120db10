// SPDX-License-Identifier: MIT
/*
 * The driver side of one split virtqueue: chains in, used entries out,
 * with the back-end treated as untrusted (docs/split-drivers.md).
 */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita-guest/virtio.h>

#define DESC_BYTES ((uint32_t)sizeof(struct pt_vring_desc))

int pt_vq_init(struct pt_vq *q, void *ring, uint16_t size, uint64_t features,
	       struct pt_vpool *pool)
{
	struct pt_vring_layout l;
	uint8_t *r = ring;

	if (!ring || !pool || !size || size > PT_VIRTQ_SIZE_MAX ||
	    (size & (size - 1u)))
		return -PT_DEV_EINVAL;
	l = pt_vring_layout(size);
	memset(q, 0, sizeof(*q));
	q->size = size;
	q->desc = (volatile struct pt_vring_desc *)(r + l.desc);
	q->avail = (volatile struct pt_vring_avail *)(r + l.avail);
	q->used_event = (volatile uint16_t *)(r + l.used_event);
	q->used = (volatile struct pt_vring_used *)(r + l.used);
	q->avail_event = (volatile uint16_t *)(r + l.avail_event);
	q->event_idx = !!(features & PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX));
	q->indirect =
		!!(features & PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC));
	q->pool = pool;
	/* The free list lives here, never in the shared table, where the
	 * back-end could rewrite it. */
	for (uint16_t i = 0; i < size; i++)
		q->next[i] = (uint16_t)(i + 1u);
	q->num_free = size;
	/* Events are wanted from the first used entry on. */
	*q->used_event = 0;
	q->avail->flags = 0;
	return 0;
}

static int seg_ok(const struct pt_vpool *p, const struct pt_vq_seg *s)
{
	return s->len && s->off < p->bytes && s->len <= p->bytes - s->off;
}

static void put_desc(volatile struct pt_vring_desc *d,
		     const struct pt_vq_seg *s, uint16_t flags, uint16_t next)
{
	d->addr = s->off;
	d->len = s->len;
	d->flags = flags;
	d->next = next;
}

/* Segment i of the chain (out[] first, then in[]) and its WRITE flag. */
static const struct pt_vq_seg *chain_seg(const struct pt_vq_seg *out,
					 unsigned nout,
					 const struct pt_vq_seg *in, unsigned i,
					 uint16_t *flags)
{
	*flags = i < nout ? 0 : PT_VRING_DESC_F_WRITE;
	return i < nout ? &out[i] : &in[i - nout];
}

/* Writes the indirect table into the pool; the head points at it. */
static void add_indirect(struct pt_vq *q, uint16_t head, uint32_t table,
			 const struct pt_vq_seg *out, unsigned nout,
			 const struct pt_vq_seg *in, unsigned n)
{
	volatile struct pt_vring_desc *t =
		(volatile struct pt_vring_desc *)pt_vpool_ptr(q->pool, table);
	struct pt_vq_seg ts = { table, n * DESC_BYTES };

	for (unsigned i = 0; i < n; i++) {
		uint16_t flags;
		const struct pt_vq_seg *s = chain_seg(out, nout, in, i, &flags);

		if (i + 1 < n)
			flags |= PT_VRING_DESC_F_NEXT;
		put_desc(&t[i], s, flags, (uint16_t)(i + 1 < n ? i + 1 : 0));
	}
	put_desc(&q->desc[head], &ts, PT_VRING_DESC_F_INDIRECT, 0);
	q->free_head = q->next[head];
	q->num_free--;
}

/* Takes n ring descriptors off the free list, linked in list order. */
static void add_direct(struct pt_vq *q, uint16_t head,
		       const struct pt_vq_seg *out, unsigned nout,
		       const struct pt_vq_seg *in, unsigned n)
{
	uint16_t idx = head;

	for (unsigned i = 0; i < n; i++) {
		uint16_t flags;
		const struct pt_vq_seg *s = chain_seg(out, nout, in, i, &flags);
		int more = i + 1 < n;

		put_desc(&q->desc[idx], s,
			 (uint16_t)(flags | (more ? PT_VRING_DESC_F_NEXT : 0)),
			 more ? q->next[idx] : 0);
		idx = q->next[idx];
	}
	q->free_head = idx;
	q->num_free = (uint16_t)(q->num_free - n);
}

int pt_vq_add(struct pt_vq *q, const struct pt_vq_seg *out, unsigned nout,
	      const struct pt_vq_seg *in, unsigned nin, void *cookie)
{
	unsigned n = nout + nin;
	uint64_t wlen = 0;
	uint32_t table = 0;
	int use_indirect = 0;
	struct pt_vq_head *h;
	uint16_t head;

	if (q->broken)
		return -PT_DEV_EBROKEN;
	if (!n || n > q->size || n < nout)
		return -PT_DEV_EINVAL;
	for (unsigned i = 0; i < nout; i++)
		if (!seg_ok(q->pool, &out[i]))
			return -PT_DEV_EINVAL;
	for (unsigned i = 0; i < nin; i++) {
		if (!seg_ok(q->pool, &in[i]))
			return -PT_DEV_EINVAL;
		wlen += in[i].len;
	}
	if (wlen > UINT32_MAX)
		return -PT_DEV_EINVAL;
	if (!q->num_free)
		return -PT_DEV_EAGAIN;
	if (q->indirect && n > 1)
		use_indirect = !pt_vpool_alloc(q->pool, n * DESC_BYTES, &table);
	if (!use_indirect && q->num_free < n)
		return -PT_DEV_EAGAIN;

	head = q->free_head;
	h = &q->heads[head];
	h->cookie = cookie;
	h->wlen = (uint32_t)wlen;
	h->ind_off = table;
	h->ind_n = (uint16_t)(use_indirect ? n : 0);
	h->ndesc = (uint16_t)(use_indirect ? 1 : n);
	h->busy = 1;
	if (use_indirect) {
		add_indirect(q, head, table, out, nout, in, n);
		q->stats.indirect++;
	} else {
		add_direct(q, head, out, nout, in, n);
	}
	q->avail->ring[q->avail_idx & (q->size - 1u)] = head;
	/* Descriptors and the ring slot before the index that publishes
	 * them (the spec's write barrier). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail_idx++;
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	q->in_flight++;
	q->stats.added++;
	return 0;
}

int pt_vq_kick_prepare(struct pt_vq *q)
{
	uint16_t old = q->kick_idx, now = q->avail_idx;
	int need;

	/* The index store must be visible before we read what the
	 * back-end asked for, or both sides may wait for the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->kick_idx = now;
	if (old == now)
		need = 0;
	else if (q->event_idx)
		need = pt_vring_need_event(*q->avail_event, now, old);
	else
		need = !(q->used->flags & PT_VRING_USED_F_NO_NOTIFY);
	if (need)
		q->stats.kicks++;
	else if (old != now)
		q->stats.kicks_suppressed++;
	return need;
}

/* Puts a finished chain's descriptors and table back. */
static void chain_free(struct pt_vq *q, uint16_t head)
{
	struct pt_vq_head *h = &q->heads[head];
	uint16_t last = head;

	for (uint16_t i = 1; i < h->ndesc; i++)
		last = q->next[last];
	q->next[last] = q->free_head;
	q->free_head = head;
	q->num_free = (uint16_t)(q->num_free + h->ndesc);
	if (h->ind_n)
		pt_vpool_free(q->pool, h->ind_off, h->ind_n * DESC_BYTES);
	h->busy = 0;
	h->cookie = NULL;
	h->ind_n = 0;
	q->in_flight--;
}

static int vq_break(struct pt_vq *q, const char *why)
{
	q->broken = why;
	return -PT_DEV_EBROKEN;
}

int pt_vq_get_used(struct pt_vq *q, void **cookie, uint32_t *len)
{
	uint16_t uidx, slot;
	uint32_t id, ulen;
	struct pt_vq_head *h;

	if (q->broken)
		return -PT_DEV_EBROKEN;
	uidx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
	if (uidx == q->last_used)
		return 0;
	if ((uint16_t)(uidx - q->last_used) > q->in_flight)
		return vq_break(q, "used index ran ahead of the chains in "
				   "flight");
	/* Each field read once into a local; only the copy is judged. */
	slot = q->last_used & (uint16_t)(q->size - 1u);
	id = q->used->ring[slot].id;
	ulen = q->used->ring[slot].len;
	if (id >= q->size)
		return vq_break(q, "used id beyond the queue size");
	h = &q->heads[id];
	if (!h->busy)
		return vq_break(q, "used id is not a chain in flight");
	if (ulen > h->wlen)
		return vq_break(q, "used length beyond the chain's writable "
				   "bytes");
	*cookie = h->cookie;
	*len = ulen;
	chain_free(q, (uint16_t)id);
	q->last_used++;
	q->stats.completed++;
	if (q->event_idx)
		*q->used_event = q->last_used;
	return 1;
}

int pt_vq_enable_events(struct pt_vq *q)
{
	if (q->event_idx)
		*q->used_event = q->last_used;
	else
		q->avail->flags = 0;
	/* Our request before the re-check, or an entry that arrives in
	 * between is missed and nobody wakes us. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) != q->last_used;
}

int pt_vq_detach(struct pt_vq *q, void **cookie)
{
	for (uint16_t i = 0; i < q->size; i++) {
		if (!q->heads[i].busy)
			continue;
		*cookie = q->heads[i].cookie;
		chain_free(q, i);
		return 1;
	}
	return 0;
}

int pt_evlimit_hit(struct pt_evlimit *l, uint64_t now)
{
	if (now < l->window_start || now - l->window_start >= l->window_ns) {
		l->window_start = now;
		l->in_window = 0;
	}
	if (l->in_window <= l->limit)
		l->in_window++;
	return l->in_window > l->limit;
}
