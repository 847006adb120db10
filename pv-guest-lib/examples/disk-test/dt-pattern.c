// SPDX-License-Identifier: MIT
/* disk-test's self-describing sectors, its generator and its size parser. */
#include <string.h> /* common/string.h in the freestanding build */

#include "dt-pattern.h"

#define BODY 32u

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t dt_fnv1a64(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t dt_rng_next(struct dt_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t dt_rng_below(struct dt_rng *r, uint64_t bound)
{
	uint64_t limit, v;

	if (bound <= 1)
		return 0;
	/* The largest multiple of bound that fits: draws above it retry. */
	limit = UINT64_MAX - UINT64_MAX % bound;
	do
		v = dt_rng_next(r);
	while (v >= limit);
	return v % bound;
}

void dt_fill_sector(uint8_t *p, uint32_t seed, uint64_t sector, uint32_t gen)
{
	struct dt_rng r = { ((uint64_t)seed << 32 | gen) ^
			    (sector * 0xd6e8feb86659fd93ull) };

	memcpy(p, DT_MAGIC, 4);
	put_le(p + 4, seed, 4);
	put_le(p + 8, sector, 8);
	put_le(p + 16, gen, 4);
	put_le(p + 20, 0, 4);
	for (unsigned i = BODY; i < DT_SECTOR; i += 8)
		put_le(p + i, dt_rng_next(&r), 8);
	put_le(p + 24, dt_fnv1a64(p + BODY, DT_SECTOR - BODY), 8);
}

unsigned dt_check_sector(const uint8_t *p, uint32_t seed, uint64_t sector,
			 uint32_t gen)
{
	uint8_t want[DT_SECTOR];

	dt_fill_sector(want, seed, sector, gen);
	for (unsigned i = 0; i < DT_SECTOR; i++)
		if (p[i] != want[i])
			return i + 1;
	return 0;
}

int dt_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	unsigned digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX - 9u) / 10u)
			return -1;
		v = v * 10u + (uint64_t)(*s - '0');
	}
	if (!digits)
		return -1;
	switch (*s) {
	case 'k':
	case 'K':
		mul = 1ull << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ull << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ull << 30;
		break;
	case 't':
	case 'T':
		mul = 1ull << 40;
		break;
	case 0:
		break;
	default:
		return -1;
	}
	if (*s && s[1])
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}
