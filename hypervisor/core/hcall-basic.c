// SPDX-License-Identifier: GPL-2.0-only
/* Hypercalls every partition may use: version, console, time, self, exit. */
#include <hv/console.h>
#include <hv/events.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/cpuid.h>
#include <string.h>

static int invoke_null(struct hcall_ctx *c)
{
	return PT_STATUS_SUCCESS;
}

static int invoke_get_version(struct hcall_ctx *c)
{
	c->regs->rdx = PT_INTERFACE_VERSION;
	c->regs->r8 = PARTITA_FEATURES;
	return PT_STATUS_SUCCESS;
}

static int decode_console_write(struct hcall_ctx *c)
{
	const struct pt_console_write_in *in = &c->input.console_write;

	if (in->reserved || in->length > PT_CONSOLE_WRITE_MAX)
		return PT_STATUS_INVALID_PARAMETER;
	/* The text must stay in the header's page as well. */
	if ((c->regs->rdx & (PAGE_SIZE - 1)) + sizeof(*in) + in->length >
	    PAGE_SIZE)
		return PT_STATUS_INVALID_ALIGNMENT;
	return PT_STATUS_SUCCESS;
}

static int invoke_console_write(struct hcall_ctx *c)
{
	/* The text after the header, as long as the checked copy says. */
	const struct pt_console_write_in *in = c->in;
	char text[256];
	u32 done = 0, len = c->input.console_write.length;

	/* Copy first: the guest may change its buffer while we log it. */
	while (done < len) {
		u32 n = MIN(len - done, (u32)sizeof(text));

		memcpy(text, in->text + done, n);
		console_write(c->p, text, n, time_now_ns());
		done += n;
	}
	return PT_STATUS_SUCCESS;
}

/* The root's CPU takes no hypervisor timers: Linux owns its APIC. */
static int decode_not_root(struct hcall_ctx *c)
{
	return c->p->id == ROOT_PARTITION_ID ? PT_STATUS_OPERATION_DENIED
					     : PT_STATUS_SUCCESS;
}

static int invoke_set_timer(struct hcall_ctx *c)
{
	struct vcpu *v = c->v;

	v->timer_deadline_ns = c->regs->rdx;
	if (v->vpap)
		v->vpap->timer_deadline_ns = c->regs->rdx;
	sched_timer_changed(v);
	return PT_STATUS_SUCCESS;
}

static int invoke_yield(struct hcall_ctx *c)
{
	c->result = HCALL_YIELD;
	return PT_STATUS_SUCCESS;
}

static int invoke_block(struct hcall_ctx *c)
{
	c->v->block_deadline_ns = c->regs->rdx;
	c->result = HCALL_BLOCK;
	return PT_STATUS_SUCCESS;
}

static int invoke_self_info(struct hcall_ctx *c)
{
	struct pt_self_info *out = c->out;

	memset(out, 0, sizeof(*out));
	out->partition_id = c->p->id;
	out->vcpu_index = c->v->index;
	out->vcpu_count = c->p->vcpu_count;
	out->weight = c->p->weight;
	out->memory_bytes = c->p->memory_bytes;
	out->physical_cpu = c->v->cpu;
	strlcpy(out->name, c->p->name, sizeof(out->name));
	return PT_STATUS_SUCCESS;
}

static int decode_shutdown_self(struct hcall_ctx *c)
{
	u64 reason = c->regs->rdx;

	if (reason != PT_SHUTDOWN_POWEROFF && reason != PT_SHUTDOWN_CRASH)
		return PT_STATUS_INVALID_PARAMETER;
	return PT_STATUS_SUCCESS;
}

static int invoke_shutdown_self(struct hcall_ctx *c)
{
	if (c->regs->rdx == PT_SHUTDOWN_POWEROFF)
		partition_end(c->p, PT_SHUTDOWN_POWEROFF, "poweroff");
	else
		partition_end(c->p, PT_SHUTDOWN_CRASH,
			      "the guest reported a crash");
	c->result = HCALL_GONE;
	return PT_STATUS_SUCCESS;
}

static int decode_get_call_stats(struct hcall_ctx *c)
{
	if (c->regs->rdx >= PT_CALL_STATS_MAX ||
	    (c->regs->r8 & ~PT_CALL_STATS_RESET))
		return PT_STATUS_INVALID_PARAMETER;
	return PT_STATUS_SUCCESS;
}

static int invoke_get_call_stats(struct hcall_ctx *c)
{
	struct hcall_stat *st = &c->p->hcall_stats[c->regs->rdx];
	bool reset = c->regs->r8 & PT_CALL_STATS_RESET;

	c->regs->rdx = st->count;
	c->regs->r8 = time_ticks_to_ns(st->worst_ticks);
	if (reset)
		memset(st, 0, sizeof(*st));
	return PT_STATUS_SUCCESS;
}

static int decode_entry_histogram(struct hcall_ctx *c)
{
	const struct pt_entry_histogram_in *in = &c->input.histogram;
	u32 code = in->code, flags = in->flags;

	if (code >= PT_CALL_STATS_MAX || (flags & ~PT_CALL_STATS_RESET))
		return PT_STATUS_INVALID_PARAMETER;
	return PT_STATUS_SUCCESS;
}

static int invoke_entry_histogram(struct hcall_ctx *c)
{
	const struct pt_entry_histogram_in *in = &c->input.histogram;
	struct hcall_stat *st = &c->p->hcall_stats[in->code];
	struct pt_entry_histogram *out = c->out;

	out->entries = hcall_stat_entries(st);
	out->worst_ns = time_ticks_to_ns(st->worst_ticks);
	for (u32 i = 0; i < PT_ENTRY_HIST_BUCKETS; i++)
		out->counts[i] = st->histogram[i];
	if (in->flags & PT_CALL_STATS_RESET)
		memset(st, 0, sizeof(*st));
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_basic_table[] = {
	{ .code = PT_CALL_NULL, .flags = HC_FAST_OK, .invoke = invoke_null },
	{ .code = PT_CALL_GET_VERSION,
	  .flags = HC_FAST_OK,
	  .invoke = invoke_get_version },
	{ .code = PT_CALL_CONSOLE_WRITE,
	  .flags = HC_MEM_OK,
	  .in_size = sizeof(struct pt_console_write_in),
	  .decode = decode_console_write,
	  .invoke = invoke_console_write },
	{ .code = PT_CALL_SET_TIMER,
	  .flags = HC_FAST_OK,
	  .decode = decode_not_root,
	  .invoke = invoke_set_timer },
	{ .code = PT_CALL_YIELD,
	  .flags = HC_FAST_OK,
	  .decode = decode_not_root,
	  .invoke = invoke_yield },
	{ .code = PT_CALL_BLOCK,
	  .flags = HC_FAST_OK,
	  .decode = decode_not_root,
	  .invoke = invoke_block },
	{ .code = PT_CALL_SELF_INFO,
	  .flags = HC_MEM_OK,
	  .out_size = sizeof(struct pt_self_info),
	  .invoke = invoke_self_info },
	{ .code = PT_CALL_SHUTDOWN_SELF,
	  .flags = HC_FAST_OK,
	  .decode = decode_shutdown_self,
	  .invoke = invoke_shutdown_self },
	{ .code = PT_CALL_GET_CALL_STATS,
	  .flags = HC_FAST_OK,
	  .decode = decode_get_call_stats,
	  .invoke = invoke_get_call_stats },
	{ .code = PT_CALL_GET_ENTRY_HISTOGRAM,
	  .flags = HC_MEM_OK,
	  .in_size = sizeof(struct pt_entry_histogram_in),
	  .out_size = sizeof(struct pt_entry_histogram),
	  .decode = decode_entry_histogram,
	  .invoke = invoke_entry_histogram },
};
const u32 hcall_basic_count = ARRAY_SIZE(hcall_basic_table);
