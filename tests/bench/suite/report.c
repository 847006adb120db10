// SPDX-License-Identifier: MIT
/* The suite's human-readable outputs: the Markdown report and the plot files. */
#include "report.h"

#include <math.h>
#include <string.h>

static const char *const clocks[] = { "wall", "icount" };

static int clock_present(const struct bench_set *s, const char *clock)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->results[i].clock, clock))
			return 1;
	return 0;
}

/* Instructions are exact integers; ns get one decimal below 100. */
static void md_num(FILE *f, double v, int icount)
{
	if (isnan(v))
		fputs(" — |", f);
	else if (icount || fabs(v) >= 100)
		fprintf(f, " %.0f |", v);
	else
		fprintf(f, " %.1f |", v);
}

static void md_clock_table(const struct bench_set *s, FILE *f,
			   const char *clock)
{
	int icount = !strcmp(clock, "icount");

	fprintf(f, "\n## %s clock (%s)\n\n", clock,
		icount ? "instructions: one TSC tick per emulated instruction"
		       : "ns, multi-threaded TCG: read the ratios");
	fputs("| operation | side | samples | per | min | p10 | median | p90 "
	      "| p99 | p99.9 | max | over empty | / bare exit |\n"
	      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
	      f);
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_result *r = &s->results[i];

		if (strcmp(r->clock, clock))
			continue;
		fprintf(f, "| %s | %s | %llu | %llu |", r->op, r->side,
			(unsigned long long)r->samples,
			(unsigned long long)r->per);
		md_num(f, r->min, icount);
		md_num(f, r->p10, icount);
		md_num(f, r->p50, icount);
		md_num(f, r->p90, icount);
		md_num(f, r->p99, icount);
		md_num(f, r->p999, icount);
		md_num(f, r->max, icount);
		md_num(f, r->over_empty, icount);
		if (isnan(r->ratio_bare_exit))
			fputs(" — |\n", f);
		else
			fprintf(f, " %.2f |\n", r->ratio_bare_exit);
	}
}

static void md_bounds(const struct bench_set *s, FILE *f, const char *clock)
{
	int any = 0;

	for (size_t i = 0; i < s->bound_count; i++) {
		const struct bench_bound *b = &s->bounds[i];

		/* Calls the run's operations never made: nothing to say. */
		if (strcmp(b->clock, clock) || !b->entries)
			continue;
		if (!any++)
			fprintf(f,
				"\n### Entry times, %s clock (hypervisor "
				"histogram; bound 50 us)\n\n"
				"| call | entries | longest entry (%s) | "
				"entries over 50 us |\n|---|---|---|---|\n",
				clock,
				strcmp(clock, "icount") ? "ns"
							: "instructions");
		fprintf(f, "| %s | %llu | %llu | %llu |\n", b->call,
			(unsigned long long)b->entries,
			(unsigned long long)b->worst,
			(unsigned long long)b->over_50us);
	}
}

void report_write_markdown(const struct bench_set *s, FILE *f)
{
	fputs("# Partita benchmark suite report\n\n"
	      "Produced by `scripts/bench.sh`; the guide to every figure is "
	      "docs/benchmarks.md.\n\n| run | value |\n|---|---|\n",
	      f);
	for (size_t i = 0; i < s->meta_count; i++)
		fprintf(f, "| %s | %s |\n", s->meta_key[i], s->meta_value[i]);
	fputs("\nValues are per element (`per` > 1: a rep call's time divided "
	      "by its rep count). *over empty* is the median less the empty "
	      "timing window's (per element); */ bare exit* is the median "
	      "over the bare CPUID exit's median in the same clock. Warm-up "
	      "rounds are left out; no sample is discarded as an outlier: "
	      "p99.9 and max show host noise as measured.\n",
	      f);
	if (s->failures[0])
		fprintf(f, "\n**Failed operations:** %s\n", s->failures);
	for (unsigned c = 0; c < 2; c++) {
		if (!clock_present(s, clocks[c]))
			continue;
		md_clock_table(s, f, clocks[c]);
		md_bounds(s, f, clocks[c]);
		fprintf(f,
			"\n![ratios to the bare exit, "
			"%s](plots/%s-ratios.png)\n",
			clocks[c], clocks[c]);
		fputs("\nLatency distributions (CDF): ", f);
		for (size_t i = 0, n = 0; i < s->count; i++) {
			const struct bench_result *r = &s->results[i];

			if (strcmp(r->clock, clocks[c]) || !r->cdf_points)
				continue;
			fprintf(f, "%s[%s](plots/%s-%s-cdf.png)",
				n++ ? ", " : "", r->op, r->clock, r->op);
		}
		fputs("\n", f);
	}
}

static FILE *open_in(const char *dir, const char *name, const char *suffix)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
	return fopen(path, "w");
}

static int write_cdf(const struct bench_result *r, const char *dir, FILE *gp)
{
	char name[96];
	double lo = r->cdf[0], hi = r->cdf[BENCH_CDF_POINTS - 1];
	FILE *f;

	snprintf(name, sizeof(name), "%s-%s", r->clock, r->op);
	f = open_in(dir, name, ".dat");
	if (!f)
		return -1;
	fputs("# percentile value\n", f);
	for (int p = 0; p < BENCH_CDF_POINTS; p++)
		fprintf(f, "%d %.10g\n", p, r->cdf[p]);
	if (fclose(f))
		return -1;
	/* A wide spread reads better on a log axis; one value needs room. */
	fprintf(gp, "\nset output '%s-cdf.png'\n", name);
	fprintf(gp,
		"set title \"%s (%s clock): median %.0f, p99 %.0f, "
		"max %.0f %s per element\"\n",
		r->op, r->clock, r->p50, r->p99, r->max, r->unit);
	fprintf(gp, "set xlabel '%s per element'\nset ylabel 'percentile'\n",
		r->unit);
	fprintf(gp, "set yrange [0:100]\nunset logscale\n");
	if (lo > 0 && hi / lo > 10)
		fprintf(gp, "set logscale x\nset xrange [%.10g:%.10g]\n",
			lo * 0.9, hi * 1.1);
	else
		fprintf(gp, "set xrange [%.10g:%.10g]\n", lo * 0.9 - 1,
			hi * 1.1 + 1);
	fprintf(gp, "plot '%s.dat' using 2:1 with steps lw 2 notitle\n", name);
	return 0;
}

static int write_ratios(const struct bench_set *s, const char *clock,
			const char *dir, FILE *gp)
{
	FILE *f = open_in(dir, clock, "-ratios.dat");
	int rows = 0;

	if (!f)
		return -1;
	fputs("# operation median/bare-exit-median\n", f);
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_result *r = &s->results[i];

		if (strcmp(r->clock, clock) || isnan(r->ratio_bare_exit) ||
		    r->ratio_bare_exit <= 0)
			continue;
		fprintf(f, "\"%s\" %.10g\n", r->op, r->ratio_bare_exit);
		rows++;
	}
	if (fclose(f))
		return -1;
	if (!rows)
		return 0;
	fprintf(gp, "\nset output '%s-ratios.png'\n", clock);
	fprintf(gp,
		"set title 'median / bare exit median (%s clock, log "
		"scale; 1 = one bare exit)'\n",
		clock);
	fputs("unset xrange\nset yrange [*:*]\nunset logscale\n"
	      "set logscale y\nset xlabel ''\nset ylabel 'ratio'\n"
	      "set bmargin 10\nset rmargin 10\n"
	      "set style fill solid 0.6\nset boxwidth 0.7\n"
	      "set xtics rotate by -50 left font ',9'\n",
	      gp);
	fprintf(gp,
		"plot '%s-ratios.dat' using 0:2:xtic(1) with boxes notitle, "
		"1 with lines dt 2 lc rgb 'black' notitle\n",
		clock);
	fputs("set xtics norotate font ''\nset bmargin\nset rmargin\n", gp);
	return 0;
}

int report_write_plots(const struct bench_set *s, const char *plots_dir)
{
	FILE *gp = open_in(plots_dir, "plots", ".gp");
	int ret = 0;

	if (!gp)
		return -1;
	fputs("# Draws the suite's plots (gnuplot plots.gp in this folder).\n"
	      "set terminal pngcairo size 900,560 noenhanced\n"
	      "set grid\n",
	      gp);
	for (size_t i = 0; !ret && i < s->count; i++)
		if (s->results[i].cdf_points)
			ret = write_cdf(&s->results[i], plots_dir, gp);
	for (unsigned c = 0; !ret && c < 2; c++)
		if (clock_present(s, clocks[c]))
			ret = write_ratios(s, clocks[c], plots_dir, gp);
	if (fclose(gp))
		ret = -1;
	return ret;
}
