// SPDX-License-Identifier: GPL-2.0-only
/* "partita info" text and JSON from a made-up hypervisor answer. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "info-render.h"

static void fake(struct info_data *d)
{
	memset(d, 0, sizeof(*d));
	d->driver.abi_version = PT_ROOT_IOCTL_VERSION;
	d->driver.flags = PT_ROOT_DRV_NOTIFY | PT_ROOT_DRV_VPAP;
	d->driver.notify_irqs = 7;
	d->hv.interface_version = 0x00010000;
	d->hv.features = 0x1f | (1u << 9);
	d->hv.cpu_count = 2;
	d->hv.partition_count = 1;
	d->hv.tsc_khz = 2994000;
	d->hv.uptime_ns = 5500000000ull;
	d->hv.ram_bytes = 1ull << 30;
	d->hv.hypervisor_bytes = 16ull << 20;
	d->hv.pool_frames_total = 65536;
	d->hv.pool_frames_free = 61440;
	d->hv.cpu_role[0] = PT_CPU_ROLE_ROOT;
	d->hv.cpu_role[1] = PT_CPU_ROLE_GUESTS;
	d->hv.cpu_apic_id[1] = 1;
	d->hv.hidden_base[0] = 0x7e000000;
	d->hv.hidden_size[0] = 0x400000;
	d->hv.hidden_base[2] = 0x40000000;
	d->hv.hidden_size[2] = 256ull << 20;
	d->partition_count = 1;
	d->partitions[0].id = 1;
	d->partitions[0].state = PT_PARTITION_STATE_RUNNING;
	d->partitions[0].vcpu_count = 1;
	d->partitions[0].weight = 100;
	d->partitions[0].memory_bytes = 16ull << 20;
	/* a name that fills the field without a terminator */
	memset(d->partitions[0].name, 'n', sizeof(d->partitions[0].name));
}

Test(info_render, text_has_version_cpus_memory_partitions)
{
	struct info_data d;
	struct capture c;
	char *s;

	fake(&d);
	info_print_text(capture_begin(&c), &d);
	s = capture_end(&c);
	cr_assert(strstr(s, "Partita hypervisor, interface 1.0\n"), "%s", s);
	cr_assert(strstr(s, "hypercall-page vpap timer rep-continuation "
			    "call-stats bit9\n"),
		  "%s", s);
	cr_assert(strstr(s, "notifications by interrupt"), "%s", s);
	cr_assert(strstr(s, "  CPU  APIC  ROLE\n  0    0     root\n  1    1    "
			    " guests\n"),
		  "%s", s);
	cr_assert(strstr(s, "Memory total:       1.0 GiB\n"), "%s", s);
	cr_assert(strstr(s, "Memory hypervisor:  16.0 MiB\n"), "%s", s);
	cr_assert(strstr(s, "Memory pool:        256.0 MiB, 240.0 MiB free\n"),
		  "%s", s);
	cr_assert(
		strstr(s, "  0x000000007e000000-0x000000007e3fffff  4.0 MiB\n"),
		"%s", s);
	cr_assert(
		strstr(s,
		       "  0x0000000040000000-0x000000004fffffff  256.0 MiB\n"),
		"%s", s);
	cr_assert(strstr(s, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn  running"), "%s",
		  s);
	cr_assert(strstr(s, "Uptime:             00:00:05.500\n"), "%s", s);
	free(s);
}

Test(info_render, json_has_the_keys_scripts_use)
{
	struct info_data d;
	struct capture c;
	char *s;

	fake(&d);
	info_print_json(capture_begin(&c), &d);
	s = capture_end(&c);
	cr_assert(s[0] == '{' && s[strlen(s) - 2] == '}', "%s", s);
	cr_assert(strstr(s, "\"interface_version\": \"1.0\""), "%s", s);
	cr_assert(strstr(s, "\"cpu\": 0,\n      \"apic_id\": 0,\n      "
			    "\"role\": \"root\""),
		  "%s", s);
	cr_assert(strstr(s, "\"role\": \"guests\""), "%s", s);
	cr_assert(strstr(s, "\"total_bytes\": 1073741824"), "%s", s);
	cr_assert(strstr(s, "\"pool_free_bytes\": 251658240"), "%s", s);
	cr_assert(strstr(s, "\"base\": 2113929216,\n        \"size\": 4194304"),
		  "%s", s);
	cr_assert(strstr(s, "\"notifications\": true"), "%s", s);
	cr_assert(strstr(s, "\"state\": \"running\""), "%s", s);
	free(s);
}

Test(info_render, cpu_count_beyond_the_table_is_clamped)
{
	struct info_data d;
	struct capture c;
	char *s;

	fake(&d);
	d.hv.cpu_count = 1000;
	d.driver.flags = 0;
	info_print_text(capture_begin(&c), &d);
	s = capture_end(&c);
	cr_assert(strstr(s, "\n  63   0     offline\n"), "%s", s);
	cr_assert(!strstr(s, "\n  64 "), "%s", s);
	cr_assert(strstr(s, "no notifications"), "%s", s);
	free(s);
}

Test(info_render, names)
{
	cr_assert_str_eq(info_cpu_role_name(PT_CPU_ROLE_ROOT), "root");
	cr_assert_str_eq(info_cpu_role_name(9), "unknown");
	cr_assert_str_eq(info_partition_state_name(PT_PARTITION_STATE_CRASHED),
			 "crashed");
	cr_assert_str_eq(info_partition_state_name(0), "unknown");
}
