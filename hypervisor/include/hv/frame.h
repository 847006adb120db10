/* SPDX-License-Identifier: GPL-2.0-only */
/* The frame table: the owner of every 4 KiB frame of the guest pool. */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include "types.h"

/*
 * Invariant: every pool frame has exactly one owner (free, hypervisor or a
 * partition id); a destroyed partition returns every frame it owned.
 */
#define FRAME_OWNER_FREE 0xFFFFu
#define FRAME_OWNER_HV 0xFFFEu
/* A frame of a partition that ended while others still map it (grants):
 * out of the pool until its last foreign mapping goes. */
#define FRAME_OWNER_HELD 0xFFFDu
/* Owners below this (partition ids) have their frames counted. */
#define FRAME_COUNTED_OWNERS 64u

enum frame_kind {
	FRAME_KIND_FREE = 0,
	FRAME_KIND_RAM,	       /* guest RAM */
	FRAME_KIND_PAGE_TABLE, /* a nested page table level */
	FRAME_KIND_CONTROL,    /* per-vCPU control blocks and the like */
};

struct frame_info {
	u16 owner;
	u8 kind;
	u8 flags;
	u32 refs; /* foreign mappings (grants) */
};

struct frame_pool_stats {
	u64 total;
	u64 free;
};

/* `meta` must hold frame_pool_meta_size(nframes) bytes. */
u64 frame_pool_meta_size(u64 nframes);
void frame_pool_init(u64 base_pa, u64 nframes, void *meta);

/* Returns the physical address of a zeroed frame, or 0 when none is left. */
u64 frame_alloc(u16 owner, enum frame_kind kind);
void frame_free(u64 pa);

/*
 * Foreign mappings (grants). frame_get_ref takes one on a RAM frame that
 * `owner` holds now, and fails (false) otherwise; frame_put_ref drops it,
 * and the last one of a HELD frame scrubs and frees it.
 */
bool frame_get_ref(u64 pa, u16 owner);
void frame_put_ref(u64 pa);
/* Frames kept out of the pool because an ended partition's frame is still
 * mapped somewhere. */
u64 frame_held_count(void);

/* Frees every frame `owner` holds; returns how many. A frame with foreign
 * mappings is not freed but becomes HELD (not counted as released). */
u64 frame_release_owner(u16 owner);
/*
 * The same in slices: scans from *cursor, scrubbing and freeing `owner`'s
 * frames, until the TSC passes deadline_tsc (at least one frame is looked
 * at). Adds to *released; returns true once the whole pool is scanned.
 */
bool frame_release_owner_step(u16 owner, u64 *cursor, u64 *released,
			      u64 deadline_tsc);

u64 frame_count_owned(u16 owner);
struct frame_pool_stats frame_pool_stats(void);
/* NULL when pa is not a pool frame. */
const struct frame_info *frame_lookup(u64 pa);

/*
 * Checks the invariant: the free stack and the table agree, no frame is
 * listed twice, the per-partition counts match the table, only RAM has
 * foreign mappings and every HELD frame has one. Returns 0 or a negative
 * number naming the first violation.
 */
int frame_pool_check(void);

#endif
