// SPDX-License-Identifier: MIT
/* key=value lookups in the start-info command line. */
#include <partita-guest/cmdline.h>
#include <partita-guest/start.h>

#include "string.h"

/* The value of `key=`, or NULL. */
static const char *cmdline_value(const char *key)
{
	const char *cmdline = pt_start_info()->cmdline;
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, klen) &&
		    p[klen] == '=')
			return p + klen + 1;
	}
	return NULL;
}

uint64_t pt_cmdline_u64(const char *key, uint64_t fallback)
{
	const char *p = cmdline_value(key);
	unsigned base = 10, digits = 0;
	uint64_t n = 0;

	if (!p)
		return fallback;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, digits++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		n = n * base + d;
	}
	if (!digits || (*p && *p != ' '))
		return fallback;
	return n;
}

int pt_cmdline_str(const char *key, char *buf, size_t size)
{
	const char *p = cmdline_value(key);
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	if (!p)
		return 0;
	while (p[n] && p[n] != ' ' && n + 1 < size) {
		buf[n] = p[n];
		n++;
	}
	if (size)
		buf[n] = '\0';
	return 1;
}
