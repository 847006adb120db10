// SPDX-License-Identifier: GPL-2.0-only
/* Root-only hypercalls that create, run, inspect and destroy partitions. */
#include <hv/arch.h>
#include <hv/events.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/time.h>
#include <hv/text-ring.h>
#include <string.h>

/* A guest partition the root may act on (never the root itself). */
static struct partition *target(u64 id)
{
	return id != ROOT_PARTITION_ID && id < MAX_PARTITIONS
		       ? partition_get((u32)id)
		       : NULL;
}

static int decode_target_in_state(struct hcall_ctx *c, u64 id, u32 state)
{
	struct partition *p = target(id);

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (p->state != state)
		return PT_STATUS_INVALID_PARTITION_STATE;
	c->target_id = id;
	return PT_STATUS_SUCCESS;
}

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static void config_from(const struct pt_partition_create_in *in,
			struct partition_config *cfg)
{
	*cfg = (struct partition_config){
		.name = in->name,
		.cmdline = in->cmdline,
		.memory_bytes = in->memory_bytes,
		.vcpu_count = in->vcpu_count,
		.weight = in->weight,
		.cap_percent = in->cap_percent,
		.on_crash = in->on_crash,
		.cpu_mask = in->cpu_mask,
		.max_event_ports = in->max_event_ports,
		.max_grant_frames = in->max_grant_frames,
	};
}

int partition_check_config(const struct partition_config *cfg,
			   const char **why);

static int decode_create(struct hcall_ctx *c)
{
	const struct pt_partition_create_in *in = &c->input.create;
	struct partition_config cfg;
	const char *why;

	if (!terminated(in->name, sizeof(in->name)) ||
	    !terminated(in->cmdline, sizeof(in->cmdline)))
		return PT_STATUS_INVALID_PARAMETER;
	config_from(in, &cfg);
	return partition_check_config(&cfg, &why);
}

static int invoke_create(struct hcall_ctx *c)
{
	struct pt_partition_create_out *out = c->out;
	struct partition_config cfg;
	struct partition *p;
	const char *why = "";
	int status;

	config_from(&c->input.create, &cfg);
	status = partition_new(&cfg, &p, &why);
	if (status) {
		log_msg(LOG_WARN, "root", "create %s refused: %s", cfg.name,
			why);
		return status;
	}
	log_part(LOG_INFO, p, "created by the root: %llu MiB, %u vCPU(s)",
		 (unsigned long long)(p->memory_bytes >> 20), p->vcpu_count);
	out->id = p->id;
	out->reserved = 0;
	return PT_STATUS_SUCCESS;
}

static int decode_populate(struct hcall_ctx *c)
{
	return decode_target_in_state(c, c->regs->rdx, PART_STATE_CREATED);
}

static int populate_element(struct hcall_ctx *c, u32 i)
{
	struct partition *p = target(c->target_id);
	u64 gpfn = c->regs->r8 + i;

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (gpfn < c->regs->r8)
		return PT_STATUS_INVALID_GPA;
	return partition_populate(p, gpfn);
}

static int decode_load(struct hcall_ctx *c)
{
	const struct pt_partition_load_in *in = &c->input.load;
	int status;

	status = decode_target_in_state(c, in->id, PART_STATE_CREATED);
	if (status)
		return status;
	if (in->length > PT_PARTITION_LOAD_MAX)
		return PT_STATUS_INVALID_PARAMETER;
	if ((c->regs->rdx & (PAGE_SIZE - 1)) + sizeof(*in) + in->length >
	    PAGE_SIZE)
		return PT_STATUS_INVALID_ALIGNMENT;
	return PT_STATUS_SUCCESS;
}

static int invoke_load(struct hcall_ctx *c)
{
	const struct pt_partition_load_in *hdr = &c->input.load;
	/* The image bytes after the header: their length was checked. */
	const struct pt_partition_load_in *in = c->in;
	struct partition *p = target(c->target_id);

	return p ? partition_load(p, hdr->gpa, in->data, hdr->length)
		 : PT_STATUS_INVALID_PARTITION_ID;
}

static int decode_start(struct hcall_ctx *c)
{
	const struct pt_partition_start_in *in = &c->input.start;

	if (in->reserved)
		return PT_STATUS_INVALID_PARAMETER;
	return decode_target_in_state(c, in->id, PART_STATE_CREATED);
}

static int invoke_start(struct hcall_ctx *c)
{
	const struct pt_partition_start_in *in = &c->input.start;
	struct partition *p = target(c->target_id);

	return p ? partition_start(p, in->entry, in->image_start, in->image_end)
		 : PT_STATUS_INVALID_PARTITION_ID;
}

static int decode_running(struct hcall_ctx *c)
{
	return decode_target_in_state(c, c->regs->rdx, PART_STATE_RUNNING);
}

/*
 * A running guest may end itself (and its slot be freed by a teardown on
 * another CPU) between decode and invoke: invokes look their target up
 * again and treat a missing one as gone.
 */
static int set_paused(struct hcall_ctx *c, bool paused)
{
	struct partition *p = target(c->target_id);

	return p ? partition_set_paused(p, paused)
		 : PT_STATUS_INVALID_PARTITION_ID;
}

static int invoke_pause(struct hcall_ctx *c)
{
	return set_paused(c, true);
}

static int invoke_unpause(struct hcall_ctx *c)
{
	return set_paused(c, false);
}

static int invoke_shutdown(struct hcall_ctx *c)
{
	struct partition *p = target(c->target_id);

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	log_part(LOG_INFO, p, "shutdown requested by the root");
	vcpu_raise_event(&p->vcpus[0], PT_EVENT_SHUTDOWN_REQUEST);
	return PT_STATUS_SUCCESS;
}

/* Re-entries of a DESTROY carry the same input and target. */
static bool destroy_continues(const struct hcall_ctx *c)
{
	const struct hcall_progress *hp = &c->v->hcall;

	return hp->input == c->regs->rcx && hp->target == c->regs->rdx;
}

static int decode_destroy(struct hcall_ctx *c)
{
	if (!destroy_continues(c) && !target(c->regs->rdx))
		return PT_STATUS_INVALID_PARTITION_ID;
	c->target_id = c->regs->rdx;
	return PT_STATUS_SUCCESS;
}

/*
 * Long non-rep work: each entry scrubs frames until its budget is spent,
 * then the call re-enters (RIP unchanged). The generation tells a finished
 * destroy from a new partition that took the same slot meanwhile.
 */
static int invoke_destroy(struct hcall_ctx *c)
{
	struct hcall_progress *hp = &c->v->hcall;
	struct partition *p = target(c->target_id);

	if (!p) { /* gone already: another CPU finished it */
		*hp = (struct hcall_progress){ 0, 0, 0 };
		return PT_STATUS_SUCCESS;
	}
	if (destroy_continues(c)) {
		if (p->generation != hp->cursor) {
			*hp = (struct hcall_progress){ 0, 0, 0 };
			return PT_STATUS_SUCCESS;
		}
	} else {
		*hp = (struct hcall_progress){ c->regs->rcx, c->target_id,
					       p->generation };
	}
	if (partition_destroy_step(p, c->budget_end_tsc)) {
		*hp = (struct hcall_progress){ 0, 0, 0 };
		return PT_STATUS_SUCCESS;
	}
	c->result = HCALL_RETRY;
	return PT_STATUS_SUCCESS;
}

static int decode_ref(struct hcall_ctx *c)
{
	const struct pt_partition_ref *in = &c->input.ref;

	if (in->flags)
		return PT_STATUS_INVALID_PARAMETER;
	if (!target(in->id))
		return PT_STATUS_INVALID_PARTITION_ID;
	c->target_id = in->id;
	return PT_STATUS_SUCCESS;
}

/* INFO and CONSOLE_READ: PT_REF_ENDED also finds a guest that is gone. */
static int decode_ref_ended(struct hcall_ctx *c)
{
	const struct pt_partition_ref *in = &c->input.ref;
	struct partition *gone;

	if (in->flags & ~PT_REF_ENDED)
		return PT_STATUS_INVALID_PARAMETER;
	if (!target(in->id)) {
		gone = in->flags ? partition_ended_get(in->id) : NULL;
		if (!gone)
			return PT_STATUS_INVALID_PARTITION_ID;
		partition_ended_put();
	}
	c->target_id = in->id;
	return PT_STATUS_SUCCESS;
}

/*
 * The live partition the call names or, with PT_REF_ENDED, the one that
 * last used the slot (*gone set: partition_ended_put() when done); NULL if
 * neither (its teardown ended, or the slot was reused, since decode).
 */
static struct partition *target_or_ended(struct hcall_ctx *c, bool *gone)
{
	struct partition *p = target(c->target_id);

	*gone = !p && (c->input.ref.flags & PT_REF_ENDED);
	if (*gone) {
		p = partition_ended_get((u32)c->target_id);
		*gone = p != NULL;
	}
	return p;
}

static int invoke_info(struct hcall_ctx *c)
{
	struct pt_partition_info *out = c->out;
	u64 runtime = 0;
	bool gone;
	const struct partition *p = target_or_ended(c, &gone);

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;

	memset(out, 0, sizeof(*out));
	partition_fill_entry(p, &out->entry);
	out->cap_percent = p->cap_percent;
	out->on_crash = p->on_crash;
	out->cpu_mask = p->cpu_mask;
	out->frames_owned = frame_count_owned((u16)p->id);
	out->populated_bytes = p->populated_pages << PAGE_SHIFT;
	out->created_ns = p->created_ns;
	for (u32 i = 0; i < p->vcpu_count; i++)
		runtime += p->vcpus[i].runtime_ns;
	out->runtime_ns = runtime;
	strlcpy(out->exit_detail, p->exit_detail, sizeof(out->exit_detail));
	strlcpy(out->cmdline, p->cmdline, sizeof(out->cmdline));
	if (gone) {
		out->entry.state = PT_PARTITION_STATE_GONE;
		partition_ended_put();
	}
	return PT_STATUS_SUCCESS;
}

static int invoke_stats(struct hcall_ctx *c)
{
	const struct partition *p = target(c->target_id);
	struct pt_partition_stats *out = c->out;
	u32 n = 0;

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;

	memset(out, 0, sizeof(*out));
	out->id = p->id;
	out->vcpu_count = p->vcpu_count;
	memcpy(out->exits, p->exits, sizeof(out->exits));
	for (u32 i = 0; i < p->vcpu_count; i++)
		out->vcpu_runtime_ns[i] = p->vcpus[i].runtime_ns;
	for (u32 code = 0; code < PT_CALL_STATS_MAX && n < PT_STATS_MAX_CALLS;
	     code++) {
		const struct hcall_stat *st = &p->hcall_stats[code];

		if (!hcall_stat_entries(st))
			continue;
		out->calls[n] = (struct pt_call_stat){
			.code = (u16)code,
			.count = st->count,
			.entries = hcall_stat_entries(st),
			.worst_ns = time_ticks_to_ns(st->worst_ticks),
		};
		n++;
	}
	out->call_count = n;
	return PT_STATUS_SUCCESS;
}

static int invoke_console_read(struct hcall_ctx *c)
{
	const struct pt_partition_ref *in = &c->input.ref;
	struct pt_console_read_out *out = c->out;
	struct text_ring ring;
	struct text_ring_read r;
	bool gone;
	struct partition *p = target_or_ended(c, &gone);

	/* Decode saw it, but another CPU may have ended it since. */
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	ring = (struct text_ring){ p->console_buf, PARTITION_CONSOLE_RING, 0 };
	/* A guest that is gone writes nothing more: the slot hold is enough. */
	if (!gone)
		spin_lock(&p->lock);
	ring.seq = p->console_seq;
	r = text_ring_read(&ring, in->from_seq, (char *)out->text,
			   PT_CONSOLE_READ_MAX);
	if (gone)
		partition_ended_put();
	else
		spin_unlock(&p->lock);
	out->next_seq = r.next_seq;
	out->length = r.length;
	out->lost = r.lost;
	return PT_STATUS_SUCCESS;
}

#define ROOT_MEM (HC_MEM_OK | HC_ROOT_ONLY)
#define ROOT_FAST (HC_FAST_OK | HC_ROOT_ONLY)

const struct hcall_desc hcall_lifecycle_table[] = {
	{ .code = PT_CALL_PARTITION_CREATE,
	  .flags = ROOT_MEM,
	  .in_size = sizeof(struct pt_partition_create_in),
	  .out_size = sizeof(struct pt_partition_create_out),
	  .decode = decode_create,
	  .invoke = invoke_create },
	{ .code = PT_CALL_PARTITION_POPULATE,
	  .flags = ROOT_FAST | HC_REP,
	  .decode = decode_populate,
	  .rep_element = populate_element },
	{ .code = PT_CALL_PARTITION_LOAD,
	  .flags = ROOT_MEM,
	  .in_size = sizeof(struct pt_partition_load_in),
	  .decode = decode_load,
	  .invoke = invoke_load },
	{ .code = PT_CALL_PARTITION_START,
	  .flags = ROOT_MEM,
	  .in_size = sizeof(struct pt_partition_start_in),
	  .decode = decode_start,
	  .invoke = invoke_start },
	{ .code = PT_CALL_PARTITION_PAUSE,
	  .flags = ROOT_FAST,
	  .decode = decode_running,
	  .invoke = invoke_pause },
	{ .code = PT_CALL_PARTITION_UNPAUSE,
	  .flags = ROOT_FAST,
	  .decode = decode_running,
	  .invoke = invoke_unpause },
	{ .code = PT_CALL_PARTITION_DESTROY,
	  .flags = ROOT_FAST,
	  .decode = decode_destroy,
	  .invoke = invoke_destroy },
	{ .code = PT_CALL_PARTITION_SHUTDOWN,
	  .flags = ROOT_FAST,
	  .decode = decode_running,
	  .invoke = invoke_shutdown },
	{ .code = PT_CALL_PARTITION_INFO,
	  .flags = ROOT_MEM,
	  .in_size = sizeof(struct pt_partition_ref),
	  .out_size = sizeof(struct pt_partition_info),
	  .decode = decode_ref_ended,
	  .invoke = invoke_info },
	{ .code = PT_CALL_PARTITION_STATS,
	  .flags = ROOT_MEM,
	  .in_size = sizeof(struct pt_partition_ref),
	  .out_size = sizeof(struct pt_partition_stats),
	  .decode = decode_ref,
	  .invoke = invoke_stats },
	{ .code = PT_CALL_CONSOLE_READ,
	  .flags = ROOT_MEM,
	  .in_size = sizeof(struct pt_partition_ref),
	  .out_size = PAGE_SIZE,
	  .decode = decode_ref_ended,
	  .invoke = invoke_console_read },
};
const u32 hcall_lifecycle_count = ARRAY_SIZE(hcall_lifecycle_table);
