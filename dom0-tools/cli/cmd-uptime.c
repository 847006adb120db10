// SPDX-License-Identifier: GPL-2.0-only
/* partita uptime: how long the hypervisor and each partition have been up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli-args.h"
#include "cli.h"
#include "sched-render.h"

int cmd_uptime(int argc, char **argv)
{
	int json = 0;
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct pt_partition_entry e;
	struct part_row *rows;
	struct pt_hv_info hv;
	struct root_dev dev;
	char *what = NULL;
	uint32_t count = 0;
	int npos, rc, err;

	rc = cli_parse_command("uptime", argc, argv, options, &what, 0, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rows = calloc(PT_PARTITION_LIST_MAX, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "partita: out of memory\n");
		rc = CLI_EXIT_FAILED;
		goto out;
	}
	if (what) {
		err = root_partition_find(&dev, what, &e);
		if (err) {
			fprintf(stderr, "partita: %s\n", root_error(&dev));
			rc = err == -ENOENT ? CLI_EXIT_FAILED
					    : cli_exit_code(err);
			goto out;
		}
	}
	rc = cli_partition_rows(&dev, rows, &count);
	if (rc)
		goto out;
	/* After the rows, so that no guest looks older than the machine. */
	err = root_hv_info(&dev, &hv);
	if (err) {
		rc = cli_report(&dev, err);
		goto out;
	}
	if (what) {
		uint32_t keep = 0;

		for (uint32_t i = 0; i < count; i++) {
			if (rows[i].info.entry.id == e.id)
				rows[keep++] = rows[i];
		}
		count = keep;
	}
	if (json)
		sched_uptime_json(stdout, hv.uptime_ns, rows, count);
	else
		sched_uptime_text(stdout, hv.uptime_ns, rows, count);
	rc = CLI_EXIT_OK;
out:
	free(rows);
	root_close(&dev);
	return rc;
}
