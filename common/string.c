// SPDX-License-Identifier: MIT
/* Freestanding memory and string routines for the hypervisor and guests. */
#include "string.h"

/*
 * Forward copy with x86 string instructions, eight bytes at a time: page
 * copies and scrubs (grant copy, frame scrubbing) are the hot callers, and
 * a byte loop costs several instructions per byte.
 */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t quads = n / 8, rest = n % 8;

	__asm__ volatile("rep movsq"
			 : "+D"(d), "+S"(s), "+c"(quads)
			 :
			 : "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(d), "+S"(s), "+c"(rest)
			 :
			 : "memory");
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		/* Reading ahead of where it writes: safe with overlap. */
		copy_forward(d, s, n);
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned long long pattern = 0x0101010101010101ull * (unsigned char)c;
	size_t quads = n / 8, rest = n % 8;
	unsigned char *d = dst;

	__asm__ volatile("rep stosq"
			 : "+D"(d), "+c"(quads)
			 : "a"(pattern)
			 : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(d), "+c"(rest)
			 : "a"(pattern)
			 : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
