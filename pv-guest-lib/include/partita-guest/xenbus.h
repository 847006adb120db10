/* SPDX-License-Identifier: MIT */
/* The front-end side of xenbus-style device negotiation over the store. */
#ifndef PARTITA_GUEST_XENBUS_H
#define PARTITA_GUEST_XENBUS_H

#include <stddef.h>
#include <stdint.h>
#include <partita/xenbus.h>

#include "dev-status.h"
#include "virtio.h"

/*
 * A front-end walks its device through the states of docs/split-drivers.md
 * section 2 with these calls; pt_xenbus_virtio_connect() below does the
 * whole walk for a virtio device. All calls return 0 or a negated
 * PT_DEV_E* (dev-status.h); xb->detail keeps the store's error (STORE_E*)
 * or the waiter's status of the last failure, xb->why a one-line reason.
 *
 * The store is reached through ops (pt_xenbus_guest_ops() in a guest, over
 * the pt_store_* calls of store.h), so the same code runs on the host in
 * unit tests against the store daemon's core.
 */
struct pt_xenbus_ops {
	/*
	 * Store requests. Each returns 0 or a negated errno number of the
	 * store (the Linux numbers of PT_STORE_ERRNO_LIST: -2 ENOENT, -13
	 * EACCES, -11 EAGAIN, ...). read NUL-terminates the value in buf
	 * (cap includes the NUL; -E2BIG if cut).
	 */
	int (*read)(void *ctx, uint32_t tx, const char *path, char *buf,
		    uint32_t cap);
	int (*write)(void *ctx, uint32_t tx, const char *path,
		     const char *value);
	/* Child names, each NUL-terminated, into buf; *len their bytes. */
	int (*directory)(void *ctx, uint32_t tx, const char *path, char *buf,
			 uint32_t cap, uint32_t *len);
	int (*watch)(void *ctx, const char *path, const char *token);
	int (*unwatch)(void *ctx, const char *path, const char *token);
	int (*txn_start)(void *ctx, uint32_t *tx);
	int (*txn_end)(void *ctx, uint32_t tx, int commit);
	/*
	 * Blocks until a watch event arrives (copies its path and token,
	 * NUL-terminated) and returns 0, or returns -PT_DEV_ETIMEDOUT once
	 * hypervisor time deadline_ns (0: none) passed, or another negated
	 * PT_DEV_E*. Events for other watches may come too: callers re-read
	 * what they wait for after each one.
	 */
	int (*wait_event)(void *ctx, char *path, uint32_t pcap, char *token,
			  uint32_t tcap, uint64_t deadline_ns);
	void *ctx;
};

#define PT_XENBUS_PATH_MAX 128u
/*
 * The longest value a guest may write: the store's default quota
 * (docs/store.md, --quota-value-size). A group of
 * PT_XENBUS_POOL_REFS_PER_KEY refs fits in it (xenbus.h in protocols).
 */
#define PT_XENBUS_STORE_VALUE_MAX 2048u
/* The scratch buffer: a ref list as long as the store accepts. */
#define PT_XENBUS_VALUE_MAX PT_XENBUS_STORE_VALUE_MAX
/* Device numbers pt_xenbus_list_devices reports at most. */
#define PT_XENBUS_DEVICES_MAX 32u

struct pt_xenbus {
	const struct pt_xenbus_ops *ops;
	char front[PT_XENBUS_PATH_MAX]; /* our directory, absolute */
	char back[PT_XENBUS_PATH_MAX];	/* the back-end's, from `backend` */
	char token[48];			/* of our watch on back/state */
	uint32_t backend_id;
	uint32_t state;	   /* our state, as last written or read */
	uint32_t be_state; /* the back-end's, as last read */
	uint8_t watching;
	int detail;   /* STORE_E* or waiter status of the last failure */
	char why[96]; /* the last failure, one line */
	char scratch[PT_XENBUS_VALUE_MAX];
};

/*
 * Opens device <type>/<n> of partition domid: reads `backend` and
 * `backend-id` from /local/domain/<domid>/device/<type>/<n>, checks them,
 * reads our `state`, and watches the back-end's `state`. Returns 0,
 * -PT_DEV_ENODEV (no such front-end directory), -PT_DEV_EBADKEY or
 * -PT_DEV_ESTORE.
 */
int pt_xenbus_open(struct pt_xenbus *xb, const struct pt_xenbus_ops *ops,
		   uint32_t domid, const char *type, unsigned n);

/*
 * In a guest: ops over the pt_store_* calls (store.h), and pt_xenbus_open
 * of this partition's own device with them (connecting the store first
 * with pt_store_init() if needed; -PT_DEV_ENOSTORE without one).
 */
const struct pt_xenbus_ops *pt_xenbus_guest_ops(void);
int pt_xenbus_open_self(struct pt_xenbus *xb, const char *type, unsigned n);

/* Removes the watch. */
void pt_xenbus_close(struct pt_xenbus *xb);

/*
 * The devices of one type partition domid has: the numeric names under
 * /local/domain/<domid>/device/<type>, ascending, at most max of them
 * (others are left out); names that are not numbers are skipped. Returns
 * the count (0 when the directory does not exist), or -PT_DEV_ESTORE.
 */
int pt_xenbus_list_devices(const struct pt_xenbus_ops *ops, uint32_t domid,
			   const char *type, unsigned *ids, unsigned max);

/* Reads the back-end's state into *state (PT_XENBUS_STATE_*). */
int pt_xenbus_backend_state(struct pt_xenbus *xb, uint32_t *state);

/* A back-end key: the raw value (NUL-terminated), or a number. Missing
 * or malformed numbers are -PT_DEV_EBADKEY. hex: base 16, with or
 * without 0x; otherwise decimal. */
int pt_xenbus_read_backend(struct pt_xenbus *xb, const char *key, char *buf,
			   uint32_t cap);
int pt_xenbus_read_backend_u64(struct pt_xenbus *xb, const char *key, int hex,
			       uint64_t *value);

/*
 * Waits until the back-end's state is one of `want` (a mask of
 * 1 << PT_XENBUS_STATE_*), returns it in *state (may be NULL). A state in
 * `fail` ends the wait with -PT_DEV_ECLOSED; the deadline with
 * -PT_DEV_ETIMEDOUT; a back-end directory that vanished with
 * -PT_DEV_ENODEV.
 */
int pt_xenbus_wait_backend(struct pt_xenbus *xb, uint32_t want, uint32_t fail,
			   uint64_t deadline_ns, uint32_t *state);

/*
 * Moves our state to `to`, refusing (-PT_DEV_ESTATE) a move the
 * front-end's table does not allow (pt_xenbus_front_may_move).
 */
int pt_xenbus_switch(struct pt_xenbus *xb, uint32_t to);

/* One key of our directory to write. */
struct pt_xenbus_kv {
	const char *key;
	const char *value;
};

/*
 * Writes the keys and then our state `to` in one transaction, so the
 * back-end never sees the state without the keys; retried while the
 * store answers EAGAIN (a conflicting transaction). Same table as
 * pt_xenbus_switch.
 */
int pt_xenbus_publish(struct pt_xenbus *xb, const struct pt_xenbus_kv *kv,
		      unsigned n, uint32_t to);

/* --- pure helpers (unit-tested on the host) --- */

/* 1 if the front-end may move its own state from `from` to `to`. */
int pt_xenbus_front_may_move(uint32_t from, uint32_t to);

/* Formats refs as decimal numbers separated by single spaces. Returns
 * the length, or -PT_DEV_EINVAL if it does not fit in cap (with NUL). */
int pt_xenbus_format_refs(char *buf, size_t cap, const uint32_t *refs,
			  unsigned n);

/* Parses such a list (exactly one space between numbers, none around,
 * each 1..UINT32_MAX); at most max refs. Returns the count, or
 * -PT_DEV_EINVAL. */
int pt_xenbus_parse_refs(const char *s, uint32_t *refs, unsigned max);

/* Parses a whole string as a number (hex: base 16 with optional 0x).
 * Returns 0 or -PT_DEV_EINVAL (empty, junk, overflow). */
int pt_xenbus_parse_u64(const char *s, int hex, uint64_t *value);

/* The largest power of two <= min(want, limit), at least 1; 0 if either
 * is 0. */
uint32_t pt_xenbus_pow2_floor(uint32_t want, uint32_t limit);

/* --- a whole virtio device over xenbus --- */

struct pt_virtio_front {
	struct pt_xenbus xb;
	struct pt_vdev dev;
	uint64_t offered;	 /* the back-end's device-features */
	uint32_t max_queue_size; /* and its limits */
	uint32_t max_pool_pages;
	uint32_t connects; /* successful connects so far */
	/* What pt_virtio_front_check saw of the store last time. */
	uint32_t store_activity;
	uint64_t store_events;
};

/*
 * Negotiates and connects an opened device (pt_xenbus_open): a front-end
 * left in another state is first closed and restarted (Closed ->
 * Initialising); waits for the back-end's InitWait; reads its features
 * and limits; keeps `features & offered` (failing with -PT_DEV_EFEATURES
 * if a bit of `required` is missing); shrinks the queue sizes and pool
 * to the limits; allocates and grants rings, pool and port
 * (pt_vdev_alloc); publishes the keys with state Initialised; waits for
 * the back-end's Connected (its Closing or Closed fails with
 * -PT_DEV_ECLOSED); moves to Connected. On failure what was granted is
 * released again.
 */
int pt_virtio_front_connect(struct pt_virtio_front *f,
			    const struct pt_vdev_config *want,
			    uint64_t features, uint64_t required,
			    uint64_t deadline_ns);

/*
 * Closing; waits (until deadline_ns) for the back-end to leave Connected
 * (it unmaps then), ends the grants (pt_vdev_release), Closed. A later
 * pt_virtio_front_connect starts over. Returns 0, or -PT_DEV_EBUSY when a
 * page stayed mapped and was quarantined, or the first other failure.
 */
int pt_virtio_front_disconnect(struct pt_virtio_front *f, uint64_t deadline_ns);

/*
 * For a connected device, cheaply: has the back-end left Connected? Only
 * when the store port fired since the last call does it drain watch
 * events (pt_store_wait_event without waiting), and only when a watch
 * event came (to anyone: pt_store_event_count) does it read the
 * back-end's state. Returns 0 while Connected, -PT_DEV_ECLOSED once the
 * back-end is anything else or its directory is gone (detach, a broken
 * device, the guest's end): xb.why then says which, with the back-end's
 * `broken` reason if it wrote one. Other store failures are returned as
 * they are; the caller may try again.
 */
int pt_virtio_front_check(struct pt_virtio_front *f);

/*
 * After the back-end left (pt_virtio_front_check, docs/split-drivers.md
 * section 7), and once the caller has harvested what completed and
 * failed what was still in flight: Closing, Closed, then ends every
 * grant, retrying while the back-end still maps a page until deadline_ns
 * (it unmaps when it sees us Closed), quarantining what stays mapped.
 * Returns 0 or -PT_DEV_EBUSY (something quarantined) or a store failure.
 */
int pt_virtio_front_detach(struct pt_virtio_front *f, uint64_t deadline_ns);

/*
 * In a guest: device waits (pt_vdev_wait) of connected front-ends also
 * end when the store port fires, so that a front-end sleeping on its
 * device notices a watch event. pt_virtio_front_connect registers the
 * device, disconnect and detach unregister it; up to
 * PT_XENBUS_WAKE_MAX devices.
 */
/*
 * Hot-plug in a guest: watches /local/domain/<self>/device/<type>, where
 * the toolstack creates a device's directory when it attaches one to the
 * running partition (state Initialising) and removes it after a detach.
 * pt_xenbus_hotplug_poll re-lists the devices only when a watch event
 * came (to anyone) since it last looked. A device may be listed before
 * the toolstack wrote all its keys: opening it then fails with
 * -PT_DEV_ENODEV or -PT_DEV_EBADKEY, and the next change is the time to
 * try again.
 */
struct pt_xenbus_hotplug {
	char path[PT_XENBUS_PATH_MAX];
	char token[48];
	char type[16];
	uint32_t activity; /* pt_store_activity() when last looked */
	uint64_t events;   /* pt_store_event_count() when last listed */
	unsigned ids[PT_XENBUS_DEVICES_MAX], count; /* the devices, sorted */
	uint8_t watching;
};

/* Watches device/<type> and lists what is there. 0 or -PT_DEV_E*. */
int pt_xenbus_hotplug_start(struct pt_xenbus_hotplug *h, const char *type);

/* 1 when the list changed since the last call (h->ids holds it), 0 when
 * not, or -PT_DEV_E*. Does not sleep. */
int pt_xenbus_hotplug_poll(struct pt_xenbus_hotplug *h);

/* Sleeps until a watch event or deadline_ns (0: none), then polls. */
int pt_xenbus_hotplug_wait(struct pt_xenbus_hotplug *h, uint64_t deadline_ns);

void pt_xenbus_hotplug_stop(struct pt_xenbus_hotplug *h);

#define PT_XENBUS_WAKE_MAX 16u
void pt_xenbus_wake_add(struct pt_vdev *d);
void pt_xenbus_wake_remove(struct pt_vdev *d);

#endif
