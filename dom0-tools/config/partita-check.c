// SPDX-License-Identifier: GPL-2.0-only
/* partita-check: validates YAML partition configs on any Linux host. */
#include <stdio.h>
#include <string.h>

#include "config.h"

static int usage(FILE *out, int ret)
{
	fprintf(out, "usage: partita-check [--args] FILE.yaml...\n"
		     "Checks partition configs and their kernel images "
		     "(docs/config.md).\n"
		     "  --args  also print the hypercall arguments each config "
		     "becomes\n");
	return ret;
}

/* Prints the arguments after a successful check. */
static void print_args(const char *path)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;

	if (config_open(path, &cfg, &img, &err))
		return;
	config_dump(&cfg, &img, stdout);
	config_image_close(&img);
}

int main(int argc, char **argv)
{
	int first = 1, args = 0, ret = 0;

	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return usage(stdout, 0);
	if (argc > 1 && strcmp(argv[1], "--args") == 0) {
		args = 1;
		first = 2;
	}
	if (first >= argc || argv[first][0] == '-')
		return usage(stderr, 2);
	for (int i = first; i < argc; i++) {
		if (partita_config_check(argv[i], stdout)) {
			ret = 1;
			continue;
		}
		if (args)
			print_args(argv[i]);
	}
	return ret;
}
