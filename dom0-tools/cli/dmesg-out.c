// SPDX-License-Identifier: GPL-2.0-only
/* Writing hypervisor log pieces as text or as one JSON record per line. */
#include <inttypes.h>
#include <string.h>

#include "dmesg-out.h"
#include "out-json.h"

void dmesg_out_init(struct dmesg_out *d, FILE *out, FILE *notes, int json)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
	d->notes = notes;
	d->json = json;
	d->at_line_start = 1;
}

static void json_record_line(struct dmesg_out *d)
{
	struct json_out j;

	json_init(&j, d->out, 0);
	json_object_begin(&j, NULL);
	json_u64(&j, "seq", d->line_seq);
	json_string_n(&j, "text", d->line, d->line_len);
	json_object_end(&j);
	json_finish(&j);
	d->line_len = 0;
}

static void json_record_lost(struct dmesg_out *d, uint64_t lost)
{
	struct json_out j;

	json_init(&j, d->out, 0);
	json_object_begin(&j, NULL);
	json_u64(&j, "lost", lost);
	json_object_end(&j);
	json_finish(&j);
}

static void json_piece(struct dmesg_out *d, const char *text, size_t len,
		       uint64_t seq)
{
	for (size_t i = 0; i < len; i++) {
		if (!d->line_len)
			d->line_seq = seq + i;
		if (text[i] == '\n') {
			json_record_line(d);
			continue;
		}
		d->line[d->line_len++] = text[i];
		if (d->line_len == sizeof(d->line))
			json_record_line(d);
	}
}

void dmesg_out_piece(struct dmesg_out *d, const struct root_log_piece *piece,
		     uint64_t text_seq)
{
	if (piece->lost) {
		if (d->json) {
			if (d->line_len)
				json_record_line(d);
			json_record_lost(d, piece->lost);
		} else {
			if (!d->at_line_start)
				fputc('\n', d->out);
			d->at_line_start = 1;
			fflush(d->out);
			fprintf(d->notes,
				"partita: %" PRIu64
				" bytes of the hypervisor log were overwritten "
				"before they could be read\n",
				piece->lost);
		}
	}
	if (!piece->length)
		return;
	if (d->json) {
		json_piece(d, piece->text, piece->length, text_seq);
		return;
	}
	fwrite(piece->text, 1, piece->length, d->out);
	d->at_line_start = piece->text[piece->length - 1] == '\n';
}

void dmesg_out_flush(struct dmesg_out *d)
{
	if (d->json && d->line_len)
		json_record_line(d);
	fflush(d->out);
}
