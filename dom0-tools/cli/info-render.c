// SPDX-License-Identifier: GPL-2.0-only
/* Rendering "partita info" as text or JSON from data already gathered. */
#include <inttypes.h>
#include <string.h>

#include <partita/root.h>

#include "info-render.h"
#include "out-json.h"
#include "out-table.h"
#include "out-units.h"
#include "root-client.h"

#define INFO_FRAME_BYTES ((uint64_t)PT_PAGE_SIZE)

const char *info_cpu_role_name(uint8_t role)
{
	switch (role) {
	case PT_CPU_ROLE_OFFLINE:
		return "offline";
	case PT_CPU_ROLE_ROOT:
		return "root";
	case PT_CPU_ROLE_GUESTS:
		return "guests";
	default:
		return "unknown";
	}
}

const char *info_partition_state_name(uint32_t state)
{
	switch (state) {
	case PT_PARTITION_STATE_RUNNING:
		return "running";
	case PT_PARTITION_STATE_PAUSED:
		return "paused";
	case PT_PARTITION_STATE_SHUTDOWN:
		return "shutdown";
	case PT_PARTITION_STATE_CRASHED:
		return "crashed";
	case PT_PARTITION_STATE_CREATED:
		return "created";
	case PT_PARTITION_STATE_GONE:
		return "gone";
	default:
		return "unknown";
	}
}

static uint32_t cpu_count(const struct pt_hv_info *hv)
{
	return hv->cpu_count < PT_HV_INFO_MAX_CPUS ? hv->cpu_count
						   : PT_HV_INFO_MAX_CPUS;
}

/* A copy of a partition name that is surely terminated. */
static void partition_name(char *buf, const struct pt_partition_entry *e)
{
	memcpy(buf, e->name, sizeof(e->name));
	buf[sizeof(e->name)] = '\0';
}

static void print_features(FILE *f, uint32_t features)
{
	int any = 0;

	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name = root_feature_name(bit);

		if (!(features & (1u << bit)))
			continue;
		if (name)
			fprintf(f, "%s%s", any ? " " : "", name);
		else
			fprintf(f, "%sbit%u", any ? " " : "", bit);
		any = 1;
	}
	fputs(any ? "\n" : "none\n", f);
}

static void print_cpus(FILE *f, const struct pt_hv_info *hv)
{
	static const char *const headers[] = { "CPU", "APIC", "ROLE" };
	struct out_table t;
	char cpu[12], apic[12];

	out_table_init(&t, 3, headers);
	for (uint32_t i = 0; i < cpu_count(hv); i++) {
		const char *row[] = { cpu, apic,
				      info_cpu_role_name(hv->cpu_role[i]) };

		snprintf(cpu, sizeof(cpu), "%u", i);
		snprintf(apic, sizeof(apic), "%u", hv->cpu_apic_id[i]);
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "  ");
	out_table_free(&t);
}

static void print_memory(FILE *f, const struct pt_hv_info *hv)
{
	char a[32], b[32];

	fprintf(f, "Memory total:       %s\n",
		out_bytes(a, sizeof(a), hv->ram_bytes));
	fprintf(f, "Memory hypervisor:  %s\n",
		out_bytes(a, sizeof(a), hv->hypervisor_bytes));
	fprintf(f, "Memory pool:        %s, %s free\n",
		out_bytes(a, sizeof(a),
			  hv->pool_frames_total * INFO_FRAME_BYTES),
		out_bytes(b, sizeof(b),
			  hv->pool_frames_free * INFO_FRAME_BYTES));
	fputs("Hidden from root:\n", f);
	for (unsigned int i = 0; i < PT_HV_INFO_HIDDEN_RANGES; i++) {
		uint64_t base = hv->hidden_base[i], size = hv->hidden_size[i];

		if (!size)
			continue;
		fprintf(f, "  0x%016" PRIx64 "-0x%016" PRIx64 "  %s\n", base,
			base + size - 1, out_bytes(a, sizeof(a), size));
	}
}

static void print_partitions(FILE *f, const struct info_data *d)
{
	static const char *const headers[] = { "ID",	"NAME",	  "STATE",
					       "VCPUS", "WEIGHT", "MEMORY" };
	struct out_table t;
	char id[12], vcpus[12], weight[12], mem[32], name[33];

	fprintf(f, "Partitions:         %u guest(s) alive\n",
		d->hv.partition_count);
	if (!d->partition_count)
		return;
	out_table_init(&t, 6, headers);
	for (uint32_t i = 0; i < d->partition_count; i++) {
		const struct pt_partition_entry *e = &d->partitions[i];
		const char *row[] = {
			id,    name,   info_partition_state_name(e->state),
			vcpus, weight, mem
		};

		snprintf(id, sizeof(id), "%u", e->id);
		partition_name(name, e);
		snprintf(vcpus, sizeof(vcpus), "%u", e->vcpu_count);
		snprintf(weight, sizeof(weight), "%u", e->weight);
		out_bytes(mem, sizeof(mem), e->memory_bytes);
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "  ");
	out_table_free(&t);
}

void info_print_text(FILE *f, const struct info_data *d)
{
	const struct pt_hv_info *hv = &d->hv;
	char up[32];

	fprintf(f, "Partita hypervisor, interface %u.%u\n",
		hv->interface_version >> 16, hv->interface_version & 0xffff);
	fputs("Features:           ", f);
	print_features(f, hv->features);
	fprintf(f,
		"Driver:             partita.ko, root ioctl version %u, %s\n",
		d->driver.abi_version,
		(d->driver.flags & PT_ROOT_DRV_NOTIFY)
			? "notifications by interrupt"
			: "no notifications (device missing)");
	fprintf(f, "Uptime:             %s\n",
		out_uptime(up, sizeof(up), hv->uptime_ns));
	fprintf(f, "TSC:                %" PRIu64 " kHz\n", hv->tsc_khz);
	fprintf(f, "CPUs:               %u\n", hv->cpu_count);
	print_cpus(f, hv);
	print_memory(f, hv);
	print_partitions(f, d);
}

static void json_features(struct json_out *j, uint32_t features)
{
	char other[16];

	json_array_begin(j, "features");
	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name = root_feature_name(bit);

		if (!(features & (1u << bit)))
			continue;
		if (!name) {
			snprintf(other, sizeof(other), "bit%u", bit);
			name = other;
		}
		json_string(j, NULL, name);
	}
	json_array_end(j);
}

static void json_memory(struct json_out *j, const struct pt_hv_info *hv)
{
	json_object_begin(j, "memory");
	json_u64(j, "total_bytes", hv->ram_bytes);
	json_u64(j, "hypervisor_bytes", hv->hypervisor_bytes);
	json_u64(j, "pool_total_bytes",
		 hv->pool_frames_total * INFO_FRAME_BYTES);
	json_u64(j, "pool_free_bytes", hv->pool_frames_free * INFO_FRAME_BYTES);
	json_array_begin(j, "hidden_ranges");
	for (unsigned int i = 0; i < PT_HV_INFO_HIDDEN_RANGES; i++) {
		if (!hv->hidden_size[i])
			continue;
		json_object_begin(j, NULL);
		json_u64(j, "base", hv->hidden_base[i]);
		json_u64(j, "size", hv->hidden_size[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void json_partitions(struct json_out *j, const struct info_data *d)
{
	char name[33];

	json_array_begin(j, "partitions");
	for (uint32_t i = 0; i < d->partition_count; i++) {
		const struct pt_partition_entry *e = &d->partitions[i];

		partition_name(name, e);
		json_object_begin(j, NULL);
		json_u64(j, "id", e->id);
		json_string(j, "name", name);
		json_string(j, "state", info_partition_state_name(e->state));
		json_u64(j, "vcpus", e->vcpu_count);
		json_u64(j, "weight", e->weight);
		json_u64(j, "memory_bytes", e->memory_bytes);
		json_object_end(j);
	}
	json_array_end(j);
}

void info_print_json(FILE *f, const struct info_data *d)
{
	const struct pt_hv_info *hv = &d->hv;
	struct json_out j;
	char version[24];

	snprintf(version, sizeof(version), "%u.%u", hv->interface_version >> 16,
		 hv->interface_version & 0xffff);
	json_init(&j, f, 1);
	json_object_begin(&j, NULL);
	json_string(&j, "interface_version", version);
	json_features(&j, hv->features);
	json_object_begin(&j, "driver");
	json_u64(&j, "root_ioctl_version", d->driver.abi_version);
	json_bool(&j, "notifications",
		  (d->driver.flags & PT_ROOT_DRV_NOTIFY) != 0);
	json_u64(&j, "notify_irqs", d->driver.notify_irqs);
	json_object_end(&j);
	json_u64(&j, "uptime_ns", hv->uptime_ns);
	json_u64(&j, "tsc_khz", hv->tsc_khz);
	json_array_begin(&j, "cpus");
	for (uint32_t i = 0; i < cpu_count(hv); i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "cpu", i);
		json_u64(&j, "apic_id", hv->cpu_apic_id[i]);
		json_string(&j, "role", info_cpu_role_name(hv->cpu_role[i]));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_memory(&j, hv);
	json_u64(&j, "guests_alive", hv->partition_count);
	json_partitions(&j, d);
	json_object_end(&j);
	json_finish(&j);
}
