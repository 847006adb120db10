// SPDX-License-Identifier: GPL-2.0-only
/* Parsing the arguments of vcpu-pin and sched: CPU lists, weights, caps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "part-render.h"
#include "sched-args.h"

/* A plain decimal number up to max: no sign, spaces or other text. */
static int parse_number(const char *text, unsigned long max, unsigned long *out)
{
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	*out = strtoul(text, &end, 10);
	return *end || errno || *out > max ? -1 : 0;
}

int sched_parse_weight(const char *text, uint32_t *weight, char *why,
		       size_t size)
{
	unsigned long v;

	if (parse_number(text, SCHED_WEIGHT_MAX, &v) || v == 0) {
		snprintf(why, size,
			 "the weight is a whole number from 1 to %u, not '%s'",
			 SCHED_WEIGHT_MAX, text);
		return -1;
	}
	*weight = (uint32_t)v;
	return 0;
}

int sched_parse_cap(const char *text, uint32_t *cap, char *why, size_t size)
{
	const char *given = text;
	char digits[16];
	size_t len = strlen(text);
	unsigned long v;

	if (!strcmp(text, "none")) {
		*cap = 0;
		return 0;
	}
	/* "50%" as well as "50". */
	if (len && len < sizeof(digits) && text[len - 1] == '%') {
		memcpy(digits, text, len - 1);
		digits[len - 1] = '\0';
		text = digits;
	}
	if (parse_number(text, SCHED_CAP_MAX, &v)) {
		snprintf(why, size,
			 "the cap is a percentage of one CPU from 0 to %u "
			 "(0 or 'none': no cap), not '%s'",
			 SCHED_CAP_MAX, given);
		return -1;
	}
	*cap = (uint32_t)v;
	return 0;
}

int sched_parse_vcpu(const char *text, uint32_t *vcpu, char *why, size_t size)
{
	unsigned long v;

	if (parse_number(text, PT_PARTITION_MAX_VCPUS - 1, &v)) {
		snprintf(why, size, "the vCPU is its number, 0 to %u, not '%s'",
			 PT_PARTITION_MAX_VCPUS - 1, text);
		return -1;
	}
	*vcpu = (uint32_t)v;
	return 0;
}

int sched_parse_cpus(const char *text, uint64_t usable, uint64_t *mask,
		     char *why, size_t size)
{
	char list[192];
	uint64_t m;
	int err;

	if (!strcmp(text, "all")) {
		*mask = usable;
		return 0;
	}
	err = config_parse_cpus(text, &m);
	if (err == -ERANGE) {
		snprintf(why, size, "CPU numbers go from 0 to 63: '%s'", text);
		return -1;
	}
	if (err) {
		snprintf(why, size,
			 "'%s' is not a CPU list: write CPU numbers and ranges "
			 "such as 1-3,5, or 'all'",
			 text);
		return -1;
	}
	if (m & ~usable) {
		unsigned int bad = (unsigned int)__builtin_ctzll(m & ~usable);

		snprintf(
			why, size,
			"CPU %u does not run guests (it is the root's, offline "
			"or missing); guests may use CPUs %s",
			bad, part_cpus_text(list, sizeof(list), usable));
		return SCHED_CPUS_UNUSABLE;
	}
	*mask = m;
	return 0;
}
