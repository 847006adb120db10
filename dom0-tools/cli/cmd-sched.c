// SPDX-License-Identifier: GPL-2.0-only
/* partita vcpu-list, vcpu-pin and sched: vCPUs, affinity, weight and cap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <partita/status.h>

#include "cli-args.h"
#include "cli.h"
#include "sched-args.h"
#include "sched-render.h"

/* A refusal told in a sentence; an older hypervisor lacks these calls. */
static int sched_refusal(struct root_dev *dev, int err, const char *doing,
			 const struct pt_partition_entry *e)
{
	uint16_t status = root_status(dev);

	if (err == -EREMOTEIO && status == PT_STATUS_INVALID_HYPERCALL_CODE) {
		fprintf(stderr,
			"partita: cannot %s %s: this hypervisor is older than "
			"this partita and has no such call; boot the "
			"hypervisor built with it\n",
			doing, e->name);
		return CLI_EXIT_FAILED;
	}
	if (err == -EREMOTEIO && status == PT_STATUS_NO_RESOURCES) {
		fprintf(stderr,
			"partita: cannot %s %s: the run queues of those CPUs "
			"are full; name other CPUs\n",
			doing, e->name);
		return CLI_EXIT_FAILED;
	}
	return cli_report_refusal(dev, err, doing, e);
}

/* The CPUs that run guests, from the hypervisor's view of the machine. */
static int guest_cpus(struct root_dev *dev, uint64_t *mask)
{
	struct pt_hv_info hv;
	int err = root_hv_info(dev, &hv);

	*mask = 0;
	if (err)
		return err;
	for (uint32_t cpu = 0; cpu < hv.cpu_count && cpu < 64; cpu++) {
		if (hv.cpu_role[cpu] == PT_CPU_ROLE_GUESTS)
			*mask |= 1ull << cpu;
	}
	return 0;
}

/* Every partition's vCPUs, skipping those not started or gone meanwhile. */
static int list_all(struct root_dev *dev, struct vcpu_rows *rows, uint32_t *n)
{
	struct pt_partition_entry *list;
	uint32_t count = 0;
	int rc = CLI_EXIT_OK, err;

	*n = 0;
	list = calloc(PT_PARTITION_LIST_MAX, sizeof(*list));
	if (!list) {
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	err = root_partition_list(dev, list, PT_PARTITION_LIST_MAX, &count);
	if (err)
		rc = cli_report(dev, err);
	for (uint32_t i = 0; !rc && i < count; i++) {
		rows[*n].entry = list[i];
		err = root_vcpu_list(dev, list[i].id, &rows[*n].list);
		if (!err)
			(*n)++;
		else if (err != -EREMOTEIO ||
			 (root_status(dev) !=
				  PT_STATUS_INVALID_PARTITION_STATE &&
			  root_status(dev) != PT_STATUS_INVALID_PARTITION_ID))
			rc = sched_refusal(dev, err, "list the vCPUs of",
					   &list[i]);
	}
	free(list);
	return rc;
}

int cmd_vcpu_list(int argc, char **argv)
{
	int json = 0;
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct vcpu_rows *rows;
	struct root_dev dev;
	char *what = NULL;
	uint32_t n = 0;
	int npos, rc, err;

	rc = cli_parse_command("vcpu-list", argc, argv, options, &what, 0, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	rows = calloc(PT_PARTITION_LIST_MAX, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	rc = cli_open_device(&dev);
	if (rc)
		goto out_rows;
	if (what) {
		err = root_partition_find(&dev, what, &rows[0].entry);
		if (err) {
			rc = err == -ENOENT ? (fprintf(stderr, "partita: %s\n",
						       root_error(&dev)),
					       CLI_EXIT_FAILED)
					    : cli_report(&dev, err);
			goto out;
		}
		err = root_vcpu_list(&dev, rows[0].entry.id, &rows[0].list);
		if (err) {
			rc = sched_refusal(&dev, err, "list the vCPUs of",
					   &rows[0].entry);
			goto out;
		}
		n = 1;
	} else {
		rc = list_all(&dev, rows, &n);
		if (rc)
			goto out;
	}
	if (json)
		sched_vcpu_list_json(stdout, rows, n);
	else
		sched_vcpu_list_text(stdout, rows, n);
	rc = CLI_EXIT_OK;
out:
	root_close(&dev);
out_rows:
	free(rows);
	return rc;
}

int cmd_vcpu_pin(int argc, char **argv)
{
	const struct cli_option options[] = { { NULL } };
	struct pt_partition_entry e;
	struct root_dev dev;
	char *pos[3] = { NULL };
	char why[256], list[192];
	uint64_t usable, mask;
	uint32_t vcpu, cpu;
	int npos, rc, err;

	rc = cli_parse_command("vcpu-pin", argc, argv, options, pos, 3, 3,
			       &npos);
	if (rc >= 0)
		return rc;
	if (sched_parse_vcpu(pos[1], &vcpu, why, sizeof(why)))
		return cli_usage_error("vcpu-pin", why);
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "vcpu-pin", pos[0], &e);
	if (rc)
		goto out;
	if (vcpu >= e.vcpu_count) {
		fprintf(stderr,
			"partita: %s has %u vCPU(s), numbered from 0: there is "
			"no vCPU %u\n",
			e.name, e.vcpu_count, vcpu);
		rc = CLI_EXIT_FAILED;
		goto out;
	}
	err = guest_cpus(&dev, &usable);
	if (err) {
		rc = cli_report(&dev, err);
		goto out;
	}
	switch (sched_parse_cpus(pos[2], usable, &mask, why, sizeof(why))) {
	case 0:
		break;
	case SCHED_CPUS_UNUSABLE:
		fprintf(stderr, "partita: cannot pin %s's vCPU %u: %s\n",
			e.name, vcpu, why);
		rc = CLI_EXIT_FAILED;
		goto out;
	default:
		rc = cli_usage_error("vcpu-pin", why);
		goto out;
	}
	err = root_vcpu_pin(&dev, e.id, vcpu, mask, &cpu);
	if (err) {
		snprintf(why, sizeof(why), "pin vCPU %u of", vcpu);
		rc = sched_refusal(&dev, err, why, &e);
		goto out;
	}
	printf("Pinned vCPU %u of %s (partition %u) to CPUs %s: it runs on "
	       "CPU %u\n",
	       vcpu, e.name, e.id, part_cpus_text(list, sizeof(list), mask),
	       cpu);
	rc = CLI_EXIT_OK;
out:
	root_close(&dev);
	return rc;
}

int cmd_sched(int argc, char **argv)
{
	int json = 0;
	const char *weight_text = NULL, *cap_text = NULL;
	const struct cli_option options[] = {
		{ "weight", 'w', CLI_OPT_VALUE, &weight_text },
		{ "cap", 'c', CLI_OPT_VALUE, &cap_text },
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct pt_partition_sched before, now;
	struct pt_partition_entry e;
	struct root_dev dev;
	uint32_t flags = 0, weight = 0, cap = 0;
	char *what = NULL;
	char why[192];
	int npos, rc, err;

	rc = cli_parse_command("sched", argc, argv, options, &what, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	if (weight_text) {
		if (sched_parse_weight(weight_text, &weight, why, sizeof(why)))
			return cli_usage_error("sched", why);
		flags |= PT_SCHED_SET_WEIGHT;
	}
	if (cap_text) {
		if (sched_parse_cap(cap_text, &cap, why, sizeof(why)))
			return cli_usage_error("sched", why);
		flags |= PT_SCHED_SET_CAP;
	}
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "sched", what, &e);
	if (rc)
		goto out;
	err = root_partition_sched(&dev, e.id, 0, 0, 0, &before);
	if (!err && flags)
		err = root_partition_sched(&dev, e.id, flags, weight, cap,
					   &now);
	else
		now = before;
	if (err) {
		rc = sched_refusal(&dev, err,
				   flags ? "change the scheduling of"
					 : "show the scheduling of",
				   &e);
		goto out;
	}
	if (json)
		sched_settings_json(stdout, &e, &now);
	else
		sched_settings_text(stdout, &e, &now, flags ? &before : NULL);
	rc = CLI_EXIT_OK;
out:
	root_close(&dev);
	return rc;
}
