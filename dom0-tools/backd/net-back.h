/* SPDX-License-Identifier: GPL-2.0-only */
/* The virtio network device's data path: frames between two queues and a TAP. */
#ifndef PARTITA_BACKD_NET_BACK_H
#define PARTITA_BACKD_NET_BACK_H

#include <stddef.h>
#include <stdint.h>

#include <partita/virtio-net.h>

#include "net-frame.h"
#include "vring-back.h"

/*
 * One read from the TAP takes a whole frame whatever its size (a TAP
 * truncates a frame read into a shorter buffer), so frames over
 * PT_VIRTIO_NET_FRAME_MAX are seen whole and dropped, never cut.
 */
#define NET_RX_READ_MAX (64u * 1024u + 64u)
/*
 * How long frames may wait in the TAP's own queue for the guest to post
 * receive buffers before the back-end drains them: long enough to ride
 * out a guest busy with the last batch, short enough that a guest that
 * stopped does not hold the root's traffic (docs/split-drivers.md 6).
 */
#define NET_RX_GRACE_MS 100u
/* At most one log line about dropped frames per device per interval. */
#define NET_NOTE_INTERVAL_MS 10000u

/* The counters written under stats/ in the back-end directory. */
struct net_stats {
	uint64_t tx_frames, tx_bytes; /* guest -> TAP, bytes of frames */
	uint64_t tx_errors;	      /* malformed transmit frames dropped */
	uint64_t rx_frames, rx_bytes; /* TAP -> guest */
	uint64_t rx_dropped;	      /* TAP frames the guest did not get */
	uint64_t requests;	      /* chains completed, both queues */
	uint64_t errors;	      /* TAP read and write failures */
};

/* Drops by cause, for the log line (the stats keep only the totals). */
struct net_drops {
	uint64_t tx_bad;
	uint64_t rx_nobuf, rx_small, rx_bad_size;
};

struct net_back {
	int tap; /* the TAP (or a test's socket), -1 when there is none */
	struct vring_back *rx, *tx; /* NULL while not connected */
	uint32_t rx_grace_ms;
	struct net_stats st;

	/* Transmit: a frame the TAP would not take yet waits here. */
	struct vring_chain tx_chain;
	int tx_held;
	int tx_wait; /* the TAP is full: poll it for POLLOUT */
	uint32_t tx_len;
	uint8_t tx_frame[PT_VIRTIO_NET_FRAME_MAX];

	/* Receive: a posted buffer waits for the next frame. */
	struct vring_chain rx_chain;
	int rx_held;
	int rx_nobuf;	 /* the guest had no receive buffer posted */
	int rx_stalled;	 /* ... since rx_stall_at */
	int rx_draining; /* ... for longer than the grace: drop frames */
	uint64_t rx_stall_at;
	uint8_t *rx_buf; /* header + frame, NET_RX_READ_MAX + header bytes */

	/* The TAP failed for good (it was deleted): why, for `broken`. */
	int tap_failed;
	char why[160];

	/* Rate-limited reporting of drops. */
	struct net_drops drops, noted;
	enum net_tx_verdict last_bad;
	uint64_t note_at;
	int noted_once;
};

int net_back_init(struct net_back *nb);
void net_back_free(struct net_back *nb);

/* Serve the two queues (receive 0, transmit 1) through tap, or stop. */
void net_back_connect(struct net_back *nb, struct vring_back *rx,
		      struct vring_back *tx, int tap);
void net_back_disconnect(struct net_back *nb);

/*
 * Guest frames to the TAP, at most budget chains. Malformed frames are
 * dropped and counted (tx-errors) and their chains returned; when the TAP
 * would block the frame waits and consumption stops (tx_wait) until the
 * TAP is writable. 0; -EPROTO when the transmit ring is broken; -EIO when
 * the TAP failed for good (nb->why). *more is set when the budget ran out.
 */
int net_back_tx(struct net_back *nb, unsigned int budget, int *more);

/*
 * TAP frames into receive buffers, at most budget frames, now_ms the
 * loop's clock. A frame is read only into a buffer already popped; with
 * no buffer the frames wait in the TAP's queue for NET_RX_GRACE_MS, then
 * are read and dropped (rx-dropped) until the guest posts buffers again.
 * Returns as net_back_tx().
 */
int net_back_rx(struct net_back *nb, unsigned int budget, uint64_t now_ms,
		int *more);

/* What to poll the TAP for now (maybe nothing: see net_back_rx). */
short net_back_poll_events(const struct net_back *nb);
/* After poll(): an error or hang-up on the TAP means it is gone. */
void net_back_polled(struct net_back *nb, short revents);
/* Is the receive grace running (the loop must wake up to end it)? */
int net_back_needs_timer(const struct net_back *nb);

/*
 * A log line about drops since the last one, at most one per
 * NET_NOTE_INTERVAL_MS (the first at once): 1 with line filled, or 0.
 */
int net_back_note(struct net_back *nb, uint64_t now_ms, char *line, size_t len);
/* Are there drops no line has reported yet? */
int net_back_note_pending(const struct net_back *nb);

#endif
