/* SPDX-License-Identifier: GPL-2.0-only */
/* Builds the root's e820 map from the firmware's EFI memory map. */
#ifndef ARCH_E820_H
#define ARCH_E820_H

#include <hv/memory-map.h>
#include <hv/types.h>

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5
#define E820_MAX_ENTRIES 128 /* what boot_params holds */

struct e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __attribute__((packed));

/* The fields of an EFI memory descriptor we read (UEFI spec 7.2). */
struct efi_memory_descriptor {
	u32 type;
	u32 pad;
	u64 physical_start;
	u64 virtual_start;
	u64 pages;
	u64 attribute;
};

/*
 * Converts `map_size` bytes of descriptors (`desc_size` apart) into sorted,
 * merged e820 entries; RAM inside a hidden range becomes reserved. Returns
 * the entry count, or -1 when more than `max` entries would be needed.
 * *ram_bytes gets the usable RAM before hiding.
 */
int e820_from_efi(const void *map, u64 map_size, u64 desc_size,
		  const struct mem_range *hidden, u32 hidden_count,
		  struct e820_entry *out, u32 max, u64 *ram_bytes);

#endif
