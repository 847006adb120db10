// SPDX-License-Identifier: MIT
/*
 * The hostile front-end's raw chains: descriptors written by hand into a
 * connected device's ring, bypassing every check the library would make,
 * and the used entry (if any) read back; plus event floods.
 */
#include <partita-guest/guest.h>

#include "fmt.h"
#include "hostile.h"
#include "string.h"

static void put(volatile struct pt_vring_desc *d, const struct hostile_seg *s,
		uint16_t flags, uint16_t next)
{
	d->addr = s->addr;
	d->len = s->len;
	d->flags = flags;
	d->next = next;
}

/* Publishes head, kicks, and waits for the back-end's used entry. */
static void publish_and_wait(struct pt_vdev *d, struct pt_vq *q, uint16_t head,
			     uint64_t timeout_ns, struct hostile_used *u)
{
	uint64_t deadline = pt_time_ns() + timeout_ns;

	memset(u, 0, sizeof(*u));
	q->avail->ring[q->avail_idx & (q->size - 1u)] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail_idx++;
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	/* Ask for an event at the next used entry, then ring. */
	*q->used_event = q->last_used;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pt_call_evtchn_send(d->port);
	while (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) ==
	       q->last_used) {
		if (pt_time_ns() >= deadline || hostile_stopping())
			return;
		pt_vdev_wait(d, deadline);
	}
	u->answered = 1;
	u->id = q->used->ring[q->last_used & (q->size - 1u)].id;
	u->len = q->used->ring[q->last_used & (q->size - 1u)].len;
	q->last_used++;
}

void hostile_chain(struct pt_vdev *d, unsigned qi, const struct hostile_seg *s,
		   unsigned n, uint64_t timeout_ns, struct hostile_used *u)
{
	struct pt_vq *q = &d->vq[qi];

	for (unsigned i = 0; i < n && i < q->size; i++) {
		int more = i + 1 < n;

		put(&q->desc[i], &s[i],
		    (uint16_t)(s[i].flags | (more ? PT_VRING_DESC_F_NEXT : 0)),
		    (uint16_t)(more ? i + 1 : 0));
	}
	publish_and_wait(d, q, 0, timeout_ns, u);
}

void hostile_chain_indirect(struct pt_vdev *d, unsigned qi,
			    const struct hostile_seg *s, unsigned n,
			    uint32_t table, uint64_t timeout_ns,
			    struct hostile_used *u)
{
	struct pt_vq *q = &d->vq[qi];
	volatile struct pt_vring_desc *t = pt_vpool_ptr(&d->pool, table);
	struct hostile_seg ts = { table, n * 16u, 0 };

	for (unsigned i = 0; i < n; i++) {
		int more = i + 1 < n;

		put(&t[i], &s[i],
		    (uint16_t)(s[i].flags | (more ? PT_VRING_DESC_F_NEXT : 0)),
		    (uint16_t)(more ? i + 1 : 0));
	}
	put(&q->desc[0], &ts, PT_VRING_DESC_F_INDIRECT, 0);
	publish_and_wait(d, q, 0, timeout_ns, u);
}

void hostile_backend_says(struct pt_xenbus *xb, char *buf, unsigned cap)
{
	char broken[96];
	uint32_t state = 0;
	int ret = pt_xenbus_backend_state(xb, &state);

	if (ret) {
		fmt_snprintf(buf, cap, "back-end state unreadable (%s)",
			     pt_dev_strerror(ret));
		return;
	}
	if (pt_xenbus_read_backend(xb, PT_XENBUS_KEY_BROKEN, broken,
				   sizeof(broken)))
		broken[0] = 0;
	fmt_snprintf(buf, cap, "back-end state %u%s%s", state,
		     broken[0] ? ", broken: " : "", broken);
}

uint64_t hostile_event_flood(struct pt_vdev *d, uint64_t secs)
{
	uint64_t end = pt_time_ns() + secs * HOSTILE_SEC, sends = 0;

	while (pt_time_ns() < end && !hostile_stopping()) {
		for (unsigned i = 0; i < 256; i++)
			pt_call_evtchn_send(d->port);
		sends += 256;
	}
	return sends;
}
