/* SPDX-License-Identifier: MIT */
/* The driver side of virtio split virtqueues over grants, Partita's way. */
#ifndef PARTITA_GUEST_VIRTIO_H
#define PARTITA_GUEST_VIRTIO_H

#include <stddef.h>
#include <stdint.h>
#include <partita/virtio-ring.h>

#include "dev-status.h"

/*
 * Three layers (docs/split-drivers.md, docs/guest-guide.md):
 *
 * - pt_vpool: an allocator over the connection's buffer pool, the pages
 *   granted once per connection. Offsets are what descriptors carry.
 * - pt_vq: one split virtqueue, driver side: adds chains, decides kicks
 *   with EVENT_IDX, harvests used entries. It trusts nothing the back-end
 *   writes: its free list and chain bookkeeping live in private memory,
 *   every used entry is checked before it is believed.
 * - pt_vdev: the pages, grants and event port of one device's queues and
 *   pool, and the event-driven wait with an event-storm throttle.
 *
 * The first two are pure code (no hypercall) and are unit-tested on the
 * host; pt_vdev needs a running guest. None is safe to share between
 * vCPUs without a lock.
 */

/* --- buffer pool --- */

#define PT_VPOOL_GRANULE 64u /* allocation unit in bytes */
#define PT_VPOOL_BYTES_MAX (PT_VIRTQ_POOL_PAGES_MAX * 4096u)
#define PT_VPOOL_WORDS (PT_VPOOL_BYTES_MAX / PT_VPOOL_GRANULE / 64u)

struct pt_vpool {
	uint8_t *base;		      /* the pool's memory, contiguous */
	uint32_t bytes;		      /* its size */
	uint32_t units;		      /* bytes / PT_VPOOL_GRANULE */
	uint32_t used_units;	      /* units handed out */
	uint32_t hint;		      /* where the next search starts */
	uint64_t map[PT_VPOOL_WORDS]; /* one bit per unit, 1 = in use */
};

/* Takes over bytes (a multiple of PT_VPOOL_GRANULE, at most
 * PT_VPOOL_BYTES_MAX) at base. Returns 0 or -PT_DEV_EINVAL. */
int pt_vpool_init(struct pt_vpool *p, void *base, uint32_t bytes);

/*
 * Finds len bytes (rounded up to the granule, 64-byte aligned) and
 * returns their offset in *off. Returns 0, -PT_DEV_EINVAL for len 0 or
 * larger than the pool, or -PT_DEV_EAGAIN while no run is free.
 */
int pt_vpool_alloc(struct pt_vpool *p, uint32_t len, uint32_t *off);

/*
 * The same with the offset a multiple of align (a power of two; at most
 * the granule's worth is implied). Block front-ends take page-aligned
 * data buffers so that a back-end doing direct I/O (O_DIRECT) can use the
 * pool's mapping as it is.
 */
int pt_vpool_alloc_aligned(struct pt_vpool *p, uint32_t len, uint32_t align,
			   uint32_t *off);

/* Gives back what pt_vpool_alloc(len) returned at off. Returns 0, or
 * -PT_DEV_EINVAL if that range was not wholly allocated (nothing is
 * freed then). */
int pt_vpool_free(struct pt_vpool *p, uint32_t off, uint32_t len);

/* Bytes not handed out. */
uint32_t pt_vpool_free_bytes(const struct pt_vpool *p);

static inline void *pt_vpool_ptr(const struct pt_vpool *p, uint32_t off)
{
	return p->base + off;
}

/* --- one virtqueue, driver side --- */

/* A segment of a chain: bytes [off, off + len) of the pool. */
struct pt_vq_seg {
	uint32_t off;
	uint32_t len;
};

struct pt_vq_stats {
	uint64_t added;		   /* chains made available */
	uint64_t indirect;	   /* ... of which through an indirect table */
	uint64_t completed;	   /* used entries harvested */
	uint64_t kicks;		   /* notifications the back-end asked for */
	uint64_t kicks_suppressed; /* ... and those EVENT_IDX saved */
};

/* What the driver remembers per chain head, in private memory. */
struct pt_vq_head {
	void *cookie;	  /* the caller's, handed back when used */
	uint32_t wlen;	  /* writable bytes: the most used.len may say */
	uint32_t ind_off; /* pool offset of the indirect table, if any */
	uint16_t ind_n;	  /* its entries; 0: a direct chain */
	uint16_t ndesc;	  /* ring descriptors the chain holds */
	uint8_t busy;	  /* made available and not yet used */
};

struct pt_vq {
	uint16_t size;	    /* entries, a power of two */
	uint16_t num_free;  /* ring descriptors on the free list */
	uint16_t free_head; /* first of them */
	uint16_t avail_idx; /* our copy of avail->idx (we own it) */
	uint16_t kick_idx;  /* avail_idx at the last kick decision */
	uint16_t last_used; /* next used entry to harvest */
	uint16_t in_flight; /* chains available and not yet used */
	uint8_t event_idx;  /* VIRTIO_F_EVENT_IDX negotiated */
	uint8_t indirect;   /* VIRTIO_F_INDIRECT_DESC negotiated */
	const char *broken; /* why the back-end broke the queue, or NULL */
	volatile struct pt_vring_desc *desc;
	volatile struct pt_vring_avail *avail;
	volatile struct pt_vring_used *used;
	volatile uint16_t *used_event;	/* ours, after avail->ring[] */
	volatile uint16_t *avail_event; /* the back-end's, after used->ring[] */
	struct pt_vpool *pool;
	uint16_t next[PT_VIRTQ_SIZE_MAX]; /* free list and chain links */
	struct pt_vq_head heads[PT_VIRTQ_SIZE_MAX];
	struct pt_vq_stats stats;
};

/*
 * Lays the queue out in `ring` (zeroed, pt_vring_layout(size).bytes long)
 * with the negotiated features; buffers and indirect tables come from
 * pool. Returns 0 or -PT_DEV_EINVAL (size not a power of two up to
 * PT_VIRTQ_SIZE_MAX).
 */
int pt_vq_init(struct pt_vq *q, void *ring, uint16_t size, uint64_t features,
	       struct pt_vpool *pool);

/*
 * Makes a chain available: nout segments the device reads, then nin it
 * writes, each inside the pool and non-empty. With more than one segment
 * and INDIRECT_DESC negotiated the chain goes through an indirect table
 * taken from the pool (one ring descriptor); without, or when the pool
 * has no room for the table, through nout + nin ring descriptors.
 * cookie comes back from pt_vq_get_used. The back-end sees the chain
 * once avail->idx moves, which this does; call pt_vq_kick_prepare after
 * one or more adds. Returns 0, -PT_DEV_EINVAL (bad segments, more than
 * the queue size), -PT_DEV_EAGAIN (no free descriptors: harvest first)
 * or -PT_DEV_EBROKEN.
 */
int pt_vq_add(struct pt_vq *q, const struct pt_vq_seg *out, unsigned nout,
	      const struct pt_vq_seg *in, unsigned nin, void *cookie);

/*
 * Says whether the back-end wants to hear about the chains added since
 * the last call: with EVENT_IDX, pt_vring_need_event on its avail_event;
 * without, its used->flags. 1: notify it now, 0: it will look anyway.
 */
int pt_vq_kick_prepare(struct pt_vq *q);

/*
 * Takes the next used entry: 1 with its cookie and length, 0 when there
 * is none, or -PT_DEV_EBROKEN. The back-end is not trusted: a used index
 * more than the chains in flight ahead, an id that is out of range or not
 * the head of a chain in flight, or a length beyond the chain's writable
 * bytes breaks the queue (q->broken says which), and every later call
 * fails. The chain's descriptors and indirect table are free again; its
 * buffers are the caller's to free.
 */
int pt_vq_get_used(struct pt_vq *q, void **cookie, uint32_t *len);

/*
 * Asks the back-end for an event when the next used entry arrives
 * (used_event = last_used with EVENT_IDX, else clears
 * AVAIL_F_NO_INTERRUPT). Returns 1 if an entry already arrived, so the
 * caller harvests again instead of sleeping, else 0.
 */
int pt_vq_enable_events(struct pt_vq *q);

/* Chains made available and not yet harvested. */
static inline unsigned pt_vq_in_flight(const struct pt_vq *q)
{
	return q->in_flight;
}

/*
 * For teardown, once the back-end can no longer touch the rings: hands
 * back the cookie of one chain still in flight (and forgets it), 1, or 0
 * when none is left.
 */
int pt_vq_detach(struct pt_vq *q, void **cookie);

/* --- event-storm throttle (XSA-391: the back-end is untrusted too) --- */

struct pt_evlimit {
	uint64_t window_ns;    /* length of a window */
	uint32_t limit;	       /* events tolerated in one window */
	uint32_t in_window;    /* events counted in the current one */
	uint64_t window_start; /* when it began */
};

/* Counts one event at time now; 1 when it is over the window's limit. */
int pt_evlimit_hit(struct pt_evlimit *l, uint64_t now);

/* --- a device's queues, pool, grants and port --- */

struct pt_vdev_config {
	uint32_t backend_id;
	unsigned num_queues; /* up to PT_VIRTQ_QUEUES_MAX */
	uint16_t queue_size[PT_VIRTQ_QUEUES_MAX];
	uint32_t pool_pages; /* up to PT_VIRTQ_POOL_PAGES_MAX */
};

struct pt_vdev_stats {
	uint64_t events;      /* event-port handler runs */
	uint64_t spurious;    /* wake-ups that found no used entry */
	uint64_t throttled;   /* times the port was masked for a storm */
	uint64_t notifies;    /* events sent to the back-end */
	uint64_t quarantined; /* pages never reused: grant still mapped */
};

/* Spurious wake-ups tolerated per window before the port is masked. */
#define PT_VDEV_STORM_LIMIT 256u
#define PT_VDEV_STORM_WINDOW_NS 100000000ull /* 100 ms */

struct pt_vdev {
	uint32_t backend_id;
	uint32_t port; /* our end, offered unbound to the back-end */
	unsigned num_queues;
	uint64_t features; /* negotiated */
	int detail;	   /* PT_STATUS_* of the last failed call */
	uint8_t allocated; /* rings, pool, grants and port are set up */
	uint8_t throttled; /* the port is masked until throttle_until */
	uint64_t throttle_until;
	volatile uint32_t event_flag; /* set by the port's handler */
	struct pt_evlimit storm;
	struct pt_vq vq[PT_VIRTQ_QUEUES_MAX];
	/* Memory kept across reconnects while its grants ended cleanly. */
	void *ring_mem[PT_VIRTQ_QUEUES_MAX];
	uint32_t ring_mem_pages[PT_VIRTQ_QUEUES_MAX];
	uint32_t ring_pages[PT_VIRTQ_QUEUES_MAX];
	uint32_t ring_refs[PT_VIRTQ_QUEUES_MAX][PT_VIRTQ_RING_PAGES_MAX];
	uint16_t queue_size[PT_VIRTQ_QUEUES_MAX];
	void *pool_mem;
	uint32_t pool_mem_pages;
	uint32_t pool_pages;
	uint32_t pool_refs[PT_VIRTQ_POOL_PAGES_MAX];
	struct pt_vpool pool;
	struct pt_vdev_stats stats;
};

/*
 * Sets up what the front-end publishes: zeroed ring pages per queue and
 * the pool, each page granted read-write to the back-end, and an event
 * port offered unbound to it (waiting up to deadline_ns for the back-end
 * partition to exist). Pages from an earlier connection are reused only
 * if all their grants ended. Returns 0, -PT_DEV_EINVAL, -PT_DEV_ENOMEM,
 * -PT_DEV_EGRANT or -PT_DEV_EEVTCHN (d->detail holds the status); on
 * failure nothing stays granted or allocated.
 */
int pt_vdev_alloc(struct pt_vdev *d, const struct pt_vdev_config *cfg,
		  uint64_t deadline_ns);

/* Lays out the queues with the negotiated features (before the
 * back-end is told where they are). Returns 0 or -PT_DEV_EINVAL. */
int pt_vdev_start(struct pt_vdev *d, uint64_t features);

/* Kicks queue qi if pt_vq_kick_prepare says so. Returns 0 or
 * -PT_DEV_EEVTCHN. */
int pt_vdev_kick(struct pt_vdev *d, unsigned qi);

/*
 * Sleeps (halts, no polling) until the back-end signals the port or
 * deadline_ns passes (0: no deadline). Returns 1 when woken by an event,
 * 0 at the deadline. Call pt_vq_enable_events on the queues you wait for
 * first. Wake-ups that lead to no used entry should be reported with
 * pt_vdev_spurious(): too many in a window mask the port for a window
 * (the back-end is then only looked at once per window).
 */
int pt_vdev_wait(struct pt_vdev *d, uint64_t deadline_ns);
void pt_vdev_spurious(struct pt_vdev *d);

/* Ends a pt_vdev_wait early, from any handler (a shutdown request, say). */
static inline void pt_vdev_wake(struct pt_vdev *d)
{
	__atomic_store_n(&d->event_flag, 1, __ATOMIC_RELEASE);
}

/*
 * Tears the connection down once the back-end is told (Closing): closes
 * the port and ends every grant, retrying while the back-end still maps
 * one until deadline_ns. Pages whose grant is still in use then are
 * never reused (counted in stats.quarantined; XSA-396): the next
 * pt_vdev_alloc takes fresh ones. Chains still in flight are dropped
 * (pt_vq_detach first to free their buffers). Returns 0 or -PT_DEV_EBUSY
 * when something had to be quarantined.
 */
int pt_vdev_release(struct pt_vdev *d, uint64_t deadline_ns);

#endif
