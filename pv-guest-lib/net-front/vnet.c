// SPDX-License-Identifier: MIT
/*
 * The virtio network device in a running guest: negotiation over the
 * store, the MAC from the back-end's keys, the queues, sleeping on the
 * device's port and noticing a detach (docs/split-drivers.md section 6).
 */
#include <partita-guest/vnet.h>
#include <partita-guest/vpap.h>

#include "fmt.h"
#include "string.h"

#define RXQ PT_VIRTIO_NET_RX_QUEUE
#define TXQ PT_VIRTIO_NET_TX_QUEUE
#define DETACH_GRACE_NS 5000000000ull

static struct pt_vdev *dev(struct pt_vnet *v)
{
	return &v->front.dev;
}

static int read_keys(struct pt_vnet *v)
{
	struct pt_xenbus *xb = &v->front.xb;
	char mac[32];
	uint64_t mtu = PT_VIRTIO_NET_MTU_DEFAULT;
	int ret = pt_xenbus_read_backend(xb, PT_NET_KEY_MAC, mac, sizeof(mac));

	if (ret)
		return ret;
	if (pt_vnet_parse_mac(mac, v->mac)) {
		fmt_snprintf(xb->why, sizeof(xb->why),
			     "back-end key mac '%s' is not a unicast MAC", mac);
		return -PT_DEV_EBADKEY;
	}
	if (v->front.offered & PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_MTU)) {
		ret = pt_xenbus_read_backend_u64(xb, PT_NET_KEY_MTU, 0, &mtu);
		if (ret)
			return ret;
	}
	/* Our buffers hold PT_VIRTIO_NET_FRAME_MAX: a larger MTU would have
	 * the back-end drop every long frame; 68 is IPv4's floor. */
	if (mtu < 68 || mtu > PT_VIRTIO_NET_MTU_DEFAULT) {
		fmt_snprintf(xb->why, sizeof(xb->why),
			     "back-end mtu %llu outside 68..%u",
			     (unsigned long long)mtu,
			     PT_VIRTIO_NET_MTU_DEFAULT);
		return -PT_DEV_EBADKEY;
	}
	v->mtu = (uint32_t)mtu;
	return 0;
}

static int connect(struct pt_vnet *v, uint64_t deadline_ns)
{
	struct pt_vdev_config cfg = {
		.num_queues = PT_VIRTIO_NET_QUEUES,
		.queue_size = { PT_VNET_QUEUE_SIZE, PT_VNET_QUEUE_SIZE },
		.pool_pages = PT_VNET_POOL_PAGES,
	};
	int ret = pt_virtio_front_connect(&v->front, &cfg, PT_VNET_FEATURES,
					  PT_VNET_REQUIRED, deadline_ns);

	if (ret)
		return ret;
	ret = read_keys(v);
	if (!ret)
		ret = pt_vnet_queues_init(&v->q, &dev(v)->vq[RXQ],
					  &dev(v)->vq[TXQ], &dev(v)->pool);
	if (ret) {
		pt_virtio_front_disconnect(&v->front,
					   pt_time_ns() + DETACH_GRACE_NS);
		return ret;
	}
	pt_vdev_kick(dev(v), RXQ);
	v->connected = 1;
	v->detached = 0;
	v->connects++;
	return 0;
}

int pt_vnet_open(struct pt_vnet *v, unsigned n, uint64_t deadline_ns)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->n = n;
	ret = pt_xenbus_open_self(&v->front.xb, PT_XENBUS_TYPE_NET, n);
	if (ret)
		return ret;
	return connect(v, deadline_ns);
}

static int lose_device(struct pt_vnet *v, int err)
{
	v->connected = 0;
	v->detached = 1;
	v->q.filled_count = 0;
	if (err == -PT_DEV_EBROKEN)
		pt_virtio_front_disconnect(&v->front,
					   pt_time_ns() + DETACH_GRACE_NS);
	else
		pt_virtio_front_detach(&v->front,
				       pt_time_ns() + DETACH_GRACE_NS);
	return err;
}

/*
 * Hands waiting frames to the callback, each copied out first. A send
 * from the callback that has to wait polls again: that poll leaves the
 * frames to this loop rather than nest.
 */
static void deliver(struct pt_vnet *v)
{
	if (v->delivering)
		return;
	v->delivering = 1;
	while (v->rx_fn && v->q.filled_count && v->connected) {
		uint32_t len = pt_vnet_queues_take(&v->q, v->rx_frame,
						   sizeof(v->rx_frame));

		v->rx_fn(v->rx_frame, len, v->rx_ctx);
	}
	v->delivering = 0;
}

int pt_vnet_poll(struct pt_vnet *v)
{
	int reposted = 0, n, ret;
	unsigned backlog;

	if (!v->connected)
		return v->detached ? -PT_DEV_ECLOSED : -PT_DEV_ESTATE;
	n = pt_vnet_queues_harvest(&v->q, &reposted);
	if (n == -PT_DEV_EBROKEN)
		return lose_device(v, n);
	backlog = v->q.filled_count;
	deliver(v);
	if (reposted || backlog != v->q.filled_count)
		pt_vdev_kick(dev(v), RXQ);
	/* The callback may have sent: one notification for all of it. */
	pt_vdev_kick(dev(v), TXQ);
	ret = pt_virtio_front_check(&v->front);
	if (ret == -PT_DEV_ECLOSED)
		return lose_device(v, ret);
	return n;
}

#define WOKE_DEADLINE 0 /* sleep_once: the deadline passed */
#define WOKE_DEVICE 1	/* the device's port fired, or work was there */
#define WOKE_OTHER 2	/* the store's port, or pt_vdev_wake */

/* Sleeps once on the device's port. */
static int sleep_once(struct pt_vnet *v, uint64_t deadline_ns)
{
	uint64_t events;

	/* Either queue may be what we wait for. */
	if (pt_vq_enable_events(&dev(v)->vq[RXQ]) |
	    pt_vq_enable_events(&dev(v)->vq[TXQ]))
		return WOKE_DEVICE;
	events = dev(v)->stats.events;
	if (!pt_vdev_wait(dev(v), deadline_ns))
		return WOKE_DEADLINE;
	return dev(v)->stats.events != events ? WOKE_DEVICE : WOKE_OTHER;
}

/*
 * Polls after a wake-up. Only the device's own port with nothing to
 * harvest feeds the storm throttle, never the store's (see
 * pt_xenbus_wake_add).
 */
static int poll_after(struct pt_vnet *v, int woke)
{
	int ret = pt_vnet_poll(v);

	if (ret == 0 && woke == WOKE_DEVICE)
		pt_vdev_spurious(dev(v));
	return ret;
}

int pt_vnet_wait(struct pt_vnet *v, uint64_t deadline_ns)
{
	int ret = pt_vnet_poll(v);

	for (;;) {
		int woke;

		if (ret)
			return ret;
		if (!v->rx_fn && v->q.filled_count)
			return (int)v->q.filled_count; /* no sleep: take them */
		woke = sleep_once(v, deadline_ns);
		ret = poll_after(v, woke);
		/* The deadline, or a wake-up that was not for the device
		 * (a store event, pt_vdev_wake): the caller looks around. */
		if (woke != WOKE_DEVICE)
			return ret;
	}
}

int pt_vnet_send(struct pt_vnet *v, const void *frame, uint32_t len,
		 uint64_t deadline_ns)
{
	for (;;) {
		int ret, woke;

		if (!v->connected)
			return v->detached ? -PT_DEV_ECLOSED : -PT_DEV_ESTATE;
		ret = pt_vnet_queues_send(&v->q, frame, len);
		if (!ret) {
			pt_vdev_kick(dev(v), TXQ);
			return 0;
		}
		if (ret != -PT_DEV_EAGAIN)
			return ret;
		ret = pt_vnet_poll(v);
		if (ret < 0)
			return ret;
		if (ret > 0)
			continue; /* something was freed: try again */
		v->q.stats.tx_waits++;
		woke = sleep_once(v, deadline_ns);
		if (woke == WOKE_DEADLINE)
			return -PT_DEV_ETIMEDOUT;
		ret = poll_after(v, woke);
		if (ret < 0)
			return ret;
	}
}

long pt_vnet_recv(struct pt_vnet *v, void *buf, uint32_t cap,
		  uint64_t deadline_ns)
{
	if (v->rx_fn)
		return -PT_DEV_ESTATE;
	int ret = pt_vnet_poll(v);

	for (;;) {
		int woke;

		if (ret < 0)
			return ret;
		if (v->q.filled_count) {
			long len = pt_vnet_queues_take(&v->q, buf, cap);

			pt_vdev_kick(dev(v), RXQ);
			return len;
		}
		woke = sleep_once(v, deadline_ns);
		ret = poll_after(v, woke);
		if (woke != WOKE_DEVICE && ret >= 0 && !v->q.filled_count)
			return 0;
	}
}

void pt_vnet_set_rx_handler(struct pt_vnet *v, pt_vnet_rx_fn fn, void *ctx)
{
	v->rx_fn = fn;
	v->rx_ctx = ctx;
}

void pt_vnet_get_stats(const struct pt_vnet *v, struct pt_vnet_stats *out)
{
	const struct pt_vdev *d = &v->front.dev;

	*out = v->q.stats;
	out->events = d->stats.events;
	out->spurious = d->stats.spurious;
	out->throttled = d->stats.throttled;
	out->kicks = d->stats.notifies;
	out->kicks_suppressed = 0;
	for (unsigned i = 0; i < d->num_queues; i++)
		out->kicks_suppressed += d->vq[i].stats.kicks_suppressed;
	out->connects = v->connects;
}

int pt_vnet_close(struct pt_vnet *v, uint64_t deadline_ns)
{
	if (!v->connected)
		return 0;
	v->connected = 0;
	v->q.filled_count = 0;
	return pt_virtio_front_disconnect(
		&v->front,
		deadline_ns ? deadline_ns : pt_time_ns() + DETACH_GRACE_NS);
}

int pt_vnet_reconnect(struct pt_vnet *v, uint64_t deadline_ns)
{
	if (v->connected)
		return -PT_DEV_ESTATE;
	return connect(v, deadline_ns);
}
