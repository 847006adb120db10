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
