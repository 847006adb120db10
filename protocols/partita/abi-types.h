/* SPDX-License-Identifier: MIT */
/* Fixed-width types and layout checks shared by every Partita ABI header. */
#ifndef PARTITA_ABI_TYPES_H
#define PARTITA_ABI_TYPES_H

#include <stdint.h>

/*
 * Every ABI structure is checked at build time with PT_ABI_CHECK so that the
 * hypervisor, the root tools and guests can never disagree on a layout.
 */
#ifdef __cplusplus
#define PT_ABI_CHECK(expr, msg) static_assert(expr, msg)
#else
#define PT_ABI_CHECK(expr, msg) _Static_assert(expr, msg)
#endif

#define PT_ABI_SIZE(type, size) \
	PT_ABI_CHECK(sizeof(type) == (size), #type " size is ABI")
#define PT_ABI_OFFSET(type, field, off)                        \
	PT_ABI_CHECK(__builtin_offsetof(type, field) == (off), \
		     #type "." #field " offset is ABI")

#define PT_PAGE_SHIFT 12
#define PT_PAGE_SIZE (1u << PT_PAGE_SHIFT)

#endif
