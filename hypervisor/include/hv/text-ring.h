/* SPDX-License-Identifier: GPL-2.0-only */
/* A byte ring that keeps the newest text and numbers every byte written. */
#ifndef HV_TEXT_RING_H
#define HV_TEXT_RING_H

#include "types.h"

struct text_ring {
	char *buf;
	u32 size;
	u64 seq; /* bytes ever appended; the ring holds the last `size` */
};

struct text_ring_read {
	u64 next_seq;
	u32 length;
	u32 lost; /* bytes overwritten before `from_seq` could be read */
};

void text_ring_append(struct text_ring *r, const char *s, u32 len);
/* Copies up to `max` bytes from `from_seq` on; the caller locks. */
struct text_ring_read text_ring_read(const struct text_ring *r, u64 from_seq,
				     char *out, u32 max);

#endif
