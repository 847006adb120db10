/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant tables: granting frames, mapping and copying them, and the counts. */
#ifndef HV_GRANT_H
#define HV_GRANT_H

#include "types.h"
#include "spinlock.h"
#include <partita/grants.h>

struct partition;

/* One mapping a partition holds of another's (or its own) granted frame. */
struct grant_map {
	u16 granter;
	u16 flags; /* GRANT_MAP_* */
	u32 ref;
	u64 granter_gen;
	u64 gpa; /* where the holder sees it */
	u64 hpa;
};
#define GRANT_MAP_USED BIT(0)
#define GRANT_MAP_RO BIT(1)

#define GRANT_MAPS_PER_FRAME (PAGE_SIZE / sizeof(struct grant_map))
#define GRANT_MAP_FRAMES (PT_GRANT_MAPS_MAX / GRANT_MAPS_PER_FRAME)
/* Mapping counts per grant ref: 16 bits each, a frame holds 2048. */
#define GRANT_ACTIVE_PER_FRAME (PAGE_SIZE / sizeof(u16))
#define GRANT_ACTIVE_FRAMES                                 \
	(PT_GRANT_FRAMES_MAX * PT_GRANT_ENTRIES_PER_FRAME / \
	 GRANT_ACTIVE_PER_FRAME)

/*
 * A partition's grants, as granter (its table and how often each ref is
 * mapped) and as holder (its mappings). partition->grant_lock guards both
 * and survives the slot's reuse; no two grant locks are ever held together. A mapping
 * holds a frame reference (frame_get_ref), so a granter that ends leaves
 * mapped frames HELD until the last unmap.
 */
struct grant_state {
	bool dead; /* ended: no new mappings of its grants, none by it */
	u32 max_frames;
	u32 frames; /* registered table size */
	u64 table_gpa;
	struct pt_grant_entry *table[PT_GRANT_FRAMES_MAX];
	u16 *active[GRANT_ACTIVE_FRAMES];
	u64 active_pa[GRANT_ACTIVE_FRAMES];
	u32 refs_mapped; /* refs whose count is not zero */
	struct grant_map *maps[GRANT_MAP_FRAMES];
	u32 maps_held;
	u32 release_cursor; /* the next handle grant_release_step looks at */
	u64 maps_done, copies_done;
};

/* Sets the table size limit of a new partition (0: the default). */
void grant_init(struct partition *p, u32 max_frames);

/* The calls; each returns a PT_STATUS_*. */
int grant_set_table(struct partition *p, u64 gpa, u32 frames);
int grant_map(struct partition *p, const struct pt_grant_map_in *in,
	      u32 *handle);
int grant_unmap(struct partition *p, u64 handle);
int grant_copy(struct partition *p, const struct pt_grant_copy *in);
int grant_end_access(struct partition *p, u32 ref);
int grant_query(struct partition *p, u32 ref, u64 *mappings, u64 *flags);
void grant_window(const struct partition *p, u64 *base, u64 *size);

/*
 * The partition's vCPUs are gone: nobody maps its grants any more. Then
 * grant_release_step gives up its own mappings in slices until
 * deadline_tsc; true once none is left.
 */
void grant_partition_end(struct partition *p);
bool grant_release_step(struct partition *p, u64 deadline_tsc);

#endif
