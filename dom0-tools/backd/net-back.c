// SPDX-License-Identifier: GPL-2.0-only
/* Virtio-net device side: transmit to a TAP, receive from it, bounded both ways. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net-back.h"

int net_back_init(struct net_back *nb)
{
	memset(nb, 0, sizeof(*nb));
	nb->tap = -1;
	nb->rx_grace_ms = NET_RX_GRACE_MS;
	nb->rx_buf = malloc(NET_HDR_LEN + NET_RX_READ_MAX);
	return nb->rx_buf ? 0 : -ENOMEM;
}

void net_back_free(struct net_back *nb)
{
	net_back_disconnect(nb);
	free(nb->rx_buf);
	nb->rx_buf = NULL;
}

void net_back_connect(struct net_back *nb, struct vring_back *rx,
		      struct vring_back *tx, int tap)
{
	net_back_disconnect(nb);
	nb->rx = rx;
	nb->tx = tx;
	nb->tap = tap;
	nb->tap_failed = 0;
	nb->why[0] = 0;
}

void net_back_disconnect(struct net_back *nb)
{
	/*
	 * Held chains are forgotten, not completed: a re-attach resumes at
	 * the used index and fetches them again, so a transmit frame the
	 * TAP had not taken is sent once, later.
	 */
	nb->rx = NULL;
	nb->tx = NULL;
	nb->tap = -1;
	nb->tx_held = 0;
	nb->tx_wait = 0;
	nb->rx_held = 0;
	nb->rx_nobuf = 0;
	nb->rx_stalled = 0;
	nb->rx_draining = 0;
}

static int tap_gone(struct net_back *nb, const char *what, int err)
{
	nb->tap_failed = 1;
	snprintf(nb->why, sizeof(nb->why), "the TAP failed on %s: %s", what,
		 strerror(err));
	return -EIO;
}

/* An errno the TAP gives only once its device is gone. */
static int tap_fatal(int err)
{
	return err == EBADFD || err == EBADF || err == ENXIO || err == ENODEV ||
	       err == EPIPE;
}

/* Copies a popped transmit chain's frame out once and judges it. */
static enum net_tx_verdict take_frame(struct net_back *nb)
{
	const struct vring_chain *c = &nb->tx_chain;
	struct pt_virtio_net_hdr h;
	enum net_tx_verdict v;
	uint32_t len = 0;

	/* Writable segments are never used on transmit, but a chain of them
	 * costs the walk all the same: they count towards the fatal limit. */
	if ((uint32_t)c->nread + c->nwrite > NET_TX_SEGS_FATAL)
		return NET_TX_FATAL_SPLIT;
	memset(&h, 0, sizeof(h));
	if (c->read_bytes >= NET_HDR_LEN)
		vring_chain_read(nb->tx, c, 0, &h, NET_HDR_LEN);
	v = net_tx_check(&h, c->read_bytes, c->nread, &len);
	if (v != NET_TX_OK)
		return v;
	nb->tx_len = (uint32_t)vring_chain_read(nb->tx, c, NET_HDR_LEN,
						nb->tx_frame, len);
	return NET_TX_OK;
}

/* 1: written or dropped; 0: the TAP is full; -EIO: the TAP is gone. */
static int tap_write(struct net_back *nb)
{
	for (;;) {
		ssize_t n = write(nb->tap, nb->tx_frame, nb->tx_len);

		if (n == (ssize_t)nb->tx_len) {
			nb->st.tx_frames++;
			nb->st.tx_bytes += nb->tx_len;
			return 1;
		}
		if (n >= 0) {
			/* A TAP takes a frame whole or not at all. */
			nb->st.errors++;
			return 1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (tap_fatal(errno))
			return tap_gone(nb, "write", errno);
		/* ENOMEM and the like: this frame is lost, the TAP lives. */
		nb->st.errors++;
		return 1;
	}
}

static int complete(struct net_back *nb, struct vring_back *q, uint16_t head,
		    uint32_t len)
{
	nb->st.requests++;
	return vring_back_push(q, head, len) ? -EPROTO : 0;
}

int net_back_tx(struct net_back *nb, unsigned int budget, int *more)
{
	nb->tx_wait = 0;
	if (nb->tap_failed)
		return -EIO;
	while (nb->tx && nb->tap >= 0) {
		int r;

		if (!nb->tx_held) {
			enum net_tx_verdict v;

			if (!budget--) {
				*more = 1;
				return 0;
			}
			r = vring_back_pop(nb->tx, &nb->tx_chain);
			if (r <= 0)
				return r;
			v = take_frame(nb);
			if (v != NET_TX_OK) {
				nb->st.tx_errors++;
				nb->drops.tx_bad++;
				nb->last_bad = v;
				if (v == NET_TX_FATAL_SPLIT)
					return vring_back_break(
						nb->tx,
						"head %u: a frame in %u "
						"segments (more than %u)",
						nb->tx_chain.head,
						nb->tx_chain.nread +
							nb->tx_chain.nwrite,
						NET_TX_SEGS_FATAL);
				if (complete(nb, nb->tx, nb->tx_chain.head, 0))
					return -EPROTO;
				continue;
			}
			nb->tx_held = 1;
		}
		r = tap_write(nb);
		if (r < 0)
			return r;
		if (r == 0) {
			/* Back-pressure: the guest's frames wait in its ring. */
			nb->tx_wait = 1;
			return 0;
		}
		nb->tx_held = 0;
		/* The device writes nothing into transmit buffers. */
		if (complete(nb, nb->tx, nb->tx_chain.head, 0))
			return -EPROTO;
	}
	return 0;
}

/*
 * One frame from the TAP into rx_buf after the header's room: its length,
 * 0 when none is queued, -EIO when the TAP is gone, -EAGAIN on a failed
 * read worth counting but not worth stopping for.
 */
static ssize_t tap_read(struct net_back *nb)
{
	for (;;) {
		ssize_t n = read(nb->tap, nb->rx_buf + NET_HDR_LEN,
				 NET_RX_READ_MAX);

		if (n > 0)
			return n;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (tap_fatal(errno))
			return tap_gone(nb, "read", errno);
		nb->st.errors++;
		return -EAGAIN;
	}
}

/* Puts the frame in rx_buf into the held chain, or drops it. */
static int deliver(struct net_back *nb, size_t frame)
{
	const struct vring_chain *c = &nb->rx_chain;
	struct pt_virtio_net_hdr h;

	if (frame < PT_VIRTIO_NET_FRAME_MIN ||
	    frame > PT_VIRTIO_NET_FRAME_MAX) {
		/* The root's fault, not the buffer's: it waits for the next. */
		nb->st.rx_dropped++;
		nb->drops.rx_bad_size++;
		return 0;
	}
	nb->rx_held = 0;
	if (NET_HDR_LEN + frame > c->write_bytes) {
		nb->st.rx_dropped++;
		nb->drops.rx_small++;
		return complete(nb, nb->rx, c->head, 0);
	}
	/* Zeroed first: no byte of ours but the fields we mean. */
	memset(&h, 0, sizeof(h));
	h.gso_type = PT_VIRTIO_NET_HDR_GSO_NONE;
	h.num_buffers = 1;
	memcpy(nb->rx_buf, &h, sizeof(h));
	vring_chain_write(nb->rx, c, nb->rx_buf, NET_HDR_LEN + frame);
	nb->st.rx_frames++;
	nb->st.rx_bytes += frame;
	return complete(nb, nb->rx, c->head, (uint32_t)(NET_HDR_LEN + frame));
}

/* No buffer posted: may frames be read (and dropped) now? */
static int may_drain(struct net_back *nb, uint64_t now_ms)
{
	nb->rx_nobuf = 1;
	if (nb->rx_draining)
		return 1;
	if (!nb->rx_stalled) {
		nb->rx_stalled = 1;
		nb->rx_stall_at = now_ms;
	}
	if (now_ms - nb->rx_stall_at < nb->rx_grace_ms)
		return 0;
	nb->rx_draining = 1;
	return 1;
}

int net_back_rx(struct net_back *nb, unsigned int budget, uint64_t now_ms,
		int *more)
{
	nb->rx_nobuf = 0;
	if (nb->tap_failed)
		return -EIO;
	while (nb->rx && nb->tap >= 0) {
		ssize_t n;

		if (!nb->rx_held) {
			int r = vring_back_pop(nb->rx, &nb->rx_chain);

			if (r < 0)
				return r;
			if (r) {
				nb->rx_held = 1;
				nb->rx_nobuf = 0;
				nb->rx_stalled = 0;
				nb->rx_draining = 0;
			} else if (!may_drain(nb, now_ms)) {
				return 0;
			}
		}
		if (!budget--) {
			*more = 1;
			return 0;
		}
		n = tap_read(nb);
		if (n == -EIO)
			return -EIO;
		if (n <= 0)
			return 0;
		if (!nb->rx_held) {
			nb->st.rx_dropped++;
			nb->drops.rx_nobuf++;
			continue;
		}
		if (deliver(nb, (size_t)n))
			return -EPROTO;
	}
	return 0;
}

short net_back_poll_events(const struct net_back *nb)
{
	short ev = 0;

	if (nb->tap < 0 || !nb->rx || nb->tap_failed)
		return 0;
	/* Waiting out the grace, frames stay queued: do not spin on them. */
	if (!(nb->rx_nobuf && !nb->rx_draining))
		ev |= POLLIN;
	if (nb->tx_wait)
		ev |= POLLOUT;
	return ev;
}

void net_back_polled(struct net_back *nb, short revents)
{
	if (nb->tap_failed || !(revents & (POLLERR | POLLHUP | POLLNVAL)))
		return;
	nb->tap_failed = 1;
	snprintf(nb->why, sizeof(nb->why),
		 "the TAP reported %s (was it deleted?)",
		 revents & POLLNVAL  ? "an invalid fd"
		 : revents & POLLERR ? "an error"
				     : "a hang-up");
}

int net_back_needs_timer(const struct net_back *nb)
{
	return nb->rx && nb->rx_nobuf && !nb->rx_draining;
}

int net_back_note(struct net_back *nb, uint64_t now_ms, char *line, size_t len)
{
	struct net_drops *d = &nb->drops, *o = &nb->noted;
	uint64_t nobuf = d->rx_nobuf - o->rx_nobuf;
	uint64_t small = d->rx_small - o->rx_small;
	uint64_t bad_size = d->rx_bad_size - o->rx_bad_size;
	uint64_t tx = d->tx_bad - o->tx_bad;
	char last[96] = "";

	if (!tx && !nobuf && !small && !bad_size)
		return 0;
	if (nb->noted_once && now_ms - nb->note_at < NET_NOTE_INTERVAL_MS)
		return 0;
	if (tx)
		snprintf(last, sizeof(last), " (last: %s)",
			 net_tx_verdict_text(nb->last_bad));
	snprintf(line, len,
		 "dropped %" PRIu64 " malformed transmit frame(s)%s; dropped "
		 "%" PRIu64 " received frame(s) with no receive buffer "
		 "posted, %" PRIu64 " too large for their buffer, %" PRIu64
		 " of a bad size",
		 tx, last, nobuf, small, bad_size);
	*o = *d;
	nb->note_at = now_ms;
	nb->noted_once = 1;
	return 1;
}

int net_back_note_pending(const struct net_back *nb)
{
	return memcmp(&nb->drops, &nb->noted, sizeof(nb->drops)) != 0;
}
