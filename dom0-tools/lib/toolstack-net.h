/* SPDX-License-Identifier: GPL-2.0-only */
/* A NIC's names in the root: its generated MAC address and TAP device. */
#ifndef PARTITA_TOOLSTACK_NET_H
#define PARTITA_TOOLSTACK_NET_H

#include <stddef.h>
#include <stdint.h>

#define TS_MAC_BYTES 6
#define TS_MAC_TEXT 18 /* "02:xx:xx:xx:xx:xx" and its NUL */
/* A Linux interface name and its NUL (IFNAMSIZ). */
#define TS_IFNAME_SIZE 16
/* NIC numbers up to this keep "pt<any 32-bit id>.<n>" within 15 bytes. */
#define TS_NET_NUMBER_MAX 99u

/*
 * The MAC of NIC `number` of the partition called `name` when its config
 * names none: 02 (locally administered, unicast) and five bytes of a hash
 * of the name and the number, so the same config gets the same MAC every
 * time it is created and on every host. `attempt` is 0; a caller whose
 * result collides with another MAC of the guest asks again with 1, 2, ...
 */
void ts_net_mac(const char *name, unsigned int number, unsigned int attempt,
		uint8_t mac[TS_MAC_BYTES]);

/* "02:ab:..." in lower case; buf holds TS_MAC_TEXT bytes. */
const char *ts_format_mac(const uint8_t mac[TS_MAC_BYTES], char *buf);

/*
 * The TAP device of NIC `number` of guest id when its config names none:
 * "pt<id>.<number>". Returns 0, or -ERANGE when number is above
 * TS_NET_NUMBER_MAX (buf, TS_IFNAME_SIZE bytes, is then empty).
 */
int ts_tap_name(char *buf, uint32_t id, unsigned int number);

#endif
