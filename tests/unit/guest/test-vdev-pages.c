// SPDX-License-Identifier: MIT
/*
 * XSA-403 in the guest library: what a front-end grants must hold nothing
 * but what it means to share. Fresh pages come filled with 0xA5
 * (fake-pages.c); every ring and pool page must be whole, page-aligned,
 * the device's own, and all zero at the moment it is granted, also when
 * a reconnect reuses pages the last back-end wrote into.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "vdev-fixture.h"

static struct pt_vdev *d;

static void setup(void)
{
	fake_vdev_reset(FIX_T0);
	d = calloc(1, sizeof(*d));
	cr_assert_not_null(d);
}

static void teardown(void)
{
	free(d);
	fake_pages_reset();
}

TestSuite(vdev_pages, .init = setup, .fini = teardown);

/* 1 if gpfn is page i of one of d's rings or of its pool. */
static int device_page(uint64_t gpfn)
{
	for (unsigned q = 0; q < d->num_queues; q++)
		if (gpfn >= fix_gpfn(d->ring_mem[q]) &&
		    gpfn < fix_gpfn(d->ring_mem[q]) + d->ring_pages[q])
			return 1;
	return gpfn >= fix_gpfn(d->pool_mem) &&
	       gpfn < fix_gpfn(d->pool_mem) + d->pool_pages;
}

/* Every live grant: to the back-end, of a device page, granted once. */
static unsigned check_grants(void)
{
	unsigned n = 0;

	for (uint32_t r = 1; r < FAKE_GRANT_REFS; r++) {
		if (!fake_grants[r].used)
			continue;
		n++;
		cr_assert_eq(fake_grants[r].target, FIX_BACKEND);
		cr_assert(device_page(fake_grants[r].gpfn),
			  "ref %u grants a page that is not the device's", r);
		cr_assert_eq(fake_grant_ref_of(fake_grants[r].gpfn), r,
			     "page of ref %u granted twice", r);
	}
	return n;
}

static void alloc(uint32_t pool_pages)
{
	struct pt_vdev_config c = fix_config(pool_pages);

	cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS), 0);
}

Test(vdev_pages, fresh_ring_and_pool_pages_are_zero_when_granted)
{
	alloc(FIX_POOL_PAGES);
	cr_assert_eq(fake_grant_allocs, FIX_PAGES);
	cr_assert_eq(fake_grant_dirty, 0, "%u pages granted with 0xA5 in them",
		     fake_grant_dirty);
}

Test(vdev_pages, granted_pages_are_whole_aligned_device_pages_only)
{
	alloc(FIX_POOL_PAGES);
	cr_assert_eq((uintptr_t)d->ring_mem[0] % PT_PAGE_SIZE, 0);
	cr_assert_eq((uintptr_t)d->ring_mem[1] % PT_PAGE_SIZE, 0);
	cr_assert_eq((uintptr_t)d->pool_mem % PT_PAGE_SIZE, 0);
	cr_assert_eq(check_grants(), FIX_PAGES);
	for (uint32_t r = 1; r < FAKE_GRANT_REFS; r++) {
		if (!fake_grants[r].used)
			continue;
		cr_assert(fake_pages_owns(fake_grants[r].gpfn));
		cr_assert_not(fake_grants[r].readonly);
		/* The driver's private state is not in a shared page. */
		cr_assert_neq(fake_grants[r].gpfn, fix_gpfn(d));
		cr_assert_neq(fake_grants[r].gpfn,
			      fix_gpfn((char *)d + sizeof(*d) - 1));
	}
}

Test(vdev_pages, started_device_shares_only_zeroes_to_the_last_byte)
{
	alloc(FIX_POOL_PAGES);
	cr_assert_eq(pt_vdev_start(d, 0), 0);
	/* Queue 1's ring ends inside its second page: the tail counts. */
	cr_assert_lt(pt_vring_layout(256).bytes, 2u * PT_PAGE_SIZE);
	for (uint32_t r = 1; r < FAKE_GRANT_REFS; r++)
		if (fake_grants[r].used)
			cr_assert(fake_page_is_zero(fake_grants[r].gpfn),
				  "ref %u: page not zero after start", r);
}

Test(vdev_pages, reconnect_reuses_pages_only_after_zeroing_them)
{
	void *ring1, *pool;

	alloc(FIX_POOL_PAGES);
	cr_assert_eq(pt_vdev_start(d, 0), 0);
	ring1 = d->ring_mem[1];
	pool = d->pool_mem;
	/* The old connection's data, and whatever the back-end wrote. */
	memset(d->ring_mem[0], 0x5A, FIX_RING0_PAGES * PT_PAGE_SIZE);
	memset(ring1, 0x5A, FIX_RING1_PAGES * PT_PAGE_SIZE);
	memset(pool, 0x5A, FIX_POOL_PAGES * PT_PAGE_SIZE);
	cr_assert_eq(pt_vdev_release(d, fake_now_ns + FIX_MS), 0);
	fake_grant_dirty = 0;
	alloc(FIX_POOL_PAGES);
	cr_assert_eq(d->ring_mem[1], ring1);
	cr_assert_eq(d->pool_mem, pool);
	cr_assert_eq(fake_grant_dirty, 0, "%u reused pages granted unzeroed",
		     fake_grant_dirty);
}

Test(vdev_pages, smaller_reconnect_grants_only_the_pages_it_uses)
{
	alloc(FIX_POOL_PAGES);
	memset(d->pool_mem, 0x5A, FIX_POOL_PAGES * PT_PAGE_SIZE);
	cr_assert_eq(pt_vdev_release(d, fake_now_ns + FIX_MS), 0);
	fake_grant_dirty = 0;
	alloc(1);
	cr_assert_eq(check_grants(), FIX_RING0_PAGES + FIX_RING1_PAGES + 1u);
	cr_assert_eq(fake_grant_dirty, 0);
}
