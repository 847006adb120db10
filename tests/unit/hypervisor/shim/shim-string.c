// SPDX-License-Identifier: GPL-2.0-only
/* strlcpy for C libraries that lack it (glibc before 2.38). */
#include <string.h>

#if defined(__GLIBC__) && !__GLIBC_PREREQ(2, 38)
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
#endif
