// SPDX-License-Identifier: GPL-2.0-only
/*
 * partita-notify-bench --bounds [--reset]: the hypervisor's entry-time
 * histograms of the root's own calls (NULL, ROOT_PING, PARTITION_POPULATE,
 * PARTITION_DESTROY) as the benchmark suite's PTBOUND lines; with --reset
 * it zeroes them instead, so that a measurement starts clean.
 */
#include <stdint.h>
#include <stdio.h>

#include <partita/hypercall.h>
#include <partita/root-ioctl.h>

#include "entry-bounds.h"
#include "root-client.h"

static const struct {
	const char *name;
	uint16_t code;
} bound_calls[] = {
	{ "ROOT_NULL", PT_CALL_NULL },
	{ "ROOT_PING", PT_CALL_ROOT_PING },
	{ "PARTITION_POPULATE", PT_CALL_PARTITION_POPULATE },
	{ "PARTITION_DESTROY", PT_CALL_PARTITION_DESTROY },
};

/* One GET_ENTRY_HISTOGRAM of the root's figures for `code`. */
static int read_histogram(struct root_dev *dev, uint16_t code, int reset,
			  struct pt_entry_histogram *out)
{
	struct pt_entry_histogram_in in = {
		.code = code,
		.flags = reset ? (uint32_t)PT_CALL_STATS_RESET : 0,
	};
	struct pt_ioc_hypercall hc = {
		.code = PT_CALL_GET_ENTRY_HISTOGRAM,
		.in_ptr = (uintptr_t)&in,
		.out_ptr = (uintptr_t)out,
		.in_size = sizeof(in),
		.out_size = sizeof(*out),
	};

	return root_hypercall(dev, &hc);
}

int entry_bounds_main(int reset)
{
	struct root_dev dev;
	int err = root_open(&dev, NULL);

	if (err) {
		fprintf(stderr, "partita-notify-bench: %s\n", root_error(&dev));
		return root_error_is_unavailable(err) ? 3 : 1;
	}
	for (size_t i = 0; i < sizeof(bound_calls) / sizeof(bound_calls[0]);
	     i++) {
		struct pt_entry_histogram h;
		uint64_t over = 0;

		err = read_histogram(&dev, bound_calls[i].code, reset, &h);
		if (err) {
			fprintf(stderr,
				"partita-notify-bench: histogram of %s: %s\n",
				bound_calls[i].name, root_error(&dev));
			return 1;
		}
		if (reset)
			continue;
		/* Buckets 0..9 end at 5..50 us; the rest are above the bound. */
		for (unsigned b = 10; b < PT_ENTRY_HIST_BUCKETS; b++)
			over += h.counts[b];
		printf("PTBOUND call=%s entries=%llu worst_ns=%llu "
		       "over_50us=%llu\n",
		       bound_calls[i].name, (unsigned long long)h.entries,
		       (unsigned long long)h.worst_ns,
		       (unsigned long long)over);
	}
	return 0;
}
