// SPDX-License-Identifier: MIT
/*
 * Containment test guest: maps a 2 MiB page above its own RAM into its page
 * tables and writes to it. The nested page fault must kill this partition
 * only; printing a result afterwards means the write went through.
 */
#include <partita-guest/guest.h>

#include "report.h"

#define PTE_PRESENT 0x1ull
#define PTE_WRITABLE 0x2ull
#define PTE_LARGE 0x80ull
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull
#define LARGE_PAGE (2ull << 20)

/* Page-table pages for levels the hypervisor did not build. */
static uint64_t spare_tables[2][512] __attribute__((aligned(PT_PAGE_SIZE)));
static unsigned spare_used;

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR_MASK);
}

/* The table entry *slot points to, created from a spare page if absent. */
static uint64_t *next_level(uint64_t *slot)
{
	if (!(*slot & PTE_PRESENT))
		*slot = pt_gpa(spare_tables[spare_used++]) | PTE_PRESENT |
			PTE_WRITABLE;
	if (*slot & PTE_LARGE)
		pt_panic("unexpected large page above the PD level");
	return table_at(*slot);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t target, cr3;
	uint64_t *pml4, *pdpt, *pd;
	volatile uint64_t *wild;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	target = ((si->memory_bytes + LARGE_PAGE - 1) & ~(LARGE_PAGE - 1)) +
		 (16ull << 20);
	cr3 = pt_read_cr3();
	pml4 = table_at(cr3);
	pdpt = next_level(&pml4[(target >> 39) & 511]);
	pd = next_level(&pdpt[(target >> 30) & 511]);
	pd[(target >> 21) & 511] =
		target | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
	wild = (volatile uint64_t *)(uintptr_t)target;
	pt_invlpg(wild);
	pt_printf("wild-write: memory is 0x%lx bytes, page tables at 0x%lx; "
		  "writing GPA 0x%lx now, expecting to be killed\n",
		  (unsigned long)si->memory_bytes, (unsigned long)cr3,
		  (unsigned long)target);
	*wild = 0xBADC0FFEE0DDF00Dull;
	report("wild-write", 0,
	       "the write to GPA 0x%lx outside memory "
	       "went through (read back 0x%lx)",
	       (unsigned long)target, (unsigned long)*wild);
	return 1;
}
