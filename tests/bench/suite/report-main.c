// SPDX-License-Identifier: MIT
/*
 * partita-bench-report OUT_DIR: turns a suite run's logs into its result
 * files. Reads OUT_DIR/meta.txt (key=value lines) and every
 * OUT_DIR/raw/CLOCK-SIDE.log (CLOCK wall or icount, SIDE guest or root);
 * writes results.json, results.csv, report.md and plots/ (data and
 * plots.gp for gnuplot). Run by scripts/bench.sh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "results.h"

static int read_meta(struct bench_set *s, const char *dir)
{
	char path[512], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/meta.txt", dir);
	f = fopen(path, "r");
	if (!f)
		return fprintf(stderr, "bench-report: %s: %s\n", path,
			       strerror(errno)),
		       -1;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		bench_set_meta(s, line, eq + 1);
	}
	fclose(f);
	return 0;
}

/* Returns the records parsed, or -1 after printing what was malformed. */
static int read_log(struct bench_set *s, const char *dir, const char *clock,
		    const char *side)
{
	char path[512], line[4096], err[256];
	unsigned lineno = 0;
	size_t before = s->count;
	FILE *f;

	snprintf(path, sizeof(path), "%s/raw/%s-%s.log", dir, clock, side);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (bench_parse_line(s, clock, side, line, err, sizeof(err))) {
			fprintf(stderr, "bench-report: %s:%u: %s\n", path,
				lineno, err);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return (int)(s->count - before);
}

static int write_file(const struct bench_set *s, const char *dir,
		      const char *name,
		      void (*writer)(const struct bench_set *, FILE *))
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return fprintf(stderr, "bench-report: %s: %s\n", path,
			       strerror(errno)),
		       -1;
	writer(s, f);
	if (fclose(f))
		return fprintf(stderr, "bench-report: %s: %s\n", path,
			       strerror(errno)),
		       -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const clocks[] = { "wall", "icount" };
	static const char *const sides[] = { "guest", "root" };
	static struct bench_set set;
	char plots[512];
	int total = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: partita-bench-report OUT_DIR\n");
		return 2;
	}
	if (read_meta(&set, argv[1]))
		return 1;
	for (int c = 0; c < 2; c++) {
		for (int d = 0; d < 2; d++) {
			int n = read_log(&set, argv[1], clocks[c], sides[d]);

			if (n < 0)
				return 1;
			total += n;
		}
	}
	if (!total) {
		fprintf(stderr, "bench-report: no PTBENCH records in %s/raw\n",
			argv[1]);
		return 1;
	}
	bench_derive(&set);
	snprintf(plots, sizeof(plots), "%s/plots", argv[1]);
	if (mkdir(plots, 0755) && errno != EEXIST)
		return perror(plots), 1;
	if (write_file(&set, argv[1], "results.json", bench_write_json) ||
	    write_file(&set, argv[1], "results.csv", bench_write_csv) ||
	    write_file(&set, argv[1], "report.md", report_write_markdown))
		return 1;
	if (report_write_plots(&set, plots))
		return perror(plots), 1;
	printf("bench-report: %d records, %zu bounds%s%s\n", total,
	       set.bound_count, set.failures[0] ? "; FAILED: " : "",
	       set.failures);
	bench_set_free(&set);
	return 0;
}
