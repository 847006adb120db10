// SPDX-License-Identifier: GPL-2.0-only
/* A `disk` device's settings: its image path, readonly and cache. */
#include <errno.h>
#include <string.h>

#include "config-internal.h"

#define EXPECT_PATH "the path of a disk image (a regular file or block device)"
#define EXPECT_BOOL "true or false"
#define EXPECT_CACHE "one of: writeback, none"

static int parse_path(struct config_parse *ps, struct config_disk *disk,
		      yaml_node_t *value)
{
	const char *text;
	int n, ret = config_get_text(ps, value, "the disk path", EXPECT_PATH,
				     &text);

	if (ret)
		return ret;
	if (text[0] == '\0')
		return config_fail(ps, value->start_mark,
				   "found an empty disk path, "
				   "expected " EXPECT_PATH);
	n = config_join_path(ps->cfg, text, disk->path, sizeof(disk->path));
	if (n < 0 || (size_t)n >= sizeof(disk->path))
		return config_fail(ps, value->start_mark,
				   "found a disk path of %d bytes, expected "
				   "at most %d",
				   n, CONFIG_DISK_PATH_MAX);
	disk->path_pos = config_mark_pos(value->start_mark);
	return 0;
}

/* YAML 1.2's booleans, unquoted: yes/no and on/off are not, on purpose. */
static int parse_bool(struct config_parse *ps, yaml_node_t *value,
		      const char *key, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	const char *text;
	char buf[64];
	int ret = config_get_text(ps, value, key, EXPECT_BOOL, &text);

	if (ret)
		return ret;
	for (size_t i = 0; config_is_plain(value) && i < 3; i++) {
		if (strcmp(text, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(text, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	if (!config_is_plain(value))
		return config_fail(ps, value->start_mark,
				   "found the quoted string %s for %s, "
				   "expected " EXPECT_BOOL " without quotes",
				   config_quote(text, buf, sizeof(buf)), key);
	return config_fail(ps, value->start_mark,
			   "found %s %s, expected " EXPECT_BOOL, key,
			   config_quote(text, buf, sizeof(buf)));
}

static int parse_cache(struct config_parse *ps, struct config_disk *disk,
		       yaml_node_t *value)
{
	const char *text;
	char buf[64];
	int ret = config_get_text(ps, value, "cache", EXPECT_CACHE, &text);

	if (ret)
		return ret;
	if (strcmp(text, "writeback") == 0)
		disk->cache = CONFIG_CACHE_WRITEBACK;
	else if (strcmp(text, "none") == 0)
		disk->cache = CONFIG_CACHE_NONE;
	else
		return config_fail(ps, value->start_mark,
				   "found cache %s, expected " EXPECT_CACHE,
				   config_quote(text, buf, sizeof(buf)));
	return 0;
}

int config_disk_setting(struct config_parse *ps, struct config_device *dev,
			const char *key, yaml_node_t *value)
{
	if (strcmp(key, "path") == 0)
		return parse_path(ps, &dev->disk, value);
	if (strcmp(key, "readonly") == 0)
		return parse_bool(ps, value, "readonly", &dev->disk.readonly);
	return parse_cache(ps, &dev->disk, value);
}

/*
 * A path is required; the same path twice is refused here already (the
 * same file by two names is found by config_check_disks()).
 */
int config_disk_finish(struct config_parse *ps, struct config_device *dev,
		       yaml_node_t *node, unsigned int index)
{
	const struct config *cfg = ps->cfg;
	char buf[96];

	if (!dev->disk.path[0])
		return config_fail(ps, node->start_mark,
				   "found a disk device (devices[%u]) without "
				   "a path, expected its image as "
				   "'disk: {path: IMAGE}'",
				   index);
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		const struct config_device *o = &cfg->devices[i];

		if (o->type != CONFIG_DEVICE_DISK ||
		    strcmp(o->disk.path, dev->disk.path))
			continue;
		return config_fail_at(
			cfg, dev->disk.path_pos, ps->err, -EINVAL,
			"found disk path %s again (first at line %u), "
			"expected each disk image in one device only",
			config_quote(dev->disk.path, buf, sizeof(buf)),
			o->disk.path_pos.line);
	}
	return 0;
}
