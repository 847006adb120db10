/* SPDX-License-Identifier: GPL-2.0-only */
/* What one kind of device (console, block, net) plugs into backd's core. */
#ifndef PARTITA_BACKD_KIND_H
#define PARTITA_BACKD_KIND_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

struct backd;
struct backd_dev;

#define BACKD_KIND_STATS_MAX 16u /* counters one kind writes under stats/ */
#define BACKD_KIND_FDS_MAX 4u	 /* descriptors one device polls at once */

/*
 * The generic layer (backd-dev.c, backd.c, backd-main.c) does everything
 * every kind shares: it finds devices under /local/domain/0/backend/<type>,
 * runs the xenbus state machine, reads and checks the front-end's keys
 * (event-channel, driver-features against `features`, num-queues against
 * `nqueues`, queue sizes and ring refs, pool-pages up to `max_pool_pages`,
 * pool-refs), maps the rings and the pool, binds the port, notifies the
 * guest when a service call moved a used index it asked to hear about,
 * breaks the device when a ring turns out hostile, rate-limits the
 * counters and polls the descriptors a kind names. A kind supplies the
 * device's own part through these hooks; a hook left NULL does nothing.
 *
 * Its state lives in the device (struct backd_dev's union: the console
 * embedded, other kinds behind a pointer `init` allocates). Every hook
 * runs on backd's one thread; none may block for long (I/O goes through
 * descriptors the loop polls). A hook that fails writes its one-line
 * reason into dev->why; the generic layer logs it tagged with the
 * partition, writes it to `broken` and moves the device to Closing.
 *
 * A TAP-backed net device, for instance: nqueues 2 (receive, transmit);
 * init allocates its state; offer reads `mac`/`tap`/`bridge` and writes
 * `mtu`; connect opens and configures the TAP (or keeps it from an earlier
 * connection) and takes dev->q[0] and dev->q[1]; service moves frames
 * both ways within the budget and arms the transmit queue (and the receive
 * queue when frames wait for buffers); poll_fds names the TAP fd with
 * POLLIN while receive buffers are there and POLLOUT while frames wait
 * for the TAP; polled notes what the fd reported (service runs on the
 * loop's next round anyway); disconnect forgets the queues; free closes
 * the TAP. A new kind is one more entry in backd-kind.c's table.
 */
struct backd_kind {
	const char *type;	 /* the store's device type: "console", ... */
	unsigned int nqueues;	 /* exactly this many; <= PT_VIRTQ_QUEUES_MAX */
	uint64_t features;	 /* the most it offers, transport bits too */
	uint32_t max_pool_pages; /* offered; <= PT_VIRTQ_POOL_PAGES_MAX */
	/* Counters written as stats/<name>, in the order stats() fills. */
	const char *const *stat_names;
	unsigned int nstats; /* <= BACKD_KIND_STATS_MAX */

	/* A device was found (dev->be, dev->fe set): its state. 0 or -errno. */
	int (*init)(struct backd *d, struct backd_dev *dev);
	/* The device is forgotten (disconnected already): release all of it. */
	void (*free)(struct backd *d, struct backd_dev *dev);

	/*
	 * Before InitWait, on every (re)offer: read the toolstack's keys
	 * (backd_dev_read), write the device's own (backd_dev_write) and
	 * clear bits of dev->offered (preset to `features`) this device does
	 * not offer; the core writes device-features after the hook.
	 * 0, or -errno with dev->why: the device is broken and is not
	 * offered again while this backd runs (a missing image stays
	 * missing; the toolstack makes a new device).
	 */
	int (*offer)(struct backd *d, struct backd_dev *dev);
	/*
	 * Rings and pool are mapped, the port bound, dev->q[0..nqueues)
	 * initialised and resumed at the ring's used index: start serving.
	 * 0, or -errno with dev->why (everything is then released). A
	 * restarted backd re-attaches a device the store says is Connected
	 * without calling offer first: connect then acquires what offer
	 * would have (the block kind opens its image here in that case).
	 */
	int (*connect)(struct backd *d, struct backd_dev *dev);
	/*
	 * Moves data: at most `budget` chains per queue. Completes what it
	 * can, then arms (vring_back_arm) the queues it wants kicks for.
	 * Sets *more when work is left and it wants to be called again at
	 * once. 0, or -EPROTO with *bad_queue the queue whose ring broke
	 * (dev->q[*bad_queue].why says why), or another -errno when the
	 * device's root side failed for good, with dev->why saying how.
	 */
	int (*service)(struct backd *d, struct backd_dev *dev,
		       unsigned int budget, int *more, unsigned int *bad_queue);
	/*
	 * Stop using the queues and the pool: when this returns, nothing
	 * (not even the kernel, for I/O submitted on the pool) reads or
	 * writes them, so they can be unmapped. Safe when not connected.
	 * With dev->offline set the device will not connect again (the
	 * toolstack detached it): release its files too.
	 */
	void (*disconnect)(struct backd *d, struct backd_dev *dev);
	/* The counters now, in stat_names order. */
	void (*stats)(const struct backd_dev *dev, uint64_t *values);
	/*
	 * The descriptors to poll now, with their events; returns how many
	 * (<= max). polled() gets each back with its slot and what poll
	 * said; the loop then serves every device again on its next round.
	 */
	unsigned int (*poll_fds)(struct backd_dev *dev, struct pollfd *fds,
				 unsigned int max);
	void (*polled)(struct backd *d, struct backd_dev *dev,
		       unsigned int slot, short revents);
	/* Every loop round, before service (e.g. the console's attach check). */
	void (*tick)(struct backd *d, struct backd_dev *dev);
	/* Does the loop need to wake on a timer for this device? */
	int (*needs_timer)(const struct backd_dev *dev);
	/* Appends kind details to the "attached:" log line (", tty ..."). */
	void (*describe)(const struct backd_dev *dev, char *buf, size_t len);
};

/* The kinds backd serves; NULL for a type it does not. */
const struct backd_kind *backd_kind_find(const char *type);

extern const struct backd_kind backd_console_kind;
extern const struct backd_kind backd_block_kind;
extern const struct backd_kind backd_net_kind;

#endif
