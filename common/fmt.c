// SPDX-License-Identifier: MIT
/* A small printf-style formatter for code that has no C library. */
#include "fmt.h"

#include <stdint.h>

struct fmt_out {
	char *buf;
	size_t size;
	size_t len; /* length the full output would have */
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->size && o->len < o->size - 1)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct fmt_spec {
	int left; /* '-' flag */
	int zero; /* '0' flag */
	int width;
	int precision; /* -1: none */
};

static void out_text(struct fmt_out *o, const struct fmt_spec *spec,
		     const char *s, int len)
{
	int pad = spec->width - len;

	if (!spec->left)
		out_pad(o, ' ', pad);
	while (len-- > 0)
		out_char(o, *s++);
	if (spec->left)
		out_pad(o, ' ', pad);
}

static void out_number(struct fmt_out *o, const struct fmt_spec *spec,
		       uint64_t value, int negative, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad;

	do {
		tmp[n++] = digits[value % base];
		value /= base;
	} while (value);
	pad = spec->width - n - (negative ? 1 : 0);
	if (!spec->left && !spec->zero)
		out_pad(o, ' ', pad);
	if (negative)
		out_char(o, '-');
	if (!spec->left && spec->zero)
		out_pad(o, '0', pad);
	while (n)
		out_char(o, tmp[--n]);
	if (spec->left)
		out_pad(o, ' ', pad);
}

/* Reads an argument of the size the length modifier names. */
static uint64_t arg_unsigned(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static const char *parse_spec(const char *f, struct fmt_spec *spec, va_list *ap)
{
	spec->left = spec->zero = spec->width = 0;
	spec->precision = -1;
	for (;; f++) {
		if (*f == '-')
			spec->left = 1;
		else if (*f == '0')
			spec->zero = 1;
		else
			break;
	}
	if (*f == '*') {
		spec->width = va_arg(*ap, int);
		if (spec->width < 0) { /* C: a negative width means '-' */
			spec->left = 1;
			spec->width = spec->width < -0x7fffffff ? 0x7fffffff
								: -spec->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		spec->width = spec->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		spec->precision = 0;
		if (*f == '*') {
			spec->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			spec->precision = spec->precision * 10 + (*f++ - '0');
	}
	return f;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct fmt_out o = { buf, size, 0 };
	struct fmt_spec spec;
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		int lng = 0;

		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &spec, &ap);
		for (;; f++) {
			if (*f == 'l' || *f == 'z')
				lng += (*f == 'z') ? 2 : 1;
			else if (*f != 'h')
				break;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, lng);
			uint64_t mag =
				v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			out_number(&o, &spec, mag, v < 0, 10, 0);
			break;
		}
		case 'u':
			out_number(&o, &spec, arg_unsigned(&ap, lng), 0, 10, 0);
			break;
		case 'x':
		case 'X':
			out_number(&o, &spec, arg_unsigned(&ap, lng), 0, 16,
				   *f == 'X');
			break;
		case 'o':
			out_number(&o, &spec, arg_unsigned(&ap, lng), 0, 8, 0);
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, &spec, (uintptr_t)va_arg(ap, void *), 0,
				   16, 0);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			out_text(&o, &spec, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;

			if (!s)
				s = "(null)";
			while (s[len] &&
			       (spec.precision < 0 || len < spec.precision))
				len++;
			out_text(&o, &spec, s, len);
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			f--; /* a lone '%' at the end: stop cleanly */
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
