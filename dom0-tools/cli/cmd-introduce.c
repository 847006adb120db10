// SPDX-License-Identifier: GPL-2.0-only
/* partita introduce: give partitions the hypervisor started a store home. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli-args.h"
#include "cli-store.h"
#include "cli.h"
#include "info-render.h"
#include "store-client.h"

/* Only a partition that runs (or is paused) has a ring worth serving. */
static int introducible(const struct pt_partition_entry *e)
{
	return e->id != 0 && (e->state == PT_PARTITION_STATE_RUNNING ||
			      e->state == PT_PARTITION_STATE_PAUSED);
}

/*
 * Writes e's home (no devices: the boot config names none) and introduces
 * it, unless the store knows it already. Returns 0 done, 1 nothing to do,
 * or a negative errno after printing why.
 */
static int introduce_one(struct store_client *c,
			 const struct pt_partition_entry *e)
{
	struct ts_guest g = { .id = e->id,
			      .name = e->name,
			      .memory_bytes = e->memory_bytes,
			      .vcpus = e->vcpu_count };
	char why[256];
	int known = 0, err;

	err = ts_is_introduced(c, e->id, &known);
	if (err) {
		fprintf(stderr,
			"partita: cannot introduce %s: the store did not say "
			"whether it knows it (%s)\n",
			e->name, strerror(-err));
		return err;
	}
	if (known)
		return 1;
	err = ts_write_home(c, &g, why, sizeof(why));
	if (!err) {
		err = ts_introduce(c, e->id, why, sizeof(why));
		if (err)
			ts_remove_home(c, e->id);
	}
	if (err) {
		fprintf(stderr, "partita: cannot introduce %s: %s\n", e->name,
			why);
		return err;
	}
	printf("Introduced %s (partition %u) to the store: /local/domain/%u\n",
	       e->name, e->id, e->id);
	return 0;
}

static int introduce_all(struct root_dev *dev, struct store_client *c)
{
	struct pt_partition_entry list[PT_PARTITION_LIST_MAX];
	uint32_t count = 0;
	unsigned int done = 0, failed = 0;
	int err;

	err = root_partition_list(dev, list, PT_PARTITION_LIST_MAX, &count);
	if (err)
		return cli_report(dev, err);
	for (uint32_t i = 0; i < count; i++) {
		if (!introducible(&list[i]))
			continue;
		err = introduce_one(c, &list[i]);
		if (err < 0)
			failed++;
		else if (err == 0)
			done++;
	}
	if (!done && !failed)
		printf("Nothing to introduce: the store knows every running "
		       "guest already\n");
	return failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int introduce_named(struct root_dev *dev, struct store_client *c,
			   const char *what)
{
	struct pt_partition_entry e;
	int rc = cli_find_guest(dev, "introduce", what, &e), err;

	if (rc)
		return rc;
	if (!introducible(&e)) {
		fprintf(stderr,
			"partita: cannot introduce %s: it is %s, and only a "
			"running or paused guest has a store ring to serve\n",
			e.name, info_partition_state_name(e.state));
		return CLI_EXIT_FAILED;
	}
	err = introduce_one(c, &e);
	if (err == 1)
		printf("%s (partition %u) is known to the store already; "
		       "nothing to do\n",
		       e.name, e.id);
	return err < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

int cmd_introduce(int argc, char **argv)
{
	int all = 0;
	const struct cli_option options[] = {
		{ "all", 'a', CLI_OPT_FLAG, &all },
		{ NULL },
	};
	struct store_client *c;
	struct root_dev dev;
	char *what = NULL, why[192];
	int npos, rc;

	rc = cli_parse_command("introduce", argc, argv, options, &what, 0, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	if (all == !!npos)
		return cli_usage_error("introduce",
				       all ? "give either --all or a name, "
					     "not both"
					   : "it needs --all or a name");
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	c = cli_store_open(why, sizeof(why));
	if (!c) {
		fprintf(stderr,
			"partita: cannot introduce anything: %s; start "
			"partita-stored first\n",
			why);
		root_close(&dev);
		return CLI_EXIT_UNAVAILABLE;
	}
	rc = all ? introduce_all(&dev, c) : introduce_named(&dev, c, what);
	store_client_close(c);
	root_close(&dev);
	return rc;
}
