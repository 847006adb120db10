/* SPDX-License-Identifier: GPL-2.0-only */
/* A virtio-blk request queue served with io_uring, completions in order. */
#ifndef PARTITA_BACKD_BLK_IO_H
#define PARTITA_BACKD_BLK_IO_H

#include <liburing.h>
#include <stdint.h>
#include <sys/uio.h>

#include "blk-backing.h"
#include "blk-req.h"
#include "vring-back.h"

#define BLK_RING_ENTRIES PT_VIRTQ_SIZE_MAX /* >= slots: one op each */
#define BLK_IOV_MAX 128u		   /* iovecs of one operation */
#define BLK_ZERO_BYTES 65536u		   /* the zero buffer, reused */
#define BLK_BOUNCE_BUDGET (8u << 20)	   /* bounce bytes per disk */
#define BLK_LOG_ERRORS 5u /* request errors logged per connection */
#define BLK_SYNC_ROUND_BYTES (8u << 20) /* synchronous copies per round */

enum blk_slot_state {
	BLK_SLOT_FREE,
	BLK_SLOT_WAIT, /* valid, not started: a flush behind earlier
			  requests, or no bounce memory yet */
	BLK_SLOT_IO,   /* one operation submitted to the ring */
	BLK_SLOT_DONE, /* status written, waiting for its turn to be used */
};

enum blk_op {
	BLK_OP_NONE,
	BLK_OP_RW,     /* readv or writev of the data */
	BLK_OP_FSYNC,  /* fdatasync */
	BLK_OP_FALLOC, /* a range: punch hole or zero range */
	BLK_OP_ZWRITE, /* a range: zeroes written for real */
};

/* How a write-zeroes range is carried out, cheapest first. */
enum blk_zero_mode { BLK_Z_PUNCH, BLK_Z_ZERO_RANGE, BLK_Z_WRITE };

/* One request between pop and used, found by its position. */
struct blk_slot {
	uint8_t state, op, zmode;
	uint16_t head;
	uint16_t range; /* the DISCARD/WRITE_ZEROES range being done */
	uint32_t used_len;
	uint64_t done; /* bytes of the data (or the range) done so far */
	struct blk_req req;
	struct iovec iov[BLK_IOV_MAX];
	uint8_t *bounce; /* cache none: aligned copy of the data */
	size_t bounce_cap;
};

struct blk_stats {
	uint64_t requests, reads, writes, flushes, discards, write_zeroes;
	uint64_t bytes_read, bytes_written, errors;
};

struct blk_io {
	struct io_uring ring;
	int ring_ok;
	int efd; /* the ring's completion eventfd, for backd's poll loop */
	const struct blk_backing *b;
	struct vring_back *q; /* NULL while stopped */
	struct blk_limits lim;
	int write_through; /* FLUSH not negotiated: every write RWF_DSYNC */
	struct blk_slot *slots;
	unsigned int nslots;
	uint64_t head_seq, tail_seq; /* slots in use, in the ring's order */
	unsigned int ops_out;	     /* submitted operations not reaped */
	unsigned int to_submit;
	size_t bounce_used;
	uint8_t *zeroes;
	int no_punch, no_zero_range; /* the backing refused these modes */
	unsigned int errors_logged;
	struct blk_stats st;
	struct vring_chain chain; /* scratch for pops */
	/* Reads and writes done with preadv/pwritev2 on backd's thread, not
	 * io_uring: set by blk_io_open for tmpfs images (see there). */
	int sync_rw;
	uint64_t
		sync_bytes; /* done so this round, up to BLK_SYNC_ROUND_BYTES */
	/* Where the errors of requests go (backd's log, tagged). */
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
};

/*
 * Sets up the ring and its eventfd for a disk: 0, or a negative errno with
 * why a sentence (io_uring disabled by kernel.io_uring_disabled, or
 * missing from the kernel, is reported as such: there is no fallback).
 */
int blk_io_open(struct blk_io *io, const struct blk_backing *b, char *why,
		size_t len);
/* Releases the ring (stopped first). Safe on a never-opened io. */
void blk_io_close(struct blk_io *io);

/*
 * Serves q (the request queue, resumed at its used index) with the
 * negotiated features: one slot per request the queue lets be in flight.
 * 0 or -ENOMEM with why.
 */
int blk_io_start(struct blk_io *io, struct vring_back *q, uint64_t features,
		 char *why, size_t len);
/*
 * Stops serving: cancels what is in flight and waits until the kernel has
 * finished with every operation, so the pool may be unmapped. Requests not
 * yet used stay available in the ring and are fetched again on the next
 * start (the same ring after a restart). Safe when stopped.
 */
void blk_io_stop(struct blk_io *io);

/*
 * Reaps completions, publishes finished requests in the order the guest
 * made them available, fetches new ones (at most budget) and submits
 * their I/O, then asks for a kick when below the in-flight limit.
 * *more when the budget ran out. 0, or -EPROTO when the ring is broken
 * (io->q->why).
 */
int blk_io_service(struct blk_io *io, unsigned int budget, int *more);
/* Empties the eventfd after poll reported it readable. */
void blk_io_event(struct blk_io *io);
/* Requests fetched and not yet used. */
unsigned int blk_io_inflight(const struct blk_io *io);

#endif
