/* SPDX-License-Identifier: MIT */
/* Latency samples: sorting TSC cycle counts and printing their summary. */
#ifndef PARTITA_GUEST_BENCH_STATS_H
#define PARTITA_GUEST_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Sorts ascending in place (heapsort: no extra memory). */
void stats_sort(uint64_t *a, size_t n);

/*
 * Sorts the cycle samples and prints "<prefix> <op> samples=N min= median=
 * p99= p999= max=" in ns (VPAP scale) as one line; returns the median ns.
 */
uint64_t stats_summarise(const char *prefix, const char *op, uint64_t *cycles,
			 size_t n);

/* Prints "<prefix> ratio <name>=X.YY" for num/den (hundredths). */
void stats_ratio(const char *prefix, const char *name, uint64_t num,
		 uint64_t den);

#endif
