/* SPDX-License-Identifier: GPL-2.0-only */
/* Creating a partition from a checked YAML config: CREATE through START. */
#ifndef PARTITA_ROOT_CREATE_H
#define PARTITA_ROOT_CREATE_H

#include <stdint.h>

#include "config.h"
#include "root-client.h"

#define ROOT_CREATE_POPULATE 1u /* done/total count pages */
#define ROOT_CREATE_LOAD 2u	/* done/total count image bytes */
#define ROOT_CREATE_START 3u	/* done/total are 0/1, then 1/1 */

/* Called after every step of a stage, and once with done 0 at its start. */
typedef void (*root_create_progress_fn)(void *ctx, unsigned int stage,
					uint64_t done, uint64_t total);

/*
 * Runs CREATE, then POPULATE in rep calls of at most PT_HC_REP_MAX pages,
 * the image's LOAD chunks and START, reporting progress on the way (fn may
 * be NULL). Returns 0 with *id set, or a negative errno with the handle's
 * error text one sentence for a person. On any failure after CREATE it
 * DESTROYs the partition it made, so nothing is left behind; if even that
 * fails the sentence says so and names its id.
 */
int root_partition_create_from_config(struct root_dev *dev,
				      const struct config *cfg,
				      const struct config_image *img,
				      root_create_progress_fn fn, void *ctx,
				      uint32_t *id);

/*
 * Called once the partition is loaded and before START, with its id: the
 * toolstack writes its home in the store there, so that the guest finds
 * it from its first instruction. A negative errno (with the handle's error
 * text set) undoes the partition as any other failure does.
 */
typedef int (*root_create_prestart_fn)(void *ctx, struct root_dev *dev,
				       uint32_t id);

/* root_partition_create_from_config() with a prestart step (may be NULL). */
int root_partition_create_prestart(struct root_dev *dev,
				   const struct config *cfg,
				   const struct config_image *img,
				   root_create_progress_fn fn, void *ctx,
				   root_create_prestart_fn prestart,
				   void *prestart_ctx, uint32_t *id);

#endif
