// SPDX-License-Identifier: MIT
/* Pure helpers of the xenbus front-end: key values and the state table. */
#include <partita-guest/xenbus.h>

#define STATE_BIT(s) (1u << (s))

int pt_xenbus_front_may_move(uint32_t from, uint32_t to)
{
	/* docs/split-drivers.md section 2, the front-end's column. */
	static const uint32_t allowed[] = {
		[PT_XENBUS_STATE_UNKNOWN] = 0,
		[PT_XENBUS_STATE_INITIALISING] =
			STATE_BIT(PT_XENBUS_STATE_INITIALISED) |
			STATE_BIT(PT_XENBUS_STATE_CLOSING),
		[PT_XENBUS_STATE_INIT_WAIT] = STATE_BIT(
			PT_XENBUS_STATE_CLOSING), /* not ours, but leave it */
		[PT_XENBUS_STATE_INITIALISED] =
			STATE_BIT(PT_XENBUS_STATE_CONNECTED) |
			STATE_BIT(PT_XENBUS_STATE_CLOSING),
		[PT_XENBUS_STATE_CONNECTED] =
			STATE_BIT(PT_XENBUS_STATE_CLOSING),
		[PT_XENBUS_STATE_CLOSING] = STATE_BIT(PT_XENBUS_STATE_CLOSED),
		[PT_XENBUS_STATE_CLOSED] =
			STATE_BIT(PT_XENBUS_STATE_INITIALISING),
	};

	if (from >= sizeof(allowed) / sizeof(allowed[0]) ||
	    to > PT_XENBUS_STATE_CLOSED)
		return 0;
	return !!(allowed[from] & STATE_BIT(to));
}

/* Decimal digits of v into tmp, backwards; returns how many. */
static unsigned u32_digits(uint32_t v, char tmp[10])
{
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	return n;
}

int pt_xenbus_format_refs(char *buf, size_t cap, const uint32_t *refs,
			  unsigned n)
{
	size_t len = 0;

	if (!cap)
		return -PT_DEV_EINVAL;
	for (unsigned i = 0; i < n; i++) {
		char tmp[10];
		unsigned d = u32_digits(refs[i], tmp);

		/* separator + digits + the final NUL must fit */
		if (len + (i ? 1u : 0u) + d + 1u > cap) {
			buf[0] = 0;
			return -PT_DEV_EINVAL;
		}
		if (i)
			buf[len++] = ' ';
		while (d)
			buf[len++] = tmp[--d];
	}
	buf[len] = 0;
	return (int)len;
}

unsigned pt_xenbus_refs_fit(const uint32_t *refs, unsigned n, size_t cap)
{
	size_t len = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		char tmp[10];
		size_t need = (i ? 1u : 0u) + u32_digits(refs[i], tmp);

		/* the list so far, this ref and the final NUL */
		if (len + need + 1u > cap)
			break;
		len += need;
	}
	return i;
}

static int digit_value(char c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses digits from *sp up to a non-digit; advances *sp. */
static int parse_digits(const char **sp, int hex, uint64_t *value)
{
	const char *s = *sp;
	uint64_t base = hex ? 16u : 10u, v = 0;
	int d;

	if (digit_value(*s, hex) < 0)
		return -PT_DEV_EINVAL;
	for (; (d = digit_value(*s, hex)) >= 0; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -PT_DEV_EINVAL;
		v = v * base + (uint64_t)d;
	}
	*sp = s;
	*value = v;
	return 0;
}

int pt_xenbus_parse_u64(const char *s, int hex, uint64_t *value)
{
	uint64_t v;

	if (!s)
		return -PT_DEV_EINVAL;
	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (parse_digits(&s, hex, &v) || *s)
		return -PT_DEV_EINVAL;
	*value = v;
	return 0;
}

int pt_xenbus_parse_refs(const char *s, uint32_t *refs, unsigned max)
{
	unsigned n = 0;

	if (!s || !*s)
		return -PT_DEV_EINVAL;
	for (;;) {
		uint64_t v;

		if (n == max || parse_digits(&s, 0, &v) || !v || v > UINT32_MAX)
			return -PT_DEV_EINVAL;
		refs[n++] = (uint32_t)v;
		if (!*s)
			return (int)n;
		if (*s != ' ')
			return -PT_DEV_EINVAL;
		s++;
	}
}

uint32_t pt_xenbus_pow2_floor(uint32_t want, uint32_t limit)
{
	uint32_t v = want < limit ? want : limit, p = 1;

	if (!v)
		return 0;
	while (p <= v / 2u)
		p *= 2u;
	return p;
}
