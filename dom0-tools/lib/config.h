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

/* A place in the YAML file, 1-based as editors show it; 0: none. */
struct config_pos {
	unsigned int line;
	unsigned int column;
};

/* One entry of `devices`: `type` indexes config_device_types[]. */
struct config_device {
	unsigned int type;
	struct config_pos pos;
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

#endif
