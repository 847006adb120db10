// SPDX-License-Identifier: GPL-2.0-only
/* Rendering partitions for list, info NAME, stats and top from gathered data. */
#include <inttypes.h>
#include <string.h>

#include "info-render.h"
#include "device-render.h"
#include "msg-render.h"
#include "out-json.h"
#include "out-table.h"
#include "out-units.h"
#include "part-render.h"
#include "root-client.h"

const char *part_cpus_text(char *buf, size_t size, uint64_t mask)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int cpu = 0; cpu < 64 && len < size; cpu++) {
		unsigned int last = cpu;

		if (!(mask & (1ull << cpu)))
			continue;
		while (last + 1 < 64 && (mask & (1ull << (last + 1))))
			last++;
		if (last == cpu)
			len += snprintf(buf + len, size - len, "%s%u",
					len ? "," : "", cpu);
		else
			len += snprintf(buf + len, size - len, "%s%u-%u",
					len ? "," : "", cpu, last);
		cpu = last;
	}
	if (!mask)
		snprintf(buf, size, "none");
	return buf;
}

const char *part_seconds(char *buf, size_t size, uint64_t ns)
{
	snprintf(buf, size, "%" PRIu64 ".%03u s", ns / 1000000000u,
		 (unsigned int)(ns / 1000000u % 1000u));
	return buf;
}

static const char *on_crash_name(uint32_t on_crash)
{
	return on_crash == PT_ON_CRASH_PRESERVE ? "preserve" : "destroy";
}

void part_list_text(FILE *f, const struct part_row *rows, size_t n)
{
	static const char *const headers[] = { "ID",	 "NAME",   "STATE",
					       "VCPUS",	 "WEIGHT", "MEMORY",
					       "RUNTIME" };
	char id[12], vcpus[12], weight[12], mem[32], run[32];
	struct out_table t;

	out_table_init(&t, 7, headers);
	for (size_t i = 0; i < n; i++) {
		const struct pt_partition_entry *e = &rows[i].info.entry;
		const char *row[] = {
			id,    e->name, info_partition_state_name(e->state),
			vcpus, weight,	mem,
			run
		};

		snprintf(id, sizeof(id), "%u", e->id);
		snprintf(vcpus, sizeof(vcpus), "%u", e->vcpu_count);
		snprintf(weight, sizeof(weight), "%u", e->weight);
		out_bytes(mem, sizeof(mem), e->memory_bytes);
		if (rows[i].detailed)
			part_seconds(run, sizeof(run), rows[i].info.runtime_ns);
		else
			snprintf(run, sizeof(run), "-");
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "");
	out_table_free(&t);
}

static void json_entry(struct json_out *j, const struct pt_partition_entry *e)
{
	json_u64(j, "id", e->id);
	json_string(j, "name", e->name);
	json_string(j, "state", info_partition_state_name(e->state));
	json_u64(j, "vcpus", e->vcpu_count);
	json_u64(j, "weight", e->weight);
	json_u64(j, "memory_bytes", e->memory_bytes);
}

void part_list_json(FILE *f, const struct part_row *rows, size_t n)
{
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "partitions");
	for (size_t i = 0; i < n; i++) {
		json_object_begin(&j, NULL);
		json_entry(&j, &rows[i].info.entry);
		if (rows[i].detailed) {
			json_u64(&j, "runtime_ns", rows[i].info.runtime_ns);
			json_u64(&j, "frames_owned", rows[i].info.frames_owned);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

void part_info_text(FILE *f, const struct pt_partition_info *info,
		    uint64_t age_ns, const struct root_messaging *msg,
		    const struct dev_view *devs)
{
	const struct pt_partition_entry *e = &info->entry;
	char a[32], b[32], cpus[192];

	fprintf(f, "Partition:     %s (id %u)\n", e->name, e->id);
	fprintf(f, "State:         %s\n", info_partition_state_name(e->state));
	fprintf(f, "vCPUs:         %u\n", e->vcpu_count);
	fprintf(f, "Weight:        %u\n", e->weight);
	if (info->cap_percent)
		fprintf(f, "Cap:           %u%% of a CPU per vCPU\n",
			info->cap_percent);
	else
		fprintf(f, "Cap:           none\n");
	fprintf(f, "CPUs:          %s\n",
		part_cpus_text(cpus, sizeof(cpus), info->cpu_mask));
	fprintf(f, "On crash:      %s\n", on_crash_name(info->on_crash));
	fprintf(f, "Memory:        %s, %s populated\n",
		out_bytes(a, sizeof(a), e->memory_bytes),
		out_bytes(b, sizeof(b), info->populated_bytes));
	fprintf(f, "Frames owned:  %" PRIu64 " (%s)\n", info->frames_owned,
		out_bytes(a, sizeof(a), info->frames_owned * PT_PAGE_SIZE));
	fprintf(f, "Age:           %s\n", out_uptime(a, sizeof(a), age_ns));
	fprintf(f, "Runtime:       %s\n",
		part_seconds(a, sizeof(a), info->runtime_ns));
	fprintf(f, "Command line:  %s\n", info->cmdline);
	if (info->exit_detail[0])
		fprintf(f, "Exit:          %s\n", info->exit_detail);
	if (msg)
		msg_info_text(f, msg);
	if (devs)
		dev_render_text(f, devs);
}

void part_info_json(FILE *f, const struct pt_partition_info *info,
		    uint64_t age_ns, const struct root_messaging *msg,
		    const struct dev_view *devs)
{
	struct json_out j;
	char cpus[192];

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_entry(&j, &info->entry);
	json_u64(&j, "cap_percent", info->cap_percent);
	json_string(&j, "cpus",
		    part_cpus_text(cpus, sizeof(cpus), info->cpu_mask));
	json_string(&j, "on_crash", on_crash_name(info->on_crash));
	json_u64(&j, "populated_bytes", info->populated_bytes);
	json_u64(&j, "frames_owned", info->frames_owned);
	json_u64(&j, "created_ns", info->created_ns);
	json_u64(&j, "age_ns", age_ns);
	json_u64(&j, "runtime_ns", info->runtime_ns);
	json_string(&j, "cmdline", info->cmdline);
	json_string(&j, "exit_detail", info->exit_detail);
	if (msg)
		msg_info_json(&j, msg);
	if (devs)
		dev_render_json(&j, devs);
	json_object_end(&j);
	json_finish(&j);
}

void part_root_info_text(FILE *f, const struct pt_partition_entry *e,
			 const struct root_messaging *msg)
{
	fprintf(f, "Partition:     %s (id %u), the root partition\n", e->name,
		e->id);
	fprintf(f, "State:         %s\n", info_partition_state_name(e->state));
	fprintf(f, "vCPUs:         %u\n", e->vcpu_count);
	if (msg)
		msg_info_text(f, msg);
}

void part_root_info_json(FILE *f, const struct pt_partition_entry *e,
			 const struct root_messaging *msg)
{
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_entry(&j, e);
	if (msg)
		msg_info_json(&j, msg);
	json_object_end(&j);
	json_finish(&j);
}

const char *part_exit_name(unsigned int reason)
{
	static const char *const names[PT_EXIT_REASONS] = {
		[PT_EXIT_HYPERCALL] = "hypercall",
		[PT_EXIT_CPUID] = "cpuid",
		[PT_EXIT_MSR] = "msr",
		[PT_EXIT_HALT] = "halt",
		[PT_EXIT_INTERRUPT] = "interrupt",
		[PT_EXIT_PAGE_FAULT] = "page-fault",
		[PT_EXIT_IO] = "io",
		[PT_EXIT_OTHER] = "other",
	};

	return reason < PT_EXIT_REASONS ? names[reason] : "unknown";
}

static const char *call_name(uint16_t code, char *buf, size_t size)
{
	const char *name = root_call_code_name(code);

	if (name)
		return name;
	snprintf(buf, size, "0x%04x", code);
	return buf;
}

static uint64_t total_calls(const struct pt_partition_stats *st)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < st->call_count; i++)
		n += st->calls[i].count;
	return n;
}

void part_stats_text(FILE *f, const struct pt_partition_info *info,
		     const struct pt_partition_stats *st,
		     const struct pt_messaging_info *mi)
{
	static const char *const call_headers[] = { "CALL", "COUNT", "ENTRIES",
						    "WORST" };
	char a[32], b[32], c[32], code[12];
	struct out_table t;
	uint64_t exits = 0;

	for (unsigned int r = 0; r < PT_EXIT_REASONS; r++)
		exits += st->exits[r];
	fprintf(f, "Partition:     %s (id %u), %s\n", info->entry.name,
		info->entry.id, info_partition_state_name(info->entry.state));
	fprintf(f, "Runtime:       %s\n",
		part_seconds(a, sizeof(a), info->runtime_ns));
	for (uint32_t v = 0; v < st->vcpu_count; v++)
		fprintf(f, "  vCPU %u:      %s\n", v,
			part_seconds(a, sizeof(a), st->vcpu_runtime_ns[v]));
	fprintf(f, "Hypercalls:    %" PRIu64 "\n", total_calls(st));
	fprintf(f, "Exits:         %" PRIu64 "\n", exits);
	for (unsigned int r = 0; r < PT_EXIT_REASONS; r++) {
		if (st->exits[r])
			fprintf(f, "  %-11s  %" PRIu64 "\n", part_exit_name(r),
				st->exits[r]);
	}
	if (mi)
		msg_stats_text(f, mi);
	if (!st->call_count)
		return;
	out_table_init(&t, 4, call_headers);
	for (uint32_t i = 0; i < st->call_count; i++) {
		const struct pt_call_stat *cs = &st->calls[i];
		const char *row[] = { call_name(cs->code, code, sizeof(code)),
				      a, b, c };

		snprintf(a, sizeof(a), "%" PRIu64, cs->count);
		snprintf(b, sizeof(b), "%" PRIu64, cs->entries);
		snprintf(c, sizeof(c), "%" PRIu64 ".%03u us",
			 cs->worst_ns / 1000u,
			 (unsigned int)(cs->worst_ns % 1000u));
		out_table_add(&t, row);
	}
	fputs("Calls:\n", f);
	out_table_print(&t, f, "  ");
	out_table_free(&t);
}

void part_stats_json(FILE *f, const struct pt_partition_info *info,
		     const struct pt_partition_stats *st,
		     const struct pt_messaging_info *mi)
{
	char code[12];
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_u64(&j, "id", info->entry.id);
	json_string(&j, "name", info->entry.name);
	json_string(&j, "state", info_partition_state_name(info->entry.state));
	json_u64(&j, "runtime_ns", info->runtime_ns);
	json_array_begin(&j, "vcpu_runtime_ns");
	for (uint32_t v = 0; v < st->vcpu_count; v++)
		json_u64(&j, NULL, st->vcpu_runtime_ns[v]);
	json_array_end(&j);
	json_u64(&j, "hypercalls", total_calls(st));
	json_object_begin(&j, "exits");
	for (unsigned int r = 0; r < PT_EXIT_REASONS; r++)
		json_u64(&j, part_exit_name(r), st->exits[r]);
	json_object_end(&j);
	if (mi)
		msg_stats_json(&j, mi);
	json_array_begin(&j, "calls");
	for (uint32_t i = 0; i < st->call_count; i++) {
		const struct pt_call_stat *cs = &st->calls[i];

		json_object_begin(&j, NULL);
		json_string(&j, "call",
			    call_name(cs->code, code, sizeof(code)));
		json_u64(&j, "code", cs->code);
		json_u64(&j, "count", cs->count);
		json_u64(&j, "entries", cs->entries);
		json_u64(&j, "worst_ns", cs->worst_ns);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static const struct top_sample *find_before(const struct top_sample *s,
					    const struct top_sample *before,
					    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (before[i].id == s->id && !strcmp(before[i].name, s->name))
			return &before[i];
	}
	return NULL;
}

/* "12.5" for delta per interval, scaled by `scale` (100 for percent). */
static const char *rate(char *buf, size_t size, uint64_t now, uint64_t then,
			uint64_t interval_ns, uint64_t scale)
{
	uint64_t tenths;

	if (!interval_ns || now < then) {
		snprintf(buf, size, "-");
		return buf;
	}
	tenths = (uint64_t)((double)(now - then) * scale * 10.0 /
				    (double)interval_ns +
			    0.5);
	snprintf(buf, size, "%" PRIu64 ".%u", tenths / 10,
		 (unsigned int)(tenths % 10));
	return buf;
}

void part_top_text(FILE *f, const struct top_sample *now, size_t n,
		   const struct top_sample *before, size_t nbefore,
		   uint64_t interval_ns, uint64_t uptime_ns, uint64_t pool_free,
		   uint64_t pool_total)
{
	static const char *const headers[] = { "ID",	  "NAME",   "STATE",
					       "VCPUS",	  "CPU%",   "RUNTIME",
					       "CALLS/S", "EXITS/S" };
	char id[12], vcpus[12], cpu[24], run[32], calls[24], exits[24];
	char up[32], a[32], b[32];
	struct out_table t;

	fprintf(f,
		"partita top - up %s, %zu partition(s), pool %s free of %s\n",
		out_uptime(up, sizeof(up), uptime_ns), n,
		out_bytes(a, sizeof(a), pool_free * PT_PAGE_SIZE),
		out_bytes(b, sizeof(b), pool_total * PT_PAGE_SIZE));
	out_table_init(&t, 8, headers);
	for (size_t i = 0; i < n; i++) {
		const struct top_sample *s = &now[i];
		const struct top_sample *p = find_before(s, before, nbefore);
		const char *row[] = {
			id,    s->name, info_partition_state_name(s->state),
			vcpus, cpu,	run,
			calls, exits
		};
		uint64_t iv = p ? interval_ns : 0;

		snprintf(id, sizeof(id), "%u", s->id);
		snprintf(vcpus, sizeof(vcpus), "%u", s->vcpus);
		rate(cpu, sizeof(cpu), s->runtime_ns, p ? p->runtime_ns : 0, iv,
		     100);
		part_seconds(run, sizeof(run), s->runtime_ns);
		rate(calls, sizeof(calls), s->hypercalls, p ? p->hypercalls : 0,
		     iv, 1000000000ull);
		rate(exits, sizeof(exits), s->exits, p ? p->exits : 0, iv,
		     1000000000ull);
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "");
	out_table_free(&t);
}
