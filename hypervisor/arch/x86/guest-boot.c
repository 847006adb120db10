// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 part of a guest's boot layout (protocols/partita/start-info.h):
 * the GDT its entry state refers to, and page tables that identity-map
 * its RAM and the grant window with 2 MiB pages.
 */
#include <hv/arch.h>
#include <hv/partition.h>
#include <partita/grants.h>
#include <partita/start-info.h>

#define LARGE_PAGE (2ull << 20)
#define PTE_PRESENT_WRITABLE 0x3ull
#define PTE_LARGE 0x80ull

/* Null, 64-bit code (selector 0x08), data (0x10). */
static const u64 guest_gdt[3] = { 0, 0x00AF9A000000FFFFull,
				  0x00CF92000000FFFFull };

static int put_entry(struct partition *p, u64 gpa, u64 entry)
{
	return partition_copy_to_guest(p, gpa, &entry, sizeof(entry));
}

int arch_write_guest_boot_tables(struct partition *p)
{
	u64 pml4 = PT_GUEST_PAGE_TABLE_GPA, pdpt = pml4 + PAGE_SIZE;
	u64 pd0 = pdpt + PAGE_SIZE;

	if (partition_copy_to_guest(p, PT_GUEST_GDT_GPA, guest_gdt,
				    sizeof(guest_gdt)) ||
	    put_entry(p, pml4, pdpt | PTE_PRESENT_WRITABLE))
		return -1;
	/* The grant window (grants.h): 2 MiB guest pages over the whole
	 * window; only the pages mapped with GRANT_MAP are backed. */
	if (put_entry(p, pdpt + (PT_GUEST_GRANT_WINDOW_GPA >> 30) * 8,
		      PT_GUEST_WINDOW_PD_GPA | PTE_PRESENT_WRITABLE))
		return -1;
	for (u64 off = 0; off < PT_GUEST_GRANT_WINDOW_SIZE; off += LARGE_PAGE) {
		if (put_entry(p,
			      PT_GUEST_WINDOW_PD_GPA + (off / LARGE_PAGE) * 8,
			      (PT_GUEST_GRANT_WINDOW_GPA + off) |
				      PTE_PRESENT_WRITABLE | PTE_LARGE))
			return -1;
	}
	for (u64 i = 0; i * (1ull << 30) < p->memory_bytes; i++) {
		if (put_entry(p, pdpt + i * 8,
			      (pd0 + i * PAGE_SIZE) | PTE_PRESENT_WRITABLE))
			return -1;
	}
	for (u64 gpa = 0; gpa < p->memory_bytes; gpa += LARGE_PAGE) {
		if (put_entry(p, pd0 + (gpa / LARGE_PAGE) * 8,
			      gpa | PTE_PRESENT_WRITABLE | PTE_LARGE))
			return -1;
	}
	return 0;
}
