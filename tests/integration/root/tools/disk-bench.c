// SPDX-License-Identifier: GPL-2.0-only
/*
 * partita-disk-bench: the root's own I/O on a disk image, the baseline the
 * disk guest's figures are divided by (tests/bench/io).
 *
 * Same sizes as the guest's bench mode: sequential 1 MiB writes over the
 * first SIZE MiB and a final fdatasync, sequential 1 MiB reads of the
 * same range, then 4 KiB reads at seeded random aligned offsets. One
 * request at a time with pread/pwrite through the page cache, as
 * partita-backd's writeback mode reaches the file. Prints:
 *   disk-bench seq-write mib-s=X
 *   disk-bench seq-read mib-s=X
 *   disk-bench rand-read-4k iops=X
 *
 * usage: partita-disk-bench FILE [SIZE_MIB [RANDOM_READS]]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024u * 1024u)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long size_mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 64;
	unsigned long reads = argc > 3 ? strtoul(argv[3], NULL, 0) : 4096;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	static uint8_t buf[MIB];
	double t;
	int fd;

	if (argc < 2 || argc > 4 || !size_mib || !reads) {
		fprintf(stderr, "usage: %s FILE [SIZE_MIB [RANDOM_READS]]\n",
			argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return perror(argv[1]), 1;
	memset(buf, 0x5a, sizeof(buf));

	t = now_s();
	for (unsigned long i = 0; i < size_mib; i++)
		if (pwrite(fd, buf, MIB, (off_t)i * MIB) != MIB)
			return perror("pwrite"), 1;
	if (fdatasync(fd))
		return perror("fdatasync"), 1;
	printf("disk-bench seq-write mib-s=%.1f\n",
	       (double)size_mib / (now_s() - t));

	t = now_s();
	for (unsigned long i = 0; i < size_mib; i++)
		if (pread(fd, buf, MIB, (off_t)i * MIB) != MIB)
			return perror("pread"), 1;
	printf("disk-bench seq-read mib-s=%.1f\n",
	       (double)size_mib / (now_s() - t));

	t = now_s();
	for (unsigned long i = 0; i < reads; i++) {
		uint64_t blocks = (uint64_t)size_mib * (MIB / 4096u);

		/* xorshift: the same offsets every run */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (pread(fd, buf, 4096, (off_t)((x % blocks) * 4096u)) != 4096)
			return perror("pread"), 1;
	}
	printf("disk-bench rand-read-4k iops=%.0f\n",
	       (double)reads / (now_s() - t));
	close(fd);
	return 0;
}
