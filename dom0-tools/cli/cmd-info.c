// SPDX-License-Identifier: GPL-2.0-only
/* partita info: the hypervisor's version, CPUs, memory and partitions. */
#include <stdlib.h>

#include "cli-args.h"
#include "cli.h"
#include "info-render.h"

int cmd_info(int argc, char **argv)
{
	int json = 0;
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct info_data *d;
	struct root_dev dev;
	char *what = NULL;
	int npos, err, rc;

	rc = cli_parse_command("info", argc, argv, options, &what, 0, 1, &npos);
	if (rc >= 0)
		return rc;
	if (npos)
		return cli_partition_info(what, json);
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d) {
		root_close(&dev);
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	d->driver = dev.version;
	err = root_hv_info(&dev, &d->hv);
	if (!err)
		err = root_partition_list(&dev, d->partitions,
					  PT_PARTITION_LIST_MAX,
					  &d->partition_count);
	if (err) {
		rc = cli_report(&dev, err);
	} else {
		if (json)
			info_print_json(stdout, d);
		else
			info_print_text(stdout, d);
		rc = CLI_EXIT_OK;
	}
	free(d);
	root_close(&dev);
	return rc;
}
