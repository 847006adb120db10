/* SPDX-License-Identifier: GPL-2.0-only */
/* A bounded byte queue that drops its oldest bytes, counting them. */
#ifndef PARTITA_BACKD_CONSOLE_HIST_H
#define PARTITA_BACKD_CONSOLE_HIST_H

#include <stddef.h>
#include <stdint.h>

struct console_hist {
	uint8_t *buf;
	size_t cap, start, len;
	uint64_t dropped; /* bytes thrown away to make room */
};

int console_hist_init(struct console_hist *h, size_t cap);
void console_hist_free(struct console_hist *h);
/* Appends, dropping the oldest bytes if it must; never fails. */
void console_hist_put(struct console_hist *h, const void *data, size_t n);
/* The oldest contiguous run of queued bytes; its length is returned. */
size_t console_hist_peek(const struct console_hist *h, const uint8_t **p);
void console_hist_consume(struct console_hist *h, size_t n);

#endif
