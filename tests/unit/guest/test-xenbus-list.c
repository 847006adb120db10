// SPDX-License-Identifier: MIT
/*
 * pt_xenbus_list_devices against a hostile store whose directory listing
 * is whatever the test says: each device number comes back once, even
 * when the store names a child twice.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <partita-guest/xenbus.h>

static const char *listing;
static uint32_t listing_len;

static int dir_says(void *ctx, uint32_t tx, const char *path, char *buf,
		    uint32_t cap, uint32_t *len)
{
	uint32_t n = listing_len < cap ? listing_len : cap;

	memcpy(buf, listing, n);
	*len = listing_len;
	return 0;
}

static const struct pt_xenbus_ops ops = { .directory = dir_says };

static void says(const char *names, uint32_t len)
{
	listing = names;
	listing_len = len;
}

Test(xenbus_list, a_name_listed_twice_is_one_device)
{
	static const char names[] = "2\0001\0002\0001\0003";
	unsigned ids[8];

	says(names, sizeof(names));
	cr_assert_eq(pt_xenbus_list_devices(&ops, 3, "console", ids, 8), 3);
	cr_expect_eq(ids[0], 1);
	cr_expect_eq(ids[1], 2);
	cr_expect_eq(ids[2], 3);
}

Test(xenbus_list, a_repeated_name_does_not_crowd_out_others_when_full)
{
	static const char names[] = "5\0005\0006";
	unsigned ids[2];

	says(names, sizeof(names));
	cr_assert_eq(pt_xenbus_list_devices(&ops, 3, "console", ids, 2), 2);
	cr_expect_eq(ids[0], 5);
	cr_expect_eq(ids[1], 6);
}

Test(xenbus_list, numbers_only_ascending)
{
	static const char names[] = "10\0x\00007\0009\0002147483648\0000";
	unsigned ids[8];

	says(names, sizeof(names));
	cr_assert_eq(pt_xenbus_list_devices(&ops, 3, "console", ids, 8), 3);
	cr_expect_eq(ids[0], 0);
	cr_expect_eq(ids[1], 9);
	cr_expect_eq(ids[2], 10);
}
