// SPDX-License-Identifier: GPL-2.0-only
/* partita stats NAME and partita top: figures once, or a live view. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <partita/root.h>

#include "cli-args.h"
#include "cli.h"
#include "part-render.h"
#include "root-messaging.h"

#define TOP_INTERVAL_MS 2000

int cmd_stats(int argc, char **argv)
{
	int json = 0;
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct pt_partition_stats *st = NULL;
	struct pt_partition_info info;
	struct pt_partition_entry e;
	struct root_messaging msg = { 0 };
	struct root_dev dev;
	char *what = NULL;
	int npos, rc, err, have = 0;

	rc = cli_parse_command("stats", argc, argv, options, &what, 1, 1,
			       &npos);
	if (rc >= 0)
		return rc;
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = cli_find_guest(&dev, "stats", what, &e);
	if (rc)
		goto out;
	st = malloc(sizeof(*st));
	if (!st) {
		fprintf(stderr, "partita: out of memory\n");
		rc = CLI_EXIT_FAILED;
		goto out;
	}
	err = root_partition_info(&dev, e.id, &info);
	if (!err)
		err = root_partition_stats(&dev, e.id, st);
	if (!err)
		err = cli_read_messaging(&dev, e.id, &msg, &have);
	if (err) {
		rc = cli_report_refusal(&dev, err, "read the statistics of",
					&e);
		goto out;
	}
	if (json)
		part_stats_json(stdout, &info, st, have ? &msg.info : NULL);
	else
		part_stats_text(stdout, &info, st, have ? &msg.info : NULL);
out:
	root_messaging_free(&msg);
	free(st);
	root_close(&dev);
	return rc;
}

static volatile sig_atomic_t top_stop;

static void on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

struct top_state {
	struct root_dev *dev;
	struct pt_partition_entry list[PT_PARTITION_LIST_MAX];
	struct pt_partition_stats stats;
	struct top_sample now[PT_PARTITION_LIST_MAX];
	struct top_sample before[PT_PARTITION_LIST_MAX];
	size_t n, nbefore;
	struct pt_hv_info hv;
	uint64_t then_ns;
};

/* One sample of every guest; those that end meanwhile are left out. */
static int top_sample_all(struct top_state *t)
{
	struct pt_partition_info info;
	uint32_t count;
	int err;

	err = root_hv_info(t->dev, &t->hv);
	if (!err)
		err = root_partition_list(t->dev, t->list,
					  PT_PARTITION_LIST_MAX, &count);
	if (err)
		return err;
	t->n = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct top_sample *s = &t->now[t->n];

		if (t->list[i].id == 0 ||
		    root_partition_info(t->dev, t->list[i].id, &info) ||
		    root_partition_stats(t->dev, t->list[i].id, &t->stats))
			continue;
		memset(s, 0, sizeof(*s));
		s->id = info.entry.id;
		memcpy(s->name, info.entry.name, sizeof(s->name));
		s->state = info.entry.state;
		s->vcpus = info.entry.vcpu_count;
		s->memory_bytes = info.entry.memory_bytes;
		s->runtime_ns = info.runtime_ns;
		for (uint32_t c = 0; c < t->stats.call_count; c++)
			s->hypercalls += t->stats.calls[c].count;
		for (unsigned int r = 0; r < PT_EXIT_REASONS; r++)
			s->exits += t->stats.exits[r];
		t->n++;
	}
	return 0;
}

int cmd_top(int argc, char **argv)
{
	const char *interval = NULL, *iterations = NULL;
	int once = 0;
	const struct cli_option options[] = {
		{ "interval", 'i', CLI_OPT_VALUE, &interval },
		{ "iterations", 'n', CLI_OPT_VALUE, &iterations },
		{ "once", '1', CLI_OPT_FLAG, &once },
		{ NULL },
	};
	struct top_state *t = NULL;
	struct root_dev dev;
	struct sigaction sa;
	int interval_ms = TOP_INTERVAL_MS, tty = isatty(STDOUT_FILENO);
	long screens = -1, shown = 0;
	uint64_t events;
	int npos, rc, err = 0;
	char *end;

	rc = cli_parse_command("top", argc, argv, options, NULL, 0, 0, &npos);
	if (rc >= 0)
		return rc;
	if (interval &&
	    (cli_parse_seconds(interval, &interval_ms) || interval_ms < 100))
		return cli_usage_error(
			"top", "--interval takes seconds, at least 0.1");
	if (iterations) {
		screens = strtol(iterations, &end, 10);
		if (*end || end == iterations || screens < 1)
			return cli_usage_error(
				"top",
				"--iterations takes a count of 1 or more");
	}
	if (once)
		screens = 1;
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t) {
		fprintf(stderr, "partita: out of memory\n");
		rc = CLI_EXIT_FAILED;
		goto out;
	}
	t->dev = &dev;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A partition that starts or ends redraws at once. */
	if (root_notify_available(&dev))
		err = root_events_set_mask(&dev,
					   1ull << PT_ROOT_EVENT_PARTITION);
	while (!err && !top_stop && (screens < 0 || shown < screens)) {
		err = top_sample_all(t);
		if (err)
			break;
		if (tty)
			fputs("\033[H\033[J", stdout);
		else if (shown)
			fputc('\n', stdout);
		part_top_text(stdout, t->now, t->n, t->before, t->nbefore,
			      shown ? t->hv.uptime_ns - t->then_ns : 0,
			      t->hv.uptime_ns, t->hv.pool_frames_free,
			      t->hv.pool_frames_total);
		fflush(stdout);
		memcpy(t->before, t->now, t->n * sizeof(t->now[0]));
		t->nbefore = t->n;
		t->then_ns = t->hv.uptime_ns;
		if (++shown == screens)
			break;
		err = root_events_wait(&dev, interval_ms, &events);
		if (err == -ETIMEDOUT || err == -EINTR)
			err = 0;
	}
	rc = err ? cli_report(&dev, err) : CLI_EXIT_OK;
out:
	free(t);
	root_close(&dev);
	return rc;
}
