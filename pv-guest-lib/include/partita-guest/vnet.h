/* SPDX-License-Identifier: MIT */
/* The virtio network front-end: Ethernet frames to and from the root's TAP. */
#ifndef PARTITA_GUEST_VNET_H
#define PARTITA_GUEST_VNET_H

#include <stddef.h>
#include <stdint.h>
#include <partita/virtio-net.h>

#include "xenbus.h"

/*
 * Device net/<n>, served by partita-backd through a TAP device in the
 * root (docs/split-drivers.md section 6). Queue 0 receives: the
 * front-end keeps it full of buffers, each the 12-byte virtio-net header
 * plus a whole frame of up to PT_VIRTIO_NET_FRAME_MAX bytes (no mergeable
 * buffers, no offloads). Queue 1 transmits: each frame is copied with a
 * zeroed header into one pool buffer.
 *
 * Received frames are copied out of the pool before anyone looks at
 * them, so the back-end cannot change a frame while the guest parses it.
 * They are taken one at a time (pt_vnet_recv) or handed to a callback
 * (pt_vnet_set_rx_handler) from pt_vnet_poll and pt_vnet_wait. A guest
 * that takes nothing leaves the receive queue empty: the back-end then
 * drops and counts, in the root. One user at a time (no locking).
 *
 * Two layers, as for the block device: struct pt_vnet_queues (pure,
 * unit-tested on the host) and struct pt_vnet (the device).
 */
#define PT_VNET_QUEUE_SIZE 256u
#define PT_VNET_POOL_PAGES 256u
#define PT_VNET_HDR_BYTES ((uint32_t)sizeof(struct pt_virtio_net_hdr))
/* One receive buffer: header and the largest frame. */
#define PT_VNET_RX_BUF_BYTES (PT_VNET_HDR_BYTES + PT_VIRTIO_NET_FRAME_MAX)
#define PT_VNET_RX_BUFS_MAX PT_VNET_QUEUE_SIZE

struct pt_vnet_stats {
	uint64_t rx_frames, rx_bytes; /* frames handed to the guest */
	uint64_t rx_short;	      /* used entries too short for a frame */
	uint64_t rx_backlog_max;      /* most frames waiting to be taken */
	uint64_t tx_frames, tx_bytes; /* frames queued to the back-end */
	uint64_t tx_done;	      /* ... and given back by it */
	uint64_t tx_full;	      /* sends refused: queue or pool full */
	uint64_t tx_waits;	      /* sends that slept for room */
	uint64_t kicks, kicks_suppressed;
	uint64_t events, spurious, throttled;
	uint32_t connects;
};

/* --- the queues (pure) --- */

struct pt_vnet_rxbuf {
	uint32_t off;	/* in the pool */
	uint32_t len;	/* frame bytes the back-end wrote (header excluded) */
	uint8_t posted; /* on the receive queue */
};

struct pt_vnet_queues {
	struct pt_vq *rxq, *txq;
	struct pt_vpool *pool;
	unsigned nbufs; /* receive buffers, up to the receive queue's size */
	struct pt_vnet_rxbuf rx[PT_VNET_RX_BUFS_MAX];
	/* Filled buffers in arrival order, waiting to be taken. */
	uint16_t filled[PT_VNET_RX_BUFS_MAX];
	unsigned filled_head, filled_count;
	struct pt_vnet_stats stats;
};

/*
 * Takes a receive buffer from the pool for every receive descriptor and
 * posts them all. Returns 0, or -PT_DEV_ENOMEM when the pool cannot hold
 * them (nothing stays allocated then).
 */
int pt_vnet_queues_init(struct pt_vnet_queues *q, struct pt_vq *rxq,
			struct pt_vq *txq, struct pt_vpool *pool);

/*
 * Harvests both queues: filled receive buffers join the backlog (those
 * too short for a frame go straight back), finished transmit buffers are
 * freed. Returns the number of entries, or -PT_DEV_EBROKEN. *reposted
 * says whether the receive queue needs a kick.
 */
int pt_vnet_queues_harvest(struct pt_vnet_queues *q, int *reposted);

/*
 * Copies the oldest received frame into buf (at most cap bytes; a longer
 * frame is cut) and posts its buffer again. Returns the frame's length
 * (maybe more than cap), or 0 when none is waiting.
 */
uint32_t pt_vnet_queues_take(struct pt_vnet_queues *q, void *buf, uint32_t cap);

/*
 * Queues one frame (PT_VIRTIO_NET_FRAME_MIN .. PT_VIRTIO_NET_FRAME_MAX
 * bytes) behind a zeroed header. Returns 0 (the caller kicks),
 * -PT_DEV_EINVAL or -PT_DEV_EAGAIN (queue or pool full).
 */
int pt_vnet_queues_send(struct pt_vnet_queues *q, const void *frame,
			uint32_t len);

/* "02:00:00:aa:bb:cc" into mac; 0 or -PT_DEV_EINVAL (also for a
 * multicast address, which no NIC may have). */
int pt_vnet_parse_mac(const char *s, uint8_t mac[6]);

/* --- the device --- */

typedef void (*pt_vnet_rx_fn)(const uint8_t *frame, uint32_t len, void *ctx);

struct pt_vnet {
	struct pt_virtio_front front;
	struct pt_vnet_queues q;
	unsigned n;
	uint8_t mac[6];
	uint32_t mtu;
	uint8_t connected;
	uint8_t detached;
	uint8_t delivering; /* in the receive callback loop */
	uint32_t connects;
	pt_vnet_rx_fn rx_fn;
	void *rx_ctx;
	/* Where a frame is copied before the callback sees it. */
	uint8_t rx_frame[PT_VIRTIO_NET_FRAME_MAX];
};

/*
 * Opens net/<n> of this partition through the store, reads `mac` (and
 * `mtu`, which must not exceed the 1500 the buffers hold) and connects,
 * waiting for the back-end until deadline_ns (0: for ever). Returns 0 or
 * a negated PT_DEV_E* (v->front.xb.why says more).
 */
int pt_vnet_open(struct pt_vnet *v, unsigned n, uint64_t deadline_ns);

/*
 * Sends one frame (copied): waits for room until deadline_ns (0: for
 * ever) while the queue or pool is full. Returns 0, -PT_DEV_EINVAL (a
 * length out of range), -PT_DEV_ETIMEDOUT, -PT_DEV_ECLOSED (the back-end
 * left), -PT_DEV_EBROKEN.
 */
int pt_vnet_send(struct pt_vnet *v, const void *frame, uint32_t len,
		 uint64_t deadline_ns);

/*
 * Takes one received frame into buf (cut to cap): waits until one is
 * there or deadline_ns (0: for ever). Returns its length, 0 at the
 * deadline or when woken for something else (a store event, a
 * pt_vdev_wake from a handler), or a negated PT_DEV_E*. Not with a
 * receive callback set.
 */
long pt_vnet_recv(struct pt_vnet *v, void *buf, uint32_t cap,
		  uint64_t deadline_ns);

/*
 * With fn set, pt_vnet_poll and pt_vnet_wait hand every received frame to
 * fn (a private copy, valid during the call; fn may send) instead of
 * keeping it for pt_vnet_recv. NULL goes back to pt_vnet_recv.
 */
void pt_vnet_set_rx_handler(struct pt_vnet *v, pt_vnet_rx_fn fn, void *ctx);

/*
 * Harvests without sleeping (running the callback for received frames)
 * and notices a detach. Returns the entries harvested, -PT_DEV_ECLOSED
 * once the back-end left (the device is Closed then), or -PT_DEV_EBROKEN.
 */
int pt_vnet_poll(struct pt_vnet *v);

/*
 * Sleeps until something arrives (a frame, room to send, a store event)
 * or deadline_ns (0: none). Returns what pt_vnet_poll returns (without a
 * callback: the frames waiting, at once if some already are), 0 at the
 * deadline or when woken for something else: a store event (the caller
 * may have watches to look at) or pt_vdev_wake (a shutdown request).
 */
int pt_vnet_wait(struct pt_vnet *v, uint64_t deadline_ns);

/* Frames received and not yet taken (without a callback). */
static inline unsigned pt_vnet_backlog(const struct pt_vnet *v)
{
	return v->q.filled_count;
}

void pt_vnet_get_stats(const struct pt_vnet *v, struct pt_vnet_stats *out);

/* Closing, grants ended, Closed; pt_vnet_reconnect starts again. */
int pt_vnet_close(struct pt_vnet *v, uint64_t deadline_ns);
int pt_vnet_reconnect(struct pt_vnet *v, uint64_t deadline_ns);

#define PT_VNET_FEATURES                                \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) |     \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) |     \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_MTU) |       \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_MAC))
#define PT_VNET_REQUIRED                            \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_MAC))

#endif
