/* SPDX-License-Identifier: GPL-2.0-only */
/* The root's view of physical memory: firmware map minus what is hidden. */
#ifndef HV_MEMORY_MAP_H
#define HV_MEMORY_MAP_H

#include "types.h"

struct mem_range {
	u64 base;
	u64 size;
};

#define MAX_HIDDEN_RANGES 4

/* Memory the root partition must never reach, and machine totals. */
struct machine_memory {
	struct mem_range hidden[MAX_HIDDEN_RANGES];
	u32 hidden_count;
	u64 ram_bytes;	      /* usable RAM in the firmware's map */
	u64 root_ram_bytes;   /* what of it the root's e820 map gives it */
	u64 hypervisor_bytes; /* image and heap */
};

extern struct machine_memory machine_memory;

bool mem_range_overlaps(const struct mem_range *ranges, u32 count, u64 base,
			u64 size);

#endif
