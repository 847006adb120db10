/* SPDX-License-Identifier: MIT */
/* The virtio block device as partita-backd serves it. */
#ifndef PARTITA_VIRTIO_BLK_H
#define PARTITA_VIRTIO_BLK_H

#include "abi-types.h"

/*
 * Virtio spec 1.1, 5.2, one request queue (queue 0). A request is a chain:
 * the header (device reads), then data buffers (device reads for OUT,
 * writes for IN and GET_ID), then the discard/write-zeroes segments
 * (device reads) where the type has them, and last one status byte the
 * device writes. Sectors are always 512 bytes. The device "config space"
 * is the back-end directory's keys (PT_BLK_KEY_*), written before InitWait.
 */
#define PT_VIRTIO_ID_BLOCK 2u
#define PT_VIRTIO_BLK_REQUEST_QUEUE 0u
#define PT_VIRTIO_BLK_QUEUES 1u
#define PT_VIRTIO_BLK_SECTOR 512u

/* Feature bits (spec 5.2.3). */
#define PT_VIRTIO_BLK_F_SIZE_MAX 1u
#define PT_VIRTIO_BLK_F_SEG_MAX 2u
#define PT_VIRTIO_BLK_F_RO 5u
#define PT_VIRTIO_BLK_F_BLK_SIZE 6u
#define PT_VIRTIO_BLK_F_FLUSH 9u
#define PT_VIRTIO_BLK_F_DISCARD 13u
#define PT_VIRTIO_BLK_F_WRITE_ZEROES 14u

/* struct pt_virtio_blk_req_hdr.type */
#define PT_VIRTIO_BLK_T_IN 0u
#define PT_VIRTIO_BLK_T_OUT 1u
#define PT_VIRTIO_BLK_T_FLUSH 4u
#define PT_VIRTIO_BLK_T_GET_ID 8u
#define PT_VIRTIO_BLK_T_DISCARD 11u
#define PT_VIRTIO_BLK_T_WRITE_ZEROES 13u

/* The status byte, last in every chain. */
#define PT_VIRTIO_BLK_S_OK 0u
#define PT_VIRTIO_BLK_S_IOERR 1u
#define PT_VIRTIO_BLK_S_UNSUPP 2u

#define PT_VIRTIO_BLK_ID_BYTES 20u /* GET_ID: serial, NUL-padded */

struct pt_virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
PT_ABI_SIZE(struct pt_virtio_blk_req_hdr, 16);

/* DISCARD and WRITE_ZEROES carry an array of these. */
#define PT_VIRTIO_BLK_WZ_F_UNMAP 1u
struct pt_virtio_blk_discard_wz {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};
PT_ABI_SIZE(struct pt_virtio_blk_discard_wz, 16);

/*
 * Back-end directory keys. The toolstack writes the first three when it
 * creates the device; the back-end writes the rest before InitWait, all
 * decimal, as a config space would hold them.
 */
#define PT_BLK_KEY_PARAMS "params"     /* the image: an absolute path */
#define PT_BLK_KEY_MODE "mode"	       /* "r" (read-only) or "w" */
#define PT_BLK_KEY_CACHE "cache"       /* "writeback" or "none" */
#define PT_BLK_KEY_CAPACITY "capacity" /* in 512-byte sectors */
#define PT_BLK_KEY_BLK_SIZE "blk-size" /* logical block size, bytes */
#define PT_BLK_KEY_SEG_MAX "seg-max"   /* data segments per request */
#define PT_BLK_KEY_SIZE_MAX "size-max" /* bytes per data segment */
#define PT_BLK_KEY_MAX_DISCARD "max-discard-sectors"
#define PT_BLK_KEY_MAX_WRITE_ZEROES "max-write-zeroes-sectors"
#define PT_BLK_KEY_SERIAL "serial" /* what GET_ID answers */

#define PT_BLK_CACHE_WRITEBACK "writeback"
#define PT_BLK_CACHE_NONE "none"

#endif
