/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypervisor time: nanoseconds since boot, from the calibrated TSC. */
#ifndef HV_TIME_H
#define HV_TIME_H

#include "types.h"

struct time_scale {
	u64 tsc_base; /* TSC at time 0 */
	u64 tsc_mul;  /* ns per tick, 32.32 fixed point */
	u64 tsc_khz;
};

extern struct time_scale hv_time;

void time_init(u64 tsc_base, u64 tsc_khz);
u64 time_tsc_to_ns(u64 tsc);
u64 time_ns_to_ticks(u64 ns); /* a duration */
u64 time_now_ns(void);

#endif
