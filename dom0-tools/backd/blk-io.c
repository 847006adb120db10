// SPDX-License-Identifier: GPL-2.0-only
/* virtio-blk requests through io_uring: slots, bounce buffers, in-order use. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "blk-io.h"

/* user_data of the cancel request, whose own completion is ignored. */
#define BLK_CANCEL_TAG UINT64_MAX

static void logf_io(struct blk_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_io(struct blk_io *io, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!io->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	io->log(io->log_ctx, msg);
}

/*
 * Buffered reads and writes of a tmpfs image are copies to and from
 * memory that never wait for a device. io_uring in Linux 6.1 cannot try
 * them without blocking (tmpfs has no FMODE_NOWAIT), so it hands every one
 * to an io-wq worker thread: a wake-up, two context switches and an
 * eventfd round per request. Done on backd's thread they cost only the
 * copy. Everything else (other filesystems, block devices, cache none,
 * flushes, ranges) stays asynchronous.
 */
static int sync_is_cheaper(const struct blk_backing *b)
{
	struct statfs fs;

	return !b->direct && !b->bdev && fstatfs(b->fd, &fs) == 0 &&
	       fs.f_type == TMPFS_MAGIC;
}

int blk_io_open(struct blk_io *io, const struct blk_backing *b, char *why,
		size_t len)
{
	int err;

	io->b = b;
	io->efd = -1;
	io->sync_rw = sync_is_cheaper(b);
	err = io_uring_queue_init(BLK_RING_ENTRIES, &io->ring, 0);
	if (err) {
		snprintf(why, len, "cannot set up io_uring for %s: %s%s",
			 b->path, strerror(-err),
			 err == -EPERM	  ? " (kernel.io_uring_disabled?)"
			 : err == -ENOSYS ? " (the kernel lacks io_uring)"
					  : "");
		return err;
	}
	io->ring_ok = 1;
	io->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (io->efd < 0) {
		err = -errno;
		snprintf(why, len, "cannot make an eventfd: %s",
			 strerror(-err));
		blk_io_close(io);
		return err;
	}
	err = io_uring_register_eventfd(&io->ring, io->efd);
	if (err) {
		snprintf(why, len, "cannot register io_uring's eventfd: %s",
			 strerror(-err));
		blk_io_close(io);
		return err;
	}
	io->zeroes = aligned_alloc(4096, BLK_ZERO_BYTES);
	if (!io->zeroes) {
		snprintf(why, len, "out of memory for the zero buffer");
		blk_io_close(io);
		return -ENOMEM;
	}
	memset(io->zeroes, 0, BLK_ZERO_BYTES);
	return 0;
}

void blk_io_close(struct blk_io *io)
{
	blk_io_stop(io);
	if (io->ring_ok)
		io_uring_queue_exit(&io->ring);
	io->ring_ok = 0;
	if (io->efd >= 0)
		close(io->efd);
	io->efd = -1;
	free(io->zeroes);
	io->zeroes = NULL;
}

int blk_io_start(struct blk_io *io, struct vring_back *q, uint64_t features,
		 char *why, size_t len)
{
	/* One slot per request in flight: positions map to slots modulo. */
	if (q->inflight_max > q->size)
		q->inflight_max = q->size;
	io->nslots = q->inflight_max;
	io->slots = calloc(io->nslots, sizeof(*io->slots));
	if (!io->slots) {
		snprintf(why, len, "out of memory for %u request slots",
			 io->nslots);
		return -ENOMEM;
	}
	io->q = q;
	io->lim.capacity = io->b->capacity;
	io->lim.align = io->b->align;
	io->lim.ro = io->b->ro;
	io->lim.features = features;
	io->write_through =
		!(features & PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_FLUSH));
	io->head_seq = io->tail_seq = 0;
	io->ops_out = io->to_submit = 0;
	io->errors_logged = 0;
	return 0;
}

static void free_bounce(struct blk_io *io, struct blk_slot *s)
{
	free(s->bounce);
	io->bounce_used -= s->bounce_cap;
	s->bounce = NULL;
	s->bounce_cap = 0;
}

void blk_io_stop(struct blk_io *io)
{
	unsigned int i, requests;

	if (!io->q)
		return;
	/* Prepared but not yet submitted: they go with the cancel. */
	io->ops_out += io->to_submit;
	io->to_submit = 0;
	requests = blk_io_inflight(io);
	/* Said once per stop, so a death with I/O in flight shows in the log. */
	if (requests)
		logf_io(io,
			"stopping with %u requests in flight, %u I/O "
			"operations to cancel or wait for",
			requests, io->ops_out);
	if (io->ring_ok && io->ops_out) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);

		/* Cancel what can be; whatever runs already is waited for. */
		if (sqe) {
			io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
			io_uring_sqe_set_data64(sqe, BLK_CANCEL_TAG);
		}
		io_uring_submit(&io->ring);
		while (io->ops_out) {
			struct io_uring_cqe *cqe;
			int err = io_uring_wait_cqe(&io->ring, &cqe);

			if (err == -EINTR)
				continue;
			if (err) {
				/* Cannot happen with a live ring; never spin. */
				logf_io(io, "waiting for I/O to stop: %s",
					strerror(-err));
				break;
			}
			if (io_uring_cqe_get_data64(cqe) != BLK_CANCEL_TAG)
				io->ops_out--;
			io_uring_cqe_seen(&io->ring, cqe);
		}
	}
	for (i = 0; i < io->nslots; i++)
		free_bounce(io, &io->slots[i]);
	free(io->slots);
	io->slots = NULL;
	io->nslots = 0;
	io->q = NULL;
	io->head_seq = io->tail_seq = 0;
	io->ops_out = 0;
}

unsigned int blk_io_inflight(const struct blk_io *io)
{
	return (unsigned int)(io->tail_seq - io->head_seq);
}

void blk_io_event(struct blk_io *io)
{
	uint64_t v;

	if (io->efd >= 0 && read(io->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		logf_io(io, "eventfd: %s", strerror(errno));
}

/* ---- finishing ---------------------------------------------------- */

static void log_error(struct blk_io *io, const struct blk_slot *s,
		      const char *why, int err)
{
	if (io->errors_logged > BLK_LOG_ERRORS)
		return;
	if (io->errors_logged++ == BLK_LOG_ERRORS) {
		logf_io(io, "further request errors are counted, not logged");
		return;
	}
	logf_io(io, "%s at sector %llu (head %u): %s%s%s",
		blk_type_name(s->req.type), (unsigned long long)s->req.sector,
		s->head, why, err ? ": " : "", err ? strerror(err) : "");
}

/* The request is answered: its status byte written, waiting for its turn. */
static void finish(struct blk_io *io, struct blk_slot *s, uint8_t status,
		   uint32_t data_len)
{
	s->req.status = status;
	s->op = BLK_OP_NONE;
	s->state = BLK_SLOT_DONE;
	if (!s->req.has_status) {
		s->used_len = 0;
		return;
	}
	vring_pool_write(io->q->pool, s->req.status_off, &status, 1);
	s->used_len = data_len + 1u;
	/* Its copy is no longer needed: the memory may serve the others. */
	if (s->bounce && io->bounce_used > BLK_BOUNCE_BUDGET / 2)
		free_bounce(io, s);
}

static void fail_io(struct blk_io *io, struct blk_slot *s, const char *what,
		    int err)
{
	log_error(io, s, what, err);
	finish(io, s, PT_VIRTIO_BLK_S_IOERR, 0);
}

/* ---- submitting --------------------------------------------------- */

static struct io_uring_sqe *get_sqe(struct blk_io *io)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);

	if (!sqe && io->to_submit) {
		io_uring_submit(&io->ring);
		io->ops_out += io->to_submit;
		io->to_submit = 0;
		sqe = io_uring_get_sqe(&io->ring);
	}
	return sqe;
}

static void queued(struct blk_io *io, struct blk_slot *s,
		   struct io_uring_sqe *sqe, enum blk_op op)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)(s - io->slots));
	s->op = (uint8_t)op;
	s->state = BLK_SLOT_IO;
	io->to_submit++;
}

/*
 * The pool range of segments from `skip` bytes on, as iovecs: pages that
 * lie next to each other in our mapping share one. -1 if more than cap.
 */
static int pool_iov(const struct vring_pool *p, const struct vring_seg *seg,
		    unsigned int nseg, uint64_t skip, struct iovec *iov,
		    unsigned int cap)
{
	unsigned int i, n = 0;

	for (i = 0; i < nseg; i++) {
		uint64_t off = seg[i].off, left = seg[i].len;

		if (skip >= left) {
			skip -= left;
			continue;
		}
		off += skip;
		left -= skip;
		skip = 0;
		while (left) {
			uint32_t in = (uint32_t)(off % VRING_POOL_PAGE);
			uint8_t *at = p->page[off / VRING_POOL_PAGE] + in;
			size_t take = VRING_POOL_PAGE - in;

			if (take > left)
				take = (size_t)left;
			if (n && (uint8_t *)iov[n - 1].iov_base +
						 iov[n - 1].iov_len ==
					 at)
				iov[n - 1].iov_len += take;
			else if (n == cap)
				return -1;
			else
				iov[n++] = (struct iovec){ at, take };
			off += take;
			left -= take;
		}
	}
	return (int)n;
}

/* Copies between the request's pool segments and its bounce buffer. */
static void bounce_copy(struct blk_io *io, struct blk_slot *s, int to_pool)
{
	uint64_t at = 0;
	unsigned int i;

	for (i = 0; i < s->req.ndata; i++) {
		const struct vring_seg *g = &s->req.data[i];

		if (to_pool)
			vring_pool_write(io->q->pool, g->off, s->bounce + at,
					 g->len);
		else
			vring_pool_read(io->q->pool, g->off, s->bounce + at,
					g->len);
		at += g->len;
	}
}

/*
 * Bounce memory for a cache-none request: 0; 1 when it must wait for
 * requests in flight to give theirs back; -1 when there is none at all.
 */
static int want_bounce(struct blk_io *io, struct blk_slot *s)
{
	size_t need = (size_t)((s->req.bytes + 4095u) & ~(uint64_t)4095u);
	unsigned int i;

	if (s->bounce_cap >= need)
		return 0;
	free_bounce(io, s);
	/* Idle and answered requests give theirs back first. */
	for (i = 0;
	     i < io->nslots && io->bounce_used + need > BLK_BOUNCE_BUDGET;
	     i++) {
		struct blk_slot *o = &io->slots[i];

		if (o->state == BLK_SLOT_FREE || o->state == BLK_SLOT_DONE)
			free_bounce(io, o);
	}
	if (io->bounce_used + need > BLK_BOUNCE_BUDGET)
		return 1;
	s->bounce = aligned_alloc(4096, need);
	if (!s->bounce)
		return -1;
	s->bounce_cap = need;
	io->bounce_used += need;
	return 0;
}

static void rw_done(struct blk_io *io, struct blk_slot *s, int res);

static void submit_rw(struct blk_io *io, struct blk_slot *s)
{
	int in = s->req.type == PT_VIRTIO_BLK_T_IN, n;
	uint64_t off = s->req.sector * PT_VIRTIO_BLK_SECTOR + s->done;
	struct io_uring_sqe *sqe;

	if (io->b->direct) {
		s->iov[0].iov_base = s->bounce + s->done;
		s->iov[0].iov_len = (size_t)(s->req.bytes - s->done);
		n = 1;
	} else {
		n = pool_iov(io->q->pool, s->req.data, s->req.ndata, s->done,
			     s->iov, BLK_IOV_MAX);
		if (n < 0)
			return fail_io(io, s, "backd's iovec limit", 0);
	}
	/* Bounded per round, so that other devices are not kept waiting. */
	if (io->sync_rw && io->sync_bytes < BLK_SYNC_ROUND_BYTES) {
		ssize_t r;

		io->sync_bytes += s->req.bytes - s->done;
		r = in ? preadv(io->b->fd, s->iov, n, (off_t)off)
		       : pwritev2(io->b->fd, s->iov, n, (off_t)off,
				  io->write_through ? RWF_DSYNC : 0);

		/* Interrupted or refused for now: io_uring takes it. */
		if (r >= 0 || (errno != EAGAIN && errno != EINTR)) {
			s->op = BLK_OP_RW;
			s->state = BLK_SLOT_IO;
			return rw_done(io, s, r < 0 ? -errno : (int)r);
		}
	}
	sqe = get_sqe(io);
	if (!sqe) {
		s->state = BLK_SLOT_WAIT;
		return;
	}
	if (in)
		io_uring_prep_readv(sqe, io->b->fd, s->iov, (unsigned int)n,
				    off);
	else
		io_uring_prep_writev2(sqe, io->b->fd, s->iov, (unsigned int)n,
				      off, io->write_through ? RWF_DSYNC : 0);
	queued(io, s, sqe, BLK_OP_RW);
}

static void next_range(struct blk_io *io, struct blk_slot *s);

/* A discard on a block device: BLKDISCARD, which io_uring cannot send. */
static void discard_bdev(struct blk_io *io, struct blk_slot *s, uint64_t off,
			 uint64_t len)
{
	uint64_t r[2] = { off, len };

	/*
	 * Advisory: a device that cannot discard (or not at this alignment)
	 * keeps its data. Synchronous on backd's thread, since io_uring
	 * before Linux 6.12 has no discard; bounded by max-discard-sectors.
	 */
	if (ioctl(io->b->fd, BLKDISCARD, r) && errno != EOPNOTSUPP &&
	    errno != EINVAL) {
		fail_io(io, s, "BLKDISCARD", errno);
		return;
	}
	s->range++;
	s->done = 0;
	next_range(io, s);
}

static void submit_range(struct blk_io *io, struct blk_slot *s)
{
	const struct pt_virtio_blk_discard_wz *g = &s->req.range[s->range];
	uint64_t off = g->sector * PT_VIRTIO_BLK_SECTOR;
	uint64_t len = (uint64_t)g->num_sectors * PT_VIRTIO_BLK_SECTOR;
	int wz = s->req.type == PT_VIRTIO_BLK_T_WRITE_ZEROES, mode;
	struct io_uring_sqe *sqe;

	if (!wz && io->b->bdev)
		return discard_bdev(io, s, off, len);
	if (!wz && io->no_punch) {
		/* Advisory: nothing to do where holes cannot be punched. */
		s->range++;
		return next_range(io, s);
	}
	sqe = get_sqe(io);
	if (!sqe) {
		s->state = BLK_SLOT_WAIT;
		return;
	}
	if (wz && s->zmode == BLK_Z_WRITE) {
		uint64_t left = len - s->done;
		unsigned int n = 0;

		while (left && n < BLK_IOV_MAX) {
			size_t take = left < BLK_ZERO_BYTES ? (size_t)left
							    : BLK_ZERO_BYTES;

			s->iov[n++] = (struct iovec){ io->zeroes, take };
			left -= take;
		}
		io_uring_prep_writev2(sqe, io->b->fd, s->iov, n, off + s->done,
				      io->write_through ? RWF_DSYNC : 0);
		return queued(io, s, sqe, BLK_OP_ZWRITE);
	}
	mode = s->zmode == BLK_Z_PUNCH
		       ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
		       : FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	io_uring_prep_fallocate(sqe, io->b->fd, mode, (off_t)off, (off_t)len);
	queued(io, s, sqe, BLK_OP_FALLOC);
}

/* The cheapest way left to zero a range on this backing. */
static uint8_t zero_mode(const struct blk_io *io,
			 const struct pt_virtio_blk_discard_wz *g)
{
	/* Punching deallocates: only where the guest allowed it (UNMAP). */
	if (g->flags & PT_VIRTIO_BLK_WZ_F_UNMAP && !io->no_punch)
		return BLK_Z_PUNCH;
	if (!io->no_zero_range)
		return BLK_Z_ZERO_RANGE;
	return BLK_Z_WRITE;
}

/* Starts the range at s->range, skipping empty ones; finishes after all. */
static void next_range(struct blk_io *io, struct blk_slot *s)
{
	while (s->range < s->req.nranges &&
	       s->req.range[s->range].num_sectors == 0)
		s->range++;
	if (s->range == s->req.nranges)
		return finish(io, s, PT_VIRTIO_BLK_S_OK, 0);
	s->done = 0;
	s->zmode = s->req.type == PT_VIRTIO_BLK_T_WRITE_ZEROES
			   ? zero_mode(io, &s->req.range[s->range])
			   : BLK_Z_PUNCH;
	submit_range(io, s);
}

static void get_id(struct blk_io *io, struct blk_slot *s)
{
	uint8_t id[PT_VIRTIO_BLK_ID_BYTES] = { 0 };
	uint64_t at = 0;
	unsigned int i;

	memcpy(id, io->b->serial, strnlen(io->b->serial, sizeof(id)));
	for (i = 0; i < s->req.ndata && at < sizeof(id); i++) {
		size_t n = s->req.data[i].len;

		if (n > sizeof(id) - at)
			n = (size_t)(sizeof(id) - at);
		vring_pool_write(io->q->pool, s->req.data[i].off, id + at, n);
		at += n;
	}
	finish(io, s, PT_VIRTIO_BLK_S_OK, (uint32_t)at);
}

/* Starts a valid request, or leaves it waiting (state WAIT). */
static void start(struct blk_io *io, struct blk_slot *s, uint64_t seq)
{
	struct io_uring_sqe *sqe;

	s->state = BLK_SLOT_WAIT;
	switch (s->req.type) {
	case PT_VIRTIO_BLK_T_IN:
	case PT_VIRTIO_BLK_T_OUT:
		if (io->b->direct && s->done == 0) {
			int w = want_bounce(io, s);

			if (w < 0)
				return fail_io(io, s, "bounce buffer", ENOMEM);
			if (w)
				return;
			if (s->req.type == PT_VIRTIO_BLK_T_OUT)
				bounce_copy(io, s, 0);
		}
		return submit_rw(io, s);
	case PT_VIRTIO_BLK_T_FLUSH:
		/* Everything fetched before it has finished: then sync. */
		if (seq != io->head_seq)
			return;
		sqe = get_sqe(io);
		if (!sqe)
			return;
		io_uring_prep_fsync(sqe, io->b->fd, IORING_FSYNC_DATASYNC);
		return queued(io, s, sqe, BLK_OP_FSYNC);
	case PT_VIRTIO_BLK_T_GET_ID:
		return get_id(io, s);
	default: /* DISCARD, WRITE_ZEROES: parse let nothing else through */
		if (s->op == BLK_OP_NONE && s->range == 0 && s->done == 0)
			return next_range(io, s);
		return submit_range(io, s);
	}
}

/* ---- completing --------------------------------------------------- */

static void rw_done(struct blk_io *io, struct blk_slot *s, int res)
{
	int in = s->req.type == PT_VIRTIO_BLK_T_IN;

	if (res == -EAGAIN || res == -EINTR)
		return submit_rw(io, s);
	if (res < 0)
		return fail_io(io, s, in ? "read" : "write", -res);
	if (res == 0)
		return fail_io(io, s, "the image ended early", 0);
	s->done += (uint64_t)res;
	if (s->done < s->req.bytes)
		return submit_rw(io, s); /* short: go on with the rest */
	if (in && io->b->direct)
		bounce_copy(io, s, 1);
	finish(io, s, PT_VIRTIO_BLK_S_OK, in ? (uint32_t)s->req.bytes : 0);
}

static void range_done(struct blk_io *io, struct blk_slot *s, int res)
{
	const struct pt_virtio_blk_discard_wz *g = &s->req.range[s->range];
	int wz = s->req.type == PT_VIRTIO_BLK_T_WRITE_ZEROES;

	if (res == -EAGAIN || res == -EINTR)
		return submit_range(io, s);
	if (s->op == BLK_OP_FALLOC && (res == -EOPNOTSUPP || res == -ENOSYS)) {
		/* Remember what the backing cannot do; try the next way. */
		if (s->zmode == BLK_Z_PUNCH)
			io->no_punch = 1;
		else
			io->no_zero_range = 1;
		if (!wz) {
			s->range++;
			return next_range(io, s);
		}
		s->zmode = zero_mode(io, g);
		if (s->zmode == BLK_Z_PUNCH) /* cannot recur: no_punch set */
			s->zmode = BLK_Z_ZERO_RANGE;
		return submit_range(io, s);
	}
	if (res < 0)
		return fail_io(io, s, wz ? "write-zeroes" : "discard", -res);
	if (s->op == BLK_OP_ZWRITE) {
		if (res == 0)
			return fail_io(io, s, "the image ended early", 0);
		s->done += (uint64_t)res;
		if (s->done < (uint64_t)g->num_sectors * PT_VIRTIO_BLK_SECTOR)
			return submit_range(io, s);
	}
	s->range++;
	next_range(io, s);
}

static void completed(struct blk_io *io, struct blk_slot *s, int res)
{
	switch (s->op) {
	case BLK_OP_RW:
		return rw_done(io, s, res);
	case BLK_OP_FSYNC:
		if (res == -EAGAIN || res == -EINTR) {
			s->state = BLK_SLOT_WAIT;
			return;
		}
		if (res < 0)
			return fail_io(io, s, "fdatasync", -res);
		return finish(io, s, PT_VIRTIO_BLK_S_OK, 0);
	default:
		return range_done(io, s, res);
	}
}

static void reap(struct blk_io *io)
{
	struct io_uring_cqe *cqe;

	while (io_uring_peek_cqe(&io->ring, &cqe) == 0) {
		uint64_t i = io_uring_cqe_get_data64(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&io->ring, cqe);
		if (i == BLK_CANCEL_TAG || i >= io->nslots)
			continue;
		io->ops_out--;
		if (io->slots[i].state == BLK_SLOT_IO)
			completed(io, &io->slots[i], res);
	}
}

static void count(struct blk_io *io, const struct blk_slot *s)
{
	struct blk_stats *st = &io->st;

	st->requests++;
	if (s->req.status != PT_VIRTIO_BLK_S_OK || !s->req.has_status) {
		st->errors++;
		return;
	}
	switch (s->req.type) {
	case PT_VIRTIO_BLK_T_IN:
		st->reads++;
		st->bytes_read += s->req.bytes;
		break;
	case PT_VIRTIO_BLK_T_OUT:
		st->writes++;
		st->bytes_written += s->req.bytes;
		break;
	case PT_VIRTIO_BLK_T_FLUSH:
		st->flushes++;
		break;
	case PT_VIRTIO_BLK_T_DISCARD:
		st->discards++;
		break;
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		st->write_zeroes++;
		break;
	}
}

/*
 * Uses answered requests strictly in the order they were made available,
 * so that the used index always says "everything before me is done":
 * after a restart, resuming at the used index redoes exactly the
 * requests that were in flight, and no answered one twice.
 */
static int publish(struct blk_io *io, int *moved)
{
	while (io->head_seq != io->tail_seq) {
		struct blk_slot *s = &io->slots[io->head_seq % io->nslots];

		if (s->state != BLK_SLOT_DONE)
			return 0;
		if (vring_back_push(io->q, s->head, s->used_len))
			return -EPROTO;
		count(io, s);
		s->state = BLK_SLOT_FREE;
		io->head_seq++;
		*moved = 1;
	}
	return 0;
}

static void start_waiting(struct blk_io *io)
{
	uint64_t seq;

	for (seq = io->head_seq; seq != io->tail_seq; seq++) {
		struct blk_slot *s = &io->slots[seq % io->nslots];

		if (s->state == BLK_SLOT_WAIT)
			start(io, s, seq);
	}
}

/* Fetches at most budget new requests; 1 if the budget ran out. */
static int fetch(struct blk_io *io, unsigned int budget, int *broken)
{
	while (budget--) {
		uint64_t seq = io->tail_seq;
		struct blk_slot *s;
		int r = vring_back_pop(io->q, &io->chain);

		if (r < 0) {
			*broken = 1;
			return 0;
		}
		if (r == 0)
			return 0;
		s = &io->slots[seq % io->nslots];
		s->head = io->chain.head;
		s->op = BLK_OP_NONE;
		s->range = 0;
		s->done = 0;
		s->used_len = 0;
		blk_req_parse(io->q, &io->chain, &io->lim, &s->req);
		io->tail_seq++;
		if (s->req.status == BLK_S_PENDING) {
			start(io, s, seq);
			continue;
		}
		if (s->req.why)
			log_error(io, s, s->req.why, 0);
		finish(io, s, s->req.status, 0);
	}
	return 1;
}

int blk_io_service(struct blk_io *io, unsigned int budget, int *more)
{
	int broken = 0, moved, out_of_budget;

	if (!io->q)
		return 0;
	io->sync_bytes = 0;
	reap(io);
	do {
		moved = 0;
		if (publish(io, &moved))
			return -EPROTO;
		start_waiting(io);
	} while (moved);
	out_of_budget = fetch(io, budget, &broken);
	do {
		moved = 0;
		if (publish(io, &moved))
			return -EPROTO;
		start_waiting(io);
	} while (moved);
	if (io->to_submit) {
		int n = io_uring_submit(&io->ring);

		if (n < 0)
			logf_io(io, "io_uring submit: %s", strerror(-n));
		io->ops_out += io->to_submit;
		io->to_submit = 0;
	}
	if (broken)
		return -EPROTO;
	if (out_of_budget)
		*more = 1;
	/* At the limit, completions wake us; below it, a kick should. */
	if (io->q->inflight < io->q->inflight_max && vring_back_arm(io->q))
		*more = 1;
	return 0;
}
