// SPDX-License-Identifier: MIT
/*
 * The virtio block device in a running guest: negotiation over the
 * store, the request engine on queue 0, sleeping on the device's port,
 * and what happens when the back-end leaves (docs/split-drivers.md
 * sections 5 and 7).
 */
#include <partita-guest/vblk.h>
#include <partita-guest/vpap.h>

#include "string.h"

#define RQ PT_VIRTIO_BLK_REQUEST_QUEUE
/* How long a detach waits for the back-end to unmap the pool. */
#define DETACH_GRACE_NS 5000000000ull
#define NEGOTIATED(b, bit) \
	(!!((b)->front.dev.features & PT_VIRTIO_FEATURE(bit)))

static struct pt_vdev *dev(struct pt_vblk *b)
{
	return &b->front.dev;
}

static int connect(struct pt_vblk *b, uint64_t deadline_ns)
{
	struct pt_vdev_config cfg = {
		.num_queues = PT_VIRTIO_BLK_QUEUES,
		.queue_size = { PT_VBLK_QUEUE_SIZE },
		.pool_pages = PT_VBLK_POOL_PAGES,
	};
	struct pt_vblk_stats kept = b->q.stats;
	struct pt_vblk_info info;
	int ret = pt_virtio_front_connect(&b->front, &cfg, PT_VBLK_FEATURES,
					  PT_VBLK_REQUIRED, deadline_ns);

	if (ret)
		return ret;
	ret = pt_vblk_read_info(&b->front.xb, b->front.offered, &info);
	if (ret) {
		pt_virtio_front_disconnect(&b->front,
					   pt_time_ns() + DETACH_GRACE_NS);
		return ret;
	}
	info.features = dev(b)->features;
	info.flush = NEGOTIATED(b, PT_VIRTIO_BLK_F_FLUSH);
	info.discard = NEGOTIATED(b, PT_VIRTIO_BLK_F_DISCARD);
	info.write_zeroes = NEGOTIATED(b, PT_VIRTIO_BLK_F_WRITE_ZEROES);
	pt_vblk_queue_init(&b->q, &dev(b)->vq[RQ], &dev(b)->pool, &info);
	b->q.stats = kept;
	b->connected = 1;
	b->detached = 0;
	b->closing = 0;
	b->connects++;
	return 0;
}

int pt_vblk_open(struct pt_vblk *b, unsigned n, uint64_t deadline_ns)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->n = n;
	ret = pt_xenbus_open_self(&b->front.xb, PT_XENBUS_TYPE_BLOCK, n);
	if (ret)
		return ret;
	return connect(b, deadline_ns);
}

int pt_vblk_reopen(struct pt_vblk *b, unsigned n, uint64_t deadline_ns)
{
	int ret;

	if (b->connected)
		return -PT_DEV_ESTATE;
	pt_xenbus_close(&b->front.xb);
	b->n = n;
	b->detached = 0;
	ret = pt_xenbus_open_self(&b->front.xb, PT_XENBUS_TYPE_BLOCK, n);
	if (ret)
		return ret;
	return connect(b, deadline_ns);
}

int pt_vblk_submit(struct pt_vblk *b, struct pt_vblk_req *r)
{
	int ret;

	if (!b->connected || b->closing)
		return b->detached || b->closing ? -PT_DEV_ECLOSED
						 : -PT_DEV_ESTATE;
	ret = pt_vblk_queue_submit(&b->q, r);
	if (!ret) {
		r->submitted_tsc = pt_rdtsc();
		pt_vdev_kick(dev(b), RQ);
	}
	return ret;
}

/*
 * The back-end left or broke the ring: what completed is handed back,
 * the rest fails with err, and the device goes Closed with its grants
 * ended (or quarantined). Returns err.
 */
/*
 * A back-end in Closing still serves what it took (split-drivers
 * section 7): let requests in flight complete for real, for a while,
 * rather than fail them with an unknown outcome. Nothing new is
 * submitted meanwhile.
 */
static void drain(struct pt_vblk *b, uint64_t until)
{
	struct pt_vq *q = b->q.vq;

	b->closing = 1;
	while (pt_vq_in_flight(q) && pt_time_ns() < until) {
		int n = pt_vblk_queue_complete(&b->q, 0);

		if (n < 0)
			break;
		if (n || pt_vq_enable_events(q))
			continue;
		pt_vdev_wait(dev(b), until);
	}
}

static int lose_device(struct pt_vblk *b, int err)
{
	if (err == -PT_DEV_ECLOSED &&
	    b->front.xb.be_state == PT_XENBUS_STATE_CLOSING)
		drain(b, pt_time_ns() + DETACH_GRACE_NS);
	pt_vblk_queue_complete(&b->q, 0);
	pt_vblk_queue_fail_all(&b->q, err);
	b->connected = 0;
	b->detached = 1;
	if (err == -PT_DEV_EBROKEN)
		pt_virtio_front_disconnect(&b->front,
					   pt_time_ns() + DETACH_GRACE_NS);
	else
		pt_virtio_front_detach(&b->front,
				       pt_time_ns() + DETACH_GRACE_NS);
	return err;
}

int pt_vblk_poll(struct pt_vblk *b)
{
	int n, ret;

	if (!b->connected)
		return b->detached ? -PT_DEV_ECLOSED : -PT_DEV_ESTATE;
	n = pt_vblk_queue_complete(&b->q, 0);
	if (n == -PT_DEV_EBROKEN)
		return lose_device(b, n);
	ret = pt_virtio_front_check(&b->front);
	if (ret == -PT_DEV_ECLOSED)
		return lose_device(b, ret);
	return n;
}

int pt_vblk_wait(struct pt_vblk *b, uint64_t deadline_ns)
{
	for (;;) {
		uint64_t events;
		int ret = pt_vblk_poll(b);

		if (ret)
			return ret;
		if (pt_vq_enable_events(&dev(b)->vq[RQ]))
			continue; /* arrived meanwhile: no need to sleep */
		events = dev(b)->stats.events;
		b->q.stats.waits++;
		if (!pt_vdev_wait(dev(b), deadline_ns))
			return pt_vblk_poll(b); /* one last look */
		ret = pt_vblk_poll(b);
		if (ret)
			return ret;
		/*
		 * Woken by the store's port (pt_xenbus_wake_add) or
		 * pt_vdev_wake: the caller may have something to look at.
		 * Only our own port's empty wake-ups feed the storm
		 * throttle.
		 */
		if (dev(b)->stats.events == events)
			return 0;
		pt_vdev_spurious(dev(b));
	}
}

int pt_vblk_wait_req(struct pt_vblk *b, struct pt_vblk_req *r,
		     uint64_t deadline_ns)
{
	while (r->state == PT_VBLK_REQ_IN_FLIGHT) {
		int ret = pt_vblk_wait(b, deadline_ns);

		if (r->state == PT_VBLK_REQ_DONE)
			break;
		if (ret < 0)
			return ret;
		if (ret == 0 && deadline_ns && pt_time_ns() >= deadline_ns)
			return -PT_DEV_ETIMEDOUT;
	}
	return r->state == PT_VBLK_REQ_DONE ? r->status : -PT_DEV_EINVAL;
}

/* Submits, waiting for room; then waits for the request. */
static int run(struct pt_vblk *b, struct pt_vblk_req *r)
{
	int ret;

	while ((ret = pt_vblk_submit(b, r)) == -PT_DEV_EAGAIN) {
		/* Full with nothing to wait for: it can never fit. */
		if (!pt_vblk_in_flight(b))
			return ret;
		ret = pt_vblk_wait(b, 0);
		if (ret < 0)
			return ret;
	}
	if (ret)
		return ret;
	return pt_vblk_wait_req(b, r, 0);
}

int pt_vblk_read(struct pt_vblk *b, uint64_t sector, void *buf, uint32_t len)
{
	struct pt_vblk_req r;

	pt_vblk_req_read(&r, sector, buf, len, NULL, NULL);
	return run(b, &r);
}

int pt_vblk_write(struct pt_vblk *b, uint64_t sector, const void *buf,
		  uint32_t len)
{
	struct pt_vblk_req r;

	pt_vblk_req_write(&r, sector, buf, len, NULL, NULL);
	return run(b, &r);
}

int pt_vblk_flush(struct pt_vblk *b)
{
	struct pt_vblk_req r;

	pt_vblk_req_flush(&r, NULL, NULL);
	return run(b, &r);
}

int pt_vblk_discard(struct pt_vblk *b, uint64_t sector, uint64_t sectors)
{
	struct pt_vblk_req r;

	pt_vblk_req_discard(&r, sector, sectors, NULL, NULL);
	return run(b, &r);
}

int pt_vblk_write_zeroes(struct pt_vblk *b, uint64_t sector, uint64_t sectors,
			 int unmap)
{
	struct pt_vblk_req r;

	pt_vblk_req_write_zeroes(&r, sector, sectors, unmap, NULL, NULL);
	return run(b, &r);
}

int pt_vblk_get_id(struct pt_vblk *b, char id[PT_VIRTIO_BLK_ID_BYTES + 1])
{
	struct pt_vblk_req r;
	int ret;

	pt_vblk_req_get_id(&r, id, NULL, NULL);
	ret = run(b, &r);
	id[ret ? 0 : PT_VIRTIO_BLK_ID_BYTES] = 0;
	return ret;
}

void *pt_vblk_buf_alloc(struct pt_vblk *b, uint32_t len)
{
	uint32_t off;

	if (!b->connected || pt_vpool_alloc_aligned(&dev(b)->pool, len,
						    len >= PT_VBLK_DATA_ALIGN
							    ? PT_VBLK_DATA_ALIGN
							    : PT_VPOOL_GRANULE,
						    &off))
		return NULL;
	return pt_vpool_ptr(&dev(b)->pool, off);
}

void pt_vblk_buf_free(struct pt_vblk *b, void *buf, uint32_t len)
{
	uint8_t *base = dev(b)->pool.base, *p = buf;

	if (b->connected && p >= base && p < base + dev(b)->pool.bytes)
		pt_vpool_free(&dev(b)->pool, (uint32_t)(p - base), len);
}

void pt_vblk_get_stats(const struct pt_vblk *b, struct pt_vblk_stats *out)
{
	const struct pt_vdev *d = &b->front.dev;

	*out = b->q.stats;
	out->events = d->stats.events;
	out->spurious = d->stats.spurious;
	out->throttled = d->stats.throttled;
	out->kicks = d->stats.notifies;
	out->kicks_suppressed = b->q.vq ? b->q.vq->stats.kicks_suppressed : 0;
	out->connects = b->connects;
}

int pt_vblk_close(struct pt_vblk *b, uint64_t deadline_ns)
{
	int ret;

	if (!b->connected)
		return 0;
	while (pt_vblk_in_flight(b) &&
	       (!deadline_ns || pt_time_ns() < deadline_ns)) {
		ret = pt_vblk_wait(b, deadline_ns);
		if (ret < 0)
			return ret == -PT_DEV_ECLOSED ? 0 : ret;
	}
	pt_vblk_queue_fail_all(&b->q, -PT_DEV_ECLOSED);
	b->connected = 0;
	/* No deadline still gives the back-end a bounded time to unmap. */
	return pt_virtio_front_disconnect(
		&b->front,
		deadline_ns ? deadline_ns : pt_time_ns() + DETACH_GRACE_NS);
}

int pt_vblk_reconnect(struct pt_vblk *b, uint64_t deadline_ns)
{
	if (b->connected)
		return -PT_DEV_ESTATE;
	return connect(b, deadline_ns);
}
