// SPDX-License-Identifier: GPL-2.0-only
/* The console's bounded output queue: what the pty has not taken yet. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "console-hist.h"

int console_hist_init(struct console_hist *h, size_t cap)
{
	memset(h, 0, sizeof(*h));
	if (cap == 0)
		return -EINVAL;
	h->buf = malloc(cap);
	if (!h->buf)
		return -ENOMEM;
	h->cap = cap;
	return 0;
}

void console_hist_free(struct console_hist *h)
{
	free(h->buf);
	memset(h, 0, sizeof(*h));
}

void console_hist_put(struct console_hist *h, const void *data, size_t n)
{
	const uint8_t *s = data;

	/* Of more than fits, only the newest cap bytes can survive. */
	if (n > h->cap) {
		h->dropped += n - h->cap;
		s += n - h->cap;
		n = h->cap;
	}
	if (h->len + n > h->cap) {
		size_t drop = h->len + n - h->cap;

		h->dropped += drop;
		console_hist_consume(h, drop);
	}
	while (n) {
		size_t end = (h->start + h->len) % h->cap;
		size_t run = h->cap - end;

		if (run > n)
			run = n;
		memcpy(h->buf + end, s, run);
		h->len += run;
		s += run;
		n -= run;
	}
}

size_t console_hist_peek(const struct console_hist *h, const uint8_t **p)
{
	size_t run = h->cap - h->start;

	*p = h->buf + h->start;
	return run < h->len ? run : h->len;
}

void console_hist_consume(struct console_hist *h, size_t n)
{
	if (n > h->len)
		n = h->len;
	h->len -= n;
	h->start = h->len ? (h->start + n) % h->cap : 0;
}
