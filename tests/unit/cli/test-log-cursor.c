// SPDX-License-Identifier: GPL-2.0-only
/* Following the log ring by sequence number: losses and bad answers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "root-client.h"

/* A chunk as the hypervisor would answer a read from `from`. */
static void chunk_set(struct root_log_chunk *c, uint64_t from, uint64_t next,
		      const char *text, uint32_t lost)
{
	memset(c, 0, sizeof(*c));
	c->from_seq = from;
	c->next_seq = next;
	c->length = (uint32_t)strlen(text);
	c->lost = lost;
	memcpy(c->text, text, c->length + 1);
}

static struct root_log_chunk chunk;

Test(log_cursor, straight_reads_lose_nothing)
{
	struct root_log_cursor cur;
	struct root_log_piece p;

	root_log_cursor_init(&cur, 0);
	chunk_set(&chunk, 0, 6, "a\nbcd\n", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.lost, 0);
	cr_assert_eq(p.length, 6);
	cr_assert_eq(cur.next_seq, 6);
	chunk_set(&chunk, 6, 6, "", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.length, 0);
	cr_assert_eq(cur.lost_total, 0);
}

Test(log_cursor, loss_skips_the_cut_line)
{
	struct root_log_cursor cur;
	struct root_log_piece p;

	/* asked from 0, the ring kept from 100: 100 lost, then "ne\n" cut */
	root_log_cursor_init(&cur, 0);
	chunk_set(&chunk, 0, 110, "ne\nwhole\n\n", 100);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.lost, 103);
	cr_assert_eq(p.length, 7);
	cr_assert_eq(strncmp(p.text, "whole\n\n", 7), 0);
	cr_assert_eq(cur.next_seq, 110);
	cr_assert_eq(cur.lost_total, 103);
}

Test(log_cursor, cut_line_longer_than_a_chunk)
{
	struct root_log_cursor cur;
	struct root_log_piece p;

	root_log_cursor_init(&cur, 10);
	chunk_set(&chunk, 10, 25, "no newline", 5);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.lost, 15);
	cr_assert_eq(p.length, 0);
	chunk_set(&chunk, 25, 33, "end\nnew\n", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.lost, 4);
	cr_assert_eq(p.length, 4);
	cr_assert_eq(strncmp(p.text, "new\n", 4), 0);
	cr_assert_eq(cur.lost_total, 19);
	/* the next chunk is whole again */
	chunk_set(&chunk, 33, 36, "ab\n", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.lost, 0);
	cr_assert_eq(p.length, 3);
}

Test(log_cursor, next_seq_is_the_truth_when_lost_saturates)
{
	struct root_log_cursor cur;
	struct root_log_piece p;
	uint64_t far = 0x500000000ull;

	root_log_cursor_init(&cur, 0);
	chunk_set(&chunk, 0, far + 2, "\nx", 0xffffffffu);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), 0);
	cr_assert_eq(p.lost, far + 1);
	cr_assert_eq(p.length, 1);
}

Test(log_cursor, refuses_answers_that_do_not_fit)
{
	struct root_log_cursor cur;
	struct root_log_piece p;

	root_log_cursor_init(&cur, 50);
	/* text would start before what was asked */
	chunk_set(&chunk, 50, 52, "abc", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), -EPROTO);
	/* next_seq smaller than the text */
	chunk_set(&chunk, 50, 1, "abc", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), -EPROTO);
	/* oversized */
	chunk_set(&chunk, 50, 60, "", 0);
	chunk.length = PT_LOG_READ_MAX + 1;
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), -EPROTO);
	/* a chunk read from elsewhere */
	chunk_set(&chunk, 49, 52, "abc", 0);
	cr_assert_eq(root_log_cursor_take(&cur, &chunk, &p), -EINVAL);
	cr_assert_eq(cur.next_seq, 50);
}
