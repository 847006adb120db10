// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of a partition's rate-limited debug console (core/console.c). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <hv/console.h>
#include <hv/partition.h>
#include <string.h>

#include "hv-shim.h"

#define SEC 1000000000ull

static struct partition part;

static void setup(void)
{
	shim_reset();
	memset(&part, 0, sizeof(part));
	part.id = 5;
	strcpy(part.name, "con");
	part.state = PART_STATE_RUNNING;
	/* As partition_create leaves it: a full bucket. */
	part.console_tokens = CONSOLE_BURST_LINES;
}

TestSuite(console, .init = setup);

static void write_text(const char *text, u64 now)
{
	console_write(&part, text, (u32)strlen(text), now);
}

static u32 lines_logged(void)
{
	return shim_log_count("INF p5:con: ");
}

Test(console, line_is_logged_at_newline)
{
	write_text("hello ", SEC);
	cr_assert_eq(shim_log_len(), 0);
	write_text("world\nnext", SEC);
	cr_assert(shim_log_has("INF p5:con: hello world\n"), "%s", shim_log());
	cr_assert_eq(lines_logged(), 1);
	cr_assert_eq(part.console_len, 4);
}

Test(console, empty_lines_are_lines)
{
	write_text("\n\n", SEC);
	cr_assert_eq(lines_logged(), 2);
	cr_assert_eq(part.console_tokens, CONSOLE_BURST_LINES - 2);
}

Test(console, burst_then_drop)
{
	for (u32 i = 0; i < CONSOLE_BURST_LINES + 50; i++)
		write_text("x\n", 3 * SEC);
	cr_assert_eq(lines_logged(), CONSOLE_BURST_LINES);
	cr_assert_eq(part.console_dropped, 50);
	cr_assert_eq(part.console_tokens, 0);
}

Test(console, refill_after_time_passes_and_dropped_notice)
{
	u64 t = 3 * SEC;

	for (u32 i = 0; i < CONSOLE_BURST_LINES + 50; i++)
		write_text("x\n", t);
	shim_log_clear();
	/* 100 ms earn five lines at 50 per second. */
	t += SEC / 10;
	for (u32 i = 0; i < 10; i++)
		write_text("y\n", t);
	cr_assert_eq(lines_logged(), 5);
	cr_assert(shim_log_has("WRN p5:con: console: 50 line(s) dropped by the "
			       "rate limit\n"),
		  "%s", shim_log());
	/* The notice comes before the first line that got through. */
	cr_assert_lt(strstr(shim_log(), "dropped"), strstr(shim_log(), "y\n"));
	cr_assert_eq(part.console_dropped, 5);
	/* Not enough time for a line yet. */
	shim_log_clear();
	write_text("z\n", t + SEC / 100);
	cr_assert_eq(shim_log_len(), 0);
	cr_assert_eq(part.console_dropped, 6);
}

Test(console, bucket_never_exceeds_the_burst)
{
	write_text("a\n", SEC);
	/* An hour of silence. */
	for (u32 i = 0; i < 2 * CONSOLE_BURST_LINES; i++)
		write_text("b\n", 3600 * SEC);
	cr_assert_eq(lines_logged(), 1 + CONSOLE_BURST_LINES);
}

Test(console, steady_rate_under_a_flood)
{
	u64 t = 10 * SEC;

	for (u32 i = 0; i < CONSOLE_BURST_LINES; i++)
		write_text("burst\n", t);
	shim_log_clear();
	/* A line every millisecond for ten seconds. */
	for (u32 ms = 1; ms <= 10000; ms++)
		write_text("flood\n", t + ms * 1000000ull);
	cr_assert_eq(lines_logged(), 10 * CONSOLE_LINES_PER_SEC);
}

Test(console, control_characters_replaced)
{
	write_text("a\x01"
		   "b\x1b[2Jc\x7f"
		   "d\te\r\n",
		   SEC);
	cr_assert(shim_log_has(": a?b?[2Jc?d\te?\n"), "%s", shim_log());
}

Test(console, every_byte_leaves_the_log_printable)
{
	char text[256];
	const char *line;

	for (int i = 0; i < 255; i++)
		text[i] = (char)(i + 1 == '\n' ? ' ' : i + 1);
	text[255] = '\n';
	console_write(&part, text, sizeof(text), SEC);
	line = shim_log();
	for (size_t i = 0; i < shim_log_len(); i++)
		cr_assert(isprint((unsigned char)line[i]) || line[i] == '\t' ||
				  line[i] == '\n',
			  "byte 0x%02x at %zu", (unsigned char)line[i], i);
}

Test(console, long_line_is_split)
{
	char text[400];

	memset(text, 'L', sizeof(text));
	text[399] = '\n';
	console_write(&part, text, sizeof(text), SEC);
	/* 159 + 159 + 81 characters. */
	cr_assert_eq(lines_logged(), 3);
	cr_assert_eq(part.console_len, 0);
	cr_assert_eq(part.console_tokens, CONSOLE_BURST_LINES - 3);
}

/*
 * Regression: the refill dropped the fraction of a line already earned, so
 * a guest writing faster than the rate, but not in whole multiples of its
 * 20 ms a line, got fewer than 50 lines a second once the burst was spent
 * (a line every 15 ms: one in 30 ms).
 */
static u32 lines_at_interval(u64 interval_ns, u64 duration_ns)
{
	u64 t = 20 * SEC;

	for (u32 i = 0; i < CONSOLE_BURST_LINES; i++)
		write_text("burst\n", t);
	cr_assert_eq(part.console_tokens, 0);
	shim_log_clear();
	for (u64 dt = interval_ns; dt <= duration_ns; dt += interval_ns)
		write_text("steady\n", t + dt);
	return lines_logged();
}

static void expect_about(u32 got, u32 want)
{
	cr_assert(got + 1 >= want && got <= want + 1, "%u lines, expected %u",
		  got, want);
}

Test(console, steady_rate_a_line_every_10_ms)
{
	expect_about(lines_at_interval(10000000ull, 10 * SEC), 500);
}

Test(console, steady_rate_keeps_the_fraction_of_a_line)
{
	/* 66 lines a second offered, 50 allowed. */
	expect_about(lines_at_interval(15000000ull, 10 * SEC), 500);
}

Test(console, steady_rate_a_line_every_7_ms)
{
	expect_about(lines_at_interval(7000000ull, 10 * SEC), 500);
}

Test(console, under_the_rate_every_line_is_logged)
{
	/* 33 lines a second: below the limit, nothing may be lost. */
	u32 n = lines_at_interval(30000000ull, 10 * SEC);

	cr_assert_eq(n, 333, "%u lines", n);
	cr_assert_eq(part.console_dropped, 0);
}

Test(console, rate_over_a_minute_of_uneven_writes)
{
	u64 t = 20 * SEC, dt = 0;
	u32 offered = 0, n;

	for (u32 i = 0; i < CONSOLE_BURST_LINES; i++)
		write_text("burst\n", t);
	shim_log_clear();
	/* 11, 17, 23 ms apart in turn: 59 lines a second on average. */
	for (u32 i = 0; dt < 60 * SEC; i++) {
		dt += (11 + 6 * (i % 3)) * 1000000ull;
		write_text("uneven\n", t + dt);
		offered++;
	}
	n = lines_logged();
	cr_assert_lt(n, offered);
	/* 50 a second, give or take the line being earned at the end. */
	cr_assert(n >= 60 * CONSOLE_LINES_PER_SEC - 1 &&
			  n <= 60 * CONSOLE_LINES_PER_SEC + 1,
		  "%u lines of %u", n, offered);
}
