// SPDX-License-Identifier: GPL-2.0-only
/* Takes a virtio-blk chain apart and checks every field the guest chose. */
#include <string.h>

#include "blk-req.h"

static void answer(struct blk_req *r, uint8_t status, const char *why)
{
	r->status = status;
	r->why = why;
}

/* Is [sector, sector + count) inside the disk? Never computes the sum. */
static int inside(const struct blk_limits *lim, uint64_t sector, uint64_t count)
{
	return sector <= lim->capacity && count <= lim->capacity - sector;
}

static int aligned(const struct blk_limits *lim, uint64_t sector,
		   uint64_t bytes)
{
	uint64_t per = lim->align / PT_VIRTIO_BLK_SECTOR;

	return per <= 1 || (sector % per == 0 && bytes % lim->align == 0);
}

/* Collects segments [from, to) as data; 0 or an error status. */
static int take_data(struct blk_req *r, const struct vring_chain *c,
		     unsigned int from, unsigned int to)
{
	unsigned int i;

	if (to - from > BLK_SEG_MAX) {
		answer(r, PT_VIRTIO_BLK_S_IOERR,
		       "more data segments than seg-max");
		return -1;
	}
	for (i = from; i < to; i++) {
		if (c->seg[i].len > BLK_SIZE_MAX) {
			answer(r, PT_VIRTIO_BLK_S_IOERR,
			       "a data segment is longer than size-max");
			return -1;
		}
		r->data[r->ndata++] = c->seg[i];
		r->bytes += c->seg[i].len;
	}
	return 0;
}

static void parse_rw(const struct blk_limits *lim, const struct vring_chain *c,
		     struct blk_req *r)
{
	unsigned int last = c->nread + c->nwrite - 1u;

	if (r->type == PT_VIRTIO_BLK_T_IN) {
		if (c->nread != 1)
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "a read has device-readable data");
		if (take_data(r, c, c->nread, last))
			return;
	} else {
		if (c->nwrite != 1)
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "a write has device-writable data");
		if (take_data(r, c, 1, c->nread))
			return;
		if (lim->ro)
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "a write to a read-only disk");
	}
	if (r->bytes == 0)
		return answer(r, PT_VIRTIO_BLK_S_IOERR, "no data segment");
	if (r->bytes % PT_VIRTIO_BLK_SECTOR)
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "data is not a whole number of sectors");
	if (!inside(lim, r->sector, r->bytes / PT_VIRTIO_BLK_SECTOR))
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "sectors beyond the end of the disk");
	if (!aligned(lim, r->sector, r->bytes))
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "not aligned to the disk's block size");
}

static void parse_ranges(const struct vring_back *q,
			 const struct blk_limits *lim,
			 const struct vring_chain *c, struct blk_req *r)
{
	int wz = r->type == PT_VIRTIO_BLK_T_WRITE_ZEROES;
	uint32_t max = wz ? BLK_MAX_WRITE_ZEROES : BLK_MAX_DISCARD;
	unsigned int i;

	if (!(lim->features &
	      PT_VIRTIO_FEATURE(wz ? PT_VIRTIO_BLK_F_WRITE_ZEROES
				   : PT_VIRTIO_BLK_F_DISCARD)))
		return answer(r, PT_VIRTIO_BLK_S_UNSUPP,
			      "the feature was not negotiated");
	if (c->nwrite != 1)
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "ranges must be device-readable");
	if (take_data(r, c, 1, c->nread))
		return;
	if (r->bytes == 0 || r->bytes % sizeof(r->range[0]))
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "ranges are not a nonzero multiple of 16 bytes");
	if (r->bytes / sizeof(r->range[0]) > BLK_RANGES_MAX)
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "more ranges than one request takes");
	r->nranges = (uint16_t)(r->bytes / sizeof(r->range[0]));
	/* One copy out of shared memory; only the copy is looked at. */
	vring_chain_read(q, c, sizeof(struct pt_virtio_blk_req_hdr), r->range,
			 (size_t)r->bytes);
	if (lim->ro)
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "a discard or write-zeroes to a read-only disk");
	for (i = 0; i < r->nranges; i++) {
		const struct pt_virtio_blk_discard_wz *g = &r->range[i];

		if (g->flags & ~PT_VIRTIO_BLK_WZ_F_UNMAP ||
		    (!wz && g->flags & PT_VIRTIO_BLK_WZ_F_UNMAP))
			return answer(r, PT_VIRTIO_BLK_S_UNSUPP,
				      "a range has flags this type lacks");
		if (g->num_sectors > max)
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "a range is longer than the maximum");
		if (!inside(lim, g->sector, g->num_sectors))
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "sectors beyond the end of the disk");
		/* Zeroes may be written for real, as aligned I/O. */
		if (wz &&
		    !aligned(lim, g->sector,
			     (uint64_t)g->num_sectors * PT_VIRTIO_BLK_SECTOR))
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "not aligned to the disk's block size");
	}
}

void blk_req_parse(const struct vring_back *q, const struct vring_chain *c,
		   const struct blk_limits *lim, struct blk_req *r)
{
	unsigned int nseg = c->nread + c->nwrite;
	struct pt_virtio_blk_req_hdr h;

	r->type = UINT32_MAX;
	r->sector = 0;
	r->status = BLK_S_PENDING;
	r->has_status = 0;
	r->status_off = 0;
	r->ndata = 0;
	r->bytes = 0;
	r->nranges = 0;
	r->why = NULL;
	if (c->nwrite == 0 || c->seg[nseg - 1u].len != 1)
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "the last segment is not one writable status "
			      "byte");
	r->has_status = 1;
	r->status_off = c->seg[nseg - 1u].off;
	if (c->nread == 0 || c->seg[0].len != sizeof(h))
		return answer(r, PT_VIRTIO_BLK_S_IOERR,
			      "the header is not one readable segment of 16 "
			      "bytes");
	vring_chain_read(q, c, 0, &h, sizeof(h));
	r->type = h.type;
	r->sector = h.sector;
	switch (h.type) {
	case PT_VIRTIO_BLK_T_IN:
	case PT_VIRTIO_BLK_T_OUT:
		parse_rw(lim, c, r);
		return;
	case PT_VIRTIO_BLK_T_FLUSH:
		if (c->nread != 1 || c->nwrite != 1)
			answer(r, PT_VIRTIO_BLK_S_IOERR,
			       "a flush carries data");
		return;
	case PT_VIRTIO_BLK_T_GET_ID:
		if (c->nread != 1)
			return answer(r, PT_VIRTIO_BLK_S_IOERR,
				      "get-id has device-readable data");
		if (take_data(r, c, 1, nseg - 1u))
			return;
		if (r->bytes == 0)
			answer(r, PT_VIRTIO_BLK_S_IOERR, "no data segment");
		return;
	case PT_VIRTIO_BLK_T_DISCARD:
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		parse_ranges(q, lim, c, r);
		return;
	default:
		answer(r, PT_VIRTIO_BLK_S_UNSUPP, "unknown request type");
		return;
	}
}

int blk_req_writes(uint32_t type)
{
	return type == PT_VIRTIO_BLK_T_OUT || type == PT_VIRTIO_BLK_T_DISCARD ||
	       type == PT_VIRTIO_BLK_T_WRITE_ZEROES;
}

const char *blk_type_name(uint32_t type)
{
	switch (type) {
	case PT_VIRTIO_BLK_T_IN:
		return "read";
	case PT_VIRTIO_BLK_T_OUT:
		return "write";
	case PT_VIRTIO_BLK_T_FLUSH:
		return "flush";
	case PT_VIRTIO_BLK_T_GET_ID:
		return "get-id";
	case PT_VIRTIO_BLK_T_DISCARD:
		return "discard";
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		return "write-zeroes";
	default:
		return "unknown";
	}
}
