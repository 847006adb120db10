// SPDX-License-Identifier: GPL-2.0-only
/* The console as a backd device kind: a pty, two queues, no device keys. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "backd.h"

static int con_init(struct backd *d, struct backd_dev *dev)
{
	return console_back_init(&dev->con, d->hist_cap);
}

static void con_free(struct backd *d, struct backd_dev *dev)
{
	(void)d;
	console_back_free(&dev->con);
}

static int con_connect(struct backd *d, struct backd_dev *dev)
{
	char err_text[160];

	if (dev->con.master < 0) {
		int err = console_back_open_pty(&dev->con, err_text,
						sizeof(err_text));

		if (err) {
			/* Ours, not the guest's fault: still no device. */
			snprintf(dev->why, sizeof(dev->why), "%s", err_text);
			return err;
		}
		console_back_check_attach(&dev->con);
	}
	if (backd_dev_write(d, dev, "tty", "%s", dev->con.tty)) {
		snprintf(dev->why, sizeof(dev->why), "cannot write tty");
		return -EIO;
	}
	console_back_connect(&dev->con, &dev->q[PT_VIRTIO_CONSOLE_RX_QUEUE],
			     &dev->q[PT_VIRTIO_CONSOLE_TX_QUEUE]);
	return 0;
}

static int con_service(struct backd *d, struct backd_dev *dev,
		       unsigned int budget, int *more, unsigned int *bad_queue)
{
	struct console_back *c = &dev->con;

	(void)d;
	*bad_queue = PT_VIRTIO_CONSOLE_TX_QUEUE;
	if (console_back_tx(c, budget, more))
		return -EPROTO;
	console_back_flush(c);
	/* Flushing may have made room for output that waited. */
	if (c->tx_wait && !c->out.len && console_back_tx(c, budget, more))
		return -EPROTO;
	*bad_queue = PT_VIRTIO_CONSOLE_RX_QUEUE;
	if (console_back_rx(c, budget, more))
		return -EPROTO;
	/* Ask for a kick on new buffers; if some came meanwhile, go again. */
	if (!c->tx_wait && vring_back_arm(c->tx))
		*more = 1;
	if (c->rx_wait && vring_back_arm(c->rx))
		*more = 1;
	return 0;
}

static void con_disconnect(struct backd *d, struct backd_dev *dev)
{
	(void)d;
	console_back_disconnect(&dev->con);
}

static const char *const con_stat_names[] = {
	"bytes-out", "bytes-in", "dropped", "requests", "errors",
};

static void con_stats(const struct backd_dev *dev, uint64_t *v)
{
	const struct console_back *c = &dev->con;

	v[0] = c->bytes_out;
	v[1] = c->bytes_in;
	v[2] = c->out.dropped;
	v[3] = c->requests;
	v[4] = c->errors;
}

static unsigned int con_poll_fds(struct backd_dev *dev, struct pollfd *fds,
				 unsigned int max)
{
	/* Detached, the master reports POLLHUP for ever: the timer rechecks. */
	if (!max || dev->con.master < 0 || !dev->con.attached)
		return 0;
	fds[0] = (struct pollfd){ dev->con.master,
				  console_back_poll_events(&dev->con), 0 };
	return 1;
}

static void con_polled(struct backd *d, struct backd_dev *dev,
		       unsigned int slot, short revents)
{
	(void)d;
	(void)slot;
	console_back_polled(&dev->con, revents);
}

static void con_tick(struct backd *d, struct backd_dev *dev)
{
	if (dev->con.master >= 0 && !dev->con.attached &&
	    console_back_check_attach(&dev->con))
		backd_log(d, dev, "%s attached", dev->con.tty);
}

static int con_needs_timer(const struct backd_dev *dev)
{
	return dev->con.master >= 0 && !dev->con.attached;
}

static void con_describe(const struct backd_dev *dev, char *buf, size_t len)
{
	snprintf(buf, len, ", tty %s", dev->con.tty);
}

const struct backd_kind backd_console_kind = {
	.type = PT_XENBUS_TYPE_CONSOLE,
	.nqueues = PT_VIRTIO_CONSOLE_QUEUES,
	/* The transport features only: the console offers no device bits. */
	.features = PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1),
	.max_pool_pages = 256,
	.stat_names = con_stat_names,
	.nstats = sizeof(con_stat_names) / sizeof(con_stat_names[0]),
	.init = con_init,
	.free = con_free,
	.connect = con_connect,
	.service = con_service,
	.disconnect = con_disconnect,
	.stats = con_stats,
	.poll_fds = con_poll_fds,
	.polled = con_polled,
	.tick = con_tick,
	.needs_timer = con_needs_timer,
	.describe = con_describe,
};
