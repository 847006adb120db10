/* SPDX-License-Identifier: MIT */
/* disk-test's sector contents, random numbers and sizes: pure code. */
#ifndef PARTITA_EXAMPLE_DT_PATTERN_H
#define PARTITA_EXAMPLE_DT_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define DT_SECTOR 512u

/*
 * Every sector disk-test writes describes itself, so that a tool reading
 * the image afterwards can check it without the generator:
 *
 *   0   "PTDT"                       8  the sector number (LE u64)
 *   4   the seed (LE u32)            16 the generation (LE u32)
 *   20  0 (LE u32)                   24 FNV-1a 64 of bytes 32..511
 *   32  480 bytes of splitmix64 output seeded by (seed, sector, gen)
 *
 * A generation is the number of the write (from 1) that put it there.
 */
#define DT_MAGIC "PTDT"

void dt_fill_sector(uint8_t *p, uint32_t seed, uint64_t sector, uint32_t gen);

/* 0 if p is exactly what dt_fill_sector writes, else 1 + the offset of
 * the first byte that differs. */
unsigned dt_check_sector(const uint8_t *p, uint32_t seed, uint64_t sector,
			 uint32_t gen);

/* FNV-1a, 64 bits. */
uint64_t dt_fnv1a64(const void *p, size_t n);

/* splitmix64: a tiny generator good enough for offsets and contents. */
struct dt_rng {
	uint64_t state;
};
uint64_t dt_rng_next(struct dt_rng *r);
/* Uniform in [0, bound) for bound >= 1 (rejection, no modulo bias). */
uint64_t dt_rng_below(struct dt_rng *r, uint64_t bound);

/* "256M", "1G", "4096", "64k" (K, M, G, T: powers of 1024). Returns 0
 * or -1 for anything else (empty, junk, overflow). */
int dt_parse_size(const char *s, uint64_t *out);

#endif
