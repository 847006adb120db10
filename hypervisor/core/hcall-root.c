// SPDX-License-Identifier: GPL-2.0-only
/* Root-only hypercalls: reading the hypervisor log, listing partitions. */
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/memory-map.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/time.h>
#include <partita/cpuid.h>
#include <string.h>

static int invoke_log_read(struct hcall_ctx *c)
{
	const struct pt_log_read_in *in = &c->input.log_read;
	struct pt_log_read_out *out = c->out;
	struct log_read_result r;

	r = log_ring_read(in->from_seq, (char *)out->text, PT_LOG_READ_MAX);
	out->next_seq = r.next_seq;
	out->length = r.length;
	out->lost = r.lost;
	return PT_STATUS_SUCCESS;
}

u32 partition_abi_state(const struct partition *p)
{
	switch (p->state) {
	case PART_STATE_CREATED:
		return PT_PARTITION_STATE_CREATED;
	case PART_STATE_RUNNING:
		return p->paused ? PT_PARTITION_STATE_PAUSED
				 : PT_PARTITION_STATE_RUNNING;
	case PART_STATE_CRASHED:
		return PT_PARTITION_STATE_CRASHED;
	default:
		return p->exit_reason == PT_SHUTDOWN_CRASH
			       ? PT_PARTITION_STATE_CRASHED
			       : PT_PARTITION_STATE_SHUTDOWN;
	}
}

void partition_fill_entry(const struct partition *p,
			  struct pt_partition_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = p->id;
	e->state = partition_abi_state(p);
	e->vcpu_count = p->vcpu_count;
	e->weight = p->weight;
	/* The root's RAM, not the identity map's bound. */
	e->memory_bytes = p->id == ROOT_PARTITION_ID
				  ? machine_memory.root_ram_bytes
				  : p->memory_bytes;
	strlcpy(e->name, p->name, sizeof(e->name));
}

static int invoke_partition_list(struct hcall_ctx *c)
{
	struct pt_partition_list_out *out = c->out;
	u32 n = 0;

	for (u32 id = 0; id < MAX_PARTITIONS && n < PT_PARTITION_LIST_MAX;
	     id++) {
		const struct partition *p = partition_get(id);
		struct pt_partition_entry *e = &out->entries[n];

		if (!p)
			continue;
		partition_fill_entry(p, e);
		n++;
	}
	out->count = n;
	out->reserved = 0;
	return PT_STATUS_SUCCESS;
}

static int invoke_hv_info(struct hcall_ctx *c)
{
	struct pt_hv_info *out = c->out;
	struct frame_pool_stats pool = frame_pool_stats();
	const struct machine_memory *m = &machine_memory;

	memset(out, 0, sizeof(*out));
	out->interface_version = PT_INTERFACE_VERSION;
	out->features = PARTITA_FEATURES;
	out->cpu_count = arch_cpu_count();
	out->partition_count = partition_live_count();
	out->tsc_khz = hv_time.tsc_khz;
	out->uptime_ns = time_now_ns();
	out->ram_bytes = m->ram_bytes;
	out->hypervisor_bytes = m->hypervisor_bytes;
	out->pool_frames_total = pool.total;
	out->pool_frames_free = pool.free;
	for (u32 cpu = 0; cpu < MIN(out->cpu_count, PT_HV_INFO_MAX_CPUS);
	     cpu++) {
		out->cpu_role[cpu] = !arch_cpu_online(cpu) ? PT_CPU_ROLE_OFFLINE
				     : root_is_cpu(cpu)	   ? PT_CPU_ROLE_ROOT
							   : PT_CPU_ROLE_GUESTS;
		out->cpu_apic_id[cpu] = (u8)arch_cpu_apic_id(cpu);
	}
	for (u32 i = 0; i < MIN(m->hidden_count, PT_HV_INFO_HIDDEN_RANGES);
	     i++) {
		out->hidden_base[i] = m->hidden[i].base;
		out->hidden_size[i] = m->hidden[i].size;
	}
	return PT_STATUS_SUCCESS;
}

static int invoke_root_ping(struct hcall_ctx *c)
{
	root_ping();
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_root_table[] = {
	{ .code = PT_CALL_LOG_READ,
	  .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .in_size = sizeof(struct pt_log_read_in),
	  .out_size = PAGE_SIZE,
	  .invoke = invoke_log_read },
	{ .code = PT_CALL_PARTITION_LIST,
	  .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .out_size = PAGE_SIZE,
	  .invoke = invoke_partition_list },
	{ .code = PT_CALL_HV_INFO,
	  .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .out_size = sizeof(struct pt_hv_info),
	  .invoke = invoke_hv_info },
	{ .code = PT_CALL_ROOT_PING,
	  .flags = HC_FAST_OK | HC_ROOT_ONLY,
	  .invoke = invoke_root_ping },
};
const u32 hcall_root_count = ARRAY_SIZE(hcall_root_table);
