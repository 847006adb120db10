// SPDX-License-Identifier: GPL-2.0-only
/* Builds the root's e820 map from the firmware's EFI memory map. */
#include <arch/e820.h>

#define EFI_LOADER_CODE 1
#define EFI_LOADER_DATA 2
#define EFI_BOOT_SERVICES_CODE 3
#define EFI_BOOT_SERVICES_DATA 4
#define EFI_CONVENTIONAL 7
#define EFI_UNUSABLE 8
#define EFI_ACPI_RECLAIM 9
#define EFI_ACPI_NVS 10
#define WORK_ENTRIES 512

struct span {
	u64 start, end;
	u32 type;
};

static u32 e820_type(u32 efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL:
		return E820_RAM; /* boot services are over for the root */
	case EFI_UNUSABLE:
		return E820_UNUSABLE;
	case EFI_ACPI_RECLAIM:
		return E820_ACPI;
	case EFI_ACPI_NVS:
		return E820_NVS;
	default:
		return E820_RESERVED; /* runtime services, MMIO, reserved */
	}
}

static void sort_spans(struct span *s, u32 n)
{
	for (u32 i = 1; i < n; i++) {
		struct span key = s[i];
		u32 j = i;

		while (j > 0 && s[j - 1].start > key.start) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = key;
	}
}

static int push(struct span *s, u32 *n, u64 start, u64 end, u32 type)
{
	if (start >= end)
		return 0;
	/* Firmware splits regions into many neighbours: merge as we go. */
	if (*n && s[*n - 1].type == type && s[*n - 1].end == start) {
		s[*n - 1].end = end;
		return 0;
	}
	if (*n == WORK_ENTRIES)
		return -1;
	s[(*n)++] = (struct span){ start, end, type };
	return 0;
}

/* Adds the parts of [start, end) outside every hidden range. */
static int push_visible(struct span *s, u32 *n, u64 start, u64 end, u32 type,
			const struct mem_range *hidden, u32 count)
{
	if (start >= end)
		return 0; /* nothing left once a hidden range is cut out */
	for (u32 i = 0; i < count; i++) {
		u64 hs = hidden[i].base, he = hidden[i].base + hidden[i].size;

		if (he <= start || hs >= end || !hidden[i].size)
			continue;
		return push_visible(s, n, start, hs > start ? hs : start, type,
				    hidden, count) ||
		       push_visible(s, n, he < end ? he : end, end, type,
				    hidden, count);
	}
	return push(s, n, start, end, type);
}

int e820_from_efi(const void *map, u64 map_size, u64 desc_size,
		  const struct mem_range *hidden, u32 hidden_count,
		  struct e820_entry *out, u32 max, u64 *ram_bytes)
{
	static struct span spans[WORK_ENTRIES];
	u32 n = 0, count = 0;

	*ram_bytes = 0;
	for (u64 off = 0; off + desc_size <= map_size; off += desc_size) {
		const struct efi_memory_descriptor *d =
			(const void *)((const u8 *)map + off);
		u64 start = d->physical_start;
		u64 end = start + d->pages * PAGE_SIZE;
		u32 type = e820_type(d->type);

		if (type == E820_RAM)
			*ram_bytes += end - start;
		if (type == E820_RAM &&
		    push_visible(spans, &n, start, end, type, hidden,
				 hidden_count))
			return -1;
		if (type != E820_RAM && push(spans, &n, start, end, type))
			return -1;
	}
	for (u32 i = 0; i < hidden_count; i++) {
		if (push(spans, &n, hidden[i].base,
			 hidden[i].base + hidden[i].size, E820_RESERVED))
			return -1;
	}
	sort_spans(spans, n);
	for (u32 i = 0; i < n; i++) {
		struct e820_entry *last = count ? &out[count - 1] : NULL;

		if (last && last->type == spans[i].type &&
		    last->addr + last->size >= spans[i].start) {
			u64 end = spans[i].end > last->addr + last->size
					  ? spans[i].end
					  : last->addr + last->size;

			last->size = end - last->addr;
			continue;
		}
		if (count == max)
			return -1;
		out[count++] =
			(struct e820_entry){ spans[i].start,
					     spans[i].end - spans[i].start,
					     spans[i].type };
	}
	return (int)count;
}
