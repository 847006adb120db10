// SPDX-License-Identifier: GPL-2.0-only
/* Human-readable sizes and times for partita's text output. */
#include <inttypes.h>
#include <stdio.h>

#include "out-units.h"

const char *out_bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	const unsigned int nunits = sizeof(units) / sizeof(units[0]);
	unsigned int u = 0;
	uint64_t scale = 1024, whole, tenths;

	if (bytes < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", bytes);
		return buf;
	}
	/* Largest unit that keeps the number at 1 or above. */
	while (u + 1 < nunits && bytes / scale >= 1024) {
		scale *= 1024;
		u++;
	}
	/* Tenths, rounded, without floating point for exact tests. */
	whole = bytes / scale;
	tenths = ((bytes % scale) * 10 + scale / 2) / scale;
	if (tenths == 10) {
		whole++;
		tenths = 0;
	}
	if (whole == 1024 && u + 1 < nunits) {
		whole = 1;
		u++;
	}
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " %s", whole, tenths,
		 units[u]);
	return buf;
}

const char *out_uptime(char *buf, size_t size, uint64_t ns)
{
	uint64_t s = ns / 1000000000u;
	uint64_t ms = ns / 1000000u % 1000u;

	if (s >= 86400)
		snprintf(buf, size, "%" PRIu64 "d %02u:%02u:%02u", s / 86400,
			 (unsigned int)(s / 3600 % 24),
			 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
	else
		snprintf(buf, size, "%02u:%02u:%02u.%03u",
			 (unsigned int)(s / 3600), (unsigned int)(s / 60 % 60),
			 (unsigned int)(s % 60), (unsigned int)ms);
	return buf;
}
