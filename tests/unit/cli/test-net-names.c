// SPDX-License-Identifier: GPL-2.0-only
/* Generated MAC addresses and TAP names: stable, valid, distinct. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack-net.h"

static const char *mac_text(const char *name, unsigned int n,
			    unsigned int attempt, char *buf)
{
	uint8_t mac[TS_MAC_BYTES];

	ts_net_mac(name, n, attempt, mac);
	return ts_format_mac(mac, buf);
}

/*
 * Pinned values: a guest keeps its MAC (and its DHCP lease, its ARP
 * entries) across creates, builds and hosts. If the hash ever changes,
 * this test says that every generated MAC changes with it.
 */
Test(mac, the_same_name_and_number_give_the_same_mac)
{
	char a[TS_MAC_TEXT], b[TS_MAC_TEXT];

	cr_expect_str_eq(mac_text("web", 0, 0, a), "02:95:5d:ac:8b:83");
	cr_expect_str_eq(mac_text("web", 1, 0, a), "02:9f:c0:1d:ed:fb");
	cr_expect_str_eq(mac_text("web", 0, 1, a), "02:1e:46:d4:ed:99");
	for (unsigned int n = 0; n < 16; n++)
		cr_expect_str_eq(mac_text("shell", n, 0, a),
				 mac_text("shell", n, 0, b));
}

Test(mac, locally_administered_unicast)
{
	char name[32];
	uint8_t mac[TS_MAC_BYTES];

	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "guest-%d", i);
		ts_net_mac(name, (unsigned int)i % 16, 0, mac);
		cr_assert_eq(mac[0] & 0x02, 0x02, "%s: not local", name);
		cr_assert_eq(mac[0] & 0x01, 0, "%s: multicast", name);
		cr_assert_eq(mac[0], 0x02, "%s: the contract's 02 prefix",
			     name);
	}
}

static int by_bytes(const void *a, const void *b)
{
	return memcmp(a, b, TS_MAC_BYTES);
}

/* 4096 names by 16 NICs: names one letter apart, and numbers, differ. */
Test(mac, distinct_for_different_names_and_numbers)
{
	enum { NAMES = 4096, NICS = 16 };
	uint8_t(*macs)[TS_MAC_BYTES] = calloc(NAMES * NICS, TS_MAC_BYTES);
	char name[32];
	size_t k = 0;

	cr_assert_not_null(macs);
	for (int i = 0; i < NAMES; i++) {
		snprintf(name, sizeof(name), "web%d", i);
		for (unsigned int n = 0; n < NICS; n++)
			ts_net_mac(name, n, 0, macs[k++]);
	}
	qsort(macs, k, TS_MAC_BYTES, by_bytes);
	for (size_t i = 1; i < k; i++)
		cr_assert_neq(memcmp(macs[i - 1], macs[i], TS_MAC_BYTES), 0,
			      "two NICs got the same MAC");
	free(macs);
}

/* The name's end is part of it: "a" NIC 1 is not "a\1"-anything. */
Test(mac, names_that_share_a_prefix)
{
	char a[TS_MAC_TEXT], b[TS_MAC_TEXT];

	cr_expect_str_neq(mac_text("a", 0, 0, a), mac_text("ab", 0, 0, b));
	cr_expect_str_neq(mac_text("web", 0, 0, a), mac_text("web ", 0, 0, b));
	cr_expect_str_neq(mac_text("x", 256, 0, a), mac_text("x", 1, 0, b));
}

Test(mac, format_is_lower_case_with_colons)
{
	const uint8_t mac[TS_MAC_BYTES] = { 0x02, 0xAB, 0x0c, 0, 0xff, 9 };
	char buf[TS_MAC_TEXT];

	cr_expect_str_eq(ts_format_mac(mac, buf), "02:ab:0c:00:ff:09");
}

Test(tap, pt_id_dot_number)
{
	char buf[TS_IFNAME_SIZE];

	cr_assert_eq(ts_tap_name(buf, 3, 0), 0);
	cr_expect_str_eq(buf, "pt3.0");
	cr_assert_eq(ts_tap_name(buf, 12, 7), 0);
	cr_expect_str_eq(buf, "pt12.7");
}

/* IFNAMSIZ is 16: the longest id and number still leave room for NUL. */
Test(tap, always_within_15_characters)
{
	char buf[TS_IFNAME_SIZE];

	cr_assert_eq(ts_tap_name(buf, UINT32_MAX, TS_NET_NUMBER_MAX), 0);
	cr_expect_str_eq(buf, "pt4294967295.99");
	cr_expect_eq(strlen(buf), 15);
	memset(buf, 'x', sizeof(buf));
	cr_expect_eq(ts_tap_name(buf, UINT32_MAX, TS_NET_NUMBER_MAX + 1),
		     -ERANGE);
	cr_expect_str_eq(buf, "");
}
