// SPDX-License-Identifier: MIT
/*
 * Hypercall latency benchmark guest: the null hypercall round trip through
 * the hypercall page next to a bare VM exit round trip (an intercepted
 * CPUID), measured in the same run, as min/median/p99/p99.9/max in ns.
 */
#include <partita-guest/guest.h>

#define SAMPLES 20000u
#define WARMUP 1000u

static uint64_t null_cycles[SAMPLES], exit_cycles[SAMPLES];

static uint64_t time_null_call(void)
{
	uint64_t t0 = pt_rdtsc_ordered();

	pt_call_null();
	return pt_rdtsc_ordered() - t0;
}

static uint64_t time_bare_exit(void)
{
	uint64_t t0 = pt_rdtsc_ordered();

	pt_cpuid(PT_CPUID_LEAF_VENDOR, 0);
	return pt_rdtsc_ordered() - t0;
}

static void sift_down(uint64_t *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		uint64_t tmp;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		tmp = a[root];
		a[root] = a[child];
		a[child] = tmp;
		root = child;
	}
}

/* Heapsort: O(n log n) without extra memory. */
static void sort(uint64_t *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		uint64_t tmp = a[0];

		a[0] = a[end];
		a[end] = tmp;
		sift_down(a, 0, end);
	}
}

static uint64_t ns(uint64_t cycles)
{
	return pt_cycles_to_ns(cycles);
}

/* Sorts the samples and prints one BENCH line; returns the median in ns. */
static uint64_t summarise(const char *op, uint64_t *cycles, size_t n)
{
	uint64_t median;

	sort(cycles, n);
	median = ns(cycles[n / 2]);
	pt_printf("BENCH %s samples=%zu min=%lu median=%lu p99=%lu p999=%lu "
		  "max=%lu\n",
		  op, n, (unsigned long)ns(cycles[0]), (unsigned long)median,
		  (unsigned long)ns(cycles[n * 99 / 100]),
		  (unsigned long)ns(cycles[n * 999 / 1000]),
		  (unsigned long)ns(cycles[n - 1]));
	return median;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t null_median, exit_median, hundredths, count = 0, worst = 0;
	volatile struct pt_vpap *v;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	v = pt_vpap();
	pt_printf("hcall-bench: %u samples each after %u warm-up, TSC %lu "
		  "kHz\n",
		  SAMPLES, WARMUP, (unsigned long)v->tsc_khz);

	for (unsigned i = 0; i < WARMUP; i++) {
		time_null_call();
		time_bare_exit();
	}
	/* Interleaved, so that slow phases of the host hit both alike. */
	for (unsigned i = 0; i < SAMPLES; i++) {
		null_cycles[i] = time_null_call();
		exit_cycles[i] = time_bare_exit();
	}

	null_median = summarise("null_hypercall", null_cycles, SAMPLES);
	exit_median = summarise("bare_exit", exit_cycles, SAMPLES);
	hundredths = exit_median ? null_median * 100 / exit_median : 0;
	pt_printf("BENCH ratio null_hypercall/bare_exit=%lu.%02lu\n",
		  (unsigned long)(hundredths / 100),
		  (unsigned long)(hundredths % 100));
	if (pt_call_get_call_stats(PT_CALL_NULL, &count, &worst) == 0)
		pt_printf("BENCH null_hypercall_stats count=%lu "
			  "worst_entry_ns=%lu\n",
			  (unsigned long)count, (unsigned long)worst);
	pt_printf("BENCH vcpu_stats exits=%lu hypercalls=%lu "
		  "worst_entry_ns=%lu\n",
		  (unsigned long)v->stat_exits,
		  (unsigned long)v->stat_hypercalls,
		  (unsigned long)v->stat_worst_entry_ns);
	return 0;
}
