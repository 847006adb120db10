// SPDX-License-Identifier: MIT
/* A bump allocator of whole pages over the RAM above the loaded image. */
#include <partita/abi-types.h>
#include <partita-guest/pages.h>
#include <partita-guest/smp.h>
#include <partita-guest/start.h>

#include "string.h"

static struct pt_spinlock pages_lock = PT_SPINLOCK_INIT;
static uint64_t pages_next; /* next free GPA; 0 until first use */

static uint64_t pages_end(void)
{
	return pt_start_info()->memory_bytes;
}

void *pt_pages_alloc(size_t count)
{
	uint64_t gpa = 0, bytes = (uint64_t)count << PT_PAGE_SHIFT;

	if (!count || count > (pages_end() >> PT_PAGE_SHIFT))
		return NULL;
	pt_spin_lock(&pages_lock);
	if (!pages_next)
		pages_next = pt_start_info()->free_start;
	if (pages_next <= pages_end() && bytes <= pages_end() - pages_next) {
		gpa = pages_next;
		pages_next += bytes;
	}
	pt_spin_unlock(&pages_lock);
	if (!gpa)
		return NULL;
	/* RAM starts zeroed, but say so rather than rely on it. */
	memset((void *)(uintptr_t)gpa, 0, bytes);
	return (void *)(uintptr_t)gpa;
}

size_t pt_pages_left(void)
{
	uint64_t next;

	pt_spin_lock(&pages_lock);
	next = pages_next ? pages_next : pt_start_info()->free_start;
	pt_spin_unlock(&pages_lock);
	return next < pages_end() ? (pages_end() - next) >> PT_PAGE_SHIFT : 0;
}
