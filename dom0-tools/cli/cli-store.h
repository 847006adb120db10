/* SPDX-License-Identifier: GPL-2.0-only */
/* What the partita commands share about the store: connecting, homes. */
#ifndef PARTITA_CLI_STORE_H
#define PARTITA_CLI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "device-render.h"
#include "toolstack-store.h"

/*
 * Connects to partita-stored; NULL when it is not there, with why (one
 * clause naming the socket, e.g. "no store answers at
 * /var/run/xenstored/socket (No such file or directory)") in why.
 */
struct store_client *cli_store_open(char *why, size_t size);

/*
 * The home a config describes for partition id: its name, memory, vCPUs
 * and devices (devs must have room for CONFIG_DEVICES_MAX).
 */
void cli_store_guest_from_config(const struct config *cfg, uint32_t id,
				 struct ts_device *devs, struct ts_guest *g);

/*
 * Guest id's devices for info: fills *v, keeping what it allocated in
 * *owned (free with ts_free_devices(*owned, v->count)). When the store
 * cannot be read, v->unavailable says why, in why.
 */
void cli_store_devices(uint32_t id, struct dev_view *v,
		       struct ts_dev_info **owned, char *why, size_t size);

#endif
