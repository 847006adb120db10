// SPDX-License-Identifier: GPL-2.0-only
/* YAML node helpers and the "FILE:LINE:COLUMN: found, expected" errors. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "config-internal.h"

static void vformat(struct config_error *err, const char *file,
		    struct config_pos pos, const char *fmt, va_list ap)
{
	int n = snprintf(err->text, sizeof(err->text), "%s:%u:%u: ", file,
			 pos.line, pos.column);

	if (n < 0 || (size_t)n >= sizeof(err->text))
		n = 0;
	vsnprintf(err->text + n, sizeof(err->text) - (size_t)n, fmt, ap);
	err->pos = pos;
}

struct config_pos config_mark_pos(yaml_mark_t mark)
{
	struct config_pos pos = { (unsigned int)mark.line + 1,
				  (unsigned int)mark.column + 1 };

	return pos;
}

int config_fail(struct config_parse *ps, yaml_mark_t mark, const char *fmt, ...)
{
	struct config_pos pos = config_mark_pos(mark);
	va_list ap;

	va_start(ap, fmt);
	vformat(ps->err, ps->cfg->file, pos, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int config_fail_at(const struct config *cfg, struct config_pos pos,
		   struct config_error *err, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(err, cfg->file, pos, fmt, ap);
	va_end(ap);
	return ret;
}

const char *config_quote(const char *text, char *buf, size_t size)
{
	size_t n = 0, i;

	if (size < 8)
		return "'...'";
	buf[n++] = '\'';
	for (i = 0; text[i] && i < size - 6; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (text[i]) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

bool config_is_plain(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* YAML 1.1 core schema nulls: an empty plain value, ~ or null. */
bool config_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	const char *text;

	if (!config_is_plain(node))
		return false;
	text = (const char *)node->data.scalar.value;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(text, nulls[i]) == 0)
			return true;
	return false;
}

const char *config_describe(const yaml_node_t *node, char *buf, size_t size)
{
	switch (node->type) {
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SCALAR_NODE:
		if (config_is_null(node))
			return "an empty value";
		return config_quote(config_scalar(node), buf, size);
	default:
		return "nothing";
	}
}

const char *config_scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

yaml_node_t *config_node(struct config_parse *ps, int index)
{
	return yaml_document_get_node(ps->doc, index);
}

int config_mapping_pairs(struct config_parse *ps, yaml_node_t *map,
			 yaml_node_pair_t **pairs, size_t *count)
{
	yaml_node_pair_t *start = map->data.mapping.pairs.start;
	size_t n = (size_t)(map->data.mapping.pairs.top - start);
	char buf[64];

	for (size_t i = 0; i < n; i++) {
		yaml_node_t *key = config_node(ps, start[i].key);

		if (key->type != YAML_SCALAR_NODE)
			return config_fail(
				ps, key->start_mark,
				"found %s as a key, expected a key name",
				config_describe(key, buf, sizeof(buf)));
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *prev = config_node(ps, start[j].key);

			if (strcmp(config_scalar(prev), config_scalar(key)))
				continue;
			return config_fail(ps, key->start_mark,
					   "found key %s again (first at line "
					   "%zu), expected each key once",
					   config_quote(config_scalar(key), buf,
							sizeof(buf)),
					   prev->start_mark.line + 1);
		}
	}
	*pairs = start;
	*count = n;
	return 0;
}

int config_join_path(const struct config *cfg, const char *text, char *out,
		     size_t size)
{
	const char *slash = strrchr(cfg->file, '/');
	int dir_len = 0;

	if (text[0] != '/' && slash)
		dir_len = (int)(slash - cfg->file + 1);
	return snprintf(out, size, "%.*s%s", dir_len, cfg->file, text);
}
