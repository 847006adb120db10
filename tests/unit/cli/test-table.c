// SPDX-License-Identifier: GPL-2.0-only
/* Text tables: column widths, indentation, no trailing blanks, long cells. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "out-table.h"

Test(table, aligns_columns_to_widest_cell)
{
	static const char *const headers[] = { "ID", "NAME", "STATE" };
	const char *r1[] = { "1", "demo-guest", "running" };
	const char *r2[] = { "12", "x", "crashed" };
	struct out_table t;
	struct capture c;
	char *s;

	out_table_init(&t, 3, headers);
	cr_assert_eq(out_table_add(&t, r1), 0);
	cr_assert_eq(out_table_add(&t, r2), 0);
	out_table_print(&t, capture_begin(&c), "  ");
	out_table_free(&t);
	s = capture_end(&c);
	cr_assert_str_eq(s, "  ID  NAME        STATE\n"
			    "  1   demo-guest  running\n"
			    "  12  x           crashed\n");
	free(s);
}

Test(table, header_only_and_many_rows)
{
	static const char *const headers[] = { "CPU" };
	struct out_table t;
	struct capture c;
	char num[8], *s;
	const char *row[] = { num };

	out_table_init(&t, 1, headers);
	for (int i = 0; i < 100; i++) {
		snprintf(num, sizeof(num), "%d", i);
		cr_assert_eq(out_table_add(&t, row), 0);
	}
	out_table_print(&t, capture_begin(&c), NULL);
	out_table_free(&t);
	s = capture_end(&c);
	cr_assert(!strncmp(s, "CPU\n0\n1\n", 8));
	cr_assert(strstr(s, "\n99\n"));
	free(s);
}

Test(table, cuts_cells_longer_than_the_limit)
{
	static const char *const headers[] = { "A", "B" };
	char longer[OUT_TABLE_CELL_MAX * 2];
	const char *row[] = { longer, NULL };
	struct out_table t;
	struct capture c;
	char *s, *line;

	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	out_table_init(&t, 2, headers);
	out_table_add(&t, row);
	out_table_print(&t, capture_begin(&c), "");
	out_table_free(&t);
	s = capture_end(&c);
	line = strchr(s, '\n') + 1;
	/* cell cut to CELL_MAX - 1, two spaces, empty last column */
	cr_assert_eq(strlen(line), OUT_TABLE_CELL_MAX - 1 + 2 + 1);
	free(s);
}
