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

/* Large pages (arch_npt_map_large), as the root's identity map uses. */
#define PTE_PS BIT(7)
#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)

/* The entry that maps `gpa`, large or not, and its level (0: 4 KiB). */
static u64 mapping_entry(u64 gpa, int *leaf_level, u64 *upper_bits_and)
{
	u64 table = part.npt_root, e = 0;

	*upper_bits_and = ~0ull;
	for (int level = 3; level >= 0; level--) {
		const u64 *t = phys_to_virt(table);

		e = t[(gpa >> (12 + 9 * level)) & 511];
		*leaf_level = level;
		if (!(e & PTE_P))
			return 0;
		if (level == 0 || (e & PTE_PS))
			return e;
		*upper_bits_and &= e;
		table = e & PTE_ADDR;
	}
	return e;
}

static void expect_lookup(u64 gpa, u64 hpa, u32 flags)
{
	u32 got = 0;

	cr_assert_eq(arch_npt_lookup(&part, gpa, &got), hpa,
		     "gpa 0x%llx: 0x%llx, expected 0x%llx",
		     (unsigned long long)gpa,
		     (unsigned long long)arch_npt_lookup(&part, gpa, &got),
		     (unsigned long long)hpa);
	if (hpa != NPT_NO_PAGE)
		cr_assert_eq(got, flags, "gpa 0x%llx: flags %u",
			     (unsigned long long)gpa, got);
}

Test(npt, map_large_2mib)
{
	u64 gpa = 0x40000000 + 3 * SZ_2M, hpa = 0x123400000ull, upper, e;
	static const u64 offsets[] = { 0,	 0x1,	   0x1234,
				       0x100000, 0x1FF000, SZ_2M - 1 };
	int level;

	shim_pool_init(8);
	new_partition(1);
	cr_assert_eq(
		arch_npt_map_large(&part, gpa, hpa, SZ_2M, NPT_READ | NPT_EXEC),
		0);
	for (u32 i = 0; i < ARRAY_SIZE(offsets); i++)
		expect_lookup(gpa + offsets[i], hpa + offsets[i],
			      NPT_READ | NPT_EXEC);
	/* The neighbours were never mapped. */
	expect_lookup(gpa - 1, NPT_NO_PAGE, 0);
	expect_lookup(gpa + SZ_2M, NPT_NO_PAGE, 0);
	/* One leaf in the page directory: PS, user, no W, executable. */
	e = mapping_entry(gpa + 0x5000, &level, &upper);
	cr_assert_eq(level, 1);
	cr_assert(e & PTE_PS);
	cr_assert(e & PTE_U, "nested walks are user accesses");
	cr_assert_not(e & PTE_W);
	cr_assert_not(e & PTE_NX);
	cr_assert_eq(e & PTE_ADDR, hpa);
	cr_assert_eq(upper & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W | PTE_U);
	cr_assert_eq(upper & (PTE_NX | PTE_PS), 0);
	/* Root, PDPT and PD: no page table under a 2 MiB leaf. */
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 3);
	cr_assert_eq(shim_bad_phys, 0);
}

Test(npt, map_large_1gib)
{
	u64 gpa = 2 * SZ_1G, hpa = 5 * SZ_1G, upper, e;
	static const u64 offsets[] = {
		0, 0x8, 0x12345678, SZ_2M, SZ_1G - PAGE_SIZE, SZ_1G - 1
	};
	int level;

	shim_pool_init(8);
	new_partition(2);
	cr_assert_eq(arch_npt_map_large(&part, gpa, hpa, SZ_1G, NPT_RWX), 0);
	for (u32 i = 0; i < ARRAY_SIZE(offsets); i++)
		expect_lookup(gpa + offsets[i], hpa + offsets[i], NPT_RWX);
	expect_lookup(gpa - 1, NPT_NO_PAGE, 0);
	expect_lookup(gpa + SZ_1G, NPT_NO_PAGE, 0);
	e = mapping_entry(gpa, &level, &upper);
	cr_assert_eq(level, 2);
	cr_assert(e & PTE_PS);
	cr_assert(e & PTE_U);
	cr_assert(e & PTE_W);
	cr_assert_not(e & PTE_NX);
	cr_assert_eq(e & PTE_ADDR, hpa);
	/* Root and PDPT only. */
	cr_assert_eq(count_kind(2, FRAME_KIND_PAGE_TABLE), 2);
}

Test(npt, map_large_flags)
{
	static const u32 flags[] = { NPT_READ, NPT_READ | NPT_WRITE,
				     NPT_READ | NPT_EXEC, NPT_RWX };

	shim_pool_init(8);
	new_partition(1);
	for (u32 i = 0; i < ARRAY_SIZE(flags); i++) {
		u64 gpa = i * SZ_2M, upper, e;
		int level;

		cr_assert_eq(arch_npt_map_large(&part, gpa, 0x80000000 + gpa,
						SZ_2M, flags[i]),
			     0);
		expect_lookup(gpa + 0x777, 0x80000000 + gpa + 0x777, flags[i]);
		e = mapping_entry(gpa, &level, &upper);
		cr_assert_eq(!!(e & PTE_W), !!(flags[i] & NPT_WRITE));
		cr_assert_eq(!!(e & PTE_NX), !(flags[i] & NPT_EXEC));
	}
}

Test(npt, map_large_4kib_is_a_normal_page)
{
	u64 upper, e;
	int level;

	shim_pool_init(8);
	new_partition(1);
	cr_assert_eq(arch_npt_map_large(&part, 0x7000, 0xABC000, PAGE_SIZE,
					NPT_READ),
		     0);
	expect_lookup(0x7123, 0xABC123, NPT_READ);
	expect_lookup(0x8000, NPT_NO_PAGE, 0);
	e = mapping_entry(0x7000, &level, &upper);
	cr_assert_eq(level, 0);
	cr_assert_not(e & PTE_PS, "PAT bit, not PS, in a 4 KiB entry");
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 4);
}

Test(npt, map_large_refuses_misaligned_and_odd_sizes)
{
	static const struct {
		u64 gpa, hpa, size;
	} cases[] = {
		{ SZ_2M + PAGE_SIZE, SZ_2M, SZ_2M }, /* gpa */
		{ SZ_2M, SZ_2M + PAGE_SIZE, SZ_2M }, /* hpa */
		{ SZ_2M, SZ_2M + 1, SZ_2M },
		{ SZ_2M, SZ_1G, SZ_1G }, /* 2 MiB aligned only */
		{ SZ_1G, SZ_2M, SZ_1G },
		{ 0x1800, 0x1000, PAGE_SIZE },
		{ 0x1000, 0x1800, PAGE_SIZE },
		{ 0, 0, 0 },
		{ 0, 0, 2 * PAGE_SIZE },
		{ 0, 0, 4ull << 20 },
		{ 0, 0, 3ull << 20 },
		{ 0, 0, 2 * SZ_1G },
		{ 0, 0, 512 * SZ_1G },
	};

	shim_pool_init(8);
	new_partition(1);
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		cr_assert_eq(arch_npt_map_large(&part, cases[i].gpa,
						cases[i].hpa, cases[i].size,
						NPT_RWX),
			     -1, "case %u", i);
		expect_lookup(cases[i].gpa, NPT_NO_PAGE, 0);
	}
	/* Refused before any table was taken. */
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 1);
}

Test(npt, map_large_refuses_inside_a_larger_page)
{
	u64 g1 = SZ_1G, g2 = 4 * SZ_1G + 5 * SZ_2M;

	shim_pool_init(16);
	new_partition(1);
	cr_assert_eq(arch_npt_map_large(&part, g1, 7 * SZ_1G, SZ_1G, NPT_RWX),
		     0);
	cr_assert_eq(arch_npt_map_large(&part, g2, 9 * SZ_1G, SZ_2M, NPT_READ),
		     0);
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 3);
	/* 2 MiB and 4 KiB pages inside the 1 GiB page. */
	cr_assert_eq(arch_npt_map_large(&part, g1, 0x1000000, SZ_2M, NPT_READ),
		     -1);
	cr_assert_eq(arch_npt_map_large(&part, g1 + 17 * SZ_2M, 0x1000000,
					SZ_2M, NPT_READ),
		     -1);
	cr_assert_eq(arch_npt_map_large(&part, g1 + 0x5000, 0x5000, PAGE_SIZE,
					NPT_READ),
		     -1);
	/* A 4 KiB page inside the 2 MiB page. */
	cr_assert_eq(arch_npt_map_large(&part, g2 + 0x3000, 0x3000, PAGE_SIZE,
					NPT_RWX),
		     -1);
	/* The large pages are intact, no table was added. */
	expect_lookup(g1 + 17 * SZ_2M + 0x10, 7 * SZ_1G + 17 * SZ_2M + 0x10,
		      NPT_RWX);
	expect_lookup(g1 + 0x5000, 7 * SZ_1G + 0x5000, NPT_RWX);
	expect_lookup(g2 + 0x3000, 9 * SZ_1G + 0x3000, NPT_READ);
	cr_assert_eq(count_kind(1, FRAME_KIND_PAGE_TABLE), 3);
}

/*
 * Regression (fixed): arch_npt_map() walks down without looking for PS, so a 4 KiB map
 * inside a 2 MiB or 1 GiB page takes the large page's host frame for a page
 * table and writes an entry into that memory (here: into a frame of the
 * pool; on the machine: into the root's RAM), where arch_npt_map_large()
 * refuses. No caller mixes the two today (guests get 4 KiB pages only, the
 * root large ones only). Fix: in arch_npt_map()'s walk, return -1 when a
 * present entry has NPT_PS, as arch_npt_map_large() does.
 */
Test(npt, map_4kib_refuses_inside_a_large_page)
{
	u64 base = shim_pool_init(1024), leaf_hpa = base + SZ_2M;
	u64 *target = phys_to_virt(leaf_hpa);

	new_partition(1);
	cr_assert_eq(arch_npt_map_large(&part, SZ_2M, leaf_hpa, SZ_2M, NPT_RWX),
		     0);
	memset(target, 0, PAGE_SIZE);
	cr_assert_eq(arch_npt_map(&part, SZ_2M + 0x3000, 0x3000, NPT_RWX), -1);
	cr_assert_eq(target[3], 0, "a page table entry written into RAM");
	expect_lookup(SZ_2M + 0x3000, leaf_hpa + 0x3000, NPT_RWX);
}

Test(npt, small_pages_next_to_a_2mib_page)
{
	u64 big = 0x40000000 + SZ_2M;

	shim_pool_init(16);
	new_partition(3);
	cr_assert_eq(
		arch_npt_map_large(&part, big, 0x200000000ull, SZ_2M, NPT_RWX),
		0);
	cr_assert_eq(count_kind(3, FRAME_KIND_PAGE_TABLE), 3);
	/* The next 2 MiB region: a page table under the same directory. */
	cr_assert_eq(arch_npt_map(&part, big + SZ_2M, 0x5000, NPT_READ), 0);
	cr_assert_eq(count_kind(3, FRAME_KIND_PAGE_TABLE), 4);
	/* The last page before it: another page table. */
	cr_assert_eq(arch_npt_map_large(&part, big - PAGE_SIZE, 0x6000,
					PAGE_SIZE, NPT_READ | NPT_WRITE),
		     0);
	cr_assert_eq(count_kind(3, FRAME_KIND_PAGE_TABLE), 5);
	/* Same page table: no new frame. */
	cr_assert_eq(arch_npt_map(&part, big - 2 * PAGE_SIZE, 0x7000, NPT_RWX),
		     0);
	cr_assert_eq(count_kind(3, FRAME_KIND_PAGE_TABLE), 5);
	expect_lookup(big, 0x200000000ull, NPT_RWX);
	expect_lookup(big + SZ_2M - 1, 0x200000000ull + SZ_2M - 1, NPT_RWX);
	expect_lookup(big + SZ_2M, 0x5000, NPT_READ);
	expect_lookup(big + SZ_2M + 0xFFF, 0x5FFF, NPT_READ);
	expect_lookup(big + SZ_2M + PAGE_SIZE, NPT_NO_PAGE, 0);
	expect_lookup(big - PAGE_SIZE + 4, 0x6004, NPT_READ | NPT_WRITE);
	expect_lookup(big - 2 * PAGE_SIZE, 0x7000, NPT_RWX);
	expect_lookup(big - 3 * PAGE_SIZE, NPT_NO_PAGE, 0);
	cr_assert_eq(shim_bad_phys, 0);
}

Test(npt, large_page_table_frames_are_counted_and_returned)
{
	shim_pool_init(16);
	new_partition(4);
	/* Two 1 GiB pages: one PDPT under the root. */
	cr_assert_eq(arch_npt_map_large(&part, 0, 0, SZ_1G, NPT_RWX), 0);
	cr_assert_eq(arch_npt_map_large(&part, SZ_1G, SZ_1G, SZ_1G, NPT_RWX),
		     0);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 2);
	/* 2 MiB pages in the next 1 GiB: one page directory. */
	for (u64 i = 0; i < 512; i++)
		cr_assert_eq(arch_npt_map_large(&part, 2 * SZ_1G + i * SZ_2M,
						2 * SZ_1G + i * SZ_2M, SZ_2M,
						NPT_RWX),
			     0);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 3);
	/* Another 512 GiB region: a PDPT of its own. */
	cr_assert_eq(arch_npt_map_large(&part, 512 * SZ_1G, 0, SZ_1G, NPT_RWX),
		     0);
	cr_assert_eq(count_kind(4, FRAME_KIND_PAGE_TABLE), 4);
	/* An identity map of 3 GiB: every address comes back as itself. */
	for (u64 gpa = 0; gpa < 3 * SZ_1G; gpa += 0x3FF1000)
		expect_lookup(gpa + 0xABC, gpa + 0xABC, NPT_RWX);
	expect_lookup(512 * SZ_1G + 0x10, 0x10, NPT_RWX);
	expect_lookup(3 * SZ_1G, NPT_NO_PAGE, 0);
	cr_assert_eq(frame_count_owned(4), 4);
	cr_assert_eq(frame_release_owner(4), 4);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(npt, map_large_fails_when_pool_runs_out)
{
	shim_pool_init(2);
	new_partition(1);
	/* Root taken, one frame left: a 2 MiB page needs a PDPT and a PD. */
	cr_assert_eq(arch_npt_map_large(&part, 0, 0, SZ_2M, NPT_RWX), -1);
	expect_lookup(0, NPT_NO_PAGE, 0);
	/* The PDPT it got is enough for a 1 GiB page. */
	cr_assert_eq(arch_npt_map_large(&part, SZ_1G, 0, SZ_1G, NPT_RWX), 0);
	expect_lookup(SZ_1G + 5, 5, NPT_RWX);
	cr_assert_eq(frame_count_owned(1), 2);
}

/*
 * Regression: a large page mapped where a table already was would drop
 * every small mapping below it. It is refused and they stay.
 */
Test(npt, large_page_over_a_table_is_refused)
{
	const u64 gpa = SZ_2M, small = gpa + 5 * PAGE_SIZE;
	const u64 hpa = 0x123456000ull;

	shim_pool_init(8);
	new_partition(1);
	cr_assert_eq(arch_npt_map(&part, small, hpa, NPT_RWX), 0);
	cr_assert_eq(arch_npt_map_large(&part, gpa, 2 * SZ_2M, SZ_2M, NPT_RWX),
		     -1);
	expect_lookup(small, hpa, NPT_RWX);
	/* Replacing a large leaf with another is a remap: allowed. */
	cr_assert_eq(
		arch_npt_map_large(&part, 4 * SZ_2M, 4 * SZ_2M, SZ_2M, NPT_RWX),
		0);
	cr_assert_eq(arch_npt_map_large(&part, 4 * SZ_2M, 5 * SZ_2M, SZ_2M,
					NPT_READ),
		     0);
	expect_lookup(4 * SZ_2M + 16, 5 * SZ_2M + 16, NPT_READ);
}
