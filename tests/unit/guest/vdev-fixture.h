/* SPDX-License-Identifier: MIT */
/* One device of the vdev tests: its configuration and its pages. */
#ifndef TESTS_UNIT_GUEST_VDEV_FIXTURE_H
#define TESTS_UNIT_GUEST_VDEV_FIXTURE_H

#include <stdlib.h>
#include <partita/abi-types.h>
#include <partita-guest/virtio.h>

#include "fake-vdev.h"

#define FIX_BACKEND 7u
#define FIX_T0 5000000000ull /* hypervisor time at the start: 5 s */
#define FIX_MS 1000000ull
/* Queue 0 fits one ring page, queue 1 (256 entries) takes two. */
#define FIX_RING0_PAGES 1u
#define FIX_RING1_PAGES 2u
#define FIX_POOL_PAGES 4u
#define FIX_PAGES (FIX_RING0_PAGES + FIX_RING1_PAGES + FIX_POOL_PAGES)

static inline struct pt_vdev_config fix_config(uint32_t pool_pages)
{
	struct pt_vdev_config c = {
		.backend_id = FIX_BACKEND,
		.num_queues = 2,
		.queue_size = { 8, 256 },
		.pool_pages = pool_pages,
	};

	return c;
}

/* A device set up and started, as a front-end does before publishing. */
static inline struct pt_vdev *fix_device(void)
{
	struct pt_vdev *d = calloc(1, sizeof(*d));
	struct pt_vdev_config c = fix_config(FIX_POOL_PAGES);

	if (!d || pt_vdev_alloc(d, &c, FIX_T0 + FIX_MS) || pt_vdev_start(d, 0))
		abort();
	return d;
}

static inline uint64_t fix_gpfn(const void *p)
{
	return (uint64_t)(uintptr_t)p >> PT_PAGE_SHIFT;
}

/* The back-end maps every page of [mem, +pages): end calls say in use. */
static inline void fix_map(const void *mem, uint32_t pages, uint32_t tries)
{
	for (uint32_t i = 0; i < pages; i++)
		fake_grant_map(fake_grant_ref_of(fix_gpfn(mem) + i), tries);
}

#endif
