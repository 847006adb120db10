// SPDX-License-Identifier: GPL-2.0-only
/* The `devices` list: the supported device types and their keys. */
#include <errno.h>
#include <string.h>

#include "config-internal.h"

static const char *const no_keys[] = { NULL };

/*
 * Every device type the project supports, in the order messages list them.
 * The debug console exists in every partition; listing it is allowed so a
 * config can say so. Virtio block and net add their rows here.
 */
const struct config_device_type config_device_types[] = {
	{ "console", 1, no_keys },
	{ NULL, 0, NULL },
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

/* The `type` value of one device mapping, checked against the table. */
static int device_type(struct config_parse *ps, yaml_node_t *dev,
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
			return config_fail(
				ps, value->start_mark,
				"found device type %s, expected one of: %s",
				config_quote(config_scalar(value), buf,
					     sizeof(buf)),
				type_names(names, sizeof(names)));
		return 0;
	}
	return config_fail(ps, dev->start_mark,
			   "found a device without a 'type' key, expected "
			   "'type' with one of: %s",
			   type_names(names, sizeof(names)));
}

static int parse_device(struct config_parse *ps, yaml_node_t *dev)
{
	struct config *cfg = ps->cfg;
	const struct config_device_type *t;
	yaml_node_pair_t *pairs;
	unsigned int same = 0;
	size_t count;
	char buf[64], names[256];
	int type, ret;

	if (dev->type != YAML_MAPPING_NODE)
		return config_fail(ps, dev->start_mark,
				   "found %s in devices, expected a mapping "
				   "like 'type: console'",
				   config_describe(dev, buf, sizeof(buf)));
	ret = config_mapping_pairs(ps, dev, &pairs, &count);
	if (ret)
		return ret;
	ret = device_type(ps, dev, pairs, count, &type);
	if (ret)
		return ret;
	t = &config_device_types[type];
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
				   "of devices like '- type: console'",
				   config_describe(value, buf, sizeof(buf)));
	for (yaml_node_item_t *item = value->data.sequence.items.start;
	     item < value->data.sequence.items.top; item++) {
		int ret = parse_device(ps, config_node(ps, *item));

		if (ret)
			return ret;
	}
	return 0;
}
