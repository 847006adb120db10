// SPDX-License-Identifier: GPL-2.0-only
/* Text tables with aligned columns for partita's human output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out-table.h"

void out_table_init(struct out_table *t, unsigned int cols,
		    const char *const *headers)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols < OUT_TABLE_MAX_COLS ? cols : OUT_TABLE_MAX_COLS;
	for (unsigned int c = 0; c < t->cols; c++)
		t->headers[c] = headers[c];
}

int out_table_add(struct out_table *t, const char *const *row)
{
	if (t->rows == t->capacity) {
		size_t cap = t->capacity ? t->capacity * 2 : 8;
		void *cells =
			realloc(t->cells, cap * t->cols * sizeof(*t->cells));

		if (!cells)
			return -ENOMEM;
		t->cells = cells;
		t->capacity = cap;
	}
	for (unsigned int c = 0; c < t->cols; c++)
		snprintf(t->cells[t->rows * t->cols + c], OUT_TABLE_CELL_MAX,
			 "%s", row[c] ? row[c] : "");
	t->rows++;
	return 0;
}

/* Row 0 is the header line, row r > 0 is stored row r - 1. */
static const char *table_cell(const struct out_table *t, size_t row,
			      unsigned int col)
{
	if (row == 0)
		return t->headers[col];
	return t->cells[(row - 1) * t->cols + col];
}

static void print_row(const struct out_table *t, FILE *f, const char *indent,
		      const size_t *width, size_t row)
{
	fputs(indent, f);
	for (unsigned int c = 0; c < t->cols; c++) {
		const char *s = table_cell(t, row, c);

		if (c + 1 < t->cols)
			fprintf(f, "%-*s  ", (int)width[c], s);
		else
			fputs(s, f);
	}
	fputc('\n', f);
}

void out_table_print(const struct out_table *t, FILE *f, const char *indent)
{
	size_t width[OUT_TABLE_MAX_COLS] = { 0 };

	for (size_t r = 0; r <= t->rows; r++) {
		for (unsigned int c = 0; c < t->cols; c++) {
			size_t len = strlen(table_cell(t, r, c));

			if (len > width[c])
				width[c] = len;
		}
	}
	for (size_t r = 0; r <= t->rows; r++)
		print_row(t, f, indent ? indent : "", width, r);
}

void out_table_free(struct out_table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->rows = 0;
	t->capacity = 0;
}
