/* SPDX-License-Identifier: GPL-2.0-only */
/* A small streaming JSON writer for partita's --json output. */
#ifndef PARTITA_OUT_JSON_H
#define PARTITA_OUT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

/*
 * Values are written as they come. key is the member name inside an
 * object and must be NULL inside an array or at the top. Pretty output
 * puts every member on its own line, indented by two spaces per level;
 * compact output is one line (for one-record-per-line streams).
 */
struct json_out {
	FILE *f;
	int pretty;
	int depth;
	int count[JSON_MAX_DEPTH]; /* values written at each level */
};

void json_init(struct json_out *j, FILE *f, int pretty);
void json_object_begin(struct json_out *j, const char *key);
void json_object_end(struct json_out *j);
void json_array_begin(struct json_out *j, const char *key);
void json_array_end(struct json_out *j);
void json_string(struct json_out *j, const char *key, const char *s);
void json_string_n(struct json_out *j, const char *key, const char *s,
		   size_t n);
void json_u64(struct json_out *j, const char *key, uint64_t v);
void json_bool(struct json_out *j, const char *key, int v);
/* Ends the document with a newline. */
void json_finish(struct json_out *j);

#endif
