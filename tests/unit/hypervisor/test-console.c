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
