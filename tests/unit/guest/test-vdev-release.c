// SPDX-License-Identifier: MIT
/*
 * XSA-396 in the guest library: a back-end that keeps a grant mapped
 * when the front-end releases the device. What vdev.c does, precisely:
 * pt_vdev_release() retries GRANT_END_ACCESS every 1 ms while it answers
 * OBJECT_IN_USE, until one deadline for the whole release; then it
 * returns -PT_DEV_EBUSY, counts the ring's or pool's pages in
 * stats.quarantined and forgets them, so the next pt_vdev_alloc() takes
 * fresh pages. Regions whose grants all ended are kept and reused.
 */
#include <criterion/criterion.h>
#include <partita/status.h>

#include "vdev-fixture.h"

static struct pt_vdev *d;

/* Every page ever quarantined in a test, by frame number. */
static uint64_t quarantined[64];
static unsigned nquarantined;

static void setup(void)
{
	fake_vdev_reset(FIX_T0);
	d = fix_device();
	nquarantined = 0;
}

static void teardown(void)
{
	free(d);
	fake_pages_reset();
}

TestSuite(vdev_release, .init = setup, .fini = teardown);

static void remember(const void *mem, uint32_t pages)
{
	for (uint32_t i = 0; i < pages; i++)
		quarantined[nquarantined++] = fix_gpfn(mem) + i;
}

/* Which refs are live now: the grants a release left to the back-end. */
static void snapshot_live(uint8_t *live)
{
	for (uint32_t r = 0; r < FAKE_GRANT_REFS; r++)
		live[r] = fake_grants[r].used;
}

/* No grant made since the snapshot may be of a quarantined page. */
static void assert_no_quarantined_page_regranted(const uint8_t *live)
{
	for (uint32_t r = 1; r < FAKE_GRANT_REFS; r++) {
		if (!fake_grants[r].used || live[r])
			continue;
		for (unsigned i = 0; i < nquarantined; i++)
			cr_assert_neq(fake_grants[r].gpfn, quarantined[i],
				      "ref %u regrants quarantined page", r);
	}
}

static struct pt_vdev_config cfg(void)
{
	return fix_config(FIX_POOL_PAGES);
}

Test(vdev_release, pool_mapped_past_deadline_returns_ebusy_and_quarantines_it)
{
	void *pool = d->pool_mem;

	fix_map(pool, FIX_POOL_PAGES, FAKE_GRANT_BUSY_FOREVER);
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + 5 * FIX_MS), -PT_DEV_EBUSY);
	cr_assert_eq(d->stats.quarantined, FIX_POOL_PAGES);
	cr_assert_null(d->pool_mem);
	cr_assert_not(d->allocated);
	/* The rings' grants ended; the pool's are still the back-end's. */
	cr_assert_eq(fake_grant_live(), FIX_POOL_PAGES);
	cr_assert_not_null(d->ring_mem[0]);
	cr_assert_geq(fake_now_ns, FIX_T0 + 5 * FIX_MS);
}

Test(vdev_release, deadline_covers_whole_release_one_retry_per_ms)
{
	fix_map(d->pool_mem, FIX_POOL_PAGES, FAKE_GRANT_BUSY_FOREVER);
	fake_grant_ends = 0;
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + 10 * FIX_MS), -PT_DEV_EBUSY);
	/* Ten 1 ms sleeps on the first stuck page, none on the others. */
	cr_assert_eq(fake_sleeps, 10);
	cr_assert_eq(fake_now_ns, FIX_T0 + 10 * FIX_MS);
	cr_assert_eq(fake_grant_ends,
		     FIX_RING0_PAGES + FIX_RING1_PAGES + 11u + 3u);
}

Test(vdev_release, quarantined_pages_are_never_granted_again)
{
	static uint8_t live[FAKE_GRANT_REFS];
	struct pt_vdev_config c = cfg();
	void *ring1 = d->ring_mem[1];
	size_t before;

	/* Three connections, each ending with another region stuck. */
	for (unsigned round = 0; round < 3; round++) {
		void *stuck = round == 1 ? d->ring_mem[1] : d->pool_mem;
		uint32_t pages = round == 1 ? FIX_RING1_PAGES : FIX_POOL_PAGES;

		fix_map(stuck, pages, FAKE_GRANT_BUSY_FOREVER);
		remember(stuck, pages);
		cr_assert_eq(pt_vdev_release(d, fake_now_ns + FIX_MS),
			     -PT_DEV_EBUSY);
		snapshot_live(live);
		before = fake_pages_handed_out();
		cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS), 0);
		cr_assert_eq(pt_vdev_start(d, 0), 0);
		/* Fresh pages for what was stuck, and only for that. */
		cr_assert_eq(fake_pages_handed_out() - before, pages);
		assert_no_quarantined_page_regranted(live);
	}
	cr_assert_eq(d->stats.quarantined,
		     2 * FIX_POOL_PAGES + FIX_RING1_PAGES);
	cr_assert_neq(d->ring_mem[1], ring1);
}

Test(vdev_release, stuck_ring_quarantines_that_ring_only)
{
	void *ring0 = d->ring_mem[0], *pool = d->pool_mem;

	fix_map(d->ring_mem[1], FIX_RING1_PAGES, FAKE_GRANT_BUSY_FOREVER);
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + FIX_MS), -PT_DEV_EBUSY);
	cr_assert_eq(d->stats.quarantined, FIX_RING1_PAGES);
	cr_assert_null(d->ring_mem[1]);
	cr_assert_eq(d->ring_mem[0], ring0);
	cr_assert_eq(d->pool_mem, pool);
}

Test(vdev_release, one_stuck_page_quarantines_its_whole_region)
{
	fix_map((char *)d->pool_mem + 2 * PT_PAGE_SIZE, 1,
		FAKE_GRANT_BUSY_FOREVER);
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + FIX_MS), -PT_DEV_EBUSY);
	cr_assert_eq(d->stats.quarantined, FIX_POOL_PAGES);
	cr_assert_null(d->pool_mem);
	cr_assert_eq(fake_grant_live(), 1);
}

Test(vdev_release, everything_mapped_quarantines_every_page)
{
	struct pt_vdev_config c = cfg();
	size_t before;

	fix_map(d->ring_mem[0], FIX_RING0_PAGES, FAKE_GRANT_BUSY_FOREVER);
	fix_map(d->ring_mem[1], FIX_RING1_PAGES, FAKE_GRANT_BUSY_FOREVER);
	fix_map(d->pool_mem, FIX_POOL_PAGES, FAKE_GRANT_BUSY_FOREVER);
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + FIX_MS), -PT_DEV_EBUSY);
	cr_assert_eq(d->stats.quarantined, FIX_PAGES);
	before = fake_pages_handed_out();
	cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS), 0);
	cr_assert_eq(fake_pages_handed_out() - before, FIX_PAGES);
}

Test(vdev_release, unmap_before_deadline_releases_cleanly_and_reuses_pages)
{
	struct pt_vdev_config c = cfg();
	void *pool = d->pool_mem;
	size_t before;

	/* Each pool page answers in use three times, then ends. */
	fix_map(pool, FIX_POOL_PAGES, 3);
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + 100 * FIX_MS), 0);
	cr_assert_eq(d->stats.quarantined, 0);
	cr_assert_eq(fake_grant_live(), 0);
	cr_assert_eq(fake_sleeps, 3 * FIX_POOL_PAGES);
	before = fake_pages_handed_out();
	cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS), 0);
	cr_assert_eq(d->pool_mem, pool);
	cr_assert_eq(fake_pages_handed_out(), before);
}

Test(vdev_release, failed_alloc_leaves_nothing_granted)
{
	struct pt_vdev_config c = cfg();

	cr_assert_eq(pt_vdev_release(d, FIX_T0 + FIX_MS), 0);
	fake_evtchn_alloc_status = -PT_STATUS_NO_RESOURCES;
	cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS),
		     -PT_DEV_EEVTCHN);
	cr_assert_eq(d->detail, -PT_STATUS_NO_RESOURCES);
	cr_assert_eq(fake_grant_live(), 0);
	cr_assert_not(d->allocated);
}

/*
 * After a quarantine the old grants belong to the back-end for good. A
 * later failed pt_vdev_alloc must not try to end them again: they are
 * still mapped, and the fresh pages it just took would be quarantined
 * in their place.
 */
Test(vdev_release, failed_alloc_after_quarantine_leaves_old_grants_alone)
{
	struct pt_vdev_config c = cfg();
	unsigned ends;

	fix_map(d->pool_mem, FIX_POOL_PAGES, FAKE_GRANT_BUSY_FOREVER);
	cr_assert_eq(pt_vdev_release(d, FIX_T0 + FIX_MS), -PT_DEV_EBUSY);
	/* Rings: 3 grants, then pool pages 1, 2 work and 3 fails. */
	fake_grant_fail_at = FIX_RING0_PAGES + FIX_RING1_PAGES + 3;
	ends = fake_grant_ends;
	cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS),
		     -PT_DEV_EGRANT);
	/* Only the five new grants were ended, each at the first try. */
	cr_assert_eq(fake_grant_ends - ends,
		     FIX_RING0_PAGES + FIX_RING1_PAGES + 2u);
	cr_assert_eq(d->stats.quarantined, FIX_POOL_PAGES);
	cr_assert_not_null(d->pool_mem);
	cr_assert_eq(fake_grant_live(), FIX_POOL_PAGES);
}
