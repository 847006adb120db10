/* SPDX-License-Identifier: GPL-2.0-only */
/* The virtio console's device side: guest output and input through a pty. */
#ifndef PARTITA_BACKD_CONSOLE_BACK_H
#define PARTITA_BACKD_CONSOLE_BACK_H

#include <stddef.h>
#include <stdint.h>

#include "console-hist.h"
#include "vring-back.h"

#define CONSOLE_HIST_DEFAULT (64u * 1024u)
/* Readable bytes of one transmit chain we look at; the rest is dropped. */
#define CONSOLE_TX_CHAIN_MAX (64u * 1024u)

struct console_back {
	int master; /* the pty's master side, -1 when there is none */
	char tty[64];
	int attached; /* someone has the slave side open */
	/*
	 * Guest output the pty has not taken: all of it while nobody is
	 * attached (oldest dropped beyond the bound), a backlog otherwise.
	 */
	struct console_hist out;
	struct vring_back *rx, *tx;  /* NULL while not connected */
	struct vring_chain rx_chain; /* a receive buffer popped, not filled */
	int rx_held;
	int rx_wait; /* no receive buffer: pty input waits (backpressure) */
	int tx_wait; /* backlog full while attached: guest output waits */
	uint64_t bytes_out; /* guest output taken from the transmit queue */
	uint64_t bytes_in;  /* pty input given to the guest */
	uint64_t requests;  /* chains completed, both queues */
	uint64_t errors;    /* pty errors */
	struct vring_chain scratch;
};

int console_back_init(struct console_back *cb, size_t hist_cap);
void console_back_free(struct console_back *cb);

/*
 * A new pty, raw, its slave opened and closed once so that the master
 * reports POLLHUP until somebody opens it. 0 or a negative errno, err
 * filled with a sentence.
 */
int console_back_open_pty(struct console_back *cb, char *err, size_t errlen);
void console_back_close_pty(struct console_back *cb);

/* Serve the two queues (receive 0, transmit 1), or stop serving them. */
void console_back_connect(struct console_back *cb, struct vring_back *rx,
			  struct vring_back *tx);
void console_back_disconnect(struct console_back *cb);

/*
 * Guest output into the backlog, at most budget chains: 0, or -EPROTO when
 * the transmit ring is broken. *more is set when the budget ran out.
 */
int console_back_tx(struct console_back *cb, unsigned int budget, int *more);
/* pty input into receive buffers, at most budget chains; as above. */
int console_back_rx(struct console_back *cb, unsigned int budget, int *more);
/* The backlog to the pty while attached; returns bytes written. */
size_t console_back_flush(struct console_back *cb);

/*
 * Looks (without waiting) whether somebody has the slave open; on a new
 * attach the backlog is flushed. Returns the attached flag.
 */
int console_back_check_attach(struct console_back *cb);
/*
 * While attached, poll the master for these events (maybe none: POLLHUP is
 * reported anyway, and is how a detach shows). Detached, do not poll it:
 * the master reports POLLHUP at once and for ever, so the caller rechecks
 * with console_back_check_attach() on a short timer instead.
 */
short console_back_poll_events(const struct console_back *cb);
/* After poll(): notices a detach (POLLHUP). */
void console_back_polled(struct console_back *cb, short revents);

#endif
