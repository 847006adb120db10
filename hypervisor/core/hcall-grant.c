// SPDX-License-Identifier: GPL-2.0-only
/* Grant hypercalls: decode, and each rep element copied once from the list. */
#include <hv/grant.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <string.h>

static int decode_set_table(struct hcall_ctx *c)
{
	u64 gpa = c->regs->rdx, frames = c->regs->r8;

	if (!gpa)
		return frames ? PT_STATUS_INVALID_PARAMETER : PT_STATUS_SUCCESS;
	if (frames == 0 || frames > PT_GRANT_FRAMES_MAX)
		return PT_STATUS_INVALID_PARAMETER;
	return partition_check_shared_pages(c->p, gpa, frames);
}

static int invoke_set_table(struct hcall_ctx *c)
{
	u64 gpa = c->regs->rdx, frames = c->regs->r8;
	int status;

	if (!gpa)
		return grant_set_table(c->p, 0, 0);
	/* Checked again where no other vCPU can register the pages. */
	spin_lock(&c->p->shared_pages_lock);
	status = partition_check_shared_pages(c->p, gpa, frames);
	if (!status)
		status = grant_set_table(c->p, gpa, (u32)frames);
	spin_unlock(&c->p->shared_pages_lock);
	return status;
}

static int map_element(struct hcall_ctx *c, u32 i)
{
	struct pt_grant_map_out out = { 0 };
	struct pt_grant_map_in in;
	int status;

	if (partition_copy_from_guest(c->p, &in, c->regs->rdx + 16ull * i,
				      sizeof(in)))
		return PT_STATUS_INVALID_GPA;
	status = grant_map(c->p, &in, &out.handle);
	if (status)
		return status;
	if (partition_copy_to_guest(c->p, c->regs->r8 + 8ull * i, &out,
				    sizeof(out))) {
		/* The caller could not learn the handle: undo. */
		grant_unmap(c->p, out.handle);
		return PT_STATUS_INVALID_GPA;
	}
	return PT_STATUS_SUCCESS;
}

static int unmap_element(struct hcall_ctx *c, u32 i)
{
	u64 handle;

	if (partition_copy_from_guest(c->p, &handle, c->regs->rdx + 8ull * i,
				      sizeof(handle)))
		return PT_STATUS_INVALID_GPA;
	return grant_unmap(c->p, handle);
}

static int copy_element(struct hcall_ctx *c, u32 i)
{
	struct pt_grant_copy in;

	if (partition_copy_from_guest(c->p, &in, c->regs->rdx + 24ull * i,
				      sizeof(in)))
		return PT_STATUS_INVALID_GPA;
	return grant_copy(c->p, &in);
}

static int decode_ref(struct hcall_ctx *c)
{
	return c->regs->rdx > 0xFFFFFFFFull ? PT_STATUS_INVALID_GRANT_REF
					    : PT_STATUS_SUCCESS;
}

static int invoke_end_access(struct hcall_ctx *c)
{
	return grant_end_access(c->p, (u32)c->regs->rdx);
}

static int invoke_query(struct hcall_ctx *c)
{
	u64 mappings = 0, flags = 0;
	int status = grant_query(c->p, (u32)c->regs->rdx, &mappings, &flags);

	c->regs->rdx = mappings;
	c->regs->r8 = flags;
	return status;
}

static int invoke_window(struct hcall_ctx *c)
{
	grant_window(c->p, &c->regs->rdx, &c->regs->r8);
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_grant_table[] = {
	{ .code = PT_CALL_GRANT_SET_TABLE,
	  .flags = HC_FAST_OK,
	  .decode = decode_set_table,
	  .invoke = invoke_set_table },
	{ .code = PT_CALL_GRANT_MAP,
	  .flags = HC_MEM_OK | HC_REP,
	  .rep_in_size = sizeof(struct pt_grant_map_in),
	  .rep_out_size = sizeof(struct pt_grant_map_out),
	  .rep_element = map_element },
	{ .code = PT_CALL_GRANT_UNMAP,
	  .flags = HC_MEM_OK | HC_REP,
	  .rep_in_size = sizeof(u64),
	  .rep_element = unmap_element },
	{ .code = PT_CALL_GRANT_COPY,
	  .flags = HC_MEM_OK | HC_REP,
	  .rep_in_size = sizeof(struct pt_grant_copy),
	  .rep_element = copy_element },
	{ .code = PT_CALL_GRANT_END_ACCESS,
	  .flags = HC_FAST_OK,
	  .decode = decode_ref,
	  .invoke = invoke_end_access },
	{ .code = PT_CALL_GRANT_QUERY,
	  .flags = HC_FAST_OK,
	  .decode = decode_ref,
	  .invoke = invoke_query },
	{ .code = PT_CALL_GRANT_WINDOW,
	  .flags = HC_FAST_OK,
	  .invoke = invoke_window },
};
const u32 hcall_grant_count = ARRAY_SIZE(hcall_grant_table);
