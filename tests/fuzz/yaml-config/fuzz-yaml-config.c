// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: any bytes as a YAML partition config for config_load(). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

/*
 * config_load() reads a path, so each input goes into one memory file
 * reached as /proc/self/fd/N. An accepted config must turn into CREATE
 * arguments the hypervisor's own checks would take (the CPU mask aside,
 * which depends on the machine); a refused one must say why, with the
 * file name in front. LeakSanitizer checks that nothing is left behind.
 */
#define MIB (1ull << 20)

#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static void check_create_in(const struct config *cfg)
{
	struct pt_partition_create_in in;
	size_t len;

	config_to_create_in(cfg, &in);
	check(terminated(in.name, sizeof(in.name)));
	len = strlen(in.name);
	check(len >= 1 && len <= CONFIG_NAME_MAX);
	check(config_name_bad_char(in.name) == -1);
	check(in.memory_bytes >= 2 * MIB && in.memory_bytes <= 4096 * MIB &&
	      in.memory_bytes % (2 * MIB) == 0);
	check(in.vcpu_count >= 1 && in.vcpu_count <= PT_PARTITION_MAX_VCPUS);
	check(in.weight >= 1 && in.weight <= 65535);
	check(in.cap_percent <= 100);
	check(in.on_crash == PT_ON_CRASH_DESTROY ||
	      in.on_crash == PT_ON_CRASH_PRESERVE);
	check(in.cpu_mask != 0);
	check(terminated(in.cmdline, sizeof(in.cmdline)));
	check(terminated(cfg->kernel, sizeof(cfg->kernel)) && cfg->kernel[0]);
	check(cfg->kernel_pos.line >= 1 && cfg->kernel_pos.column >= 1);
	check(cfg->device_count <= CONFIG_DEVICES_MAX);
	for (unsigned int i = 0; i < cfg->device_count; i++) {
		unsigned int t = 0;

		while (config_device_types[t].name && t < cfg->devices[i].type)
			t++;
		check(config_device_types[t].name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct config cfg;
	struct config_error err;
	int ret;

	if (fd < 0) {
		fd = memfd_create("fuzz-config.yaml", 0);
		if (fd < 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	ret = config_load(path, &cfg, &err);
	check(terminated(err.text, sizeof(err.text)));
	if (ret) {
		check(ret < 0);
		check(!strncmp(err.text, path, strlen(path)));
		return 0;
	}
	check(err.text[0] == '\0');
	check(cfg.file == path);
	check_create_in(&cfg);
	return 0;
}
