// SPDX-License-Identifier: MIT
/*
 * The virtio console front-end: keeps receive buffers posted on queue 0,
 * copies output into pool buffers on queue 1, and sleeps on the device's
 * event port whenever it has to wait (docs/split-drivers.md section 4).
 */
#include <partita-guest/vconsole.h>
#include <partita-guest/vpap.h> /* pt_time_ns */

#include "string.h"

#define RXQ PT_VIRTIO_CONSOLE_RX_QUEUE
#define TXQ PT_VIRTIO_CONSOLE_TX_QUEUE
#define FEATURES                                    \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC))
#define REQUIRED PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1)

static struct pt_vdev *dev(struct pt_vconsole *c)
{
	return &c->front.dev;
}

/* A transmit buffer's pool range, carried as the chain's cookie. */
static void *tx_cookie(uint32_t off, uint32_t len)
{
	return (void *)(uintptr_t)(((uint64_t)off << 32) | len);
}

static int post_rx(struct pt_vconsole *c, unsigned i)
{
	struct pt_vq_seg in = { c->rx[i].off, PT_VCONSOLE_RX_BUF_SIZE };
	int ret = pt_vq_add(&dev(c)->vq[RXQ], NULL, 0, &in, 1,
			    (void *)(uintptr_t)(i + 1));

	if (!ret)
		c->rx[i].posted = 1;
	return ret;
}

static void push_filled(struct pt_vconsole *c, unsigned i)
{
	c->filled[(c->filled_head + c->filled_count) % PT_VCONSOLE_RX_BUFS] =
		(uint8_t)i;
	c->filled_count++;
}

/* Takes what the back-end finished on both queues. Returns how many
 * entries, or -PT_DEV_EBROKEN. */
static int harvest(struct pt_vconsole *c)
{
	struct pt_vq *rxq = &dev(c)->vq[RXQ], *txq = &dev(c)->vq[TXQ];
	int count = 0, ret = 0, reposted = 0;
	uint32_t len;
	void *cookie;
	/*
	 * At most a queue's worth of receive entries per call: an empty
	 * buffer is posted again inside the loop, and a back-end on another
	 * CPU that hands each one straight back would otherwise keep the
	 * guest here for ever. What is left is harvested next time
	 * (pt_vq_enable_events sees it).
	 */
	unsigned budget = rxq->size;

	while (budget-- && (ret = pt_vq_get_used(rxq, &cookie, &len)) == 1) {
		unsigned i = (unsigned)(uintptr_t)cookie - 1u;

		count++;
		c->rx[i].posted = 0;
		c->rx[i].len = len;
		c->rx[i].pos = 0;
		if (!len) {
			/* Nothing in it: straight back to the back-end. */
			reposted += !post_rx(c, i);
			continue;
		}
		c->rx_bytes += len;
		c->rx_bufs++;
		push_filled(c, i);
	}
	if (ret < 0)
		return ret;
	while ((ret = pt_vq_get_used(txq, &cookie, &len)) == 1) {
		uint64_t v = (uint64_t)(uintptr_t)cookie;

		count++;
		pt_vpool_free(&dev(c)->pool, (uint32_t)(v >> 32), (uint32_t)v);
	}
	if (ret < 0)
		return ret;
	if (reposted)
		pt_vdev_kick(dev(c), RXQ);
	return count;
}

/* Sets the queues up after a connect: every receive buffer posted. */
static int start_queues(struct pt_vconsole *c)
{
	memset(c->rx, 0, sizeof(c->rx));
	c->filled_head = c->filled_count = 0;
	for (unsigned i = 0; i < PT_VCONSOLE_RX_BUFS; i++) {
		int ret = pt_vpool_alloc(&dev(c)->pool, PT_VCONSOLE_RX_BUF_SIZE,
					 &c->rx[i].off);

		if (!ret)
			ret = post_rx(c, i);
		if (ret)
			return ret;
	}
	pt_vdev_kick(dev(c), RXQ);
	c->connected = 1;
	return 0;
}

static int connect(struct pt_vconsole *c, uint64_t deadline_ns)
{
	struct pt_vdev_config cfg = {
		.num_queues = PT_VIRTIO_CONSOLE_QUEUES,
		.queue_size = { PT_VCONSOLE_QUEUE_SIZE,
				PT_VCONSOLE_QUEUE_SIZE },
		.pool_pages = PT_VCONSOLE_POOL_PAGES,
	};
	int ret = pt_virtio_front_connect(&c->front, &cfg, FEATURES, REQUIRED,
					  deadline_ns);

	if (ret)
		return ret;
	ret = start_queues(c);
	if (ret)
		pt_virtio_front_disconnect(&c->front, deadline_ns);
	return ret;
}

int pt_vconsole_open(struct pt_vconsole *c, unsigned n, uint64_t deadline_ns)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->n = n;
	ret = pt_xenbus_open_self(&c->front.xb, PT_XENBUS_TYPE_CONSOLE, n);
	if (ret)
		return ret;
	return connect(c, deadline_ns);
}

int pt_vconsole_poll(struct pt_vconsole *c)
{
	int ret;

	if (!c->connected)
		return -PT_DEV_ESTATE;
	ret = harvest(c);
	return ret < 0 ? ret : 0;
}

/*
 * Sleeps until the back-end signals or the deadline. Returns 1 if woken,
 * 0 at the deadline. A wake-up with nothing to harvest counts towards
 * the storm throttle.
 */
static int wait_for_backend(struct pt_vconsole *c, struct pt_vq *q,
			    uint64_t deadline_ns)
{
	uint64_t events = dev(c)->stats.events;
	int ret;

	/*
	 * Already there: no need to sleep, but the deadline still holds. A
	 * back-end that hands every receive buffer straight back empty keeps
	 * entries pending for ever; harvest() takes a queue's worth at a
	 * time, and this is where its caller's loop must end.
	 */
	if (pt_vq_enable_events(q))
		return !deadline_ns || pt_time_ns() < deadline_ns;
	if (!pt_vdev_wait(dev(c), deadline_ns))
		return 0;
	ret = harvest(c);
	/* Only the device's own port counts towards the storm throttle: a
	 * wake by the store port (pt_xenbus_wake_add) is not the back-end's
	 * doing on this device. */
	if (ret == 0 && dev(c)->stats.events != events)
		pt_vdev_spurious(dev(c));
	return 1;
}

long pt_vconsole_write(struct pt_vconsole *c, const void *buf, size_t len,
		       uint64_t deadline_ns)
{
	const uint8_t *p = buf;
	size_t done = 0;

	if (!c->connected)
		return -PT_DEV_ESTATE;
	while (done < len) {
		uint32_t chunk = len - done > PT_VCONSOLE_TX_CHUNK
					 ? PT_VCONSOLE_TX_CHUNK
					 : (uint32_t)(len - done);
		struct pt_vq_seg out;
		int ret = harvest(c);

		if (ret < 0)
			return done ? (long)done : ret;
		ret = pt_vpool_alloc(&dev(c)->pool, chunk, &out.off);
		if (!ret) {
			out.len = chunk;
			memcpy(pt_vpool_ptr(&dev(c)->pool, out.off), p + done,
			       chunk);
			ret = pt_vq_add(&dev(c)->vq[TXQ], &out, 1, NULL, 0,
					tx_cookie(out.off, chunk));
			if (ret)
				pt_vpool_free(&dev(c)->pool, out.off, chunk);
		}
		if (!ret) {
			done += chunk;
			c->tx_bytes += chunk;
			c->tx_bufs++;
			pt_vdev_kick(dev(c), TXQ);
			continue;
		}
		if (ret != -PT_DEV_EAGAIN)
			return done ? (long)done : ret;
		/* Queue or pool full: the back-end frees them as it reads. */
		c->tx_waits++;
		if (!wait_for_backend(c, &dev(c)->vq[TXQ], deadline_ns))
			return done ? (long)done : -PT_DEV_ETIMEDOUT;
	}
	return (long)done;
}

long pt_vconsole_puts(struct pt_vconsole *c, const char *s,
		      uint64_t deadline_ns)
{
	return pt_vconsole_write(c, s, strlen(s), deadline_ns);
}

/* Copies from filled receive buffers; finished ones are posted again. */
static size_t take_filled(struct pt_vconsole *c, uint8_t *dst, size_t cap)
{
	size_t n = 0;
	int reposted = 0;

	while (n < cap && c->filled_count) {
		unsigned i = c->filled[c->filled_head];
		struct pt_vconsole_rxbuf *b = &c->rx[i];
		uint32_t k = b->len - b->pos;

		if (k > cap - n)
			k = (uint32_t)(cap - n);
		memcpy(dst + n,
		       (uint8_t *)pt_vpool_ptr(&dev(c)->pool, b->off) + b->pos,
		       k);
		n += k;
		b->pos += k;
		if (b->pos < b->len)
			break;
		c->filled_head = (c->filled_head + 1) % PT_VCONSOLE_RX_BUFS;
		c->filled_count--;
		reposted += !post_rx(c, i);
	}
	if (reposted)
		pt_vdev_kick(dev(c), RXQ);
	return n;
}

long pt_vconsole_read(struct pt_vconsole *c, void *buf, size_t cap,
		      uint64_t deadline_ns)
{
	if (!c->connected)
		return -PT_DEV_ESTATE;
	if (!cap)
		return 0;
	for (;;) {
		int ret = harvest(c);

		if (ret < 0)
			return ret;
		if (c->filled_count)
			return (long)take_filled(c, buf, cap);
		if (!wait_for_backend(c, &dev(c)->vq[RXQ], deadline_ns))
			return 0;
	}
}

void pt_vconsole_get_stats(const struct pt_vconsole *c,
			   struct pt_vconsole_stats *out)
{
	const struct pt_vdev *d = &c->front.dev;

	memset(out, 0, sizeof(*out));
	out->tx_bytes = c->tx_bytes;
	out->tx_bufs = c->tx_bufs;
	out->tx_waits = c->tx_waits;
	out->rx_bytes = c->rx_bytes;
	out->rx_bufs = c->rx_bufs;
	out->events = d->stats.events;
	out->spurious = d->stats.spurious;
	out->throttled = d->stats.throttled;
	for (unsigned q = 0; q < d->num_queues; q++) {
		out->kicks += d->vq[q].stats.kicks;
		out->kicks_suppressed += d->vq[q].stats.kicks_suppressed;
	}
	out->connects = c->front.connects;
}

int pt_vconsole_close(struct pt_vconsole *c, uint64_t deadline_ns)
{
	if (!c->connected)
		return 0;
	c->connected = 0;
	c->filled_count = 0;
	return pt_virtio_front_disconnect(&c->front, deadline_ns);
}

int pt_vconsole_reconnect(struct pt_vconsole *c, uint64_t deadline_ns)
{
	if (c->connected)
		return -PT_DEV_ESTATE;
	return connect(c, deadline_ns);
}
