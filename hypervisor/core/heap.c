// SPDX-License-Identifier: GPL-2.0-only
/* Hypervisor-private memory handed out once at start-up (never freed). */
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/log.h>
#include <string.h>

static u64 heap_next, heap_end;

void heap_init(u64 base, u64 size)
{
	heap_next = base;
	heap_end = base + size;
}

void *heap_alloc(u64 size, u64 align)
{
	u64 start = ALIGN_UP(heap_next, align);

	if (start + size > heap_end)
		panic("hypervisor heap exhausted (%llu bytes wanted)",
		      (unsigned long long)size);
	heap_next = start + size;
	memset(phys_to_virt(start), 0, size);
	return phys_to_virt(start);
}
