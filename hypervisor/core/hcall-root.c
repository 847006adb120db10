// SPDX-License-Identifier: GPL-2.0-only
/* Root-only hypercalls: reading the hypervisor log, listing partitions. */
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <string.h>

static int invoke_log_read(struct hcall_ctx *c)
{
	const struct pt_log_read_in *in = c->in;
	struct pt_log_read_out *out = c->out;
	struct log_read_result r;

	r = log_ring_read(READ_ONCE(in->from_seq), (char *)out->text,
			  PT_LOG_READ_MAX);
	out->next_seq = r.next_seq;
	out->length = r.length;
	out->lost = r.lost;
	return PT_STATUS_SUCCESS;
}

static u32 state_for_abi(const struct partition *p)
{
	if (p->state == PART_STATE_RUNNING)
		return PT_PARTITION_STATE_RUNNING;
	return p->exit_reason == PT_SHUTDOWN_CRASH
		       ? PT_PARTITION_STATE_CRASHED
		       : PT_PARTITION_STATE_SHUTDOWN;
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
		memset(e, 0, sizeof(*e));
		e->id = p->id;
		e->state = state_for_abi(p);
		e->vcpu_count = p->vcpu_count;
		e->weight = p->weight;
		e->memory_bytes = p->memory_bytes;
		strlcpy(e->name, p->name, sizeof(e->name));
		n++;
	}
	out->count = n;
	out->reserved = 0;
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_root_table[] = {
	{ .code = PT_CALL_LOG_READ, .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .in_size = sizeof(struct pt_log_read_in), .out_size = PAGE_SIZE,
	  .name = "log_read", .invoke = invoke_log_read },
	{ .code = PT_CALL_PARTITION_LIST, .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .out_size = PAGE_SIZE, .name = "partition_list",
	  .invoke = invoke_partition_list },
};
const u32 hcall_root_count = ARRAY_SIZE(hcall_root_table);
