// SPDX-License-Identifier: GPL-2.0-only
/* partita dmesg: the hypervisor's log ring, once or followed by interrupt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <partita/root.h>

#include "cli-args.h"
#include "cli.h"
#include "dmesg-out.h"

/* Reads from the cursor until the ring has nothing newer. */
static int dmesg_drain(struct root_dev *dev, struct root_log_cursor *cur,
		       struct dmesg_out *out, struct root_log_chunk *chunk)
{
	struct root_log_piece piece;
	int err;

	do {
		err = root_log_read(dev, cur->next_seq, chunk);
		if (err)
			return err;
		err = root_log_cursor_take(cur, chunk, &piece);
		if (err) {
			snprintf(dev->error, sizeof(dev->error),
				 "the hypervisor's log answer does not fit the "
				 "request (from %llu, next %llu, %u bytes)",
				 (unsigned long long)chunk->from_seq,
				 (unsigned long long)chunk->next_seq,
				 chunk->length);
			return -EPROTO;
		}
		dmesg_out_piece(out, &piece, cur->next_seq - piece.length);
	} while (chunk->length);
	return 0;
}

static int dmesg_follow(struct root_dev *dev, struct root_log_cursor *cur,
			struct dmesg_out *out, struct root_log_chunk *chunk)
{
	uint64_t events;
	int err;

	for (;;) {
		fflush(out->out);
		err = root_events_wait(dev, -1, &events);
		if (err == -EINTR)
			continue;
		if (err)
			return err;
		if (!(events & (1ull << PT_ROOT_EVENT_LOG)))
			continue;
		err = dmesg_drain(dev, cur, out, chunk);
		if (err)
			return err;
	}
}

static int dmesg_run(struct root_dev *dev, int follow, int json)
{
	struct root_log_cursor cur;
	struct root_log_chunk *chunk;
	struct dmesg_out out;
	int err;

	chunk = malloc(sizeof(*chunk));
	if (!chunk) {
		fprintf(stderr, "partita: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	root_log_cursor_init(&cur, 0);
	dmesg_out_init(&out, stdout, stderr, json);
	/* Select the event before the first read, so no line falls between. */
	err = follow ? root_events_set_mask(dev, 1ull << PT_ROOT_EVENT_LOG) : 0;
	if (!err)
		err = dmesg_drain(dev, &cur, &out, chunk);
	if (!err && follow) {
		if (!root_notify_available(dev)) {
			dmesg_out_flush(&out);
			free(chunk);
			fprintf(stderr,
				"partita: cannot follow the log: partita.ko "
				"found no notification device, so nothing "
				"would wake it when the hypervisor logs\n");
			return CLI_EXIT_UNAVAILABLE;
		}
		err = dmesg_follow(dev, &cur, &out, chunk);
	}
	dmesg_out_flush(&out);
	free(chunk);
	return err ? cli_report(dev, err) : CLI_EXIT_OK;
}

int cmd_dmesg(int argc, char **argv)
{
	int follow = 0, json = 0;
	const struct cli_option options[] = {
		{ "follow", 'f', CLI_OPT_FLAG, &follow },
		{ "json", 'j', CLI_OPT_FLAG, &json },
		{ NULL },
	};
	struct root_dev dev;
	char msg[128];
	int npos, rc;

	switch (cli_parse(argc, argv, options, NULL, 0, &npos, msg,
			  sizeof(msg))) {
	case CLI_PARSE_HELP:
		cli_print_command_help(stdout, cli_find_command("dmesg"));
		return CLI_EXIT_OK;
	case CLI_PARSE_ERROR:
		return cli_usage_error("dmesg", msg);
	}
	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	rc = dmesg_run(&dev, follow, json);
	root_close(&dev);
	return rc;
}
