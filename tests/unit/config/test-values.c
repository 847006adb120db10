// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the config value parsers: integers, sizes, CPUs, names. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "config.h"

#define MIB (1ull << 20)

Test(values, integers)
{
	uint64_t v;

	cr_assert_eq(config_parse_u64("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(config_parse_u64("65535", &v), 0);
	cr_assert_eq(v, 65535);
	cr_assert_eq(config_parse_u64("007", &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(config_parse_u64("18446744073709551615", &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(config_parse_u64("18446744073709551616", &v), -ERANGE);
	cr_assert_eq(config_parse_u64("", &v), -EINVAL);
	cr_assert_eq(config_parse_u64("-1", &v), -EINVAL);
	cr_assert_eq(config_parse_u64("+1", &v), -EINVAL);
	cr_assert_eq(config_parse_u64("1x", &v), -EINVAL);
	cr_assert_eq(config_parse_u64("0x10", &v), -EINVAL);
	cr_assert_eq(config_parse_u64(" 1", &v), -EINVAL);
	cr_assert_eq(config_parse_u64("1.0", &v), -EINVAL);
}

Test(values, sizes_with_units)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {
		{ "64", 64 * MIB },    { "64M", 64 * MIB },
		{ "64MiB", 64 * MIB }, { "64 MiB", 64 * MIB },
		{ "1G", 1024 * MIB },  { "1GiB", 1024 * MIB },
		{ "4G", 4096 * MIB },  { "0M", 0 },
		{ "3M", 3 * MIB },     { "17179869183G", 17179869183ull << 30 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t bytes = 1;

		cr_assert_eq(config_parse_size(ok[i].text, &bytes), 0, "%s",
			     ok[i].text);
		cr_assert_eq(bytes, ok[i].bytes, "%s", ok[i].text);
	}
}

Test(values, sizes_rejected)
{
	uint64_t bytes;

	cr_assert_eq(config_parse_size("64K", &bytes), -EDOM);
	cr_assert_eq(config_parse_size("64m", &bytes), -EDOM);
	cr_assert_eq(config_parse_size("64MB", &bytes), -EDOM);
	cr_assert_eq(config_parse_size("1T", &bytes), -EDOM);
	cr_assert_eq(config_parse_size("64M ", &bytes), -EDOM);
	cr_assert_eq(config_parse_size("M", &bytes), -EINVAL);
	cr_assert_eq(config_parse_size("", &bytes), -EINVAL);
	cr_assert_eq(config_parse_size("1.5G", &bytes), -EINVAL);
	cr_assert_eq(config_parse_size("-2M", &bytes), -EINVAL);
	cr_assert_eq(config_parse_size("17179869184G", &bytes), -ERANGE);
	cr_assert_eq(config_parse_size("99999999999999999999M", &bytes),
		     -ERANGE);
}

Test(values, cpu_lists)
{
	static const struct {
		const char *text;
		uint64_t mask;
	} ok[] = {
		{ "0", 0x1 },	  { "1-3,5", 0x2e },	{ "1 - 3 , 5", 0x2e },
		{ "3,3,3", 0x8 }, { "63", 1ull << 63 }, { "0-63", ~0ull },
		{ "2-2", 0x4 },	  { "5,1", 0x22 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t mask = 0;

		cr_assert_eq(config_parse_cpus(ok[i].text, &mask), 0, "%s",
			     ok[i].text);
		cr_assert_eq(mask, ok[i].mask, "%s", ok[i].text);
	}
}

Test(values, cpu_lists_rejected)
{
	uint64_t mask = 42;

	cr_assert_eq(config_parse_cpus("", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("1,", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus(",1", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("1,,2", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("1-", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("-1", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("1-3-5", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("a", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("1;2", &mask), -EINVAL);
	cr_assert_eq(config_parse_cpus("64", &mask), -ERANGE);
	cr_assert_eq(config_parse_cpus("60-64", &mask), -ERANGE);
	cr_assert_eq(config_parse_cpus("99999999999999999999", &mask), -ERANGE);
	cr_assert_eq(config_parse_cpus("5-3", &mask), -EDOM);
	cr_assert_eq(mask, 42, "a failed parse leaves the mask alone");
}

Test(values, names)
{
	cr_assert_eq(config_name_bad_char("hello"), -1);
	cr_assert_eq(config_name_bad_char("A-z_0.9"), -1);
	cr_assert_eq(config_name_bad_char(""), -1);
	cr_assert_eq(config_name_bad_char("web server"), 3);
	cr_assert_eq(config_name_bad_char("a/b"), 1);
	cr_assert_eq(config_name_bad_char("h\xc3\xa9"), 1);
	cr_assert_eq(config_name_bad_char("x:"), 1);
	cr_assert_eq(config_name_bad_char("\t"), 0);
}

Test(values, mac_addresses)
{
	static const char *const bad[] = {
		"",
		"02:00:00:00:00",
		"02:00:00:00:00:01:",
		"02:00:00:00:00:001",
		"02-00-00-00-00-01",
		"2:00:00:00:00:01",
		"02:00:0g:00:00:01",
		"0200.0000.0001",
		" 02:00:00:00:00:01",
		"02:00:00:00:00:01 ",
	};
	uint8_t mac[CONFIG_MAC_BYTES] = { 0 };
	const uint8_t want[] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

	cr_assert_eq(config_parse_mac("52:54:00:AB:cd:Ef", mac), 0);
	cr_assert_arr_eq(mac, want, sizeof(want));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(mac, 0x77, sizeof(mac));
		cr_expect_eq(config_parse_mac(bad[i], mac), -EINVAL, "'%s'",
			     bad[i]);
		cr_expect_eq(mac[0], 0x77, "'%s' left mac alone", bad[i]);
	}
}

Test(values, interface_names)
{
	static const struct {
		const char *name, *why;
	} cases[] = {
		{ "tap0", NULL },
		{ "br-lan.10", NULL },
		{ "fifteen-chars-x", NULL },
		{ "sixteen-chars-xx", "16 characters" },
		{ "", "an empty name" },
		{ ".", "a name Linux refuses" },
		{ "..", "a name Linux refuses" },
		{ "my tap", "a space in it" },
		{ "tap/0", "'/' in it" },
		{ "br:0", "':' in it" },
		{ "tab\t", "byte 0x09 in it" },
		{ "caf\xc3\xa9", "byte 0xc3 in it" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why =
			config_ifname_problem(cases[i].name, buf, sizeof(buf));

		if (!cases[i].why)
			cr_expect_null(why, "'%s': %s", cases[i].name, why);
		else
			cr_expect(why && !strcmp(why, cases[i].why),
				  "'%s': got %s, expected %s", cases[i].name,
				  why ? why : "(ok)", cases[i].why);
	}
}
