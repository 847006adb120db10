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
#include "info-render.h"

/* How often a follower looks again without being woken. */
#define CONSOLE_REFRESH_MS 1000

static volatile sig_atomic_t console_stop;

static void on_signal(int sig)
{
	(void)sig;
	console_stop = 1;
}

struct console_view {
	struct root_dev *dev;
	const struct pt_partition_entry *e;
	struct root_log_cursor cur;
	struct root_log_chunk *chunk;
};

/* Prints everything new. -ENOENT once the partition is gone. */
static int console_drain(struct console_view *v)
{
	struct root_log_piece piece;
	int err;

	do {
		err = root_console_read(v->dev, v->e->id, v->cur.next_seq,
					v->chunk);
		if (err == -EREMOTEIO &&
		    root_status(v->dev) == PT_STATUS_INVALID_PARTITION_ID)
			return -ENOENT;
		if (err)
			return err;
		if (root_log_cursor_take(&v->cur, v->chunk, &piece)) {
			snprintf(v->dev->error, sizeof(v->dev->error),
				 "the hypervisor's console answer does not fit "
				 "the request (from %llu, next %llu, %u bytes)",
				 (unsigned long long)v->chunk->from_seq,
				 (unsigned long long)v->chunk->next_seq,
				 v->chunk->length);
			return -EPROTO;
		}
		if (piece.lost) {
			fflush(stdout);
			fprintf(stderr,
				"partita: %llu bytes of %s's console were "
				"overwritten before they could be read\n",
				(unsigned long long)piece.lost, v->e->name);
		}
		fwrite(piece.text, 1, piece.length, stdout);
	} while (v->chunk->length);
	fflush(stdout);
	return 0;
}

/* 1 while the partition runs (or is paused), 0 once it ended or is gone. */
static int console_alive(struct console_view *v)
{
	struct pt_partition_info info;

	if (root_partition_info(v->dev, v->e->id, &info) ||
	    strcmp(info.entry.name, v->e->name))
		return 0;
	if (info.entry.state == PT_PARTITION_STATE_RUNNING ||
	    info.entry.state == PT_PARTITION_STATE_PAUSED)
		return 1;
	fprintf(stderr, "partita: %s has ended (%s%s%s)\n", v->e->name,
		info_partition_state_name(info.entry.state),
		info.exit_detail[0] ? ": " : "", info.exit_detail);
	return 0;
}

static int console_follow(struct console_view *v, int timeout_ms)
{
	long long deadline = timeout_ms >= 0 ? cli_now_ms() + timeout_ms : 0;
	struct sigaction sa;
	uint64_t events;
	int err, wait_ms, look;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!console_stop) {
		wait_ms = CONSOLE_REFRESH_MS;
		if (timeout_ms >= 0) {
			long long left = deadline - cli_now_ms();

			if (left <= 0)
				break;
			if (left < wait_ms)
				wait_ms = (int)left;
		}
		err = root_events_wait(v->dev, wait_ms, &events);
		if (err == -EINTR)
			continue;
		if (err && err != -ETIMEDOUT)
			return err;
		/* A timeout refreshes everything, in case an event was lost. */
		look = err == -ETIMEDOUT ||
		       (events & (1ull << PT_ROOT_EVENT_PARTITION));
		err = console_drain(v);
		if (err == -ENOENT) {
			fprintf(stderr, "partita: %s is gone\n", v->e->name);
			return 0;
		}
		if (err)
			return err;
		if (look && !console_alive(v))
			return 0;
	}
	return 0;
}

/* --debug: what the guest wrote with PT_CALL_CONSOLE_WRITE, followed. */
static int console_debug(struct root_dev *dev,
			 const struct pt_partition_entry *e, int no_follow,
			 int timeout_ms)
{
	struct console_view v = { 0 };
	int rc, err;

	v.dev = dev;
	v.e = e;
	v.chunk = malloc(sizeof(*v.chunk));
	if (!v.chunk) {
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	root_log_cursor_init(&v.cur, 0);
	if (!no_follow && !root_notify_available(dev)) {
		fprintf(stderr,
			"partita: cannot follow %s's console: partita.ko found "
			"no notification device; use --no-follow\n",
			e->name);
		rc = CLI_EXIT_UNAVAILABLE;
		goto out;
	}
	/* Select the events before the first read, so no line falls between. */
	err = no_follow
		      ? 0
		      : root_events_set_mask(
				dev, (1ull << PT_ROOT_EVENT_CONSOLE) |
					     (1ull << PT_ROOT_EVENT_PARTITION));
	if (!err)
		err = console_drain(&v);
	if (err == -ENOENT) {
		fprintf(stderr, "partita: %s is gone\n", e->name);
		err = 0;
	} else if (!err && !no_follow && console_alive(&v)) {
		err = console_follow(&v, timeout_ms);
	}
	rc = err ? cli_report(dev, err) : CLI_EXIT_OK;
out:
	free(v.chunk);
	return rc;
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
