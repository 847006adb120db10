// SPDX-License-Identifier: GPL-2.0-only
/* Message hypercalls: decode checks the dispatcher's copy, then message.c. */
#include <hv/hcall.h>
#include <hv/message.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <string.h>

static int decode_set_page(struct hcall_ctx *c)
{
	return c->regs->rdx
		       ? partition_check_shared_pages(c->p, c->regs->rdx, 1)
		       : PT_STATUS_SUCCESS;
}

static int invoke_set_page(struct hcall_ctx *c)
{
	int status;

	if (!c->regs->rdx)
		return msg_set_page(c->v, 0);
	/* Checked again where no other vCPU can register the page. */
	spin_lock(&c->p->shared_pages_lock);
	status = partition_check_shared_pages(c->p, c->regs->rdx, 1);
	if (!status)
		status = msg_set_page(c->v, c->regs->rdx);
	spin_unlock(&c->p->shared_pages_lock);
	return status;
}

static int invoke_create(struct hcall_ctx *c)
{
	struct pt_msg_connection_out out = { 0 };
	int status = msg_create_connection(c->p, &c->input.connection,
					   &out.connection_id);

	memcpy(c->out, &out, sizeof(out));
	return status;
}

static int invoke_delete(struct hcall_ctx *c)
{
	if (c->regs->rdx > 0xFFFFFFFFull)
		return PT_STATUS_INVALID_CONNECTION_ID;
	return msg_delete_connection(c->p, (u32)c->regs->rdx);
}

static int decode_post(struct hcall_ctx *c)
{
	const struct pt_msg_post_in *in = &c->input.post;

	if (in->reserved)
		return PT_STATUS_INVALID_PARAMETER;
	if (in->message_type == PT_MSG_TYPE_NONE ||
	    in->message_type > PT_MSG_TYPE_MAX ||
	    in->payload_size > PT_MSG_PAYLOAD_MAX)
		return PT_STATUS_INVALID_PARAMETER;
	return PT_STATUS_SUCCESS;
}

static int invoke_post(struct hcall_ctx *c)
{
	return msg_post(c->p, &c->input.post);
}

static int decode_eom(struct hcall_ctx *c)
{
	return c->regs->rdx < PT_MSG_SLOTS ? PT_STATUS_SUCCESS
					   : PT_STATUS_INVALID_PARAMETER;
}

static int invoke_eom(struct hcall_ctx *c)
{
	return msg_eom(c->v, (u32)c->regs->rdx);
}

const struct hcall_desc hcall_message_table[] = {
	{ .code = PT_CALL_MSG_SET_PAGE,
	  .flags = HC_FAST_OK,
	  .decode = decode_set_page,
	  .invoke = invoke_set_page },
	{ .code = PT_CALL_MSG_CREATE_CONNECTION,
	  .flags = HC_MEM_OK,
	  .in_size = sizeof(struct pt_msg_connection_in),
	  .out_size = sizeof(struct pt_msg_connection_out),
	  .invoke = invoke_create },
	{ .code = PT_CALL_MSG_DELETE_CONNECTION,
	  .flags = HC_FAST_OK,
	  .invoke = invoke_delete },
	{ .code = PT_CALL_MSG_POST,
	  .flags = HC_MEM_OK,
	  .in_size = sizeof(struct pt_msg_post_in),
	  .decode = decode_post,
	  .invoke = invoke_post },
	{ .code = PT_CALL_MSG_EOM,
	  .flags = HC_FAST_OK,
	  .decode = decode_eom,
	  .invoke = invoke_eom },
};
const u32 hcall_message_count = ARRAY_SIZE(hcall_message_table);
