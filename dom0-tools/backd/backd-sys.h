/* SPDX-License-Identifier: GPL-2.0-only */
/* backd's operations on the real store socket and /dev/partita. */
#ifndef PARTITA_BACKD_SYS_H
#define PARTITA_BACKD_SYS_H

#include "backd.h"
#include "root-messaging.h"
#include "store-client.h"

struct backd_sys {
	struct store_client *store;
	struct root_dev dev;
	struct root_gntdev gnt;
	struct root_evtchn evtchn;
	char error[320];
	int store_err; /* the last open failed at the store, not the device */
	struct backd_ops ops;
};

/*
 * Connects to the store (socket path, NULL: the default) and opens the
 * device, a grant mapping file and an event port file (device NULL: the
 * default). 0, or a negative errno with sys->error a sentence.
 */
int backd_sys_open(struct backd_sys *sys, const char *socket,
		   const char *device);
void backd_sys_close(struct backd_sys *sys);

#endif
