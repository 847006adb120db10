// SPDX-License-Identifier: GPL-2.0-only
/* Parsers for the text of config values: integers, sizes, CPU lists, names. */
#include <errno.h>
#include <string.h>

#include "config.h"

#define CONFIG_CPU_MAX 63

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads digits at *p (at least one); advances *p past them. */
static int read_u64(const char **p, uint64_t *value)
{
	const char *s = *p;
	uint64_t v = 0;
	int overflow = 0;

	if (!is_digit(*s))
		return -EINVAL;
	for (; is_digit(*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = 1;
		else
			v = v * 10 + d;
	}
	*p = s;
	*value = v;
	return overflow ? -ERANGE : 0;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int config_parse_u64(const char *text, uint64_t *value)
{
	const char *p = text;
	int ret = read_u64(&p, value);

	if (ret == -EINVAL || *p != '\0')
		return -EINVAL;
	return ret;
}

int config_parse_size(const char *text, uint64_t *bytes)
{
	static const struct {
		const char *name;
		unsigned int shift;
	} units[] = {
		{ "", 20 },  { "M", 20 },   { "MiB", 20 },
		{ "G", 30 }, { "GiB", 30 },
	};
	const char *p = text;
	uint64_t n;
	int ret = read_u64(&p, &n);

	if (ret == -EINVAL || *p == '.')
		return -EINVAL;
	p = skip_spaces(p);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].name) != 0)
			continue;
		if (ret || n > (UINT64_MAX >> units[i].shift))
			return -ERANGE;
		*bytes = n << units[i].shift;
		return 0;
	}
	return -EDOM;
}

/* One "N" or "N-M" item of a CPU list; advances *p past it. */
static int parse_cpu_item(const char **p, uint64_t *mask)
{
	uint64_t lo, hi;
	int ret = read_u64(p, &lo);

	if (ret)
		return ret;
	hi = lo;
	*p = skip_spaces(*p);
	if (**p == '-') {
		*p = skip_spaces(*p + 1);
		ret = read_u64(p, &hi);
		if (ret)
			return ret;
	}
	if (lo > CONFIG_CPU_MAX || hi > CONFIG_CPU_MAX)
		return -ERANGE;
	if (hi < lo)
		return -EDOM;
	for (uint64_t cpu = lo; cpu <= hi; cpu++)
		*mask |= 1ull << cpu;
	return 0;
}

int config_parse_cpus(const char *text, uint64_t *mask)
{
	const char *p = skip_spaces(text);
	uint64_t m = 0;

	for (;;) {
		int ret = parse_cpu_item(&p, &m);

		if (ret)
			return ret;
		p = skip_spaces(p);
		if (*p == '\0')
			break;
		if (*p != ',')
			return -EINVAL;
		p = skip_spaces(p + 1);
	}
	*mask = m;
	return 0;
}

int config_name_bad_char(const char *name)
{
	for (int i = 0; name[i]; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      is_digit(c) || c == '_' || c == '.' || c == '-'))
			return i;
	}
	return -1;
}
