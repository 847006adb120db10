// SPDX-License-Identifier: GPL-2.0-only
/* One device's back-end: negotiation, connect, teardown, queues, counters. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita/events.h>

#include "backd.h"

static int dev_read(struct backd *d, const char *dir, const char *key,
		    char **value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return d->ops->read(d->ops->ctx, path, value);
}

int backd_dev_read(struct backd *d, const struct backd_dev *dev,
		   const char *key, char **value)
{
	return dev_read(d, dev->be, key, value);
}

int backd_dev_write(struct backd *d, struct backd_dev *dev, const char *key,
		    const char *fmt, ...)
{
	char path[256], value[256];
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dev->be, key);
	err = d->ops->write(d->ops->ctx, path, value);
	if (err)
		backd_log(d, dev, "cannot write %s: %s", key, strerror(-err));
	return err;
}

static int set_state(struct backd *d, struct backd_dev *dev, int state)
{
	int err = backd_dev_write(d, dev, PT_XENBUS_KEY_STATE, "%d", state);

	if (!err) {
		if (d->verbose)
			backd_log(d, dev, "state %s", xb_state_name(state));
		dev->back_state = state;
	}
	return err;
}

/* Reads a state key: a PT_XENBUS_STATE_* value or XB_STATE_*. */
static int read_state(struct backd *d, const char *path)
{
	char *v = NULL;
	int err = d->ops->read(d->ops->ctx, path, &v), st;

	if (err)
		return XB_STATE_MISSING;
	st = xb_parse_state(v);
	free(v);
	return st;
}

/* Everything a connection holds, released in reverse; safe to repeat. */
static void detach(struct backd *d, struct backd_dev *dev)
{
	unsigned int i;

	if (dev->kind->disconnect)
		dev->kind->disconnect(d, dev);
	if (dev->port) {
		d->ops->unbind(d->ops->ctx, dev->port);
		dev->port = 0;
	}
	for (i = 0; i < dev->npool_maps; i++)
		d->ops->unmap(d->ops->ctx, &dev->pool_maps[i]);
	dev->npool_maps = 0;
	memset(&dev->pool, 0, sizeof(dev->pool));
	for (i = 0; i < PT_VIRTQ_QUEUES_MAX; i++) {
		if (dev->rings[i].addr)
			d->ops->unmap(d->ops->ctx, &dev->rings[i]);
		memset(&dev->rings[i], 0, sizeof(dev->rings[i]));
		memset(&dev->q[i], 0, sizeof(dev->q[i]));
	}
	if (dev->attached && d->verbose)
		backd_log(d, dev, "released rings, pool and port");
	dev->attached = 0;
}

static void breaks(struct backd *d, struct backd_dev *dev, const char *why)
{
	if (why != dev->why)
		snprintf(dev->why, sizeof(dev->why), "%s", why);
	backd_log(d, dev, "broken: %s", dev->why);
	detach(d, dev);
	backd_dev_write(d, dev, PT_XENBUS_KEY_BROKEN, "%s", dev->why);
	backd_dev_write_stats(d, dev, 1);
	set_state(d, dev, PT_XENBUS_STATE_CLOSING);
}

/* A front-end key that must be a number up to max: 0 or a reason. */
static int fe_u32(struct backd *d, struct backd_dev *dev, const char *key,
		  uint32_t min, uint32_t max, uint32_t *out)
{
	char *v = NULL;
	int err = dev_read(d, dev->fe, key, &v);

	if (err) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key %s is missing", key);
		return -EINVAL;
	}
	err = xb_parse_u32(v, max, out);
	if (err || *out < min) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key %s = '%.40s' is not a number from %u "
			 "to %u",
			 key, v, min, max);
		free(v);
		return -EINVAL;
	}
	free(v);
	return 0;
}

static int fe_refs(struct backd *d, struct backd_dev *dev, const char *key,
		   uint32_t *refs, uint32_t want)
{
	char *v = NULL;
	uint32_t n = 0;
	int err = dev_read(d, dev->fe, key, &v);

	if (err) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key %s is missing", key);
		return -EINVAL;
	}
	err = xb_parse_refs(v, refs, want, &n);
	if (err || n != want) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key %s = '%.40s' is not %u grant refs "
			 "separated by single spaces",
			 key, v, want);
		free(v);
		return -EINVAL;
	}
	free(v);
	return 0;
}

/* The pool's refs, read group by group (xenbus.h). */
static int fe_pool_refs(struct backd *d, struct backd_dev *dev, uint32_t *refs,
			uint32_t pages)
{
	for (uint32_t g = 0; g * PT_XENBUS_POOL_REFS_PER_KEY < pages; g++) {
		uint32_t first = g * PT_XENBUS_POOL_REFS_PER_KEY;
		uint32_t count = pages - first;
		char key[32];

		if (count > PT_XENBUS_POOL_REFS_PER_KEY)
			count = PT_XENBUS_POOL_REFS_PER_KEY;
		if (g == 0)
			snprintf(key, sizeof(key), "%s",
				 PT_XENBUS_KEY_POOL_REFS);
		else
			snprintf(key, sizeof(key), "%s-%u",
				 PT_XENBUS_KEY_POOL_REFS, g);
		if (fe_refs(d, dev, key, refs + first, count))
			return -EINVAL;
	}
	return 0;
}

static int fe_features(struct backd *d, struct backd_dev *dev)
{
	char *v = NULL;
	int err = dev_read(d, dev->fe, PT_XENBUS_KEY_DRIVER_FEATURES, &v);

	if (err) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key driver-features is missing");
		return -EINVAL;
	}
	if (xb_parse_hex64(v, &dev->features) ||
	    (dev->features & ~dev->offered) ||
	    !(dev->features & PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1))) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key driver-features = '%.40s' is not hex, "
			 "not a subset of the offer %llx or lacks VERSION_1",
			 v, (unsigned long long)dev->offered);
		free(v);
		return -EINVAL;
	}
	free(v);
	return 0;
}

static int map_failed(struct backd *d, struct backd_dev *dev, const char *what,
		      int err)
{
	const char *e = d->ops->error ? d->ops->error(d->ops->ctx) : NULL;

	snprintf(dev->why, sizeof(dev->why), "cannot map the %s: %s", what,
		 e && *e ? e : strerror(-err));
	return -EINVAL;
}

/* Maps the pool in calls of at most BACKD_MAP_MAX grants. */
static int map_pool(struct backd *d, struct backd_dev *dev,
		    const uint32_t *refs, uint32_t pages)
{
	uint32_t done = 0, i;
	int err;

	while (done < pages) {
		struct backd_map *m = &dev->pool_maps[dev->npool_maps];
		uint32_t n = pages - done < BACKD_MAP_MAX ? pages - done
							  : BACKD_MAP_MAX;

		err = d->ops->map(d->ops->ctx, dev->domid, refs + done, n, m);
		if (err)
			return map_failed(d, dev, "buffer pool", err);
		dev->npool_maps++;
		for (i = 0; i < n; i++)
			dev->pool.page[done + i] = (uint8_t *)m->addr +
						   (size_t)i * VRING_POOL_PAGE;
		done += n;
	}
	dev->pool.npages = pages;
	return 0;
}

static int map_queue(struct backd *d, struct backd_dev *dev, unsigned int i)
{
	uint32_t refs[PT_VIRTQ_RING_PAGES_MAX], size;
	struct pt_vring_layout l;
	char key[32];
	int err;

	snprintf(key, sizeof(key), "queue-%u-size", i);
	if (fe_u32(d, dev, key, 1, PT_VIRTQ_SIZE_MAX, &size))
		return -EINVAL;
	if (size & (size - 1)) {
		snprintf(dev->why, sizeof(dev->why),
			 "front-end key %s = %u is not a power of two", key,
			 size);
		return -EINVAL;
	}
	l = pt_vring_layout(size);
	snprintf(key, sizeof(key), "queue-%u-ring-refs", i);
	if (fe_refs(d, dev, key, refs, l.pages))
		return -EINVAL;
	err = d->ops->map(d->ops->ctx, dev->domid, refs, l.pages,
			  &dev->rings[i]);
	if (err) {
		memset(&dev->rings[i], 0, sizeof(dev->rings[i]));
		snprintf(key, sizeof(key), "ring of queue %u", i);
		return map_failed(d, dev, key, err);
	}
	if (vring_back_init(&dev->q[i], dev->rings[i].addr,
			    (size_t)l.pages * VRING_POOL_PAGE, &dev->pool, size,
			    dev->features, d->inflight_max)) {
		snprintf(dev->why, sizeof(dev->why), "queue %u: %s", i,
			 dev->q[i].why);
		return -EINVAL;
	}
	vring_back_resume(&dev->q[i]);
	return 0;
}

/*
 * Reads the front-end's keys, maps its rings and pool and binds its port.
 * On failure everything taken is released and dev->why says what was wrong.
 */
static int attach(struct backd *d, struct backd_dev *dev)
{
	const struct backd_kind *k = dev->kind;
	uint32_t refs[PT_VIRTQ_POOL_PAGES_MAX], nq, pages;
	char sizes[64] = "", more[160] = "";
	unsigned int i;
	int err;

	if (fe_u32(d, dev, PT_XENBUS_KEY_EVENT_CHANNEL, 1, PT_EVTCHN_PORTS - 1,
		   &dev->remote_port) ||
	    fe_features(d, dev) ||
	    fe_u32(d, dev, PT_XENBUS_KEY_NUM_QUEUES, k->nqueues, k->nqueues,
		   &nq) ||
	    fe_u32(d, dev, PT_XENBUS_KEY_POOL_PAGES, 1, k->max_pool_pages,
		   &pages) ||
	    fe_pool_refs(d, dev, refs, pages))
		return -EINVAL;
	if (map_pool(d, dev, refs, pages))
		goto fail;
	for (i = 0; i < nq; i++)
		if (map_queue(d, dev, i))
			goto fail;
	err = d->ops->bind(d->ops->ctx, dev->domid, dev->remote_port,
			   &dev->port);
	if (err) {
		const char *e =
			d->ops->error ? d->ops->error(d->ops->ctx) : NULL;

		dev->port = 0;
		snprintf(dev->why, sizeof(dev->why),
			 "cannot bind to event port %u: %s", dev->remote_port,
			 e && *e ? e : strerror(-err));
		goto fail;
	}
	if (k->connect && k->connect(d, dev))
		goto fail;
	dev->attached = 1;
	for (i = 0; i < nq; i++)
		snprintf(sizes + strlen(sizes), sizeof(sizes) - strlen(sizes),
			 "%s%u", i ? "/" : "", dev->q[i].size);
	if (k->describe)
		k->describe(dev, more, sizeof(more));
	backd_log(d, dev,
		  "attached: port %u (guest's %u), %u pool pages, queues "
		  "%s, features %" PRIx64 "%s",
		  dev->port, dev->remote_port, pages, sizes, dev->features,
		  more);
	return 0;

fail:
	detach(d, dev);
	return -EINVAL;
}

static void offer(struct backd *d, struct backd_dev *dev)
{
	char path[160];

	/* A new connection starts without the last one's verdict. */
	snprintf(path, sizeof(path), "%s/%s", dev->be, PT_XENBUS_KEY_BROKEN);
	d->ops->rm(d->ops->ctx, path);
	dev->why[0] = 0;
	dev->offered = dev->kind->features;
	if (dev->kind->offer && dev->kind->offer(d, dev)) {
		/* Its keys or its backing are wrong: not offered again. */
		dev->offer_failed = 1;
		breaks(d, dev, dev->why);
		return;
	}
	backd_dev_write(d, dev, PT_XENBUS_KEY_DEVICE_FEATURES, "%llx",
			(unsigned long long)dev->offered);
	backd_dev_write(d, dev, PT_XENBUS_KEY_MAX_QUEUE_SIZE, "%u",
			PT_VIRTQ_SIZE_MAX);
	backd_dev_write(d, dev, PT_XENBUS_KEY_MAX_POOL_PAGES, "%u",
			dev->kind->max_pool_pages);
	set_state(d, dev, PT_XENBUS_STATE_INIT_WAIT);
}

static void log_resume(struct backd *d, struct backd_dev *dev)
{
	char idx[64] = "";
	unsigned int i;

	for (i = 0; i < dev->kind->nqueues; i++)
		snprintf(idx + strlen(idx), sizeof(idx) - strlen(idx), "%s%u",
			 i ? "/" : "", dev->q[i].used_idx);
	backd_log(d, dev, "re-attached, resuming at used index %s", idx);
}

/* Applies one step; returns 1 if the machine should be asked again. */
static int apply(struct backd *d, struct backd_dev *dev, struct xb_step s)
{
	switch (s.action) {
	case XB_NONE:
		return 0;
	case XB_OFFER:
		if (dev->offer_failed)
			return 0;
		offer(d, dev);
		return dev->back_state == PT_XENBUS_STATE_INIT_WAIT;
	case XB_CONNECT:
		if (attach(d, dev)) {
			breaks(d, dev, dev->why);
			return 0;
		}
		if (set_state(d, dev, PT_XENBUS_STATE_CONNECTED)) {
			detach(d, dev);
			return 0;
		}
		backd_dev_service(d, dev, &(int){ 0 });
		return 0;
	case XB_ATTACH:
		/* Connected in the store by an earlier backd: resume. */
		if (attach(d, dev)) {
			breaks(d, dev, dev->why);
			return 0;
		}
		log_resume(d, dev);
		backd_dev_service(d, dev, &(int){ 0 });
		/* Whatever we missed while away: look at the rings now. */
		if (dev->port)
			d->ops->notify(d->ops->ctx, dev->port);
		return 0;
	case XB_CLOSING:
		detach(d, dev);
		if (dev->back_state != PT_XENBUS_STATE_CLOSING)
			set_state(d, dev, PT_XENBUS_STATE_CLOSING);
		return 0;
	case XB_CLOSED:
		detach(d, dev);
		if (dev->back_state != PT_XENBUS_STATE_CLOSING &&
		    dev->back_state != PT_XENBUS_STATE_CLOSED)
			set_state(d, dev, PT_XENBUS_STATE_CLOSING);
		set_state(d, dev, PT_XENBUS_STATE_CLOSED);
		return 0;
	case XB_REINIT:
		detach(d, dev);
		if (dev->offer_failed)
			return 0;
		backd_log(d, dev, "front-end started again");
		offer(d, dev);
		return dev->back_state == PT_XENBUS_STATE_INIT_WAIT;
	case XB_GONE:
		detach(d, dev);
		return 0;
	case XB_BROKEN:
		breaks(d, dev, s.why);
		return 0;
	case XB_DRAIN:
		/* Rings stay: what the guest has in flight still completes. */
		backd_log(d, dev, "detach asked: closing");
		set_state(d, dev, PT_XENBUS_STATE_CLOSING);
		return 0;
	}
	return 0;
}

/* Has the toolstack asked for the device to go (online = "0")? */
static int read_offline(struct backd *d, struct backd_dev *dev)
{
	char *v = NULL;
	int off;

	if (dev_read(d, dev->be, PT_XENBUS_KEY_ONLINE, &v))
		return 0;
	off = !strcmp(v, "0");
	free(v);
	return off;
}

int backd_dev_changed(struct backd *d, struct backd_dev *dev)
{
	char path[160];
	int rounds;

	for (rounds = 0; rounds < 8; rounds++) {
		int front = read_state(d, dev->fe_state);
		struct xb_step s;

		snprintf(path, sizeof(path), "%s/%s", dev->be,
			 PT_XENBUS_KEY_STATE);
		dev->back_state = read_state(d, path);
		if (dev->back_state == XB_STATE_MISSING)
			return 1; /* the directory is gone: the guest ended */
		dev->offline = read_offline(d, dev);
		s = dev->offline
			    ? xb_decide_offline(dev->back_state, front,
						dev->attached)
			    : xb_decide(dev->back_state, front, dev->attached);
		if (d->verbose && s.action != XB_NONE)
			backd_log(d, dev, "back-end %s, front-end %s: %s",
				  xb_state_name(dev->back_state),
				  xb_state_name(front),
				  xb_action_name(s.action));
		if (!apply(d, dev, s))
			return 0;
	}
	return 0;
}

static void service_failed(struct backd *d, struct backd_dev *dev,
			   unsigned int qi)
{
	char why[224];

	snprintf(why, sizeof(why), "queue %u: %s", qi, dev->q[qi].why);
	breaks(d, dev, why);
}

void backd_dev_service(struct backd *d, struct backd_dev *dev, int *more)
{
	uint16_t old[PT_VIRTQ_QUEUES_MAX];
	unsigned int i, nq = dev->kind->nqueues, bad = 0;
	int again = 0, notify = 0, err;

	if (!dev->attached || !dev->kind->service)
		return;
	for (i = 0; i < nq; i++)
		old[i] = dev->q[i].used_idx;
	err = dev->kind->service(d, dev, BACKD_WORK_BUDGET, &again, &bad);
	if (err == -EPROTO) {
		service_failed(d, dev, bad < nq ? bad : 0);
		return;
	}
	if (err) {
		/* The device's root side failed (its TAP went away, say). */
		breaks(d, dev, dev->why);
		return;
	}
	for (i = 0; i < nq; i++)
		if (vring_back_need_notify(&dev->q[i], old[i]))
			notify = 1;
	if (notify) {
		dev->notifies++;
		d->ops->notify(d->ops->ctx, dev->port);
	}
	if (again)
		*more = 1;
}

int backd_dev_stats_moved(const struct backd_dev *dev)
{
	uint64_t v[BACKD_KIND_STATS_MAX] = { 0 };
	const struct backd_kind *k = dev->kind;

	if (!k->stats || !k->nstats)
		return 0;
	k->stats(dev, v);
	return memcmp(v, dev->stats_last, k->nstats * sizeof(v[0])) != 0;
}

void backd_dev_write_stats(struct backd *d, struct backd_dev *dev, int force)
{
	const struct backd_kind *k = dev->kind;
	uint64_t v[BACKD_KIND_STATS_MAX] = { 0 };
	unsigned int i;
	char key[64];

	if (!k->stats || !k->nstats)
		return;
	k->stats(dev, v);
	if (!force && (!memcmp(v, dev->stats_last, k->nstats * sizeof(v[0])) ||
		       d->now_ms - dev->stats_at < BACKD_STATS_INTERVAL_MS))
		return;
	dev->stats_at = d->now_ms;
	memcpy(dev->stats_last, v, sizeof(dev->stats_last));
	for (i = 0; i < k->nstats; i++) {
		snprintf(key, sizeof(key), "stats/%s", k->stat_names[i]);
		backd_dev_write(d, dev, key, "%" PRIu64, v[i]);
	}
}

struct backd_dev *backd_dev_find(struct backd *d, const char *type,
				 uint32_t domid, uint32_t devid)
{
	struct backd_dev *dev;

	for (dev = d->devs; dev; dev = dev->next)
		if (dev->domid == domid && dev->devid == devid &&
		    !strcmp(dev->type, type))
			return dev;
	return NULL;
}

/* The toolstack's `frontend` key must name this guest's own device. */
static int read_frontend(struct backd *d, struct backd_dev *dev)
{
	char *v = NULL, want[64];
	int n;

	if (dev_read(d, dev->be, PT_XENBUS_KEY_FRONTEND, &v))
		return -ENOENT;
	n = snprintf(want, sizeof(want), "/local/domain/%u/device/",
		     dev->domid);
	if (strncmp(v, want, (size_t)n) || strlen(v) >= sizeof(dev->fe)) {
		backd_log(d, dev, "frontend key '%.80s' is not under %s", v,
			  want);
		free(v);
		return -EINVAL;
	}
	snprintf(dev->fe, sizeof(dev->fe), "%s", v);
	snprintf(dev->fe_state, sizeof(dev->fe_state), "%s/%s", dev->fe,
		 PT_XENBUS_KEY_STATE);
	free(v);
	return 0;
}

struct backd_dev *backd_dev_add(struct backd *d, const char *type,
				uint32_t domid, uint32_t devid)
{
	const struct backd_kind *kind = backd_kind_find(type);
	struct backd_dev *dev;

	if (!kind)
		return NULL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return NULL;
	dev->kind = kind;
	dev->offered = kind->features;
	snprintf(dev->type, sizeof(dev->type), "%s", type);
	dev->domid = domid;
	dev->devid = devid;
	snprintf(dev->be, sizeof(dev->be), "%s/%s/%u/%u", BACKD_BACKEND_ROOT,
		 type, domid, devid);
	if (read_frontend(d, dev)) {
		free(dev);
		return NULL;
	}
	if (kind->init && kind->init(d, dev)) {
		backd_log(d, dev, "cannot set up the device's state");
		free(dev);
		return NULL;
	}
	dev->back_state = XB_STATE_MISSING;
	if (d->ops->watch(d->ops->ctx, dev->fe_state, "frontend") == 0)
		dev->watching = 1;
	else
		backd_log(d, dev, "cannot watch %s", dev->fe_state);
	dev->next = d->devs;
	d->devs = dev;
	backd_log(d, dev, "found, front-end %s", dev->fe);
	return dev;
}

void backd_dev_remove(struct backd *d, struct backd_dev *dev)
{
	struct backd_dev **pp;

	for (pp = &d->devs; *pp; pp = &(*pp)->next)
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	detach(d, dev);
	if (dev->watching)
		d->ops->unwatch(d->ops->ctx, dev->fe_state, "frontend");
	if (dev->kind->free)
		dev->kind->free(d, dev);
	backd_log(d, dev, "removed");
	free(dev);
}
