/* SPDX-License-Identifier: GPL-2.0-only */
/* Command-line option parsing for partita's commands. */
#ifndef PARTITA_CLI_ARGS_H
#define PARTITA_CLI_ARGS_H

#include <stddef.h>

enum cli_option_kind {
	CLI_OPT_FLAG,  /* target is int *: set to 1 */
	CLI_OPT_VALUE, /* target is const char **: the argument */
};

struct cli_option {
	const char *name; /* "json" for --json; NULL ends the list */
	char short_name;  /* 'j' for -j, or 0 */
	enum cli_option_kind kind;
	void *target;
};

#define CLI_PARSE_OK 0
#define CLI_PARSE_HELP 1     /* -h or --help was given */
#define CLI_PARSE_ERROR (-1) /* err holds one sentence */

/*
 * Parses argv[1..argc-1]: --name, --name=value, --name value, -x, -x value,
 * and "--" to end options. Other words are positional: up to max_positional
 * are stored in positional[], *npositional says how many.
 */
int cli_parse(int argc, char **argv, const struct cli_option *options,
	      char **positional, int max_positional, int *npositional,
	      char *err, size_t err_size);

#endif
