// SPDX-License-Identifier: GPL-2.0-only
/* partita block-attach, block-detach, block-list: disks of a running guest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <partita/virtio-blk.h>
#include <partita/xenbus.h>

#include "cli-args.h"
#include "cli-store.h"
#include "cli.h"
#include "config.h"
#include "info-render.h"
#include "out-table.h"
#include "store-client.h"
#include "toolstack-attach.h"
#include "toolstack-devices.h"

#define DETACH_TIMEOUT_DEFAULT_MS 10000

/* The guest a block command names, and its store connection. */
struct block_target {
	struct root_dev dev;
	struct pt_partition_entry e;
	struct store_client *c;
};

/*
 * Finds the guest and connects to the store. Returns -1 to go on, else
 * the exit code (after saying why), with nothing left open.
 */
static int open_target(struct block_target *t, const char *cmd,
		       const char *what, const char *doing)
{
	char why[192];
	int rc = cli_open_device(&t->dev);

	t->c = NULL;
	if (rc)
		return rc;
	rc = cli_find_guest(&t->dev, cmd, what, &t->e);
	if (rc) {
		root_close(&t->dev);
		return rc;
	}
	t->c = cli_store_open(why, sizeof(why));
	if (!t->c) {
		fprintf(stderr,
			"partita: cannot %s %s: %s; start partita-stored "
			"first\n",
			doing, t->e.name, why);
		root_close(&t->dev);
		return CLI_EXIT_UNAVAILABLE;
	}
	return -1;
}

static void close_target(struct block_target *t)
{
	store_client_close(t->c);
	root_close(&t->dev);
}

/* The file as attach sees it: one sentence on what is wrong, or 0. */
static int check_image(const char *file, const char *name, int readonly)
{
	char why[160];
	int err = config_disk_file_problem(file, readonly, why, sizeof(why),
					   NULL);

	if (!err)
		return 0;
	if (!readonly && !strncmp(why, "not writable", 12))
		fprintf(stderr,
			"partita: cannot attach %s to %s: %s; attach it with "
			"--readonly, or make it writable\n",
			file, name, why);
	else if (err == -EISDIR || err == -EINVAL)
		fprintf(stderr,
			"partita: cannot attach %s to %s: it is %s, expected "
			"a disk image: a regular file of at least %u bytes or "
			"a block device\n",
			file, name, why, PT_VIRTIO_BLK_SECTOR);
	else
		fprintf(stderr, "partita: cannot attach %s to %s: %s\n", file,
			name, why);
	return -1;
}

/* Why ts_attach_disk() said no, as one sentence; returns the exit code. */
static int attach_refused(int err, const char *name, const char *path,
			  const struct ts_disk_user *user)
{
	switch (err) {
	case -ENOENT:
		fprintf(stderr,
			"partita: cannot attach a disk to %s: it has no home "
			"in the store, so no front-end would see it; run "
			"'partita introduce %s' first\n",
			name, name);
		break;
	case -ENOSPC:
		fprintf(stderr,
			"partita: cannot attach a disk to %s: it has %u block "
			"devices already, the most a guest may have\n",
			name, TS_BLOCK_DEVICES_MAX);
		break;
	case -EEXIST:
		fprintf(stderr,
			"partita: %s has %s already, as block/%u ('partita "
			"block-detach %s %u' takes it away)\n",
			name, path, user->number, name, user->number);
		break;
	case -EBUSY:
		fprintf(stderr,
			"partita: cannot attach %s to %s: partition %u has it "
			"as block/%u, %s; an image is shared only when every "
			"guest has it read-only\n",
			path, name, user->id, user->number,
			user->writable ? "read-write" : "read-only");
		break;
	case -EAGAIN:
		fprintf(stderr,
			"partita: cannot attach a disk to %s: the store kept "
			"changing under it; try again\n",
			name);
		break;
	default:
		fprintf(stderr,
			"partita: cannot attach a disk to %s: the store "
			"answered %s\n",
			name, strerror(-err));
	}
	return CLI_EXIT_FAILED;
}

/* Only a guest that runs (or is paused) has a front-end to pick it up. */
static int attachable(const struct pt_partition_entry *e)
{
	if (e->state == PT_PARTITION_STATE_RUNNING ||
	    e->state == PT_PARTITION_STATE_PAUSED)
		return 1;
	fprintf(stderr,
		"partita: cannot attach a disk to %s: it is %s, and only a "
		"running or paused guest has a front-end to pick it up\n",
		e->name, info_partition_state_name(e->state));
	return 0;
}

int cmd_block_attach(int argc, char **argv)
{
	int readonly = 0, quiet = 0;
	const char *cache = PT_BLK_CACHE_WRITEBACK;
	const struct cli_option options[] = {
		{ "readonly", 'r', CLI_OPT_FLAG, &readonly },
		{ "cache", 'c', CLI_OPT_VALUE, &cache },
		{ "quiet", 'q', CLI_OPT_FLAG, &quiet },
		{ NULL },
	};
	struct block_target t;
	struct ts_disk_user user = { 0 };
	struct ts_disk disk;
	char *pos[2], *abs = NULL;
	unsigned int number = 0;
	int npos, rc, err;

	rc = cli_parse_command("block-attach", argc, argv, options, pos, 2, 2,
			       &npos);
	if (rc >= 0)
		return rc;
	if (strcmp(cache, PT_BLK_CACHE_WRITEBACK) &&
	    strcmp(cache, PT_BLK_CACHE_NONE))
		return cli_usage_error("block-attach",
				       "--cache takes writeback or none");
	rc = open_target(&t, "block-attach", pos[0], "attach a disk to");
	if (rc >= 0)
		return rc;
	rc = CLI_EXIT_FAILED;
	if (!attachable(&t.e) || check_image(pos[1], t.e.name, readonly))
		goto out;
	abs = realpath(pos[1], NULL);
	if (!abs || strlen(abs) > CONFIG_DISK_PATH_MAX) {
		fprintf(stderr,
			"partita: cannot attach %s to %s: its absolute path: "
			"%s\n",
			pos[1], t.e.name,
			abs ? "longer than 1023 bytes" : strerror(errno));
		goto out;
	}
	disk = (struct ts_disk){ abs, readonly, cache };
	err = ts_attach_disk(t.c, t.e.id, &disk, &number, &user);
	if (err) {
		rc = attach_refused(err, t.e.name, abs, &user);
		goto out;
	}
	if (quiet)
		printf("%u\n", number);
	else
		printf("Attached %s to %s as block/%u (%s, cache %s)\n", abs,
		       t.e.name, number, readonly ? "read-only" : "read-write",
		       cache);
	rc = CLI_EXIT_OK;
out:
	free(abs);
	close_target(&t);
	return rc;
}

/* "3" or "block/3". */
static int parse_dev(const char *text, unsigned int *number)
{
	const char *p = text;
	char *end;
	unsigned long v;

	if (!strncmp(p, PT_XENBUS_TYPE_BLOCK "/", 6))
		p += 6;
	if (*p < '0' || *p > '9')
		return -1;
	v = strtoul(p, &end, 10);
	if (*end || v >= TS_BLOCK_DEVICES_MAX)
		return -1;
	*number = (unsigned int)v;
	return 0;
}

/* "back-end Connected, front-end Connected" for messages. */
static const char *states(struct store_client *c, uint32_t id,
			  unsigned int number, char *buf, size_t size)
{
	struct ts_dev_info d;
	char a[24], b[24];

	if (ts_read_device(c, id, PT_XENBUS_TYPE_BLOCK, number, &d))
		return "gone meanwhile";
	snprintf(buf, size, "back-end %s, front-end %s",
		 dev_state_name(d.backend_state, a, sizeof(a)),
		 dev_state_name(d.frontend_state, b, sizeof(b)));
	ts_clear_device(&d);
	return buf;
}

/* The back-end did not close in time: say so, remove only if forced. */
static int detach_timed_out(struct block_target *t, unsigned int number,
			    int timeout_ms, int force)
{
	char buf[96], paused[160] = "";
	const char *name = t->e.name;
	int err;

	if (t->e.state == PT_PARTITION_STATE_PAUSED)
		snprintf(paused, sizeof(paused),
			 "; %s is paused, so its front-end cannot answer "
			 "until 'partita unpause %s'",
			 name, name);
	if (!force) {
		fprintf(stderr,
			"partita: block/%u of %s did not close within %.1f s "
			"(%s)%s; is partita-backd running? Nothing was "
			"removed: 'partita block-detach --force %s %u' "
			"removes it anyway\n",
			number, name, timeout_ms / 1000.0,
			states(t->c, t->e.id, number, buf, sizeof(buf)), paused,
			name, number);
		return CLI_EXIT_FAILED;
	}
	fprintf(stderr,
		"partita: warning: block/%u of %s did not close within %.1f s "
		"(%s); removing it anyway (--force)\n",
		number, name, timeout_ms / 1000.0,
		states(t->c, t->e.id, number, buf, sizeof(buf)));
	err = ts_device_remove(t->c, t->e.id, PT_XENBUS_TYPE_BLOCK, number);
	if (err) {
		fprintf(stderr,
			"partita: cannot remove block/%u of %s: the store "
			"answered %s\n",
			number, name, strerror(-err));
		return CLI_EXIT_FAILED;
	}
	printf("Removed block/%u from %s without its back-end closing it\n",
	       number, name);
	return CLI_EXIT_OK;
}

static int detach(struct block_target *t, unsigned int number, int timeout_ms,
		  int force)
{
	const char *name = t->e.name;
	struct ts_dev_info d;
	char *params = NULL;
	int err, state;

	err = ts_read_device(t->c, t->e.id, PT_XENBUS_TYPE_BLOCK, number, &d);
	if (err == -ENOENT) {
		fprintf(stderr,
			"partita: %s has no block/%u ('partita block-list %s' "
			"shows its disks)\n",
			name, number, name);
		return CLI_EXIT_FAILED;
	}
	if (err)
		goto store_error;
	params = d.params ? strdup(d.params) : NULL;
	/* Without a back-end directory nobody serves it: nothing to close. */
	err = d.has_backend
		      ? ts_device_request_close(t->c, t->e.id,
						PT_XENBUS_TYPE_BLOCK, number)
		      : -ENOENT;
	ts_clear_device(&d);
	if (!err)
		err = ts_device_wait_closed(t->c, t->e.id, PT_XENBUS_TYPE_BLOCK,
					    number, timeout_ms, &state);
	else if (err == -ENOENT)
		err = 0;
	if (err == -ETIMEDOUT) {
		free(params);
		return detach_timed_out(t, number, timeout_ms, force);
	}
	if (!err)
		err = ts_device_remove(t->c, t->e.id, PT_XENBUS_TYPE_BLOCK,
				       number);
	if (err)
		goto store_error;
	printf("Detached block/%u%s%s%s from %s\n", number, params ? " (" : "",
	       params ? params : "", params ? ")" : "", name);
	free(params);
	return CLI_EXIT_OK;
store_error:
	free(params);
	fprintf(stderr,
		"partita: cannot detach block/%u from %s: the store answered "
		"%s\n",
		number, name, strerror(-err));
	return CLI_EXIT_FAILED;
}

int cmd_block_detach(int argc, char **argv)
{
	int force = 0, timeout_ms = DETACH_TIMEOUT_DEFAULT_MS;
	const char *timeout = NULL;
	const struct cli_option options[] = {
		{ "timeout", 't', CLI_OPT_VALUE, &timeout },
		{ "force", 'f', CLI_OPT_FLAG, &force },
		{ NULL },
	};
	struct block_target t;
	char *pos[2];
	unsigned int number;
	int npos, rc;

	rc = cli_parse_command("block-detach", argc, argv, options, pos, 2, 2,
			       &npos);
	if (rc >= 0)
		return rc;
	if (timeout && cli_parse_seconds(timeout, &timeout_ms))
		return cli_usage_error(
			"block-detach",
			"--timeout takes seconds, e.g. --timeout 10");
	if (parse_dev(pos[1], &number))
		return cli_usage_error("block-detach",
				       "DEV is a block device number from 0 "
				       "to 15, like 1 or block/1");
	rc = open_target(&t, "block-detach", pos[0], "detach a disk from");
	if (rc >= 0)
		return rc;
	rc = detach(&t, number, timeout_ms, force);
	close_target(&t);
	return rc;
}

static void list_text(const struct ts_dev_info *devs, unsigned int n)
{
	static const char *const headers[] = {
		"DEV", "FILE", "MODE", "CACHE", "FRONT-END", "BACK-END"
	};
	struct out_table table;
	char dev[16], a[24], b[24];

	out_table_init(&table, 6, headers);
	for (unsigned int i = 0; i < n; i++) {
		const struct ts_dev_info *d = &devs[i];
		const char *row[6];

		snprintf(dev, sizeof(dev), "%u", d->number);
		row[0] = dev;
		row[1] = d->params ? d->params : "-";
		row[2] = !d->mode ? "-" : !strcmp(d->mode, "r") ? "ro" : "rw";
		row[3] = d->cache ? d->cache : "-";
		row[4] = dev_state_name(d->frontend_state, a, sizeof(a));
		row[5] = dev_state_name(d->backend_state, b, sizeof(b));
		out_table_add(&table, row);
	}
	out_table_print(&table, stdout, "");
	out_table_free(&table);
}

static void list_json(const char *name, const struct ts_dev_info *devs,
		      unsigned int n)
{
	struct json_out j;
	char a[24];

	json_init(&j, stdout, 1);
	json_object_begin(&j, NULL);
	json_string(&j, "name", name);
	json_array_begin(&j, "disks");
	for (unsigned int i = 0; i < n; i++) {
		const struct ts_dev_info *d = &devs[i];

		json_object_begin(&j, NULL);
		json_u64(&j, "number", d->number);
		if (d->params)
			json_string(&j, "params", d->params);
		if (d->mode)
			json_string(&j, "mode", d->mode);
		if (d->cache)
			json_string(&j, "cache", d->cache);
		json_string(&j, "frontend_state",
			    dev_state_name(d->frontend_state, a, sizeof(a)));
		json_string(&j, "backend_state",
			    dev_state_name(d->backend_state, a, sizeof(a)));
		if (d->broken)
			json_string(&j, "broken", d->broken);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int cmd_block_list(int argc, char **argv)
{
	int json = 0;
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct block_target t;
	struct ts_dev_info *devs = NULL;
	unsigned int n = 0, disks = 0;
	char *what;
	int npos, rc, err;

	rc = cli_parse_command("block-list", argc, argv, options, &what, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	rc = open_target(&t, "block-list", what, "list the disks of");
	if (rc >= 0)
		return rc;
	err = ts_list_devices(t.c, t.e.id, &devs, &n);
	if (err) {
		fprintf(stderr,
			"partita: cannot list the disks of %s: the store "
			"answered %s\n",
			t.e.name, strerror(-err));
		close_target(&t);
		return CLI_EXIT_FAILED;
	}
	/* Sorted by type then number: keep the block devices, in order. */
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(devs[i].type, PT_XENBUS_TYPE_BLOCK))
			devs[disks++] = devs[i];
		else
			ts_clear_device(&devs[i]);
	if (json)
		list_json(t.e.name, devs, disks);
	else if (disks)
		list_text(devs, disks);
	else
		printf("%s has no disks\n", t.e.name);
	ts_free_devices(devs, disks);
	close_target(&t);
	return CLI_EXIT_OK;
}
