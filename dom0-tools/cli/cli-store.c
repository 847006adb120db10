// SPDX-License-Identifier: GPL-2.0-only
/* The store as the partita commands reach it: connections, homes, devices. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita/virtio-blk.h>
#include <partita/virtio-net.h>

#include "cli-store.h"
#include "store-client.h"
#include "toolstack-devices.h"

struct store_client *cli_store_open(char *why, size_t size)
{
	struct store_client *c;
	int err = 0;

	c = ts_store_open(NULL, &err);
	if (!c)
		snprintf(why, size, "no store answers at %s (%s)",
			 ts_store_socket(), strerror(err));
	return c;
}

static void disk_keys(const struct config_disk *disk, struct ts_device *dev,
		      struct ts_key *keys)
{
	keys[0] = (struct ts_key){ PT_BLK_KEY_PARAMS, disk->abs_path };
	keys[1] =
		(struct ts_key){ PT_BLK_KEY_MODE, disk->readonly ? "r" : "w" };
	keys[2] = (struct ts_key){ PT_BLK_KEY_CACHE,
				   disk->cache == CONFIG_CACHE_NONE
					   ? PT_BLK_CACHE_NONE
					   : PT_BLK_CACHE_WRITEBACK };
	dev->keys = keys;
	dev->key_count = 3;
}

/* Whether NIC `self` of cfg would share mac with another of its NICs. */
static int mac_taken(const struct config *cfg, const uint8_t *mac,
		     unsigned int self,
		     const uint8_t (*generated)[TS_MAC_BYTES])
{
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		const struct config_net *net = &cfg->devices[i].net;

		if (i == self || cfg->devices[i].type != CONFIG_DEVICE_NET)
			continue;
		if (net->has_mac && !memcmp(net->mac, mac, TS_MAC_BYTES))
			return 1;
		if (!net->has_mac && i < self &&
		    !memcmp(generated[i], mac, TS_MAC_BYTES))
			return 1;
	}
	return 0;
}

static void net_keys(const struct config *cfg, unsigned int i, uint32_t id,
		     struct cli_store_devices *sd,
		     uint8_t (*generated)[TS_MAC_BYTES])
{
	const struct config_net *net = &cfg->devices[i].net;
	struct ts_device *dev = &sd->devs[i];
	struct ts_key *keys = sd->keys[i];
	unsigned int attempt = 0;

	if (net->has_mac) {
		memcpy(generated[i], net->mac, TS_MAC_BYTES);
	} else {
		do
			ts_net_mac(cfg->name, dev->number, attempt++,
				   generated[i]);
		while (mac_taken(cfg, generated[i], i, generated));
	}
	ts_format_mac(generated[i], sd->mac[i]);
	if (net->tap[0])
		snprintf(sd->tap[i], sizeof(sd->tap[i]), "%s", net->tap);
	else
		ts_tap_name(sd->tap[i], id, dev->number);
	keys[0] = (struct ts_key){ PT_NET_KEY_MAC, sd->mac[i] };
	keys[1] = (struct ts_key){ PT_NET_KEY_TAP, sd->tap[i] };
	keys[2] = (struct ts_key){ PT_NET_KEY_BRIDGE, net->bridge };
	dev->keys = keys;
	dev->key_count = net->bridge[0] ? 3 : 2;
}

void cli_store_guest_from_config(const struct config *cfg, uint32_t id,
				 struct cli_store_devices *sd,
				 struct ts_guest *g)
{
	uint8_t generated[CONFIG_DEVICES_MAX][TS_MAC_BYTES];

	memset(g, 0, sizeof(*g));
	memset(sd, 0, sizeof(*sd));
	g->id = id;
	g->name = cfg->name;
	g->memory_bytes = cfg->memory_bytes;
	g->vcpus = cfg->vcpus;
	g->devices = sd->devs;
	/* Each type numbers its devices from 0 in the order listed. */
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		const struct config_device *d = &cfg->devices[i];
		unsigned int number = 0;

		for (unsigned int k = 0; k < i; k++)
			number += cfg->devices[k].type == d->type;
		sd->devs[i].type = config_device_types[d->type].store_type;
		sd->devs[i].number = number;
		if (d->type == CONFIG_DEVICE_DISK)
			disk_keys(&d->disk, &sd->devs[i], sd->keys[i]);
		else if (d->type == CONFIG_DEVICE_NET)
			net_keys(cfg, i, id, sd, generated);
	}
	g->device_count = cfg->device_count;
	/* The file was just read, so this fails only if it moved since. */
	if (realpath(cfg->file, sd->config_path))
		g->config_path = sd->config_path;
}

void cli_store_devices(uint32_t id, struct dev_view *v,
		       struct ts_dev_info **owned, char *why, size_t size)
{
	struct store_client *c = cli_store_open(why, size);
	int err;

	memset(v, 0, sizeof(*v));
	*owned = NULL;
	if (!c) {
		v->unavailable = why;
		return;
	}
	err = ts_list_devices(c, id, owned, &v->count);
	if (err) {
		snprintf(why, size, "the store did not answer: %s",
			 strerror(-err));
		v->unavailable = why;
		v->count = 0;
	}
	v->devs = *owned;
	store_client_close(c);
}
