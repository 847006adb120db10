// SPDX-License-Identifier: GPL-2.0-only
/* list, info NAME, stats and top output from made-up partition figures. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "part-render.h"

static void ticker(struct pt_partition_info *info)
{
	memset(info, 0, sizeof(*info));
	info->entry.id = 3;
	info->entry.state = PT_PARTITION_STATE_RUNNING;
	info->entry.vcpu_count = 1;
	info->entry.weight = 256;
	info->entry.memory_bytes = 4u << 20;
	strcpy(info->entry.name, "ticker");
	info->cpu_mask = 0x2e;
	info->frames_owned = 1030;
	info->populated_bytes = 4u << 20;
	info->runtime_ns = 1234567890;
	strcpy(info->cmdline, "interval_ms=500");
}

Test(part_render, cpu_lists)
{
	char buf[64];

	cr_assert_str_eq(part_cpus_text(buf, sizeof(buf), 0x2e), "1-3,5");
	cr_assert_str_eq(part_cpus_text(buf, sizeof(buf), 1), "0");
	cr_assert_str_eq(part_cpus_text(buf, sizeof(buf), 0), "none");
	cr_assert_str_eq(part_cpus_text(buf, sizeof(buf), 1ull << 63), "63");
	cr_assert_str_eq(part_cpus_text(buf, sizeof(buf), ~0ull), "0-63");
	cr_assert_str_eq(part_seconds(buf, sizeof(buf), 1234567890), "1.234 s");
}

Test(part_render, list_table)
{
	struct part_row rows[2];
	struct capture c;
	char *text;

	memset(rows, 0, sizeof(rows));
	rows[0].info.entry.state = PT_PARTITION_STATE_RUNNING;
	rows[0].info.entry.vcpu_count = 1;
	rows[0].info.entry.memory_bytes = 512u << 20;
	strcpy(rows[0].info.entry.name, "root");
	ticker(&rows[1].info);
	rows[1].info.entry.state = PT_PARTITION_STATE_CRASHED;
	rows[1].detailed = 1;
	part_list_text(capture_begin(&c), rows, 2);
	text = capture_end(&c);
	cr_assert_str_eq(
		text,
		"ID  NAME    STATE    VCPUS  WEIGHT  MEMORY     RUNTIME\n"
		"0   root    running  1      0       512.0 MiB  -\n"
		"3   ticker  crashed  1      256     4.0 MiB    1.234 s\n");
	free(text);
}

Test(part_render, list_json)
{
	struct part_row row = { .detailed = 1 };
	struct capture c;
	char *text;

	ticker(&row.info);
	part_list_json(capture_begin(&c), &row, 1);
	text = capture_end(&c);
	cr_assert(strstr(text,
			 "\"name\": \"ticker\",\n      \"state\": \"running\""),
		  "%s", text);
	cr_assert(strstr(text, "\"frames_owned\": 1030"));
	cr_assert_eq(text[strlen(text) - 2], '}');
	free(text);
}

Test(part_render, info_text)
{
	struct pt_partition_info info;
	struct capture c;
	char *text;

	ticker(&info);
	info.on_crash = PT_ON_CRASH_PRESERVE;
	info.cap_percent = 25;
	strcpy(info.exit_detail, "nested page fault");
	part_info_text(capture_begin(&c), &info, 61500000000ull, NULL, NULL);
	text = capture_end(&c);
	cr_assert_str_eq(text, "Partition:     ticker (id 3)\n"
			       "State:         running\n"
			       "vCPUs:         1\n"
			       "Weight:        256\n"
			       "Cap:           25% of a CPU per vCPU\n"
			       "CPUs:          1-3,5\n"
			       "On crash:      preserve\n"
			       "Memory:        4.0 MiB, 4.0 MiB populated\n"
			       "Frames owned:  1030 (4.0 MiB)\n"
			       "Age:           00:01:01.500\n"
			       "Runtime:       1.234 s\n"
			       "Command line:  interval_ms=500\n"
			       "Exit:          nested page fault\n");
	free(text);
}

Test(part_render, stats_text_names_calls_and_exits)
{
	struct pt_partition_stats st;
	struct pt_partition_info info;
	struct capture c;
	char *text;

	ticker(&info);
	memset(&st, 0, sizeof(st));
	st.vcpu_count = 1;
	st.vcpu_runtime_ns[0] = 1234567890;
	st.exits[PT_EXIT_HYPERCALL] = 40;
	st.exits[PT_EXIT_HALT] = 2;
	st.call_count = 2;
	st.calls[0] = (struct pt_call_stat){ .code = PT_CALL_CONSOLE_WRITE,
					     .count = 30,
					     .entries = 30,
					     .worst_ns = 12345 };
	st.calls[1] = (struct pt_call_stat){
		.code = 0x7f, .count = 10, .entries = 11, .worst_ns = 999
	};
	part_stats_text(capture_begin(&c), &info, &st, NULL);
	text = capture_end(&c);
	cr_assert(strstr(text, "Hypercalls:    40\n"), "%s", text);
	cr_assert(strstr(text, "Exits:         42\n"));
	cr_assert(strstr(text, "  hypercall    40\n  halt         2\n"));
	cr_assert(strstr(text, "  vCPU 0:      1.234 s\n"));
	cr_assert(strstr(text, "  CALL           COUNT  ENTRIES  WORST\n"
			       "  CONSOLE_WRITE  30     30       12.345 us\n"
			       "  0x007f         10     11       0.999 us\n"),
		  "%s", text);
	free(text);
}

Test(part_render, top_rates_against_the_same_partition)
{
	struct top_sample before = { .id = 3,
				     .name = "ticker",
				     .runtime_ns = 1000000000,
				     .hypercalls = 100,
				     .exits = 200 };
	struct top_sample now[2] = {
		{ .id = 3,
		  .name = "ticker",
		  .state = PT_PARTITION_STATE_RUNNING,
		  .vcpus = 1,
		  .runtime_ns = 1500000000,
		  .hypercalls = 300,
		  .exits = 600 },
		{ .id = 4,
		  .name = "new",
		  .state = PT_PARTITION_STATE_PAUSED,
		  .vcpus = 2 },
	};
	struct capture c;
	char *text;

	part_top_text(capture_begin(&c), now, 2, &before, 1, 2000000000ull,
		      3723000000000ull, 16384, 32768);
	text = capture_end(&c);
	cr_assert(strstr(text, "partita top - up 01:02:03.000, 2 partition(s), "
			       "pool 64.0 MiB free of 128.0 MiB\n"),
		  "%s", text);
	/* 0.5 s of CPU in 2 s: 25%; 200 calls and 400 exits in 2 s. */
	cr_assert(strstr(text, "3   ticker  running  1      25.0  1.500 s  "
			       "100.0    200.0\n"),
		  "%s", text);
	cr_assert(strstr(text, "4   new     paused   2      -     0.000 s  -   "
			       "     -\n"),
		  "%s", text);
	free(text);
}
