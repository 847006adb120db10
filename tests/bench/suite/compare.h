/* SPDX-License-Identifier: MIT */
/* Comparing two result sets: per operation and clock, the change and a verdict. */
#ifndef PARTITA_BENCH_COMPARE_H
#define PARTITA_BENCH_COMPARE_H

#include "results.h"

enum cmp_verdict {
	CMP_SAME,	   /* icount: not one instruction changed */
	CMP_WITHIN_SPREAD, /* wall: the change is inside the runs' spread */
	CMP_IMPROVED,
	CMP_REGRESSED,
	CMP_MISSING, /* in A, not in B: counts as a failure */
	CMP_NEW,     /* in B only */
};

struct cmp_row {
	const char *op, *clock;
	const char *metric; /* "median" or "median/bare_exit" */
	double a, b;	    /* the metric in A and B (NAN when absent) */
	double change;	    /* b / a */
	double spread;	    /* relative spread allowed; 0 for exact */
	enum cmp_verdict verdict;
};

struct cmp_summary {
	size_t rows, same, within, improved, regressed, missing, added;
};

/*
 * Compares B against A. A record is exact when its p10 equals its p90 in
 * both sets (icount, same-CPU paths): any change of its median is flagged.
 * Otherwise (wall; icount figures that vary, such as the root's) the
 * change of its wall median over the bare exit's (or, for the bare exit
 * and under icount, of its median) is flagged only beyond the larger of
 * the two runs' relative spreads, (p90 - p10) / (2 * median), and not
 * below 1 %. Calls emit
 * (may be NULL) per row. Returns regressions + missing operations.
 */
size_t bench_compare(const struct bench_set *a, const struct bench_set *b,
		     void (*emit)(const struct cmp_row *row, void *ctx),
		     void *ctx, struct cmp_summary *summary);

const char *cmp_verdict_name(enum cmp_verdict v);

#endif
