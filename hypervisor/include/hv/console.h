/* SPDX-License-Identifier: GPL-2.0-only */
/* A partition's debug console: lines into the log, tagged and rate-limited. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "types.h"

struct partition;

/* Burst and steady rate of console lines a partition may log. */
#define CONSOLE_BURST_LINES 200u
#define CONSOLE_LINES_PER_SEC 50u

void console_write(struct partition *p, const char *text, u32 len, u64 now);

#endif
