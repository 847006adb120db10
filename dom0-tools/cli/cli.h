/* SPDX-License-Identifier: GPL-2.0-only */
/* The partita command: its command table, exit codes and shared helpers. */
#ifndef PARTITA_CLI_H
#define PARTITA_CLI_H

#include <stdio.h>

#include "root-client.h"

/* Exit codes, documented in docs/cli.md. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED \
	1		 /* the operation failed, e.g. the hypervisor said no */
#define CLI_EXIT_USAGE 2 /* bad command line */
#define CLI_EXIT_UNAVAILABLE \
	3 /* no hypervisor, no module, no permission, no store */

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
	int hidden; /* left out of "partita --help" (test tools) */
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

/*
 * Parses a command's options (cli-args.h) and handles --help and usage
 * errors: returns -1 to go on, else the exit code to return at once.
 */
struct cli_option;
int cli_parse_command(const char *cmd, int argc, char **argv,
		      const struct cli_option *options, char **positional,
		      int min_positional, int max_positional, int *npositional);

/*
 * The guest partition a command acts on, by name or id (cli-target.c).
 * Prints a plain sentence and returns the exit code when there is none or
 * `what` names the root; 0 otherwise.
 */
int cli_find_guest(struct root_dev *dev, const char *cmd, const char *what,
		   struct pt_partition_entry *entry);

/*
 * After a lifecycle call on `e` failed: prints what went wrong and what to
 * do, in one sentence, and returns the exit code.
 */
int cli_report_refusal(struct root_dev *dev, int err, const char *doing,
		       const struct pt_partition_entry *e);

/*
 * The messaging state of partition `id` into *m (root_messaging_free() it)
 * and *have = 1; *have = 0 and 0 when the hypervisor does not know
 * PARTITION_MESSAGING (an older build), so callers show the rest.
 */
struct root_messaging;
int cli_read_messaging(struct root_dev *dev, uint32_t id,
		       struct root_messaging *m, int *have);

/* Seconds as given on the command line ("2", "0.5") to milliseconds. */
int cli_parse_seconds(const char *text, int *ms);

/* Monotonic milliseconds, for timeouts and refresh intervals. */
long long cli_now_ms(void);

int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_introduce(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_soak(int argc, char **argv);
int cmd_block_attach(int argc, char **argv);
int cmd_block_detach(int argc, char **argv);
int cmd_block_list(int argc, char **argv);
int cmd_vcpu_list(int argc, char **argv);
int cmd_vcpu_pin(int argc, char **argv);
int cmd_sched(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_reboot(int argc, char **argv);

/*
 * "partita create PATH" without its option parsing: prints progress and
 * the result (CLI_CREATE_NORMAL), only the id (CLI_CREATE_ID) or nothing
 * but errors (CLI_CREATE_SILENT), and sets *id (if not NULL). Returns the
 * exit code.
 */
#define CLI_CREATE_SILENT 0
#define CLI_CREATE_ID 1
#define CLI_CREATE_NORMAL 2
int cli_create_file(const char *path, int output, uint32_t *id);

/*
 * After a shutdown request (with PT_ROOT_EVENT_PARTITION selected before
 * it): waits until partition e is gone, saying so, or crashed, or
 * timeout_ms passed (cmd-control.c). Returns the exit code.
 */
int cli_wait_gone(struct root_dev *dev, const struct pt_partition_entry *e,
		  int timeout_ms);

/* "partita destroy WHAT"; silent prints nothing but errors. */
int cli_destroy(const char *what, int silent);

/* The info command for one partition (cmd-list.c). */
int cli_partition_info(const char *what, int json);

/*
 * Every partition into rows[PT_PARTITION_LIST_MAX] (*count of them), each
 * guest with its PARTITION_INFO when it could be read (cmd-list.c).
 * Prints why on failure and returns the exit code.
 */
struct part_row;
int cli_partition_rows(struct root_dev *dev, struct part_row *rows,
		       uint32_t *count);

#endif
