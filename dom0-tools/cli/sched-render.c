// SPDX-License-Identifier: GPL-2.0-only
/* Rendering vcpu-list, sched, uptime and list --long from gathered data. */
#include <inttypes.h>
#include <string.h>

#include "info-render.h"
#include "out-json.h"
#include "out-table.h"
#include "out-units.h"
#include "sched-render.h"

const char *sched_vcpu_state_name(uint32_t state)
{
	switch (state) {
	case PT_VCPU_STATE_RUNNING:
		return "running";
	case PT_VCPU_STATE_RUNNABLE:
		return "runnable";
	case PT_VCPU_STATE_BLOCKED:
		return "blocked";
	case PT_VCPU_STATE_PAUSED:
		return "paused";
	case PT_VCPU_STATE_ENDED:
		return "ended";
	default:
		return "unknown";
	}
}

/* A cap as text: "none" or "50%". */
static const char *cap_text(char *buf, size_t size, uint32_t cap)
{
	if (cap)
		snprintf(buf, size, "%u%%", cap);
	else
		snprintf(buf, size, "none");
	return buf;
}

/* An uptime counted from `created_ns`, or the whole of it for the root. */
static uint64_t age_of(const struct part_row *r, uint64_t uptime_ns)
{
	if (r->info.entry.id == 0)
		return uptime_ns;
	if (!r->detailed || r->info.created_ns > uptime_ns)
		return 0;
	return uptime_ns - r->info.created_ns;
}

static void json_cpu_array(struct json_out *j, const char *key, uint64_t mask)
{
	json_array_begin(j, key);
	for (unsigned int cpu = 0; cpu < 64; cpu++) {
		if (mask & (1ull << cpu))
			json_u64(j, NULL, cpu);
	}
	json_array_end(j);
}

void sched_vcpu_list_text(FILE *f, const struct vcpu_rows *p, size_t n)
{
	static const char *const headers[] = { "NAME", "ID",	"VCPU",
					       "CPU",  "STATE", "AFFINITY",
					       "TIME" };
	char id[12], vcpu[12], cpu[12], state[32], aff[192], time[32];
	struct out_table t;

	out_table_init(&t, 7, headers);
	for (size_t i = 0; i < n; i++) {
		for (uint32_t k = 0; k < p[i].list.vcpu_count; k++) {
			const struct pt_vcpu_info *v = &p[i].list.vcpus[k];
			const char *row[] = { p[i].entry.name, id,  vcpu, cpu,
					      state,	       aff, time };

			snprintf(id, sizeof(id), "%u", p[i].entry.id);
			snprintf(vcpu, sizeof(vcpu), "%u", v->index);
			snprintf(cpu, sizeof(cpu), "%u", v->cpu);
			snprintf(state, sizeof(state), "%s%s",
				 sched_vcpu_state_name(v->state),
				 v->flags & PT_VCPU_MOVING ? ", moving" : "");
			part_cpus_text(aff, sizeof(aff), v->affinity);
			if (p[i].entry.id == 0)
				snprintf(time, sizeof(time), "-");
			else
				part_seconds(time, sizeof(time), v->runtime_ns);
			out_table_add(&t, row);
		}
	}
	out_table_print(&t, f, "");
	out_table_free(&t);
}

void sched_vcpu_list_json(FILE *f, const struct vcpu_rows *p, size_t n)
{
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "vcpus");
	for (size_t i = 0; i < n; i++) {
		for (uint32_t k = 0; k < p[i].list.vcpu_count; k++) {
			const struct pt_vcpu_info *v = &p[i].list.vcpus[k];

			json_object_begin(&j, NULL);
			json_string(&j, "name", p[i].entry.name);
			json_u64(&j, "id", p[i].entry.id);
			json_u64(&j, "vcpu", v->index);
			json_u64(&j, "cpu", v->cpu);
			json_string(&j, "state",
				    sched_vcpu_state_name(v->state));
			json_bool(&j, "moving",
				  (v->flags & PT_VCPU_MOVING) != 0);
			json_cpu_array(&j, "affinity", v->affinity);
			if (p[i].entry.id != 0)
				json_u64(&j, "cpu_time_ns", v->runtime_ns);
			json_object_end(&j);
		}
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

void sched_settings_text(FILE *f, const struct pt_partition_entry *e,
			 const struct pt_partition_sched *now,
			 const struct pt_partition_sched *before)
{
	char cap[16], was[16];

	fprintf(f, "%s (partition %u): weight %u", e->name, e->id, now->weight);
	if (before && before->weight != now->weight)
		fprintf(f, " (was %u)", before->weight);
	fprintf(f, ", cap %s", cap_text(cap, sizeof(cap), now->cap_percent));
	if (before && before->cap_percent != now->cap_percent)
		fprintf(f, " (was %s)",
			cap_text(was, sizeof(was), before->cap_percent));
	fputc('\n', f);
}

void sched_settings_json(FILE *f, const struct pt_partition_entry *e,
			 const struct pt_partition_sched *now)
{
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_u64(&j, "id", e->id);
	json_string(&j, "name", e->name);
	json_u64(&j, "weight", now->weight);
	json_u64(&j, "cap_percent", now->cap_percent);
	json_object_end(&j);
	json_finish(&j);
}

void sched_uptime_text(FILE *f, uint64_t uptime_ns, const struct part_row *rows,
		       size_t n)
{
	static const char *const headers[] = { "NAME", "ID", "STATE",
					       "UPTIME" };
	char id[12], up[32];
	struct out_table t;

	fprintf(f, "Hypervisor up %s\n", out_uptime(up, sizeof(up), uptime_ns));
	out_table_init(&t, 4, headers);
	for (size_t i = 0; i < n; i++) {
		const struct pt_partition_entry *e = &rows[i].info.entry;
		const char *row[] = { e->name, id,
				      info_partition_state_name(e->state), up };

		snprintf(id, sizeof(id), "%u", e->id);
		if (e->id == 0 || rows[i].detailed)
			out_uptime(up, sizeof(up), age_of(&rows[i], uptime_ns));
		else
			snprintf(up, sizeof(up), "-");
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "");
	out_table_free(&t);
}

void sched_uptime_json(FILE *f, uint64_t uptime_ns, const struct part_row *rows,
		       size_t n)
{
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_u64(&j, "uptime_ns", uptime_ns);
	json_array_begin(&j, "partitions");
	for (size_t i = 0; i < n; i++) {
		const struct pt_partition_entry *e = &rows[i].info.entry;

		json_object_begin(&j, NULL);
		json_u64(&j, "id", e->id);
		json_string(&j, "name", e->name);
		json_string(&j, "state", info_partition_state_name(e->state));
		if (e->id == 0 || rows[i].detailed)
			json_u64(&j, "uptime_ns", age_of(&rows[i], uptime_ns));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

void sched_list_long_text(FILE *f, const struct part_row *rows, size_t n,
			  uint64_t uptime_ns)
{
	static const char *const headers[] = { "ID",	 "NAME",   "STATE",
					       "VCPUS",	 "WEIGHT", "CAP",
					       "CPUS",	 "MEMORY", "UPTIME",
					       "RUNTIME" };
	char id[12], vcpus[12], weight[12], cap[16], cpus[64], mem[32], up[32],
		run[32];
	struct out_table t;

	out_table_init(&t, 10, headers);
	for (size_t i = 0; i < n; i++) {
		const struct part_row *r = &rows[i];
		const struct pt_partition_entry *e = &r->info.entry;
		const char *row[] = {
			id,    e->name, info_partition_state_name(e->state),
			vcpus, weight,	cap,
			cpus,  mem,	up,
			run
		};

		snprintf(id, sizeof(id), "%u", e->id);
		snprintf(vcpus, sizeof(vcpus), "%u", e->vcpu_count);
		snprintf(weight, sizeof(weight), "%u", e->weight);
		if (r->detailed)
			cap_text(cap, sizeof(cap), r->info.cap_percent);
		else
			snprintf(cap, sizeof(cap), "-");
		if (r->info.cpu_mask)
			part_cpus_text(cpus, sizeof(cpus), r->info.cpu_mask);
		else
			snprintf(cpus, sizeof(cpus), "-");
		out_bytes(mem, sizeof(mem), e->memory_bytes);
		if (e->id == 0 || r->detailed)
			out_uptime(up, sizeof(up), age_of(r, uptime_ns));
		else
			snprintf(up, sizeof(up), "-");
		if (r->detailed)
			part_seconds(run, sizeof(run), r->info.runtime_ns);
		else
			snprintf(run, sizeof(run), "-");
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "");
	out_table_free(&t);
}

void sched_list_long_json(FILE *f, const struct part_row *rows, size_t n,
			  uint64_t uptime_ns)
{
	struct json_out j;

	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_u64(&j, "uptime_ns", uptime_ns);
	json_array_begin(&j, "partitions");
	for (size_t i = 0; i < n; i++) {
		const struct part_row *r = &rows[i];
		const struct pt_partition_entry *e = &r->info.entry;

		json_object_begin(&j, NULL);
		json_u64(&j, "id", e->id);
		json_string(&j, "name", e->name);
		json_string(&j, "state", info_partition_state_name(e->state));
		json_u64(&j, "vcpus", e->vcpu_count);
		json_u64(&j, "weight", e->weight);
		json_u64(&j, "memory_bytes", e->memory_bytes);
		if (r->info.cpu_mask)
			json_cpu_array(&j, "cpus", r->info.cpu_mask);
		if (e->id == 0 || r->detailed)
			json_u64(&j, "uptime_ns", age_of(r, uptime_ns));
		if (r->detailed) {
			json_u64(&j, "cap_percent", r->info.cap_percent);
			json_string(&j, "on_crash",
				    r->info.on_crash == PT_ON_CRASH_PRESERVE
					    ? "preserve"
					    : "destroy");
			json_u64(&j, "runtime_ns", r->info.runtime_ns);
			json_u64(&j, "frames_owned", r->info.frames_owned);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}
