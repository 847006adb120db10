// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the guest page-table walk kill reports use (guest-walk.c). */
#include <arch/guest-walk.h>
#include <criterion/criterion.h>
#include <hv/arch.h>
#include <hv/partition.h>
#include <partita/grants.h>
#include <partita/start-info.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define RAM (4ull << 20) /* two 2 MiB boot pages */
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME_LMA ((1ull << 8) | (1ull << 10))
#define P_W 0x3ull

static struct partition part;
/* Long mode on the tables arch_write_guest_boot_tables wrote. */
static const struct guest_paging boot = { CR0_PG, PT_GUEST_PAGE_TABLE_GPA,
					  CR4_PAE, EFER_LME_LMA };

static void setup(void)
{
	shim_reset();
	shim_pool_init(RAM / PAGE_SIZE + 16);
	test_partition_init(&part, 2, RAM);
	cr_assert_eq(arch_write_guest_boot_tables(&part), 0);
}

TestSuite(guest_walk, .init = setup, .fini = shim_teardown);

static void put(u64 gpa, u64 value)
{
	memcpy(test_gpa(&part, gpa), &value, sizeof(value));
}

static u64 walk(const struct guest_paging *pg, u64 gva)
{
	u64 gpa = 0xBAD;

	return guest_walk(&part, pg, gva, &gpa) ? ~0ull : gpa;
}

Test(guest_walk, paging_off_is_identity)
{
	const struct guest_paging off = { 0, 0, 0, 0 };

	cr_assert_eq(walk(&off, 0x123456), 0x123456);
}

Test(guest_walk, boot_tables_map_ram_and_window_one_to_one)
{
	cr_assert_eq(walk(&boot, 0x123456), 0x123456);
	cr_assert_eq(walk(&boot, RAM - 8), RAM - 8);
	cr_assert_eq(walk(&boot, PT_GUEST_GRANT_WINDOW_GPA + 0x2345),
		     PT_GUEST_GRANT_WINDOW_GPA + 0x2345);
	/* Past RAM in the first GiB: no PD entry was written. */
	cr_assert_eq(walk(&boot, RAM + 0x1000), ~0ull);
	/* A PML4 slot the tables leave empty. */
	cr_assert_eq(walk(&boot, 0xFFFF800000000000ull), ~0ull);
}

/* A 4 KiB mapping in the upper half through fresh tables at 0x20000. */
Test(guest_walk, four_level_4k_and_1g_pages)
{
	const struct guest_paging pg = { CR0_PG, 0x20000, CR4_PAE,
					 EFER_LME_LMA };
	u64 gva = 0xFFFF800000201000ull; /* PML4 256, PDPT 0, PD 1, PT 1 */

	put(0x20000 + 256 * 8, 0x21000 | P_W);
	put(0x21000 + 0 * 8, 0x22000 | P_W);
	put(0x22000 + 1 * 8, 0x23000 | P_W);
	put(0x23000 + 1 * 8, 0x5000 | P_W | (1ull << 63)); /* NX kept out */
	cr_assert_eq(walk(&pg, gva + 0x10), 0x5010);
	/* PDPT entry 1 as a 1 GiB page at 1 GiB. */
	put(0x21000 + 1 * 8, (1ull << 30) | P_W | 0x80);
	cr_assert_eq(walk(&pg, 0xFFFF800040000000ull + 0x123456),
		     (1ull << 30) + 0x123456);
	/* Not present at the last level. */
	put(0x23000 + 1 * 8, 0x5000);
	cr_assert_eq(walk(&pg, gva), ~0ull);
}

Test(guest_walk, tables_outside_ram_and_unread_modes_refused)
{
	struct guest_paging pg = boot;

	pg.cr3 = RAM + 0x1000; /* the PML4 itself is not RAM */
	cr_assert_eq(walk(&pg, 0x1000), ~0ull);
	pg = boot;
	pg.efer = 0; /* 32-bit paging */
	cr_assert_eq(walk(&pg, 0x1000), ~0ull);
	pg = boot;
	pg.cr4 |= CR4_LA57;
	cr_assert_eq(walk(&pg, 0x1000), ~0ull);
	/* A PD entry pointing past RAM: the walk stops there. */
	put(PT_GUEST_PAGE_TABLE_GPA + 2 * PAGE_SIZE + 8, (RAM + 0x3000) | P_W);
	cr_assert_eq(walk(&boot, (2ull << 20) + 0x10), ~0ull);
}

Test(guest_walk, read_stops_at_the_first_unmapped_page)
{
	u64 words[4] = { 0 };

	put(RAM - 16, 0x1111);
	put(RAM - 8, 0x2222);
	cr_assert_eq(
		guest_read_virt(&part, &boot, RAM - 16, words, sizeof(words)),
		16);
	cr_assert_eq(words[0], 0x1111);
	cr_assert_eq(words[1], 0x2222);
	/* Across a boundary inside RAM: both pages. */
	put(0x1FF8, 0xAAAA);
	put(0x2000, 0xBBBB);
	cr_assert_eq(guest_read_virt(&part, &boot, 0x1FF8, words, 16), 16);
	cr_assert_eq(words[1], 0xBBBB);
}

/*
 * guest_walk_permits: whether the guest's own tables let a supervisor
 * access through. Fresh tables at 0x20000 map VA 0x200000 + n * 4 KiB
 * through one page table; each test sets the leaf's (or a level's) bits.
 */
#define CR0_WP (1ull << 16)
#define CR4_SMEP (1ull << 20)
#define EFER_NXE (1ull << 11)
#define PTE_USER 0x4ull
#define PTE_NX (1ull << 63)
#define PTE_PS 0x80ull

static const struct guest_paging strict = { CR0_PG | CR0_WP, 0x20000,
					    CR4_PAE | CR4_SMEP,
					    EFER_LME_LMA | EFER_NXE };

/* Tables for VA 0x200000: PML4[0] -> 0x21000, PDPT[0] -> 0x22000,
 * PD[1] -> 0x23000, PT[0] = `leaf` (frame 0x5000). */
static void strict_tables(u64 upper, u64 leaf)
{
	put(0x20000, 0x21000 | upper);
	put(0x21000, 0x22000 | upper);
	put(0x22000 + 8, 0x23000 | upper);
	put(0x23000, 0x5000 | leaf);
}

static bool permits(const struct guest_paging *pg, u64 gva,
		    enum guest_access access)
{
	u64 gpa;

	return guest_walk_permits(&part, pg, gva, access, &gpa) == 0;
}

Test(guest_walk, permits_a_clean_mapping_for_every_access)
{
	strict_tables(P_W, P_W);
	cr_assert(permits(&strict, 0x200010, GUEST_ACCESS_READ));
	cr_assert(permits(&strict, 0x200010, GUEST_ACCESS_WRITE));
	cr_assert(permits(&strict, 0x200010, GUEST_ACCESS_FETCH));
	cr_assert_eq(walk(&strict, 0x200010), 0x5010);
}

Test(guest_walk, permits_refuses_nx_for_a_fetch_only)
{
	strict_tables(P_W, P_W | PTE_NX);
	cr_assert(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_FETCH));
	/* NX on an upper level counts the same. */
	strict_tables(P_W | PTE_NX, P_W);
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_FETCH));
	/* Without EFER.NXE bit 63 is reserved: nothing goes through, while
	 * the report's walk still shows the memory. */
	{
		struct guest_paging no_nxe = strict;

		no_nxe.efer &= ~EFER_NXE;
		strict_tables(P_W, P_W | PTE_NX);
		cr_assert_not(permits(&no_nxe, 0x200000, GUEST_ACCESS_READ));
		cr_assert_eq(walk(&no_nxe, 0x200000), 0x5000);
	}
}

Test(guest_walk, permits_refuses_read_only_writes_under_wp)
{
	struct guest_paging no_wp = strict;

	strict_tables(P_W, 0x1 /* present, read-only */);
	cr_assert(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_WRITE));
	no_wp.cr0 &= ~CR0_WP;
	cr_assert(permits(&no_wp, 0x200000, GUEST_ACCESS_WRITE));
	/* Read-only at an upper level is read-only too. */
	strict_tables(0x1, P_W);
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_WRITE));
}

Test(guest_walk, permits_refuses_user_code_under_smep)
{
	struct guest_paging no_smep = strict;

	strict_tables(P_W | PTE_USER, P_W | PTE_USER);
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_FETCH));
	cr_assert(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	no_smep.cr4 &= ~CR4_SMEP;
	cr_assert(permits(&no_smep, 0x200000, GUEST_ACCESS_FETCH));
	/* One supervisor level makes it a supervisor page. */
	strict_tables(P_W, P_W | PTE_USER);
	cr_assert(permits(&strict, 0x200000, GUEST_ACCESS_FETCH));
}

Test(guest_walk, permits_refuses_reserved_bits_and_frames_outside_ram)
{
	/* PS in a PML4 entry is reserved. */
	strict_tables(P_W, P_W);
	put(0x20000, 0x21000 | P_W | PTE_PS);
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	/* A 2 MiB page with an address bit below 2 MiB set (bit 12, PAT,
	 * is allowed; bit 13 is reserved). */
	strict_tables(P_W, P_W);
	put(0x22000 + 8, (2ull << 20) | P_W | PTE_PS | 0x1000);
	cr_assert(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	put(0x22000 + 8, (2ull << 20) | P_W | PTE_PS | 0x2000);
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	/* A leaf past RAM (bit 51 set, say) is not the guest's memory. */
	strict_tables(P_W, P_W | (1ull << 51));
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_READ));
	/* Not present anywhere stays refused. */
	strict_tables(P_W, 0);
	cr_assert_not(permits(&strict, 0x200000, GUEST_ACCESS_READ));
}
