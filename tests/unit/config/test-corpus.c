// SPDX-License-Identifier: GPL-2.0-only
/* The config corpus: every bad file's error line, every good file's calls. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "corpus-util.h"

/* The corpus runs from the build copy, next to the generated kernels. */
static void enter_corpus(void)
{
	cr_assert_eq(chdir(CONFIG_CORPUS_DIR), 0, "no corpus at %s",
		     CONFIG_CORPUS_DIR);
}

TestSuite(corpus, .init = enter_corpus);

/* "bad/x.yaml" -> "bad/x.<ext>" */
static char *sibling(const char *dir, const char *yaml, const char *ext)
{
	char *path;
	size_t len = strlen(yaml) - strlen(".yaml");

	cr_assert(asprintf(&path, "%s/%.*s.%s", dir, (int)len, yaml, ext) > 0);
	return path;
}

/* FILE:LINE:COLUMN: found ..., expected ... */
static void check_format(const char *path, const char *text)
{
	char *pattern;
	regex_t re;

	cr_assert(
		asprintf(&pattern,
			 "^%s:[1-9][0-9]*:[1-9][0-9]*: found .+, expected .+$",
			 path) > 0);
	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	cr_expect_eq(regexec(&re, text, 0, NULL, 0), 0,
		     "%s: not in the error format: %s", path, text);
	regfree(&re);
	free(pattern);
}

Test(corpus, bad_configs_report_their_expected_error)
{
	char **names;
	size_t count = corpus_list(CONFIG_SOURCE_DIR "/bad", ".yaml", &names);
	size_t failed = 0;

	cr_assert_geq(count, 25, "only %zu bad configs", count);
	for (size_t i = 0; i < count; i++) {
		char *path = NULL, *err_path = sibling("bad", names[i], "err");
		char *expected = corpus_read(err_path), *got = NULL;
		int ret;

		cr_assert(asprintf(&path, "bad/%s", names[i]) > 0);
		cr_assert_not_null(expected, "%s is missing", err_path);
		ret = corpus_run(path, &got);
		cr_expect_lt(ret, 0, "%s was accepted", path);
		check_format(path, got);
		if (strcmp(got, expected) != 0) {
			cr_log_error("%s:\n  expected: %s\n  got:      %s",
				     path, expected, got);
			failed++;
		}
		free(got);
		free(expected);
		free(err_path);
		free(path);
	}
	cr_expect_eq(failed, 0, "%zu of %zu bad configs differ", failed, count);
	corpus_free_list(names, count);
}

Test(corpus, every_error_file_has_its_config)
{
	char **names;
	size_t count = corpus_list(CONFIG_SOURCE_DIR "/bad", ".err", &names);

	for (size_t i = 0; i < count; i++) {
		char *yaml;

		cr_assert(asprintf(&yaml, "%s/bad/%.*s.yaml", CONFIG_SOURCE_DIR,
				   (int)(strlen(names[i]) - 4), names[i]) > 0);
		cr_expect_eq(access(yaml, R_OK), 0, "%s has no config",
			     names[i]);
		free(yaml);
	}
	corpus_free_list(names, count);
}

Test(corpus, good_configs_become_their_expected_calls)
{
	char **names;
	size_t count = corpus_list(CONFIG_SOURCE_DIR "/good", ".yaml", &names);

	cr_assert_geq(count, 5);
	for (size_t i = 0; i < count; i++) {
		char *path = NULL,
		     *expect_path = sibling("good", names[i], "expect");
		char *expected = corpus_read(expect_path), *got = NULL;

		cr_assert(asprintf(&path, "good/%s", names[i]) > 0);
		cr_assert_not_null(expected, "%s is missing", expect_path);
		cr_expect_eq(corpus_run(path, &got), 0, "%s: %s", path, got);
		cr_expect_str_eq(got, expected,
				 "%s:\n--- expected\n%s\n--- got\n%s", path,
				 expected, got);
		free(got);
		free(expected);
		free(expect_path);
		free(path);
	}
	corpus_free_list(names, count);
}

/* dom0-tools/examples, with a generated stand-in for hello.elf. */
Test(corpus, shipped_examples_pass_the_check)
{
	char **names;
	size_t count = corpus_list(CONFIG_EXAMPLES_DIR, ".yaml", &names);

	cr_assert_geq(count, 4);
	for (size_t i = 0; i < count; i++) {
		char *path = NULL, *got = NULL;

		cr_assert(asprintf(&path, "examples/%s", names[i]) > 0);
		cr_expect_eq(corpus_run(path, &got), 0, "%s: %s", path, got);
		free(got);
		free(path);
	}
	corpus_free_list(names, count);
}
