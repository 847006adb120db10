// SPDX-License-Identifier: GPL-2.0-only
/* Hypervisor time: nanoseconds since boot, from the calibrated TSC. */
#include <hv/arch.h>
#include <hv/time.h>

struct time_scale hv_time;

void time_init(u64 tsc_base, u64 tsc_khz)
{
	hv_time.tsc_base = tsc_base;
	hv_time.tsc_khz = tsc_khz;
	hv_time.ticks_per_us = tsc_khz / 1000;
	/* ns per tick in 32.32: 1e6 ns per ms / (ticks per ms). */
	hv_time.tsc_mul = (1000000ull << 32) / tsc_khz;
}

u64 time_ns_to_ticks(u64 ns)
{
	/* Split so that nothing overflows and no 128-bit division is needed. */
	return ns / 1000000 * hv_time.tsc_khz +
	       ns % 1000000 * hv_time.tsc_khz / 1000000;
}

u64 time_now_ns(void)
{
	return time_tsc_to_ns(arch_tsc());
}
