// SPDX-License-Identifier: GPL-2.0-only
/* partita console: the virtio console by default, or the debug console. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita/root.h>
#include <partita/status.h>

#include "cli-args.h"
#include "cli.h"
#include "console-attach.h"
#include "console-follow.h"

static volatile sig_atomic_t console_stop;

static void on_signal(int sig)
{
	(void)sig;
	console_stop = 1;
}

/* The follower's source: the hypervisor, through /dev/partita. */
struct console_dev {
	struct root_dev *dev;
	uint32_t id;
};

/* -ENOENT when the hypervisor knows no partition in the slot. */
static int gone_or(struct root_dev *dev, int err)
{
	if (err == -EREMOTEIO &&
	    root_status(dev) == PT_STATUS_INVALID_PARTITION_ID)
		return -ENOENT;
	return err;
}

static int dev_read(void *ctx, uint64_t from_seq, struct root_log_chunk *chunk)
{
	struct console_dev *d = ctx;

	return gone_or(d->dev, root_console_read(d->dev, d->id, PT_REF_ENDED,
						 from_seq, chunk));
}

static int dev_look(void *ctx, struct pt_partition_info *info)
{
	struct console_dev *d = ctx;

	return gone_or(d->dev, root_partition_info_flags(d->dev, d->id,
							 PT_REF_ENDED, info));
}

static int dev_wait(void *ctx, int timeout_ms, uint64_t *events)
{
	return root_events_wait(((struct console_dev *)ctx)->dev, timeout_ms,
				events);
}

static long long dev_now(void *ctx)
{
	(void)ctx;
	return cli_now_ms();
}

/* --debug: what the guest wrote with PT_CALL_CONSOLE_WRITE, followed. */
static int console_debug(struct root_dev *dev,
			 const struct pt_partition_entry *e, int no_follow,
			 int timeout_ms)
{
	struct console_dev d = { dev, e->id };
	const struct console_source src = { dev_read, dev_look, dev_wait,
					    dev_now, &d };
	struct console_follow f = {
		.src = &src,
		.name = e->name,
		.out = stdout,
		.err = stderr,
		.why = dev->error,
		.why_size = sizeof(dev->error),
		.stop = &console_stop,
	};
	struct sigaction sa;
	int err;

	if (console_follow_init(&f)) {
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	if (no_follow) {
		err = console_follow_once(&f);
		if (err == -ENOENT) {
			fprintf(stderr, "partita: %s is gone\n", e->name);
			err = 0;
		}
		goto out;
	}
	if (!root_notify_available(dev)) {
		fprintf(stderr,
			"partita: cannot follow %s's console: partita.ko found "
			"no notification device; use --no-follow\n",
			e->name);
		console_follow_free(&f);
		return CLI_EXIT_UNAVAILABLE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Select the events before the first read, so no line falls between. */
	err = root_events_set_mask(dev,
				   (1ull << PT_ROOT_EVENT_CONSOLE) |
					   (1ull << PT_ROOT_EVENT_PARTITION));
	if (!err)
		err = console_follow_run(&f, timeout_ms);
out:
	console_follow_free(&f);
	return err ? cli_report(dev, err) : CLI_EXIT_OK;
}

/* Milliseconds for --linger: a whole number up to ten minutes. */
static int parse_ms(const char *text, int *ms)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (end == text || *end || v < 0 || v > 600000)
		return -1;
	*ms = (int)v;
	return 0;
}

int cmd_console(int argc, char **argv)
{
	int debug = 0, no_follow = 0, timeout_ms = -1;
	int linger_ms = CONSOLE_LINGER_DEFAULT_MS;
	const char *timeout = NULL, *linger = NULL;
	const struct cli_option options[] = {
		{ "debug", 'd', CLI_OPT_FLAG, &debug },
		{ "no-follow", 'n', CLI_OPT_FLAG, &no_follow },
		{ "timeout", 't', CLI_OPT_VALUE, &timeout },
		{ "linger", 'l', CLI_OPT_VALUE, &linger },
		{ NULL },
	};
	struct pt_partition_entry e;
	struct root_dev dev;
	char *what = NULL;
	int npos, rc;

	rc = cli_parse_command("console", argc, argv, options, &what, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	if (timeout && cli_parse_seconds(timeout, &timeout_ms))
		return cli_usage_error(
			"console", "--timeout takes seconds, e.g. --timeout 3");
	if (linger && parse_ms(linger, &linger_ms))
		return cli_usage_error("console",
				       "--linger takes milliseconds from 0 to "
				       "600000, e.g. --linger 2000");
	/* Following and its time limit only exist for the debug console. */
	if (no_follow || timeout)
		debug = 1;
	if (debug && linger)
		return cli_usage_error("console",
				       "--linger is for the virtio console, "
				       "not with --debug, --no-follow or "
				       "--timeout");
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "console", what, &e);
	if (!rc)
		rc = debug ? console_debug(&dev, &e, no_follow, timeout_ms)
			   : cli_console_attach(&e, linger_ms);
	root_close(&dev);
	return rc;
}
