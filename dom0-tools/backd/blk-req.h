/* SPDX-License-Identifier: GPL-2.0-only */
/* A virtio-blk request taken apart and checked before any I/O is done. */
#ifndef PARTITA_BACKD_BLK_REQ_H
#define PARTITA_BACKD_BLK_REQ_H

#include <stdint.h>

#include <partita/virtio-blk.h>

#include "vring-back.h"

/*
 * What backd offers (docs/block.md): a request carries at most
 * BLK_SEG_MAX data segments of at most BLK_SIZE_MAX bytes each, so at most
 * 2 MiB of data, and a DISCARD or WRITE_ZEROES at most BLK_RANGES_MAX
 * ranges of at most BLK_MAX_DISCARD / BLK_MAX_WRITE_ZEROES sectors.
 */
#define BLK_SEG_MAX 32u
#define BLK_SIZE_MAX 65536u
#define BLK_REQ_BYTES_MAX ((uint64_t)BLK_SEG_MAX * BLK_SIZE_MAX)
#define BLK_RANGES_MAX 16u
#define BLK_MAX_DISCARD 65536u	    /* sectors per range: 32 MiB */
#define BLK_MAX_WRITE_ZEROES 65536u /* sectors per range: 32 MiB */

/* r->status while the request is valid and still has to be carried out. */
#define BLK_S_PENDING 0xffu

/* What a request is checked against: the disk and the negotiated features. */
struct blk_limits {
	uint64_t capacity; /* 512-byte sectors */
	uint32_t align;	   /* byte alignment of offsets and lengths (512+) */
	int ro;
	uint64_t features; /* negotiated */
};

struct blk_req {
	uint32_t type;
	uint64_t sector;
	uint8_t status;	     /* BLK_S_PENDING, or the final PT_VIRTIO_BLK_S_* */
	uint8_t has_status;  /* a writable status byte is there to fill */
	uint64_t status_off; /* its pool offset */
	uint16_t ndata;	     /* data segments, in chain order */
	struct vring_seg data[BLK_SEG_MAX];
	uint64_t bytes;	  /* their total */
	uint16_t nranges; /* DISCARD, WRITE_ZEROES: copied out of the pool */
	struct pt_virtio_blk_discard_wz range[BLK_RANGES_MAX];
	const char *why; /* when status is an error: what was wrong */
};

/*
 * Takes apart a chain the ring already validated (every segment inside the
 * pool, readable ones first). The layout backd accepts: one readable header
 * segment of exactly 16 bytes, the data segments, one writable status
 * segment of exactly 1 byte, last. The header and the discard ranges are
 * copied out of shared memory once and only the copies are checked.
 *
 * On return r->status is BLK_S_PENDING for a request to carry out, or the
 * status to answer at once (r->why says why it is an error). Without a
 * usable status byte r->has_status is 0 and the request is answered with
 * nothing written (used length 0).
 */
void blk_req_parse(const struct vring_back *q, const struct vring_chain *c,
		   const struct blk_limits *lim, struct blk_req *r);

/* Does the request write to the disk (refused on a read-only one)? */
int blk_req_writes(uint32_t type);

const char *blk_type_name(uint32_t type);

#endif
