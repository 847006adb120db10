/* SPDX-License-Identifier: GPL-2.0-only */
/* Capturing what a formatter writes to a FILE, for comparisons. */
#ifndef PARTITA_TEST_CAPTURE_H
#define PARTITA_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static inline FILE *capture_begin(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

/* Returns the text written (free() it). */
static inline char *capture_end(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

#endif
