// SPDX-License-Identifier: GPL-2.0-only
/* A small streaming JSON writer for partita's --json output. */
#include <inttypes.h>
#include <string.h>

#include "out-json.h"

void json_init(struct json_out *j, FILE *f, int pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

static void write_escaped(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* The log is ASCII; anything else is shown, not trusted. */
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

static void newline_indent(struct json_out *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, indentation and "key": before any value. */
static void value_start(struct json_out *j, const char *key)
{
	if (j->count[j->depth]++)
		fputc(',', j->f);
	if (j->depth > 0)
		newline_indent(j);
	if (key) {
		write_escaped(j->f, key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void container_begin(struct json_out *j, const char *key, char open)
{
	value_start(j, key);
	fputc(open, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->count[j->depth] = 0;
}

static void container_end(struct json_out *j, char close)
{
	int empty = j->count[j->depth] == 0;

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline_indent(j);
	fputc(close, j->f);
}

void json_object_begin(struct json_out *j, const char *key)
{
	container_begin(j, key, '{');
}

void json_object_end(struct json_out *j)
{
	container_end(j, '}');
}

void json_array_begin(struct json_out *j, const char *key)
{
	container_begin(j, key, '[');
}

void json_array_end(struct json_out *j)
{
	container_end(j, ']');
}

void json_string(struct json_out *j, const char *key, const char *s)
{
	json_string_n(j, key, s, strlen(s));
}

void json_string_n(struct json_out *j, const char *key, const char *s, size_t n)
{
	value_start(j, key);
	write_escaped(j->f, s, n);
}

void json_u64(struct json_out *j, const char *key, uint64_t v)
{
	value_start(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_bool(struct json_out *j, const char *key, int v)
{
	value_start(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_finish(struct json_out *j)
{
	fputc('\n', j->f);
	j->depth = 0;
	j->count[0] = 0;
}
