// SPDX-License-Identifier: GPL-2.0-only
/* The virtio console's device side: transmit to a pty, receive from it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console-back.h"

int console_back_init(struct console_back *cb, size_t hist_cap)
{
	memset(cb, 0, sizeof(*cb));
	cb->master = -1;
	return console_hist_init(&cb->out, hist_cap);
}

void console_back_free(struct console_back *cb)
{
	console_back_disconnect(cb);
	console_back_close_pty(cb);
	console_hist_free(&cb->out);
}

int console_back_open_pty(struct console_back *cb, char *err, size_t errlen)
{
	struct termios t;
	int m, s, e;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open a pty: %s", strerror(e));
		return -e;
	}
	if (grantpt(m) || unlockpt(m) ||
	    ptsname_r(m, cb->tty, sizeof(cb->tty)) ||
	    fcntl(m, F_SETFL, O_NONBLOCK)) {
		e = errno;
		snprintf(err, errlen, "cannot set up the pty: %s", strerror(e));
		goto fail;
	}
	/*
	 * Raw: no echo of the user's input back into guest output, no CR/LF
	 * rewriting; the guest's shell does its own line handling. Opening
	 * and closing the slave once also makes the master report POLLHUP
	 * while nobody has it open, which is how we see a detach.
	 */
	s = open(cb->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0 || tcgetattr(s, &t)) {
		e = errno;
		snprintf(err, errlen, "cannot open %s: %s", cb->tty,
			 strerror(e));
		if (s >= 0)
			close(s);
		goto fail;
	}
	cfmakeraw(&t);
	if (tcsetattr(s, TCSANOW, &t)) {
		e = errno;
		snprintf(err, errlen, "cannot make %s raw: %s", cb->tty,
			 strerror(e));
		close(s);
		goto fail;
	}
	close(s);
	cb->master = m;
	cb->attached = 0;
	return 0;

fail:
	close(m);
	cb->tty[0] = 0;
	return -e;
}

void console_back_close_pty(struct console_back *cb)
{
	if (cb->master >= 0)
		close(cb->master);
	cb->master = -1;
	cb->attached = 0;
	cb->tty[0] = 0;
}

void console_back_connect(struct console_back *cb, struct vring_back *rx,
			  struct vring_back *tx)
{
	cb->rx = rx;
	cb->tx = tx;
	cb->rx_held = 0;
	cb->rx_wait = 0;
	cb->tx_wait = 0;
}

void console_back_disconnect(struct console_back *cb)
{
	/*
	 * A held receive buffer is simply forgotten: it was never used, so a
	 * re-attach finds it available again past the used index.
	 */
	cb->rx = NULL;
	cb->tx = NULL;
	cb->rx_held = 0;
	cb->rx_wait = 0;
	cb->tx_wait = 0;
}

/* Does the backlog have room for more guest output now? */
static int tx_room(const struct console_back *cb)
{
	/* Detached, old output gives way; attached, the guest waits. */
	return !cb->attached || cb->out.len < cb->out.cap / 2;
}

int console_back_tx(struct console_back *cb, unsigned int budget, int *more)
{
	struct vring_chain *c = &cb->scratch;
	uint8_t buf[4096];

	cb->tx_wait = 0;
	while (cb->tx) {
		uint64_t from = 0, want;
		int r;

		if (!tx_room(cb)) {
			cb->tx_wait = 1;
			return 0;
		}
		if (!budget--) {
			*more = 1;
			return 0;
		}
		r = vring_back_pop(cb->tx, c);
		if (r <= 0)
			return r;
		want = c->read_bytes;
		if (want > CONSOLE_TX_CHAIN_MAX) {
			cb->out.dropped += want - CONSOLE_TX_CHAIN_MAX;
			want = CONSOLE_TX_CHAIN_MAX;
		}
		while (from < want) {
			size_t n = want - from < sizeof(buf)
					   ? (size_t)(want - from)
					   : sizeof(buf);

			n = vring_chain_read(cb->tx, c, from, buf, n);
			console_hist_put(&cb->out, buf, n);
			from += n;
		}
		cb->bytes_out += c->read_bytes;
		cb->requests++;
		/* The device writes nothing into output buffers. */
		if (vring_back_push(cb->tx, c->head, 0))
			return -EPROTO;
	}
	return 0;
}

int console_back_rx(struct console_back *cb, unsigned int budget, int *more)
{
	struct vring_chain *c = &cb->rx_chain;
	uint8_t buf[4096];

	cb->rx_wait = 0;
	while (cb->rx && cb->master >= 0 && cb->attached) {
		size_t want;
		ssize_t n;

		if (!budget--) {
			*more = 1;
			return 0;
		}
		if (!cb->rx_held) {
			int r = vring_back_pop(cb->rx, c);

			if (r < 0)
				return r;
			if (r == 0) {
				cb->rx_wait = 1;
				return 0;
			}
			cb->rx_held = 1;
		}
		want = c->write_bytes < sizeof(buf) ? (size_t)c->write_bytes
						    : sizeof(buf);
		if (want == 0) {
			/* A receive buffer with nothing writable: used empty. */
			cb->rx_held = 0;
			cb->requests++;
			if (vring_back_push(cb->rx, c->head, 0))
				return -EPROTO;
			continue;
		}
		n = read(cb->master, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			/* EIO: the last slave closed between poll and read. */
			if (n < 0 && errno != EIO)
				cb->errors++;
			cb->attached = 0;
			return 0;
		}
		vring_chain_write(cb->rx, c, buf, (size_t)n);
		cb->rx_held = 0;
		cb->bytes_in += (uint64_t)n;
		cb->requests++;
		if (vring_back_push(cb->rx, c->head, (uint32_t)n))
			return -EPROTO;
	}
	return 0;
}

size_t console_back_flush(struct console_back *cb)
{
	size_t total = 0;

	while (cb->master >= 0 && cb->attached && cb->out.len) {
		const uint8_t *p;
		size_t run = console_hist_peek(&cb->out, &p);
		ssize_t n = write(cb->master, p, run);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EIO)
				cb->attached = 0;
			else if (errno != EAGAIN)
				cb->errors++;
			break;
		}
		console_hist_consume(&cb->out, (size_t)n);
		total += (size_t)n;
	}
	return total;
}

int console_back_check_attach(struct console_back *cb)
{
	struct pollfd p = { .fd = cb->master, .events = POLLIN };
	int was = cb->attached;

	if (cb->master < 0)
		return cb->attached = 0;
	if (poll(&p, 1, 0) < 0)
		return cb->attached;
	cb->attached = !(p.revents & (POLLHUP | POLLERR | POLLNVAL));
	if (cb->attached && !was)
		console_back_flush(cb);
	return cb->attached;
}

short console_back_poll_events(const struct console_back *cb)
{
	short ev = 0;

	if (cb->master < 0 || !cb->attached)
		return 0;
	if (cb->rx && !cb->rx_wait)
		ev |= POLLIN;
	if (cb->out.len)
		ev |= POLLOUT;
	return ev;
}

void console_back_polled(struct console_back *cb, short revents)
{
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		cb->attached = 0;
}
