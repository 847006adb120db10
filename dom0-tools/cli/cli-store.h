/* SPDX-License-Identifier: GPL-2.0-only */
/* What the partita commands share about the store: connecting, homes. */
#ifndef PARTITA_CLI_STORE_H
#define PARTITA_CLI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "device-render.h"
#include "toolstack-net.h"
#include "toolstack-store.h"

/*
 * Connects to partita-stored; NULL when it is not there, with why (one
 * clause naming the socket, e.g. "no store answers at
 * /var/run/xenstored/socket (No such file or directory)") in why.
 */
struct store_client *cli_store_open(char *why, size_t size);

/* A config's devices as the toolstack writes them, and their keys' text. */
struct cli_store_devices {
	struct ts_device devs[CONFIG_DEVICES_MAX];
	struct ts_key keys[CONFIG_DEVICES_MAX][3];
	char mac[CONFIG_DEVICES_MAX][TS_MAC_TEXT];
	char tap[CONFIG_DEVICES_MAX][TS_IFNAME_SIZE];
	char config_path[PATH_MAX]; /* the config's absolute path */
};

/*
 * The home a config describes for partition id: its name, memory, vCPUs
 * and devices, each type numbered from 0 in list order, and the config's
 * absolute path for the toolstack's record (reboot). A disk gets
 * params (its abs_path: config_check_disks() must have run), mode and
 * cache; a NIC its mac (the config's, or ts_net_mac() of the name and
 * number, never one another NIC of the guest has), tap (the config's, or
 * "pt<id>.<n>") and bridge if the config names one. g points into *sd.
 */
void cli_store_guest_from_config(const struct config *cfg, uint32_t id,
				 struct cli_store_devices *sd,
				 struct ts_guest *g);

/*
 * Guest id's devices for info: fills *v, keeping what it allocated in
 * *owned (free with ts_free_devices(*owned, v->count)). When the store
 * cannot be read, v->unavailable says why, in why.
 */
void cli_store_devices(uint32_t id, struct dev_view *v,
		       struct ts_dev_info **owned, char *why, size_t size);

#endif
