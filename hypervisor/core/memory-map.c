// SPDX-License-Identifier: GPL-2.0-only
/* The machine's memory facts: what the root must never see, and totals. */
#include <hv/memory-map.h>

struct machine_memory machine_memory;

bool mem_range_overlaps(const struct mem_range *ranges, u32 count, u64 base,
			u64 size)
{
	for (u32 i = 0; i < count; i++) {
		if (ranges[i].size && base < ranges[i].base + ranges[i].size &&
		    ranges[i].base < base + size)
			return true;
	}
	return false;
}
