// SPDX-License-Identifier: MIT
/*
 * disk-test's stream mode: sequential bs-sized writes round and round the
 * disk with FLUSHes in between, until destroyed (or `writes` are done),
 * printing which writes are durable so that the root can check the image
 * after killing the guest mid-stream (root test blk-destroy).
 *
 * Write number g (from 1) goes to block (g - 1) mod blocks with
 * generation g in every sector (dt-pattern.h). A line
 *   disk-test flushed gen=F
 * means a FLUSH made available after writes 1..F completed OK: they are
 * all durable. The guest never makes write g available before it has
 * printed a flushed line with g <= F + window, and window is at most half
 * the disk, so after it dies the root knows, from the last such line in
 * the log, which blocks can only hold their last flushed write: every
 * block whose last write up to F is not followed by one up to F + window.
 * Lines are printed at most every 100 ms, far below the hypervisor's
 * console rate limit, so none is dropped.
 */
#include <partita-guest/guest.h>

#include "disk-test.h"
#include "dt-pattern.h"
#include "fmt.h"
#include "string.h"

#define PRINT_EVERY_NS 100000000ull

struct sslot {
	struct pt_vblk_req req;
	uint8_t *buf;
	uint8_t busy;
};

static struct sslot sslots[DT_QD_MAX];
static struct pt_vblk_req flush_req;
static uint32_t flush_busy, flush_gen; /* the FLUSH in flight covers 1..gen */
static uint32_t flushed;	       /* the highest durable write */
static unsigned failed;
static char failed_why[96];

static void note_failure(const struct pt_vblk_req *r, const char *what)
{
	if (!failed++)
		fmt_snprintf(failed_why, sizeof(failed_why), "%s: %s", what,
			     pt_dev_strerror(r->status));
}

static void write_done(struct pt_vblk_req *r)
{
	struct sslot *s = r->ctx;

	s->busy = 0;
	if (r->status)
		note_failure(r, "a write");
}

static void flush_done(struct pt_vblk_req *r)
{
	flush_busy = 0;
	if (r->status)
		note_failure(r, "a flush");
	else
		flushed = flush_gen;
}

static struct sslot *free_sslot(void)
{
	for (unsigned i = 0; i < dt_opt.qd; i++)
		if (!sslots[i].busy)
			return &sslots[i];
	return NULL;
}

/* 0, 1 when the queue or pool is full (wait), -1 (FAIL printed). */
static int submit(struct pt_vblk_req *r, const char *what)
{
	int ret = pt_vblk_submit(&dt_disk, r);

	if (ret == -PT_DEV_EAGAIN)
		return 1;
	if (ret) {
		pt_printf("disk-test FAIL %s not submitted: %s (%s)\n", what,
			  pt_dev_strerror(ret), dt_disk.front.xb.why);
		return -1;
	}
	return 0;
}

static int submit_write(struct sslot *s, uint32_t gen, uint64_t blocks,
			uint32_t per)
{
	uint64_t sector = (uint64_t)((gen - 1u) % blocks) * per;
	int ret;

	for (uint32_t i = 0; i < per; i++)
		dt_fill_sector(s->buf + (size_t)i * DT_SECTOR, dt_opt.seed,
			       sector + i, gen);
	pt_vblk_req_write(&s->req, sector, s->buf, per * DT_SECTOR, write_done,
			  s);
	ret = submit(&s->req, "a write");
	if (!ret)
		s->busy = 1;
	return ret;
}

static int submit_flush(uint32_t gen)
{
	int ret;

	pt_vblk_req_flush(&flush_req, flush_done, NULL);
	ret = submit(&flush_req, "a flush");
	if (!ret) {
		flush_gen = gen;
		flush_busy = 1;
	}
	return ret;
}

/* Waits for a completion or the deadline; -1 (FAIL printed) on errors. */
static int wait_until(uint64_t deadline)
{
	int ret = pt_vblk_wait(&dt_disk, deadline);

	if (ret >= 0)
		return 0;
	pt_printf("disk-test FAIL waiting: %s (%s)\n", pt_dev_strerror(ret),
		  dt_disk.front.xb.why);
	return -1;
}

/* The end of a run that was not killed: everything durable, PASS. */
static int finish(uint32_t gen)
{
	while (pt_vblk_in_flight(&dt_disk))
		if (wait_until(0))
			return -1;
	if (!failed && flushed < gen) {
		if (submit_flush(gen))
			return -1;
		while (flush_busy)
			if (wait_until(0))
				return -1;
	}
	if (failed) {
		pt_printf("disk-test FAIL %u requests failed, first: %s\n",
			  failed, failed_why);
		return -1;
	}
	pt_printf("disk-test flushed gen=%u\n", flushed);
	pt_printf("disk-test PASS stream: %u writes\n", gen);
	return 0;
}

int dt_stream_run(void)
{
	const struct pt_vblk_info *in = pt_vblk_info(&dt_disk);
	uint32_t bs = dt_opt.bs, per = bs / DT_SECTOR;
	uint64_t blocks = in->capacity / per, next_print = 0;
	/* flush_every=0 here means the default: a FLUSH every 16 writes. */
	uint32_t every = !dt_opt.flush_every ? 16u
			 : dt_opt.flush_every >= bs
				 ? (uint32_t)(dt_opt.flush_every / bs)
				 : 1u;
	uint32_t window = dt_opt.window, gen = 0, printed = 0;

	if (bs % in->blk_size || bs > in->max_io_bytes || blocks < 2 ||
	    window < every + dt_opt.qd || window > blocks / 2 ||
	    dt_opt.writes > UINT32_MAX - window) {
		pt_printf("disk-test FAIL stream options: bs=%u must be whole "
			  "blocks of %u up to %u, window=%u at least "
			  "flush_every/bs + qd (%u) and at most half the "
			  "%llu blocks\n",
			  bs, in->blk_size, in->max_io_bytes, window,
			  every + dt_opt.qd, (unsigned long long)blocks);
		return -1;
	}
	if ((uint64_t)dt_opt.qd * ((bs + 4095u) / 4096u) > pt_pages_left()) {
		pt_printf("disk-test FAIL no memory for %u buffers of %u "
			  "bytes\n",
			  dt_opt.qd, bs);
		return -1;
	}
	for (unsigned i = 0; i < dt_opt.qd; i++)
		sslots[i].buf = pt_pages_alloc((bs + 4095u) / 4096u);
	pt_printf("disk-test stream seed=%u bs=%u blocks=%llu window=%u "
		  "flush-every=%u qd=%u\n",
		  dt_opt.seed, bs, (unsigned long long)blocks, window, every,
		  dt_opt.qd);
	for (;;) {
		uint64_t now = pt_time_ns();
		struct sslot *s;
		int ret = 0;

		if (failed || dt_stopping() ||
		    (dt_opt.writes && gen >= dt_opt.writes))
			return finish(gen);
		/* The line first: it is what lets writes past the window. */
		if (flushed > printed && now >= next_print) {
			pt_printf("disk-test flushed gen=%u\n", flushed);
			printed = flushed;
			next_print = now + PRINT_EVERY_NS;
		}
		if (!flush_busy && gen - flush_gen >= every)
			ret = submit_flush(gen);
		else if (gen - printed < window && (s = free_sslot())) {
			ret = submit_write(s, gen + 1u, blocks, per);
			gen += !ret;
		} else
			ret = 1;
		if (ret < 0)
			return -1;
		if (ret > 0 &&
		    wait_until(flushed > printed ? next_print
						 : now + PRINT_EVERY_NS))
			return -1;
	}
}
