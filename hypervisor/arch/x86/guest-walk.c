// SPDX-License-Identifier: GPL-2.0-only
/*
 * A read-only walk of a guest's 4-level page tables (AMD APM vol. 2,
 * 5.3), so a kill report can show what is on the guest's stack, and tell
 * whether the guest's own tables would have let an access through.
 */
#include <arch/guest-walk.h>
#include <hv/partition.h>
#include <string.h>

#define CR0_PG (1ull << 31)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define PTE_PRESENT 0x1ull
#define PTE_LARGE 0x80ull
#define PTE_ADDR 0x000FFFFFFFFFF000ull

/* Entry `index` of the table at `table_gpa`, read once. */
static int read_entry(const struct partition *p, u64 table_gpa, u64 index,
		      u64 *entry)
{
	const volatile u64 *e = partition_gpa_to_hva(
		p, (table_gpa & PTE_ADDR) + index * 8, false);

	if (!e)
		return -1;
	*entry = *e;
	return 0;
}

#define CR0_WP (1ull << 16)
#define CR4_SMEP (1ull << 20)
#define EFER_NXE (1ull << 11)
#define PTE_WRITABLE 0x2ull
#define PTE_USER 0x4ull
#define PTE_NX (1ull << 63)

/*
 * Would the CPU refuse `access` through this entry at `level`, for
 * reasons the entry itself gives (APM vol. 2, 5.7)? Reserved bits first:
 * NX without EFER.NXE, PS in a PML4 entry, and the low address bits of a
 * large page below its size (bit 12 is the large page's PAT bit).
 */
static bool entry_refuses(const struct guest_paging *pg, u64 entry, int level,
			  enum guest_access access)
{
	if ((entry & PTE_NX) && !(pg->efer & EFER_NXE))
		return true;
	if (level == 4 && (entry & PTE_LARGE))
		return true;
	if ((level == 2 || level == 3) && (entry & PTE_LARGE)) {
		u64 low = ((1ull << (12 + 9 * (level - 1))) - 1) & ~0x1FFFull;

		if (entry & PTE_ADDR & low)
			return true;
	}
	if (access == GUEST_ACCESS_FETCH && (entry & PTE_NX))
		return true;
	if (access == GUEST_ACCESS_WRITE && (pg->cr0 & CR0_WP) &&
	    !(entry & PTE_WRITABLE))
		return true;
	return false;
}

/*
 * The walk both entry points share. `access` GUEST_ACCESS_ANY only asks
 * for present entries (what a report needs to show memory); any other
 * kind asks whether a supervisor access of that kind would complete.
 */
static int walk(const struct partition *p, const struct guest_paging *pg,
		u64 gva, enum guest_access access, u64 *gpa)
{
	u64 table = pg->cr3, entry = 0, user = PTE_USER;
	bool strict = access != GUEST_ACCESS_ANY;

	if (!(pg->cr0 & CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!(pg->efer & EFER_LMA) || (pg->cr4 & CR4_LA57))
		return -1;
	/* Levels 4 to 1: PML4, PDPT (1 GiB pages), PD (2 MiB), PT. */
	for (int level = 4; level >= 1; level--) {
		u32 shift = 12 + 9 * (u32)(level - 1);

		if (read_entry(p, table, (gva >> shift) & 511, &entry) ||
		    !(entry & PTE_PRESENT))
			return -1;
		if (strict && entry_refuses(pg, entry, level, access))
			return -1;
		user &= entry;
		if (level == 1 ||
		    ((level == 2 || level == 3) && (entry & PTE_LARGE))) {
			u64 size = 1ull << shift;

			*gpa = (entry & PTE_ADDR & ~(size - 1)) |
			       (gva & (size - 1));
			break;
		}
		table = entry;
	}
	if (!strict)
		return 0;
	/* SMEP: the kernel may not run code of a page user mode may use. */
	if (access == GUEST_ACCESS_FETCH && user && (pg->cr4 & CR4_SMEP))
		return -1;
	/* Strict answers are about the guest's own RAM only. */
	return partition_gpa_to_hva(p, *gpa, false) ? 0 : -1;
}

int guest_walk(const struct partition *p, const struct guest_paging *pg,
	       u64 gva, u64 *gpa)
{
	return walk(p, pg, gva, GUEST_ACCESS_ANY, gpa);
}

int guest_walk_permits(const struct partition *p, const struct guest_paging *pg,
		       u64 gva, enum guest_access access, u64 *gpa)
{
	return walk(p, pg, gva, access, gpa);
}

size_t guest_read_virt(const struct partition *p, const struct guest_paging *pg,
		       u64 gva, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		u64 at = gva + done, gpa;
		size_t chunk = 4096 - (at & 4095);
		const u8 *src;

		if (chunk > len - done)
			chunk = len - done;
		if (guest_walk(p, pg, at, &gpa))
			break;
		/* Within one page: guest frames are contiguous only page
		 * by page on the host. */
		src = partition_gpa_to_hva(p, gpa, false);
		if (!src)
			break;
		memcpy((u8 *)buf + done, src, chunk);
		done += chunk;
	}
	return done;
}
