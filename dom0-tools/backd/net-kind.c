// SPDX-License-Identifier: GPL-2.0-only
/* The virtio network device as a backd device kind: keys, TAP, two queues. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <partita/virtio-net.h>

#include "backd.h"
#include "net-addr.h"
#include "net-back.h"
#include "net-tap.h"

/* Enough for 256 receive and 256 transmit buffers of 2 KiB. */
#define NET_POOL_PAGES_MAX 512u

struct net_dev {
	struct net_back nb;
	int tap_fd;    /* kept across reconnects, closed when the device goes */
	int keys_read; /* tap, bridge, mac taken from the store */
	char tap[NET_TAP_NAME_MAX + 1];
	char bridge[NET_TAP_NAME_MAX + 1];
	struct net_mac mac, tap_mac;
};

static struct net_dev *net_of(const struct backd_dev *dev)
{
	return dev->kind_state;
}

static int net_init(struct backd *d, struct backd_dev *dev)
{
	struct net_dev *nd = calloc(1, sizeof(*nd));

	(void)d;
	if (!nd)
		return -ENOMEM;
	if (net_back_init(&nd->nb)) {
		free(nd);
		return -ENOMEM;
	}
	nd->tap_fd = -1;
	dev->kind_state = nd;
	return 0;
}

static void close_tap(struct backd *d, struct backd_dev *dev, const char *why)
{
	struct net_dev *nd = net_of(dev);

	if (nd->tap_fd < 0)
		return;
	close(nd->tap_fd);
	nd->tap_fd = -1;
	backd_log(d, dev, "TAP %s closed (%s)", nd->tap, why);
}

static void net_free(struct backd *d, struct backd_dev *dev)
{
	struct net_dev *nd = net_of(dev);

	if (!nd)
		return;
	close_tap(d, dev, "device removed");
	net_back_free(&nd->nb);
	free(nd);
	dev->kind_state = NULL;
}

/* An interface name key: 0 (absent: *out empty) or -EINVAL with dev->why. */
static int read_ifname(struct backd *d, struct backd_dev *dev, const char *key,
		       char out[NET_TAP_NAME_MAX + 1])
{
	char *v = NULL;

	out[0] = 0;
	if (backd_dev_read(d, dev, key, &v))
		return 0;
	if (*v && net_tap_name_valid(v)) {
		snprintf(dev->why, sizeof(dev->why),
			 "back-end key %s = '%.40s' is not an interface name "
			 "(1 to %u of A-Z a-z 0-9 _ . -)",
			 key, v, NET_TAP_NAME_MAX);
		free(v);
		return -EINVAL;
	}
	snprintf(out, NET_TAP_NAME_MAX + 1, "%s", v);
	free(v);
	return 0;
}

/* The toolstack's keys: the guest's MAC, the TAP's name, the bridge. */
static int read_keys(struct backd *d, struct backd_dev *dev)
{
	struct net_dev *nd = net_of(dev);
	char tap[NET_TAP_NAME_MAX + 1], bridge[NET_TAP_NAME_MAX + 1];
	char *v = NULL, why[96];
	struct net_mac mac;

	if (backd_dev_read(d, dev, PT_NET_KEY_MAC, &v)) {
		snprintf(dev->why, sizeof(dev->why),
			 "back-end key mac (the guest's address) is missing");
		return -EINVAL;
	}
	if (net_mac_parse(v, &mac, why, sizeof(why))) {
		snprintf(dev->why, sizeof(dev->why), "back-end key mac: %s",
			 why);
		free(v);
		return -EINVAL;
	}
	free(v);
	if (read_ifname(d, dev, PT_NET_KEY_TAP, tap) ||
	    read_ifname(d, dev, PT_NET_KEY_BRIDGE, bridge))
		return -EINVAL;
	if (!tap[0]) {
		if (net_tap_name_default(dev->domid, dev->devid, tap)) {
			snprintf(dev->why, sizeof(dev->why),
				 "no tap key, and pt%u.%u is too long for an "
				 "interface name",
				 dev->domid, dev->devid);
			return -EINVAL;
		}
		/* Say which TAP is this guest's, for the CLI and scripts. */
		if (backd_dev_write(d, dev, PT_NET_KEY_TAP, "%s", tap)) {
			snprintf(dev->why, sizeof(dev->why),
				 "cannot write the tap key");
			return -EIO;
		}
	}
	/* A TAP made under other settings is made again at connect. */
	if (nd->tap_fd >= 0 &&
	    (strcmp(tap, nd->tap) || strcmp(bridge, nd->bridge)))
		close_tap(d, dev, "the tap or bridge key changed");
	memcpy(nd->tap, tap, sizeof(tap));
	memcpy(nd->bridge, bridge, sizeof(bridge));
	nd->mac = mac;
	net_tap_mac(nd->tap, &nd->mac, &nd->tap_mac);
	nd->keys_read = 1;
	return 0;
}

static int net_offer(struct backd *d, struct backd_dev *dev)
{
	int err = read_keys(d, dev);

	if (err)
		return err;
	if (backd_dev_write(d, dev, PT_NET_KEY_MTU, "%u",
			    PT_VIRTIO_NET_MTU_DEFAULT) ||
	    backd_dev_write(d, dev, PT_NET_KEY_STATUS, "%u",
			    PT_VIRTIO_NET_S_LINK_UP)) {
		snprintf(dev->why, sizeof(dev->why),
			 "cannot write the mtu and status keys");
		return -EIO;
	}
	return 0;
}

static int net_connect(struct backd *d, struct backd_dev *dev)
{
	struct net_dev *nd = net_of(dev);
	char why[192], mac[NET_MAC_TEXT];

	/* A backd started again re-attaches without offering: read them. */
	if (!nd->keys_read && read_keys(d, dev))
		return -EINVAL;
	if (nd->tap_fd < 0) {
		struct net_tap_config c = { .name = nd->tap,
					    .bridge = nd->bridge,
					    .mac = nd->tap_mac,
					    .mtu = PT_VIRTIO_NET_MTU_DEFAULT };
		int fd = net_tap_open(&c, why, sizeof(why));

		if (fd < 0) {
			/* Ours, not the guest's fault: still no device. */
			snprintf(dev->why, sizeof(dev->why), "%s", why);
			return fd;
		}
		nd->tap_fd = fd;
		net_mac_format(&nd->tap_mac, mac);
		backd_log(d, dev, "TAP %s up, address %s%s%s", nd->tap, mac,
			  nd->bridge[0] ? ", in bridge " : "", nd->bridge);
	}
	if (net_tap_set_carrier(nd->tap_fd, 1) && d->verbose)
		backd_log(d, dev, "TAP %s: no carrier control", nd->tap);
	net_back_connect(&nd->nb, &dev->q[PT_VIRTIO_NET_RX_QUEUE],
			 &dev->q[PT_VIRTIO_NET_TX_QUEUE], nd->tap_fd);
	return 0;
}

static int net_service(struct backd *d, struct backd_dev *dev,
		       unsigned int budget, int *more, unsigned int *bad_queue)
{
	struct net_back *nb = &net_of(dev)->nb;
	char line[320];
	int err;

	*bad_queue = PT_VIRTIO_NET_TX_QUEUE;
	err = net_back_tx(nb, budget, more);
	if (!err) {
		*bad_queue = PT_VIRTIO_NET_RX_QUEUE;
		err = net_back_rx(nb, budget, d->now_ms, more);
	}
	if (err == -EIO)
		snprintf(dev->why, sizeof(dev->why), "TAP %s: %s",
			 net_of(dev)->tap, nb->why);
	if (err)
		return err;
	if (net_back_note(nb, d->now_ms, line, sizeof(line)))
		backd_log(d, dev, "%s", line);
	/* Ask for a kick on new buffers; if some came meanwhile, go again. */
	if (!nb->tx_wait && vring_back_arm(nb->tx))
		*more = 1;
	if (nb->rx_nobuf && vring_back_arm(nb->rx))
		*more = 1;
	return 0;
}

static void net_disconnect(struct backd *d, struct backd_dev *dev)
{
	struct net_dev *nd = net_of(dev);

	if (!nd)
		return;
	net_back_disconnect(&nd->nb);
	if (nd->tap_fd < 0)
		return;
	if (nd->nb.tap_failed) {
		close_tap(d, dev, "it failed");
		return;
	}
	/* Detached by the toolstack: the NIC is going, its TAP with it. */
	if (dev->offline) {
		close_tap(d, dev, "detached");
		return;
	}
	/* Kept for the front-end's return; the root sees NO-CARRIER. */
	net_tap_set_carrier(nd->tap_fd, 0);
}

static const char *const net_stat_names[] = {
	"tx-frames", "tx-bytes",   "tx-errors", "rx-frames",
	"rx-bytes",  "rx-dropped", "requests",	"errors",
};

static void net_stats(const struct backd_dev *dev, uint64_t *v)
{
	const struct net_stats *s = &net_of(dev)->nb.st;

	v[0] = s->tx_frames;
	v[1] = s->tx_bytes;
	v[2] = s->tx_errors;
	v[3] = s->rx_frames;
	v[4] = s->rx_bytes;
	v[5] = s->rx_dropped;
	v[6] = s->requests;
	v[7] = s->errors;
}

static unsigned int net_poll_fds(struct backd_dev *dev, struct pollfd *fds,
				 unsigned int max)
{
	struct net_dev *nd = net_of(dev);

	/* Events may be none: an error or hang-up is reported anyway. */
	if (!max || nd->tap_fd < 0 || !nd->nb.rx || nd->nb.tap_failed)
		return 0;
	fds[0] =
		(struct pollfd){ nd->tap_fd, net_back_poll_events(&nd->nb), 0 };
	return 1;
}

static void net_polled(struct backd *d, struct backd_dev *dev,
		       unsigned int slot, short revents)
{
	(void)d;
	(void)slot;
	net_back_polled(&net_of(dev)->nb, revents);
}

static int net_needs_timer(const struct backd_dev *dev)
{
	const struct net_back *nb = &net_of(dev)->nb;

	return net_back_needs_timer(nb) || net_back_note_pending(nb);
}

static void net_describe(const struct backd_dev *dev, char *buf, size_t len)
{
	const struct net_dev *nd = net_of(dev);
	char mac[NET_MAC_TEXT];

	net_mac_format(&nd->mac, mac);
	snprintf(buf, len, ", mac %s, tap %s%s%s", mac, nd->tap,
		 nd->bridge[0] ? ", bridge " : "", nd->bridge);
}

const struct backd_kind backd_net_kind = {
	.type = PT_XENBUS_TYPE_NET,
	.nqueues = PT_VIRTIO_NET_QUEUES,
	/* No checksum or segmentation offload, no mergeable buffers. */
	.features = PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_MAC) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_MTU) |
		    PT_VIRTIO_FEATURE(PT_VIRTIO_NET_F_STATUS),
	.max_pool_pages = NET_POOL_PAGES_MAX,
	.stat_names = net_stat_names,
	.nstats = sizeof(net_stat_names) / sizeof(net_stat_names[0]),
	.init = net_init,
	.free = net_free,
	.offer = net_offer,
	.connect = net_connect,
	.service = net_service,
	.disconnect = net_disconnect,
	.stats = net_stats,
	.poll_fds = net_poll_fds,
	.polled = net_polled,
	.needs_timer = net_needs_timer,
	.describe = net_describe,
};
