// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the boot config parser (core/boot-config.c). */
#include <criterion/criterion.h>
#include <hv/boot-config.h>
#include <hv/log.h>
#include <stdio.h>
#include <string.h>

#include "hv-shim.h"

TestSuite(boot_config, .init = shim_reset);

static struct boot_config cfg;
static char err[256];

static int parse(const char *text)
{
	memset(&cfg, 0x5A, sizeof(cfg)); /* the parser must set everything */
	memset(err, 'x', sizeof(err));
	return boot_config_parse(text, strlen(text), &cfg, err, sizeof(err));
}

static void expect_ok(const char *text)
{
	cr_assert_eq(parse(text), 0, "rejected: %s", err);
	cr_assert_str_eq(err, "");
}

static void expect_error(const char *text, const char *message)
{
	cr_assert_eq(parse(text), -1, "accepted:\n%s", text);
	cr_assert_str_eq(err, message);
}

Test(boot_config, empty_text_gives_defaults)
{
	expect_ok("");
	cr_assert_eq(cfg.log_level, LOG_INFO);
	cr_assert_eq(cfg.pool_mb, 128);
	cr_assert(cfg.poweroff_when_idle);
	cr_assert_eq(cfg.guest_count, 0);
}

Test(boot_config, every_global_key)
{
	expect_ok("log_level = debug\npool_mb = 512\non_idle = halt\n");
	cr_assert_eq(cfg.log_level, LOG_DEBUG);
	cr_assert_eq(cfg.pool_mb, 512);
	cr_assert_not(cfg.poweroff_when_idle);
	expect_ok("log_level=error\non_idle=poweroff");
	cr_assert_eq(cfg.log_level, LOG_ERR);
	cr_assert(cfg.poweroff_when_idle);
	expect_ok("log_level = warn");
	cr_assert_eq(cfg.log_level, LOG_WARN);
	expect_ok("log_level = info");
	cr_assert_eq(cfg.log_level, LOG_INFO);
}

Test(boot_config, guest_defaults)
{
	expect_ok("[guest]\nname = a\nimage = \\a.elf\n");
	cr_assert_eq(cfg.guest_count, 1);
	cr_assert_str_eq(cfg.guests[0].name, "a");
	cr_assert_str_eq(cfg.guests[0].image, "\\a.elf");
	cr_assert_eq(cfg.guests[0].memory_mb, 4);
	cr_assert_eq(cfg.guests[0].vcpus, 1);
	cr_assert_eq(cfg.guests[0].weight, 256);
	cr_assert_eq(cfg.guests[0].cpu_mask, ~0ull);
	cr_assert_str_eq(cfg.guests[0].cmdline, "");
	cr_assert_eq(cfg.guests[0].line, 1);
}

Test(boot_config, every_guest_key)
{
	expect_ok("[guest]\n"
		  "name = big\n"
		  "image = \\partita\\big.elf\n"
		  "memory_mb = 4096\n"
		  "vcpus = 8\n"
		  "weight = 65535\n"
		  "cpus = 0-1,3\n"
		  "cmdline = console=hv  quiet = 1\n");
	cr_assert_str_eq(cfg.guests[0].name, "big");
	cr_assert_str_eq(cfg.guests[0].image, "\\partita\\big.elf");
	cr_assert_eq(cfg.guests[0].memory_mb, 4096);
	cr_assert_eq(cfg.guests[0].vcpus, 8);
	cr_assert_eq(cfg.guests[0].weight, 65535);
	cr_assert_eq(cfg.guests[0].cpu_mask, 0xB);
	/* The value is everything after the first '='. */
	cr_assert_str_eq(cfg.guests[0].cmdline, "console=hv  quiet = 1");
}

Test(boot_config, several_guest_sections)
{
	expect_ok("pool_mb = 64\n"
		  "[guest]\nname = one\nimage = 1.elf\nweight = 512\n"
		  "\n"
		  "[guest]\nname = two\nimage = 2.elf\nmemory_mb = 2\n"
		  "[guest]\nname = three\nimage = 3.elf\n");
	cr_assert_eq(cfg.guest_count, 3);
	cr_assert_str_eq(cfg.guests[0].name, "one");
	cr_assert_eq(cfg.guests[0].weight, 512);
	cr_assert_eq(cfg.guests[0].memory_mb, 4);
	cr_assert_str_eq(cfg.guests[1].name, "two");
	cr_assert_eq(cfg.guests[1].weight, 256, "defaults per section");
	cr_assert_eq(cfg.guests[1].memory_mb, 2);
	cr_assert_str_eq(cfg.guests[2].image, "3.elf");
	cr_assert_eq(cfg.guests[0].line, 2);
	cr_assert_eq(cfg.pool_mb, 64);
}

Test(boot_config, eight_guests_fit)
{
	char text[1024] = "";

	for (int i = 0; i < BOOT_MAX_GUESTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[guest]\nname = g%d\nimage = g.elf\n", i);
	expect_ok(text);
	cr_assert_eq(cfg.guest_count, BOOT_MAX_GUESTS);
	cr_assert_str_eq(cfg.guests[7].name, "g7");
}

Test(boot_config, comments_and_whitespace)
{
	expect_ok("# a comment line\n"
		  "   \t\n"
		  "\tlog_level\t=\twarn   # trailing comment\r\n"
		  "  [guest]  # section comment\n"
		  "name=a#b\n"
		  "  image   =   x.elf  \r\n"
		  "#name = other\n");
	cr_assert_eq(cfg.log_level, LOG_WARN);
	cr_assert_str_eq(cfg.guests[0].name, "a");
	cr_assert_str_eq(cfg.guests[0].image, "x.elf");
}

Test(boot_config, text_is_bounded_by_length)
{
	static const char text[] = "pool_mb = 64\npool_mb = 999999";

	/* Only the first line is inside the given length. */
	cr_assert_eq(boot_config_parse(text, 13, &cfg, err, sizeof(err)), 0);
	cr_assert_eq(cfg.pool_mb, 64);
}

Test(boot_config, cpu_lists)
{
	static const struct {
		const char *list;
		u64 mask;
	} cases[] = {
		{ "0", 0x1 },	  { "63", BIT(63) },	{ "0-1,3", 0xB },
		{ "3,0-1", 0xB }, { "2-2", 0x4 },	{ "0-63", ~0ull },
		{ "1,1,1", 0x2 }, { "4-5,8-9", 0x330 },
	};
	char text[128];

	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text),
			 "[guest]\nname=a\nimage=b\ncpus = %s\n",
			 cases[i].list);
		expect_ok(text);
		cr_assert_eq(cfg.guests[0].cpu_mask, cases[i].mask, "'%s'",
			     cases[i].list);
	}
}

Test(boot_config, bad_cpu_lists)
{
	static const char *const lists[] = { "",    "64",  "3-1", "0-",
					     "-1",  ",0",  "a",	  "0-64",
					     "1 2", "0x1", "1,,2" };
	char text[128], message[128];

	for (u32 i = 0; i < ARRAY_SIZE(lists); i++) {
		snprintf(text, sizeof(text),
			 "[guest]\nname=a\nimage=b\ncpus = %s\n", lists[i]);
		snprintf(message, sizeof(message),
			 "line 4: cpus = '%s' is not a CPU list like '0-1,3'",
			 lists[i]);
		expect_error(text, message);
	}
}

/*
 * Regression (fixed): parse_cpus() accumulates digits without a bound, so a huge number
 * wraps around (2^64 + 3 becomes 3) and is accepted..
 */
Test(boot_config, huge_cpu_number_is_rejected)
{
	expect_error("[guest]\nname=a\nimage=b\ncpus = 18446744073709551619\n",
		     "line 4: cpus = '18446744073709551619' is not a CPU list "
		     "like '0-1,3'");
}

Test(boot_config, unknown_keys)
{
	expect_error("\nfoo = 1\n",
		     "line 2: unknown setting 'foo'; expected log_level, "
		     "pool_mb, on_idle, or a [guest] or [root] section");
	expect_error("[guest]\nname = a\nmemory = 4\n",
		     "line 3: unknown guest setting 'memory'; expected name, "
		     "image, memory_mb, vcpus, weight, cpus, cmdline, "
		     "max_event_ports or grant_frames");
	/* Global keys do not belong in a guest section. */
	expect_error("[guest]\npool_mb = 4\n",
		     "line 2: unknown guest setting 'pool_mb'; expected name, "
		     "image, memory_mb, vcpus, weight, cpus, cmdline, "
		     "max_event_ports or grant_frames");
}

Test(boot_config, bad_values)
{
	expect_error("log_level = verbose",
		     "line 1: log_level = 'verbose', expected error, warn, "
		     "info or debug");
	expect_error("on_idle = sleep",
		     "line 1: on_idle = 'sleep', expected poweroff or halt");
	expect_error("x\n", "line 1: 'x' is not 'key = value'");
}

Test(boot_config, bad_numbers)
{
	expect_error("pool_mb = 12a",
		     "line 1: pool_mb = '12a' is not a number in range");
	expect_error("pool_mb = -4",
		     "line 1: pool_mb = '-4' is not a number in range");
	expect_error("pool_mb = 0x10",
		     "line 1: pool_mb = '0x10' is not a number in range");
	expect_error("pool_mb = 99999999999999999999999999",
		     "line 1: pool_mb = '99999999999999999999999999' is not a "
		     "number in range");
	expect_error("pool_mb =",
		     "line 1: pool_mb has no value, expected a number "
		     "4..65536");
}

Test(boot_config, numbers_out_of_range)
{
	expect_error("pool_mb = 3", "line 1: pool_mb = '3' is out of range");
	expect_error("pool_mb = 65537",
		     "line 1: pool_mb = '65537' is out of range");
	expect_ok("pool_mb = 4");
	expect_ok("pool_mb = 65536");
	expect_error("[guest]\nname=a\nimage=b\nmemory_mb = 1\n",
		     "line 4: memory_mb = '1' is out of range");
	expect_error("[guest]\nname=a\nimage=b\nmemory_mb = 4097\n",
		     "line 4: memory_mb = '4097' is out of range");
	expect_error("[guest]\nvcpus = 0\n",
		     "line 2: vcpus = '0' is out of range");
	expect_error("[guest]\nvcpus = 9\n",
		     "line 2: vcpus = '9' is out of range");
	expect_error("[guest]\nweight = 0\n",
		     "line 2: weight = '0' is out of range");
	expect_error("[guest]\nweight = 65536\n",
		     "line 2: weight = '65536' is out of range");
}

Test(boot_config, strings_too_long)
{
	char text[600], name[40];

	memset(name, 'n', 32);
	name[32] = '\0';
	snprintf(text, sizeof(text), "[guest]\nname = %s\n", name);
	snprintf(err, sizeof(err), "line 2: name = '%s' is too long", name);
	expect_error(text, "line 2: name = "
			   "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn' is too long");
	name[31] = '\0'; /* 31 characters fit */
	snprintf(text, sizeof(text), "[guest]\nname = %s\nimage = i\n", name);
	expect_ok(text);
	cr_assert_str_eq(cfg.guests[0].name, name);
}

Test(boot_config, missing_name_or_image)
{
	expect_error("[guest]\nimage = a.elf\n",
		     "line 1: [guest] section has no name");
	expect_error("[guest]\nname = a\n", "line 1: guest 'a' has no image");
	/* Reported at the section's first line, also for earlier sections. */
	expect_error("pool_mb = 8\n\n[guest]\nname = a\n[guest]\nname = b\n"
		     "image = b\n",
		     "line 3: guest 'a' has no image");
}

Test(boot_config, too_many_guests)
{
	char text[1024] = "";

	for (int i = 0; i <= BOOT_MAX_GUESTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[guest]\nname = g%d\nimage = g.elf\n", i);
	cr_assert_eq(parse(text), -1);
	/* The line number is checked in line_numbers_after_a_second_section. */
	cr_assert(strstr(err, ": more than 8 [guest] sections"), "%s", err);
}

/*
 * Regression (fixed): finish_guest() sets ps->line to the finished section's first line
 * and never restores it, so from the second [guest] section on every line
 * number (messages and boot_guest.line) counts from the wrong place.
 *.
 */
Test(boot_config, line_numbers_after_a_second_section)
{
	char text[1024] = "";

	expect_ok("pool_mb = 64\n"
		  "[guest]\nname = one\nimage = 1.elf\nweight = 512\n"
		  "\n"
		  "[guest]\nname = two\nimage = 2.elf\nmemory_mb = 2\n"
		  "[guest]\nname = three\nimage = 3.elf\n");
	cr_assert_eq(cfg.guests[1].line, 7);
	cr_assert_eq(cfg.guests[2].line, 11);
	expect_error("[guest]\nname=a\nimage=b\n[guest]\nname=c\nfoo=1\n",
		     "line 6: unknown guest setting 'foo'; expected name, "
		     "image, memory_mb, vcpus, weight, cpus, cmdline, "
		     "max_event_ports or grant_frames");
	expect_error("[guest]\nname = a\nimage = a\n\n[guest]\n",
		     "line 5: [guest] section has no name");
	for (int i = 0; i <= BOOT_MAX_GUESTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[guest]\nname = g%d\nimage = g.elf\n", i);
	expect_error(text, "line 25: more than 8 [guest] sections");
}

Test(boot_config, unknown_section)
{
	expect_error("pool_mb = 8\n[hypervisor]\n",
		     "line 2: unknown section '[hypervisor]', expected [guest] "
		     "or [root]");
	expect_error("[ guest ]\n", "line 1: unknown section '[ guest ]', "
				    "expected [guest] or [root]");
}

Test(boot_config, line_length_limit)
{
	char text[800];

	/* 639 characters are fine, 640 are not. */
	memset(text, ' ', sizeof(text));
	memcpy(text, "pool_mb = 8", 11);
	text[639] = '\n';
	memcpy(text + 640, "pool_mb = 16", 13);
	expect_ok(text);
	cr_assert_eq(cfg.pool_mb, 16);
	memset(text, ' ', sizeof(text));
	memcpy(text, "# ok\npool_mb = 8", 16);
	text[5 + 640] = '\0';
	expect_error(text, "line 2: line longer than 639 characters");
}

Test(boot_config, error_message_fits_a_small_buffer)
{
	char small[12];
	static const char text[] = "foo = 1";

	cr_assert_eq(boot_config_parse(text, strlen(text), &cfg, small,
				       sizeof(small)),
		     -1);
	cr_assert_str_eq(small, "line 1: unk");
}

/* The [root] section: the root partition's Linux kernel and its CPU. */

Test(boot_config, root_every_key)
{
	expect_ok("[root]\n"
		  "kernel = \\partita\\vmlinuz\n"
		  "initrd = \\partita\\initrd.img\n"
		  "cmdline = console=ttyS0 root=/dev/vda1  quiet = 1\n"
		  "cpu = 3\n");
	cr_assert(cfg.root.present);
	cr_assert_str_eq(cfg.root.kernel, "\\partita\\vmlinuz");
	cr_assert_str_eq(cfg.root.initrd, "\\partita\\initrd.img");
	/* The value is everything after the first '='. */
	cr_assert_str_eq(cfg.root.cmdline,
			 "console=ttyS0 root=/dev/vda1  quiet = 1");
	cr_assert_eq(cfg.root.cpu, 3);
	cr_assert_eq(cfg.root.line, 1);
	cr_assert_eq(cfg.guest_count, 0);
}

Test(boot_config, root_defaults)
{
	expect_ok("pool_mb = 64\n\n  [root]  # the root partition\n"
		  "kernel=k\n");
	cr_assert(cfg.root.present);
	cr_assert_str_eq(cfg.root.kernel, "k");
	cr_assert_str_eq(cfg.root.initrd, "", "no initrd by default");
	cr_assert_str_eq(cfg.root.cmdline, "");
	cr_assert_eq(cfg.root.cpu, 0);
	cr_assert_eq(cfg.root.line, 3);
	cr_assert_eq(cfg.pool_mb, 64);
}

Test(boot_config, no_root_section_means_no_root)
{
	expect_ok("pool_mb = 64\n[guest]\nname = a\nimage = a.elf\n");
	cr_assert_not(cfg.root.present);
	cr_assert_str_eq(cfg.root.kernel, "");
	cr_assert_eq(cfg.root.cpu, 0);
	expect_ok("");
	cr_assert_not(cfg.root.present);
}

Test(boot_config, root_cpu_range)
{
	expect_ok("[root]\nkernel = k\ncpu = 63\n");
	cr_assert_eq(cfg.root.cpu, 63);
	expect_ok("[root]\nkernel = k\ncpu = 0\n");
	cr_assert_eq(cfg.root.cpu, 0);
	expect_error("[root]\nkernel = k\ncpu = 64\n",
		     "line 3: cpu = '64' is out of range");
	expect_error("[root]\nkernel = k\ncpu = 18446744073709551617\n",
		     "line 3: cpu = '18446744073709551617' is not a number in "
		     "range");
	expect_error("[root]\nkernel = k\ncpu = -1\n",
		     "line 3: cpu = '-1' is not a number in range");
	expect_error("[root]\nkernel = k\ncpu = 0-1\n",
		     "line 3: cpu = '0-1' is not a number in range");
	expect_error("[root]\nkernel = k\ncpu =\n",
		     "line 3: cpu has no value, expected a number 0..63");
}

Test(boot_config, root_without_kernel)
{
	expect_error("[root]\ninitrd = i\n",
		     "line 1: [root] section has no kernel");
	/* At the section's line, however far the section goes on. */
	expect_error("pool_mb = 8\n\n[root]\ninitrd = i\n\ncpu = 1\n",
		     "line 3: [root] section has no kernel");
	/* Also when a later section ends it. */
	expect_error("[root]\ncpu = 1\n[guest]\nname = a\nimage = b\n",
		     "line 1: [root] section has no kernel");
	expect_error("[guest]\nname = a\nimage = b\n\n[root]\ncpu = 1\n"
		     "[guest]\nname = c\nimage = d\n",
		     "line 5: [root] section has no kernel");
	/* An empty value is no kernel. */
	expect_error("[root]\nkernel =\n", "line 1: [root] section has no "
					   "kernel");
}

Test(boot_config, second_root_section)
{
	expect_error("[root]\nkernel = k\n[root]\nkernel = j\n",
		     "line 3: a second [root] section; there is one root "
		     "partition");
	expect_error("[root]\nkernel = k\n\n[guest]\nname = a\nimage = b\n"
		     "[root]\nkernel = j\n",
		     "line 7: a second [root] section; there is one root "
		     "partition");
}

Test(boot_config, root_unknown_keys)
{
	static const char *const keys[] = { "name",  "image", "memory_mb",
					    "vcpus", "cpus",  "pool_mb",
					    "Kernel" };
	char text[128], message[200];

	for (u32 i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(text, sizeof(text), "[root]\nkernel = k\n%s = 1\n",
			 keys[i]);
		snprintf(message, sizeof(message),
			 "line 3: unknown root setting '%s'; expected kernel, "
			 "initrd, cmdline or cpu",
			 keys[i]);
		expect_error(text, message);
	}
	/* Root keys do not belong in a guest section or at the top. */
	expect_error("[guest]\nname = a\nkernel = k\n",
		     "line 3: unknown guest setting 'kernel'; expected name, "
		     "image, memory_mb, vcpus, weight, cpus, cmdline, "
		     "max_event_ports or grant_frames");
	expect_error("cpu = 1\n",
		     "line 1: unknown setting 'cpu'; expected log_level, "
		     "pool_mb, on_idle, or a [guest] or [root] section");
}

Test(boot_config, root_strings_too_long)
{
	char text[600], name[80];

	memset(name, 'k', 64);
	name[64] = '\0';
	snprintf(text, sizeof(text), "[root]\nkernel = %s\n", name);
	cr_assert_eq(parse(text), -1);
	cr_assert(strstr(err, "line 2: kernel = 'kkkk"), "%s", err);
	cr_assert(strstr(err, "' is too long"), "%s", err);
	name[63] = '\0'; /* 63 characters fit */
	snprintf(text, sizeof(text), "[root]\nkernel = %s\ninitrd = %s\n", name,
		 name);
	expect_ok(text);
	cr_assert_str_eq(cfg.root.kernel, name);
	cr_assert_str_eq(cfg.root.initrd, name);
	memset(name, 'i', 64);
	name[64] = '\0';
	snprintf(text, sizeof(text), "[root]\nkernel = k\ninitrd = %s\n", name);
	cr_assert_eq(parse(text), -1);
	cr_assert(strstr(err, "line 3: initrd = '"), "%s", err);
}

Test(boot_config, root_cmdline_as_long_as_its_field_allows)
{
	char text[700], cmdline[520];

	/* Regression: lines were limited to 319 characters, so the root's
	 * 512-byte command line could not be used. 511 characters fit. */
	memset(cmdline, 'c', 511);
	cmdline[511] = '\0';
	snprintf(text, sizeof(text), "[root]\nkernel = k\ncmdline = %s\n",
		 cmdline);
	expect_ok(text);
	cr_assert_str_eq(cfg.root.cmdline, cmdline);
}

Test(boot_config, root_before_guests)
{
	expect_ok("log_level = debug\n"
		  "[root]\nkernel = vmlinuz\ncmdline = ro\ncpu = 2\n"
		  "\n"
		  "[guest]\nname = one\nimage = 1.elf\ncmdline = g1\n"
		  "[guest]\nname = two\nimage = 2.elf\n");
	cr_assert(cfg.root.present);
	cr_assert_str_eq(cfg.root.kernel, "vmlinuz");
	/* A guest's cmdline after the root section is the guest's. */
	cr_assert_str_eq(cfg.root.cmdline, "ro");
	cr_assert_eq(cfg.root.cpu, 2);
	cr_assert_eq(cfg.root.line, 2);
	cr_assert_eq(cfg.guest_count, 2);
	cr_assert_str_eq(cfg.guests[0].name, "one");
	cr_assert_str_eq(cfg.guests[0].cmdline, "g1");
	cr_assert_eq(cfg.guests[0].line, 7);
	cr_assert_eq(cfg.guests[1].line, 11);
	cr_assert_eq(cfg.log_level, LOG_DEBUG);
}

Test(boot_config, root_after_guests)
{
	expect_ok("[guest]\nname = one\nimage = 1.elf\ncmdline = g1\n"
		  "[root]\nkernel = vmlinuz\ncmdline = r\n");
	cr_assert_eq(cfg.guest_count, 1);
	cr_assert_str_eq(cfg.guests[0].cmdline, "g1");
	cr_assert_str_eq(cfg.root.cmdline, "r");
	cr_assert_eq(cfg.root.line, 5);
	/* An unfinished guest is reported before the root starts. */
	expect_error("[guest]\nname = a\n[root]\nkernel = k\n",
		     "line 1: guest 'a' has no image");
	/* Guest keys do not carry on into the root section. */
	expect_error("[guest]\nname = a\nimage = b\n[root]\nkernel = k\n"
		     "weight = 5\n",
		     "line 6: unknown root setting 'weight'; expected kernel, "
		     "initrd, cmdline or cpu");
}

Test(boot_config, root_between_guests)
{
	expect_ok("[guest]\nname = a\nimage = a.elf\n"
		  "[root]\nkernel = k\n"
		  "[guest]\nname = b\nimage = b.elf\nweight = 7\n");
	cr_assert_eq(cfg.guest_count, 2);
	cr_assert_str_eq(cfg.guests[1].name, "b");
	cr_assert_eq(cfg.guests[1].weight, 7);
	cr_assert_eq(cfg.guests[1].line, 6);
	cr_assert_eq(cfg.root.line, 4);
	cr_assert_str_eq(cfg.root.kernel, "k");
}

/* Line numbers stay right in and after a [root] section. */
Test(boot_config, line_numbers_after_a_root_section)
{
	expect_error("[root]\nkernel = k\n\n# comment\n[guest]\nname = a\n"
		     "image = b\nfoo = 1\n",
		     "line 8: unknown guest setting 'foo'; expected name, "
		     "image, memory_mb, vcpus, weight, cpus, cmdline, "
		     "max_event_ports or grant_frames");
	expect_error("[guest]\nname = a\nimage = b\n[root]\nkernel = k\n"
		     "[guest]\nname = c\nbad line\n",
		     "line 8: 'bad line' is not 'key = value'");
	expect_error("[root]\nkernel = k\n[guest]\nname = a\n",
		     "line 3: guest 'a' has no image");
	expect_error("[root]\nkernel = k\n[guest]\nimage = a\n[guest]\n"
		     "name = b\nimage = b\n",
		     "line 3: [guest] section has no name");
	expect_error("[root]\nkernel = k\ncpu = 1\nlog_level = info\n",
		     "line 4: unknown root setting 'log_level'; expected "
		     "kernel, initrd, cmdline or cpu");
	expect_ok("[root]\nkernel = k\n\n\n[guest]\nname = a\nimage = b\n"
		  "[guest]\nname = c\nimage = d\n");
	cr_assert_eq(cfg.root.line, 1);
	cr_assert_eq(cfg.guests[0].line, 5);
	cr_assert_eq(cfg.guests[1].line, 8);
	expect_error("[root]\nkernel = k\n[hypervisor]\n",
		     "line 3: unknown section '[hypervisor]', expected [guest] "
		     "or [root]");
}

Test(boot_config, messaging_keys)
{
	expect_ok("[guest]\nname = a\nimage = b\n");
	cr_assert_eq(cfg.guests[0].max_event_ports, 0, "0: the default");
	cr_assert_eq(cfg.guests[0].grant_frames, 0, "0: the default");
	expect_ok("[guest]\nname = a\nimage = b\nmax_event_ports = 4095\n"
		  "grant_frames = 64\n");
	cr_assert_eq(cfg.guests[0].max_event_ports, 4095);
	cr_assert_eq(cfg.guests[0].grant_frames, 64);
	expect_ok("[guest]\nname = a\nimage = b\nmax_event_ports = 1\n"
		  "grant_frames = 1\n[guest]\nname = c\nimage = d\n");
	cr_assert_eq(cfg.guests[0].max_event_ports, 1);
	cr_assert_eq(cfg.guests[0].grant_frames, 1);
	cr_assert_eq(cfg.guests[1].max_event_ports, 0, "defaults per section");
	cr_assert_eq(cfg.guests[1].grant_frames, 0);
}

Test(boot_config, messaging_keys_out_of_range)
{
	expect_error("[guest]\nname = a\nmax_event_ports = 0\n",
		     "line 3: max_event_ports = '0' is out of range");
	expect_error("[guest]\nname = a\nmax_event_ports = 4096\n",
		     "line 3: max_event_ports = '4096' is out of range");
	expect_error("[guest]\nmax_event_ports = -1\n",
		     "line 2: max_event_ports = '-1' is not a number in range");
	expect_error("[guest]\nmax_event_ports =\n",
		     "line 2: max_event_ports has no value, expected a number "
		     "1..4095");
	expect_error("[guest]\ngrant_frames = 0\n",
		     "line 2: grant_frames = '0' is out of range");
	expect_error("[guest]\ngrant_frames = 65\n",
		     "line 2: grant_frames = '65' is out of range");
	expect_error("[guest]\ngrant_frames = 0x10\n",
		     "line 2: grant_frames = '0x10' is not a number in range");
	/* They belong to guests only. */
	expect_error("grant_frames = 4\n",
		     "line 1: unknown setting 'grant_frames'; expected "
		     "log_level, pool_mb, on_idle, or a [guest] or [root] "
		     "section");
}
