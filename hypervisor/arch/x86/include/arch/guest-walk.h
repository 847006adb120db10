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

/* What kind of supervisor access guest_walk_permits asks about. */
enum guest_access {
	GUEST_ACCESS_ANY, /* present entries only (guest_walk) */
	GUEST_ACCESS_READ,
	GUEST_ACCESS_WRITE,
	GUEST_ACCESS_FETCH,
};

/*
 * Like guest_walk, but 0 only when a supervisor `access` to `gva` would
 * complete without a page fault, as far as the guest's own tables say:
 * every entry present, no reserved bit (NX without EFER.NXE, PS in a
 * PML4 entry, low address bits of a large page), not NX for a fetch, not
 * read-only for a write under CR0.WP, not a user page for a fetch under
 * SMEP, and the GPA inside the guest's RAM. For classifying a fault the
 * guest took, never to emulate one.
 */
int guest_walk_permits(const struct partition *p, const struct guest_paging *pg,
		       u64 gva, enum guest_access access, u64 *gpa);

/* Copies up to `len` bytes from guest-virtual `gva`; returns how many
 * could be read (stops at the first page that does not translate). */
size_t guest_read_virt(const struct partition *p, const struct guest_paging *pg,
		       u64 gva, void *buf, size_t len);

#endif
