// SPDX-License-Identifier: GPL-2.0-only
/* The frame table: the owner of every 4 KiB frame of the guest pool. */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/spinlock.h>
#include <string.h>

/*
 * One contiguous pool. Free frames sit on a stack of frame numbers so that
 * allocation and release are O(1); the table says who owns each frame.
 */
static struct {
	struct spinlock lock;
	u64 base;
	u64 nframes;
	u64 nfree;
	struct frame_info *table;
	u32 *free_stack;
	/* Frames per partition id, so asking costs nothing. */
	u64 owned[FRAME_COUNTED_OWNERS];
	u64 held;
} pool = { SPINLOCK_INIT, 0, 0, 0, NULL, NULL, { 0 }, 0 };

u64 frame_pool_meta_size(u64 nframes)
{
	return nframes * (sizeof(struct frame_info) + sizeof(u32));
}

void frame_pool_init(u64 base_pa, u64 nframes, void *meta)
{
	pool.base = base_pa;
	pool.nframes = nframes;
	pool.table = meta;
	pool.free_stack = (u32 *)(pool.table + nframes);
	for (u64 i = 0; i < nframes; i++) {
		pool.table[i] = (struct frame_info){ FRAME_OWNER_FREE,
						     FRAME_KIND_FREE, 0, 0 };
		/* Lowest frames on top: allocation walks memory upwards. */
		pool.free_stack[i] = (u32)(nframes - 1 - i);
	}
	pool.nfree = nframes;
	pool.held = 0;
	memset(pool.owned, 0, sizeof(pool.owned));
}

static bool pa_to_index(u64 pa, u64 *index)
{
	if (pa < pool.base || (pa & (PAGE_SIZE - 1)))
		return false;
	*index = (pa - pool.base) >> PAGE_SHIFT;
	return *index < pool.nframes;
}

u64 frame_alloc(u16 owner, enum frame_kind kind)
{
	u64 index, pa;

	spin_lock(&pool.lock);
	if (pool.nfree == 0) {
		spin_unlock(&pool.lock);
		return 0;
	}
	index = pool.free_stack[--pool.nfree];
	pool.table[index] = (struct frame_info){ owner, (u8)kind, 0, 0 };
	if (owner < FRAME_COUNTED_OWNERS)
		pool.owned[owner]++;
	spin_unlock(&pool.lock);
	pa = pool.base + (index << PAGE_SHIFT);
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static void free_index_locked(u64 index)
{
	u16 owner = pool.table[index].owner;

	if (owner < FRAME_COUNTED_OWNERS)
		pool.owned[owner]--;
	pool.table[index] =
		(struct frame_info){ FRAME_OWNER_FREE, FRAME_KIND_FREE, 0, 0 };
	pool.free_stack[pool.nfree++] = (u32)index;
}

void frame_free(u64 pa)
{
	u64 index;

	if (!pa_to_index(pa, &index))
		return;
	/* Scrub outside the lock: the next owner must not see old data. */
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	spin_lock(&pool.lock);
	if (pool.table[index].owner != FRAME_OWNER_FREE)
		free_index_locked(index);
	spin_unlock(&pool.lock);
}

bool frame_release_owner_step(u16 owner, u64 *cursor, u64 *released,
			      u64 deadline_tsc)
{
	u64 i = *cursor;

	for (; i < pool.nframes; i++) {
		if (i != *cursor && arch_tsc() >= deadline_tsc)
			break;
		if (pool.table[i].owner != owner)
			continue;
		spin_lock(&pool.lock);
		if (pool.table[i].owner == owner && pool.table[i].refs) {
			/* Mapped elsewhere: it must not be reused (or scrubbed
			 * under the mapper) until the last mapping goes. */
			if (owner < FRAME_COUNTED_OWNERS)
				pool.owned[owner]--;
			pool.table[i].owner = FRAME_OWNER_HELD;
			pool.held++;
			spin_unlock(&pool.lock);
			continue;
		}
		spin_unlock(&pool.lock);
		memset(phys_to_virt(pool.base + (i << PAGE_SHIFT)), 0,
		       PAGE_SIZE);
		spin_lock(&pool.lock);
		if (pool.table[i].owner == owner && !pool.table[i].refs) {
			free_index_locked(i);
			(*released)++;
		}
		spin_unlock(&pool.lock);
	}
	*cursor = i;
	return i >= pool.nframes;
}

u64 frame_release_owner(u16 owner)
{
	u64 cursor = 0, released = 0;

	frame_release_owner_step(owner, &cursor, &released, ~0ull);
	return released;
}

bool frame_get_ref(u64 pa, u16 owner)
{
	bool ok = false;
	u64 index;

	if (!pa_to_index(pa, &index))
		return false;
	spin_lock(&pool.lock);
	if (pool.table[index].owner == owner &&
	    pool.table[index].kind == FRAME_KIND_RAM &&
	    pool.table[index].refs != ~0u) {
		pool.table[index].refs++;
		ok = true;
	}
	spin_unlock(&pool.lock);
	return ok;
}

void frame_put_ref(u64 pa)
{
	bool release = false;
	u64 index;

	if (!pa_to_index(pa, &index))
		return;
	spin_lock(&pool.lock);
	if (pool.table[index].refs && --pool.table[index].refs == 0 &&
	    pool.table[index].owner == FRAME_OWNER_HELD) {
		/* Nobody can reach it now: take it out of the count, scrub it
		 * outside the lock, then free it. */
		pool.table[index].owner = FRAME_OWNER_HV;
		pool.held--;
		release = true;
	}
	spin_unlock(&pool.lock);
	if (release)
		frame_free(pa);
}

u64 frame_held_count(void)
{
	u64 n;

	spin_lock(&pool.lock);
	n = pool.held;
	spin_unlock(&pool.lock);
	return n;
}

u64 frame_count_owned(u16 owner)
{
	u64 n = 0;

	if (owner < FRAME_COUNTED_OWNERS) {
		spin_lock(&pool.lock);
		n = pool.owned[owner];
		spin_unlock(&pool.lock);
		return n;
	}
	for (u64 i = 0; i < pool.nframes; i++)
		n += pool.table[i].owner == owner;
	return n;
}

struct frame_pool_stats frame_pool_stats(void)
{
	struct frame_pool_stats s;

	spin_lock(&pool.lock);
	s.total = pool.nframes;
	s.free = pool.nfree;
	spin_unlock(&pool.lock);
	return s;
}

const struct frame_info *frame_lookup(u64 pa)
{
	u64 index;

	return pa_to_index(pa, &index) ? &pool.table[index] : NULL;
}

int frame_pool_check(void)
{
	u64 free_in_table = 0, held = 0, owned[FRAME_COUNTED_OWNERS] = { 0 };
	int ret = 0;

	spin_lock(&pool.lock);
	for (u64 i = 0; i < pool.nframes; i++) {
		bool is_free = pool.table[i].owner == FRAME_OWNER_FREE;

		if (pool.table[i].owner < FRAME_COUNTED_OWNERS)
			owned[pool.table[i].owner]++;

		if (is_free != (pool.table[i].kind == FRAME_KIND_FREE)) {
			ret = -1; /* owner and kind disagree */
			goto out;
		}
		if ((pool.table[i].refs &&
		     pool.table[i].kind != FRAME_KIND_RAM) ||
		    (pool.table[i].owner == FRAME_OWNER_HELD &&
		     !pool.table[i].refs)) {
			ret = -6; /* a mapping of a non-RAM frame, or a HELD
				     frame nobody maps */
			goto out;
		}
		held += pool.table[i].owner == FRAME_OWNER_HELD;
		free_in_table += is_free;
		pool.table[i].flags &= (u8)~1u; /* mark bit for the scan */
	}
	if (free_in_table != pool.nfree) {
		ret = -2; /* the stack and the table count differently */
		goto out;
	}
	if (memcmp(owned, pool.owned, sizeof(owned))) {
		ret = -5; /* a partition's frame count is off */
		goto out;
	}
	if (held != pool.held) {
		ret = -7; /* the HELD count is off */
		goto out;
	}
	for (u64 i = 0; i < pool.nfree; i++) {
		u32 index = pool.free_stack[i];

		if (index >= pool.nframes ||
		    pool.table[index].owner != FRAME_OWNER_FREE) {
			ret = -3; /* an owned frame is on the free stack */
			goto out;
		}
		if (pool.table[index].flags & 1u) {
			ret = -4; /* a frame is on the free stack twice */
			goto out;
		}
		pool.table[index].flags |= 1u;
	}
out:
	for (u64 i = 0; i < pool.nframes; i++)
		pool.table[i].flags &= (u8)~1u;
	spin_unlock(&pool.lock);
	return ret;
}
