// SPDX-License-Identifier: GPL-2.0-only
/* The partita command table: one line per command, help text included. */
#include <string.h>

#include "cli-args.h"
#include "cli.h"

const struct cli_command cli_commands[] = {
	{
		.name = "create",
		.summary = "create and start a partition from a YAML config",
		.help = "usage: partita create [--quiet] FILE.yaml\n"
			"\n"
			"Checks FILE.yaml and its kernel (as 'partita check' "
			"does), then\n"
			"creates the partition, gives it its memory, loads the "
			"kernel,\n"
			"writes its home and devices in the store, starts it "
			"and\n"
			"introduces it to the store, showing progress. Nothing "
			"is left\n"
			"behind when a step fails. Without a running "
			"partita-stored the\n"
			"partition is still made, with a warning: it has no "
			"home and no\n"
			"devices until 'partita introduce NAME'. Prints the "
			"new\n"
			"partition's id.\n"
			"\n"
			"  -q, --quiet  print only the new partition's id\n"
			"  -h, --help   show this help\n",
		.run = cmd_create,
	},
	{
		.name = "list",
		.summary = "list the partitions and their states",
		.help = "usage: partita list [--long] [--json]\n"
			"\n"
			"One line per partition, the root (id 0) included: id, "
			"name,\n"
			"state (created, running, paused, shutdown, crashed), "
			"vCPUs,\n"
			"weight, memory and the CPU time its vCPUs have used.\n"
			"\n"
			"  -l, --long   also the cap, the CPUs it may use and "
			"its uptime\n"
			"  -j, --json   print one JSON object instead of a "
			"table\n"
			"  -h, --help   show this help\n",
		.run = cmd_list,
	},
	{
		.name = "info",
		.summary = "show the hypervisor, or one partition in detail",
		.help = "usage: partita info [--json] [NAME|ID]\n"
			"\n"
			"Without NAME: the hypervisor's interface version and "
			"features,\n"
			"the driver, every CPU and its role (root or guests), "
			"memory\n"
			"(total, used by the hypervisor, the guest pool and "
			"what is free\n"
			"in it, the ranges hidden from the root) and the "
			"partitions.\n"
			"\n"
			"With NAME (or ID): that partition's settings, state, "
			"memory and\n"
			"frames owned, age, CPU time and, once it ended, why; "
			"its devices\n"
			"from the store: type/number, front-end and back-end "
			"states, the\n"
			"console's pty, why a device broke and the back-end's "
			"counters.\n"
			"\n"
			"  -j, --json   print one JSON object instead of text\n"
			"  -h, --help   show this help\n",
		.run = cmd_info,
	},
	{
		.name = "pause",
		.summary = "stop a partition's vCPUs until unpause",
		.help = "usage: partita pause NAME|ID\n"
			"\n"
			"Takes the partition's vCPUs off their CPUs; it keeps "
			"its memory\n"
			"and makes no progress until 'partita unpause'.\n",
		.run = cmd_pause,
	},
	{
		.name = "unpause",
		.summary = "let a paused partition run again",
		.help = "usage: partita unpause NAME|ID\n",
		.run = cmd_unpause,
	},
	{
		.name = "shutdown",
		.summary = "ask a partition to shut down",
		.help = "usage: partita shutdown [--wait] [--timeout SECONDS] "
			"NAME|ID\n"
			"\n"
			"Raises the shutdown-request event in the guest, which "
			"ends\n"
			"itself when it is ready. Without --wait the command "
			"returns at\n"
			"once.\n"
			"\n"
			"  -w, --wait         wait until the partition is gone "
			"(woken by\n"
			"                     the hypervisor's interrupt, not "
			"by polling)\n"
			"  -t, --timeout S    give up waiting after S seconds "
			"(default 30;\n"
			"                     implies --wait); exit status 1 "
			"then\n"
			"  -h, --help         show this help\n",
		.run = cmd_shutdown,
	},
	{
		.name = "destroy",
		.summary = "end a partition at once and free its memory",
		.help = "usage: partita destroy NAME|ID\n"
			"\n"
			"Stops the partition whatever it is doing (a crashed "
			"one kept by\n"
			"on_crash: preserve too), scrubs its memory and "
			"returns every\n"
			"frame to the pool before it returns.\n",
		.run = cmd_destroy,
	},
	{
		.name = "console",
		.summary = "attach to a guest's console (Ctrl-] leaves)",
		.help = "usage: partita console [--linger MS] NAME|ID\n"
			"       partita console --debug [--no-follow] "
			"[--timeout SECONDS] NAME|ID\n"
			"\n"
			"Attaches to the guest's virtio console (a 'console: "
			"{}' device),\n"
			"served by partita-backd through a pty: what you type "
			"goes to the\n"
			"guest, what it writes comes back, output it wrote "
			"while nobody\n"
			"was attached first. Leave with Ctrl-]; the guest goes "
			"on running.\n"
			"When standard input is not a terminal (a script), it "
			"is sent as\n"
			"is and, once it ends, output is shown until the "
			"guest has been\n"
			"quiet for --linger milliseconds.\n"
			"\n"
			"With --debug: what the guest wrote to the "
			"hypervisor's debug\n"
			"console (the last 8 KiB, then new lines as they come, "
			"woken by\n"
			"the hypervisor's interrupt), the early and panic "
			"console. Leave\n"
			"with Ctrl-C. It stops by itself when the partition "
			"ends.\n"
			"\n"
			"  -l, --linger MS    after the end of standard input, "
			"leave once\n"
			"                     the guest is MS ms quiet "
			"(default 1000)\n"
			"  -d, --debug        the hypervisor's debug console "
			"instead\n"
			"  -n, --no-follow    (debug) print what is there and "
			"return\n"
			"  -t, --timeout S    (debug) stop following after S "
			"seconds\n"
			"  -h, --help         show this help\n"
			"\n"
			"--no-follow and --timeout imply --debug.\n",
		.run = cmd_console,
	},
	{
		.name = "introduce",
		.summary = "give running guests their home in the store",
		.help = "usage: partita introduce --all | NAME|ID\n"
			"\n"
			"For partitions the hypervisor started from its boot "
			"config, which\n"
			"'partita create' did not make: writes each one's home "
			"in the store\n"
			"(/local/domain/ID: name, domid, memory/target, vcpus, "
			"data/,\n"
			"device/) and introduces it to partita-stored, which "
			"then serves\n"
			"its store ring. Guests the store knows already are "
			"left alone.\n"
			"The root's /init runs 'partita introduce --all' at "
			"boot.\n"
			"\n"
			"  -a, --all    every running or paused guest the "
			"store "
			"does not\n"
			"               know yet\n"
			"  -h, --help   show this help\n",
		.run = cmd_introduce,
	},
	{
		.name = "block-attach",
		.summary = "give a running guest another disk",
		.help = "usage: partita block-attach [--readonly] [--cache "
			"writeback|none] [--quiet]\n"
			"                            NAME|ID FILE\n"
			"\n"
			"Checks FILE as 'partita check' checks a disk's path "
			"(a regular\n"
			"file of at least 512 bytes or a block device, "
			"readable, and\n"
			"writable unless --readonly), then writes a new block "
			"device's\n"
			"front-end and back-end directories in the store, "
			"both\n"
			"Initialising, in one transaction: the lowest number "
			"the guest\n"
			"does not use. partita-backd serves it and the guest's "
			"front-end\n"
			"picks it up by its watch. Prints the device number.\n"
			"\n"
			"  -r, --readonly     the guest may only read it\n"
			"  -c, --cache MODE   writeback (the page cache, the "
			"default) or\n"
			"                     none (O_DIRECT)\n"
			"  -q, --quiet        print only the device number\n"
			"  -h, --help         show this help\n",
		.run = cmd_block_attach,
	},
	{
		.name = "block-detach",
		.summary = "take a disk away from a running guest",
		.help = "usage: partita block-detach [--timeout SECONDS] "
			"[--force] NAME|ID DEV\n"
			"\n"
			"DEV is the device number (1 or block/1). Writes "
			"online = 0 into\n"
			"the back-end directory, waits (woken by a store "
			"watch) until the\n"
			"back-end reports Closed, once the guest has finished "
			"with it,\n"
			"then removes both directories. If it does not close "
			"in time,\n"
			"nothing is removed and the exit status is 1, unless "
			"--force.\n"
			"\n"
			"  -t, --timeout S    wait at most S seconds (default "
			"10)\n"
			"  -f, --force        remove the directories even if "
			"the back-end\n"
			"                     did not close\n"
			"  -h, --help         show this help\n",
		.run = cmd_block_detach,
	},
	{
		.name = "block-list",
		.summary = "list a guest's disks and their states",
		.help = "usage: partita block-list [--json] NAME|ID\n"
			"\n"
			"One row per block device in the store: number, image, "
			"mode (ro,\n"
			"rw), cache, front-end and back-end states.\n"
			"\n"
			"  -j, --json   print one JSON object instead of a "
			"table\n"
			"  -h, --help   show this help\n",
		.run = cmd_block_list,
	},
	{
		.name = "stats",
		.summary = "show a partition's CPU time, exits and hypercalls",
		.help = "usage: partita stats [--json] NAME|ID\n"
			"\n"
			"CPU time per vCPU, exits by reason and, per "
			"hypercall, how many\n"
			"completed, how many entries they took and the longest "
			"entry.\n"
			"\n"
			"  -j, --json   print one JSON object instead of text\n"
			"  -h, --help   show this help\n",
		.run = cmd_stats,
	},
	{
		.name = "top",
		.summary = "live view of the partitions' CPU use and calls",
		.help = "usage: partita top [--interval SECONDS] [--iterations "
			"N] [--once]\n"
			"\n"
			"Redraws every interval (and at once when a partition "
			"starts or\n"
			"ends): per guest its state, CPU use in percent of one "
			"CPU, CPU\n"
			"time, hypercalls and exits per second; the pool's "
			"free memory.\n"
			"Leave with Ctrl-C. Without a terminal the screens "
			"follow each\n"
			"other, separated by a blank line.\n"
			"\n"
			"  -i, --interval S   seconds between screens (default "
			"2)\n"
			"  -n, --iterations N stop after N screens\n"
			"  -1, --once         one screen (rates need two: they "
			"show '-')\n"
			"  -h, --help         show this help\n",
		.run = cmd_top,
	},
	{
		.name = "vcpu-list",
		.summary = "list vCPUs: state, CPU, affinity, CPU time",
		.help = "usage: partita vcpu-list [--json] [NAME|ID]\n"
			"\n"
			"One line per vCPU of every started partition (or of "
			"NAME): its\n"
			"partition, number, the physical CPU it is on, its "
			"state (running,\n"
			"runnable, blocked, paused, ended; 'moving' after a "
			"pin until it\n"
			"has moved), the CPUs it may use (affinity) and the "
			"CPU time it\n"
			"used. The root owns its CPU: its time is not "
			"counted.\n"
			"\n"
			"  -j, --json   print one JSON object instead of a "
			"table\n"
			"  -h, --help   show this help\n",
		.run = cmd_vcpu_list,
	},
	{
		.name = "vcpu-pin",
		.summary = "change the CPUs a guest's vCPU may use",
		.help = "usage: partita vcpu-pin NAME|ID VCPU CPUS\n"
			"\n"
			"From now on vCPU number VCPU of the guest runs only "
			"on "
			"CPUS: a\n"
			"list such as 1-3,5 (as 'cpus' in a config), or 'all' "
			"for every\n"
			"CPU that runs guests. A vCPU runs on one CPU at a "
			"time; if its\n"
			"CPU is not in CPUS it moves, at its CPU's next "
			"scheduling pass,\n"
			"to the CPU of CPUS with the fewest vCPUs. Prints "
			"where it runs.\n"
			"The setting lasts until the guest ends (its config "
			"is not changed).\n"
			"\n"
			"  -h, --help   show this help\n",
		.run = cmd_vcpu_pin,
	},
	{
		.name = "sched",
		.summary = "show or change a guest's weight and cap",
		.help = "usage: partita sched [--weight W] [--cap C] [--json] "
			"NAME|ID\n"
			"\n"
			"Without options: the guest's weight and cap. With "
			"them: changes\n"
			"them at once, while it runs, and shows the new values "
			"and the\n"
			"old. A vCPU's share of a busy CPU follows its weight; "
			"the cap\n"
			"limits each vCPU to C percent of one CPU even when "
			"the CPU is\n"
			"idle. The config is not changed.\n"
			"\n"
			"  -w, --weight W  1 to 65535 (configs default to "
			"256)\n"
			"  -c, --cap C     0 to 100 percent, '50%' too; 0 or "
			"'none': no cap\n"
			"  -j, --json      print one JSON object instead of "
			"text\n"
			"  -h, --help      show this help\n",
		.run = cmd_sched,
	},
	{
		.name = "uptime",
		.summary = "how long the hypervisor and partitions are up",
		.help = "usage: partita uptime [--json] [NAME|ID]\n"
			"\n"
			"The hypervisor's uptime, then one line per partition "
			"(or NAME):\n"
			"how long since it was created. The root counts from "
			"the\n"
			"hypervisor's start.\n"
			"\n"
			"  -j, --json   print one JSON object instead of a "
			"table\n"
			"  -h, --help   show this help\n",
		.run = cmd_uptime,
	},
	{
		.name = "reboot",
		.summary = "shut a guest down cleanly and create it again",
		.help = "usage: partita reboot [--timeout SECONDS] NAME|ID\n"
			"\n"
			"For a guest made by 'partita create': reads which "
			"config it was\n"
			"made from (the store keeps its absolute path) and "
			"checks it\n"
			"again, asks the guest to shut down, waits until it is "
			"gone, then\n"
			"creates it again from that config, as 'partita "
			"create' does. The\n"
			"new partition has a new id. The config is read anew: "
			"edits made\n"
			"since take effect, and a config that no longer checks "
			"out leaves\n"
			"the guest running. If it does not shut down in time "
			"it "
			"keeps\n"
			"running and the exit status is 1.\n"
			"\n"
			"  -t, --timeout S  wait at most S seconds for the "
			"shutdown\n"
			"                   (default 30)\n"
			"  -h, --help       show this help\n",
		.run = cmd_reboot,
	},
	{
		.name = "check",
		.summary = "check partition configs without creating anything",
		.help = "usage: partita check [--args] FILE.yaml...\n"
			"\n"
			"Checks each config and its kernel image as 'partita "
			"create' would\n"
			"(docs/config.md): prints 'OK: NAME: ...' on standard "
			"output, or\n"
			"FILE:LINE:COLUMN: and what is wrong on standard "
			"error. Needs no\n"
			"hypervisor. Exit status 1 if any file is bad.\n"
			"\n"
			"  -a, --args   also print the hypercall arguments "
			"each becomes\n"
			"  -h, --help   show this help\n",
		.run = cmd_check,
	},
	{
		.name = "dmesg",
		.summary = "print the hypervisor's log",
		.help = "usage: partita dmesg [--follow] [--json]\n"
			"\n"
			"Prints the hypervisor's log ring, read through a "
			"hypercall.\n"
			"Bytes the ring overwrote before they could be read "
			"are noted\n"
			"on standard error.\n"
			"\n"
			"  -f, --follow  keep printing new lines as the "
			"hypervisor logs\n"
			"                them (woken by its interrupt; stop "
			"with Ctrl-C)\n"
			"  -j, --json    one JSON object per line: {\"seq\": "
			"N, \"text\": ...},\n"
			"                and {\"lost\": N} where bytes were "
			"lost\n"
			"  -h, --help    show this help\n",
		.run = cmd_dmesg,
	},
	{
		.name = "soak",
		.summary = "create/destroy cycles checking for leaks (tests)",
		.help = "usage: partita soak FILE.yaml CYCLES\n"
			"\n"
			"Creates the partition of FILE.yaml, checks that it "
			"runs and\n"
			"destroys it, CYCLES times in this one process, each "
			"step the way\n"
			"'partita create' and 'partita destroy' do it. "
			"Compares the pool's\n"
			"free frames and this process's open files before and "
			"after;\n"
			"exit status 1 if either differs.\n",
		.run = cmd_soak,
		.hidden = 1,
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

int cli_parse_command(const char *cmd, int argc, char **argv,
		      const struct cli_option *options, char **positional,
		      int min_positional, int max_positional, int *npositional)
{
	char msg[160];

	switch (cli_parse(argc, argv, options, positional, max_positional,
			  npositional, msg, sizeof(msg))) {
	case CLI_PARSE_HELP:
		cli_print_command_help(stdout, cli_find_command(cmd));
		return CLI_EXIT_OK;
	case CLI_PARSE_ERROR:
		return cli_usage_error(cmd, msg);
	}
	if (*npositional < min_positional)
		return cli_usage_error(cmd, min_positional == 1 &&
							    max_positional == 1
						    ? "it needs one argument"
						    : "an argument is missing");
	return -1;
}
