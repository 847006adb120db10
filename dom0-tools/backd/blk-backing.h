/* SPDX-License-Identifier: GPL-2.0-only */
/* The root-side file or block device behind a virtio-blk disk. */
#ifndef PARTITA_BACKD_BLK_BACKING_H
#define PARTITA_BACKD_BLK_BACKING_H

#include <stddef.h>
#include <stdint.h>

#include <partita/virtio-blk.h>

struct blk_backing {
	int fd;		   /* -1 when closed */
	int ro;		   /* mode "r": opened read-only, RO offered */
	int direct;	   /* cache "none": O_DIRECT, bounce buffers */
	int bdev;	   /* a block device rather than a regular file */
	uint64_t capacity; /* whole 512-byte sectors */
	uint32_t blk_size; /* the logical block size offered */
	uint32_t align;	   /* offsets and lengths of I/O: 512 or O_DIRECT's */
	char path[224];
	char serial[PT_VIRTIO_BLK_ID_BYTES + 1]; /* what GET_ID answers */
};

/*
 * Opens the image named by the toolstack's keys: path absolute, mode "r"
 * or "w", cache "writeback" or "none" (NULL: writeback). No lock is
 * taken: a backd killed with I/O in flight leaves its files open in the
 * kernel for a moment, and its successor must be able to open them again;
 * keeping two writers off one image is the toolstack's check. 0, or a
 * negative errno with why a sentence naming the image and the problem.
 */
int blk_backing_open(struct blk_backing *b, const char *path, const char *mode,
		     const char *cache, char *why, size_t len);
void blk_backing_close(struct blk_backing *b);

/* A stable serial for an image: "PT" and a hash of its path. */
void blk_backing_serial(const char *path, char *out, size_t len);

#endif
