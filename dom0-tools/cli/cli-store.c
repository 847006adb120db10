// SPDX-License-Identifier: GPL-2.0-only
/* The store as the partita commands reach it: one connection per command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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

void cli_store_guest_from_config(const struct config *cfg, uint32_t id,
				 struct ts_device *devs, struct ts_guest *g)
{
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->name = cfg->name;
	g->memory_bytes = cfg->memory_bytes;
	g->vcpus = cfg->vcpus;
	g->devices = devs;
	/* Each type numbers its devices from 0 in the order listed. */
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		unsigned int type = cfg->devices[i].type, number = 0;

		for (unsigned int k = 0; k < i; k++)
			number += cfg->devices[k].type == type;
		devs[i].type = config_device_types[type].name;
		devs[i].number = number;
	}
	g->device_count = cfg->device_count;
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
