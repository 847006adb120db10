/* SPDX-License-Identifier: GPL-2.0-only */
/* Adding a disk to a running guest and taking a device away again. */
#ifndef PARTITA_TOOLSTACK_ATTACH_H
#define PARTITA_TOOLSTACK_ATTACH_H

#include <stdint.h>

struct store_client;

/* Block device numbers a guest may use: 0 .. TS_BLOCK_DEVICES_MAX - 1. */
#define TS_BLOCK_DEVICES_MAX 16u

/* A disk as the toolstack writes it: PT_BLK_KEY_* values. */
struct ts_disk {
	const char *params; /* the image's absolute path */
	int readonly;	    /* mode "r", else "w" */
	const char *cache;  /* "writeback" or "none" */
};

/* A back-end that already serves an image (ts_disk_in_use()). */
struct ts_disk_user {
	uint32_t id;
	unsigned int number;
	int writable;
};

/*
 * Whether image `params` may be given to guest id (readonly or not), with
 * the store as it is in transaction tx (0: none): 0 when no back-end serves
 * it, or when every one that does and this one only read it; -EEXIST when
 * guest id has it already, -EBUSY when another guest has it and one side
 * would write. *user names the back-end in the way.
 */
int ts_disk_in_use(struct store_client *c, uint32_t tx, uint32_t id,
		   const char *params, int readonly, struct ts_disk_user *user);

/*
 * Adds the disk to guest id, which must have a home in the store: the
 * lowest block number no front-end or back-end directory of the guest
 * uses, both directories written Initialising (back-end with params, mode,
 * cache and online = 1) in one transaction, retried when it conflicts.
 * The guest's front-end notices it by its watch on device/block.
 * Returns 0 with *number set, or: -ENOENT (no home), -ENOSPC (all
 * TS_BLOCK_DEVICES_MAX numbers in use), -EEXIST or -EBUSY (as
 * ts_disk_in_use(), *user set), -EAGAIN (kept conflicting), or the store's
 * error.
 */
int ts_attach_disk(struct store_client *c, uint32_t id,
		   const struct ts_disk *disk, unsigned int *number,
		   struct ts_disk_user *user);

/*
 * Asks both ends of a device to close (docs/split-drivers.md, 7): writes
 * online = 0 into its back-end directory. -ENOENT when there is no
 * back-end directory (nothing is written then).
 */
int ts_device_request_close(struct store_client *c, uint32_t id,
			    const char *type, unsigned int number);

/*
 * Waits up to timeout_ms, woken by a store watch, until the device's
 * back-end reports Closed or its directory is gone. 0 then (*state: 6, or
 * -1 when gone); -ETIMEDOUT with *state the back-end's last state (-1: no
 * state key).
 */
int ts_device_wait_closed(struct store_client *c, uint32_t id, const char *type,
			  unsigned int number, int timeout_ms, int *state);

/* Removes both directories of the device in one transaction. */
int ts_device_remove(struct store_client *c, uint32_t id, const char *type,
		     unsigned int number);

#endif
