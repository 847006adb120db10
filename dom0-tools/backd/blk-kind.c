// SPDX-License-Identifier: GPL-2.0-only
/* The virtio block disk as a backd device kind: keys, image, io_uring. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backd.h"
#include "blk-io.h"

struct blk_dev {
	struct blk_backing b;
	struct blk_io io;
	int open; /* image open and ring set up */
	struct backd *d;
	struct backd_dev *dev;
};

static struct blk_dev *blk_of(const struct backd_dev *dev)
{
	return dev->kind_state;
}

static void blk_log(void *ctx, const char *msg)
{
	struct blk_dev *bd = ctx;

	backd_log(bd->d, bd->dev, "%s", msg);
}

static int blk_init(struct backd *d, struct backd_dev *dev)
{
	struct blk_dev *bd = calloc(1, sizeof(*bd));

	if (!bd)
		return -ENOMEM;
	bd->b.fd = -1;
	bd->io.efd = -1;
	bd->io.log = blk_log;
	bd->io.log_ctx = bd;
	bd->d = d;
	bd->dev = dev;
	dev->kind_state = bd;
	return 0;
}

/* Closes the image and the ring (nothing may be in flight). */
static void release(struct blk_dev *bd)
{
	blk_io_close(&bd->io);
	blk_backing_close(&bd->b);
	bd->open = 0;
}

static void blk_free(struct backd *d, struct backd_dev *dev)
{
	struct blk_dev *bd = blk_of(dev);

	(void)d;
	release(bd);
	free(bd);
	dev->kind_state = NULL;
}

/* A toolstack key, or NULL when absent (the caller frees). */
static char *key(struct backd *d, struct backd_dev *dev, const char *name)
{
	char *v = NULL;

	return backd_dev_read(d, dev, name, &v) ? NULL : v;
}

/* A serial the toolstack chose: printable, at most 20 bytes. */
static int serial_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > PT_VIRTIO_BLK_ID_BYTES)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* Opens the image the keys name and sets up its ring; dev->why on error. */
static int prepare(struct backd *d, struct backd_dev *dev)
{
	struct blk_dev *bd = blk_of(dev);
	char *params, *mode, *cache, *serial;
	int err;

	release(bd);
	params = key(d, dev, PT_BLK_KEY_PARAMS);
	mode = key(d, dev, PT_BLK_KEY_MODE);
	cache = key(d, dev, PT_BLK_KEY_CACHE);
	serial = key(d, dev, PT_BLK_KEY_SERIAL);
	if (!params || !mode) {
		snprintf(dev->why, sizeof(dev->why),
			 "toolstack key %s is missing",
			 !params ? PT_BLK_KEY_PARAMS : PT_BLK_KEY_MODE);
		err = -EINVAL;
	} else {
		err = blk_backing_open(&bd->b, params, mode, cache, dev->why,
				       sizeof(dev->why));
	}
	if (!err)
		err = blk_io_open(&bd->io, &bd->b, dev->why, sizeof(dev->why));
	if (!err && serial && serial_ok(serial))
		snprintf(bd->b.serial, sizeof(bd->b.serial), "%s", serial);
	free(params);
	free(mode);
	free(cache);
	free(serial);
	if (err) {
		release(bd);
		return err;
	}
	bd->open = 1;
	backd_log(d, dev, "image %s: %" PRIu64 " sectors, %s, cache %s%s",
		  bd->b.path, bd->b.capacity,
		  bd->b.ro ? "read-only" : "writable",
		  bd->b.direct ? "none" : "writeback",
		  bd->b.bdev ? ", block device" : "");
	return 0;
}

static int blk_offer(struct backd *d, struct backd_dev *dev)
{
	struct blk_dev *bd = blk_of(dev);

	if (prepare(d, dev))
		return -EINVAL;
	if (!bd->b.ro)
		dev->offered &= ~PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_RO);
	if (backd_dev_write(d, dev, PT_BLK_KEY_CAPACITY, "%" PRIu64,
			    bd->b.capacity) ||
	    backd_dev_write(d, dev, PT_BLK_KEY_BLK_SIZE, "%u",
			    bd->b.blk_size) ||
	    backd_dev_write(d, dev, PT_BLK_KEY_SEG_MAX, "%u", BLK_SEG_MAX) ||
	    backd_dev_write(d, dev, PT_BLK_KEY_SIZE_MAX, "%u", BLK_SIZE_MAX) ||
	    backd_dev_write(d, dev, PT_BLK_KEY_MAX_DISCARD, "%u",
			    BLK_MAX_DISCARD) ||
	    backd_dev_write(d, dev, PT_BLK_KEY_MAX_WRITE_ZEROES, "%u",
			    BLK_MAX_WRITE_ZEROES) ||
	    backd_dev_write(d, dev, PT_BLK_KEY_SERIAL, "%s", bd->b.serial)) {
		snprintf(dev->why, sizeof(dev->why),
			 "cannot write the disk's keys");
		return -EIO;
	}
	return 0;
}

static int blk_connect(struct backd *d, struct backd_dev *dev)
{
	struct blk_dev *bd = blk_of(dev);

	/* A restarted backd re-attaches without offering: open now. */
	if (!bd->open && prepare(d, dev))
		return -EINVAL;
	return blk_io_start(&bd->io, &dev->q[PT_VIRTIO_BLK_REQUEST_QUEUE],
			    dev->features, dev->why, sizeof(dev->why));
}

static int blk_service(struct backd *d, struct backd_dev *dev,
		       unsigned int budget, int *more, unsigned int *bad_queue)
{
	(void)d;
	*bad_queue = PT_VIRTIO_BLK_REQUEST_QUEUE;
	return blk_io_service(&blk_of(dev)->io, budget, more);
}

static void blk_disconnect(struct backd *d, struct backd_dev *dev)
{
	struct blk_dev *bd = blk_of(dev);

	(void)d;
	blk_io_stop(&bd->io);
	if (dev->offline)
		release(bd);
}

static const char *const blk_stat_names[] = {
	"requests",	"reads",      "writes",	       "flushes", "discards",
	"write-zeroes", "bytes-read", "bytes-written", "errors",  "inflight",
};

static void blk_stats(const struct backd_dev *dev, uint64_t *v)
{
	const struct blk_io *io = &blk_of(dev)->io;

	v[0] = io->st.requests;
	v[1] = io->st.reads;
	v[2] = io->st.writes;
	v[3] = io->st.flushes;
	v[4] = io->st.discards;
	v[5] = io->st.write_zeroes;
	v[6] = io->st.bytes_read;
	v[7] = io->st.bytes_written;
	v[8] = io->st.errors;
	v[9] = blk_io_inflight(io);
}

static unsigned int blk_poll_fds(struct backd_dev *dev, struct pollfd *fds,
				 unsigned int max)
{
	const struct blk_io *io = &blk_of(dev)->io;

	if (!max || !io->q || io->efd < 0)
		return 0;
	fds[0] = (struct pollfd){ io->efd, POLLIN, 0 };
	return 1;
}

static void blk_polled(struct backd *d, struct backd_dev *dev,
		       unsigned int slot, short revents)
{
	(void)d;
	(void)slot;
	(void)revents;
	blk_io_event(&blk_of(dev)->io);
}

static void blk_describe(const struct backd_dev *dev, char *buf, size_t len)
{
	const struct blk_dev *bd = blk_of(dev);

	snprintf(buf, len, ", image %s (%s, cache %s)", bd->b.path,
		 bd->b.ro ? "r" : "w", bd->b.direct ? "none" : "writeback");
}

const struct backd_kind backd_block_kind = {
	.type = PT_XENBUS_TYPE_BLOCK,
	.nqueues = PT_VIRTIO_BLK_QUEUES,
	.features = PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_SIZE_MAX) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_SEG_MAX) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_BLK_SIZE) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_FLUSH) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_DISCARD) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_WRITE_ZEROES) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_RO),
	.max_pool_pages = PT_VIRTQ_POOL_PAGES_MAX,
	.stat_names = blk_stat_names,
	.nstats = sizeof(blk_stat_names) / sizeof(blk_stat_names[0]),
	.init = blk_init,
	.free = blk_free,
	.offer = blk_offer,
	.connect = blk_connect,
	.service = blk_service,
	.disconnect = blk_disconnect,
	.stats = blk_stats,
	.poll_fds = blk_poll_fds,
	.polled = blk_polled,
	.describe = blk_describe,
};
