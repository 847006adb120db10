// SPDX-License-Identifier: GPL-2.0-only
/* The top-level keys of a partition config: types, ranges and defaults. */
#include <errno.h>
#include <string.h>

#include "config-internal.h"

#define MIB (1ull << 20)
#define MEMORY_ALIGN (2 * MIB)
#define MEMORY_MAX (4096 * MIB)

#define EXPECT_NAME "1 to 31 of the characters A-Z a-z 0-9 _ . -"
#define EXPECT_SIZE \
	"a size like 64M or 1G (units M, MiB, G, GiB; a bare number is MiB)"
#define EXPECT_MEMORY "a multiple of 2 MiB from 2M to 4G"
#define EXPECT_CPUS \
	"CPU numbers from 0 to 63, as a sequence or a string like \"1-3,5\""
#define EXPECT_CMDLINE "a string of at most 255 bytes"
#define EXPECT_KERNEL "the path of the guest's ELF image"
#define EXPECT_ON_CRASH "one of: destroy, preserve"

void config_set_defaults(struct config *cfg)
{
	cfg->vcpus = 1;
	cfg->weight = 256;
	cfg->cap_percent = 0;
	cfg->on_crash = PT_ON_CRASH_DESTROY;
	cfg->cpu_mask = ~0ull;
	cfg->cmdline[0] = '\0';
	cfg->max_event_ports = PT_EVTCHN_DEFAULT_CAP;
	cfg->max_grant_frames = PT_GRANT_DEFAULT_FRAMES;
}

int config_get_text(struct config_parse *ps, yaml_node_t *node, const char *key,
		    const char *expected, const char **text)
{
	char buf[64];

	if (node->type != YAML_SCALAR_NODE || config_is_null(node))
		return config_fail(
			ps, node->start_mark, "found %s for %s, expected %s",
			config_describe(node, buf, sizeof(buf)), key, expected);
	if (strlen(config_scalar(node)) != node->data.scalar.length)
		return config_fail(ps, node->start_mark,
				   "found a NUL character in %s, expected %s",
				   key, expected);
	*text = config_scalar(node);
	return 0;
}

/* A plain (unquoted) decimal integer in [lo, hi]. */
static int get_uint(struct config_parse *ps, yaml_node_t *node, const char *key,
		    uint64_t lo, uint64_t hi, uint32_t *out)
{
	char expected[64], buf[64];
	const char *text;
	uint64_t v;
	int ret;

	snprintf(expected, sizeof(expected), "an integer from %llu to %llu",
		 (unsigned long long)lo, (unsigned long long)hi);
	ret = config_get_text(ps, node, key, expected, &text);
	if (ret)
		return ret;
	if (!config_is_plain(node))
		return config_fail(ps, node->start_mark,
				   "found the quoted string %s for %s, "
				   "expected %s without quotes",
				   config_quote(text, buf, sizeof(buf)), key,
				   expected);
	ret = config_parse_u64(text, &v);
	if (ret == -EINVAL)
		return config_fail(
			ps, node->start_mark, "found %s %s, expected %s", key,
			config_quote(text, buf, sizeof(buf)), expected);
	if (ret || v < lo || v > hi)
		return config_fail(ps, node->start_mark,
				   "found %s %s, expected %s", key, text,
				   expected);
	*out = (uint32_t)v;
	return 0;
}

static int parse_name(struct config_parse *ps, yaml_node_t *node)
{
	const char *text;
	size_t len;
	char buf[64];
	int bad, ret = config_get_text(ps, node, "name", EXPECT_NAME, &text);

	if (ret)
		return ret;
	len = strlen(text);
	if (len == 0 || len > CONFIG_NAME_MAX)
		return config_fail(
			ps, node->start_mark,
			"found a name of %zu characters, expected " EXPECT_NAME,
			len);
	bad = config_name_bad_char(text);
	if (bad >= 0) {
		unsigned char c = (unsigned char)text[bad];
		char what[32];

		if (c >= 0x80)
			snprintf(what, sizeof(what), "a non-ASCII character");
		else if (c >= 0x20 && c < 0x7f)
			snprintf(what, sizeof(what), "'%c'", c);
		else
			snprintf(what, sizeof(what), "byte 0x%02x", c);
		return config_fail(
			ps, node->start_mark,
			"found name %s with %s in it, expected " EXPECT_NAME,
			config_quote(text, buf, sizeof(buf)), what);
	}
	memcpy(ps->cfg->name, text, len + 1);
	return 0;
}

static int parse_memory(struct config_parse *ps, yaml_node_t *node)
{
	const char *text;
	uint64_t bytes;
	char buf[64];
	int ret = config_get_text(ps, node, "memory", EXPECT_SIZE, &text);

	if (ret)
		return ret;
	ret = config_parse_size(text, &bytes);
	if (ret == -EINVAL)
		return config_fail(ps, node->start_mark,
				   "found memory %s, expected " EXPECT_SIZE,
				   config_quote(text, buf, sizeof(buf)));
	if (ret == -EDOM)
		return config_fail(ps, node->start_mark,
				   "found memory %s with an unknown unit, "
				   "expected " EXPECT_SIZE,
				   config_quote(text, buf, sizeof(buf)));
	if (ret || bytes < MEMORY_ALIGN || bytes > MEMORY_MAX)
		return config_fail(ps, node->start_mark,
				   "found memory %s, expected " EXPECT_MEMORY,
				   config_quote(text, buf, sizeof(buf)));
	if (bytes % MEMORY_ALIGN)
		return config_fail(
			ps, node->start_mark,
			"found memory %llu MiB, expected " EXPECT_MEMORY,
			(unsigned long long)(bytes / MIB));
	ps->cfg->memory_bytes = bytes;
	return 0;
}

static int parse_vcpus(struct config_parse *ps, yaml_node_t *node)
{
	return get_uint(ps, node, "vcpus", 1, PT_PARTITION_MAX_VCPUS,
			&ps->cfg->vcpus);
}

static int parse_weight(struct config_parse *ps, yaml_node_t *node)
{
	return get_uint(ps, node, "weight", 1, 65535, &ps->cfg->weight);
}

static int parse_cap(struct config_parse *ps, yaml_node_t *node)
{
	return get_uint(ps, node, "cap", 0, 100, &ps->cfg->cap_percent);
}

static int parse_cpu_sequence(struct config_parse *ps, yaml_node_t *node)
{
	yaml_node_item_t *item = node->data.sequence.items.start;
	yaml_node_item_t *top = node->data.sequence.items.top;
	uint64_t mask = 0;
	char buf[64];

	if (item == top)
		return config_fail(ps, node->start_mark,
				   "found an empty sequence for cpus, "
				   "expected " EXPECT_CPUS);
	for (; item < top; item++) {
		yaml_node_t *cpu = config_node(ps, *item);
		uint64_t n;

		if (cpu->type != YAML_SCALAR_NODE || config_is_null(cpu) ||
		    config_parse_u64(config_scalar(cpu), &n) == -EINVAL)
			return config_fail(
				ps, cpu->start_mark,
				"found %s in cpus, expected " EXPECT_CPUS,
				config_describe(cpu, buf, sizeof(buf)));
		if (config_parse_u64(config_scalar(cpu), &n) || n > 63)
			return config_fail(
				ps, cpu->start_mark,
				"found CPU %s in cpus, expected " EXPECT_CPUS,
				config_scalar(cpu));
		mask |= 1ull << n;
	}
	ps->cfg->cpu_mask = mask;
	return 0;
}

static int parse_cpus(struct config_parse *ps, yaml_node_t *node)
{
	static const char *const why[] = {
		[EINVAL] = "",
		[ERANGE] = " naming a CPU above 63",
		[EDOM] = " with a range that ends before it starts",
	};
	const char *text;
	char buf[64];
	int ret;

	if (node->type == YAML_SEQUENCE_NODE)
		return parse_cpu_sequence(ps, node);
	ret = config_get_text(ps, node, "cpus", EXPECT_CPUS, &text);
	if (ret)
		return ret;
	ret = config_parse_cpus(text, &ps->cfg->cpu_mask);
	if (ret)
		return config_fail(ps, node->start_mark,
				   "found cpus %s%s, expected " EXPECT_CPUS,
				   config_quote(text, buf, sizeof(buf)),
				   why[-ret]);
	return 0;
}

/* Port 0 is never handed out, so a partition can use at most 4095. */
static int parse_max_event_ports(struct config_parse *ps, yaml_node_t *node)
{
	return get_uint(ps, node, "max_event_ports", 1, PT_EVTCHN_PORTS - 1,
			&ps->cfg->max_event_ports);
}

static int parse_max_grant_frames(struct config_parse *ps, yaml_node_t *node)
{
	return get_uint(ps, node, "max_grant_frames", 1, PT_GRANT_FRAMES_MAX,
			&ps->cfg->max_grant_frames);
}

/* A relative kernel path is relative to the config file's folder. */
static int parse_kernel(struct config_parse *ps, yaml_node_t *node)
{
	struct config *cfg = ps->cfg;
	const char *text;
	int n, ret;

	ret = config_get_text(ps, node, "kernel", EXPECT_KERNEL, &text);
	if (ret)
		return ret;
	if (text[0] == '\0')
		return config_fail(
			ps, node->start_mark,
			"found an empty kernel path, expected " EXPECT_KERNEL);
	n = config_join_path(cfg, text, cfg->kernel, sizeof(cfg->kernel));
	if (n < 0 || (size_t)n >= sizeof(cfg->kernel))
		return config_fail(
			ps, node->start_mark,
			"found a kernel path of %d bytes, expected at most %zu",
			n, sizeof(cfg->kernel) - 1);
	cfg->kernel_pos.line = (unsigned int)node->start_mark.line + 1;
	cfg->kernel_pos.column = (unsigned int)node->start_mark.column + 1;
	return 0;
}

static int parse_cmdline(struct config_parse *ps, yaml_node_t *node)
{
	const char *text;
	size_t len;
	int ret = config_get_text(ps, node, "cmdline", EXPECT_CMDLINE, &text);

	if (ret)
		return ret;
	len = strlen(text);
	if (len > CONFIG_CMDLINE_MAX)
		return config_fail(ps, node->start_mark,
				   "found a cmdline of %zu bytes, "
				   "expected " EXPECT_CMDLINE,
				   len);
	memcpy(ps->cfg->cmdline, text, len + 1);
	return 0;
}

static int parse_on_crash(struct config_parse *ps, yaml_node_t *node)
{
	const char *text;
	char buf[64];
	int ret = config_get_text(ps, node, "on_crash", EXPECT_ON_CRASH, &text);

	if (ret)
		return ret;
	if (strcmp(text, "destroy") == 0)
		ps->cfg->on_crash = PT_ON_CRASH_DESTROY;
	else if (strcmp(text, "preserve") == 0)
		ps->cfg->on_crash = PT_ON_CRASH_PRESERVE;
	else
		return config_fail(
			ps, node->start_mark,
			"found on_crash %s, expected " EXPECT_ON_CRASH,
			config_quote(text, buf, sizeof(buf)));
	return 0;
}

/* In the order docs/config.md lists them and messages name them. */
const struct config_key config_keys[] = {
	{ "name", true, parse_name },
	{ "memory", true, parse_memory },
	{ "vcpus", false, parse_vcpus },
	{ "weight", false, parse_weight },
	{ "cap", false, parse_cap },
	{ "cpus", false, parse_cpus },
	{ "kernel", true, parse_kernel },
	{ "cmdline", false, parse_cmdline },
	{ "on_crash", false, parse_on_crash },
	{ "max_event_ports", false, parse_max_event_ports },
	{ "max_grant_frames", false, parse_max_grant_frames },
	{ "devices", false, config_parse_devices },
};
const size_t config_key_count = sizeof(config_keys) / sizeof(config_keys[0]);
_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) <= CONFIG_KEYS_MAX,
	       "config-yaml.c tracks at most CONFIG_KEYS_MAX keys");
