/* SPDX-License-Identifier: GPL-2.0-only */
/* Text tables with aligned columns for partita's human output. */
#ifndef PARTITA_OUT_TABLE_H
#define PARTITA_OUT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define OUT_TABLE_MAX_COLS 12
#define OUT_TABLE_CELL_MAX 64 /* longer cells are cut */

/*
 * Rows are kept until printing, so each column is as wide as its widest
 * cell. Columns are left-aligned and two spaces apart; no trailing blanks.
 */
struct out_table {
	unsigned int cols;
	const char *headers[OUT_TABLE_MAX_COLS];
	char (*cells)[OUT_TABLE_CELL_MAX];
	size_t rows;
	size_t capacity;
};

void out_table_init(struct out_table *t, unsigned int cols,
		    const char *const *headers);
/* Adds a row of t->cols strings; returns 0 or -ENOMEM. */
int out_table_add(struct out_table *t, const char *const *row);
void out_table_print(const struct out_table *t, FILE *f, const char *indent);
void out_table_free(struct out_table *t);

#endif
