// SPDX-License-Identifier: GPL-2.0-only
/* partita pause, unpause, shutdown and destroy: one guest's lifecycle. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <partita/root.h>
#include <partita/status.h>

#include "cli-args.h"
#include "cli.h"

#define SHUTDOWN_TIMEOUT_MS 30000

typedef int (*control_call)(struct root_dev *dev, uint32_t id);

/* The shared shape of pause and unpause: NAME, one call, one line. */
static int simple_control(const char *cmd, int argc, char **argv,
			  control_call call, const char *doing,
			  const char *done)
{
	const struct cli_option options[] = { { NULL } };
	struct pt_partition_entry e;
	struct root_dev dev;
	char *what = NULL;
	int npos, rc, err;

	rc = cli_parse_command(cmd, argc, argv, options, &what, 1, 1, &npos);
	if (rc >= 0)
		return rc;
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, cmd, what, &e);
	if (!rc) {
		err = call(&dev, e.id);
		if (err)
			rc = cli_report_refusal(&dev, err, doing, &e);
		else
			printf("%s %s (partition %u)\n", done, e.name, e.id);
	}
	root_close(&dev);
	return rc;
}

int cmd_pause(int argc, char **argv)
{
	return simple_control("pause", argc, argv, root_partition_pause,
			      "pause", "Paused");
}

int cmd_unpause(int argc, char **argv)
{
	return simple_control("unpause", argc, argv, root_partition_unpause,
			      "unpause", "Unpaused");
}

int cli_destroy(const char *what, int silent)
{
	struct pt_partition_entry e;
	struct pt_partition_info info;
	struct root_dev dev;
	int rc, err, have_info;

	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "destroy", what, &e);
	if (rc)
		goto out;
	have_info = !root_partition_info(&dev, e.id, &info);
	err = root_partition_destroy(&dev, e.id);
	if (err)
		rc = cli_report_refusal(&dev, err, "destroy", &e);
	else if (!silent && have_info)
		printf("Destroyed %s (partition %u): %llu frames returned to "
		       "the pool\n",
		       e.name, e.id, (unsigned long long)info.frames_owned);
	else if (!silent)
		printf("Destroyed %s (partition %u)\n", e.name, e.id);
out:
	root_close(&dev);
	return rc;
}

int cmd_destroy(int argc, char **argv)
{
	const struct cli_option options[] = { { NULL } };
	char *what = NULL;
	int npos, rc;

	rc = cli_parse_command("destroy", argc, argv, options, &what, 1, 1,
			       &npos);
	return rc >= 0 ? rc : cli_destroy(what, 0);
}

/* The partition with this id and name, if it is still there. */
static int still_there(struct root_dev *dev, const struct pt_partition_entry *e,
		       struct pt_partition_info *info)
{
	int err = root_partition_info(dev, e->id, info);

	if (err == -EREMOTEIO &&
	    root_status(dev) == PT_STATUS_INVALID_PARTITION_ID)
		return 0;
	if (err)
		return err;
	return strcmp(info->entry.name, e->name) ? 0 : 1;
}

/*
 * Waits, woken by PT_ROOT_EVENT_PARTITION only, until the partition is
 * gone. The event was selected before the shutdown request, so no change
 * can fall between the request and the first look.
 */
int cli_wait_gone(struct root_dev *dev, const struct pt_partition_entry *e,
		  int timeout_ms)
{
	long long deadline = cli_now_ms() + timeout_ms, left;
	struct pt_partition_info info;
	int crashed = 0, said_ending = 0;
	uint64_t events;
	int there, err;

	for (;;) {
		there = still_there(dev, e, &info);
		if (there < 0)
			return cli_report(dev, there);
		if (!there)
			break;
		if (info.entry.state == PT_PARTITION_STATE_CRASHED) {
			crashed = 1;
			if (info.on_crash == PT_ON_CRASH_PRESERVE) {
				fprintf(stderr,
					"partita: %s crashed instead of "
					"shutting down (%s); it is kept for "
					"inspection: 'partita destroy %s' "
					"frees it\n",
					e->name, info.exit_detail, e->name);
				return CLI_EXIT_FAILED;
			}
		}
		if (info.entry.state == PT_PARTITION_STATE_SHUTDOWN &&
		    !said_ending) {
			printf("%s is shutting down (%s)\n", e->name,
			       info.exit_detail);
			fflush(stdout);
			said_ending = 1;
		}
		left = deadline - cli_now_ms();
		if (left <= 0) {
			fprintf(stderr,
				"partita: %s did not shut down within %d s: it "
				"may ignore shutdown requests; 'partita "
				"destroy %s' ends it at once\n",
				e->name, (timeout_ms + 999) / 1000, e->name);
			return CLI_EXIT_FAILED;
		}
		err = root_events_wait(dev, (int)left, &events);
		if (err && err != -ETIMEDOUT && err != -EINTR)
			return cli_report(dev, err);
	}
	if (crashed) {
		fprintf(stderr,
			"partita: %s crashed instead of shutting down and was "
			"destroyed\n",
			e->name);
		return CLI_EXIT_FAILED;
	}
	printf("%s has shut down and is gone\n", e->name);
	return CLI_EXIT_OK;
}

int cmd_shutdown(int argc, char **argv)
{
	int wait = 0;
	const char *timeout = NULL;
	const struct cli_option options[] = {
		{ "wait", 'w', CLI_OPT_FLAG, &wait },
		{ "timeout", 't', CLI_OPT_VALUE, &timeout },
		{ NULL },
	};
	struct pt_partition_entry e;
	struct root_dev dev;
	int timeout_ms = SHUTDOWN_TIMEOUT_MS;
	char *what = NULL;
	int npos, rc, err;

	rc = cli_parse_command("shutdown", argc, argv, options, &what, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	if (timeout && cli_parse_seconds(timeout, &timeout_ms))
		return cli_usage_error(
			"shutdown",
			"--timeout takes seconds, e.g. --timeout 10");
	if (timeout && !wait)
		wait = 1;
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "shutdown", what, &e);
	if (rc)
		goto out;
	if (wait && !root_notify_available(&dev)) {
		fprintf(stderr,
			"partita: cannot wait for %s: partita.ko found no "
			"notification device, so nothing would say when it is "
			"gone; run without --wait and check 'partita list'\n",
			e.name);
		rc = CLI_EXIT_UNAVAILABLE;
		goto out;
	}
	err = wait ? root_events_set_mask(&dev, 1ull << PT_ROOT_EVENT_PARTITION)
		   : 0;
	if (!err)
		err = root_partition_shutdown(&dev, e.id);
	if (err) {
		rc = cli_report_refusal(&dev, err, "shut down", &e);
		goto out;
	}
	if (e.state == PT_PARTITION_STATE_PAUSED)
		fprintf(stderr,
			"partita: %s is paused: it can act on the request only "
			"after 'partita unpause %s'\n",
			e.name, e.name);
	printf("Asked %s (partition %u) to shut down\n", e.name, e.id);
	fflush(stdout);
	if (wait)
		rc = cli_wait_gone(&dev, &e, timeout_ms);
out:
	root_close(&dev);
	return rc;
}
