/* SPDX-License-Identifier: MIT */
/* The suite's result set: records per operation and clock, and their files. */
#ifndef PARTITA_BENCH_RESULTS_H
#define PARTITA_BENCH_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_CDF_POINTS 101
#define BENCH_MAX_META 32
#define BENCH_MAX_BOUNDS 64
#define BENCH_FORMAT "partita-bench/1"

/* One operation under one clock. Values are in `unit` per element. */
struct bench_result {
	char op[64];
	char clock[8]; /* "wall" or "icount" */
	char side[8];  /* "guest" or "root" */
	char unit[16]; /* "ns" (wall) or "instructions" (icount) */
	uint64_t samples, warmup, per;
	double min, p10, p50, p90, p99, p999, max;
	double over_empty;	/* p50 less the empty window's; NAN: n/a */
	double ratio_bare_exit; /* p50 / the bare exit's p50; NAN: n/a */
	int cdf_points;		/* 0, or BENCH_CDF_POINTS percentiles */
	double cdf[BENCH_CDF_POINTS];
	uint64_t khz; /* parsing: the ticks' rate in the log */
	int cdf_next; /* parsing: the next percentile expected */
};

/* The hypervisor's entry times for one call code under one clock. */
struct bench_bound {
	char call[32];
	char clock[8];
	uint64_t entries, worst, over_50us; /* worst: ns (instructions) */
};

struct bench_set {
	struct bench_result *results;
	size_t count, cap;
	struct bench_bound bounds[BENCH_MAX_BOUNDS];
	size_t bound_count;
	char meta_key[BENCH_MAX_META][32];
	char meta_value[BENCH_MAX_META][256];
	size_t meta_count;
	char failures[2048]; /* "clock op status; ..." as reported */
};

void bench_set_free(struct bench_set *s);
/* Adds or replaces a metadata entry (cut to the field sizes). */
void bench_set_meta(struct bench_set *s, const char *key, const char *value);
const char *bench_get_meta(const struct bench_set *s, const char *key);
/* The record of (op, clock), or NULL. */
struct bench_result *bench_find(const struct bench_set *s, const char *op,
				const char *clock);

/*
 * One line of a run's log (PTBENCH, PTBENCH-CDF, PTBOUND, PTBENCH-FAIL;
 * anything else is ignored). Values are TSC ticks per element with the
 * tick rate in khz: under "icount" one tick is one instruction, under
 * "wall" they become ns. Returns 0, or -1 with a message in err for a
 * malformed record line.
 */
int bench_parse_line(struct bench_set *s, const char *clock, const char *side,
		     const char *line, char *err, size_t errlen);

/*
 * Fills over_empty and ratio_bare_exit from each clock's empty_window and
 * bare_exit records (guest side only for over_empty).
 */
void bench_derive(struct bench_set *s);

/* The files of a result set (results.json is what compare reads). */
void bench_write_json(const struct bench_set *s, FILE *f);
void bench_write_csv(const struct bench_set *s, FILE *f);
/* Returns 0, or -1 with a message in err. */
int bench_read_json(const char *text, struct bench_set *s, char *err,
		    size_t errlen);

#endif
