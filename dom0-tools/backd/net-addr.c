// SPDX-License-Identifier: GPL-2.0-only
/* Guest and TAP link-layer addresses and TAP names: parsing and making. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net-addr.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int mac_fail(char *why, size_t why_len, const char *s, const char *what)
{
	if (why && why_len)
		snprintf(why, why_len, "'%.40s' is not a MAC address: %s", s,
			 what);
	return -EINVAL;
}

int net_mac_parse(const char *s, struct net_mac *mac, char *why, size_t why_len)
{
	struct net_mac m;
	unsigned int i;

	if (!s)
		return mac_fail(why, why_len, "", "missing");
	if (strlen(s) != NET_MAC_TEXT - 1)
		return mac_fail(why, why_len, s,
				"want six hex pairs separated by colons");
	for (i = 0; i < NET_MAC_LEN; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 ||
		    (i + 1 < NET_MAC_LEN && s[3 * i + 2] != ':'))
			return mac_fail(why, why_len, s,
					"want six hex pairs separated by "
					"colons");
		m.b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m.b[0] & 1u)
		return mac_fail(why, why_len, s,
				"it is a multicast address (the first byte "
				"is odd)");
	if (!(m.b[0] | m.b[1] | m.b[2] | m.b[3] | m.b[4] | m.b[5]))
		return mac_fail(why, why_len, s, "it is all zeros");
	*mac = m;
	return 0;
}

void net_mac_format(const struct net_mac *mac, char out[NET_MAC_TEXT])
{
	snprintf(out, NET_MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac->b[0],
		 mac->b[1], mac->b[2], mac->b[3], mac->b[4], mac->b[5]);
}

void net_tap_mac(const char *tap_name, const struct net_mac *guest,
		 struct net_mac *out)
{
	/* FNV-1a, 64 bits: any stable spread of the name will do. */
	uint64_t h = 0xcbf29ce484222325ull;
	const unsigned char *p;
	unsigned int i;

	for (p = (const unsigned char *)tap_name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	/* fe: locally administered, unicast, as Xen marks its back-end vifs. */
	out->b[0] = 0xfe;
	for (i = 1; i < NET_MAC_LEN; i++)
		out->b[i] = (uint8_t)(h >> (8 * (i - 1)));
	if (guest && !memcmp(out->b, guest->b, NET_MAC_LEN))
		out->b[NET_MAC_LEN - 1] ^= 1u;
}

int net_tap_name_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > NET_TAP_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return -EINVAL;
	}
	return 0;
}

int net_tap_name_default(uint32_t domid, uint32_t devid,
			 char out[NET_TAP_NAME_MAX + 1])
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "pt%u.%u", domid, devid);

	if (n < 0 || (size_t)n > NET_TAP_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(out, buf, (size_t)n + 1);
	return 0;
}
