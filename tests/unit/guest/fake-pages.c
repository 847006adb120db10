// SPDX-License-Identifier: MIT
/*
 * pt_pages_alloc for host tests: page-aligned heap pages filled with
 * FAKE_PAGE_FILL instead of zero, so code that grants a page it did not
 * clear itself is caught (XSA-403).
 */
#include <stdlib.h>
#include <string.h>
#include <partita/abi-types.h>
#include <partita-guest/pages.h>

#include "fake-vdev.h"

#define FAKE_ALLOCS_MAX 256u

static struct {
	void *mem;
	size_t count;
} allocs[FAKE_ALLOCS_MAX];
static unsigned nallocs;
static size_t handed_out;

void *pt_pages_alloc(size_t count)
{
	void *mem;

	if (!count || nallocs == FAKE_ALLOCS_MAX)
		return NULL;
	mem = aligned_alloc(PT_PAGE_SIZE, count * PT_PAGE_SIZE);
	if (!mem)
		return NULL;
	memset(mem, FAKE_PAGE_FILL, count * PT_PAGE_SIZE);
	allocs[nallocs].mem = mem;
	allocs[nallocs].count = count;
	nallocs++;
	handed_out += count;
	return mem;
}

void fake_pages_reset(void)
{
	for (unsigned i = 0; i < nallocs; i++)
		free(allocs[i].mem);
	nallocs = 0;
	handed_out = 0;
}

size_t fake_pages_handed_out(void)
{
	return handed_out;
}

int fake_pages_owns(uint64_t gpfn)
{
	for (unsigned i = 0; i < nallocs; i++) {
		uint64_t first = (uintptr_t)allocs[i].mem >> PT_PAGE_SHIFT;

		if (gpfn >= first && gpfn < first + allocs[i].count)
			return 1;
	}
	return 0;
}

int fake_page_is_zero(uint64_t gpfn)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)(gpfn << PT_PAGE_SHIFT);

	for (unsigned i = 0; i < PT_PAGE_SIZE; i++)
		if (p[i])
			return 0;
	return 1;
}
