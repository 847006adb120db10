// SPDX-License-Identifier: GPL-2.0-only
/* A byte ring that keeps the newest text and numbers every byte written. */
#include <hv/text-ring.h>

void text_ring_append(struct text_ring *r, const char *s, u32 len)
{
	for (u32 i = 0; i < len; i++)
		r->buf[(r->seq + i) % r->size] = s[i];
	r->seq += len;
}

struct text_ring_read text_ring_read(const struct text_ring *r, u64 from_seq,
				     char *out, u32 max)
{
	struct text_ring_read res = { 0, 0, 0 };
	u64 oldest = r->seq > r->size ? r->seq - r->size : 0;

	if (from_seq < oldest) {
		res.lost = (u32)MIN(oldest - from_seq, 0xFFFFFFFFull);
		from_seq = oldest;
	}
	if (from_seq > r->seq)
		from_seq = r->seq;
	res.length = (u32)MIN(r->seq - from_seq, (u64)max);
	for (u32 i = 0; i < res.length; i++)
		out[i] = r->buf[(from_seq + i) % r->size];
	res.next_seq = from_seq + res.length;
	return res;
}
