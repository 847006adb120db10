// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the frame allocator and frame table over fake memory. */
#include <criterion/criterion.h>
#include <hv/frame.h>
#include <string.h>

#include "hv-shim.h"

TestSuite(frame, .init = shim_reset, .fini = shim_teardown);

static bool page_all(u64 pa, u8 value)
{
	const u8 *p = phys_to_virt(pa);

	for (u64 i = 0; i < PAGE_SIZE; i++) {
		if (p[i] != value)
			return false;
	}
	return true;
}

Test(frame, alloc_hands_out_each_frame_once_then_zero)
{
	u64 base = shim_pool_init(16);
	bool seen[16] = { false };

	for (int i = 0; i < 16; i++) {
		u64 pa = frame_alloc(3, FRAME_KIND_RAM);

		cr_assert_neq(pa, 0, "allocation %d failed", i);
		cr_assert_eq(pa & (PAGE_SIZE - 1), 0);
		cr_assert(pa >= base && pa < base + 16 * PAGE_SIZE);
		cr_assert_not(seen[(pa - base) / PAGE_SIZE], "frame twice");
		seen[(pa - base) / PAGE_SIZE] = true;
	}
	cr_assert_eq(frame_alloc(3, FRAME_KIND_RAM), 0, "exhausted pool");
	cr_assert_eq(frame_pool_stats().free, 0);
	cr_assert_eq(frame_pool_stats().total, 16);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, empty_pool_returns_zero)
{
	shim_pool_init(0);
	cr_assert_eq(frame_alloc(1, FRAME_KIND_RAM), 0);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, alloc_zeroes_the_frame)
{
	/* The arena starts filled with 0xA5. */
	shim_pool_init(4);
	cr_assert(page_all(frame_alloc(1, FRAME_KIND_RAM), 0));
}

Test(frame, owner_and_kind_recorded)
{
	u64 base = shim_pool_init(8);
	u64 a = frame_alloc(7, FRAME_KIND_RAM);
	u64 b = frame_alloc(FRAME_OWNER_HV, FRAME_KIND_CONTROL);
	u64 c = frame_alloc(9, FRAME_KIND_PAGE_TABLE);
	const struct frame_info *fi;

	fi = frame_lookup(a);
	cr_assert_eq(fi->owner, 7);
	cr_assert_eq(fi->kind, FRAME_KIND_RAM);
	fi = frame_lookup(b);
	cr_assert_eq(fi->owner, FRAME_OWNER_HV);
	cr_assert_eq(fi->kind, FRAME_KIND_CONTROL);
	fi = frame_lookup(c);
	cr_assert_eq(fi->owner, 9);
	cr_assert_eq(fi->kind, FRAME_KIND_PAGE_TABLE);
	cr_assert_eq(frame_count_owned(7), 1);
	cr_assert_eq(frame_count_owned(FRAME_OWNER_FREE), 5);
	/* Allocation walks memory upwards from the base. */
	cr_assert_eq(a, base);
	cr_assert_eq(b, base + PAGE_SIZE);
}

Test(frame, lookup_rejects_non_pool_addresses)
{
	u64 base = shim_pool_init(4);

	cr_assert_not_null(frame_lookup(base));
	cr_assert_not_null(frame_lookup(base + 3 * PAGE_SIZE));
	cr_assert_null(frame_lookup(base + 4 * PAGE_SIZE));
	cr_assert_null(frame_lookup(base - PAGE_SIZE));
	cr_assert_null(frame_lookup(base + 8), "not page aligned");
	cr_assert_null(frame_lookup(0));
}

Test(frame, free_scrubs_and_returns_the_frame)
{
	shim_pool_init(1);
	u64 pa = frame_alloc(2, FRAME_KIND_RAM);

	memset(phys_to_virt(pa), 0x5C, PAGE_SIZE);
	frame_free(pa);
	/* Scrubbed at free time already, not only at the next allocation. */
	cr_assert(page_all(pa, 0));
	cr_assert_eq(frame_lookup(pa)->owner, FRAME_OWNER_FREE);
	cr_assert_eq(frame_lookup(pa)->kind, FRAME_KIND_FREE);
	cr_assert_eq(frame_pool_stats().free, 1);
	memset(phys_to_virt(pa), 0x77, PAGE_SIZE);
	cr_assert_eq(frame_alloc(4, FRAME_KIND_RAM), pa);
	cr_assert(page_all(pa, 0), "reallocated frame is not zero");
	cr_assert_eq(frame_lookup(pa)->owner, 4);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, double_and_foreign_free_are_ignored)
{
	u64 base = shim_pool_init(4);
	u64 pa = frame_alloc(2, FRAME_KIND_RAM);

	frame_free(pa);
	frame_free(pa);
	frame_free(base + 100 * PAGE_SIZE);
	frame_free(base + 12);
	cr_assert_eq(frame_pool_stats().free, 4);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, release_owner_returns_exactly_its_frames)
{
	u64 base = shim_pool_init(32);
	u64 mine[10];

	for (int i = 0; i < 30; i++) {
		u64 pa = frame_alloc(i % 3 == 0 ? 5 : 6,
				     i % 2 ? FRAME_KIND_RAM
					   : FRAME_KIND_PAGE_TABLE);

		memset(phys_to_virt(pa), 0xEE, PAGE_SIZE);
		if (i % 3 == 0)
			mine[i / 3] = pa;
	}
	cr_assert_eq(frame_count_owned(5), 10);
	cr_assert_eq(frame_release_owner(5), 10);
	cr_assert_eq(frame_count_owned(5), 0);
	cr_assert_eq(frame_count_owned(6), 20);
	cr_assert_eq(frame_pool_stats().free, 12);
	for (int i = 0; i < 10; i++)
		cr_assert(page_all(mine[i], 0), "released frame not scrubbed");
	/* Owner 6's frames are untouched, contents included. */
	for (u64 pa = base; pa < base + 30 * PAGE_SIZE; pa += PAGE_SIZE) {
		if (frame_lookup(pa)->owner == 6)
			cr_assert(page_all(pa, 0xEE));
	}
	cr_assert_eq(frame_release_owner(5), 0);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, released_frames_can_all_be_reallocated)
{
	shim_pool_init(8);
	for (int i = 0; i < 8; i++)
		frame_alloc(1, FRAME_KIND_RAM);
	cr_assert_eq(frame_release_owner(1), 8);
	for (int i = 0; i < 8; i++)
		cr_assert_neq(frame_alloc(2, FRAME_KIND_RAM), 0);
	cr_assert_eq(frame_alloc(2, FRAME_KIND_RAM), 0);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, meta_size_covers_table_and_stack)
{
	cr_assert_eq(frame_pool_meta_size(10),
		     10 * (sizeof(struct frame_info) + sizeof(u32)));
	cr_assert_eq(frame_pool_meta_size(0), 0);
}

/* A pool with some frames owned and some free, for the corruption tests. */
static void mixed_pool(void)
{
	shim_pool_init(8);
	for (int i = 0; i < 4; i++)
		frame_alloc(1, FRAME_KIND_RAM);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, check_detects_owner_kind_disagreement)
{
	mixed_pool();
	shim_pool_table()[0].kind = FRAME_KIND_FREE; /* owned by 1 */
	cr_assert_eq(frame_pool_check(), -1);
	mixed_pool();
	shim_pool_table()[6].kind = FRAME_KIND_RAM; /* free */
	cr_assert_eq(frame_pool_check(), -1);
}

Test(frame, check_detects_count_mismatch)
{
	mixed_pool();
	/* A free frame in the table that the stack does not list. */
	shim_pool_table()[1] =
		(struct frame_info){ FRAME_OWNER_FREE, FRAME_KIND_FREE, 0, 0 };
	cr_assert_eq(frame_pool_check(), -2);
}

Test(frame, check_detects_owned_frame_on_free_stack)
{
	const struct frame_info *fi;
	u64 pa;

	mixed_pool();
	/* Through the pointer frame_lookup hands out, as a stray write. */
	pa = SHIM_PHYS_BASE + 7 * PAGE_SIZE;
	fi = frame_lookup(pa);
	*(struct frame_info *)fi =
		(struct frame_info){ 1, FRAME_KIND_RAM, 0, 0 };
	/* ...and one owned frame freed behind the stack's back. */
	shim_pool_table()[0] =
		(struct frame_info){ FRAME_OWNER_FREE, FRAME_KIND_FREE, 0, 0 };
	cr_assert_eq(frame_pool_check(), -3);
}

Test(frame, check_detects_out_of_range_stack_entry)
{
	mixed_pool();
	shim_pool_free_stack()[0] = 8;
	cr_assert_eq(frame_pool_check(), -3);
}

Test(frame, check_detects_frame_listed_twice)
{
	u32 *stack;

	mixed_pool();
	/* Free frames 4..7 are on the stack; list 4 twice and drop 5. */
	stack = shim_pool_free_stack();
	for (int i = 0; i < 4; i++) {
		if (stack[i] == 5)
			stack[i] = 4;
	}
	/* 5 is still free in the table, so the counts agree. */
	cr_assert_eq(frame_pool_check(), -4);
	/* The scan leaves no mark behind: flags are as they were. */
	for (int i = 0; i < 8; i++)
		cr_assert_eq(shim_pool_table()[i].flags, 0);
}

/* ---- Foreign mappings (grants) and HELD frames ------------------------ */

Test(frame, get_ref_needs_a_ram_frame_of_that_owner)
{
	u64 base = shim_pool_init(8);
	u64 ram = frame_alloc(3, FRAME_KIND_RAM);
	u64 ctl = frame_alloc(3, FRAME_KIND_CONTROL);

	cr_assert(frame_get_ref(ram, 3));
	cr_assert_eq(frame_lookup(ram)->refs, 1);
	cr_assert(frame_get_ref(ram, 3));
	cr_assert_eq(frame_lookup(ram)->refs, 2);
	cr_assert_not(frame_get_ref(ram, 4), "another owner's");
	cr_assert_not(frame_get_ref(ctl, 3), "not RAM");
	cr_assert_not(frame_get_ref(base + 7 * PAGE_SIZE, FRAME_OWNER_FREE),
		      "a free frame");
	cr_assert_not(frame_get_ref(base + 8 * PAGE_SIZE, 3), "not the pool");
	cr_assert_not(frame_get_ref(ram + 8, 3), "misaligned");
	cr_assert_not(frame_get_ref(base - PAGE_SIZE, 3));
	cr_assert_eq(frame_lookup(ram)->refs, 2);
	cr_assert_eq(frame_lookup(ctl)->refs, 0);
	cr_assert_eq(frame_pool_check(), 0);
	frame_put_ref(ram);
	frame_put_ref(ram);
	cr_assert_eq(frame_lookup(ram)->refs, 0);
	/* One too many, or elsewhere: ignored. */
	frame_put_ref(ram);
	frame_put_ref(base + 8 * PAGE_SIZE);
	cr_assert_eq(frame_lookup(ram)->refs, 0);
	cr_assert_eq(frame_lookup(ram)->owner, 3, "a live owner keeps it");
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, release_holds_mapped_frames_until_the_last_put)
{
	u64 base = shim_pool_init(8);
	u64 a = frame_alloc(5, FRAME_KIND_RAM);
	u64 b = frame_alloc(5, FRAME_KIND_RAM);
	u64 c = frame_alloc(5, FRAME_KIND_CONTROL);

	(void)base;
	memset(phys_to_virt(a), 0x33, PAGE_SIZE);
	memset(phys_to_virt(b), 0x44, PAGE_SIZE);
	cr_assert(frame_get_ref(a, 5));
	cr_assert(frame_get_ref(a, 5));
	/* b and c go; a is mapped elsewhere and stays, unscrubbed. */
	cr_assert_eq(frame_release_owner(5), 2);
	cr_assert_eq(frame_lookup(a)->owner, FRAME_OWNER_HELD);
	cr_assert_eq(frame_lookup(a)->kind, FRAME_KIND_RAM);
	cr_assert_eq(frame_lookup(b)->owner, FRAME_OWNER_FREE);
	cr_assert_eq(frame_lookup(c)->owner, FRAME_OWNER_FREE);
	cr_assert(page_all(a, 0x33), "the mapper still reads it");
	cr_assert(page_all(b, 0));
	cr_assert_eq(frame_held_count(), 1);
	cr_assert_eq(frame_count_owned(5), 0);
	cr_assert_eq(frame_count_owned(FRAME_OWNER_HELD), 1);
	cr_assert_eq(frame_pool_stats().free, 7);
	cr_assert_eq(frame_pool_check(), 0);
	/* Nobody can take a new reference to a HELD frame. */
	cr_assert_not(frame_get_ref(a, 5));
	/* Releasing again changes nothing. */
	cr_assert_eq(frame_release_owner(5), 0);
	cr_assert_eq(frame_held_count(), 1);

	frame_put_ref(a);
	cr_assert_eq(frame_lookup(a)->owner, FRAME_OWNER_HELD);
	cr_assert(page_all(a, 0x33));
	frame_put_ref(a);
	cr_assert_eq(frame_lookup(a)->owner, FRAME_OWNER_FREE);
	cr_assert(page_all(a, 0), "scrubbed");
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_pool_stats().free, 8);
	cr_assert_eq(frame_pool_check(), 0);
	/* Every frame can be handed out again. */
	for (int i = 0; i < 8; i++)
		cr_assert_neq(frame_alloc(6, FRAME_KIND_RAM), 0);
}

Test(frame, release_in_slices_holds_mapped_frames_too)
{
	u64 cursor = 0, released = 0;
	u64 a, b;

	shim_pool_init(16);
	a = frame_alloc(2, FRAME_KIND_RAM);
	b = frame_alloc(2, FRAME_KIND_RAM);
	cr_assert(frame_get_ref(b, 2));
	shim_tsc_step = 10;
	/* One frame per slice: the deadline passes at once. */
	while (!frame_release_owner_step(2, &cursor, &released, shim_tsc))
		cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(released, 1);
	cr_assert_eq(frame_lookup(a)->owner, FRAME_OWNER_FREE);
	cr_assert_eq(frame_lookup(b)->owner, FRAME_OWNER_HELD);
	cr_assert_eq(frame_held_count(), 1);
	frame_put_ref(b);
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_pool_stats().free, 16);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(frame, a_put_after_the_owner_took_it_back_frees_nothing)
{
	u64 a;

	shim_pool_init(4);
	a = frame_alloc(2, FRAME_KIND_RAM);
	cr_assert(frame_get_ref(a, 2));
	frame_put_ref(a);
	cr_assert_eq(frame_lookup(a)->owner, 2);
	cr_assert_eq(frame_pool_stats().free, 3);
	cr_assert_eq(frame_held_count(), 0);
}

Test(frame, check_detects_refs_on_a_frame_that_is_not_ram)
{
	mixed_pool();
	shim_pool_table()[0].kind = FRAME_KIND_CONTROL;
	shim_pool_table()[0].refs = 1;
	cr_assert_eq(frame_pool_check(), -6);
	mixed_pool();
	shim_pool_table()[6].refs = 1; /* a free frame */
	cr_assert_eq(frame_pool_check(), -6);
}

Test(frame, check_detects_a_held_frame_nobody_maps)
{
	u64 a;

	mixed_pool();
	a = SHIM_PHYS_BASE;
	cr_assert(frame_get_ref(a, 1));
	frame_release_owner(1);
	cr_assert_eq(frame_pool_check(), 0);
	/* The count dropped behind the pool's back: nobody would free it. */
	shim_pool_table()[0].refs = 0;
	cr_assert_eq(frame_pool_check(), -6);
}

Test(frame, check_detects_a_wrong_held_count)
{
	u64 hv;

	mixed_pool();
	/* A frame the table calls HELD that the count does not know of
	 * (made from a hypervisor frame, so no other count changes). */
	hv = frame_alloc(FRAME_OWNER_HV, FRAME_KIND_RAM);
	cr_assert_eq(frame_pool_check(), 0);
	shim_pool_table()[(hv - SHIM_PHYS_BASE) / PAGE_SIZE] =
		(struct frame_info){ FRAME_OWNER_HELD, FRAME_KIND_RAM, 0, 1 };
	cr_assert_eq(frame_pool_check(), -7);

	/* And the other way: counted HELD, no longer HELD in the table. */
	mixed_pool();
	cr_assert(frame_get_ref(SHIM_PHYS_BASE, 1));
	frame_release_owner(1);
	cr_assert_eq(frame_held_count(), 1);
	cr_assert_eq(frame_pool_check(), 0);
	shim_pool_table()[0].owner = FRAME_OWNER_HV;
	cr_assert_eq(frame_pool_check(), -7);
}
