/* SPDX-License-Identifier: MIT */
/* The virtio console front-end: a byte stream to and from the root's pty. */
#ifndef PARTITA_GUEST_VCONSOLE_H
#define PARTITA_GUEST_VCONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <partita/virtio-console.h>

#include "xenbus.h"

/*
 * Device console/<n> (usually 0), served by partita-backd through a pty
 * (docs/split-drivers.md section 4). Receive buffers stay posted on queue
 * 0; writes copy into pool buffers on queue 1. Waiting halts the vCPU
 * until the back-end's event or the deadline: no polling. One user at a
 * time (no locking); call from the vCPU that opened it.
 */
#define PT_VCONSOLE_QUEUE_SIZE 64u
#define PT_VCONSOLE_POOL_PAGES 16u
#define PT_VCONSOLE_RX_BUFS 16u	     /* receive buffers kept posted */
#define PT_VCONSOLE_RX_BUF_SIZE 256u /* bytes each */
#define PT_VCONSOLE_TX_CHUNK 1024u   /* most bytes per transmit buffer */

struct pt_vconsole_stats {
	uint64_t tx_bytes, tx_bufs; /* sent to the back-end */
	uint64_t tx_waits;	    /* writes that had to wait for room */
	uint64_t rx_bytes, rx_bufs; /* received from it */
	uint64_t events;	    /* event-port handler runs */
	uint64_t spurious;	    /* wake-ups with nothing to do */
	uint64_t throttled;	    /* event storms cut off */
	uint64_t kicks;		    /* notifications sent */
	uint64_t kicks_suppressed;  /* ... and saved by EVENT_IDX */
	uint32_t connects;
};

struct pt_vconsole_rxbuf {
	uint32_t off;	/* in the pool */
	uint32_t len;	/* bytes the back-end wrote */
	uint32_t pos;	/* bytes already read */
	uint8_t posted; /* on the receive queue */
};

struct pt_vconsole {
	struct pt_virtio_front front;
	unsigned n;
	uint8_t connected;
	struct pt_vconsole_rxbuf rx[PT_VCONSOLE_RX_BUFS];
	/* Filled buffers in arrival order, waiting to be read. */
	uint8_t filled[PT_VCONSOLE_RX_BUFS];
	unsigned filled_head, filled_count;
	uint64_t tx_bytes, tx_bufs, tx_waits, rx_bytes, rx_bufs;
};

/*
 * Opens console/<n> through the guest's store connection (pt_store())
 * and connects it; waits for the back-end until deadline_ns (0: for
 * ever). Returns 0 or a negated PT_DEV_E* (c->front.xb.why says more).
 */
int pt_vconsole_open(struct pt_vconsole *c, unsigned n, uint64_t deadline_ns);

/*
 * Writes all len bytes unless the deadline (0: none) passes or the device
 * fails; waits for room when the queue or pool is full. Returns the bytes
 * written (less than len only at the deadline), or a negated PT_DEV_E*
 * when nothing was written.
 */
long pt_vconsole_write(struct pt_vconsole *c, const void *buf, size_t len,
		       uint64_t deadline_ns);

/* Writes a NUL-terminated string: pt_vconsole_write of its length. */
long pt_vconsole_puts(struct pt_vconsole *c, const char *s,
		      uint64_t deadline_ns);

/*
 * Reads what has arrived, up to cap bytes; waits until at least one byte
 * is there or the deadline (0: none) passes. Returns the count, 0 at the
 * deadline, or a negated PT_DEV_E*.
 */
long pt_vconsole_read(struct pt_vconsole *c, void *buf, size_t cap,
		      uint64_t deadline_ns);

/* Harvests finished buffers without waiting. Returns 0 or -PT_DEV_E*. */
int pt_vconsole_poll(struct pt_vconsole *c);

void pt_vconsole_get_stats(const struct pt_vconsole *c,
			   struct pt_vconsole_stats *out);

/*
 * Disconnects (Closing, grants ended, Closed). pt_vconsole_reconnect
 * connects again through the same directory.
 */
int pt_vconsole_close(struct pt_vconsole *c, uint64_t deadline_ns);
int pt_vconsole_reconnect(struct pt_vconsole *c, uint64_t deadline_ns);

#endif
