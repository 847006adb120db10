// SPDX-License-Identifier: MIT
/* compare's verdicts on crafted result sets, read from results.json text. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"

/* One record of results.json; the fields compare reads, the rest plain. */
static void rec(char *buf, size_t size, const char *op, const char *clock,
		double p10, double p50, double p90, double ratio)
{
	char r[32];

	if (isnan(ratio))
		snprintf(r, sizeof(r), "null");
	else
		snprintf(r, sizeof(r), "%g", ratio);
	snprintf(
		buf + strlen(buf), size - strlen(buf),
		"%s{\"op\": \"%s\", \"clock\": \"%s\", \"side\": \"guest\", "
		"\"unit\": \"ns\", \"samples\": 100, \"warmup\": 5, \"per\": "
		"1, "
		"\"min\": %g, \"p10\": %g, \"p50\": %g, \"p90\": %g, "
		"\"p99\": %g, \"p999\": %g, \"max\": %g, \"over_empty\": null, "
		"\"ratio_bare_exit\": %s, \"cdf\": []}",
		strchr(buf, '{') ? ", " : "", op, clock, p10, p10, p50, p90,
		p90, p90, p90, r);
}

static void load(struct bench_set *s, const char *records)
{
	char text[8192], err[256];

	snprintf(text, sizeof(text),
		 "{\"format\": \"partita-bench/1\", \"meta\": {\"commit\": "
		 "\"x\"}, \"results\": [%s], \"bounds\": [], \"failures\": "
		 "\"\"}",
		 records);
	cr_assert_eq(bench_read_json(text, s, err, sizeof(err)), 0, "%s", err);
}

/* The rows as emitted; names copied, the sets are freed after compare. */
struct seen {
	struct cmp_row rows[16];
	char op[16][64], clock[16][8];
	size_t n;
};

static void keep(const struct cmp_row *row, void *ctx)
{
	struct seen *seen = ctx;

	cr_assert_lt(seen->n, 16);
	seen->rows[seen->n] = *row;
	snprintf(seen->op[seen->n], 64, "%s", row->op);
	snprintf(seen->clock[seen->n], 8, "%s", row->clock);
	seen->rows[seen->n].op = seen->op[seen->n];
	seen->rows[seen->n].clock = seen->clock[seen->n];
	seen->n++;
}

static const struct cmp_row *row_of(const struct seen *seen, const char *op,
				    const char *clock)
{
	for (size_t i = 0; i < seen->n; i++)
		if (!strcmp(seen->rows[i].op, op) &&
		    !strcmp(seen->rows[i].clock, clock))
			return &seen->rows[i];
	cr_assert_fail("no row for %s/%s", op, clock);
	return NULL;
}

/* Two sets from their records; returns compare's failure count. */
static size_t run(const char *a_recs, const char *b_recs, struct seen *seen,
		  struct cmp_summary *sum)
{
	struct bench_set a, b;
	size_t failures;

	load(&a, a_recs);
	load(&b, b_recs);
	memset(seen, 0, sizeof(*seen));
	failures = bench_compare(&a, &b, keep, seen, sum);
	bench_set_free(&a);
	bench_set_free(&b);
	return failures;
}

Test(compare, no_change_is_same_and_passes)
{
	char a[2048] = "";
	struct cmp_summary sum;
	struct seen seen;

	rec(a, sizeof(a), "bare_exit", "icount", 312, 312, 312, 1);
	rec(a, sizeof(a), "null_hypercall", "icount", 600, 600, 600, 1.92);
	rec(a, sizeof(a), "null_hypercall", "wall", 14000, 15000, 17000, 1.13);
	cr_assert_eq(run(a, a, &seen, &sum), 0);
	cr_assert_eq(sum.same, 2);
	cr_assert_eq(sum.within, 1);
	cr_assert_eq(row_of(&seen, "null_hypercall", "icount")->verdict,
		     CMP_SAME);
	cr_assert_str_eq(row_of(&seen, "null_hypercall", "wall")->metric,
			 "median/bare_exit");
}

Test(compare, improvement_passes_and_is_flagged)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;
	const struct cmp_row *row;

	rec(a, sizeof(a), "null_hypercall", "icount", 600, 600, 600, 1.92);
	rec(b, sizeof(b), "null_hypercall", "icount", 275, 275, 275, 1.10);
	cr_assert_eq(run(a, b, &seen, &sum), 0);
	row = row_of(&seen, "null_hypercall", "icount");
	cr_assert_eq(row->verdict, CMP_IMPROVED);
	cr_assert_float_eq(row->change, 275.0 / 600.0, 1e-9);
	cr_assert_eq(sum.improved, 1);
}

Test(compare, one_icount_instruction_more_is_a_regression)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;

	rec(a, sizeof(a), "null_hypercall", "icount", 600, 600, 600, 1.92);
	rec(b, sizeof(b), "null_hypercall", "icount", 601, 601, 601, 1.93);
	cr_assert_eq(run(a, b, &seen, &sum), 1);
	cr_assert_eq(row_of(&seen, "null_hypercall", "icount")->verdict,
		     CMP_REGRESSED);
	cr_assert_eq(sum.regressed, 1);
}

Test(compare, wall_change_inside_the_spread_passes)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;

	/* Spread (17000 - 13000) / (2 * 15000) = 13 %; 5 % is inside. */
	rec(a, sizeof(a), "null_hypercall", "wall", 13000, 15000, 17000, 1.10);
	rec(b, sizeof(b), "null_hypercall", "wall", 13000, 15000, 17000, 1.155);
	cr_assert_eq(run(a, b, &seen, &sum), 0);
	cr_assert_eq(row_of(&seen, "null_hypercall", "wall")->verdict,
		     CMP_WITHIN_SPREAD);
}

Test(compare, wall_change_beyond_the_spread_is_a_regression)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;
	const struct cmp_row *row;

	rec(a, sizeof(a), "null_hypercall", "wall", 14500, 15000, 15500, 1.10);
	rec(b, sizeof(b), "null_hypercall", "wall", 14500, 15000, 15500, 1.50);
	cr_assert_eq(run(a, b, &seen, &sum), 1);
	row = row_of(&seen, "null_hypercall", "wall");
	cr_assert_eq(row->verdict, CMP_REGRESSED);
	cr_assert_float_eq(row->spread, 1000.0 / 30000.0, 1e-9);
}

Test(compare, the_bare_exit_is_compared_by_its_median)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;
	const struct cmp_row *row;

	rec(a, sizeof(a), "bare_exit", "wall", 11000, 12000, 13000, 1);
	rec(b, sizeof(b), "bare_exit", "wall", 7000, 8000, 9000, 1);
	cr_assert_eq(run(a, b, &seen, &sum), 0);
	row = row_of(&seen, "bare_exit", "wall");
	cr_assert_str_eq(row->metric, "median");
	cr_assert_eq(row->verdict, CMP_IMPROVED);
}

Test(compare, a_missing_operation_fails_and_a_new_one_does_not)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;

	rec(a, sizeof(a), "bare_exit", "icount", 312, 312, 312, 1);
	rec(a, sizeof(a), "yield", "icount", 900, 900, 900, 2.9);
	rec(b, sizeof(b), "bare_exit", "icount", 312, 312, 312, 1);
	rec(b, sizeof(b), "self_info", "icount", 800, 800, 800, 2.5);
	cr_assert_eq(run(a, b, &seen, &sum), 1);
	cr_assert_eq(row_of(&seen, "yield", "icount")->verdict, CMP_MISSING);
	cr_assert_eq(row_of(&seen, "self_info", "icount")->verdict, CMP_NEW);
	cr_assert_eq(sum.missing, 1);
	cr_assert_eq(sum.added, 1);
}

Test(compare, the_same_op_under_another_clock_is_not_a_match)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;

	rec(a, sizeof(a), "yield", "icount", 900, 900, 900, 2.9);
	rec(b, sizeof(b), "yield", "wall", 20000, 21000, 22000, 1.4);
	cr_assert_eq(run(a, b, &seen, &sum), 1);
	cr_assert_eq(row_of(&seen, "yield", "icount")->verdict, CMP_MISSING);
}

Test(compare, a_varying_figure_is_not_flagged_below_one_percent)
{
	char a[2048] = "", b[2048] = "";
	struct cmp_summary sum;
	struct seen seen;

	/* The root's ping under icount: spread 0.1 %, a 0.1 % change. */
	rec(a, sizeof(a), "root_ping_ioctl", "icount", 10540, 10551, 10565,
	    30.85);
	rec(b, sizeof(b), "root_ping_ioctl", "icount", 10550, 10561, 10575,
	    30.88);
	cr_assert_eq(run(a, b, &seen, &sum), 0);
	cr_assert_eq(row_of(&seen, "root_ping_ioctl", "icount")->verdict,
		     CMP_WITHIN_SPREAD);
	cr_assert_float_eq(row_of(&seen, "root_ping_ioctl", "icount")->spread,
			   0.01, 1e-12);
}
