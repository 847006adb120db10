// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of common/fmt.c against the host C library's vsnprintf. */
#include <criterion/criterion.h>
#include <fmt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BUF 256

/*
 * Formats with both and compares the return value and every byte of the
 * buffer, including those past `size` that neither may touch.
 */
static __attribute__((format(printf, 3, 4))) void check(int line, size_t size,
							const char *fmt, ...)
{
	char ours[BUF], libc[BUF];
	va_list ap, ap2;
	int n_ours, n_libc;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	memset(ours, 'Z', sizeof(ours));
	memset(libc, 'Z', sizeof(libc));
	n_ours = fmt_vsnprintf(ours, size, fmt, ap);
	n_libc = vsnprintf(libc, size, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	cr_assert_eq(n_ours, n_libc, "line %d: '%s' returned %d, libc %d", line,
		     fmt, n_ours, n_libc);
	cr_assert(!memcmp(ours, libc, sizeof(ours)),
		  "line %d: '%s' size %zu gave '%.*s', libc '%.*s'", line, fmt,
		  size, (int)strnlen(ours, BUF), ours, (int)strnlen(libc, BUF),
		  libc);
}

#define CHECK(...) check(__LINE__, BUF, __VA_ARGS__)
#define CHECK_SIZE(size, ...) check(__LINE__, size, __VA_ARGS__)

Test(fmt, plain_text_and_percent)
{
	const char *empty = "";

	CHECK(empty, 0);
	CHECK("plain text");
	CHECK("100%%");
	CHECK("%%d%%");
}

Test(fmt, signed_conversions)
{
	CHECK("%d", 0);
	CHECK("%d", 42);
	CHECK("%d", -42);
	CHECK("%i", INT_MAX);
	CHECK("%i", INT_MIN);
	CHECK("%ld", LONG_MIN);
	CHECK("%lld", LLONG_MAX);
	CHECK("%lld", LLONG_MIN);
	CHECK("%zd", (ssize_t)-5);
	CHECK("%hd", (short)-300);
	CHECK("%hhd", (signed char)-100);
}

Test(fmt, unsigned_conversions)
{
	CHECK("%u", 0u);
	CHECK("%u", UINT_MAX);
	CHECK("%lu", ULONG_MAX);
	CHECK("%llu", ULLONG_MAX);
	CHECK("%zu", (size_t)123456789);
	CHECK("%hu", (unsigned short)65535);
	CHECK("%hhu", (unsigned char)255);
	CHECK("%x", 0xdeadbeefu);
	CHECK("%X", 0xdeadbeefu);
	CHECK("%llx", 0x0123456789abcdefull);
	CHECK("%llX", ULLONG_MAX);
	CHECK("%x", 0u);
	CHECK("%o", 8u);
	CHECK("%o", 0777u);
	CHECK("%llo", ULLONG_MAX);
}

Test(fmt, characters_and_strings)
{
	CHECK("%c", 'a');
	CHECK("[%c%c%c]", 'x', 'y', 'z');
	CHECK("%s", "");
	CHECK("%s", "string");
	CHECK("%s and %s", "this", "that");
	CHECK("%3c|%-3c|", 'p', 'q');
}

Test(fmt, widths_and_flags)
{
	/* Valid C ('-' wins over '0'); a variable keeps -Wformat quiet. */
	const char *left_zero = "%-05d|";

	CHECK("%5d|", 42);
	CHECK("%5d|", -42);
	CHECK("%-5d|", 42);
	CHECK("%-5d|", -42);
	CHECK("%05d|", 42);
	CHECK("%05d|", -42);
	CHECK(left_zero, 42);
	CHECK("%1d|", 12345);
	CHECK("%08x|", 0xbeefu);
	CHECK("%-8X|", 0xbeefu);
	CHECK("%016llx|", 0x1234ull);
	CHECK("%20llu|", ULLONG_MAX);
	CHECK("%10s|", "right");
	CHECK("%-10s|", "left");
	CHECK("%2s|", "longer than width");
	CHECK("%*d|", 6, 42);
	CHECK("%*s|", 8, "star");
	CHECK("%-*s|", 8, "star");
	CHECK("%0*d|", 6, -1);
	CHECK("[%5llu.%06llu]", 12ull, 345ull);
}

Test(fmt, string_precision)
{
	CHECK("%.3s|", "abcdef");
	CHECK("%.0s|", "abcdef");
	CHECK("%.10s|", "abc");
	CHECK("%8.3s|", "abcdef");
	CHECK("%-8.3s|", "abcdef");
	CHECK("%.*s|", 2, "abcdef");
	CHECK("%.*s|", -1, "abcdef"); /* negative: no precision */
}

Test(fmt, truncation_and_return_value)
{
	CHECK_SIZE(0, "hello %d", 12345);
	CHECK_SIZE(1, "hello %d", 12345);
	CHECK_SIZE(5, "hello %d", 12345);
	CHECK_SIZE(6, "hello %d", 12345);
	CHECK_SIZE(11, "hello %d", 12345);
	CHECK_SIZE(12, "hello %d", 12345);
	CHECK_SIZE(3, "%s", "abcdef");
	CHECK_SIZE(4, "%-10s|", "ab");
	CHECK_SIZE(7, "%lld", LLONG_MIN);
	CHECK_SIZE(2, "%c%c%c", 'a', 'b', 'c');
}

Test(fmt, wide_field_is_counted_in_full)
{
	char buf[8];

	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), "%200d", 1), 200);
	cr_assert_str_eq(buf, "       ");
}

Test(fmt, size_zero_writes_nothing)
{
	char c = 'K';

	cr_assert_eq(fmt_snprintf(&c, 0, "%s", "text"), 4);
	cr_assert_eq(c, 'K');
	cr_assert_eq(fmt_snprintf(NULL, 0, "%d", 1000), 4);
}

/* What this formatter defines where C leaves it open or differs. */
Test(fmt, own_conventions)
{
	/* Through variables: the compiler would warn about them, rightly. */
	const char *unknown = "a%kb", *lone = "end%", *volatile null = NULL;
	char buf[64];

	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1234), 6);
	cr_assert_str_eq(buf, "0x1234");
	fmt_snprintf(buf, sizeof(buf), "%s", null);
	cr_assert_str_eq(buf, "(null)");
	/* Unknown conversions are copied; a lone '%' at the end stops. */
	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), unknown, 0), 4);
	cr_assert_str_eq(buf, "a%kb");
	cr_assert_eq(fmt_snprintf(buf, sizeof(buf), lone, 0), 3);
	cr_assert_str_eq(buf, "end");
}

/*
 * Regression (fixed): fmt.c parse_spec() takes a negative '*' width as it is; C treats it
 * as the '-' flag with the absolute width ("%*d", -5, 42 gives "42   "),
 * fmt gives "42"..
 */
Test(fmt, negative_star_width_left_justifies)
{
	CHECK("%*d|", -5, 42);
	CHECK("%*s|", -6, "ab");
}
