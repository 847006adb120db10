// SPDX-License-Identifier: GPL-2.0-only
/* The `devices` list: the supported device types and their keys. */
#include <errno.h>
#include <string.h>

#include "config-internal.h"

static const char *const no_keys[] = { NULL };

/*
 * Every device type the project supports, in the order messages list them.
 * A console entry gives the partition a virtio console served by
 * partita-backd (docs/split-drivers.md); the hypervisor's debug console
 * exists in every partition whatever the list says. Virtio block and net
 * move from config_reserved_types to here when they exist.
 */
const struct config_device_type config_device_types[] = {
	{ "console", 1, no_keys },
	{ NULL, 0, NULL },
};

/* Types with a name already, refused with the issue that brings them. */
static const struct {
	const char *name;
	const char *issue;
} config_reserved_types[] = {
	{ "disk", "issue 10" },
	{ "net", "issue 10" },
};

/* Appends ", name" (or "name" first) to buf, which holds `*n` bytes. */
static void append(char *buf, size_t size, size_t *n, const char *name)
{
	int w = snprintf(buf + *n, size - *n, "%s%s", *n ? ", " : "", name);

	if (w > 0 && (size_t)w < size - *n)
		*n += (size_t)w;
}

static const char *type_names(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; config_device_types[i].name; i++)
		append(buf, size, &n, config_device_types[i].name);
	return buf;
}

/* "type" and the type's own keys. */
static const char *key_names(const struct config_device_type *t, char *buf,
			     size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	append(buf, size, &n, "type");
	for (const char *const *k = t->keys; *k; k++)
		append(buf, size, &n, *k);
	return buf;
}

static int find_type(const char *name)
{
	for (int i = 0; config_device_types[i].name; i++)
		if (strcmp(config_device_types[i].name, name) == 0)
			return i;
	return -1;
}

static bool type_has_key(const struct config_device_type *t, const char *key)
{
	for (const char *const *k = t->keys; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

static int reserved_type(const char *name)
{
	for (size_t i = 0; i < sizeof(config_reserved_types) /
				       sizeof(config_reserved_types[0]);
	     i++)
		if (strcmp(config_reserved_types[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * A type name the table does not have: a reserved one gets the issue that
 * brings it, anything else the list of supported ones.
 */
static int unknown_type(struct config_parse *ps, yaml_mark_t mark,
			unsigned int index, const char *name)
{
	int r = reserved_type(name);
	char buf[64], names[256];

	if (r >= 0)
		return config_fail(ps, mark,
				   "found a %s device (devices[%u]), which is "
				   "not supported yet (%s), expected only: %s",
				   name, index, config_reserved_types[r].issue,
				   type_names(names, sizeof(names)));
	return config_fail(ps, mark,
			   "found device type %s, expected one of: %s",
			   config_quote(name, buf, sizeof(buf)),
			   type_names(names, sizeof(names)));
}

/* The older form, `- type: console`: the `type` value names the type. */
static int type_key_form(struct config_parse *ps, unsigned int index,
			 yaml_node_pair_t *pairs, size_t count, int *type)
{
	char buf[64], names[256];

	for (size_t i = 0; i < count; i++) {
		yaml_node_t *key = config_node(ps, pairs[i].key);
		yaml_node_t *value = config_node(ps, pairs[i].value);

		if (strcmp(config_scalar(key), "type") != 0)
			continue;
		if (value->type != YAML_SCALAR_NODE || config_is_null(value))
			return config_fail(
				ps, value->start_mark,
				"found %s for the device type, expected one "
				"of: %s",
				config_describe(value, buf, sizeof(buf)),
				type_names(names, sizeof(names)));
		*type = find_type(config_scalar(value));
		if (*type < 0)
			return unknown_type(ps, value->start_mark, index,
					    config_scalar(value));
		return 0;
	}
	return -ENOENT;
}

/* Checks the keys of a `type:` form device against its type's keys. */
static int check_keys(struct config_parse *ps,
		      const struct config_device_type *t,
		      yaml_node_pair_t *pairs, size_t count)
{
	char buf[64], names[256];

	for (size_t i = 0; i < count; i++) {
		yaml_node_t *key = config_node(ps, pairs[i].key);

		if (strcmp(config_scalar(key), "type") == 0 ||
		    type_has_key(t, config_scalar(key)))
			continue;
		return config_fail(
			ps, key->start_mark,
			"found key %s in a %s device, expected only: %s",
			config_quote(config_scalar(key), buf, sizeof(buf)),
			t->name, key_names(t, names, sizeof(names)));
	}
	return 0;
}

/*
 * The form the docs show, `- console: {}`: one key naming the type, whose
 * value is a mapping of that type's settings.
 */
static int name_key_form(struct config_parse *ps, yaml_node_t *dev,
			 unsigned int index, yaml_node_pair_t *pairs,
			 size_t count, int *type)
{
	yaml_node_t *key, *value;
	yaml_node_pair_t *settings;
	const struct config_device_type *t;
	char buf[64], names[256];
	size_t n;
	int ret;

	if (count != 1)
		return config_fail(ps, dev->start_mark,
				   "found %s in device %u, expected one "
				   "device type like 'console: {}'",
				   count ? "several keys" : "an empty mapping",
				   index);
	key = config_node(ps, pairs[0].key);
	value = config_node(ps, pairs[0].value);
	*type = find_type(config_scalar(key));
	if (*type < 0)
		return unknown_type(ps, key->start_mark, index,
				    config_scalar(key));
	t = &config_device_types[*type];
	if (value->type != YAML_MAPPING_NODE)
		return config_fail(ps, value->start_mark,
				   "found %s for the %s device's settings, "
				   "expected a mapping like '%s: {}'",
				   config_describe(value, buf, sizeof(buf)),
				   t->name, t->name);
	ret = config_mapping_pairs(ps, value, &settings, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *k = config_node(ps, settings[i].key);

		if (type_has_key(t, config_scalar(k)))
			continue;
		if (!t->keys[0])
			return config_fail(ps, k->start_mark,
					   "found key %s in a %s device, "
					   "expected no settings: '%s: {}'",
					   config_quote(config_scalar(k), buf,
							sizeof(buf)),
					   t->name, t->name);
		return config_fail(
			ps, k->start_mark,
			"found key %s in a %s device, expected only: %s",
			config_quote(config_scalar(k), buf, sizeof(buf)),
			t->name, key_names(t, names, sizeof(names)));
	}
	return 0;
}

static int parse_device(struct config_parse *ps, yaml_node_t *dev,
			unsigned int index)
{
	struct config *cfg = ps->cfg;
	const struct config_device_type *t;
	yaml_node_pair_t *pairs;
	unsigned int same = 0;
	size_t count;
	char buf[64];
	int type, ret;

	if (dev->type != YAML_MAPPING_NODE)
		return config_fail(ps, dev->start_mark,
				   "found %s in devices, expected a mapping "
				   "like 'console: {}'",
				   config_describe(dev, buf, sizeof(buf)));
	ret = config_mapping_pairs(ps, dev, &pairs, &count);
	if (ret)
		return ret;
	ret = type_key_form(ps, index, pairs, count, &type);
	if (ret == -ENOENT)
		ret = name_key_form(ps, dev, index, pairs, count, &type);
	else if (!ret)
		ret = check_keys(ps, &config_device_types[type], pairs, count);
	if (ret)
		return ret;
	t = &config_device_types[type];
	for (unsigned int i = 0; i < cfg->device_count; i++)
		same += cfg->devices[i].type == (unsigned int)type;
	if (same >= t->max_count)
		return config_fail(ps, dev->start_mark,
				   "found %s %s device, expected at most %u",
				   same == 1 ? "a second" : "another", t->name,
				   t->max_count);
	if (cfg->device_count == CONFIG_DEVICES_MAX)
		return config_fail(
			ps, dev->start_mark,
			"found device %u, expected at most %d devices",
			cfg->device_count + 1, CONFIG_DEVICES_MAX);
	cfg->devices[cfg->device_count].type = (unsigned int)type;
	cfg->devices[cfg->device_count].pos.line =
		(unsigned int)dev->start_mark.line + 1;
	cfg->devices[cfg->device_count].pos.column =
		(unsigned int)dev->start_mark.column + 1;
	cfg->device_count++;
	return 0;
}

int config_parse_devices(struct config_parse *ps, yaml_node_t *value)
{
	char buf[64];

	if (value->type != YAML_SEQUENCE_NODE)
		return config_fail(ps, value->start_mark,
				   "found %s for devices, expected a sequence "
				   "of devices like '- console: {}'",
				   config_describe(value, buf, sizeof(buf)));
	for (yaml_node_item_t *item = value->data.sequence.items.start;
	     item < value->data.sequence.items.top; item++) {
		unsigned int index =
			(unsigned int)(item - value->data.sequence.items.start);
		int ret = parse_device(ps, config_node(ps, *item), index);

		if (ret)
			return ret;
	}
	return 0;
}
