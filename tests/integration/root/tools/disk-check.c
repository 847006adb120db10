// SPDX-License-Identifier: GPL-2.0-only
/*
 * partita-disk-check: after a disk-test guest in mode=stream was killed,
 * checks that every block the guest saw flushed holds exactly its last
 * flushed write, with no torn or lost sector (root test blk-destroy).
 *
 * usage: partita-disk-check IMAGE SEED BS BLOCKS FLUSHED WINDOW MIN
 *
 * Write g (from 1) went to block (g - 1) mod BLOCKS with generation g in
 * each sector (pv-guest-lib/examples/disk-test/dt-pattern.h). FLUSHED is
 * the last "flushed gen=F" the guest printed: writes 1..F are durable.
 * Writes after F may have been in flight, but none after F + WINDOW was
 * made available. So a block whose last write up to F is g is checked
 * (every sector must be generation g, intact) unless g + BLOCKS <= F +
 * WINDOW, when a later write may have hit it half-way: those are only
 * counted. Exit 0 when no checked block is wrong and at least MIN blocks
 * were checked; 1 otherwise; 2 for bad arguments or an unreadable image.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt-pattern.h"

#define SHOWN 5

static int number(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Generation of a sector if it is a disk-test sector of this seed and
 * sector number with an intact body, else 0. */
static uint32_t intact_gen(const uint8_t *p, uint32_t seed, uint64_t sector)
{
	uint32_t gen;

	if (memcmp(p, DT_MAGIC, 4) || le32(p + 4) != seed)
		return 0;
	gen = le32(p + 16);
	return gen && !dt_check_sector(p, seed, sector, gen) ? gen : 0;
}

int main(int argc, char **argv)
{
	uint64_t a[6], checked = 0, bad = 0, unsettled = 0, newer = 0;
	uint64_t never = 0, seed, bs, blocks, flushed, window, min;
	uint8_t *buf;
	int fd;

	if (argc != 8) {
		fprintf(stderr, "usage: partita-disk-check IMAGE SEED BS "
				"BLOCKS FLUSHED WINDOW MIN\n");
		return 2;
	}
	for (int i = 0; i < 6; i++)
		if (number(argv[i + 2], &a[i])) {
			fprintf(stderr,
				"partita-disk-check: '%s' is not a "
				"number\n",
				argv[i + 2]);
			return 2;
		}
	seed = a[0], bs = a[1], blocks = a[2], flushed = a[3], window = a[4];
	min = a[5];
	if (seed > UINT32_MAX || !bs || bs % DT_SECTOR || bs > (64u << 20) ||
	    !blocks || blocks > UINT32_MAX || flushed > UINT32_MAX ||
	    window > blocks / 2) {
		fprintf(stderr,
			"partita-disk-check: SEED 32 bits, BS a sector "
			"multiple up to 64M, WINDOW at most BLOCKS/2\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	buf = malloc(bs);
	if (fd < 0 || !buf) {
		fprintf(stderr, "partita-disk-check: %s: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	for (uint64_t b = 0; b < blocks; b++) {
		uint64_t per = bs / DT_SECTOR, first = b * per, last;
		ssize_t got = pread(fd, buf, bs, (off_t)(b * bs));
		int wrong = 0;

		if (got != (ssize_t)bs) {
			fprintf(stderr,
				"partita-disk-check: block %" PRIu64
				": short read (%zd)\n",
				b, got);
			return 2;
		}
		if (flushed < b + 1) {
			never++; /* no flushed write ever went there */
			continue;
		}
		/* The last write up to F to this block. */
		last = b + 1 + (flushed - b - 1) / blocks * blocks;
		if (last + blocks <= flushed + window) {
			unsettled++;
			if (intact_gen(buf, (uint32_t)seed, first) > last)
				newer++;
			continue;
		}
		checked++;
		for (uint64_t s = 0; s < per; s++) {
			const uint8_t *p = buf + s * DT_SECTOR;
			uint32_t found =
				intact_gen(p, (uint32_t)seed, first + s);

			if (found == last)
				continue;
			if (!wrong++ && bad < SHOWN)
				printf("disk-check: block %" PRIu64
				       " sector %" PRIu64 ": want generation "
				       "%" PRIu64 ", found %s %" PRIu32 "\n",
				       b, first + s, last,
				       found ? "generation"
					     : "no intact sector,"
					       " generation field",
				       le32(p + 16));
		}
		bad += wrong != 0;
	}
	printf("disk-check: checked=%" PRIu64 " wrong=%" PRIu64
	       " unsettled=%" PRIu64 " newer=%" PRIu64 " never=%" PRIu64
	       " flushed=%" PRIu64 "\n",
	       checked, bad, unsettled, newer, never, flushed);
	if (bad)
		return 1;
	if (checked < min) {
		printf("disk-check: only %" PRIu64 " blocks checked, want at "
		       "least %" PRIu64 "\n",
		       checked, min);
		return 1;
	}
	return 0;
}
