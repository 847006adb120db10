// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: any bytes as the boot config for boot_config_parse(). */
#include <hv/boot-config.h>
#include <hv/log.h>
#include <stdint.h>
#include <string.h>

/*
 * Each input is parsed twice, with a roomy error buffer and a tiny one:
 * both must agree, the short message must be a prefix of the long one, and
 * an accepted config must hold only values in their documented ranges.
 */
#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static bool non_empty(const char *s, size_t size)
{
	return s[0] && terminated(s, size);
}

static void check_config(const struct boot_config *cfg)
{
	check(cfg->log_level <= LOG_DEBUG);
	check(cfg->pool_mb >= 4 && cfg->pool_mb <= 65536);
	check(cfg->guest_count <= BOOT_MAX_GUESTS);
	for (u32 i = 0; i < cfg->guest_count; i++) {
		const struct boot_guest *g = &cfg->guests[i];

		check(non_empty(g->name, sizeof(g->name)));
		check(non_empty(g->image, sizeof(g->image)));
		check(terminated(g->cmdline, sizeof(g->cmdline)));
		check(g->memory_mb >= 2 && g->memory_mb <= 4096);
		check(g->vcpus >= 1 && g->vcpus <= 8);
		check(g->weight >= 1 && g->weight <= 65535);
		check(g->cpu_mask != 0);
		check(g->line >= 1);
	}
	if (cfg->root.present) {
		check(non_empty(cfg->root.kernel, sizeof(cfg->root.kernel)));
		check(terminated(cfg->root.initrd, sizeof(cfg->root.initrd)));
		check(terminated(cfg->root.cmdline, sizeof(cfg->root.cmdline)));
		check(cfg->root.cpu <= 63);
		check(cfg->root.line >= 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_config cfg, cfg2;
	char err[256], small[8];
	int ret, ret2;

	memset(&cfg, 0x5A, sizeof(cfg));
	memset(err, 'x', sizeof(err));
	ret = boot_config_parse((const char *)data, size, &cfg, err,
				sizeof(err));
	check(ret == 0 || ret == -1);
	check(terminated(err, sizeof(err)));
	memset(small, 'x', sizeof(small));
	ret2 = boot_config_parse((const char *)data, size, &cfg2, small,
				 sizeof(small));
	check(ret2 == ret && terminated(small, sizeof(small)));
	check(!strncmp(small, err, strlen(small)));
	if (ret) {
		check(!strncmp(err, "line ", 5));
		return 0;
	}
	check(err[0] == '\0');
	check(!memcmp(&cfg, &cfg2, sizeof(cfg)));
	check_config(&cfg);
	return 0;
}
