// SPDX-License-Identifier: GPL-2.0-only
/* The commands' option parser. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli-args.h"

struct parsed {
	int json, follow;
	const char *file;
	char *pos[2];
	int npos;
	char err[128];
};

static int parse(struct parsed *p, int argc, char **argv)
{
	const struct cli_option options[] = {
		{ "json", 'j', CLI_OPT_FLAG, &p->json },
		{ "follow", 'f', CLI_OPT_FLAG, &p->follow },
		{ "file", 'F', CLI_OPT_VALUE, &p->file },
		{ NULL },
	};

	memset(p, 0, sizeof(*p));
	return cli_parse(argc, argv, options, p->pos, 2, &p->npos, p->err,
			 sizeof(p->err));
}

#define ARGV(...) ((char *[]){ "cmd", __VA_ARGS__, NULL })
#define ARGC(...) \
	((int)(sizeof((char *[]){ "cmd", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(p, ...) parse(p, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

Test(args, flags_long_and_short)
{
	struct parsed p;

	cr_assert_eq(PARSE(&p, "--json", "-f"), CLI_PARSE_OK);
	cr_assert(p.json && p.follow);
	cr_assert_eq(p.npos, 0);
}

Test(args, values_every_spelling)
{
	struct parsed p;

	cr_assert_eq(PARSE(&p, "--file=a.yaml"), CLI_PARSE_OK);
	cr_assert_str_eq(p.file, "a.yaml");
	cr_assert_eq(PARSE(&p, "--file", "b.yaml"), CLI_PARSE_OK);
	cr_assert_str_eq(p.file, "b.yaml");
	cr_assert_eq(PARSE(&p, "-F", "c.yaml"), CLI_PARSE_OK);
	cr_assert_str_eq(p.file, "c.yaml");
	cr_assert_eq(PARSE(&p, "-Fd.yaml"), CLI_PARSE_OK);
	cr_assert_str_eq(p.file, "d.yaml");
	cr_assert_eq(PARSE(&p, "--file="), CLI_PARSE_OK);
	cr_assert_str_eq(p.file, "");
}

Test(args, positional_and_double_dash)
{
	struct parsed p;

	cr_assert_eq(PARSE(&p, "one", "--", "--json"), CLI_PARSE_OK);
	cr_assert_eq(p.npos, 2);
	cr_assert_str_eq(p.pos[0], "one");
	cr_assert_str_eq(p.pos[1], "--json");
	cr_assert(!p.json);
	/* a lone "-" is a positional (stdin by convention) */
	cr_assert_eq(PARSE(&p, "-"), CLI_PARSE_OK);
	cr_assert_eq(p.npos, 1);
}

Test(args, help_wins)
{
	struct parsed p;

	cr_assert_eq(PARSE(&p, "--json", "--help"), CLI_PARSE_HELP);
	cr_assert_eq(PARSE(&p, "-h"), CLI_PARSE_HELP);
}

Test(args, errors_are_sentences)
{
	struct parsed p;

	cr_assert_eq(PARSE(&p, "--nope"), CLI_PARSE_ERROR);
	cr_assert_str_eq(p.err, "unknown option '--nope'");
	cr_assert_eq(PARSE(&p, "--nope=3"), CLI_PARSE_ERROR);
	cr_assert_str_eq(p.err, "unknown option '--nope'");
	cr_assert_eq(PARSE(&p, "-x"), CLI_PARSE_ERROR);
	cr_assert_str_eq(p.err, "unknown option '-x'");
	cr_assert_eq(PARSE(&p, "--file"), CLI_PARSE_ERROR);
	cr_assert_str_eq(p.err, "option --file needs a value");
	cr_assert_eq(PARSE(&p, "--json=1"), CLI_PARSE_ERROR);
	cr_assert_str_eq(p.err, "option --json takes no value");
	cr_assert_eq(PARSE(&p, "a", "b", "c"), CLI_PARSE_ERROR);
	cr_assert_str_eq(p.err, "unexpected argument 'c'");
	cr_assert_eq(PARSE(&p, "-jf"), CLI_PARSE_ERROR);
	/* a prefix is not an abbreviation */
	cr_assert_eq(PARSE(&p, "--js"), CLI_PARSE_ERROR);
}
