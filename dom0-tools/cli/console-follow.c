// SPDX-License-Identifier: GPL-2.0-only
/* partita console --debug: following a guest's console to its last line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <partita/root.h>

#include "console-follow.h"
#include "info-render.h"

/* How often a follower looks again without being woken. */
#define CONSOLE_REFRESH_MS 1000

/* What a look found. */
enum console_state {
	CONSOLE_ALIVE,	  /* running, paused or being created */
	CONSOLE_ENDING,	  /* ended, not yet torn down: more may come */
	CONSOLE_KEPT,	  /* crashed and kept: nothing more will come */
	CONSOLE_GONE,	  /* torn down: its ring is final */
	CONSOLE_REPLACED, /* the slot is another partition's now */
};

int console_follow_init(struct console_follow *f)
{
	f->chunk = malloc(sizeof(*f->chunk));
	if (!f->chunk)
		return -ENOMEM;
	root_log_cursor_init(&f->cur, 0);
	f->created_ns = 0;
	return 0;
}

void console_follow_free(struct console_follow *f)
{
	free(f->chunk);
	f->chunk = NULL;
}

int console_follow_once(struct console_follow *f)
{
	struct root_log_piece piece;
	int err;

	do {
		err = f->src->read(f->src->ctx, f->cur.next_seq, f->chunk);
		if (err)
			return err;
		if (root_log_cursor_take(&f->cur, f->chunk, &piece)) {
			snprintf(f->why, f->why_size,
				 "the hypervisor's console answer does not fit "
				 "the request (from %llu, next %llu, %u bytes)",
				 (unsigned long long)f->chunk->from_seq,
				 (unsigned long long)f->chunk->next_seq,
				 f->chunk->length);
			return -EPROTO;
		}
		if (piece.lost) {
			fflush(f->out);
			fprintf(f->err,
				"partita: %llu bytes of %s's console were "
				"overwritten before they could be read\n",
				(unsigned long long)piece.lost, f->name);
		}
		fwrite(piece.text, 1, piece.length, f->out);
	} while (f->chunk->length);
	fflush(f->out);
	return 0;
}

/* The partition's state; *info says why it ended. */
static int look(struct console_follow *f, struct pt_partition_info *info)
{
	int err = f->src->look(f->src->ctx, info);

	if (err == -ENOENT)
		return CONSOLE_REPLACED; /* no partition was ever in the slot */
	if (err)
		return err;
	/* A name is unique among partitions, a creation time per name. */
	if (strcmp(info->entry.name, f->name) ||
	    (f->created_ns && info->created_ns != f->created_ns))
		return CONSOLE_REPLACED;
	f->created_ns = info->created_ns;
	switch (info->entry.state) {
	case PT_PARTITION_STATE_GONE:
		return CONSOLE_GONE;
	case PT_PARTITION_STATE_SHUTDOWN:
		return CONSOLE_ENDING;
	case PT_PARTITION_STATE_CRASHED:
		return info->on_crash == PT_ON_CRASH_PRESERVE ? CONSOLE_KEPT
							      : CONSOLE_ENDING;
	default:
		return CONSOLE_ALIVE;
	}
}

/* After the last drain: how it ended, on f->err. */
static void say_end(struct console_follow *f, int state,
		    const struct pt_partition_info *info)
{
	const char *detail = info->exit_detail;

	fflush(f->out);
	if (state == CONSOLE_REPLACED)
		fprintf(f->err, "partita: %s is gone\n", f->name);
	else if (state == CONSOLE_GONE)
		fprintf(f->err, "partita: %s has ended%s%s%s and is gone\n",
			f->name, detail[0] ? " (" : "", detail,
			detail[0] ? ")" : "");
	else
		fprintf(f->err, "partita: %s has ended (%s%s%s)\n", f->name,
			info_partition_state_name(info->entry.state),
			detail[0] ? ": " : "", detail);
}

int console_follow_run(struct console_follow *f, int timeout_ms)
{
	long long deadline =
		timeout_ms >= 0 ? f->src->now_ms(f->src->ctx) + timeout_ms : 0;
	struct pt_partition_info info;
	int state = CONSOLE_ALIVE, fresh = 1, err, wait_ms;
	uint64_t events;

	for (;;) {
		if (fresh) {
			state = look(f, &info);
			if (state < 0)
				return state;
		}
		/* The ring of another partition is not this one's. */
		if (state == CONSOLE_REPLACED) {
			say_end(f, state, &info);
			return 0;
		}
		/*
		 * Read after the look: when it said GONE or KEPT, this read
		 * gets the last line the guest wrote, however long ago it
		 * ended and however late this follower woke.
		 */
		err = console_follow_once(f);
		if (err)
			return err;
		if (state == CONSOLE_GONE || state == CONSOLE_KEPT) {
			say_end(f, state, &info);
			return 0;
		}
		wait_ms = CONSOLE_REFRESH_MS;
		if (timeout_ms >= 0) {
			long long left = deadline - f->src->now_ms(f->src->ctx);

			if (left <= 0)
				return 0;
			if (left < wait_ms)
				wait_ms = (int)left;
		}
		if (*f->stop)
			return 0;
		err = f->src->wait(f->src->ctx, wait_ms, &events);
		if (err == -EINTR) {
			fresh = 0;
			continue;
		}
		if (err && err != -ETIMEDOUT)
			return err;
		/* A timeout looks again too, in case an event was lost. */
		fresh = err == -ETIMEDOUT ||
			(events & (1ull << PT_ROOT_EVENT_PARTITION));
	}
}
