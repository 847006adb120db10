/* SPDX-License-Identifier: GPL-2.0-only */
/* The root's TAP device behind a guest NIC: create, configure, release. */
#ifndef PARTITA_BACKD_NET_TAP_H
#define PARTITA_BACKD_NET_TAP_H

#include <stddef.h>
#include <stdint.h>

#include "net-addr.h"

struct net_tap_config {
	const char *name;   /* checked with net_tap_name_valid() */
	const char *bridge; /* NULL or "": no bridge */
	struct net_mac mac; /* the TAP's own address, not the guest's */
	uint32_t mtu;
};

/*
 * Creates the TAP (or takes a persistent one of that name) through
 * /dev/net/tun as IFF_TAP | IFF_NO_PI, non-blocking, sets its address
 * and MTU, adds it to the bridge, and brings it up. A TAP this call
 * created is not persistent: closing the returned fd (or the process
 * ending) removes it from the bridge and the system. Returns the fd, or a
 * negative errno with why a sentence naming the TAP and what failed.
 */
int net_tap_open(const struct net_tap_config *c, char *why, size_t why_len);

/*
 * The TAP's carrier follows the guest's link: off while no front-end is
 * connected, so the root's stack sees NO-CARRIER instead of queueing
 * frames nobody reads. 0 or a negative errno (kernels before 5.0).
 */
int net_tap_set_carrier(int fd, int on);

#endif
