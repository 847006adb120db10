/* SPDX-License-Identifier: GPL-2.0-only */
/* The C library's string.h plus strlcpy, which older glibc lacks. */
#ifndef HV_SHIM_STRING_H
#define HV_SHIM_STRING_H

/*
 * The hypervisor's files include <string.h> for common/string.h. On the host
 * they must get the C library's instead (common/string.c would clash with
 * libc's memcpy), so the tests put common/ on the path with -idirafter:
 * after the system headers. include_next then finds the system string.h,
 * and <fmt.h>, which the system lacks, still comes from common/.
 */
#include_next <string.h>

/* Redeclaring is harmless where the C library has it (glibc 2.38 and up). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
