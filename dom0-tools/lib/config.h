/* SPDX-License-Identifier: GPL-2.0-only */
/* libpartita-config: YAML partition configs, checked and turned into calls. */
#ifndef PARTITA_CONFIG_H
#define PARTITA_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <partita/events.h>
#include <partita/grants.h>
#include <partita/hypercall.h>

#define CONFIG_NAME_MAX 31 /* bytes, without the NUL */
#define CONFIG_CMDLINE_MAX 255
#define CONFIG_DEVICES_MAX 16
#define CONFIG_ERROR_MAX 1024
/*
 * A disk image's path, as written and as resolved: the store keeps the
 * absolute one as one value, so it stays well inside a store payload.
 */
#define CONFIG_DISK_PATH_MAX 1023
/* A Linux interface name (TAP, bridge): IFNAMSIZ less its NUL. */
#define CONFIG_IFNAME_MAX 15
#define CONFIG_MAC_BYTES 6

/* A place in the YAML file, 1-based as editors show it; 0: none. */
struct config_pos {
	unsigned int line;
	unsigned int column;
};

/* Indexes of config_device_types[]. */
#define CONFIG_DEVICE_CONSOLE 0u
#define CONFIG_DEVICE_DISK 1u
#define CONFIG_DEVICE_NET 2u

/* A disk's `cache`: the page cache (the default) or O_DIRECT. */
#define CONFIG_CACHE_WRITEBACK 0u
#define CONFIG_CACHE_NONE 1u

/* `disk: {path, readonly, cache}`: a virtio block device. */
struct config_disk {
	char path[CONFIG_DISK_PATH_MAX + 1]; /* against the config's folder */
	struct config_pos path_pos;
	/* realpath() of path, set by config_check_disks(). */
	char abs_path[CONFIG_DISK_PATH_MAX + 1];
	int readonly;
	unsigned int cache; /* CONFIG_CACHE_* */
};

/* `net: {tap, bridge, mac}`: a virtio network device; "" when not given. */
struct config_net {
	char tap[CONFIG_IFNAME_MAX + 1];
	char bridge[CONFIG_IFNAME_MAX + 1];
	uint8_t mac[CONFIG_MAC_BYTES];
	int has_mac; /* else the toolstack generates one */
	struct config_pos tap_pos, mac_pos;
};

/* One entry of `devices`: `type` indexes config_device_types[]. */
struct config_device {
	unsigned int type;
	struct config_pos pos;
	union {
		struct config_disk disk; /* CONFIG_DEVICE_DISK */
		struct config_net net;	 /* CONFIG_DEVICE_NET */
	};
};

/* A parsed and range-checked partition config (docs/config.md). */
struct config {
	const char *file; /* the config's path as given, for messages */
	char name[CONFIG_NAME_MAX + 1];
	uint64_t memory_bytes;
	uint32_t vcpus;
	uint32_t weight;
	uint32_t cap_percent;
	uint32_t on_crash; /* PT_ON_CRASH_* */
	uint64_t cpu_mask;
	char cmdline[CONFIG_CMDLINE_MAX + 1];
	uint32_t max_event_ports;  /* 1 .. PT_EVTCHN_PORTS - 1 */
	uint32_t max_grant_frames; /* 1 .. PT_GRANT_FRAMES_MAX */
	char kernel[PATH_MAX];	   /* resolved against the config's folder */
	struct config_pos kernel_pos;
	struct config_device devices[CONFIG_DEVICES_MAX];
	unsigned int device_count;
};

/* The first error found, as "FILE:LINE:COLUMN: found ..., expected ...". */
struct config_error {
	char text[CONFIG_ERROR_MAX];
	struct config_pos pos;
};

/* One PT_CALL_PARTITION_LOAD: `length` file bytes from `offset` go to `gpa`. */
struct config_chunk {
	uint64_t gpa;
	uint64_t offset;
	uint32_t length; /* 1 .. PT_PARTITION_LOAD_MAX */
};

/* The validated kernel image, mapped, and the calls that load it. */
struct config_image {
	const uint8_t *data;
	size_t size;
	uint64_t entry;
	uint64_t start; /* lowest loaded GPA */
	uint64_t end;	/* end of the highest segment, .bss included */
	struct config_chunk *chunks; /* in file order */
	size_t chunk_count;
};

/* A supported device type; the table ends with a NULL name. */
struct config_device_type {
	const char *name;
	const char *store_type; /* its directories' type (xenbus.h) */
	unsigned int max_count;
	const char *const *keys; /* allowed keys besides `type`, NULL-ended */
};

extern const struct config_device_type config_device_types[];

/*
 * Reads and checks the YAML file at `path` (no kernel access). Returns 0,
 * or a negative errno value with `err` holding the first problem found.
 * `cfg->file` keeps pointing at `path`.
 */
int config_load(const char *path, struct config *cfg, struct config_error *err);

/*
 * Opens cfg->kernel, validates it as a guest image for cfg->memory_bytes
 * with the hypervisor's own ELF checks and plans the LOAD calls. Returns 0,
 * or a negative errno value with `err` at the `kernel` value's position.
 */
int config_image_open(const struct config *cfg, struct config_image *img,
		      struct config_error *err);
void config_image_close(struct config_image *img);

/*
 * Checks every disk's image as the back-end will open it: it exists, is a
 * regular file of at least one sector or a block device, opens for reading
 * and, unless readonly, for writing, and no two disks are the same file.
 * Sets each disk's abs_path. 0, or a negative errno value with `err` at
 * the disk's `path` value.
 */
int config_check_disks(struct config *cfg, struct config_error *err);

/*
 * Everything `partita check` and `partita create` check: config_load(),
 * config_image_open(), then config_check_disks(). On success the image is
 * open (config_image_close() it); on failure nothing is.
 */
int config_open(const char *path, struct config *cfg, struct config_image *img,
		struct config_error *err);

/*
 * Why `path` cannot serve as a disk image (readonly: reading is enough),
 * or 0: a negative errno value with a short phrase in why, such as "No
 * such file or directory", "a directory" or "not writable: Read-only file
 * system". On success *st (if not NULL) describes the file.
 */
struct stat;
int config_disk_file_problem(const char *path, int readonly, char *why,
			     size_t size, struct stat *st);

/* The hypercall arguments for a config; `in` blocks are zeroed first. */
void config_to_create_in(const struct config *cfg,
			 struct pt_partition_create_in *in);
void config_to_start_in(const struct config_image *img, uint32_t id,
			struct pt_partition_start_in *in);
/* `in` must have room for PT_PARTITION_LOAD_MAX bytes of data. */
void config_to_load_in(const struct config_image *img, size_t chunk,
		       uint32_t id, struct pt_partition_load_in *in);

/* Prints the calls a config becomes, one `key=value` per line. */
void config_dump(const struct config *cfg, const struct config_image *img,
		 FILE *out);

/*
 * `partita check FILE`: prints "OK: NAME: ..." or the error line to `out`.
 * Returns 0 when the config and its kernel are valid, else 1.
 */
int partita_config_check(const char *path, FILE *out);

/* Value parsers, exposed for tests. 0, -EINVAL (syntax), -ERANGE. */
int config_parse_u64(const char *text, uint64_t *value);
/* Integer MiB, or a number with M, MiB, G or GiB; -EDOM: unknown unit. */
int config_parse_size(const char *text, uint64_t *bytes);
/* "1-3,5": -EINVAL syntax, -ERANGE CPU > 63, -EDOM range backwards. */
int config_parse_cpus(const char *text, uint64_t *mask);
/* Index of the first byte not in [A-Za-z0-9_.-], or -1. */
int config_name_bad_char(const char *name);
/*
 * "52:54:00:12:34:56" (six pairs of hex digits, either case, separated by
 * ':'): 0, or -EINVAL for anything else. Unicast or not is the caller's.
 */
int config_parse_mac(const char *text, uint8_t mac[CONFIG_MAC_BYTES]);
/*
 * Whether `name` may name a Linux network interface: 1 to 15 bytes of
 * printable ASCII without '/', ':' or spaces, not "." or "..". Returns
 * NULL, or a phrase saying what is wrong ("16 characters", "'/' in it").
 */
const char *config_ifname_problem(const char *name, char *buf, size_t size);

#endif
