/* SPDX-License-Identifier: MIT */
/* Root-side benchmarks print their samples as the suite's PTBENCH records. */
#ifndef PARTITA_BENCH_PTBENCH_PRINT_H
#define PARTITA_BENCH_PTBENCH_PRINT_H

#include <stdint.h>
#include <stdio.h>

/*
 * The same lines as the guest's record_print (pv-guest-lib/bench/record.h)
 * for samples in ns of CLOCK_MONOTONIC, sorted ascending: khz=1000000 says
 * one tick is one ns. Under QEMU's icount the root's clock advances one ns
 * per emulated instruction, so the figures are then instruction counts.
 */
static inline uint64_t ptbench_at_permille(const uint64_t *a, size_t n,
					   unsigned pm)
{
	size_t i = n * pm / 1000;

	return a[i < n ? i : n - 1];
}

static inline void ptbench_print(const char *op, const uint64_t *sorted_ns,
				 size_t n, unsigned warmup)
{
	if (!n)
		return;
	printf("PTBENCH op=%s n=%zu warmup=%u per=1 khz=1000000 min=%llu "
	       "p10=%llu p50=%llu p90=%llu p99=%llu p999=%llu max=%llu\n",
	       op, n, warmup, (unsigned long long)sorted_ns[0],
	       (unsigned long long)ptbench_at_permille(sorted_ns, n, 100),
	       (unsigned long long)ptbench_at_permille(sorted_ns, n, 500),
	       (unsigned long long)ptbench_at_permille(sorted_ns, n, 900),
	       (unsigned long long)ptbench_at_permille(sorted_ns, n, 990),
	       (unsigned long long)ptbench_at_permille(sorted_ns, n, 999),
	       (unsigned long long)sorted_ns[n - 1]);
	/* Percentiles 0..100, a run of equal values as VALUExCOUNT. */
	for (unsigned p = 0; p < 101;) {
		printf("PTBENCH-CDF op=%s from=%u", op, p);
		for (unsigned tokens = 0; tokens < 10 && p < 101; tokens++) {
			uint64_t v = ptbench_at_permille(sorted_ns, n, p * 10);
			unsigned run = 1;

			while (p + run < 101 &&
			       ptbench_at_permille(sorted_ns, n,
						   (p + run) * 10) == v)
				run++;
			if (run > 1)
				printf(" %llux%u", (unsigned long long)v, run);
			else
				printf(" %llu", (unsigned long long)v);
			p += run;
		}
		printf("\n");
	}
}

#endif
