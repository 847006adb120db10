// SPDX-License-Identifier: MIT
/* The guest's grant table, grant-window pages, map with unwind, copy. */
#include <partita-guest/cpu.h>
#include <partita-guest/grant.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/pages.h>
#include <partita-guest/smp.h>
#include <partita-guest/start.h>

#include "guest-internal.h"
#include "string.h"

#define GRANT_BATCH 128u
#define WINDOW_PAGES (PT_GUEST_GRANT_WINDOW_SIZE >> PT_PAGE_SHIFT)

static volatile struct pt_grant_entry *grant_table;
static uint32_t grant_entries;
static struct pt_spinlock grant_lock = PT_SPINLOCK_INIT;

/* Window pages in use, one bit each. */
static uint64_t window_used[WINDOW_PAGES / 64];
static struct pt_spinlock window_lock = PT_SPINLOCK_INIT;

/* Per-vCPU staging for rep element lists: the caller's own RAM. */
struct grant_batch {
	struct pt_grant_map_in in[GRANT_BATCH];
	struct pt_grant_map_out out[GRANT_BATCH];
	uint64_t handles[GRANT_BATCH];
	struct pt_grant_copy copy;
};
static struct grant_batch grant_batches[PT_GUEST_MAX_VCPUS]
	__attribute__((aligned(64)));

int pt_grant_table_init(uint32_t frames)
{
	void *table;
	int ret;

	const struct pt_start_info *si = pt_start_info();

	if (!frames || frames > PT_GRANT_FRAMES_MAX)
		return -PT_STATUS_INVALID_PARAMETER;
	if (grant_table)
		return -PT_STATUS_INVALID_PARTITION_STATE;
	if (si->version >= 2 && si->grant_table_gpa) {
		/* The hypervisor registered one for the store (start-info.h);
		 * the root may map its ring already, so it cannot move. */
		pt_spin_lock(&grant_lock);
		if (!grant_table) {
			grant_entries = si->grant_table_frames *
					PT_GRANT_ENTRIES_PER_FRAME;
			__atomic_store_n(
				&grant_table,
				(volatile struct pt_grant_entry *)(uintptr_t)
					si->grant_table_gpa,
				__ATOMIC_RELEASE);
		}
		pt_spin_unlock(&grant_lock);
		return 0;
	}
	table = pt_pages_alloc(frames);
	if (!table)
		return -PT_STATUS_INSUFFICIENT_MEMORY;
	ret = pt_call_grant_set_table(pt_gpa(table), frames);
	if (ret)
		return ret; /* the pages stay taken */
	grant_entries = frames * PT_GRANT_ENTRIES_PER_FRAME;
	__atomic_store_n(&grant_table, table, __ATOMIC_RELEASE);
	return 0;
}

uint32_t pt_grant_table_entries(void)
{
	return grant_entries;
}

static void grant_write(uint32_t ref, uint32_t target, uint64_t gpfn,
			int readonly)
{
	volatile struct pt_grant_entry *e = &grant_table[ref];

	e->target = (uint16_t)target;
	e->gpfn = (uint32_t)gpfn;
	/* The hypervisor reads flags first: the rest must be there before. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->flags,
			 (uint16_t)(PT_GRANT_PERMIT |
				    (readonly ? PT_GRANT_READONLY : 0)),
			 __ATOMIC_RELEASE);
}

static int grant_check(uint32_t ref, uint32_t target, uint64_t gpfn)
{
	if (!grant_table)
		return -PT_STATUS_INVALID_PARTITION_STATE;
	if (ref == 0 || ref >= grant_entries)
		return -PT_STATUS_INVALID_GRANT_REF;
	/* The entry's fields are 16 and 32 bits wide. */
	if (target > 0xFFFFu || gpfn > 0xFFFFFFFFull)
		return -PT_STATUS_INVALID_PARAMETER;
	return 0;
}

int pt_grant_access(uint32_t ref, uint32_t target, uint64_t gpfn, int readonly)
{
	int ret = grant_check(ref, target, gpfn);

	if (ret)
		return ret;
	pt_spin_lock(&grant_lock);
	if (grant_table[ref].flags)
		ret = -PT_STATUS_OBJECT_IN_USE; /* end access first */
	else
		grant_write(ref, target, gpfn, readonly);
	pt_spin_unlock(&grant_lock);
	return ret;
}

int pt_grant_alloc(uint32_t target, uint64_t gpfn, int readonly, uint32_t *ref)
{
	int ret = grant_check(1, target, gpfn);
	uint32_t r;

	if (ret)
		return ret;
	pt_spin_lock(&grant_lock);
	for (r = 1; r < grant_entries && grant_table[r].flags; r++)
		;
	if (r < grant_entries)
		grant_write(r, target, gpfn, readonly);
	pt_spin_unlock(&grant_lock);
	if (r >= grant_entries)
		return -PT_STATUS_NO_RESOURCES;
	*ref = r;
	return 0;
}

int pt_grant_end_access(uint32_t ref)
{
	/* Only the hypervisor knows about mappings: it decides. */
	return pt_call_grant_end_access(ref);
}

int pt_grant_query(uint32_t ref, uint64_t *mappings, uint32_t *flags)
{
	return pt_call_grant_query(ref, mappings, flags);
}

static int window_bit(uint64_t page)
{
	return (int)((window_used[page / 64] >> (page % 64)) & 1);
}

static void window_set(uint64_t first, size_t count, int used)
{
	for (uint64_t p = first; p < first + count; p++) {
		if (used)
			window_used[p / 64] |= 1ull << (p % 64);
		else
			window_used[p / 64] &= ~(1ull << (p % 64));
	}
}

/* First fit of `count` free window pages; the window's GPA or 0. */
static uint64_t window_alloc(size_t count)
{
	uint64_t run = 0, found = WINDOW_PAGES;

	if (!count || count > WINDOW_PAGES)
		return 0;
	pt_spin_lock(&window_lock);
	for (uint64_t p = 0; p < WINDOW_PAGES; p++) {
		run = window_bit(p) ? 0 : run + 1;
		if (run == count) {
			found = p + 1 - count;
			window_set(found, count, 1);
			break;
		}
	}
	pt_spin_unlock(&window_lock);
	if (found == WINDOW_PAGES)
		return 0;
	return PT_GUEST_GRANT_WINDOW_GPA + (found << PT_PAGE_SHIFT);
}

static void window_free(uint64_t gpa, size_t count)
{
	pt_spin_lock(&window_lock);
	window_set((gpa - PT_GUEST_GRANT_WINDOW_GPA) >> PT_PAGE_SHIFT, count,
		   0);
	pt_spin_unlock(&window_lock);
}

static struct grant_batch *grant_batch(void)
{
	return &grant_batches[pt_vcpu_index() % PT_GUEST_MAX_VCPUS];
}

/* GRANT_UNMAP of handles[0 .. count - 1], batch by batch. */
static int grant_unmap_handles(const uint32_t *handles, size_t count)
{
	struct grant_batch *b = grant_batch();
	int first_error = 0;

	for (size_t base = 0; base < count; base += GRANT_BATCH) {
		size_t n =
			count - base < GRANT_BATCH ? count - base : GRANT_BATCH;
		int ret;

		for (size_t i = 0; i < n; i++)
			b->handles[i] = handles[base + i];
		ret = pt_call_grant_unmap(b->handles, n, NULL);
		if (ret && !first_error)
			first_error = ret;
	}
	return first_error;
}

int pt_grant_map(uint32_t granter, const uint32_t *refs, size_t count,
		 int readonly, void **addr, uint32_t *handles, size_t *failed)
{
	struct grant_batch *b = grant_batch();
	uint64_t gpa;
	size_t base;
	int ret = 0;

	if (failed)
		*failed = 0;
	if (!count || granter > 0xFFFFu)
		return -PT_STATUS_INVALID_PARAMETER;
	gpa = window_alloc(count);
	if (!gpa)
		return -PT_STATUS_NO_RESOURCES;
	for (base = 0; base < count && !ret; base += GRANT_BATCH) {
		size_t n =
			count - base < GRANT_BATCH ? count - base : GRANT_BATCH;
		size_t done = 0;

		for (size_t i = 0; i < n; i++) {
			b->in[i].granter = (uint16_t)granter;
			b->in[i].flags = readonly ? PT_GRANT_MAP_READONLY : 0;
			b->in[i].ref = refs[base + i];
			b->in[i].gpa =
				gpa + ((uint64_t)(base + i) << PT_PAGE_SHIFT);
		}
		ret = pt_call_grant_map(b->in, b->out, n, &done);
		for (size_t i = 0; i < (ret ? done : n); i++)
			handles[base + i] = b->out[i].handle;
		if (ret) {
			/* Leave nothing mapped behind a failure. */
			grant_unmap_handles(handles, base + done);
			if (failed)
				*failed = base + done;
		}
	}
	if (ret) {
		window_free(gpa, count);
		return ret;
	}
	*addr = (void *)(uintptr_t)gpa;
	return 0;
}

int pt_grant_unmap(void *addr, const uint32_t *handles, size_t count)
{
	uint64_t gpa = pt_gpa(addr);
	int ret;

	if (gpa < PT_GUEST_GRANT_WINDOW_GPA ||
	    gpa - PT_GUEST_GRANT_WINDOW_GPA >= PT_GUEST_GRANT_WINDOW_SIZE ||
	    count > WINDOW_PAGES - ((gpa - PT_GUEST_GRANT_WINDOW_GPA) >>
				    PT_PAGE_SHIFT))
		return -PT_STATUS_INVALID_PARAMETER;
	ret = grant_unmap_handles(handles, count);
	/* A page whose unmap failed may still be mapped: keep it taken. */
	if (!ret)
		window_free(gpa, count);
	return ret;
}

static int grant_copy(uint32_t granter, uint32_t ref, uint32_t offset,
		      uint64_t local_gpa, uint32_t len, uint16_t flags)
{
	uint64_t irq = pt_irq_save();
	struct pt_grant_copy *op = &grant_batch()->copy;
	int ret;

	op->granter = (uint16_t)granter;
	op->flags = flags;
	op->ref = ref;
	op->offset = offset;
	op->length = len;
	op->local_gpa = local_gpa;
	ret = pt_call_grant_copy(op, 1, NULL);
	pt_irq_restore(irq);
	return ret;
}

int pt_grant_copy_from(uint32_t granter, uint32_t ref, uint32_t offset,
		       void *dst, uint32_t len)
{
	if (granter > 0xFFFFu)
		return -PT_STATUS_INVALID_PARAMETER;
	return grant_copy(granter, ref, offset, pt_gpa(dst), len, 0);
}

int pt_grant_copy_to(uint32_t granter, uint32_t ref, uint32_t offset,
		     const void *src, uint32_t len)
{
	if (granter > 0xFFFFu)
		return -PT_STATUS_INVALID_PARAMETER;
	return grant_copy(granter, ref, offset, pt_gpa(src), len,
			  PT_GRANT_COPY_TO_GRANT);
}
