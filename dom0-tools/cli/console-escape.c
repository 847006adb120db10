// SPDX-License-Identifier: GPL-2.0-only
/* The escape byte in a stream of input, kept apart from I/O to be tested. */
#include <string.h>

#include "console-escape.h"

size_t console_escape_scan(const void *buf, size_t n, int *found)
{
	const unsigned char *esc = memchr(buf, CONSOLE_ESCAPE_BYTE, n);

	*found = esc != NULL;
	return esc ? (size_t)(esc - (const unsigned char *)buf) : n;
}
