/* SPDX-License-Identifier: MIT */
/* The virtio block front-end: requests to a disk served by the root. */
#ifndef PARTITA_GUEST_VBLK_H
#define PARTITA_GUEST_VBLK_H

#include <stddef.h>
#include <stdint.h>
#include <partita/virtio-blk.h>

#include "xenbus.h"

/*
 * Device block/<n>, served by partita-backd from an image file or block
 * device in the root (docs/split-drivers.md section 5). One request
 * queue; every request is one chain: a 16-byte header, the data in pool
 * buffers, a status byte. Two layers:
 *
 * - struct pt_vblk_queue: the request engine (pure code, unit-tested on
 *   the host): checks a request against the disk's limits, copies data
 *   into the pool, builds the chain, harvests completions, copies read
 *   data out and calls the completion.
 * - struct pt_vblk: the device (store negotiation, grants, event port,
 *   waiting, detach) around one engine.
 *
 * Requests are the caller's memory (struct pt_vblk_req, prepared with
 * pt_vblk_req_*), completed by a callback, by polling its state, or by
 * waiting for it. Many may be in flight. One user at a time (no
 * locking); call from the vCPU that opened the device.
 */
#define PT_VBLK_QUEUE_SIZE 256u
/*
 * Pool pages asked for: enough for several 1 MiB requests in flight.
 * The connect shrinks it to the back-end's max-pool-pages and to what
 * pool-refs can name within the store's value limit (about 500 pages
 * for a guest's first device).
 */
#define PT_VBLK_POOL_PAGES PT_VIRTQ_POOL_PAGES_MAX
/* Data buffers of a page or more start on a page in the pool. */
#define PT_VBLK_DATA_ALIGN 4096u

/* What the back-end's keys and features say about the disk. */
struct pt_vblk_info {
	uint64_t capacity;	   /* in 512-byte sectors */
	uint32_t blk_size;	   /* logical block: I/O comes in whole ones */
	uint32_t seg_max;	   /* data segments per request */
	uint32_t size_max;	   /* bytes per data segment */
	uint32_t max_discard;	   /* sectors per DISCARD (0: none) */
	uint32_t max_write_zeroes; /* sectors per WRITE_ZEROES (0: none) */
	uint32_t max_io_bytes;	   /* largest read or write one request takes */
	uint8_t read_only;	   /* VIRTIO_BLK_F_RO offered */
	uint8_t flush;		   /* FLUSH negotiated */
	uint8_t discard;	   /* DISCARD negotiated */
	uint8_t write_zeroes;	   /* WRITE_ZEROES negotiated */
	char serial[PT_VIRTIO_BLK_ID_BYTES + 1];
	uint64_t features; /* negotiated */
};

struct pt_vblk_req;
typedef void (*pt_vblk_done_fn)(struct pt_vblk_req *r);

/* struct pt_vblk_req.state */
#define PT_VBLK_REQ_IDLE 0u	 /* prepared or finished, not in flight */
#define PT_VBLK_REQ_IN_FLIGHT 1u /* submitted, not yet completed */
#define PT_VBLK_REQ_DONE 2u	 /* completed: status holds the result */

struct pt_vblk_req {
	/* Set by pt_vblk_req_*(). */
	uint32_t type;	   /* PT_VIRTIO_BLK_T_* */
	uint32_t wz_flags; /* WRITE_ZEROES: PT_VIRTIO_BLK_WZ_F_UNMAP */
	uint64_t sector;   /* first sector (IN, OUT, DISCARD, WRITE_ZEROES) */
	uint64_t sectors;  /* DISCARD, WRITE_ZEROES: how many */
	void *buf;	   /* IN, OUT, GET_ID: the data */
	uint32_t len;	   /* its bytes (IN/OUT: a multiple of 512) */
	pt_vblk_done_fn done; /* called on completion, or NULL */
	void *ctx;	      /* the caller's */
	/*
	 * The result, once state is DONE: 0, -PT_DEV_EIO (the device
	 * answered IOERR, or a status byte it may not write),
	 * -PT_DEV_EUNSUPP (UNSUPP), or -PT_DEV_ECLOSED (the device went
	 * away with the request in flight: whether a write reached the
	 * disk is then unknown).
	 */
	int status;
	volatile uint32_t state; /* PT_VBLK_REQ_* */
	/* The library's. */
	uint32_t meta_off;	       /* header, ranges and status byte */
	uint32_t data_off, data_alloc; /* pool buffer, 0 bytes if none */
	uint64_t submitted_tsc;	       /* for latency figures */
};

/* Prepare a request; done and ctx may be NULL. */
void pt_vblk_req_read(struct pt_vblk_req *r, uint64_t sector, void *buf,
		      uint32_t len, pt_vblk_done_fn done, void *ctx);
void pt_vblk_req_write(struct pt_vblk_req *r, uint64_t sector, const void *buf,
		       uint32_t len, pt_vblk_done_fn done, void *ctx);
void pt_vblk_req_flush(struct pt_vblk_req *r, pt_vblk_done_fn done, void *ctx);
void pt_vblk_req_discard(struct pt_vblk_req *r, uint64_t sector,
			 uint64_t sectors, pt_vblk_done_fn done, void *ctx);
void pt_vblk_req_write_zeroes(struct pt_vblk_req *r, uint64_t sector,
			      uint64_t sectors, int unmap, pt_vblk_done_fn done,
			      void *ctx);
/* buf holds PT_VIRTIO_BLK_ID_BYTES: the serial, NUL-padded. */
void pt_vblk_req_get_id(struct pt_vblk_req *r, void *buf, pt_vblk_done_fn done,
			void *ctx);

struct pt_vblk_stats {
	uint64_t submitted, completed;	 /* requests */
	uint64_t reads, writes, flushes; /* by type, completed */
	uint64_t discards, write_zeroes, get_ids;
	uint64_t read_bytes, write_bytes; /* of completed requests */
	uint64_t errors;		  /* completed with IOERR/UNSUPP */
	uint64_t bad_status;		  /* status bytes out of range */
	uint64_t failed_detached;	  /* failed with -PT_DEV_ECLOSED */
	uint64_t busy;			  /* submits refused: queue/pool full */
	uint64_t zero_copy;		  /* data used in place in the pool */
	uint64_t indirect;		  /* chains through an indirect table */
	uint64_t kicks, kicks_suppressed; /* notifications to the back-end */
	uint64_t events, spurious, throttled; /* from the back-end */
	uint64_t waits;			      /* sleeps in pt_vblk_wait */
	uint32_t connects;
};

/* --- the request engine (pure) --- */

struct pt_vblk_queue {
	struct pt_vq *vq;
	struct pt_vpool *pool;
	struct pt_vblk_info info;
	struct pt_vblk_stats stats;
};

/*
 * Binds the engine to a laid-out queue and its pool, with the disk's
 * limits. max_io_bytes is worked out here: seg_max (and the queue size,
 * less the header and status descriptors) times size_max, a multiple of
 * blk_size, at most half the pool.
 */
void pt_vblk_queue_init(struct pt_vblk_queue *q, struct pt_vq *vq,
			struct pt_vpool *pool, const struct pt_vblk_info *info);

/*
 * Checks r against the disk and queues it: 0 (r is IN_FLIGHT; the caller
 * kicks), -PT_DEV_EINVAL (a read, write or write-zeroes not in whole
 * logical blocks of blk_size, a length over max_io_bytes, a range past
 * the capacity, a type the device did not negotiate, a request in
 * flight), -PT_DEV_EROFS (a write, discard or
 * write-zeroes to a read-only disk) or -PT_DEV_EAGAIN (queue or pool
 * full: harvest first). A refused request is left IDLE and its callback
 * is not called. Write data is copied into the pool unless buf already
 * lies in it (pt_vblk_buf_alloc): then it is used in place.
 */
int pt_vblk_queue_submit(struct pt_vblk_queue *q, struct pt_vblk_req *r);

/*
 * Harvests up to max completions (0: all there are): copies read data
 * out, frees pool buffers, sets status and state, calls callbacks.
 * Returns how many, or -PT_DEV_EBROKEN once the back-end broke the ring.
 */
int pt_vblk_queue_complete(struct pt_vblk_queue *q, unsigned max);

/* Fails every request still in flight with err (after the back-end can
 * no longer touch the ring). Returns how many. */
unsigned pt_vblk_queue_fail_all(struct pt_vblk_queue *q, int err);

/* --- the device --- */

struct pt_vblk {
	struct pt_virtio_front front;
	struct pt_vblk_queue q;
	unsigned n;
	uint8_t connected;
	uint8_t detached; /* the back-end left: pt_vblk_reconnect or close */
	uint8_t closing;  /* draining before a detach: no new requests */
	uint32_t connects;
};

/*
 * Opens block/<n> of this partition through the store (connecting it
 * if needed), reads the disk's keys and connects. Waits for the
 * back-end until deadline_ns (0: for ever). Returns 0 or a negated
 * PT_DEV_E* (b->front.xb.why says more).
 */
int pt_vblk_open(struct pt_vblk *b, unsigned n, uint64_t deadline_ns);

/*
 * The same for a struct that was opened before and is not connected now
 * (closed, detached, or a failed open): it keeps the ring and pool pages
 * of its last connection whose grants ended, instead of taking new RAM
 * (pt_pages_alloc never gives RAM back). For a guest that follows disks
 * coming and going (hot-plug).
 */
int pt_vblk_reopen(struct pt_vblk *b, unsigned n, uint64_t deadline_ns);

static inline const struct pt_vblk_info *pt_vblk_info(const struct pt_vblk *b)
{
	return &b->q.info;
}

/*
 * Submits r and notifies the back-end if it asked to be: see
 * pt_vblk_queue_submit; also -PT_DEV_ECLOSED once the device is detached
 * and -PT_DEV_ESTATE when not connected.
 */
int pt_vblk_submit(struct pt_vblk *b, struct pt_vblk_req *r);

/*
 * Harvests completions without sleeping, running their callbacks, and
 * notices a detach: returns the completions (>= 0), or -PT_DEV_ECLOSED
 * once the back-end has left (a back-end in Closing is given up to 5 s
 * to complete what is in flight; what is still in flight then fails
 * with -PT_DEV_ECLOSED, and the device moves to Closed), or
 * -PT_DEV_EBROKEN (the back-end broke the ring: requests in flight are
 * failed too).
 */
int pt_vblk_poll(struct pt_vblk *b);

/*
 * Sleeps until at least one request completes or deadline_ns (0: none)
 * passes; returns what pt_vblk_poll would, 0 at the deadline or when
 * woken for something else (a store event, pt_vdev_wake from a handler:
 * the caller may look at its watches or a shutdown flag). A deadline
 * never fails a request: requests stay in flight until the back-end
 * answers or leaves. If partita-backd is killed and started again, the
 * new one re-attaches to the same rings and pool and serves the chains
 * the old one never completed (docs/split-drivers.md section 4), so a
 * waiter simply keeps waiting through the restart.
 */
int pt_vblk_wait(struct pt_vblk *b, uint64_t deadline_ns);

/*
 * Waits for one request: its status once DONE, -PT_DEV_ETIMEDOUT at the
 * deadline (r stays in flight), or another device error.
 */
int pt_vblk_wait_req(struct pt_vblk *b, struct pt_vblk_req *r,
		     uint64_t deadline_ns);

/*
 * Synchronous calls: submit (waiting for room while the queue or pool is
 * full), wait with no deadline, return the request's status or the
 * submit's error. read/write take any length up to max_io_bytes.
 */
int pt_vblk_read(struct pt_vblk *b, uint64_t sector, void *buf, uint32_t len);
int pt_vblk_write(struct pt_vblk *b, uint64_t sector, const void *buf,
		  uint32_t len);
int pt_vblk_flush(struct pt_vblk *b);
int pt_vblk_discard(struct pt_vblk *b, uint64_t sector, uint64_t sectors);
int pt_vblk_write_zeroes(struct pt_vblk *b, uint64_t sector, uint64_t sectors,
			 int unmap);
int pt_vblk_get_id(struct pt_vblk *b, char id[PT_VIRTIO_BLK_ID_BYTES + 1]);

/*
 * Zero-copy buffers: len bytes (page-aligned when a page or more) in the
 * device's pool, which requests then use in place. The back-end can see
 * and change them at any time, and they are only valid while the device
 * stays connected: for bulk data whose privacy does not matter (a
 * benchmark). NULL when the pool is full.
 */
void *pt_vblk_buf_alloc(struct pt_vblk *b, uint32_t len);
void pt_vblk_buf_free(struct pt_vblk *b, void *buf, uint32_t len);

static inline unsigned pt_vblk_in_flight(const struct pt_vblk *b)
{
	return b->connected ? pt_vq_in_flight(b->q.vq) : 0;
}

void pt_vblk_get_stats(const struct pt_vblk *b, struct pt_vblk_stats *out);

/*
 * Guest-initiated close: waits (until deadline_ns) for the requests in
 * flight, then Closing, grants ended, Closed. Requests still in flight
 * at the deadline fail with -PT_DEV_ECLOSED. pt_vblk_reconnect connects
 * again through the same directory (also after a detach, if the back-end
 * offers the device again).
 */
int pt_vblk_close(struct pt_vblk *b, uint64_t deadline_ns);
int pt_vblk_reconnect(struct pt_vblk *b, uint64_t deadline_ns);

/*
 * Reads the disk's keys for the offered features into info: capacity is
 * required; blk-size, seg-max and size-max are required when their
 * feature bits are offered, as are max-discard-sectors and
 * max-write-zeroes-sectors for DISCARD and WRITE_ZEROES; serial is
 * optional. Returns 0 or -PT_DEV_EBADKEY (xb->why names the key).
 */
int pt_vblk_read_info(struct pt_xenbus *xb, uint64_t offered,
		      struct pt_vblk_info *info);

/* The features the front-end asks for and needs. */
#define PT_VBLK_FEATURES                                \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) |     \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) |     \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_SIZE_MAX) |  \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_SEG_MAX) |   \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_RO) |        \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_BLK_SIZE) |  \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_FLUSH) |     \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_DISCARD) |   \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_WRITE_ZEROES))
#define PT_VBLK_REQUIRED PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1)

#endif
