// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the nested page table builder (arch/x86/npt.c). */
#include <criterion/criterion.h>
#include <hv/frame.h>
#include <hv/partition.h>
#include <string.h>

#include "hv-shim.h"

TestSuite(npt, .init = shim_reset, .fini = shim_teardown);

#define PTE_P BIT(0)
#define PTE_W BIT(1)
#define PTE_U BIT(2)
#define PTE_NX BIT(63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

static struct partition part;

static void new_partition(u32 id)
{
	memset(&part, 0, sizeof(part));
	part.id = id;
	cr_assert_eq(arch_npt_init(&part), 0);
}

static u64 count_kind(u16 owner, enum frame_kind kind)
{
	struct frame_pool_stats s = frame_pool_stats();
	u64 n = 0;

	for (u64 i = 0; i < s.total; i++) {
		const struct frame_info *fi =
			frame_lookup(SHIM_PHYS_BASE + i * PAGE_SIZE);

		n += fi->owner == owner && fi->kind == kind;
	}
	return n;
}

/* Walks the tables by hand: the leaf entry for `gpa`, or 0. */
static u64 leaf_entry(u64 gpa, u64 *upper_bits_and)
{
	u64 table = part.npt_root, e = 0;

	*upper_bits_and = ~0ull;
	for (int level = 3; level >= 0; level--) {
		const u64 *t = phys_to_virt(table);

		e = t[(gpa >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P))
			return 0;
		if (level)
			*upper_bits_and &= e;
		table = e & PTE_ADDR;
	}
	return e;
}

Test(npt, init_takes_one_page_table_frame)
{
	shim_pool_init(8);
	new_partition(3);
	cr_assert_neq(part.npt_root, 0);
	cr_assert_eq(frame_lookup(part.npt_root)->owner, 3);
	cr_assert_eq(frame_lookup(part.npt_root)->kind, FRAME_KIND_PAGE_TABLE);
}

Test(npt, init_fails_on_empty_pool)
{
	shim_pool_init(0);
	memset(&part, 0, sizeof(part));
	cr_assert_eq(arch_npt_init(&part), -1);
	cr_assert_eq(arch_npt_lookup(&part, 0, &(u32){ 0 }), NPT_NO_PAGE);
}

Test(npt, map_lookup_round_trip_for_many_gpas)
{
	/* Pages spread over several 1 GiB and 512 GiB regions. */
	static const u64 bases[] = { 0,
				     0x200000,
				     0x3FF00000,
				     0x40000000,
				     0x7FFFF00000ull,
				     0x8000000000ull,
				     0xFFFFFFF000ull };
	u64 hpa = 0x123456000ull;

	shim_pool_init(64);
	new_partition(1);
	for (u32 b = 0; b < ARRAY_SIZE(bases); b++) {
		for (u64 i = 0; i < 3; i++) {
			u64 gpa = bases[b] + i * PAGE_SIZE * 17;

			cr_assert_eq(
				arch_npt_map(&part, gpa, hpa + gpa, NPT_RWX),
				0);
		}
	}
	for (u32 b = 0; b < ARRAY_SIZE(bases); b++) {
		for (u64 i = 0; i < 3; i++) {
			u64 gpa = bases[b] + i * PAGE_SIZE * 17;
			u32 flags = 0;

			cr_assert_eq(
				arch_npt_lookup(&part, gpa + 0x123, &flags),
				hpa + gpa + 0x123, "gpa 0x%llx",
				(unsigned long long)gpa);
			cr_assert_eq(flags, NPT_RWX);
			/* The neighbours were never mapped. */
			cr_assert_eq(
				arch_npt_lookup(&part, gpa + PAGE_SIZE, &flags),
				NPT_NO_PAGE);
		}
	}
	cr_assert_eq(shim_bad_phys, 0);
}

Test(npt, many_consecutive_pages_round_trip)
{
	u64 base = shim_pool_init(1100);

	new_partition(2);
	for (u64 i = 0; i < 1024; i++)
		cr_assert_eq(arch_npt_map(&part, i * PAGE_SIZE,
					  base + ((i * 37) % 1024) * PAGE_SIZE,
					  NPT_READ | NPT_WRITE),
			     0);
	for (u64 i = 0; i < 1024; i++) {
		u32 flags = 0;

		cr_assert_eq(arch_npt_lookup(&part, i * PAGE_SIZE, &flags),
			     base + ((i * 37) % 1024) * PAGE_SIZE);
	}
	/* Root, one PDPT, one PD and two PTs: 1024 pages span two PTs. */
	cr_assert_eq(count_kind(2, FRAME_KIND_PAGE_TABLE), 5);
}

Test(npt, unmapped_is_no_page)
{
	u32 flags = 0xdead;

	shim_pool_init(8);
	new_partition(1);
	cr_assert_eq(arch_npt_lookup(&part, 0, &flags), NPT_NO_PAGE);
	cr_assert_eq(arch_npt_map(&part, 0x5000, 0x9000, NPT_RWX), 0);
	/* Same last-level table, other entry. */
	cr_assert_eq(arch_npt_lookup(&part, 0x6000, &flags), NPT_NO_PAGE);
	/* Other upper-level entries. */
	cr_assert_eq(arch_npt_lookup(&part, 0x40005000, &flags), NPT_NO_PAGE);
	cr_assert_eq(arch_npt_lookup(&part, 0x8000005000ull, &flags),
		     NPT_NO_PAGE);
	cr_assert_eq(flags, 0xdead, "flags written for a missing page");
}

Test(npt, flags_map_to_entry_bits)
{
	static const struct {
		u32 flags;
		bool w, nx;
		u32 back;
	} cases[] = {
		{ NPT_READ, false, true, NPT_READ },
		{ NPT_READ | NPT_WRITE, true, true, NPT_READ | NPT_WRITE },
		{ NPT_READ | NPT_EXEC, false, false, NPT_READ | NPT_EXEC },
		{ NPT_RWX, true, false, NPT_RWX },
	};

	shim_pool_init(8);
	new_partition(1);
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 gpa = i * PAGE_SIZE, upper, e;
		u32 flags = 0;

		cr_assert_eq(arch_npt_map(&part, gpa, 0xABC000 + gpa,
					  cases[i].flags),
			     0);
		e = leaf_entry(gpa, &upper);
		cr_assert(e & PTE_P);
		cr_assert(e & PTE_U, "nested walks are user accesses");
		cr_assert_eq(!!(e & PTE_W), cases[i].w, "case %u", i);
		cr_assert_eq(!!(e & PTE_NX), cases[i].nx, "case %u", i);
		cr_assert_eq(e & PTE_ADDR, 0xABC000 + gpa);
		/* Upper levels allow everything; the leaf decides. */
		cr_assert_eq(upper & (PTE_P | PTE_W | PTE_U),
			     PTE_P | PTE_W | PTE_U);
		cr_assert_eq(upper & PTE_NX, 0);
		cr_assert_eq(arch_npt_lookup(&part, gpa, &flags),
			     0xABC000 + gpa);
		cr_assert_eq(flags, cases[i].back, "case %u", i);
	}
}

Test(npt, remap_replaces_entry_without_new_tables)
{
	u32 flags = 0;

	shim_pool_init(8);
	new_partition(1);
	cr_assert_eq(arch_npt_map(&part, 0x7000, 0x1000, NPT_RWX), 0);
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 4);
	cr_assert_eq(arch_npt_map(&part, 0x7000, 0x2000, NPT_READ), 0);
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 4);
	cr_assert_eq(arch_npt_lookup(&part, 0x7000, &flags), 0x2000);
	cr_assert_eq(flags, NPT_READ);
}

Test(npt, table_frames_belong_to_the_partition)
{
	shim_pool_init(32);
	new_partition(4);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 1);
	arch_npt_map(&part, 0, 0x1000, NPT_RWX);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 4);
	/* A new 1 GiB region needs a PD and a PT. */
	arch_npt_map(&part, 0x40000000, 0x1000, NPT_RWX);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 6);
	/* A new 512 GiB region needs a PDPT, a PD and a PT. */
	arch_npt_map(&part, 0x8000000000ull, 0x1000, NPT_RWX);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 9);
	cr_assert_eq(frame_count_owned(4), 9);
	/* The tables come back with the partition's other frames. */
	cr_assert_eq(frame_release_owner(4), 9);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(npt, map_fails_when_pool_runs_out)
{
	u32 flags;

	shim_pool_init(3);
	new_partition(1);
	/* Root taken: two frames left, three tables needed. */
	cr_assert_eq(arch_npt_map(&part, 0, 0x1000, NPT_RWX), -1);
	cr_assert_eq(arch_npt_lookup(&part, 0, &flags), NPT_NO_PAGE);
	/* The tables it did get still belong to the partition. */
	cr_assert_eq(frame_count_owned(1), 3);
	cr_assert_eq(frame_release_owner(1), 3);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(npt, map_fails_for_a_new_region_only)
{
	u32 flags;

	shim_pool_init(5);
	new_partition(1);
	cr_assert_eq(arch_npt_map(&part, 0, 0x1000, NPT_RWX), 0);
	/* The same last-level table needs no frame... */
	cr_assert_eq(arch_npt_map(&part, 0x1000, 0x2000, NPT_RWX), 0);
	/* ...a new 1 GiB region needs two, one is left. */
	cr_assert_eq(arch_npt_map(&part, 0x40000000, 0x3000, NPT_RWX), -1);
	cr_assert_eq(frame_pool_stats().free, 0);
	cr_assert_eq(arch_npt_lookup(&part, 0x1000, &flags), 0x2000);
}
