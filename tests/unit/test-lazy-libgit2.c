// SPDX-License-Identifier: GPL-2.0-only
/* The deferred libgit2 start: a diff still works, started on first use. */
#include <criterion/criterion.h>
#include <git2.h>
#include <string.h>

struct diff_lines {
	int removed, added;
};

static int count_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
		      const git_diff_line *line, void *payload)
{
	struct diff_lines *n = payload;

	(void)delta;
	(void)hunk;
	if (line->origin == GIT_DIFF_LINE_DELETION)
		n->removed++;
	else if (line->origin == GIT_DIFF_LINE_ADDITION)
		n->added++;
	return 0;
}

/* What Criterion's diff of two strings needs: the first call starts
 * libgit2 (its init was skipped at start) and the diff is right. */
Test(lazy_libgit2, a_diff_works_without_the_start_time_init)
{
	const char *old_text = "one\ntwo\nthree\n";
	const char *new_text = "one\n2\nthree\n";
	struct diff_lines n = { 0, 0 };
	int ret;

	ret = git_diff_buffers(old_text, strlen(old_text), "a", new_text,
			       strlen(new_text), "b", NULL, NULL, NULL, NULL,
			       count_line, &n);
	cr_assert_eq(ret, 0, "git_diff_buffers: %d", ret);
	cr_assert_eq(n.removed, 1);
	cr_assert_eq(n.added, 1);
	/* A second diff uses the same start. */
	n.removed = n.added = 0;
	ret = git_diff_buffers(new_text, strlen(new_text), "b", new_text,
			       strlen(new_text), "b", NULL, NULL, NULL, NULL,
			       count_line, &n);
	cr_assert_eq(ret, 0);
	cr_assert_eq(n.removed + n.added, 0);
}
