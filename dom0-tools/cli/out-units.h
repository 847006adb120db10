/* SPDX-License-Identifier: GPL-2.0-only */
/* Human-readable sizes and times for partita's text output. */
#ifndef PARTITA_OUT_UNITS_H
#define PARTITA_OUT_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "512 B", "4.0 KiB", "1.5 GiB": binary units, one decimal. */
const char *out_bytes(char *buf, size_t size, uint64_t bytes);
/* "1d 02:03:04", "02:03:04.567" style uptime from nanoseconds. */
const char *out_uptime(char *buf, size_t size, uint64_t ns);

#endif
