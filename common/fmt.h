/* SPDX-License-Identifier: MIT */
/* A small printf-style formatter for code that has no C library. */
#ifndef PARTITA_COMMON_FMT_H
#define PARTITA_COMMON_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supports %d %i %u %x %X %o %c %s %p %%, the flags '-' and '0', a field
 * width (also '*'), a precision for %s, and the length modifiers hh h l ll z.
 * Returns the length the full output would have, like C's vsnprintf; the
 * buffer always ends with a NUL when size > 0.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
