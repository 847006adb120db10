// SPDX-License-Identifier: MIT
/* The xenbus front-end's pure helpers: ref lists, numbers, state table. */
#include <criterion/criterion.h>
#include <partita-guest/xenbus.h>

Test(keys, format_refs)
{
	uint32_t refs[] = { 2, 3, 40, 4294967295u };
	char buf[64];

	cr_expect_eq(pt_xenbus_format_refs(buf, sizeof(buf), refs, 4), 17);
	cr_expect_str_eq(buf, "2 3 40 4294967295");
	cr_expect_eq(pt_xenbus_format_refs(buf, sizeof(buf), refs, 1), 1);
	cr_expect_str_eq(buf, "2");
	cr_expect_eq(pt_xenbus_format_refs(buf, sizeof(buf), refs, 0), 0);
	cr_expect_str_eq(buf, "");
}

Test(keys, format_refs_that_do_not_fit)
{
	uint32_t refs[] = { 12, 34 };
	char buf[6];

	/* "12 34" needs 6 bytes with its NUL. */
	cr_expect_eq(pt_xenbus_format_refs(buf, 6, refs, 2), 5);
	cr_expect_eq(pt_xenbus_format_refs(buf, 5, refs, 2), -PT_DEV_EINVAL);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(pt_xenbus_format_refs(buf, 0, refs, 2), -PT_DEV_EINVAL);
}

Test(keys, format_the_largest_pool_the_store_takes)
{
	static uint32_t refs[PT_VIRTQ_POOL_PAGES_MAX];
	static char buf[PT_XENBUS_VALUE_MAX];
	uint32_t back[PT_VIRTQ_POOL_PAGES_MAX];
	unsigned n;

	/*
	 * The widest refs a grant table of 64 frames can have: 6 bytes
	 * each with the space, so a value of PT_XENBUS_STORE_VALUE_MAX
	 * names 341 of them, not the 1024 pages virtio-ring.h allows.
	 */
	for (unsigned i = 0; i < PT_VIRTQ_POOL_PAGES_MAX; i++)
		refs[i] = 32767 - i;
	n = pt_xenbus_refs_fit(refs, PT_VIRTQ_POOL_PAGES_MAX,
			       PT_XENBUS_STORE_VALUE_MAX);
	cr_expect_eq(n, 341);
	cr_assert_gt(pt_xenbus_format_refs(buf, sizeof(buf), refs, n), 0);
	cr_assert_lt(strlen(buf), PT_XENBUS_STORE_VALUE_MAX);
	cr_assert_eq(pt_xenbus_parse_refs(buf, back, PT_VIRTQ_POOL_PAGES_MAX),
		     (int)n);
	cr_expect_arr_eq(back, refs, n * sizeof(back[0]));
}

Test(keys, parse_refs)
{
	uint32_t r[4];

	cr_expect_eq(pt_xenbus_parse_refs("7", r, 4), 1);
	cr_expect_eq(r[0], 7);
	cr_expect_eq(pt_xenbus_parse_refs("7 8 9", r, 4), 3);
	cr_expect_eq(r[2], 9);
	cr_expect_eq(pt_xenbus_parse_refs("1 2 3 4 5", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs(" 1", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("1 ", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("1  2", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("0", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("4294967296", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("1,2", r, 4), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_refs("-1", r, 4), -PT_DEV_EINVAL);
}

Test(keys, parse_numbers)
{
	uint64_t v;

	cr_expect_eq(pt_xenbus_parse_u64("300000000", 1, &v), 0);
	cr_expect_eq(v, 0x300000000ull);
	cr_expect_eq(pt_xenbus_parse_u64("0x130000000", 1, &v), 0);
	cr_expect_eq(v, 0x130000000ull);
	cr_expect_eq(pt_xenbus_parse_u64("AbC", 1, &v), 0);
	cr_expect_eq(v, 0xabc);
	cr_expect_eq(pt_xenbus_parse_u64("256", 0, &v), 0);
	cr_expect_eq(v, 256);
	cr_expect_eq(pt_xenbus_parse_u64("18446744073709551615", 0, &v), 0);
	cr_expect_eq(v, UINT64_MAX);
	cr_expect_eq(pt_xenbus_parse_u64("18446744073709551616", 0, &v),
		     -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64("10000000000000000", 1, &v),
		     -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64("", 0, &v), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64("0x", 1, &v), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64("12a", 0, &v), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64("0x10", 0, &v), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64(" 1", 0, &v), -PT_DEV_EINVAL);
	cr_expect_eq(pt_xenbus_parse_u64(NULL, 0, &v), -PT_DEV_EINVAL);
}

Test(keys, front_state_table)
{
	enum { U, I1, W2, I3, C4, G5, D6 };
	/* from docs/split-drivers.md: allowed[from][to] */
	static const int allowed[7][7] = {
		[I1] = { [I3] = 1, [G5] = 1 }, [W2] = { [G5] = 1 },
		[I3] = { [C4] = 1, [G5] = 1 }, [C4] = { [G5] = 1 },
		[G5] = { [D6] = 1 },	       [D6] = { [I1] = 1 },
	};

	for (uint32_t f = 0; f < 7; f++)
		for (uint32_t t = 0; t < 7; t++)
			cr_expect_eq(pt_xenbus_front_may_move(f, t),
				     allowed[f][t], "%u -> %u", f, t);
	cr_expect_eq(pt_xenbus_front_may_move(7, 1), 0);
	cr_expect_eq(pt_xenbus_front_may_move(6, 7), 0);
	cr_expect_eq(pt_xenbus_front_may_move(UINT32_MAX, 1), 0);
}

Test(keys, pow2_floor)
{
	cr_expect_eq(pt_xenbus_pow2_floor(64, 256), 64);
	cr_expect_eq(pt_xenbus_pow2_floor(64, 48), 32);
	cr_expect_eq(pt_xenbus_pow2_floor(100, 256), 64);
	cr_expect_eq(pt_xenbus_pow2_floor(256, 256), 256);
	cr_expect_eq(pt_xenbus_pow2_floor(1, 256), 1);
	cr_expect_eq(pt_xenbus_pow2_floor(64, 0), 0);
	cr_expect_eq(pt_xenbus_pow2_floor(UINT32_MAX, UINT32_MAX), 0x80000000u);
}

Test(keys, refs_fit_counts_what_a_value_can_name)
{
	uint32_t refs[300];
	char buf[2048];

	for (unsigned i = 0; i < 300; i++)
		refs[i] = 1000 + i; /* 4 digits and a space each */
	cr_expect_eq(pt_xenbus_refs_fit(refs, 300, 2048), 300);
	cr_expect_eq(pt_xenbus_refs_fit(refs, 300, 100), 20,
		     "20 refs are 99 bytes, with the NUL 100");
	cr_expect_eq(pt_xenbus_refs_fit(refs, 300, 99), 19);
	cr_expect_eq(pt_xenbus_refs_fit(refs, 300, 1), 0);
	cr_expect_eq(pt_xenbus_refs_fit(refs, 0, 100), 0);
	/* What fits is exactly what pt_xenbus_format_refs can write. */
	for (size_t cap = 1; cap < 200; cap++) {
		unsigned n = pt_xenbus_refs_fit(refs, 300, cap);

		cr_expect_geq(pt_xenbus_format_refs(buf, cap, refs, n), 0,
			      "cap %zu", cap);
		cr_expect_lt(pt_xenbus_format_refs(buf, cap, refs, n + 1), 0,
			     "cap %zu", cap);
	}
}
