// SPDX-License-Identifier: GPL-2.0-only
/* A partition's memory: populating it, and reaching it from the hypervisor. */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/text-ring.h>
#include <partita/root.h>
#include <partita/status.h>
#include <string.h>

void *partition_gpa_to_hva(const struct partition *p, u64 gpa, bool write)
{
	u32 flags = 0;
	u64 hpa;

	if (gpa >= p->memory_bytes)
		return NULL;
	/* The root's grant window holds other partitions' frames: never
	 * what the root hands the hypervisor as its own memory. */
	if (p->id == ROOT_PARTITION_ID) {
		u64 base, size;

		arch_root_grant_window(&base, &size);
		if (gpa - base < size || !arch_root_ram(gpa))
			return NULL;
	}
	hpa = arch_npt_lookup(p, gpa & PAGE_MASK, &flags);
	if (hpa == NPT_NO_PAGE || (write && !(flags & NPT_WRITE)))
		return NULL;
	/* The root's map reaches beyond what the hypervisor maps itself. */
	if (hpa >= arch_phys_mapped_limit())
		return NULL;
	return (u8 *)phys_to_virt(hpa) + (gpa & (PAGE_SIZE - 1));
}

int partition_copy_to_guest(const struct partition *p, u64 gpa, const void *src,
			    u64 len)
{
	const u8 *s = src;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		void *dst = partition_gpa_to_hva(p, gpa, true);

		if (!dst)
			return -1;
		memcpy(dst, s, chunk);
		gpa += chunk;
		s += chunk;
		len -= chunk;
	}
	return 0;
}

int partition_copy_from_guest(const struct partition *p, void *dst, u64 gpa,
			      u64 len)
{
	u8 *d = dst;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		const void *src = partition_gpa_to_hva(p, gpa, false);

		if (!src)
			return -1;
		memcpy(d, src, chunk);
		gpa += chunk;
		d += chunk;
		len -= chunk;
	}
	return 0;
}

int partition_populate(struct partition *p, u64 gpfn)
{
	u32 flags;
	u64 hpa;

	if (p->state != PART_STATE_CREATED)
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (gpfn >= p->memory_bytes >> PAGE_SHIFT)
		return PT_STATUS_INVALID_GPA;
	if (arch_npt_lookup(p, gpfn << PAGE_SHIFT, &flags) != NPT_NO_PAGE)
		return PT_STATUS_INVALID_PARAMETER; /* populated already */
	hpa = frame_alloc((u16)p->id, FRAME_KIND_RAM);
	if (!hpa)
		return PT_STATUS_INSUFFICIENT_MEMORY;
	if (arch_npt_map(p, gpfn << PAGE_SHIFT, hpa, NPT_RWX)) {
		frame_free(hpa);
		return PT_STATUS_INSUFFICIENT_MEMORY;
	}
	p->populated_pages++;
	return PT_STATUS_SUCCESS;
}

void partition_console_append(struct partition *p, const char *s, u32 len)
{
	struct text_ring ring = { p->console_buf, PARTITION_CONSOLE_RING,
				  p->console_seq };

	text_ring_append(&ring, s, len);
	p->console_seq = ring.seq;
}
