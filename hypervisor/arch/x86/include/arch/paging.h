/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own page tables: an identity map of physical memory. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <hv/types.h>

/* Builds the identity map once, on the boot CPU. */
void paging_build(void);
/* Switches this CPU to it. */
void paging_load(void);
/* Its CR3 value, for the AP trampoline (below 4 GiB). */
u64 paging_cr3(void);

#endif
