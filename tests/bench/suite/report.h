/* SPDX-License-Identifier: MIT */
/* The suite's human-readable outputs: the Markdown report and the plot files. */
#ifndef PARTITA_BENCH_REPORT_H
#define PARTITA_BENCH_REPORT_H

#include <stdio.h>

#include "results.h"

/* report.md: metadata, a table per clock, the entry-time bounds, plots. */
void report_write_markdown(const struct bench_set *s, FILE *f);

/*
 * Writes plots/<clock>-<op>.dat (percentile, value), plots/<clock>-ratios.dat
 * and plots/plots.gp, the gnuplot script that draws
 * plots/<clock>-<op>-cdf.png and plots/<clock>-ratios.png from them.
 * plots_dir must exist. Returns 0, or -1 with errno set.
 */
int report_write_plots(const struct bench_set *s, const char *plots_dir);

#endif
