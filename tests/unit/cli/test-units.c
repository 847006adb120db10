// SPDX-License-Identifier: GPL-2.0-only
/* Human-readable sizes and uptimes. */
#include <criterion/criterion.h>

#include "out-units.h"

Test(units, bytes)
{
	char b[32];

	cr_assert_str_eq(out_bytes(b, sizeof(b), 0), "0 B");
	cr_assert_str_eq(out_bytes(b, sizeof(b), 1023), "1023 B");
	cr_assert_str_eq(out_bytes(b, sizeof(b), 1024), "1.0 KiB");
	cr_assert_str_eq(out_bytes(b, sizeof(b), 1536), "1.5 KiB");
	cr_assert_str_eq(out_bytes(b, sizeof(b), 1024ull * 1024 * 1024),
			 "1.0 GiB");
	cr_assert_str_eq(out_bytes(b, sizeof(b), 16ull << 20), "16.0 MiB");
	/* 1023.99 KiB rounds up into the next unit */
	cr_assert_str_eq(out_bytes(b, sizeof(b), 1024ull * 1024 - 1),
			 "1.0 MiB");
	cr_assert_str_eq(out_bytes(b, sizeof(b), UINT64_MAX), "16.0 EiB");
}

Test(units, uptime)
{
	char b[32];

	cr_assert_str_eq(out_uptime(b, sizeof(b), 0), "00:00:00.000");
	cr_assert_str_eq(out_uptime(b, sizeof(b), 3723456000000ull),
			 "01:02:03.456");
	cr_assert_str_eq(out_uptime(b, sizeof(b), 90061ull * 1000000000ull),
			 "1d 01:01:01");
}
