// SPDX-License-Identifier: MIT
/*
 * CPU-bound guest for the proportional-share test: counts loop iterations
 * inside an absolute hypervisor-time window and reports the count, so that
 * two instances with different weights on one CPU can be compared.
 */
#include <partita-guest/guest.h>

#include "report.h"
#include "string.h"

#define NS_PER_MS 1000000ull

/* Parses "window_ms=<start>-<end>" from the command line, if present. */
static void parse_window(const char *cmdline, uint64_t *start, uint64_t *end)
{
	static const char key[] = "window_ms=";
	uint64_t a = 0, b = 0;
	const char *p;

	for (p = cmdline; *p; p++)
		if (strncmp(p, key, sizeof(key) - 1) == 0)
			break;
	if (!*p)
		return;
	for (p += sizeof(key) - 1; *p >= '0' && *p <= '9'; p++)
		a = a * 10 + (uint64_t)(*p - '0');
	if (*p++ != '-')
		return;
	for (; *p >= '0' && *p <= '9'; p++)
		b = b * 10 + (uint64_t)(*p - '0');
	if (b > a) {
		*start = a * NS_PER_MS;
		*end = b * NS_PER_MS;
	}
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t start = 2000 * NS_PER_MS, end = 5000 * NS_PER_MS;
	uint64_t iterations = 0, began;
	volatile uint64_t sink = 0;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	parse_window(si->cmdline, &start, &end);
	began = pt_time_ns();
	pt_printf("weight %u: counting in [%lu, %lu) ms, now %lu ms\n",
		  si->weight, (unsigned long)(start / NS_PER_MS),
		  (unsigned long)(end / NS_PER_MS),
		  (unsigned long)(began / NS_PER_MS));
	pt_sleep_until(start);
	while (pt_time_ns() < end) {
		for (unsigned i = 0; i < 1000; i++)
			sink = sink + 1;
		iterations += 1000;
	}
	pt_printf("RESULT weight COUNT name=%s weight=%u iterations=%lu "
		  "started_late_ms=%lu\n",
		  si->name, si->weight, (unsigned long)iterations,
		  (unsigned long)(began > start ? (began - start) / NS_PER_MS
						: 0));
	return 0;
}
