// SPDX-License-Identifier: MIT
/* Comparing two result sets: per operation and clock, the change and a verdict. */
#include "compare.h"

#include <math.h>
#include <string.h>

const char *cmp_verdict_name(enum cmp_verdict v)
{
	switch (v) {
	case CMP_SAME:
		return "same";
	case CMP_WITHIN_SPREAD:
		return "within-spread";
	case CMP_IMPROVED:
		return "IMPROVED";
	case CMP_REGRESSED:
		return "REGRESSED";
	case CMP_MISSING:
		return "MISSING";
	case CMP_NEW:
		return "new";
	}
	return "?";
}

/* The smallest relative change flagged for a figure that is not exact. */
#define MIN_SPREAD 0.01

static int exact(const struct bench_result *r)
{
	return r->p10 == r->p90;
}

static double rel_spread(const struct bench_result *r)
{
	return r->p50 > 0 ? (r->p90 - r->p10) / (2 * r->p50) : 0;
}

/* Which figure to compare: ratios under wall, where absolute times move. */
static int use_ratio(const struct bench_result *x, const struct bench_result *y)
{
	return !strcmp(x->clock, "wall") && strcmp(x->op, "bare_exit") &&
	       !isnan(x->ratio_bare_exit) && !isnan(y->ratio_bare_exit) &&
	       x->ratio_bare_exit > 0;
}

static void judge(const struct bench_result *ra, const struct bench_result *rb,
		  struct cmp_row *row)
{
	int ratio = use_ratio(ra, rb);

	row->metric = ratio ? "median/bare_exit" : "median";
	row->a = ratio ? ra->ratio_bare_exit : ra->p50;
	row->b = ratio ? rb->ratio_bare_exit : rb->p50;
	row->change =
		row->a > 0 ? row->b / row->a : (row->b > 0 ? INFINITY : 1.0);
	if (exact(ra) && exact(rb)) {
		row->spread = 0;
		row->verdict = row->b == row->a	 ? CMP_SAME
			       : row->b > row->a ? CMP_REGRESSED
						 : CMP_IMPROVED;
		return;
	}
	/* Figures that vary at all (icount across CPUs) vary by ~0.1 %. */
	row->spread = fmax(MIN_SPREAD, fmax(rel_spread(ra), rel_spread(rb)));
	if (fabs(row->change - 1.0) <= row->spread)
		row->verdict = CMP_WITHIN_SPREAD;
	else
		row->verdict = row->change > 1.0 ? CMP_REGRESSED : CMP_IMPROVED;
}

size_t bench_compare(const struct bench_set *a, const struct bench_set *b,
		     void (*emit)(const struct cmp_row *row, void *ctx),
		     void *ctx, struct cmp_summary *summary)
{
	struct cmp_summary sum = { 0 };

	for (size_t i = 0; i < a->count; i++) {
		const struct bench_result *ra = &a->results[i];
		const struct bench_result *rb =
			bench_find(b, ra->op, ra->clock);
		struct cmp_row row = {
			ra->op, ra->clock, "median", ra->p50,
			NAN,	NAN,	   0,	     CMP_MISSING
		};

		if (rb)
			judge(ra, rb, &row);
		switch (row.verdict) {
		case CMP_SAME:
			sum.same++;
			break;
		case CMP_WITHIN_SPREAD:
			sum.within++;
			break;
		case CMP_IMPROVED:
			sum.improved++;
			break;
		case CMP_REGRESSED:
			sum.regressed++;
			break;
		case CMP_MISSING:
			sum.missing++;
			break;
		case CMP_NEW:
			break;
		}
		sum.rows++;
		if (emit)
			emit(&row, ctx);
	}
	for (size_t i = 0; i < b->count; i++) {
		const struct bench_result *rb = &b->results[i];
		struct cmp_row row = { rb->op,	rb->clock, "median", NAN,
				       rb->p50, NAN,	   0,	     CMP_NEW };

		if (bench_find(a, rb->op, rb->clock))
			continue;
		sum.added++;
		sum.rows++;
		if (emit)
			emit(&row, ctx);
	}
	if (summary)
		*summary = sum;
	return sum.regressed + sum.missing;
}
