/* SPDX-License-Identifier: GPL-2.0-only */
/* Names and link-layer addresses of a guest NIC and its TAP device. */
#ifndef PARTITA_BACKD_NET_ADDR_H
#define PARTITA_BACKD_NET_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define NET_MAC_LEN 6u
#define NET_MAC_TEXT 18u     /* "xx:xx:xx:xx:xx:xx" and its NUL */
#define NET_TAP_NAME_MAX 15u /* IFNAMSIZ - 1: what the kernel accepts */

struct net_mac {
	uint8_t b[NET_MAC_LEN];
};

/*
 * Parses "xx:xx:xx:xx:xx:xx" (hex, either case, exactly 17 characters).
 * A guest's address must also be a unicast and nonzero one: a multicast
 * source address would be dropped by every bridge and switch on the way.
 * 0, or -EINVAL with why (if not NULL) saying what is wrong.
 */
int net_mac_parse(const char *s, struct net_mac *mac, char *why,
		  size_t why_len);
void net_mac_format(const struct net_mac *mac, char out[NET_MAC_TEXT]);

/*
 * The TAP's own address: fe:xx:xx:xx:xx:xx with the rest from a hash of
 * the TAP's name, so it is stable across restarts, locally administered,
 * unicast, and never the guest's (root and guest must not share one, or
 * the root's stack would take the guest's frames as its own).
 */
void net_tap_mac(const char *tap_name, const struct net_mac *guest,
		 struct net_mac *out);

/*
 * Is name one the kernel takes as an interface name and that cannot be
 * mistaken for something else: 1 to 15 of [A-Za-z0-9_.-], not "." or
 * ".." (no '%': TUNSETIFF would make it a template). 0 or -EINVAL.
 */
int net_tap_name_valid(const char *name);
/* "pt<domid>.<devid>"; -ENAMETOOLONG when it is over 15 characters. */
int net_tap_name_default(uint32_t domid, uint32_t devid,
			 char out[NET_TAP_NAME_MAX + 1]);

#endif
