// SPDX-License-Identifier: GPL-2.0-only
/* partita reboot NAME: a clean shutdown, then create again from its config. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <partita/root.h>

#include "cli-args.h"
#include "cli-store.h"
#include "cli.h"
#include "store-client.h"

#define REBOOT_TIMEOUT_MS 30000

/*
 * The config 'partita create' recorded for the guest, checked again now
 * (as create will) so that a config that broke since leaves the guest
 * running. Returns the path (free() it) or NULL after saying why.
 */
static char *usable_config(struct store_client *c,
			   const struct pt_partition_entry *e, int *rc)
{
	struct config_image img;
	struct config_error cerr;
	struct config cfg;
	char *path = NULL;
	int err = ts_read_config_path(c, e->id, &path);

	*rc = CLI_EXIT_FAILED;
	if (err == -ENOENT) {
		fprintf(stderr,
			"partita: cannot reboot %s: the store has no record of "
			"the config it was made from (it came from the "
			"hypervisor's boot config, or was created while "
			"partita-stored was not running); shut it down and "
			"'partita create' it from its file\n",
			e->name);
		return NULL;
	}
	if (err) {
		fprintf(stderr,
			"partita: cannot reboot %s: the store did not say "
			"which config it was made from (%s)\n",
			e->name, strerror(-err));
		return NULL;
	}
	if (config_open(path, &cfg, &img, &cerr)) {
		fprintf(stderr,
			"%s\npartita: cannot reboot %s: its config %s no "
			"longer checks out (above); %s keeps running\n",
			cerr.text, e->name, path, e->name);
		free(path);
		return NULL;
	}
	config_image_close(&img);
	if (strcmp(cfg.name, e->name)) {
		fprintf(stderr,
			"partita: cannot reboot %s: its config %s now names "
			"'%s'; %s keeps running\n",
			e->name, path, cfg.name, e->name);
		free(path);
		return NULL;
	}
	*rc = CLI_EXIT_OK;
	return path;
}

/* Asks the guest to shut down and waits until it is gone. */
static int shut_down(struct root_dev *dev, const struct pt_partition_entry *e,
		     int timeout_ms)
{
	int err;

	if (!root_notify_available(dev)) {
		fprintf(stderr,
			"partita: cannot reboot %s: partita.ko found no "
			"notification device, so nothing would say when it is "
			"gone\n",
			e->name);
		return CLI_EXIT_UNAVAILABLE;
	}
	err = root_events_set_mask(dev, 1ull << PT_ROOT_EVENT_PARTITION);
	if (!err)
		err = root_partition_shutdown(dev, e->id);
	if (err)
		return cli_report_refusal(dev, err, "reboot", e);
	printf("Asked %s (partition %u) to shut down\n", e->name, e->id);
	fflush(stdout);
	return cli_wait_gone(dev, e, timeout_ms);
}

int cmd_reboot(int argc, char **argv)
{
	const char *timeout = NULL;
	const struct cli_option options[] = {
		{ "timeout", 't', CLI_OPT_VALUE, &timeout },
		{ NULL },
	};
	struct pt_partition_entry e;
	struct store_client *c = NULL;
	struct root_dev dev;
	int timeout_ms = REBOOT_TIMEOUT_MS;
	char *what = NULL, *path = NULL;
	char why[192];
	uint32_t id = 0;
	int npos, rc;

	rc = cli_parse_command("reboot", argc, argv, options, &what, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	if (timeout && cli_parse_seconds(timeout, &timeout_ms))
		return cli_usage_error(
			"reboot", "--timeout takes seconds, e.g. --timeout 10");
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "reboot", what, &e);
	if (rc)
		goto out;
	c = cli_store_open(why, sizeof(why));
	if (!c) {
		fprintf(stderr,
			"partita: cannot reboot %s: %s, and the store keeps "
			"which config it was made from\n",
			e.name, why);
		rc = CLI_EXIT_UNAVAILABLE;
		goto out;
	}
	path = usable_config(c, &e, &rc);
	if (!path)
		goto out;
	rc = shut_down(&dev, &e, timeout_ms);
	if (rc)
		goto out;
	/*
	 * The store forgets the old guest once it sees it gone; do it now,
	 * so that its disks are free for the new one without waiting.
	 */
	ts_remove_home(c, e.id);
	rc = cli_create_file(path, CLI_CREATE_NORMAL, &id);
	if (rc) {
		fprintf(stderr,
			"partita: %s shut down but could not be created again "
			"from %s (above)\n",
			e.name, path);
		goto out;
	}
	printf("Rebooted %s: partition %u is now partition %u\n", e.name, e.id,
	       id);
out:
	free(path);
	store_client_close(c);
	root_close(&dev);
	return rc;
}
