/* SPDX-License-Identifier: MIT */
/* disk-test's modes and what they share: options, the disk, reporting. */
#ifndef PARTITA_EXAMPLE_DISK_TEST_H
#define PARTITA_EXAMPLE_DISK_TEST_H

#include <stdint.h>
#include <partita-guest/vblk.h>

#define DT_QD_MAX 64u

struct dt_options {
	unsigned disk;	      /* disk=N: block/N */
	uint64_t total;	      /* total=SIZE: bytes the verify mode writes */
	uint32_t seed;	      /* seed=N */
	uint32_t maxio;	      /* maxio=SIZE: largest request, bytes */
	unsigned qd;	      /* qd=N: requests in flight */
	uint64_t flush_every; /* flush_every=SIZE: a FLUSH after that much */
	uint64_t region;      /* size=SIZE: the bench's part of the disk */
	uint32_t bs;	      /* bs=SIZE: the bench's sequential request */
	uint64_t rand_ios;    /* rand=N: the bench's random 4 KiB reads */
	int zero_copy;	      /* zerocopy=0|1: bench buffers in the pool */
	uint64_t wait_ns;     /* wait_ms=N: connect deadline (0: for ever) */
	uint32_t window;      /* window=N: stream writes past the last flush */
	uint32_t writes;      /* writes=N: stream writes (0: until killed) */
};

extern struct dt_options dt_opt;
extern struct pt_vblk dt_disk;

/* Set when the root asks the guest to shut down. */
int dt_stopping(void);

/* Nanoseconds from TSC cycles (the VPAP's scale). */
uint64_t dt_ns_since(uint64_t tsc0);

/* "123.45" for value/100 in buf. */
const char *dt_centi(char buf[24], uint64_t hundredths);

/* MiB/s in hundredths for bytes in ns. */
uint64_t dt_mib_s_centi(uint64_t bytes, uint64_t ns);

/* Waits for at least one completion on dt_disk, printing a line every
 * 5 s that nothing completes (the back-end may be restarting). Returns
 * what pt_vblk_wait returns, never 0. */
int dt_wait(const char *what);

/* The disk's line: capacity, limits, features, serial. */
void dt_print_info(const char *prefix, unsigned n, const struct pt_vblk *b);

/* The library's counters as one line. */
void dt_print_stats(const char *prefix, const struct pt_vblk *b);

int dt_verify_run(void);  /* mode=verify: 0 PASS, else FAIL */
int dt_hash_run(void);	  /* mode=hash */
int dt_bench_run(void);	  /* mode=bench */
int dt_hotplug_run(void); /* mode=hotplug */
int dt_stream_run(void);  /* mode=stream */

#endif
