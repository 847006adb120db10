// SPDX-License-Identifier: GPL-2.0-only
/* partita dmesg output: text with loss notes, JSON records per line. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "dmesg-out.h"

static struct root_log_piece piece(const char *text, uint64_t lost)
{
	struct root_log_piece p = { text, strlen(text), lost };

	return p;
}

Test(dmesg_out, text_passes_bytes_and_notes_losses)
{
	struct capture out, notes;
	struct dmesg_out d;
	struct root_log_piece p;
	char *o, *n;

	capture_begin(&out);
	capture_begin(&notes);
	dmesg_out_init(&d, out.f, notes.f, 0);
	p = piece("one\ntw", 0);
	dmesg_out_piece(&d, &p, 0);
	p = piece("three\n", 42);
	dmesg_out_piece(&d, &p, 48);
	dmesg_out_flush(&d);
	o = capture_end(&out);
	n = capture_end(&notes);
	/* the cut line is ended so the next one starts on its own line */
	cr_assert_str_eq(o, "one\ntw\nthree\n");
	cr_assert_str_eq(n, "partita: 42 bytes of the hypervisor log were "
			    "overwritten before they could be read\n");
	free(o);
	free(n);
}

Test(dmesg_out, json_assembles_lines_across_pieces)
{
	struct capture out;
	struct dmesg_out d;
	struct root_log_piece p;
	char *o;

	capture_begin(&out);
	dmesg_out_init(&d, out.f, stderr, 1);
	p = piece("ab\nc", 0);
	dmesg_out_piece(&d, &p, 10);
	p = piece("d\"e\n", 0);
	dmesg_out_piece(&d, &p, 14);
	p = piece("tail", 7);
	dmesg_out_piece(&d, &p, 25);
	dmesg_out_flush(&d);
	o = capture_end(&out);
	cr_assert_str_eq(o, "{\"seq\":10,\"text\":\"ab\"}\n"
			    "{\"seq\":13,\"text\":\"cd\\\"e\"}\n"
			    "{\"lost\":7}\n"
			    "{\"seq\":25,\"text\":\"tail\"}\n");
	free(o);
}

Test(dmesg_out, json_cut_line_before_a_loss_is_its_own_record)
{
	struct capture out;
	struct dmesg_out d;
	struct root_log_piece p;
	char *o;

	capture_begin(&out);
	dmesg_out_init(&d, out.f, stderr, 1);
	p = piece("half", 0);
	dmesg_out_piece(&d, &p, 0);
	p = piece("x\n", 3);
	dmesg_out_piece(&d, &p, 7);
	dmesg_out_flush(&d);
	o = capture_end(&out);
	cr_assert_str_eq(o, "{\"seq\":0,\"text\":\"half\"}\n"
			    "{\"lost\":3}\n"
			    "{\"seq\":7,\"text\":\"x\"}\n");
	free(o);
}

Test(dmesg_out, json_splits_overlong_lines)
{
	static char text[DMESG_LINE_MAX + 3];
	struct capture out;
	struct dmesg_out d;
	struct root_log_piece p;
	char *o;

	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	capture_begin(&out);
	dmesg_out_init(&d, out.f, stderr, 1);
	p = piece(text, 0);
	dmesg_out_piece(&d, &p, 0);
	dmesg_out_flush(&d);
	o = capture_end(&out);
	cr_assert(strstr(o, "}\n{\"seq\":1024,\"text\":\"a\"}\n"), "%s", o);
	free(o);
}
