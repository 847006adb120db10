// SPDX-License-Identifier: GPL-2.0-only
/* The partition a command names, and refusals told as what to do next. */
#include <errno.h>
#include <stdio.h>

#include <partita/status.h>

#include "cli.h"
#include "root-messaging.h"
#include "info-render.h"

int cli_find_guest(struct root_dev *dev, const char *cmd, const char *what,
		   struct pt_partition_entry *entry)
{
	int err = root_partition_find(dev, what, entry);

	if (err == -ENOENT) {
		/* Not "unavailable": the hypervisor answered, nothing has that name. */
		fprintf(stderr, "partita: %s\n", root_error(dev));
		return CLI_EXIT_FAILED;
	}
	if (err)
		return cli_report(dev, err);
	if (entry->id == 0) {
		fprintf(stderr,
			"partita %s: '%s' is the root partition, which runs "
			"this command; name a guest partition ('partita list' "
			"shows them)\n",
			cmd, what);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

/* What is wrong with the state for `doing`, and the way out. */
static const char *state_advice(const char *doing, uint32_t state)
{
	switch (state) {
	case PT_PARTITION_STATE_PAUSED:
		return "it is paused: 'partita unpause' it first, or destroy "
		       "it";
	case PT_PARTITION_STATE_RUNNING:
		return "it is running, not paused";
	case PT_PARTITION_STATE_CRASHED:
		return "it has crashed and is kept for inspection: 'partita "
		       "destroy' frees it";
	case PT_PARTITION_STATE_SHUTDOWN:
		return "it is already shutting down";
	case PT_PARTITION_STATE_CREATED:
		return "it has not been started yet (a create is still running "
		       "or failed half-way): destroy it";
	default:
		return doing ? "it is not in a state that allows it" : "";
	}
}

int cli_report_refusal(struct root_dev *dev, int err, const char *doing,
		       const struct pt_partition_entry *e)
{
	struct pt_partition_info now;
	uint16_t status = root_status(dev);

	if (err != -EREMOTEIO)
		return cli_report(dev, err);
	if (status == PT_STATUS_INVALID_PARTITION_ID) {
		fprintf(stderr,
			"partita: cannot %s %s: it is gone (it ended "
			"meanwhile)\n",
			doing, e->name);
		return CLI_EXIT_FAILED;
	}
	if (status == PT_STATUS_INVALID_PARTITION_STATE) {
		uint32_t state = e->state;

		if (!root_partition_info(dev, e->id, &now))
			state = now.entry.state;
		fprintf(stderr, "partita: cannot %s %s: %s\n", doing, e->name,
			state_advice(doing, state));
		return CLI_EXIT_FAILED;
	}
	return cli_report(dev, err);
}

int cli_read_messaging(struct root_dev *dev, uint32_t id,
		       struct root_messaging *m, int *have)
{
	int err = root_partition_messaging(dev, id, m);

	*have = !err;
	if (err == -EREMOTEIO &&
	    root_status(dev) == PT_STATUS_INVALID_HYPERCALL_CODE)
		return 0;
	return err;
}
