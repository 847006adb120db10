// SPDX-License-Identifier: MIT
/*
 * The granter's side of the grant table for host tests. GRANT_END_ACCESS
 * answers OBJECT_IN_USE while the test says the back-end maps the grant,
 * as the hypervisor does (grant.h's RULE); every grant records whether
 * its page was all zero at the moment it was granted.
 */
#include <string.h>
#include <partita/abi-types.h>
#include <partita/status.h>
#include <partita-guest/grant.h>

#include "fake-vdev.h"

struct fake_grant fake_grants[FAKE_GRANT_REFS];
unsigned fake_grant_allocs, fake_grant_ends, fake_grant_dirty;
int fake_grant_fail_at;
static uint32_t entries;
static unsigned alloc_calls;

void fake_grant_reset(void)
{
	memset(fake_grants, 0, sizeof(fake_grants));
	fake_grant_allocs = fake_grant_ends = fake_grant_dirty = 0;
	fake_grant_fail_at = 0;
	entries = 0;
	alloc_calls = 0;
}

uint32_t pt_grant_table_entries(void)
{
	return entries;
}

int pt_grant_table_init(uint32_t frames)
{
	/* 512 entries a frame, as in the real table; the fake holds fewer. */
	entries = frames * 512u < FAKE_GRANT_REFS ? frames * 512u
						  : FAKE_GRANT_REFS;
	return 0;
}

int pt_grant_alloc(uint32_t target, uint64_t gpfn, int readonly, uint32_t *ref)
{
	uint32_t r;

	if (fake_grant_fail_at && ++alloc_calls == (unsigned)fake_grant_fail_at)
		return -PT_STATUS_NO_RESOURCES;
	/* The lowest free ref, never 0, as grant.c hands them out. */
	for (r = 1; r < entries && fake_grants[r].used; r++)
		;
	if (r >= entries)
		return -PT_STATUS_NO_RESOURCES;
	memset(&fake_grants[r], 0, sizeof(fake_grants[r]));
	fake_grants[r].used = 1;
	fake_grants[r].readonly = (uint8_t) !!readonly;
	fake_grants[r].target = target;
	fake_grants[r].gpfn = gpfn;
	if (!fake_page_is_zero(gpfn)) {
		fake_grants[r].dirty = 1;
		fake_grant_dirty++;
	}
	fake_grant_allocs++;
	*ref = r;
	return 0;
}

int pt_grant_end_access(uint32_t ref)
{
	struct fake_grant *g;

	fake_grant_ends++;
	if (ref == 0 || ref >= entries || !fake_grants[ref].used)
		return -PT_STATUS_INVALID_PARAMETER;
	g = &fake_grants[ref];
	if (g->busy) {
		if (g->busy != FAKE_GRANT_BUSY_FOREVER)
			g->busy--;
		return -PT_STATUS_OBJECT_IN_USE;
	}
	g->used = 0;
	return 0;
}

void fake_grant_map(uint32_t ref, uint32_t tries)
{
	fake_grants[ref].busy = tries;
}

uint32_t fake_grant_ref_of(uint64_t gpfn)
{
	for (uint32_t r = 1; r < FAKE_GRANT_REFS; r++)
		if (fake_grants[r].used && fake_grants[r].gpfn == gpfn)
			return r;
	return 0;
}

unsigned fake_grant_live(void)
{
	unsigned n = 0;

	for (uint32_t r = 1; r < FAKE_GRANT_REFS; r++)
		n += fake_grants[r].used;
	return n;
}
