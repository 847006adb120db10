// SPDX-License-Identifier: GPL-2.0-only
/* Command-line option parsing for partita's commands. */
#include <stdio.h>
#include <string.h>

#include "cli-args.h"

static const struct cli_option *find_long(const struct cli_option *options,
					  const char *name, size_t len)
{
	for (; options->name; options++) {
		if (strlen(options->name) == len &&
		    !strncmp(options->name, name, len))
			return options;
	}
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *options,
					   char c)
{
	for (; options->name; options++) {
		if (options->short_name && options->short_name == c)
			return options;
	}
	return NULL;
}

/* Applies one option; value is its inline "=value" or NULL. */
static int apply(const struct cli_option *opt, const char *shown,
		 const char *value, int argc, char **argv, int *i, char *err,
		 size_t err_size)
{
	if (opt->kind == CLI_OPT_FLAG) {
		if (value) {
			snprintf(err, err_size, "option %s takes no value",
				 shown);
			return CLI_PARSE_ERROR;
		}
		*(int *)opt->target = 1;
		return CLI_PARSE_OK;
	}
	if (!value) {
		if (*i + 1 >= argc) {
			snprintf(err, err_size, "option %s needs a value",
				 shown);
			return CLI_PARSE_ERROR;
		}
		value = argv[++*i];
	}
	*(const char **)opt->target = value;
	return CLI_PARSE_OK;
}

int cli_parse(int argc, char **argv, const struct cli_option *options,
	      char **positional, int max_positional, int *npositional,
	      char *err, size_t err_size)
{
	const struct cli_option *opt;
	char shown[64];
	int only_positional = 0;
	int result;

	*npositional = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (only_positional || arg[0] != '-' || !arg[1]) {
			if (*npositional >= max_positional) {
				snprintf(err, err_size,
					 "unexpected argument '%s'", arg);
				return CLI_PARSE_ERROR;
			}
			positional[(*npositional)++] = argv[i];
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_positional = 1;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return CLI_PARSE_HELP;
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			opt = find_long(options, name, len);
			if (!opt) {
				snprintf(err, err_size, "unknown option '%.*s'",
					 (int)(len + 2), arg);
				return CLI_PARSE_ERROR;
			}
			snprintf(shown, sizeof(shown), "--%s", opt->name);
			result = apply(opt, shown, eq ? eq + 1 : NULL, argc,
				       argv, &i, err, err_size);
		} else {
			snprintf(shown, sizeof(shown), "-%c", arg[1]);
			opt = find_short(options, arg[1]);
			if (!opt) {
				snprintf(err, err_size, "unknown option '%s'",
					 shown);
				return CLI_PARSE_ERROR;
			}
			if (arg[2] && opt->kind == CLI_OPT_FLAG) {
				snprintf(err, err_size,
					 "unknown option '%s' (write one flag "
					 "per word)",
					 arg);
				return CLI_PARSE_ERROR;
			}
			result = apply(opt, shown, arg[2] ? arg + 2 : NULL,
				       argc, argv, &i, err, err_size);
		}
		if (result != CLI_PARSE_OK)
			return result;
	}
	return CLI_PARSE_OK;
}
