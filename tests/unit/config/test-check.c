// SPDX-License-Identifier: GPL-2.0-only
/* partita_config_check output, and the hypercall blocks a config becomes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static void enter_corpus(void)
{
	cr_assert_eq(chdir(CONFIG_CORPUS_DIR), 0);
}

TestSuite(check, .init = enter_corpus);

/* Runs partita_config_check; returns its output without the newline. */
static char *check(const char *path, int *ret)
{
	char *text = NULL;
	size_t size;
	FILE *out = open_memstream(&text, &size);

	*ret = partita_config_check(path, out);
	fclose(out);
	cr_assert(size > 0 && text[size - 1] == '\n', "one line: %s", text);
	text[size - 1] = '\0';
	cr_assert_null(strchr(text, '\n'), "one line: %s", text);
	return text;
}

Test(check, ok_line_names_the_partition_and_kernel)
{
	int ret;
	char *text = check("good/full.yaml", &ret);

	cr_assert_eq(ret, 0);
	cr_assert_str_eq(
		text, "OK: web-1.test_A: 1024 MiB, 4 vCPU(s), kernel "
		      "good/../kernels/big.elf (20480 bytes, entry 0x100000)");
	free(text);
}

Test(check, error_line_and_exit_code)
{
	int ret;
	char *text = check("bad/vcpus-nine.yaml", &ret);

	cr_assert_eq(ret, 1);
	cr_assert_str_eq(text, "bad/vcpus-nine.yaml:3:8: found vcpus 9, "
			       "expected an integer from 1 to 8");
	free(text);
}

Test(check, unreadable_config)
{
	int ret;
	char *text = check("no-such-config.yaml", &ret);

	cr_assert_eq(ret, 1);
	cr_assert_str_eq(text, "no-such-config.yaml: cannot read the config: "
			       "No such file or directory");
	free(text);
}

Test(check, config_that_is_a_folder)
{
	struct config cfg;
	struct config_error err;
	int ret = config_load("good", &cfg, &err);

	cr_assert_lt(ret, 0);
	cr_assert_eq(ret, -EISDIR);
	cr_assert_str_eq(err.text,
			 "good: cannot read the config: Is a directory");
}

Test(check, create_block_from_every_key)
{
	struct config cfg;
	struct config_error err;
	struct pt_partition_create_in in;

	memset(&in, 0xAA, sizeof(in));
	cr_assert_eq(config_load("good/full.yaml", &cfg, &err), 0, "%s",
		     err.text);
	config_to_create_in(&cfg, &in);
	cr_assert_str_eq(in.name, "web-1.test_A");
	for (size_t i = strlen(in.name); i < sizeof(in.name); i++)
		cr_assert_eq(in.name[i], 0, "name padding zeroed");
	cr_assert_eq(in.memory_bytes, 1ull << 30);
	cr_assert_eq(in.vcpu_count, 4);
	cr_assert_eq(in.weight, 512);
	cr_assert_eq(in.cap_percent, 50);
	cr_assert_eq(in.on_crash, PT_ON_CRASH_PRESERVE);
	cr_assert_eq(in.cpu_mask, 0x2e);
	cr_assert_str_eq(in.cmdline, "console=hvc0 quiet");
	cr_assert_eq(in.cmdline[sizeof(in.cmdline) - 1], 0);
	cr_assert_eq(in.max_event_ports, 2048);
	cr_assert_eq(in.max_grant_frames, 8);
	cr_assert_eq(cfg.device_count, 1);
	cr_assert_str_eq(config_device_types[cfg.devices[0].type].name,
			 "console");
}

Test(check, defaults)
{
	struct config cfg;
	struct config_error err;
	struct pt_partition_create_in in;

	cr_assert_eq(config_load("good/minimal.yaml", &cfg, &err), 0);
	config_to_create_in(&cfg, &in);
	cr_assert_eq(in.vcpu_count, 1);
	cr_assert_eq(in.weight, 256);
	cr_assert_eq(in.cap_percent, 0);
	cr_assert_eq(in.on_crash, PT_ON_CRASH_DESTROY);
	cr_assert_eq(in.cpu_mask, ~0ull);
	cr_assert_str_eq(in.cmdline, "");
	cr_assert_eq(cfg.device_count, 0);
	/* The ABI's defaults, passed explicitly rather than as 0. */
	cr_assert_eq(in.max_event_ports, PT_EVTCHN_DEFAULT_CAP);
	cr_assert_eq(in.max_grant_frames, PT_GRANT_DEFAULT_FRAMES);
}

/* The messaging limits at both ends of their ranges reach the create block. */
Test(check, messaging_limits)
{
	static const struct {
		const char *path;
		uint32_t ports, frames;
	} cases[] = {
		{ "good/messaging-low.yaml", 1, 1 },
		{ "good/limits.yaml", 4095, 64 },
	};
	struct config cfg;
	struct config_error err;
	struct pt_partition_create_in in;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(config_load(cases[i].path, &cfg, &err), 0, "%s",
			     err.text);
		config_to_create_in(&cfg, &in);
		cr_expect_eq(in.max_event_ports, cases[i].ports, "%s",
			     cases[i].path);
		cr_expect_eq(in.max_grant_frames, cases[i].frames, "%s",
			     cases[i].path);
	}
}

/* Every LOAD carries the right file bytes, and together they cover all. */
Test(check, load_blocks_carry_the_segment_bytes)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;
	union {
		struct pt_partition_load_in in;
		uint8_t page[PT_PAGE_SIZE];
	} blk;
	uint64_t total = 0;

	cr_assert_eq(config_load("good/full.yaml", &cfg, &err), 0);
	cr_assert_eq(config_image_open(&cfg, &img, &err), 0, "%s", err.text);
	cr_assert_eq(img.chunk_count, 4);
	for (size_t i = 0; i < img.chunk_count; i++) {
		const struct config_chunk *c = &img.chunks[i];

		config_to_load_in(&img, i, 7, &blk.in);
		cr_assert_eq(blk.in.id, 7);
		cr_assert_eq(blk.in.gpa, c->gpa);
		cr_assert_eq(blk.in.length, c->length);
		cr_assert(c->length > 0 && c->length <= PT_PARTITION_LOAD_MAX);
		for (uint32_t b = 0; b < c->length; b++)
			cr_assert_eq(blk.in.data[b],
				     (uint8_t)((c->offset + b) * 7),
				     "chunk %zu byte %u", i, b);
		total += c->length;
	}
	cr_assert_eq(total, 10000 + 16, "every file byte once");
	config_image_close(&img);
	cr_assert_null(img.chunks);
}

Test(check, start_block)
{
	struct config_image img = { .entry = 0x100010,
				    .start = 0x100000,
				    .end = 0x102000 };
	struct pt_partition_start_in in;

	memset(&in, 0xAA, sizeof(in));
	config_to_start_in(&img, 3, &in);
	cr_assert_eq(in.id, 3);
	cr_assert_eq(in.reserved, 0);
	cr_assert_eq(in.entry, 0x100010);
	cr_assert_eq(in.image_start, 0x100000);
	cr_assert_eq(in.image_end, 0x102000);
}

/* Relative kernels follow the config's folder; absolute ones stay. */
Test(check, kernel_paths)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;
	char tmpl[] = "/tmp/partita-config-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *f = fdopen(fd, "w");

	cr_assert_not_null(f);
	fprintf(f, "name: abs\nmemory: 2M\nkernel: %s/kernels/tiny.elf\n",
		CONFIG_CORPUS_DIR);
	fclose(f);
	cr_assert_eq(config_load(tmpl, &cfg, &err), 0, "%s", err.text);
	cr_assert_str_eq(cfg.kernel, CONFIG_CORPUS_DIR "/kernels/tiny.elf");
	cr_assert_eq(config_image_open(&cfg, &img, &err), 0, "%s", err.text);
	config_image_close(&img);
	unlink(tmpl);

	cr_assert_eq(
		config_load(CONFIG_CORPUS_DIR "/good/minimal.yaml", &cfg, &err),
		0);
	cr_assert_str_eq(cfg.kernel,
			 CONFIG_CORPUS_DIR "/good/../kernels/tiny.elf");
}

Test(check, kernel_error_points_at_the_kernel_value)
{
	struct config cfg;
	struct config_image img;
	struct config_error err;

	cr_assert_eq(config_load("bad/kernel-missing.yaml", &cfg, &err), 0);
	cr_assert_eq(config_image_open(&cfg, &img, &err), -ENOENT);
	cr_assert_eq(err.pos.line, 3);
	cr_assert_eq(err.pos.column, 9);
	cr_assert_null(img.chunks);
}
