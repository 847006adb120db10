// SPDX-License-Identifier: MIT
/*
 * Core operations of the suite: the empty timing window, the bare exit, and
 * the small hypercalls (null, memory in/out, GET_VERSION, SELF_INFO, yield),
 * plus the VPAP time read that needs no exit.
 */
#include <partita-guest/guest.h>

#include "ops.h"

static struct pt_entry_histogram hist_out;
static struct pt_self_info self_out;

/* The same window with nothing in it: what every other figure includes. */
static int once_empty(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();

	*ticks = pt_rdtsc_ordered() - t0;
	return 0;
}

/* CPUID of the vendor leaf: intercepted and answered without a call. */
static int once_bare_exit(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();

	pt_cpuid(PT_CPUID_LEAF_VENDOR, 0);
	*ticks = pt_rdtsc_ordered() - t0;
	return 0;
}

static int once_null(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_null();

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

/*
 * GET_ENTRY_HISTOGRAM without reset: an 8-byte input block and an 80-byte
 * output block, both checked and copied by the hypervisor.
 */
static int once_mem_in_out(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_get_entry_histogram(PT_CALL_NULL, 0, &hist_out);

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

static int once_get_version(uint64_t *ticks)
{
	uint32_t version, features;
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_get_version(&version, &features);

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

static int once_self_info(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_self_info(&self_out);

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

/* Alone on its CPU, a yield is the scheduler's decision and a re-entry. */
static int once_yield(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	int ret = pt_call_yield();

	*ticks = pt_rdtsc_ordered() - t0;
	return ret;
}

/* Guest time from the VPAP's scale and offset: no exit at all. */
static int once_vpap_time(uint64_t *ticks)
{
	uint64_t t0 = pt_rdtsc_ordered();
	/* The read must happen inside the window: keep its result. */
	uint64_t now = pt_time_ns();

	*ticks = pt_rdtsc_ordered() - t0;
	return now ? 0 : -PT_STATUS_INVALID_PARTITION_STATE;
}

const struct bench_op bench_ops_core[] = {
	{ "empty_window", 1, 1, NULL, once_empty },
	{ "bare_exit", 1, 1, NULL, once_bare_exit },
	{ "null_hypercall", 1, 1, NULL, once_null },
	{ "mem_in_out_hypercall", 1, 1, NULL, once_mem_in_out },
	{ "get_version", 1, 1, NULL, once_get_version },
	{ "self_info", 1, 1, NULL, once_self_info },
	{ "yield", 1, 1, NULL, once_yield },
	{ "vpap_time_read", 1, 1, NULL, once_vpap_time },
	{ NULL, 0, 0, NULL, NULL },
};
