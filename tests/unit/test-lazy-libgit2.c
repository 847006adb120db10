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

void lazy_libgit2_counts(int *skipped, int *started);

/* What Criterion's diff of two strings needs: the first call starts
 * libgit2 (its init was skipped at start) and the diff is right. */
Test(lazy_libgit2, a_diff_works_without_the_start_time_init)
{
	const char *old_text = "one\ntwo\nthree\n";
	const char *new_text = "one\n2\nthree\n";
	struct diff_lines n = { 0, 0 };
	int ret, skipped, started;

	/* Criterion's start in this process called the shim, not libgit2. */
	lazy_libgit2_counts(&skipped, &started);
	cr_assert_geq(skipped, 1, "Criterion's init did not reach the shim");
	cr_assert_eq(started, 0, "libgit2 was started before any diff");

	ret = git_diff_buffers(old_text, strlen(old_text), "a", new_text,
			       strlen(new_text), "b", NULL, NULL, NULL, NULL,
			       count_line, &n);
	cr_assert_eq(ret, 0, "git_diff_buffers: %d", ret);
	cr_assert_eq(n.removed, 1);
	cr_assert_eq(n.added, 1);
	lazy_libgit2_counts(&skipped, &started);
	cr_assert_eq(started, 1, "the diff started libgit2 once");
	/* A second diff uses the same start. */
	n.removed = n.added = 0;
	ret = git_diff_buffers(new_text, strlen(new_text), "b", new_text,
			       strlen(new_text), "b", NULL, NULL, NULL, NULL,
			       count_line, &n);
	cr_assert_eq(ret, 0);
	cr_assert_eq(n.removed + n.added, 0);
}
