/* SPDX-License-Identifier: GPL-2.0-only */
/* Following a partition's debug console to its end (console-follow.c). */
#ifndef PARTITA_CONSOLE_FOLLOW_H
#define PARTITA_CONSOLE_FOLLOW_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include <partita/hypercall.h>

#include "root-client.h"

/*
 * Where a follower gets the text, the partition's state and its wake-ups:
 * the hypervisor through /dev/partita in the CLI, a script in the tests.
 * Each returns 0 or -errno.
 */
struct console_source {
	/*
	 * CONSOLE_READ with PT_REF_ENDED: the ring from from_seq, also once
	 * the partition is gone. -ENOENT: the slot holds no partition.
	 */
	int (*read)(void *ctx, uint64_t from_seq, struct root_log_chunk *chunk);
	/* PARTITION_INFO with PT_REF_ENDED (state GONE once it is gone). */
	int (*look)(void *ctx, struct pt_partition_info *info);
	/* Up to timeout_ms for PT_ROOT_EVENT_* bits; -ETIMEDOUT, -EINTR. */
	int (*wait)(void *ctx, int timeout_ms, uint64_t *events);
	long long (*now_ms)(void *ctx); /* a monotonic clock */
	void *ctx;
};

struct console_follow {
	const struct console_source *src;
	const char *name; /* the partition's, as the user named it */
	FILE *out;	  /* the guest's text */
	FILE *err;	  /* losses and how it ended */
	char *why;	  /* a sentence for an -EPROTO return */
	size_t why_size;
	volatile sig_atomic_t *stop; /* set by a signal: leave */
	/* Filled by console_follow_init(). */
	struct root_log_cursor cur;
	struct root_log_chunk *chunk;
	uint64_t created_ns; /* which partition of that name (0: not seen) */
};

/* Sets up f (src, name, out, err, why, stop given); -ENOMEM. */
int console_follow_init(struct console_follow *f);
void console_follow_free(struct console_follow *f);

/* Prints everything new in the ring once (--no-follow). */
int console_follow_once(struct console_follow *f);

/*
 * Prints what the guest writes until it has ended and every line it wrote
 * is printed, then says how it ended on f->err; or until timeout_ms (< 0:
 * none) or *f->stop. A partition that is torn down is followed until it is
 * gone, since only then is its ring final: "partita: NAME has ended
 * (REASON) and is gone". One kept after a crash ends the follow as soon as
 * it is CRASHED: "partita: NAME has ended (crashed: REASON)".
 */
int console_follow_run(struct console_follow *f, int timeout_ms);

#endif
