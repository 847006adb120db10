// SPDX-License-Identifier: GPL-2.0-only
/* partita create FILE: a partition from a YAML config, with progress. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-args.h"
#include "cli-store.h"
#include "cli.h"
#include "info-render.h"
#include "out-units.h"
#include "root-create.h"
#include "store-client.h"
#include "toolstack-attach.h"

struct create_view {
	FILE *f; /* NULL: quiet */
	int tty; /* redraw one line per stage instead of printing steps */
	unsigned int stage;
	unsigned int steps;  /* calls made in this stage */
	uint64_t last_tenth; /* last 10% step printed (not on a tty) */
};

static const char *stage_name(unsigned int stage)
{
	switch (stage) {
	case ROOT_CREATE_POPULATE:
		return "memory";
	case ROOT_CREATE_LOAD:
		return "image";
	default:
		return "start";
	}
}

static void show_progress(void *ctx, unsigned int stage, uint64_t done,
			  uint64_t total)
{
	struct create_view *v = ctx;
	unsigned int pct = total ? (unsigned int)(done * 100 / total) : 100;
	const char *unit = stage == ROOT_CREATE_POPULATE ? "pages" : "bytes";
	uint64_t tenth = total ? done * 10 / total : 10;

	if (!v->f)
		return;
	if (stage != v->stage) {
		v->stage = stage;
		v->steps = 0;
		v->last_tenth = ~0ull;
	} else {
		v->steps++;
	}
	if (stage == ROOT_CREATE_START) {
		if (done)
			fprintf(v->f, "  started\n");
		fflush(v->f);
		return;
	}
	if (v->tty) {
		fprintf(v->f, "\r  %-7s %llu/%llu %s (%u%%), %u call(s)",
			stage_name(stage), (unsigned long long)done,
			(unsigned long long)total, unit, pct, v->steps);
		if (done == total)
			fputc('\n', v->f);
	} else if (tenth != v->last_tenth) {
		v->last_tenth = tenth;
		fprintf(v->f, "  %-7s %llu/%llu %s (%u%%), %u call(s)\n",
			stage_name(stage), (unsigned long long)done,
			(unsigned long long)total, unit, pct, v->steps);
	}
	fflush(v->f);
}

/* A partition of that name already: say so before asking the hypervisor. */
static int name_taken(struct root_dev *dev, const struct config *cfg)
{
	struct pt_partition_entry e;

	/* find also takes ids: only a partition of that very name counts. */
	if (root_partition_find(dev, cfg->name, &e) ||
	    strcmp(e.name, cfg->name))
		return 0;
	fprintf(stderr,
		"partita: a partition called %s exists already (id %u, %s): "
		"destroy it first or change 'name' in %s\n",
		cfg->name, e.id, info_partition_state_name(e.state), cfg->file);
	return 1;
}

/* The new guest's place in the store; c is NULL when no store runs. */
struct create_store {
	const struct config *cfg;
	struct store_client *c;
	int home_written;
	uint32_t id; /* whose home was written */
};

/* Before START: the guest's home and devices, so it finds them at once. */
static int write_home(void *ctx, struct root_dev *dev, uint32_t id)
{
	struct create_store *cs = ctx;
	struct cli_store_devices sd;
	struct ts_guest g;
	int err;

	if (!cs->c)
		return 0;
	cli_store_guest_from_config(cs->cfg, id, &sd, &g);
	err = ts_write_home(cs->c, &g, dev->error, sizeof(dev->error));
	if (!err) {
		cs->home_written = 1;
		cs->id = id;
	}
	return err;
}

/*
 * After START: the store maps the guest's ring and serves it. A refusal
 * ends the guest again, as any failed step of create does.
 */
static int introduce(struct create_store *cs, struct root_dev *dev, uint32_t id)
{
	char why[ROOT_ERROR_MAX];
	int err;

	if (!cs->c)
		return 0;
	err = ts_introduce(cs->c, id, why, sizeof(why));
	if (!err)
		return 0;
	ts_remove_home(cs->c, id);
	cs->home_written = 0;
	if (root_partition_destroy(dev, id))
		fprintf(stderr,
			"partita: cannot create %s: %s; destroying it failed "
			"too (%s): run 'partita destroy %u'\n",
			cs->cfg->name, why, root_error(dev), id);
	else
		fprintf(stderr, "partita: cannot create %s: %s\n",
			cs->cfg->name, why);
	return err;
}

/*
 * Before creating anything: no disk of the config may be an image another
 * guest writes, or one this guest would write while another reads it.
 */
static int disks_in_use(struct store_client *c, const struct config *cfg)
{
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		const struct config_disk *d = &cfg->devices[i].disk;
		struct ts_disk_user user = { 0 };
		int err;

		if (cfg->devices[i].type != CONFIG_DEVICE_DISK)
			continue;
		/* No guest has this id: every user is another guest. */
		err = ts_disk_in_use(c, 0, UINT32_MAX, d->abs_path, d->readonly,
				     &user);
		if (err == -EBUSY || err == -EEXIST)
			fprintf(stderr,
				"partita: cannot create %s: its disk %s "
				"(%s:%u) is partition %u's block/%u, %s; an "
				"image is shared only when every guest has it "
				"read-only\n",
				cfg->name, d->abs_path, cfg->file,
				d->path_pos.line, user.id, user.number,
				user.writable ? "read-write" : "read-only");
		else if (err)
			fprintf(stderr,
				"partita: cannot create %s: the store did not "
				"say whether another guest uses %s (%s)\n",
				cfg->name, d->abs_path, strerror(-err));
		if (err)
			return 1;
	}
	return 0;
}

int cli_create_file(const char *path, int output, uint32_t *id_out)
{
	int quiet = output != CLI_CREATE_NORMAL;
	struct create_view view = { quiet ? NULL : stdout,
				    !quiet && isatty(STDOUT_FILENO), 0, 0, 0 };
	struct config_image img;
	struct config_error cerr;
	struct config cfg;
	struct create_store cs = { 0 };
	struct root_dev dev;
	uint32_t id = 0;
	char size[32], why[192];
	int rc, err;

	if (config_open(path, &cfg, &img, &cerr)) {
		fprintf(stderr, "%s\n", cerr.text);
		return CLI_EXIT_FAILED;
	}
	rc = cli_open_device(&dev);
	if (rc)
		goto out_image;
	if (name_taken(&dev, &cfg)) {
		rc = CLI_EXIT_FAILED;
		goto out_dev;
	}
	if (view.f)
		fprintf(view.f,
			"Creating %s from %s: %s, %u vCPU(s), kernel %s\n",
			cfg.name, path,
			out_bytes(size, sizeof(size), cfg.memory_bytes),
			cfg.vcpus, cfg.kernel);
	cs.cfg = &cfg;
	cs.c = cli_store_open(why, sizeof(why));
	if (!cs.c && output != CLI_CREATE_SILENT)
		fprintf(stderr,
			"partita: warning: %s, so %s gets no home in the store "
			"and none of its devices; start partita-stored, then "
			"run 'partita introduce %s'\n",
			why, cfg.name, cfg.name);
	if (cs.c && disks_in_use(cs.c, &cfg)) {
		rc = CLI_EXIT_FAILED;
		goto out_dev;
	}
	err = root_partition_create_prestart(&dev, &cfg, &img, show_progress,
					     &view, write_home, &cs, &id);
	if (err) {
		if (view.tty)
			fputc('\n', stdout);
		if (cs.home_written)
			ts_remove_home(cs.c, cs.id);
		rc = cli_report(&dev, err);
		goto out_dev;
	}
	if (introduce(&cs, &dev, id)) {
		rc = CLI_EXIT_FAILED;
		goto out_dev;
	}
	if (view.f && cs.c)
		fprintf(view.f, "  store   /local/domain/%u, %u device(s)\n",
			id, cfg.device_count);
	if (output == CLI_CREATE_ID)
		printf("%u\n", id);
	else if (output == CLI_CREATE_NORMAL)
		printf("Created %s: partition %u\n", cfg.name, id);
	if (id_out)
		*id_out = id;
	rc = CLI_EXIT_OK;
out_dev:
	store_client_close(cs.c);
	root_close(&dev);
out_image:
	config_image_close(&img);
	return rc;
}

int cmd_create(int argc, char **argv)
{
	int quiet = 0;
	const struct cli_option options[] = {
		{ "quiet", 'q', CLI_OPT_FLAG, &quiet },
		{ NULL },
	};
	char *path = NULL;
	int npos, rc;

	rc = cli_parse_command("create", argc, argv, options, &path, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	return cli_create_file(path, quiet ? CLI_CREATE_ID : CLI_CREATE_NORMAL,
			       NULL);
}
