// SPDX-License-Identifier: MIT
/*
 * partita-bench-compare A B: compares two suite result sets (results.json,
 * or the folder holding it), prints per operation and clock the change B/A
 * and a verdict, and exits 1 when B regressed or lost an operation, 0
 * otherwise, 2 on unreadable input. docs/benchmarks.md explains the rules.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"

/* Reads a whole file; NULL with a message on stderr. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return fprintf(stderr, "bench-compare: %s: %s\n", path,
			       strerror(errno)),
		       NULL;
	do {
		if (cap - len < 4096) {
			char *t = realloc(text, cap = cap * 2 + 65536);

			if (!t) {
				free(text);
				fclose(f);
				fprintf(stderr,
					"bench-compare: out of memory\n");
				return NULL;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	text[len] = '\0';
	fclose(f);
	if (strlen(text) != len) {
		fprintf(stderr, "bench-compare: %s: contains a NUL byte\n",
			path);
		free(text);
		return NULL;
	}
	return text;
}

static int load(const char *arg, struct bench_set *s)
{
	char path[1024], err[256];
	struct stat st;
	char *text;
	int ret;

	if (!stat(arg, &st) && S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/results.json", arg);
	else
		snprintf(path, sizeof(path), "%s", arg);
	text = slurp(path);
	if (!text)
		return -1;
	ret = bench_read_json(text, s, err, sizeof(err));
	free(text);
	if (ret)
		fprintf(stderr, "bench-compare: %s: %s\n", path, err);
	return ret;
}

static void print_value(double v)
{
	if (isnan(v))
		printf(" %12s", "-");
	else
		printf(" %12.4g", v);
}

static void emit(const struct cmp_row *row, void *ctx)
{
	(void)ctx;
	printf("%-28s %-6s %-16s", row->op, row->clock, row->metric);
	print_value(row->a);
	print_value(row->b);
	if (isnan(row->change))
		printf(" %8s", "-");
	else
		printf(" %8.3f", row->change);
	if (row->verdict == CMP_WITHIN_SPREAD ||
	    ((row->verdict == CMP_REGRESSED || row->verdict == CMP_IMPROVED) &&
	     row->spread > 0))
		printf("  %s (spread %.1f%%)\n", cmp_verdict_name(row->verdict),
		       row->spread * 100);
	else
		printf("  %s\n", cmp_verdict_name(row->verdict));
}

int main(int argc, char **argv)
{
	static struct bench_set a, b;
	struct cmp_summary sum;
	size_t failures;

	if (argc != 3) {
		fprintf(stderr, "usage: partita-bench-compare A B  (each a "
				"results.json or its folder)\n");
		return 2;
	}
	if (load(argv[1], &a) || load(argv[2], &b))
		return 2;
	printf("%-28s %-6s %-16s %12s %12s %8s  verdict\n", "operation",
	       "clock", "metric", "A", "B", "B/A");
	failures = bench_compare(&a, &b, emit, NULL, &sum);
	printf("compare: %zu rows: %zu same, %zu within spread, %zu improved, "
	       "%zu regressed, %zu missing in B, %zu new in B\n",
	       sum.rows, sum.same, sum.within, sum.improved, sum.regressed,
	       sum.missing, sum.added);
	bench_set_free(&a);
	bench_set_free(&b);
	return failures ? 1 : 0;
}
