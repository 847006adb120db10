// SPDX-License-Identifier: GPL-2.0-only
/* partita check FILE...: validates partition configs without a hypervisor. */
#include <stdio.h>
#include <stdlib.h>

#include "cli-args.h"
#include "cli.h"
#include "config.h"

#define CHECK_FILES_MAX 64

/* The check's one line goes to stdout when good, stderr when not. */
static int check_one(const char *path, int args)
{
	struct config_image img;
	struct config_error err;
	struct config cfg;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int bad;

	if (!mem) {
		fprintf(stderr, "partita: out of memory\n");
		return 1;
	}
	bad = partita_config_check(path, mem);
	fclose(mem);
	fputs(text, bad ? stderr : stdout);
	free(text);
	if (!bad && args && !config_open(path, &cfg, &img, &err)) {
		config_dump(&cfg, &img, stdout);
		config_image_close(&img);
	}
	return bad;
}

int cmd_check(int argc, char **argv)
{
	int args = 0;
	const struct cli_option options[] = {
		{ "args", 'a', CLI_OPT_FLAG, &args },
		{ NULL },
	};
	char *files[CHECK_FILES_MAX];
	int npos, rc, bad = 0;

	rc = cli_parse_command("check", argc, argv, options, files, 1,
			       CHECK_FILES_MAX, &npos);
	if (rc >= 0)
		return rc;
	for (int i = 0; i < npos; i++)
		bad |= check_one(files[i], args);
	return bad ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
