/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's half of a guest's connection to the store. */
#ifndef HV_STORE_SEED_H
#define HV_STORE_SEED_H

#include <partita/start-info.h>

struct partition;

/*
 * Where a root exists: registers the guest's event page and grant table,
 * grants the store ring page to the root, opens the store port, and names
 * them in *si. Without a root, or for the root, does nothing. A status.
 */
int store_seed(struct partition *p, struct pt_start_info *si);

#endif
