// SPDX-License-Identifier: GPL-2.0-only
/* The partita command table: one line per command, help text included. */
#include <string.h>

#include "cli.h"

const struct cli_command cli_commands[] = {
	{
		.name = "info",
		.summary = "show the hypervisor: version, CPUs, memory, partitions",
		.help = "usage: partita info [--json]\n"
			"\n"
			"Shows the hypervisor's interface version and features, the\n"
			"driver, every CPU and its role (root or guests), memory (total,\n"
			"used by the hypervisor, the guest pool and what is free in it,\n"
			"the ranges hidden from the root) and the partitions.\n"
			"\n"
			"  -j, --json   print one JSON object instead of text\n"
			"  -h, --help   show this help\n",
		.run = cmd_info,
	},
	{
		.name = "dmesg",
		.summary = "print the hypervisor's log",
		.help = "usage: partita dmesg [--follow] [--json]\n"
			"\n"
			"Prints the hypervisor's log ring, read through a hypercall.\n"
			"Bytes the ring overwrote before they could be read are noted\n"
			"on standard error.\n"
			"\n"
			"  -f, --follow  keep printing new lines as the hypervisor logs\n"
			"                them (woken by its interrupt; stop with Ctrl-C)\n"
			"  -j, --json    one JSON object per line: {\"seq\": N, \"text\": ...},\n"
			"                and {\"lost\": N} where bytes were lost\n"
			"  -h, --help    show this help\n",
		.run = cmd_dmesg,
	},
};

const unsigned int cli_command_count =
	sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_command *cli_find_command(const char *name)
{
	for (unsigned int i = 0; i < cli_command_count; i++) {
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	}
	return NULL;
}

void cli_print_command_help(FILE *f, const struct cli_command *cmd)
{
	fprintf(f, "%s", cmd->help);
}
