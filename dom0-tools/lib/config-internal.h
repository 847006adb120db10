/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the config parser's files: the parse state and node helpers. */
#ifndef PARTITA_CONFIG_INTERNAL_H
#define PARTITA_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <yaml.h>

#include "config.h"

struct config_parse {
	yaml_document_t *doc;
	struct config *cfg;
	struct config_error *err;
};

/* One top-level key of the schema (config-schema.c). */
struct config_key {
	const char *name;
	bool required;
	int (*parse)(struct config_parse *ps, yaml_node_t *value);
};

#define CONFIG_KEYS_MAX 32
extern const struct config_key config_keys[];
extern const size_t config_key_count;

/* Sets every optional key's default. */
void config_set_defaults(struct config *cfg);

/* Formats "FILE:LINE:COLUMN: <fmt>" into ps->err; returns -EINVAL. */
int config_fail(struct config_parse *ps, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for a position already converted (kernel errors). */
int config_fail_at(const struct config *cfg, struct config_pos pos,
		   struct config_error *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "a sequence", "a mapping", "an empty value" or the quoted scalar. */
const char *config_describe(const yaml_node_t *node, char *buf, size_t size);
/* `text` in single quotes, cut to fit `size`, control bytes shown as '?'. */
const char *config_quote(const char *text, char *buf, size_t size);

/* A non-empty scalar without NUL bytes, else an error naming `key`. */
int config_get_text(struct config_parse *ps, yaml_node_t *node, const char *key,
		    const char *expected, const char **text);

/*
 * `text` as a path: kept as it is when absolute, else put after the
 * config file's folder. Returns the length snprintf() would have written.
 */
int config_join_path(const struct config *cfg, const char *text, char *out,
		     size_t size);

bool config_is_null(const yaml_node_t *node);
bool config_is_plain(const yaml_node_t *node);
const char *config_scalar(const yaml_node_t *node);
yaml_node_t *config_node(struct config_parse *ps, int index);

/*
 * Checks a mapping's keys: each a scalar, none twice. On success *pairs
 * and *count describe the mapping.
 */
int config_mapping_pairs(struct config_parse *ps, yaml_node_t *map,
			 yaml_node_pair_t **pairs, size_t *count);

/* Parses `devices` (config-devices.c). */
int config_parse_devices(struct config_parse *ps, yaml_node_t *value);

/*
 * One type's settings: setting() parses one key the type has (its value
 * node as given), finish() checks the device as a whole once all its keys
 * are in, against the devices before it (cfg->devices[0..index-1]).
 */
int config_disk_setting(struct config_parse *ps, struct config_device *dev,
			const char *key, yaml_node_t *value);
int config_disk_finish(struct config_parse *ps, struct config_device *dev,
		       yaml_node_t *node, unsigned int index);
int config_net_setting(struct config_parse *ps, struct config_device *dev,
		       const char *key, yaml_node_t *value);
int config_net_finish(struct config_parse *ps, struct config_device *dev,
		      yaml_node_t *node, unsigned int index);

/* A config_pos from a libyaml mark. */
struct config_pos config_mark_pos(yaml_mark_t mark);

#endif
