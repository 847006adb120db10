// SPDX-License-Identifier: MIT
/*
 * Rep calls of the suite: QUERY_PAGES and ZERO_PAGES at rep counts 1, 16,
 * 256 and 4095, each sample reported per element (ticks / rep count), so
 * the fixed cost of a call shows as the rise at small counts.
 */
#include <partita-guest/guest.h>

#include "ops.h"

#define REP_MAX PT_HC_REP_MAX

static uint64_t *query_in, *query_out;
static uint64_t zero_first_gpfn;

/* Input and output lists of REP_MAX elements, all naming one RAM page. */
static int setup_query(void)
{
	uint64_t gpfn;

	if (query_in)
		return 0;
	query_in = pt_pages_alloc(REP_MAX * 8 / PT_PAGE_SIZE + 1);
	query_out = pt_pages_alloc(REP_MAX * 8 / PT_PAGE_SIZE + 1);
	if (!query_in || !query_out)
		return -PT_STATUS_INSUFFICIENT_MEMORY;
	gpfn = pt_gpa(query_out) >> PT_PAGE_SHIFT;
	for (unsigned i = 0; i < REP_MAX; i++)
		query_in[i] = gpfn;
	return 0;
}

/* REP_MAX contiguous pages of the guest's own RAM (16 MiB) to scrub. */
static int setup_zero(void)
{
	void *pages;

	if (zero_first_gpfn)
		return 0;
	pages = pt_pages_alloc(REP_MAX);
	if (!pages)
		return -PT_STATUS_INSUFFICIENT_MEMORY;
	zero_first_gpfn = pt_gpa(pages) >> PT_PAGE_SHIFT;
	return 0;
}

static int time_query(unsigned count, uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_query_pages(query_in, query_out, count, NULL);

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

static int time_zero(unsigned count, uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_zero_pages(zero_first_gpfn, count, NULL);

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

#define REP_OPS(count)                                 \
	static int once_query_##count(uint64_t *ticks) \
	{                                              \
		return time_query(count, ticks);       \
	}                                              \
	static int once_zero_##count(uint64_t *ticks)  \
	{                                              \
		return time_zero(count, ticks);        \
	}
REP_OPS(1)
REP_OPS(16)
REP_OPS(256)
REP_OPS(4095)

/* Fewer samples for the long calls: a 4095-page scrub is 16 MiB. */
const struct bench_op bench_ops_rep[] = {
	{ "query_pages_rep1", 4, 1, setup_query, once_query_1 },
	{ "query_pages_rep16", 10, 16, setup_query, once_query_16 },
	{ "query_pages_rep256", 50, 256, setup_query, once_query_256 },
	{ "query_pages_rep4095", 200, 4095, setup_query, once_query_4095 },
	{ "zero_pages_rep1", 4, 1, setup_zero, once_zero_1 },
	{ "zero_pages_rep16", 20, 16, setup_zero, once_zero_16 },
	{ "zero_pages_rep256", 200, 256, setup_zero, once_zero_256 },
	{ "zero_pages_rep4095", 1000, 4095, setup_zero, once_zero_4095 },
	{ NULL, 0, 0, NULL, NULL },
};
