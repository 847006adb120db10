// SPDX-License-Identifier: GPL-2.0-only
/* A partition from a config: the lifecycle calls up to START, undone on failure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <partita/status.h>

#include "root-create.h"
#include "root-internal.h"

struct create_run {
	struct root_dev *dev;
	const struct config *cfg;
	root_create_progress_fn fn;
	void *ctx;
	uint32_t id;
};

static void progress(const struct create_run *r, unsigned int stage,
		     uint64_t done, uint64_t total)
{
	if (r->fn)
		r->fn(r->ctx, stage, done, total);
}

/* Rewrites a CREATE refusal as what the person can do about it. */
static int create_refused(struct create_run *r, int err)
{
	struct root_dev *dev = r->dev;
	const char *name = r->cfg->name;
	struct pt_partition_entry e;

	if (err != -EREMOTEIO)
		return err;
	switch (root_status(dev)) {
	case PT_STATUS_NO_RESOURCES:
		return root_fail(dev, err,
				 "cannot create %s: every partition slot is in "
				 "use; destroy a partition first",
				 name);
	case PT_STATUS_INSUFFICIENT_MEMORY:
		return root_fail(
			dev, err,
			"cannot create %s: the guest memory pool has no room "
			"left for its tables; destroy a partition or give the "
			"pool more memory (pool_mb in the boot config)",
			name);
	case PT_STATUS_INVALID_PARAMETER:
		if (!root_partition_find(dev, name, &e))
			return root_fail(dev, -EEXIST,
					 "cannot create %s: a partition of "
					 "that name exists (id %u); destroy it "
					 "first or change 'name' in %s",
					 name, e.id, r->cfg->file);
		return root_fail(dev, err,
				 "cannot create %s: the hypervisor refused its "
				 "settings (its reason is in 'partita dmesg'); "
				 "check the CPUs in %s against this machine",
				 name, r->cfg->file);
	default:
		return err;
	}
}

static int populate(struct create_run *r)
{
	uint64_t pages = r->cfg->memory_bytes / PT_PAGE_SIZE;
	uint64_t gpfn = 0;
	uint32_t n, done;
	int err;

	progress(r, ROOT_CREATE_POPULATE, 0, pages);
	while (gpfn < pages) {
		n = pages - gpfn > PT_HC_REP_MAX ? PT_HC_REP_MAX
						 : (uint32_t)(pages - gpfn);
		err = root_partition_populate(r->dev, r->id, gpfn, n, &done);
		if (err == -EREMOTEIO &&
		    root_status(r->dev) == PT_STATUS_INSUFFICIENT_MEMORY)
			return root_fail(
				r->dev, err,
				"cannot create %s: the guest memory pool ran "
				"out after %llu of its %llu pages; destroy a "
				"partition, ask for less memory in %s, or give "
				"the pool more (pool_mb in the boot config)",
				r->cfg->name, (unsigned long long)(gpfn + done),
				(unsigned long long)pages, r->cfg->file);
		if (err)
			return err;
		gpfn += n;
		progress(r, ROOT_CREATE_POPULATE, gpfn, pages);
	}
	return 0;
}

static int load(struct create_run *r, const struct config_image *img)
{
	struct pt_partition_load_in *in;
	uint64_t total = 0, done = 0;
	int err = 0;

	for (size_t i = 0; i < img->chunk_count; i++)
		total += img->chunks[i].length;
	/* One page, as the call's input block is. */
	in = aligned_alloc(PT_PAGE_SIZE, PT_PAGE_SIZE);
	if (!in)
		return root_fail(r->dev, -ENOMEM, "out of memory");
	progress(r, ROOT_CREATE_LOAD, 0, total);
	for (size_t i = 0; i < img->chunk_count && !err; i++) {
		config_to_load_in(img, i, r->id, in);
		err = root_partition_load(r->dev, in);
		done += img->chunks[i].length;
		if (!err)
			progress(r, ROOT_CREATE_LOAD, done, total);
	}
	free(in);
	return err;
}

static int start(struct create_run *r, const struct config_image *img)
{
	struct pt_partition_start_in in;
	int err;

	progress(r, ROOT_CREATE_START, 0, 1);
	config_to_start_in(img, r->id, &in);
	err = root_partition_start(r->dev, &in);
	if (!err)
		progress(r, ROOT_CREATE_START, 1, 1);
	return err;
}

/* Destroys the half-made partition, keeping the first error's sentence. */
static int undo(struct create_run *r, int err)
{
	char first[ROOT_ERROR_MAX];
	uint16_t status = root_status(r->dev);

	memcpy(first, r->dev->error, sizeof(first));
	if (root_partition_destroy(r->dev, r->id)) {
		char second[ROOT_ERROR_MAX];

		memcpy(second, r->dev->error, sizeof(second));
		root_fail(r->dev, err,
			  "%.100s; destroying the half-made partition %u "
			  "failed too (%.100s): run 'partita destroy %u'",
			  first, r->id, second, r->id);
	} else {
		memcpy(r->dev->error, first, sizeof(first));
	}
	r->dev->status = status;
	return err;
}

int root_partition_create_from_config(struct root_dev *dev,
				      const struct config *cfg,
				      const struct config_image *img,
				      root_create_progress_fn fn, void *ctx,
				      uint32_t *id)
{
	return root_partition_create_prestart(dev, cfg, img, fn, ctx, NULL,
					      NULL, id);
}

int root_partition_create_prestart(struct root_dev *dev,
				   const struct config *cfg,
				   const struct config_image *img,
				   root_create_progress_fn fn, void *ctx,
				   root_create_prestart_fn prestart,
				   void *prestart_ctx, uint32_t *id)
{
	struct create_run r = { dev, cfg, fn, ctx, 0 };
	struct pt_partition_create_in in;
	int err;

	config_to_create_in(cfg, &in);
	err = root_partition_create(dev, &in, &r.id);
	if (err)
		return create_refused(&r, err);
	err = populate(&r);
	if (!err)
		err = load(&r, img);
	if (!err && prestart)
		err = prestart(prestart_ctx, dev, r.id);
	if (!err)
		err = start(&r, img);
	if (err)
		return undo(&r, err);
	*id = r.id;
	return 0;
}
