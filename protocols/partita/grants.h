/* SPDX-License-Identifier: MIT */
/* Grant tables: one partition lets one other map or copy one of its frames. */
#ifndef PARTITA_GRANTS_H
#define PARTITA_GRANTS_H

#include "abi-types.h"

/*
 * A guest partition keeps its grant table in frames of its own RAM that it
 * registers with GRANT_SET_TABLE: contiguous, page-aligned, 1 ..
 * max_grant_frames frames (partition config, default
 * PT_GRANT_DEFAULT_FRAMES, at most PT_GRANT_FRAMES_MAX), each holding
 * PT_GRANT_ENTRIES_PER_FRAME entries. Grant reference R is entry R.
 *
 * To grant frame F to partition T, the guest writes the entry's target and
 * gpfn first, then (after a store barrier) flags with PT_GRANT_PERMIT, plus
 * PT_GRANT_READONLY for read-only access. F must be a frame of its own RAM;
 * the hypervisor checks that when the grant is used, so a grant of
 * anything else (outside RAM, a frame mapped from another partition) fails
 * for the user with PT_STATUS_INVALID_GPA. Grants are never transitive.
 *
 * The target maps the frame with GRANT_MAP into its grant window, a range
 * of its own physical address space outside RAM (GRANT_WINDOW tells where;
 * for guests it is PT_GUEST_GRANT_WINDOW_GPA, also mapped by the boot page
 * tables; for the root it is a range above RAM that its e820 map marks
 * reserved). GRANT_UNMAP takes the mapping away. GRANT_COPY copies bytes
 * between a granted frame and the caller's own RAM without a mapping.
 *
 * The hypervisor keeps its own count of each grant's mappings: the guest
 * ends a grant with GRANT_END_ACCESS, which answers PT_STATUS_OBJECT_IN_USE
 * while the grant is mapped (the frame must not be reused then) and clears
 * the entry otherwise; GRANT_QUERY reports the count. A guest that clears
 * an entry itself only stops new mappings, never existing ones.
 *
 * When the granter ends while its frames are mapped, those frames stay out
 * of the memory pool until the last mapping is gone; then they are scrubbed
 * and returned. Mapping or copying from a partition that is ending or gone
 * answers PT_STATUS_INVALID_PARTITION_STATE or INVALID_PARTITION_ID.
 * The root partition maps and copies grants but has no grant table.
 */
#define PT_GRANT_ENTRIES_PER_FRAME 512u
#define PT_GRANT_DEFAULT_FRAMES 32u
#define PT_GRANT_FRAMES_MAX 64u
#define PT_GRANT_MAPS_MAX 16384u /* mappings one partition may hold */

#define PT_GUEST_GRANT_WINDOW_GPA 0x100000000ull /* 4 GiB */
#define PT_GUEST_GRANT_WINDOW_SIZE 0x40000000ull /* 1 GiB */

/* struct pt_grant_entry.flags, written by the granter. */
#define PT_GRANT_PERMIT (1u << 0)   /* the entry grants access */
#define PT_GRANT_READONLY (1u << 1) /* the target may only read */
#define PT_GRANT_FLAGS_VALID (PT_GRANT_PERMIT | PT_GRANT_READONLY)

struct pt_grant_entry {
	uint16_t flags;	 /* PT_GRANT_* */
	uint16_t target; /* the one partition that may use it */
	uint32_t gpfn;	 /* the granter's frame */
};
PT_ABI_SIZE(struct pt_grant_entry, 8);

/*
 * Calls (codes in hypercall.h):
 *
 * GRANT_SET_TABLE   fast: RDX = table GPA (page-aligned), R8 = frames;
 *                   RDX = 0 forgets the table (only while nothing of it is
 *                   mapped: OBJECT_IN_USE otherwise)
 * GRANT_MAP         rep: in pt_grant_map_in, out pt_grant_map_out per
 *                   element. Elements are done in order; the first that
 *                   fails stops the call (reps completed = its index) and
 *                   the ones before it stay mapped, so a caller unwinds
 *                   them with GRANT_UNMAP.
 * GRANT_UNMAP       rep: in uint64_t handle per element
 * GRANT_COPY        rep: in pt_grant_copy per element
 * GRANT_END_ACCESS  fast: RDX = ref
 * GRANT_QUERY       fast: RDX = ref; out RDX = mappings now, R8 = the
 *                   entry's flags (0: it grants nothing)
 * GRANT_WINDOW      fast: out RDX = window GPA, R8 = window bytes
 */
#define PT_GRANT_MAP_READONLY (1u << 0) /* map read-only (always allowed) */

struct pt_grant_map_in {
	uint16_t granter; /* partition id that owns the grant table */
	uint16_t flags;	  /* PT_GRANT_MAP_* */
	uint32_t ref;
	uint64_t gpa; /* page-aligned, in the caller's grant window, unmapped */
};
PT_ABI_SIZE(struct pt_grant_map_in, 16);

struct pt_grant_map_out {
	uint32_t handle; /* for GRANT_UNMAP */
	uint32_t reserved;
};
PT_ABI_SIZE(struct pt_grant_map_out, 8);

#define PT_GRANT_COPY_TO_GRANT (1u << 0) /* else: from the grant */

struct pt_grant_copy {
	uint16_t granter;
	uint16_t flags; /* PT_GRANT_COPY_* */
	uint32_t ref;
	uint32_t offset;    /* in the granted frame */
	uint32_t length;    /* 1 .. 4096; both sides stay inside their page */
	uint64_t local_gpa; /* the caller's RAM */
};
PT_ABI_SIZE(struct pt_grant_copy, 24);

#endif
