// SPDX-License-Identifier: MIT
/* Parsing a run's PTBENCH lines, derived figures and the result files. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-read.h"
#include "results.h"

static void feed(struct bench_set *s, const char *clock, const char *line)
{
	char err[256];

	cr_assert_eq(
		bench_parse_line(s, clock, "guest", line, err, sizeof(err)), 0,
		"%s", err);
}

/* A record with a flat CDF of `value` ticks, as the guest prints it. */
static void feed_op(struct bench_set *s, const char *clock, const char *op,
		    unsigned per, unsigned long khz, unsigned long value)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "[bench] PTBENCH op=%s n=1000 warmup=50 per=%u khz=%lu "
		 "min=%lu p10=%lu p50=%lu p90=%lu p99=%lu p999=%lu max=%lu\r\n",
		 op, per, khz, value, value, value, value, value, value,
		 value * 3);
	feed(s, clock, line);
	for (unsigned from = 0; from < BENCH_CDF_POINTS; from += 11) {
		int len = snprintf(line, sizeof(line),
				   "PTBENCH-CDF op=%s from=%u", op, from);

		for (unsigned p = from; p < from + 11 && p < 101; p++)
			len += snprintf(line + len, sizeof(line) - len, " %lu",
					value);
		feed(s, clock, line);
	}
}

Test(results, wall_ticks_become_ns_and_icount_stays_exact)
{
	struct bench_set s = { 0 };
	struct bench_result *r;

	feed_op(&s, "wall", "null_hypercall", 1, 2000000, 30000);
	feed_op(&s, "icount", "null_hypercall", 1, 1000000, 600);
	r = bench_find(&s, "null_hypercall", "wall");
	cr_assert_not_null(r);
	cr_assert_float_eq(r->p50, 15000.0, 1e-9); /* 30000 ticks at 2 GHz */
	cr_assert_float_eq(r->max, 45000.0, 1e-9);
	cr_assert_str_eq(r->unit, "ns");
	cr_assert_eq(r->cdf_points, BENCH_CDF_POINTS);
	r = bench_find(&s, "null_hypercall", "icount");
	cr_assert_float_eq(r->p50, 600.0, 1e-9);
	cr_assert_str_eq(r->unit, "instructions");
	bench_set_free(&s);
}

Test(results, derive_subtracts_the_empty_window_per_element)
{
	struct bench_set s = { 0 };
	struct bench_result *r;

	feed_op(&s, "icount", "empty_window", 1, 1000000, 32);
	feed_op(&s, "icount", "bare_exit", 1, 1000000, 312);
	feed_op(&s, "icount", "query_pages_rep16", 16, 1000000, 100);
	feed_op(&s, "icount", "timer_upcall_latency", 1, 1000000, 5000);
	bench_derive(&s);
	r = bench_find(&s, "bare_exit", "icount");
	cr_assert_float_eq(r->over_empty, 280.0, 1e-9);
	cr_assert_float_eq(r->ratio_bare_exit, 1.0, 1e-9);
	r = bench_find(&s, "query_pages_rep16", "icount");
	cr_assert_float_eq(r->over_empty, 100.0 - 2.0, 1e-9);
	cr_assert_float_eq(r->ratio_bare_exit, 100.0 / 312.0, 1e-9);
	r = bench_find(&s, "timer_upcall_latency", "icount");
	cr_assert(isnan(r->over_empty));
	bench_set_free(&s);
}

Test(results, malformed_and_out_of_order_lines_are_refused)
{
	struct bench_set s = { 0 };
	char err[256];

	cr_assert_neq(bench_parse_line(&s, "wall", "guest",
				       "PTBENCH op=x n=10 warmup=1 per=1 "
				       "khz=0 min=1 p10=1 p50=1 p90=1 p99=1 "
				       "p999=1 max=1",
				       err, sizeof(err)),
		      0);
	cr_assert(strstr(err, "malformed"));
	cr_assert_neq(bench_parse_line(&s, "wall", "guest",
				       "PTBENCH op=x n=10 warmup=1 per=1", err,
				       sizeof(err)),
		      0);
	/* A CDF line for an operation never announced. */
	cr_assert_neq(bench_parse_line(&s, "wall", "guest",
				       "PTBENCH-CDF op=x from=0 1 2 3", err,
				       sizeof(err)),
		      0);
	/* Other lines are not the report's business. */
	cr_assert_eq(bench_parse_line(&s, "wall", "guest",
				      "hcall-bench: started", err, sizeof(err)),
		     0);
	cr_assert_eq(s.count, 0);
	bench_set_free(&s);
}

Test(results, a_skipped_cdf_line_is_refused)
{
	struct bench_set s = { 0 };
	char err[256];

	feed(&s, "wall",
	     "PTBENCH op=x n=10 warmup=1 per=1 khz=1000000 min=1 p10=1 p50=1 "
	     "p90=1 p99=1 p999=1 max=1");
	cr_assert_neq(bench_parse_line(&s, "wall", "guest",
				       "PTBENCH-CDF op=x from=11 1 1 1", err,
				       sizeof(err)),
		      0);
	bench_set_free(&s);
}

Test(results, runs_of_equal_percentiles_are_expanded)
{
	struct bench_set s = { 0 };
	struct bench_result *r;
	char err[256];

	feed(&s, "icount",
	     "PTBENCH op=x n=10 warmup=1 per=1 khz=1000000 min=5 p10=5 p50=5 "
	     "p90=6 p99=6 p999=6 max=7");
	feed(&s, "icount", "PTBENCH-CDF op=x from=0 5x50 6");
	feed(&s, "icount", "PTBENCH-CDF op=x from=51 6x49 7");
	r = bench_find(&s, "x", "icount");
	cr_assert_eq(r->cdf_points, BENCH_CDF_POINTS);
	cr_assert_float_eq(r->cdf[49], 5.0, 1e-9);
	cr_assert_float_eq(r->cdf[50], 6.0, 1e-9);
	cr_assert_float_eq(r->cdf[100], 7.0, 1e-9);
	/* More points than a CDF has, or a zero run, are refused. */
	feed(&s, "icount",
	     "PTBENCH op=y n=10 warmup=1 per=1 khz=1000000 min=5 p10=5 p50=5 "
	     "p90=6 p99=6 p999=6 max=7");
	cr_assert_neq(bench_parse_line(&s, "icount", "guest",
				       "PTBENCH-CDF op=y from=0 5x102", err,
				       sizeof(err)),
		      0);
	cr_assert_neq(bench_parse_line(&s, "icount", "guest",
				       "PTBENCH-CDF op=y from=0 5x0", err,
				       sizeof(err)),
		      0);
	bench_set_free(&s);
}

Test(results, failures_and_bounds_are_kept)
{
	struct bench_set s = { 0 };

	feed(&s, "wall", "PTBENCH-FAIL op=yield status=0x8 in=sample");
	feed(&s, "icount",
	     "PTBOUND call=ZERO_PAGES entries=420 worst_ns=61234 over_50us=3");
	cr_assert(strstr(s.failures, "wall op=yield status=0x8"));
	cr_assert_eq(s.bound_count, 1);
	cr_assert_eq(s.bounds[0].worst, 61234);
	cr_assert_eq(s.bounds[0].over_50us, 3);
	cr_assert_str_eq(s.bounds[0].clock, "icount");
	bench_set_free(&s);
}

Test(results, json_written_is_json_read_back)
{
	struct bench_set s = { 0 }, back;
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct bench_result *r;

	bench_set_meta(&s, "commit", "abc \"quoted\"");
	feed_op(&s, "wall", "empty_window", 1, 1000000, 40);
	feed_op(&s, "wall", "null_hypercall", 1, 1000000, 15000);
	bench_derive(&s);
	bench_write_json(&s, f);
	fclose(f);
	cr_assert_eq(bench_read_json(text, &back, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(back.count, 2);
	cr_assert_str_eq(bench_get_meta(&back, "commit"), "abc \"quoted\"");
	r = bench_find(&back, "null_hypercall", "wall");
	cr_assert_float_eq(r->p50, 15000.0, 1e-9);
	cr_assert_float_eq(r->over_empty, 14960.0, 1e-9);
	cr_assert(isnan(r->ratio_bare_exit)); /* no bare exit in the set */
	cr_assert_eq(r->cdf_points, BENCH_CDF_POINTS);
	free(text);
	bench_set_free(&s);
	bench_set_free(&back);
}

Test(results, bad_json_is_refused_with_a_reason)
{
	struct bench_set s;
	char err[256];

	cr_assert_neq(bench_read_json("{\"format\": \"partita-bench/1\", "
				      "\"results\": [",
				      &s, err, sizeof(err)),
		      0);
	cr_assert(strstr(err, "byte"));
	bench_set_free(&s);
	cr_assert_neq(
		bench_read_json("{\"format\": \"other\", \"results\": []}", &s,
				err, sizeof(err)),
		0);
	bench_set_free(&s);
	cr_assert_neq(bench_read_json("{\"format\": \"partita-bench/1\", "
				      "\"results\": [{\"op\": \"x\"}]}",
				      &s, err, sizeof(err)),
		      0);
	cr_assert(strstr(err, "result 0"));
	bench_set_free(&s);
}

Test(json_read, nesting_escapes_and_limits)
{
	struct jr_value v;
	char err[128], deep[200];

	cr_assert_eq(jr_parse(" {\"a\": [1, -2.5e3, true, null], "
			      "\"b\\n\": \"x\\u0041\\\"\"} ",
			      &v, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(jr_get(&v, "a")->count, 4);
	cr_assert_float_eq(jr_get(&v, "a")->items[1].number, -2500.0, 1e-9);
	cr_assert_str_eq(jr_get(&v, "b\n")->string, "xA\"");
	jr_free(&v);
	memset(deep, '[', 100);
	deep[100] = '\0';
	cr_assert_neq(jr_parse(deep, &v, err, sizeof(err)), 0);
	cr_assert(strstr(err, "deeply"));
	jr_free(&v);
	cr_assert_neq(jr_parse("[1,]", &v, err, sizeof(err)), 0);
	jr_free(&v);
	cr_assert_neq(jr_parse("\"abc", &v, err, sizeof(err)), 0);
	jr_free(&v);
}
