// SPDX-License-Identifier: GPL-2.0-only
/* Nested page tables: each partition's guest-physical to host-physical map. */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/partition.h>

/*
 * Four-level tables in the long-mode format with 4 KiB leaves (AMD APM
 * vol. 2, 15.25.5: nested tables use the host's paging format). Table frames
 * belong to the partition, so they come back with its other frames.
 */
#define NPT_P BIT(0)
#define NPT_W BIT(1)
#define NPT_U BIT(2) /* nested walks are user accesses: must be set */
#define NPT_NX BIT(63)
#define NPT_ADDR 0x000FFFFFFFFFF000ull

int arch_npt_init(struct partition *p)
{
	p->npt_root = frame_alloc((u16)p->id, FRAME_KIND_PAGE_TABLE);
	return p->npt_root ? 0 : -1;
}

static unsigned level_index(u64 gpa, int level)
{
	return (unsigned)((gpa >> (12 + 9 * level)) & 511);
}

#define NPT_PS BIT(7) /* a 2 MiB or 1 GiB leaf */

static u64 leaf_bits(u32 flags)
{
	return NPT_P | NPT_U | ((flags & NPT_WRITE) ? NPT_W : 0) |
	       ((flags & NPT_EXEC) ? 0 : NPT_NX);
}

int arch_npt_map_large(struct partition *p, u64 gpa, u64 hpa, u64 size,
		       u32 flags)
{
	int leaf_level = size == (1ull << 30)	? 2
			 : size == (2ull << 20) ? 1
						: 0;
	u64 *table = phys_to_virt(p->npt_root);

	if ((gpa | hpa) & (size - 1) || (leaf_level == 0 && size != PAGE_SIZE))
		return -1;
	for (int level = 3; level > leaf_level; level--) {
		u64 *e = &table[level_index(gpa, level)];

		if (!(*e & NPT_P)) {
			u64 next =
				frame_alloc((u16)p->id, FRAME_KIND_PAGE_TABLE);

			if (!next)
				return -1;
			*e = next | NPT_P | NPT_W | NPT_U;
		} else if (*e & NPT_PS) {
			return -1; /* already covered by a larger page */
		}
		table = phys_to_virt(*e & NPT_ADDR);
	}
	/* A remap of a leaf is fine; replacing a table would drop the
	 * mappings below it. */
	if (leaf_level &&
	    (table[level_index(gpa, leaf_level)] & (NPT_P | NPT_PS)) == NPT_P)
		return -1;
	table[level_index(gpa, leaf_level)] =
		(hpa & NPT_ADDR) | leaf_bits(flags) | (leaf_level ? NPT_PS : 0);
	return 0;
}

int arch_npt_map(struct partition *p, u64 gpa, u64 hpa, u32 flags)
{
	return arch_npt_map_large(p, gpa, hpa, PAGE_SIZE, flags);
}

int arch_npt_unmap(struct partition *p, u64 gpa)
{
	u64 *table = phys_to_virt(p->npt_root);

	for (int level = 3; level > 0; level--) {
		u64 e = table[level_index(gpa, level)];

		if (!(e & NPT_P) || (e & NPT_PS))
			return -1; /* nothing, or a large page: not ours */
		table = phys_to_virt(e & NPT_ADDR);
	}
	if (!(table[level_index(gpa, 0)] & NPT_P))
		return -1;
	/* Empty tables stay: they belong to the partition until it ends. */
	WRITE_ONCE(table[level_index(gpa, 0)], 0);
	return 0;
}

static u64 leaf_flags(u64 e)
{
	return NPT_READ | ((e & NPT_W) ? NPT_WRITE : 0) |
	       ((e & NPT_NX) ? 0 : NPT_EXEC);
}

u64 arch_npt_lookup(const struct partition *p, u64 gpa, u32 *flags)
{
	const u64 *table = phys_to_virt(p->npt_root);
	u64 e;

	if (!p->npt_root)
		return NPT_NO_PAGE;
	for (int level = 3; level > 0; level--) {
		e = table[level_index(gpa, level)];
		if (!(e & NPT_P))
			return NPT_NO_PAGE;
		if (level < 3 && (e & NPT_PS)) {
			u64 size = 1ull << (12 + 9 * level);

			*flags = (u32)leaf_flags(e);
			return (e & NPT_ADDR & ~(size - 1)) |
			       (gpa & (size - 1));
		}
		table = phys_to_virt(e & NPT_ADDR);
	}
	e = table[level_index(gpa, 0)];
	if (!(e & NPT_P))
		return NPT_NO_PAGE;
	*flags = (u32)leaf_flags(e);
	return (e & NPT_ADDR) | (gpa & (PAGE_SIZE - 1));
}
