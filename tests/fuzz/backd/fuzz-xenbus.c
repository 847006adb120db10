// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: front-end key strings and states against backd's xenbus parsers and state table. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenbus-back.h"

/*
 * Byte 0 picks the target, byte 1 a limit; the rest is the key's value
 * as the guest wrote it (cut at the first NUL, as the store would). Each
 * parser is checked against a plain oracle written here from the header's
 * contract, both ways (what one accepts the other must), and an accepted
 * value must print back to exactly the input (the parsers are strict).
 */
#define check(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz-xenbus: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                             \
			abort();                                              \
		}                                                             \
	} while (0)

/* The contract of xb_parse_u32: strict decimal, no leading 0, <= max. */
static int oracle_u32(const char *s, uint32_t max, uint32_t *out)
{
	size_t n = strlen(s);
	uint64_t v = 0;

	if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static void fuzz_u32(const char *s, uint8_t lim)
{
	/* Limits around the edges the daemon uses, and the widest. */
	static const uint32_t maxes[] = {
		0, 1, 6, 99, 256, 1024, 65535, UINT32_MAX - 1, UINT32_MAX
	};
	uint32_t max = maxes[lim % (sizeof(maxes) / sizeof(maxes[0]))];
	uint32_t got = 0xa5a5a5a5u, want = 0;
	int r = xb_parse_u32(s, max, &got);
	char back[16];

	check(r == 0 || r == -22);
	check((r == 0) == (oracle_u32(s, max, &want) == 0));
	if (r)
		return;
	check(got == want && got <= max);
	snprintf(back, sizeof(back), "%" PRIu32, got);
	check(strcmp(back, s) == 0);
}

static void fuzz_state(const char *s)
{
	uint32_t v;
	int st = xb_parse_state(s);

	check(st == XB_STATE_MALFORMED || (st >= 0 && st <= 99));
	check((st >= 0) == (oracle_u32(s, 99, &v) == 0));
	if (st >= 0)
		check((uint32_t)st == v);
	check(xb_state_name(st) != NULL);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void fuzz_hex(const char *s)
{
	const char *d = s;
	uint64_t got = 0x5a5a5a5a5a5a5a5aull, want = 0;
	size_t n;
	int ok = 1, r;

	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
		d += 2;
	n = strlen(d);
	if (n == 0 || n > 16)
		ok = 0;
	for (size_t i = 0; ok && i < n; i++) {
		int h = hexval(d[i]);

		if (h < 0)
			ok = 0;
		else
			want = want << 4 | (uint64_t)h;
	}
	r = xb_parse_hex64(s, &got);
	check(r == 0 || r == -22);
	check((r == 0) == ok);
	if (r) {
		/* A refused value leaves the caller's variable alone. */
		check(got == 0x5a5a5a5a5a5a5a5aull);
		return;
	}
	check(got == want);
}

static void fuzz_refs(const char *s, uint8_t lim)
{
	uint32_t max = lim % 70u; /* the daemon asks for up to 64 */
	/* Exactly max entries: ASan catches a write past the caller's array. */
	uint32_t *refs = malloc(max ? max * sizeof(*refs) : 1);
	uint32_t n = 0xffffffffu, count = 0;
	int ok = 1, r;
	const char *p = s;

	/* The oracle: single-space-separated strict decimals, <= max of them. */
	for (;;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char num[16];
		uint32_t v;

		if (len >= sizeof(num)) {
			ok = 0;
			break;
		}
		memcpy(num, p, len);
		num[len] = 0;
		if (oracle_u32(num, UINT32_MAX, &v) || count == max) {
			ok = 0;
			break;
		}
		count++;
		if (!e)
			break;
		p = e + 1;
	}
	r = xb_parse_refs(s, refs, max, &n);
	check(r == 0 || r == -22);
	check((r == 0) == ok);
	if (r == 0) {
		char back[70 * 11 + 1];
		size_t at = 0;

		check(n == count && n >= 1 && n <= max);
		for (uint32_t i = 0; i < n; i++)
			at += (size_t)snprintf(back + at, sizeof(back) - at,
					       "%s%" PRIu32, i ? " " : "",
					       refs[i]);
		check(strcmp(back, s) == 0);
	} else {
		check(n == 0xffffffffu);
	}
	free(refs);
}

/*
 * The state table, as backd-dev.c's apply() changes the back-end's state
 * for each step (a connect or attach may also fail and break the device,
 * which closes it). For any fixed front-end state the machine must settle
 * within a few steps: a cycle would make the daemon offer, refuse and
 * close for ever (the starvation the XB_CLOSING comments describe).
 */
static int pick_state(uint8_t b)
{
	/* Mostly real states, also the malformed, missing and out of range. */
	static const int states[] = {
		XB_STATE_MISSING, XB_STATE_MALFORMED, 0, 1, 2, 3, 4, 5, 6, 7, 99
	};

	return states[b % (sizeof(states) / sizeof(states[0]))];
}

static void fuzz_decide(const uint8_t *data, size_t size)
{
	uint8_t b[5] = { 0 };
	int back, front, attached, offline, fails;
	unsigned int steps;

	memcpy(b, data, size < sizeof(b) ? size : sizeof(b));
	back = pick_state(b[0]);
	front = pick_state(b[1]);
	attached = b[2] & 1;
	offline = b[2] & 2;
	fails = b[3]; /* bit i: the i-th connect or attach fails */
	if (back == XB_STATE_MISSING)
		return; /* backd stops before deciding: the device is gone */
	for (steps = 0;; steps++) {
		struct xb_step s =
			offline ? xb_decide_offline(back, front, attached)
				: xb_decide(back, front, attached);

		check(strcmp(xb_action_name(s.action), "?") != 0);
		check((s.action == XB_BROKEN) == (s.why != NULL));
		check(steps < 8);
		switch (s.action) {
		case XB_NONE:
			/* Settled: nothing held that the state disowns. */
			check(!attached || back == 4 || back == 5 || back == 6);
			return;
		case XB_GONE:
			check(front == XB_STATE_MISSING);
			return;
		case XB_OFFER:
			check(!attached);
			back = 2;
			break;
		case XB_REINIT:
			attached = 0;
			back = 2;
			break;
		case XB_CONNECT:
		case XB_ATTACH:
			if (fails & 1) {
				attached = 0;
				back = 5;
			} else {
				attached = 1;
				back = 4;
			}
			fails >>= 1;
			break;
		case XB_CLOSING:
		case XB_BROKEN:
			attached = 0;
			back = 5;
			break;
		case XB_CLOSED:
			attached = 0;
			back = 6;
			break;
		case XB_DRAIN:
			check(offline);
			back = 5;
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 2)
		return 0;
	if (data[0] % 5 == 4) {
		fuzz_decide(data + 1, size - 1);
		return 0;
	}
	/* The value alone in its allocation, as the store hands it over. */
	s = malloc(size - 1);
	memcpy(s, data + 2, size - 2);
	s[size - 2] = 0;
	switch (data[0] % 5) {
	case 0:
		fuzz_u32(s, data[1]);
		break;
	case 1:
		fuzz_state(s);
		break;
	case 2:
		fuzz_hex(s);
		break;
	case 3:
		fuzz_refs(s, data[1]);
		break;
	}
	free(s);
	return 0;
}
