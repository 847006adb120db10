// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of guest MAC parsing, the TAP's own MAC and TAP naming. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "net-addr.h"

Test(net_mac, parses_either_case)
{
	struct net_mac m;
	char text[NET_MAC_TEXT], why[128];

	cr_assert_eq(net_mac_parse("02:1a:2B:3c:4D:ff", &m, why, sizeof(why)),
		     0, "%s", why);
	cr_assert_eq(m.b[0], 0x02);
	cr_assert_eq(m.b[2], 0x2b);
	cr_assert_eq(m.b[5], 0xff);
	net_mac_format(&m, text);
	cr_assert_str_eq(text, "02:1a:2b:3c:4d:ff");
}

Test(net_mac, refuses_what_is_not_an_address)
{
	static const char *const bad[] = {
		"",
		"02:00:00:00:00",	/* five pairs */
		"02:00:00:00:00:00:00", /* seven */
		"02-00-00-00-00-01",	/* dashes */
		"0200.0000.0001",	/* dots */
		"02:00:00:00:00:0g",	/* not hex */
		"02:00:00:00:00:01 ",	/* trailing space */
		" 02:00:00:00:00:01",
		"2:00:00:00:00:001", /* pairs misplaced, right length */
		"02::00:00:00:00:1",
	};
	struct net_mac m = { { 9, 9, 9, 9, 9, 9 } };
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		cr_assert_eq(net_mac_parse(bad[i], &m, why, sizeof(why)),
			     -EINVAL, "'%s' accepted", bad[i]);
		cr_assert(strstr(why, "not a MAC address"), "why '%s'", why);
	}
	cr_assert_eq(m.b[0], 9, "a refused address changed the output");
	cr_assert_eq(net_mac_parse(NULL, &m, why, sizeof(why)), -EINVAL);
}

Test(net_mac, refuses_multicast_and_zero)
{
	struct net_mac m;
	char why[128];

	cr_assert_eq(net_mac_parse("01:00:5e:00:00:01", &m, why, sizeof(why)),
		     -EINVAL);
	cr_assert(strstr(why, "multicast"), "%s", why);
	cr_assert_eq(net_mac_parse("ff:ff:ff:ff:ff:ff", &m, NULL, 0), -EINVAL);
	cr_assert_eq(net_mac_parse("00:00:00:00:00:00", &m, why, sizeof(why)),
		     -EINVAL);
	cr_assert(strstr(why, "zeros"), "%s", why);
	/* A universally administered unicast address is the config's choice. */
	cr_assert_eq(net_mac_parse("52:54:00:12:34:56", &m, NULL, 0), 0);
}

Test(net_tap_mac, is_stable_local_unicast_and_per_name)
{
	struct net_mac a, b, c;

	net_tap_mac("pt2.0", NULL, &a);
	net_tap_mac("pt2.0", NULL, &b);
	net_tap_mac("pt2.1", NULL, &c);
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "not stable");
	cr_assert_neq(memcmp(&a, &c, sizeof(a)), 0, "two names, one MAC");
	cr_assert_eq(a.b[0], 0xfe);
	cr_assert(a.b[0] & 2u, "not locally administered");
	cr_assert_not(a.b[0] & 1u, "multicast");
}

Test(net_tap_mac, never_the_guests)
{
	struct net_mac guest, tap;

	/* A config that picked exactly the TAP's address for the guest. */
	net_tap_mac("pt7.0", NULL, &guest);
	net_tap_mac("pt7.0", &guest, &tap);
	cr_assert_neq(memcmp(&guest, &tap, sizeof(tap)), 0);
	cr_assert_eq(tap.b[0], 0xfe);
	/* The usual case: a toolstack-made 02:... address is left alone. */
	cr_assert_eq(net_mac_parse("02:00:00:00:07:00", &guest, NULL, 0), 0);
	net_tap_mac("pt7.0", &guest, &tap);
	cr_assert_eq(tap.b[0], 0xfe);
}

Test(net_tap_name, valid_names)
{
	static const char *const good[] = { "pt2.0", "tap-web_1", "a",
					    "ABCDEFGHIJKLMNO" /* 15 */ };
	static const char *const bad[] = {
		"",	 ".",	"..",  "ABCDEFGHIJKLMNOP" /* 16 */,
		"tap%d", "a/b", "a b", "a:b",
		"tap\n", "é",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert_eq(net_tap_name_valid(good[i]), 0, "'%s'", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(net_tap_name_valid(bad[i]), -EINVAL, "'%s'",
			     bad[i]);
}

Test(net_tap_name, default_names)
{
	char name[NET_TAP_NAME_MAX + 1];

	cr_assert_eq(net_tap_name_default(2, 0, name), 0);
	cr_assert_str_eq(name, "pt2.0");
	cr_assert_eq(net_tap_name_default(65535, 12345, name), 0);
	cr_assert_str_eq(name, "pt65535.12345");
	cr_assert_eq(net_tap_name_valid(name), 0);
	/* 2 + 10 + 1 + 10 characters cannot be an interface name. */
	cr_assert_eq(net_tap_name_default(4294967295u, 4294967295u, name),
		     -ENAMETOOLONG);
}
