// SPDX-License-Identifier: MIT
/*
 * disk-test's pure parts on the host: SHA-256 against the standard's
 * vectors and padding boundaries, the self-describing sectors, the
 * generator and the size parser.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dt-pattern.h"
#include "sha256.h"

static void digest_of(const void *data, size_t len, char hex[65])
{
	struct sha256 s;
	uint8_t d[SHA256_BYTES];

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

Test(sha256, fips_180_vectors)
{
	char hex[65];

	digest_of("", 0, hex);
	cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			      "27ae41e4649b934ca495991b7852b855");
	digest_of("abc", 3, hex);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
			      "b00361a396177a9cb410ff61f20015ad");
	digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  56, hex);
	cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
			      "a33ce45964ff2167f6ecedd419db06c1");
	digest_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  112, hex);
	cr_expect_str_eq(hex, "cf5b16a778af8380036ce59e7b049237"
			      "0b249b11e8f07a51afac45037afee9d1");
}

Test(sha256, a_million_as_in_odd_pieces)
{
	static uint8_t a[1000000];
	struct sha256 s;
	uint8_t d[SHA256_BYTES];
	char hex[65];
	size_t done = 0, step = 1;

	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	/* Pieces of 1, 2, 3, ... bytes cross every block boundary. */
	while (done < sizeof(a)) {
		size_t n = sizeof(a) - done < step ? sizeof(a) - done : step;

		sha256_update(&s, a + done, n);
		done += n;
		step = step % 200 + 1;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
			      "f1809a48a497200e046d39ccc7112cd0");
}

Test(sha256, padding_boundaries)
{
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e91"
		      "0f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef797068"
		      "6ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da45"
		      "7ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df"
		      "154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f"
		      "17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7e"
		       "a6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55"
		       "af904c21c" },
	};
	uint8_t a[128];
	char hex[65];

	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		digest_of(a, v[i].n, hex);
		cr_expect_str_eq(hex, v[i].hex, "%zu bytes", v[i].n);
	}
}

Test(pattern, sectors_describe_themselves_and_check)
{
	uint8_t s[DT_SECTOR], t[DT_SECTOR];
	uint64_t sector = 0x123456789ull;

	dt_fill_sector(s, 7, sector, 3);
	cr_expect_arr_eq(s, "PTDT", 4);
	cr_expect_eq(s[4], 7);
	cr_expect_eq(s[8], 0x89);
	cr_expect_eq(s[12], 0x01);
	cr_expect_eq(s[16], 3);
	cr_expect_eq(dt_check_sector(s, 7, sector, 3), 0);
	/* The FNV field covers the body: a tool can check without us. */
	uint64_t fnv;
	memcpy(&fnv, s + 24, 8);
	cr_expect_eq(fnv, dt_fnv1a64(s + 32, DT_SECTOR - 32));
	/* Same inputs, same bytes; any input changed, other bytes. */
	dt_fill_sector(t, 7, sector, 3);
	cr_expect_arr_eq(s, t, DT_SECTOR);
	cr_expect_neq(dt_check_sector(s, 7, sector, 4), 0, "generation");
	cr_expect_neq(dt_check_sector(s, 8, sector, 3), 0, "seed");
	cr_expect_neq(dt_check_sector(s, 7, sector + 1, 3), 0, "sector");
	s[300] ^= 1;
	cr_expect_eq(dt_check_sector(s, 7, sector, 3), 301, "1 + offset");
	/* Bodies of neighbouring generations differ almost everywhere. */
	dt_fill_sector(t, 7, sector, 4);
	int same = 0;
	for (int i = 32; i < (int)DT_SECTOR; i++)
		same += s[i] == t[i];
	cr_expect_lt(same, 16);
}

Test(pattern, rng_below_stays_below_and_covers)
{
	struct dt_rng r = { 42 };
	int seen[10] = { 0 };

	for (int i = 0; i < 10000; i++) {
		uint64_t v = dt_rng_below(&r, 10);

		cr_assert_lt(v, 10);
		seen[v]++;
	}
	for (int i = 0; i < 10; i++)
		cr_expect_gt(seen[i], 800, "value %d seen %d times", i,
			     seen[i]);
	cr_expect_eq(dt_rng_below(&r, 1), 0);
	cr_expect_eq(dt_rng_below(&r, 0), 0);
	cr_expect_lt(dt_rng_below(&r, UINT64_MAX), UINT64_MAX);
}

Test(pattern, sizes)
{
	uint64_t v = 99;

	cr_expect_eq(dt_parse_size("256M", &v), 0);
	cr_expect_eq(v, 256ull << 20);
	cr_expect_eq(dt_parse_size("1g", &v), 0);
	cr_expect_eq(v, 1ull << 30);
	cr_expect_eq(dt_parse_size("4096", &v), 0);
	cr_expect_eq(v, 4096);
	cr_expect_eq(dt_parse_size("64K", &v), 0);
	cr_expect_eq(v, 65536);
	cr_expect_eq(dt_parse_size("2T", &v), 0);
	cr_expect_eq(v, 2ull << 40);
	v = 5;
	cr_expect_eq(dt_parse_size("", &v), -1);
	cr_expect_eq(dt_parse_size("M", &v), -1);
	cr_expect_eq(dt_parse_size("12MB", &v), -1);
	cr_expect_eq(dt_parse_size("1.5M", &v), -1);
	cr_expect_eq(dt_parse_size("-1", &v), -1);
	cr_expect_eq(dt_parse_size("99999999999999999999", &v), -1);
	cr_expect_eq(dt_parse_size("17179869184G", &v), -1, "overflow");
	cr_expect_eq(v, 5, "unchanged by failures");
}
