// SPDX-License-Identifier: MIT
/* The suite's result files: results.json (written and read) and results.csv. */
#include "json-read.h"
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Names and values here are ours or the guest's: escape what JSON needs. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("null", f);
	else
		fprintf(f, "%.10g", v);
}

void bench_write_json(const struct bench_set *s, FILE *f)
{
	fprintf(f, "{\n  \"format\": \"%s\",\n  \"meta\": {", BENCH_FORMAT);
	for (size_t i = 0; i < s->meta_count; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		json_str(f, s->meta_key[i]);
		fputs(": ", f);
		json_str(f, s->meta_value[i]);
	}
	fputs("\n  },\n  \"results\": [", f);
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_result *r = &s->results[i];
		const double v[] = {
			r->min, r->p10,	       r->p50,
			r->p90, r->p99,	       r->p999,
			r->max, r->over_empty, r->ratio_bare_exit
		};
		static const char *const k[] = {
			"min", "p10",	     "p50",
			"p90", "p99",	     "p999",
			"max", "over_empty", "ratio_bare_exit"
		};

		fprintf(f, "%s\n    {\"op\": ", i ? "," : "");
		json_str(f, r->op);
		fputs(", \"clock\": ", f);
		json_str(f, r->clock);
		fputs(", \"side\": ", f);
		json_str(f, r->side);
		fputs(", \"unit\": ", f);
		json_str(f, r->unit);
		fprintf(f,
			", \"samples\": %llu, \"warmup\": %llu, \"per\": %llu",
			(unsigned long long)r->samples,
			(unsigned long long)r->warmup,
			(unsigned long long)r->per);
		for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++) {
			fprintf(f, ", \"%s\": ", k[j]);
			json_num(f, v[j]);
		}
		fputs(", \"cdf\": [", f);
		for (int j = 0; j < r->cdf_points; j++) {
			fputs(j ? ", " : "", f);
			json_num(f, r->cdf[j]);
		}
		fputs("]}", f);
	}
	fputs("\n  ],\n  \"bounds\": [", f);
	for (size_t i = 0; i < s->bound_count; i++) {
		const struct bench_bound *b = &s->bounds[i];

		fprintf(f, "%s\n    {\"call\": ", i ? "," : "");
		json_str(f, b->call);
		fputs(", \"clock\": ", f);
		json_str(f, b->clock);
		fprintf(f,
			", \"entries\": %llu, \"worst\": %llu, "
			"\"over_50us\": %llu}",
			(unsigned long long)b->entries,
			(unsigned long long)b->worst,
			(unsigned long long)b->over_50us);
	}
	fputs("\n  ],\n  \"failures\": ", f);
	json_str(f, s->failures);
	fputs("\n}\n", f);
}

static void csv_num(FILE *f, double v)
{
	if (isnan(v))
		fputs(",", f);
	else
		fprintf(f, ",%.10g", v);
}

void bench_write_csv(const struct bench_set *s, FILE *f)
{
	fputs("op,clock,side,unit,samples,warmup,per,min,p10,p50,p90,p99,"
	      "p999,max,over_empty,ratio_bare_exit\n",
	      f);
	for (size_t i = 0; i < s->count; i++) {
		const struct bench_result *r = &s->results[i];

		/* Names are [a-z0-9_]: no quoting needed. */
		fprintf(f, "%s,%s,%s,%s,%llu,%llu,%llu", r->op, r->clock,
			r->side, r->unit, (unsigned long long)r->samples,
			(unsigned long long)r->warmup,
			(unsigned long long)r->per);
		csv_num(f, r->min);
		csv_num(f, r->p10);
		csv_num(f, r->p50);
		csv_num(f, r->p90);
		csv_num(f, r->p99);
		csv_num(f, r->p999);
		csv_num(f, r->max);
		csv_num(f, r->over_empty);
		csv_num(f, r->ratio_bare_exit);
		fputc('\n', f);
	}
}

/* A number member, NAN for null; -1 if missing or of another type. */
static int get_num(const struct jr_value *o, const char *key, double *out)
{
	const struct jr_value *v = jr_get(o, key);

	if (v && v->type == JR_NULL) {
		*out = NAN;
		return 0;
	}
	if (!v || v->type != JR_NUMBER)
		return -1;
	*out = v->number;
	return 0;
}

static int get_str(const struct jr_value *o, const char *key, char *buf,
		   size_t size)
{
	const struct jr_value *v = jr_get(o, key);

	if (!v || v->type != JR_STRING || strlen(v->string) >= size)
		return -1;
	memcpy(buf, v->string, strlen(v->string) + 1);
	return 0;
}

static int read_result(const struct jr_value *o, struct bench_result *r)
{
	double samples, warmup, per;
	const struct jr_value *cdf = jr_get(o, "cdf");

	memset(r, 0, sizeof(*r));
	if (get_str(o, "op", r->op, sizeof(r->op)) ||
	    get_str(o, "clock", r->clock, sizeof(r->clock)) ||
	    get_str(o, "side", r->side, sizeof(r->side)) ||
	    get_str(o, "unit", r->unit, sizeof(r->unit)) ||
	    get_num(o, "samples", &samples) || get_num(o, "warmup", &warmup) ||
	    get_num(o, "per", &per) || get_num(o, "min", &r->min) ||
	    get_num(o, "p10", &r->p10) || get_num(o, "p50", &r->p50) ||
	    get_num(o, "p90", &r->p90) || get_num(o, "p99", &r->p99) ||
	    get_num(o, "p999", &r->p999) || get_num(o, "max", &r->max) ||
	    get_num(o, "over_empty", &r->over_empty) ||
	    get_num(o, "ratio_bare_exit", &r->ratio_bare_exit) ||
	    isnan(r->p50) || isnan(samples) || isnan(per))
		return -1;
	r->samples = (uint64_t)samples;
	r->warmup = isnan(warmup) ? 0 : (uint64_t)warmup;
	r->per = (uint64_t)per;
	if (cdf && cdf->type == JR_ARRAY && cdf->count == BENCH_CDF_POINTS) {
		for (int i = 0; i < BENCH_CDF_POINTS; i++)
			r->cdf[i] = cdf->items[i].number;
		r->cdf_points = BENCH_CDF_POINTS;
	}
	return 0;
}

int bench_read_json(const char *text, struct bench_set *s, char *err,
		    size_t errlen)
{
	struct jr_value doc;
	const struct jr_value *meta, *results, *format;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if (jr_parse(text, &doc, err, errlen))
		goto out;
	format = jr_get(&doc, "format");
	results = jr_get(&doc, "results");
	meta = jr_get(&doc, "meta");
	if (!format || format->type != JR_STRING ||
	    strcmp(format->string, BENCH_FORMAT)) {
		snprintf(err, errlen, "not a %s result set", BENCH_FORMAT);
		goto out;
	}
	if (!results || results->type != JR_ARRAY) {
		snprintf(err, errlen, "no \"results\" array");
		goto out;
	}
	for (size_t i = 0; meta && i < meta->count; i++)
		if (meta->items[i].type == JR_STRING)
			bench_set_meta(s, meta->keys[i], meta->items[i].string);
	s->results = calloc(results->count ? results->count : 1,
			    sizeof(*s->results));
	if (!s->results) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	s->cap = results->count;
	for (size_t i = 0; i < results->count; i++) {
		if (read_result(&results->items[i], &s->results[i])) {
			snprintf(err, errlen,
				 "result %zu: a field is missing or of the "
				 "wrong type",
				 i);
			goto out;
		}
		s->count++;
	}
	ret = 0;
out:
	jr_free(&doc);
	return ret;
}
