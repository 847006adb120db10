// SPDX-License-Identifier: GPL-2.0-only
/* Generated MAC addresses and TAP device names for guests' NICs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "toolstack-net.h"

_Static_assert(sizeof("pt4294967295.99") <= TS_IFNAME_SIZE,
	       "a generated TAP name fits IFNAMSIZ with any id");

/* FNV-1a over bytes: simple, and the same on every host and build. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * FNV's low bits mix poorly for inputs that differ only in their last
 * bytes ("web1", "web2"); an xorshift-multiply finaliser spreads every
 * input bit over the bytes the MAC takes.
 */
static uint64_t finalise(uint64_t h)
{
	h ^= h >> 31;
	h *= 0x7fb5d329728ea185ull;
	h ^= h >> 27;
	h *= 0x81dadef4bc2dd44dull;
	h ^= h >> 33;
	return h;
}

void ts_net_mac(const char *name, unsigned int number, unsigned int attempt,
		uint8_t mac[TS_MAC_BYTES])
{
	uint8_t tail[8];
	uint64_t h = 0xcbf29ce484222325ull;

	/* The NUL ends the name, so ("ab", 1) and ("a", ...) cannot meet. */
	h = fnv1a(h, name, strlen(name) + 1);
	for (int i = 0; i < 4; i++) {
		tail[i] = (uint8_t)(number >> (8 * i));
		tail[4 + i] = (uint8_t)(attempt >> (8 * i));
	}
	h = finalise(fnv1a(h, tail, sizeof(tail)));
	mac[0] = 0x02; /* locally administered, unicast */
	for (int i = 1; i < TS_MAC_BYTES; i++)
		mac[i] = (uint8_t)(h >> (8 * (i - 1)));
}

const char *ts_format_mac(const uint8_t mac[TS_MAC_BYTES], char *buf)
{
	snprintf(buf, TS_MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int ts_tap_name(char *buf, uint32_t id, unsigned int number)
{
	buf[0] = '\0';
	if (number > TS_NET_NUMBER_MAX)
		return -ERANGE;
	snprintf(buf, TS_IFNAME_SIZE, "pt%" PRIu32 ".%u", id, number);
	return 0;
}
