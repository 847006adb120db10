// SPDX-License-Identifier: GPL-2.0-only
/* Root-only scheduling calls: list vCPUs, pin one at runtime, weight and cap. */
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <partita/hypercall.h>
#include <string.h>

#define WEIGHT_MAX 65535u
#define CAP_MAX 100u

/* A guest by id (the root is not one: it keeps its own CPU). */
static struct partition *guest(u64 id)
{
	return id != ROOT_PARTITION_ID && id < MAX_PARTITIONS
		       ? partition_get((u32)id)
		       : NULL;
}

static int decode_list(struct hcall_ctx *c)
{
	const struct pt_partition_ref *in = &c->input.ref;
	struct partition *p;

	if (in->flags || in->from_seq)
		return PT_STATUS_INVALID_PARAMETER;
	p = in->id < MAX_PARTITIONS ? partition_get(in->id) : NULL;
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	/* Until START its vCPUs have no CPU yet. */
	if (p->state == PART_STATE_CREATED)
		return PT_STATUS_INVALID_PARTITION_STATE;
	c->target_id = in->id;
	return PT_STATUS_SUCCESS;
}

static u32 vcpu_abi_state(const struct partition *p, const struct vcpu *v)
{
	if (p->id == ROOT_PARTITION_ID)
		return PT_VCPU_STATE_RUNNING; /* Linux owns its CPU */
	if (p->state != PART_STATE_RUNNING || v->state == VCPU_STATE_DEAD)
		return PT_VCPU_STATE_ENDED;
	if (READ_ONCE(p->paused))
		return PT_VCPU_STATE_PAUSED;
	if (v->state == VCPU_STATE_BLOCKED)
		return PT_VCPU_STATE_BLOCKED;
	return sched_vcpu_running(v) ? PT_VCPU_STATE_RUNNING
				     : PT_VCPU_STATE_RUNNABLE;
}

static int invoke_list(struct hcall_ctx *c)
{
	struct partition *p = partition_get((u32)c->target_id);
	struct pt_vcpu_list_out *out = c->out;

	if (!p) /* its teardown ended on another CPU since decode */
		return PT_STATUS_INVALID_PARTITION_ID;
	memset(out, 0, sizeof(*out));
	out->id = p->id;
	out->vcpu_count = MIN(p->vcpu_count, (u32)PT_PARTITION_MAX_VCPUS);
	for (u32 i = 0; i < out->vcpu_count; i++) {
		const struct vcpu *v = &p->vcpus[i];
		struct pt_vcpu_info *o = &out->vcpus[i];

		o->index = i;
		o->state = vcpu_abi_state(p, v);
		o->cpu = READ_ONCE(v->cpu);
		o->flags = READ_ONCE(v->move_to) ? PT_VCPU_MOVING : 0;
		o->affinity = READ_ONCE(v->affinity);
		o->runtime_ns = READ_ONCE(v->runtime_ns);
	}
	return PT_STATUS_SUCCESS;
}

/* RDX: partition id (bits 31:0), vCPU index (63:32); R8: the CPU mask. */
static int decode_affinity(struct hcall_ctx *c)
{
	u64 rdx = c->regs->rdx, mask = c->regs->r8;
	u32 index = (u32)(rdx >> 32);
	struct partition *p = guest((u32)rdx);

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (p->state != PART_STATE_RUNNING)
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (index >= p->vcpu_count)
		return PT_STATUS_INVALID_VP_INDEX;
	/* Empty, or naming a CPU that is down, missing or the root's. */
	if (!mask || (mask & ~partition_guest_cpus()))
		return PT_STATUS_INVALID_PARAMETER;
	c->target_id = (u32)rdx;
	return PT_STATUS_SUCCESS;
}

static int invoke_affinity(struct hcall_ctx *c)
{
	/* RDX is the hypervisor's copy of the register: decode checked it. */
	struct partition *p = guest(c->target_id);
	u32 index = (u32)(c->regs->rdx >> 32), cpu;
	u64 mask = c->regs->r8;

	if (!p || p->state != PART_STATE_RUNNING) /* ended since decode */
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (sched_set_affinity(&p->vcpus[index], mask, &cpu))
		return PT_STATUS_NO_RESOURCES;
	log_part(LOG_INFO, p, "vCPU %u pinned to CPUs 0x%llx: runs on CPU %u",
		 index, (unsigned long long)mask, cpu);
	c->regs->rdx = cpu; /* where it runs (once moved) */
	c->regs->r8 = 0;
	return PT_STATUS_SUCCESS;
}

static int decode_sched(struct hcall_ctx *c)
{
	const struct pt_partition_sched *in = &c->input.sched;
	struct partition *p;

	p = guest(in->id);
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (in->flags & ~(PT_SCHED_SET_WEIGHT | PT_SCHED_SET_CAP))
		return PT_STATUS_INVALID_PARAMETER;
	if ((in->flags & PT_SCHED_SET_WEIGHT) &&
	    (in->weight == 0 || in->weight > WEIGHT_MAX))
		return PT_STATUS_INVALID_PARAMETER;
	if ((in->flags & PT_SCHED_SET_CAP) && in->cap_percent > CAP_MAX)
		return PT_STATUS_INVALID_PARAMETER;
	/* Reading works in any state; changing an ended one means nothing. */
	if (in->flags && p->state != PART_STATE_CREATED &&
	    p->state != PART_STATE_RUNNING)
		return PT_STATUS_INVALID_PARTITION_STATE;
	return PT_STATUS_SUCCESS;
}

static int invoke_sched(struct hcall_ctx *c)
{
	const struct pt_partition_sched *in = &c->input.sched;
	struct partition *p = guest(in->id);
	struct pt_partition_sched *out = c->out;

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (in->flags) {
		if (in->flags & PT_SCHED_SET_WEIGHT)
			WRITE_ONCE(p->weight, in->weight);
		if (in->flags & PT_SCHED_SET_CAP)
			WRITE_ONCE(p->cap_percent, in->cap_percent);
		log_part(LOG_INFO, p, "weight %u, cap %u%%", p->weight,
			 p->cap_percent);
		/* A running vCPU's stop time depends on the cap: each CPU
		 * looks at its queue again. */
		if (p->state == PART_STATE_RUNNING) {
			for (u32 i = 0; i < p->vcpu_count; i++)
				sched_timer_changed(&p->vcpus[i]);
		}
	}
	memset(out, 0, sizeof(*out));
	out->id = p->id;
	out->weight = p->weight;
	out->cap_percent = p->cap_percent;
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_sched_table[] = {
	{ .code = PT_CALL_VCPU_LIST,
	  .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .in_size = sizeof(struct pt_partition_ref),
	  .out_size = sizeof(struct pt_vcpu_list_out),
	  .decode = decode_list,
	  .invoke = invoke_list },
	{ .code = PT_CALL_VCPU_SET_AFFINITY,
	  .flags = HC_FAST_OK | HC_ROOT_ONLY,
	  .decode = decode_affinity,
	  .invoke = invoke_affinity },
	{ .code = PT_CALL_PARTITION_SCHED,
	  .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .in_size = sizeof(struct pt_partition_sched),
	  .out_size = sizeof(struct pt_partition_sched),
	  .decode = decode_sched,
	  .invoke = invoke_sched },
};
const u32 hcall_sched_count = ARRAY_SIZE(hcall_sched_table);
