// SPDX-License-Identifier: GPL-2.0-only
/* Fake physical memory for the frame pool and nested page tables. */
#include "hv-shim.h"

#include <hv/frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

u64 shim_bad_phys;
static u8 *arena;
static u64 arena_bytes;
static void *pool_meta;
static u64 pool_frames;

u64 shim_mem_init(u64 bytes)
{
	free(arena);
	arena_bytes = ALIGN_UP(bytes, PAGE_SIZE);
	arena = aligned_alloc(PAGE_SIZE, arena_bytes ? arena_bytes : PAGE_SIZE);
	if (!arena) {
		fprintf(stderr, "shim: no memory for a %llu-byte arena\n",
			(unsigned long long)bytes);
		abort();
	}
	/* Not zero: the frame allocator must scrub what it hands out. */
	memset(arena, 0xA5, arena_bytes);
	return SHIM_PHYS_BASE;
}

/* The hypervisor maps everything the tests use. */
u64 arch_phys_mapped_limit(void)
{
	return ~0ull;
}

void *phys_to_virt(u64 pa)
{
	if (pa < SHIM_PHYS_BASE || pa - SHIM_PHYS_BASE >= arena_bytes) {
		shim_bad_phys++;
		return NULL;
	}
	return arena + (pa - SHIM_PHYS_BASE);
}

u64 shim_pool_init(u64 nframes)
{
	u64 base = shim_mem_init(nframes * PAGE_SIZE);

	free(pool_meta);
	pool_meta = malloc(frame_pool_meta_size(nframes) + 1);
	pool_frames = nframes;
	frame_pool_init(base, nframes, pool_meta);
	return base;
}

struct frame_info *shim_pool_table(void)
{
	return pool_meta;
}

u32 *shim_pool_free_stack(void)
{
	return (u32 *)(shim_pool_table() + pool_frames);
}

void shim_teardown(void)
{
	free(arena);
	free(pool_meta);
	arena = NULL;
	pool_meta = NULL;
	arena_bytes = 0;
	pool_frames = 0;
}
