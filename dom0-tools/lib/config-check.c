// SPDX-License-Identifier: GPL-2.0-only
/* `partita check FILE`: checks a config, its kernel and disks, no hypervisor. */
#include "config.h"

int config_open(const char *path, struct config *cfg, struct config_image *img,
		struct config_error *err)
{
	int ret = config_load(path, cfg, err);

	if (!ret)
		ret = config_image_open(cfg, img, err);
	if (ret)
		return ret;
	ret = config_check_disks(cfg, err);
	if (ret)
		config_image_close(img);
	return ret;
}

int partita_config_check(const char *path, FILE *out)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;

	if (config_open(path, &cfg, &img, &err)) {
		fprintf(out, "%s\n", err.text);
		return 1;
	}
	fprintf(out,
		"OK: %s: %llu MiB, %u vCPU(s), kernel %s (%zu bytes, entry "
		"0x%llx)\n",
		cfg.name, (unsigned long long)(cfg.memory_bytes >> 20),
		cfg.vcpus, cfg.kernel, img.size, (unsigned long long)img.entry);
	config_image_close(&img);
	return 0;
}
