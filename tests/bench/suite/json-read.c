// SPDX-License-Identifier: MIT
/* A small JSON reader: parses a whole document into a tree of values. */
#include "json-read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JR_MAX_DEPTH 64

struct jr_parser {
	const char *text, *p;
	char *err;
	size_t errlen;
	int failed;
};

static int jr_fail(struct jr_parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at byte %zu", what,
			 (size_t)(ps->p - ps->text));
	ps->failed = 1;
	return -1;
}

static void skip_space(struct jr_parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	       *ps->p == '\r')
		ps->p++;
}

static int parse_value(struct jr_parser *ps, struct jr_value *v, int depth);

static int hex4(const char *s, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;

		if (d == 16)
			return -1;
		*out = *out * 16 + d;
	}
	return 0;
}

/* A string starting at the opening quote; *out is malloc'd. */
static int parse_string(struct jr_parser *ps, char **out)
{
	size_t cap = 16, len = 0;
	char *s = malloc(cap);

	if (!s)
		return jr_fail(ps, "out of memory");
	ps->p++; /* the quote */
	for (;;) {
		char c = *ps->p;

		if (!c || (unsigned char)c < 0x20) {
			free(s);
			return jr_fail(ps, "unterminated string");
		}
		ps->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			unsigned u;

			c = *ps->p++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if (hex4(ps->p, &u)) {
					free(s);
					return jr_fail(ps, "bad \\u escape");
				}
				ps->p += 4;
				c = u < 0x80 && u ? (char)u : '?';
				break;
			default:
				free(s);
				return jr_fail(ps, "bad escape");
			}
		}
		if (len + 2 > cap) {
			char *n = realloc(s, cap *= 2);

			if (!n) {
				free(s);
				return jr_fail(ps, "out of memory");
			}
			s = n;
		}
		s[len++] = c;
	}
	s[len] = '\0';
	*out = s;
	return 0;
}

static int parse_number(struct jr_parser *ps, struct jr_value *v)
{
	const char *start = ps->p;
	char *end;

	if (*ps->p == '-')
		ps->p++;
	if (*ps->p < '0' || *ps->p > '9')
		return jr_fail(ps, "unexpected character");
	v->type = JR_NUMBER;
	v->number = strtod(start, &end);
	ps->p = end;
	return 0;
}

/* Grows the item (and key) arrays of an array or object by one. */
static struct jr_value *add_item(struct jr_parser *ps, struct jr_value *v)
{
	struct jr_value *items =
		realloc(v->items, (v->count + 1) * sizeof(*items));

	if (!items)
		return jr_fail(ps, "out of memory"), NULL;
	v->items = items;
	if (v->type == JR_OBJECT) {
		char **keys = realloc(v->keys, (v->count + 1) * sizeof(*keys));

		if (!keys)
			return jr_fail(ps, "out of memory"), NULL;
		v->keys = keys;
		keys[v->count] = NULL;
	}
	memset(&items[v->count], 0, sizeof(items[0]));
	return &items[v->count++];
}

static int parse_container(struct jr_parser *ps, struct jr_value *v, int depth)
{
	char close = *ps->p == '[' ? ']' : '}';

	v->type = close == ']' ? JR_ARRAY : JR_OBJECT;
	if (depth >= JR_MAX_DEPTH)
		return jr_fail(ps, "nested too deeply");
	ps->p++;
	skip_space(ps);
	if (*ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct jr_value *item;

		skip_space(ps);
		if (v->type == JR_OBJECT) {
			if (*ps->p != '"')
				return jr_fail(ps, "expected a member name");
			if (parse_string(ps, &key))
				return -1;
			skip_space(ps);
			if (*ps->p != ':') {
				free(key);
				return jr_fail(ps, "expected ':'");
			}
			ps->p++;
		}
		item = add_item(ps, v);
		if (!item) {
			free(key);
			return -1;
		}
		if (key)
			v->keys[v->count - 1] = key;
		if (parse_value(ps, item, depth + 1))
			return -1;
		skip_space(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return 0;
		}
		return jr_fail(ps, "expected ',' or a closing bracket");
	}
}

static int parse_word(struct jr_parser *ps, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(ps->p, word, n))
		return jr_fail(ps, "unexpected character");
	ps->p += n;
	return 0;
}

static int parse_value(struct jr_parser *ps, struct jr_value *v, int depth)
{
	skip_space(ps);
	switch (*ps->p) {
	case '{':
	case '[':
		return parse_container(ps, v, depth);
	case '"':
		v->type = JR_STRING;
		return parse_string(ps, &v->string);
	case 't':
		v->type = JR_BOOL;
		v->number = 1;
		return parse_word(ps, "true");
	case 'f':
		v->type = JR_BOOL;
		return parse_word(ps, "false");
	case 'n':
		v->type = JR_NULL;
		return parse_word(ps, "null");
	case '\0':
		return jr_fail(ps, "unexpected end");
	default:
		return parse_number(ps, v);
	}
}

int jr_parse(const char *text, struct jr_value *out, char *err, size_t errlen)
{
	struct jr_parser ps = { text, text, err, errlen, 0 };

	memset(out, 0, sizeof(*out));
	if (parse_value(&ps, out, 0))
		return -1;
	skip_space(&ps);
	if (*ps.p)
		return jr_fail(&ps, "trailing characters");
	return 0;
}

void jr_free(struct jr_value *v)
{
	for (size_t i = 0; i < v->count; i++) {
		jr_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	memset(v, 0, sizeof(*v));
}

const struct jr_value *jr_get(const struct jr_value *v, const char *key)
{
	if (!v || v->type != JR_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->count; i++)
		if (v->keys[i] && !strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}
