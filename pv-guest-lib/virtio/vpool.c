// SPDX-License-Identifier: MIT
/* First-fit allocator over a connection's granted buffer pool. */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita-guest/virtio.h>

static int unit_used(const struct pt_vpool *p, uint32_t u)
{
	return (int)((p->map[u / 64u] >> (u % 64u)) & 1u);
}

static void units_set(struct pt_vpool *p, uint32_t first, uint32_t n, int used)
{
	for (uint32_t u = first; u < first + n; u++) {
		if (used)
			p->map[u / 64u] |= 1ull << (u % 64u);
		else
			p->map[u / 64u] &= ~(1ull << (u % 64u));
	}
}

int pt_vpool_init(struct pt_vpool *p, void *base, uint32_t bytes)
{
	if (!base || !bytes || bytes % PT_VPOOL_GRANULE ||
	    bytes > PT_VPOOL_BYTES_MAX)
		return -PT_DEV_EINVAL;
	memset(p, 0, sizeof(*p));
	p->base = base;
	p->bytes = bytes;
	p->units = bytes / PT_VPOOL_GRANULE;
	return 0;
}

/* First free run of n units at or after `from`, below `end`; or `end`. */
static uint32_t find_run(const struct pt_vpool *p, uint32_t from, uint32_t end,
			 uint32_t n)
{
	uint32_t run = 0;

	for (uint32_t u = from; u < end; u++) {
		/* Skip whole busy words: the common case in a full pool. */
		if (!run && u % 64u == 0 && p->map[u / 64u] == ~0ull &&
		    u + 64u <= end) {
			u += 63u;
			continue;
		}
		run = unit_used(p, u) ? 0 : run + 1;
		if (run == n)
			return u + 1 - n;
	}
	return end;
}

/*
 * First free run of n units starting on a multiple of step at or after
 * `from`, below `end`; or `end`. A used unit inside a candidate moves the
 * search to the next multiple past it.
 */
static uint32_t find_aligned_run(const struct pt_vpool *p, uint32_t from,
				 uint32_t end, uint32_t n, uint32_t step)
{
	uint32_t at = (from + step - 1) / step * step;

	while (at < end && n <= end - at) {
		uint32_t u = at;

		while (u < at + n && !unit_used(p, u))
			u++;
		if (u == at + n)
			return at;
		at = (u / step + 1) * step;
	}
	return end;
}

int pt_vpool_alloc_aligned(struct pt_vpool *p, uint32_t len, uint32_t align,
			   uint32_t *off)
{
	uint32_t n, at, step;

	if (!len || len > p->bytes || !align || (align & (align - 1)))
		return -PT_DEV_EINVAL;
	step = align <= PT_VPOOL_GRANULE ? 1 : align / PT_VPOOL_GRANULE;
	n = (len + PT_VPOOL_GRANULE - 1) / PT_VPOOL_GRANULE;
	if (n > p->units - p->used_units)
		return -PT_DEV_EAGAIN;
	/*
	 * Next fit from the hint, then from the start: buffers are short-
	 * lived and freed roughly in order, so this keeps the search short.
	 */
	if (step == 1) {
		at = p->hint <= p->units - n ? find_run(p, p->hint, p->units, n)
					     : p->units;
		if (at == p->units)
			at = find_run(p, 0, p->units, n);
	} else {
		at = find_aligned_run(p, p->hint, p->units, n, step);
		if (at == p->units)
			at = find_aligned_run(p, 0, p->units, n, step);
	}
	if (at == p->units)
		return -PT_DEV_EAGAIN;
	units_set(p, at, n, 1);
	p->used_units += n;
	p->hint = at + n < p->units ? at + n : 0;
	*off = at * PT_VPOOL_GRANULE;
	return 0;
}

int pt_vpool_alloc(struct pt_vpool *p, uint32_t len, uint32_t *off)
{
	return pt_vpool_alloc_aligned(p, len, PT_VPOOL_GRANULE, off);
}

int pt_vpool_free(struct pt_vpool *p, uint32_t off, uint32_t len)
{
	uint32_t first, n;

	if (!len || off % PT_VPOOL_GRANULE || off >= p->bytes ||
	    len > p->bytes - off)
		return -PT_DEV_EINVAL;
	first = off / PT_VPOOL_GRANULE;
	n = (len + PT_VPOOL_GRANULE - 1) / PT_VPOOL_GRANULE;
	/* A double or partial free would corrupt the map: refuse it whole. */
	for (uint32_t u = first; u < first + n; u++)
		if (!unit_used(p, u))
			return -PT_DEV_EINVAL;
	units_set(p, first, n, 0);
	p->used_units -= n;
	return 0;
}

uint32_t pt_vpool_free_bytes(const struct pt_vpool *p)
{
	return (p->units - p->used_units) * PT_VPOOL_GRANULE;
}
