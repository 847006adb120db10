// SPDX-License-Identifier: GPL-2.0-only
/* Parsers for the text of config values: numbers, CPU lists, names, MACs. */
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

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int config_parse_mac(const char *text, uint8_t mac[CONFIG_MAC_BYTES])
{
	uint8_t out[CONFIG_MAC_BYTES];

	for (int i = 0; i < CONFIG_MAC_BYTES; i++) {
		const char *p = text + i * 3;
		int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
		char sep = i + 1 < CONFIG_MAC_BYTES ? ':' : '\0';

		if (hi < 0 || lo < 0 || p[2] != sep)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, sizeof(out));
	return 0;
}

const char *config_ifname_problem(const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);

	if (len == 0)
		return "an empty name";
	if (len > CONFIG_IFNAME_MAX) {
		snprintf(buf, size, "%zu characters", len);
		return buf;
	}
	/* Linux keeps "." and ".." for the folders of /sys/class/net. */
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "a name Linux refuses";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == ' ')
			return "a space in it";
		if (c < 0x20 || c >= 0x7f) {
			snprintf(buf, size, "byte 0x%02x in it", c);
			return buf;
		}
		if (c == '/' || c == ':') {
			snprintf(buf, size, "'%c' in it", c);
			return buf;
		}
	}
	return NULL;
}
