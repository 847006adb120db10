// SPDX-License-Identifier: GPL-2.0-only
/* Following the hypervisor log ring by sequence number, losses included. */
#include <errno.h>
#include <string.h>

#include "root-client.h"

void root_log_cursor_init(struct root_log_cursor *cur, uint64_t from_seq)
{
	memset(cur, 0, sizeof(*cur));
	cur->next_seq = from_seq;
}

/*
 * The hypervisor's next_seq is the truth: bytes between what was asked and
 * where the returned text starts are lost, whatever the 32-bit lost field
 * says (it saturates).
 */
int root_log_cursor_take(struct root_log_cursor *cur,
			 const struct root_log_chunk *chunk,
			 struct root_log_piece *piece)
{
	uint64_t text_seq;
	const char *newline;

	memset(piece, 0, sizeof(*piece));
	if (chunk->from_seq != cur->next_seq)
		return -EINVAL;
	if (chunk->length > PT_LOG_READ_MAX ||
	    chunk->next_seq < chunk->length ||
	    chunk->next_seq - chunk->length < chunk->from_seq)
		return -EPROTO;
	text_seq = chunk->next_seq - chunk->length;
	piece->lost = text_seq - chunk->from_seq;
	piece->text = chunk->text;
	piece->length = chunk->length;
	if (piece->lost)
		cur->skipping = 1;
	if (cur->skipping && piece->length) {
		newline = memchr(piece->text, '\n', piece->length);
		if (newline) {
			size_t skip = (size_t)(newline + 1 - piece->text);

			piece->lost += skip;
			piece->text += skip;
			piece->length -= skip;
			cur->skipping = 0;
		} else {
			piece->lost += piece->length;
			piece->text += piece->length;
			piece->length = 0;
		}
	}
	cur->next_seq = chunk->next_seq;
	cur->lost_total += piece->lost;
	return 0;
}
