// SPDX-License-Identifier: GPL-2.0-only
/* The `devices` list: the supported device types and their keys. */
#include <errno.h>
#include <string.h>

#include <partita/xenbus.h>

#include "config-internal.h"

static const char *const no_keys[] = { NULL };
static const char *const disk_keys[] = { "path", "readonly", "cache", NULL };
static const char *const net_keys[] = { "tap", "bridge", "mac", NULL };

/*
 * Every device type the project supports, in the order messages list them
 * (indexes CONFIG_DEVICE_*). Each is served by partita-backd
 * (docs/split-drivers.md): the console through a pty, a disk from an image
 * file or block device, a NIC through a TAP device. The hypervisor's debug
 * console exists in every partition whatever the list says. Disks and NICs
 * are bounded only by the list's own CONFIG_DEVICES_MAX.
 */
const struct config_device_type config_device_types[] = {
	{ "console", PT_XENBUS_TYPE_CONSOLE, 1, no_keys },
	{ "disk", PT_XENBUS_TYPE_BLOCK, CONFIG_DEVICES_MAX, disk_keys },
	{ "net", PT_XENBUS_TYPE_NET, CONFIG_DEVICES_MAX, net_keys },
	{ NULL, NULL, 0, NULL },
};

/* The settings parsers of each type, by index; NULL: no settings. */
static const struct {
	int (*setting)(struct config_parse *ps, struct config_device *dev,
		       const char *key, yaml_node_t *value);
	int (*finish)(struct config_parse *ps, struct config_device *dev,
		      yaml_node_t *node, unsigned int index);
} type_parsers[] = {
	[CONFIG_DEVICE_CONSOLE] = { NULL, NULL },
	[CONFIG_DEVICE_DISK] = { config_disk_setting, config_disk_finish },
	[CONFIG_DEVICE_NET] = { config_net_setting, config_net_finish },
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

/* A type name the table does not have: the list of supported ones. */
static int unknown_type(struct config_parse *ps, yaml_mark_t mark,
			const char *name)
{
	char buf[64], names[256];

	return config_fail(ps, mark,
			   "found device type %s, expected one of: %s",
			   config_quote(name, buf, sizeof(buf)),
			   type_names(names, sizeof(names)));
}

/* The older form, `- type: console`: the `type` value names the type. */
static int type_key_form(struct config_parse *ps, yaml_node_pair_t *pairs,
			 size_t count, int *type)
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
			return unknown_type(ps, value->start_mark,
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
 * value is a mapping of that type's settings, returned in *settings.
 */
static int name_key_form(struct config_parse *ps, yaml_node_t *dev,
			 unsigned int index, yaml_node_pair_t *pairs,
			 size_t count, int *type, yaml_node_pair_t **settings,
			 size_t *n)
{
	yaml_node_t *key, *value;
	const struct config_device_type *t;
	char buf[64], names[256];
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
		return unknown_type(ps, key->start_mark, config_scalar(key));
	t = &config_device_types[*type];
	if (value->type != YAML_MAPPING_NODE)
		return config_fail(ps, value->start_mark,
				   "found %s for the %s device's settings, "
				   "expected a mapping like '%s: {}'",
				   config_describe(value, buf, sizeof(buf)),
				   t->name, t->name);
	ret = config_mapping_pairs(ps, value, settings, n);
	if (ret)
		return ret;
	for (size_t i = 0; i < *n; i++) {
		yaml_node_t *k = config_node(ps, (*settings)[i].key);

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

/* Each setting through the type's parser, then the device as a whole. */
static int parse_settings(struct config_parse *ps, yaml_node_t *node,
			  unsigned int index, struct config_device *dev,
			  yaml_node_pair_t *settings, size_t n)
{
	int ret = 0;

	if (!type_parsers[dev->type].setting)
		return 0;
	for (size_t i = 0; !ret && i < n; i++) {
		const char *key =
			config_scalar(config_node(ps, settings[i].key));

		/* The older form keeps `type` beside the settings. */
		if (strcmp(key, "type") == 0)
			continue;
		ret = type_parsers[dev->type].setting(
			ps, dev, key, config_node(ps, settings[i].value));
	}
	if (!ret)
		ret = type_parsers[dev->type].finish(ps, dev, node, index);
	return ret;
}

static int parse_device(struct config_parse *ps, yaml_node_t *node,
			unsigned int index)
{
	struct config *cfg = ps->cfg;
	const struct config_device_type *t;
	struct config_device *dev;
	yaml_node_pair_t *pairs, *settings;
	unsigned int same = 0;
	size_t count, n;
	char buf[64];
	int type, ret;

	if (node->type != YAML_MAPPING_NODE)
		return config_fail(ps, node->start_mark,
				   "found %s in devices, expected a mapping "
				   "like 'console: {}'",
				   config_describe(node, buf, sizeof(buf)));
	ret = config_mapping_pairs(ps, node, &pairs, &count);
	if (ret)
		return ret;
	settings = pairs;
	n = count;
	ret = type_key_form(ps, pairs, count, &type);
	if (ret == -ENOENT)
		ret = name_key_form(ps, node, index, pairs, count, &type,
				    &settings, &n);
	else if (!ret)
		ret = check_keys(ps, &config_device_types[type], pairs, count);
	if (ret)
		return ret;
	t = &config_device_types[type];
	for (unsigned int i = 0; i < cfg->device_count; i++)
		same += cfg->devices[i].type == (unsigned int)type;
	if (same >= t->max_count)
		return config_fail(ps, node->start_mark,
				   "found %s %s device, expected at most %u",
				   same == 1 ? "a second" : "another", t->name,
				   t->max_count);
	if (cfg->device_count == CONFIG_DEVICES_MAX)
		return config_fail(
			ps, node->start_mark,
			"found device %u, expected at most %d devices",
			cfg->device_count + 1, CONFIG_DEVICES_MAX);
	dev = &cfg->devices[cfg->device_count];
	memset(dev, 0, sizeof(*dev));
	dev->type = (unsigned int)type;
	dev->pos = config_mark_pos(node->start_mark);
	ret = parse_settings(ps, node, index, dev, settings, n);
	if (ret)
		return ret;
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
