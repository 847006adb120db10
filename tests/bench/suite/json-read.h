/* SPDX-License-Identifier: MIT */
/* A small JSON reader: parses a whole document into a tree of values. */
#ifndef PARTITA_BENCH_JSON_READ_H
#define PARTITA_BENCH_JSON_READ_H

#include <stddef.h>

enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

struct jr_value {
	enum jr_type type;
	double number;		/* JR_NUMBER; JR_BOOL: 0 or 1 */
	char *string;		/* JR_STRING */
	struct jr_value *items; /* JR_ARRAY, JR_OBJECT: count values */
	char **keys;		/* JR_OBJECT: the member names */
	size_t count;
};

/*
 * Parses text (NUL-terminated). Returns 0, or -1 with a message naming
 * the byte offset in err. Nesting is limited to 64 levels; \u escapes
 * outside ASCII become '?'. Free the tree with jr_free either way.
 */
int jr_parse(const char *text, struct jr_value *out, char *err, size_t errlen);
void jr_free(struct jr_value *v);

/* The member `key` of an object, or NULL (also when v is no object). */
const struct jr_value *jr_get(const struct jr_value *v, const char *key);

#endif
