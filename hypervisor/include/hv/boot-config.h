/* SPDX-License-Identifier: GPL-2.0-only */
/* The boot config (\partita\boot.cfg): hypervisor settings, boot guests. */
#ifndef HV_BOOT_CONFIG_H
#define HV_BOOT_CONFIG_H

#include "types.h"

#define BOOT_MAX_GUESTS 8
#define BOOT_NAME_MAX 32
#define BOOT_IMAGE_MAX 64
#define BOOT_CMDLINE_MAX 256

struct boot_guest {
	char name[BOOT_NAME_MAX];
	char image[BOOT_IMAGE_MAX];
	u64 memory_mb;
	u32 vcpus;
	u32 weight;
	u64 cpu_mask;
	char cmdline[BOOT_CMDLINE_MAX];
	u32 max_event_ports; /* 0: the default */
	u32 grant_frames;    /* 0: the default */
	u32 line;	     /* where its section starts, for messages */
};

#define BOOT_ROOT_CMDLINE_MAX 512

/* The root partition: a Linux bzImage started with the boot protocol. */
struct boot_root {
	bool present;
	char kernel[BOOT_IMAGE_MAX];
	char initrd[BOOT_IMAGE_MAX]; /* empty: none */
	char cmdline[BOOT_ROOT_CMDLINE_MAX];
	u32 cpu; /* the one physical CPU it owns */
	u32 line;
};

struct boot_config {
	u32 log_level; /* enum log_level */
	u64 pool_mb;
	bool poweroff_when_idle;
	u32 guest_count;
	struct boot_guest guests[BOOT_MAX_GUESTS];
	struct boot_root root;
};

/*
 * Parses the whole text; on error returns -1 with `err` saying
 * "line N: what was found, what was expected". Defaults fill what is unset.
 */
int boot_config_parse(const char *text, size_t len, struct boot_config *cfg,
		      char *err, size_t err_size);

#endif
