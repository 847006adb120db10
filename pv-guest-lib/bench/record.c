// SPDX-License-Identifier: MIT
/* The suite's result lines: one operation's sorted samples as PTBENCH records. */
#include <partita-guest/guest.h>

#include "fmt.h"
#include "record.h"
#include "stats.h"

#define CDF_POINTS 101u
#define CDF_TOKENS_PER_LINE 10u
/*
 * The hypervisor log drains to a 115200-baud UART (87 us a character, in
 * QEMU's virtual time) behind a ring of its own: lines printed faster are
 * lost. Each record line waits for its own bytes and the log's prefix.
 * Under icount the halt costs no host time (sleep=off).
 */
#define UART_NS_PER_CHAR 100000u
#define LOG_PREFIX_CHARS 40u

static void paced_line(const char *line)
{
	int len = pt_printf("%s\n", line);

	if (len > 0)
		pt_sleep_ns((uint64_t)(len + LOG_PREFIX_CHARS) *
			    UART_NS_PER_CHAR);
}

/* The sample at percentile permille/10 (nearest rank, from below). */
static unsigned long at_permille(const uint64_t *a, size_t n, unsigned pm)
{
	size_t i = n * pm / 1000;

	return (unsigned long)a[i < n ? i : n - 1];
}

void record_print(const char *op, uint64_t *samples, size_t n, unsigned warmup,
		  unsigned per, uint64_t tsc_khz)
{
	char line[CDF_TOKENS_PER_LINE * 26 + 160];

	if (!n)
		return;
	stats_sort(samples, n);
	fmt_snprintf(line, sizeof(line),
		     "PTBENCH op=%s n=%zu warmup=%u per=%u khz=%lu min=%lu "
		     "p10=%lu p50=%lu p90=%lu p99=%lu p999=%lu max=%lu",
		     op, n, warmup, per, (unsigned long)tsc_khz,
		     (unsigned long)samples[0], at_permille(samples, n, 100),
		     at_permille(samples, n, 500), at_permille(samples, n, 900),
		     at_permille(samples, n, 990), at_permille(samples, n, 999),
		     (unsigned long)samples[n - 1]);
	paced_line(line);
	/*
	 * The percentiles 0..100, equal neighbours as VALUExCOUNT: an exact
	 * (icount) distribution is then one short line. Each line names the
	 * first percentile it carries.
	 */
	for (unsigned p = 0; p < CDF_POINTS;) {
		size_t len = (size_t)fmt_snprintf(
			line, sizeof(line), "PTBENCH-CDF op=%s from=%u", op, p);

		for (unsigned tokens = 0;
		     tokens < CDF_TOKENS_PER_LINE && p < CDF_POINTS; tokens++) {
			unsigned long v = at_permille(samples, n, p * 10);
			unsigned run = 1;

			while (p + run < CDF_POINTS &&
			       at_permille(samples, n, (p + run) * 10) == v)
				run++;
			if (run > 1)
				len += fmt_snprintf(line + len,
						    sizeof(line) - len,
						    " %lux%u", v, run);
			else
				len += fmt_snprintf(line + len,
						    sizeof(line) - len, " %lu",
						    v);
			p += run;
		}
		paced_line(line);
	}
}

void record_bound(const char *call_name, uint16_t code)
{
	struct pt_entry_histogram h;
	char line[160];
	uint64_t over = 0;
	int ret = pt_call_get_entry_histogram(code, 0, &h);

	if (ret) {
		pt_printf("PTBOUND call=%s FAILED status=0x%x\n", call_name,
			  -ret);
		return;
	}
	/* Buckets 0..9 end at 5..50 us; the rest are above the bound. */
	for (unsigned b = 10; b < PT_ENTRY_HIST_BUCKETS; b++)
		over += h.counts[b];
	fmt_snprintf(line, sizeof(line),
		     "PTBOUND call=%s entries=%lu worst_ns=%lu over_50us=%lu",
		     call_name, (unsigned long)h.entries,
		     (unsigned long)h.worst_ns, (unsigned long)over);
	paced_line(line);
}
