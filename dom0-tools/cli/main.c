// SPDX-License-Identifier: GPL-2.0-only
/* partita: the root partition's command line, dispatching to commands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef PARTITA_VERSION
#define PARTITA_VERSION "unknown"
#endif

static void print_usage(FILE *f)
{
	fputs("usage: partita [--help] [--version] COMMAND [ARGS]\n"
	      "\n"
	      "Manages the Partita hypervisor from its root partition.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (unsigned int i = 0; i < cli_command_count; i++) {
		if (!cli_commands[i].hidden)
			fprintf(f, "  %-12s %s\n", cli_commands[i].name,
				cli_commands[i].summary);
	}
	fputs("  help         show help for a command: partita help COMMAND\n"
	      "\n"
	      "Exit status: 0 done, 1 the operation failed, 2 usage error,\n"
	      "3 the hypervisor, the partita module or the store is "
	      "unavailable.\n",
	      f);
}

static int unknown_command(const char *name)
{
	fprintf(stderr,
		"partita: '%s' is not a command. Run 'partita --help' for the "
		"list.\n",
		name);
	return CLI_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		puts("usage: partita help [COMMAND]");
		return CLI_EXIT_OK;
	}
	cmd = cli_find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	cli_print_command_help(stdout, cmd);
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		print_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("partita %s (root ioctl version %u)\n", PARTITA_VERSION,
		       PT_ROOT_IOCTL_VERSION);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (argv[1][0] == '-') {
		fprintf(stderr,
			"partita: unknown option '%s'. Run 'partita --help'.\n",
			argv[1]);
		return CLI_EXIT_USAGE;
	}
	cmd = cli_find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	return cmd->run(argc - 1, argv + 1);
}
