/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding the key that leaves an interactive console in what was typed. */
#ifndef PARTITA_CONSOLE_ESCAPE_H
#define PARTITA_CONSOLE_ESCAPE_H

#include <stddef.h>

/* Ctrl-], as xl console and telnet use: leaves, and is not sent. */
#define CONSOLE_ESCAPE_BYTE 0x1d

/*
 * How many of the n bytes at buf go to the guest before the escape byte:
 * all n when there is none (*found = 0), else the bytes before the first
 * one (*found = 1); what follows the escape is dropped with it.
 */
size_t console_escape_scan(const void *buf, size_t n, int *found);

#endif
