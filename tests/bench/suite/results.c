// SPDX-License-Identifier: MIT
/* The suite's result set: parsing a run's PTBENCH lines and derived figures. */
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void bench_set_free(struct bench_set *s)
{
	free(s->results);
	memset(s, 0, sizeof(*s));
}

static void copy_cut(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

void bench_set_meta(struct bench_set *s, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < s->meta_count; i++)
		if (!strcmp(s->meta_key[i], key))
			break;
	if (i == BENCH_MAX_META)
		return;
	copy_cut(s->meta_key[i], sizeof(s->meta_key[i]), key);
	copy_cut(s->meta_value[i], sizeof(s->meta_value[i]), value);
	if (i == s->meta_count)
		s->meta_count++;
}

const char *bench_get_meta(const struct bench_set *s, const char *key)
{
	for (size_t i = 0; i < s->meta_count; i++)
		if (!strcmp(s->meta_key[i], key))
			return s->meta_value[i];
	return NULL;
}

struct bench_result *bench_find(const struct bench_set *s, const char *op,
				const char *clock)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->results[i].op, op) &&
		    !strcmp(s->results[i].clock, clock))
			return &s->results[i];
	return NULL;
}

/* The record of (op, clock), added empty if new; NULL if out of memory. */
static struct bench_result *find_or_add(struct bench_set *s, const char *op,
					const char *clock)
{
	struct bench_result *r = bench_find(s, op, clock);

	if (r)
		return r;
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct bench_result *n = realloc(s->results, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->results = n;
		s->cap = cap;
	}
	r = &s->results[s->count++];
	memset(r, 0, sizeof(*r));
	copy_cut(r->op, sizeof(r->op), op);
	copy_cut(r->clock, sizeof(r->clock), clock);
	r->over_empty = NAN;
	r->ratio_bare_exit = NAN;
	return r;
}

/* The value of " key=" in line as text (up to a space), or NULL. */
static const char *field(const char *line, const char *key, char *buf,
			 size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = strchr(line, ' '); p; p = strchr(p + 1, ' ')) {
		if (!strncmp(p + 1, key, klen) && p[1 + klen] == '=') {
			const char *v = p + 2 + klen;
			size_t n = strcspn(v, " \r\n");

			if (n == 0 || n >= size)
				return NULL;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

static int field_u64(const char *line, const char *key, uint64_t *out)
{
	char buf[32], *end;
	const char *v = field(line, key, buf, sizeof(buf));

	if (!v || *v < '0' || *v > '9')
		return -1;
	*out = strtoull(v, &end, 10);
	return *end ? -1 : 0;
}

/* Ticks to the clock's unit: instructions as they are, else ns. */
static double to_unit(uint64_t ticks, uint64_t khz, int icount)
{
	return icount ? (double)ticks : (double)ticks * 1e6 / (double)khz;
}

static int parse_record(struct bench_set *s, const char *clock,
			const char *side, const char *line, char *err,
			size_t errlen)
{
	static const char *const keys[] = { "min", "p10",  "p50", "p90",
					    "p99", "p999", "max" };
	uint64_t v[7], n, warmup, per, khz;
	char op[64];
	int icount = !strcmp(clock, "icount");
	struct bench_result *r;

	if (!field(line, "op", op, sizeof(op)) || field_u64(line, "n", &n) ||
	    field_u64(line, "warmup", &warmup) ||
	    field_u64(line, "per", &per) || field_u64(line, "khz", &khz) ||
	    !khz || !per || !n)
		goto bad;
	for (int i = 0; i < 7; i++)
		if (field_u64(line, keys[i], &v[i]))
			goto bad;
	r = find_or_add(s, op, clock);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	copy_cut(r->side, sizeof(r->side), side);
	copy_cut(r->unit, sizeof(r->unit), icount ? "instructions" : "ns");
	r->samples = n;
	r->warmup = warmup;
	r->per = per;
	r->min = to_unit(v[0], khz, icount);
	r->p10 = to_unit(v[1], khz, icount);
	r->p50 = to_unit(v[2], khz, icount);
	r->p90 = to_unit(v[3], khz, icount);
	r->p99 = to_unit(v[4], khz, icount);
	r->p999 = to_unit(v[5], khz, icount);
	r->max = to_unit(v[6], khz, icount);
	r->khz = khz; /* for the CDF lines that follow */
	r->cdf_points = 0;
	r->cdf_next = 0;
	return 0;
bad:
	snprintf(err, errlen, "malformed PTBENCH line: %.120s", line);
	return -1;
}

static int parse_cdf(struct bench_set *s, const char *clock, const char *line,
		     char *err, size_t errlen)
{
	char op[64];
	uint64_t from;
	struct bench_result *r;
	const char *p;
	int icount = !strcmp(clock, "icount");

	/* In order, after their PTBENCH line, each exactly once. */
	if (!field(line, "op", op, sizeof(op)) ||
	    field_u64(line, "from", &from) || !(r = bench_find(s, op, clock)) ||
	    !r->khz || r->cdf_points || from != (uint64_t)r->cdf_next)
		goto bad;
	p = strchr(strstr(line, " from=") + 1, ' ');
	/* Values, a run of equal ones as VALUExCOUNT. */
	while (p && *p == ' ' && p[1] >= '0' && p[1] <= '9') {
		char *end;
		unsigned long long ticks = strtoull(p + 1, &end, 10);
		unsigned long long run = 1;

		if (*end == 'x') {
			const char *count = end + 1;

			run = strtoull(count, &end, 10);
			if (end == count || !run)
				goto bad;
		}
		if (run > (unsigned long long)(BENCH_CDF_POINTS - r->cdf_next))
			goto bad;
		while (run--)
			r->cdf[r->cdf_next++] = to_unit(ticks, r->khz, icount);
		p = end;
	}
	if (p && *p && *p != '\r' && *p != '\n')
		goto bad;
	if (r->cdf_next == BENCH_CDF_POINTS)
		r->cdf_points = BENCH_CDF_POINTS;
	return 0;
bad:
	snprintf(err, errlen,
		 "malformed or out-of-order PTBENCH-CDF line: %.120s", line);
	return -1;
}

static int parse_bound(struct bench_set *s, const char *clock, const char *line,
		       char *err, size_t errlen)
{
	struct bench_bound *b;
	char call[32];

	if (strstr(line, " FAILED"))
		return 0; /* the guest said why; nothing to keep */
	if (s->bound_count == BENCH_MAX_BOUNDS)
		return 0;
	b = &s->bounds[s->bound_count];
	if (!field(line, "call", call, sizeof(call)) ||
	    field_u64(line, "entries", &b->entries) ||
	    field_u64(line, "worst_ns", &b->worst) ||
	    field_u64(line, "over_50us", &b->over_50us)) {
		snprintf(err, errlen, "malformed PTBOUND line: %.120s", line);
		return -1;
	}
	copy_cut(b->call, sizeof(b->call), call);
	copy_cut(b->clock, sizeof(b->clock), clock);
	s->bound_count++;
	return 0;
}

int bench_parse_line(struct bench_set *s, const char *clock, const char *side,
		     const char *line, char *err, size_t errlen)
{
	const char *p = strstr(line, "PT");

	/* Lines may carry a log prefix (the hypervisor tags the guest). */
	while (p && strncmp(p, "PTBENCH", 7) && strncmp(p, "PTBOUND ", 8))
		p = strstr(p + 2, "PT");
	if (!p)
		return 0;
	if (!strncmp(p, "PTBENCH op=", 11))
		return parse_record(s, clock, side, p, err, errlen);
	if (!strncmp(p, "PTBENCH-CDF ", 12))
		return parse_cdf(s, clock, p, err, errlen);
	if (!strncmp(p, "PTBOUND ", 8))
		return parse_bound(s, clock, p, err, errlen);
	if (!strncmp(p, "PTBENCH-FAIL ", 13)) {
		size_t len = strlen(s->failures);

		snprintf(s->failures + len, sizeof(s->failures) - len,
			 "%s%s %.*s", len ? "; " : "", clock,
			 (int)strcspn(p + 13, "\r\n"), p + 13);
	}
	return 0;
}

void bench_derive(struct bench_set *s)
{
	for (size_t i = 0; i < s->count; i++) {
		struct bench_result *r = &s->results[i];
		const struct bench_result *empty =
			bench_find(s, "empty_window", r->clock);
		const struct bench_result *bare =
			bench_find(s, "bare_exit", r->clock);

		/* Timer latency is not a timed window: nothing to subtract. */
		if (empty && !strcmp(r->side, "guest") &&
		    strcmp(r->op, "timer_upcall_latency"))
			r->over_empty = r->p50 - empty->p50 / (double)r->per;
		if (bare && bare->p50 > 0)
			r->ratio_bare_exit = r->p50 / bare->p50;
	}
}
