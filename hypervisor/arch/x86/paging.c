// SPDX-License-Identifier: GPL-2.0-only
/* The hypervisor's own page tables: an identity map of physical memory. */
#include <arch/paging.h>
#include <hv/arch.h>
#include <arch/x86.h>
#include <hv/boot-info.h>
#include <hv/log.h>

#define PTE_P BIT(0)
#define PTE_W BIT(1)
#define PTE_PWT BIT(3)
#define PTE_PCD BIT(4)
#define PTE_PS BIT(7)
#define GIB (1ull << 30)

static u64 host_cr3;

/*
 * 512 GiB identity-mapped with 1 GiB pages (HV_IDENTITY_LIMIT), so firmware
 * tables, the pool and MMIO are all reachable at their physical address. The 3-4 GiB hole holds
 * the APIC and PCI MMIO: uncached. The tables live below 4 GiB because
 * starting CPUs load CR3 while still in 32-bit form.
 */
void paging_build(void)
{
	struct cpuid_regs r;
	u64 *pml4 = heap_alloc(PAGE_SIZE, PAGE_SIZE);
	u64 *pdpt = heap_alloc(PAGE_SIZE, PAGE_SIZE);
	u64 *pd0 = heap_alloc(PAGE_SIZE, PAGE_SIZE);
	u64 *pt0 = heap_alloc(PAGE_SIZE, PAGE_SIZE);

	cpuid(0x80000001, 0, &r);
	if (!(r.edx & BIT(26)))
		panic("this CPU has no 1 GiB pages (pdpe1gb)");
	for (u64 i = 0; i < 512; i++) {
		pdpt[i] = (i * GIB) | PTE_P | PTE_W | PTE_PS;
		if (i == 3)
			pdpt[i] |= PTE_PCD | PTE_PWT;
	}
	/* Page 0 stays unmapped: a NULL pointer faults instead of reading
	 * low memory. The first GiB is split down to 4 KiB for that. */
	for (u64 i = 0; i < 512; i++)
		pd0[i] = (i << 21) | PTE_P | PTE_W | PTE_PS;
	for (u64 i = 1; i < 512; i++)
		pt0[i] = (i << 12) | PTE_P | PTE_W;
	pd0[0] = (u64)pt0 | PTE_P | PTE_W;
	pdpt[0] = (u64)pd0 | PTE_P | PTE_W;
	pml4[0] = (u64)pdpt | PTE_P | PTE_W;
	host_cr3 = (u64)pml4;
}

u64 arch_phys_mapped_limit(void)
{
	return 512 * GIB;
}

void paging_load(void)
{
	write_cr3(host_cr3);
}

u64 paging_cr3(void)
{
	return host_cr3;
}
