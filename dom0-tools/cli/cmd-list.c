// SPDX-License-Identifier: GPL-2.0-only
/* partita list and partita info NAME: the partitions and one in detail. */
#include <stdlib.h>

#include "cli-args.h"
#include "cli-store.h"
#include "cli.h"
#include "part-render.h"
#include "root-messaging.h"
#include "sched-render.h"

int cli_partition_rows(struct root_dev *dev, struct part_row *rows,
		       uint32_t *count)
{
	struct pt_partition_entry *list;
	int err;

	*count = 0;
	list = calloc(PT_PARTITION_LIST_MAX, sizeof(*list));
	if (!list) {
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	err = root_partition_list(dev, list, PT_PARTITION_LIST_MAX, count);
	if (err) {
		free(list);
		return cli_report(dev, err);
	}
	for (uint32_t i = 0; i < *count; i++) {
		/* The root has no PARTITION_INFO; a guest may end meanwhile. */
		rows[i].detailed =
			list[i].id != 0 &&
			!root_partition_info(dev, list[i].id, &rows[i].info);
		rows[i].info.entry = list[i];
	}
	free(list);
	return CLI_EXIT_OK;
}

/* The root's CPU, from the roles the hypervisor gives its CPUs. */
static uint64_t root_cpus(const struct pt_hv_info *hv)
{
	uint64_t mask = 0;

	for (uint32_t cpu = 0; cpu < hv->cpu_count && cpu < 64; cpu++) {
		if (hv->cpu_role[cpu] == PT_CPU_ROLE_ROOT)
			mask |= 1ull << cpu;
	}
	return mask;
}

int cmd_list(int argc, char **argv)
{
	int json = 0, wide = 0;
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ "long", 'l', CLI_OPT_FLAG, &wide },
		{ NULL },
	};
	struct part_row *rows = NULL;
	struct pt_hv_info hv;
	struct root_dev dev;
	uint32_t count = 0;
	int npos, rc, err;

	rc = cli_parse_command("list", argc, argv, options, NULL, 0, 0, &npos);
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
	rc = cli_partition_rows(&dev, rows, &count);
	if (rc)
		goto out;
	if (wide) {
		err = root_hv_info(&dev, &hv);
		if (err) {
			rc = cli_report(&dev, err);
			goto out;
		}
		for (uint32_t i = 0; i < count; i++) {
			if (rows[i].info.entry.id == 0)
				rows[i].info.cpu_mask = root_cpus(&hv);
		}
		if (json)
			sched_list_long_json(stdout, rows, count, hv.uptime_ns);
		else
			sched_list_long_text(stdout, rows, count, hv.uptime_ns);
	} else if (json) {
		part_list_json(stdout, rows, count);
	} else {
		part_list_text(stdout, rows, count);
	}
	rc = CLI_EXIT_OK;
out:
	free(rows);
	root_close(&dev);
	return rc;
}

/* The root has no PARTITION_INFO: its list entry and messaging state. */
static int root_info(struct root_dev *dev, const struct pt_partition_entry *e,
		     int json)
{
	struct root_messaging msg = { 0 };
	int have = 0, err;

	err = cli_read_messaging(dev, e->id, &msg, &have);
	if (err)
		return cli_report(dev, err);
	if (json)
		part_root_info_json(stdout, e, have ? &msg : NULL);
	else
		part_root_info_text(stdout, e, have ? &msg : NULL);
	root_messaging_free(&msg);
	return CLI_EXIT_OK;
}

int cli_partition_info(const char *what, int json)
{
	struct pt_partition_entry e;
	struct pt_partition_info info;
	struct pt_hv_info hv;
	struct root_messaging msg = { 0 };
	struct ts_dev_info *devs = NULL;
	struct dev_view dv = { 0 };
	struct root_dev dev;
	char why[160];
	uint64_t age;
	int rc, err, have = 0;

	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	err = root_partition_find(&dev, what, &e);
	if (!err && e.id == 0) {
		rc = root_info(&dev, &e, json);
		goto out;
	}
	rc = cli_find_guest(&dev, "info", what, &e);
	if (rc)
		goto out;
	err = root_partition_info(&dev, e.id, &info);
	if (!err)
		err = root_hv_info(&dev, &hv);
	if (!err)
		err = cli_read_messaging(&dev, e.id, &msg, &have);
	if (err) {
		rc = cli_report_refusal(&dev, err, "show", &e);
		goto out;
	}
	age = hv.uptime_ns > info.created_ns ? hv.uptime_ns - info.created_ns
					     : 0;
	cli_store_devices(e.id, &dv, &devs, why, sizeof(why));
	if (json)
		part_info_json(stdout, &info, age, have ? &msg : NULL, &dv);
	else
		part_info_text(stdout, &info, age, have ? &msg : NULL, &dv);
out:
	ts_free_devices(devs, dv.count);
	root_messaging_free(&msg);
	root_close(&dev);
	return rc;
}
