// SPDX-License-Identifier: MIT
/*
 * A virtio device's whole negotiation over xenbus (docs/split-drivers.md
 * section 2): features and limits in, rings, pool and port out, and the
 * state walk in both directions.
 */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita-guest/store.h>
#include <partita-guest/xenbus.h>

#include "fmt.h"

#define S(state) (1u << PT_XENBUS_STATE_##state)
#define NUM_LEN 24u

/* The key values, built before the one transaction that publishes them. */
#define POOL_REF_KEYS                                                   \
	((PT_VIRTQ_POOL_PAGES_MAX + PT_XENBUS_POOL_REFS_PER_KEY - 1u) / \
	 PT_XENBUS_POOL_REFS_PER_KEY)

struct front_keys {
	char port[NUM_LEN], features[NUM_LEN], nq[NUM_LEN], pool_pages[NUM_LEN];
	char qsize[PT_VIRTQ_QUEUES_MAX][NUM_LEN];
	char qrefs[PT_VIRTQ_QUEUES_MAX][NUM_LEN * PT_VIRTQ_RING_PAGES_MAX];
	char qsize_key[PT_VIRTQ_QUEUES_MAX][NUM_LEN];
	char qrefs_key[PT_VIRTQ_QUEUES_MAX][NUM_LEN];
	/* Up to five decimal digits and a space per ref. */
	char pool_refs[POOL_REF_KEYS][PT_XENBUS_POOL_REFS_PER_KEY * 6u];
	char pool_refs_key[POOL_REF_KEYS][NUM_LEN];
	struct pt_xenbus_kv kv[4 + POOL_REF_KEYS + 2 * PT_VIRTQ_QUEUES_MAX];
};

/* Brings a front-end left in some other state back to Initialising. */
static int restart_front(struct pt_xenbus *xb)
{
	int ret = 0;

	if (xb->state == PT_XENBUS_STATE_INITIALISING)
		return 0;
	if (xb->state != PT_XENBUS_STATE_CLOSED &&
	    xb->state != PT_XENBUS_STATE_CLOSING)
		ret = pt_xenbus_switch(xb, PT_XENBUS_STATE_CLOSING);
	if (!ret && xb->state == PT_XENBUS_STATE_CLOSING)
		ret = pt_xenbus_switch(xb, PT_XENBUS_STATE_CLOSED);
	if (!ret)
		ret = pt_xenbus_switch(xb, PT_XENBUS_STATE_INITIALISING);
	return ret;
}

static int read_offer(struct pt_virtio_front *f)
{
	uint64_t qmax, pmax;
	int ret;

	ret = pt_xenbus_read_backend_u64(&f->xb, PT_XENBUS_KEY_DEVICE_FEATURES,
					 1, &f->offered);
	if (!ret)
		ret = pt_xenbus_read_backend_u64(
			&f->xb, PT_XENBUS_KEY_MAX_QUEUE_SIZE, 0, &qmax);
	if (!ret)
		ret = pt_xenbus_read_backend_u64(
			&f->xb, PT_XENBUS_KEY_MAX_POOL_PAGES, 0, &pmax);
	if (ret)
		return ret;
	if (!qmax || !pmax) {
		fmt_snprintf(f->xb.why, sizeof(f->xb.why),
			     "back-end offers empty queues or pool");
		return -PT_DEV_EBADKEY;
	}
	f->max_queue_size =
		qmax > PT_VIRTQ_SIZE_MAX ? PT_VIRTQ_SIZE_MAX : (uint32_t)qmax;
	f->max_pool_pages = pmax > PT_VIRTQ_POOL_PAGES_MAX
				    ? PT_VIRTQ_POOL_PAGES_MAX
				    : (uint32_t)pmax;
	return 0;
}

static unsigned build_keys(struct pt_virtio_front *f, struct front_keys *k)
{
	struct pt_vdev *d = &f->dev;
	unsigned n = 0;

	fmt_snprintf(k->port, NUM_LEN, "%u", d->port);
	fmt_snprintf(k->features, NUM_LEN, "%llx",
		     (unsigned long long)d->features);
	fmt_snprintf(k->nq, NUM_LEN, "%u", d->num_queues);
	fmt_snprintf(k->pool_pages, NUM_LEN, "%u", d->pool_pages);
	k->kv[n++] =
		(struct pt_xenbus_kv){ PT_XENBUS_KEY_EVENT_CHANNEL, k->port };
	k->kv[n++] = (struct pt_xenbus_kv){ PT_XENBUS_KEY_DRIVER_FEATURES,
					    k->features };
	k->kv[n++] = (struct pt_xenbus_kv){ PT_XENBUS_KEY_NUM_QUEUES, k->nq };
	for (unsigned q = 0; q < d->num_queues; q++) {
		fmt_snprintf(k->qsize_key[q], NUM_LEN, "queue-%u-size", q);
		fmt_snprintf(k->qrefs_key[q], NUM_LEN, "queue-%u-ring-refs", q);
		fmt_snprintf(k->qsize[q], NUM_LEN, "%u", d->queue_size[q]);
		pt_xenbus_format_refs(k->qrefs[q], sizeof(k->qrefs[q]),
				      d->ring_refs[q], d->ring_pages[q]);
		k->kv[n++] =
			(struct pt_xenbus_kv){ k->qsize_key[q], k->qsize[q] };
		k->kv[n++] =
			(struct pt_xenbus_kv){ k->qrefs_key[q], k->qrefs[q] };
	}
	k->kv[n++] = (struct pt_xenbus_kv){ PT_XENBUS_KEY_POOL_PAGES,
					    k->pool_pages };
	/* Groups of refs, each short enough for one store value. */
	for (unsigned g = 0; g * PT_XENBUS_POOL_REFS_PER_KEY < d->pool_pages;
	     g++) {
		unsigned first = g * PT_XENBUS_POOL_REFS_PER_KEY;
		unsigned count = d->pool_pages - first;

		if (count > PT_XENBUS_POOL_REFS_PER_KEY)
			count = PT_XENBUS_POOL_REFS_PER_KEY;
		if (g == 0)
			fmt_snprintf(k->pool_refs_key[g], NUM_LEN, "%s",
				     PT_XENBUS_KEY_POOL_REFS);
		else
			fmt_snprintf(k->pool_refs_key[g], NUM_LEN, "%s-%u",
				     PT_XENBUS_KEY_POOL_REFS, g);
		pt_xenbus_format_refs(k->pool_refs[g], sizeof(k->pool_refs[g]),
				      d->pool_refs + first, count);
		k->kv[n++] = (struct pt_xenbus_kv){ k->pool_refs_key[g],
						    k->pool_refs[g] };
	}
	return n;
}

/* The wanted shape shrunk to what the back-end accepts. */
static int fit_config(struct pt_virtio_front *f,
		      const struct pt_vdev_config *want,
		      struct pt_vdev_config *cfg)
{
	*cfg = *want;
	cfg->backend_id = f->xb.backend_id;
	for (unsigned q = 0; q < cfg->num_queues && q < PT_VIRTQ_QUEUES_MAX;
	     q++)
		cfg->queue_size[q] = (uint16_t)pt_xenbus_pow2_floor(
			want->queue_size[q], f->max_queue_size);
	if (cfg->pool_pages > f->max_pool_pages)
		cfg->pool_pages = f->max_pool_pages;
	return 0;
}

/* Tells the back-end we give up, and takes our pages back. */
static void abandon(struct pt_virtio_front *f, uint64_t deadline_ns)
{
	if (f->xb.state != PT_XENBUS_STATE_INITIALISING)
		pt_xenbus_switch(&f->xb, PT_XENBUS_STATE_CLOSING);
	pt_vdev_release(&f->dev, deadline_ns);
}

int pt_virtio_front_connect(struct pt_virtio_front *f,
			    const struct pt_vdev_config *want,
			    uint64_t features, uint64_t required,
			    uint64_t deadline_ns)
{
	static struct front_keys keys; /* one connect at a time */
	struct pt_vdev_config cfg;
	uint64_t negotiated;
	unsigned n;
	int ret;

	if (!f->xb.ops)
		return -PT_DEV_ENOSTORE;
	if (f->dev.allocated)
		return -PT_DEV_ESTATE;
	ret = restart_front(&f->xb);
	if (!ret)
		ret = pt_xenbus_wait_backend(&f->xb, S(INIT_WAIT), 0,
					     deadline_ns, NULL);
	if (!ret)
		ret = read_offer(f);
	if (ret)
		return ret;
	negotiated = features & f->offered;
	if (required & ~negotiated) {
		fmt_snprintf(f->xb.why, sizeof(f->xb.why),
			     "back-end offers %llx, we need %llx",
			     (unsigned long long)f->offered,
			     (unsigned long long)required);
		return -PT_DEV_EFEATURES;
	}
	fit_config(f, want, &cfg);
	ret = pt_vdev_alloc(&f->dev, &cfg, deadline_ns);
	if (!ret)
		ret = pt_vdev_start(&f->dev, negotiated);
	if (ret) {
		fmt_snprintf(f->xb.why, sizeof(f->xb.why),
			     "rings, pool or port: %s (status 0x%x)",
			     pt_dev_strerror(ret), -f->dev.detail);
		pt_vdev_release(&f->dev, deadline_ns);
		return ret;
	}
	n = build_keys(f, &keys);
	ret = pt_xenbus_publish(&f->xb, keys.kv, n,
				PT_XENBUS_STATE_INITIALISED);
	/* Before the last state read: a later event is then never missed
	 * by pt_virtio_front_check. */
	f->store_activity = pt_store_activity();
	f->store_events = pt_store_event_count();
	if (!ret)
		ret = pt_xenbus_wait_backend(&f->xb, S(CONNECTED),
					     S(CLOSING) | S(CLOSED),
					     deadline_ns, NULL);
	if (!ret)
		ret = pt_xenbus_switch(&f->xb, PT_XENBUS_STATE_CONNECTED);
	if (ret) {
		abandon(f, deadline_ns);
		return ret;
	}
	f->connects++;
	pt_xenbus_wake_add(&f->dev);
	return 0;
}

int pt_virtio_front_disconnect(struct pt_virtio_front *f, uint64_t deadline_ns)
{
	int ret = 0, rel;

	if (f->xb.state != PT_XENBUS_STATE_CLOSING &&
	    f->xb.state != PT_XENBUS_STATE_CLOSED &&
	    f->xb.state != PT_XENBUS_STATE_INITIALISING)
		ret = pt_xenbus_switch(&f->xb, PT_XENBUS_STATE_CLOSING);
	/* The back-end unmaps when it leaves Connected; if it is gone or
	 * slow, ending the grants below tells us (and quarantines). */
	if (!ret)
		ret = pt_xenbus_wait_backend(&f->xb,
					     S(CLOSING) | S(CLOSED) |
						     S(INIT_WAIT) | S(UNKNOWN) |
						     S(INITIALISING),
					     0, deadline_ns, NULL);
	pt_xenbus_wake_remove(&f->dev);
	rel = pt_vdev_release(&f->dev, deadline_ns);
	if (f->xb.state == PT_XENBUS_STATE_CLOSING) {
		int r = pt_xenbus_switch(&f->xb, PT_XENBUS_STATE_CLOSED);

		if (!ret)
			ret = r;
	}
	return rel ? rel : ret;
}

/* Takes every queued watch event without waiting. */
static void drain_events(void)
{
	char path[PT_XENBUS_PATH_MAX + 32], token[64];

	while (!pt_store_wait_event(path, sizeof(path), token, sizeof(token),
				    0))
		;
}

/* xb.why for a back-end that left Connected, with its reason if any. */
static void say_closed(struct pt_virtio_front *f, uint32_t state)
{
	char broken[80];

	if (pt_xenbus_read_backend(&f->xb, PT_XENBUS_KEY_BROKEN, broken,
				   sizeof(broken)))
		broken[0] = 0;
	fmt_snprintf(f->xb.why, sizeof(f->xb.why), "back-end state %u%s%s",
		     state, broken[0] ? ", broken: " : "", broken);
	f->xb.detail = (int)state;
}

int pt_virtio_front_check(struct pt_virtio_front *f)
{
	uint32_t activity = pt_store_activity(), state;
	uint64_t events;
	int ret;

	if (activity == f->store_activity)
		return 0;
	f->store_activity = activity;
	drain_events();
	events = pt_store_event_count();
	if (events == f->store_events)
		return 0; /* replies only: nothing watched changed */
	f->store_events = events;
	ret = pt_xenbus_backend_state(&f->xb, &state);
	if (ret == -PT_DEV_ENODEV) {
		fmt_snprintf(f->xb.why, sizeof(f->xb.why),
			     "back-end directory %s is gone", f->xb.back);
		return -PT_DEV_ECLOSED;
	}
	if (ret) {
		/* Not an answer: make the next call read the state again. */
		f->store_events = events - 1;
		return ret;
	}
	if (state == PT_XENBUS_STATE_CONNECTED)
		return 0;
	say_closed(f, state);
	return -PT_DEV_ECLOSED;
}

int pt_virtio_front_detach(struct pt_virtio_front *f, uint64_t deadline_ns)
{
	int ret = 0, rel;

	pt_xenbus_wake_remove(&f->dev);
	if (f->xb.state != PT_XENBUS_STATE_CLOSING &&
	    f->xb.state != PT_XENBUS_STATE_CLOSED)
		ret = pt_xenbus_switch(&f->xb, PT_XENBUS_STATE_CLOSING);
	/* A directory the toolstack already removed cannot be written:
	 * the grants still have to end. */
	if (!ret && f->xb.state == PT_XENBUS_STATE_CLOSING)
		ret = pt_xenbus_switch(&f->xb, PT_XENBUS_STATE_CLOSED);
	rel = pt_vdev_release(&f->dev, deadline_ns);
	return rel ? rel : ret;
}
