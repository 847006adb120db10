// SPDX-License-Identifier: GPL-2.0-only
/* Grant tables: granting frames, mapping and copying them, and the counts. */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/partition-internal.h>
#include <partita/status.h>
#include <string.h>

void grant_init(struct partition *p, u32 max_frames)
{
	p->grant.max_frames = max_frames ? max_frames : PT_GRANT_DEFAULT_FRAMES;
}

void grant_window(const struct partition *p, u64 *base, u64 *size)
{
	if (p->id == ROOT_PARTITION_ID) {
		arch_root_grant_window(base, size);
	} else {
		*base = PT_GUEST_GRANT_WINDOW_GPA;
		*size = PT_GUEST_GRANT_WINDOW_SIZE;
	}
}

/* The lock lives in the partition, outside what a slot's reuse zeroes. */
static struct spinlock *g_lock(struct grant_state *gs)
{
	return &container_of(gs, struct partition, grant)->grant_lock;
}

static u16 *active_of(struct grant_state *gs, u32 ref)
{
	return &gs->active[ref / GRANT_ACTIVE_PER_FRAME]
			  [ref % GRANT_ACTIVE_PER_FRAME];
}

static u32 ref_count(const struct grant_state *gs)
{
	return gs->frames * PT_GRANT_ENTRIES_PER_FRAME;
}

static void free_active(struct grant_state *gs)
{
	for (u32 i = 0; i < GRANT_ACTIVE_FRAMES; i++) {
		if (gs->active_pa[i])
			frame_free(gs->active_pa[i]);
		gs->active[i] = NULL;
		gs->active_pa[i] = 0;
	}
}

int grant_set_table(struct partition *p, u64 gpa, u32 frames)
{
	struct grant_state *gs = &p->grant;
	struct pt_grant_entry *table[PT_GRANT_FRAMES_MAX];
	u32 need;
	int status = PT_STATUS_SUCCESS;

	if (p->id == ROOT_PARTITION_ID)
		return PT_STATUS_OPERATION_DENIED; /* the root only maps */
	if (gpa && (frames == 0 || frames > gs->max_frames))
		return PT_STATUS_INVALID_PARAMETER;
	for (u32 i = 0; gpa && i < frames; i++) {
		table[i] = partition_gpa_to_hva(p, gpa + i * PAGE_SIZE, true);
		if (!table[i])
			return PT_STATUS_INVALID_GPA;
	}
	need = (frames * PT_GRANT_ENTRIES_PER_FRAME + GRANT_ACTIVE_PER_FRAME -
		1) /
	       GRANT_ACTIVE_PER_FRAME;
	spin_lock(g_lock(gs));
	if (gs->dead)
		status = PT_STATUS_INVALID_PARTITION_STATE;
	else if (gs->refs_mapped)
		status = PT_STATUS_OBJECT_IN_USE; /* mapped: keep it */
	if (status)
		goto out;
	free_active(gs);
	memset(gs->table, 0, sizeof(gs->table));
	gs->frames = 0;
	gs->table_gpa = 0;
	if (!gpa)
		goto out;
	for (u32 i = 0; i < need; i++) {
		u64 pa = frame_alloc((u16)p->id, FRAME_KIND_CONTROL);

		if (!pa) {
			free_active(gs);
			status = PT_STATUS_INSUFFICIENT_MEMORY;
			goto out;
		}
		gs->active[i] = phys_to_virt(pa);
		gs->active_pa[i] = pa;
	}
	memcpy(gs->table, table, frames * sizeof(table[0]));
	gs->frames = frames;
	gs->table_gpa = gpa;
out:
	spin_unlock(g_lock(gs));
	return status;
}

/*
 * The frame behind one of g's grants, for `holder`: checks the entry (read
 * once), takes a frame reference and counts the use. g's lock is held.
 */
static int use_grant_locked(struct partition *g, const struct partition *holder,
			    u32 ref, bool write, u64 *hpa)
{
	struct grant_state *gs = &g->grant;
	const struct pt_grant_entry *e;
	u32 flags, target, gpfn, npt_flags;
	u64 raw, pa;
	u16 *count;

	if (gs->dead || READ_ONCE(g->state) != PART_STATE_RUNNING)
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (ref >= ref_count(gs))
		return PT_STATUS_INVALID_GRANT_REF;
	e = &gs->table[ref / PT_GRANT_ENTRIES_PER_FRAME]
		      [ref % PT_GRANT_ENTRIES_PER_FRAME];
	/* One 8-byte read: the guest may rewrite the entry meanwhile. */
	raw = __atomic_load_n((const u64 *)e, __ATOMIC_ACQUIRE);
	flags = (u32)(raw & 0xFFFF);
	target = (u32)((raw >> 16) & 0xFFFF);
	gpfn = (u32)(raw >> 32);
	if (!(flags & PT_GRANT_PERMIT))
		return PT_STATUS_INVALID_GRANT_REF;
	if (target != holder->id || (write && (flags & PT_GRANT_READONLY)))
		return PT_STATUS_ACCESS_DENIED;
	if ((u64)gpfn >= g->memory_bytes >> PAGE_SHIFT)
		return PT_STATUS_INVALID_GPA;
	pa = arch_npt_lookup(g, (u64)gpfn << PAGE_SHIFT, &npt_flags);
	/* Its own RAM only: a frame it maps from another partition is not
	 * its to grant (no transitive grants). */
	if (pa == NPT_NO_PAGE || !frame_get_ref(pa & PAGE_MASK, (u16)g->id))
		return PT_STATUS_INVALID_GPA;
	count = active_of(gs, ref);
	if (*count == 0xFFFF) {
		frame_put_ref(pa & PAGE_MASK);
		return PT_STATUS_NO_RESOURCES;
	}
	if ((*count)++ == 0)
		gs->refs_mapped++;
	*hpa = pa & PAGE_MASK;
	return PT_STATUS_SUCCESS;
}

/* The same for a granter named by id: its lock is taken and dropped here;
 * *gen says which partition it was, for release_use. */
static int use_grant(const struct partition *holder, u32 granter, u32 ref,
		     bool write, struct partition **g, u64 *gen, u64 *hpa)
{
	int status;

	*g = partition_get(granter);
	if (!*g)
		return PT_STATUS_INVALID_PARTITION_ID;
	spin_lock(&(*g)->grant_lock);
	*gen = (*g)->generation;
	status = use_grant_locked(*g, holder, ref, write, hpa);
	spin_unlock(&(*g)->grant_lock);
	return status;
}

/* Undoes use_grant_locked's count, if g is still the partition it was. */
static void release_use(u32 granter, u64 granter_gen, u32 ref, u64 hpa)
{
	struct partition *g = &partitions[granter];
	struct grant_state *gs = &g->grant;

	spin_lock(g_lock(gs));
	if (!gs->dead && g->generation == granter_gen && ref < ref_count(gs) &&
	    *active_of(gs, ref) && --*active_of(gs, ref) == 0)
		gs->refs_mapped--;
	spin_unlock(g_lock(gs));
	frame_put_ref(hpa);
}

static bool in_window(const struct partition *p, u64 gpa)
{
	u64 base, size;

	grant_window(p, &base, &size);
	return gpa >= base && gpa - base < size;
}

/* A free mapping slot, taking a frame for more if needed; lock held. */
static struct grant_map *map_slot_locked(struct partition *p, u32 *handle,
					 int *status)
{
	struct grant_state *gs = &p->grant;

	for (u32 f = 0; f < GRANT_MAP_FRAMES; f++) {
		if (!gs->maps[f]) {
			u64 pa = frame_alloc((u16)p->id, FRAME_KIND_CONTROL);

			if (!pa) {
				*status = PT_STATUS_INSUFFICIENT_MEMORY;
				return NULL;
			}
			gs->maps[f] = phys_to_virt(pa);
		}
		for (u32 i = 0; i < GRANT_MAPS_PER_FRAME; i++) {
			if (!(gs->maps[f][i].flags & GRANT_MAP_USED)) {
				*handle = f * GRANT_MAPS_PER_FRAME + i;
				return &gs->maps[f][i];
			}
		}
	}
	*status = PT_STATUS_NO_RESOURCES; /* all 16384 in use */
	return NULL;
}

int grant_map(struct partition *p, const struct pt_grant_map_in *in,
	      u32 *handle)
{
	bool ro = in->flags & PT_GRANT_MAP_READONLY;
	struct partition *g;
	struct grant_map *m;
	u32 npt_flags;
	u64 hpa, gen;
	int status;

	if (in->flags & ~PT_GRANT_MAP_READONLY)
		return PT_STATUS_INVALID_PARAMETER;
	if ((in->gpa & (PAGE_SIZE - 1)) || !in_window(p, in->gpa))
		return PT_STATUS_INVALID_GPA;
	status = use_grant(p, in->granter, in->ref, !ro, &g, &gen, &hpa);
	if (status)
		return status;

	spin_lock(&p->grant_lock);
	m = NULL;
	if (p->grant.dead)
		status = PT_STATUS_INVALID_PARTITION_STATE;
	else if (arch_npt_lookup(p, in->gpa, &npt_flags) != NPT_NO_PAGE)
		status = PT_STATUS_INVALID_GPA; /* something is there */
	else if (!(m = map_slot_locked(p, handle, &status)))
		;
	else if (arch_npt_map(p, in->gpa, hpa,
			      ro ? NPT_READ : NPT_READ | NPT_WRITE))
		status = PT_STATUS_INSUFFICIENT_MEMORY;
	if (!status) {
		*m = (struct grant_map){
			(u16)g->id, GRANT_MAP_USED | (ro ? GRANT_MAP_RO : 0),
			in->ref,    gen,
			in->gpa,    hpa
		};
		p->grant.maps_held++;
		p->grant.maps_done++;
	}
	spin_unlock(&p->grant_lock);
	if (status)
		release_use(g->id, gen, in->ref, hpa);
	return status;
}

int grant_unmap(struct partition *p, u64 handle)
{
	struct grant_state *gs = &p->grant;
	struct grant_map m = { 0 };

	if (handle >= PT_GRANT_MAPS_MAX)
		return PT_STATUS_INVALID_HANDLE;
	spin_lock(g_lock(gs));
	if (gs->maps[handle / GRANT_MAPS_PER_FRAME])
		m = gs->maps[handle / GRANT_MAPS_PER_FRAME]
			    [handle % GRANT_MAPS_PER_FRAME];
	if (m.flags & GRANT_MAP_USED) {
		arch_npt_unmap(p, m.gpa);
		memset(&gs->maps[handle / GRANT_MAPS_PER_FRAME]
				[handle % GRANT_MAPS_PER_FRAME],
		       0, sizeof(m));
		gs->maps_held--;
	}
	spin_unlock(g_lock(gs));
	if (!(m.flags & GRANT_MAP_USED))
		return PT_STATUS_INVALID_HANDLE;
	/* No CPU may still reach the frame before the granter learns that it
	 * is free again (or before a HELD frame is scrubbed). */
	arch_npt_flush(p);
	release_use(m.granter, m.granter_gen, m.ref, m.hpa);
	return PT_STATUS_SUCCESS;
}

int grant_copy(struct partition *p, const struct pt_grant_copy *in)
{
	bool to_grant = in->flags & PT_GRANT_COPY_TO_GRANT;
	struct partition *g;
	u8 *local, *frame;
	u64 hpa, gen;
	int status;

	if ((in->flags & ~PT_GRANT_COPY_TO_GRANT) || in->length == 0 ||
	    in->length > PAGE_SIZE || in->offset > PAGE_SIZE - in->length ||
	    (in->local_gpa & (PAGE_SIZE - 1)) > PAGE_SIZE - in->length)
		return PT_STATUS_INVALID_PARAMETER;
	local = partition_gpa_to_hva(p, in->local_gpa, !to_grant);
	if (!local)
		return PT_STATUS_INVALID_GPA;
	status = use_grant(p, in->granter, in->ref, to_grant, &g, &gen, &hpa);
	if (status)
		return status;
	/* Counted as a use while it copies: the granter cannot end access
	 * and reuse the frame under the copy. */
	frame = (u8 *)phys_to_virt(hpa) + in->offset;
	/* memmove: a grant to oneself may copy within one frame. */
	if (to_grant)
		memmove(frame, local, in->length);
	else
		memmove(local, frame, in->length);
	release_use(g->id, gen, in->ref, hpa);
	__atomic_fetch_add(&p->grant.copies_done, 1, __ATOMIC_RELAXED);
	return PT_STATUS_SUCCESS;
}

int grant_end_access(struct partition *p, u32 ref)
{
	struct grant_state *gs = &p->grant;
	int status = PT_STATUS_SUCCESS;

	spin_lock(g_lock(gs));
	if (ref >= ref_count(gs)) {
		status = PT_STATUS_INVALID_GRANT_REF;
	} else if (*active_of(gs, ref)) {
		status = PT_STATUS_OBJECT_IN_USE;
	} else {
		struct pt_grant_entry *e =
			&gs->table[ref / PT_GRANT_ENTRIES_PER_FRAME]
				  [ref % PT_GRANT_ENTRIES_PER_FRAME];

		__atomic_store_n(&e->flags, 0, __ATOMIC_RELEASE);
	}
	spin_unlock(g_lock(gs));
	return status;
}

int grant_query(struct partition *p, u32 ref, u64 *mappings, u64 *flags)
{
	struct grant_state *gs = &p->grant;
	int status = PT_STATUS_SUCCESS;

	spin_lock(g_lock(gs));
	if (ref >= ref_count(gs)) {
		status = PT_STATUS_INVALID_GRANT_REF;
	} else {
		*mappings = *active_of(gs, ref);
		*flags = READ_ONCE(gs->table[ref / PT_GRANT_ENTRIES_PER_FRAME]
					    [ref % PT_GRANT_ENTRIES_PER_FRAME]
						    .flags);
	}
	spin_unlock(g_lock(gs));
	return status;
}

void grant_partition_end(struct partition *p)
{
	struct grant_state *gs = &p->grant;

	spin_lock(g_lock(gs));
	gs->dead = true;
	/* Its own table lives in its RAM, which is about to go. */
	memset(gs->table, 0, sizeof(gs->table));
	gs->frames = 0;
	gs->release_cursor = 0;
	spin_unlock(g_lock(gs));
}

bool grant_release_step(struct partition *p, u64 deadline_tsc)
{
	struct grant_state *gs = &p->grant;

	/* Its vCPUs are off their CPUs: its mappings go without a flush. */
	while (READ_ONCE(gs->maps_held) &&
	       gs->release_cursor < PT_GRANT_MAPS_MAX) {
		u32 handle = gs->release_cursor++;
		struct grant_map m = { 0 };

		spin_lock(g_lock(gs));
		if (gs->maps[handle / GRANT_MAPS_PER_FRAME]) {
			struct grant_map *slot =
				&gs->maps[handle / GRANT_MAPS_PER_FRAME]
					 [handle % GRANT_MAPS_PER_FRAME];

			m = *slot;
			if (m.flags & GRANT_MAP_USED) {
				arch_npt_unmap(p, m.gpa);
				memset(slot, 0, sizeof(*slot));
				gs->maps_held--;
			}
		}
		spin_unlock(g_lock(gs));
		if (m.flags & GRANT_MAP_USED) {
			release_use(m.granter, m.granter_gen, m.ref, m.hpa);
			if (arch_tsc() >= deadline_tsc)
				break;
		}
	}
	if (READ_ONCE(gs->maps_held))
		return false;
	spin_lock(g_lock(gs));
	memset(gs->maps, 0, sizeof(gs->maps));
	memset(gs->active, 0, sizeof(gs->active));
	memset(gs->active_pa, 0, sizeof(gs->active_pa));
	spin_unlock(g_lock(gs));
	return true;
}
