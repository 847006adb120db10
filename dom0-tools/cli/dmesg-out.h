/* SPDX-License-Identifier: GPL-2.0-only */
/* Writing hypervisor log pieces as text or as one JSON record per line. */
#ifndef PARTITA_DMESG_OUT_H
#define PARTITA_DMESG_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "root-client.h"

#define DMESG_LINE_MAX 1024 /* longer JSON lines are split */

/*
 * Text: the log's bytes as they are; losses are noted on notes (standard
 * error). JSON: {"seq": N, "text": "..."} for each complete line (the
 * newline dropped) and {"lost": N} for each loss, one record per line.
 */
struct dmesg_out {
	FILE *out;
	FILE *notes;
	int json;
	int at_line_start; /* text: the last byte written was a newline */
	uint64_t line_seq; /* JSON: sequence number of line[0] */
	size_t line_len;
	char line[DMESG_LINE_MAX];
};

void dmesg_out_init(struct dmesg_out *d, FILE *out, FILE *notes, int json);
/* piece came from the cursor; text_seq is the sequence of piece->text. */
void dmesg_out_piece(struct dmesg_out *d, const struct root_log_piece *piece,
		     uint64_t text_seq);
/* Writes a partial last line (JSON) and flushes. */
void dmesg_out_flush(struct dmesg_out *d);

#endif
