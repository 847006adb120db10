/* SPDX-License-Identifier: GPL-2.0-only */
/* The partita command: its command table, exit codes and shared helpers. */
#ifndef PARTITA_CLI_H
#define PARTITA_CLI_H

#include <stdio.h>

#include "root-client.h"

/* Exit codes, documented in docs/cli.md. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED 1 /* the operation failed, e.g. the hypervisor said no */
#define CLI_EXIT_USAGE 2 /* bad command line */
#define CLI_EXIT_UNAVAILABLE 3 /* no hypervisor, no module, no permission */

/*
 * One command. run() gets argv[0] = the command's name; it parses its own
 * options (cli-args.h) and returns an exit code. help is printed for
 * "partita help NAME", "partita NAME --help" and usage errors.
 */
struct cli_command {
	const char *name;
	const char *summary;
	const char *help;
	int (*run)(int argc, char **argv);
};

extern const struct cli_command cli_commands[];
extern const unsigned int cli_command_count;

const struct cli_command *cli_find_command(const char *name);
void cli_print_command_help(FILE *f, const struct cli_command *cmd);

/* The exit code for a libpartita-root result (0 or -errno). */
int cli_exit_code(int err);

/* Opens /dev/partita, or prints why not and returns the exit code. */
int cli_open_device(struct root_dev *dev);

/* Prints "partita: <dev's error>" and returns the matching exit code. */
int cli_report(const struct root_dev *dev, int err);

/* Prints "partita CMD: message" plus a pointer to help; returns 2. */
int cli_usage_error(const char *cmd, const char *message);

int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);

#endif
