// SPDX-License-Identifier: MIT
/*
 * disk-test's hotplug mode: watches device/block, connects every disk
 * the root attaches while the guest runs, keeps I/O going on it (writes
 * of self-describing sectors read back and checked; reads only on a
 * read-only disk) and reports when the root detaches it:
 *   disk-test attached block/N ...          (then the info line)
 *   disk-test io block/N ops=... verified=...   (every 5 s)
 *   disk-test detached block/N after ... (why)
 *   disk-test FAIL block/N ...              (a read-back that differs)
 * It runs until the partition is shut down.
 */
#include <partita-guest/guest.h>

#include "disk-test.h"
#include "dt-pattern.h"
#include "fmt.h"
#include "string.h"

#define DISKS_MAX 4u
#define SEC 1000000000ull
#define IO_SECTORS 2048u /* the first MiB of each disk is exercised */
#define REPORT_NS (5 * SEC)
#define BLOCK_MAX 65536u

enum io_step { IO_IDLE, IO_WRITING, IO_READING };

struct disk {
	unsigned id;
	uint8_t used;	   /* this slot follows a device */
	uint8_t connected; /* and it is connected */
	uint8_t opened;	   /* its pt_vblk was opened before: reopen it */
	enum io_step step;
	struct pt_vblk_req req;
	/* One logical block (up to 64 KiB) of self-describing sectors. */
	uint8_t buf[BLOCK_MAX] __attribute__((aligned(4096)));
	uint64_t sector;
	uint32_t gen;
	uint64_t ops, verified, errors, mismatches;
	uint64_t last_report;
};

/* The first disk shares dt_disk, whose port the shutdown handler wakes. */
static struct pt_vblk more[DISKS_MAX - 1];
static struct disk disks[DISKS_MAX];
static struct pt_xenbus_hotplug hp;

static struct pt_vblk *blk(struct disk *d)
{
	size_t i = (size_t)(d - disks);

	return i ? &more[i - 1] : &dt_disk;
}

static uint32_t block_bytes(struct disk *d)
{
	return pt_vblk_info(blk(d))->blk_size;
}

static void fill_block(struct disk *d)
{
	for (uint32_t i = 0; i < block_bytes(d) / DT_SECTOR; i++)
		dt_fill_sector(d->buf + i * DT_SECTOR, dt_opt.seed,
			       d->sector + i, d->gen);
}

/* 0 if the block read back is what fill_block wrote. */
static unsigned check_block(struct disk *d)
{
	unsigned bad = 0;

	for (uint32_t i = 0; i < block_bytes(d) / DT_SECTOR; i++)
		bad |= dt_check_sector(d->buf + i * DT_SECTOR, dt_opt.seed,
				       d->sector + i, d->gen);
	return bad;
}

static void io_done(struct pt_vblk_req *r)
{
	struct disk *d = r->ctx;

	d->ops++;
	if (r->status) {
		d->errors++;
		d->step = IO_IDLE;
		return;
	}
	if (d->step == IO_READING && d->gen) {
		if (check_block(d)) {
			if (!d->mismatches++)
				pt_printf("disk-test FAIL block/%u sector "
					  "%llu read back differs from "
					  "generation %u\n",
					  d->id, (unsigned long long)d->sector,
					  d->gen);
		} else {
			d->verified++;
		}
	}
	/* A write is followed by reading the same sector back. */
	d->step = d->step == IO_WRITING ? IO_READING : IO_IDLE;
}

/* Starts the next request on a connected disk that has none in flight. */
static void io_next(struct disk *d)
{
	struct pt_vblk *b = blk(d);
	const struct pt_vblk_info *in = pt_vblk_info(b);
	uint32_t bytes = block_bytes(d), unit = bytes / DT_SECTOR;
	uint64_t span =
		(in->capacity < IO_SECTORS ? in->capacity : IO_SECTORS) / unit *
		unit;
	int ret;

	if (d->req.state == PT_VBLK_REQ_IN_FLIGHT || bytes > BLOCK_MAX || !span)
		return;
	if (d->step == IO_READING) {
		pt_vblk_req_read(&d->req, d->sector, d->buf, bytes, io_done, d);
	} else if (in->read_only) {
		d->sector = (d->sector + unit) % span;
		d->gen = 0; /* nothing of ours to compare with */
		d->step = IO_READING;
		pt_vblk_req_read(&d->req, d->sector, d->buf, bytes, io_done, d);
	} else {
		d->sector = (d->sector + unit) % span;
		d->gen++;
		fill_block(d);
		d->step = IO_WRITING;
		pt_vblk_req_write(&d->req, d->sector, d->buf, bytes, io_done,
				  d);
	}
	ret = pt_vblk_submit(b, &d->req);
	if (ret && ret != -PT_DEV_EAGAIN && ret != -PT_DEV_ECLOSED)
		pt_printf("disk-test block/%u submit: %s\n", d->id,
			  pt_dev_strerror(ret));
}

static void report(struct disk *d, int force)
{
	uint64_t now = pt_time_ns();

	if (!force && now - d->last_report < REPORT_NS)
		return;
	d->last_report = now;
	pt_printf("disk-test io block/%u ops=%llu verified=%llu errors=%llu "
		  "mismatches=%llu in-flight=%u\n",
		  d->id, (unsigned long long)d->ops,
		  (unsigned long long)d->verified,
		  (unsigned long long)d->errors,
		  (unsigned long long)d->mismatches, pt_vblk_in_flight(blk(d)));
}

static struct disk *find(unsigned id)
{
	for (unsigned i = 0; i < DISKS_MAX; i++)
		if (disks[i].used && disks[i].id == id)
			return &disks[i];
	return NULL;
}

/* A device listed that we do not follow yet: connect it. */
static void attach(unsigned id)
{
	struct disk *d = NULL;
	uint8_t opened;
	int ret;

	for (unsigned i = 0; i < DISKS_MAX && !d; i++)
		if (!disks[i].used)
			d = &disks[i];
	if (!d) {
		pt_printf("disk-test block/%u ignored: already following %u "
			  "disks\n",
			  id, DISKS_MAX);
		return;
	}
	opened = d->opened;
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->opened = 1;
	/* Reopening keeps the pages of the last connection. */
	ret = opened ? pt_vblk_reopen(blk(d), id, pt_time_ns() + 30 * SEC)
		     : pt_vblk_open(blk(d), id, pt_time_ns() + 30 * SEC);
	if (ret) {
		/* Keys still being written, or a back-end that refused:
		 * the next change in device/block is the next try. */
		pt_printf("disk-test block/%u not connected yet: %s (%s)\n", id,
			  pt_dev_strerror(ret), blk(d)->front.xb.why);
		pt_xenbus_close(&blk(d)->front.xb);
		return;
	}
	d->used = d->connected = 1;
	d->last_report = pt_time_ns();
	pt_printf("disk-test attached block/%u\n", id);
	dt_print_info("disk-test", id, blk(d));
}

static void lost(struct disk *d, int err)
{
	struct pt_vblk_stats s;

	pt_vblk_get_stats(blk(d), &s);
	report(d, 1);
	pt_printf("disk-test detached block/%u after %llu ops, %llu failed "
		  "in flight: %s (%s)\n",
		  d->id, (unsigned long long)d->ops,
		  (unsigned long long)s.failed_detached, pt_dev_strerror(err),
		  blk(d)->front.xb.why);
	pt_xenbus_close(&blk(d)->front.xb);
	d->used = d->connected = 0;
}

static void rescan(void)
{
	for (unsigned i = 0; i < hp.count; i++)
		if (!find(hp.ids[i]))
			attach(hp.ids[i]);
}

/* Services every connected disk; how many are connected. */
static unsigned service(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < DISKS_MAX; i++) {
		struct disk *d = &disks[i];
		int ret;

		if (!d->connected)
			continue;
		ret = pt_vblk_poll(blk(d));
		if (ret < 0) {
			lost(d, ret);
			continue;
		}
		io_next(d);
		report(d, 0);
		n++;
	}
	return n;
}

int dt_hotplug_run(void)
{
	int ret = pt_xenbus_hotplug_start(&hp, PT_XENBUS_TYPE_BLOCK);

	if (ret) {
		pt_printf("disk-test FAIL cannot watch device/block: %s\n",
			  pt_dev_strerror(ret));
		return 1;
	}
	pt_printf("disk-test hotplug: watching %s (%u disks there)\n", hp.path,
		  hp.count);
	rescan();
	while (!dt_stopping()) {
		unsigned connected = service(), first = DISKS_MAX;

		ret = pt_xenbus_hotplug_poll(&hp);
		if (ret > 0)
			rescan();
		for (unsigned i = 0; i < DISKS_MAX && first == DISKS_MAX; i++)
			if (disks[i].connected)
				first = i;
		if (!connected || first == DISKS_MAX) {
			ret = pt_xenbus_hotplug_wait(&hp,
						     pt_time_ns() + REPORT_NS);
			if (ret > 0)
				rescan();
		} else if (connected == 1) {
			/* Its port and the store's both wake this. */
			pt_vblk_wait(blk(&disks[first]),
				     pt_time_ns() + REPORT_NS);
		} else {
			/* One port at a time: look at the others often. */
			pt_vblk_wait(blk(&disks[first]),
				     pt_time_ns() + 10000000ull);
		}
	}
	for (unsigned i = 0; i < DISKS_MAX; i++)
		if (disks[i].connected) {
			report(&disks[i], 1);
			pt_vblk_close(blk(&disks[i]), pt_time_ns() + 5 * SEC);
		}
	pt_xenbus_hotplug_stop(&hp);
	pt_printf("disk-test PASS hotplug stopped\n");
	return 0;
}
