/* SPDX-License-Identifier: MIT */
/* The suite's result lines: one operation's sorted samples as PTBENCH records. */
#ifndef PARTITA_GUEST_BENCH_RECORD_H
#define PARTITA_GUEST_BENCH_RECORD_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sorts the samples (TSC ticks, already divided by the elements per
 * sample) and prints
 *   PTBENCH op=NAME n= warmup= per= khz= min= p10= p50= p90= p99= p999= max=
 * then the 101 percentiles 0..100 as "PTBENCH-CDF op=NAME from=I v..."
 * lines, a run of equal values as VALUExCOUNT. Lines are paced to the
 * log's UART so that none is lost.
 */
void record_print(const char *op, uint64_t *samples, size_t n, unsigned warmup,
		  unsigned per, uint64_t tsc_khz);

/* Prints "PTBOUND call=NAME entries= worst_ns= over_50us=" from the histogram. */
void record_bound(const char *call_name, uint16_t code);

#endif
