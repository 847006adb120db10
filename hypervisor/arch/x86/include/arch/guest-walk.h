/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading a guest's memory by its own virtual addresses, for reports. */
#ifndef ARCH_GUEST_WALK_H
#define ARCH_GUEST_WALK_H

#include <hv/types.h>

struct partition;

/* The guest's paging state, as its VMCB holds it at an exit. */
struct guest_paging {
	u64 cr0, cr3, cr4, efer;
};

/*
 * The GPA that guest-virtual `gva` maps to through the guest's own page
 * tables: 0 and *gpa set, or -1 when nothing is mapped there, a table is
 * outside the guest's RAM, or the paging mode is one this walker does not
 * read (32-bit paging, five levels). With paging off a GVA is its GPA.
 * Only reads guest memory; used for kill reports, never to emulate.
 */
int guest_walk(const struct partition *p, const struct guest_paging *pg,
	       u64 gva, u64 *gpa);

/* Copies up to `len` bytes from guest-virtual `gva`; returns how many
 * could be read (stops at the first page that does not translate). */
size_t guest_read_virt(const struct partition *p, const struct guest_paging *pg,
		       u64 gva, void *buf, size_t len);

#endif
