/* SPDX-License-Identifier: GPL-2.0-only */
/* partita-stored's way to the hypervisor: grants, ports and partition state. */
#ifndef PARTITA_STORED_HV_H
#define PARTITA_STORED_HV_H

#include "root-messaging.h"
#include "store-guests.h"

/*
 * Opened on the first INTRODUCE, so that the daemon runs (and its tests
 * pass) where there is no /dev/partita. One event port file carries every
 * guest's port and the partition-state VIRQ; its fd is in the daemon's
 * poll set, so the daemon sleeps until a port fires.
 */
struct stored_hv {
	struct store *st;
	struct root_dev dev;
	struct root_evtchn ev;
	struct root_gntdev gnt;
	int open;
	int virq_bound;
	uint32_t virq_port;
};

extern const struct store_hv_ops stored_hv_ops;

/* The event port file's fd for poll(), or -1 before the first INTRODUCE. */
int stored_hv_fd(const struct stored_hv *hv);
/*
 * Reads the ports that fired: wakes their guests, and on the partition
 * VIRQ releases every introduced guest that has ended or is ending.
 */
void stored_hv_events(struct stored_hv *hv);
/* Releases the guests that are gone or ending (also run after binding). */
void stored_hv_check_partitions(struct stored_hv *hv);
void stored_hv_close(struct stored_hv *hv);

#endif
