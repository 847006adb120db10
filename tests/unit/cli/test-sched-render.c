// SPDX-License-Identifier: GPL-2.0-only
/* vcpu-list, sched, uptime and list --long output, and their arguments. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "sched-args.h"
#include "sched-render.h"

#define SEC 1000000000ull

static void guest_rows(struct vcpu_rows *r)
{
	memset(r, 0, 2 * sizeof(*r));
	strcpy(r[0].entry.name, "root");
	r[0].list.vcpu_count = 1;
	r[0].list.vcpus[0] =
		(struct pt_vcpu_info){ 0, PT_VCPU_STATE_RUNNING, 0, 0, 1, 0 };
	strcpy(r[1].entry.name, "alpha");
	r[1].entry.id = 4;
	r[1].list.id = 4;
	r[1].list.vcpu_count = 2;
	r[1].list.vcpus[0] = (struct pt_vcpu_info){ 0,	 PT_VCPU_STATE_BLOCKED,
						    1,	 PT_VCPU_MOVING,
						    0x8, 1500000000 };
	r[1].list.vcpus[1] = (struct pt_vcpu_info){ 1,	 PT_VCPU_STATE_RUNNABLE,
						    2,	 0,
						    0xe, 42000000 };
}

Test(sched_render, vcpu_list_table)
{
	struct vcpu_rows r[2];
	struct capture c;
	char *text;

	guest_rows(r);
	sched_vcpu_list_text(capture_begin(&c), r, 2);
	text = capture_end(&c);
	cr_assert_str_eq(
		text,
		"NAME   ID  VCPU  CPU  STATE            AFFINITY  TIME\n"
		"root   0   0     0    running          0         -\n"
		"alpha  4   0     1    blocked, moving  3         1.500 s\n"
		"alpha  4   1     2    runnable         1-3       0.042 s\n");
	free(text);
}

Test(sched_render, vcpu_list_json)
{
	struct vcpu_rows r[2];
	struct capture c;
	char *text;

	guest_rows(r);
	sched_vcpu_list_json(capture_begin(&c), r + 1, 1);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"name\": \"alpha\""), "%s", text);
	cr_assert(strstr(text, "\"state\": \"blocked\""), "%s", text);
	cr_assert(strstr(text, "\"moving\": true"), "%s", text);
	cr_assert(strstr(text, "\"moving\": false"), "%s", text);
	cr_assert(strstr(text, "\"cpu_time_ns\": 1500000000"), "%s", text);
	cr_assert(strstr(text, "\"affinity\": [\n"), "%s", text);
	free(text);
}

Test(sched_render, vcpu_states_have_names)
{
	cr_assert_str_eq(sched_vcpu_state_name(PT_VCPU_STATE_PAUSED), "paused");
	cr_assert_str_eq(sched_vcpu_state_name(PT_VCPU_STATE_ENDED), "ended");
	cr_assert_str_eq(sched_vcpu_state_name(0), "unknown");
	cr_assert_str_eq(sched_vcpu_state_name(99), "unknown");
}

Test(sched_render, sched_settings_say_what_changed)
{
	struct pt_partition_entry e = { .id = 4, .name = "alpha" };
	struct pt_partition_sched before = { 4, 0, 256, 0 };
	struct pt_partition_sched now = { 4, 0, 512, 50 };
	struct capture c;
	char *text;

	sched_settings_text(capture_begin(&c), &e, &before, NULL);
	text = capture_end(&c);
	cr_assert_str_eq(text, "alpha (partition 4): weight 256, cap none\n");
	free(text);
	sched_settings_text(capture_begin(&c), &e, &now, &before);
	text = capture_end(&c);
	cr_assert_str_eq(text, "alpha (partition 4): weight 512 (was 256), "
			       "cap 50% (was none)\n");
	free(text);
	now.weight = 256;
	sched_settings_text(capture_begin(&c), &e, &now, &before);
	text = capture_end(&c);
	cr_assert_str_eq(
		text, "alpha (partition 4): weight 256, cap 50% (was none)\n");
	free(text);
	sched_settings_json(capture_begin(&c), &e, &now);
	text = capture_end(&c);
	cr_assert_str_eq(text,
			 "{\n  \"id\": 4,\n  \"name\": \"alpha\",\n"
			 "  \"weight\": 256,\n  \"cap_percent\": 50\n}\n");
	free(text);
}

static void part_rows(struct part_row *rows)
{
	memset(rows, 0, 3 * sizeof(*rows));
	strcpy(rows[0].info.entry.name, "root");
	rows[0].info.entry.state = PT_PARTITION_STATE_RUNNING;
	rows[0].info.entry.vcpu_count = 1;
	rows[0].info.entry.memory_bytes = 512ull << 20;
	rows[0].info.cpu_mask = 1;
	rows[1].detailed = 1;
	rows[1].info.entry = (struct pt_partition_entry){
		4, PT_PARTITION_STATE_RUNNING, 2, 300, 64ull << 20, "alpha"
	};
	rows[1].info.cap_percent = 25;
	rows[1].info.cpu_mask = 0x6;
	rows[1].info.created_ns = 100 * SEC;
	rows[1].info.runtime_ns = 3 * SEC;
	/* Ended between the list and its info: nothing more is known. */
	rows[2].info.entry = (struct pt_partition_entry){
		5, PT_PARTITION_STATE_SHUTDOWN, 1, 256, 2ull << 20, "gone"
	};
}

Test(sched_render, uptime_table)
{
	struct part_row rows[3];
	struct capture c;
	char *text;

	part_rows(rows);
	sched_uptime_text(capture_begin(&c), 3725 * SEC, rows, 3);
	text = capture_end(&c);
	cr_assert_str_eq(text, "Hypervisor up 01:02:05.000\n"
			       "NAME   ID  STATE     UPTIME\n"
			       "root   0   running   01:02:05.000\n"
			       "alpha  4   running   01:00:25.000\n"
			       "gone   5   shutdown  -\n");
	free(text);
	sched_uptime_json(capture_begin(&c), 3725 * SEC, rows, 2);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"uptime_ns\": 3625000000000"), "%s", text);
	cr_assert(strstr(text, "\"uptime_ns\": 3725000000000"), "%s", text);
	free(text);
}

Test(sched_render, list_long_table)
{
	struct part_row rows[3];
	struct capture c;
	char *text;

	part_rows(rows);
	sched_list_long_text(capture_begin(&c), rows, 3, 160 * SEC);
	text = capture_end(&c);
	cr_assert_str_eq(
		text,
		"ID  NAME   STATE     VCPUS  WEIGHT  CAP  CPUS  MEMORY     "
		"UPTIME        RUNTIME\n"
		"0   root   running   1      0       -    0     512.0 MiB  "
		"00:02:40.000  -\n"
		"4   alpha  running   2      300     25%  1-2   64.0 MiB   "
		"00:01:00.000  3.000 s\n"
		"5   gone   shutdown  1      256     -    -     2.0 MiB    "
		"-             -\n");
	free(text);
	sched_list_long_json(capture_begin(&c), rows, 3, 160 * SEC);
	text = capture_end(&c);
	cr_assert(strstr(text, "\"cap_percent\": 25"), "%s", text);
	cr_assert(strstr(text, "\"on_crash\": \"destroy\""), "%s", text);
	cr_assert(strstr(text, "\"uptime_ns\": 60000000000"), "%s", text);
	free(text);
}

Test(sched_args, weights)
{
	uint32_t w = 7;
	char why[160];

	cr_assert_eq(sched_parse_weight("1", &w, why, sizeof(why)), 0);
	cr_assert_eq(w, 1);
	cr_assert_eq(sched_parse_weight("65535", &w, why, sizeof(why)), 0);
	cr_assert_eq(w, 65535);
	cr_assert_eq(sched_parse_weight("0", &w, why, sizeof(why)), -1);
	cr_assert_str_eq(
		why, "the weight is a whole number from 1 to 65535, not '0'");
	cr_assert_eq(sched_parse_weight("65536", &w, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_weight("-5", &w, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_weight("12x", &w, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_weight("", &w, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_weight("99999999999999999999", &w, why,
					sizeof(why)),
		     -1);
	cr_assert_eq(w, 65535, "a refusal leaves the value alone");
}

Test(sched_args, caps)
{
	uint32_t cap = 7;
	char why[160];

	cr_assert_eq(sched_parse_cap("50", &cap, why, sizeof(why)), 0);
	cr_assert_eq(cap, 50);
	cr_assert_eq(sched_parse_cap("100%", &cap, why, sizeof(why)), 0);
	cr_assert_eq(cap, 100);
	cr_assert_eq(sched_parse_cap("none", &cap, why, sizeof(why)), 0);
	cr_assert_eq(cap, 0);
	cr_assert_eq(sched_parse_cap("101%", &cap, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "the cap is a percentage of one CPU from 0 to "
			      "100 (0 or 'none': no cap), not '101%'");
	cr_assert_eq(sched_parse_cap("%", &cap, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_cap("5%%", &cap, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_cap("0.5", &cap, why, sizeof(why)), -1);
}

Test(sched_args, vcpus)
{
	uint32_t v = 9;
	char why[160];

	cr_assert_eq(sched_parse_vcpu("7", &v, why, sizeof(why)), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(sched_parse_vcpu("8", &v, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "the vCPU is its number, 0 to 7, not '8'");
	cr_assert_eq(sched_parse_vcpu("one", &v, why, sizeof(why)), -1);
}

Test(sched_args, cpu_lists)
{
	uint64_t m = 0;
	char why[256];

	cr_assert_eq(sched_parse_cpus("1-2", 0xe, &m, why, sizeof(why)), 0);
	cr_assert_eq(m, 0x6);
	cr_assert_eq(sched_parse_cpus(" 3 , 1", 0xe, &m, why, sizeof(why)), 0);
	cr_assert_eq(m, 0xa);
	cr_assert_eq(sched_parse_cpus("all", 0xe, &m, why, sizeof(why)), 0);
	cr_assert_eq(m, 0xe);
	cr_assert_eq(sched_parse_cpus("0-2", 0xe, &m, why, sizeof(why)),
		     SCHED_CPUS_UNUSABLE);
	cr_assert_str_eq(why, "CPU 0 does not run guests (it is the root's, "
			      "offline or missing); guests may use CPUs 1-3");
	cr_assert_eq(sched_parse_cpus("64", 0xe, &m, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "CPU numbers go from 0 to 63: '64'");
	cr_assert_eq(sched_parse_cpus("3-1", 0xe, &m, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_cpus("", 0xe, &m, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_cpus("1,,2", 0xe, &m, why, sizeof(why)), -1);
	cr_assert_eq(sched_parse_cpus("x", 0xe, &m, why, sizeof(why)), -1);
	cr_assert_eq(m, 0xe, "a refusal leaves the mask alone");
}
