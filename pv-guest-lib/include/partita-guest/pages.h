/* SPDX-License-Identifier: MIT */
/* Whole pages of the guest's own RAM, taken from above the loaded image. */
#ifndef PARTITA_GUEST_PAGES_H
#define PARTITA_GUEST_PAGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Hands out `count` contiguous, page-aligned, zeroed pages of RAM from
 * free_start (start-info page) upward, or NULL when RAM runs out. Pages are
 * never given back: the library uses it for pages it registers with the
 * hypervisor for good (event, message and grant pages), and guests for
 * pages they share. Safe on any vCPU.
 */
void *pt_pages_alloc(size_t count);

/* Pages pt_pages_alloc can still hand out. */
size_t pt_pages_left(void);

#endif
