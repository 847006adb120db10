/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the config tests: files, folder listings, running a config. */
#ifndef CONFIG_CORPUS_UTIL_H
#define CONFIG_CORPUS_UTIL_H

#include <stddef.h>

/* The whole file, NUL-terminated, trailing newlines removed; NULL if absent. */
char *corpus_read(const char *path);

/* Sorted names in `dir` ending in `suffix`; returns the count. */
size_t corpus_list(const char *dir, const char *suffix, char ***names);
void corpus_free_list(char **names, size_t count);

/*
 * Loads `path` and its kernel. Returns 0 with the config_dump() text in
 * *out, or the error code with the error line in *out. Free *out.
 */
int corpus_run(const char *path, char **out);

#endif
