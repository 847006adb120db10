// SPDX-License-Identifier: GPL-2.0-only
/* Reads a YAML partition config: one document, one mapping of known keys. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "config-internal.h"

#define EXPECT_TOP "a mapping of partition settings (name, memory, kernel, ...)"

/* The line and column (in UTF-8 characters) of a byte offset in `f`. */
static yaml_mark_t offset_mark(FILE *f, size_t offset)
{
	yaml_mark_t mark = { offset, 0, 0 };
	int c;

	rewind(f);
	for (size_t i = 0; i < offset && (c = getc(f)) != EOF; i++) {
		if (c == '\n') {
			mark.line++;
			mark.column = 0;
		} else if ((c & 0xC0) != 0x80) {
			mark.column++;
		}
	}
	return mark;
}

/* libyaml's own words for a syntax error, at the place it points to. */
static int syntax_error(struct config_parse *ps, const yaml_parser_t *parser,
			FILE *f)
{
	yaml_mark_t mark = parser->problem_mark;
	char where[128] = "";

	/* Reader errors (bad encoding) carry a byte offset, not a mark. */
	if (parser->error == YAML_READER_ERROR)
		mark = offset_mark(f, parser->problem_offset);
	if (parser->context)
		snprintf(where, sizeof(where), " %s", parser->context);
	return config_fail(
		ps, mark,
		"found a YAML syntax error (%s%s), expected well-formed YAML",
		parser->problem ? parser->problem : "unknown problem", where);
}

/* Exactly one document, and it is not empty. */
static int load_document(struct config_parse *ps, yaml_parser_t *parser,
			 FILE *f)
{
	yaml_document_t next;
	yaml_mark_t start = { 0, 0, 0 };
	int ret = 0;

	if (!yaml_parser_load(parser, ps->doc))
		return syntax_error(ps, parser, f);
	if (!yaml_document_get_root_node(ps->doc)) {
		yaml_document_delete(ps->doc);
		return config_fail(ps, start,
				   "found an empty file, expected " EXPECT_TOP);
	}
	if (!yaml_parser_load(parser, &next)) {
		ret = syntax_error(ps, parser, f);
	} else {
		if (yaml_document_get_root_node(&next))
			ret = config_fail(ps, next.start_mark,
					  "found a second YAML document, "
					  "expected exactly one");
		yaml_document_delete(&next);
	}
	if (ret)
		yaml_document_delete(ps->doc);
	return ret;
}

static const struct config_key *find_key(const char *name, size_t *index)
{
	for (size_t i = 0; i < config_key_count; i++) {
		if (strcmp(config_keys[i].name, name) == 0) {
			*index = i;
			return &config_keys[i];
		}
	}
	return NULL;
}

static const char *key_list(bool required_only, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < config_key_count; i++) {
		int w;

		if (required_only && !config_keys[i].required)
			continue;
		w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
			     config_keys[i].name);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

static int parse_top(struct config_parse *ps, yaml_node_t *top)
{
	yaml_node_pair_t *pairs;
	bool seen[CONFIG_KEYS_MAX] = { false };
	size_t count;
	char buf[64], keys[256];
	int ret;

	if (top->type != YAML_MAPPING_NODE)
		return config_fail(
			ps, top->start_mark,
			"found %s at the top level, expected " EXPECT_TOP,
			config_describe(top, buf, sizeof(buf)));
	ret = config_mapping_pairs(ps, top, &pairs, &count);
	if (ret)
		return ret;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *key = config_node(ps, pairs[i].key);
		const struct config_key *k;
		size_t index;

		k = find_key(config_scalar(key), &index);
		if (!k)
			return config_fail(
				ps, key->start_mark,
				"found unknown key %s, expected one of: %s",
				config_quote(config_scalar(key), buf,
					     sizeof(buf)),
				key_list(false, keys, sizeof(keys)));
		ret = k->parse(ps, config_node(ps, pairs[i].value));
		if (ret)
			return ret;
		seen[index] = true;
	}
	for (size_t i = 0; i < config_key_count; i++)
		if (config_keys[i].required && !seen[i])
			return config_fail(ps, top->start_mark,
					   "found no '%s' key, expected the "
					   "required keys: %s",
					   config_keys[i].name,
					   key_list(true, keys, sizeof(keys)));
	return 0;
}

int config_load(const char *path, struct config *cfg, struct config_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct config_parse ps = { &doc, cfg, err };
	struct stat st;
	FILE *f;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	memset(err, 0, sizeof(*err));
	cfg->file = path;
	config_set_defaults(cfg);
	f = fopen(path, "rb");
	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
		ret = -errno;
		snprintf(err->text, sizeof(err->text),
			 "%s: cannot read the config: %s", path,
			 strerror(-ret));
		return ret;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		snprintf(err->text, sizeof(err->text),
			 "%s: out of memory for the YAML parser", path);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	ret = load_document(&ps, &parser, f);
	if (!ret) {
		ret = parse_top(&ps, yaml_document_get_root_node(&doc));
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return ret;
}
