// SPDX-License-Identifier: MIT
/* Latency samples: sorting TSC cycle counts and printing their summary. */
#include <partita-guest/console.h>
#include <partita-guest/vpap.h>

#include "stats.h"

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

void stats_sort(uint64_t *a, size_t n)
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

static unsigned long ns(uint64_t cycles)
{
	return (unsigned long)pt_cycles_to_ns(cycles);
}

uint64_t stats_summarise(const char *prefix, const char *op, uint64_t *cycles,
			 size_t n)
{
	if (!n)
		return 0;
	stats_sort(cycles, n);
	pt_printf("%s %s samples=%zu min=%lu median=%lu p99=%lu p999=%lu "
		  "max=%lu\n",
		  prefix, op, n, ns(cycles[0]), ns(cycles[n / 2]),
		  ns(cycles[n * 99 / 100]), ns(cycles[n * 999 / 1000]),
		  ns(cycles[n - 1]));
	return ns(cycles[n / 2]);
}

void stats_ratio(const char *prefix, const char *name, uint64_t num,
		 uint64_t den)
{
	uint64_t hundredths = den ? num * 100 / den : 0;

	pt_printf("%s ratio %s=%lu.%02lu\n", prefix, name,
		  (unsigned long)(hundredths / 100),
		  (unsigned long)(hundredths % 100));
}
