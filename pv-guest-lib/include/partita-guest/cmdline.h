/* SPDX-License-Identifier: MIT */
/* Reading key=value words from the guest's command line (start-info). */
#ifndef PARTITA_GUEST_CMDLINE_H
#define PARTITA_GUEST_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Words are separated by spaces. pt_cmdline_u64 parses the value of
 * `key=` as decimal, or hex with a 0x prefix; it returns `fallback` when
 * the key is missing or its value is not a number.
 */
uint64_t pt_cmdline_u64(const char *key, uint64_t fallback);

/*
 * Copies the value of `key=` into buf (NUL-terminated, cut to size - 1).
 * Returns 1 if the key is there, else 0 (buf then holds "").
 */
int pt_cmdline_str(const char *key, char *buf, size_t size);

#endif
