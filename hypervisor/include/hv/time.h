/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypervisor time: nanoseconds since boot, from the calibrated TSC. */
#ifndef HV_TIME_H
#define HV_TIME_H

#include "types.h"

struct time_scale {
	u64 tsc_base; /* TSC at time 0 */
	u64 tsc_mul;  /* ns per tick, 32.32 fixed point */
	u64 tsc_khz;
	u64 ticks_per_us; /* tsc_khz / 1000, for budgets on hot paths */
};

extern struct time_scale hv_time;

void time_init(u64 tsc_base, u64 tsc_khz);
u64 time_ns_to_ticks(u64 ns); /* a duration */
u64 time_now_ns(void);

/*
 * A duration in TSC ticks as ns. Hot paths keep ticks and convert only
 * when a figure is read (exits are counted in instructions under icount:
 * every multiply saved there is visible).
 */
static inline u64 time_ticks_to_ns(u64 ticks)
{
	return (u64)(((unsigned __int128)ticks * hv_time.tsc_mul) >> 32);
}

/* A TSC reading as ns since boot. */
static inline u64 time_tsc_to_ns(u64 tsc)
{
	return time_ticks_to_ns(tsc - hv_time.tsc_base);
}

/* The TSC reading at ns since boot; ~0 stays "never". */
static inline u64 time_ns_to_tsc(u64 ns)
{
	return ns == ~0ull ? ~0ull : hv_time.tsc_base + time_ns_to_ticks(ns);
}

#endif
